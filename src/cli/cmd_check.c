/*
 * cmd_check.c — `concord check`: terminology and paired names, for CI.
 */
/* realpath() */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const cli_opt check_opts[] = {
    {"glossary", 'g', "FILE", "a glossary (.glossary, .tbx, .csv, .tsv; repeatable; required)"},
    {"from", 0, "L",
     "language of text files, the source language of TMX units and of a glossary that "
     "names none"},
    {"to", 0, "L",
     "target language for TMX units (default: every other language) and of a glossary "
     "that names none"},
    {"profile", 'p', "NAME", "style profile (default: the glossary's, else neutral-news)"},
    {"format", 'f', "FORMAT", "text (default), json, sarif, github, junit or rdjsonl"},
    {"fail-on", 0, "LEVEL",
     "exit 1 on findings at this level or above: error (default), "
     "warning or note"},
    {"fix", 0, NULL, "apply the safe replacements to the files (not TMX), then report"},
    {"include-fuzzy", 0, NULL,
     "XLIFF/PO: also check unconfirmed translations (fuzzy, needs-review)"},
    {NULL, 0, NULL, NULL},
};

static const cli_spec check_spec = {
    "check",
    "--glossary FILE... [--from L --to L] [--profile NAME] [--format FORMAT] "
    "[--fail-on LEVEL] [--fix] [--include-fuzzy] FILE...",
    "Check documents against glossaries: forbidden and deprecated terms, paired names, "
    "spelling variants, and term translations in TMX.",
    check_opts,
    "FILEs ending in .tmx or .tmx.gz are read as TMX (every variant is checked for\n"
    "forbidden terms; each source/target pair for the glossary's terms); .md and\n"
    ".markdown as Markdown (code, link targets and HTML comments are skipped); any\n"
    "other file as plain text, in the language of --from or, without it, the one its\n"
    "script suggests (Japanese, Cyrillic -> ru, else en), a paragraph at a time.\n"
    "PO and XLIFF files (1.x, 2.x), recognised by content, are checked as bilingual\n"
    "files: each translated segment (PO: not fuzzy; XLIFF: translated or later, or a\n"
    "target without state; with --include-fuzzy also unconfirmed ones) for the\n"
    "glossary's terms between source and target, and its target for forbidden terms\n"
    "and paired names. Languages: the file's, else --from (PO: en) and --to. Positions\n"
    "are exact inside the file; --fix changes targets only, never a msgid or <source>.\n"
    "\n"
    "A line containing 'concord-ignore-next-line' (optionally followed by rule ids)\n"
    "silences the findings of the next line. Rules and their ids: docs/check.md.\n"
    "\n"
    "Exit status: 0 no finding at the --fail-on level, 1 findings, 2 bad usage, a\n"
    "broken glossary or an unreadable file.\n"
    "\n"
    "Examples:\n"
    "  concord check --glossary glossaries/disputed-places.glossary article.md\n"
    "  concord check -g terms.tbx --from en --to ru --format sarif memory.tmx\n"
    "  concord check -g glossaries/disputed-places.glossary --profile ru-official news-ru.txt\n",
};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Append a findings list to the run's list (the strings stay with their list). */
typedef struct run {
    concord_finding *v;
    size_t n, cap;
    concord_findings **lists;
    size_t nlists;
} run;

static int keep(run *r, concord_findings *f)
{
    concord_findings **l = realloc(r->lists, (r->nlists + 1) * sizeof(*l));
    if (!l)
        return -1;
    r->lists = l;
    r->lists[r->nlists++] = f;
    if (r->n + f->n > r->cap) {
        size_t cap = (r->n + f->n) * 2;
        concord_finding *v = realloc(r->v, cap * sizeof(*v));
        if (!v)
            return -1;
        r->v = v;
        r->cap = cap;
    }
    if (f->n)
        memcpy(r->v + r->n, f->v, f->n * sizeof(*f->v));
    r->n += f->n;
    return 0;
}

/* Replace a file's contents (cli_output_replace(): only whole, links followed). */
static int write_file(const char *path, const char *data, size_t len)
{
    return cli_output_replace(path, data, len);
}

/* Fixed texts, written only once every file was read and checked. */
typedef struct pending {
    const char *path;
    char *data;
    size_t len;
} pending;

