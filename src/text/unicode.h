/*
 * unicode.h — the text module, the only part of concord that includes ICU.
 *
 * UTF-8 is the currency everywhere else; UTF-16 (cc_uchar, identical to ICU's
 * UChar) exists only between this module and the code that hands it buffers
 * to break or match. Errors from ICU are translated here into CONCORD_E...
 * codes with u_errorName() kept in the message.
 */
#ifndef CC_UNICODE_H
#define CC_UNICODE_H

#include <stdint.h>

#include "base/base.h"
#include "concord/text.h"

typedef uint16_t cc_uchar;

/* ---- UTF-8 (utf8.c, no ICU) ------------------------------------------- */

/*
 * Offset of the first byte of text[0..len) that is not part of well-formed
 * UTF-8, or of the first NUL byte when reject_nul is set; len if none.
 * *why (optional) receives a short description of the problem.
 */
size_t cc_utf8_find_invalid(const char *text, size_t len, int reject_nul, const char **why);

/*
 * A position in a text that is read in pieces: the 1-based line and column
 * (in code points) of the next byte, with lines ending at LF, CR LF or a lone
 * CR as concord_text_position() counts them; cr: the last byte was a CR.
 */
typedef struct cc_textpos {
    unsigned long line, column;
    int cr;
} cc_textpos;

#define CC_TEXTPOS_INIT                                                                            \
    {                                                                                              \
        1, 1, 0                                                                                    \
    }

/* Move p over text[0..n) (which may end in the middle of a sequence). */
void cc_textpos_advance(cc_textpos *p, const char *text, size_t n);

/* Decode the code point at s[*i] of valid UTF-8 and advance *i past it. */
static inline uint32_t cc_utf8_decode(const unsigned char *s, size_t *i)
{
    uint32_t c = s[*i];
    if (c < 0x80) {
        *i += 1;
        return c;
    }
    if (c < 0xE0) {
        c = ((c & 0x1F) << 6) | (s[*i + 1] & 0x3F);
        *i += 2;
    } else if (c < 0xF0) {
        c = ((c & 0x0F) << 12) | ((uint32_t)(s[*i + 1] & 0x3F) << 6) | (s[*i + 2] & 0x3F);
        *i += 3;
    } else {
        c = ((c & 0x07) << 18) | ((uint32_t)(s[*i + 1] & 0x3F) << 12) |
            ((uint32_t)(s[*i + 2] & 0x3F) << 6) | (s[*i + 3] & 0x3F);
        *i += 4;
    }
    return c;
}

/* Start offset of the code point that ends just before s[i] (valid UTF-8, i > 0). */
static inline size_t cc_utf8_prev(const unsigned char *s, size_t i)
{
    do {
        i--;
    } while (i > 0 && (s[i] & 0xC0) == 0x80);
    return i;
}

/* Unicode White_Space, by table (the same set as u_isUWhiteSpace). */
static inline int cc_is_space(uint32_t c)
{
    if (c < 0x80)
        return c == ' ' || (c >= 0x09 && c <= 0x0D);
    switch (c) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return 1;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

/* A line break: LF, VT, FF, CR, NEL, LS, PS. */
static inline int cc_is_newline(uint32_t c)
{
    return (c >= 0x0A && c <= 0x0D) || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* ---- code point properties (unicode.c, ICU) --------------------------- */

enum cc_script {
    CC_SCRIPT_OTHER = 0,
    CC_SCRIPT_COMMON, /* digits, punctuation, symbols, spaces */
    CC_SCRIPT_LATIN,
    CC_SCRIPT_CYRILLIC,
    CC_SCRIPT_GREEK,
    CC_SCRIPT_HAN,
    CC_SCRIPT_HIRAGANA,
    CC_SCRIPT_KATAKANA
};

int cc_uc_is_upper(uint32_t c);  /* Uppercase or Titlecase letter */
int cc_uc_is_lower(uint32_t c);  /* Lowercase */
int cc_uc_is_alpha(uint32_t c);  /* Alphabetic */
int cc_uc_is_digit(uint32_t c);  /* Decimal digit (any script) */
int cc_uc_is_opener(uint32_t c); /* Ps, Pi, or an ambiguous quotation mark (" ') */
int cc_uc_is_closer(uint32_t c); /* Pe, Pf, or an ambiguous quotation mark (" ') */
int cc_uc_is_pstart(uint32_t c); /* Ps: an opening bracket ( [ { 「 『 （ */
int cc_uc_script(uint32_t c);    /* enum cc_script */
int cc_uc_is_sterm(uint32_t c);  /* Sentence_Terminal: . ! ? 。 ！ ？ ... */

/* ---- UTF-16 helpers for buffers handed to ICU ------------------------- */

/* The code point starting at u[i] (i < n), and its length in units via *units. */
static inline uint32_t cc_u16_at(const cc_uchar *u, int32_t i, int32_t n, int *units)
{
    uint32_t c = u[i];
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] < 0xE000) {
        *units = 2;
        return 0x10000 + ((c - 0xD800) << 10) + (u[i + 1] - 0xDC00);
    }
    *units = 1;
    return c;
}

