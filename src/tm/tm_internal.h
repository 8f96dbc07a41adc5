/*
 * tm_internal.h — what the files of the translation-memory module share:
 * the inline-code serialization (codes.c), XML escaping, the TMX reader
 * (tmx_read.c), the store (store.c), import (import*.c, dup_policy.c, see
 * import_internal.h), one unit (unit_put.c) and export (export.c). Only
 * this module includes SQLite.
 */
#ifndef CC_TM_INTERNAL_H
#define CC_TM_INTERNAL_H

#include <sqlite3.h>

#include "base/base.h"
#include "concord/tm.h"

/* ---- codes.c ---- */

/*
 * Codes as stored in the database: per code, a kind letter, the decimal
 * offset, US (0x1F), the attributes markup, US, the content markup, RS
 * (0x1E). XML forbids both separators in documents, so no escaping is needed.
 */
int cc_codes_serialize(const concord_code *codes, size_t n, cc_buf *out);
/* Parse stored codes into the arena. */
int cc_codes_parse(const char *s, size_t len, cc_arena *a, concord_code **out, size_t *n);

/*
 * The variants of a unit as stored (unit.variants): a count, then per
 * variant its language id, text, serialized codes and <tuv> attributes,
 * each length-prefixed (4 bytes, little-endian).
 */
typedef struct cc_stored_variant {
    int64_t lang;
    const char *text, *codes, *attrs; /* not NUL-terminated: use the lengths */
    size_t text_len, codes_len, attrs_len;
} cc_stored_variant;

int cc_variants_encode(cc_buf *out, const int64_t *langs, const concord_variant *v, size_t n,
                       const cc_buf *codes);
/* The same from stored variants (to rewrite a unit). */
int cc_variants_encode_stored(cc_buf *out, const cc_stored_variant *v, size_t n);

/* The number of variants a blob says it holds (0 for a corrupt blob). */
size_t cc_variants_count(const void *blob, size_t len);

/*
 * Decode into out[0..max) (pointers into blob); *n gets the count. Returns 0,
 * or CONCORD_ERROR for a corrupt blob or more than max variants.
 */
int cc_variants_decode(const void *blob, size_t len, cc_stored_variant *out, size_t max, size_t *n);

/* ---- store.c ---- */

struct cc_importer;

struct concord_tm {
    sqlite3 *db;
    char *path;
    int readonly;             /* opened with CONCORD_TM_READONLY */
    const char *cannot_write; /* why this process cannot write the TM (static text), or NULL */
    int checked;              /* PRAGMA quick_check passed (see cc_tm_check()) */
    struct cc_importer *put;  /* unit_put.c: the writer of concord_tm_unit_put(), kept */
    /* index_store.c: statements prepared on first use, and the language tags by id */
    sqlite3_stmt *q_unit, *q_scan, *q_src, *q_pcount, *q_pread, *q_pput;
    char **tags;
    size_t ntags;
};

/* Free what index_store.c keeps in the handle. */
void cc_tm_index_free(concord_tm *tm);
/* Free what unit_put.c keeps in the handle. */
void cc_tm_put_free(concord_tm *tm);

/* The current schema version (PRAGMA user_version). */
#define CC_TM_SCHEMA_VERSION 2

/*
 * May this handle write the TM? 0, CONCORD_EINVAL (opened read-only) or
 * CONCORD_EIO ("the TM file is read-only", with the file and the reason).
 */
int cc_tm_writable(concord_tm *tm);

/*
 * SQLite's quick check, once per handle, before its first write: a damaged
 * TM is refused with CONCORD_ERROR before anything is written to it.
 */
int cc_tm_check(concord_tm *tm);

/* Report a SQLite failure as CONCORD_ERROR (or CONCORD_ENOMEM) with its message. */
int cc_tm_db_error(concord_tm *tm, int sqlite_rc, const char *what);

/* Prepare a statement (errors reported). */
int cc_tm_prepare(concord_tm *tm, sqlite3_stmt **st, const char *sql);

/* Run SQL without results. */
int cc_tm_exec(concord_tm *tm, const char *sql);

#endif
