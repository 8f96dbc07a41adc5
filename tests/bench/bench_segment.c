/*
 * bench_segment.c — accuracy and speed of the segmenter on the shared gold
 * data, with raw ICU BreakIterator measured on the same text in the same run.
 *
 *   bench_segment accuracy DATA_DIR [--errors]
 *   bench_segment speed DATA_DIR [MB] [RUNS]
 *   bench_segment large MB
 *   bench_segment suites CASES_DIR [--errors]
 *
 * DATA_DIR is ../shared/data/segmentation. Accuracy: boundary precision,
 * recall and F1 against the gold sentence offsets (code points), counting
 * the boundaries inside each document (the end of a document is not
 * counted: it is always right). Speed: throughput in MB/s of concord and of
 * raw ICU on the same few MB of text (the documents repeated), median of
 * RUNS runs, and the ratio.
 *
 * This program may use ICU directly: it is a benchmark, not the library.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "concord/concord.h"
#include "../unit/seg_cases.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_segment: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 >= cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

typedef struct doc {
    char id[128];
    char *text;
    size_t len;
    size_t *gold_end; /* code point offsets of sentence ends */
    size_t ngold, capgold;
} doc;

typedef struct corpus {
    doc *docs;
    size_t n, cap;
} corpus;

static doc *find_or_add(corpus *c, const char *id)
{
    for (size_t i = c->n; i-- > 0;)
        if (strcmp(c->docs[i].id, id) == 0)
            return &c->docs[i];
    if (c->n == c->cap)
        c->docs = realloc(c->docs, (c->cap = c->cap ? c->cap * 2 : 64) * sizeof(doc));
    doc *d = &c->docs[c->n++];
    memset(d, 0, sizeof(*d));
    snprintf(d->id, sizeof(d->id), "%s", id);
    return d;
}

static void add_gold(doc *d, size_t end)
{
    if (d->ngold == d->capgold)
        d->gold_end =
            realloc(d->gold_end, (d->capgold = d->capgold ? d->capgold * 2 : 32) * sizeof(size_t));
    d->gold_end[d->ngold++] = end;
}

/* gold.tsv: doc_id, sent_id, start, end[, paragraph] with a header line */
static void read_gold(corpus *c, const char *path)
{
    size_t len;
    char *t = slurp(path, &len);
    char *save = NULL;
    int first = 1;
    for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (first) {
            first = 0;
            continue;
        }
        char *f[5] = {0};
        int nf = 0;
        char *s2 = NULL;
        for (char *p = strtok_r(line, "\t", &s2); p && nf < 5; p = strtok_r(NULL, "\t", &s2))
            f[nf++] = p;
        if (nf < 4)
            continue;
        add_gold(find_or_add(c, f[0]), strtoul(f[3], NULL, 10));
    }
    free(t);
}

