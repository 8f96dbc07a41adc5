/*
 * test_glossary_export.c — every glossary we ship (glossaries/, each with
 * the .rules.glossary of its name loaded after it) exported as TBX 2, TBX 3,
 * TSV and CSV, loaded back, and compared with the original over the model,
 * concept by concept and term by term:
 *  - the export alone gives back each concept's id and note and each term's
 *    language, text, status, part of speech, note and variant flag, but for
 *    what the format documents it cannot hold (a forbidden term is
 *    deprecated in TBX; TBX 3 keeps TBX-Basic's parts of speech only);
 *  - the export and its rules (concord_glossary_export_rules()) give back
 *    everything: sides, stem markers, forms, exceptions, inflection, pairs
 *    with their order, shapes, profiles, rule settings, the default profile.
 * Plus the CSV/TSV columns and escaping on awkward text, and the errors.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "concord/concord.h"
#include "glossary/glossary_internal.h"

static const concord_glossary_format FORMATS[] = {CONCORD_GLOSSARY_TBX2, CONCORD_GLOSSARY_TBX3,
                                                  CONCORD_GLOSSARY_TSV, CONCORD_GLOSSARY_CSV};
static const char *const FORMAT_NAMES[] = {"", "tbx2", "tbx3", "tsv", "csv"};
static const char *const FORMAT_FILES[] = {"", "x.tbx", "x.tbx", "x.tsv", "x.csv"};

typedef struct sink {
    char *data;
    size_t len, cap;
} sink;

static int to_sink(const char *d, size_t n, void *ud)
{
    sink *s = ud;
    if (s->len + n + 1 > s->cap) {
        s->cap = (s->len + n + 1) * 2;
        s->data = realloc(s->data, s->cap);
        assert_non_null(s->data);
    }
    memcpy(s->data + s->len, d, n);
    s->len += n;
    s->data[s->len] = '\0';
    return 0;
}

static int refuse(const char *d, size_t n, void *ud)
{
    (void)d, (void)n, (void)ud;
    return 1;
}

static int streq(const char *a, const char *b)
{
    return (a ? a : "")[0] == (b ? b : "")[0] && strcmp(a ? a : "", b ? b : "") == 0;
}

static int basic_pos(const char *p)
{
    return p && (strcmp(p, "noun") == 0 || strcmp(p, "verb") == 0 || strcmp(p, "adjective") == 0 ||
                 strcmp(p, "adverb") == 0 || strcmp(p, "other") == 0);
}

/* The terms of each concept, in order (a counting sort: a 267k-entry EDICT is compared too). */
typedef struct by_concept {
    const concord_glossary *g;
    size_t *start; /* nconcepts + 1 */
    size_t *v;
} by_concept;

static void by_concept_make(by_concept *b, const concord_glossary *g)
{
    b->g = g;
    b->start = calloc(g->nconcepts + 2, sizeof(*b->start));
    b->v = calloc(g->nterms + 1, sizeof(*b->v));
    size_t *fill = calloc(g->nconcepts + 1, sizeof(*fill));
    assert_true(b->start && b->v && fill);
    for (size_t t = 0; t < g->nterms; t++)
        b->start[g->terms[t].concept + 1]++;
    for (size_t k = 0; k < g->nconcepts; k++)
        b->start[k + 1] += b->start[k];
    for (size_t t = 0; t < g->nterms; t++) {
        size_t k = g->terms[t].concept;
        b->v[b->start[k] + fill[k]++] = t;
    }
    free(fill);
}

static void by_concept_free(by_concept *b)
{
    free(b->start);
    free(b->v);
}

static size_t nterms_of(const by_concept *b, size_t k)
{
    return b->start[k + 1] - b->start[k];
}

/* The i-th term of concept k in language lang (in the glossary's order), or NULL. */
static const cc_term *nth_term(const by_concept *b, size_t k, const char *lang, size_t i)
{
    for (size_t x = b->start[k]; x < b->start[k + 1]; x++) {
        const cc_term *t = &b->g->terms[b->v[x]];
        if (strcmp(t->lang, lang) == 0 && i-- == 0)
            return t;
    }
    return NULL;
}

