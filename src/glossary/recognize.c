/*
 * recognize.c — finding a glossary's terms in running text.
 *
 * The text and every term are cut into the matcher's tokens (ICU word
 * breaks; NFC, case and width folded; Japanese and Chinese one character per
 * token, so a term there is found as a substring wherever it occurs). A term
 * is a sequence of words; each word is compared one of three ways:
 *   exact   the folded form (and the original bytes for case-sensitive terms)
 *   stem    the Snowball stem of the folded form, or the exact form
 *           (the default for languages Snowball knows: ru, de, fr, en, ...)
 *   prefix  for a stem marker "Курил|ы": the part before '|' followed by at
 *           most four more letters. Snowball misleads on some words (the
 *           genitive "Курил" stems to "кур", as the verb "курил" does), and
 *           the marker or an explicit list of forms says what it cannot.
 * A term that starts or ends with katakana does not start or end inside a
 * longer katakana word. Forms (forms=...) are extra exact patterns of the same term. Exceptions
 * (except=...) are phrases inside which the term is not the term (東海 in
 * 東海地方).
 *
 * Candidates come from a hash of the first word's keys; the longest match at
 * a position wins, then the one whose words matched exactly, then the
 * earlier term; matches do not overlap.
 */
#include <string.h>

#include "glossary/recognize.h"
#include "text/unicode.h"

enum { W_EXACT = 1, W_STEM = 2, W_PREFIX = 3 };

/*
 * A pattern of two or more words whose first two are exact or stemmed goes in
 * the table under both words' keys (kinds 4..7), so that a common first word
 * ("in", "the", 日) does not make every occurrence try hundreds of terms.
 */
#define W_PAIR(k0, k1) (4 + ((k0)-1) * 2 + ((k1)-1))

static uint64_t hash_pair(int k0, const char *a, size_t na, int k1, const char *b, size_t nb)
{
    /* a byte no UTF-8 holds between the two */
    uint64_t h = cc_hash(cc_hash(CC_HASH_INIT ^ (uint64_t)W_PAIR(k0, k1), a, na), "\xff", 1);
    h = cc_hash(h, b, nb);
    return h ? h : 1;
}

#define PREFIX_MAX_EXTRA 4 /* letters a marked stem may be followed by */

typedef struct word {
    uint8_t kind;
    uint8_t case_sensitive;
    uint32_t key, key_len;   /* exact: the folded form; stem: the stem; prefix: the prefix */
    uint32_t norm, norm_len; /* the folded form (stem words also match it) */
    uint32_t raw, raw_len;   /* NFC original, for case-sensitive words */
} word;

typedef struct pattern {
    uint32_t term;
    uint32_t first, n; /* words[first .. first+n) */
    uint8_t is_form;   /* from forms=, not the term as written */
    int32_t next;      /* next pattern in the same hash chain */
} pattern;

typedef struct seq {
    uint32_t first, n; /* words (all exact) of an exception phrase */
} seq;

typedef struct slot {
    uint64_t hash;
    int32_t head; /* first pattern, or -1 */
} slot;

typedef struct stem_slot {
    uint64_t hash;
    uint32_t norm, norm_len, stem, stem_len; /* in r->stems */
} stem_slot;

struct cc_recognizer {
    const concord_glossary *g;
    char lang[16];
    cc_tokenizer *tok;
    cc_stemmer *stemmer;
    cc_buf keys; /* all key strings */
    word *words;
    size_t nwords, capwords;
    pattern *pats;
    size_t npats, cappats;
    slot *table;
    size_t tcap; /* power of two */
    int has_prefix;
    unsigned pair_kinds; /* bit W_PAIR(k0, k1): some pattern is keyed so */
    /* exceptions per term: except_of[term] = first seq, count */
    uint32_t *except_first, *except_n;
    seq *seqs;
    size_t nseqs, capseqs;
    /* stem cache */
    stem_slot *stab;
    size_t scap, sn;
    cc_buf stems;
    cc_tokens tokens;
    cc_tokens scratch;
};

static uint64_t hash_bytes(int kind, const char *s, size_t n)
{
    uint64_t h = cc_hash(CC_HASH_INIT ^ (uint64_t)kind, s, n);
    return h ? h : 1;
}

