/*
 * output.c — reading inputs, printing errors with their position, JSON
 * strings, colour policy, and checking that output was really written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/types.h>

#include "cli.h"

int cli_report_error(const char *cmd, const char *file)
{
    const concord_error *e = concord_error_last();
    const char *where = e->file ? e->file : file;
    fprintf(stderr, "concord %s: ", cmd);
    if (where && e->line && e->column)
        fprintf(stderr, "%s:%lu:%lu: ", where, e->line, e->column);
    else if (where && e->line)
        fprintf(stderr, "%s:%lu: ", where, e->line);
    else if (where)
        fprintf(stderr, "%s: ", where);
    fprintf(stderr, "%s\n", e->message[0] ? e->message : concord_error_name(e->code));
    return EXIT_USAGE;
}

void cli_json_string(FILE *f, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        fwrite(s + run, 1, i - run, f);
        run = i + 1;
        switch (c) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default: {
            char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            fputs(esc, f);
        }
        }
    }
    fwrite(s + run, 1, n - run, f);
}

int cli_use_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return 0;
    return isatty(fileno(f));
}

int cli_finish_output(const char *cmd, int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "concord %s: cannot write the output: %s\n", cmd, strerror(errno));
        return EXIT_USAGE;
    }
    return status;
}

static int make_dirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

const char *cli_tm_path(const char *cmd, const char *option, int create_dirs, char *buf,
                        size_t size)
{
    const char *env = getenv("CONCORD_TM");
    if (option && *option) {
        snprintf(buf, size, "%s", option);
        return buf;
    }
    if (env && *env) {
        snprintf(buf, size, "%s", env);
        return buf;
    }
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(buf, size, "%s/concord/default.tm", xdg);
    else if (home && *home)
        snprintf(buf, size, "%s/.local/share/concord/default.tm", home);
    else {
        fprintf(stderr, "concord %s: no TM given: use --tm FILE or set CONCORD_TM\n", cmd);
        return NULL;
    }
    if (create_dirs && make_dirs(buf) != 0) {
        fprintf(stderr, "concord %s: cannot create the directory of %s: %s\n", cmd, buf,
                strerror(errno));
        return NULL;
    }
    return buf;
}

const char *cli_thousands(unsigned long long n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof(digits), "%llu", n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}
