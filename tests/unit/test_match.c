/*
 * test_match.c — the matcher: the score and each penalty, 101 context
 * matches, and the guarantee that indexed lookup returns exactly what an
 * exhaustive scan returns (random English, Russian and Japanese TMs with
 * thousands of queries; the index kept up to date across imports, merges
 * and replaces; a TM that cannot be written), and bad queries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "concord/concord.h"
#include "pieces.h"
#include "match/match_internal.h"
#include "tmpdir.h"

static int setup(void **state)
{
    (void)state;
    return tmpdir_make("match");
}

/* A growing string. */
typedef struct str {
    char *s;
    size_t len, cap;
} str;

static void add(str *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

#define TMX_HEAD                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n"                          \
    "<header creationtool=\"Test\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" "    \
    "adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/>\n<body>\n"
#define TMX_TAIL "</body>\n</tmx>\n"

/* Import a TMX body (the <tu> elements) into TM `name`, creating it. */
static concord_tm *tm_with(const char *name, const char *body, concord_duplicates dup)
{
    char tmx[256];
    snprintf(tmx, sizeof(tmx), "%s.tmx", name);
    const char *p = path_of(tmx);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fprintf(f, "%s%s%s", TMX_HEAD, body, TMX_TAIL);
    fclose(f);
    concord_tm *tm;
    assert_int_equal(concord_tm_open(&tm, path_of(name), CONCORD_TM_CREATE), 0);
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    o.on_duplicate = dup;
    if (concord_tm_import_tmx(NULL, tm, &p, 1, &o) != 0)
        fail_msg("import: %s", concord_error_last()->message);
    return tm;
}

static void import_more(concord_tm *tm, const char *name, const char *body, concord_duplicates dup)
{
    const char *p = path_of(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fprintf(f, "%s%s%s", TMX_HEAD, body, TMX_TAIL);
    fclose(f);
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    o.on_duplicate = dup;
    if (concord_tm_import_tmx(NULL, tm, &p, 1, &o) != 0)
        fail_msg("import: %s", concord_error_last()->message);
}

static concord_matches *look_k(concord_matcher *m, const char *q, int min, int exhaustive, size_t k)
{
    concord_lookup_options o = CONCORD_LOOKUP_OPTIONS_INIT;
    o.min_score = min;
    o.max_matches = k;
    o.exhaustive = exhaustive;
    concord_matches *ms;
    if (concord_matcher_lookup(&ms, m, q, strlen(q), &o) != 0)
        fail_msg("lookup '%s': %s", q, concord_error_last()->message);
    return ms;
}

static concord_matches *look(concord_matcher *m, const char *q, int min, int exhaustive)
{
    concord_lookup_options o = CONCORD_LOOKUP_OPTIONS_INIT;
    o.min_score = min;
    o.max_matches = 0;
    o.exhaustive = exhaustive;
    concord_matches *ms;
    if (concord_matcher_lookup(&ms, m, q, strlen(q), &o) != 0)
        fail_msg("lookup '%s': %s", q, concord_error_last()->message);
    return ms;
}

static int points(const concord_match *x, int kind)
{
    for (size_t i = 0; i < x->npenalties; i++)
        if (x->penalties[i].kind == kind)
            return x->penalties[i].points;
    return 0;
}

#define TU2(a, b)                                                                                  \
    "<tu><tuv xml:lang=\"en\"><seg>" a "</seg></tuv><tuv xml:lang=\"ru\"><seg>" b                  \
    "</seg></tuv></tu>\n"

/* ---- the score ----------------------------------------------------------------------- */

static void test_score_and_penalties(void **state)
{
    (void)state;
    concord_tm *tm =
        tm_with("score.tm",
                TU2("Russia and Japan agree to keep talking", "Россия и Япония договорились")
                    TU2("Talks resumed in Tokyo on Monday.",
                        "Переговоры возобновились в Токио в понедельник.")
                        TU2("In 2019 the catch rose by 3.5%.", "В 2019 году улов вырос на 3,5%.")
                            TU2("Click <bpt i=\"1\">&lt;b></bpt>Save<ept i=\"1\">&lt;/b></ept> now",
                                "Нажмите «Сохранить»") TU2("Open the file", "Откройте файл")
                                TU2("Open the file", "Открыть файл")
                                    TU2("A B C D E F G H I J", "а б в г д е ж з и к"),
                CONCORD_DUP_KEEP);
    concord_matcher *m;
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ru"), 0);

    /* identical: 100, nothing to penalize */
    concord_matches *ms = look(m, "Russia and Japan agree to keep talking", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].score, 100);
    assert_int_equal(ms->v[0].npenalties, 0);
    assert_string_equal(ms->v[0].target, "Россия и Япония договорились");
    concord_matches_free(ms);

    /* one word of seven replaced: floor(100 * 6 / 7) = 85, and the diff says which */
    ms = look(m, "Russia and Japan agree to continue talking", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].fuzzy, 85);
    assert_int_equal(ms->v[0].score, 85);
    int replaced = 0;
    for (size_t i = 0; i < ms->v[0].ndiff; i++) {
        const concord_diff_op *d = &ms->v[0].diff[i];
        if (d->kind == CONCORD_DIFF_REPLACE) {
            replaced++;
            assert_int_equal(d->source_end - d->source_start, 4); /* "keep" */
            assert_memory_equal(ms->v[0].source + d->source_start, "keep", 4);
        }
    }
    assert_int_equal(replaced, 1);
    concord_matches_free(ms);

    /* one word more: 7 of 8 kept, floor(100 * 7 / 8) = 87 */
    ms = look(m, "Russia and Japan agree to keep talking again", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].score, 87);
    concord_matches_free(ms);

    /* case only: 99 with the case penalty */
    ms = look(m, "talks resumed in TOKYO on monday.", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].fuzzy, 100);
    assert_int_equal(points(&ms->v[0], CONCORD_PENALTY_CASE), 1);
    assert_int_equal(ms->v[0].score, 99);
    concord_matches_free(ms);

    /* full-width Latin letters are the same word, shown as a case/width difference */
    ms = look(m, "Talks resumed in Ｔｏｋｙｏ on Monday.", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].fuzzy, 100);
    assert_int_equal(ms->v[0].score, 99);
    concord_matches_free(ms);

    /* punctuation only, and spacing only */
    ms = look(m, "Talks resumed in Tokyo on Monday!", 70, 0);
    assert_int_equal(ms->v[0].score, 99);
    assert_int_equal(points(&ms->v[0], CONCORD_PENALTY_PUNCTUATION), 1);
    concord_matches_free(ms);
    ms = look(m, "In 2019 the catch rose by 3.5 %.", 70, 0);
    assert_int_equal(ms->v[0].score, 99);
    assert_int_equal(points(&ms->v[0], CONCORD_PENALTY_PUNCTUATION), 1);
    concord_matches_free(ms);

    /* numbers: equal as words, one point per differing number, the target with ours
       (written with the target's decimal comma) */
    ms = look(m, "In 2020 the catch rose by 4.1%.", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].fuzzy, 100);
    assert_int_equal(points(&ms->v[0], CONCORD_PENALTY_NUMBERS), 2);
    assert_int_equal(ms->v[0].score, 98);
    assert_non_null(ms->v[0].target_numbers);
    assert_string_equal(ms->v[0].target_numbers, "В 2020 году улов вырос на 4,1%.");
    concord_matches_free(ms);

    /* inline codes in the stored segment that the query lacks */
    ms = look(m, "Click Save now", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].fuzzy, 100);
    assert_int_equal(points(&ms->v[0], CONCORD_PENALTY_CODES), 1);
    assert_int_equal(ms->v[0].score, 99);
    concord_matches_free(ms);

    /* two translations of one source: each loses a point */
    ms = look(m, "Open the file", 70, 0);
    assert_int_equal(ms->n, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(points(&ms->v[i], CONCORD_PENALTY_ALTERNATIVES), 1);
        assert_int_equal(ms->v[i].score, 99);
    }
    concord_matches_free(ms);

    /* the threshold: 7 of 10 words is 70, 6 of 10 is below */
    ms = look(m, "A B C D E F G x y z", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].score, 70);
    concord_matches_free(ms);
    ms = look(m, "A B C D E F w x y z", 70, 0);
    assert_int_equal(ms->n, 0);
    concord_matches_free(ms);
    ms = look(m, "A B C D E F w x y z", 60, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].score, 60);
    concord_matches_free(ms);

    concord_matcher_close(m);
    concord_tm_close(tm);
}

