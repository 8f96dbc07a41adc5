/*
 * buf.c — a growable byte buffer. Every function returns 0 or CONCORD_ENOMEM
 * (with the error set); on failure the buffer keeps its old contents.
 */
#include <stdio.h>
#include <string.h>

#include "base/base.h"

int cc_buf_reserve(cc_buf *b, size_t extra)
{
    if (extra >= (size_t)-1 - b->len - 1)
        return cc_error_oom();
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    /* at least 64 bytes: buffers hold words and lines, not single characters */
    if (cc_grow((void **)&b->data, &b->cap, need < 64 ? 64 : need, 1) < 0)
        return CONCORD_ENOMEM;
    b->data[b->len] = '\0'; /* the promise of base.h: NUL-terminated once cap > 0 */
    return 0;
}

int cc_buf_append(cc_buf *b, const void *data, size_t n)
{
    if (cc_buf_reserve(b, n) < 0)
        return CONCORD_ENOMEM;
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int cc_buf_puts(cc_buf *b, const char *s)
{
    return cc_buf_append(b, s, strlen(s));
}

int cc_buf_putc(cc_buf *b, char c)
{
    return cc_buf_append(b, &c, 1);
}

int cc_buf_printf(cc_buf *b, const char *fmt, ...)
{
    /* one vsnprintf into the room there is; a second only when it did not fit */
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (room)
            b->data[b->len] = '\0';
        return cc_error_set(CONCORD_ERROR, "bad format string");
    }
    if ((size_t)n >= room) {
        if (room)
            b->data[b->len] = '\0'; /* keep the old contents on failure */
        if (cc_buf_reserve(b, (size_t)n) < 0)
            return CONCORD_ENOMEM;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
    return 0;
}

char *cc_buf_detach(cc_buf *b)
{
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void cc_buf_clear(cc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void cc_buf_free(cc_buf *b)
{
    cc_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int cc_buf_xml_escape(cc_buf *out, const char *s, size_t n, int attribute)
{
    size_t run = 0;
    int rc;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = attribute ? "&quot;" : NULL;
            break;
        case '\t':
            rep = attribute ? "&#9;" : NULL;
            break;
        case '\n':
            rep = attribute ? "&#10;" : NULL;
            break;
        case '\r':
            rep = "&#13;"; /* a raw CR would be normalized away by the next reader */
            break;
        default:
            break;
        }
        if (!rep)
            continue;
        if ((rc = cc_buf_append(out, s + run, i - run)) < 0 || (rc = cc_buf_puts(out, rep)) < 0)
            return rc;
        run = i + 1;
    }
    return cc_buf_append(out, s + run, n - run);
}
