/*
 * cmd_export.c — `concord export`: the TM as TMX 1.4b.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_opt export_opts[] = {
    {"tm", 't', "DB", "the TM file (default: $CONCORD_TM, else ~/.local/share/concord/default.tm)"},
    {"lang", 'l', "L,...", "only these languages (en selects en, en-US, en-GB...)"},
    {"output", 'o', "FILE.tmx", "write to FILE.tmx instead of stdout (see below)"},
    {NULL, 0, NULL, NULL},
};

static const cli_spec export_spec = {
    "export",
    "[--tm DB] [--lang L,...] [-o FILE.tmx]",
    "Write the translation memory as TMX 1.4b (UTF-8), inline codes, props and notes kept.",
    export_opts,
    "Units come out in the order they were stored, with their tuid, srclang, dates\n"
    "and other attributes as imported. With --lang and two or more languages, units\n"
    "left with fewer than two variants are not written.\n"
    "\n"
    "With -o, a regular file is written beside itself and renamed over FILE once\n"
    "complete: on an error FILE is left as it was. A symbolic link is followed (its\n"
    "target is written, the link stays); a FIFO or a device (/dev/null) is written\n"
    "as it is, never replaced by a regular file.\n"
    "\n"
    "Exit status: 0 written, 2 bad usage or an error (with -o, a regular FILE is\n"
    "then as it was).\n"
    "\n"
    "Examples:\n"
    "  concord export > all.tmx\n"
    "  concord export --lang en,ru -o en-ru.tmx\n",
};

static int write_stdout(const char *data, size_t len, void *ud)
{
    return fwrite(data, 1, len, (FILE *)ud) == len ? 0 : 1;
}

static int write_output(const char *data, size_t len, void *ud)
{
    return cli_output_write(ud, data, len) == 0 ? 0 : 1;
}

int cmd_export(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&export_spec, argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (a.npos > 0)
        return cli_usage_error("export", "unexpected argument '%s'", a.pos[0]);
    const char *langs_opt = a.value[cli_opt_index(&export_spec, "lang")];
    const char *output = a.value[cli_opt_index(&export_spec, "output")];
    char langbuf[1024];
    char canon[64][64];
    const char *langs[64];
    size_t nlangs = 0;
    if (langs_opt) {
        snprintf(langbuf, sizeof(langbuf), "%s", langs_opt);
        char *save = NULL;
        for (char *t = strtok_r(langbuf, ", ", &save); t && nlangs < 64;
             t = strtok_r(NULL, ", ", &save)) {
            /* "en_US" selects what "en-US" does */
            if (concord_lang_canonicalize(canon[nlangs], sizeof(canon[0]), t) < 0)
                return cli_usage_error("export", "%s", concord_error_last()->message);
            langs[nlangs] = canon[nlangs];
            nlangs++;
        }
        if (nlangs == 0)
            return cli_usage_error("export", "--lang needs at least one language");
    }
    char path[4096];
    if (!cli_tm_path("export", a.value[cli_opt_index(&export_spec, "tm")], 0, path, sizeof(path)))
        return EXIT_USAGE;
    concord_tm *tm;
    if (concord_tm_open(&tm, path, CONCORD_TM_READONLY) < 0)
        return cli_report_error("export", path);

    concord_export_options opts = CONCORD_EXPORT_OPTIONS_INIT;
    opts.langs = nlangs ? langs : NULL;
    opts.nlangs = nlangs;
    size_t units = 0;
    if (!output) {
        /* a failed write to stdout (CONCORD_EUSER) is reported by cli_finish_output() */
        rc = concord_tm_export_tmx(&units, tm, &opts, write_stdout, stdout);
        if (rc < 0 && concord_error_last()->code != CONCORD_EUSER)
            cli_report_error("export", path);
        concord_tm_close(tm);
        return cli_finish_output("export", rc < 0 ? EXIT_USAGE : EXIT_OK);
    }
    cli_output out;
    if (cli_output_open(&out, output) != 0) {
        fprintf(stderr, "concord export: cannot create %s: %s\n", output, strerror(errno));
        concord_tm_close(tm);
        return EXIT_USAGE;
    }
    rc = concord_tm_export_tmx(&units, tm, &opts, write_output, &out);
    if (rc < 0 && !out.err) {
        /* the TM failed, not the writing */
        cli_report_error("export", path);
        cli_output_close(&out, 0);
        concord_tm_close(tm);
        return EXIT_USAGE;
    }
    concord_tm_close(tm);
    if (cli_output_close(&out, 1) != 0) {
        fprintf(stderr, "concord export: cannot write %s: %s\n", output, strerror(errno));
        return EXIT_USAGE;
    }
    return EXIT_OK;
}