#define SAME(cond, ...)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_error(__VA_ARGS__);                                                              \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

static void same_list(char **a, size_t na, char **b, size_t nb, const char *what, const char *term)
{
    SAME(na == nb, "%s of '%s': %zu, then %zu\n", what, term, na, nb);
    for (size_t i = 0; i < na; i++)
        SAME(strcmp(a[i], b[i]) == 0, "%s of '%s': '%s', then '%s'\n", what, term, a[i], b[i]);
}

/*
 * Compare copy (loaded from an export of orig in fmt, with its rules when
 * `full`) with orig; count the concepts and terms compared.
 */
static void compare(const concord_glossary *orig, const concord_glossary *copy,
                    concord_glossary_format fmt, int full, size_t *nconcepts, size_t *nterms)
{
    int tbx = fmt == CONCORD_GLOSSARY_TBX2 || fmt == CONCORD_GLOSSARY_TBX3;
    by_concept bo, bc;
    by_concept_make(&bo, orig);
    by_concept_make(&bc, copy);
    size_t j = 0; /* the copy's concepts, in order: concepts without terms are not exported */
    for (size_t k = 0; k < orig->nconcepts; k++) {
        const cc_concept *a = &orig->concepts[k];
        if (nterms_of(&bo, k) == 0)
            continue;
        while (j < copy->nconcepts && nterms_of(&bc, j) == 0)
            j++;
        SAME(j < copy->nconcepts, "concept '%s' is missing\n", a->id);
        const cc_concept *b = &copy->concepts[j];
        if (!a->generated)
            SAME(strcmp(a->id, b->id) == 0, "concept %zu: '%s', then '%s'\n", k, a->id, b->id);
        SAME(streq(a->note, b->note), "note of '%s': '%s', then '%s'\n", a->id, a->note, b->note);
        if (full)
            SAME(streq(a->side, b->side), "side of '%s'\n", a->id);
        SAME(nterms_of(&bo, k) == nterms_of(&bc, j), "'%s' has %zu terms, then %zu\n", a->id,
             nterms_of(&bo, k), nterms_of(&bc, j));
        /* every term, language by language, in order */
        for (size_t t = bo.start[k]; t < bo.start[k + 1]; t++) {
            const cc_term *x = &orig->terms[bo.v[t]];
            size_t i = 0;
            for (size_t u = bo.start[k]; u < t; u++)
                i += strcmp(orig->terms[bo.v[u]].lang, x->lang) == 0;
            const cc_term *y = nth_term(&bc, j, x->lang, i);
            SAME(y, "'%s' (%s) of '%s' is missing\n", x->text, x->lang, a->id);
            SAME(strcmp(x->text, y->text) == 0, "term '%s', then '%s'\n", x->text, y->text);
            cc_term_status want = x->status;
            if (!full && tbx && want == CC_TERM_FORBIDDEN)
                want = CC_TERM_DEPRECATED;
            SAME(y->status == want, "status of '%s': %d, then %d\n", x->text, (int)want,
                 (int)y->status);
            const char *pos = x->pos;
            if (!full && fmt == CONCORD_GLOSSARY_TBX3 && !basic_pos(pos))
                pos = NULL;
            SAME(streq(pos, y->pos), "pos of '%s': '%s', then '%s'\n", x->text, pos, y->pos);
            SAME(streq(x->note, y->note), "note of '%s': '%s', then '%s'\n", x->text, x->note,
                 y->note);
            SAME((x->flags & CC_TERMF_VARIANT) == (y->flags & CC_TERMF_VARIANT),
                 "variant of '%s'\n", x->text);
            if (full) {
                SAME(x->flags == y->flags, "flags of '%s'\n", x->text);
                SAME(x->inflect == y->inflect, "inflection of '%s'\n", x->text);
                SAME(strcmp(x->pattern, y->pattern) == 0, "pattern '%s', then '%s'\n", x->pattern,
                     y->pattern);
                same_list(x->forms, x->nforms, y->forms, y->nforms, "forms", x->text);
                same_list(x->except, x->nexcept, y->except, y->nexcept, "exceptions", x->text);
            }
            (*nterms)++;
        }
        (*nconcepts)++;
        j++;
    }
    while (j < copy->nconcepts && nterms_of(&bc, j) == 0)
        j++;
    SAME(j == copy->nconcepts, "the copy has %zu concepts more\n", copy->nconcepts - j);
    by_concept_free(&bo);
    by_concept_free(&bc);
    if (!full)
        return;
    SAME(streq(orig->default_profile, copy->default_profile), "default profile\n");
    SAME(orig->npairs == copy->npairs, "pairs: %zu, then %zu\n", orig->npairs, copy->npairs);
    for (size_t p = 0; p < orig->npairs; p++) {
        const cc_pair *x = &orig->pairs[p], *y = &copy->pairs[p];
        SAME(strcmp(orig->concepts[x->a].id, copy->concepts[y->a].id) == 0 &&
                 strcmp(orig->concepts[x->b].id, copy->concepts[y->b].id) == 0 &&
                 x->norder == y->norder,
             "pair %zu\n", p);
        for (size_t i = 0; i < x->norder; i++)
            SAME(strcmp(x->order_lang[i], y->order_lang[i]) == 0 &&
                     strcmp(orig->concepts[x->order_first[i]].id,
                            copy->concepts[y->order_first[i]].id) == 0,
                 "order of pair %zu\n", p);
    }
    SAME(orig->nshapes == copy->nshapes, "shapes: %zu, then %zu\n", orig->nshapes, copy->nshapes);
    for (size_t i = 0; i < orig->nshapes; i++)
        SAME(strcmp(orig->shapes[i].lang, copy->shapes[i].lang) == 0 &&
                 strcmp(orig->shapes[i].pattern, copy->shapes[i].pattern) == 0,
             "shape '%s'\n", orig->shapes[i].pattern);
    SAME(orig->nprofiles == copy->nprofiles, "profiles\n");
    for (size_t i = 0; i < orig->nprofiles; i++)
        SAME(strcmp(orig->profiles[i].name, copy->profiles[i].name) == 0 &&
                 orig->profiles[i].mode == copy->profiles[i].mode &&
                 streq(orig->profiles[i].side, copy->profiles[i].side),
             "profile '%s'\n", orig->profiles[i].name);
    SAME(orig->nsettings == copy->nsettings, "rule settings\n");
    for (size_t i = 0; i < orig->nsettings; i++)
        SAME(strcmp(orig->settings[i].rule, copy->settings[i].rule) == 0 &&
                 orig->settings[i].enabled == copy->settings[i].enabled &&
                 orig->settings[i].severity == copy->settings[i].severity,
             "rule setting '%s'\n", orig->settings[i].rule);
}

