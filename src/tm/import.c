/*
 * import.c — TMX into the store, in one transaction.
 *
 * Two threads: one reads the TMX (parsing is about as much work as storing)
 * and copies each unit into a batch; the calling thread takes the batches
 * and writes them to SQLite. At most three batches exist at a time, so
 * memory stays bounded whatever the size of the file. Every callback of the
 * caller runs on the calling thread.
 *
 * Duplicates are judged per target variant. For a new unit with source S,
 * each target T is either already stored with S (dropped: an identical pair
 * is never stored twice), another translation in a language S already has
 * (a conflict: kept, skipped or replacing, per the policy), or new. New
 * targets of a known source join a stored unit with that source. Lookups go
 * through the dupkey table — hashes of (S, T) and (S, language of T), each
 * pointing at a unit that had it — and every hit is confirmed by comparing
 * the stored texts, so neither a collision nor a stale key can drop a unit.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/unicode.h"
#include "tm/tm_internal.h"

#define BATCH_UNITS  512
#define BATCH_BYTES  (4u << 20)
#define NBATCHES     3
#define MAX_VARIANTS 1024

/* ---- batches: what the reading thread hands over ------------------------------ */

enum item_kind { ITEM_HEADER, ITEM_UNIT, ITEM_EVENT, ITEM_PROGRESS };

typedef struct item {
    int kind;
    union {
        concord_tmx_header header;
        concord_unit unit;
        concord_tmx_event event;
        struct {
            unsigned long long done, total;
        } progress;
    } u;
} item;

typedef struct batch {
    cc_arena arena;
    item *items;
    size_t n, cap;
    size_t bytes;
    struct batch *next;
} batch;

typedef struct pipe_state {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch *full_head, *full_tail; /* ready for the writer, in order */
    batch *free_list;
    int done;          /* the reader has finished (rc set) */
    int stop;          /* the writer wants the reader to stop */
    int rc;            /* the reader's result */
    concord_error err; /* the reader's error, copied from its thread */
    char err_msg[1024], err_file[1024];
    /* reader side */
    const char *path;
    int skip_invalid;
    batch *cur;
    int oom;
} pipe_state;

static char *dup_str(batch *b, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    b->bytes += n + 1;
    return cc_arena_strndup(&b->arena, s, n);
}

#define DUP(b, dst, src)                                                                           \
    do {                                                                                           \
        if ((src) && !((dst) = dup_str((b), (src))))                                               \
            return -1;                                                                             \
    } while (0)

static item *new_item(batch *b, int kind)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        item *p = cc_realloc(b->items, cap * sizeof(*p));
        if (!p)
            return NULL;
        b->items = p;
        b->cap = cap;
    }
    item *it = &b->items[b->n++];
    memset(it, 0, sizeof(*it));
    it->kind = kind;
    return it;
}

static int copy_props(batch *b, const concord_prop *in, size_t n, const concord_prop **out)
{
    *out = NULL;
    if (!n)
        return 0;
    concord_prop *p = cc_arena_alloc(&b->arena, n * sizeof(*p));
    if (!p)
        return -1;
    for (size_t i = 0; i < n; i++) {
        p[i].type = p[i].attrs = p[i].value = NULL;
        DUP(b, p[i].type, in[i].type);
        DUP(b, p[i].attrs, in[i].attrs);
        DUP(b, p[i].value, in[i].value);
    }
    *out = p;
    return 0;
}

/* Deep copy of a unit into the batch arena. */
static int copy_unit(batch *b, const concord_unit *in, concord_unit *out)
{
    *out = *in;
    out->tuid = out->srclang = out->attrs = NULL;
    DUP(b, out->tuid, in->tuid);
    DUP(b, out->srclang, in->srclang);
    DUP(b, out->attrs, in->attrs);
    if (copy_props(b, in->props, in->nprops, &out->props) < 0)
        return -1;
    concord_variant *v = cc_arena_alloc(&b->arena, in->nvariants * sizeof(*v));
    if (!v)
        return -1;
    for (size_t i = 0; i < in->nvariants; i++) {
        const concord_variant *s = &in->variants[i];
        v[i] = *s;
        v[i].lang = v[i].attrs = NULL;
        DUP(b, v[i].lang, s->lang);
        DUP(b, v[i].attrs, s->attrs);
        char *text = cc_arena_strndup(&b->arena, s->text, s->text_len);
        if (!text)
            return -1;
        v[i].text = text;
        b->bytes += s->text_len;
        if (s->ncodes) {
            concord_code *c = cc_arena_alloc(&b->arena, s->ncodes * sizeof(*c));
            if (!c)
                return -1;
            for (size_t k = 0; k < s->ncodes; k++) {
                c[k] = s->codes[k];
                c[k].attrs = c[k].content = NULL;
                DUP(b, c[k].attrs, s->codes[k].attrs);
                DUP(b, c[k].content, s->codes[k].content);
            }
            v[i].codes = c;
        }
        if (copy_props(b, s->props, s->nprops, &v[i].props) < 0)
            return -1;
    }
    out->variants = v;
    return 0;
}

/* Reader side: get the batch to fill (waiting for a free one). */
static batch *reader_batch(pipe_state *ps)
{
    if (ps->cur)
        return ps->cur;
    pthread_mutex_lock(&ps->mu);
    while (!ps->free_list && !ps->stop)
        pthread_cond_wait(&ps->cv, &ps->mu);
    batch *b = ps->stop ? NULL : ps->free_list;
    if (b)
        ps->free_list = b->next;
    pthread_mutex_unlock(&ps->mu);
    if (b) {
        cc_arena_reset(&b->arena);
        b->n = 0;
        b->bytes = 0;
        b->next = NULL;
    }
    ps->cur = b;
    return b;
}

/* Reader side: hand the current batch over. */
static void reader_flush(pipe_state *ps)
{
    batch *b = ps->cur;
    if (!b)
        return;
    ps->cur = NULL;
    pthread_mutex_lock(&ps->mu);
    if (ps->full_tail)
        ps->full_tail->next = b;
    else
        ps->full_head = b;
    ps->full_tail = b;
    pthread_cond_broadcast(&ps->cv);
    pthread_mutex_unlock(&ps->mu);
}

static int r_header(const concord_tmx_header *h, void *ud)
{
    pipe_state *ps = ud;
    batch *b = reader_batch(ps);
    if (!b)
        return 1;
    item *it = new_item(b, ITEM_HEADER);
    if (!it)
        goto oom;
    concord_tmx_header *c = &it->u.header;
    *c = *h;
#define DUPH(f)                                                                                    \
    if (h->f && !(c->f = dup_str(b, h->f)))                                                        \
    goto oom
    DUPH(version);
    DUPH(creationtool);
    DUPH(creationtoolversion);
    DUPH(o_tmf);
    DUPH(datatype);
    DUPH(segtype);
    DUPH(adminlang);
    DUPH(srclang);
    DUPH(attrs);
#undef DUPH
    return 0;
oom:
    /* drop the half-copied item: its pointers still point into the reader's memory */
    if (it)
        b->n--;
    ps->oom = 1;
    return 1;
}

static int r_unit(const concord_unit *u, void *ud)
{
    pipe_state *ps = ud;
    batch *b = reader_batch(ps);
    if (!b)
        return 1;
    item *it = new_item(b, ITEM_UNIT);
    if (!it || copy_unit(b, u, &it->u.unit) < 0) {
        if (it)
            b->n--; /* half copied: never hand it over */
        ps->oom = 1;
        return 1;
    }
    if (b->n >= BATCH_UNITS || b->bytes >= BATCH_BYTES)
        reader_flush(ps);
    return 0;
}

static void r_event(const concord_tmx_event *e, void *ud)
{
    pipe_state *ps = ud;
    batch *b = reader_batch(ps);
    if (!b)
        return;
    item *it = new_item(b, ITEM_EVENT);
    if (!it) {
        ps->oom = 1;
        return;
    }
    it->u.event = *e;
    it->u.event.file = dup_str(b, e->file);
    it->u.event.message = dup_str(b, e->message);
    if (!it->u.event.file || !it->u.event.message)
        b->n--; /* out of memory: the event is lost, the unit counts stay right */
}

