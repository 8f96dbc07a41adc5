/*
 * cmd_import.c — `concord import`: TMX, XLIFF and PO files into the TM, in one
 * transaction.
 * Ctrl-C or SIGTERM asks the import to stop: it rolls back, the TM is closed
 * (so SQLite removes its -wal and -shm) and the command says so.
 */
#include <signal.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const cli_opt import_opts[] = {
    {"tm", 't', "DB", "the TM file (default: $CONCORD_TM, else ~/.local/share/concord/default.tm)"},
    {"on-duplicate", 'd', "POLICY",
     "keep (default), skip or replace: a known source with a new translation"},
    {"skip-invalid", 's', NULL,
     "skip invalid units (each reported with file:line:col) instead of failing"},
    {"from", 'F', "L", "XLIFF/PO: the source language if the file does not say (PO: en)"},
    {"to", 'T', "L", "XLIFF/PO: the target language if the file does not say"},
    {"include-fuzzy", 'z', NULL,
     "XLIFF/PO: also unconfirmed translations (fuzzy, needs-review, new/initial)"},
    {"quiet", 'q', NULL, "print no summary and no progress bar"},
    {NULL, 0, NULL, NULL},
};

static const cli_spec import_spec = {
    "import",
    "[--tm DB] [--on-duplicate skip|replace|keep] [--skip-invalid] [--from L] [--to L]\n"
    "       [--include-fuzzy] (FILE... | -)",
    "Import TMX (1.1 to 1.4b, any encoding, gzip too), XLIFF (1.0 to 2.1) and gettext PO\n"
    "files into a translation memory.",
    import_opts,
    "All the files are imported in one transaction: on any error the TM is left\n"
    "exactly as it was. Other processes can read the TM meanwhile. '-' reads one\n"
    "uncompressed TMX document from standard input (zcat x.tmx.gz | concord import -).\n"
    "\n"
    "A file's format is told from its content (the root element, PO syntax), not\n"
    "its name. From XLIFF and PO, each segment with a confirmed translation is a\n"
    "unit (XLIFF state translated or later, approved, or a target without state;\n"
    "PO: not fuzzy); --include-fuzzy takes every non-empty target. Never imported:\n"
    "translate=\"no\", the PO header and obsolete (#~) entries, alt-trans and\n"
    "matches. msgctxt / resname are kept as the prop x-context, the unit id as\n"
    "the tuid, a PO plural form k as a unit with prop x-plural-form (docs/import.md).\n"
    "The languages are the file's; --from and --to give them where it has none\n"
    "(PO has no source language: en unless --from), and must agree where it has.\n"
    "\n"
    "Duplicates, judged per translation: a (source, translation) pair already\n"
    "stored, either way round (same texts and inline codes), is never stored\n"
    "twice; a translation into a new language of a known source joins the stored\n"
    "unit. Another translation of a known source in a language it already has\n"
    "is, with --on-duplicate\n"
    "  keep     stored as an alternative translation (the default)\n"
    "  skip     dropped: the stored translation stays\n"
    "  replace  stored, and the stored translations in that language are removed\n"
    "\n"
    "Invalid units (a <tuv> with no language, unbalanced <bpt>/<ept>, ...) stop the\n"
    "import with file:line:column, unless --skip-invalid is given. Malformed XML\n"
    "always stops it. Unknown elements are skipped with a warning.\n"
    "\n"
    "A summary goes to standard output; warnings and skipped units to standard\n"
    "error; a progress bar to a terminal (not with --quiet).\n"
    "\n"
    "An import that finds another one writing the TM waits for it to finish,\n"
    "and after a second says so on standard error. Ctrl-C (or SIGTERM) stops an\n"
    "import, waiting or not: the TM is left unchanged.\n"
    "\n"
    "Exit status: 0 imported, 2 bad usage or an error (the TM is unchanged),\n"
    "130 interrupted by Ctrl-C (SIGINT), 143 by SIGTERM (the TM is unchanged).\n"
    "\n"
    "Examples:\n"
    "  concord import tmx/kurils.tmx\n"
    "  concord import --tm project.tm --on-duplicate replace memoq-export.tmx.gz\n"
    "  concord import --to ru po/ru.po messages.ru.xlf\n",
};

typedef struct ui {
    int tty;
    double last;
    int drawn;
    int quiet;
    const char *tm;
    int said_waiting;
} ui;

/* The signal that asked the import to stop (the import's `cancel`), or 0. */
static volatile int stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/*
 * Ctrl-C and SIGTERM ask the import to stop. A second one ends the process
 * at once (SA_RESETHAND): SQLite's journal still keeps the TM as it was. A
 * signal the parent ignores stays ignored (a shell script's `import &` is not
 * meant to stop at the Ctrl-C of the script's terminal).
 */