static size_t cp_count(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

typedef struct score {
    size_t tp, fp, fn;
    size_t tp_inline, fp_inline, fn_inline; /* boundaries not at a line break */
} score;

typedef struct collect {
    size_t *ends;
    size_t n, cap;
} collect;

static int on_seg(const concord_segment *sg, void *p)
{
    collect *c = p;
    if (c->n == c->cap)
        c->ends = realloc(c->ends, (c->cap = c->cap ? c->cap * 2 : 64) * sizeof(size_t));
    c->ends[c->n++] = sg->end;
    return 0;
}

static int is_line_gap(const doc *d, size_t cp_end)
{
    /* is there a newline right after this boundary (code point offset)? */
    size_t k = 0, i = 0;
    while (i < d->len && k < cp_end) {
        k += ((unsigned char)d->text[i] & 0xC0) != 0x80;
        i++;
        while (i < d->len && ((unsigned char)d->text[i] & 0xC0) == 0x80)
            i++;
    }
    while (i < d->len && (d->text[i] == ' ' || d->text[i] == '\t'))
        i++;
    return i < d->len && (d->text[i] == '\n' || d->text[i] == '\r');
}

static void evaluate(corpus *c, const char *lang, const char *label, int show_errors)
{
    concord_segmenter_options o = CONCORD_SEGMENTER_OPTIONS_INIT;
    o.lang = lang;
    concord_segmenter *seg;
    if (concord_segmenter_new(&seg, &o) < 0) {
        fprintf(stderr, "bench_segment: %s\n", concord_error_last()->message);
        exit(2);
    }
    score sc = {0};
    collect col = {0};
    for (size_t i = 0; i < c->n; i++) {
        doc *d = &c->docs[i];
        col.n = 0;
        if (concord_segmenter_run(seg, d->text, d->len, on_seg, &col) < 0) {
            fprintf(stderr, "bench_segment: %s: %s\n", d->id, concord_error_last()->message);
            exit(2);
        }
        /* predicted ends in code points, excluding the last */
        size_t np = col.n ? col.n - 1 : 0;
        size_t *pred = malloc((np + 1) * sizeof(size_t));
        for (size_t j = 0; j < np; j++)
            pred[j] = cp_count(d->text, col.ends[j]);
        size_t ng = d->ngold ? d->ngold - 1 : 0;
        size_t a = 0, b = 0;
        while (a < ng || b < np) {
            size_t g = a < ng ? d->gold_end[a] : (size_t)-1;
            size_t p = b < np ? pred[b] : (size_t)-1;
            if (g == p) {
                sc.tp++;
                if (!is_line_gap(d, g))
                    sc.tp_inline++;
                a++;
                b++;
            } else if (g < p) {
                sc.fn++;
                if (!is_line_gap(d, g))
                    sc.fn_inline++;
                if (show_errors)
                    fprintf(stderr, "[%s] MISSED %s @%zu\n", label, d->id, g);
                a++;
            } else {
                sc.fp++;
                if (!is_line_gap(d, p))
                    sc.fp_inline++;
                if (show_errors)
                    fprintf(stderr, "[%s] EXTRA  %s @%zu\n", label, d->id, p);
                b++;
            }
            if (show_errors && g != p) {
                size_t at = g < p ? g : p;
                /* print context: 60 code points around */
                size_t k = 0, i0 = 0;
                while (i0 < d->len && k + 60 < at) {
                    k += ((unsigned char)d->text[i0] & 0xC0) != 0x80;
                    i0++;
                }
                while (i0 < d->len && ((unsigned char)d->text[i0] & 0xC0) == 0x80)
                    i0++;
                size_t i1 = i0, k1 = k;
                while (i1 < d->len && k1 < at + 60) {
                    k1 += ((unsigned char)d->text[i1] & 0xC0) != 0x80;
                    i1++;
                }
                while (i1 < d->len && ((unsigned char)d->text[i1] & 0xC0) == 0x80)
                    i1++;
                size_t mid = i0, km = k;
                while (mid < d->len && km < at) {
                    km += ((unsigned char)d->text[mid] & 0xC0) != 0x80;
                    mid++;
                    while (mid < d->len && ((unsigned char)d->text[mid] & 0xC0) == 0x80)
                        mid++;
                }
                fprintf(stderr, "    %.*s ||| %.*s\n", (int)(mid - i0), d->text + i0,
                        (int)(i1 - mid), d->text + mid);
            }
        }
        free(pred);
    }
    free(col.ends);
    double p = sc.tp + sc.fp ? (double)sc.tp / (double)(sc.tp + sc.fp) : 1;
    double r = sc.tp + sc.fn ? (double)sc.tp / (double)(sc.tp + sc.fn) : 1;
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    size_t ti = sc.tp_inline, fi = sc.fp_inline, ni = sc.fn_inline;
    double pi = ti + fi ? (double)ti / (double)(ti + fi) : 1;
    double ri = ti + ni ? (double)ti / (double)(ti + ni) : 1;
    double fi1 = pi + ri > 0 ? 2 * pi * ri / (pi + ri) : 0;
    printf("%-12s %-3s docs %4zu  boundaries %5zu  P %.4f  R %.4f  F1 %.4f  | within lines: "
           "%5zu  P %.4f  R %.4f  F1 %.4f\n",
           label, lang, c->n, sc.tp + sc.fn, p, r, f, ti + ni, pi, ri, fi1);
    concord_segmenter_free(seg);
}

static void load_gum(corpus *c, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/gum-news-en/derived/gold.tsv", dir);
    read_gold(c, path);
    for (size_t i = 0; i < c->n; i++) {
        snprintf(path, sizeof(path), "%s/gum-news-en/derived/text/%s.txt", dir, c->docs[i].id);
        c->docs[i].text = slurp(path, &c->docs[i].len);
    }
}

static void load_pud(corpus *c, const char *dir, const char *lang)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/ud-pud/derived/%s_pud.gold.tsv", dir, lang);
    read_gold(c, path);
    snprintf(path, sizeof(path), "%s/ud-pud/derived/%s_pud.docs.txt", dir, lang);
    size_t len;
    char *all = slurp(path, &len);
    /* documents are separated by a blank line, in the order of the gold file */
    size_t di = 0;
    char *p = all, *end = all + len;
    while (p < end && di < c->n) {
        char *q = strstr(p, "\n\n");
        if (!q)
            q = end;
        c->docs[di].len = (size_t)(q - p);
        c->docs[di].text = malloc(c->docs[di].len + 1);
        memcpy(c->docs[di].text, p, c->docs[di].len);
        c->docs[di].text[c->docs[di].len] = '\0';
        di++;
        p = q + 2;
    }
    if (di != c->n) {
        fprintf(stderr, "bench_segment: %s: %zu documents, gold has %zu\n", path, di, c->n);
        exit(2);
    }
    free(all);
}

