/*
 * score.c — how close a stored segment is to a query (see concord/match.h).
 *
 * Both are cut into tokens (src/text/tokens.c); the word tokens (words,
 * numbers, Japanese and Chinese characters) are compared by their
 * normalized forms, every number equal to every other, with a Levenshtein
 * distance over whole tokens. The alignment it gives finds the penalties
 * (case, spacing, numbers) and the differences to show.
 */
#include <string.h>

#include "match/match_internal.h"

uint64_t cc_word_key(int kind, const char *norm, size_t len)
{
    if (kind == CC_TOK_NUMBER)
        return cc_hash(CC_HASH_INIT, "#", 1);
    return cc_hash(cc_hash(CC_HASH_INIT, "w", 1), norm, len);
}

static int is_word(int kind)
{
    return kind == CC_TOK_WORD || kind == CC_TOK_NUMBER || kind == CC_TOK_CJK;
}

int cc_seq_prepare(cc_tokenizer *t, const char *text, size_t len, cc_seq *s)
{
    int rc;
    s->text = text;
    s->len = len;
    s->nword = 0;
    if ((rc = cc_tokenize(t, text, len, &s->tok)) < 0)
        return rc;
    if (s->tok.n > s->cap) {
        size_t cap = s->tok.n + 16;
        uint32_t *w = cc_realloc(s->word, cap * sizeof(*w));
        if (!w)
            return cc_error_oom();
        s->word = w;
        uint64_t *k = cc_realloc(s->wkey, cap * sizeof(*k));
        if (!k)
            return cc_error_oom();
        s->wkey = k;
        s->cap = cap;
    }
    for (size_t i = 0; i < s->tok.n; i++) {
        const cc_token *k = &s->tok.v[i];
        if (!is_word(k->kind))
            continue;
        s->word[s->nword] = (uint32_t)i;
        s->wkey[s->nword++] = cc_word_key(k->kind, s->tok.norm.data + k->norm, k->norm_len);
    }
    return 0;
}

void cc_seq_free(cc_seq *s)
{
    cc_tokens_free(&s->tok);
    cc_free(s->word);
    cc_free(s->wkey);
    memset(s, 0, sizeof(*s));
}

static const cc_token *word_tok(const cc_seq *s, size_t i)
{
    return &s->tok.v[s->word[i]];
}

static const char *norm_of(const cc_seq *s, const cc_token *k)
{
    return s->tok.norm.data + k->norm;
}

int cc_same_word(const cc_seq *a, size_t i, const cc_seq *b, size_t j)
{
    if (a->wkey[i] != b->wkey[j])
        return 0;
    const cc_token *x = word_tok(a, i), *y = word_tok(b, j);
    if (x->kind == CC_TOK_NUMBER || y->kind == CC_TOK_NUMBER)
        return x->kind == y->kind;
    return x->norm_len == y->norm_len && memcmp(norm_of(a, x), norm_of(b, y), x->norm_len) == 0;
}

int cc_fuzzy(size_t d, size_t nq, size_t ns)
{
    size_t m = nq > ns ? nq : ns;
    if (m == 0)
        return 100;
    if (d >= m)
        return 0;
    return (int)(100 * (m - d) / m);
}

void cc_scorer_free(cc_scorer *sc)
{
    cc_free(sc->dp);
    memset(sc, 0, sizeof(*sc));
}

/* The punctuation of a segment, with the spacing before each mark, is the same in both? */
static int same_punctuation(const cc_seq *a, const cc_seq *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a->tok.n && is_word(a->tok.v[i].kind))
            i++;
        while (j < b->tok.n && is_word(b->tok.v[j].kind))
            j++;
        if (i == a->tok.n || j == b->tok.n)
            return i == a->tok.n && j == b->tok.n;
        const cc_token *x = &a->tok.v[i], *y = &b->tok.v[j];
        if (x->norm_len != y->norm_len || memcmp(norm_of(a, x), norm_of(b, y), x->norm_len) != 0 ||
            ((x->flags ^ y->flags) & CC_TOKF_SPACE))
            return 0;
        i++;
        j++;
    }
}