static int add_key(cc_recognizer *r, const char *s, size_t n, uint32_t *off)
{
    if (r->keys.len + n + 1 > UINT32_MAX)
        return cc_error_set(CONCORD_ELIMIT, "glossary too large");
    *off = (uint32_t)r->keys.len;
    int rc = cc_buf_append(&r->keys, s, n);
    return rc ? rc : cc_buf_putc(&r->keys, '\0');
}

static int table_grow(cc_recognizer *r)
{
    size_t cap = r->tcap ? r->tcap * 2 : 1024;
    slot *t = cc_malloc(cap * sizeof(*t));
    if (!t)
        return cc_error_oom();
    for (size_t i = 0; i < cap; i++)
        t[i].hash = 0, t[i].head = -1;
    for (size_t i = 0; i < r->tcap; i++) {
        if (!r->table[i].hash)
            continue;
        size_t j = r->table[i].hash & (cap - 1);
        while (t[j].hash)
            j = (j + 1) & (cap - 1);
        t[j] = r->table[i];
    }
    cc_free(r->table);
    r->table = t;
    r->tcap = cap;
    return 0;
}

/* The chain head for hash h (created if `create`), or NULL. */
static slot *table_find(cc_recognizer *r, uint64_t h, int create)
{
    if (!r->tcap)
        return NULL;
    size_t j = h & (r->tcap - 1);
    while (r->table[j].hash) {
        if (r->table[j].hash == h)
            return &r->table[j];
        j = (j + 1) & (r->tcap - 1);
    }
    if (!create)
        return NULL;
    r->table[j].hash = h;
    r->table[j].head = -1;
    return &r->table[j];
}

/*
 * The stem of a folded word, cached. A word far longer than any term may be
 * (CC_GLOSS_TERM_MAX) is its own stem: no term word can match it, and a
 * document of one 100 MB "word" must not fail ("word too long to stem") or
 * fill the cache.
 */
static int stem_of(cc_recognizer *r, const char *s, size_t n, const char **out, size_t *out_len)
{
    if (n > 2 * (size_t)CC_GLOSS_TERM_MAX) {
        *out = s;
        *out_len = n;
        return 0;
    }
    uint64_t h = hash_bytes(0, s, n);
    if (r->sn * 2 >= r->scap) {
        size_t cap = r->scap ? r->scap * 2 : 4096;
        if (r->sn > (1u << 20)) { /* forget a huge cache rather than grow forever */
            r->sn = 0;
            cc_buf_clear(&r->stems);
            cap = r->scap;
        }
        stem_slot *t = cc_calloc(cap, sizeof(*t));
        if (!t)
            return cc_error_oom();
        if (r->sn)
            for (size_t i = 0; i < r->scap; i++) {
                if (!r->stab[i].hash)
                    continue;
                size_t j = r->stab[i].hash & (cap - 1);
                while (t[j].hash)
                    j = (j + 1) & (cap - 1);
                t[j] = r->stab[i];
            }
        cc_free(r->stab);
        r->stab = t;
        r->scap = cap;
    }
    size_t j = h & (r->scap - 1);
    while (r->stab[j].hash) {
        stem_slot *e = &r->stab[j];
        if (e->hash == h && e->norm_len == n && memcmp(r->stems.data + e->norm, s, n) == 0) {
            *out = r->stems.data + e->stem;
            *out_len = e->stem_len;
            return 0;
        }
        j = (j + 1) & (r->scap - 1);
    }
    const char *st;
    size_t sl;
    int rc = cc_stem(r->stemmer, s, n, &st, &sl);
    if (rc < 0)
        return rc;
    stem_slot e = {h, (uint32_t)r->stems.len, (uint32_t)n, 0, (uint32_t)sl};
    if ((rc = cc_buf_append(&r->stems, s, n)) < 0)
        return rc;
    e.stem = (uint32_t)r->stems.len;
    if ((rc = cc_buf_append(&r->stems, st, sl)) < 0)
        return rc;
    r->stab[j] = e;
    r->sn++;
    *out = r->stems.data + e.stem;
    *out_len = sl;
    return 0;
}

static size_t count_cp(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* The byte length of the first `cp` code points of s[0..n). */
static size_t cp_bytes(const char *s, size_t n, size_t cp)
{
    size_t i = 0;
    while (i < n && cp) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        cp--;
    }
    return i;
}

/*
 * Compile one pattern of term `ti` from text (markers '|' allowed when
 * `marked`): tokens become words; the first word's keys go in the table.
 */
