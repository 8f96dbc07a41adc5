/*
 * concordance.c — phrase search in the TM through the index: the units that
 * hold every word of the phrase (the intersection of the words' postings,
 * rarest first), then the phrase itself found in each segment's tokens.
 */
#include <stdlib.h>
#include <string.h>

#include "concord/text.h"
#include "match/match_internal.h"

typedef struct ids {
    int64_t *v;
    size_t n, cap;
} ids;

static int on_entry(int64_t unit, uint32_t nwords, void *ud)
{
    (void)nwords;
    ids *l = ud;
    if (l->n && l->v[l->n - 1] == unit)
        return 0;
    int rc = cc_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    if (rc < 0)
        return rc;
    l->v[l->n++] = unit;
    return 0;
}

static int on_block(const void *data, size_t len, void *ud)
{
    return cc_postings_decode(data, len, on_entry, ud);
}

static int by_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The units in the postings of a word, sorted, each once. */
static int read_ids(concord_tm *tm, uint64_t key, ids *l)
{
    l->n = 0;
    int rc = cc_tm_postings_read(tm, key, on_block, l);
    if (rc < 0)
        return rc;
    if (l->n > 1)
        qsort(l->v, l->n, sizeof(*l->v), by_id);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (!k || l->v[k - 1] != l->v[i])
            l->v[k++] = l->v[i];
    l->n = k;
    return 0;
}

/* Keep in a the ids that are also in b (both sorted). */
static void intersect(ids *a, const ids *b)
{
    size_t i = 0, j = 0, k = 0;
    while (i < a->n && j < b->n) {
        if (a->v[i] < b->v[j])
            i++;
        else if (b->v[j] < a->v[i])
            j++;
        else {
            a->v[k++] = a->v[i];
            i++;
            j++;
        }
    }
    a->n = k;
}

/* Does s hold the words of phrase p in a row? Sets [*start, *end) on the first. */
static int find_phrase(const cc_seq *p, const cc_seq *s, size_t *start, size_t *end)
{
    for (size_t i = 0; i + p->nword <= s->nword; i++) {
        size_t k = 0;
        for (; k < p->nword; k++) {
            if (!cc_same_word(p, k, s, i + k))
                break;
            /* numbers: the same number, not any number */
            const cc_token *x = &p->tok.v[p->word[k]], *y = &s->tok.v[s->word[i + k]];
            if (x->kind == CC_TOK_NUMBER &&
                (x->norm_len != y->norm_len ||
                 memcmp(p->tok.norm.data + x->norm, s->tok.norm.data + y->norm, x->norm_len)))
                break;
        }
        if (k == p->nword) {
            *start = s->tok.v[s->word[i]].start;
            *end = s->tok.v[s->word[i + p->nword - 1]].end;
            return 1;
        }
    }
    return 0;
}

typedef struct hits_build {
    concord_hits pub; /* first: concord_hits_free() gets back here */
    cc_arena arena;
    size_t cap;
} hits_build;

void concord_hits_free(concord_hits *hits)
{
    if (!hits)
        return;
    hits_build *h = (hits_build *)hits;
    cc_arena_free(&h->arena);
    cc_free(h->pub.v);
    cc_free(h);
}

static const char *keep(cc_arena *a, const char *s)
{
    return s ? cc_arena_strndup(a, s, strlen(s)) : NULL;
}

/* Add the hits of unit u; *added says how many. */
static int add_hits(hits_build *h, const cc_tm_unit *u, const char *want, cc_tokenizer *tok,
                    const cc_seq *p, cc_seq *s, size_t max, size_t *added)
{
    int rc;
    *added = 0;
    for (size_t v = 0; v < u->n; v++) {
        if (!cc_lang_matches(want, u->v[v].lang))
            continue;
        if ((rc = cc_seq_prepare(tok, u->v[v].text, u->v[v].text_len, s)) < 0)
            return rc;
        size_t start, end;
        if (!find_phrase(p, s, &start, &end))
            continue;
        if (max && h->pub.n == max) {
            h->pub.more = 1;
            return 0;
        }
        if ((rc = cc_grow((void **)&h->pub.v, &h->cap, h->pub.n + 1, sizeof(*h->pub.v))) < 0)
            return rc;
        concord_hit *x = &h->pub.v[h->pub.n];
        memset(x, 0, sizeof(*x));
        x->unit = u->id;
        x->lang = keep(&h->arena, u->v[v].lang);
        x->text = cc_arena_strndup(&h->arena, u->v[v].text, u->v[v].text_len);
        x->start = start;
        x->end = end;
        x->tuid = keep(&h->arena, u->tuid);
        x->file = keep(&h->arena, u->file);
        concord_hit_variant *o = cc_arena_alloc(&h->arena, (u->n ? u->n : 1) * sizeof(*o));
        if (!x->lang || !x->text || !o)
            return cc_error_oom();
        for (size_t k = 0; k < u->n; k++) {
            if (k == v)
                continue;
            o[x->nothers].lang = keep(&h->arena, u->v[k].lang);
            o[x->nothers].text = cc_arena_strndup(&h->arena, u->v[k].text, u->v[k].text_len);
            if (!o[x->nothers].lang || !o[x->nothers].text)
                return cc_error_oom();
            x->nothers++;
        }
        x->others = o;
        h->pub.n++;
        (*added)++;
    }
    return 0;
}

