/*
 * import.c — TMX into the store, in one transaction.
 *
 * Two threads: one reads the TMX (XML parsing is half the work) and copies
 * each unit into a batch; the calling thread takes the batches and writes
 * them to SQLite. At most three batches exist at a time, so memory stays
 * bounded whatever the size of the file. Every callback of the caller runs
 * on the calling thread.
 *
 * Each unit gets two hashes: src_hash over its source variant (language,
 * text, codes), which is indexed, and content_hash over all its variants
 * (order-independent). The units with the same src_hash are the only
 * candidates: among them, one with the same content_hash is identical (never
 * stored twice), the others are other translations of the same source, for
 * the duplicate policy. A hash match is always confirmed by comparing the
 * stored texts, so a collision can never drop a unit.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    concord_tmx_callbacks cb = {r_header, r_unit, r_event, r_progress, ps};
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

typedef struct importer {
    concord_tm *tm;
    const concord_import_options *opts;
    concord_import_stats *st;
    const char *file;
    sqlite3_int64 origin;
    sqlite3_stmt *ins_origin, *ins_unit, *ins_extra, *find_src, *del_unit, *del_extras, *get_lang,
        *ins_lang;
    struct {
        char tag[64];
        sqlite3_int64 id;
    } langs[32];
    int nlangs;
    /* per unit scratch */
    cc_buf *codes;
    size_t cap;
    uint64_t *vhash, *hsort;
    int64_t *vlang;
    cc_buf blob;
    cc_stored_variant stored[MAX_VARIANTS];
} importer;

static const char *SQL_INS_ORIGIN =
    "INSERT INTO origin(file, imported_at, tmx_version, creationtool, creationtoolversion, "
    "o_tmf, datatype, segtype, adminlang, srclang, header) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
static const char *SQL_INS_UNIT =
    "INSERT INTO unit(origin, tuid, srclang, src_lang, src_seq, first_date, last_date, attrs, "
    "has_extra, src_hash, content_hash, nvariants, variants) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char *SQL_INS_EXTRA =
    "INSERT INTO extra(unit, vseq, seq, type, attrs, value) VALUES (?,?,?,?,?,?)";
static const char *SQL_FIND_SRC =
    "SELECT id, src_seq, content_hash, variants FROM unit WHERE src_hash = ?";
static const char *SQL_DEL_UNIT = "DELETE FROM unit WHERE id = ?";
static const char *SQL_DEL_EXTRAS = "DELETE FROM extra WHERE unit = ?";
static const char *SQL_GET_LANG = "SELECT id FROM lang WHERE tag = ?";
static const char *SQL_INS_LANG = "INSERT INTO lang(tag) VALUES (?)";

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
    size_t n = strlen(name);
    if (!attrs)
        return NULL;
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
    h = cc_realloc(im->hsort, cap * sizeof(*h));
    if (!h)
        return cc_error_oom();
    im->hsort = h;
    int64_t *l = cc_realloc(im->vlang, cap * sizeof(*l));
    if (!l)
        return cc_error_oom();
    im->vlang = l;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (blen == 0 || memcmp(a, b, blen) == 0);
}

/*
 * Compare the stored variants sv[0..n) (source at src_seq) with u: *identical
 * when both hold the same (language, text, codes) multiset; *same_source when
 * the stored source equals u's source variant s and a target language is
 * shared.
 */
static void compare_unit(importer *im, const cc_stored_variant *sv, size_t n, size_t src_seq,
                         const concord_unit *u, size_t s, int check_identical, int *identical,
                         int *same_source)
{
    unsigned char used[MAX_VARIANTS];
    size_t matched = 0;
    int src_equal = 0, common = 0;
    if (check_identical)
        memset(used, 0, u->nvariants);
    for (size_t k = 0; k < n; k++) {
        if (k == src_seq) {
            src_equal =
                sv[k].lang == im->vlang[s] &&
                same_bytes(sv[k].text, sv[k].text_len, u->variants[s].text,
                           u->variants[s].text_len) &&
                same_bytes(sv[k].codes, sv[k].codes_len, im->codes[s].data, im->codes[s].len);
        } else {
            for (size_t i = 0; i < u->nvariants; i++)
                common |= i != s && im->vlang[i] == sv[k].lang;
        }
        for (size_t i = 0; check_identical && i < u->nvariants; i++) {
            if (used[i] || im->vlang[i] != sv[k].lang ||
                !same_bytes(sv[k].text, sv[k].text_len, u->variants[i].text,
                            u->variants[i].text_len) ||
                !same_bytes(sv[k].codes, sv[k].codes_len, im->codes[i].data, im->codes[i].len))
                continue;
            used[i] = 1;
            matched++;
            break;
        }
    }
    *identical = check_identical && n == u->nvariants && matched == u->nvariants;
    *same_source = src_equal && common;
}