static void r_progress(unsigned long long done, unsigned long long total, void *ud)
{
    pipe_state *ps = ud;
    batch *b = reader_batch(ps);
    if (!b)
        return;
    item *it = new_item(b, ITEM_PROGRESS);
    if (!it)
        return;
    it->u.progress.done = done;
    it->u.progress.total = total;
}

static void *reader_main(void *arg)
{
    pipe_state *ps = arg;
    concord_tmx_callbacks cb = {
        CONCORD_TMX_CALLBACKS_VERSION, r_header, r_unit, r_event, r_progress, ps};
    int rc = concord_tmx_read(ps->path, ps->skip_invalid, &cb);
    if (ps->oom)
        rc = cc_error_oom();
    reader_flush(ps);
    pthread_mutex_lock(&ps->mu);
    ps->rc = rc;
    if (rc < 0) {
        /* the error lives in this thread's storage: copy it for the writer */
        const concord_error *e = concord_error_last();
        ps->err = *e;
        snprintf(ps->err_msg, sizeof(ps->err_msg), "%s", e->message);
        snprintf(ps->err_file, sizeof(ps->err_file), "%s", e->file ? e->file : "");
    }
    ps->done = 1;
    pthread_cond_broadcast(&ps->cv);
    pthread_mutex_unlock(&ps->mu);
    return NULL;
}

/* ---- the writer ------------------------------------------------------------------ */

/* A stored unit, loaded and copied (so that it survives the statement that read it). */
typedef struct stored_unit {
    sqlite3_int64 id;
    size_t src_seq, n;
    int has_extra;
    cc_stored_variant *v;
} stored_unit;

/*
 * New rows of unit, extra and dupkey are queued and written with multi-row
 * INSERTs (up to ROWS_PER_INSERT rows): SQLite's cost per statement (the
 * program's start and end, AUTOINCREMENT's bookkeeping, cursors) is most of
 * what a one-row insert costs. Unit ids are given here (the next after the
 * highest ever given, read once per import), so that queued rows can name
 * their unit. Anything that reads or changes those tables flushes the queues
 * first (flush_rows()), and so does the end of every batch.
 */
#define ROWS_PER_INSERT 32
#define INSERT_SIZES    6 /* statements for 1, 2, 4, ... ROWS_PER_INSERT rows */

typedef struct qval {
    int type; /* SQLITE_INTEGER, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL */
    int len;
    sqlite3_int64 i;
    const void *p; /* a copy in the importer's qarena */
} qval;

typedef struct rowq {
    const char *head; /* "INSERT INTO t(a, b) VALUES " */
    int ncols;
    sqlite3_stmt *st[INSERT_SIZES]; /* prepared on first use */
    qval *vals;                     /* ROWS_PER_INSERT rows of ncols values */
    size_t nrows;
    int col; /* the next column of the row being queued */
} rowq;

typedef struct importer {
    concord_tm *tm;
    const concord_import_options *opts;
    concord_import_stats *st;
    const char *file;
    sqlite3_int64 origin;
    sqlite3_stmt *ins_origin, *find_src, *get_unit, *upd_unit, *del_unit, *del_extras, *get_extras,
        *get_lang, *ins_lang, *get_key, *ins_change;
    rowq q_unit, q_extra, q_key; /* see ROWS_PER_INSERT */
    cc_arena qarena;             /* the queued values */
    sqlite3_int64 next_id;       /* of the next unit stored */
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
    unsigned char *keep; /* which variants of the new unit are still to be stored */
    /* the first stored unit with the new unit's source (first_id 0: none) */
    int first_known;
    sqlite3_int64 first_id;
    int first_alone; /* no other unit is stored with its source */
    stored_unit first;
    uint64_t *filter; /* see filter_build(); NULL until then */
    cc_buf blob;
    cc_arena arena; /* copies of stored units */
    sqlite3_int64 *ids;
    size_t nids, capids;
} importer;

static const char *SQL_INS_ORIGIN =
    "INSERT INTO origin(file, imported_at, tmx_version, creationtool, creationtoolversion, "
    "o_tmf, datatype, segtype, adminlang, srclang, header) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
static const char *SQL_INS_UNIT =
    "INSERT OR FAIL INTO unit(id, origin, tuid, srclang, src_lang, src_seq, first_date, last_date, "
    "attrs, "
    "has_extra, src_hash, nvariants, variants, tool, toolversion) VALUES ";
static const char *SQL_INS_EXTRA =
    "INSERT OR FAIL INTO extra(unit, vseq, seq, type, attrs, value) VALUES ";
static const char *SQL_PUT_KEY = "INSERT OR REPLACE INTO dupkey(key, unit) VALUES ";
/* the highest unit id ever given (AUTOINCREMENT keeps it in sqlite_sequence) */
static const char *SQL_LAST_ID =
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'unit'), 0), "
    "coalesce((SELECT max(id) FROM unit), 0))";
static const char *SQL_FIND_SRC =
    "SELECT id, src_seq, has_extra, variants FROM unit WHERE src_hash = ? ORDER BY id";
static const char *SQL_GET_UNIT = "SELECT src_seq, has_extra, variants FROM unit WHERE id = ?";
static const char *SQL_UPD_UNIT =
    "UPDATE unit SET src_seq = ?, has_extra = ?, nvariants = ?, variants = ? WHERE id = ?";
static const char *SQL_DEL_UNIT = "DELETE FROM unit WHERE id = ?";
static const char *SQL_DEL_EXTRAS = "DELETE FROM extra WHERE unit = ?";
static const char *SQL_GET_EXTRAS =
    "SELECT vseq, seq, type, attrs, value FROM extra WHERE unit = ? ORDER BY vseq, seq";
static const char *SQL_GET_LANG = "SELECT id FROM lang WHERE tag = ?";
static const char *SQL_INS_LANG = "INSERT INTO lang(tag) VALUES (?)";
static const char *SQL_GET_KEY = "SELECT unit FROM dupkey WHERE key = ?";
static const char *SQL_INS_CHANGE = "INSERT INTO change(unit) VALUES (?)";

