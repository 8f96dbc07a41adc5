/*
 * cmd_concordance.c — `concord concordance`: where a phrase occurs in the TM.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_opt concordance_opts[] = {
    {"tm", 't', "DB", "the TM file (default: $CONCORD_TM, else ~/.local/share/concord/default.tm)"},
    {"lang", 'l', "L", "search segments in L (default: detected from the phrase's script)"},
    {"max", 'n', "N", "show at most N hits, newest first (default 20; 0: all)"},
    {"format", 'f', "FORMAT", "text (default) or json"},
    {NULL, 0, NULL, NULL},
};

static const cli_spec concordance_spec = {
    "concordance",
    "[--tm DB] [--lang L] [--max N] [--format text|json] PHRASE",
    "Find the segments of the translation memory that contain a phrase.",
    concordance_opts,
    "The phrase's words are found in that order, compared as lookup compares them\n"
    "(case and width folded; Japanese and Chinese by character), with nothing but\n"
    "spaces and punctuation between. The segments of --lang are searched (en also\n"
    "searches en-US, en-GB...); each hit shows the segment with the phrase marked\n"
    "(in colour on a terminal, [brackets] otherwise) and the unit's other languages.\n"
    "\n"
    "With --format json: {\"phrase\": ..., \"hits\": [{\"lang\", \"text\", \"start\",\n"
    "\"end\", \"unit\", \"others\": [{\"lang\", \"text\"}]}], \"more\": false}\n"
    "(start and end: the phrase's byte offsets in text).\n"
    "\n"
    "Exit status: 0 searched (also when nothing was found), 2 bad usage or an error.\n"
    "\n"
    "Examples:\n"
    "  concord concordance \"Northern Territories\"\n"
    "  concord concordance --lang ru \"Южных Курил\"\n"
    "  concord concordance 北方領土\n",
};

static int parse_count(const char *s, size_t *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

int cmd_concordance(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&concordance_spec, argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    const char *lang = a.value[cli_opt_index(&concordance_spec, "lang")];
    const char *format = a.value[cli_opt_index(&concordance_spec, "format")];
    const char *max_s = a.value[cli_opt_index(&concordance_spec, "max")];
    int json = 0;
    if (format && strcmp(format, "json") == 0)
        json = 1;
    else if (format && strcmp(format, "text") != 0)
        return cli_usage_error("concordance", "unknown format '%s' (expected text or json)",
                               format);
    size_t max = 20;
    if (max_s && parse_count(max_s, &max) < 0)
        return cli_usage_error("concordance", "--max takes a number from 0 up, not '%s'", max_s);
    if (a.npos != 1)
        return cli_usage_error("concordance",
                               a.npos ? "expected one PHRASE (quote it), got %d"
                                      : "nothing to search for: give a PHRASE%.0d",
                               a.npos);
    const char *phrase = a.pos[0];
    size_t plen = strlen(phrase);
    if (concord_text_validate(phrase, plen) < 0)
        return cli_report_error("concordance", "the phrase");
    if (!lang)
        lang = concord_lang_detect(phrase, plen);
    char path[4096];
    if (!cli_tm_path("concordance", a.value[cli_opt_index(&concordance_spec, "tm")], 0, path,
                     sizeof(path)))
        return EXIT_USAGE;
    concord_tm *tm;
    if (concord_tm_open(&tm, path, 0) < 0)
        return cli_report_error("concordance", path);
    concord_hits *hits;
    if (concord_concordance_search(&hits, tm, lang, phrase, plen, max) < 0) {
        rc = concord_error_last()->code == CONCORD_EINVAL
                 ? cli_usage_error("concordance", "%s", concord_error_last()->message)
                 : cli_report_error("concordance", path);
        concord_tm_close(tm);
        return rc;
    }
    int color = !json && cli_use_color(stdout);
    if (json) {
        fputs("{\"phrase\":\"", stdout);
        cli_json_string(stdout, phrase, plen);
        fputs("\",\"hits\":[", stdout);
    }
    for (size_t i = 0; i < hits->n; i++) {
        const concord_hit *h = &hits->v[i];
        if (json) {
            printf("%s{\"lang\":\"%s\",\"text\":\"", i ? "," : "", h->lang);
            cli_json_string(stdout, h->text, strlen(h->text));
            printf("\",\"start\":%zu,\"end\":%zu,\"unit\":%lld,\"others\":[", h->start, h->end,
                   (long long)h->unit);
            for (size_t k = 0; k < h->nothers; k++) {
                printf("%s{\"lang\":\"%s\",\"text\":\"", k ? "," : "", h->others[k].lang);
                cli_json_string(stdout, h->others[k].text, strlen(h->others[k].text));
                fputs("\"}", stdout);
            }
            fputs("]}", stdout);
            continue;
        }
        printf("%-6s %.*s%s%.*s%s%s\n", h->lang, (int)h->start, h->text, color ? "\x1b[1;33m" : "[",
               (int)(h->end - h->start), h->text + h->start, color ? "\x1b[0m" : "]",
               h->text + h->end);
        for (size_t k = 0; k < h->nothers; k++)
            printf("  %-6s %s\n", h->others[k].lang, h->others[k].text);
    }
    if (json) {
        printf("],\"more\":%s}\n", hits->more ? "true" : "false");
    } else if (hits->n == 0) {
        printf("no segment in %s contains \"%s\"\n", lang, phrase);
    } else if (hits->more) {
        printf("(more hits: --max %zu shows more)\n", max * 2);
    }
    concord_hits_free(hits);
    concord_tm_close(tm);
    return cli_finish_output("concordance", EXIT_OK);
}