/* Export orig in fmt, load it back (with its rules when `full`), compare. */
static void round_trip(const concord_glossary *orig, concord_glossary_format fmt, int full,
                       const char *what, size_t *nconcepts, size_t *nterms)
{
    sink data = {NULL, 0, 0}, rules = {NULL, 0, 0};
    size_t written = 0;
    assert_int_equal(concord_glossary_export(&written, orig, fmt, to_sink, &data), 0);
    concord_glossary *copy;
    assert_int_equal(concord_glossary_new(&copy), 0);
    int rc = concord_glossary_load_memory(copy, FORMAT_FILES[fmt], data.data, data.len);
    if (rc < 0)
        print_error("%s as %s: %s:%lu:%lu: %s\n", what, FORMAT_NAMES[fmt],
                    concord_error_last()->file, concord_error_last()->line,
                    concord_error_last()->column, concord_error_last()->message);
    assert_int_equal(rc, 0);
    if (full) {
        assert_int_equal(concord_glossary_export_rules(orig, fmt, to_sink, &rules), 0);
        rc = concord_glossary_load_memory(copy, "x.rules.glossary", rules.data, rules.len);
        if (rc < 0)
            print_error("%s rules for %s: line %lu: %s\n%s", what, FORMAT_NAMES[fmt],
                        concord_error_last()->line, concord_error_last()->message, rules.data);
        assert_int_equal(rc, 0);
    }
    size_t c0 = *nconcepts;
    compare(orig, copy, fmt, full, nconcepts, nterms);
    assert_int_equal(*nconcepts - c0, written);
    concord_glossary_free(copy);
    free(data.data);
    free(rules.data);
}