static void free_corpus(corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->docs[i].text);
        free(c->docs[i].gold_end);
    }
    free(c->docs);
    memset(c, 0, sizeof(*c));
}

/* ---- speed ---------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int count_seg(const concord_segment *sg, void *p)
{
    (void)sg;
    (*(size_t *)p)++;
    return 0;
}

static size_t run_concord(concord_segmenter *seg, const char *t, size_t n)
{
    size_t k = 0;
    if (concord_segmenter_run(seg, t, n, count_seg, &k) < 0) {
        fprintf(stderr, "bench_segment: %s\n", concord_error_last()->message);
        exit(2);
    }
    return k;
}

/* Raw ICU, the fair way: convert to UTF-16 once, then iterate. */
static size_t run_icu_utf16(const char *lang, const char *t, size_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    UChar *u = malloc((n + 1) * sizeof(UChar));
    u_strFromUTF8(u, (int32_t)n + 1, &ulen, t, (int32_t)n, &st);
    UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, lang, u, ulen, &st);
    if (U_FAILURE(st)) {
        fprintf(stderr, "bench_segment: ICU: %s\n", u_errorName(st));
        exit(2);
    }
    size_t k = 0;
    while (ubrk_next(bi) != UBRK_DONE)
        k++;
    ubrk_close(bi);
    free(u);
    return k;
}

/* Raw ICU directly over UTF-8 (UText), no conversion. */
static size_t run_icu_utext(const char *lang, const char *t, size_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, t, (int64_t)n, &st);
    UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, lang, NULL, 0, &st);
    ubrk_setUText(bi, ut, &st);
    if (U_FAILURE(st)) {
        fprintf(stderr, "bench_segment: ICU: %s\n", u_errorName(st));
        exit(2);
    }
    size_t k = 0;
    while (ubrk_next(bi) != UBRK_DONE)
        k++;
    ubrk_close(bi);
    utext_close(ut);
    return k;
}

static void speed(const char *dir, const char *lang, double mb, int runs)
{
    corpus c = {0};
    if (strcmp(lang, "en") == 0)
        load_gum(&c, dir);
    else
        load_pud(&c, dir, lang);
    /* the documents, one paragraph per line, repeated up to `mb` MB */
    size_t target = (size_t)(mb * 1e6), n = 0, cap = target + (1 << 20);
    char *t = malloc(cap);
    while (n < target) {
        for (size_t i = 0; i < c.n && n < target; i++) {
            memcpy(t + n, c.docs[i].text, c.docs[i].len);
            n += c.docs[i].len;
            t[n++] = '\n';
        }
    }
    free_corpus(&c);
    concord_segmenter_options o = CONCORD_SEGMENTER_OPTIONS_INIT;
    o.lang = lang;
    concord_segmenter *seg;
    concord_segmenter_new(&seg, &o);
    double *tc = calloc((size_t)runs, sizeof(double)), *ti = calloc((size_t)runs, sizeof(double)),
           *tu = calloc((size_t)runs, sizeof(double));
    size_t kc = 0, ki = 0, ku = 0;
    for (int r = 0; r < runs; r++) { /* interleaved, so that load hits all alike */
        double t0 = now();
        kc = run_concord(seg, t, n);
        double t1 = now();
        ki = run_icu_utf16(lang, t, n);
        double t2 = now();
        ku = run_icu_utext(lang, t, n);
        double t3 = now();
        tc[r] = t1 - t0;
        ti[r] = t2 - t1;
        tu[r] = t3 - t2;
    }
    qsort(tc, (size_t)runs, sizeof(double), cmp_double);
    qsort(ti, (size_t)runs, sizeof(double), cmp_double);
    qsort(tu, (size_t)runs, sizeof(double), cmp_double);
    double mc = tc[runs / 2], mi = ti[runs / 2], mu = tu[runs / 2];
    double mbs = (double)n / 1e6;
    double best_icu = mi < mu ? mi : mu;
    printf("speed %-3s %6.1f MB  concord %7.1f MB/s (%zu segs)  ICU UTF-16 %7.1f MB/s  ICU "
           "UText %7.1f MB/s (%zu breaks)  concord/best-ICU %.2f\n",
           lang, mbs, mbs / mc, kc, mbs / mi, mbs / mu, ki > ku ? ki : ku, best_icu / mc);
    concord_segmenter_free(seg);
    free(t);
    free(tc);
    free(ti);
    free(tu);
}