/* The code point ending just before u[i] (i > 0), and its length via *units. */
static inline uint32_t cc_u16_before(const cc_uchar *u, int32_t i, int *units)
{
    uint32_t c = u[i - 1];
    if (c >= 0xDC00 && c < 0xE000 && i >= 2 && u[i - 2] >= 0xD800 && u[i - 2] < 0xDC00) {
        *units = 2;
        return 0x10000 + ((uint32_t)(u[i - 2] - 0xD800) << 10) + (c - 0xDC00);
    }
    *units = 1;
    return c;
}

/* ---- conversions and normalization (unicode.c) ------------------------ */

/*
 * Convert valid UTF-8 to UTF-16. *out (cc_malloc'ed, NUL-terminated) and
 * *out_len belong to the caller. Returns 0, CONCORD_EENCODING, CONCORD_ENOMEM
 * or CONCORD_ELIMIT (more than 2^31-1 units).
 */
int cc_utf16_from_utf8(const char *s, size_t len, cc_uchar **out, int32_t *out_len);

/* Convert UTF-16 to UTF-8. *out (cc_malloc'ed, NUL-terminated) belongs to the caller. */
int cc_utf8_from_utf16(const cc_uchar *u, int32_t n, char **out, size_t *out_len);

/* NFC of valid UTF-8 text, as UTF-8. *out belongs to the caller. */
int cc_text_nfc(const char *s, size_t len, char **out, size_t *out_len);

/*
 * Full Unicode case folding after NFC (so "Straße" and "STRASSE" fold to the
 * same "strasse"), as UTF-8. *out belongs to the caller.
 */
int cc_text_casefold(const char *s, size_t len, char **out, size_t *out_len);

/* ---- charsets (convert.c) --------------------------------------------- */

/*
 * A converter between UTF-8 and a charset ICU knows ("windows-1251",
 * "EUC-JP", "UTF-16BE", "Shift_JIS", ...). Never substitutes: a byte that is
 * not valid in the charset, or a character it cannot hold, is an error with
 * its position. A converter keeps the state of a multi-byte sequence cut
 * between two calls of cc_conv_to_utf8() until `flush`.
 */
typedef struct cc_conv cc_conv;

/* *out belongs to the caller: cc_conv_close(). CONCORD_EUNSUPPORTED for a charset ICU does not know. */
int cc_conv_open(cc_conv **out, const char *charset);
void cc_conv_close(cc_conv *c); /* NULL is a no-op */
/* ICU's canonical name of the charset. */
const char *cc_conv_name(const cc_conv *c);
/* Forget a cut sequence (before a new, unrelated input). */
void cc_conv_reset(cc_conv *c);

/*
 * Decode in[0..n) and append the UTF-8 to out; `flush` at the end of the
 * input (a sequence cut there is then an error). CONCORD_EENCODING with *bad
 * (may be NULL) = the offset in `in` where the bad sequence starts.
 */
int cc_conv_to_utf8(cc_conv *c, const char *in, size_t n, int flush, cc_buf *out, size_t *bad);

/*
 * Encode valid UTF-8 s[0..n) into the charset, appended to out.
 * CONCORD_EENCODING with *bad = the offset in s of the first character the
 * charset cannot hold (the caller may write it another way, e.g. as an XML
 * character reference, and go on after it); out then holds what precedes it.
 */
int cc_conv_from_utf8(cc_conv *c, const char *s, size_t n, cc_buf *out, size_t *bad);

/* ---- break iterators (unicode.c) -------------------------------------- */

typedef enum cc_break_kind { CC_BREAK_SENTENCE, CC_BREAK_WORD } cc_break_kind;

typedef struct cc_breaker cc_breaker;

/* A break iterator of `kind` for an ICU locale id such as "en" or "ja". */
int cc_breaker_open(cc_breaker **out, cc_break_kind kind, const char *locale);
void cc_breaker_close(cc_breaker *b);

/* Point the iterator at u[0..n) (not copied). */
int cc_breaker_set_text(cc_breaker *b, const cc_uchar *u, int32_t n);

/* The next boundary after the current one, or -1 when done (n is reported). */
int32_t cc_breaker_next(cc_breaker *b);

/* The rule status of the boundary last returned (ICU's UBRK_WORD_* values). */
int32_t cc_breaker_status(cc_breaker *b);

/* ---- regular expressions (unicode.c), ICU syntax = Java syntax -------- */

typedef struct cc_regex cc_regex;

#define CC_REGEX_CASELESS 1u

/*
 * Compile a UTF-8 pattern. On a syntax error returns CONCORD_EPARSE with the
 * message naming ICU's error and *err_offset (optional) set to the 0-based
 * code point offset in the pattern.
 */
