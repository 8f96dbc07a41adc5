/*
 * cmd_stats.c — `concord stats`: what the TM holds.
 */
#include <string.h>

#include "cli.h"

static const cli_opt stats_opts[] = {
    {"tm", 't', "DB", "the TM file (default: $CONCORD_TM, else ~/.local/share/concord/default.tm)"},
    {"format", 'f', "FORMAT", "text (default) or json"},
    {NULL, 0, NULL, NULL},
};

static const cli_spec stats_spec = {
    "stats",
    "[--tm DB] [--format text|json]",
    "Show what a translation memory holds: units, variants per language, language\n"
    "pairs, the tools the units came from, dates and the size of the file.",
    stats_opts,
    "--format json prints one object:\n"
    "  {\"tm\": PATH, \"units\": N, \"variants\": N, \"languages\": {TAG: N, ...},\n"
    "   \"pairs\": {\"SRC>TGT\": N, ...}, \"tools\": {NAME: N, ...},\n"
    "   \"first_date\": D|null, \"last_date\": D|null, \"file_bytes\": N, \"schema\": N}\n"
    "languages counts variants; pairs and tools count units.\n"
    "\n"
    "Exit status: 0, or 2 for bad usage or a TM that cannot be read.\n",
};

static void json_counts(const concord_tm_count *c, size_t n)
{
    putchar('{');
    for (size_t i = 0; i < n; i++) {
        printf("%s\"", i ? ", " : "");
        cli_json_string(stdout, c[i].name, strlen(c[i].name));
        printf("\": %zu", c[i].count);
    }
    putchar('}');
}

static void json_opt_string(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    cli_json_string(stdout, s, strlen(s));
    putchar('"');
}

int cmd_stats(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&stats_spec, argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (a.npos > 0)
        return cli_usage_error("stats", "unexpected argument '%s'", a.pos[0]);
    const char *format = a.value[cli_opt_index(&stats_spec, "format")];
    int json = 0;
    if (format && strcmp(format, "json") == 0)
        json = 1;
    else if (format && strcmp(format, "text") != 0)
        return cli_usage_error("stats", "unknown format '%s' (expected text or json)", format);
    char path[4096];
    if (!cli_tm_path("stats", a.value[cli_opt_index(&stats_spec, "tm")], 0, path, sizeof(path)))
        return EXIT_USAGE;
    concord_tm *tm;
    if (concord_tm_open(&tm, path, CONCORD_TM_READONLY) < 0)
        return cli_report_error("stats", path);
    concord_tm_stats *s;
    rc = concord_tm_stats_get(&s, tm);
    concord_tm_close(tm);
    if (rc < 0)
        return cli_report_error("stats", path);
    char b[4][32];
    if (json) {
        fputs("{\"tm\": ", stdout);
        json_opt_string(path);
        printf(", \"units\": %zu, \"variants\": %zu, \"languages\": ", s->units, s->variants);
        json_counts(s->langs, s->nlangs);
        fputs(", \"pairs\": ", stdout);
        json_counts(s->pairs, s->npairs);
        fputs(", \"tools\": ", stdout);
        json_counts(s->tools, s->ntools);
        fputs(", \"first_date\": ", stdout);
        json_opt_string(s->first_date);
        fputs(", \"last_date\": ", stdout);
        json_opt_string(s->last_date);
        printf(", \"file_bytes\": %llu, \"schema\": %d}\n", s->file_size, s->schema_version);
    } else {
        printf("TM         %s (schema %d, %s bytes)\n", path, s->schema_version,
               cli_thousands(s->file_size, b[0], sizeof(b[0])));
        printf("units      %s\n", cli_thousands(s->units, b[1], sizeof(b[1])));
        printf("variants   %s\n", cli_thousands(s->variants, b[2], sizeof(b[2])));
        if (s->first_date)
            printf("dates      %s to %s\n", s->first_date, s->last_date ? s->last_date : "?");
        printf("languages  (variants)\n");
        for (size_t i = 0; i < s->nlangs; i++)
            printf("  %-12s %s\n", s->langs[i].name,
                   cli_thousands(s->langs[i].count, b[3], sizeof(b[3])));
        printf("pairs      (units, source>target)\n");
        for (size_t i = 0; i < s->npairs; i++)
            printf("  %-12s %s\n", s->pairs[i].name,
                   cli_thousands(s->pairs[i].count, b[3], sizeof(b[3])));
        printf("tools      (units)\n");
        for (size_t i = 0; i < s->ntools; i++)
            printf("  %-28s %s\n", s->tools[i].name,
                   cli_thousands(s->tools[i].count, b[3], sizeof(b[3])));
    }
    concord_tm_stats_free(s);
    return cli_finish_output("stats", EXIT_OK);
}