static int newest_first(const void *a, const void *b)
{
    const concord_hit *x = a, *y = b;
    return x->unit < y->unit ? 1 : x->unit > y->unit ? -1 : 0;
}

typedef struct tail_ctx {
    ids *seen; /* the units looked at whole (in id order) */
    hits_build *h;
    const char *want;
    cc_tokenizer *tok;
    const cc_seq *p;
    cc_seq *s;
    size_t max;
} tail_ctx;

static int tail_unit(const cc_tm_unit *u, void *ud)
{
    tail_ctx *c = ud;
    size_t added;
    int rc = on_entry(u->id, 0, c->seen);
    if (rc == 0)
        rc = add_hits(c->h, u, c->want, c->tok, c->p, c->s, c->max, &added);
    return rc < 0 ? rc : c->h->pub.more;
}

int concord_concordance_search(concord_hits **out, concord_tm *tm, const char *lang,
                               const char *phrase, size_t len, size_t max)
{
    int rc;
    *out = NULL;
    char want[64], primary[16];
    if (concord_lang_canonicalize(want, sizeof(want), lang ? lang : "") < 0)
        return cc_error_set(CONCORD_EINVAL, "'%s' is not a language tag (e.g. en, ru, ja)",
                            lang ? lang : "");
    if ((rc = concord_text_validate(phrase, len)) < 0)
        return rc;
    cc_lang_primary(want, primary, sizeof(primary));
    cc_tokenizer *tok = NULL;
    cc_seq p = CC_SEQ_INIT, s = CC_SEQ_INIT;
    ids cand = {NULL, 0, 0}, other = {NULL, 0, 0}, seen = {NULL, 0, 0};
    hits_build *h = NULL;
    int reading = 0;
    if ((rc = cc_tokenizer_new(&tok, primary)) < 0 ||
        (rc = cc_seq_prepare(tok, phrase, len, &p)) < 0)
        goto done;
    if (p.nword == 0) {
        rc = cc_error_set(CONCORD_EINVAL, "the phrase has no words to search for");
        goto done;
    }
    if (p.nword > CC_MAX_WORDS) {
        rc = cc_error_set(CONCORD_ELIMIT, "the phrase has %zu words; the limit is %d", p.nword,
                          CC_MAX_WORDS);
        goto done;
    }
    if (!(h = cc_calloc(1, sizeof(*h)))) {
        rc = cc_error_oom();
        goto done;
    }
    rc = cc_index_update(tm, tok, primary, 2000);
    if (rc < 0 && rc != CONCORD_EIO)
        goto done;
    cc_tm_index_state st;
    if ((rc = cc_tm_read_begin(tm, primary, &st)) < 0)
        goto done;
    reading = 1;
    /* the units with every word: the rarest word's, narrowed by the others */
    size_t best = 0;
    uint64_t best_df = UINT64_MAX;
    for (size_t i = 0; i < p.nword; i++) {
        uint64_t df;
        if ((rc = cc_tm_postings_count(tm, cc_index_key(primary, p.wkey[i]), &df)) < 0)
            goto done;
        if (df < best_df) {
            best_df = df;
            best = i;
        }
    }
    if ((rc = read_ids(tm, cc_index_key(primary, p.wkey[best]), &cand)) < 0)
        goto done;
    for (size_t i = 0; i < p.nword && cand.n; i++) {
        if (i == best)
            continue;
        if ((rc = read_ids(tm, cc_index_key(primary, p.wkey[i]), &other)) < 0)
            goto done;
        intersect(&cand, &other);
    }
    /* the units merged or stored since the index was brought up to date: looked at whole */
    if (st.max_change > st.last_change) {
        tail_ctx tc = {&seen, h, want, tok, &p, &s, max};
        if ((rc = cc_tm_changed_units(tm, st.last_change, st.max_change, st.last_unit, tail_unit,
                                      &tc)) < 0)
            goto done;
    }
    if (st.max_unit > st.last_unit && !h->pub.more) {
        tail_ctx tc = {&seen, h, want, tok, &p, &s, max};
        if ((rc = cc_tm_units_scan(tm, st.last_unit, 0, tail_unit, &tc)) < 0)
            goto done;
    }
    for (size_t i = cand.n; i-- > 0 && !h->pub.more;) {
        if (seen.n && bsearch(&cand.v[i], seen.v, seen.n, sizeof(*seen.v), by_id))
            continue; /* a merged unit: looked at whole above */
        cc_arena a = CC_ARENA_INIT;
        cc_tm_unit u;
        size_t added;
        rc = cc_tm_unit_read(tm, cand.v[i], &a, &u);
        if (rc == 1)
            rc = add_hits(h, &u, want, tok, &p, &s, max, &added);
        cc_arena_free(&a);
        if (rc < 0)
            goto done;
    }
    /* merged units were looked at first: newest first for all */
    if (h->pub.n > 1)
        qsort(h->pub.v, h->pub.n, sizeof(*h->pub.v), newest_first);
    rc = 0;
    *out = &h->pub;
    h = NULL;
done:
    if (reading)
        cc_tm_read_end(tm);
    if (h)
        concord_hits_free(&h->pub);
    cc_free(cand.v);
    cc_free(other.v);
    cc_free(seen.v);
    cc_seq_free(&p);
    cc_seq_free(&s);
    cc_tokenizer_free(tok);
    return rc;
}
