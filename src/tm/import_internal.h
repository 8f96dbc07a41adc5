/*
 * import_internal.h — what the files of an import share. An import has four
 * jobs, one file each, and the writer that runs them:
 *   import_reader.c  the reading thread: a TMX source read into batches of
 *                    copied units, handed to the calling thread in order;
 *   import_rows.c    the row queue: new rows written with multi-row INSERTs;
 *   import_find.c    duplicate detection: what the store has for each
 *                    translation of a new unit (dupkey, the source groups);
 *   dup_policy.c     the duplicate policy, a pure function (dup_policy.h);
 *   import.c         the writer: a unit through detection and policy into
 *                    the store, and concord_tm_import_tmx();
 *   unit_put.c       concord_tm_unit_put(): one unit, by the same writer.
 */
#ifndef CC_IMPORT_INTERNAL_H
#define CC_IMPORT_INTERNAL_H

#include <string.h>

#include "tm/dup_policy.h"
#include "tm/tm_internal.h"

/* The most variants a unit may have (a larger TU is CONCORD_ELIMIT). */
#define CC_MAX_VARIANTS 1024

/* ---- import_reader.c: the reading thread ------------------------------------------ */

/*
 * Something TMX can be read from: `run` runs a TMX reader over it, calling
 * back as concord_tmx_read() does. A file is concord_tmx_read() on a path; a
 * buffer in memory or a stream needs only its own `run`.
 */
typedef struct cc_tmx_source {
    const char *name; /* named in messages and in the origin record */
    int (*run)(const struct cc_tmx_source *src, int skip_invalid, const concord_tmx_callbacks *cb);
    const void *data; /* for `run`: the path, the buffer, ... */
} cc_tmx_source;

/* A source that is the file src->name. */
int cc_tmx_source_file(const cc_tmx_source *src, int skip_invalid, const concord_tmx_callbacks *cb);

/* A source in memory: src->data is a cc_tmx_memory. */
typedef struct cc_tmx_memory {
    const char *data;
    size_t len;
} cc_tmx_memory;
int cc_tmx_source_memory(const cc_tmx_source *src, int skip_invalid,
                         const concord_tmx_callbacks *cb);

/* A source read by the caller's reader (on the reading thread): src->data is a cc_tmx_reader. */
typedef struct cc_tmx_reader {
    concord_read_fn read;
    void *ud;
} cc_tmx_reader;
int cc_tmx_source_reader(const cc_tmx_source *src, int skip_invalid,
                         const concord_tmx_callbacks *cb);

/*
 * What the reading thread works out for a unit, so that the writer (the
 * bottleneck of an import) mostly writes: the hashes and the encoded
 * variants need nothing from the store. In the batch's memory, which lives
 * until the batch's batch_end: the writer may queue a pointer into it, and
 * patches the language ids (which only the store gives) into the blob.
 */
typedef struct cc_unit_prep {
    size_t n;              /* the unit's variants */
    size_t src;            /* cc_import_source_variant() */
    const uint64_t *vhash; /* of each variant: language, text, codes (see cc_import_unit()) */
    uint64_t *pair;        /* of each target: its key with the source (cc_import_pair_key()) */
    unsigned char *blob;   /* cc_variants_encode() of every variant, the language ids 0 */
    size_t blob_len;
    const uint32_t *lang_at; /* where each variant's language id is in the blob */
    /* the unit's columns from its attributes, over all its variants (NULL: none) */
    const char *first_date, *last_date, *tool, *toolversion;
} cc_unit_prep;

/*
 * Where the calling thread takes what the reading thread read, in order.
 * header and unit return 0 or an error, which stops the reading; batch_end
 * runs after each batch (at most a few hundred units), where the queued rows
 * are written and a cancel is noticed.
 */
typedef struct cc_import_sink {
    int (*header)(const concord_tmx_header *h, void *ud);
    int (*unit)(const concord_unit *u, const cc_unit_prep *prep, void *ud); /* prep may be NULL */
    /* a unit a few places ahead of the one being handed over (for prefetching) */
    void (*ahead)(const cc_unit_prep *prep, void *ud);
    void (*event)(const concord_tmx_event *e, void *ud);
    void (*progress)(unsigned long long done, unsigned long long total, void *ud);
    int (*batch_end)(void *ud);
    void *ud;
} cc_import_sink;