static void test_japanese_by_character(void **state)
{
    (void)state;
    concord_tm *tm = tm_with("ja.tm",
                             "<tu><tuv xml:lang=\"ja\"><seg>北方領土の返還を求める</seg></tuv>"
                             "<tuv xml:lang=\"en\"><seg>calls for the return of the Northern "
                             "Territories</seg></tuv></tu>\n",
                             CONCORD_DUP_KEEP);
    concord_matcher *m;
    assert_int_equal(concord_matcher_open(&m, tm, "ja", "en"), 0);
    /* 11 characters, one replaced: floor(100 * 10 / 11) = 90 */
    concord_matches *ms = look(m, "北方領土の返還を求めた", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].score, 90);
    concord_matches_free(ms);
    /* two of eleven missing: floor(100 * 9 / 11) = 81 */
    ms = look(m, "北方領土の返還求め", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].score, 81);
    concord_matches_free(ms);
    concord_matcher_close(m);
    concord_tm_close(tm);
}

static void test_context_match_is_101(void **state)
{
    (void)state;
    concord_tm *tm = tm_with("ctx.tm",
                             TU2("The talks began.", "Переговоры начались.")
                                 TU2("They lasted two hours.", "Они продолжались два часа.")
                                     TU2("Both sides were satisfied.", "Обе стороны довольны."),
                             CONCORD_DUP_KEEP);
    concord_matcher *m;
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ru"), 0);
    concord_lookup_options o = CONCORD_LOOKUP_OPTIONS_INIT;
    const char *q = "They lasted two hours.";
    o.prev = "The talks began.";
    o.prev_len = strlen(o.prev);
    concord_matches *ms;
    assert_int_equal(concord_matcher_lookup(&ms, m, q, strlen(q), &o), 0);
    assert_int_equal(ms->n, 1);
    assert_int_equal(ms->v[0].score, 101);
    concord_matches_free(ms);
    /* another previous segment: a plain 100 */
    o.prev = "Something else happened.";
    o.prev_len = strlen(o.prev);
    assert_int_equal(concord_matcher_lookup(&ms, m, q, strlen(q), &o), 0);
    assert_int_equal(ms->v[0].score, 100);
    concord_matches_free(ms);
    /* the next segment matches */
    o.prev = NULL;
    o.next = "Both sides were satisfied.";
    o.next_len = strlen(o.next);
    assert_int_equal(concord_matcher_lookup(&ms, m, q, strlen(q), &o), 0);
    assert_int_equal(ms->v[0].score, 101);
    concord_matches_free(ms);
    concord_matcher_close(m);
    concord_tm_close(tm);
}

/* ---- indexed lookup = exhaustive scan ------------------------------------------------- */

static uint64_t rnd_state = 0x2545F4914F6CDD1DULL;

static uint32_t rnd(uint32_t n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (uint32_t)(rnd_state % n);
}

