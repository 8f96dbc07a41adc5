/*
 * seg_cases.h — reading and scoring segmentation case files (the golden files
 * and the public suites under tests/data/segment; format in its README.md).
 * Shared by the unit tests (which fail when a score falls below its floor)
 * and the benchmark (which prints the scores). Header-only: static inline
 * functions, so that a program that uses part of it gets no warnings.
 */
#ifndef CONCORD_TESTS_SEG_CASES_H
#define CONCORD_TESTS_SEG_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concord/concord.h"

/* Is the code point that starts at s[i] wide East Asian text (no spaces between words)? */
static inline int segcase_is_wide(const unsigned char *s, size_t n, size_t i)
{
    if (i >= n || s[i] < 0xE3 || s[i] > 0xEF || i + 2 >= n)
        return 0;
    unsigned cp =
        ((unsigned)(s[i] & 0x0F) << 12) | ((unsigned)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
    return (cp >= 0x3000 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

/* Start of the UTF-8 character that ends at s[e]. */
static inline size_t segcase_prev(const unsigned char *s, size_t e)
{
    size_t p = e;
    while (p > 0 && (s[--p] & 0xC0) == 0x80)
        ;
    return p;
}

/*
 * Append s[0..n) to out as one line, the way `concord segment --format text`
 * prints a segment: a run of whitespace that holds a line break becomes one
 * space, or nothing between two wide East Asian characters.
 */
static inline char *segcase_flatten(char *out, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
            size_t j = i;
            int nl = 0;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) {
                nl |= s[j] == '\n' || s[j] == '\r';
                j++;
            }
            if (!nl) {
                memcpy(out, s + i, j - i);
                out += j - i;
            } else if (!(i > 0 && segcase_is_wide(s, n, segcase_prev(s, i)) &&
                         segcase_is_wide(s, n, j))) {
                *out++ = ' ';
            }
            i = j;
            continue;
        }
        *out++ = (char)s[i++];
    }
    return out;
}

/* Segments of text[0..len) as lines joined by '\n' (malloc'd), or NULL on error. */
static inline char *segcase_segment(const char *lang, int wrapped, const char *text, size_t len)
{
    concord_segmenter_options o = CONCORD_SEGMENTER_OPTIONS_INIT;
    o.lang = lang;
    o.wrapped = wrapped;
    concord_segmenter *seg;
    if (concord_segmenter_new(&seg, &o) != 0)
        return NULL;
    concord_segment *segs;
    size_t n;
    if (concord_segmenter_split(&segs, &n, seg, text, len) != 0) {
        concord_segmenter_free(seg);
        return NULL;
    }
    char *out = malloc(len + n + 1), *p = out;
    for (size_t i = 0; i < n; i++) {
        p = segcase_flatten(p, text + segs[i].start, segs[i].end - segs[i].start);
        if (i + 1 < n)
            *p++ = '\n';
    }
    *p = '\0';
    concord_free(segs);
    concord_segmenter_free(seg);
    return out;
}

/* "\n" is a line break and "\\" a backslash in an input line. */
static inline void segcase_unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && (p[1] == 'n' || p[1] == '\\')) {
            *o++ = p[1] == 'n' ? '\n' : '\\';
            p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

typedef struct segcase_score {
    int cases, right;
} segcase_score;

/*
 * Run every case of the case file at `path` in language `lang`; failures are
 * printed to stderr when `verbose`. Returns 0, or -1 if the file cannot be read.
 */
static inline int segcase_run_file(const char *path, const char *lang, int verbose,
                                   segcase_score *sc)
{
    FILE *f = fopen(path, "rb");
    sc->cases = sc->right = 0;
    if (!f)
        return -1;
    size_t cap = 1 << 16;
    char *line = malloc(cap), *input = malloc(cap), *expected = malloc(2 * cap),
         *desc = malloc(cap);
    size_t elen = 0;
    int have = 0, wrapped = 0;
    input[0] = expected[0] = desc[0] = '\0';
    for (;;) {
        char *got_line = fgets(line, (int)cap, f);
        size_t l = got_line ? strlen(line) : 0;
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            line[--l] = '\0';
        if (!got_line || l == 0) {
            if (have) {
                char *got = segcase_segment(lang, wrapped, input, strlen(input));
                sc->cases++;
                if (got && strcmp(got, expected) == 0) {
                    sc->right++;
                } else if (verbose) {
                    fprintf(stderr, "[%s] %s%s\n  input:    %s\n  expected: %s\n  got:      %s\n",
                            lang, desc, wrapped ? " (wrapped)" : "", input, expected,
                            got ? got : concord_error_last()->message);
                }
                free(got);
            }
            have = wrapped = 0;
            elen = 0;
            input[0] = expected[0] = desc[0] = '\0';
            if (!got_line)
                break;
            continue;
        }
        if (line[0] == '=' && l >= 2) {
            snprintf(desc, cap, "%s", line + 2);
        } else if (line[0] == '@' && strcmp(line, "@ wrapped") == 0) {
            wrapped = 1;
        } else if (line[0] == '<' && l >= 2) {
            snprintf(input, cap, "%s", line + 2);
            segcase_unescape(input);
            have = 1;
        } else if (line[0] == '>' && l >= 2 && elen + l + 1 < 2 * cap) {
            if (elen)
                expected[elen++] = '\n';
            memcpy(expected + elen, line + 2, l - 2);
            elen += l - 2;
            expected[elen] = '\0';
        }
    }
    fclose(f);
    free(line);
    free(input);
    free(expected);
    free(desc);
    return 0;
}

#endif
