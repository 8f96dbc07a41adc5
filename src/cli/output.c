/*
 * output.c — reading inputs, printing errors with their position, JSON
 * strings, colour policy, checking that output was really written, and
 * output files that are replaced only when complete (and only when they are
 * regular files).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
    /* NO_COLOR (no-color.org); a terminal that says it cannot do escapes, or
     * says nothing, gets none either, as git and GNU tools decide */
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    if ((nc && *nc) || !term || !*term || strcmp(term, "dumb") == 0)
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

/* Follow the symbolic links of path (a dangling one too: its target is made). */
static int resolve_links(const char *path, char *out, size_t size)
{
    char cur[4096], link[4096];
    if ((size_t)snprintf(cur, sizeof(cur), "%s", path) >= sizeof(cur)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (int depth = 0; depth < 40; depth++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
            if ((size_t)snprintf(out, size, "%s", cur) >= size) {
                errno = ENAMETOOLONG;
                return -1;
            }
            return 0;
        }
        ssize_t n = readlink(cur, link, sizeof(link) - 1);
        if (n < 0)
            return -1;
        link[n] = '\0';
        char *slash = strrchr(cur, '/');
        if (link[0] == '/' || !slash) {
            snprintf(cur, sizeof(cur), "%s", link);
        } else {
            /* relative to the directory of the link */
            char dir[4096];
            snprintf(dir, sizeof(dir), "%.*s", (int)(slash - cur), cur);
            if ((size_t)snprintf(cur, sizeof(cur), "%s/%s", dir, link) >= sizeof(cur)) {
                errno = ENAMETOOLONG;
                return -1;
            }
        }
    }
    errno = ELOOP;
    return -1;
}

int cli_output_open(cli_output *o, const char *path)
{
    memset(o, 0, sizeof(*o));
    if (resolve_links(path, o->target, sizeof(o->target)) != 0)
        return -1;
    struct stat st;
    int exists = stat(o->target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        /* a FIFO, a device: written as it is */
        if (!(o->f = fopen(o->target, "wb")))
            return -1;
        return 0;
    }
    snprintf(o->tmp, sizeof(o->tmp), "%s.concord-XXXXXX", o->target);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        o->tmp[0] = '\0';
        return -1;
    }
    /* mkstemp makes the file private: give it the mode a new file gets (or the old one's) */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~mask)) != 0 ||
        !(o->f = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        errno = e;
        return -1;
    }
    return 0;
}

int cli_output_write(cli_output *o, const void *data, size_t len)
{
    if (o->err)
        return -1;
    if (len && fwrite(data, 1, len, o->f) != len) {
        o->err = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

int cli_output_close(cli_output *o, int keep)
{
    errno = 0;
    if (keep && !o->err && (fflush(o->f) != 0 || ferror(o->f)))
        o->err = errno ? errno : EIO;
    /* a regular file reaches the disk before it replaces the old one */
    if (keep && !o->err && o->tmp[0] && fsync(fileno(o->f)) != 0)
        o->err = errno;
    if (fclose(o->f) != 0 && keep && !o->err)
        o->err = errno ? errno : EIO;
    o->f = NULL;
    if (o->tmp[0]) {
        if (keep && !o->err && rename(o->tmp, o->target) != 0)
            o->err = errno;
        if (!keep || o->err)
            unlink(o->tmp);
    }
    if (keep && o->err) {
        errno = o->err;
        return -1;
    }
    return 0;
}

int cli_output_replace(const char *path, const char *data, size_t len)
{
    cli_output o;
    if (cli_output_open(&o, path) != 0)
        return -1;
    cli_output_write(&o, data, len);
    return cli_output_close(&o, 1);
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