static const char *const EN[] = {
    "the",   "a",     "of",    "islands", "Russia", "Japan",  "talks",  "peace",      "treaty",
    "agree", "keep",  "on",    "in",      "Tokyo",  "Moscow", "said",   "minister",   "foreign",
    "fish",  "quota", "2019",  "3.5",     "sea",    "north",  "south",  "Kuril",      "Habomai",
    "and",   "to",    "was",   "were",    "new",    "round",  "Monday", "envoy",      "visit",
    "OK",    "rose",  "catch", "boat",    "vessel", "war",    "ended",  "sovereignty"};
static const char *const RU[] = {
    "Россия",  "России", "Японии", "Япония", "острова", "островов", "переговоры", "мир",
    "договор", "в",      "на",     "и",      "не",      "Курилы",   "Курил",      "Токио",
    "министр", "сказал", "рыба",   "квота",  "2019",    "году",     "море",       "юг",
    "север",   "визит",  "новый",  "раунд",  "посол",   "война",    "улов",       "вырос"};
static const char *const JA[] = {"北", "方", "領", "土", "の", "返", "還", "を", "求", "め",
                                 "る", "日", "ロ", "協", "議", "島", "択", "捉", "国", "後",
                                 "色", "丹", "歯", "舞", "群", "で", "合", "意", "た", "。"};

typedef struct vocab {
    const char *const *w;
    size_t n;
    const char *sep;
} vocab;

static void random_segment(str *b, const vocab *v, int words)
{
    for (int i = 0; i < words; i++)
        add(b, "%s%s", i ? v->sep : "", v->w[rnd((uint32_t)v->n)]);
}

/* Two result sets are the same: units, targets and scores, in order. */
static void same_results(const char *q, int min, const concord_matches *a, const concord_matches *b)
{
    if (a->n != b->n) {
        fprintf(stderr, "query '%s' at %d: index %zu matches, exhaustive %zu\n", q, min, a->n,
                b->n);
        for (size_t i = 0; i < a->n; i++)
            fprintf(stderr, "  index: %d %s\n", a->v[i].score, a->v[i].source);
        for (size_t i = 0; i < b->n; i++)
            fprintf(stderr, "  exhaustive: %d %s\n", b->v[i].score, b->v[i].source);
        fail();
    }
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->v[i].unit, b->v[i].unit);
        assert_int_equal(a->v[i].score, b->v[i].score);
        assert_string_equal(a->v[i].target, b->v[i].target);
    }
}

static size_t compare_queries(concord_matcher *m, char **queries, size_t nq, const int *mins,
                              size_t nmins)
{
    size_t matched = 0;
    for (size_t i = 0; i < nq; i++) {
        for (size_t k = 0; k < nmins; k++) {
            concord_matches *x = look(m, queries[i], mins[k], 0);
            concord_matches *y = look(m, queries[i], mins[k], 1);
            same_results(queries[i], mins[k], x, y);
            matched += x->n;
            concord_matches_free(x);
            concord_matches_free(y);
        }
        /* the best one and the best five (the index then stops early) */
        static const size_t tops[] = {1, 5};
        for (size_t k = 0; k < 2; k++) {
            int min = mins[i % nmins];
            concord_matches *x = look_k(m, queries[i], min, 0, tops[k]);
            concord_matches *y = look_k(m, queries[i], min, 1, tops[k]);
            same_results(queries[i], min, x, y);
            concord_matches_free(x);
            concord_matches_free(y);
        }
    }
    return matched;
}

/* A query: a stored segment with 0 to 3 words changed, or a new random one. */
static char *make_query(char **segs, size_t n, const vocab *v)
{
    str b = {NULL, 0, 0};
    if (rnd(5) == 0) {
        random_segment(&b, v, 2 + (int)rnd(14));
        return b.s;
    }
    const char *s = segs[rnd((uint32_t)n)];
    /* split on the separator (for ja: every character is a word) */
    char *copy = strdup(s);
    const char *parts[64];
    int np = 0;
    if (*v->sep) {
        for (char *save = NULL, *t = strtok_r(copy, v->sep, &save); t && np < 64;
             t = strtok_r(NULL, v->sep, &save))
            parts[np++] = t;
    } else {
        for (const char *p = s; *p && np < 64; p += 3) /* the ja vocabulary is 3-byte UTF-8 */
            parts[np++] = p;
    }
    int edits = (int)rnd(4);
    int del = -1, sub = -1, ins = -1;
    if (edits >= 1)
        sub = (int)rnd((uint32_t)np);
    if (edits >= 2)
        del = (int)rnd((uint32_t)np);
    if (edits >= 3)
        ins = (int)rnd((uint32_t)np);
    for (int i = 0; i < np; i++) {
        const char *sep = b.len ? v->sep : "";
        if (i == ins)
            add(&b, "%s%s", sep, v->w[rnd((uint32_t)v->n)]), sep = v->sep;
        if (i == del)
            continue;
        if (i == sub)
            add(&b, "%s%s", sep, v->w[rnd((uint32_t)v->n)]);
        else if (*v->sep)
            add(&b, "%s%s", sep, parts[i]);
        else
            add(&b, "%.3s", parts[i]);
    }
    free(copy);
    if (!b.s)
        add(&b, "%s", v->w[0]);
    return b.s;
}

