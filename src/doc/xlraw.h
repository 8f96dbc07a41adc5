/*
 * xlraw.h — the raw bytes of an XLIFF input read again, for what the XML
 * reader does not say: where an element ends, the bytes of a start tag, the
 * file's line ends and indentation (xliff.c: the writer and the locator).
 * Reads go forward through a window of the file (or straight from memory),
 * so a pass over the input in order reads it once.
 */
#ifndef CC_XLRAW_H
#define CC_XLRAW_H

#include <stdio.h>

#include "base/base.h"

typedef struct cc_xlraw {
    const char *mem; /* the input in memory, or NULL: f */
    size_t mlen;
    FILE *f;
    char *win; /* the window of f: win[0..wlen) is the file at woff */
    unsigned long long woff;
    size_t wlen, wcap;
} cc_xlraw;

/*
 * Open path (data NULL) or data[0..len), with a window of 64 KiB (a pass over
 * the file) or, with small, 4 KiB (a look at one place). 0, CONCORD_EIO or
 * CONCORD_ENOMEM.
 */
int cc_xlraw_open(cc_xlraw *r, const char *path, const char *data, size_t len, int small);
void cc_xlraw_close(cc_xlraw *r);

/* The byte at off, or -1 at the end of the input (or a read error). */
int cc_xlraw_byte(cc_xlraw *r, unsigned long long off);

/* Bytes [off, off + n) (n <= 64 KiB) appended to out; 0 or a negative code. */
int cc_xlraw_copy(cc_xlraw *r, unsigned long long off, size_t n, cc_buf *out);

/*
 * The element whose start tag's '<' is at lt: *tag_end just after its start
 * tag's '>', *content_end the '<' of its end tag (= *tag_end for <a/>), *end
 * just after the end tag; *empty for <a/>. 0, or CONCORD_EPARSE when the
 * input ends first.
 */
int cc_xlraw_element(cc_xlraw *r, unsigned long long lt, unsigned long long *tag_end,
                     unsigned long long *content_end, unsigned long long *end, int *empty);

#endif
