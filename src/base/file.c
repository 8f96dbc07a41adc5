/*
 * file.c — reading a whole (small) file: the glossary formats that are not
 * XML (text, CSV/TSV). XML inputs are streamed by base/xml.c instead.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"

int cc_file_read_rest(FILE *f, const char *path, cc_buf *out)
{
    int rc;
    for (;;) {
        if ((rc = cc_buf_reserve(out, 65536)) < 0)
            return rc;
        size_t n = fread(out->data + out->len, 1, out->cap - out->len - 1, f);
        out->len += n;
        out->data[out->len] = '\0';
        if (n == 0) {
            if (ferror(f))
                return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot read: %s",
                                       strerror(errno));
            return 0;
        }
    }
}

int cc_file_read(const char *path, char **out, size_t *len)
{
    cc_buf b = CC_BUF_INIT;
    FILE *f = fopen(path, "rb");
    *out = NULL;
    *len = 0;
    if (!f)
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open: %s", strerror(errno));
    int rc = cc_file_read_rest(f, path, &b);
    if (rc == 0) {
        *len = b.len;
        *out = cc_buf_detach(&b);
    }
    fclose(f);
    cc_buf_free(&b);
    return rc;
}