static int delete_unit(importer *im, sqlite3_int64 id)
{
    int rc;
    sqlite3_bind_int64(im->del_extras, 1, id);
    sqlite3_bind_int64(im->del_unit, 1, id);
    if ((rc = step_done(im, im->del_extras)) < 0 || (rc = step_done(im, im->del_unit)) < 0)
        return rc;
    return 0;
}

static int insert_extras(importer *im, sqlite3_int64 unit, sqlite3_int64 vseq,
                         const concord_prop *props, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = im->ins_extra;
        sqlite3_bind_int64(st, 1, unit);
        sqlite3_bind_int64(st, 2, vseq);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)i);
        bind_text(st, 4, props[i].type);
        bind_text(st, 5, props[i].attrs);
        bind_text(st, 6, props[i].value);
        if ((rc = step_done(im, st)) < 0)
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

static int store_unit(importer *im, const concord_unit *u, size_t s, uint64_t src_hash,
                      uint64_t content_hash)
{
    int rc;
    char first[64] = "", last[64] = "";
    int has_extra = u->nprops > 0;
    note_dates(u->attrs, first, last);
    for (size_t i = 0; i < u->nvariants; i++) {
        has_extra |= u->variants[i].nprops > 0;
        note_dates(u->variants[i].attrs, first, last);
    }
    cc_buf_clear(&im->blob);
    if ((rc = cc_variants_encode(&im->blob, im->vlang, u->variants, u->nvariants, im->codes)) < 0)
        return rc;
    sqlite3_stmt *st = im->ins_unit;
    if (im->origin)
        sqlite3_bind_int64(st, 1, im->origin);
    else
        sqlite3_bind_null(st, 1);
    bind_text(st, 2, u->tuid);
    bind_text(st, 3, u->srclang);
    sqlite3_bind_int64(st, 4, im->vlang[s]);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)s);
    bind_text(st, 6, *first ? first : NULL);
    bind_text(st, 7, *last ? last : NULL);
    bind_text(st, 8, u->attrs ? u->attrs : "");
    sqlite3_bind_int(st, 9, has_extra);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)src_hash);
    sqlite3_bind_int64(st, 11, (sqlite3_int64)content_hash);
    sqlite3_bind_int64(st, 12, (sqlite3_int64)u->nvariants);
    sqlite3_bind_blob(st, 13, im->blob.data, (int)im->blob.len, SQLITE_STATIC);
    if ((rc = step_done(im, st)) < 0)
        return rc;
    sqlite3_int64 id = sqlite3_last_insert_rowid(im->tm->db);
    for (size_t i = 0; i < u->nvariants; i++) {
        const concord_variant *v = &u->variants[i];
        if (v->nprops && (rc = insert_extras(im, id, (sqlite3_int64)i, v->props, v->nprops)) < 0)
            return rc;
    }
    if (u->nprops && (rc = insert_extras(im, id, -1, u->props, u->nprops)) < 0)
        return rc;
    im->st->imported++;
    im->st->variants += u->nvariants;
    return 0;
}

