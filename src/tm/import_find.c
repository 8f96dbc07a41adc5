/*
 * import_find.c — duplicate detection: what the store already has for each
 * translation of a unit being imported (for dup_policy.c to judge).
 *
 * For a new unit with source S, each target T is already stored with S (the
 * pair, either way round), or S is stored with another translation in T's
 * language, or neither. Lookups go through the dupkey table — hashes of
 * (S, T) and (S, language of T), each pointing at a unit that had it — and
 * every hit is confirmed by comparing the stored texts, so neither a
 * collision nor a stale key can drop a unit. Units still in the row queue are
 * looked at too.
 */
#include <stdint.h>
#include <string.h>

#include "tm/import_internal.h"

/* Is a unit with source hash h queued? */
static int queued_source(const cc_importer *im, uint64_t h)
{
    for (size_t r = 0; r < im->q_unit.nrows; r++)
        if (cc_rowq_row(&im->q_unit, r)[CC_QU_SRC_HASH].i == (sqlite3_int64)h)
            return 1;
    return 0;
}

/* The unit of the last queued row of key (0 if none): INSERT OR REPLACE keeps the last. */
static sqlite3_int64 queued_key(const cc_importer *im, uint64_t key)
{
    /* a key in both queues was new at its first put: the replacing row is the later */
    const cc_rowq *qs[2] = {&im->q_key, &im->q_newkey};
    for (int k = 0; k < 2; k++)
        for (size_t r = qs[k]->nrows; r-- > 0;)
            if (cc_rowq_row(qs[k], r)[0].i == (sqlite3_int64)key)
                return cc_rowq_row(qs[k], r)[1].i;
    return 0;
}

static int same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (blen == 0 || memcmp(a, b, blen) == 0);
}

/* Is stored variant sv the same as variant i of the unit being imported? */
static int same_variant(const cc_importer *im, const cc_stored_variant *sv, const concord_unit *u,
                        size_t i)
{
    return sv->lang == im->vlang[i] &&
           same_bytes(sv->text, sv->text_len, u->variants[i].text, u->variants[i].text_len) &&
           same_bytes(sv->codes, sv->codes_len, im->codes[i].data, im->codes[i].len);
}

/* Decode a unit's variants blob (copied into the arena) into *su. */
static int decode_unit(cc_importer *im, const void *data, size_t len, cc_stored_unit *su)
{
    char *blob = cc_arena_alloc(&im->arena, len ? len : 1);
    if (!blob)
        return CONCORD_ENOMEM;
    memcpy(blob, data, len);
    size_t count = cc_variants_count(blob, len);
    if (count > CC_MAX_VARIANTS)
        return cc_error_set(CONCORD_ERROR, "corrupt unit in the TM");
    su->v = cc_arena_alloc(&im->arena, (count ? count : 1) * sizeof(*su->v));
    if (!su->v)
        return CONCORD_ENOMEM;
    su->blob = blob;
    su->blob_len = len;
    return cc_variants_decode(blob, len, su->v, count, &su->n) < 0 ? CONCORD_ERROR : 1;
}

