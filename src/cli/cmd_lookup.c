/*
 * cmd_lookup.c — `concord lookup`: fuzzy matches of a segment, or of every
 * segment of a file, in the TM.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_opt lookup_opts[] = {
    {"tm", 't', "DB", "the TM file (default: $CONCORD_TM, else ~/.local/share/concord/default.tm)"},
    {"from", 'F', "L", "the language of the query (en also finds en-US, en-GB...)"},
    {"to", 'T', "L", "the language of the translations to show"},
    {"min", 'm', "PCT", "the lowest score shown, 0 to 101 (default 70)"},
    {"max", 'n', "N", "at most N matches per segment, best first (default 5; 0: all)"},
    {"format", 'f', "FORMAT", "text (default) or json (one object per line per segment)"},
    {"file", 'i', "FILE", "look up every segment of FILE (segmented first; - is stdin)"},
    {"exhaustive", 0, NULL, "score every unit instead of using the index (slow; for checks)"},
    {NULL, 0, NULL, NULL},
};

static const cli_spec lookup_spec = {
    "lookup",
    "[--tm DB] --from L --to L [--min PCT] [--max N] [--format text|json] (TEXT | --file FILE)",
    "Find the closest segments in the translation memory and show their translations.",
    lookup_opts,
    "The score (docs/matching.md): 100 x (1 - word edits / words of the longer\n"
    "segment), words compared after NFC, case and width folding (Japanese and Chinese\n"
    "by character, all numbers alike), then one point off for each of: a case-only\n"
    "difference, a punctuation or spacing difference, each differing number, inline\n"
    "codes in the stored segment, several translations of the same source. 100 is\n"
    "the same text; 101 (with --file) a 100 whose neighbour segment matches too.\n"
    "\n"
    "Text output shows each stored source with the differences to the query:\n"
    "[-words the query lacks-] and {+words of the query it lacks+} (in colour on a\n"
    "terminal), then the translation, the translation with the query's numbers\n"
    "when they can be placed (not where a number belongs to a date whose month or\n"
    "form differs), the penalties and where the unit came from.\n"
    "With --format json each segment gives one line: {\"query\": ..., \"matches\":\n"
    "[{\"score\", \"fuzzy\", \"source\", \"target\", \"penalties\", \"diff\", ...}]}.\n"
    "\n"
    "The first lookup in a language builds the TM's index for it (kept in the TM\n"
    "file, brought up to date after imports). A TM that cannot be written (a\n"
    "read-only file, directory or mount, a full disk) is searched with the index\n"
    "it has and a scan of the units stored since; nothing is created beside it.\n"
    "\n"
    "Exit status: 0 looked up (also when nothing matched), 2 bad usage or an error.\n"
    "\n"
    "Examples:\n"
    "  concord lookup --from en --to ru \"Russia and Japan agreed to keep talking\"\n"
    "  concord lookup --from en --to ja --min 50 --format json --file article.txt\n",
};

typedef struct out_ctx {
    int json, color;
} out_ctx;

static void put_span(const char *s, size_t a, size_t b)
{
    fwrite(s + a, 1, b - a, stdout);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The stored source with the differences to the query marked. Words the
 * source lacks go where the diff puts them, with the query's space on the
 * side where the source has none: "discussed {+today+}.", "{+Today+} we".
 */
static void print_diff(const out_ctx *o, const char *query, size_t qlen, const concord_match *x)
{
    const char *del_on = o->color ? "\x1b[31m" : "[-", *del_off = o->color ? "\x1b[0m" : "-]";
    const char *ins_on = o->color ? "\x1b[32m" : "{+", *ins_off = o->color ? "\x1b[0m" : "+}";
    size_t at = 0;
    for (size_t k = 0; k < x->ndiff; k++) {
        const concord_diff_op *d = &x->diff[k];
        put_span(x->source, at, d->source_start);
        if (d->kind == CONCORD_DIFF_EQUAL) {
            put_span(x->source, d->source_start, d->source_end);
        } else {
            if (d->source_end > d->source_start) {
                fputs(del_on, stdout);
                put_span(x->source, d->source_start, d->source_end);
                fputs(del_off, stdout);
            }
            if (d->query_end > d->query_start) {
                int ins = d->kind == CONCORD_DIFF_INSERT;
                size_t at_s = d->source_start;
                if (ins && at_s > 0 && !is_blank(x->source[at_s - 1]) && d->query_start > 0 &&
                    is_blank(query[d->query_start - 1]))
                    fputc(' ', stdout);
                fputs(ins_on, stdout);
                put_span(query, d->query_start, d->query_end);
                fputs(ins_off, stdout);
                if (ins && at_s < x->source_len && !is_blank(x->source[at_s]) &&
                    d->query_end < qlen && is_blank(query[d->query_end]))
                    fputc(' ', stdout);
            }
        }
        at = d->source_end > at ? d->source_end : at;
    }
    put_span(x->source, at, x->source_len);
}