/* Load a shipped glossary, and the .rules.glossary of its name after it. */
static concord_glossary *load_shipped(const char *file)
{
    char path[4096], rules[4096];
    snprintf(path, sizeof(path), "%s/glossaries/%s", CONCORD_SOURCE_DIR, file);
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load(g, path), 0);
    size_t stem = strcspn(file, ".");
    snprintf(rules, sizeof(rules), "%s/glossaries/%.*s.rules.glossary", CONCORD_SOURCE_DIR,
             (int)stem, file);
    FILE *f = strstr(file, ".glossary") ? NULL : fopen(rules, "r");
    if (f) {
        fclose(f);
        assert_int_equal(concord_glossary_load(g, rules), 0);
    }
    return g;
}

static void test_shipped_glossaries_round_trip(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/glossaries", CONCORD_SOURCE_DIR);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        int is_glossary = len > 9 && strcmp(n + len - 9, ".glossary") == 0;
        if (!(is_glossary || (len > 4 && strcmp(n + len - 4, ".tbx") == 0)) ||
            strstr(n, ".rules.glossary"))
            continue;
        files++;
        concord_glossary *g = load_shipped(n);
        for (size_t f = 0; f < CC_ARRAY_LEN(FORMATS); f++)
            for (int full = 0; full <= 1; full++) {
                size_t nc = 0, nt = 0;
                round_trip(g, FORMATS[f], full, n, &nc, &nt);
                print_message("%s as %s%s: %zu concepts, %zu terms compared\n", n,
                              FORMAT_NAMES[FORMATS[f]], full ? " + rules" : "", nc, nt);
                assert_true(nc > 0 && nt >= nc);
            }
        concord_glossary_free(g);
    }
    closedir(d);
    assert_true(files >= 3);
}

/*
 * The glossaries of ../shared/data (Okapi's, OmegaT's, LTAC's, Weblate's
 * TBX, CSV and TSV files, the 267k-entry EDICT), each that concord reads
 * (the deliberately broken ones are not), through every format and back.
 * Skipped when the data is not there.
 */
static void test_shared_glossaries_round_trip(void **state)
{
    (void)state;
    static const char *const DIRS[] = {"edict",
                                       "ltac-tbx-basic",
                                       "ltac-tbx-test-files",
                                       "okapi-lib-terminology",
                                       "omegat-glossary-testdata",
                                       "weblate"};
    size_t files = 0, total_c[5] = {0}, total_t[5] = {0};
    for (size_t d = 0; d < CC_ARRAY_LEN(DIRS); d++) {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s/glossary/%s", CONCORD_SHARED_DATA, DIRS[d]);
        DIR *dh = opendir(dir);
        if (!dh)
            continue;
        struct dirent *e;
        while ((e = readdir(dh))) {
            char path[8192];
            const char *ext = strrchr(e->d_name, '.');
            if (!ext ||
                !(strcmp(ext, ".tbx") == 0 || strcmp(ext, ".csv") == 0 ||
                  strcmp(ext, ".tsv") == 0 || strcmp(ext, ".tab") == 0 || strcmp(ext, ".txt") == 0))
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            concord_glossary *g;
            assert_int_equal(concord_glossary_new(&g), 0);
            assert_int_equal(concord_glossary_set_langs(g, "en", "de"), 0);
            if (concord_glossary_load(g, path) < 0) {
                concord_glossary_free(g); /* a file made to be refused, or empty */
                continue;
            }
            files++;
            for (size_t f = 0; f < CC_ARRAY_LEN(FORMATS); f++)
                for (int full = 0; full <= 1; full++) {
                    size_t nc = 0, nt = 0;
                    round_trip(g, FORMATS[f], full, e->d_name, &nc, &nt);
                    if (!full) {
                        total_c[FORMATS[f]] += nc;
                        total_t[FORMATS[f]] += nt;
                    }
                }
            concord_glossary_free(g);
        }
        closedir(dh);
    }
    if (!files)
        skip();
    for (size_t f = 0; f < CC_ARRAY_LEN(FORMATS); f++)
        print_message("../shared/data: %zu glossaries as %s: %zu concepts, "
                      "%zu terms compared (alone, and again with rules)\n",
                      files, FORMAT_NAMES[FORMATS[f]], total_c[FORMATS[f]], total_t[FORMATS[f]]);
}

