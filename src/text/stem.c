/*
 * stem.c — Snowball stemmers (libstemmer), the only place that includes
 * libstemmer.h. Term recognition compares inflected words by their stems:
 * "Курилах" and "Курилы" both give "курил". Input must be case folded first
 * (the stemmers expect lower case).
 */
#include <string.h>

#include <libstemmer.h>

#include "text/unicode.h"

struct cc_stemmer {
    struct sb_stemmer *sb;
};

int cc_stemmer_new(cc_stemmer **out, const char *lang)
{
    *out = NULL;
    /* the primary subtag: libstemmer knows "en", "ru", "de", "fr", ... */
    char primary[16];
    size_t n = strcspn(lang, "-_");
    if (n == 0 || n >= sizeof(primary))
        return 0;
    memcpy(primary, lang, n);
    primary[n] = '\0';
    struct sb_stemmer *sb = sb_stemmer_new(primary, "UTF_8");
    if (!sb)
        return 0; /* no stemmer for this language: words are compared as written */
    cc_stemmer *s = cc_malloc(sizeof(*s));
    if (!s) {
        sb_stemmer_delete(sb);
        return cc_error_oom();
    }
    s->sb = sb;
    *out = s;
    return 0;
}

void cc_stemmer_free(cc_stemmer *s)
{
    if (!s)
        return;
    sb_stemmer_delete(s->sb);
    cc_free(s);
}

int cc_stem(cc_stemmer *s, const char *word, size_t len, const char **out, size_t *out_len)
{
    if (len > 1 << 20)
        return cc_error_set(CONCORD_ELIMIT, "word too long to stem");
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)word, (int)len);
    if (!r)
        return cc_error_oom();
    *out = (const char *)r;
    *out_len = (size_t)sb_stemmer_length(s->sb);
    return 0;
}