/* The case files: the public suites (suites/) and our golden files, each with its language. */
static const struct {
    const char *file, *lang;
} case_files[] = {
    {"suites/golden-rules-en.txt", "en"},
    {"suites/pragmatic-ru.txt", "ru"},
    {"suites/pragmatic-ja.txt", "ja"},
    {"suites/pragmatic-de.txt", "de"},
    {"suites/pragmatic-fr.txt", "fr"},
    {"golden-en.txt", "en"},
    {"golden-ru.txt", "ru"},
    {"golden-ja.txt", "ja"},
    {"golden-de.txt", "de"},
    {"golden-fr.txt", "fr"},
};

/* Cases exactly right in every case file under dir (tests/data/segment). */
static void suites(const char *dir, int errors)
{
    char path[4096];
    for (size_t i = 0; i < sizeof(case_files) / sizeof(case_files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, case_files[i].file);
        segcase_score sc;
        if (segcase_run_file(path, case_files[i].lang, errors, &sc) < 0) {
            fprintf(stderr, "bench_segment: cannot read %s\n", path);
            exit(2);
        }
        printf("cases %-28s %-3s %3d of %3d right (%5.1f %%)\n", case_files[i].file,
               case_files[i].lang, sc.right, sc.cases,
               sc.cases ? 100.0 * sc.right / sc.cases : 0.0);
    }
}

/* Segment MB megabytes of generated text (one long line and many short ones)
   and report speed and peak memory over the size of the input itself. */
static void large(double mb)
{
    size_t n = (size_t)(mb * 1e6);
    const char *unit = "Mr. A. B. Smith met Gen. Jones at 5 p.m. in the U.S. Embassy. "
                       "Южные Курилы, т. е. Северные территории, обсуждались в 2019 г. "
                       "北方領土の「返還。」と述べた。\n";
    size_t ulen = strlen(unit);
    char *t = malloc(n + ulen);
    size_t k = 0;
    while (k < n) {
        memcpy(t + k, unit, ulen);
        k += ulen;
    }
    /* make the second half one single paragraph of about n/2 bytes */
    for (size_t i = k / 2; i < k; i++)
        if (t[i] == '\n')
            t[i] = ' ';
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long before_kb = ru.ru_maxrss;
    concord_segmenter *seg;
    concord_segmenter_options o = CONCORD_SEGMENTER_OPTIONS_INIT;
    o.lang = "en";
    concord_segmenter_new(&seg, &o);
    double t0 = now();
    size_t segs = run_concord(seg, t, k);
    double t1 = now();
    getrusage(RUSAGE_SELF, &ru);
    printf("large %.0f MB (half of it one paragraph): %zu segments, %.1f MB/s, peak RSS %.1f MB, "
           "of which the input buffer %.1f MB; growth while segmenting %.1f MB\n",
           (double)k / 1e6, segs, (double)k / 1e6 / (t1 - t0), (double)ru.ru_maxrss / 1024.0,
           (double)k / 1048576.0, (double)(ru.ru_maxrss - before_kb) / 1024.0);
    concord_segmenter_free(seg);
    free(t);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_segment accuracy|speed DATA_DIR [...]\n");
        return 2;
    }
    const char *dir = argv[2];
    if (strcmp(argv[1], "accuracy") == 0) {
        int errors = argc > 3 && strcmp(argv[3], "--errors") == 0;
        const char *only = argc > 4 ? argv[4] : NULL;
        corpus c = {0};
        if (!only || strcmp(only, "gum") == 0) {
            load_gum(&c, dir);
            evaluate(&c, "en", "GUM-news", errors);
            free_corpus(&c);
        }
        const char *langs[] = {"en", "ru", "de", "ja"};
        for (int i = 0; i < 4; i++) {
            if (only && strcmp(only, langs[i]) != 0)
                continue;
            load_pud(&c, dir, langs[i]);
            evaluate(&c, langs[i], "UD-PUD", errors);
            free_corpus(&c);
        }
        return 0;
    }
    if (strcmp(argv[1], "speed") == 0) {
        double mb = argc > 3 ? atof(argv[3]) : 8;
        int runs = argc > 4 ? atoi(argv[4]) : 7;
        const char *langs[] = {"en", "ru", "de", "ja"};
        for (int i = 0; i < 4; i++)
            speed(dir, langs[i], mb, runs);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("peak RSS %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
        return 0;
    }
    if (strcmp(argv[1], "suites") == 0) {
        suites(dir, argc > 3 && strcmp(argv[3], "--errors") == 0);
        return 0;
    }
    if (strcmp(argv[1], "large") == 0) {
        large(argc > 2 ? atof(argv[2]) : 200);
        return 0;
    }
    fprintf(stderr, "usage: bench_segment accuracy|speed DATA_DIR [...] | large MB\n");
    return 2;
}
