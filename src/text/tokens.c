/*
 * tokens.c — the tokens a matcher compares.
 *
 * ICU's word break iterator (with its dictionaries for Japanese and Chinese)
 * cuts the text; each piece becomes a token of one kind:
 *   WORD    letters (and the marks and apostrophes inside a word)
 *   NUMBER  digits with their separators ("3.5", "1,000", "２０１９")
 *   CJK     one Han, Hiragana or Katakana character: Japanese and Chinese
 *           are compared character by character
 *   PUNCT   any other non-space character
 * Spaces are not tokens; a token only records whether a space came before it.
 * Every token keeps its byte offsets in the original text and a normalized
 * form: NFC, full Unicode case folding, and full-width ASCII folded to ASCII
 * ("Ｔｏｋｙｏ" and "tokyo" are one word). The flag CC_TOKF_CASE says the
 * original differed from its folded form (for the case-only penalty).
 */
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/ucasemap.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "text/unicode.h"

struct cc_tokenizer {
    UBreakIterator *bi;
    const UNormalizer2 *nfc;
    cc_uchar *u;   /* the text in UTF-16 */
    uint32_t *off; /* byte offset of each unit, and of the end */
    size_t ucap, offcap;
    int32_t cap;          /* units u and off have room for */
    cc_uchar *tmp, *tmp2; /* per-token work buffers */
    size_t tmpcap1, tmpcap2;
    int32_t tmpcap; /* units both have room for */
};

int cc_tokenizer_new(cc_tokenizer **out, const char *locale)
{
    *out = NULL;
    cc_tokenizer *t = cc_calloc(1, sizeof(*t));
    if (!t)
        return cc_error_oom();
    UErrorCode st = U_ZERO_ERROR;
    t->bi = ubrk_open(UBRK_WORD, locale, NULL, 0, &st);
    if (U_SUCCESS(st))
        t->nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st)) {
        cc_tokenizer_free(t);
        return st == U_MEMORY_ALLOCATION_ERROR
                   ? cc_error_oom()
                   : cc_error_set(CONCORD_ERROR, "word break iterator: %s", u_errorName(st));
    }
    *out = t;
    return 0;
}

void cc_tokenizer_free(cc_tokenizer *t)
{
    if (!t)
        return;
    if (t->bi)
        ubrk_close(t->bi);
    cc_free(t->u);
    cc_free(t->off);
    cc_free(t->tmp);
    cc_free(t->tmp2);
    cc_free(t);
}

void cc_tokens_clear(cc_tokens *tk)
{
    tk->n = 0;
    cc_buf_clear(&tk->norm);
}

void cc_tokens_free(cc_tokens *tk)
{
    cc_free(tk->v);
    cc_buf_free(&tk->norm);
    memset(tk, 0, sizeof(*tk));
}

/* The text in UTF-16 and the byte offset of each unit and of the end: need + 1 offsets. */
static int grow_text(cc_tokenizer *t, int32_t need)
{
    int rc;
    if ((rc = cc_grow((void **)&t->u, &t->ucap, (size_t)need, sizeof(*t->u))) < 0 ||
        (rc = cc_grow((void **)&t->off, &t->offcap, (size_t)need + 1, sizeof(*t->off))) < 0)
        return rc;
    size_t cap = t->ucap < t->offcap - 1 ? t->ucap : t->offcap - 1;
    t->cap = cap > INT32_MAX ? INT32_MAX : (int32_t)cap;
    return 0;
}

static int grow_tmp(cc_tokenizer *t, int32_t need)
{
    int rc;
    if ((rc = cc_grow((void **)&t->tmp, &t->tmpcap1, (size_t)need, sizeof(*t->tmp))) < 0 ||
        (rc = cc_grow((void **)&t->tmp2, &t->tmpcap2, (size_t)need, sizeof(*t->tmp2))) < 0)
        return rc;
    size_t cap = t->tmpcap1 < t->tmpcap2 ? t->tmpcap1 : t->tmpcap2;
    t->tmpcap = cap > INT32_MAX ? INT32_MAX : (int32_t)cap;
    return 0;
}

