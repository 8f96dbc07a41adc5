/*
 * unicode.c — ICU glue: conversions, normalization, case folding, character
 * properties, break iterators and regular expressions.
 *
 * Following SQLite's ext/icu/icu.c: every call checks U_FAILURE(), buffers
 * are retried on U_BUFFER_OVERFLOW_ERROR, and failures are reported with
 * u_errorName().
 */
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ucasemap.h>
#include <unicode/unorm2.h>
#include <unicode/uregex.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>

#include "text/unicode.h"

static int icu_error(UErrorCode st, const char *what)
{
    if (st == U_MEMORY_ALLOCATION_ERROR)
        return cc_error_oom();
    if (st == U_INVALID_CHAR_FOUND || st == U_ILLEGAL_CHAR_FOUND || st == U_TRUNCATED_CHAR_FOUND)
        return cc_error_set(CONCORD_EENCODING, "%s: invalid text (%s)", what, u_errorName(st));
    return cc_error_set(CONCORD_ERROR, "%s failed: %s", what, u_errorName(st));
}

/* ---- properties -------------------------------------------------------- */

/* ASCII answers without a call into ICU: the segmenter asks about every letter
   around a candidate break. They are the same as ICU's. */

int cc_uc_is_upper(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    return u_isUUppercase((UChar32)c) || u_istitle((UChar32)c);
}

int cc_uc_is_lower(uint32_t c)
{
    if (c < 0x80)
        return c >= 'a' && c <= 'z';
    return u_isULowercase((UChar32)c);
}

int cc_uc_is_alpha(uint32_t c)
{
    if (c < 0x80)
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    return u_isUAlphabetic((UChar32)c);
}

int cc_uc_is_digit(uint32_t c)
{
    return u_isdigit((UChar32)c);
}

int cc_uc_is_sterm(uint32_t c)
{
    if (c < 0x80)
        return c == '.' || c == '!' || c == '?';
    return u_hasBinaryProperty((UChar32)c, UCHAR_S_TERM);
}

static int is_ambiguous_quote(uint32_t c)
{
    return c == '"' || c == '\'' || c == 0xFF02 || c == 0xFF07;
}

int cc_uc_is_opener(uint32_t c)
{
    if (c < 0x80)
        return c == '(' || c == '[' || c == '{' || is_ambiguous_quote(c);
    int8_t t = u_charType((UChar32)c);
    return t == U_START_PUNCTUATION || t == U_INITIAL_PUNCTUATION || is_ambiguous_quote(c);
}

int cc_uc_is_closer(uint32_t c)
{
    if (c < 0x80)
        return c == ')' || c == ']' || c == '}' || is_ambiguous_quote(c);
    int8_t t = u_charType((UChar32)c);
    return t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION || is_ambiguous_quote(c);
}

int cc_uc_is_pstart(uint32_t c)
{
    return u_charType((UChar32)c) == U_START_PUNCTUATION;
}

int cc_uc_script(uint32_t c)
{
    if (c < 0x80)
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? CC_SCRIPT_LATIN : CC_SCRIPT_COMMON;
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript((UChar32)c, &st);
    if (U_FAILURE(st))
        return CC_SCRIPT_OTHER;
    switch (sc) {
    case USCRIPT_COMMON:
    case USCRIPT_INHERITED:
        return CC_SCRIPT_COMMON;
    case USCRIPT_LATIN:
        return CC_SCRIPT_LATIN;
    case USCRIPT_CYRILLIC:
        return CC_SCRIPT_CYRILLIC;
    case USCRIPT_GREEK:
        return CC_SCRIPT_GREEK;
    case USCRIPT_HAN:
        return CC_SCRIPT_HAN;
    case USCRIPT_HIRAGANA:
        return CC_SCRIPT_HIRAGANA;
    case USCRIPT_KATAKANA:
        return CC_SCRIPT_KATAKANA;
    default:
        return CC_SCRIPT_OTHER;
    }
}

/* ---- conversions ------------------------------------------------------- */

int cc_utf16_from_utf8(const char *s, size_t len, cc_uchar **out, int32_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (len >= (size_t)INT32_MAX)
        return cc_error_set(CONCORD_ELIMIT, "text longer than 2 GiB");
    /* UTF-16 never needs more units than UTF-8 has bytes. */
    UChar *u = cc_malloc((len + 1) * sizeof(UChar));
    if (!u)
        return cc_error_oom();
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8(u, (int32_t)len + 1, &n, s, (int32_t)len, &st);
    if (U_FAILURE(st)) {
        cc_free(u);
        return icu_error(st, "UTF-8 to UTF-16 conversion");
    }
    *out = u;
    *out_len = n;
    return 0;
}