static int step_done(importer *im, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return cc_tm_db_error(im->tm, rc, "writing the TM");
    return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* ---- queued rows (see ROWS_PER_INSERT) ---- */

static int rowq_init(rowq *q, const char *head, int ncols)
{
    q->head = head;
    q->ncols = ncols;
    q->vals = cc_calloc((size_t)ncols * ROWS_PER_INSERT, sizeof(*q->vals));
    return q->vals ? 0 : cc_error_oom();
}

static void rowq_free(rowq *q)
{
    for (int i = 0; i < INSERT_SIZES; i++)
        sqlite3_finalize(q->st[i]);
    cc_free(q->vals);
}

/* The statement for 2^k rows: the head and as many "(?,?,...)". */
static int rowq_statement(importer *im, rowq *q, int k, sqlite3_stmt **out)
{
    int rc = 0;
    if (!q->st[k]) {
        cc_buf sql = CC_BUF_INIT;
        rc = cc_buf_puts(&sql, q->head);
        for (int r = 0; r < (1 << k) && rc == 0; r++) {
            rc = cc_buf_puts(&sql, r ? ",(" : "(");
            for (int c = 0; c < q->ncols && rc == 0; c++)
                rc = cc_buf_puts(&sql, c ? ",?" : "?");
            if (rc == 0)
                rc = cc_buf_putc(&sql, ')');
        }
        if (rc == 0)
            rc = cc_tm_prepare(im->tm, &q->st[k], sql.data);
        cc_buf_free(&sql);
    }
    *out = q->st[k];
    return rc;
}

/* Write the queued rows, in order, in as few statements as their count allows. */
static int rowq_flush(importer *im, rowq *q)
{
    int rc;
    size_t r = 0;
    while (r < q->nrows) {
        int k = INSERT_SIZES - 1;
        while ((size_t)1 << k > q->nrows - r)
            k--;
        sqlite3_stmt *st;
        if ((rc = rowq_statement(im, q, k, &st)) < 0)
            return rc;
        const qval *v = &q->vals[r * (size_t)q->ncols];
        for (int i = 0; i < q->ncols << k; i++) {
            switch (v[i].type) {
            case SQLITE_INTEGER:
                sqlite3_bind_int64(st, i + 1, v[i].i);
                break;
            case SQLITE_TEXT:
                sqlite3_bind_text(st, i + 1, v[i].p, v[i].len, SQLITE_STATIC);
                break;
            case SQLITE_BLOB:
                sqlite3_bind_blob(st, i + 1, v[i].p, v[i].len, SQLITE_STATIC);
                break;
            default:
                sqlite3_bind_null(st, i + 1);
                break;
            }
        }
        if ((rc = step_done(im, st)) < 0)
            return rc;
        r += (size_t)1 << k;
    }
    q->nrows = 0;
    return 0;
}

/* Write every queued row; then reads see them. */
static int flush_rows(importer *im)
{
    int rc;
    if ((rc = rowq_flush(im, &im->q_unit)) < 0 || (rc = rowq_flush(im, &im->q_extra)) < 0 ||
        (rc = rowq_flush(im, &im->q_key)) < 0)
        return rc;
    cc_arena_reset(&im->qarena);
    return 0;
}

/*
 * Lookups see queued rows without writing them: the duplicate checks of a
 * unit often meet the unit just before it (Tatoeba gives each translation of
 * a sentence its own unit, one after the other), and a flush for each would
 * leave the multi-row INSERTs one row long. Columns: unit 0 id, 5 src_seq,
 * 9 has_extra, 10 src_hash, 12 variants; dupkey 0 key, 1 unit.
 */
enum { QU_ID = 0, QU_SRC_SEQ = 5, QU_HAS_EXTRA = 9, QU_SRC_HASH = 10, QU_VARIANTS = 12 };

static const qval *queued_row(const rowq *q, size_t r)
{
    return &q->vals[r * (size_t)q->ncols];
}

/* The queued row of unit id, or NULL if the unit is not queued. */
static const qval *queued_unit(const importer *im, sqlite3_int64 id)
{
    const rowq *q = &im->q_unit;
    sqlite3_int64 first = im->next_id - (sqlite3_int64)q->nrows;
    return id >= first && id < im->next_id ? queued_row(q, (size_t)(id - first)) : NULL;
}

/* Is a unit with source hash h queued? */
static int queued_source(const importer *im, uint64_t h)
{
    for (size_t r = 0; r < im->q_unit.nrows; r++)
        if (queued_row(&im->q_unit, r)[QU_SRC_HASH].i == (sqlite3_int64)h)
            return 1;
    return 0;
}

/* The unit of the last queued row of key (0 if none): INSERT OR REPLACE keeps the last. */
static sqlite3_int64 queued_key(const importer *im, uint64_t key)
{
    const rowq *q = &im->q_key;
    for (size_t r = q->nrows; r-- > 0;)
        if (queued_row(q, r)[0].i == (sqlite3_int64)key)
            return queued_row(q, r)[1].i;
    return 0;
}

static qval *q_next(rowq *q)
{
    return &q->vals[q->nrows * (size_t)q->ncols + (size_t)q->col++];
}

static void q_int(rowq *q, sqlite3_int64 i)
{
    qval *v = q_next(q);
    v->type = SQLITE_INTEGER;
    v->i = i;
}

/* Queue a copy of p[0..n) as TEXT or BLOB (NULL p: a NULL). */
static int q_bytes(importer *im, rowq *q, int type, const void *p, size_t n)
{
    qval *v = q_next(q);
    v->type = p ? type : SQLITE_NULL;
    if (!p)
        return 0;
    if (n > (size_t)INT32_MAX)
        return cc_error_set(CONCORD_ELIMIT, "a value larger than 2 GiB");
    void *copy = cc_arena_alloc(&im->qarena, n ? n : 1);
    if (!copy)
        return CONCORD_ENOMEM;
    memcpy(copy, p, n);
    v->p = copy;
    v->len = (int)n;
    return 0;
}

static int q_text(importer *im, rowq *q, const char *s)
{
    return q_bytes(im, q, SQLITE_TEXT, s, s ? strlen(s) : 0);
}

/* The row is complete: queue it, and write the queue when it is full. */
static int q_row(importer *im, rowq *q)
{
    q->col = 0;
    if (++q->nrows < ROWS_PER_INSERT)
        return 0;
    return rowq_flush(im, q);
}

static int lang_id(importer *im, const char *tag, int64_t *out)
{
    for (int i = 0; i < im->nlangs; i++)
        if (strcmp(im->langs[i].tag, tag) == 0) {
            *out = im->langs[i].id;
            return 0;
        }
    int rc;
    sqlite3_bind_text(im->get_lang, 1, tag, -1, SQLITE_STATIC);
    rc = sqlite3_step(im->get_lang);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(im->get_lang, 0);
        sqlite3_reset(im->get_lang);
    } else {
        sqlite3_reset(im->get_lang);
        if (rc != SQLITE_DONE)
            return cc_tm_db_error(im->tm, rc, "reading the TM");
        sqlite3_bind_text(im->ins_lang, 1, tag, -1, SQLITE_STATIC);
        if ((rc = step_done(im, im->ins_lang)) < 0)
            return rc;
        *out = sqlite3_last_insert_rowid(im->tm->db);
    }
    if (im->nlangs < 32 && strlen(tag) < sizeof(im->langs[0].tag)) {
        memcpy(im->langs[im->nlangs].tag, tag, strlen(tag) + 1);
        im->langs[im->nlangs++].id = *out;
    }
    return 0;
}

/* The value of attribute `name` in markup made by the reader (` a="v" b="w"`). */
static const char *attr_value(const char *attrs, const char *name, char *buf, size_t size)
{
    if (!attrs || !*attrs)
        return NULL;
    size_t n = strlen(name);
    for (const char *p = attrs; (p = strstr(p, name)) != NULL; p += n) {
        if (p > attrs && p[-1] == ' ' && p[n] == '=' && p[n + 1] == '"') {
            const char *v = p + n + 2, *e = strchr(v, '"');
            if (!e || (size_t)(e - v) >= size)
                return NULL;
            memcpy(buf, v, (size_t)(e - v));
            buf[e - v] = '\0';
            return buf;
        }
    }
    return NULL;
}

static int write_header(importer *im, const concord_tmx_header *h)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(now, sizeof(now), "%Y%m%dT%H%M%SZ", &tmv);
    sqlite3_stmt *st = im->ins_origin;
    bind_text(st, 1, im->file);
    bind_text(st, 2, now);
    bind_text(st, 3, h->version);
    bind_text(st, 4, h->creationtool);
    bind_text(st, 5, h->creationtoolversion);
    bind_text(st, 6, h->o_tmf);
    bind_text(st, 7, h->datatype);
    bind_text(st, 8, h->segtype);
    bind_text(st, 9, h->adminlang);
    bind_text(st, 10, h->srclang);
    bind_text(st, 11, h->attrs);
    int rc = step_done(im, st);
    if (rc == 0)
        im->origin = sqlite3_last_insert_rowid(im->tm->db);
    return rc;
}

static int grow_scratch(importer *im, size_t n)
{
    if (n <= im->cap)
        return 0;
    size_t cap = im->cap ? im->cap : 8;
    while (cap < n)
        cap *= 2;
    cc_buf *b = cc_realloc(im->codes, cap * sizeof(*b));
    if (!b)
        return cc_error_oom();
    for (size_t i = im->cap; i < cap; i++)
        b[i] = (cc_buf)CC_BUF_INIT;
    im->codes = b;
    im->cap = cap;
    uint64_t *h = cc_realloc(im->vhash, cap * sizeof(*h));
    if (!h)
        return cc_error_oom();
    im->vhash = h;
    int64_t *l = cc_realloc(im->vlang, cap * sizeof(*l));
    if (!l)
        return cc_error_oom();
    im->vlang = l;
    unsigned char *k = cc_realloc(im->keep, cap);
    if (!k)
        return cc_error_oom();
    im->keep = k;
    return 0;
}

static int same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (blen == 0 || memcmp(a, b, blen) == 0);
}