static int is_cjk(uint32_t c)
{
    int sc = cc_uc_script(c);
    return sc == CC_SCRIPT_HAN || sc == CC_SCRIPT_HIRAGANA || sc == CC_SCRIPT_KATAKANA ||
           c == 0x30FC /* ー */ || c == 0x3005 /* 々 */;
}

/*
 * Append the normalized form of u[0..n) (NFC, case folded, full-width ASCII
 * folded) to tk->norm; *changed says whether case folding changed anything.
 */
static int normalize(cc_tokenizer *t, const cc_uchar *u, int32_t n, cc_tokens *tk, uint32_t *nstart,
                     uint32_t *nlen, int *changed)
{
    int rc;
    if ((rc = grow_tmp(t, n * 3 + 16)) < 0)
        return rc;
    /* full-width ASCII variants to ASCII, the ideographic space to a space */
    for (int32_t i = 0; i < n; i++) {
        cc_uchar c = u[i];
        t->tmp2[i] = (c >= 0xFF01 && c <= 0xFF5E) ? (cc_uchar)(c - 0xFEE0) : c == 0x3000 ? ' ' : c;
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t m = unorm2_normalize(t->nfc, t->tmp2, n, t->tmp, t->tmpcap, &st);
    if (U_FAILURE(st))
        return cc_error_set(CONCORD_ERROR, "normalization: %s", u_errorName(st));
    if ((rc = grow_tmp(t, m * 3 + 16)) < 0)
        return rc;
    st = U_ZERO_ERROR;
    int32_t f = u_strFoldCase(t->tmp2, t->tmpcap, t->tmp, m, U_FOLD_CASE_DEFAULT, &st);
    if (U_FAILURE(st))
        return cc_error_set(CONCORD_ERROR, "case folding: %s", u_errorName(st));
    *changed = f != m || memcmp(t->tmp2, t->tmp, (size_t)m * sizeof(cc_uchar)) != 0;
    /* to UTF-8 into the shared buffer */
    int32_t need = 0;
    st = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &need, t->tmp2, f, &st);
    if ((rc = cc_buf_reserve(&tk->norm, (size_t)need + 1)) < 0)
        return rc;
    st = U_ZERO_ERROR;
    u_strToUTF8(tk->norm.data + tk->norm.len, need + 1, NULL, t->tmp2, f, &st);
    if (U_FAILURE(st))
        return cc_error_set(CONCORD_ERROR, "UTF-16 to UTF-8: %s", u_errorName(st));
    *nstart = (uint32_t)tk->norm.len;
    *nlen = (uint32_t)need;
    tk->norm.len += (size_t)need;
    tk->norm.data[tk->norm.len++] = '\0';
    return 0;
}

static int add_token(cc_tokenizer *t, cc_tokens *tk, int kind, int32_t a, int32_t b,
                     int space_before)
{
    int rc;
    if ((rc = cc_grow((void **)&tk->v, &tk->cap, tk->n + 1, sizeof(*tk->v))) < 0)
        return rc;
    cc_token *k = &tk->v[tk->n];
    int changed = 0;
    if ((rc = normalize(t, t->u + a, b - a, tk, &k->norm, &k->norm_len, &changed)) < 0)
        return rc;
    k->kind = (uint8_t)kind;
    k->flags = (uint8_t)((changed ? CC_TOKF_CASE : 0) | (space_before ? CC_TOKF_SPACE : 0) |
                         CC_TOKF_BREAK);
    k->start = t->off[a];
    k->end = t->off[b];
    tk->n++;
    return 0;
}

