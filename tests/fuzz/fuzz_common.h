/*
 * fuzz_common.h — what the fuzz harnesses share: the libFuzzer entry points'
 * prototypes, a private temporary directory per process (removed at exit),
 * and writing an input to a file there. Header-only, so that each harness is
 * one .c file built both with libFuzzer and with replay.c.
 *
 * A harness uses the public API only, frees everything it makes for an input
 * (leaks are findings), and keeps no state that grows from one input to the
 * next (so that a finding replays alone).
 */
#ifndef CONCORD_FUZZ_COMMON_H
#define CONCORD_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "concord/concord.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken invariant of the library: report it and abort, which libFuzzer records as a crash. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__, #cond);                       \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static char fuzz_dir[4096];
static const char *fuzz_names[8];
static size_t fuzz_nnames;

static inline void fuzz_cleanup(void)
{
    char path[4200];
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < fuzz_nnames; i++)
        for (size_t s = 0; s < sizeof suffix / sizeof *suffix; s++) {
            snprintf(path, sizeof path, "%s/%s%s", fuzz_dir, fuzz_names[i], suffix[s]);
            unlink(path);
        }
    rmdir(fuzz_dir);
}

/* Make the process's temporary directory (under $TMPDIR, else /tmp), once. */
static inline void fuzz_tmpdir_init(void)
{
    if (fuzz_dir[0])
        return;
    const char *base = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/concord-fuzz-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(fuzz_dir)) {
        perror(fuzz_dir);
        abort();
    }
    atexit(fuzz_cleanup);
}

/*
 * The path of `name` in the temporary directory, in `out`; the name is
 * remembered so that the file (and SQLite's files beside it) go at exit.
 */
static inline void fuzz_path(char *out, size_t outsize, const char *name)
{
    fuzz_tmpdir_init();
    size_t i;
    for (i = 0; i < fuzz_nnames && strcmp(fuzz_names[i], name) != 0; i++)
        ;
    if (i == fuzz_nnames && fuzz_nnames < sizeof fuzz_names / sizeof *fuzz_names)
        fuzz_names[fuzz_nnames++] = name;
    snprintf(out, outsize, "%s/%s", fuzz_dir, name);
}

/* Replace the file at path by data[0..size). */
static inline void fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

/* Remove a TM file and what SQLite keeps beside it. */
static inline void fuzz_remove_tm(const char *path)
{
    char p[4200];
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t s = 0; s < sizeof suffix / sizeof *suffix; s++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[s]);
        unlink(p);
    }
}

/* A NUL-terminated copy of data[0..size) (the API takes text with its length, this is for
 * the functions that take a C string). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Where harnesses put what they read, so that the compiler cannot drop the reads. */
static volatile unsigned fuzz_sink;

/* A hash of a string's bytes (NULL gives 0): touches every byte, for ASan to see. */
static inline unsigned fuzz_touch(const char *s)
{
    unsigned h = 0;
    if (s)
        while (*s)
            h = h * 31 + (unsigned char)*s++;
    return h;
}

/* A text with something of every language the glossaries of the corpora use. */
#define FUZZ_SAMPLE_TEXT                                                                                               \
    "The Falklands Islands (Malvinas) and the Southern Kurils. Stanley is small.\n\n"                                  \
    "Спор о Фолклендских островах и Южных Курилах продолжается.\n\n" \
    "北方領土と南クリル諸島。kde csv Kurils\n"

/*
 * Load data[0..size) as the glossary file `name` into a new glossary; when it
 * loads, use it: its counts, a checker on it, a check, a fix and the terms
 * of FUZZ_SAMPLE_TEXT in each language. Everything is freed.
 */