/* The shipped TBX 2 is the export of the shipped .glossary (and its rules give the rest). */
static void test_shipped_tbx2_is_the_glossary(void **state)
{
    (void)state;
    concord_glossary *src = load_shipped("disputed-places.glossary");
    concord_glossary *tbx2 = load_shipped("disputed-places.tbx2.tbx");
    size_t nc = 0, nt = 0;
    compare(src, tbx2, CONCORD_GLOSSARY_TBX2, 1, &nc, &nt);
    assert_true(nc >= 10);
    concord_glossary_free(src);
    concord_glossary_free(tbx2);
}

/* Awkward text: separators, quotes, markup characters, several terms per language. */
static void test_awkward_text(void **state)
{
    (void)state;
    static const char text[] = "[glossary]\nprofile: strict\n"
                               "[concept a]\n"
                               "note: \"quoted\", with a comma & <markup>\n"
                               "en: AT&T <b> \"x\" ; pos=noun ; note=a, b \"c\"\n"
                               "en: #hash, comma ; deprecated ; pos=properNoun\n"
                               "en-GB: colour ; admitted ; variant ; case\n"
                               "ru: Курил|ы ; forms=Курилах, Курилам ; stem\n"
                               "[concept b]\n"
                               "ja: 東海 ; forbidden ; exact ; except=東海地方\n"
                               "en: East Sea\n"
                               "[pair a b]\norder.ru: b\n"
                               "[shapes]\nen: {A} ({B})\n*: {A}/{B}\n"
                               "[profile strict]\npairs: side x\n"
                               "[concept x]\nside: x\nen: X\n"
                               "[rules]\nmixed-variants: off\nforbidden-term: warning\n";
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    int rc = concord_glossary_load_memory(g, "awkward.glossary", text, strlen(text));
    if (rc < 0)
        print_error("%lu: %s\n", concord_error_last()->line, concord_error_last()->message);
    assert_int_equal(rc, 0);
    for (size_t f = 0; f < CC_ARRAY_LEN(FORMATS); f++)
        for (int full = 0; full <= 1; full++) {
            size_t nc = 0, nt = 0;
            round_trip(g, FORMATS[f], full, "awkward", &nc, &nt);
            assert_int_equal(nc, 3);
            assert_int_equal(nt, 7);
        }
    /* the CSV header names a column per term slot, with the attributes in use */
    sink s = {NULL, 0, 0};
    assert_int_equal(concord_glossary_export(NULL, g, CONCORD_GLOSSARY_CSV, to_sink, &s), 0);
    assert_memory_equal(s.data,
                        "concept,note,en,en:status,en:pos,en:note,en,en:status,en:pos,en:note,"
                        "en-GB,en-GB:status,en-GB:type,ru,ja,ja:status\n",
                        strlen("concept,note,en,en:status,en:pos,en:note,en,en:status,en:pos,"
                               "en:note,en-GB,en-GB:status,en-GB:type,ru,ja,ja:status\n"));
    assert_non_null(strstr(s.data, "\"AT&T <b> \"\"x\"\"\""));
    free(s.data);
    s.data = NULL, s.len = s.cap = 0;
    assert_int_equal(concord_glossary_export(NULL, g, CONCORD_GLOSSARY_TBX2, to_sink, &s), 0);
    assert_non_null(strstr(s.data, "<term>AT&amp;T &lt;b&gt; &quot;x&quot;</term>"));
    free(s.data);
    /* a writer that stops the export */
    assert_int_equal(concord_glossary_export(NULL, g, CONCORD_GLOSSARY_TBX3, refuse, NULL),
                     CONCORD_EUSER);
    assert_int_equal(concord_glossary_export_rules(g, CONCORD_GLOSSARY_CSV, refuse, NULL),
                     CONCORD_EUSER);
    assert_int_equal(concord_glossary_export(NULL, g, (concord_glossary_format)9, to_sink, &s),
                     CONCORD_EINVAL);
    concord_glossary_free(g);
}

