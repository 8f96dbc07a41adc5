/*
 * lookup.c — the matcher: candidates from the index, exact scores, results.
 *
 * Candidates. A stored segment that reaches fuzzy score t shares at least
 * T = ceil(nq * t / 100) words with the query (nq words), and has between T
 * and floor(100 * nq / t) words (see the proof in docs/matching.md). So it
 * holds at least one of any nq - T + 1 of the query's word occurrences: we
 * read the postings of the rarest query words until they cover that many
 * occurrences, keep the units whose word count is in range, and score each
 * exactly. Nothing that reaches t can be missed, and `exhaustive` (score
 * every unit) gives the same results. Units stored or merged after the
 * index was last brought up to date are scanned as well.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concord/text.h"
#include "match/match_internal.h"

struct concord_matcher {
    concord_tm *tm;
    char from[64], to[64];
    char lang[16]; /* the index's language: the primary subtag of `from` */
    cc_tokenizer *tok;
    cc_scorer sc;
    cc_seq q, s;
    cc_arena scratch; /* per unit scored */
    /* the candidates: see cand_add() */
    uint32_t *slot;
    size_t slotcap;
    int64_t *cand;
    uint32_t *hits;
    size_t ncand, capcand;
    /* for exhaustive lookups: the word keys of every segment in `from`, read once */
    struct {
        int built;
        int64_t max_unit, max_change; /* the TM they were read from */
        int64_t *unit;
        uint32_t *nword;
        size_t *off;
        size_t n, cap;
        uint64_t *keys;
        size_t nkeys, capkeys;
        uint16_t row[CC_MAX_WORDS + 1];
    } scan;
};

typedef struct results {
    concord_matches pub; /* first: concord_matches_free() gets back to the arena */
    cc_arena arena;
    size_t cap;
} results;

const char *concord_penalty_name(int kind)
{
    switch (kind) {
    case CONCORD_PENALTY_CASE:
        return "case";
    case CONCORD_PENALTY_PUNCTUATION:
        return "punctuation";
    case CONCORD_PENALTY_NUMBERS:
        return "numbers";
    case CONCORD_PENALTY_CODES:
        return "codes";
    case CONCORD_PENALTY_ALTERNATIVES:
        return "alternatives";
    default:
        return "?";
    }
}

