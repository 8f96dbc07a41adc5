/*
 * cmd_segment.c — `concord segment`: split a text into segments.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_opt segment_opts[] = {
    {"lang", 'l', "L", "language of the text (BCP 47: en, ru, ja, de, fr, ...); default: detected"},
    {"rules", 'r', "FILE.srx", "add the break and no-break rules of an SRX 2.0 file (repeatable)"},
    {"format", 'f', "FORMAT", "text (one segment per line, default) or jsonl"},
    {"wrapped", 'w', NULL,
     "hard-wrapped text: a single line break is a space, blank lines end paragraphs"},
    {NULL, 0, NULL, NULL},
};

static const cli_spec segment_spec = {
    "segment",
    "[--lang L] [--rules FILE.srx]... [--format text|jsonl] [--wrapped] [FILE|-]",
    "Split a text (UTF-8) into the sentences and other segments a translator works on.",
    segment_opts,
    "Without FILE, or with -, the text is read from standard input.\n"
    "\n"
    "Without --lang the language is detected from the script of the text: Japanese\n"
    "kana or kanji give ja, Cyrillic gives ru, anything else en. Built-in rules exist\n"
    "for en, ru, ja, de and fr; other languages get ICU's rules for the language.\n"
    "\n"
    "By default every line break ends a segment (news text has one paragraph,\n"
    "headline, byline or dateline per line). Whitespace around segments is dropped.\n"
    "\n"
    "Output formats:\n"
    "  text   one segment per line and nothing else; a line break inside a segment\n"
    "         (only possible with --wrapped) and the spaces around it are printed\n"
    "         as one space (as nothing between Japanese or Chinese characters)\n"
    "  jsonl  one JSON object per segment: {\"index\":N,\"start\":B,\"end\":E,\"text\":\"...\"}\n"
    "         start and end are byte offsets into the input (end exclusive), so that\n"
    "         input[start:end] is exactly text\n"
    "\n"
    "Exit status: 0 success, 2 bad usage or bad input (invalid UTF-8, NUL byte,\n"
    "malformed SRX file: the message names file, line and column).\n"
    "\n"
    "Examples:\n"
    "  concord segment article.txt\n"
    "  concord segment --lang ru --format jsonl article-ru.txt\n"
    "  concord segment --rules house.srx --wrapped notes.txt\n",
};

typedef struct seg_out {
    const char *text;
    int jsonl;
    size_t index;
} seg_out;

/* Is there a line break at s[i] (of *len bytes)? */
static int line_break_at(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    *len = 1;
    if (s[i] == '\n' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f')
        return 1;
    *len = 2;
    if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0x85)
        return 1; /* NEL */
    *len = 3;
    return s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9);
}

/* Wide East Asian text, written without spaces: the 3-byte character at s[i]. */
static int wide_at(const unsigned char *s, size_t n, size_t i)
{
    if (i + 2 >= n || s[i] < 0xE3 || s[i] > 0xEF)
        return 0;
    unsigned cp =
        ((unsigned)(s[i] & 0x0F) << 12) | ((unsigned)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
    return (cp >= 0x3000 && cp <= 0x9FFF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

/*
 * One segment on one line. A line break inside it (only with --wrapped) and
 * the spaces and tabs around it become one space, or nothing between two
 * characters of Japanese or Chinese, which use no spaces between words.
 */
static void print_flat(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        size_t nl;
        if (!line_break_at(s, n, i, &nl)) {
            i++;
            continue;
        }
        size_t a = i, e = i + nl;
        while (a > run && (s[a - 1] == ' ' || s[a - 1] == '\t'))
            a--;
        for (;;) {
            if (e < n && (s[e] == ' ' || s[e] == '\t'))
                e++;
            else if (e < n && line_break_at(s, n, e, &nl))
                e += nl;
            else
                break;
        }
        fwrite(s + run, 1, a - run, stdout);
        size_t p = a > 0 ? a - 1 : 0; /* the character before the break */
        while (p > 0 && (s[p] & 0xC0) == 0x80)
            p--;
        if (!(a > 0 && wide_at(s, n, p) && wide_at(s, n, e)))
            fputc(' ', stdout);
        run = i = e;
    }
    fwrite(s + run, 1, n - run, stdout);
    fputc('\n', stdout);
}

static int print_segment(const concord_segment *sg, void *payload)
{
    seg_out *o = payload;
    const char *s = o->text + sg->start;
    size_t n = sg->end - sg->start;
    if (o->jsonl) {
        printf("{\"index\":%zu,\"start\":%zu,\"end\":%zu,\"text\":\"", o->index, sg->start,
               sg->end);
        cli_json_string(stdout, s, n);
        fputs("\"}\n", stdout);
    } else {
        print_flat(s, n);
    }
    o->index++;
    return ferror(stdout) ? 1 : 0;
}

int cmd_segment(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&segment_spec, argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    const char *format = a.value[cli_opt_index(&segment_spec, "format")];
    const char *lang = a.value[cli_opt_index(&segment_spec, "lang")];
    int jsonl = 0;
    if (format && strcmp(format, "jsonl") == 0)
        jsonl = 1;
    else if (format && strcmp(format, "text") != 0)
        return cli_usage_error("segment", "unknown format '%s' (expected text or jsonl)", format);
    if (a.npos > 1)
        return cli_usage_error("segment", "expected one FILE, got %d", a.npos);
    const char *path = a.npos ? a.pos[0] : "-";
    const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;

    char *text = NULL;
    size_t len = 0;
    if ((rc = cli_read_input("segment", path, &text, &len)) != 0)
        return rc;

    concord_segmenter_options opts = CONCORD_SEGMENTER_OPTIONS_INIT;
    opts.lang = lang ? lang : concord_lang_detect(text, len);
    opts.wrapped = a.value[cli_opt_index(&segment_spec, "wrapped")] != NULL;
    concord_segmenter *seg = NULL;
    if (concord_segmenter_new(&seg, &opts) < 0) {
        free(text);
        if (concord_error_last()->code == CONCORD_EINVAL)
            return cli_usage_error("segment", "%s", concord_error_last()->message);
        return cli_report_error("segment", NULL);
    }
    /* every --rules FILE, in the order given */
    int rules_idx = cli_opt_index(&segment_spec, "rules");
    for (int i = 0; i < a.nseq && rc == 0; i++)
        if (a.seq_opt[i] == rules_idx && concord_segmenter_add_srx_file(seg, a.seq_value[i]) < 0)
            rc = cli_report_error("segment", a.seq_value[i]);
    if (rc == 0) {
        seg_out o = {text, jsonl, 0};
        if (concord_segmenter_run(seg, text, len, print_segment, &o) < 0) {
            if (concord_error_last()->code == CONCORD_EUSER)
                rc = cli_finish_output("segment", EXIT_USAGE);
            else
                rc = cli_report_error("segment", shown);
        } else {
            rc = cli_finish_output("segment", EXIT_OK);
        }
    }
    concord_segmenter_free(seg);
    free(text);
    return rc;
}