static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM};
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void clear_bar(ui *u)
{
    if (u->drawn) {
        fputs("\r\033[K", stderr);
        u->drawn = 0;
    }
}

static void on_event(const concord_tmx_event *e, void *ud)
{
    ui *u = ud;
    clear_bar(u);
    if (e->column)
        fprintf(stderr, "concord import: %s:%lu:%lu: %s: %s\n", e->file, e->line, e->column,
                e->is_error ? "error" : "warning", e->message);
    else
        fprintf(stderr, "concord import: %s:%lu: %s: %s\n", e->file, e->line,
                e->is_error ? "error" : "warning", e->message);
}

static void on_progress(const char *file, unsigned long long done, unsigned long long total,
                        size_t units, void *ud)
{
    ui *u = ud;
    if (!u->tty || u->quiet)
        return;
    double t = now_seconds();
    if (t - u->last < 0.1)
        return;
    u->last = t;
    char n[32];
    cli_thousands(units, n, sizeof(n));
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    if (total > 0) {
        int pct = done >= total ? 100 : (int)(done * 100 / total);
        int fill = pct / 5;
        fprintf(stderr, "\r\033[K%-24.24s [%.*s%*s] %3d%%  %s units", base, fill,
                "####################", 20 - fill, "", pct, n);
    } else {
        fprintf(stderr, "\r\033[K%-24.24s %s units", base, n);
    }
    u->drawn = 1;
}

/* Another process writes the TM: say so once, after a second, and wait on (Ctrl-C stops). */
static int on_busy(unsigned long waited_ms, void *ud)
{
    ui *u = ud;
    if (waited_ms >= 1000 && !u->said_waiting) {
        clear_bar(u);
        fprintf(stderr,
                "concord import: waiting for another import to finish with TM %s "
                "(Ctrl-C to stop)\n",
                u->tm);
        u->said_waiting = 1;
    }
    return 0;
}