static void check_language(const char *name, const vocab *v, const char *lang, size_t nunits,
                           size_t nqueries)
{
    /* a TM of random segments (some repeated with another translation) */
    str body = {NULL, 0, 0};
    char **segs = calloc(nunits, sizeof(*segs));
    for (size_t i = 0; i < nunits; i++) {
        str s = {NULL, 0, 0};
        if (i > 0 && rnd(10) == 0)
            add(&s, "%s", segs[rnd((uint32_t)i)]);
        else
            random_segment(&s, v, 1 + (int)rnd(15));
        segs[i] = s.s;
        add(&body,
            "<tu srclang=\"%s\"><tuv xml:lang=\"%s\"><seg>%s</seg></tuv>"
            "<tuv xml:lang=\"de\"><seg>t%zu</seg></tuv></tu>\n",
            lang, lang, s.s, i);
    }
    concord_tm *tm = tm_with(name, body.s, CONCORD_DUP_KEEP);
    free(body.s);
    concord_matcher *m;
    assert_int_equal(concord_matcher_open(&m, tm, lang, "de"), 0);
    char **queries = calloc(nqueries, sizeof(*queries));
    for (size_t i = 0; i < nqueries; i++)
        queries[i] = make_query(segs, nunits, v);
    static const int mins[] = {50, 70, 90, 100};
    size_t matched = compare_queries(m, queries, nqueries, mins, 4);
    print_message("  %s: %zu units, %zu queries x 4 thresholds, %zu matches, index = scan\n", lang,
                  nunits, nqueries, matched);
    assert_true(matched > nqueries); /* the test means something only if things match */
    for (size_t i = 0; i < nqueries; i++)
        free(queries[i]);
    free(queries);
    for (size_t i = 0; i < nunits; i++)
        free(segs[i]);
    free(segs);
    concord_matcher_close(m);
    concord_tm_close(tm);
}

static void test_index_equals_scan(void **state)
{
    (void)state;
    vocab en = {EN, sizeof(EN) / sizeof(EN[0]), " "};
    vocab ru = {RU, sizeof(RU) / sizeof(RU[0]), " "};
    vocab ja = {JA, sizeof(JA) / sizeof(JA[0]), ""};
    check_language("rand-en.tm", &en, "en", 3000, 700);
    check_language("rand-ru.tm", &ru, "ru", 3000, 700);
    check_language("rand-ja.tm", &ja, "ja", 3000, 700);
}

/* The index follows imports, merges and replaces; a TM it cannot update is scanned. */
static void test_index_follows_the_tm(void **state)
{
    (void)state;
    concord_tm *tm = tm_with("follow.tm",
                             TU2("Russia and Japan agree to keep talking", "Переговоры")
                                 TU2("The islands were seized in 1945", "Острова"),
                             CONCORD_DUP_KEEP);
    concord_matcher *m;
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ru"), 0);
    concord_matches *ms = look(m, "Russia and Japan agree to keep talking", 70, 0);
    assert_int_equal(ms->n, 1);
    concord_matches_free(ms);

    /* new units after the matcher was opened: found by the tail scan */
    import_more(tm, "more1.tmx", TU2("Japan and Russia agree to keep talking", "Ещё"),
                CONCORD_DUP_KEEP);
    ms = look(m, "Russia and Japan agree to keep talking", 70, 0);
    assert_int_equal(ms->n, 2);
    concord_matches_free(ms);

    /* a new language merged into a stored unit: a matcher from ja finds it */
    import_more(tm, "more2.tmx",
                "<tu><tuv xml:lang=\"en\"><seg>The islands were seized in 1945</seg></tuv>"
                "<tuv xml:lang=\"ja\"><seg>島々は1945年に占拠された</seg></tuv></tu>\n",
                CONCORD_DUP_KEEP);
    concord_matcher *mj;
    assert_int_equal(concord_matcher_open(&mj, tm, "ja", "ru"), 0);
    ms = look(mj, "島々は1945年に占拠された", 70, 0);
    assert_int_equal(ms->n, 1);
    assert_string_equal(ms->v[0].target, "Острова");
    concord_matches_free(ms);
    concord_matcher_close(mj);

    /* en was indexed before the merge: the change log brings the unit back, once */
    concord_matcher_close(m);
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ja"), 0);
    ms = look(m, "The islands were seized in 1945", 70, 0);
    assert_int_equal(ms->n, 1);
    concord_matches_free(ms);
    concord_matcher_close(m);

    /* replace: the old translation is gone from the results */
    import_more(tm, "more3.tmx", TU2("Russia and Japan agree to keep talking", "Новый перевод"),
                CONCORD_DUP_REPLACE);
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ru"), 0);
    ms = look(m, "Russia and Japan agree to keep talking", 100, 0);
    assert_int_equal(ms->n, 1);
    assert_string_equal(ms->v[0].target, "Новый перевод");
    concord_matches_free(ms);
    concord_matcher_close(m);
    concord_tm_close(tm);

    /* a TM opened read-only: its index cannot be updated, lookup scans what it lacks */
    concord_tm *w;
    assert_int_equal(concord_tm_open(&w, path_of("follow.tm"), 0), 0);
    import_more(w, "more4.tmx", TU2("A completely new sentence about fish", "Рыба"),
                CONCORD_DUP_KEEP);
    concord_tm_close(w);
    concord_tm *ro;
    assert_int_equal(concord_tm_open(&ro, path_of("follow.tm"), CONCORD_TM_READONLY), 0);
    assert_int_equal(concord_matcher_open(&m, ro, "en", "ru"), 0);
    ms = look(m, "A completely new sentence about fish", 70, 0);
    assert_int_equal(ms->n, 1);
    concord_matches *ex = look(m, "A completely new sentence about fish", 70, 1);
    same_results("fish", 70, ms, ex);
    concord_matches_free(ex);
    concord_matches_free(ms);
    concord_matcher_close(m);
    concord_tm_close(ro);
}

/* The real multilingual sentences of UD-PUD (en, ru, ja, de), when ../shared/data is there. */
typedef struct pud {
    char *seg[3][1000];
    size_t n[3];
} pud;

static const char *const PUD_LANGS[] = {"en", "ru", "ja"};

static int collect_pud(const concord_unit *u, void *ud)
{
    pud *p = ud;
    for (size_t i = 0; i < u->nvariants; i++)
        for (size_t l = 0; l < 3; l++)
            if (strcmp(u->variants[i].lang, PUD_LANGS[l]) == 0 && p->n[l] < 1000)
                p->seg[l][p->n[l]++] = strdup(u->variants[i].text);
    return 0;
}

