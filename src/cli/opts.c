/*
 * opts.c — a small option parser driven by a table that also prints --help
 * (the jq/curl approach: the help can never disagree with the parser).
 * Accepts --name VALUE, --name=VALUE, -x VALUE, -xVALUE, "--" to end options,
 * and "-" as a positional argument (standard input).
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "concord %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'concord %s --help' for more information.\n", cmd);
    return EXIT_USAGE;
}

int cli_opt_index(const cli_spec *spec, const char *name)
{
    for (int i = 0; spec->opts[i].name; i++)
        if (strcmp(spec->opts[i].name, name) == 0)
            return i;
    return -1;
}

void cli_help(const cli_spec *spec, FILE *f)
{
    fprintf(f, "Usage: concord %s %s\n\n%s\n", spec->name, spec->usage, spec->summary);
    fprintf(f, "\nOptions:\n");
    for (int i = 0; spec->opts[i].name; i++) {
        const cli_opt *o = &spec->opts[i];
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(f, "  %-26s %s\n", left, o->help);
    }
    fprintf(f, "  %-26s %s\n", "-h, --help", "show this help and exit");
    if (spec->details)
        fprintf(f, "\n%s", spec->details);
}

static int find_long(const cli_spec *spec, const char *name, size_t len)
{
    for (int i = 0; spec->opts[i].name; i++)
        if (strlen(spec->opts[i].name) == len && strncmp(spec->opts[i].name, name, len) == 0)
            return i;
    return -1;
}

static int find_short(const cli_spec *spec, char c)
{
    for (int i = 0; spec->opts[i].name; i++)
        if (spec->opts[i].short_name == c)
            return i;
    return -1;
}

int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *out)
{
    memset(out, 0, sizeof(*out));
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int idx = -1;
        const char *value = NULL;
        if (only_positional || a[0] != '-' || strcmp(a, "-") == 0) {
            if (out->npos == CLI_MAX_POSITIONAL)
                return cli_usage_error(spec->name, "too many arguments");
            out->pos[out->npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_help(spec, stdout);
            return -1;
        }
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            idx = find_long(spec, a + 2, len);
            if (idx < 0)
                return cli_usage_error(spec->name, "unknown option '--%.*s'", (int)len, a + 2);
            if (eq) {
                if (!spec->opts[idx].arg)
                    return cli_usage_error(spec->name, "option '--%s' takes no value",
                                           spec->opts[idx].name);
                value = eq + 1;
            }
        } else {
            idx = find_short(spec, a[1]);
            if (idx < 0)
                return cli_usage_error(spec->name, "unknown option '-%c'", a[1]);
            if (a[2]) {
                if (!spec->opts[idx].arg)
                    return cli_usage_error(spec->name, "option '-%c' takes no value", a[1]);
                value = a + 2;
            }
        }
        if (spec->opts[idx].arg && !value) {
            if (i + 1 >= argc)
                return cli_usage_error(spec->name, "option '--%s' needs a value (%s)",
                                       spec->opts[idx].name, spec->opts[idx].arg);
            value = argv[++i];
        }
        out->value[idx] = spec->opts[idx].arg ? value : "1";
        out->count[idx]++;
        if (out->nseq == CLI_MAX_POSITIONAL)
            return cli_usage_error(spec->name, "too many options");
        out->seq_opt[out->nseq] = idx;
        out->seq_value[out->nseq++] = out->value[idx];
    }
    return 0;
}