/* Is stored variant sv the same as variant i of the unit being imported? */
static int same_variant(const importer *im, const cc_stored_variant *sv, const concord_unit *u,
                        size_t i)
{
    return sv->lang == im->vlang[i] &&
           same_bytes(sv->text, sv->text_len, u->variants[i].text, u->variants[i].text_len) &&
           same_bytes(sv->codes, sv->codes_len, im->codes[i].data, im->codes[i].len);
}

/* Decode a unit's variants blob (copied into the arena) into *su. */
static int decode_unit(importer *im, const void *data, size_t len, stored_unit *su)
{
    char *blob = cc_arena_alloc(&im->arena, len ? len : 1);
    if (!blob)
        return CONCORD_ENOMEM;
    memcpy(blob, data, len);
    size_t count = cc_variants_count(blob, len);
    if (count > MAX_VARIANTS)
        return cc_error_set(CONCORD_ERROR, "corrupt unit in the TM");
    su->v = cc_arena_alloc(&im->arena, (count ? count : 1) * sizeof(*su->v));
    if (!su->v)
        return CONCORD_ENOMEM;
    return cc_variants_decode(blob, len, su->v, count, &su->n) < 0 ? CONCORD_ERROR : 1;
}

/* Load stored (or queued) unit `id` into *su (copied into the arena). 1 if found, 0 if not. */
static int load_unit(importer *im, sqlite3_int64 id, stored_unit *su)
{
    const qval *q = queued_unit(im, id);
    if (q) {
        su->id = id;
        su->src_seq = (size_t)q[QU_SRC_SEQ].i;
        su->has_extra = (int)q[QU_HAS_EXTRA].i;
        return decode_unit(im, q[QU_VARIANTS].p, (size_t)q[QU_VARIANTS].len, su);
    }
    sqlite3_stmt *st = im->get_unit;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return cc_tm_db_error(im->tm, rc, "reading the TM");
    }
    su->id = id;
    su->src_seq = (size_t)sqlite3_column_int64(st, 0);
    su->has_extra = sqlite3_column_int(st, 1);
    rc = decode_unit(im, sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), su);
    sqlite3_reset(st);
    return rc;
}

/* The stored units with source hash h, in the order they were stored. */
static int source_group(importer *im, uint64_t h)
{
    int rc = flush_rows(im);
    if (rc < 0)
        return rc;
    im->nids = 0;
    sqlite3_bind_int64(im->find_src, 1, (sqlite3_int64)h);
    while ((rc = sqlite3_step(im->find_src)) == SQLITE_ROW) {
        if (cc_grow((void **)&im->ids, &im->capids, im->nids + 1, sizeof(*im->ids)) < 0) {
            sqlite3_reset(im->find_src);
            return CONCORD_ENOMEM;
        }
        im->ids[im->nids++] = sqlite3_column_int64(im->find_src, 0);
    }
    sqlite3_reset(im->find_src);
    return rc == SQLITE_DONE ? 0 : cc_tm_db_error(im->tm, rc, "reading the TM");
}

enum { WANT_PAIR, WANT_LANG, WANT_SOURCE };

/*
 * WANT_PAIR: does stored unit su hold variants s and t of u as its source and
 * one of its translations, whichever is the source (en->de and de->en are
 * one pair)? WANT_LANG: is s its
 * source, with a translation in t's language? WANT_SOURCE: is s its source?
 */
static int unit_matches(const importer *im, const stored_unit *su, const concord_unit *u, size_t s,
                        size_t t, int want)
{
    if (want == WANT_PAIR) {
        /* a (source, translation) pair: one of the two is the unit's source */
        if (su->src_seq >= su->n)
            return 0;
        const cc_stored_variant *src = &su->v[su->src_seq];
        size_t other;
        if (same_variant(im, src, u, s))
            other = t;
        else if (same_variant(im, src, u, t))
            other = s;
        else
            return 0;
        for (size_t k = 0; k < su->n; k++)
            if (k != su->src_seq && same_variant(im, &su->v[k], u, other))
                return 1;
        return 0;
    }
    if (su->src_seq >= su->n || !same_variant(im, &su->v[su->src_seq], u, s))
        return 0;
    if (want == WANT_SOURCE)
        return 1;
    for (size_t k = 0; k < su->n; k++)
        if (k != su->src_seq && su->v[k].lang == im->vlang[t])
            return 1;
    return 0;
}

/* The key of a pair of variants, the same in both directions. */
static uint64_t pair_key(const importer *im, size_t a, size_t b)
{
    uint64_t x = im->vhash[a], y = im->vhash[b];
    uint64_t lo = x < y ? x : y, hi = x < y ? y : x;
    uint64_t h = cc_hash(CC_HASH_INIT, "P", 1);
    h = cc_hash(h, &lo, sizeof(lo));
    return cc_hash(h, &hi, sizeof(hi));
}

static uint64_t key_of(uint64_t src_hash, int kind, uint64_t what)
{
    uint64_t h = cc_hash(CC_HASH_INIT, &src_hash, sizeof(src_hash));
    h = cc_hash(h, &kind, sizeof(kind));
    return cc_hash(h, &what, sizeof(what));
}

static void filter_add(importer *im, uint64_t h);

static int put_key(importer *im, uint64_t key, sqlite3_int64 unit)
{
    filter_add(im, key);
    q_int(&im->q_key, (sqlite3_int64)key);
    q_int(&im->q_key, unit);
    return q_row(im, &im->q_key);
}

/*
 * A Bloom filter of the keys and source hashes in the TM, so that a new
 * source or a new pair (most units of a large import) costs no lookup. It is
 * built from the TM once an import has passed FILTER_AFTER units (a small
 * import into a large TM does not pay for reading all its keys), then kept
 * up to date as units are stored. Its size is fixed: with 2^26 bits and two
 * probes, a TM of a million units gives about 1% false positives, which only
 * cost the lookup that would have been made anyway.
 */
#define FILTER_AFTER 4096
#define FILTER_BITS  ((uint64_t)1 << 26)

static void filter_add(importer *im, uint64_t h)
{
    if (!im->filter)
        return;
    uint64_t a = h & (FILTER_BITS - 1), b = (h >> 32) & (FILTER_BITS - 1);
    im->filter[a >> 6] |= (uint64_t)1 << (a & 63);
    im->filter[b >> 6] |= (uint64_t)1 << (b & 63);
}

/* 0: certainly not in the TM; 1: maybe (or no filter yet). */
static int filter_maybe(const importer *im, uint64_t h)
{
    if (!im->filter)
        return 1;
    uint64_t a = h & (FILTER_BITS - 1), b = (h >> 32) & (FILTER_BITS - 1);
    return (im->filter[a >> 6] >> (a & 63) & 1) && (im->filter[b >> 6] >> (b & 63) & 1);
}

static int filter_build(importer *im)
{
    static const char *const sql[] = {"SELECT key FROM dupkey", "SELECT src_hash FROM unit"};
    int rc = flush_rows(im);
    if (rc < 0)
        return rc;
    if (!(im->filter = cc_calloc(FILTER_BITS / 64, sizeof(uint64_t))))
        return 0; /* only slower without it */
    for (size_t i = 0; i < 2; i++) {
        sqlite3_stmt *st;
        rc = cc_tm_prepare(im->tm, &st, sql[i]);
        if (rc < 0)
            return rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            filter_add(im, (uint64_t)sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return cc_tm_db_error(im->tm, rc, "reading the TM");
    }
    return 0;
}

/*
 * The first stored unit (the lowest id) with source hash h that matches
 * `want` for variants s and t of u; *id is 0 if there is none.
 */
static int group_find(importer *im, uint64_t h, const concord_unit *u, size_t s, size_t t, int want,
                      stored_unit *su, sqlite3_int64 *id, int *alone)
{
    int rc;
    size_t row = 0;
    *id = 0;
    if (alone)
        *alone = 0;
    sqlite3_stmt *st = im->find_src;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)h);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        /* the unit comes with the row (no second statement per unit) */
        sqlite3_int64 uid = sqlite3_column_int64(st, 0);
        su->id = uid;
        su->src_seq = (size_t)sqlite3_column_int64(st, 1);
        su->has_extra = sqlite3_column_int(st, 2);
        if ((rc = decode_unit(im, sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3),
                              su)) < 0) {
            sqlite3_reset(st);
            return rc;
        }
        if (unit_matches(im, su, u, s, t, want)) {
            *id = uid;
            /* the first stored unit with h, and no other (queued ones aside)? */
            rc = SQLITE_DONE;
            if (alone && row == 0) {
                rc = sqlite3_step(st);
                *alone = rc == SQLITE_DONE;
                if (rc == SQLITE_ROW)
                    rc = SQLITE_DONE;
            }
            break;
        }
        row++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return cc_tm_db_error(im->tm, rc, "reading the TM");
    /* then the queued units with that source, which come after every stored one */
    for (size_t r = 0; r < im->q_unit.nrows && !*id; r++) {
        const qval *q = queued_row(&im->q_unit, r);
        if (q[QU_SRC_HASH].i != (sqlite3_int64)h)
            continue;
        if ((rc = load_unit(im, q[QU_ID].i, su)) < 0)
            return rc;
        if (rc == 1 && unit_matches(im, su, u, s, t, want))
            *id = q[QU_ID].i;
    }
    return 0;
}