/* The segment with its second word (ja: its second to fourth characters) left out. */
static char *drop_a_word(const char *s, int ja)
{
    str b = {NULL, 0, 0};
    if (ja) {
        size_t i = 0, k = 0;
        for (; s[i]; k++) {
            size_t n = 1;
            while ((s[i + n] & 0xC0) == 0x80)
                n++;
            if (k < 1 || k > 3)
                add(&b, "%.*s", (int)n, s + i);
            i += n;
        }
    } else {
        const char *sp = strchr(s, ' ');
        const char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
        if (sp2)
            add(&b, "%.*s%s", (int)(sp - s), s, sp2);
        else
            add(&b, "%s", s);
    }
    return b.s;
}

static void test_index_equals_scan_on_pud(void **state)
{
    (void)state;
    const char *path = CONCORD_SHARED_DATA "/tmx/ud-pud-parallel/pud-news-wiki-en-ru-ja-de.tmx";
    if (access(path, R_OK) != 0)
        skip();
    pud *p = calloc(1, sizeof(*p));
    concord_tmx_callbacks cb = {CONCORD_TMX_CALLBACKS_VERSION, NULL, collect_pud, NULL, NULL, p};
    assert_int_equal(concord_tmx_read(path, 0, &cb), 0);
    concord_tm *tm;
    assert_int_equal(concord_tm_open(&tm, path_of("pud.tm"), CONCORD_TM_CREATE), 0);
    assert_int_equal(concord_tm_import_tmx(NULL, tm, &path, 1, NULL), 0);
    static const char *const to[] = {"ru", "ja", "en"};
    static const int mins[] = {50, 70, 90};
    for (size_t l = 0; l < 3; l++) {
        concord_matcher *m;
        assert_int_equal(concord_matcher_open(&m, tm, PUD_LANGS[l], to[l]), 0);
        size_t nq = 0;
        char *queries[400];
        for (size_t i = 0; i < p->n[l] && nq < 400; i += 3)
            queries[nq++] = drop_a_word(p->seg[l][i], l == 2);
        size_t matched = compare_queries(m, queries, nq, mins, 3);
        print_message("  PUD %s>%s: %zu queries x 3 thresholds, %zu matches, index = scan\n",
                      PUD_LANGS[l], to[l], nq, matched);
        assert_true(matched >= nq);
        for (size_t i = 0; i < nq; i++)
            free(queries[i]);
        concord_matcher_close(m);
    }
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < p->n[l]; i++)
            free(p->seg[l][i]);
    free(p);
    concord_tm_close(tm);
}

static void test_concordance(void **state)
{
    (void)state;
    concord_tm *tm = tm_with(
        "conc.tm",
        TU2("Southern Kurils, known in Japan as the Northern Territories",
            "Южные Курилы, которые в Японии называют Северными территориями")
            TU2("The northern territories issue", "Вопрос северных территорий") TU2(
                "Territories of the north",
                "Территории севера") "<tu><tuv xml:lang=\"en\"><seg>Northern Territories "
                                     "Day</seg></tuv>"
                                     "<tuv xml:lang=\"ja\"><seg>北方領土の日</seg></tuv></tu>\n",
        CONCORD_DUP_KEEP);
    concord_hits *h;
    const char *q = "northern territories";
    assert_int_equal(concord_concordance_search(&h, tm, "en", q, strlen(q), 0), 0);
    assert_int_equal(h->n, 3); /* not "Territories of the north": another order */
    assert_false(h->more);
    /* newest first, the phrase located, the other languages given */
    assert_string_equal(h->v[0].text, "Northern Territories Day");
    assert_int_equal(h->v[0].start, 0);
    assert_int_equal(h->v[0].end, 20);
    assert_int_equal(h->v[0].nothers, 1);
    assert_string_equal(h->v[0].others[0].lang, "ja");
    assert_string_equal(h->v[2].text + h->v[2].start, "Northern Territories");
    concord_hits_free(h);
    /* at most max, and says there are more */
    assert_int_equal(concord_concordance_search(&h, tm, "en", q, strlen(q), 2), 0);
    assert_int_equal(h->n, 2);
    assert_true(h->more);
    concord_hits_free(h);
    /* Japanese by character; Russian case folded */
    q = "北方領土";
    assert_int_equal(concord_concordance_search(&h, tm, "ja", q, strlen(q), 0), 0);
    assert_int_equal(h->n, 1);
    assert_int_equal(h->v[0].end - h->v[0].start, strlen("北方領土"));
    concord_hits_free(h);
    q = "СЕВЕРНЫХ территорий";
    assert_int_equal(concord_concordance_search(&h, tm, "ru", q, strlen(q), 0), 0);
    assert_int_equal(h->n, 1);
    concord_hits_free(h);
    /* units stored after the index was built are found too */
    import_more(tm, "conc2.tmx", TU2("More about the Northern Territories", "Ещё"),
                CONCORD_DUP_KEEP);
    q = "Northern Territories";
    assert_int_equal(concord_concordance_search(&h, tm, "en", q, strlen(q), 0), 0);
    assert_int_equal(h->n, 4);
    assert_string_equal(h->v[0].text, "More about the Northern Territories");
    concord_hits_free(h);
    /* nothing to search for */
    q = "...";
    assert_int_equal(concord_concordance_search(&h, tm, "en", q, strlen(q), 0), CONCORD_EINVAL);
    concord_tm_close(tm);
}

