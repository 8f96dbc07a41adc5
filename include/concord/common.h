/*
 * concord/common.h — what every part of libconcord shares: the version, the
 * error convention, the allocation hook and the export macro.
 *
 * Conventions of the whole API (see docs/api.md):
 *  - Functions return 0 on success or a negative CONCORD_E... code. The
 *    message and the position it concerns are then in concord_error_last().
 *  - Objects are opaque handles made by a _new/_open function and released by
 *    the matching _free/_close, which accept NULL.
 *  - Whatever a function hands back comes first in its parameters: the **out
 *    of a new object or array, the counts that go with it, a struct it fills.
 *  - Option structs, and structs the caller allocates for the library to fill
 *    or to call back (import and glossary statistics, TMX callbacks), start
 *    with `unsigned int version`, set by their _INIT macro. A library accepts
 *    every version from 1 to its own: a program built against older headers
 *    keeps working, and the library reads or fills only the fields that
 *    version has. A version of 0 or above the library's is CONCORD_EINVAL.
 *  - Text is UTF-8, passed as (const char *text, size_t len); offsets are byte
 *    offsets into the caller's text, end exclusive.
 *  - A handle is used by one thread at a time; different handles may be used
 *    from different threads. The last error is kept per thread.
 */
#ifndef CONCORD_COMMON_H
#define CONCORD_COMMON_H

#include <stddef.h>

#include "concord/version.h"

#if defined(_WIN32) && defined(CONCORD_BUILDING)
#define CONCORD_API __declspec(dllexport)
#elif defined(__GNUC__)
#define CONCORD_API __attribute__((visibility("default")))
#else
#define CONCORD_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Error codes. Their values are fixed forever; new codes get new values.
 */
typedef enum concord_error_code {
    CONCORD_OK = 0,
    CONCORD_ERROR = -1,        /* an error that fits no other code */
    CONCORD_ENOMEM = -2,       /* out of memory (the allocation hook said no) */
    CONCORD_EINVAL = -3,       /* an argument or option value is not valid */
    CONCORD_EENCODING = -4,    /* text is not valid UTF-8 or contains a NUL byte */
    CONCORD_EPARSE = -5,       /* a file is malformed (XML, SRX, ...) */
    CONCORD_EIO = -6,          /* a file could not be opened, read or written */
    CONCORD_ELIMIT = -7,       /* a documented size limit was exceeded */
    CONCORD_EUNSUPPORTED = -8, /* valid input that this version does not handle */
    CONCORD_EUSER = -9         /* a caller's callback returned nonzero */
} concord_error_code;

/*
 * The last error of the calling thread. Positions are filled where the error
 * concerns a place in a text or file and are zero otherwise.
 */
typedef struct concord_error {
    int code;             /* a concord_error_code */
    const char *message;  /* one line, no trailing newline, never NULL */
    const char *file;     /* file the error is about, or NULL (e.g. for memory) */
    unsigned long line;   /* 1-based line, 0 if unknown */
    unsigned long column; /* 1-based column in Unicode code points, 0 if unknown */
    size_t offset;        /* byte offset of the position; valid only if line > 0 */
} concord_error;

/*
 * The last error set on this thread by a concord function that failed.
 * Never NULL: without an error, code is CONCORD_OK and message is "".
 * The pointer is borrowed and stays valid until the next concord call that
 * fails on this thread, or concord_error_clear().
 */
CONCORD_API const concord_error *concord_error_last(void);

/* Forget the last error of this thread. */
CONCORD_API void concord_error_clear(void);

/* A short English name for an error code, such as "CONCORD_EPARSE". */
CONCORD_API const char *concord_error_name(int code);

/*
 * A source of bytes for the functions that read a text in pieces
 * (concord_segmenter_run_reader(), concord_matcher_analyze_reader()): put up
 * to `cap` bytes into buf and their number into *len; *len = 0 means the
 * end. Return 0, or nonzero to stop (the function then returns
 * CONCORD_EUSER; the reader keeps its own account of why).
 */
typedef int (*concord_read_fn)(char *buf, size_t *len, size_t cap, void *ud);

/*
 * A sink for the functions that write a file in pieces (TMX export,
 * glossary export): it receives data[0..len) in order and returns 0 to go
 * on, or nonzero to stop (the function then returns CONCORD_EUSER).
 */
typedef int (*concord_write_fn)(const char *data, size_t len, void *ud);

/*
 * The allocation hook. Every allocation libconcord itself makes goes through
 * these three functions (those made inside ICU and libxml2 do not).
 *  - malloc_fn(size, ud) returns NULL on failure; size is never 0.
 *  - realloc_fn(ptr, size, ud) behaves as realloc(); ptr may be NULL.
 *  - free_fn(ptr, ud) accepts NULL.
 * Set the hook before creating any concord object and do not change it while
 * objects exist: memory must be freed by the hook that allocated it. The
 * functions must be thread-safe: an import parses on a second thread.
 */
typedef struct concord_allocator {
    void *(*malloc_fn)(size_t size, void *ud);
    void *(*realloc_fn)(void *ptr, size_t size, void *ud);
    void (*free_fn)(void *ptr, void *ud);
    void *ud;
} concord_allocator;

/* Install a hook (copied), or restore malloc/realloc/free with NULL. */
CONCORD_API void concord_allocator_set(const concord_allocator *allocator);

/* Release memory that a concord function returned to the caller. NULL is a no-op. */
CONCORD_API void concord_free(void *ptr);

/* The version of the library linked at run time (CONCORD_VERSION_NUMBER form). */
CONCORD_API int concord_version_number(void);

/* The version as a string, e.g. "0.1.0"; static storage. */
CONCORD_API const char *concord_version_string(void);

#ifdef __cplusplus
}
#endif

#endif
