/*
 * cmd_analyze.c — `concord analyze`: a document against the TM, by match band.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const cli_opt analyze_opts[] = {
    {"tm", 't', "DB", "the TM file (default: $CONCORD_TM, else ~/.local/share/concord/default.tm)"},
    {"from", 'F', "L", "the language of the document (default: detected from its script)"},
    {"to", 'T', "L", "the language it is to be translated into (XLIFF/PO: default the file's)"},
    {"format", 'f', "FORMAT", "text (default), json or csv"},
    {"wrapped", 'w', NULL, "hard-wrapped text: a single line break is a space"},
    {NULL, 0, NULL, NULL},
};

static const cli_spec analyze_spec = {
    "analyze",
    "[--tm DB] [--from L] --to L [--format text|json|csv] [--wrapped] FILE",
    "Count the segments and words of a document by how well the TM matches them.",
    analyze_opts,
    "The document is segmented (as concord segment does) and each segment looked up\n"
    "(as concord lookup does, from 50%). Each goes into one band by its best match:\n"
    "  101%          a 100% whose neighbour segment matches its neighbour in the TM\n"
    "  repetitions   the same text came earlier in the document (counted once above)\n"
    "  100%, 95-99%, 85-94%, 75-84%, 50-74%, no match\n"
    "An XLIFF or PO file (told by its content) is not segmented again: each source\n"
    "segment of a unit to translate (XLIFF segment, PO msgid and msgid_plural) is one,\n"
    "whatever its state; the languages are the file's unless --from/--to say (PO:\n"
    "en). translate=\"no\", the PO header and obsolete entries are not counted.\n"
    "Words are counted the ICU way (Japanese by dictionary words), characters\n"
    "without spaces.\n"
    "\n"
    "Output: a table (text); {\"bands\": {...}, \"total\": {...}, \"segments\": [...]}\n"
    "(json); or band,segments,words,characters,percent_words lines (csv).\n"
    "A progress bar goes to a terminal.\n"
    "\n"
    "Exit status: 0 analyzed, 2 bad usage or an error.\n"
    "\n"
    "Examples:\n"
    "  concord analyze --from en --to ru docs/sample/kurils-en.txt\n"
    "  concord analyze --to ja --format csv article.txt > quote.csv\n",
};

typedef struct bar {
    int tty, drawn;
    double last;
    const cli_input *in; /* the document: how much of it is read */
} bar;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(size_t done, size_t total, void *ud)
{
    bar *b = ud;
    (void)total; /* not known: the document is read as it is analyzed */
    if (!b->tty)
        return;
    double t = now_seconds();
    if (t - b->last < 0.1)
        return;
    b->last = t;
    if (b->in->size) {
        /* the share of the file read so far */
        int pct = b->in->nread >= b->in->size ? 100 : (int)(b->in->nread * 100 / b->in->size);
        int fill = pct / 5;
        fprintf(stderr, "\r\033[Kanalyzing [%.*s%*s] %3d%%  %zu segments", fill,
                "####################", 20 - fill, "", pct, done);
    } else {
        fprintf(stderr, "\r\033[Kanalyzing  %zu segments", done);
    }
    b->drawn = 1;
}

static int skip_segment(const concord_analysis_segment *seg, void *ud)
{
    (void)seg;
    (void)ud;
    return 0;
}

