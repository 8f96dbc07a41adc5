/*
 * alloc.c — the one allocation hook (concord_allocator_set) and the cc_
 * wrappers every module allocates through, so that out-of-memory paths can
 * be exercised by a test that makes the n-th allocation fail.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static void *std_malloc(size_t size, void *ud)
{
    CC_UNUSED(ud);
    return malloc(size);
}

static void *std_realloc(void *ptr, size_t size, void *ud)
{
    CC_UNUSED(ud);
    return realloc(ptr, size);
}

static void std_free(void *ptr, void *ud)
{
    CC_UNUSED(ud);
    free(ptr);
}

static concord_allocator g_alloc = {std_malloc, std_realloc, std_free, NULL};

void concord_allocator_set(const concord_allocator *allocator)
{
    if (allocator) {
        g_alloc = *allocator;
    } else {
        g_alloc.malloc_fn = std_malloc;
        g_alloc.realloc_fn = std_realloc;
        g_alloc.free_fn = std_free;
        g_alloc.ud = NULL;
    }
}

void *cc_malloc(size_t size)
{
    return g_alloc.malloc_fn(size ? size : 1, g_alloc.ud);
}

void *cc_calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        return NULL;
    void *p = cc_malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *cc_realloc(void *ptr, size_t size)
{
    return g_alloc.realloc_fn(ptr, size ? size : 1, g_alloc.ud);
}

void cc_free(void *ptr)
{
    if (ptr)
        g_alloc.free_fn(ptr, g_alloc.ud);
}

void concord_free(void *ptr)
{
    cc_free(ptr);
}

char *cc_strndup(const char *s, size_t n)
{
    char *p = cc_malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *cc_strdup(const char *s)
{
    return cc_strndup(s, strlen(s));
}

int cc_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n = n > (size_t)-1 / 2 ? need : n * 2;
    if (size && n > (size_t)-1 / size)
        return cc_error_oom();
    void *q = cc_realloc(*p, n * size);
    if (!q)
        return cc_error_oom();
    *p = q;
    *cap = n;
    return 0;
}