static void test_bad_queries(void **state)
{
    (void)state;
    concord_tm *tm = tm_with("bad.tm", TU2("Hello world", "Привет, мир"), CONCORD_DUP_KEEP);
    concord_matcher *m;
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ru"), 0);
    concord_lookup_options o = CONCORD_LOOKUP_OPTIONS_INIT;
    concord_matches *ms;
    /* invalid UTF-8, with its offset */
    assert_int_equal(concord_matcher_lookup(&ms, m, "Hello \xff world", 13, &o), CONCORD_EENCODING);
    assert_int_equal(concord_error_last()->offset, 6);
    assert_null(ms);
    /* too many words */
    str big = {NULL, 0, 0};
    for (int i = 0; i < 1500; i++)
        add(&big, "word%d ", i);
    assert_int_equal(concord_matcher_lookup(&ms, m, big.s, big.len, &o), CONCORD_ELIMIT);
    assert_non_null(strstr(concord_error_last()->message, "1000"));
    free(big.s);
    /* one character: fine, nothing close */
    assert_int_equal(concord_matcher_lookup(&ms, m, "H", 1, &o), 0);
    assert_int_equal(ms->n, 0);
    concord_matches_free(ms);
    concord_matcher_close(m);
    /* a language the TM does not have: the message lists the pairs it has */
    assert_int_equal(concord_matcher_open(&m, tm, "en", "fr"), CONCORD_EUNSUPPORTED);
    assert_non_null(strstr(concord_error_last()->message, "en>ru"));
    assert_null(m);
    assert_int_equal(concord_matcher_open(&m, tm, "english", "ru"), CONCORD_EINVAL);
    concord_tm_close(tm);
}

/*
 * The keys of the word index are kept in TM files: a TM indexed by an
 * earlier concord must be searched with the same keys (values of 0.1).
 */
static void test_index_keys_are_stable(void **state)
{
    (void)state;
    uint64_t islands = cc_word_key(CC_TOK_WORD, "islands", 7);
    assert_true(islands == 0xef0ce74507894390ULL);
    assert_true(cc_word_key(CC_TOK_NUMBER, "2019", 4) == 0xaf639e4c86018332ULL);
    assert_true(cc_word_key(CC_TOK_NUMBER, "7", 1) == cc_word_key(CC_TOK_NUMBER, "2019", 4));
    assert_true(cc_index_key("en", islands) == 0xa28646f70820ef5bULL);
    assert_true(cc_index_key("ja", cc_word_key(CC_TOK_NUMBER, "1", 1)) == 0xf30e0b3867abb7d5ULL);
}

/* ---- numbers inside dates ------------------------------------------------------------ */

typedef struct date_case {
    const char *from, *to;
    const char *source, *target; /* the stored unit */
    const char *query;
    const char *numbers; /* the target with the query's numbers expected, or NULL: none offered */
} date_case;

/*
 * A number is put into the stored translation only where the date it is
 * part of is otherwise the same: a target with a wrong date is worse than
 * none. Each NULL row got a wrong date before ("28 марта" for June 28).
 */
static void test_numbers_in_dates(void **state)
{
    (void)state;
    static const date_case cases[] = {
        /* English: month name or abbreviation, with or without the year */
        {"en", "ru", "The talks resume on March 27.", "Переговоры возобновятся 27 марта.",
         "The talks resume on June 28.", NULL},
        {"en", "ru", "The talks resume on March 27.", "Переговоры возобновятся 27 марта.",
         "The talks resume on March 28.", "Переговоры возобновятся 28 марта."},
        {"en", "ru", "The talks resume on March 27.", "Переговоры возобновятся 27 марта.",
         "The talks resume on Mar. 28.", "Переговоры возобновятся 28 марта."},
        {"en", "ru", "The treaty was signed on June 27, 2019.",
         "Договор подписан 27 июня 2019 года.", "The treaty was signed on July 27, 2020.", NULL},
        {"en", "ru", "The treaty was signed on June 27, 2019.",
         "Договор подписан 27 июня 2019 года.", "The treaty was signed on June 27, 2020.",
         "Договор подписан 27 июня 2020 года."},
        /* numeric dates: the same shape, or nothing */
        {"en", "ja", "Talks resume on 06/27.", "会談は06/27に再開する。", "Talks resume on 06/28.",
         "会談は06/28に再開する。"},
        {"en", "ja", "Talks resume on 06/27.", "会談は06/27に再開する。",
         "Talks resume on 28 June.", NULL},
        {"en", "ru", "Talks resume on 2024-06-27.", "Переговоры возобновятся 2024-06-27.",
         "Talks resume on 2024-06-28.", "Переговоры возобновятся 2024-06-28."},
        {"en", "ru", "Talks resume on 2024-06-27.", "Переговоры возобновятся 2024-06-27.",
         "Talks resume on June 2024.", NULL},
        /* a number that is no part of a date is substituted as before */
        {"en", "ru", "They signed 3 agreements in March.", "Они подписали 3 соглашения в марте.",
         "They signed 5 agreements in March.", "Они подписали 5 соглашения в марте."},
        /* Russian: every case of the month, and its abbreviation */
        {"ru", "en", "Переговоры возобновятся 27 марта.", "The talks resume on March 27.",
         "Переговоры возобновятся 28 июня.", NULL},
        {"ru", "en", "Переговоры возобновятся 27 марта.", "The talks resume on March 27.",
         "Переговоры возобновятся 28 мар.", "The talks resume on March 28."},
        {"ru", "en", "Это было в марте 2019 года.", "It was in March 2019.",
         "Это было в мае 2020 года.", NULL},
        {"ru", "en", "Это было в марте 2019 года.", "It was in March 2019.",
         "Это было в марте 2020 года.", "It was in March 2020."},
        /* German and French */
        {"de", "en", "Die Gespräche beginnen am 27. März 2024.",
         "The talks begin on 27 March 2024.", "Die Gespräche beginnen am 28. Juni 2024.", NULL},
        {"de", "en", "Die Gespräche beginnen am 27. März 2024.",
         "The talks begin on 27 March 2024.", "Die Gespräche beginnen am 28. März 2024.",
         "The talks begin on 28 March 2024."},
        {"fr", "en", "Les pourparlers reprennent le 27 mars.", "The talks resume on 27 March.",
         "Les pourparlers reprennent le 28 avril.", NULL},
        {"fr", "en", "Les pourparlers reprennent le 27 mars.", "The talks resume on 27 March.",
         "Les pourparlers reprennent le 28 mars.", "The talks resume on 28 March."},
        /* Japanese 年月日 */
        {"ja", "en", "会談は6月27日に再開する。", "The talks resume on 6/27.",
         "会談は28日に再開する。", NULL},
        {"ja", "en", "会談は6月27日に再開する。", "The talks resume on 6/27.",
         "会談は7月28日に再開する。", "The talks resume on 7/28."},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const date_case *c = &cases[i];
        char name[32], body[1024];
        snprintf(name, sizeof(name), "dates%zu.tm", i);
        snprintf(body, sizeof(body),
                 "<tu><tuv xml:lang=\"%s\"><seg>%s</seg></tuv><tuv xml:lang=\"%s\"><seg>%s</seg>"
                 "</tuv></tu>\n",
                 c->from, c->source, c->to, c->target);
        concord_tm *tm = tm_with(name, body, CONCORD_DUP_KEEP);
        concord_matcher *m;
        assert_int_equal(concord_matcher_open(&m, tm, c->from, c->to), 0);
        concord_matches *ms = look(m, c->query, 0, 0);
        if (ms->n != 1)
            fail_msg("case %zu: %zu matches", i, ms->n);
        /* the numbers still cost their points whether or not a target is offered */
        if (points(&ms->v[0], CONCORD_PENALTY_NUMBERS) < 1)
            fail_msg("case %zu: no numbers penalty", i);
        const char *got = ms->v[0].target_numbers;
        if (c->numbers ? !got || strcmp(got, c->numbers) != 0 : got != NULL)
            fail_msg("case %zu: '%s' gave '%s', expected '%s'", i, c->query, got ? got : "(none)",
                     c->numbers ? c->numbers : "(none)");
        concord_matches_free(ms);
        concord_matcher_close(m);
        concord_tm_close(tm);
    }
}