static double percent(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void print_text(const concord_analysis *a, const char *file, const char *tm,
                       const char *from, const char *to)
{
    printf("%s against %s (%s > %s)\n\n", file, tm, from, to);
    printf("%-12s %10s %10s %12s %8s\n", "band", "segments", "words", "characters", "words %");
    char s[32], w[32], c[32];
    for (int i = 0; i < CONCORD_NBANDS; i++) {
        const concord_band_count *b = &a->bands[i];
        printf("%-12s %10s %10s %12s %8.1f\n", concord_band_name(i),
               cli_thousands(b->segments, s, sizeof(s)), cli_thousands(b->words, w, sizeof(w)),
               cli_thousands(b->characters, c, sizeof(c)), percent(b->words, a->total.words));
    }
    printf("%-12s %10s %10s %12s %8.1f\n", "total", cli_thousands(a->total.segments, s, sizeof(s)),
           cli_thousands(a->total.words, w, sizeof(w)),
           cli_thousands(a->total.characters, c, sizeof(c)), a->total.words ? 100.0 : 0.0);
}

static void json_count(const char *name, const concord_band_count *b)
{
    printf("\"%s\":{\"segments\":%zu,\"words\":%zu,\"characters\":%zu}", name, b->segments,
           b->words, b->characters);
}

static void print_json(const concord_analysis *a, const char *file, const char *from,
                       const char *to)
{
    fputs("{\"file\":\"", stdout);
    cli_json_string(stdout, file, strlen(file));
    printf("\",\"from\":\"%s\",\"to\":\"%s\",\"bands\":{", from, to);
    for (int i = 0; i < CONCORD_NBANDS; i++) {
        if (i)
            fputc(',', stdout);
        json_count(concord_band_name(i), &a->bands[i]);
    }
    fputs("},", stdout);
    json_count("total", &a->total);
    fputs(",\"segments\":[", stdout);
    for (size_t i = 0; i < a->nsegments; i++) {
        const concord_analysis_segment *x = &a->segments[i];
        printf("%s{\"start\":%zu,\"end\":%zu,\"band\":\"%s\",\"score\":", i ? "," : "", x->start,
               x->end, concord_band_name(x->band));
        if (x->score < 0)
            fputs("null", stdout);
        else
            printf("%d", x->score);
        printf(",\"words\":%zu,\"characters\":%zu}", x->words, x->characters);
    }
    fputs("]}\n", stdout);
}

static void print_csv(const concord_analysis *a)
{
    puts("band,segments,words,characters,percent_words");
    for (int i = 0; i < CONCORD_NBANDS; i++) {
        const concord_band_count *b = &a->bands[i];
        printf("%s,%zu,%zu,%zu,%.1f\n", concord_band_name(i), b->segments, b->words, b->characters,
               percent(b->words, a->total.words));
    }
    printf("total,%zu,%zu,%zu,%.1f\n", a->total.segments, a->total.words, a->total.characters,
           a->total.words ? 100.0 : 0.0);
}

int cmd_analyze(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&analyze_spec, argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    const char *from = a.value[cli_opt_index(&analyze_spec, "from")];
    const char *to = a.value[cli_opt_index(&analyze_spec, "to")];
    const char *format = a.value[cli_opt_index(&analyze_spec, "format")];
    int fmt = 0;
    if (format && strcmp(format, "json") == 0)
        fmt = 1;
    else if (format && strcmp(format, "csv") == 0)
        fmt = 2;
    else if (format && strcmp(format, "text") != 0)
        return cli_usage_error("analyze", "unknown format '%s' (expected text, json or csv)",
                               format);
    if (a.npos != 1)
        return cli_usage_error(
            "analyze", a.npos ? "expected one FILE, got %d" : "nothing to analyze: give a FILE%.0d",
            a.npos);
    const char *file = a.pos[0];
    /* XLIFF and PO: units, with the file's languages */
    struct stat sb;
    concord_doc_format df = CONCORD_DOC_TEXT;
    char dsrc[64] = "", dtgt[64] = "";
    if (strcmp(file, "-") != 0 && stat(file, &sb) == 0 && S_ISREG(sb.st_mode) &&
        concord_doc_detect(&df, file) == 0 && (df == CONCORD_DOC_XLIFF || df == CONCORD_DOC_PO)) {
        if (concord_doc_langs(file, dsrc, sizeof(dsrc), dtgt, sizeof(dtgt)) < 0)
            return cli_report_error("analyze", file);
        if (!from)
            from = dsrc[0] ? dsrc : "en";
        if (!to && dtgt[0])
            to = dtgt;
        if (!to)
            return cli_usage_error("analyze", "%s does not name its target language: give --to",
                                   file);
    }
    int doc = df == CONCORD_DOC_XLIFF || df == CONCORD_DOC_PO;
    if (!to)
        return cli_usage_error("analyze", "--to is required");
    /* the document is read as it is analyzed: memory does not grow with it */
    cli_input in = {0};
    if (!doc && (rc = cli_input_open(&in, "analyze", file)) != 0)
        return rc;
    const char *shown = doc ? file : in.shown;
    if (!from && (rc = cli_input_lang(&in, &from)) != 0) {
        cli_input_close(&in);
        return rc;
    }
    char path[4096];
    if (!cli_tm_path("analyze", a.value[cli_opt_index(&analyze_spec, "tm")], 0, path,
                     sizeof(path))) {
        cli_input_close(&in);
        return EXIT_USAGE;
    }
    concord_tm *tm = NULL;
    concord_matcher *m = NULL;
    concord_analysis *an = NULL;
    if (concord_tm_open(&tm, path, 0) < 0) {
        rc = cli_report_error("analyze", path);
        goto done;
    }
    if (concord_matcher_open(&m, tm, from, to) < 0) {
        rc = concord_error_last()->code == CONCORD_EINVAL
                 ? cli_usage_error("analyze", "%s", concord_error_last()->message)
                 : cli_report_error("analyze", path);
        goto done;
    }
    bar b = {isatty(2) && !(getenv("CI") && *getenv("CI")), 0, 0, &in};
    concord_analyze_options o = CONCORD_ANALYZE_OPTIONS_INIT;
    o.wrapped = a.value[cli_opt_index(&analyze_spec, "wrapped")] != NULL;
    o.progress = doc ? NULL : on_progress;
    o.ud = &b;
    /* only JSON lists the segments; the other formats need not keep them */
    if (fmt != 1)
        o.segment = skip_segment;
    rc = doc ? concord_matcher_analyze_doc(&an, m, file, &o)
             : concord_matcher_analyze_reader(&an, m, cli_input_read, &in, &o);
    if (b.drawn)
        fputs("\r\033[K", stderr);
    if (rc < 0) {
        rc = doc ? cli_report_error("analyze", file) : cli_input_error(&in);
        goto done;
    }
    if (fmt == 1)
        print_json(an, shown, from, to);
    else if (fmt == 2)
        print_csv(an);
    else
        print_text(an, shown, path, from, to);
    rc = cli_finish_output("analyze", EXIT_OK);
done:
    concord_analysis_free(an);
    concord_matcher_close(m);
    concord_tm_close(tm);
    cli_input_close(&in);
    return rc;
}
