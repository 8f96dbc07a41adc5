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

/* A candidate unit. */
typedef struct cand {
    int64_t id;
    uint32_t hits; /* an upper bound of the words it shares with the query */
    uint16_t len;  /* the smallest max(query words, segment words) of its entries */
    int16_t bound; /* the highest fuzzy score it can reach */
} cand;

struct concord_matcher {
    concord_tm *tm;
    char from[64], to[64];
    char lang[16]; /* the index's language: the primary subtag of `from` */
    cc_tokenizer *tok;
    cc_scorer sc;
    cc_seq q, s;
    cc_arena scratch; /* per unit scored */
    /* the candidates, sorted by unit id (see index_candidates()) */
    cand *cands, *tmp, *merged;
    size_t ncand, ntmp, capcand, captmp, capmerged;
    /* for exhaustive lookups: the word keys of every segment in `from`, read once */
    struct {
        int built;
        int64_t max_unit, max_change; /* the TM they were read from */
        struct scanned {
            int64_t unit;
            uint32_t nword;
            size_t off; /* of its keys in `keys` */
        } * seg;
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
    if (concord_tm_stats_get(&s, tm) < 0)
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
    if ((rc = concord_lang_canonicalize(m->from, sizeof(m->from), from ? from : "")) < 0 ||
        (rc = concord_lang_canonicalize(m->to, sizeof(m->to), to ? to : "")) < 0) {
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

cc_tokenizer *cc_matcher_tokenizer(concord_matcher *m)
{
    return m->tok;
}

const char *cc_matcher_from(const concord_matcher *m)
{
    return m->from;
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
    cc_free(m->cands);
    cc_free(m->tmp);
    cc_free(m->merged);
    cc_free(m->scan.seg);
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

#define ALWAYS 0x40000000u /* hits of a unit that must be scored whatever the count says */

static int reserve(cand **v, size_t *cap, size_t n)
{
    return cc_grow((void **)v, cap, n, sizeof(**v));
}

static int by_id(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Sort a list by id and fold repeated ids (hits: the largest, len: the smallest). */
static size_t sort_fold(cand *v, size_t n, int sorted)
{
    if (!sorted && n > 1)
        qsort(v, n, sizeof(*v), by_id);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && v[k - 1].id == v[i].id) {
            if (v[i].hits > v[k - 1].hits)
                v[k - 1].hits = v[i].hits;
            if (v[i].len < v[k - 1].len)
                v[k - 1].len = v[i].len;
            continue;
        }
        v[k++] = v[i];
    }
    return k;
}

/*
 * Merge sorted list b (n entries) into the candidates: with `add`, the units
 * of b join; otherwise only the units already there count b's hits.
 */
static int merge_in(concord_matcher *m, const cand *b, size_t n, int add)
{
    int rc;
    if (!add) {
        /* walk both; b is often much longer: gallop over it */
        size_t j = 0;
        for (size_t i = 0; i < m->ncand && j < n; i++) {
            int64_t id = m->cands[i].id;
            if (b[j].id < id) {
                size_t step = 1, lo = j;
                while (j + step < n && b[j + step].id < id) {
                    lo = j + step;
                    step *= 2;
                }
                size_t hi = j + step < n ? j + step : n;
                while (lo + 1 < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (b[mid].id < id)
                        lo = mid;
                    else
                        hi = mid;
                }
                j = b[lo].id < id ? hi : lo;
            }
            if (j < n && b[j].id == id) {
                m->cands[i].hits += b[j].hits;
                if (b[j].len < m->cands[i].len)
                    m->cands[i].len = b[j].len;
            }
        }
        return 0;
    }
    if ((rc = reserve(&m->merged, &m->capmerged, m->ncand + n)) < 0)
        return rc;
    size_t i = 0, j = 0, k = 0;
    while (i < m->ncand || j < n) {
        if (j == n || (i < m->ncand && m->cands[i].id < b[j].id)) {
            m->merged[k++] = m->cands[i++];
        } else if (i == m->ncand || b[j].id < m->cands[i].id) {
            m->merged[k++] = b[j++];
        } else {
            cand c = m->cands[i++];
            c.hits += b[j].hits;
            if (b[j].len < c.len)
                c.len = b[j].len;
            m->merged[k++] = c;
            j++;
        }
    }
    cand *t = m->cands;
    size_t tc = m->capcand;
    m->cands = m->merged;
    m->capcand = m->capmerged;
    m->merged = t;
    m->capmerged = tc;
    m->ncand = k;
    return 0;
}

typedef struct posting_ctx {
    concord_matcher *m;
    uint32_t nq;
    uint32_t lo, hi; /* the word counts that can reach the threshold */
    uint32_t weight; /* the term's occurrences in the query */
    int sorted;      /* the entries came in id order */
    int64_t last;    /* the previous entry's id */
    size_t entries;  /* read in all */
} posting_ctx;

static int on_entry(int64_t unit, uint32_t nwords, void *ud)
{
    posting_ctx *c = ud;
    concord_matcher *m = c->m;
    int rc;
    c->entries++;
    if (nwords < c->lo || nwords > c->hi)
        return 0;
    if (m->ntmp == m->captmp && (rc = reserve(&m->tmp, &m->captmp, m->ntmp + 1)) < 0)
        return rc;
    if (unit < c->last)
        c->sorted = 0;
    c->last = unit;
    cand *x = &m->tmp[m->ntmp++];
    x->id = unit;
    x->hits = c->weight;
    x->len = (uint16_t)(nwords > c->nq ? nwords : c->nq);
    x->bound = 101;
    return 0;
}

static int on_block(const void *data, size_t len, void *ud)
{
    return cc_postings_decode(data, len, on_entry, ud);
}

/* The postings of one term, in the length range, as a sorted list in m->tmp. */
static int read_term(concord_matcher *m, posting_ctx *c, uint64_t word_key)
{
    m->ntmp = 0;
    c->sorted = 1;
    c->last = 0;
    int rc = cc_tm_postings_read(m->tm, cc_index_key(m->lang, word_key), on_block, c);
    if (rc == 0)
        m->ntmp = sort_fold(m->tmp, m->ntmp, c->sorted);
    return rc;
}

static int add_changed(const cc_tm_unit *u, void *ud)
{
    concord_matcher *m = ud;
    int rc;
    if ((rc = reserve(&m->tmp, &m->captmp, m->ntmp + 1)) < 0)
        return rc;
    cand *x = &m->tmp[m->ntmp++];
    x->id = u->id;
    x->hits = ALWAYS;
    x->len = 0;
    x->bound = 101;
    return 0;
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
 * cheap, and away with the units that cannot share T words. Each has the
 * best fuzzy score it can reach in `bound`. The units that got variants by
 * a merge since the index was brought up to date (the change log) are
 * candidates whatever their postings say.
 */
static int index_candidates(concord_matcher *m, const cc_tm_index_state *st, int t)
{
    int rc = 0;
    size_t nq = m->q.nword;
    posting_ctx c = {m, (uint32_t)nq, 0, 0, ALWAYS, 1, 0, 0};
    m->ncand = 0;
    if (st->max_change > st->last_change) {
        m->ntmp = 0;
        if ((rc = cc_tm_changed_units(m->tm, st->last_change, st->max_change, st->last_unit,
                                      add_changed, m)) < 0 ||
            (rc = merge_in(m, m->tmp, sort_fold(m->tmp, m->ntmp, 1), 1)) < 0)
            return rc;
    }
    if (nq == 0) {
        if ((rc = read_term(m, &c, CC_EMPTY_WORD_KEY)) < 0)
            return rc;
        return merge_in(m, m->tmp, m->ntmp, 1);
    }
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
    for (; j < nt && covered < need; j++) {
        covered += terms[j].count;
        c.weight = terms[j].count;
        if (terms[j].df && ((rc = read_term(m, &c, terms[j].key)) < 0 ||
                            (rc = merge_in(m, m->tmp, m->ntmp, 1)) < 0))
            goto done;
    }
    /* the count filter: hits so far, plus every word not looked at */
    size_t read_before = c.entries;
    for (; j < nt && m->ncand && c.entries - read_before + terms[j].df <= COUNT_BUDGET; j++) {
        c.weight = terms[j].count;
        if (terms[j].df && ((rc = read_term(m, &c, terms[j].key)) < 0 ||
                            (rc = merge_in(m, m->tmp, m->ntmp, 0)) < 0))
            goto done;
    }
    size_t rest = 0;
    for (; j < nt; j++)
        rest += terms[j].count;
    size_t k = 0;
    for (size_t i = 0; i < m->ncand; i++) {
        cand x = m->cands[i];
        if (x.hits + rest < T)
            continue;
        /* the best it can do: every shared word aligned, in a segment of len words */
        size_t u = x.hits + rest < nq ? x.hits + rest : nq;
        x.bound = (int16_t)(x.hits >= ALWAYS || !x.len ? 101 : 100 * u / x.len);
        m->cands[k++] = x;
    }
    m->ncand = k;
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
    int rc = cc_grow((void **)&r->pub.v, &r->cap, r->pub.n + 1, sizeof(*r->pub.v));
    if (rc < 0)
        return rc;
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
        if ((rc = cc_grow((void **)&m->scan.seg, &m->scan.cap, m->scan.n + 1,
                          sizeof(*m->scan.seg))) < 0 ||
            (rc = cc_grow((void **)&m->scan.keys, &m->scan.capkeys, m->scan.nkeys + m->s.nword,
                          sizeof(*m->scan.keys))) < 0)
            return rc;
        struct scanned *x = &m->scan.seg[m->scan.n++];
        x->unit = u->id;
        x->nword = (uint32_t)m->s.nword;
        x->off = m->scan.nkeys;
        memcpy(m->scan.keys + m->scan.nkeys, m->s.wkey, m->s.nword * sizeof(uint64_t));
        m->scan.nkeys += m->s.nword;
    }
    return 0;
}

static int scan_candidates(concord_matcher *m, const cc_tm_index_state *st, int t)
{
    int rc;
    if (!m->scan.built || m->scan.max_unit != st->max_unit ||
        m->scan.max_change != st->max_change) {
        m->scan.n = m->scan.nkeys = 0;
        m->scan.built = 0;
        if ((rc = cc_tm_units_scan(m->tm, 0, 0, scan_add, m)) < 0)
            return rc;
        m->scan.built = 1;
        m->scan.max_unit = st->max_unit;
        m->scan.max_change = st->max_change;
    }
    size_t nq = m->q.nword;
    m->ncand = 0;
    for (size_t i = 0; i < m->scan.n; i++) {
        const struct scanned *x = &m->scan.seg[i];
        size_t ns = x->nword, mx = nq > ns ? nq : ns;
        size_t dmax = t <= 0 ? mx : (mx * (size_t)(100 - t)) / 100;
        if (!cc_keys_within(m->q.wkey, nq, m->scan.keys + x->off, ns, dmax, m->scan.row))
            continue;
        if (m->ncand && m->cands[m->ncand - 1].id == x->unit)
            continue; /* another variant of the same unit */
        if ((rc = reserve(&m->cands, &m->capcand, m->ncand + 1)) < 0)
            return rc;
        cand c = {x->unit, ALWAYS, 0, 101};
        m->cands[m->ncand++] = c;
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
    if (!c)
        c = x->score - y->score;
    return c;
}

/*
 * The same source with different translations: one point off each. "The
 * same source" is the same text with the same score (so the same penalties:
 * a copy with inline codes is another source), which keeps the groups, and
 * so the scores, the same at any threshold.
 */
static void alternatives(results *r)
{
    concord_match *v = r->pub.v;
    size_t n = r->pub.n;
    if (n > 1)
        qsort(v, n, sizeof(*v), by_source);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        int differ = 0;
        while (j < n && strcmp(v[j].source, v[i].source) == 0 &&
               strcmp(v[j].source_lang, v[i].source_lang) == 0 &&
               strcmp(v[j].target_lang, v[i].target_lang) == 0 && v[j].score == v[i].score) {
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

/* The k-th best score among the results so far (0 if fewer than k). */
static int kth_score(const results *r, size_t k)
{
    if (r->pub.n < k)
        return 0;
    int best[16];
    size_t nb = 0;
    for (size_t i = 0; i < r->pub.n; i++) {
        int s = r->pub.v[i].score;
        size_t j = nb < k ? nb++ : k;
        if (j == k && s <= best[k - 1])
            continue;
        if (j == k)
            j = k - 1;
        while (j > 0 && best[j - 1] < s) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = s;
    }
    return best[k - 1];
}

static int by_bound(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->bound != y->bound)
        return y->bound - x->bound;
    return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * One lookup at fuzzy threshold c->t: the results with a score of at least
 * `min`, best first, at most k (0: all). With k, candidates are scored in
 * the order of the best they can do, until none left can enter the top k
 * (a margin of one point: the alternatives penalty comes after).
 */
static int run_pass(concord_matcher *m, lookup_ctx *c, const cc_tm_index_state *st,
                    const concord_lookup_options *opts, int exhaustive, int min, size_t k)
{
    int rc = 0;
    results *res = c->res;
    res->pub.n = 0;
    if (exhaustive || c->t <= 0) {
        rc = scan_candidates(m, st, c->t);
        for (size_t i = 0; rc == 0 && i < m->ncand; i++)
            rc = read_and_score(c, m->cands[i].id);
    } else {
        /* the index, and the units stored since it was brought up to date (scanned) */
        rc = index_candidates(m, st, c->t);
        if (rc == 0 && st->max_unit > st->last_unit)
            rc = cc_tm_units_scan(m->tm, st->last_unit, 0, score_unit, c);
        if (rc == 0 && m->ncand)
            qsort(m->cands, m->ncand, sizeof(*m->cands), by_bound);
        for (size_t i = 0; rc == 0 && i < m->ncand; i++) {
            if (k && k <= 16 && m->cands[i].bound < kth_score(res, k) - 1)
                break;
            rc = read_and_score(c, m->cands[i].id);
        }
    }
    if (rc < 0)
        return rc;
    alternatives(res);
    context_matches(m, res, opts);
    /* drop what the penalties took below the threshold, best first, at most k */
    size_t n = 0;
    for (size_t i = 0; i < res->pub.n; i++)
        if (res->pub.v[i].score >= min)
            res->pub.v[n++] = res->pub.v[i];
    res->pub.n = n;
    if (res->pub.n > 1)
        qsort(res->pub.v, res->pub.n, sizeof(*res->pub.v), best_first);
    if (k && res->pub.n > k)
        res->pub.n = k;
    return 0;
}

int concord_matcher_lookup(concord_matches **out, concord_matcher *m, const char *text, size_t len,
                           const concord_lookup_options *opts)
{
    static const concord_lookup_options defaults = CONCORD_LOOKUP_OPTIONS_INIT;
    int rc;
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if ((rc = cc_version_check(opts->version, CONCORD_LOOKUP_OPTIONS_VERSION, "lookup options")) <
        0)
        return rc;
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
    int t = opts->min_score > 100 ? 100 : opts->min_score;
    lookup_ctx c = {m, res, t, 0};
    size_t k = opts->max_matches;
    cc_tm_index_state st;
    if ((rc = cc_tm_read_begin(m->tm, m->lang, &st)) < 0)
        goto fail;
    /*
     * With at most k matches wanted, higher thresholds first: when a pass at
     * p finds k matches, they are the top k at any lower threshold too, and
     * a high threshold needs far fewer candidates.
     */
    static const int passes[] = {100, 90, 75};
    for (size_t p = 0; rc == 0 && k && !opts->exhaustive && p < 3; p++) {
        if (passes[p] <= t)
            continue;
        c.t = passes[p];
        if ((rc = run_pass(m, &c, &st, opts, 0, passes[p], k)) == 0 && res->pub.n >= k)
            break;
    }
    if (rc == 0 && (res->pub.n < k || !k || opts->exhaustive)) {
        c.t = t;
        rc = run_pass(m, &c, &st, opts, opts->exhaustive, opts->min_score, k);
    }
    cc_tm_read_end(m->tm);
    if (rc < 0)
        goto fail;
    res->pub.candidates = c.scored;
    *out = &res->pub;
    return 0;
fail:
    concord_matches_free(&res->pub);
    return rc;
}
