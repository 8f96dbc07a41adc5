/*
 * cmd_export.c — `concord export`: the TM as TMX 1.4b.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const cli_opt export_opts[] = {
    {"tm", 't', "DB", "the TM file (default: $CONCORD_TM, else ~/.local/share/concord/default.tm)"},
    {"lang", 'l', "L,...", "only these languages (en selects en, en-US, en-GB...)"},
    {"output", 'o', "FILE.tmx",
     "write to FILE.tmx (replaced only once complete) instead of stdout"},
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
    "Exit status: 0 written, 2 bad usage or an error (with -o, FILE is then untouched).\n"
    "\n"
    "Examples:\n"
    "  concord export > all.tmx\n"
    "  concord export --lang en,ru -o en-ru.tmx\n",
};

static int write_file(const char *data, size_t len, void *ud)
{
    return fwrite(data, 1, len, (FILE *)ud) == len ? 0 : 1;
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

    FILE *out = stdout;
    char tmp[4200] = "";
    if (output) {
        snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", output);
        int fd = mkstemp(tmp);
        if (fd >= 0) {
            /* mkstemp makes the file private: give it the mode a new file gets (or the old one's) */
            struct stat st;
            mode_t mask = umask(0);
            umask(mask);
            fchmod(fd, stat(output, &st) == 0 ? (st.st_mode & 07777) : (0666 & ~mask));
        }
        if (fd < 0 || !(out = fdopen(fd, "wb"))) {
            fprintf(stderr, "concord export: %s: cannot create: %s\n", output, strerror(errno));
            concord_tm_close(tm);
            return EXIT_USAGE;
        }
    }
    concord_export_options opts = CONCORD_EXPORT_OPTIONS_INIT;
    opts.langs = nlangs ? langs : NULL;
    opts.nlangs = nlangs;
    size_t units = 0;
    rc = concord_tm_export_tmx(&units, tm, &opts, write_file, out);
    concord_tm_close(tm);
    if (output) {
        int bad = rc < 0 || fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0;
        fclose(out);
        if (!bad && rename(tmp, output) != 0)
            bad = 1;
        if (bad) {
            unlink(tmp);
            if (rc < 0)
                return cli_report_error("export", path);
            fprintf(stderr, "concord export: %s: cannot write: %s\n", output, strerror(errno));
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if (rc < 0) {
        if (concord_error_last()->code == CONCORD_EUSER)
            return cli_finish_output("export", EXIT_USAGE);
        return cli_report_error("export", path);
    }
    return cli_finish_output("export", EXIT_OK);
}
