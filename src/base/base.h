/*
 * base.h — errors, the allocation hook, growable buffers and file reading:
 * the internal foundation every other module uses.
 */
#ifndef CC_BASE_H
#define CC_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "concord/common.h"

#if defined(__GNUC__)
#define CC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CC_PRINTF(f, a)
#endif

#define CC_UNUSED(x)    ((void)(x))
#define CC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Check the version of a caller's options or result struct (concord/common.h:
 * every version from 1 to the library's own is accepted). 0, or CONCORD_EINVAL
 * naming `what`.
 */
int cc_version_check(unsigned int version, unsigned int current, const char *what);

/* --- errors (error.c) --- */

/* Set the thread's error (no position) and return `code`. */
int cc_error_set(int code, const char *fmt, ...) CC_PRINTF(2, 3);

/* Set the thread's error with a position and return `code`. file may be NULL. */
int cc_error_set_at(int code, const char *file, unsigned long line, unsigned long column,
                    size_t offset, const char *fmt, ...) CC_PRINTF(6, 7);

/* As cc_error_set_at(), for functions that take their own format and arguments. */
int cc_error_vset_at(int code, const char *file, unsigned long line, unsigned long column,
                     size_t offset, const char *fmt, va_list ap) CC_PRINTF(6, 0);

/* Record CONCORD_ENOMEM and return it. */
int cc_error_oom(void);

/* Name the file the current error is about, if it names none yet. */
void cc_error_set_file(const char *file);

/*
 * A copy of the thread's last error, for a caller whose callback failed
 * inside a function that then reports its own error (CONCORD_EUSER): save
 * it in the callback, restore it after. cc_error_restore() returns its code.
 */
typedef struct cc_error_copy {
    int code;
    char message[1024], file[1024];
    int has_file;
    unsigned long line, column;
    size_t offset;
} cc_error_copy;

void cc_error_save(cc_error_copy *c);
int cc_error_restore(const cc_error_copy *c);

/* --- allocation (alloc.c), through the hook of concord_allocator_set() --- */

void *cc_malloc(size_t size);
void *cc_calloc(size_t n, size_t size);
void *cc_realloc(void *ptr, size_t size);
void cc_free(void *ptr);
char *cc_strdup(const char *s);
char *cc_strndup(const char *s, size_t n);
/*
 * Make the array *p (of *cap elements of `size` bytes) hold at least `need`
 * elements, doubling its capacity as needed. 0, or CONCORD_ENOMEM with *p
 * and *cap unchanged.
 */
int cc_grow(void **p, size_t *cap, size_t need, size_t size);

/* --- growable byte buffer (buf.c); data is always NUL-terminated when cap > 0 --- */

typedef struct cc_buf {
    char *data;
    size_t len;
    size_t cap;
} cc_buf;

#define CC_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

int cc_buf_reserve(cc_buf *b, size_t extra);
int cc_buf_append(cc_buf *b, const void *data, size_t n);
int cc_buf_puts(cc_buf *b, const char *s);
int cc_buf_putc(cc_buf *b, char c);
int cc_buf_printf(cc_buf *b, const char *fmt, ...) CC_PRINTF(2, 3);
/* Hand the buffer's memory to the caller (NUL-terminated, may be NULL if empty). */
/*
 * Append s[0..n) escaped for XML: & < > always, CR as &#13; (a raw CR would
 * be normalized away by the next reader), and in an attribute value (with
 * `attribute`) also " TAB LF.
 */
int cc_buf_xml_escape(cc_buf *b, const char *s, size_t n, int attribute);
char *cc_buf_detach(cc_buf *b);
void cc_buf_clear(cc_buf *b);
void cc_buf_free(cc_buf *b);

/* --- arena (arena.c): many small strings freed at once; pointers never move --- */

typedef struct cc_arena_block cc_arena_block;

typedef struct cc_arena {
    cc_arena_block *head;  /* current block */
    cc_arena_block *spare; /* blocks kept by cc_arena_reset for reuse */
} cc_arena;

#define CC_ARENA_INIT                                                                              \
    {                                                                                              \
        NULL, NULL                                                                                 \
    }

/* n bytes aligned for any type, or NULL (error set) */
void *cc_arena_alloc(cc_arena *a, size_t n);
/* a NUL-terminated copy of s[0..n), or NULL (error set) */
char *cc_arena_strndup(cc_arena *a, const char *s, size_t n);
/* forget every allocation, keep the memory for reuse */
void cc_arena_reset(cc_arena *a);
void cc_arena_free(cc_arena *a);

/* --- hashing: the one hash function of concord, 64-bit FNV-1a (inline: keys are short) --- */

/*
 * 64-bit FNV-1a over data[0..n), continuing from h: start with CC_HASH_INIT
 * and feed the parts of a key one after another. Values are stored in TM
 * files: the function never changes.
 *
 *     uint64_t h = cc_hash(CC_HASH_INIT, lang, strlen(lang) + 1);
 *     h = cc_hash(h, text, len);
 */
#define CC_HASH_INIT 14695981039346656037ULL
static inline uint64_t cc_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* --- files (file.c) --- */

/*
 * Read a whole file. *out (NUL-terminated, allocated with cc_malloc) and *len
 * belong to the caller. Returns 0 or CONCORD_EIO / CONCORD_ENOMEM.
 */
int cc_file_read(const char *path, char **out, size_t *len);

/* Append the rest of f (opened from path, for messages) to out; 0, CONCORD_EIO or ENOMEM. */
int cc_file_read_rest(FILE *f, const char *path, cc_buf *out);

#endif