/*
 * Read `src` on a second thread and hand everything to `sink` on this one.
 * Memory is bounded (a few batches exist at a time). Returns the first error
 * of the sink or else of the reader (set again on this thread).
 */
int cc_import_pipe(const cc_tmx_source *src, int skip_invalid, const cc_import_sink *sink);

/* ---- import_rows.c: the row queue -------------------------------------------------- */

/*
 * New rows of unit, extra and dupkey are queued and written with multi-row
 * INSERTs (up to CC_ROWS_PER_INSERT rows): SQLite's cost per statement (the
 * program's start and end, AUTOINCREMENT's bookkeeping, cursors) is most of
 * what a one-row insert costs. Unit ids are given by the importer (the next
 * after the highest ever given, read once per import), so that queued rows
 * can name their unit. Anything that reads or changes those tables writes
 * the queues first (cc_import_flush()), and so does the end of every batch.
 */
#define CC_ROWS_PER_INSERT 32
#define CC_INSERT_SIZES    6 /* statements for 1, 2, 4, ... CC_ROWS_PER_INSERT rows */

typedef struct cc_qval {
    int type; /* SQLITE_INTEGER, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL */
    int len;
    sqlite3_int64 i;
    const void *p; /* a copy in the queue's arena */
} cc_qval;

typedef struct cc_rowq {
    const char *head; /* "INSERT INTO t(a, b) VALUES " */
    int ncols;
    sqlite3_stmt *st[CC_INSERT_SIZES]; /* prepared on first use */
    cc_qval *vals;                     /* CC_ROWS_PER_INSERT rows of ncols values */
    size_t nrows;
    int col; /* the next column of the row being queued */
} cc_rowq;

int cc_rowq_init(cc_rowq *q, const char *head, int ncols);
void cc_rowq_free(cc_rowq *q);
/* Write the queued rows, in order, in as few statements as their count allows. */
int cc_rowq_flush(cc_rowq *q, concord_tm *tm);
/* Queue a copy of p[0..n) (in arena a) as TEXT or BLOB; NULL p queues a NULL. */
int cc_rowq_bytes(cc_rowq *q, cc_arena *a, int type, const void *p, size_t n);

/* Queue string s itself (NULL: a NULL), which must live until the queue is written. */
static inline int cc_rowq_ref_text(cc_rowq *q, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n > (size_t)INT32_MAX)
        return cc_error_set(CONCORD_ELIMIT, "a value larger than 2 GiB");
    cc_qval *v = &q->vals[q->nrows * (size_t)q->ncols + (size_t)q->col++];
    v->type = s ? SQLITE_TEXT : SQLITE_NULL;
    v->p = s;
    v->len = (int)n;
    return 0;
}

/* Queue p[0..n) itself, which must live until the queue is written (n <= INT32_MAX). */
static inline void cc_rowq_ref(cc_rowq *q, int type, const void *p, size_t n)
{
    cc_qval *v = &q->vals[q->nrows * (size_t)q->ncols + (size_t)q->col++];
    v->type = type;
    v->p = p;
    v->len = (int)n;
}

static inline const cc_qval *cc_rowq_row(const cc_rowq *q, size_t r)
{
    return &q->vals[r * (size_t)q->ncols];
}

static inline void cc_rowq_int(cc_rowq *q, sqlite3_int64 i)
{
    cc_qval *v = &q->vals[q->nrows * (size_t)q->ncols + (size_t)q->col++];
    v->type = SQLITE_INTEGER;
    v->i = i;
}

static inline int cc_rowq_text(cc_rowq *q, cc_arena *a, const char *s)
{
    return cc_rowq_bytes(q, a, SQLITE_TEXT, s, s ? strlen(s) : 0);
}

/* The row is complete: queue it, and write the queue when it is full. */
static inline int cc_rowq_end_row(cc_rowq *q, concord_tm *tm)
{
    q->col = 0;
    if (++q->nrows < CC_ROWS_PER_INSERT)
        return 0;
    return cc_rowq_flush(q, tm);
}

/* Columns of a queued unit row (see SQL_INS_UNIT in import.c) and of a dupkey row. */
enum {
    CC_QU_ID = 0,
    CC_QU_SRC_SEQ = 5,
    CC_QU_HAS_EXTRA = 9,
    CC_QU_SRC_HASH = 10,
    CC_QU_VARIANTS = 12
};