/* A row never starts with a term: "#hash" would make it a comment line (TSV cannot quote). */
static void test_hash_terms_are_not_comments(void **state)
{
    (void)state;
    static const char tsv[] = "en\tru\nplain\tпросто\n";
    /* concept-1 is also the id TBX v3 would give the TSV's row: it gets another */
    static const char more[] = "[concept concept-1]\nen: #hash\nru: хэш\n";
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load_memory(g, "a.tsv", tsv, strlen(tsv)), 0);
    assert_int_equal(concord_glossary_load_memory(g, "b.glossary", more, strlen(more)), 0);
    for (size_t f = 0; f < CC_ARRAY_LEN(FORMATS); f++) {
        size_t nc = 0, nt = 0;
        round_trip(g, FORMATS[f], 0, "hash", &nc, &nt);
        assert_int_equal(nc, 2);
        assert_int_equal(nt, 4);
    }
    concord_glossary_free(g);
}

/* ---- out of memory at every allocation of an export ---- */

static long fail_in = -1; /* allocations left before one fails; -1: never */
static size_t live_allocs;

static void *oom_malloc(size_t size, void *ud)
{
    (void)ud;
    if (fail_in == 0)
        return NULL;
    if (fail_in > 0)
        fail_in--;
    void *p = malloc(size);
    live_allocs += p != NULL;
    return p;
}

static void *oom_realloc(void *ptr, size_t size, void *ud)
{
    if (!ptr)
        return oom_malloc(size, ud);
    if (fail_in == 0)
        return NULL;
    if (fail_in > 0)
        fail_in--;
    return realloc(ptr, size);
}

static void oom_free(void *ptr, void *ud)
{
    (void)ud;
    live_allocs -= ptr != NULL;
    free(ptr);
}

/* Each export and its rules, with the n-th allocation failing for every n: CONCORD_ENOMEM, no
 * leak, and once enough allocations succeed, the same bytes as without a failure. */
static void test_export_out_of_memory(void **state)
{
    (void)state;
    concord_allocator a = {oom_malloc, oom_realloc, oom_free, NULL};
    concord_allocator_set(&a);
    fail_in = -1;
    concord_glossary *g = load_shipped("disputed-places.glossary");
    for (size_t f = 0; f < CC_ARRAY_LEN(FORMATS); f++)
        for (int rules = 0; rules <= 1; rules++) {
            sink want = {NULL, 0, 0};
            fail_in = -1;
            assert_int_equal(rules ? concord_glossary_export_rules(g, FORMATS[f], to_sink, &want)
                                   : concord_glossary_export(NULL, g, FORMATS[f], to_sink, &want),
                             0);
            for (long n = 0;; n++) {
                sink got = {NULL, 0, 0};
                size_t before = live_allocs;
                fail_in = n;
                int rc = rules ? concord_glossary_export_rules(g, FORMATS[f], to_sink, &got)
                               : concord_glossary_export(NULL, g, FORMATS[f], to_sink, &got);
                fail_in = -1;
                assert_int_equal(live_allocs, before);
                if (rc == 0) {
                    assert_int_equal(got.len, want.len);
                    assert_memory_equal(got.data, want.data, want.len);
                    free(got.data);
                    break;
                }
                assert_int_equal(rc, CONCORD_ENOMEM);
                free(got.data);
            }
            free(want.data);
        }
    concord_glossary_free(g);
    assert_int_equal(live_allocs, 0);
    concord_allocator_set(NULL);
}