static inline void fuzz_glossary_input(const char *name, const char *src, const char *tgt,
                                       const uint8_t *data, size_t size)
{
    concord_glossary *g = NULL;
    if (concord_glossary_new(&g) < 0)
        abort();
    if (src)
        FUZZ_CHECK(concord_glossary_set_langs(g, src, tgt) == 0, "set_langs");
    int rc = concord_glossary_load_memory(g, name, (const char *)data, size);
    if (rc < 0) {
        const concord_error *e = concord_error_last();
        FUZZ_CHECK(e->code == rc && e->message, "error code %d, last error %d", rc, e->code);
        fuzz_sink += fuzz_touch(e->message);
        concord_glossary_free(g);
        return;
    }
    concord_glossary_stats st = CONCORD_GLOSSARY_STATS_INIT;
    FUZZ_CHECK(concord_glossary_stats_get(&st, g) == 0, "stats");
    FUZZ_CHECK(st.terms > 0, "a glossary that loads has terms");
    concord_checker *c = NULL;
    if (concord_checker_new(&c, g, NULL) == 0) {
        static const char text[] = FUZZ_SAMPLE_TEXT;
        static const char *const langs[] = {"en", "ru", "ja", NULL};
        for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
            concord_findings *f = NULL;
            if (concord_checker_check_text(&f, c, "sample.txt", text, sizeof text - 1, langs[i]) ==
                0)
                for (size_t k = 0; k < f->n; k++)
                    fuzz_sink += fuzz_touch(f->v[k].message) + fuzz_touch(f->v[k].fix);
            concord_findings_free(f);
            concord_term_hits *h = NULL;
            if (concord_checker_find_terms(&h, c, text, sizeof text - 1, langs[i]) == 0)
                for (size_t k = 0; k < h->n; k++)
                    fuzz_sink += fuzz_touch(h->v[k].term) + fuzz_touch(h->v[k].concept);
            concord_term_hits_free(h);
        }
        char *fixed = NULL;
        size_t fixed_len = 0, nfixed = 0;
        if (concord_checker_fix(&fixed, &fixed_len, &nfixed, c, "sample.txt", text, sizeof text - 1,
                                NULL) == 0)
            fuzz_sink += fuzz_touch(fixed);
        concord_free(fixed);
    }
    concord_checker_free(c);
    concord_glossary_free(g);
}

/* Is byte c ASCII white space (what no segment may start or end with)? */
static inline int fuzz_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The invariants of a list of segments of text[0..len) (segment.h): in
 * order, not empty, not overlapping, inside the text, never starting or
 * ending with white space, cut at character boundaries.
 */
static inline void fuzz_check_segments(const concord_segment *v, size_t n, const char *text,
                                       size_t len)
{
    size_t prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(v[i].start < v[i].end && v[i].end <= len, "segment %zu [%zu, %zu) of %zu", i,
                   v[i].start, v[i].end, len);
        FUZZ_CHECK(v[i].start >= prev_end, "segment %zu starts at %zu before %zu", i, v[i].start,
                   prev_end);
        FUZZ_CHECK(!fuzz_is_space((unsigned char)text[v[i].start]) &&
                       !fuzz_is_space((unsigned char)text[v[i].end - 1]),
                   "segment %zu [%zu, %zu) has white space at an end", i, v[i].start, v[i].end);
        FUZZ_CHECK(((unsigned char)text[v[i].start] & 0xc0) != 0x80 &&
                       (v[i].end == len || ((unsigned char)text[v[i].end] & 0xc0) != 0x80),
                   "segment %zu [%zu, %zu) cuts a character", i, v[i].start, v[i].end);
        prev_end = v[i].end;
    }
}

/*
 * The small glossary the check and TMX harnesses check against: the example
 * of docs/glossary-format.md (pairs, sides, shapes, profiles, rules, case,
 * exceptions, forms) and the Kurils in en, ru (with stem markers) and ja;
 * so that every check rule can fire.
 */