int cc_import_load_unit(cc_importer *im, sqlite3_int64 id, cc_stored_unit *su)
{
    const cc_qval *q = cc_import_queued_unit(im, id);
    if (q) {
        su->id = id;
        su->src_seq = (size_t)q[CC_QU_SRC_SEQ].i;
        su->has_extra = (int)q[CC_QU_HAS_EXTRA].i;
        return decode_unit(im, q[CC_QU_VARIANTS].p, (size_t)q[CC_QU_VARIANTS].len, su);
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

int cc_import_source_group(cc_importer *im, uint64_t h)
{
    int rc = cc_import_flush(im);
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

/*
 * CC_WANT_PAIR: does stored unit su hold variants s and t of u as its source
 * and one of its translations, whichever is the source (en->de and de->en
 * are one pair)? 1 with s as its source, 2 with t. CC_WANT_LANG: is s its
 * source, with a translation in t's language? CC_WANT_SOURCE: is s its
 * source?
 */
int cc_import_unit_matches(const cc_importer *im, const cc_stored_unit *su, const concord_unit *u,
                           size_t s, size_t t, int want)
{
    if (want == CC_WANT_PAIR) {
        /* a (source, translation) pair: one of the two is the unit's source */
        if (su->src_seq >= su->n)
            return 0;
        const cc_stored_variant *src = &su->v[su->src_seq];
        size_t other;
        int match;
        if (same_variant(im, src, u, s)) {
            other = t;
            match = 1;
        } else if (same_variant(im, src, u, t)) {
            other = s;
            match = 2;
        } else {
            return 0;
        }
        for (size_t k = 0; k < su->n; k++)
            if (k != su->src_seq && same_variant(im, &su->v[k], u, other))
                return match;
        return 0;
    }
    if (su->src_seq >= su->n || !same_variant(im, &su->v[su->src_seq], u, s))
        return 0;
    if (want == CC_WANT_SOURCE)
        return 1;
    for (size_t k = 0; k < su->n; k++)
        if (k != su->src_seq && su->v[k].lang == im->vlang[t])
            return 1;
    return 0;
}

/* The key of a pair of variants, the same in both directions. */
static uint64_t pair_key(const cc_importer *im, size_t a, size_t b)
{
    return cc_import_pair_key(im->vhash[a], im->vhash[b]);
}

static uint64_t key_of(uint64_t src_hash, int kind, uint64_t what)
{
    uint64_t h = cc_hash(CC_HASH_INIT, &src_hash, sizeof(src_hash));
    h = cc_hash(h, &kind, sizeof(kind));
    return cc_hash(h, &what, sizeof(what));
}

static int filter_maybe(const cc_importer *im, uint64_t h);

/*
 * Queue a dupkey row. A key the filter has never seen is in neither the
 * TM nor the queues, so it needs no REPLACE: it goes in q_newkey. The new
 * keys are written before the others (a key put twice is new the first
 * time only), and both queues are written when either is full, so that
 * order holds.
 */
static int put_key(cc_importer *im, uint64_t key, sqlite3_int64 unit)
{
    cc_rowq *q = im->filter && !filter_maybe(im, key) ? &im->q_newkey : &im->q_key;
    cc_import_filter_add(im, key);
    cc_rowq_int(q, (sqlite3_int64)key);
    cc_rowq_int(q, unit);
    q->col = 0;
    if (++q->nrows < CC_ROWS_PER_INSERT)
        return 0;
    int rc = cc_rowq_flush(&im->q_newkey, im->tm);
    return rc < 0 ? rc : cc_rowq_flush(&im->q_key, im->tm);
}

/*
 * A Bloom filter of the keys and source hashes in the TM, so that a new
 * source or a new pair (most units of a large import) costs no lookup. It is
 * built from the TM once an import has passed CC_FILTER_AFTER units (a small
 * import into a large TM does not pay for reading all its keys), then kept
 * up to date as units are stored. Its size is fixed (2^20 words, 8 MB).
 *
 * It is blocked: both probes of a hash fall in one 64-bit word, so that a
 * look-up or an addition costs one cache miss, not two. The filter is far
 * larger than the caches, and these misses were the largest single cost of
 * the writer (three or four look-ups per unit). Blocking raises the false
 * positives a little (a TM of a million units, two or three million keys
 * and sources: a few percent), and a false positive only costs the lookup
 * that would have been made anyway.
 */
#define FILTER_WORDS ((uint64_t)1 << 20)

/* The word of h and its two bits (from bits of h the word index does not use). */
static inline uint64_t *filter_word(const cc_importer *im, uint64_t h, uint64_t *mask)
{
    h ^= h >> 29; /* FNV-1a's high bits are its best mixed: bring them down */
    *mask = (uint64_t)1 << (h >> 52 & 63) | (uint64_t)1 << (h >> 58);
    return &im->filter[h & (FILTER_WORDS - 1)];
}

void cc_import_filter_add(cc_importer *im, uint64_t h)
{
    if (!im->filter)
        return;
    uint64_t mask, *w = filter_word(im, h, &mask);
    *w |= mask;
}

void cc_import_filter_prefetch(const cc_importer *im, uint64_t h)
{
    uint64_t mask, *w = filter_word(im, h, &mask);
    __builtin_prefetch(w, 1); /* GCC and Clang */
}

/* 0: certainly not in the TM; 1: maybe (or no filter yet). */
static int filter_maybe(const cc_importer *im, uint64_t h)
{
    if (!im->filter)
        return 1;
    uint64_t mask, *w = filter_word(im, h, &mask);
    return (*w & mask) == mask;
}

int cc_import_filter_build(cc_importer *im)
{
    static const char *const sql[] = {"SELECT key FROM dupkey", "SELECT src_hash FROM unit"};
    int rc = cc_import_flush(im);
    if (rc < 0)
        return rc;
    if (!(im->filter = cc_calloc(FILTER_WORDS, sizeof(uint64_t))))
        return 0; /* only slower without it */
    for (size_t i = 0; i < 2; i++) {
        sqlite3_stmt *st;
        rc = cc_tm_prepare(im->tm, &st, sql[i]);
        if (rc < 0)
            return rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            cc_import_filter_add(im, (uint64_t)sqlite3_column_int64(st, 0));
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
static int group_find(cc_importer *im, uint64_t h, const concord_unit *u, size_t s, size_t t,
                      int want, cc_stored_unit *su, sqlite3_int64 *id, int *alone)
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
        if (cc_import_unit_matches(im, su, u, s, t, want)) {
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
        const cc_qval *q = cc_rowq_row(&im->q_unit, r);
        if (q[CC_QU_SRC_HASH].i != (sqlite3_int64)h)
            continue;
        if ((rc = cc_import_load_unit(im, q[CC_QU_ID].i, su)) < 0)
            return rc;
        if (rc == 1 && cc_import_unit_matches(im, su, u, s, t, want))
            *id = q[CC_QU_ID].i;
    }
    return 0;
}

void cc_import_src_cache_clear(cc_importer *im)
{
    for (size_t i = 0; i < CC_SRC_CACHE; i++)
        im->src_cache[i].id = 0;
}

void cc_import_src_cache_free(cc_importer *im)
{
    for (size_t i = 0; i < CC_SRC_CACHE; i++)
        cc_buf_free(&im->src_cache[i].blob);
}

static cc_src_cached *src_cache_find(cc_importer *im, uint64_t h)
{
    for (size_t i = 0; i < CC_SRC_CACHE; i++)
        if (im->src_cache[i].id && im->src_cache[i].h == h)
            return &im->src_cache[i];
    return NULL;
}

/* Remember unit id as the first with source hash h (oldest entry out; no memory: no entry). */
static void src_cache_put(cc_importer *im, uint64_t h, sqlite3_int64 id, size_t src_seq,
                          int has_extra, int alone, const void *blob, size_t blob_len)
{
    cc_src_cached *c = src_cache_find(im, h);
    if (!c)
        c = &im->src_cache[im->src_cache_next++ % CC_SRC_CACHE];
    c->id = 0;
    cc_buf_clear(&c->blob);
    if (cc_buf_append(&c->blob, blob_len ? blob : "", blob_len) < 0)
        return;
    c->h = h;
    c->id = id;
    c->src_seq = src_seq;
    c->has_extra = has_extra;
    c->alone = alone;
}

void cc_import_src_cache_stored(cc_importer *im, uint64_t h, sqlite3_int64 id, size_t src_seq,
                                int has_extra, int first, const void *blob, size_t blob_len)
{
    if (first) {
        src_cache_put(im, h, id, src_seq, has_extra, im->first_absent, blob, blob_len);
        return;
    }
    cc_src_cached *c = src_cache_find(im, h);
    if (c)
        c->alone = 0; /* the first unit is no longer the only one */
}

/*
 * The first stored unit whose source is variant v of u. The filter answers
 * for most new sources, the source cache for most repeated ones; a group is
 * almost always found at its first row (only a hash collision goes on).
 */
static int first_with_source(cc_importer *im, const concord_unit *u, size_t v, cc_stored_unit *su,
                             sqlite3_int64 *id, int *alone)
{
    int rc;
    uint64_t h = im->vhash[v];
    *id = 0;
    if (alone)
        *alone = 0;
    if (!filter_maybe(im, h))
        return 0;
    cc_src_cached *c = src_cache_find(im, h);
    if (c) {
        if ((rc = decode_unit(im, c->blob.data ? c->blob.data : "", c->blob.len, su)) < 0)
            return rc;
        su->id = c->id;
        su->src_seq = c->src_seq;
        su->has_extra = c->has_extra;
        /* the first unit with this source; a unit with another source and the same
           hash (a collision) is not taken for it: the long way then */
        if (cc_import_unit_matches(im, su, u, v, v, CC_WANT_SOURCE)) {
            *id = c->id;
            if (alone)
                *alone = c->alone;
            return 0;
        }
    }
    int a = 0;
    if ((rc = group_find(im, h, u, v, v, CC_WANT_SOURCE, su, id, alone ? &a : NULL)) < 0)
        return rc;
    if (alone)
        *alone = a;
    if (*id && !c)
        src_cache_put(im, h, *id, su->src_seq, su->has_extra, a, su->blob, su->blob_len);
    return 0;
}

int cc_import_source_first(cc_importer *im, const concord_unit *u, size_t s)
{
    if (im->first_known)
        return 0;
    im->first_absent = im->filter && !filter_maybe(im, im->vhash[s]);
    int rc = first_with_source(im, u, s, &im->first, &im->first_id, &im->first_alone);
    im->first_known = rc == 0;
    return rc;
}

/*
 * Find a stored unit with u's source and (per `want`) target t or its
 * language. *found is the unit's id, or 0; for a pair, *reversed says
 * whether t is the source of that unit.
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
 * CC_WANT_LANG looks at the first unit, then at a key put when a unit with
 * that source and language was last found, then through the whole group.
 */
int cc_import_find(cc_importer *im, const concord_unit *u, size_t s, size_t t, int want,
                   uint64_t src_hash, cc_stored_unit *su, sqlite3_int64 *found, int *reversed)
{
    int rc, m;
    *found = 0;
    if (reversed)
        *reversed = 0;
    if ((rc = cc_import_source_first(im, u, s)) < 0)
        return rc;
    if (im->first_id && cc_import_unit_matches(im, &im->first, u, s, t, want)) {
        *found = im->first_id;
        *su = im->first;
        return 0;
    }
    if (want == CC_WANT_SOURCE)
        return 0;
    if (want == CC_WANT_PAIR) {
        sqlite3_int64 id;
        if ((rc = first_with_source(im, u, t, su, &id, NULL)) < 0)
            return rc;
        if (id && (m = cc_import_unit_matches(im, su, u, s, t, want)) != 0) {
            *found = id;
            if (reversed)
                *reversed = m == 2;
            return 0;
        }
    } else if (!im->first_id) {
        return 0; /* no unit with this source */
    }
    uint64_t key =
        want == CC_WANT_PAIR ? pair_key(im, s, t) : key_of(src_hash, 'L', (uint64_t)im->vlang[t]);
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
        if ((rc = cc_import_load_unit(im, id, su)) < 0)
            return rc;
        if (rc == 1 && (m = cc_import_unit_matches(im, su, u, s, t, want)) != 0) {
            *found = id;
            if (reversed)
                *reversed = want == CC_WANT_PAIR && m == 2;
            return 0;
        }
    }
    if (want == CC_WANT_PAIR)
        return 0;
    /* a language: through the group */
    if (im->first_alone && !queued_source(im, src_hash))
        return 0; /* the group is the first unit, seen above */
    if ((rc = group_find(im, src_hash, u, s, t, want, su, found, NULL)) < 0)
        return rc;
    return *found ? put_key(im, key, *found) : 0;
}

int cc_import_put_pair_keys(cc_importer *im, const concord_unit *u, size_t s, sqlite3_int64 id)
{
    int rc;
    for (size_t i = 0; i < u->nvariants; i++)
        if (i != s && im->keep[i] && (rc = put_key(im, pair_key(im, s, i), id)) < 0)
            return rc;
    return 0;
}

/* Are variants a and b of u the same translation (language, text, inline codes)? */
static int same_translation(const cc_importer *im, const concord_unit *u, size_t a, size_t b)
{
    return im->vhash[a] == im->vhash[b] && im->vlang[a] == im->vlang[b] &&
           same_bytes(u->variants[a].text, u->variants[a].text_len, u->variants[b].text,
                      u->variants[b].text_len) &&
           same_bytes(im->codes[a].data, im->codes[a].len, im->codes[b].data, im->codes[b].len);
}

int cc_import_detect(cc_importer *im, const concord_unit *u, size_t s, uint64_t src_hash,
                     int *source_stored)
{
    int rc;
    cc_stored_unit su;
    sqlite3_int64 found;
    for (size_t t = 0; t < u->nvariants; t++) {
        cc_dup_variant *d = &im->found[t];
        d->lang = im->vlang[t];
        d->repeat_of = 0;
        d->reversed = 0;
        d->found = CC_DUP_IS_SOURCE;
        if (t == s)
            continue;
        /* the same translation twice in this unit counts once */
        size_t e = 0;
        while (e < t && !(e != s && same_translation(im, u, e, t)))
            e++;
        if (e < t) {
            d->found = CC_DUP_REPEAT;
            d->repeat_of = e;
            continue;
        }
        if ((rc = cc_import_find(im, u, s, t, CC_WANT_PAIR, src_hash, &su, &found, &d->reversed)) <
            0)
            return rc;
        if (found) {
            d->found = CC_DUP_PAIR;
            continue;
        }
        if ((rc = cc_import_find(im, u, s, t, CC_WANT_LANG, src_hash, &su, &found, NULL)) < 0)
            return rc;
        d->found = found ? CC_DUP_LANG : CC_DUP_NONE;
    }
    if ((rc = cc_import_source_first(im, u, s)) < 0)
        return rc;
    *source_stored = im->first_id != 0;
    return 0;
}
