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
    "The text is read, validated and segmented as it comes, so memory stays small\n"
    "whatever its size, and the first invalid byte stops the reading (segments\n"
    "before it may have been printed). A segment longer than 16 MiB is refused.\n"
    "\n"
    "Output formats:\n"
    "  text   one segment per line and nothing else; a line break inside a segment\n"
    "         (only possible with --wrapped) is printed as a space\n"
    "  jsonl  one JSON object per segment: {\"index\":N,\"start\":B,\"end\":E,\"text\":\"...\"}\n"
    "         start and end are byte offsets into the input (end exclusive), so that\n"
    "         input[start:end] is exactly text\n"
    "\n"
    "Exit status: 0 success, 2 bad usage or bad input (invalid UTF-8, NUL byte,\n"
    "a segment over 16 MiB, malformed SRX file: the message names file, line and\n"
    "column).\n"
    "\n"
    "Examples:\n"
    "  concord segment article.txt\n"
    "  concord segment --lang ru --format jsonl article-ru.txt\n"
    "  concord segment --rules house.srx --wrapped notes.txt\n",
};

typedef struct seg_out {
    int jsonl;
    size_t index;
} seg_out;

static int print_segment(const concord_segment *sg, const char *s, void *payload)
{
    seg_out *o = payload;
    size_t n = sg->end - sg->start;
    if (o->jsonl) {
        printf("{\"index\":%zu,\"start\":%zu,\"end\":%zu,\"text\":\"", o->index, sg->start,
               sg->end);
        cli_json_string(stdout, s, n);
        fputs("\"}\n", stdout);
    } else {
        /* one segment per line: line breaks inside a segment become one space */
        size_t run = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            int nl = c == '\n' || c == '\r' || c == '\v' || c == '\f';
            int u_nl = 0; /* U+0085, U+2028, U+2029 */
            if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85)
                u_nl = 2;
            else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                     ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
                u_nl = 3;
            if (!nl && !u_nl)
                continue;
            fwrite(s + run, 1, i - run, stdout);
            if (!(c == '\r' && i + 1 < n && s[i + 1] == '\n'))
                fputc(' ', stdout);
            if (u_nl)
                i += (size_t)u_nl - 1;
            run = i + 1;
        }
        fwrite(s + run, 1, n - run, stdout);
        fputc('\n', stdout);
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

    /* the text is read and segmented in pieces, as it comes: memory stays bounded */
    cli_input in;
    if ((rc = cli_input_open(&in, "segment", path)) != 0)
        return rc;
    concord_segmenter_options opts = CONCORD_SEGMENTER_OPTIONS_INIT;
    opts.lang = lang;
    if (!lang && (rc = cli_input_lang(&in, &opts.lang)) != 0) {
        cli_input_close(&in);
        return rc;
    }
    opts.wrapped = a.value[cli_opt_index(&segment_spec, "wrapped")] != NULL;
    concord_segmenter *seg = NULL;
    if (concord_segmenter_new(&seg, &opts) < 0) {
        cli_input_close(&in);
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
        seg_out o = {jsonl, 0};
        if (concord_segmenter_run_reader(seg, cli_input_read, &in, print_segment, &o) < 0) {
            if (concord_error_last()->code == CONCORD_EUSER && !in.err)
                rc = cli_finish_output("segment", EXIT_USAGE); /* stdout failed */
            else
                rc = cli_input_error(&in);
        } else {
            rc = cli_finish_output("segment", EXIT_OK);
        }
    }
    concord_segmenter_free(seg);
    cli_input_close(&in);
    return rc;
}