static int add_penalty(cc_score *r, int kind, int points)
{
    if (points <= 0)
        return 0;
    r->pen[r->npen].kind = kind;
    r->pen[r->npen].points = points;
    r->npen++;
    return points;
}

/* Is there a punctuation token between word tokens a and b of s? */
static int punct_between(const cc_seq *s, size_t a, size_t b)
{
    return s->word[b] - s->word[a] > 1;
}

/*
 * Where, in x, words of the other side that x lacks go (they start at word
 * oa of other; x's next word is xa): right after x's previous word when
 * they come at the end or when only spaces separate them from the word
 * before them (so the stop after that word stays after them: "discussed
 * {+today+}."), otherwise before x's next word ("Moscow, {+Osaka+} Tokyo").
 */
static size_t empty_at(const cc_seq *x, size_t xa, const cc_seq *other, size_t oa)
{
    if (xa > 0 && oa > 0 && (xa == x->nword || !punct_between(other, oa - 1, oa)))
        return word_tok(x, xa - 1)->end;
    return xa < x->nword ? word_tok(x, xa)->start : x->len;
}

/* Append one diff op for the run of steps q[qa..qb) / s[sa..sb) (word indices). */
static int add_op(const cc_seq *q, const cc_seq *s, int equal, size_t qa, size_t qb, size_t sa,
                  size_t sb, concord_diff_op *ops, size_t *n)
{
    concord_diff_op *op = &ops[(*n)++];
    if (equal)
        op->kind = CONCORD_DIFF_EQUAL;
    else if (qa < qb && sa < sb)
        op->kind = CONCORD_DIFF_REPLACE;
    else if (qa < qb)
        op->kind = CONCORD_DIFF_INSERT;
    else
        op->kind = CONCORD_DIFF_DELETE;
    /* an empty side sits where the other side's words would go */
    op->query_start = qa < qb ? word_tok(q, qa)->start : empty_at(q, qa, s, sa);
    op->query_end = qa < qb ? word_tok(q, qb - 1)->end : op->query_start;
    op->source_start = sa < sb ? word_tok(s, sa)->start : empty_at(s, sa, q, qa);
    op->source_end = sa < sb ? word_tok(s, sb - 1)->end : op->source_start;
    return 0;
}

