/*
 * cli.h — what the concord command's files share: the option-table parser,
 * input reading, output helpers and the commands. The command line uses only
 * the public API (include/concord), like any other program.
 */
#ifndef CONCORD_CLI_H
#define CONCORD_CLI_H

#include <stdio.h>

#include "concord/concord.h"

#define EXIT_OK       0
#define EXIT_FINDINGS 1
#define EXIT_USAGE    2 /* bad usage, bad input or runtime error */

/* ---- options (opts.c): one table drives both parsing and --help ---- */

typedef struct cli_opt {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 if none */
    const char *arg;  /* metavariable ("L", "FILE"), NULL for a flag */
    const char *help; /* one line */
} cli_opt;

#define CLI_MAX_OPTS       32
#define CLI_MAX_POSITIONAL 256

typedef struct cli_args {
    const char *value[CLI_MAX_OPTS]; /* last value given, or "1" for a flag; NULL if absent */
    int count[CLI_MAX_OPTS];
    const char *pos[CLI_MAX_POSITIONAL];
    int npos;
    /* every option occurrence in command-line order, for repeatable options */
    int seq_opt[CLI_MAX_POSITIONAL];
    const char *seq_value[CLI_MAX_POSITIONAL];
    int nseq;
} cli_args;

typedef struct cli_spec {
    const char *name;    /* "segment" */
    const char *usage;   /* "[--lang L] [FILE|-]" */
    const char *summary; /* one line */
    const cli_opt *opts; /* terminated by an entry with name NULL */
    const char *details; /* more help text, may be NULL */
} cli_spec;

/*
 * Parse argv[1..argc) against spec. Returns 0 to go on, -1 if --help was
 * printed (exit 0), or EXIT_USAGE after printing a usage error to stderr.
 * --help / -h is added to every command.
 */
int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *out);

/* The index of option `name` in spec->opts (it must exist). */
int cli_opt_index(const cli_spec *spec, const char *name);

/* Print the help of a command to f. */
void cli_help(const cli_spec *spec, FILE *f);

/* Print "concord CMD: message" and a pointer to --help on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- input (input.c) ---- */

/* A text being read: a file, or standard input ("-"). */
typedef struct cli_input {
    FILE *f;
    int is_stdin;
    const char *cmd, *shown; /* "segment"; the path, or "<stdin>" */
    char *head;              /* bytes read ahead (cli_input_peek), handed out first */
    size_t nhead, served;
    unsigned long long size;  /* a regular file's size, else 0 */
    unsigned long long nread; /* bytes handed out by cli_input_read() */
    int err;                  /* errno of a failed read, else 0 */
} cli_input;

/* Open path for cmd; a directory is refused. 0, or EXIT_USAGE after a message. */
int cli_input_open(cli_input *in, const char *cmd, const char *path);

/*
 * The first n bytes (fewer at the end), read ahead and handed out again by
 * cli_input_read(): for guessing the language. *out is borrowed from in.
 * 0, or EXIT_USAGE after a message.
 */
int cli_input_peek(cli_input *in, size_t n, const char **out, size_t *len);

/* The language of the text, detected as every command does (its first 64 KiB, peeked). */
int cli_input_lang(cli_input *in, const char **lang);

/* A concord_read_fn over in (ud); a failed read leaves its errno in in->err. */
int cli_input_read(char *buf, size_t *len, size_t cap, void *ud);

/*
 * Report why a library call that read in failed: the read error, or the
 * library's error (invalid UTF-8 with its position, ...) for the file.
 * Returns EXIT_USAGE.
 */
int cli_input_error(cli_input *in);

void cli_input_close(cli_input *in);

/*
 * Read a whole file ("-" = standard input), validating it as it is read:
 * the first NUL byte or invalid UTF-8 is reported (file:line:column, byte
 * offset) without reading further. *out is NUL-terminated and belongs to
 * the caller (free()). Returns 0, or EXIT_USAGE after printing a message.
 */
int cli_read_input(const char *cmd, const char *path, char **out, size_t *len);