static void print_text(const out_ctx *o, const char *query, size_t qlen, const concord_matches *ms,
                       int min)
{
    fputs("> ", stdout);
    fwrite(query, 1, qlen, stdout);
    fputc('\n', stdout);
    if (ms->n == 0) {
        printf("  no match at or above %d%%\n", min);
        return;
    }
    for (size_t i = 0; i < ms->n; i++) {
        const concord_match *x = &ms->v[i];
        printf("%5d%%  %s: ", x->score, x->source_lang);
        print_diff(o, query, qlen, x);
        printf("\n        %s: %s\n", x->target_lang, x->target);
        if (x->target_numbers)
            printf("        %s with the query's numbers: %s\n", x->target_lang, x->target_numbers);
        if (x->npenalties) {
            printf("        penalties");
            for (size_t k = 0; k < x->npenalties; k++)
                printf("%s%s -%d", k ? ", " : ": ", concord_penalty_name(x->penalties[k].kind),
                       x->penalties[k].points);
            printf(" (%d%% before)\n", x->fuzzy);
        }
        printf("        from ");
        int any = 0;
        if (x->file) {
            const char *base = strrchr(x->file, '/');
            printf("%s", base ? base + 1 : x->file);
            any = 1;
        }
        if (x->tuid)
            printf("%stuid %s", any++ ? ", " : "", x->tuid);
        if (x->tool)
            printf("%s%s", any++ ? ", " : "", x->tool);
        if (x->date)
            printf("%s%s", any++ ? ", " : "", x->date);
        if (!any)
            printf("unit %lld", (long long)x->unit);
        fputc('\n', stdout);
    }
}

static void json_field(const char *name, const char *s, size_t n)
{
    printf(",\"%s\":", name);
    if (!s) {
        fputs("null", stdout);
        return;
    }
    fputc('"', stdout);
    cli_json_string(stdout, s, n);
    fputc('"', stdout);
}

static const char *diff_name(int kind)
{
    static const char *const names[] = {"equal", "insert", "delete", "replace"};
    return kind >= 0 && kind <= 3 ? names[kind] : "?";
}

static void print_json(const char *query, size_t qlen, const concord_matches *ms, size_t start,
                       size_t end, int with_offsets)
{
    fputs("{\"query\":\"", stdout);
    cli_json_string(stdout, query, qlen);
    fputc('"', stdout);
    if (with_offsets)
        printf(",\"start\":%zu,\"end\":%zu", start, end);
    fputs(",\"matches\":[", stdout);
    for (size_t i = 0; i < ms->n; i++) {
        const concord_match *x = &ms->v[i];
        printf("%s{\"score\":%d,\"fuzzy\":%d", i ? "," : "", x->score, x->fuzzy);
        json_field("source", x->source, x->source_len);
        json_field("target", x->target, x->target_len);
        json_field("source_lang", x->source_lang, strlen(x->source_lang));
        json_field("target_lang", x->target_lang, strlen(x->target_lang));
        json_field("target_numbers", x->target_numbers,
                   x->target_numbers ? strlen(x->target_numbers) : 0);
        fputs(",\"penalties\":[", stdout);
        for (size_t k = 0; k < x->npenalties; k++)
            printf("%s{\"kind\":\"%s\",\"points\":%d}", k ? "," : "",
                   concord_penalty_name(x->penalties[k].kind), x->penalties[k].points);
        fputs("],\"diff\":[", stdout);
        for (size_t k = 0; k < x->ndiff; k++) {
            const concord_diff_op *d = &x->diff[k];
            printf("%s{\"op\":\"%s\"", k ? "," : "", diff_name(d->kind));
            json_field("source", x->source + d->source_start, d->source_end - d->source_start);
            json_field("query", query + d->query_start, d->query_end - d->query_start);
            printf(",\"source_start\":%zu,\"source_end\":%zu,\"query_start\":%zu,"
                   "\"query_end\":%zu}",
                   d->source_start, d->source_end, d->query_start, d->query_end);
        }
        printf("],\"unit\":%lld", (long long)x->unit);
        json_field("tuid", x->tuid, x->tuid ? strlen(x->tuid) : 0);
        json_field("file", x->file, x->file ? strlen(x->file) : 0);
        json_field("tool", x->tool, x->tool ? strlen(x->tool) : 0);
        json_field("date", x->date, x->date ? strlen(x->date) : 0);
        fputc('}', stdout);
    }
    fputs("]}\n", stdout);
}