static void test_format_names(void **state)
{
    (void)state;
    concord_glossary_format f;
    assert_int_equal(concord_glossary_format_parse(&f, "TBX2"), 0);
    assert_int_equal(f, CONCORD_GLOSSARY_TBX2);
    assert_int_equal(concord_glossary_format_parse(&f, "csv"), 0);
    assert_int_equal(f, CONCORD_GLOSSARY_CSV);
    assert_int_equal(concord_glossary_format_parse(&f, "tbx"), CONCORD_EINVAL);
    assert_non_null(strstr(concord_error_last()->message, "tbx2, tbx3, tsv or csv"));
}

/* What cannot be amended by a later file is an error, not a silent loss. */
static void test_rules_refuse_what_they_cannot_name(void **state)
{
    (void)state;
    static const char csv[] = "en,ru\nKuril Islands,Курильские острова\n";
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load_memory(g, "a.csv", csv, strlen(csv)), 0);
    static const char more[] = "[concept k]\nen: Kuriles ; forbidden\n";
    assert_int_equal(concord_glossary_load_memory(g, "b.glossary", more, strlen(more)), 0);
    sink s = {NULL, 0, 0};
    /* the CSV's concept has no id, but nothing of it is lost: fine */
    assert_int_equal(concord_glossary_export_rules(g, CONCORD_GLOSSARY_CSV, to_sink, &s), 0);
    free(s.data);
    s.data = NULL, s.len = s.cap = 0;
    /* TBX loses "forbidden" of k's term: k has an id, fine too */
    assert_int_equal(concord_glossary_export_rules(g, CONCORD_GLOSSARY_TBX2, to_sink, &s), 0);
    assert_non_null(strstr(s.data, "[concept k]\nen: Kuriles ; forbidden\n"));
    free(s.data);
    concord_glossary_free(g);
    /* a forbidden term of a concept without an id, in TBX: the rules cannot name it */
    static const char tsv[] = "ru\ten:status\ten\nКурилы\tforbidden\tKuriles\n";
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load_memory(g, "c.tsv", tsv, strlen(tsv)), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "follows no 'en' column"));
    static const char tsv2[] = "en\ten:status\tru\nKuriles\tforbidden\tКурилы\n";
    assert_int_equal(concord_glossary_load_memory(g, "c.tsv", tsv2, strlen(tsv2)), 0);
    s.data = NULL, s.len = s.cap = 0;
    assert_int_equal(concord_glossary_export_rules(g, CONCORD_GLOSSARY_TBX2, to_sink, &s),
                     CONCORD_EUNSUPPORTED);
    free(s.data);
    static const char bad[] = "en\ten:status\nKuriles\tbanned\n";
    assert_int_equal(concord_glossary_load_memory(g, "d.tsv", bad, strlen(bad)), CONCORD_EPARSE);
    assert_int_equal(concord_error_last()->line, 2);
    assert_int_equal(concord_error_last()->column, 9);
    concord_glossary_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_glossaries_round_trip),
        cmocka_unit_test(test_shipped_tbx2_is_the_glossary),
        cmocka_unit_test(test_shared_glossaries_round_trip),
        cmocka_unit_test(test_awkward_text),
        cmocka_unit_test(test_hash_terms_are_not_comments),
        cmocka_unit_test(test_export_out_of_memory),
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_rules_refuse_what_they_cannot_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
