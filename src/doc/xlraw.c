/*
 * xlraw.c — the raw input of an XLIFF file read again (see xlraw.h). The
 * lexer only needs to tell markup from content in a document libxml2 has
 * already accepted as well-formed: tags with quoted attribute values,
 * comments, CDATA sections and processing instructions.
 */
#include <string.h>

#include "doc/xlraw.h"

#define WIN (1u << 16)

int cc_xlraw_open(cc_xlraw *r, const char *path, const char *data, size_t len, int small)
{
    memset(r, 0, sizeof(*r));
    if (data || !path) {
        r->mem = data ? data : "";
        r->mlen = data ? len : 0;
        return 0;
    }
    r->f = fopen(path, "rb");
    if (!r->f)
        return cc_error_set(CONCORD_EIO, "%s: cannot open", path);
    r->wcap = small ? 4096 : WIN;
    r->win = cc_malloc(r->wcap);
    if (!r->win) {
        fclose(r->f);
        r->f = NULL;
        return cc_error_oom();
    }
    return 0;
}

void cc_xlraw_close(cc_xlraw *r)
{
    if (r->f)
        fclose(r->f);
    cc_free(r->win);
    memset(r, 0, sizeof(*r));
}

static int fill(cc_xlraw *r, unsigned long long off)
{
    /* going back (to the start of a line): the window ends at off, so that the
       bytes before it come from one read, not one read each */
    unsigned long long from = off;
    if (r->wlen && off < r->woff)
        from = off + 1 >= r->wcap ? off + 1 - r->wcap : 0;
    if (fseeko(r->f, (off_t)from, SEEK_SET) != 0)
        return -1;
    r->woff = from;
    r->wlen = fread(r->win, 1, r->wcap, r->f);
    return off < r->woff + r->wlen ? 0 : -1;
}

int cc_xlraw_byte(cc_xlraw *r, unsigned long long off)
{
    if (r->mem)
        return off < r->mlen ? (unsigned char)r->mem[off] : -1;
    if (off < r->woff || off >= r->woff + r->wlen) {
        if (fill(r, off) < 0)
            return -1;
    }
    return (unsigned char)r->win[off - r->woff];
}

int cc_xlraw_copy(cc_xlraw *r, unsigned long long off, size_t n, cc_buf *out)
{
    if (r->mem) {
        if (off > r->mlen || n > r->mlen - off)
            return cc_error_set(CONCORD_EIO, "the input ends early");
        return cc_buf_append(out, r->mem + off, n);
    }
    while (n) {
        if (cc_xlraw_byte(r, off) < 0)
            return cc_error_set(CONCORD_EIO, "the input ends early");
        size_t have = (size_t)(r->woff + r->wlen - off), k = have < n ? have : n;
        int rc = cc_buf_append(out, r->win + (off - r->woff), k);
        if (rc < 0)
            return rc;
        off += k;
        n -= k;
    }
    return 0;
}

/* Does the input at off start with s? */
static int at(cc_xlraw *r, unsigned long long off, const char *s)
{
    for (; *s; s++, off++)
        if (cc_xlraw_byte(r, off) != (unsigned char)*s)
            return 0;
    return 1;
}

/* Skip to just after the next occurrence of s at or after off; 0 if none. */
static unsigned long long past(cc_xlraw *r, unsigned long long off, const char *s)
{
    for (;; off++) {
        int c = cc_xlraw_byte(r, off);
        if (c < 0)
            return 0;
        if (c == (unsigned char)s[0] && at(r, off, s))
            return off + strlen(s);
    }
}

/* A tag from its '<' at lt: just after its '>'; *self for "/>". 0 at the end of input. */
static unsigned long long tag(cc_xlraw *r, unsigned long long lt, int *self)
{
    int quote = 0, prev = 0;
    for (unsigned long long off = lt + 1;; off++) {
        int c = cc_xlraw_byte(r, off);
        if (c < 0)
            return 0;
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            *self = prev == '/';
            return off + 1;
        }
        prev = c;
    }
}

int cc_xlraw_element(cc_xlraw *r, unsigned long long lt, unsigned long long *tag_end,
                     unsigned long long *content_end, unsigned long long *end, int *empty)
{
    int self = 0;
    unsigned long long off = tag(r, lt, &self);
    if (!off)
        goto cut;
    *tag_end = off;
    *empty = self;
    if (self) {
        *content_end = *end = off;
        return 0;
    }
    for (unsigned long depth = 1;;) {
        int c = cc_xlraw_byte(r, off);
        if (c < 0)
            goto cut;
        if (c != '<') {
            off++;
            continue;
        }
        unsigned long long next;
        if (at(r, off, "<!--"))
            next = past(r, off + 4, "-->");
        else if (at(r, off, "<![CDATA["))
            next = past(r, off + 9, "]]>");
        else if (at(r, off, "<?"))
            next = past(r, off + 2, "?>");
        else {
            int closing = cc_xlraw_byte(r, off + 1) == '/';
            next = tag(r, off, &self);
            if (next && closing && --depth == 0) {
                *content_end = off;
                *end = next;
                return 0;
            }
            if (next && !closing && !self)
                depth++;
        }
        if (!next)
            goto cut;
        off = next;
    }
cut:
    return cc_error_set(CONCORD_EPARSE, "an element at byte %llu does not end", lt);
}