/*
 * The first stored unit whose source is variant v of u. The filter answers
 * for most new sources; a group is almost always found at its first row
 * (only a hash collision goes on).
 */
static int first_with_source(importer *im, const concord_unit *u, size_t v, stored_unit *su,
                             sqlite3_int64 *id, int *alone)
{
    *id = 0;
    if (alone)
        *alone = 0;
    if (!filter_maybe(im, im->vhash[v]))
        return 0;
    return group_find(im, im->vhash[v], u, v, v, WANT_SOURCE, su, id, alone);
}

/* first_with_source() for the new unit's source, looked up once per unit. */
static int source_first(importer *im, const concord_unit *u, size_t s)
{
    if (im->first_known)
        return 0;
    int rc = first_with_source(im, u, s, &im->first, &im->first_id, &im->first_alone);
    im->first_known = rc == 0;
    return rc;
}

/*
 * Find a stored unit with u's source and (per `want`) target t or its
 * language. *found is the unit's id, or 0.
 *
 * The first unit with a given source carries no keys: it is looked at
 * directly. Every later unit with that source (an alternative, a unit too
 * big to merge into) gets a key per (source, target) pair, the same in
 * both directions. So a pair is stored iff the first unit with its source,
 * or the first unit with its target as the source (en-ru stored, ru-en
 * coming), holds it, or its key leads to a unit that holds it. A key that
 * no longer holds means the pair is gone (a replace took it): a pair is
 * stored once.
 *
 * WANT_LANG looks at the first unit, then at a key put when a unit with
 * that source and language was last found, then through the whole group.
 */
static int find_stored(importer *im, const concord_unit *u, size_t s, size_t t, int want,
                       uint64_t src_hash, stored_unit *su, sqlite3_int64 *found)
{
    int rc;
    *found = 0;
    if ((rc = source_first(im, u, s)) < 0)
        return rc;
    if (im->first_id && unit_matches(im, &im->first, u, s, t, want)) {
        *found = im->first_id;
        *su = im->first;
        return 0;
    }
    if (want == WANT_SOURCE)
        return 0;
    if (want == WANT_PAIR) {
        sqlite3_int64 id;
        if ((rc = first_with_source(im, u, t, su, &id, NULL)) < 0)
            return rc;
        if (id && unit_matches(im, su, u, s, t, want)) {
            *found = id;
            return 0;
        }
    } else if (!im->first_id) {
        return 0; /* no unit with this source */
    }
    uint64_t key =
        want == WANT_PAIR ? pair_key(im, s, t) : key_of(src_hash, 'L', (uint64_t)im->vlang[t]);
    sqlite3_int64 id = 0;
    if (filter_maybe(im, key) && !(id = queued_key(im, key))) {
        sqlite3_bind_int64(im->get_key, 1, (sqlite3_int64)key);
        rc = sqlite3_step(im->get_key);
        id = rc == SQLITE_ROW ? sqlite3_column_int64(im->get_key, 0) : 0;
        sqlite3_reset(im->get_key);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return cc_tm_db_error(im->tm, rc, "reading the TM");
    }
    if (id) {
        if ((rc = load_unit(im, id, su)) < 0)
            return rc;
        if (rc == 1 && unit_matches(im, su, u, s, t, want)) {
            *found = id;
            return 0;
        }
    }
    if (want == WANT_PAIR)
        return 0;
    /* a language: through the group */
    if (im->first_alone && !queued_source(im, src_hash))
        return 0; /* the group is the first unit, seen above */
    if ((rc = group_find(im, src_hash, u, s, t, want, su, found, NULL)) < 0)
        return rc;
    return *found ? put_key(im, key, *found) : 0;
}

static int insert_extras(importer *im, sqlite3_int64 unit, sqlite3_int64 vseq,
                         const concord_prop *props, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        rowq *q = &im->q_extra;
        q_int(q, unit);
        q_int(q, vseq);
        q_int(q, (sqlite3_int64)i);
        if ((rc = q_text(im, q, props[i].type)) < 0 || (rc = q_text(im, q, props[i].attrs)) < 0 ||
            (rc = q_text(im, q, props[i].value)) < 0 || (rc = q_row(im, q)) < 0)
            return rc;
    }
    return 0;
}

/* Keep the oldest and the newest date of the unit and its variants. */
static void note_dates(const char *attrs, char *first, char *last)
{
    char d[64];
    const char *c = attr_value(attrs, "creationdate", d, sizeof(d));
    if (c && (!*first || strcmp(c, first) < 0))
        snprintf(first, 64, "%s", c);
    if (c && strcmp(c, last) > 0)
        snprintf(last, 64, "%s", c);
    const char *m = attr_value(attrs, "changedate", d, sizeof(d));
    if (m && strcmp(m, last) > 0)
        snprintf(last, 64, "%s", m);
}

/* The keys of the (source, target) pairs of a unit stored as `id`. */
static int put_pair_keys(importer *im, const concord_unit *u, size_t s, sqlite3_int64 id)
{
    int rc;
    for (size_t i = 0; i < u->nvariants; i++)
        if (i != s && im->keep[i] && (rc = put_key(im, pair_key(im, s, i), id)) < 0)
            return rc;
    return 0;
}

/* Store the kept variants of u (its source among them) as a new unit. */
static int store_unit(importer *im, const concord_unit *u, size_t s, uint64_t src_hash)
{
    int rc;
    if ((rc = source_first(im, u, s)) < 0)
        return rc;
    sqlite3_int64 first_id = im->first_id;
    char first[64] = "", last[64] = "";
    int has_extra = u->nprops > 0;
    note_dates(u->attrs, first, last);
    /* the kept variants, in their order */
    concord_variant *kv = cc_arena_alloc(&im->arena, u->nvariants * sizeof(*kv));
    int64_t *kl = cc_arena_alloc(&im->arena, u->nvariants * sizeof(*kl));
    cc_buf *kc = cc_arena_alloc(&im->arena, u->nvariants * sizeof(*kc));
    if (!kv || !kl || !kc)
        return CONCORD_ENOMEM;
    size_t n = 0, src_seq = 0;
    for (size_t i = 0; i < u->nvariants; i++) {
        if (!im->keep[i])
            continue;
        if (i == s)
            src_seq = n;
        has_extra |= u->variants[i].nprops > 0;
        note_dates(u->variants[i].attrs, first, last);
        kv[n] = u->variants[i];
        kl[n] = im->vlang[i];
        kc[n] = im->codes[i];
        n++;
    }
    cc_buf_clear(&im->blob);
    if ((rc = cc_variants_encode(&im->blob, kl, kv, n, kc)) < 0)
        return rc;
    if (im->blob.len > (size_t)INT32_MAX)
        return cc_error_set_at(CONCORD_ELIMIT, im->file, u->line, 0, 0, "a unit larger than 2 GiB");
    sqlite3_int64 id = im->next_id++;
    rowq *q = &im->q_unit;
    char tool[128], toolversion[128];
    q_int(q, id);
    if (im->origin)
        q_int(q, im->origin);
    else
        q_bytes(im, q, SQLITE_NULL, NULL, 0);
    if ((rc = q_text(im, q, u->tuid)) < 0 ||
        (rc = q_text(im, q, u->srclang ? u->srclang : "*all*")) < 0)
        return rc;
    q_int(q, im->vlang[s]);
    q_int(q, (sqlite3_int64)src_seq);
    if ((rc = q_text(im, q, *first ? first : NULL)) < 0 ||
        (rc = q_text(im, q, *last ? last : NULL)) < 0 ||
        (rc = q_text(im, q, u->attrs ? u->attrs : "")) < 0)
        return rc;
    q_int(q, has_extra);
    q_int(q, (sqlite3_int64)src_hash);
    q_int(q, (sqlite3_int64)n);
    if ((rc = q_bytes(im, q, SQLITE_BLOB, im->blob.data ? im->blob.data : "", im->blob.len)) < 0 ||
        (rc = q_text(im, q, attr_value(u->attrs, "creationtool", tool, sizeof(tool)))) < 0 ||
        (rc = q_text(
             im, q,
             attr_value(u->attrs, "creationtoolversion", toolversion, sizeof(toolversion)))) < 0 ||
        (rc = q_row(im, q)) < 0)
        return rc;
    for (size_t i = 0, k = 0; i < u->nvariants; i++) {
        if (!im->keep[i])
            continue;
        const concord_variant *v = &u->variants[i];
        if (v->nprops && (rc = insert_extras(im, id, (sqlite3_int64)k, v->props, v->nprops)) < 0)
            return rc;
        k++;
    }
    if (u->nprops && (rc = insert_extras(im, id, -1, u->props, u->nprops)) < 0)
        return rc;
    im->st->imported++;
    im->st->variants += n;
    filter_add(im, src_hash);
    /* the first unit with its source needs no keys (see find_stored()) */
    return first_id ? put_pair_keys(im, u, s, id) : 0;
}

