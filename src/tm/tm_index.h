/*
 * tm_index.h — what the matcher (src/match) reads from and writes to the
 * store: units with their variants, and the blocks of its inverted index.
 * SQLite stays behind these functions (index_store.c).
 *
 * The index is kept per language (primary subtag: "en" covers en-US and
 * en-GB). Its postings are blocks of bytes the matcher encodes, filed under
 * a 64-bit key (a hash of language and term) and a block number; an update
 * appends blocks and never rewrites old ones, so a reader sees a consistent
 * index at any time. What has been indexed is recorded per language: the
 * units up to `last_unit`, and the changes (a unit that got new variants by
 * a merge) up to `last_change`.
 */
#ifndef CC_TM_INDEX_H
#define CC_TM_INDEX_H

#include <stdint.h>

#include "base/base.h"
#include "concord/tm.h"

typedef struct cc_tm_variant {
    const char *lang; /* canonical tag */
    const char *text; /* plain text, NUL-terminated */
    size_t text_len;
    size_t ncodes; /* inline codes of the variant */
} cc_tm_variant;

typedef struct cc_tm_unit {
    int64_t id;
    int64_t origin; /* the import it came from, 0 if unknown */
    size_t src;     /* which variant is the source */
    size_t n;
    cc_tm_variant *v;
    uint64_t src_hash; /* the source's hash (language, text, codes), as import keys it */
    const char *tuid;  /* or NULL */
    const char *file;  /* the TMX file of the origin, or NULL */
    const char *tool;  /* creationtool of the unit or its file, or NULL */
    const char *date;  /* the newest date of the unit and its variants, or NULL */
} cc_tm_unit;

/*
 * Read unit `id`, its strings copied into arena a. Returns 1, 0 when there
 * is no such unit (any more), or an error.
 */
int cc_tm_unit_read(concord_tm *tm, int64_t id, cc_arena *a, cc_tm_unit *u);

/*
 * Call fn for each unit with an id in (after, upto] (upto 0: no bound), in
 * id order; the unit and its strings live until fn returns. fn returns 0 to
 * go on, nonzero to stop (that value is returned).
 */
int cc_tm_units_scan(concord_tm *tm, int64_t after, int64_t upto,
                     int (*fn)(const cc_tm_unit *u, void *ud), void *ud);

/* The ids of the units whose source hash is h (at most max; *n gets the count). */
int cc_tm_units_with_source(concord_tm *tm, uint64_t h, int64_t *ids, size_t max, size_t *n);

/* Is there any variant whose language's primary subtag is `lang`? */
int cc_tm_has_language(concord_tm *tm, const char *lang);

typedef struct cc_tm_index_state {
    int64_t last_unit;   /* units up to here are indexed */
    int64_t last_change; /* changes up to here are indexed */
    int64_t next_block;  /* the number of the next block to write */
    int64_t max_unit;    /* the highest unit id in the TM now */
    int64_t max_change;  /* the highest change number in the TM now */
} cc_tm_index_state;

/*
 * Read the state of the index of `lang` (all zero when it was never built)
 * and the current highest unit and change, in one read transaction that
 * stays open until cc_tm_read_end() (lookups then see one snapshot).
 */
int cc_tm_read_begin(concord_tm *tm, const char *lang, cc_tm_index_state *st);
void cc_tm_read_end(concord_tm *tm);

/*
 * Start an update of the index of `lang`: a write transaction (which waits
 * for an import that holds the TM for at most `wait_ms`, then gives up with
 * CONCORD_EIO and the TM untouched), and the state as in cc_tm_read_begin.
 */
int cc_tm_index_begin(concord_tm *tm, const char *lang, int wait_ms, cc_tm_index_state *st);

/* The units changed by changes in (after, upto], each once, in id order, up to `upto_unit`. */
int cc_tm_changed_units(concord_tm *tm, int64_t after, int64_t upto, int64_t upto_unit,
                        int (*fn)(const cc_tm_unit *u, void *ud), void *ud);

/* Store one block of postings (n entries) under key. */
int cc_tm_index_put(concord_tm *tm, uint64_t key, int64_t block, uint64_t n, const void *data,
                    size_t len);

/* Record the new state and commit; on failure everything of the update is undone. */
int cc_tm_index_commit(concord_tm *tm, const char *lang, const cc_tm_index_state *st);
void cc_tm_index_rollback(concord_tm *tm);

/* The number of postings entries under key (the term's frequency). */
int cc_tm_postings_count(concord_tm *tm, uint64_t key, uint64_t *n);

/* Call fn with each block under key, in block order. */
int cc_tm_postings_read(concord_tm *tm, uint64_t key,
                        int (*fn)(const void *data, size_t len, void *ud), void *ud);

/* The size of the index on disk, in bytes (the posting table), or 0 if unknown. */
uint64_t cc_tm_index_bytes(concord_tm *tm);

#endif