/* The language pairs the TM has, for the message when a language is missing. */
static void pairs_message(concord_tm *tm, char *out, size_t size)
{
    concord_tm_stats *s;
    out[0] = '\0';
    if (concord_tm_stats_get(tm, &s) < 0)
        return;
    size_t o = 0;
    for (size_t i = 0; i < s->npairs && o + 32 < size; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%s", i ? ", " : "", s->pairs[i].name);
    if (s->npairs == 0)
        snprintf(out, size, "none");
    concord_tm_stats_free(s);
}

int concord_matcher_open(concord_matcher **out, concord_tm *tm, const char *from, const char *to)
{
    int rc;
    *out = NULL;
    concord_matcher *m = cc_calloc(1, sizeof(*m));
    if (!m)
        return cc_error_oom();
    m->tm = tm;
    if ((rc = cc_lang_canonical(from ? from : "", m->from, sizeof(m->from), 0)) < 0 ||
        (rc = cc_lang_canonical(to ? to : "", m->to, sizeof(m->to), 0)) < 0) {
        rc = cc_error_set(CONCORD_EINVAL, "'%s' is not a language tag (e.g. en, ru, ja, en-US)",
                          rc == 0 ? "" : (m->from[0] ? (to ? to : "") : (from ? from : "")));
        goto fail;
    }
    cc_lang_primary(m->from, m->lang, sizeof(m->lang));
    for (int k = 0; k < 2; k++) {
        const char *l = k ? m->to : m->from;
        if ((rc = cc_tm_has_language(tm, l)) < 0)
            goto fail;
        if (rc == 0) {
            char pairs[1024];
            pairs_message(tm, pairs, sizeof(pairs));
            rc = cc_error_set(CONCORD_EUNSUPPORTED,
                              "the TM has no segments in %s; its language pairs: %s", l, pairs);
            goto fail;
        }
    }
    if ((rc = cc_tokenizer_new(&m->tok, m->lang)) < 0)
        goto fail;
    /* bring the index up to date; a TM we cannot write now is searched as it is */
    rc = cc_index_update(tm, m->tok, m->lang, 2000);
    if (rc < 0 && rc != CONCORD_EIO)
        goto fail;
    concord_error_clear();
    *out = m;
    return 0;
fail:
    concord_matcher_close(m);
    return rc;
}

void concord_matcher_close(concord_matcher *m)
{
    if (!m)
        return;
    cc_tokenizer_free(m->tok);
    cc_scorer_free(&m->sc);
    cc_seq_free(&m->q);
    cc_seq_free(&m->s);
    cc_arena_free(&m->scratch);
    cc_free(m->slot);
    cc_free(m->cand);
    cc_free(m->hits);
    cc_free(m->scan.unit);
    cc_free(m->scan.nword);
    cc_free(m->scan.off);
    cc_free(m->scan.keys);
    cc_free(m);
}

void concord_matches_free(concord_matches *ms)
{
    if (!ms)
        return;
    results *r = (results *)ms;
    cc_arena_free(&r->arena);
    cc_free(r->pub.v);
    cc_free(r);
}

/* ---- candidates -------------------------------------------------------------------- */

/*
 * The candidate set: unit ids with an upper bound of the words each shares
 * with the query (`hits`), in an open-addressing table of indexes + 1.
 */
#define ALWAYS 0x40000000u /* hits of a unit that must be scored whatever the count says */

static int cand_grow(concord_matcher *m)
{
    size_t cap = m->slotcap ? m->slotcap * 2 : 1024;
    uint32_t *sl = cc_calloc(cap, sizeof(*sl));
    if (!sl)
        return cc_error_oom();
    for (size_t i = 0; i < m->ncand; i++) {
        size_t h = ((uint64_t)m->cand[i] * 0x9E3779B97F4A7C15ULL) >> 20 & (cap - 1);
        while (sl[h])
            h = (h + 1) & (cap - 1);
        sl[h] = (uint32_t)i + 1;
    }
    cc_free(m->slot);
    m->slot = sl;
    m->slotcap = cap;
    return 0;
}

/* Add `hits` to unit id's count; with `create`, a new unit joins the set. */
static int cand_add(concord_matcher *m, int64_t id, uint32_t hits, int create)
{
    int rc;
    if ((m->ncand + 1) * 2 > m->slotcap && (rc = cand_grow(m)) < 0)
        return rc;
    size_t h = ((uint64_t)id * 0x9E3779B97F4A7C15ULL) >> 20 & (m->slotcap - 1);
    while (m->slot[h]) {
        uint32_t i = m->slot[h] - 1;
        if (m->cand[i] == id) {
            m->hits[i] += hits;
            return 0;
        }
        h = (h + 1) & (m->slotcap - 1);
    }
    if (!create)
        return 0;
    if (m->ncand == m->capcand) {
        size_t cap = m->capcand ? m->capcand * 2 : 256;
        int64_t *c = cc_realloc(m->cand, cap * sizeof(*c));
        if (!c)
            return cc_error_oom();
        m->cand = c;
        uint32_t *k = cc_realloc(m->hits, cap * sizeof(*k));
        if (!k)
            return cc_error_oom();
        m->hits = k;
        m->capcand = cap;
    }
    m->cand[m->ncand] = id;
    m->hits[m->ncand] = hits;
    m->slot[h] = (uint32_t)++m->ncand;
    return 0;
}

static void cand_clear(concord_matcher *m)
{
    if (m->slot)
        memset(m->slot, 0, m->slotcap * sizeof(*m->slot));
    m->ncand = 0;
}

typedef struct posting_ctx {
    concord_matcher *m;
    uint32_t lo, hi; /* the word counts that can reach the threshold */
    uint32_t weight; /* the term's occurrences in the query */
    int create;      /* add new units (the prefix terms), or only count hits */
    size_t entries;  /* read so far */
} posting_ctx;

static int on_entry(int64_t unit, uint32_t nwords, void *ud)
{
    posting_ctx *c = ud;
    c->entries++;
    if (nwords < c->lo || nwords > c->hi)
        return 0;
    return cand_add(c->m, unit, c->weight, c->create);
}

static int on_block(const void *data, size_t len, void *ud)
{
    return cc_postings_decode(data, len, on_entry, ud);
}

static int add_changed(const cc_tm_unit *u, void *ud)
{
    return cand_add(ud, u->id, ALWAYS, 1);
}

typedef struct qterm {
    uint64_t key;
    uint32_t count; /* occurrences in the query */
    uint64_t df;
} qterm;

static int by_df(const void *a, const void *b)
{
    const qterm *x = a, *y = b;
    return x->df < y->df ? -1 : x->df > y->df;
}

/* Postings read beyond the prefix to count shared words, at most. */
#define COUNT_BUDGET 100000

/*
 * Collect the candidates of the query for fuzzy threshold t (1..100): the
 * units in the postings of the rarest words (the prefix), then the counts of
 * shared words from the postings of the next rarest ones while that is
 * cheap, and away with the units that cannot share T words.
 */
static int index_candidates(concord_matcher *m, int t)
{
    int rc;
    size_t nq = m->q.nword;
    posting_ctx c = {m, 0, 0, ALWAYS, 1, 0};
    if (nq == 0)
        return cc_tm_postings_read(m->tm, cc_index_key(m->lang, CC_EMPTY_WORD_KEY), on_block, &c);
    size_t T = (nq * (size_t)t + 99) / 100;
    c.lo = (uint32_t)T;
    c.hi = (uint32_t)((nq * 100) / (size_t)t);
    qterm *terms = cc_calloc(nq, sizeof(*terms));
    if (!terms)
        return cc_error_oom();
    size_t nt = 0;
    for (size_t i = 0; i < nq; i++) {
        size_t j = 0;
        while (j < nt && terms[j].key != m->q.wkey[i])
            j++;
        if (j == nt)
            terms[nt++].key = m->q.wkey[i];
        terms[j].count++;
    }
    for (size_t j = 0; j < nt; j++)
        if ((rc = cc_tm_postings_count(m->tm, cc_index_key(m->lang, terms[j].key), &terms[j].df)) <
            0)
            goto done;
    qsort(terms, nt, sizeof(*terms), by_df);
    size_t need = nq - T + 1, covered = 0, j = 0;
    rc = 0;
    for (; j < nt && covered < need; j++) {
        covered += terms[j].count;
        c.weight = terms[j].count;
        if (terms[j].df && (rc = cc_tm_postings_read(m->tm, cc_index_key(m->lang, terms[j].key),
                                                     on_block, &c)) < 0)
            goto done;
    }
    /* the count filter: hits so far, plus every word not looked at */
    size_t read_before = c.entries;
    c.create = 0;
    for (; j < nt && m->ncand && c.entries - read_before + terms[j].df <= COUNT_BUDGET; j++) {
        c.weight = terms[j].count;
        if (terms[j].df && (rc = cc_tm_postings_read(m->tm, cc_index_key(m->lang, terms[j].key),
                                                     on_block, &c)) < 0)
            goto done;
    }
    size_t rest = 0;
    for (; j < nt; j++)
        rest += terms[j].count;
    size_t k = 0;
    for (size_t i = 0; i < m->ncand; i++)
        if (m->hits[i] + rest >= T)
            m->cand[k++] = m->cand[i];
    m->ncand = k; /* the table is stale now: no more cand_add until cand_clear */
done:
    cc_free(terms);
    return rc;
}

/* ---- scoring units ------------------------------------------------------------------ */

typedef struct lookup_ctx {
    concord_matcher *m;
    results *res;
    int t; /* the fuzzy threshold */
    size_t scored;
} lookup_ctx;

static const char *keep(results *r, const char *s)
{
    return s ? cc_arena_strndup(&r->arena, s, strlen(s)) : NULL;
}

static int add_match(lookup_ctx *c, const cc_tm_unit *u, const cc_tm_variant *src,
                     const cc_tm_variant *tgt, const cc_score *sc)
{
    results *r = c->res;
    if (r->pub.n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        concord_match *v = cc_realloc(r->pub.v, cap * sizeof(*v));
        if (!v)
            return cc_error_oom();
        r->pub.v = v;
        r->cap = cap;
    }
    concord_match *x = &r->pub.v[r->pub.n];
    memset(x, 0, sizeof(*x));
    x->score = sc->score;
    x->fuzzy = sc->fuzzy;
    x->unit = u->id;
    x->source_lang = keep(r, src->lang);
    x->target_lang = keep(r, tgt->lang);
    x->source = cc_arena_strndup(&r->arena, src->text, src->text_len);
    x->source_len = src->text_len;
    x->target = cc_arena_strndup(&r->arena, tgt->text, tgt->text_len);
    x->target_len = tgt->text_len;
    x->tuid = keep(r, u->tuid);
    x->file = keep(r, u->file);
    x->tool = keep(r, u->tool);
    x->date = keep(r, u->date);
    /* penalties (room for one more: alternatives) and the diff */
    concord_penalty *pen = cc_arena_alloc(&r->arena, (sc->npen + 1) * sizeof(*pen));
    concord_diff_op *diff = cc_arena_alloc(&r->arena, (sc->ndiff + 1) * sizeof(*diff));
    if (!x->source_lang || !x->target_lang || !x->source || !x->target || !pen || !diff)
        return cc_error_oom();
    memcpy(pen, sc->pen, sc->npen * sizeof(*pen));
    memcpy(diff, sc->diff, sc->ndiff * sizeof(*diff));
    x->penalties = pen;
    x->npenalties = sc->npen;
    x->diff = diff;
    x->ndiff = sc->ndiff;
    if (sc->nnum)
        x->target_numbers =
            cc_substitute_numbers(&c->m->q, &c->m->s, sc, x->target, x->target_len, &r->arena);
    r->pub.n++;
    return 0;
}

/* Score every variant of u in the source language; add a match per translation. */
static int score_unit(const cc_tm_unit *u, void *ud)
{
    lookup_ctx *c = ud;
    concord_matcher *m = c->m;
    int rc;
    c->scored++;
    for (size_t v = 0; v < u->n; v++) {
        const cc_tm_variant *src = &u->v[v];
        if (!cc_lang_matches(m->from, src->lang))
            continue;
        int has_target = 0;
        for (size_t k = 0; k < u->n && !has_target; k++)
            has_target = k != v && cc_lang_matches(m->to, u->v[k].lang);
        if (!has_target)
            continue;
        if ((rc = cc_seq_prepare(m->tok, src->text, src->text_len, &m->s)) < 0)
            return rc;
        cc_score sc;
        cc_arena_reset(&m->scratch);
        if ((rc = cc_score_seq(&m->sc, &m->q, &m->s, src->ncodes, c->t, &m->scratch, &sc)) < 0)
            return rc;
        if (rc == 0 || sc.score < c->t)
            continue;
        for (size_t k = 0; k < u->n; k++)
            if (k != v && cc_lang_matches(m->to, u->v[k].lang) &&
                (rc = add_match(c, u, src, &u->v[k], &sc)) < 0)
                return rc;
    }
    return 0;
}

static int read_and_score(lookup_ctx *c, int64_t id)
{
    cc_arena a = CC_ARENA_INIT;
    cc_tm_unit u;
    int rc = cc_tm_unit_read(c->m->tm, id, &a, &u);
    if (rc == 1)
        rc = score_unit(&u, c);
    cc_arena_free(&a);
    return rc;
}

/* ---- the exhaustive scan ------------------------------------------------------------- */

/*
 * Every segment in `from` that has a translation in `to`, as word keys, so
 * that an exhaustive lookup compares the query with each of them without
 * reading and tokenizing the TM every time; the ones within reach are then
 * scored like any candidate.
 */
static int scan_add(const cc_tm_unit *u, void *ud)
{
    concord_matcher *m = ud;
    int rc;
    for (size_t v = 0; v < u->n; v++) {
        if (!cc_lang_matches(m->from, u->v[v].lang))
            continue;
        int has_target = 0;
        for (size_t k = 0; k < u->n && !has_target; k++)
            has_target = k != v && cc_lang_matches(m->to, u->v[k].lang);
        if (!has_target)
            continue;
        if ((rc = cc_seq_prepare(m->tok, u->v[v].text, u->v[v].text_len, &m->s)) < 0)
            return rc;
        if (m->s.nword > CC_MAX_WORDS)
            continue;
        if (m->scan.n == m->scan.cap) {
            size_t cap = m->scan.cap ? m->scan.cap * 2 : 1024;
            int64_t *un = cc_realloc(m->scan.unit, cap * sizeof(*un));
            if (!un)
                return cc_error_oom();
            m->scan.unit = un;
            uint32_t *nw = cc_realloc(m->scan.nword, cap * sizeof(*nw));
            if (!nw)
                return cc_error_oom();
            m->scan.nword = nw;
            size_t *off = cc_realloc(m->scan.off, cap * sizeof(*off));
            if (!off)
                return cc_error_oom();
            m->scan.off = off;
            m->scan.cap = cap;
        }
        if (m->scan.nkeys + m->s.nword > m->scan.capkeys) {
            size_t cap = (m->scan.nkeys + m->s.nword) * 2 + 1024;
            uint64_t *k = cc_realloc(m->scan.keys, cap * sizeof(*k));
            if (!k)
                return cc_error_oom();
            m->scan.keys = k;
            m->scan.capkeys = cap;
        }
        m->scan.unit[m->scan.n] = u->id;
        m->scan.nword[m->scan.n] = (uint32_t)m->s.nword;
        m->scan.off[m->scan.n++] = m->scan.nkeys;
        memcpy(m->scan.keys + m->scan.nkeys, m->s.wkey, m->s.nword * sizeof(uint64_t));
        m->scan.nkeys += m->s.nword;
    }
    return 0;
}

static int scan_candidates(concord_matcher *m, const cc_tm_index_state *st, int t)
{
    int rc;
    if (!m->scan.built || m->scan.max_unit != st->max_unit || m->scan.max_change != st->max_change) {
        m->scan.n = m->scan.nkeys = 0;
        m->scan.built = 0;
        if ((rc = cc_tm_units_scan(m->tm, 0, 0, scan_add, m)) < 0)
            return rc;
        m->scan.built = 1;
        m->scan.max_unit = st->max_unit;
        m->scan.max_change = st->max_change;
    }
    size_t nq = m->q.nword;
    for (size_t i = 0; i < m->scan.n; i++) {
        size_t ns = m->scan.nword[i], mx = nq > ns ? nq : ns;
        size_t dmax = t <= 0 ? mx : (mx * (size_t)(100 - t)) / 100;
        if (cc_keys_within(m->q.wkey, nq, m->scan.keys + m->scan.off[i], ns, dmax, m->scan.row) &&
            (rc = cand_add(m, m->scan.unit[i], ALWAYS, 1)) < 0)
            return rc;
    }
    return 0;
}

/* ---- after scoring ------------------------------------------------------------------ */

static void add_points(concord_match *x, int kind, int points)
{
    concord_penalty *pen = (concord_penalty *)x->penalties;
    pen[x->npenalties].kind = kind;
    pen[x->npenalties].points = points;
    x->npenalties++;
    x->score = x->score > points ? x->score - points : 0;
}

static int by_source(const void *a, const void *b)
{
    const concord_match *x = a, *y = b;
    int c = strcmp(x->source_lang, y->source_lang);
    if (!c)
        c = strcmp(x->source, y->source);
    if (!c)
        c = strcmp(x->target_lang, y->target_lang);
    return c;
}

/* The same source with different translations: one point off each. */
static void alternatives(results *r)
{
    concord_match *v = r->pub.v;
    size_t n = r->pub.n;
    qsort(v, n, sizeof(*v), by_source);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        int differ = 0;
        while (j < n && strcmp(v[j].source, v[i].source) == 0 &&
               strcmp(v[j].source_lang, v[i].source_lang) == 0 &&
               strcmp(v[j].target_lang, v[i].target_lang) == 0) {
            differ |= strcmp(v[j].target, v[i].target) != 0;
            j++;
        }
        if (differ)
            for (size_t k = i; k < j; k++)
                add_points(&v[k], CONCORD_PENALTY_ALTERNATIVES, 1);
        i = j;
    }
}