/* ---- the importer: one import, or one concord_tm_unit_put() ---------------------- */

/* A stored unit, loaded and copied (so that it survives the statement that read it). */
typedef struct cc_stored_unit {
    sqlite3_int64 id;
    size_t src_seq, n;
    int has_extra;
    cc_stored_variant *v;
    const void *blob; /* the encoded variants v points into */
    size_t blob_len;
} cc_stored_unit;

/*
 * The first unit with a source, as cc_import_source_first() found it or as
 * it was just stored: sources repeat close together (an alternative
 * translation, the same sentence in a later unit), and the lookup through
 * SQLite then costs more than the rest of the unit. Cleared whenever a
 * stored unit changes or goes, and at the start of each transaction.
 */
#define CC_SRC_CACHE 16
typedef struct cc_src_cached {
    uint64_t h;       /* source hash */
    sqlite3_int64 id; /* 0: an empty entry */
    size_t src_seq;
    int has_extra;
    int alone; /* 1: no other stored unit has the hash (0 when not known) */
    cc_buf blob;
} cc_src_cached;

typedef struct cc_importer {
    concord_tm *tm;
    concord_duplicates on_duplicate;
    concord_import_stats *st;
    const char *file; /* the source being read, or NULL */
    sqlite3_int64 origin;
    sqlite3_stmt *ins_origin, *find_src, *get_unit, *upd_unit, *del_unit, *del_extras, *get_extras,
        *get_lang, *ins_lang, *get_key, *ins_change;
    cc_rowq q_unit, q_extra; /* see CC_ROWS_PER_INSERT */
    /* dupkey rows: keys the filter knows to be new (a plain INSERT), and the
       rest (INSERT OR REPLACE, the last put wins); see put_key() in import_find.c */
    cc_rowq q_newkey, q_key;
    cc_arena qarena;       /* the queued values */
    sqlite3_int64 next_id; /* of the next unit stored */
    struct {
        char tag[64];
        sqlite3_int64 id;
    } langs[32];
    int nlangs;
    /* per unit scratch */
    cc_buf *codes; /* serialized codes of each variant */
    size_t cap;
    uint64_t *vhash; /* hash of each variant: language, text, codes */
    int64_t *vlang;
    unsigned char *keep;    /* which variants of the new unit a store or merge takes */
    cc_dup_variant *found;  /* what the store has for each (import_find.c) */
    unsigned char *act;     /* cc_dup_action of each (dup_policy.c) */
    unsigned char *removed; /* the languages a replace takes (dup_policy.c) */
    sqlite3_int64 last_id;  /* the unit the last unit's translations went into, or 0 */
    /* the first stored unit with the new unit's source (first_id 0: none) */
    int first_known;
    sqlite3_int64 first_id;
    int first_alone;  /* no other unit is stored with its source */
    int first_absent; /* the filter knew that no unit had the source's hash */
    cc_stored_unit first;
    cc_src_cached src_cache[CC_SRC_CACHE];
    unsigned src_cache_next;
    uint64_t *filter; /* see cc_import_filter_build(); NULL until then */
    cc_buf blob;
    cc_arena arena; /* copies of stored units */
    sqlite3_int64 *ids;
    size_t nids, capids;
} cc_importer;

/* import.c: prepare an importer for tm (statements, queues), and free it. */
int cc_importer_new(cc_importer **out, concord_tm *tm, concord_duplicates on_duplicate,
                    concord_import_stats *st);