#define FUZZ_GLOSSARY                                                                              \
    "[glossary]\n"                                                                                 \
    "name: South Atlantic place names\n"                                                           \
    "profile: neutral-news\n"                                                                      \
    "\n"                                                                                           \
    "[concept falklands]\n"                                                                        \
    "side: uk\n"                                                                                   \
    "note: The islands, as the United Kingdom names them.\n"                                       \
    "en: Falkland Islands\n"                                                                       \
    "en: Falklands ; admitted ; pos=noun\n"                                                        \
    "en: Falkland Isles ; deprecated ; note=old style\n"                                           \
    "en: Falklands Islands ; forbidden\n"                                                          \
    "ru: Фолклендск|ие острова\n"                                               \
    "ja: フォークランド諸島\n"                                                            \
    "\n"                                                                                           \
    "[concept malvinas]\n"                                                                         \
    "side: ar\n"                                                                                   \
    "en: Malvinas Islands\n"                                                                       \
    "en: Malvinas ; admitted\n"                                                                    \
    "en: Islas Malvinas ; admitted ; variant ; exact\n"                                            \
    "ru: Мальвинск|ие острова\n"                                                 \
    "ja: マルビナス諸島\n"                                                                  \
    "\n"                                                                                           \
    "[pair falklands malvinas]\n"                                                                  \
    "order.ru: falklands\n"                                                                        \
    "\n"                                                                                           \
    "[concept stanley]\n"                                                                          \
    "side: uk\n"                                                                                   \
    "en: Stanley ; case ; except=Stanley Cup, Stanley knife\n"                                     \
    "ru: Стэнли\n"                                                                           \
    "ja: スタンリー\n"                                                                        \
    "\n"                                                                                           \
    "[concept puerto-argentino]\n"                                                                 \
    "side: ar\n"                                                                                   \
    "en: Puerto Argentino\n"                                                                       \
    "ru: Пуэрто-Архентино\n"                                                        \
    "ja: プエルトアルヘンティーノ\n"                                                   \
    "\n"                                                                                           \
    "[pair stanley puerto-argentino]\n"                                                            \
    "\n"                                                                                           \
    "[concept fig]\n"                                                                              \
    "en: Falkland Islands Government\n"                                                            \
    "en: FIG ; forbidden ; case\n"                                                                 \
    "\n"                                                                                           \
    "[shapes]\n"                                                                                   \
    "en: {A} ({B})\n"                                                                              \
    "en: {A}, known in … as the {B}\n"                                                           \
    "ru: {A} ({B})\n"                                                                              \
    "ja: {A}（{B}）\n"                                                                           \
    "*: {A}/{B}\n"                                                                                 \
    "\n"                                                                                           \
    "[profile neutral-news]\n"                                                                     \
    "pairs: both\n"                                                                                \
    "note: both names at the first mention\n"                                                      \
    "\n"                                                                                           \
    "[profile uk-official]\n"                                                                      \
    "pairs: side uk\n"                                                                             \
    "\n"                                                                                           \
    "[profile no-pairs]\n"                                                                         \
    "pairs: off\n"                                                                                 \
    "\n"                                                                                           \
    "[rules]\n"                                                                                    \
    "mixed-variants: error\n"                                                                      \
    "deprecated-term: note\n"                                                                      \
    "\n"                                                                                           \
    "[concept southern-kurils]\n"                                                                  \
    "side: ru\n"                                                                                   \
    "en: Southern Kurils\n"                                                                        \
    "en: South Kuriles ; forbidden ; note=mixes the two spellings\n"                               \
    "ru: Южн|ые Курил|ы\n"                                                              \
    "ja: 南クリル諸島\n"                                                                     \
    "\n"                                                                                           \
    "[concept northern-territories]\n"                                                             \
    "side: ja\n"                                                                                   \
    "en: Northern Territories\n"                                                                   \
    "ru: Северные территории\n"                                                  \
    "ja: 北方領土\n"                                                                           \
    "ja: 南千島 ; deprecated\n"                                                                 \
    "\n"                                                                                           \
    "[pair southern-kurils northern-territories]\n"

#endif
