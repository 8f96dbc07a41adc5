/*
 * index.c — the inverted index of word tokens that finds candidates.
 *
 * Per language (primary subtag), each distinct word of each variant in that
 * language has a posting: the unit's id and the variant's number of words.
 * Postings are collected in memory and written as blocks under the key of
 * (language, word) — see tm_index.h. A block is a sequence of entries, each
 * two varints: the unit id minus the previous entry's (the first: minus 0)
 * and the number of words. Variants without words are filed under
 * CC_EMPTY_WORD_KEY.
 *
 * An update indexes the units stored since the last one and the units that
 * got variants by a merge since then (their postings are written again: a
 * unit may appear twice under a key, which lookup tolerates). Postings of
 * variants that a later replace removed stay: lookup reads the unit and
 * finds them gone.
 */
#include <string.h>

#include "match/match_internal.h"

uint64_t cc_index_key(const char *lang, uint64_t word_key)
{
    /* the tag, a byte no tag has, the word key's bytes from the lowest */
    unsigned char k[8];
    for (int i = 0; i < 8; i++)
        k[i] = (unsigned char)(word_key >> (8 * i));
    return cc_hash(cc_hash(cc_hash(CC_HASH_INIT, lang, strlen(lang)), "\xff", 1), k, 8);
}

static size_t put_varint(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        unsigned char c = *(*p)++;
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

int cc_postings_decode(const void *data, size_t len,
                       int (*fn)(int64_t unit, uint32_t nwords, void *ud), void *ud)
{
    const unsigned char *p = data, *end = p + len;
    int64_t unit = 0;
    while (p < end) {
        uint64_t delta, nw;
        if (get_varint(&p, end, &delta) < 0 || get_varint(&p, end, &nw) < 0)
            return cc_error_set(CONCORD_ERROR, "corrupt index block");
        unit += (int64_t)delta;
        int rc = fn(unit, (uint32_t)nw, ud);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- building -------------------------------------------------------------------- */

typedef struct term {
    uint64_t key; /* 0: an empty slot */
    int64_t last; /* the last unit added */
    uint64_t n;
    cc_buf data;
} term;

typedef struct builder {
    concord_tm *tm;
    cc_tokenizer *tok;
    const char *lang;
    cc_tm_index_state st;
    term *t;
    size_t cap, used; /* open addressing, cap a power of two */
    size_t bytes;     /* of all term data */
    cc_seq seq;
    uint64_t *seen; /* the keys of the current variant */
    size_t seencap;
} builder;

#define FLUSH_BYTES (24u << 20) /* write the blocks out when the postings reach this */

static int flush(builder *b)
{
    int rc;
    for (size_t i = 0; i < b->cap; i++) {
        term *t = &b->t[i];
        if (!t->key)
            continue;
        if ((rc = cc_tm_index_put(b->tm, t->key, b->st.next_block, t->n, t->data.data,
                                  t->data.len)) < 0)
            return rc;
        cc_buf_free(&t->data);
        memset(t, 0, sizeof(*t));
    }
    b->used = 0;
    b->bytes = 0;
    b->st.next_block++;
    return 0;
}

static term *find_term(builder *b, uint64_t key)
{
    if (key == 0)
        key = 1;
    if (b->used * 2 >= b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        term *nt = cc_calloc(cap, sizeof(*nt));
        if (!nt)
            return NULL;
        for (size_t i = 0; i < b->cap; i++) {
            if (!b->t[i].key)
                continue;
            size_t h = (size_t)b->t[i].key & (cap - 1);
            while (nt[h].key)
                h = (h + 1) & (cap - 1);
            nt[h] = b->t[i];
        }
        cc_free(b->t);
        b->t = nt;
        b->cap = cap;
    }
    size_t h = (size_t)key & (b->cap - 1);
    while (b->t[h].key && b->t[h].key != key)
        h = (h + 1) & (b->cap - 1);
    if (!b->t[h].key) {
        b->t[h].key = key;
        b->used++;
    }
    return &b->t[h];
}

static int add_posting(builder *b, uint64_t key, int64_t unit, size_t nwords)
{
    int rc;
    term *t = find_term(b, key);
    if (!t)
        return cc_error_oom();
    unsigned char tmp[20];
    size_t n = put_varint(tmp, (uint64_t)(unit - t->last));
    n += put_varint(tmp + n, nwords);
    if ((rc = cc_buf_append(&t->data, tmp, n)) < 0)
        return rc;
    t->last = unit;
    t->n++;
    b->bytes += n;
    return 0;
}

static int index_unit(const cc_tm_unit *u, void *ud)
{
    builder *b = ud;
    int rc;
    for (size_t v = 0; v < u->n; v++) {
        if (!cc_lang_matches(b->lang, u->v[v].lang))
            continue;
        if ((rc = cc_seq_prepare(b->tok, u->v[v].text, u->v[v].text_len, &b->seq)) < 0)
            return rc;
        size_t nw = b->seq.nword;
        if (nw > CC_MAX_WORDS)
            continue; /* not matched: see match.h */
        if (nw == 0) {
            if ((rc = add_posting(b, cc_index_key(b->lang, CC_EMPTY_WORD_KEY), u->id, 0)) < 0)
                return rc;
            continue;
        }
        if (nw > b->seencap) {
            uint64_t *s = cc_realloc(b->seen, nw * sizeof(*s));
            if (!s)
                return cc_error_oom();
            b->seen = s;
            b->seencap = nw;
        }
        size_t nseen = 0;
        for (size_t i = 0; i < nw; i++) {
            uint64_t k = b->seq.wkey[i];
            size_t j = 0;
            while (j < nseen && b->seen[j] != k)
                j++;
            if (j < nseen)
                continue; /* one posting per word and variant */
            b->seen[nseen++] = k;
            if ((rc = add_posting(b, cc_index_key(b->lang, k), u->id, nw)) < 0)
                return rc;
        }
    }
    if (b->bytes >= FLUSH_BYTES)
        return flush(b);
    return 0;
}

int cc_index_update(concord_tm *tm, cc_tokenizer *t, const char *lang, int wait_ms)
{
    int rc;
    builder b;
    memset(&b, 0, sizeof(b));
    b.tm = tm;
    b.tok = t;
    b.lang = lang;
    if ((rc = cc_tm_index_begin(tm, lang, wait_ms, &b.st)) < 0)
        return rc;
    if (b.st.last_unit >= b.st.max_unit && b.st.last_change >= b.st.max_change) {
        cc_tm_index_rollback(tm); /* up to date: nothing to write */
        return 0;
    }
    /* merged units first (ids up to last_unit), then the new ones: ids only grow in a block */
    rc = cc_tm_changed_units(tm, b.st.last_change, b.st.max_change, b.st.last_unit, index_unit, &b);
    if (rc == 0 && b.used)
        rc = flush(&b);
    if (rc == 0)
        rc = cc_tm_units_scan(tm, b.st.last_unit, b.st.max_unit, index_unit, &b);
    if (rc == 0 && b.used)
        rc = flush(&b);
    if (rc == 0) {
        b.st.last_unit = b.st.max_unit;
        b.st.last_change = b.st.max_change;
        rc = cc_tm_index_commit(tm, lang, &b.st);
    } else {
        cc_tm_index_rollback(tm);
    }
    for (size_t i = 0; i < b.cap; i++)
        cc_buf_free(&b.t[i].data);
    cc_free(b.t);
    cc_free(b.seen);
    cc_seq_free(&b.seq);
    return rc;
}
