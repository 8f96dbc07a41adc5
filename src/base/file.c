/*
 * file.c — reading a whole (small) file, for SRX rules and glossaries.
 * Large inputs (TMX) are streamed by their readers instead.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"

int cc_file_read(const char *path, char **out, size_t *len)
{
    int rc = 0;
    cc_buf b = CC_BUF_INIT;
    FILE *f = fopen(path, "rb");
    *out = NULL;
    *len = 0;
    if (!f)
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open: %s", strerror(errno));
    for (;;) {
        if ((rc = cc_buf_reserve(&b, 65536)) < 0)
            goto done;
        size_t n = fread(b.data + b.len, 1, b.cap - b.len - 1, f);
        b.len += n;
        b.data[b.len] = '\0';
        if (n == 0) {
            if (ferror(f)) {
                rc =
                    cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot read: %s", strerror(errno));
                goto done;
            }
            break;
        }
    }
    if (!b.data && (rc = cc_buf_reserve(&b, 0)) < 0)
        goto done;
    *len = b.len;
    *out = cc_buf_detach(&b);
done:
    fclose(f);
    cc_buf_free(&b);
    return rc;
}
