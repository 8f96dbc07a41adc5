/*
 * arena.c — a bump allocator for the many small strings of one record (a TMX
 * unit, a glossary entry): allocations never move, and the whole arena is
 * reset at once, keeping its blocks for the next record.
 */
#include <string.h>

#include "base/base.h"

#define BLOCK_DEFAULT 16384

struct cc_arena_block {
    cc_arena_block *next;
    size_t size, used;
    max_align_t data[]; /* aligned storage */
};

static cc_arena_block *new_block(size_t need)
{
    size_t size = need > BLOCK_DEFAULT ? need : BLOCK_DEFAULT;
    cc_arena_block *b = cc_malloc(sizeof(*b) + size);
    if (!b)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void *cc_arena_alloc(cc_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    cc_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        /* reuse a spare block that fits, else make one */
        cc_arena_block **pp = &a->spare;
        while (*pp && (*pp)->size < n)
            pp = &(*pp)->next;
        if (*pp) {
            b = *pp;
            *pp = b->next;
            b->used = 0;
        } else if (!(b = new_block(n))) {
            cc_error_oom();
            return NULL;
        }
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

char *cc_arena_strndup(cc_arena *a, const char *s, size_t n)
{
    char *p = cc_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void cc_arena_reset(cc_arena *a)
{
    while (a->head) {
        cc_arena_block *b = a->head;
        a->head = b->next;
        b->next = a->spare;
        a->spare = b;
    }
}

static void free_chain(cc_arena_block *b)
{
    while (b) {
        cc_arena_block *n = b->next;
        cc_free(b);
        b = n;
    }
}

void cc_arena_free(cc_arena *a)
{
    free_chain(a->head);
    free_chain(a->spare);
    a->head = a->spare = NULL;
}