/* Rewrite stored unit su with only the variants marked in keep_stored (source kept). */
static int rewrite_unit(importer *im, stored_unit *su, const unsigned char *keep_stored)
{
    int rc = flush_rows(im);
    if (rc < 0)
        return rc;
    size_t n = 0, src_seq = 0, targets = 0;
    size_t *newseq = cc_arena_alloc(&im->arena, su->n * sizeof(size_t));
    cc_stored_variant *nv = cc_arena_alloc(&im->arena, su->n * sizeof(*nv));
    if (!newseq || !nv)
        return CONCORD_ENOMEM;
    for (size_t k = 0; k < su->n; k++) {
        newseq[k] = (size_t)-1;
        if (!keep_stored[k])
            continue;
        if (k == su->src_seq)
            src_seq = n;
        else
            targets++;
        newseq[k] = n;
        nv[n++] = su->v[k];
    }
    if (targets == 0) { /* nothing left but the source: the unit goes */
        sqlite3_bind_int64(im->del_extras, 1, su->id);
        sqlite3_bind_int64(im->del_unit, 1, su->id);
        if ((rc = step_done(im, im->del_extras)) < 0 || (rc = step_done(im, im->del_unit)) < 0)
            return rc;
        return 0;
    }
    cc_buf_clear(&im->blob);
    if ((rc = cc_variants_encode_stored(&im->blob, nv, n)) < 0)
        return rc;
    /* the props and notes of the kept variants, renumbered */
    if (su->has_extra) {
        typedef struct {
            sqlite3_int64 vseq, seq;
            char *type, *attrs, *value;
        } ex;
        ex *list = NULL;
        size_t nex = 0, capex = 0;
        sqlite3_bind_int64(im->get_extras, 1, su->id);
        while ((rc = sqlite3_step(im->get_extras)) == SQLITE_ROW) {
            if (nex == capex) {
                capex = capex ? capex * 2 : 8;
                ex *p = cc_arena_alloc(&im->arena, capex * sizeof(*p));
                if (!p) {
                    sqlite3_reset(im->get_extras);
                    return CONCORD_ENOMEM;
                }
                if (list)
                    memcpy(p, list, nex * sizeof(*p));
                list = p;
            }
            ex *e = &list[nex++];
            e->vseq = sqlite3_column_int64(im->get_extras, 0);
            e->seq = sqlite3_column_int64(im->get_extras, 1);
            const char *c[3];
            for (int k = 0; k < 3; k++)
                c[k] = (const char *)sqlite3_column_text(im->get_extras, 2 + k);
            e->type = c[0] ? cc_arena_strndup(&im->arena, c[0], strlen(c[0])) : NULL;
            e->attrs = cc_arena_strndup(&im->arena, c[1] ? c[1] : "", c[1] ? strlen(c[1]) : 0);
            e->value = cc_arena_strndup(&im->arena, c[2] ? c[2] : "", c[2] ? strlen(c[2]) : 0);
            if ((c[0] && !e->type) || !e->attrs || !e->value) {
                sqlite3_reset(im->get_extras);
                return CONCORD_ENOMEM;
            }
        }
        sqlite3_reset(im->get_extras);
        if (rc != SQLITE_DONE)
            return cc_tm_db_error(im->tm, rc, "reading the TM");
        sqlite3_bind_int64(im->del_extras, 1, su->id);
        if ((rc = step_done(im, im->del_extras)) < 0)
            return rc;
        for (size_t i = 0; i < nex; i++) {
            sqlite3_int64 vseq = list[i].vseq;
            if (vseq >= 0 && ((size_t)vseq >= su->n || newseq[vseq] == (size_t)-1))
                continue; /* the props of a removed variant */
            rowq *q = &im->q_extra;
            q_int(q, su->id);
            q_int(q, vseq < 0 ? -1 : (sqlite3_int64)newseq[vseq]);
            q_int(q, list[i].seq);
            if ((rc = q_text(im, q, list[i].type)) < 0 || (rc = q_text(im, q, list[i].attrs)) < 0 ||
                (rc = q_text(im, q, list[i].value)) < 0 || (rc = q_row(im, q)) < 0)
                return rc;
        }
    }
    sqlite3_stmt *st = im->upd_unit;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)src_seq);
    sqlite3_bind_int(st, 2, su->has_extra);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
    sqlite3_bind_blob(st, 4, im->blob.data, (int)im->blob.len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, su->id);
    return step_done(im, st);
}

/* Add the kept target variants of u to stored unit su (same source). */
static int merge_into(importer *im, stored_unit *su, const concord_unit *u, size_t s,
                      uint64_t src_hash)
{
    /* the UPDATE below needs the row; the props it adds are queued like any */
    int rc = queued_unit(im, su->id) ? flush_rows(im) : 0;
    if (rc < 0)
        return rc;
    size_t add = 0;
    for (size_t i = 0; i < u->nvariants; i++)
        add += i != s && im->keep[i];
    if (su->n + add > MAX_VARIANTS)
        return store_unit(im, u, s, src_hash); /* too many for one unit: a new one */
    cc_stored_variant *nv = cc_arena_alloc(&im->arena, (su->n + add) * sizeof(*nv));
    if (!nv)
        return CONCORD_ENOMEM;
    memcpy(nv, su->v, su->n * sizeof(*nv));
    size_t n = su->n;
    int has_extra = su->has_extra;
    for (size_t i = 0; i < u->nvariants; i++) {
        if (i == s || !im->keep[i])
            continue;
        const concord_variant *v = &u->variants[i];
        nv[n].lang = im->vlang[i];
        nv[n].text = v->text;
        nv[n].text_len = v->text_len;
        nv[n].codes = im->codes[i].data ? im->codes[i].data : "";
        nv[n].codes_len = im->codes[i].len;
        nv[n].attrs = v->attrs ? v->attrs : "";
        nv[n].attrs_len = strlen(nv[n].attrs);
        if (v->nprops) {
            has_extra = 1;
            if ((rc = insert_extras(im, su->id, (sqlite3_int64)n, v->props, v->nprops)) < 0)
                return rc;
        }
        n++;
    }
    cc_buf_clear(&im->blob);
    if ((rc = cc_variants_encode_stored(&im->blob, nv, n)) < 0)
        return rc;
    sqlite3_stmt *st = im->upd_unit;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)su->src_seq);
    sqlite3_bind_int(st, 2, has_extra);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
    sqlite3_bind_blob(st, 4, im->blob.data, (int)im->blob.len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, su->id);
    if ((rc = step_done(im, st)) < 0)
        return rc;
    im->st->merged++;
    im->st->variants += add;
    /* the matcher's index learns of the new variants from the change log */
    sqlite3_bind_int64(im->ins_change, 1, su->id);
    return step_done(im, im->ins_change); /* su is the first unit with its source: no keys */
}