int cc_utf8_from_utf16(const cc_uchar *u, int32_t n, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = 0;
    u_strToUTF8(NULL, 0, &need, u, n, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return icu_error(st, "UTF-16 to UTF-8 conversion");
    char *p = cc_malloc((size_t)need + 1);
    if (!p)
        return cc_error_oom();
    st = U_ZERO_ERROR;
    u_strToUTF8(p, need + 1, NULL, u, n, &st);
    if (U_FAILURE(st)) {
        cc_free(p);
        return icu_error(st, "UTF-16 to UTF-8 conversion");
    }
    p[need] = '\0';
    *out = p;
    *out_len = (size_t)need;
    return 0;
}

int cc_text_nfc(const char *s, size_t len, char **out, size_t *out_len)
{
    int rc;
    UChar *u = NULL, *v = NULL;
    int32_t n = 0;
    UErrorCode st = U_ZERO_ERROR;
    *out = NULL;
    *out_len = 0;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st))
        return icu_error(st, "NFC normalizer");
    if (len > (size_t)INT32_MAX / 2)
        return cc_error_set(CONCORD_ELIMIT, "text too long to normalize");
    if ((rc = cc_utf16_from_utf8(s, len, &u, &n)) < 0)
        return rc;
    int32_t cap = n + n / 4 + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        v = cc_malloc((size_t)cap * sizeof(UChar));
        if (!v) {
            rc = cc_error_oom();
            goto done;
        }
        st = U_ZERO_ERROR;
        int32_t m = unorm2_normalize(nfc, u, n, v, cap, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR && attempt == 0) {
            cc_free(v);
            v = NULL;
            cap = m + 1;
            continue;
        }
        if (U_FAILURE(st)) {
            rc = icu_error(st, "NFC normalization");
            goto done;
        }
        rc = cc_utf8_from_utf16(v, m, out, out_len);
        goto done;
    }
    rc = cc_error_set(CONCORD_ERROR, "NFC normalization: buffer size changed");
done:
    cc_free(u);
    cc_free(v);
    return rc;
}

int cc_text_casefold(const char *s, size_t len, char **out, size_t *out_len)
{
    char *nfc = NULL;
    size_t nfc_len = 0;
    int rc;
    *out = NULL;
    *out_len = 0;
    if ((rc = cc_text_nfc(s, len, &nfc, &nfc_len)) < 0)
        return rc;
    if (nfc_len > (size_t)INT32_MAX / 4) {
        cc_free(nfc);
        return cc_error_set(CONCORD_ELIMIT, "text too long to case-fold");
    }
    UErrorCode st = U_ZERO_ERROR;
    UCaseMap *cm = ucasemap_open("", U_FOLD_CASE_DEFAULT, &st);
    if (U_FAILURE(st)) {
        cc_free(nfc);
        return icu_error(st, "case map");
    }
    int32_t cap = (int32_t)nfc_len + 16;
    char *p = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        p = cc_malloc((size_t)cap + 1);
        if (!p) {
            rc = cc_error_oom();
            break;
        }
        st = U_ZERO_ERROR;
        int32_t m = ucasemap_utf8FoldCase(cm, p, cap, nfc, (int32_t)nfc_len, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR && attempt == 0) {
            cc_free(p);
            p = NULL;
            cap = m + 1;
            continue;
        }
        if (U_FAILURE(st)) {
            rc = icu_error(st, "case folding");
            cc_free(p);
            p = NULL;
            break;
        }
        p[m] = '\0';
        *out = p;
        *out_len = (size_t)m;
        rc = 0;
        break;
    }
    ucasemap_close(cm);
    cc_free(nfc);
    return rc;
}

/* ---- break iterators --------------------------------------------------- */

struct cc_breaker {
    UBreakIterator *bi;
};

int cc_breaker_open(cc_breaker **out, cc_break_kind kind, const char *locale)
{
    *out = NULL;
    cc_breaker *b = cc_calloc(1, sizeof(*b));
    if (!b)
        return cc_error_oom();
    UErrorCode st = U_ZERO_ERROR;
    b->bi = ubrk_open(kind == CC_BREAK_WORD ? UBRK_WORD : UBRK_SENTENCE, locale, NULL, 0, &st);
    if (U_FAILURE(st)) {
        cc_free(b);
        return icu_error(st, "opening a break iterator");
    }
    *out = b;
    return 0;
}