int cc_tokenize(cc_tokenizer *t, const char *text, size_t len, cc_tokens *tk)
{
    int rc;
    cc_tokens_clear(tk);
    if (len >= (size_t)INT32_MAX / 2)
        return cc_error_set(CONCORD_ELIMIT, "text too long to tokenize");
    if ((rc = grow_text(t, (int32_t)len + 1)) < 0)
        return rc;
    /* to UTF-16 with the byte offset of every unit (the text is valid UTF-8) */
    const unsigned char *s = (const unsigned char *)text;
    int32_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t ci = i;
        uint32_t c = cc_utf8_decode(s, &i);
        if (c < 0x10000) {
            t->u[n] = (cc_uchar)c;
            t->off[n++] = (uint32_t)ci;
        } else {
            t->u[n] = (cc_uchar)(0xD800 + ((c - 0x10000) >> 10));
            t->off[n++] = (uint32_t)ci;
            t->u[n] = (cc_uchar)(0xDC00 + ((c - 0x10000) & 0x3FF));
            t->off[n++] = (uint32_t)ci;
        }
    }
    t->off[n] = (uint32_t)len;
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(t->bi, t->u, n, &st);
    if (U_FAILURE(st))
        return cc_error_set(CONCORD_ERROR, "word break iterator: %s", u_errorName(st));
    int32_t a = ubrk_first(t->bi), b;
    int space = 0;
    while ((b = ubrk_next(t->bi)) != UBRK_DONE) {
        int32_t status = ubrk_getRuleStatus(t->bi);
        int k;
        uint32_t c = cc_u16_at(t->u, a, n, &k);
        if (status >= UBRK_WORD_NONE && status < UBRK_WORD_NONE_LIMIT) {
            /* spaces and punctuation: one token per non-space character */
            for (int32_t i = a; i < b; i += k) {
                c = cc_u16_at(t->u, i, n, &k);
                if (cc_is_space(c)) {
                    space = 1;
                    continue;
                }
                if ((rc = add_token(t, tk, is_cjk(c) ? CC_TOK_CJK : CC_TOK_PUNCT, i, i + k,
                                    space)) < 0)
                    return rc;
                space = 0;
            }
        } else if (status >= UBRK_WORD_NUMBER && status < UBRK_WORD_NUMBER_LIMIT) {
            if ((rc = add_token(t, tk, CC_TOK_NUMBER, a, b, space)) < 0)
                return rc;
            space = 0;
        } else if (is_cjk(c)) {
            /* Japanese and Chinese words: one token per character */
            for (int32_t i = a; i < b; i += k) {
                c = cc_u16_at(t->u, i, n, &k);
                if ((rc = add_token(t, tk, is_cjk(c) ? CC_TOK_CJK : CC_TOK_WORD, i, i + k, space)) <
                    0)
                    return rc;
                /* inside a dictionary word the characters are not word starts */
                if (i > a)
                    tk->v[tk->n - 1].flags &= (uint8_t)~CC_TOKF_BREAK;
                space = 0;
            }
        } else {
            if ((rc = add_token(t, tk, CC_TOK_WORD, a, b, space)) < 0)
                return rc;
            space = 0;
        }
        a = b;
    }
    return 0;
}

int cc_count_words(cc_tokenizer *t, const char *text, size_t len, size_t *words)
{
    int rc;
    *words = 0;
    if (len >= (size_t)INT32_MAX / 2)
        return cc_error_set(CONCORD_ELIMIT, "text too long to count");
    if ((rc = grow_text(t, (int32_t)len + 1)) < 0)
        return rc;
    int32_t n = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(t->u, t->cap, &n, text, (int32_t)len, &st);
    if (U_FAILURE(st))
        return cc_error_set(CONCORD_ERROR, "UTF-8 to UTF-16: %s", u_errorName(st));
    ubrk_setText(t->bi, t->u, n, &st);
    if (U_FAILURE(st))
        return cc_error_set(CONCORD_ERROR, "word break iterator: %s", u_errorName(st));
    ubrk_first(t->bi);
    while (ubrk_next(t->bi) != UBRK_DONE)
        if (ubrk_getRuleStatus(t->bi) >= UBRK_WORD_NONE_LIMIT)
            (*words)++;
    return 0;
}