int cc_score_seq(cc_scorer *sc, const cc_seq *q, const cc_seq *s, size_t ncodes, int min_fuzzy,
                 cc_arena *a, cc_score *r)
{
    memset(r, 0, sizeof(*r));
    size_t nq = q->nword, ns = s->nword;
    size_t m = nq > ns ? nq : ns;
    /* the most edits that still reach min_fuzzy */
    size_t dmax = min_fuzzy <= 0 ? m : (m * (size_t)(100 - min_fuzzy)) / 100;
    size_t diff = nq > ns ? nq - ns : ns - nq;
    if (diff > dmax || nq > CC_MAX_WORDS || ns > CC_MAX_WORDS)
        return 0;
    size_t w = ns + 1, cells = (nq + 1) * w;
    if (cells > sc->dpcap) {
        uint16_t *dp = cc_realloc(sc->dp, cells * sizeof(*dp));
        if (!dp)
            return cc_error_oom();
        sc->dp = dp;
        sc->dpcap = cells;
    }
    uint16_t *D = sc->dp;
    for (size_t j = 0; j <= ns; j++)
        D[j] = (uint16_t)j;
    for (size_t i = 1; i <= nq; i++) {
        uint16_t *row = D + i * w, *up = row - w;
        row[0] = (uint16_t)i;
        uint16_t lo = row[0];
        for (size_t j = 1; j <= ns; j++) {
            uint16_t best = up[j - 1] + (cc_same_word(q, i - 1, s, j - 1) ? 0 : 1);
            if (up[j] + 1 < best)
                best = up[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            if (best < lo)
                lo = best;
        }
        if (lo > dmax)
            return 0; /* every alignment already needs too many edits */
    }
    size_t d = D[nq * w + ns];
    if (d > dmax)
        return 0;
    r->fuzzy = cc_fuzzy(d, nq, ns);

    /* the alignment, from the end: 'M'atch, 'S'ubstitute, 'I'nsert (query), 'D'elete (source) */
    char *steps = cc_arena_alloc(a, nq + ns + 1);
    r->num_q = cc_arena_alloc(a, (nq + 1) * sizeof(uint32_t));
    r->num_s = cc_arena_alloc(a, (nq + 1) * sizeof(uint32_t));
    r->diff = cc_arena_alloc(a, (nq + ns + 1) * sizeof(concord_diff_op));
    if (!steps || !r->num_q || !r->num_s || !r->diff)
        return cc_error_oom();
    size_t nsteps = 0, i = nq, j = ns;
    while (i > 0 || j > 0) {
        uint16_t here = D[i * w + j];
        if (i > 0 && j > 0 && cc_same_word(q, i - 1, s, j - 1) && D[(i - 1) * w + j - 1] == here) {
            steps[nsteps++] = 'M';
            i--, j--;
        } else if (i > 0 && j > 0 && D[(i - 1) * w + j - 1] + 1 == here) {
            steps[nsteps++] = 'S';
            i--, j--;
        } else if (j > 0 && D[i * w + j - 1] + 1 == here) {
            steps[nsteps++] = 'D';
            j--;
        } else {
            steps[nsteps++] = 'I';
            i--;
        }
    }
    /* forward: penalties and ops */
    int case_diff = 0, space_diff = 0;
    size_t qa = 0, sa = 0; /* start of the current run */
    int run_equal = -1;
    i = j = 0;
    for (size_t k = nsteps; k-- > 0;) {
        char st = steps[k];
        /* numbers count as the same word, but the diff shows a different one */
        int eq = st == 'M' && !(word_tok(q, i)->kind == CC_TOK_NUMBER &&
                                (word_tok(q, i)->norm_len != word_tok(s, j)->norm_len ||
                                 memcmp(norm_of(q, word_tok(q, i)), norm_of(s, word_tok(s, j)),
                                        word_tok(q, i)->norm_len) != 0));
        /* a change does not reach over punctuation that both sides keep */
        int cut = run_equal == 0 && !eq &&
                  ((st != 'D' && i > qa && punct_between(q, i - 1, i)) ||
                   (st != 'I' && j > sa && punct_between(s, j - 1, j)));
        if (run_equal != -1 && (eq != run_equal || cut)) {
            add_op(q, s, run_equal, qa, i, sa, j, r->diff, &r->ndiff);
            qa = i;
            sa = j;
        }
        run_equal = eq;
        if (st == 'M') {
            const cc_token *x = word_tok(q, i), *y = word_tok(s, j);
            if (x->kind == CC_TOK_NUMBER) {
                if (x->norm_len != y->norm_len ||
                    memcmp(norm_of(q, x), norm_of(s, y), x->norm_len) != 0) {
                    r->num_q[r->nnum] = (uint32_t)i;
                    r->num_s[r->nnum++] = (uint32_t)j;
                }
            } else if (x->end - x->start != y->end - y->start ||
                       memcmp(q->text + x->start, s->text + y->start, x->end - x->start) != 0) {
                case_diff = 1;
            }
            if (i > 0 && j > 0 && ((x->flags ^ y->flags) & CC_TOKF_SPACE))
                space_diff = 1;
        }
        if (st != 'D')
            i++;
        if (st != 'I')
            j++;
    }
    if (run_equal != -1)
        add_op(q, s, run_equal, qa, i, sa, j, r->diff, &r->ndiff);

    int points = 0;
    points += add_penalty(r, CONCORD_PENALTY_CASE, case_diff);
    points +=
        add_penalty(r, CONCORD_PENALTY_PUNCTUATION, space_diff || !same_punctuation(q, s) ? 1 : 0);
    points += add_penalty(r, CONCORD_PENALTY_NUMBERS, (int)r->nnum);
    points += add_penalty(r, CONCORD_PENALTY_CODES, ncodes > 0 ? 1 : 0);
    r->score = r->fuzzy > points ? r->fuzzy - points : 0;
    return 1;
}

/* Is there a digit, or a separator followed by a digit, at t[i] (a number goes on)? */
static int number_goes_on(const char *t, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    if (t[i] >= '0' && t[i] <= '9')
        return 1;
    return (t[i] == '.' || t[i] == ',') && i + 1 < len && t[i + 1] >= '0' && t[i + 1] <= '9';
}

static int number_before(const char *t, size_t i)
{
    return i > 0 && t[i - 1] >= '0' && t[i - 1] <= '9';
}

/* The number with '.' and ',' swapped (3.5 <-> 3,5, 1,000 <-> 1.000), into out. */
static void swap_separators(const char *num, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = num[i] == '.' ? ',' : num[i] == ',' ? '.' : num[i];
}

/* Where number num[0..n) occurs once, standing alone, in target; -1 if not exactly once. */
static long find_once(const char *target, size_t target_len, const char *num, size_t n)
{
    long at = -1;
    size_t found = 0;
    for (size_t p = 0; p + n <= target_len; p++) {
        if (memcmp(target + p, num, n) == 0 && !number_before(target, p) &&
            !number_goes_on(target, target_len, p + n)) {
            at = (long)p;
            found++;
        }
    }
    return found == 1 ? at : -1;
}

const char *cc_substitute_numbers(const cc_seq *q, const cc_seq *s, const cc_score *r,
                                  const char *target, size_t target_len, cc_arena *a)
{
    if (r->nnum == 0 || r->nnum > 64)
        return NULL;
    size_t at[64];
    int swapped[64];
    size_t len = target_len;
    for (size_t k = 0; k < r->nnum; k++) {
        /* "March 27" -> "27 марта" and the query "June 28": not "28 марта" */
        if (cc_date_differs(q, r->num_q[k], s, r->num_s[k]))
            return NULL;
        const cc_token *x = word_tok(q, r->num_q[k]), *y = word_tok(s, r->num_s[k]);
        size_t n = y->end - y->start;
        char alt[64];
        long p = find_once(target, target_len, s->text + y->start, n);
        swapped[k] = 0;
        if (p < 0 && n <= sizeof(alt)) {
            /* the target writes decimals the other way (3.5 in English, 3,5 in Russian) */
            swap_separators(s->text + y->start, n, alt);
            if (memcmp(alt, s->text + y->start, n) != 0 &&
                (p = find_once(target, target_len, alt, n)) >= 0)
                swapped[k] = 1;
        }
        if (p < 0)
            return NULL;
        at[k] = (size_t)p;
        for (size_t e = 0; e < k; e++)
            if (at[e] == at[k])
                return NULL;
        len = len - n + (x->end - x->start);
    }
    char *out = cc_arena_alloc(a, len + 1);
    if (!out)
        return NULL;
    size_t o = 0, p = 0;
    for (;;) {
        size_t best = r->nnum;
        for (size_t k = 0; k < r->nnum; k++)
            if (at[k] >= p && (best == r->nnum || at[k] < at[best]))
                best = k;
        if (best == r->nnum)
            break;
        const cc_token *x = word_tok(q, r->num_q[best]), *y = word_tok(s, r->num_s[best]);
        memcpy(out + o, target + p, at[best] - p);
        o += at[best] - p;
        if (swapped[best])
            swap_separators(q->text + x->start, x->end - x->start, out + o);
        else
            memcpy(out + o, q->text + x->start, x->end - x->start);
        o += x->end - x->start;
        p = at[best] + (y->end - y->start);
    }
    memcpy(out + o, target + p, target_len - p);
    o += target_len - p;
    out[o] = '\0';
    return out;
}

int cc_keys_within(const uint64_t *q, size_t nq, const uint64_t *s, size_t ns, size_t dmax,
                   uint16_t *row)
{
    size_t diff = nq > ns ? nq - ns : ns - nq;
    if (diff > dmax)
        return 0;
    /* row[0..ns]: the previous row, updated in place */
    for (size_t j = 0; j <= ns; j++)
        row[j] = (uint16_t)j;
    for (size_t i = 1; i <= nq; i++) {
        uint16_t diag = row[0], lo;
        row[0] = (uint16_t)i;
        lo = row[0];
        for (size_t j = 1; j <= ns; j++) {
            uint16_t up = row[j];
            uint16_t best = (uint16_t)(diag + (q[i - 1] == s[j - 1] ? 0 : 1));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
            if (best < lo)
                lo = best;
        }
        if (lo > dmax)
            return 0;
    }
    return row[ns] <= dmax;
}