/*
 * lookup --file: the segments come one by one from the segmenter, each is
 * looked up once the next one is known (its neighbours make 101% matches),
 * so only two are kept, whatever the size of the file.
 */
typedef struct file_lookup {
    concord_matcher *m;
    const out_ctx *o;
    const concord_lookup_options *lo;
    struct {
        char *text;
        size_t len, cap;
        concord_segment at;
    } prev, cur; /* the segment before the current one, the current one */
    int have_prev, have_cur;
    const char *shown; /* the file, in messages */
    int failed;        /* a lookup failed (and was reported) */
} file_lookup;

static int keep_text(char **p, size_t *cap, const char *s, size_t n)
{
    if (n + 1 > *cap) {
        char *q = realloc(*p, n + 1);
        if (!q)
            return -1;
        *p = q;
        *cap = n + 1;
    }
    memcpy(*p, s, n);
    (*p)[n] = '\0';
    return 0;
}

/* Look up the current segment, with the next one (NULL at the end) as context. */
static int lookup_current(file_lookup *fl, const char *next, size_t next_len)
{
    concord_lookup_options so = *fl->lo;
    if (fl->have_prev) {
        so.prev = fl->prev.text;
        so.prev_len = fl->prev.len;
    }
    so.next = next;
    so.next_len = next_len;
    concord_matches *ms;
    if (concord_matcher_lookup(&ms, fl->m, fl->cur.text, fl->cur.len, &so) < 0) {
        cli_report_error("lookup", fl->shown); /* now: stopping the segmenter sets its own */
        fl->failed = 1;
        return 1;
    }
    if (fl->o->json)
        print_json(fl->cur.text, fl->cur.len, ms, fl->cur.at.start, fl->cur.at.end, 1);
    else
        print_text(fl->o, fl->cur.text, fl->cur.len, ms, fl->lo->min_score);
    concord_matches_free(ms);
    return ferror(stdout) ? 1 : 0;
}

