/*
 * input.c — reading the text a command works on: a file or standard input,
 * in pieces (cli_input, for the commands that stream: segment, lookup
 * --file, analyze) or whole (cli_read_input, for check). Either way the text
 * is validated as it is read (concord_text_check), so that a NUL byte or
 * invalid UTF-8 near the start of a huge file is reported at once, with its
 * line, column and byte offset, without reading the rest.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

int cli_input_open(cli_input *in, const char *cmd, const char *path)
{
    memset(in, 0, sizeof(*in));
    in->cmd = cmd;
    in->is_stdin = strcmp(path, "-") == 0;
    in->shown = in->is_stdin ? "<stdin>" : path;
    in->f = in->is_stdin ? stdin : fopen(path, "rb");
    if (!in->f) {
        fprintf(stderr, "concord %s: %s: cannot open: %s\n", cmd, in->shown, strerror(errno));
        return EXIT_USAGE;
    }
    struct stat st;
    if (fstat(fileno(in->f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fprintf(stderr, "concord %s: %s: is a directory\n", cmd, in->shown);
            cli_input_close(in);
            return EXIT_USAGE;
        }
        if (S_ISREG(st.st_mode))
            in->size = (unsigned long long)st.st_size;
    }
    return 0;
}

void cli_input_close(cli_input *in)
{
    if (in->f && !in->is_stdin)
        fclose(in->f);
    in->f = NULL;
    free(in->head);
    in->head = NULL;
}

int cli_input_peek(cli_input *in, size_t n, const char **out, size_t *len)
{
    if (!in->head) {
        if (!(in->head = malloc(n ? n : 1))) {
            fprintf(stderr, "concord %s: out of memory\n", in->cmd);
            return EXIT_USAGE;
        }
        in->nhead = fread(in->head, 1, n, in->f);
        if (ferror(in->f)) {
            fprintf(stderr, "concord %s: %s: cannot read: %s\n", in->cmd, in->shown,
                    strerror(errno));
            return EXIT_USAGE;
        }
    }
    *out = in->head;
    *len = in->nhead;
    return 0;
}

int cli_input_lang(cli_input *in, const char **lang)
{
    const char *head;
    size_t n;
    int rc = cli_input_peek(in, 65536, &head, &n); /* what concord_lang_detect() looks at */
    if (rc == 0)
        *lang = concord_lang_detect(head, n);
    return rc;
}

int cli_input_read(char *buf, size_t *len, size_t cap, void *ud)
{
    cli_input *in = ud;
    size_t n = 0;
    if (in->served < in->nhead) {
        n = in->nhead - in->served < cap ? in->nhead - in->served : cap;
        memcpy(buf, in->head + in->served, n);
        in->served += n;
    } else {
        /* small reads: a bad byte near the start is found before much more is read */
        n = fread(buf, 1, cap < (1u << 16) ? cap : 1u << 16, in->f);
        if (n == 0 && ferror(in->f)) {
            in->err = errno ? errno : EIO;
            return -1;
        }
    }
    in->nread += n;
    *len = n;
    return 0;
}

int cli_input_error(cli_input *in)
{
    if (in->err) {
        fprintf(stderr, "concord %s: %s: cannot read: %s\n", in->cmd, in->shown, strerror(in->err));
        return EXIT_USAGE;
    }
    return cli_report_error(in->cmd, in->shown);
}

int cli_read_input(const char *cmd, const char *path, char **out, size_t *len)
{
    cli_input in;
    *out = NULL;
    *len = 0;
    int rc = cli_input_open(&in, cmd, path);
    if (rc)
        return rc;
    concord_text_check chk = CONCORD_TEXT_CHECK_INIT;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < (1u << 16) + 1) {
            size_t ncap = cap ? cap * 2 : 1u << 16;
            char *p = realloc(buf, ncap);
            if (!p) {
                fprintf(stderr, "concord %s: %s: out of memory reading the input\n", cmd, in.shown);
                rc = EXIT_USAGE;
                break;
            }
            buf = p;
            cap = ncap;
        }
        size_t got, want = cap - n - 1 < (1u << 20) ? cap - n - 1 : 1u << 20;
        if (cli_input_read(buf + n, &got, want, &in) != 0) {
            rc = cli_input_error(&in);
            break;
        }
        /* stop at the first bad byte: the rest of the file is not read */
        if ((got ? concord_text_check_more(&chk, buf + n, got) : concord_text_check_end(&chk)) <
            0) {
            rc = cli_report_error(cmd, in.shown);
            break;
        }
        n += got;
        if (got == 0)
            break;
    }
    cli_input_close(&in);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}