/* ---- output (output.c) ---- */

/*
 * Print the library's last error for `file` (NULL for none) as
 * "concord CMD: FILE:LINE:COL: message" on stderr and return EXIT_USAGE.
 */
int cli_report_error(const char *cmd, const char *file);

/* Write s[0..n) as the contents of a JSON string (no quotes). */
void cli_json_string(FILE *f, const char *s, size_t n);

/* Should output to f be coloured (a terminal, TERM set and not "dumb", NO_COLOR unset)? */
int cli_use_color(FILE *f);

/* Flush stdout and report a write error (e.g. a full disk) as EXIT_USAGE. */
int cli_finish_output(const char *cmd, int status);

/*
 * The TM file to use: `option` (--tm) if given, else $CONCORD_TM, else
 * $XDG_DATA_HOME/concord/default.tm (~/.local/share/concord/default.tm).
 * With `create_dirs`, the directories of the default path are made. Writes
 * into buf; returns buf, or NULL after printing a message.
 */
const char *cli_tm_path(const char *cmd, const char *option, int create_dirs, char *buf,
                        size_t size);

/*
 * An output file (export -o, check --fix). A regular file, or a path where
 * there is none yet, is written beside itself and renamed over once
 * complete, so that a failure never leaves half a file and the old one stays;
 * it keeps its permissions. A symbolic link is followed: its target is
 * written and the link stays. Anything else (a FIFO, a terminal, /dev/null)
 * is written in place: renaming would replace it with a regular file.
 */
typedef struct cli_output {
    FILE *f;
    char target[4096]; /* what is written: the path, or where its links lead */
    char tmp[4200];    /* the file beside it, or "" when written in place */
    int err;           /* errno of the first failure, 0 if none */
} cli_output;

/* Open path for writing. 0, or -1 with errno (nothing was created). */
int cli_output_open(cli_output *o, const char *path);

/* Write data[0..len). 0, or -1 with the errno kept in o->err. */
int cli_output_write(cli_output *o, const void *data, size_t len);

/*
 * Finish: with `keep`, flush, sync and rename over the target (or close the
 * file written in place); without, throw the temporary file away. 0, or -1
 * with errno (the temporary file is then gone and the target as it was,
 * unless it is written in place).
 */
int cli_output_close(cli_output *o, int keep);

/* Replace the contents of path with data[0..len) as above. 0, or -1 with errno. */
int cli_output_replace(const char *path, const char *data, size_t len);

/* "1234567" -> "1,234,567" in buf (for summaries people read) */
const char *cli_thousands(unsigned long long n, char *buf, size_t size);

/* ---- reports of `concord check` (report.c) ---- */

typedef enum cli_report_format {
    CLI_REPORT_TEXT,    /* file:line:col: severity: message [rule] */
    CLI_REPORT_JSON,    /* {"findings": [...]} */
    CLI_REPORT_SARIF,   /* SARIF 2.1.0, columns in code points */
    CLI_REPORT_GITHUB,  /* GitHub workflow commands (::error file=...) and a summary line */
    CLI_REPORT_JUNIT,   /* JUnit XML: one testcase per checked file */
    CLI_REPORT_RDJSONL  /* reviewdog rdjsonl: one JSON diagnostic per line, columns in bytes */
} cli_report_format;

/* "text", "json", ... -> format; -1 if unknown. */
int cli_report_format_parse(const char *name);

/*
 * Write the findings of a check of files[0..nfiles) (every file checked, with
 * or without findings, in order) to out. Findings are sorted by file and
 * position. `fail_on` is the --fail-on level: formats that say pass or fail
 * (junit) fail a file as the exit status does, on a finding at that level or
 * above. `color` only for text on a terminal.
 */
void cli_report_write(FILE *out, cli_report_format format, const char *const *files, size_t nfiles,
                      const concord_finding *v, size_t n, concord_severity fail_on, int color);

/* ---- commands ---- */

int cmd_segment(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_concordance(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_glossary(int argc, char **argv);

#endif
