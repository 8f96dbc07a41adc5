/*
 * cmd_glossary.c — `concord glossary`: work on glossaries themselves.
 * `glossary export` writes the glossaries it loads (any format concord
 * reads) as TBX 2, TBX 3, TSV or CSV, for tools that read only one of them
 * (OmegaT and Translate Toolkit read TBX 2, not the TBX v3 we ship), and
 * with --rules what that format cannot hold, as a .glossary.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_opt export_opts[] = {
    {"format", 'f', "FMT", "tbx2, tbx3, tsv or csv (required)"},
    {"output", 'o', "FILE", "write to FILE instead of stdout (replaced only when complete)"},
    {"rules", 'r', "FILE", "also write what FMT cannot hold as a .glossary to FILE"},
    {"from", 0, "L", "source language of a headerless CSV/TSV glossary read"},
    {"to", 0, "L", "target language of a headerless CSV/TSV glossary read"},
    {NULL, 0, NULL, NULL},
};

static const cli_spec export_spec = {
    "glossary export",
    "--format tbx2|tbx3|tsv|csv [-o FILE] [--rules FILE] GLOSSARY...",
    "Write glossaries (TBX, CSV/TSV or .glossary, loaded in order) in one format.",
    export_opts,
    "Formats:\n"
    "  tbx2  TBX 2008 <martif>, TBX-Basic: termEntry/langSet/tig/term with\n"
    "        administrativeStatus, partOfSpeech, termType and notes. What OmegaT\n"
    "        and Translate Toolkit's tbx2po read.\n"
    "  tbx3  TBX v3 (ISO 30042:2019), TBX-Basic, DCA style: conceptEntry/langSec/\n"
    "        termSec.\n"
    "  tsv   a header row (concept, note, a column per language and term, with\n"
    "  csv   LANG:status, LANG:pos, LANG:note, LANG:type after it) and a row per\n"
    "        concept; CSV quoted as RFC 4180, TSV without quoting.\n"
    "\n"
    "Every concept keeps its id and note, every term its language, status, part\n"
    "of speech, note and variant flag, except that TBX has no \"forbidden\" (written\n"
    "deprecatedTerm-admn-sts) and tbx3 no part of speech outside TBX-Basic's list.\n"
    "Sides, pairs, shapes, profiles, rule settings, stem markers, forms and\n"
    "exceptions are concord's own: --rules writes them (and what the format lost)\n"
    "as a .glossary that, loaded after the export, gives the glossary back.\n"
    "\n"
    "With -o or --rules, a regular file is written beside itself and renamed over\n"
    "FILE once complete, both written before either is renamed; a FIFO or a device\n"
    "is written as it is.\n"
    "\n"
    "Exit status: 0 written, 2 bad usage, a glossary that cannot be read or an\n"
    "error writing (a regular FILE is then as it was).\n"
    "\n"
    "Examples:\n"
    "  concord glossary export --format tbx2 -o places.tbx glossaries/disputed-places.tbx \\\n"
    "      glossaries/disputed-places.rules.glossary\n"
    "  concord glossary export --format csv --rules places.rules.glossary \\\n"
    "      glossaries/disputed-places.glossary > places.csv\n",
};

static int write_stdout(const char *data, size_t len, void *ud)
{
    return fwrite(data, 1, len, (FILE *)ud) == len ? 0 : 1;
}

static int write_output(const char *data, size_t len, void *ud)
{
    return cli_output_write(ud, data, len) == 0 ? 0 : 1;
}

#define CMD "glossary export"

/* Write the export (rules == 0) or the rules of g through out (NULL: stdout). */
static int write_one(const concord_glossary *g, concord_glossary_format fmt, int rules,
                     cli_output *out)
{
    int rc = rules ? concord_glossary_export_rules(g, fmt, out ? write_output : write_stdout,
                                                   out ? (void *)out : (void *)stdout)
                   : concord_glossary_export(NULL, g, fmt, out ? write_output : write_stdout,
                                             out ? (void *)out : (void *)stdout);
    if (rc < 0 && concord_error_last()->code != CONCORD_EUSER)
        return cli_report_error(CMD, NULL);
    return rc < 0 ? -1 : 0;
}