void cc_breaker_close(cc_breaker *b)
{
    if (!b)
        return;
    ubrk_close(b->bi);
    cc_free(b);
}

int cc_breaker_set_text(cc_breaker *b, const cc_uchar *u, int32_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(b->bi, u, n, &st);
    if (U_FAILURE(st))
        return icu_error(st, "break iterator");
    return 0;
}

int32_t cc_breaker_next(cc_breaker *b)
{
    int32_t p = ubrk_next(b->bi);
    return p == UBRK_DONE ? -1 : p;
}

int32_t cc_breaker_status(cc_breaker *b)
{
    return ubrk_getRuleStatus(b->bi);
}

/* ---- regular expressions ----------------------------------------------- */

struct cc_regex {
    URegularExpression *re;
};

int cc_regex_compile(cc_regex **out, const char *pattern, unsigned flags, int32_t *err_offset)
{
    *out = NULL;
    if (err_offset)
        *err_offset = -1;
    cc_regex *r = cc_calloc(1, sizeof(*r));
    if (!r)
        return cc_error_oom();
    UParseError pe;
    memset(&pe, 0, sizeof(pe));
    UErrorCode st = U_ZERO_ERROR;
    uint32_t f = (flags & CC_REGEX_CASELESS) ? UREGEX_CASE_INSENSITIVE : 0;
    cc_uchar *upat = NULL;
    int32_t ulen = 0;
    int rc = cc_utf16_from_utf8(pattern, strlen(pattern), &upat, &ulen);
    if (rc < 0) {
        cc_free(r);
        return rc;
    }
    r->re = uregex_open(upat, ulen, f, &pe, &st);
    cc_free(upat);
    if (U_FAILURE(st)) {
        cc_free(r);
        if (st == U_MEMORY_ALLOCATION_ERROR)
            return cc_error_oom();
        if (err_offset)
            *err_offset = pe.offset;
        return cc_error_set(CONCORD_EPARSE, "invalid regular expression (%s)", u_errorName(st));
    }
    /* Guard against catastrophic backtracking in users' patterns: ICU counts
       "steps" of its engine, each of the order of a millisecond or less. */
    st = U_ZERO_ERROR;
    uregex_setTimeLimit(r->re, 1000, &st);
    *out = r;
    return 0;
}

void cc_regex_free(cc_regex *r)
{
    if (!r)
        return;
    uregex_close(r->re);
    cc_free(r);
}

int cc_regex_set_text(cc_regex *r, const cc_uchar *u, int32_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    uregex_setText(r->re, u, n, &st);
    if (U_FAILURE(st))
        return icu_error(st, "regular expression");
    return 0;
}

/* The result of a find: 1 with the match's bounds, 0, or an error. */
static int match_result(cc_regex *r, UBool found, UErrorCode st, int32_t *start, int32_t *end)
{
    if (st == U_REGEX_TIME_OUT || st == U_REGEX_STACK_OVERFLOW)
        return cc_error_set(CONCORD_ELIMIT,
                            "the regular expression takes too long on this text "
                            "(%s)",
                            u_errorName(st));
    if (U_FAILURE(st))
        return icu_error(st, "regular expression match");
    if (!found)
        return 0;
    *start = uregex_start(r->re, 0, &st);
    *end = uregex_end(r->re, 0, &st);
    if (U_FAILURE(st))
        return icu_error(st, "regular expression match");
    return 1;
}

int cc_regex_find_in(cc_regex *r, int32_t region_start, int32_t region_limit, int32_t from,
                     int anchor_at_start, int32_t *start, int32_t *end)
{
    UErrorCode st = U_ZERO_ERROR;
    uregex_useAnchoringBounds(r->re, anchor_at_start && from == region_start, &st);
    uregex_useTransparentBounds(r->re, 0, &st);
    uregex_setRegionAndStart(r->re, region_start, region_limit, from, &st);
    if (U_FAILURE(st))
        return icu_error(st, "regular expression");
    UBool found = uregex_findNext(r->re, &st);
    return match_result(r, found, st, start, end);
}

int cc_regex_find(cc_regex *r, int32_t from, int32_t *start, int32_t *end)
{
    UErrorCode st = U_ZERO_ERROR;
    UBool found = uregex_find(r->re, from, &st);
    return match_result(r, found, st, start, end);
}