int cmd_check(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&check_spec, argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    int gidx = cli_opt_index(&check_spec, "glossary");
    const char *format_s = a.value[cli_opt_index(&check_spec, "format")];
    const char *fail_s = a.value[cli_opt_index(&check_spec, "fail-on")];
    int fix = a.value[cli_opt_index(&check_spec, "fix")] != NULL;
    int format = cli_report_format_parse(format_s ? format_s : "text");
    if (format < 0)
        return cli_usage_error("check",
                               "unknown format '%s' (expected text, json, sarif, github, junit "
                               "or rdjsonl)",
                               format_s);
    concord_severity fail_on = CONCORD_SEVERITY_ERROR;
    if (fail_s && strcmp(fail_s, "warning") == 0)
        fail_on = CONCORD_SEVERITY_WARNING;
    else if (fail_s && strcmp(fail_s, "note") == 0)
        fail_on = CONCORD_SEVERITY_NOTE;
    else if (fail_s && strcmp(fail_s, "error") != 0)
        return cli_usage_error("check", "--fail-on takes error, warning or note, not '%s'", fail_s);
    if (!a.count[gidx])
        return cli_usage_error("check", "no glossary: give --glossary FILE");
    if (a.npos == 0)
        return cli_usage_error("check", "nothing to check: give one or more FILEs");

    concord_check_options opts = CONCORD_CHECK_OPTIONS_INIT;
    opts.from = a.value[cli_opt_index(&check_spec, "from")];
    opts.to = a.value[cli_opt_index(&check_spec, "to")];
    opts.profile = a.value[cli_opt_index(&check_spec, "profile")];
    opts.check_fuzzy = a.value[cli_opt_index(&check_spec, "include-fuzzy")] != NULL;
    concord_glossary *g = NULL;
    concord_checker *c = NULL;
    run r = {NULL, 0, 0, NULL, 0};
    pending *writes = NULL;
    size_t nwrites = 0;
    rc = EXIT_OK;
    if (concord_glossary_new(&g) < 0) {
        rc = cli_report_error("check", NULL);
        goto done;
    }
    if (concord_glossary_set_langs(g, opts.from, opts.to) < 0) {
        rc = cli_usage_error("check", "%s", concord_error_last()->message);
        goto done;
    }
    for (int i = 0; i < a.nseq; i++) {
        if (a.seq_opt[i] != gidx)
            continue;
        if (concord_glossary_load(g, a.seq_value[i]) < 0) {
            rc = cli_report_error("check", a.seq_value[i]);
            goto done;
        }
    }
    if (concord_checker_new(&c, g, &opts) < 0) {
        rc = concord_error_last()->code == CONCORD_EINVAL
                 ? cli_usage_error("check", "%s", concord_error_last()->message)
                 : cli_report_error("check", NULL);
        goto done;
    }
    size_t fixed_total = 0;
    if (fix)
        for (int i = 0; i < a.npos; i++)
            if (strcmp(a.pos[i], "-") == 0) {
                rc = cli_usage_error("check", "--fix rewrites files: it cannot fix standard input");
                goto done;
            }
    if (fix && !(writes = calloc(CLI_MAX_POSITIONAL, sizeof(*writes)))) {
        fprintf(stderr, "concord check: out of memory\n");
        rc = EXIT_USAGE;
        goto done;
    }
    for (int i = 0; i < a.npos; i++) {
        const char *path = a.pos[i];
        concord_findings *f = NULL;
        struct stat sb;
        concord_doc_format df = CONCORD_DOC_TEXT;
        if (ends_with(path, ".tmx") || ends_with(path, ".tmx.gz")) {
            if (concord_checker_check_tmx(&f, c, path) < 0) {
                rc = cli_report_error("check", path);
                goto done;
            }
        } else if (!fix && strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
                   concord_doc_detect(&df, path) == 0 &&
                   (df == CONCORD_DOC_PO || df == CONCORD_DOC_XLIFF)) {
            /* streamed: a PO or XLIFF file of any size in bounded memory */
            if (concord_checker_check_doc(&f, c, path) < 0) {
                rc = cli_report_error("check", path);
                goto done;
            }
        } else {
            char *text;
            size_t len;
            if ((rc = cli_read_input("check", path, &text, &len)) != 0)
                goto done;
            if (fix) {
                char *fixed;
                size_t flen, nfixed;
                if (concord_checker_fix(&fixed, &flen, &nfixed, c, path, text, len, NULL) < 0) {
                    free(text);
                    rc = cli_report_error("check", path);
                    goto done;
                }
                /* report on the fixed text; write it once every file has passed */
                free(text);
                text = malloc(flen + 1);
                if (!text) {
                    concord_free(fixed);
                    fprintf(stderr, "concord check: out of memory\n");
                    rc = EXIT_USAGE;
                    goto done;
                }
                memcpy(text, fixed, flen + 1);
                len = flen;
                if (nfixed) {
                    writes[nwrites].path = path;
                    writes[nwrites].data = fixed;
                    writes[nwrites++].len = flen;
                } else {
                    concord_free(fixed);
                }
                fixed_total += nfixed;
            }
            int crc = concord_checker_check_text(&f, c, path, text, len, NULL);
            free(text);
            if (crc < 0) {
                rc = cli_report_error("check", path);
                goto done;
            }
        }
        if (keep(&r, f) < 0) {
            concord_findings_free(f);
            fprintf(stderr, "concord check: out of memory\n");
            rc = EXIT_USAGE;
            goto done;
        }
    }
    for (size_t i = 0; i < nwrites; i++)
        if (write_file(writes[i].path, writes[i].data, writes[i].len) < 0) {
            fprintf(stderr, "concord check: %s: cannot write the fixed file: %s\n", writes[i].path,
                    strerror(errno));
            rc = EXIT_USAGE;
            goto done;
        }
    int color = format == CLI_REPORT_TEXT && cli_use_color(stdout);
    cli_report_write(stdout, (cli_report_format)format, (const char *const *)a.pos, (size_t)a.npos,
                     r.v, r.n, fail_on, color);
    if (fix && fixed_total)
        fprintf(stderr, "concord check: %zu fix%s applied\n", fixed_total,
                fixed_total == 1 ? "" : "es");
    rc = EXIT_OK;
    for (size_t i = 0; i < r.n; i++)
        if (r.v[i].severity >= fail_on)
            rc = EXIT_FINDINGS;
    rc = cli_finish_output("check", rc);
done:
    for (size_t i = 0; i < nwrites; i++)
        concord_free(writes[i].data);
    free(writes);
    for (size_t i = 0; i < r.nlists; i++)
        concord_findings_free(r.lists[i]);
    free(r.lists);
    free(r.v);
    concord_checker_free(c);
    concord_glossary_free(g);
    return rc;
}
