/*
 * bench_lookup.c — lookups in a TM, timed one by one (driven by
 * tests/bench/lookup).
 *
 *   bench_lookup TM FROM TO QUERIES [--min N] [--check]
 *
 * QUERIES has one query per line. Prints the time to open the matcher
 * (which brings the TM's index up to date), then per-lookup latency
 * percentiles, candidates scored and matches found. With --check every
 * query is also run as an exhaustive scan and the result sets are compared
 * (units, targets and scores): the agreement must be 100%.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "concord/concord.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
    size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static int same(const concord_matches *a, const concord_matches *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].unit != b->v[i].unit || a->v[i].score != b->v[i].score ||
            strcmp(a->v[i].target, b->v[i].target) != 0)
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_lookup TM FROM TO QUERIES [--min N] [--check]\n");
        return 2;
    }
    int min = 70, check = 0;
    for (int i = 5; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else if (strcmp(argv[i], "--min") == 0 && i + 1 < argc)
            min = atoi(argv[++i]);
    }
    FILE *f = fopen(argv[4], "r");
    if (!f) {
        perror(argv[4]);
        return 2;
    }
    size_t cap = 1024, n = 0;
    char **q = malloc(cap * sizeof(*q));
    char line[65536];
    while (fgets(line, sizeof(line), f)) {
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (!len)
            continue;
        if (n == cap)
            q = realloc(q, (cap *= 2) * sizeof(*q));
        q[n++] = strdup(line);
    }
    fclose(f);

    concord_tm *tm;
    if (concord_tm_open(&tm, argv[1], 0) < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], concord_error_last()->message);
        return 2;
    }
    double t0 = now();
    concord_matcher *m;
    if (concord_matcher_open(&m, tm, argv[2], argv[3]) < 0) {
        fprintf(stderr, "matcher: %s\n", concord_error_last()->message);
        return 2;
    }
    printf("open %.3f s\n", now() - t0);

    concord_lookup_options o = CONCORD_LOOKUP_OPTIONS_INIT;
    o.min_score = min;
    o.max_matches = 0; /* all: the comparison with the scan is on whole result sets */
    double *ms = malloc(n * sizeof(*ms));
    size_t cands = 0, found = 0, with_match = 0, agree = 0;
    for (size_t i = 0; i < n; i++) {
        concord_matches *r;
        double a = now();
        if (concord_matcher_lookup(&r, m, q[i], strlen(q[i]), &o) < 0) {
            fprintf(stderr, "lookup '%s': %s\n", q[i], concord_error_last()->message);
            return 2;
        }
        ms[i] = (now() - a) * 1000.0;
        cands += r->candidates;
        found += r->n;
        with_match += r->n > 0;
        if (check) {
            concord_lookup_options e = o;
            e.exhaustive = 1;
            concord_matches *x;
            if (concord_matcher_lookup(&x, m, q[i], strlen(q[i]), &e) < 0) {
                fprintf(stderr, "scan '%s': %s\n", q[i], concord_error_last()->message);
                return 2;
            }
            if (same(r, x))
                agree++;
            else
                fprintf(stderr, "DIFFERENT: '%s': index %zu matches, scan %zu\n", q[i], r->n, x->n);
            concord_matches_free(x);
        }
        concord_matches_free(r);
    }
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += ms[i];
    qsort(ms, n, sizeof(*ms), cmp_double);
    printf("queries %zu  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  mean %.2f ms\n", n,
           pct(ms, n, 50), pct(ms, n, 95), pct(ms, n, 99), ms[n - 1], total / (double)n);
    printf("candidates scored per query %.1f  queries with a match >= %d: %zu  matches %zu\n",
           (double)cands / (double)n, min, with_match, found);
    if (check)
        printf("agreement with an exhaustive scan: %zu of %zu (%.1f%%)\n", agree, n,
               100.0 * (double)agree / (double)n);
    concord_matcher_close(m);
    concord_tm_close(tm);
    for (size_t i = 0; i < n; i++)
        free(q[i]);
    free(q);
    free(ms);
    return check && agree != n ? 1 : 0;
}
