/*
 * pieces.h — a concord_read_fn over a buffer, for the tests and the fuzz
 * harnesses that read a text in pieces: data[0..len) handed out `piece`
 * bytes at a time (fewer when the caller asks for fewer). With stop_after
 * set, the call after that many returns nonzero (the reader stops); with
 * overflow set, every call claims one byte more than it was asked for.
 */
#ifndef CONCORD_TEST_PIECES_H
#define CONCORD_TEST_PIECES_H

#include <string.h>

typedef struct pieces {
    const char *data;
    size_t len, at, piece;
    int calls, stop_after, overflow;
} pieces;

#define PIECES(data, len, piece) ((pieces){(const char *)(data), (len), 0, (piece), 0, 0, 0})

static inline int pieces_read(char *buf, size_t *len, size_t cap, void *ud)
{
    pieces *p = ud;
    if (p->stop_after && ++p->calls > p->stop_after)
        return 1;
    size_t n = p->len - p->at;
    n = n < p->piece ? n : p->piece;
    n = n < cap ? n : cap;
    memcpy(buf, p->data + p->at, n);
    p->at += n;
    *len = p->overflow ? cap + 1 : n;
    return 0;
}

#endif