void cc_importer_free(cc_importer *im);
/* The next unit id: after the highest ever given (read in the write transaction). */
int cc_importer_begin(cc_importer *im);
/* Write every queued row; then reads see them. */
int cc_import_flush(cc_importer *im);
/* One unit through detection and policy into the store. */
int cc_import_unit(cc_importer *im, const concord_unit *u);
/* The same, with what the reading thread prepared (prep may be NULL). */
int cc_import_unit_prep(cc_importer *im, const concord_unit *u, const cc_unit_prep *prep);
/* The value of attribute `name` in markup made by the reader (` a="v" b="w"`), or NULL. */
const char *cc_import_attr_value(const char *attrs, const char *name, char *buf, size_t size);
/* Keep the oldest and the newest date of attrs in first and last (64 bytes each). */
void cc_import_note_dates(const char *attrs, char *first, char *last);
#define CC_TOOL_MAX 128 /* a longer creationtool(version) is not stored in its column */
/* The variant of u that is its source: the one in srclang (or its language), else the first. */
size_t cc_import_source_variant(const concord_unit *u);
/* The hash of a variant: language, text and serialized codes. */
static inline uint64_t cc_import_variant_hash(const char *lang, const char *text, size_t text_len,
                                              const char *codes, size_t codes_len)
{
    uint64_t h = cc_hash(CC_HASH_INIT, lang, strlen(lang) + 1);
    h = cc_hash(h, text, text_len + 1);
    return cc_hash(h, codes ? codes : "", codes_len);
}
/* The dupkey key of a pair of variants with hashes x and y, the same either way round. */
static inline uint64_t cc_import_pair_key(uint64_t x, uint64_t y)
{
    uint64_t lo = x < y ? x : y, hi = x < y ? y : x;
    uint64_t h = cc_hash(CC_HASH_INIT, "P", 1);
    h = cc_hash(h, &lo, sizeof(lo));
    return cc_hash(h, &hi, sizeof(hi));
}

/* The queued row of unit id, or NULL if the unit is not queued. */
static inline const cc_qval *cc_import_queued_unit(const cc_importer *im, sqlite3_int64 id)
{
    const cc_rowq *q = &im->q_unit;
    sqlite3_int64 first = im->next_id - (sqlite3_int64)q->nrows;
    return id >= first && id < im->next_id ? cc_rowq_row(q, (size_t)(id - first)) : NULL;
}

/* ---- import_find.c: duplicate detection --------------------------------------------- */

enum { CC_WANT_PAIR, CC_WANT_LANG, CC_WANT_SOURCE };

/*
 * Find a stored unit with u's source s and (per `want`) target t or its
 * language. *found is the unit's id, or 0; with CC_WANT_PAIR, *reversed (if
 * not NULL) says whether the unit has t as its source. *su gets the unit.
 */
int cc_import_find(cc_importer *im, const concord_unit *u, size_t s, size_t t, int want,
                   uint64_t src_hash, cc_stored_unit *su, sqlite3_int64 *found, int *reversed);

/* What the store has for each translation of u (im->found[]); *source_stored: is s stored? */
int cc_import_detect(cc_importer *im, const concord_unit *u, size_t s, uint64_t src_hash,
                     int *source_stored);

/* The first stored unit with u's source, looked up once per unit (im->first_*). */
int cc_import_source_first(cc_importer *im, const concord_unit *u, size_t s);

/* The stored units with source hash h, in the order they were stored (im->ids). */
int cc_import_source_group(cc_importer *im, uint64_t h);

/* Load stored (or queued) unit `id` into *su (copied into the arena). 1 if found, 0 if not. */
int cc_import_load_unit(cc_importer *im, sqlite3_int64 id, cc_stored_unit *su);

/* Is s the source of stored unit su (CC_WANT_SOURCE), and the rest of `want`? */
int cc_import_unit_matches(const cc_importer *im, const cc_stored_unit *su, const concord_unit *u,
                           size_t s, size_t t, int want);

/* The keys of the (source, target) pairs kept of u, stored as unit `id`. */
int cc_import_put_pair_keys(cc_importer *im, const concord_unit *u, size_t s, sqlite3_int64 id);

/* The source cache (see CC_SRC_CACHE): forget everything; note a stored unit. */
void cc_import_src_cache_clear(cc_importer *im);
void cc_import_src_cache_stored(cc_importer *im, uint64_t h, sqlite3_int64 id, size_t src_seq,
                                int has_extra, int first, const void *blob, size_t blob_len);
void cc_import_src_cache_free(cc_importer *im);

/* The Bloom filter of keys and source hashes (import_find.c). */
int cc_import_filter_build(cc_importer *im);
void cc_import_filter_add(cc_importer *im, uint64_t h);
/* Start loading the filter's word of h (the next units' look-ups cost no wait). */
void cc_import_filter_prefetch(const cc_importer *im, uint64_t h);
#define CC_FILTER_AFTER 4096 /* units into an import before the filter is built */

#endif