/* Every file by its format: TMX (or anything else, which the TMX reader names), XLIFF, PO. */
static int import_files(concord_import_stats *st, concord_tm *tm, const cli_args *a,
                        const concord_import_options *opts)
{
    concord_doc_units_options d = CONCORD_DOC_UNITS_OPTIONS_INIT;
    d.source_lang = a->value[cli_opt_index(&import_spec, "from")];
    d.target_lang = a->value[cli_opt_index(&import_spec, "to")];
    d.include_fuzzy = a->value[cli_opt_index(&import_spec, "include-fuzzy")] != NULL;
    concord_unit_source *src = calloc((size_t)a->npos, sizeof(*src));
    if (!src) {
        fprintf(stderr, "concord import: out of memory\n");
        return CONCORD_ENOMEM;
    }
    for (int i = 0; i < a->npos; i++) {
        concord_doc_format f = CONCORD_DOC_TMX;
        src[i].name = a->pos[i];
        /* only a regular file is looked into first (a pipe's bytes would be
           consumed); one that cannot be read is named by the TMX reader */
        struct stat sb;
        if (stat(a->pos[i], &sb) == 0 && S_ISREG(sb.st_mode) &&
            concord_doc_detect(&f, a->pos[i]) == 0 &&
            (f == CONCORD_DOC_XLIFF || f == CONCORD_DOC_PO)) {
            src[i].run = concord_unit_source_doc;
            src[i].ud = &d;
        } else {
            src[i].run = concord_unit_source_tmx;
        }
    }
    int rc = concord_tm_import_sources(st, tm, src, (size_t)a->npos, opts);
    free(src);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&import_spec, argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    concord_import_options opts = CONCORD_IMPORT_OPTIONS_INIT;
    const char *dup = a.value[cli_opt_index(&import_spec, "on-duplicate")];
    if (!dup || strcmp(dup, "keep") == 0)
        opts.on_duplicate = CONCORD_DUP_KEEP;
    else if (strcmp(dup, "skip") == 0)
        opts.on_duplicate = CONCORD_DUP_SKIP;
    else if (strcmp(dup, "replace") == 0)
        opts.on_duplicate = CONCORD_DUP_REPLACE;
    else
        return cli_usage_error("import",
                               "unknown --on-duplicate '%s' (expected keep, skip or replace)", dup);
    if (a.npos == 0)
        return cli_usage_error("import", "no file given");
    int from_stdin = 0;
    for (int i = 0; i < a.npos; i++)
        if (strcmp(a.pos[i], "-") == 0)
            from_stdin = 1;
    if (from_stdin && a.npos > 1)
        return cli_usage_error("import", "'-' (standard input) must be the only file");
    opts.skip_invalid = a.value[cli_opt_index(&import_spec, "skip-invalid")] != NULL;
    ui u = {isatty(2) && !(getenv("CI") && *getenv("CI")),         0,    0,
            a.value[cli_opt_index(&import_spec, "quiet")] != NULL, NULL, 0};
    opts.event = on_event;
    opts.progress = on_progress;
    opts.busy = on_busy;
    opts.cancel = &stop_signal;
    opts.ud = &u;

    char path[4096];
    if (!cli_tm_path("import", a.value[cli_opt_index(&import_spec, "tm")], 1, path, sizeof(path)))
        return EXIT_USAGE;
    u.tm = path;
    cli_input in = {0};
    if (from_stdin && cli_input_open(&in, "import", "-") != 0)
        return EXIT_USAGE;
    catch_signals();
    concord_tm *tm;
    int existed = access(path, F_OK) == 0;
    if (concord_tm_open(&tm, path, CONCORD_TM_CREATE) < 0) {
        cli_input_close(&in);
        return cli_report_error("import", path);
    }
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    double t0 = now_seconds();
    if (from_stdin)
        rc = concord_tm_import_tmx_reader(&st, tm, cli_input_read, &in, in.shown, &opts);
    else
        rc = import_files(&st, tm, &a, &opts);
    double secs = now_seconds() - t0;
    clear_bar(&u);
    concord_tm_close(tm);
    int interrupted = rc < 0 && stop_signal && concord_error_last()->code == CONCORD_EUSER;
    if (rc < 0) {
        if (!interrupted)
            from_stdin ? cli_input_error(&in) : cli_report_error("import", NULL);
        if (existed) {
            if (interrupted)
                fprintf(stderr, "concord import: interrupted; the TM is unchanged\n");
            else
                fprintf(stderr, "concord import: nothing was imported; %s is unchanged\n", path);
        } else {
            /* the TM did not exist before: do not leave an empty one behind */
            char side[4200];
            unlink(path);
            snprintf(side, sizeof(side), "%s-wal", path);
            unlink(side);
            snprintf(side, sizeof(side), "%s-shm", path);
            unlink(side);
            fprintf(stderr, interrupted
                                ? "concord import: interrupted; no TM was created\n"
                                : "concord import: nothing was imported; no TM was created\n");
        }
        cli_input_close(&in);
        return interrupted ? 128 + stop_signal : EXIT_USAGE;
    }
    cli_input_close(&in);
    if (!u.quiet) {
        char b[9][32];
        printf("imported %d file%s into %s in %.2f s", a.npos, a.npos == 1 ? "" : "s", path, secs);
        if (secs >= 0.05)
            printf(" (%s units/s)",
                   cli_thousands((unsigned long long)((double)st.read / secs), b[0], sizeof(b[0])));
        putchar('\n');
        printf("  units read      %s\n", cli_thousands(st.read, b[1], sizeof(b[1])));
        printf("  stored          %s (%s variants)\n",
               cli_thousands(st.imported, b[2], sizeof(b[2])),
               cli_thousands(st.variants, b[3], sizeof(b[3])));
        printf("  identical       %s (every translation already in the TM: not stored twice)\n",
               cli_thousands(st.identical, b[4], sizeof(b[4])));
        if (st.merged)
            printf("  merged          %s (new languages added to a stored unit)\n",
                   cli_thousands(st.merged, b[8], sizeof(b[8])));
        if (opts.on_duplicate == CONCORD_DUP_KEEP)
            printf("  alternatives    %s (another translation of a known source: stored too)\n",
                   cli_thousands(st.alternatives, b[5], sizeof(b[5])));
        else if (opts.on_duplicate == CONCORD_DUP_SKIP)
            printf("  skipped         %s (another translation of a known source: not stored)\n",
                   cli_thousands(st.skipped, b[5], sizeof(b[5])));
        else
            printf("  replaced        %s (stored units that lost a translation to a new one)\n",
                   cli_thousands(st.replaced, b[5], sizeof(b[5])));
        printf("  invalid         %s%s\n", cli_thousands(st.invalid, b[6], sizeof(b[6])),
               st.invalid ? " (skipped; see the messages above)" : "");
        if (st.warnings)
            printf("  warnings        %s\n", cli_thousands(st.warnings, b[7], sizeof(b[7])));
    }
    return cli_finish_output("import", EXIT_OK);
}