static int write_unit(importer *im, const concord_unit *u)
{
    int rc;
    im->st->read++;
    if (u->nvariants > MAX_VARIANTS)
        return cc_error_set_at(CONCORD_ELIMIT, im->file, u->line, 0, 0,
                               "a <tu> with more than %d variants", MAX_VARIANTS);
    if ((rc = grow_scratch(im, u->nvariants)) < 0)
        return rc;
    /* per-variant hashes over language, text and codes */
    for (size_t i = 0; i < u->nvariants; i++) {
        const concord_variant *v = &u->variants[i];
        cc_buf_clear(&im->codes[i]);
        if ((rc = cc_codes_serialize(v->codes, v->ncodes, &im->codes[i])) < 0 ||
            (rc = lang_id(im, v->lang, &im->vlang[i])) < 0)
            return rc;
        uint64_t h = cc_hash(CC_HASH_INIT, v->lang, strlen(v->lang) + 1);
        h = cc_hash(h, v->text, v->text_len + 1);
        im->vhash[i] = cc_hash(h, im->codes[i].data ? im->codes[i].data : "", im->codes[i].len);
    }
    /* the source variant: the one in srclang, else the first */
    size_t s = 0;
    if (u->srclang && strcmp(u->srclang, "*all*") != 0)
        for (size_t i = 0; i < u->nvariants; i++)
            if (strcmp(u->variants[i].lang, u->srclang) == 0) {
                s = i;
                break;
            }
    uint64_t src_hash = im->vhash[s];
    memcpy(im->hsort, im->vhash, u->nvariants * sizeof(*im->hsort));
    qsort(im->hsort, u->nvariants, sizeof(*im->hsort), cmp_u64);
    uint64_t content_hash = cc_hash(CC_HASH_INIT, im->hsort, u->nvariants * sizeof(uint64_t));

    /* the stored units with the same source: identical ones, other translations */
    enum { MAXC = 256 };
    sqlite3_int64 same_ids[MAXC];
    size_t nsame = 0;
    sqlite3_bind_int64(im->find_src, 1, (sqlite3_int64)src_hash);
    while ((rc = sqlite3_step(im->find_src)) == SQLITE_ROW) {
        size_t n;
        const void *blob = sqlite3_column_blob(im->find_src, 3);
        int len = sqlite3_column_bytes(im->find_src, 3);
        if (cc_variants_decode(blob, (size_t)len, im->stored, MAX_VARIANTS, &n) < 0) {
            sqlite3_reset(im->find_src);
            return CONCORD_ERROR;
        }
        int identical, same;
        uint64_t stored_hash = (uint64_t)sqlite3_column_int64(im->find_src, 2);
        compare_unit(im, im->stored, n, (size_t)sqlite3_column_int64(im->find_src, 1), u, s,
                     stored_hash == content_hash, &identical, &same);
        if (identical) {
            sqlite3_reset(im->find_src);
            im->st->identical++;
            return 0;
        }
        if (same && nsame < MAXC)
            same_ids[nsame++] = sqlite3_column_int64(im->find_src, 0);
    }
    sqlite3_reset(im->find_src);
    if (rc != SQLITE_DONE)
        return cc_tm_db_error(im->tm, rc, "reading the TM");
    if (nsame) {
        switch (im->opts->on_duplicate) {
        case CONCORD_DUP_SKIP:
            im->st->skipped++;
            return 0;
        case CONCORD_DUP_REPLACE:
            for (size_t c = 0; c < nsame; c++) {
                if ((rc = delete_unit(im, same_ids[c])) < 0)
                    return rc;
                im->st->replaced++;
            }
            break;
        default:
            im->st->alternatives++;
            break;
        }
    }
    return store_unit(im, u, s, src_hash, content_hash);
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

int concord_tm_import_tmx(concord_tm *tm, const char *const *paths, size_t npaths,
                          const concord_import_options *opts, concord_import_stats *stats)
{
    static const concord_import_options defaults = CONCORD_IMPORT_OPTIONS_INIT;
    concord_import_stats local;
    importer *im;
    int rc;
    if (!opts)
        opts = &defaults;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    if (opts->version != CONCORD_IMPORT_OPTIONS_VERSION)
        return cc_error_set(CONCORD_EINVAL, "unknown import options version %u", opts->version);
    if (tm->readonly)
        return cc_error_set_at(CONCORD_EINVAL, tm->path, 0, 0, 0, "the TM is open read-only");
    if (!(im = cc_calloc(1, sizeof(*im))))
        return cc_error_oom();
    im->tm = tm;
    im->opts = opts;
    im->st = stats;
    if ((rc = cc_tm_prepare(tm, &im->ins_origin, SQL_INS_ORIGIN)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->ins_unit, SQL_INS_UNIT)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->ins_extra, SQL_INS_EXTRA)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->find_src, SQL_FIND_SRC)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->del_unit, SQL_DEL_UNIT)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->del_extras, SQL_DEL_EXTRAS)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->get_lang, SQL_GET_LANG)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->ins_lang, SQL_INS_LANG)) < 0)
        goto done;
    /* one transaction for everything: all or nothing */
    if ((rc = cc_tm_exec(tm, "BEGIN IMMEDIATE")) < 0) {
        if (strstr(concord_error_last()->message, "locked"))
            rc = cc_error_set_at(CONCORD_EIO, tm->path, 0, 0, 0,
                                 "the TM is being written by another process; try again later");
        goto done;
    }
    for (size_t i = 0; i < npaths && rc == 0; i++)
        rc = import_file(im, paths[i], opts->skip_invalid);
    if (rc == 0)
        rc = cc_tm_exec(tm, "COMMIT");
    if (rc < 0)
        sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL); /* keeps our error */
    else
        sqlite3_wal_checkpoint_v2(tm->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
done:
    sqlite3_finalize(im->ins_origin);
    sqlite3_finalize(im->ins_unit);
    sqlite3_finalize(im->ins_extra);
    sqlite3_finalize(im->find_src);
    sqlite3_finalize(im->del_unit);
    sqlite3_finalize(im->del_extras);
    sqlite3_finalize(im->get_lang);
    sqlite3_finalize(im->ins_lang);
    for (size_t i = 0; i < im->cap; i++)
        cc_buf_free(&im->codes[i]);
    cc_free(im->codes);
    cc_free(im->vhash);
    cc_free(im->hsort);
    cc_free(im->vlang);
    cc_buf_free(&im->blob);
    cc_free(im);
    return rc;
}