/* Is the neighbour unit (id) from the same file with a source equal to text? */
static int neighbour_is(concord_matcher *m, const concord_match *x, int64_t id, int64_t origin,
                        const char *text, size_t len)
{
    if (!text || id <= 0)
        return 0;
    cc_arena a = CC_ARENA_INIT;
    cc_tm_unit u;
    int yes = 0;
    if (cc_tm_unit_read(m->tm, id, &a, &u) == 1 && u.origin == origin && origin != 0)
        for (size_t v = 0; v < u.n && !yes; v++)
            yes = strcmp(u.v[v].lang, x->source_lang) == 0 && u.v[v].text_len == len &&
                  memcmp(u.v[v].text, text, len) == 0;
    cc_arena_free(&a);
    return yes;
}

static void context_matches(concord_matcher *m, results *r, const concord_lookup_options *o)
{
    for (size_t i = 0; i < r->pub.n; i++) {
        concord_match *x = &r->pub.v[i];
        if (x->score != 100 || (!o->prev && !o->next))
            continue;
        cc_arena a = CC_ARENA_INIT;
        cc_tm_unit u;
        int64_t origin = 0;
        if (cc_tm_unit_read(m->tm, x->unit, &a, &u) == 1)
            origin = u.origin;
        cc_arena_free(&a);
        if (neighbour_is(m, x, x->unit - 1, origin, o->prev, o->prev_len) ||
            neighbour_is(m, x, x->unit + 1, origin, o->next, o->next_len))
            x->score = 101;
    }
}