static int compile(cc_recognizer *r, uint32_t ti, const char *text, int marked, int is_form,
                   cc_inflect inflect, int case_sensitive)
{
    int rc;
    /* Remove the markers, remembering where they were. */
    size_t n = strlen(text);
    char *plain = cc_malloc(n + 1);
    size_t *marks = cc_malloc((n + 1) * sizeof(*marks));
    size_t nm = 0, k = 0;
    if (!plain || !marks) {
        rc = cc_error_oom();
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (marked && text[i] == '|')
            marks[nm++] = k;
        else
            plain[k++] = text[i];
    }
    plain[k] = '\0';
    if ((rc = cc_tokenize(r->tok, plain, k, &r->scratch)) < 0)
        goto done;
    if (r->scratch.n == 0)
        goto done;
    if ((rc = cc_grow((void **)&r->pats, &r->cappats, r->npats + 1, sizeof(*r->pats))) < 0)
        goto done;
    pattern *p = &r->pats[r->npats];
    p->term = ti;
    p->first = (uint32_t)r->nwords;
    p->n = (uint32_t)r->scratch.n;
    p->is_form = (uint8_t)is_form;
    for (size_t t = 0; t < r->scratch.n; t++) {
        const cc_token *tk = &r->scratch.v[t];
        if ((rc = cc_grow((void **)&r->words, &r->capwords, r->nwords + 1, sizeof(*r->words))) < 0)
            goto done;
        word *w = &r->words[r->nwords];
        memset(w, 0, sizeof(*w));
        const char *norm = r->scratch.norm.data + tk->norm;
        size_t mark = 0;
        int has_mark = 0;
        for (size_t m = 0; m < nm; m++)
            if (marks[m] > tk->start && marks[m] <= tk->end)
                mark = marks[m], has_mark = 1;
        w->case_sensitive = (uint8_t)case_sensitive;
        if ((rc = add_key(r, norm, tk->norm_len, &w->norm)) < 0 ||
            (rc = add_key(r, plain + tk->start, tk->end - tk->start, &w->raw)) < 0)
            goto done;
        w->norm_len = tk->norm_len;
        w->raw_len = tk->end - tk->start;
        if (has_mark && tk->kind == CC_TOK_WORD) {
            /* the folded prefix: fold the original prefix on its own */
            char *f;
            size_t fl;
            if ((rc = cc_text_casefold(plain + tk->start, mark - tk->start, &f, &fl)) < 0)
                goto done;
            rc = add_key(r, f, fl, &w->key);
            cc_free(f);
            if (rc < 0)
                goto done;
            w->kind = W_PREFIX;
            w->key_len = (uint32_t)fl;
            r->has_prefix = 1;
        } else if (tk->kind == CC_TOK_WORD && r->stemmer && !is_form && !case_sensitive &&
                   inflect != CC_INFLECT_EXACT) {
            /* the default, and the words of a marked term that carry no marker */
            const char *st;
            size_t sl;
            if ((rc = stem_of(r, norm, tk->norm_len, &st, &sl)) < 0 ||
                (rc = add_key(r, st, sl, &w->key)) < 0)
                goto done;
            w->kind = W_STEM;
            w->key_len = (uint32_t)sl;
        } else {
            w->kind = W_EXACT;
            w->key = w->norm;
            w->key_len = w->norm_len;
        }
        r->nwords++;
    }
    /* into the table under the first word's key */
    const word *w0 = &r->words[p->first];
    uint64_t h = hash_bytes(w0->kind, r->keys.data + w0->key, w0->key_len);
    if (p->n >= 2 && w0->kind != W_PREFIX && r->words[p->first + 1].kind != W_PREFIX) {
        const word *w1 = &r->words[p->first + 1];
        h = hash_pair(w0->kind, r->keys.data + w0->key, w0->key_len, w1->kind,
                      r->keys.data + w1->key, w1->key_len);
        r->pair_kinds |= 1u << W_PAIR(w0->kind, w1->kind);
    }
    if ((r->npats + 1) * 2 > r->tcap && (rc = table_grow(r)) < 0)
        goto done;
    slot *s = table_find(r, h, 1);
    p->next = s->head;
    s->head = (int32_t)r->npats;
    r->npats++;
done:
    cc_free(plain);
    cc_free(marks);
    return rc;
}

