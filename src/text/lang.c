/*
 * lang.c — BCP 47 language tags: well-formedness, canonical case, the
 * primary subtag that picks built-in rules, and the one rule by which a
 * language asked for takes a tag ("en" takes en-US).
 *
 * Well-formed means the grammar of RFC 5646 section 2.1: language (2-3
 * letters, up to three extended subtags), script, region, variants,
 * extensions and private use, or a whole private-use tag ("x-klingon"), or
 * one of the irregular grandfathered tags ("i-klingon", "en-GB-oed"). The
 * registry is not consulted: "und", "qaa".."qtz" (private use) and
 * unassigned codes such as "xx" are well-formed and get ICU's root rules
 * where ICU has none. One deliberate narrowing: a language subtag of 4 to 8
 * letters, which the grammar reserves for registrations that do not exist,
 * is refused, so that a typo such as "english" is reported.
 */
#include <string.h>

#include <unicode/uloc.h>

#include "concord/text.h"
#include "text/unicode.h"

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static int all(const char *s, size_t n, int (*pred)(char))
{
    for (size_t i = 0; i < n; i++)
        if (!pred(s[i]))
            return 0;
    return 1;
}

/* The irregular grandfathered tags (RFC 5646 section 2.2.8), in their registered case. */
static const char *const irregular[] = {
    "en-GB-oed", "i-ami", "i-bnn",     "i-default", "i-enochian", "i-hak",
    "i-klingon", "i-lux", "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",
    "i-tay",     "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE"};

/* Are tags a and b[0..n) the same, ignoring case and '-' / '_'? */
static int same_tag(const char *a, const char *b, size_t n)
{
    size_t i = 0;
    for (; i < n && a[i]; i++) {
        char x = a[i] == '_' ? '-' : lower(a[i]), y = b[i] == '_' ? '-' : lower(b[i]);
        if (x != y)
            return 0;
    }
    return i == n && a[i] == '\0';
}

/* Where the grammar stands after a subtag. */
enum { AT_LANG, AT_EXTLANG, AT_SCRIPT, AT_REGION, AT_VARIANT, AT_EXT, AT_PRIVATE };

static int malformed(const char *tag)
{
    return cc_error_set(CONCORD_EINVAL, "malformed language tag '%s'", tag);
}

int concord_lang_canonicalize(char *out, size_t outsize, const char *tag)
{
    char buf[64];
    size_t n = tag ? strlen(tag) : 0;
    if (n == 0 || n >= sizeof(buf))
        return cc_error_set(CONCORD_EINVAL, "malformed language tag '%s'", tag ? tag : "");
    for (size_t k = 0; k < CC_ARRAY_LEN(irregular); k++)
        if (same_tag(tag, irregular[k], strlen(irregular[k]))) {
            if (strlen(irregular[k]) + 1 > outsize)
                return cc_error_set(CONCORD_ELIMIT, "language tag buffer too small");
            memcpy(out, irregular[k], strlen(irregular[k]) + 1);
            return 0;
        }
    size_t o = 0, i = 0;
    int at = AT_LANG, nextlang = 0, index = 0;
    size_t ext_subtags = 0; /* subtags after the last singleton */
    while (i < n) {
        size_t j = i;
        while (j < n && tag[j] != '-' && tag[j] != '_')
            j++;
        size_t len = j - i;
        const char *p = tag + i;
        if (len == 0 || len > 8 || !all(p, len, is_alnum) || (j < n && j + 1 == n))
            return malformed(tag);
        int title = 0, up = 0; /* the case of this subtag: script Title, region UPPER */
        if (index == 0) {
            if (len == 1 && (p[0] == 'x' || p[0] == 'X')) {
                at = AT_PRIVATE;
                ext_subtags = 0;
            } else if (len >= 2 && len <= 3 && all(p, len, is_alpha)) {
                at = AT_LANG;
            } else {
                return cc_error_set(CONCORD_EINVAL,
                                    "malformed language tag '%s' (expected a 2- or 3-letter "
                                    "language code such as en, ru, ja)",
                                    tag);
            }
        } else if (at == AT_PRIVATE) {
            ext_subtags++; /* 1 to 8 characters, anything */
        } else if (len == 1) {
            /* a singleton: an extension, or private use; the one before needs a subtag */
            if (at == AT_EXT && ext_subtags == 0)
                return malformed(tag);
            at = (p[0] == 'x' || p[0] == 'X') ? AT_PRIVATE : AT_EXT;
            ext_subtags = 0;
        } else if (at == AT_EXT) {
            if (len < 2)
                return malformed(tag);
            ext_subtags++;
        } else if (len == 3 && all(p, len, is_alpha) && (at == AT_LANG || at == AT_EXTLANG) &&
                   nextlang < 3 && index == nextlang + 1) {
            at = AT_EXTLANG; /* zh-yue, zh-min-nan */
            nextlang++;
        } else if (len == 4 && all(p, len, is_alpha) && at <= AT_EXTLANG) {
            at = AT_SCRIPT;
            title = 1;
        } else if (((len == 2 && all(p, len, is_alpha)) || (len == 3 && all(p, len, is_digit))) &&
                   at <= AT_SCRIPT) {
            at = AT_REGION;
            up = 1;
        } else if ((len >= 5 || (len == 4 && is_digit(p[0]))) && at <= AT_VARIANT) {
            at = AT_VARIANT; /* de-1996, sl-rozaj */
        } else {
            return malformed(tag);
        }
        if (index > 0)
            buf[o++] = '-';
        for (size_t k = 0; k < len; k++)
            buf[o++] = up || (title && k == 0) ? upper(p[k]) : lower(p[k]);
        index++;
        i = j + (j < n);
    }
    if ((at == AT_EXT || at == AT_PRIVATE) && ext_subtags == 0)
        return malformed(tag); /* "en-a", "x" */
    buf[o] = '\0';
    if (o + 1 > outsize)
        return cc_error_set(CONCORD_ELIMIT, "language tag buffer too small");
    memcpy(out, buf, o + 1);
    return 0;
}

void cc_lang_primary(const char *tag, char *out, size_t outsize)
{
    size_t i = 0;
    while (tag[i] && tag[i] != '-' && tag[i] != '_' && i + 1 < outsize) {
        out[i] = lower(tag[i]);
        i++;
    }
    out[i] = '\0';
}

int cc_lang_known(const char *tag)
{
    char primary[16];
    cc_lang_primary(tag, primary, sizeof(primary));
    const char *iso3 = uloc_getISO3Language(primary);
    return iso3 && *iso3;
}

int cc_lang_matches(const char *range, const char *tag)
{
    size_t i = 0;
    for (; range[i]; i++) {
        char a = range[i] == '_' ? '-' : lower(range[i]);
        char b = tag[i] == '_' ? '-' : lower(tag[i]);
        if (a != b)
            return 0; /* also where tag ends first */
    }
    return tag[i] == '\0' || tag[i] == '-' || tag[i] == '_';
}

int cc_lang_primary_eq(const char *a, const char *b)
{
    char pa[16];
    cc_lang_primary(a, pa, sizeof(pa));
    char pb[16];
    cc_lang_primary(b, pb, sizeof(pb));
    return cc_lang_matches(pa, pb);
}