static int cmd_glossary_export(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&export_spec, argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    const char *fmt_name = a.value[cli_opt_index(&export_spec, "format")];
    const char *output = a.value[cli_opt_index(&export_spec, "output")];
    const char *rules = a.value[cli_opt_index(&export_spec, "rules")];
    const char *from = a.value[cli_opt_index(&export_spec, "from")];
    const char *to = a.value[cli_opt_index(&export_spec, "to")];
    concord_glossary_format fmt;
    if (!fmt_name)
        return cli_usage_error(CMD, "--format is required (tbx2, tbx3, tsv or csv)");
    if (concord_glossary_format_parse(&fmt, fmt_name) < 0)
        return cli_usage_error(CMD, "%s", concord_error_last()->message);
    if (a.npos == 0)
        return cli_usage_error(CMD, "no glossary to export");
    if (output && strcmp(output, "-") == 0)
        output = NULL;
    if (rules && (strcmp(rules, "-") == 0 || (output && strcmp(rules, output) == 0)))
        return cli_usage_error(CMD, "--rules needs a file of its own");

    concord_glossary *g;
    if (concord_glossary_new(&g) < 0)
        return cli_report_error(CMD, NULL);
    if ((from || to) && concord_glossary_set_langs(g, from, to) < 0) {
        concord_glossary_free(g);
        return cli_usage_error(CMD, "%s", concord_error_last()->message);
    }
    for (int i = 0; i < a.npos; i++)
        if (concord_glossary_load(g, a.pos[i]) < 0) {
            cli_report_error(CMD, a.pos[i]);
            concord_glossary_free(g);
            return EXIT_USAGE;
        }

    cli_output out, rout;
    int have_out = 0, have_rules = 0, status = EXIT_USAGE;
    if (output) {
        if (cli_output_open(&out, output) != 0) {
            fprintf(stderr, "concord %s: cannot create %s: %s\n", CMD, output, strerror(errno));
            goto done;
        }
        have_out = 1;
    }
    if (rules) {
        if (cli_output_open(&rout, rules) != 0) {
            fprintf(stderr, "concord %s: cannot create %s: %s\n", CMD, rules, strerror(errno));
            goto done;
        }
        have_rules = 1;
    }
    if (write_one(g, fmt, 0, have_out ? &out : NULL) != 0)
        goto done;
    if (rules && write_one(g, fmt, 1, &rout) != 0)
        goto done;
    if (have_out) {
        have_out = 0;
        if (cli_output_close(&out, 1) != 0) {
            fprintf(stderr, "concord %s: cannot write %s: %s\n", CMD, output, strerror(errno));
            goto done;
        }
    }
    if (have_rules) {
        have_rules = 0;
        if (cli_output_close(&rout, 1) != 0) {
            fprintf(stderr, "concord %s: cannot write %s: %s\n", CMD, rules, strerror(errno));
            goto done;
        }
    }
    status = EXIT_OK;
done:
    if (have_out) {
        if (out.err)
            fprintf(stderr, "concord %s: cannot write %s: %s\n", CMD, output, strerror(out.err));
        cli_output_close(&out, 0);
    }
    if (have_rules) {
        if (rout.err)
            fprintf(stderr, "concord %s: cannot write %s: %s\n", CMD, rules, strerror(rout.err));
        cli_output_close(&rout, 0);
    }
    concord_glossary_free(g);
    return output ? status : cli_finish_output(CMD, status);
}

typedef struct subcommand {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} subcommand;

static const subcommand subcommands[] = {
    {"export", "write glossaries as TBX 2, TBX 3, TSV or CSV", cmd_glossary_export},
};

static void glossary_usage(FILE *f)
{
    fprintf(f, "Usage: concord glossary SUBCOMMAND [OPTIONS] [ARGS]\n\n"
               "Work on glossaries (TBX, CSV/TSV, concord's .glossary).\n\n"
               "Subcommands:\n");
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        fprintf(f, "  %-12s %s\n", subcommands[i].name, subcommands[i].summary);
    fprintf(f, "\nOptions:\n"
               "  -h, --help     show this help and exit\n\n"
               "'concord glossary SUBCOMMAND --help' describes a subcommand.\n");
}

int cmd_glossary(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "concord glossary: which subcommand? (export)\n"
                        "Try 'concord glossary --help' for more information.\n");
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        glossary_usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
        if (strcmp(subcommands[i].name, argv[1]) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    return cli_usage_error("glossary", "unknown subcommand '%s' (expected export)", argv[1]);
}
