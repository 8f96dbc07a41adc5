/*
 * lang.c — BCP 47 language tags: well-formedness, canonical case, and the
 * primary subtag that picks built-in rules.
 */
#include <string.h>

#include <unicode/uloc.h>

#include "concord/text.h"
#include "text/unicode.h"

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/*
 * We accept the common shape language[-script][-region][-variant...]
 * [-extension...], with '-' or '_' as separator, and write it with BCP 47's
 * conventional case. The language must be one ICU knows, so that a typo such
 * as "english" or "rus-RU" is reported instead of silently segmented with
 * the root rules.
 */
int concord_lang_canonicalize(char *out, size_t outsize, const char *tag)
{
    return cc_lang_canonical(tag, out, outsize, 1);
}

int cc_lang_canonical(const char *tag, char *out, size_t outsize, int known_only)
{
    char buf[64];
    size_t n = tag ? strlen(tag) : 0;
    if (n == 0 || n >= sizeof(buf))
        return cc_error_set(CONCORD_EINVAL, "malformed language tag '%s'", tag ? tag : "");
    size_t o = 0, i = 0;
    int index = 0; /* subtag number */
    while (i < n) {
        size_t j = i;
        while (j < n && tag[j] != '-' && tag[j] != '_')
            j++;
        size_t len = j - i;
        if (len == 0 || len > 8)
            return cc_error_set(CONCORD_EINVAL, "malformed language tag '%s'", tag);
        for (size_t k = i; k < j; k++)
            if (!is_alnum(tag[k]))
                return cc_error_set(CONCORD_EINVAL, "malformed language tag '%s'", tag);
        if (index == 0 && !known_only && len == 1 &&
            (tag[i] == 'x' || tag[i] == 'i' || tag[i] == 'X' || tag[i] == 'I')) {
            /* private use "x-..." or grandfathered "i-..." tags, kept as they are */
        } else if (index == 0) {
            if (len < 2 || len > 3)
                return cc_error_set(CONCORD_EINVAL,
                                    "malformed language tag '%s' (expected a 2- or 3-letter "
                                    "language code such as en, ru, ja)",
                                    tag);
            for (size_t k = i; k < j; k++)
                if (!is_alpha(tag[k]))
                    return cc_error_set(CONCORD_EINVAL, "malformed language tag '%s'", tag);
        }
        if (index > 0)
            buf[o++] = '-';
        for (size_t k = i; k < j; k++) {
            char c = lower(tag[k]);
            if (index > 0 && len == 4 && is_alpha(tag[i]) && k == i)
                c = upper(tag[k]); /* script: Latn */
            else if (index > 0 && len == 2 && is_alpha(tag[i]))
                c = upper(tag[k]); /* region: US */
            buf[o++] = c;
        }
        index++;
        i = j + (j < n);
        if (j < n && j + 1 == n)
            return cc_error_set(CONCORD_EINVAL, "malformed language tag '%s'", tag);
    }
    buf[o] = '\0';

    /* The language subtag must be known to ICU (unless the caller only wants the form). */
    char primary[8];
    cc_lang_primary(buf, primary, sizeof(primary));
    const char *iso3 = known_only ? uloc_getISO3Language(primary) : "x";
    if (!iso3 || !*iso3)
        return cc_error_set(CONCORD_EINVAL, "unknown language '%s' in tag '%s'", primary, tag);

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