static int on_file_segment(const concord_segment *sg, const char *text, void *payload)
{
    file_lookup *fl = payload;
    size_t n = sg->end - sg->start;
    if (fl->have_cur && lookup_current(fl, text, n) != 0)
        return 1;
    /* the current one becomes the previous, this one the current */
    char *t = fl->prev.text;
    size_t tc = fl->prev.cap;
    fl->prev = fl->cur;
    fl->cur.text = t;
    fl->cur.cap = tc;
    fl->have_prev = fl->have_cur;
    if (keep_text(&fl->cur.text, &fl->cur.cap, text, n) != 0) {
        fprintf(stderr, "concord lookup: out of memory\n");
        fl->failed = 1;
        return 1;
    }
    fl->cur.len = n;
    fl->cur.at = *sg;
    fl->have_cur = 1;
    return 0;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cmd_lookup(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&lookup_spec, argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    const char *from = a.value[cli_opt_index(&lookup_spec, "from")];
    const char *to = a.value[cli_opt_index(&lookup_spec, "to")];
    const char *format = a.value[cli_opt_index(&lookup_spec, "format")];
    const char *file = a.value[cli_opt_index(&lookup_spec, "file")];
    const char *min_s = a.value[cli_opt_index(&lookup_spec, "min")];
    const char *max_s = a.value[cli_opt_index(&lookup_spec, "max")];
    if (!from || !to)
        return cli_usage_error("lookup", "--from and --to are required");
    int json = 0;
    if (format && strcmp(format, "json") == 0)
        json = 1;
    else if (format && strcmp(format, "text") != 0)
        return cli_usage_error("lookup", "unknown format '%s' (expected text or json)", format);
    concord_lookup_options lo = CONCORD_LOOKUP_OPTIONS_INIT;
    long v;
    if (min_s) {
        if (parse_int(min_s, 0, 101, &v) < 0)
            return cli_usage_error("lookup", "--min takes a number from 0 to 101, not '%s'", min_s);
        lo.min_score = (int)v;
    }
    if (max_s) {
        if (parse_int(max_s, 0, 1000000, &v) < 0)
            return cli_usage_error("lookup", "--max takes a number from 0 up, not '%s'", max_s);
        lo.max_matches = (size_t)v;
    }
    lo.exhaustive = a.value[cli_opt_index(&lookup_spec, "exhaustive")] != NULL;
    if (file && a.npos)
        return cli_usage_error("lookup", "give either TEXT or --file, not both");
    if (!file && !a.npos)
        return cli_usage_error("lookup", "nothing to look up: give TEXT or --file FILE");

    /* the query text: the arguments joined by spaces, or the file (read as it is segmented) */
    char *text = NULL;
    size_t len = 0;
    cli_input in;
    if (file) {
        if ((rc = cli_input_open(&in, "lookup", file)) != 0)
            return rc;
    } else {
        for (int i = 0; i < a.npos; i++)
            len += strlen(a.pos[i]) + 1;
        if (!(text = malloc(len + 1)))
            return cli_report_error("lookup", NULL);
        len = 0;
        for (int i = 0; i < a.npos; i++) {
            size_t n = strlen(a.pos[i]);
            memcpy(text + len, a.pos[i], n);
            len += n;
            if (i + 1 < a.npos)
                text[len++] = ' ';
        }
        text[len] = '\0';
        if (concord_text_validate(text, len) < 0) {
            free(text);
            return cli_report_error("lookup", "the query");
        }
        size_t i = 0;
        while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
            i++;
        if (i == len) {
            free(text);
            return cli_usage_error("lookup", "the query is empty");
        }
    }

    char path[4096];
    concord_tm *tm = NULL;
    concord_matcher *m = NULL;
    file_lookup fl;
    memset(&fl, 0, sizeof(fl));
    if (!cli_tm_path("lookup", a.value[cli_opt_index(&lookup_spec, "tm")], 0, path, sizeof(path))) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (concord_tm_open(&tm, path, 0) < 0) {
        rc = cli_report_error("lookup", path);
        goto done;
    }
    if (concord_matcher_open(&m, tm, from, to) < 0) {
        rc = concord_error_last()->code == CONCORD_EINVAL
                 ? cli_usage_error("lookup", "%s", concord_error_last()->message)
                 : cli_report_error("lookup", path);
        goto done;
    }
    out_ctx o = {json, !json && cli_use_color(stdout)};
    rc = EXIT_OK;
    if (file) {
        concord_segmenter_options so = CONCORD_SEGMENTER_OPTIONS_INIT;
        so.lang = from;
        concord_segmenter *seg;
        if (concord_segmenter_new(&seg, &so) < 0) {
            rc = cli_report_error("lookup", NULL);
            goto done;
        }
        fl.m = m;
        fl.o = &o;
        fl.lo = &lo;
        fl.shown = in.shown;
        int src = concord_segmenter_run_reader(seg, cli_input_read, &in, on_file_segment, &fl);
        concord_segmenter_free(seg);
        if (src == 0 && fl.have_cur)
            lookup_current(&fl, NULL, 0);
        if (fl.failed)
            rc = EXIT_USAGE;
        else if (src < 0 && (concord_error_last()->code != CONCORD_EUSER || in.err))
            rc = cli_input_error(&in);
    } else {
        concord_matches *ms;
        if (concord_matcher_lookup(&ms, m, text, len, &lo) < 0) {
            rc = cli_report_error("lookup", NULL);
        } else {
            if (json)
                print_json(text, len, ms, 0, len, 0);
            else
                print_text(&o, text, len, ms, lo.min_score);
            concord_matches_free(ms);
        }
    }
    if (rc == EXIT_OK)
        rc = cli_finish_output("lookup", EXIT_OK);
done:
    concord_matcher_close(m);
    concord_tm_close(tm);
    if (file)
        cli_input_close(&in);
    free(text);
    free(fl.prev.text);
    free(fl.cur.text);
    return rc;
}