static int best_first(const void *a, const void *b)
{
    const concord_match *x = a, *y = b;
    if (x->score != y->score)
        return y->score - x->score;
    if (x->fuzzy != y->fuzzy)
        return y->fuzzy - x->fuzzy;
    return x->unit < y->unit ? 1 : x->unit > y->unit ? -1 : 0;
}

int concord_matcher_lookup(concord_matcher *m, const char *text, size_t len,
                           const concord_lookup_options *opts, concord_matches **out)
{
    static const concord_lookup_options defaults = CONCORD_LOOKUP_OPTIONS_INIT;
    int rc;
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version != CONCORD_LOOKUP_OPTIONS_VERSION)
        return cc_error_set(CONCORD_EINVAL, "unknown lookup options version %u", opts->version);
    if (opts->min_score < 0 || opts->min_score > 101)
        return cc_error_set(CONCORD_EINVAL, "the threshold must be 0 to 101, not %d",
                            opts->min_score);
    if ((rc = concord_text_validate(text, len)) < 0)
        return rc;
    if ((rc = cc_seq_prepare(m->tok, text, len, &m->q)) < 0)
        return rc;
    if (m->q.nword > CC_MAX_WORDS)
        return cc_error_set(CONCORD_ELIMIT,
                            "the query has %zu words; the limit is %d (split the text into "
                            "segments first)",
                            m->q.nword, CC_MAX_WORDS);
    results *res = cc_calloc(1, sizeof(*res));
    if (!res)
        return cc_error_oom();
    lookup_ctx c = {m, res, opts->min_score > 100 ? 100 : opts->min_score, 0};
    cand_clear(m);

    cc_tm_index_state st;
    if ((rc = cc_tm_read_begin(m->tm, m->lang, &st)) < 0)
        goto fail;
    if (opts->exhaustive || c.t <= 0) {
        rc = scan_candidates(m, &st, c.t);
        for (size_t i = 0; rc == 0 && i < m->ncand; i++)
            rc = read_and_score(&c, m->cand[i]);
    } else {
        /* what the index does not cover yet: units that got variants by a merge
           (candidates whatever their postings say, each scored once), and units
           stored since (scanned) */
        if (st.max_change > st.last_change)
            rc = cc_tm_changed_units(m->tm, st.last_change, st.max_change, st.last_unit,
                                     add_changed, m);
        if (rc == 0)
            rc = index_candidates(m, c.t);
        for (size_t i = 0; rc == 0 && i < m->ncand; i++)
            rc = read_and_score(&c, m->cand[i]);
        if (rc == 0 && st.max_unit > st.last_unit)
            rc = cc_tm_units_scan(m->tm, st.last_unit, 0, score_unit, &c);
    }
    if (rc < 0) {
        cc_tm_read_end(m->tm);
        goto fail;
    }
    alternatives(res);
    context_matches(m, res, opts);
    cc_tm_read_end(m->tm);
    /* drop what the penalties took below the threshold, best first, at most max */
    size_t k = 0;
    for (size_t i = 0; i < res->pub.n; i++)
        if (res->pub.v[i].score >= opts->min_score)
            res->pub.v[k++] = res->pub.v[i];
    res->pub.n = k;
    qsort(res->pub.v, res->pub.n, sizeof(*res->pub.v), best_first);
    if (opts->max_matches && res->pub.n > opts->max_matches)
        res->pub.n = opts->max_matches;
    res->pub.candidates = c.scored;
    *out = &res->pub;
    return 0;
fail:
    concord_matches_free(&res->pub);
    return rc;
}