int cc_regex_compile(cc_regex **out, const char *pattern, unsigned flags, int32_t *err_offset);
void cc_regex_free(cc_regex *re);

/* Match against u[0..n) (not copied). */
int cc_regex_set_text(cc_regex *re, const cc_uchar *u, int32_t n);

/*
 * The first match starting at or after `from`: 1 with [*start, *end), 0 if
 * none, negative on error (e.g. ICU's time or stack limit).
 */
int cc_regex_find(cc_regex *re, int32_t from, int32_t *start, int32_t *end);

/*
 * The first match starting at or after `from` and lying within the region
 * [region_start, region_limit): lookbehind sees no further than region_start.
 * ^ matches at region_start only if anchor_at_start and from == region_start.
 * CONCORD_ELIMIT when the pattern takes too long (ICU's time limit).
 */
int cc_regex_find_in(cc_regex *re, int32_t region_start, int32_t region_limit, int32_t from,
                     int anchor_at_start, int32_t *start, int32_t *end);

/* ---- tokens for matching (tokens.c) ------------------------------------ */

enum cc_token_kind { CC_TOK_WORD = 1, CC_TOK_NUMBER, CC_TOK_CJK, CC_TOK_PUNCT };

#define CC_TOKF_CASE  1u /* the original differs from the folded form */
#define CC_TOKF_SPACE 2u /* whitespace came before the token */
#define CC_TOKF_BREAK 4u /* ICU's word breaks (dictionaries for ja, zh) start a word here */

typedef struct cc_token {
    uint8_t kind;            /* enum cc_token_kind */
    uint8_t flags;           /* CC_TOKF_* */
    uint32_t start, end;     /* byte offsets in the text */
    uint32_t norm, norm_len; /* the normalized form: tokens->norm.data + norm */
} cc_token;

typedef struct cc_tokens {
    cc_token *v;
    size_t n, cap;
    cc_buf norm; /* the normalized forms, each NUL-terminated */
} cc_tokens;

#define CC_TOKENS_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0, CC_BUF_INIT                                                                    \
    }

typedef struct cc_tokenizer cc_tokenizer;

/* A tokenizer for an ICU locale id ("en", "ja"): word breaks and dictionaries. */
int cc_tokenizer_new(cc_tokenizer **out, const char *locale);
void cc_tokenizer_free(cc_tokenizer *t);

/*
 * Cut valid UTF-8 text[0..len) into tokens (see tokens.c), replacing what
 * *tokens held. Returns 0, CONCORD_ENOMEM, CONCORD_ELIMIT.
 */
int cc_tokenize(cc_tokenizer *t, const char *text, size_t len, cc_tokens *tokens);
void cc_tokens_clear(cc_tokens *tokens);

/*
 * The words of valid UTF-8 text[0..len) as ICU counts them: the pieces its
 * word break rules (and dictionaries, for Japanese) mark as letters,
 * numbers, kana or ideographs.
 */
int cc_count_words(cc_tokenizer *t, const char *text, size_t len, size_t *words);
void cc_tokens_free(cc_tokens *tokens);

/* ---- stemming (stem.c, libstemmer) ------------------------------------- */

typedef struct cc_stemmer cc_stemmer;

/*
 * A Snowball stemmer for the primary subtag of lang ("ru-RU" -> Russian).
 * *out is NULL (and 0 returned) when Snowball has no stemmer for it.
 */
int cc_stemmer_new(cc_stemmer **out, const char *lang);
void cc_stemmer_free(cc_stemmer *s);

/*
 * The stem of a case-folded UTF-8 word. *out is borrowed until the next call
 * on s and is not NUL-terminated.
 */
int cc_stem(cc_stemmer *s, const char *word, size_t len, const char **out, size_t *out_len);

/* ---- languages (lang.c) ----------------------------------------------- */

/*
 * The primary language subtag of a canonical tag ("ru-RU" -> "ru"), written
 * into out[0..outsize).
 */
void cc_lang_primary(const char *tag, char *out, size_t outsize);

/*
 * Does language range `range` (a canonical tag such as "en" or "en-US") take
 * tag `tag`? The basic filtering of RFC 4647 section 3.3.1: the range is the
 * tag or a prefix of it that ends at a subtag ("en" takes en, en-US, en-GB;
 * "en-US" takes en-US and en-US-x-twain, not en). Tags are compared without
 * regard to case, as BCP 47 says, and '_' counts as '-'.
 */
int cc_lang_matches(const char *range, const char *tag);

/*
 * Is the language of a canonical tag one ICU has data for ("en", "ru-RU";
 * not "und", "qaa", "xx")? For guessing whether a word is meant as a tag (a
 * header row of a glossary); a well-formed tag is valid whatever this says.
 */
int cc_lang_known(const char *tag);

/* Do tags a and b have the same primary language subtag (en-US and en-GB do)? */
int cc_lang_primary_eq(const char *a, const char *b);

#endif