/* Remove, from every stored unit with u's source, the targets in the languages marked. */
static int remove_languages(importer *im, const concord_unit *u, size_t s, uint64_t src_hash,
                            const unsigned char *conflict)
{
    int rc;
    stored_unit su;
    if ((rc = source_group(im, src_hash)) < 0)
        return rc;
    /* the group is rewritten as we go: copy its ids first */
    size_t n = im->nids;
    sqlite3_int64 *ids = cc_arena_alloc(&im->arena, (n ? n : 1) * sizeof(*ids));
    if (!ids)
        return CONCORD_ENOMEM;
    memcpy(ids, im->ids, n * sizeof(*ids));
    for (size_t g = 0; g < n; g++) {
        if ((rc = load_unit(im, ids[g], &su)) < 0)
            return rc;
        if (rc == 0 || !unit_matches(im, &su, u, s, 0, WANT_SOURCE))
            continue;
        unsigned char *keep_stored = cc_arena_alloc(&im->arena, su.n);
        if (!keep_stored)
            return CONCORD_ENOMEM;
        size_t removed = 0;
        for (size_t k = 0; k < su.n; k++) {
            keep_stored[k] = 1;
            if (k == su.src_seq)
                continue;
            for (size_t i = 0; i < u->nvariants && keep_stored[k]; i++)
                if (conflict[i] && su.v[k].lang == im->vlang[i])
                    keep_stored[k] = 0;
            removed += !keep_stored[k];
        }
        if (!removed)
            continue;
        if ((rc = rewrite_unit(im, &su, keep_stored)) < 0)
            return rc;
        im->st->replaced++;
        im->st->variants_removed += removed;
    }
    return 0;
}

/* The variant of u that is its source: the one in srclang (or its language), else the first. */
static size_t source_variant(const concord_unit *u)
{
    if (!u->srclang || strcmp(u->srclang, "*all*") == 0)
        return 0;
    for (size_t i = 0; i < u->nvariants; i++)
        if (strcmp(u->variants[i].lang, u->srclang) == 0)
            return i;
    /* srclang="en" with variants in en-US */
    for (size_t i = 0; i < u->nvariants; i++)
        if (cc_lang_matches(u->srclang, u->variants[i].lang))
            return i;
    return 0;
}

static int write_unit(importer *im, const concord_unit *u)
{
    int rc;
    im->st->read++;
    cc_arena_reset(&im->arena);
    im->first_known = 0;
    if (u->nvariants > MAX_VARIANTS)
        return cc_error_set_at(CONCORD_ELIMIT, im->file, u->line, 0, 0,
                               "a <tu> with more than %d variants", MAX_VARIANTS);
    if ((rc = grow_scratch(im, u->nvariants)) < 0)
        return rc;
    for (size_t i = 0; i < u->nvariants; i++) {
        const concord_variant *v = &u->variants[i];
        cc_buf_clear(&im->codes[i]);
        if ((rc = cc_codes_serialize(v->codes, v->ncodes, &im->codes[i])) < 0 ||
            (rc = lang_id(im, v->lang, &im->vlang[i])) < 0)
            return rc;
        uint64_t h = cc_hash(CC_HASH_INIT, v->lang, strlen(v->lang) + 1);
        h = cc_hash(h, v->text, v->text_len + 1);
        im->vhash[i] = cc_hash(h, im->codes[i].data ? im->codes[i].data : "", im->codes[i].len);
        im->keep[i] = 1;
    }
    size_t s = source_variant(u);
    uint64_t src_hash = im->vhash[s];
    if (!im->filter && im->st->read > FILTER_AFTER && (rc = filter_build(im)) < 0)
        return rc;
    stored_unit su;
    sqlite3_int64 found;

    if (u->nvariants == 1) {
        /* a source alone: stored once */
        if ((rc = find_stored(im, u, s, s, WANT_SOURCE, src_hash, &su, &found)) < 0)
            return rc;
        if (found) {
            im->st->identical++;
            return 0;
        }
        return store_unit(im, u, s, src_hash);
    }

    /* each target: already stored (drop it), another translation (conflict), or new */
    unsigned char *kind = cc_arena_alloc(&im->arena, u->nvariants);
    unsigned char *saved = cc_arena_alloc(&im->arena, u->nvariants);
    if (!kind || !saved)
        return CONCORD_ENOMEM;
    enum { T_SOURCE, T_KNOWN, T_CONFLICT, T_NEW };
    size_t nconflict = 0, nnew = 0;
    for (size_t t = 0; t < u->nvariants; t++) {
        kind[t] = T_SOURCE;
        if (t == s)
            continue;
        kind[t] = T_KNOWN;
        /* the same translation twice in this unit counts once */
        size_t e = 0;
        while (e < t && !(e != s && im->vhash[e] == im->vhash[t]))
            e++;
        if (e < t) {
            im->keep[t] = 0;
            continue;
        }
        if ((rc = find_stored(im, u, s, t, WANT_PAIR, src_hash, &su, &found)) < 0)
            return rc;
        if (found) {
            im->keep[t] = 0;
            continue;
        }
        if ((rc = find_stored(im, u, s, t, WANT_LANG, src_hash, &su, &found)) < 0)
            return rc;
        kind[t] = found ? T_CONFLICT : T_NEW;
        nconflict += found != 0;
        nnew += found == 0;
    }
    if (nconflict == 0 && nnew == 0) {
        im->st->identical++;
        return 0;
    }
    if (nconflict) {
        switch (im->opts->on_duplicate) {
        case CONCORD_DUP_SKIP:
            for (size_t t = 0; t < u->nvariants; t++)
                if (kind[t] == T_CONFLICT)
                    im->keep[t] = 0;
            im->st->skipped++;
            break;
        case CONCORD_DUP_REPLACE: {
            unsigned char *conflict = saved;
            for (size_t t = 0; t < u->nvariants; t++)
                conflict[t] = kind[t] == T_CONFLICT;
            if ((rc = remove_languages(im, u, s, src_hash, conflict)) < 0)
                return rc;
            im->first_known = 0; /* the first unit may have changed or gone */
            /* a known translation in a replaced language went with the others: it
               stays, in the new unit, unless it is still stored elsewhere */
            for (size_t t = 0; t < u->nvariants; t++) {
                if (kind[t] != T_KNOWN || im->keep[t])
                    continue;
                int replaced_lang = 0;
                for (size_t c = 0; c < u->nvariants && !replaced_lang; c++)
                    replaced_lang = kind[c] == T_CONFLICT && im->vlang[c] == im->vlang[t];
                if (!replaced_lang)
                    continue;
                size_t e = 0;
                while (e < t && !(e != s && im->keep[e] && im->vhash[e] == im->vhash[t]))
                    e++;
                if (e < t)
                    continue;
                if ((rc = find_stored(im, u, s, t, WANT_PAIR, src_hash, &su, &found)) < 0)
                    return rc;
                if (!found)
                    im->keep[t] = 1;
            }
            break;
        }
        default:
            im->st->alternatives++;
            break;
        }
    }
    /* translations into languages the source has nowhere yet join the first unit with it */
    if (nnew) {
        if ((rc = find_stored(im, u, s, s, WANT_SOURCE, src_hash, &su, &found)) < 0)
            return rc;
        if (found) {
            for (size_t t = 0; t < u->nvariants; t++) {
                saved[t] = im->keep[t];
                if (t != s)
                    im->keep[t] = kind[t] == T_NEW;
            }
            if ((rc = merge_into(im, &su, u, s, src_hash)) < 0)
                return rc;
            for (size_t t = 0; t < u->nvariants; t++)
                im->keep[t] = t == s || (saved[t] && kind[t] != T_NEW);
        }
    }
    size_t left = 0;
    for (size_t t = 0; t < u->nvariants; t++)
        left += t != s && im->keep[t];
    return left ? store_unit(im, u, s, src_hash) : 0;
}

