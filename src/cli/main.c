/*
 * main.c — the concord command: a table of subcommands.
 */
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"segment", "split a text into sentences and other segments", cmd_segment},
    {"import", "import TMX, XLIFF and PO files into a translation memory", cmd_import},
    {"export", "write a translation memory as TMX", cmd_export},
    {"stats", "show what a translation memory holds", cmd_stats},
    {"lookup", "find the closest segments in a translation memory", cmd_lookup},
    {"concordance", "find the segments that contain a phrase", cmd_concordance},
    {"analyze", "count a document's segments and words by match band", cmd_analyze},
    {"check", "check documents against glossaries (terms, paired names)", cmd_check},
    {"glossary", "export glossaries as TBX 2, TBX 3, TSV or CSV", cmd_glossary},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: concord COMMAND [OPTIONS] [ARGS]\n\n"
               "concord is a translation-memory and multilingual glossary tool.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nOptions:\n"
               "  -h, --help     show this help and exit\n"
               "      --version  show the version and exit\n\n"
               "'concord COMMAND --help' describes a command. Exit status: 0 success,\n"
               "1 findings (check), 2 bad usage, bad input or runtime error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("concord %s\n", concord_version_string());
        return EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return EXIT_OK;
        }
        char *help_argv[] = {argv[2], "--help", NULL};
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
            if (strcmp(commands[i].name, argv[2]) == 0)
                return commands[i].run(2, help_argv);
        fprintf(stderr, "concord: unknown command '%s'\nTry 'concord --help'.\n", argv[2]);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, cmd) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "concord: unknown command '%s'\nTry 'concord --help'.\n", cmd);
    return EXIT_USAGE;
}