/* ---- where the diff puts words one side lacks ------------------------------------------- */

typedef struct diff_case {
    const char *source, *query;
    /* the one insert or delete op: the text of the side without words before its position */
    const char *before;
} diff_case;

/*
 * An insertion after the last word goes before the full stop, not after it
 * ("discussed {+today+}."), and so does a deletion's place in the query; in
 * the middle, after the word before when only spaces separate them, else
 * before the next word (the punctuation stays where the words are).
 */
static void test_diff_places_insertions(void **state)
{
    (void)state;
    static const diff_case cases[] = {
        {"The delegates discussed the islands.", "The delegates discussed the islands today.",
         "The delegates discussed the islands"},
        {"They met in Tokyo.", "They met in Tokyo, Japan.", "They met in Tokyo"},
        {"Talks resumed in Tokyo on Monday.", "Talks resumed in Tokyo again on Monday.",
         "Talks resumed in Tokyo"},
        {"Moscow, Tokyo and Kyoto agreed.", "Moscow, Osaka, Tokyo and Kyoto agreed.", "Moscow, "},
        {"Talks resumed on Monday!", "Today talks resumed on Monday!", ""},
        {"Talks resumed in Tokyo", "Talks resumed in Tokyo again", "Talks resumed in Tokyo"},
        /* deletions: the place in the query */
        {"The delegates discussed the islands today.", "The delegates discussed the islands.",
         "The delegates discussed the islands"},
        {"「北方領土の返還を求める」と述べた。", "「北方領土の返還を求める」述べた。",
         "「北方領土の返還を求める」"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const diff_case *c = &cases[i];
        char name[32], body[1024];
        snprintf(name, sizeof(name), "diff%zu.tm", i);
        const char *lang = strstr(c->source, "北") ? "ja" : "en";
        snprintf(body, sizeof(body),
                 "<tu><tuv xml:lang=\"%s\"><seg>%s</seg></tuv><tuv xml:lang=\"ru\"><seg>"
                 "перевод</seg></tuv></tu>\n",
                 lang, c->source);
        concord_tm *tm = tm_with(name, body, CONCORD_DUP_KEEP);
        concord_matcher *m;
        assert_int_equal(concord_matcher_open(&m, tm, lang, "ru"), 0);
        concord_matches *ms = look(m, c->query, 0, 0);
        assert_int_equal(ms->n, 1);
        const concord_match *x = &ms->v[0];
        size_t found = 0, at = 0, prev_end = 0;
        int ordered = 1;
        const char *side = NULL; /* the text the op's empty side is in */
        for (size_t k = 0; k < x->ndiff; k++) {
            const concord_diff_op *d = &x->diff[k];
            ordered &= d->source_start >= prev_end && d->source_end >= d->source_start;
            prev_end = d->source_end;
            if (d->kind == CONCORD_DIFF_INSERT) {
                assert_int_equal(d->source_end, d->source_start);
                at = d->source_start;
                side = x->source;
                found++;
            } else if (d->kind == CONCORD_DIFF_DELETE) {
                assert_int_equal(d->query_end, d->query_start);
                at = d->query_start;
                side = c->query;
                found++;
            }
        }
        if (found != 1 || !ordered)
            fail_msg("case %zu: %zu insert/delete ops, in order: %d", i, found, ordered);
        if (at != strlen(c->before) || memcmp(side, c->before, at) != 0)
            fail_msg("case %zu: the op sits after '%.*s', expected after '%s'", i, (int)at, side,
                     c->before);
        concord_matches_free(ms);
        concord_matcher_close(m);
        concord_tm_close(tm);
    }
}

/* ---- analysis, in memory and read in pieces ------------------------------------------------ */

typedef struct seg_calls {
    concord_analysis_segment v[8192];
    size_t n;
} seg_calls;

static int take_segment(const concord_analysis_segment *x, void *ud)
{
    seg_calls *c = ud;
    if (c->n < 8192)
        c->v[c->n] = *x;
    c->n++;
    return 0;
}

static void same_analysis(const concord_analysis *a, const concord_analysis *b)
{
    for (int k = 0; k < CONCORD_NBANDS; k++) {
        assert_int_equal(a->bands[k].segments, b->bands[k].segments);
        assert_int_equal(a->bands[k].words, b->bands[k].words);
        assert_int_equal(a->bands[k].characters, b->bands[k].characters);
    }
    assert_int_equal(a->total.segments, b->total.segments);
}

/* The analyze options as version 1 had them, for a program built against those headers. */
typedef struct analyze_options_v1 {
    unsigned int version;
    int wrapped;
    void (*progress)(size_t done, size_t total, void *ud);
    void *ud;
} analyze_options_v1;

static void test_analyze_read_in_pieces(void **state)
{
    (void)state;
    concord_tm *tm = tm_with("an.tm",
                             TU2("The talks began.", "Переговоры начались.")
                                 TU2("They lasted two hours.", "Они продолжались два часа.")
                                     TU2("Both sides were satisfied.", "Обе стороны довольны."),
                             CONCORD_DUP_KEEP);
    concord_matcher *m;
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ru"), 0);
    /* context matches, fuzzy ones, repetitions, and more distinct segments than a first table */
    str doc = {NULL, 0, 0};
    add(&doc, "The talks began.\nThey lasted two hours.\nBoth sides were satisfied.\n");
    for (int i = 0; i < 3000; i++)
        add(&doc, "Line %d of the report was read. They lasted two hours!\n", i % 1500);
    add(&doc, "The talks began. They lasted two hours.");
    concord_analysis *whole, *read;
    assert_int_equal(concord_matcher_analyze(&whole, m, doc.s, doc.len, NULL), 0);
    assert_int_equal(whole->bands[CONCORD_BAND_CONTEXT].segments, 3);
    /* 1500 first sentences seen twice, 2999 more "They lasted two hours!", the last line */
    assert_int_equal(whole->bands[CONCORD_BAND_REPETITION].segments, 1500 + 2999 + 2);
    for (size_t chunk = 1; chunk <= 70001; chunk += 70000) {
        concord_analyze_options o = CONCORD_ANALYZE_OPTIONS_INIT;
        pieces r = PIECES(doc.s, doc.len, chunk);
        assert_int_equal(concord_matcher_analyze_reader(&read, m, pieces_read, &r, &o), 0);
        same_analysis(whole, read);
        assert_int_equal(read->nsegments, whole->nsegments);
        for (size_t i = 0; i < whole->nsegments; i++)
            assert_memory_equal(&read->segments[i], &whole->segments[i], sizeof(read->segments[i]));
        concord_analysis_free(read);
    }
    /* segments one by one, none kept */
    static seg_calls calls;
    calls.n = 0;
    concord_analyze_options o = CONCORD_ANALYZE_OPTIONS_INIT;
    o.segment = take_segment;
    o.ud = &calls;
    pieces r = PIECES(doc.s, doc.len, 4096);
    assert_int_equal(concord_matcher_analyze_reader(&read, m, pieces_read, &r, &o), 0);
    assert_null(read->segments);
    assert_int_equal(calls.n, whole->nsegments);
    for (size_t i = 0; i < whole->nsegments && i < 8192; i++)
        assert_memory_equal(&calls.v[i], &whole->segments[i], sizeof(calls.v[i]));
    same_analysis(whole, read);
    concord_analysis_free(read);
    /* a version 1 struct: what lies after it is not read */
    struct {
        analyze_options_v1 o;
        unsigned char after[16];
    } v1;
    memset(&v1, 0xff, sizeof(v1));
    v1.o.version = 1;
    v1.o.wrapped = 0;
    v1.o.progress = NULL;
    v1.o.ud = NULL;
    assert_int_equal(concord_matcher_analyze(&read, m, doc.s, doc.len,
                                             (const concord_analyze_options *)(void *)&v1.o),
                     0);
    same_analysis(whole, read);
    assert_int_equal(read->nsegments, whole->nsegments);
    concord_analysis_free(read);
    /* bad input read in pieces: the position in the whole document */
    const char *bad = "The talks began.\nThey \xff lasted.\n";
    pieces rb = PIECES(bad, strlen(bad), 3);
    assert_int_equal(concord_matcher_analyze_reader(&read, m, pieces_read, &rb, NULL),
                     CONCORD_EENCODING);
    assert_null(read);
    assert_int_equal(concord_error_last()->offset, 22);
    assert_int_equal(concord_error_last()->line, 2);
    /* a lookup error inside keeps its own message */
    str longseg = {NULL, 0, 0};
    for (int i = 0; i < 1200; i++)
        add(&longseg, "word%d ", i);
    pieces rl = PIECES(longseg.s, longseg.len, 1000);
    assert_int_equal(concord_matcher_analyze_reader(&read, m, pieces_read, &rl, NULL),
                     CONCORD_ELIMIT);
    assert_non_null(strstr(concord_error_last()->message, "1000"));
    free(longseg.s);
    concord_analysis_free(whole);
    free(doc.s);
    concord_matcher_close(m);
    concord_tm_close(tm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_and_penalties),
        cmocka_unit_test(test_japanese_by_character),
        cmocka_unit_test(test_context_match_is_101),
        cmocka_unit_test(test_index_equals_scan),
        cmocka_unit_test(test_index_follows_the_tm),
        cmocka_unit_test(test_index_equals_scan_on_pud),
        cmocka_unit_test(test_concordance),
        cmocka_unit_test(test_bad_queries),
        cmocka_unit_test(test_index_keys_are_stable),
        cmocka_unit_test(test_numbers_in_dates),
        cmocka_unit_test(test_diff_places_insertions),
        cmocka_unit_test(test_analyze_read_in_pieces),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
