/*
 * hash.c — the one hash function of concord: 64-bit FNV-1a.
 *
 * Chosen for being simple, fast on the short keys we hash (words, tags,
 * segments) and byte-order independent. Some of its values are kept in TM
 * files (the keys of the word index, duplicate detection), so the function
 * must never change.
 */
#include "base/base.h"

uint64_t cc_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}
