/*
 * failalloc.h — the allocation hook of the tests: it counts allocations and
 * frees and makes the n-th allocation fail, so that a test can run an
 * operation once for every allocation it makes and check that each failure
 * is reported as CONCORD_ENOMEM and leaks nothing (the ASan build counts
 * leaks). Thread-safe: an import allocates on its reader thread too.
 *
 *     for (long k = 1;; k++) {
 *         failalloc_install(k);
 *         int rc = operation();
 *         failalloc_remove();
 *         ... rc is 0 or CONCORD_ENOMEM ...
 *         if (rc == 0 && failalloc_allocs() < k)
 *             break; (no allocation failed: every one was tried)
 *     }
 *
 * Include once, from the test's .c file.
 */
#ifndef CONCORD_TEST_FAILALLOC_H
#define CONCORD_TEST_FAILALLOC_H

#include <pthread.h>
#include <stdlib.h>

#include "concord/common.h"

static pthread_mutex_t failalloc_mu = PTHREAD_MUTEX_INITIALIZER;
static long failalloc_n, failalloc_freed, failalloc_fail_at;

/* Count one allocation; is it the one to fail? */
static inline int failalloc_next(void)
{
    pthread_mutex_lock(&failalloc_mu);
    int fail = ++failalloc_n == failalloc_fail_at;
    pthread_mutex_unlock(&failalloc_mu);
    return fail;
}

static inline void *failalloc_malloc(size_t n, void *ud)
{
    (void)ud;
    return failalloc_next() ? NULL : malloc(n);
}

static inline void *failalloc_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    return failalloc_next() ? NULL : realloc(p, n);
}

static inline void failalloc_free(void *p, void *ud)
{
    (void)ud;
    if (p) {
        pthread_mutex_lock(&failalloc_mu);
        failalloc_freed++;
        pthread_mutex_unlock(&failalloc_mu);
    }
    free(p);
}

/* Install the hook with fresh counts; the fail_at-th allocation (1-based) fails, 0: none. */
static inline void failalloc_install(long fail_at)
{
    failalloc_n = failalloc_freed = 0;
    failalloc_fail_at = fail_at;
    concord_allocator a = {failalloc_malloc, failalloc_realloc, failalloc_free, NULL};
    concord_allocator_set(&a);
}

/* Back to malloc and free. */
static inline void failalloc_remove(void)
{
    concord_allocator_set(NULL);
}

/* Allocations tried since failalloc_install(), the failing one included. */
static inline long failalloc_allocs(void)
{
    pthread_mutex_lock(&failalloc_mu);
    long n = failalloc_n;
    pthread_mutex_unlock(&failalloc_mu);
    return n;
}

/* Non-NULL pointers freed since failalloc_install(). */
static inline long failalloc_frees(void)
{
    pthread_mutex_lock(&failalloc_mu);
    long n = failalloc_freed;
    pthread_mutex_unlock(&failalloc_mu);
    return n;
}

#endif