/* Take the batches of one file and write them; returns the first error. */
static int write_file(importer *im, pipe_state *ps)
{
    int rc = 0;
    for (;;) {
        pthread_mutex_lock(&ps->mu);
        while (!ps->full_head && !ps->done)
            pthread_cond_wait(&ps->cv, &ps->mu);
        batch *b = ps->full_head;
        if (b) {
            ps->full_head = b->next;
            if (!ps->full_head)
                ps->full_tail = NULL;
        }
        pthread_mutex_unlock(&ps->mu);
        if (!b)
            break; /* the reader is done and everything is written */
        for (size_t i = 0; i < b->n && rc == 0; i++) {
            item *it = &b->items[i];
            switch (it->kind) {
            case ITEM_HEADER:
                rc = write_header(im, &it->u.header);
                break;
            case ITEM_UNIT:
                rc = write_unit(im, &it->u.unit);
                break;
            case ITEM_EVENT:
                if (it->u.event.is_error) {
                    im->st->invalid++;
                    im->st->read++; /* an invalid unit was read too */
                } else
                    im->st->warnings++;
                if (im->opts->event)
                    im->opts->event(&it->u.event, im->opts->ud);
                break;
            case ITEM_PROGRESS:
                if (im->opts->progress)
                    im->opts->progress(im->file, it->u.progress.done, it->u.progress.total,
                                       im->st->read, im->opts->ud);
                break;
            default:
                break;
            }
        }
        /* the queued rows are copies, but a batch is a natural point to write them */
        if (rc == 0)
            rc = flush_rows(im);
        if (rc == 0 && im->opts->cancel && *im->opts->cancel)
            rc = cc_error_set(CONCORD_EUSER, "the import was interrupted");
        pthread_mutex_lock(&ps->mu);
        b->next = ps->free_list;
        ps->free_list = b;
        if (rc < 0)
            ps->stop = 1;
        pthread_cond_broadcast(&ps->cv);
        pthread_mutex_unlock(&ps->mu);
        if (rc < 0)
            break;
    }
    return rc;
}

/* The next unit id: after the highest ever given, so that no id is used twice. */
static int last_unit_id(importer *im)
{
    sqlite3_stmt *st;
    int rc = cc_tm_prepare(im->tm, &st, SQL_LAST_ID);
    if (rc < 0)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        im->next_id = sqlite3_column_int64(st, 0) + 1;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : cc_tm_db_error(im->tm, rc, "reading the TM");
}

static int import_file(importer *im, const char *path, int skip_invalid)
{
    pipe_state ps;
    batch batches[NBATCHES];
    memset(&ps, 0, sizeof(ps));
    memset(batches, 0, sizeof(batches));
    for (int i = 0; i < NBATCHES; i++) {
        batches[i].next = ps.free_list;
        ps.free_list = &batches[i];
    }
    ps.path = path;
    ps.skip_invalid = skip_invalid;
    pthread_mutex_init(&ps.mu, NULL);
    pthread_cond_init(&ps.cv, NULL);
    im->file = path;
    im->origin = 0;
    pthread_t th;
    int rc;
    if (pthread_create(&th, NULL, reader_main, &ps) != 0) {
        rc = cc_error_set(CONCORD_ERROR, "cannot start the reading thread");
    } else {
        rc = write_file(im, &ps);
        if (rc < 0) {
            /* make sure the reader is not waiting for a free batch */
            pthread_mutex_lock(&ps.mu);
            ps.stop = 1;
            pthread_cond_broadcast(&ps.cv);
            pthread_mutex_unlock(&ps.mu);
        }
        pthread_join(th, NULL);
        if (rc == 0 && ps.rc < 0) {
            /* the reader's error, set again on this thread */
            rc = cc_error_set_at(ps.err.code, ps.err_file[0] ? ps.err_file : NULL, ps.err.line,
                                 ps.err.column, ps.err.offset, "%s", ps.err_msg);
        }
    }
    pthread_cond_destroy(&ps.cv);
    pthread_mutex_destroy(&ps.mu);
    for (int i = 0; i < NBATCHES; i++) {
        cc_arena_free(&batches[i].arena);
        cc_free(batches[i].items);
    }
    return rc;
}

int concord_tm_import_tmx(concord_import_stats *stats, concord_tm *tm, const char *const *paths,
                          size_t npaths, const concord_import_options *opts)
{
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    concord_import_stats local = CONCORD_IMPORT_STATS_INIT;
    importer *im;
    int rc;
    if (!stats)
        stats = &local;
    if ((rc = cc_version_check(stats->version, CONCORD_IMPORT_STATS_VERSION, "import stats")) < 0)
        return rc;
    unsigned int stats_version = stats->version;
    memset(stats, 0, sizeof(*stats));
    stats->version = stats_version;
    if (opts) {
        /* a caller built against older headers passes a shorter struct: the
           fields it has, over the defaults of the rest */
        static const size_t size_of[] = {0, offsetof(concord_import_options, cancel),
                                         sizeof(concord_import_options)};
        if ((rc = cc_version_check(opts->version, CONCORD_IMPORT_OPTIONS_VERSION,
                                   "import options")) < 0)
            return rc;
        memcpy(&o, opts, size_of[opts->version]);
        o.version = CONCORD_IMPORT_OPTIONS_VERSION;
    }
    opts = &o;
    if (tm->readonly)
        return cc_error_set_at(CONCORD_EINVAL, tm->path, 0, 0, 0, "the TM is open read-only");
    if (!(im = cc_calloc(1, sizeof(*im))))
        return cc_error_oom();
    im->tm = tm;
    im->opts = opts;
    im->st = stats;
    if ((rc = rowq_init(&im->q_unit, SQL_INS_UNIT, 15)) < 0 ||
        (rc = rowq_init(&im->q_extra, SQL_INS_EXTRA, 6)) < 0 ||
        (rc = rowq_init(&im->q_key, SQL_PUT_KEY, 2)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->ins_origin, SQL_INS_ORIGIN)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->find_src, SQL_FIND_SRC)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->get_unit, SQL_GET_UNIT)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->upd_unit, SQL_UPD_UNIT)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->del_unit, SQL_DEL_UNIT)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->del_extras, SQL_DEL_EXTRAS)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->get_extras, SQL_GET_EXTRAS)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->get_lang, SQL_GET_LANG)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->ins_lang, SQL_INS_LANG)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->get_key, SQL_GET_KEY)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->ins_change, SQL_INS_CHANGE)) < 0)
        goto done;
    /* one transaction for everything: all or nothing */
    if ((rc = cc_tm_exec(tm, "BEGIN IMMEDIATE")) < 0) {
        if (strstr(concord_error_last()->message, "locked"))
            rc = cc_error_set_at(CONCORD_EIO, tm->path, 0, 0, 0,
                                 "the TM is being written by another process; try again later");
        goto done;
    }
    rc = last_unit_id(im);
    for (size_t i = 0; i < npaths && rc == 0; i++)
        rc = import_file(im, paths[i], opts->skip_invalid);
    if (rc == 0)
        rc = cc_tm_exec(tm, "COMMIT");
    if (rc < 0)
        sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL); /* keeps our error */
    else
        sqlite3_wal_checkpoint_v2(tm->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
done:;
    sqlite3_stmt *all[] = {im->ins_origin, im->find_src,   im->get_unit,   im->upd_unit,
                           im->del_unit,   im->del_extras, im->get_extras, im->get_lang,
                           im->ins_lang,   im->get_key,    im->ins_change};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sqlite3_finalize(all[i]);
    rowq_free(&im->q_unit);
    rowq_free(&im->q_extra);
    rowq_free(&im->q_key);
    cc_arena_free(&im->qarena);
    for (size_t i = 0; i < im->cap; i++)
        cc_buf_free(&im->codes[i]);
    cc_free(im->codes);
    cc_free(im->vhash);
    cc_free(im->vlang);
    cc_free(im->keep);
    cc_free(im->ids);
    cc_free(im->filter);
    cc_buf_free(&im->blob);
    cc_arena_free(&im->arena);
    cc_free(im);
    return rc;
}