/* Exception phrases: sequences of exact words (not in the table). */
static int compile_except(cc_recognizer *r, const char *text, seq *out)
{
    int rc = cc_tokenize(r->tok, text, strlen(text), &r->scratch);
    if (rc < 0)
        return rc;
    out->first = (uint32_t)r->nwords;
    out->n = (uint32_t)r->scratch.n;
    for (size_t t = 0; t < r->scratch.n; t++) {
        if (cc_grow((void **)&r->words, &r->capwords, r->nwords + 1, sizeof(*r->words)) < 0)
            return CONCORD_ENOMEM;
        word *w = &r->words[r->nwords];
        memset(w, 0, sizeof(*w));
        const cc_token *tk = &r->scratch.v[t];
        if ((rc = add_key(r, r->scratch.norm.data + tk->norm, tk->norm_len, &w->norm)) < 0)
            return rc;
        w->kind = W_EXACT;
        w->key = w->norm;
        w->key_len = w->norm_len = tk->norm_len;
        r->nwords++;
    }
    return 0;
}

int cc_recognizer_new(cc_recognizer **out, const concord_glossary *g, const char *lang)
{
    *out = NULL;
    cc_recognizer *r = cc_calloc(1, sizeof(*r));
    if (!r)
        return cc_error_oom();
    r->g = g;
    size_t n = strcspn(lang, "-_");
    if (n >= sizeof(r->lang))
        n = sizeof(r->lang) - 1;
    memcpy(r->lang, lang, n);
    r->lang[n] = '\0';
    int rc = cc_tokenizer_new(&r->tok, r->lang);
    if (rc == 0)
        rc = cc_stemmer_new(&r->stemmer, r->lang);
    if (rc == 0 && g->nterms) {
        r->except_first = cc_calloc(g->nterms, sizeof(*r->except_first));
        r->except_n = cc_calloc(g->nterms, sizeof(*r->except_n));
        if (!r->except_first || !r->except_n)
            rc = cc_error_oom();
    }
    if (rc == 0)
        rc = table_grow(r);
    for (size_t i = 0; rc == 0 && i < g->nterms; i++) {
        const cc_term *t = &g->terms[i];
        if (!cc_lang_primary_eq(t->lang, r->lang))
            continue;
        int cs = (t->flags & CC_TERMF_CASE) != 0;
        rc =
            compile(r, (uint32_t)i, t->pattern, t->inflect == CC_INFLECT_MARKER, 0, t->inflect, cs);
        for (size_t f = 0; rc == 0 && f < t->nforms; f++)
            rc = compile(r, (uint32_t)i, t->forms[f], 0, 1, CC_INFLECT_EXACT, cs);
        if (rc == 0 && t->nexcept) {
            r->except_first[i] = (uint32_t)r->nseqs;
            r->except_n[i] = (uint32_t)t->nexcept;
            for (size_t e = 0; rc == 0 && e < t->nexcept; e++) {
                if ((rc = cc_grow((void **)&r->seqs, &r->capseqs, r->nseqs + 1, sizeof(*r->seqs))) <
                    0)
                    break;
                rc = compile_except(r, t->except[e], &r->seqs[r->nseqs]);
                if (rc == 0)
                    r->nseqs++;
            }
        }
    }
    if (rc < 0) {
        cc_recognizer_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void cc_recognizer_free(cc_recognizer *r)
{
    if (!r)
        return;
    cc_tokenizer_free(r->tok);
    cc_stemmer_free(r->stemmer);
    cc_buf_free(&r->keys);
    cc_free(r->words);
    cc_free(r->pats);
    cc_free(r->table);
    cc_free(r->except_first);
    cc_free(r->except_n);
    cc_free(r->seqs);
    cc_free(r->stab);
    cc_buf_free(&r->stems);
    cc_tokens_free(&r->tokens);
    cc_tokens_free(&r->scratch);
    cc_free(r);
}

const cc_tokens *cc_recognizer_tokens(const cc_recognizer *r)
{
    return &r->tokens;
}

int cc_recognizer_tokenize(cc_recognizer *r, const char *text, size_t len, cc_tokens *out)
{
    return cc_tokenize(r->tok, text, len, out);
}

/* How token t matches word w: 0 no, 1 by stem or prefix, 2 exactly. */
static int word_match(cc_recognizer *r, const word *w, const char *text, const cc_token *t,
                      const char *norm)
{
    const char *keys = r->keys.data;
    if (w->case_sensitive && (t->end - t->start != w->raw_len ||
                              memcmp(text + t->start, keys + w->raw, w->raw_len) != 0))
        return 0;
    if (t->norm_len == w->norm_len && memcmp(norm, keys + w->norm, w->norm_len) == 0)
        return 2;
    if (t->kind != CC_TOK_WORD)
        return 0;
    if (w->kind == W_STEM) {
        const char *st;
        size_t sl;
        if (stem_of(r, norm, t->norm_len, &st, &sl) < 0)
            return -1;
        return sl == w->key_len && memcmp(st, keys + w->key, sl) == 0;
    }
    if (w->kind == W_PREFIX) {
        if (t->norm_len < w->key_len || memcmp(norm, keys + w->key, w->key_len) != 0)
            return 0;
        return count_cp(norm + w->key_len, t->norm_len - w->key_len) <= PREFIX_MAX_EXTRA;
    }
    return 0;
}

/* Is the match of term ti at tokens [i, j) inside one of its exception phrases? */
static int excepted(cc_recognizer *r, uint32_t ti, size_t i, size_t j)
{
    const cc_tokens *tk = &r->tokens;
    for (uint32_t e = 0; e < r->except_n[ti]; e++) {
        const seq *s = &r->seqs[r->except_first[ti] + e];
        for (size_t back = 0; back < s->n && back <= i; back++) {
            size_t st = i - back;
            if (st + s->n < j || st + s->n > tk->n)
                continue;
            size_t k = 0;
            while (k < s->n) {
                const word *w = &r->words[s->first + k];
                const cc_token *t = &tk->v[st + k];
                if (t->norm_len != w->norm_len ||
                    memcmp(tk->norm.data + t->norm, r->keys.data + w->norm, w->norm_len) != 0)
                    break;
                k++;
            }
            if (k == s->n)
                return 1;
        }
    }
    return 0;
}

/* Is token t one katakana character (ー included)? */
static int katakana(const char *text, const cc_token *t)
{
    if (t->kind != CC_TOK_CJK)
        return 0;
    size_t i = t->start;
    uint32_t c = cc_utf8_decode((const unsigned char *)text, &i);
    return c == 0x30FC || cc_uc_script(c) == CC_SCRIPT_KATAKANA;
}

/*
 * Japanese is matched character by character (ICU's dictionary may not know a
 * term, and then cuts it apart), but a katakana word is one run of katakana:
 * a term may start or end inside such a run only where ICU's dictionary word
 * breaks put a word boundary too. ラッシュ is not in クラッシュ, nor オーバー in
 * オーバーフロー, while メモリ is in メモリキュー (メモリ|キュー).
 */
static int cuts_katakana(const cc_tokens *tk, const char *text, size_t i, size_t j)
{
    if (i > 0 && !(tk->v[i].flags & CC_TOKF_BREAK) && tk->v[i - 1].end == tk->v[i].start &&
        katakana(text, &tk->v[i]) && katakana(text, &tk->v[i - 1]))
        return 1;
    return j < tk->n && !(tk->v[j].flags & CC_TOKF_BREAK) && tk->v[j - 1].end == tk->v[j].start &&
           katakana(text, &tk->v[j - 1]) && katakana(text, &tk->v[j]);
}

typedef struct best {
    int32_t pat;
    size_t len;
    int exact; /* words matched exactly */
} best;

/* Try the patterns of one chain at token i. */
static int try_chain(cc_recognizer *r, const char *text, int32_t head, size_t i, best *b)
{
    const cc_tokens *tk = &r->tokens;
    for (int32_t pi = head; pi >= 0; pi = r->pats[pi].next) {
        const pattern *p = &r->pats[pi];
        if (i + p->n > tk->n || p->n < b->len)
            continue;
        int exact = 0, ok = 1;
        for (uint32_t k = 0; k < p->n && ok; k++) {
            const cc_token *t = &tk->v[i + k];
            int m = word_match(r, &r->words[p->first + k], text, t, tk->norm.data + t->norm);
            if (m < 0)
                return m;
            ok = m > 0;
            exact += m == 2;
        }
        if (!ok)
            continue;
        int all_exact = exact == (int)p->n;
        if (p->n > b->len || (p->n == b->len && all_exact > b->exact) ||
            (p->n == b->len && all_exact == b->exact && b->pat >= 0 && pi < b->pat)) {
            if (r->except_n[p->term] && excepted(r, p->term, i, i + p->n))
                continue;
            if (cuts_katakana(tk, text, i, i + p->n))
                continue;
            b->pat = pi;
            b->len = p->n;
            b->exact = all_exact;
        }
    }
    return 0;
}

int cc_recognize(cc_recognizer *r, const char *text, size_t len, cc_mentions *out)
{
    out->n = 0;
    int rc = cc_tokenize(r->tok, text, len, &r->tokens);
    if (rc < 0)
        return rc;
    const cc_tokens *tk = &r->tokens;
    if (!r->npats)
        return 0;
    for (size_t i = 0; i < tk->n;) {
        const cc_token *t = &tk->v[i];
        const char *norm = tk->norm.data + t->norm;
        best b = {-1, 0, 0};
        slot *s = table_find(r, hash_bytes(W_EXACT, norm, t->norm_len), 0);
        if (s && (rc = try_chain(r, text, s->head, i, &b)) < 0)
            return rc;
        /* stems are borrowed from the cache until its next call: keep copies */
        char st[128], st1[128];
        size_t sl = 0, sl1 = 0;
        int have_st = 0, have_st1 = 0;
        if (t->kind == CC_TOK_WORD && r->stemmer) {
            const char *p0;
            if ((rc = stem_of(r, norm, t->norm_len, &p0, &sl)) < 0)
                return rc;
            if (sl < sizeof(st)) {
                memcpy(st, p0, sl);
                have_st = 1;
            }
            s = table_find(r, hash_bytes(W_STEM, p0, sl), 0);
            if (s && (rc = try_chain(r, text, s->head, i, &b)) < 0)
                return rc;
        }
        if (r->pair_kinds && i + 1 < tk->n) {
            /* the keys of this word and the next, exact and stemmed */
            const cc_token *t1 = &tk->v[i + 1];
            const char *n1 = tk->norm.data + t1->norm;
            if (t1->kind == CC_TOK_WORD && r->stemmer &&
                (r->pair_kinds &
                 ((1u << W_PAIR(W_EXACT, W_STEM)) | (1u << W_PAIR(W_STEM, W_STEM))))) {
                const char *p1;
                if ((rc = stem_of(r, n1, t1->norm_len, &p1, &sl1)) < 0)
                    return rc;
                if (sl1 < sizeof(st1)) {
                    memcpy(st1, p1, sl1);
                    have_st1 = 1;
                }
            }
            const char *key0[3] = {NULL, norm, have_st ? st : NULL};
            const char *key1[3] = {NULL, n1, have_st1 ? st1 : NULL};
            size_t len0[3] = {0, t->norm_len, sl}, len1[3] = {0, t1->norm_len, sl1};
            for (int k0 = W_EXACT; k0 <= W_STEM; k0++)
                for (int k1 = W_EXACT; k1 <= W_STEM; k1++) {
                    if (!(r->pair_kinds & (1u << W_PAIR(k0, k1))) || !key0[k0] || !key1[k1])
                        continue;
                    s = table_find(r, hash_pair(k0, key0[k0], len0[k0], k1, key1[k1], len1[k1]), 0);
                    if (s && (rc = try_chain(r, text, s->head, i, &b)) < 0)
                        return rc;
                }
        }
        if (t->kind == CC_TOK_WORD && r->has_prefix) {
            size_t cps = count_cp(norm, t->norm_len);
            for (size_t cut = 0; cut <= PREFIX_MAX_EXTRA && cut < cps; cut++) {
                size_t pl = cp_bytes(norm, t->norm_len, cps - cut);
                s = table_find(r, hash_bytes(W_PREFIX, norm, pl), 0);
                if (s && (rc = try_chain(r, text, s->head, i, &b)) < 0)
                    return rc;
            }
        }
        if (b.pat < 0) {
            i++;
            continue;
        }
        if (cc_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)) < 0)
            return CONCORD_ENOMEM;
        const pattern *p = &r->pats[b.pat];
        cc_mention *m = &out->v[out->n++];
        m->term = p->term;
        m->tok = i;
        m->ntok = b.len;
        m->start = tk->v[i].start;
        m->end = tk->v[i + b.len - 1].end;
        m->exact = b.exact && !p->is_form;
        m->form = p->is_form;
        i += b.len;
    }
    return 0;
}

void cc_mentions_free(cc_mentions *m)
{
    cc_free(m->v);
    m->v = NULL;
    m->n = m->cap = 0;
}
