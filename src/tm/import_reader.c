/*
 * import_reader.c — the reading thread of an import. Parsing TMX is about as
 * much work as storing it, so one thread reads the source and copies each
 * unit into a batch while the calling thread writes the batches before it to
 * SQLite. At most NBATCHES batches exist at a time, so memory stays bounded
 * whatever the size of the file; everything the caller sees (units, events,
 * progress, errors) arrives on the calling thread, in order. The writer is
 * most often the slower of the two, so the reader also prepares the units
 * (hashes, encoded variants: see cc_unit_prep) while it is the one that
 * waits, and the writer prefetches the filter words of the unit AHEAD of
 * the one it writes. A file of many-variant units with props can turn
 * that round: when the writer waits, it prepares for itself again.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "tm/import_internal.h"

#define BATCH_UNITS 512
#define BATCH_BYTES (4u << 20)
#define NBATCHES    3
#define AHEAD       4 /* the unit whose look-ups are prefetched, ahead of the one written */

enum item_kind { ITEM_HEADER, ITEM_UNIT, ITEM_EVENT, ITEM_PROGRESS };

typedef struct item {
    int kind;
    const cc_unit_prep *prep; /* of a unit, or NULL (the writer works it out) */
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
    const cc_tmx_source *src;
    int skip_invalid;
    batch *cur;
    int cur_prep; /* prepare the units of the current batch */
    int oom;
    /* whether the reader prepares units: set when the reader waits for the writer,
       cleared when the writer waits for the reader (under mu) */
    int prep;
    cc_buf *codes; /* scratch of prepare(): the serialized codes of each variant */
    int64_t *zeros;
    size_t cap;
    cc_buf blob;
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
    if (cc_grow((void **)&b->items, &b->cap, b->n + 1, sizeof(*b->items)) < 0)
        return NULL;
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
    if (!ps->free_list && !ps->stop)
        ps->prep = 1; /* the writer is the slower: take work off it */
    while (!ps->free_list && !ps->stop)
        pthread_cond_wait(&ps->cv, &ps->mu);
    batch *b = ps->stop ? NULL : ps->free_list;
    if (b)
        ps->free_list = b->next;
    ps->cur_prep = ps->prep;
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

/* The reader's scratch for n variants. */
static int grow_scratch(pipe_state *ps, size_t n)
{
    if (n <= ps->cap)
        return 0;
    size_t cap = ps->cap ? ps->cap : 8;
    while (cap < n)
        cap *= 2;
    int64_t *z = cc_realloc(ps->zeros, cap * sizeof(*z));
    if (!z)
        return -1;
    memset(z, 0, cap * sizeof(*z));
    ps->zeros = z;
    cc_buf *c = cc_realloc(ps->codes, cap * sizeof(*c));
    if (!c)
        return -1;
    for (size_t i = ps->cap; i < cap; i++)
        c[i] = (cc_buf)CC_BUF_INIT;
    ps->codes = c;
    ps->cap = cap;
    return 0;
}

/*
 * What the writer would work out for u (copied into b) and needs nothing of
 * the store for; NULL if anything fails (an unknown code kind, no memory):
 * the writer then does it all itself, errors and all, in order.
 */
static const cc_unit_prep *prepare(pipe_state *ps, batch *b, const concord_unit *u)
{
    size_t n = u->nvariants;
    if (n == 0 || n > CC_MAX_VARIANTS || grow_scratch(ps, n) < 0)
        return NULL;
    cc_unit_prep *p = cc_arena_alloc(&b->arena, sizeof(*p));
    uint64_t *vhash = cc_arena_alloc(&b->arena, n * sizeof(*vhash));
    uint64_t *pair = cc_arena_alloc(&b->arena, n * sizeof(*pair));
    uint32_t *lang_at = cc_arena_alloc(&b->arena, n * sizeof(*lang_at));
    if (!p || !vhash || !pair || !lang_at)
        return NULL;
    size_t at = 4; /* after the count: see cc_variants_encode() */
    for (size_t i = 0; i < n; i++) {
        const concord_variant *v = &u->variants[i];
        cc_buf *c = &ps->codes[i];
        cc_buf_clear(c);
        if (cc_codes_serialize(v->codes, v->ncodes, c) < 0)
            return NULL;
        vhash[i] = cc_import_variant_hash(v->lang, v->text, v->text_len, c->data, c->len);
        if (at > UINT32_MAX)
            return NULL;
        lang_at[i] = (uint32_t)at;
        at += 16 + v->text_len + c->len + (v->attrs ? strlen(v->attrs) : 0);
    }
    char first[64] = "", last[64] = "", tool[CC_TOOL_MAX], toolversion[CC_TOOL_MAX];
    cc_import_note_dates(u->attrs, first, last);
    for (size_t i = 0; i < n; i++)
        cc_import_note_dates(u->variants[i].attrs, first, last);
    const char *t = cc_import_attr_value(u->attrs, "creationtool", tool, sizeof(tool));
    const char *tv =
        cc_import_attr_value(u->attrs, "creationtoolversion", toolversion, sizeof(toolversion));
    p->first_date = p->last_date = p->tool = p->toolversion = NULL;
    if ((*first && !(p->first_date = dup_str(b, first))) ||
        (*last && !(p->last_date = dup_str(b, last))) || (t && !(p->tool = dup_str(b, t))) ||
        (tv && !(p->toolversion = dup_str(b, tv))))
        return NULL;
    p->n = n;
    p->src = cc_import_source_variant(u);
    for (size_t i = 0; i < n; i++)
        pair[i] = cc_import_pair_key(vhash[p->src], vhash[i]);
    cc_buf_clear(&ps->blob);
    if (cc_variants_encode(&ps->blob, ps->zeros, u->variants, n, ps->codes) < 0 ||
        ps->blob.len != at || at > (size_t)INT32_MAX)
        return NULL;
    if (!(p->blob = cc_arena_alloc(&b->arena, at)))
        return NULL;
    memcpy(p->blob, ps->blob.data, at);
    b->bytes += at;
    p->blob_len = at;
    p->vhash = vhash;
    p->pair = pair;
    p->lang_at = lang_at;
    return p;
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
    it->prep = ps->cur_prep ? prepare(ps, b, &it->u.unit) : NULL;
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
    int rc = ps->src->run(ps->src, ps->skip_invalid, &cb);
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

int cc_tmx_source_file(const cc_tmx_source *src, int skip_invalid, const concord_tmx_callbacks *cb)
{
    return concord_tmx_read(src->name, skip_invalid, cb);
}

int cc_tmx_source_memory(const cc_tmx_source *src, int skip_invalid,
                         const concord_tmx_callbacks *cb)
{
    const cc_tmx_memory *m = src->data;
    return concord_tmx_read_memory(m->data, m->len, src->name, skip_invalid, cb);
}

int cc_tmx_source_reader(const cc_tmx_source *src, int skip_invalid,
                         const concord_tmx_callbacks *cb)
{
    const cc_tmx_reader *rd = src->data;
    return concord_tmx_read_reader(rd->read, rd->ud, src->name, skip_invalid, cb);
}

/* Take the batches and hand their items to the sink; returns the first error. */
static int drain(pipe_state *ps, const cc_import_sink *sink)
{
    int rc = 0, started = 0;
    for (;;) {
        pthread_mutex_lock(&ps->mu);
        /* the reader is the slower: the writer prepares for itself (waiting for
           the first batch says nothing) */
        if (!ps->full_head && !ps->done && started)
            ps->prep = 0;
        started = 1;
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
            break; /* the reader is done and everything is handed over */
        for (size_t i = 0; i < b->n && rc == 0; i++) {
            item *it = &b->items[i];
            if (i + AHEAD < b->n && b->items[i + AHEAD].prep)
                sink->ahead(b->items[i + AHEAD].prep, sink->ud);
            switch (it->kind) {
            case ITEM_HEADER:
                rc = sink->header(&it->u.header, sink->ud);
                break;
            case ITEM_UNIT:
                rc = sink->unit(&it->u.unit, it->prep, sink->ud);
                break;
            case ITEM_EVENT:
                sink->event(&it->u.event, sink->ud);
                break;
            case ITEM_PROGRESS:
                sink->progress(it->u.progress.done, it->u.progress.total, sink->ud);
                break;
            default:
                break;
            }
        }
        if (rc == 0)
            rc = sink->batch_end(sink->ud);
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

int cc_import_pipe(const cc_tmx_source *src, int skip_invalid, const cc_import_sink *sink)
{
    pipe_state ps;
    batch batches[NBATCHES];
    memset(&ps, 0, sizeof(ps));
    memset(batches, 0, sizeof(batches));
    for (int i = 0; i < NBATCHES; i++) {
        batches[i].next = ps.free_list;
        ps.free_list = &batches[i];
    }
    ps.src = src;
    ps.skip_invalid = skip_invalid;
    ps.prep = 1;
    pthread_mutex_init(&ps.mu, NULL);
    pthread_cond_init(&ps.cv, NULL);
    pthread_t th;
    int rc;
    if (pthread_create(&th, NULL, reader_main, &ps) != 0) {
        rc = cc_error_set(CONCORD_ERROR, "cannot start the reading thread");
    } else {
        rc = drain(&ps, sink);
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
    for (size_t i = 0; i < ps.cap; i++)
        cc_buf_free(&ps.codes[i]);
    cc_free(ps.codes);
    cc_free(ps.zeros);
    cc_buf_free(&ps.blob);
    return rc;
}
