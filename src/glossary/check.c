/*
 * check.c — the rules of a glossary run over documents: forbidden and
 * deprecated terms, paired names at the first mention, mixed spelling
 * variants, and for TMX the bilingual term check and inconsistent
 * translations. Findings carry a stable rule id, a severity, a position and,
 * where a replacement is safe, a fix; concord_checker_fix() applies fixes to a
 * fixed point so that a second run changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concord/text.h"
#include "concord/tm.h"
#include "glossary/recognize.h"
#include "text/unicode.h"

/* ---- rules ------------------------------------------------------------------ */

enum rule_id {
    R_FORBIDDEN,
    R_DEPRECATED,
    R_PAIRED,
    R_PAIRED_SIDE,
    R_MIXED,
    R_MISSING_TARGET,
    R_INCONSISTENT,
    R_COUNT
};

static const concord_rule_info rule_table[] = {
    {"forbidden-term", CONCORD_SEVERITY_ERROR,
     "A term the glossary forbids is used; the preferred term of its concept is suggested."},
    {"deprecated-term", CONCORD_SEVERITY_WARNING,
     "A deprecated term is used; the preferred term of its concept is suggested."},
    {"paired-name", CONCORD_SEVERITY_ERROR,
     "The first mention of a name that has a paired name (one place, two names) does not "
     "carry both in one of the configured shapes."},
    {"paired-name-side", CONCORD_SEVERITY_ERROR,
     "A style profile that uses one side's names only meets the other side's name."},
    {"mixed-variants", CONCORD_SEVERITY_WARNING,
     "One document spells a concept two ways (a term marked as a spelling variant and "
     "another term of the same concept)."},
    {"missing-target-term", CONCORD_SEVERITY_ERROR,
     "A source segment uses a glossary term and its translation uses no term of that "
     "concept (a forbidden one there is reported as forbidden-term)."},
    {"inconsistent-translation", CONCORD_SEVERITY_WARNING,
     "The same source segment is translated in different ways in one file."},
    {NULL, CONCORD_SEVERITY_NOTE, NULL},
};

const concord_rule_info *concord_rule_table(void)
{
    return rule_table;
}

const char *concord_severity_name(concord_severity s)
{
    switch (s) {
    case CONCORD_SEVERITY_ERROR:
        return "error";
    case CONCORD_SEVERITY_WARNING:
        return "warning";
    default:
        return "note";
    }
}

/* ---- findings ------------------------------------------------------------------ */

typedef struct findings_impl {
    concord_findings pub; /* first: concord_findings_free() casts back */
    size_t cap;
    cc_arena arena;
} findings_impl;

void concord_findings_free(concord_findings *f)
{
    if (!f)
        return;
    findings_impl *fi = (findings_impl *)f;
    cc_free(fi->pub.v);
    cc_arena_free(&fi->arena);
    cc_free(fi);
}

/* A finding before its position is known. */
typedef struct raw {
    size_t start, end;
    unsigned long line; /* set for TMX findings, 0: compute from offsets */
    int rule;
    char *message, *fix; /* cc_malloc'ed */
    const char *concept;
} raw;

typedef struct raws {
    raw *v;
    size_t n, cap;
} raws;

static void raws_clear(raws *r)
{
    for (size_t i = 0; i < r->n; i++) {
        cc_free(r->v[i].message);
        cc_free(r->v[i].fix);
    }
    r->n = 0;
}

static void raws_free(raws *r)
{
    raws_clear(r);
    cc_free(r->v);
}

/* ---- the checker ------------------------------------------------------------------ */

typedef struct shape_item {
    int gap;          /* 1: up to SHAPE_GAP tokens */
    const char *norm; /* a token's folded form */
    size_t norm_len;
} shape_item;

#define SHAPE_GAP 8

typedef struct cshape {
    shape_item *items; /* pre, mid, post */
    size_t npre, nmid, npost;
    char *fixed; /* the pattern from {A} on when it has no gap (for a fix), else NULL */
} cshape;

typedef struct lang_ctx {
    char lang[16];
    cc_recognizer *r;
    cshape *shapes;
    size_t nshapes;
    cc_buf norms; /* the shapes' token forms */
} lang_ctx;

struct concord_checker {
    const concord_glossary *g;
    cc_pair_mode mode;
    const char *side;
    const char *profile;
    char from[64], to[64];
    int enabled[R_COUNT];
    concord_severity severity[R_COUNT];
    lang_ctx **langs; /* one per primary language met; pointers stay valid */
    size_t nlangs, caplangs;
    cc_mentions mentions;
    /* the terms of concept k: g->terms[cterms[cterm_first[k] .. cterm_first[k + 1])] */
    size_t *cterm_first, *cterms;
};

static void lang_ctx_free(lang_ctx *l)
{
    cc_recognizer_free(l->r);
    for (size_t i = 0; i < l->nshapes; i++) {
        cc_free(l->shapes[i].items);
        cc_free(l->shapes[i].fixed);
    }
    cc_free(l->shapes);
    cc_buf_free(&l->norms);
}

void concord_checker_free(concord_checker *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nlangs; i++) {
        lang_ctx_free(c->langs[i]);
        cc_free(c->langs[i]);
    }
    cc_free(c->langs);
    cc_free(c->cterm_first);
    cc_free(c->cterms);
    cc_mentions_free(&c->mentions);
    cc_free(c);
}

int concord_checker_new(concord_checker **out, const concord_glossary *g,
                        const concord_check_options *opts)
{
    *out = NULL;
    concord_check_options o = CONCORD_CHECK_OPTIONS_INIT;
    if (opts) {
        int rc = cc_version_check(opts->version, CONCORD_CHECK_OPTIONS_VERSION, "check options");
        if (rc < 0)
            return rc;
        o = *opts;
    }
    concord_checker *c = cc_calloc(1, sizeof(*c));
    if (!c)
        return cc_error_oom();
    c->g = g;
    if ((o.from && concord_lang_canonicalize(c->from, sizeof(c->from), o.from) < 0) ||
        (o.to && concord_lang_canonicalize(c->to, sizeof(c->to), o.to) < 0)) {
        concord_checker_free(c);
        return cc_error_set(CONCORD_EINVAL, "'%s' is not a language tag",
                            o.from && !c->from[0] ? o.from : o.to);
    }
    const char *profile = o.profile            ? o.profile
                          : g->default_profile ? g->default_profile
                                               : "neutral-news";
    c->profile = profile;
    c->mode = CC_PAIRS_BOTH;
    size_t i = 0;
    while (i < g->nprofiles && strcmp(g->profiles[i].name, profile) != 0)
        i++;
    if (i < g->nprofiles) {
        c->mode = g->profiles[i].mode;
        c->side = g->profiles[i].side;
    } else if (strcmp(profile, "neutral-news") != 0) {
        cc_buf names = CC_BUF_INIT;
        for (size_t k = 0; k < g->nprofiles; k++)
            cc_buf_printf(&names, "%s%s", k ? ", " : "", g->profiles[k].name);
        cc_error_set(CONCORD_EINVAL, "unknown profile '%s' (the glossary defines: %s)", profile,
                     names.len ? names.data : "none; the default is neutral-news");
        cc_buf_free(&names);
        concord_checker_free(c);
        return CONCORD_EINVAL;
    }
    /* the terms of each concept, in glossary order (a counting sort) */
    c->cterm_first = cc_calloc(g->nconcepts + 1, sizeof(*c->cterm_first));
    c->cterms = cc_malloc((g->nterms ? g->nterms : 1) * sizeof(*c->cterms));
    if (!c->cterm_first || !c->cterms) {
        concord_checker_free(c);
        return cc_error_oom();
    }
    for (size_t t = 0; t < g->nterms; t++)
        c->cterm_first[g->terms[t].concept + 1]++;
    for (size_t k = 0; k < g->nconcepts; k++)
        c->cterm_first[k + 1] += c->cterm_first[k];
    for (size_t t = 0; t < g->nterms; t++)
        c->cterms[c->cterm_first[g->terms[t].concept]++] = t;
    for (size_t k = g->nconcepts; k > 0; k--) /* shift back: first[k] was advanced to end */
        c->cterm_first[k] = c->cterm_first[k - 1];
    c->cterm_first[0] = 0;
    for (int r = 0; r < R_COUNT; r++) {
        c->enabled[r] = 1;
        c->severity[r] = rule_table[r].severity;
        for (size_t k = 0; k < g->nsettings; k++) {
            if (strcmp(g->settings[k].rule, rule_table[r].id) != 0)
                continue;
            c->enabled[r] = g->settings[k].enabled;
            if (g->settings[k].severity >= 0)
                c->severity[r] = (concord_severity)g->settings[k].severity;
        }
    }
    *out = c;
    return 0;
}

/* Compile the shapes that apply to language l->lang. */
static int compile_shapes(const concord_glossary *g, lang_ctx *l)
{
    static const char *const defaults[] = {"{A} ({B})", "{A}/{B}"};
    const char *list[64];
    size_t n = 0;
    for (size_t i = 0; i < g->nshapes && n < CC_ARRAY_LEN(list); i++)
        if (!g->shapes[i].lang[0] || cc_lang_primary_eq(g->shapes[i].lang, l->lang))
            list[n++] = g->shapes[i].pattern;
    if (!n)
        for (size_t i = 0; i < CC_ARRAY_LEN(defaults); i++)
            list[n++] = defaults[i];
    l->shapes = cc_calloc(n, sizeof(*l->shapes));
    if (!l->shapes)
        return cc_error_oom();
    cc_tokens tk = CC_TOKENS_INIT;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *p = list[i];
        const char *a = strstr(p, "{A}"), *b = strstr(p, "{B}");
        if (!a || !b || a > b)
            continue; /* the reader accepts {A} before {B} only */
        cshape *s = &l->shapes[l->nshapes++];
        /* three literal parts: before {A}, between, after {B} */
        const char *first = a, *second = b;
        const char *part[3] = {p, first + 3, second + 3};
        size_t plen[3] = {(size_t)(first - p), (size_t)(second - (first + 3)), strlen(second + 3)};
        size_t cap = 0;
        for (int k = 0; k < 3 && rc == 0; k++) {
            /* "…" and "..." are gaps; the rest are tokens */
            size_t count = 0;
            const char *q = part[k], *end = part[k] + plen[k];
            while (q <= end && rc == 0) {
                const char *g1 = NULL, *g2 = NULL;
                const char *x = q;
                for (; x < end; x++) {
                    if (x + 3 <= end && memcmp(x, "\xE2\x80\xA6", 3) == 0) {
                        g1 = x, g2 = x + 3;
                        break;
                    }
                    if (x + 3 <= end && memcmp(x, "...", 3) == 0) {
                        g1 = x, g2 = x + 3;
                        break;
                    }
                }
                const char *lit_end = g1 ? g1 : end;
                if ((rc = cc_recognizer_tokenize(l->r, q, (size_t)(lit_end - q), &tk)) < 0)
                    break;
                size_t need = s->npre + s->nmid + s->npost + count + tk.n + 2;
                if (need > cap) {
                    cap = need * 2;
                    shape_item *v = cc_realloc(s->items, cap * sizeof(*v));
                    if (!v) {
                        rc = cc_error_oom();
                        break;
                    }
                    s->items = v;
                }
                for (size_t t = 0; t < tk.n; t++) {
                    shape_item *it = &s->items[s->npre + s->nmid + s->npost + count];
                    it->gap = 0;
                    it->norm = NULL;
                    it->norm_len = tk.v[t].norm_len;
                    /* remember the offset; pointers are fixed up once l->norms stops moving */
                    it->norm = (const char *)(uintptr_t)l->norms.len;
                    if ((rc = cc_buf_append(&l->norms, tk.norm.data + tk.v[t].norm,
                                            tk.v[t].norm_len)) < 0)
                        break;
                    count++;
                }
                if (g1) {
                    shape_item *it = &s->items[s->npre + s->nmid + s->npost + count];
                    it->gap = 1;
                    it->norm = NULL;
                    it->norm_len = 0;
                    count++;
                    q = g2;
                } else {
                    break;
                }
            }
            if (k == 0)
                s->npre = count;
            else if (k == 1)
                s->nmid = count;
            else
                s->npost = count;
        }
        if (rc == 0 && !strstr(p, "\xE2\x80\xA6") && !strstr(p, "...") &&
            !(s->fixed = cc_strdup(a)))
            rc = cc_error_oom();
    }
    for (size_t i = 0; i < l->nshapes; i++) {
        cshape *s = &l->shapes[i];
        for (size_t k = 0; k < s->npre + s->nmid + s->npost; k++)
            if (!s->items[k].gap)
                s->items[k].norm = l->norms.data + (uintptr_t)s->items[k].norm;
    }
    cc_tokens_free(&tk);
    return rc;
}

static int lang_get(concord_checker *c, const char *lang, lang_ctx **out)
{
    size_t n = strcspn(lang, "-_");
    for (size_t i = 0; i < c->nlangs; i++)
        if (strlen(c->langs[i]->lang) == n && strncmp(c->langs[i]->lang, lang, n) == 0) {
            *out = c->langs[i];
            return 0;
        }
    if (c->nlangs == c->caplangs) {
        size_t cap = c->caplangs ? c->caplangs * 2 : 8;
        lang_ctx **v = cc_realloc(c->langs, cap * sizeof(*v));
        if (!v)
            return cc_error_oom();
        c->langs = v;
        c->caplangs = cap;
    }
    lang_ctx *l = cc_calloc(1, sizeof(*l));
    if (!l)
        return cc_error_oom();
    if (n >= sizeof(l->lang))
        n = sizeof(l->lang) - 1;
    memcpy(l->lang, lang, n);
    int rc = cc_recognizer_new(&l->r, c->g, l->lang);
    if (rc == 0)
        rc = compile_shapes(c->g, l);
    if (rc < 0) {
        lang_ctx_free(l);
        cc_free(l);
        return rc;
    }
    c->langs[c->nlangs++] = l;
    *out = l;
    return 0;
}

/* ---- helpers ------------------------------------------------------------------ */

static char *dup_printf(const char *fmt, ...) CC_PRINTF(1, 2);
static char *dup_printf(const char *fmt, ...)
{
    cc_buf b = CC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    if ((size_t)n < sizeof(tmp))
        return cc_strdup(tmp);
    if (cc_buf_reserve(&b, (size_t)n + 1) < 0)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(b.data, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return b.data;
}

static int add_raw(concord_checker *c, raws *out, int rule, size_t start, size_t end,
                   unsigned long line, const char *concept, char *message, char *fix)
{
    if (!c->enabled[rule]) {
        cc_free(message);
        cc_free(fix);
        return 0;
    }
    if (!message) {
        cc_free(fix);
        return cc_error_oom();
    }
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 32;
        raw *v = cc_realloc(out->v, cap * sizeof(*v));
        if (!v) {
            cc_free(message);
            cc_free(fix);
            return cc_error_oom();
        }
        out->v = v;
        out->cap = cap;
    }
    raw *r = &out->v[out->n++];
    r->start = start;
    r->end = end;
    r->line = line;
    r->rule = rule;
    r->message = message;
    r->fix = fix;
    r->concept = concept;
    return 0;
}

/* The preferred term of concept k in lang (else the first admitted one), or NULL. */
static const cc_term *preferred(const concord_checker *c, size_t k, const char *lang)
{
    const cc_term *admitted = NULL;
    for (size_t i = c->cterm_first[k]; i < c->cterm_first[k + 1]; i++) {
        const cc_term *t = &c->g->terms[c->cterms[i]];
        if (!cc_lang_primary_eq(t->lang, lang))
            continue;
        if (t->status == CC_TERM_PREFERRED)
            return t;
        if (t->status == CC_TERM_ADMITTED && !admitted)
            admitted = t;
    }
    return admitted;
}

static int allowed(const cc_term *t)
{
    return t->status == CC_TERM_PREFERRED || t->status == CC_TERM_ADMITTED;
}

/* text[m] as a NUL-terminated copy, for messages. */
static char *surface(const char *text, const cc_mention *m)
{
    return cc_strndup(text + m->start, m->end - m->start);
}

/* ---- monolingual rules ------------------------------------------------------------ */

static int term_rules(concord_checker *c, const char *text, const char *lang, const cc_mentions *ms,
                      unsigned long line, raws *out)
{
    const concord_glossary *g = c->g;
    int rc = 0;
    for (size_t i = 0; i < ms->n && rc == 0; i++) {
        const cc_mention *m = &ms->v[i];
        const cc_term *t = &g->terms[m->term];
        if (t->status != CC_TERM_FORBIDDEN && t->status != CC_TERM_DEPRECATED)
            continue;
        int rule = t->status == CC_TERM_FORBIDDEN ? R_FORBIDDEN : R_DEPRECATED;
        const cc_term *p = preferred(c, t->concept, lang);
        char *s = surface(text, m);
        if (!s)
            return cc_error_oom();
        const char *what = rule == R_FORBIDDEN ? "forbidden" : "deprecated";
        char *msg = p ? dup_printf("'%s' is %s: use '%s'", s, what, p->text)
                      : dup_printf("'%s' is %s (the glossary gives no %s term to use instead)", s,
                                   what, lang);
        char *fix = p && m->exact ? cc_strdup(p->text) : NULL;
        cc_free(s);
        rc = add_raw(c, out, rule, m->start, m->end, line, g->concepts[t->concept].id, msg, fix);
    }
    return rc;
}

/*
 * Spelling variants: when a document names a concept with two of its allowed
 * terms and one of them is marked `variant`, each mention of a variant is
 * flagged and pointed at the document's non-variant spelling (else at the
 * spelling it used first) — whichever came first in the document.
 */
static int mixed_rule(concord_checker *c, const char *text, const cc_mentions *ms, raws *out)
{
    const concord_glossary *g = c->g;
    if (!ms->n || !g->nconcepts)
        return 0;
    /* per concept: first allowed mention, first non-variant one (index + 1), mixed? */
    size_t *first = cc_calloc(g->nconcepts * 3, sizeof(*first));
    if (!first)
        return cc_error_oom();
    size_t *plain = first + g->nconcepts, *mixed = plain + g->nconcepts;
    for (size_t i = 0; i < ms->n; i++) {
        const cc_term *t = &g->terms[ms->v[i].term];
        if (!allowed(t))
            continue;
        size_t k = t->concept;
        if (!first[k])
            first[k] = i + 1;
        else if (ms->v[first[k] - 1].term != ms->v[i].term)
            mixed[k] = 1;
        if (!plain[k] && !(t->flags & CC_TERMF_VARIANT))
            plain[k] = i + 1;
    }
    int rc = 0;
    for (size_t i = 0; i < ms->n && rc == 0; i++) {
        const cc_mention *m = &ms->v[i];
        const cc_term *t = &g->terms[m->term];
        size_t k = t->concept;
        if (!allowed(t) || !mixed[k] || !(t->flags & CC_TERMF_VARIANT))
            continue;
        const cc_mention *keep = &ms->v[(plain[k] ? plain[k] : first[k]) - 1];
        if (keep->term == m->term)
            continue;
        const cc_term *kt = &g->terms[keep->term];
        unsigned long line;
        concord_text_position(&line, NULL, text, keep->start + 1, keep->start);
        char *s = surface(text, m);
        if (!s) {
            rc = cc_error_oom();
            break;
        }
        char *msg = dup_printf("'%s' is another spelling of '%s' (line %lu): keep one "
                               "spelling in a document",
                               s, kt->text, line);
        char *fix = m->exact ? cc_strdup(kt->text) : NULL;
        cc_free(s);
        rc = add_raw(c, out, R_MIXED, m->start, m->end, 0, g->concepts[k].id, msg, fix);
    }
    cc_free(first);
    return rc;
}

/* Does item list it[0..n) match tokens from position *pos (advancing it)? Gaps try all lengths. */
static int items_match(const cc_tokens *tk, const shape_item *it, size_t n, size_t pos,
                       size_t *ends, size_t *nends, size_t maxends)
{
    if (n == 0) {
        if (*nends < maxends)
            ends[(*nends)++] = pos;
        return 0;
    }
    if (it->gap) {
        for (size_t k = 0; k <= SHAPE_GAP && pos + k <= tk->n; k++) {
            if (k > 0) {
                const cc_token *t = &tk->v[pos + k - 1];
                /* a gap stays inside the sentence */
                if (t->kind == CC_TOK_PUNCT && t->norm_len == 1 &&
                    strchr(".!?", tk->norm.data[t->norm]))
                    break;
                if (t->kind == CC_TOK_PUNCT && t->norm_len == 3 &&
                    memcmp(tk->norm.data + t->norm, "\xE3\x80\x82", 3) == 0)
                    break;
            }
            items_match(tk, it + 1, n - 1, pos + k, ends, nends, maxends);
        }
        return 0;
    }
    if (pos >= tk->n)
        return 0;
    const cc_token *t = &tk->v[pos];
    if (t->norm_len != it->norm_len || memcmp(tk->norm.data + t->norm, it->norm, it->norm_len))
        return 0;
    return items_match(tk, it + 1, n - 1, pos + 1, ends, nends, maxends);
}

/* The mention starting at token `tok`, or NULL (mentions are sorted). */
static const cc_mention *mention_at(const cc_mentions *ms, size_t tok)
{
    size_t lo = 0, hi = ms->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ms->v[mid].tok < tok)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ms->n && ms->v[lo].tok == tok ? &ms->v[lo] : NULL;
}

/* Does mention m stand as {A} in a shape with a mention of concept `other` as {B}? */
static int in_shape(const concord_glossary *g, const lang_ctx *l, const cc_tokens *tk,
                    const cc_mentions *ms, const cc_mention *m, size_t other)
{
    for (size_t s = 0; s < l->nshapes; s++) {
        const cshape *sh = &l->shapes[s];
        /* the part before {A}: exact tokens just before the mention */
        if (sh->npre > m->tok)
            continue;
        size_t e0[1], n0 = 0;
        items_match(tk, sh->items, sh->npre, m->tok - sh->npre, e0, &n0, 1);
        if (sh->npre && (n0 == 0 || e0[0] != m->tok))
            continue;
        size_t ends[64], nends = 0;
        items_match(tk, sh->items + sh->npre, sh->nmid, m->tok + m->ntok, ends, &nends, 64);
        for (size_t e = 0; e < nends; e++) {
            const cc_mention *b = mention_at(ms, ends[e]);
            if (!b || g->terms[b->term].concept != other)
                continue;
            size_t post[1], npost = 0;
            items_match(tk, sh->items + sh->npre + sh->nmid, sh->npost, b->tok + b->ntok, post,
                        &npost, 1);
            if (npost)
                return 1;
        }
    }
    return 0;
}

/* Fill a fixed shape with A and B. */
static char *fill_shape(const char *shape, const char *a, const char *b)
{
    cc_buf out = CC_BUF_INIT;
    for (const char *p = shape; *p;) {
        if (strncmp(p, "{A}", 3) == 0) {
            cc_buf_puts(&out, a);
            p += 3;
        } else if (strncmp(p, "{B}", 3) == 0) {
            cc_buf_puts(&out, b);
            p += 3;
        } else {
            cc_buf_putc(&out, *p++);
        }
    }
    return out.data;
}

static int pair_rules(concord_checker *c, const char *text, const char *lang, lang_ctx *l,
                      const cc_mentions *ms, raws *out)
{
    const concord_glossary *g = c->g;
    const cc_tokens *tk = cc_recognizer_tokens(l->r);
    int rc = 0;
    if (c->mode == CC_PAIRS_OFF)
        return 0;
    for (size_t pi = 0; pi < g->npairs && rc == 0; pi++) {
        const cc_pair *pr = &g->pairs[pi];
        if (c->mode == CC_PAIRS_SIDE) {
            const char *sa = g->concepts[pr->a].side, *sb = g->concepts[pr->b].side;
            int a_own = sa && strcmp(sa, c->side) == 0, b_own = sb && strcmp(sb, c->side) == 0;
            if (a_own == b_own)
                continue;
            size_t own = a_own ? pr->a : pr->b, other = a_own ? pr->b : pr->a;
            const cc_term *p = preferred(c, own, lang);
            for (size_t i = 0; i < ms->n && rc == 0; i++) {
                const cc_mention *m = &ms->v[i];
                if (g->terms[m->term].concept != other)
                    continue;
                char *s = surface(text, m);
                if (!s)
                    return cc_error_oom();
                char *msg = p ? dup_printf("profile %s names this place '%s' only, not '%s'",
                                           c->profile, p->text, s)
                              : dup_printf("profile %s does not use the name '%s'", c->profile, s);
                cc_free(s);
                rc = add_raw(c, out, R_PAIRED_SIDE, m->start, m->end, 0, g->concepts[other].id, msg,
                             p && m->exact ? cc_strdup(p->text) : NULL);
            }
            continue;
        }
        /* both names at the first mention */
        const cc_mention *first = NULL;
        for (size_t i = 0; i < ms->n && !first; i++) {
            size_t k = g->terms[ms->v[i].term].concept;
            if (k == pr->a || k == pr->b)
                first = &ms->v[i];
        }
        if (!first)
            continue;
        size_t mine = g->terms[first->term].concept;
        size_t other = mine == pr->a ? pr->b : pr->a;
        size_t must_first = (size_t)-1;
        for (size_t o = 0; o < pr->norder; o++)
            if (cc_lang_primary_eq(pr->order_lang[o], lang))
                must_first = pr->order_first[o];
        int ok = (must_first == (size_t)-1 || must_first == mine) &&
                 in_shape(g, l, tk, ms, first, other);
        if (ok)
            continue;
        const cc_term *op = preferred(c, other, lang);
        const cc_term *mp = preferred(c, mine, lang);
        const char *shape = NULL;
        for (size_t k = 0; k < l->nshapes && !shape; k++) {
            const cshape *sh = &l->shapes[k];
            size_t e0[1], n0 = 0;
            if (sh->npre && sh->npre <= first->tok)
                items_match(tk, sh->items, sh->npre, first->tok - sh->npre, e0, &n0, 1);
            /* its words before {A} must be there already: the fix writes from {A} on */
            if (sh->fixed && (!sh->npre || (n0 && e0[0] == first->tok)))
                shape = sh->fixed;
        }
        char *s = surface(text, first);
        if (!s)
            return cc_error_oom();
        char *example = NULL, *fix = NULL;
        if (op && shape) {
            int swap = must_first != (size_t)-1 && must_first != mine;
            /* an inflected mention is shown in its dictionary form, a forbidden or
             * deprecated one as the preferred term (its own rule fixes it first) */
            int as_written = first->exact && allowed(&g->terms[first->term]);
            const char *own = as_written || !mp ? s : mp->text;
            example = swap ? fill_shape(shape, op->text, own) : fill_shape(shape, own, op->text);
            /* a wrong order is the writer's to rearrange: no fix */
            if (as_written && example && !swap)
                fix = cc_strdup(example);
        }
        char *msg;
        if (must_first != (size_t)-1 && must_first != mine && in_shape(g, l, tk, ms, first, other))
            msg = dup_printf("in %s, '%s' comes first at the first mention%s%s%s", lang,
                             op ? op->text : g->concepts[other].id, example ? ": '" : "",
                             example ? example : "", example ? "'" : "");
        else
            msg = dup_printf("first mention of '%s' without its paired name '%s'%s%s%s", s,
                             op ? op->text : g->concepts[other].id, example ? ": write '" : "",
                             example ? example : "", example ? "'" : "");
        cc_free(s);
        cc_free(example);
        rc = add_raw(c, out, R_PAIRED, first->start, first->end, 0, g->concepts[mine].id, msg, fix);
    }
    return rc;
}

/* ---- documents ------------------------------------------------------------------ */

static int is_markdown(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    return (n >= 3 && strcmp(name + n - 3, ".md") == 0) ||
           (n >= 9 && strcmp(name + n - 9, ".markdown") == 0);
}

static void blank(char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (s[i] != '\n' && s[i] != '\r')
            s[i] = ' ';
}

/*
 * Markdown: blank out (keeping every offset) fenced code blocks, inline code,
 * HTML comments and link targets, which are not prose.
 */
static void mask_markdown(char *s, size_t len)
{
    /* YAML front matter */
    if (len >= 4 && memcmp(s, "---", 3) == 0 && (s[3] == '\n' || s[3] == '\r')) {
        for (size_t j = 4; j + 3 <= len; j++)
            if (s[j - 1] == '\n' && memcmp(s + j, "---", 3) == 0) {
                blank(s, 0, j + 3);
                break;
            }
    }
    /* line by line: fenced code blocks, and link reference definitions "[label]: target" */
    size_t i = 0;
    int fence = 0;
    char fch = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && s[e] != '\n')
            e++;
        size_t k = i;
        while (k < e && k - i < 4 && s[k] == ' ')
            k++;
        int is_fence =
            e - k >= 3 && (s[k] == '`' || s[k] == '~') && s[k + 1] == s[k] && s[k + 2] == s[k];
        if (fence) {
            if (is_fence && s[k] == fch)
                fence = 0;
            blank(s, i, e);
        } else if (is_fence) {
            fence = 1;
            fch = s[k];
            blank(s, i, e);
        } else if (k + 1 < e && s[k] == '[' && s[k + 1] != '^') {
            /* "[label]: destination "title"": the destination is no prose, the
             * title is; "[^note]: text" is a footnote, all prose */
            size_t j = k + 1;
            while (j < e && s[j] != ']')
                j++;
            if (j + 1 < e && s[j + 1] == ':') {
                size_t d = j + 2;
                while (d < e && s[d] == ' ')
                    d++;
                size_t de = d;
                while (de < e && s[de] != ' ')
                    de++;
                blank(s, d, de);
            }
        }
        i = e + 1;
    }
    for (i = 0; i < len; i++) {
        if (s[i] == '<' && i + 1 < len &&
            ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z') ||
             s[i + 1] == '/')) {
            /* an HTML tag: its name and attributes are not prose */
            size_t j = i + 1;
            while (j < len && s[j] != '>' && s[j] != '\n')
                j++;
            if (j < len && s[j] == '>') {
                blank(s, i, j + 1);
                i = j;
            }
            continue;
        }
        if (s[i] == '`') {
            size_t j = i + 1;
            while (j < len && s[j] != '`' && s[j] != '\n')
                j++;
            if (j < len && s[j] == '`') {
                blank(s, i, j + 1);
                i = j;
            }
        } else if (s[i] == '<' && i + 3 < len && memcmp(s + i, "<!--", 4) == 0) {
            const char *e = NULL;
            for (size_t j = i + 4; j + 2 < len + 0 && !e; j++)
                if (memcmp(s + j, "-->", 3) == 0)
                    e = s + j + 3;
            size_t stop = e ? (size_t)(e - s) : len;
            blank(s, i, stop);
            i = stop - 1;
        } else if (s[i] == ']' && i + 1 < len && s[i + 1] == '(') {
            size_t j = i + 2;
            while (j < len && s[j] != ')' && s[j] != '\n')
                j++;
            if (j < len && s[j] == ')') {
                blank(s, i + 2, j);
                i = j;
            }
        } else if (s[i] == '<' && i + 8 < len &&
                   (memcmp(s + i + 1, "http://", 7) == 0 || memcmp(s + i + 1, "https:/", 7) == 0)) {
            size_t j = i + 1;
            while (j < len && s[j] != '>' && s[j] != '\n' && s[j] != ' ')
                j++;
            blank(s, i, j);
            i = j;
        }
    }
}

static int check_doc(concord_checker *c, const char *text, size_t len, const char *lang,
                     int markdown, raws *out)
{
    lang_ctx *l;
    int rc = lang_get(c, lang, &l);
    if (rc < 0)
        return rc;
    char *masked = NULL;
    const char *scan = text;
    if (markdown) {
        if (!(masked = cc_malloc(len + 1)))
            return cc_error_oom();
        memcpy(masked, text, len);
        masked[len] = '\0';
        mask_markdown(masked, len);
        scan = masked;
    }
    rc = cc_recognize(l->r, scan, len, &c->mentions);
    if (rc == 0)
        rc = term_rules(c, text, lang, &c->mentions, 0, out);
    if (rc == 0)
        rc = mixed_rule(c, text, &c->mentions, out);
    if (rc == 0)
        rc = pair_rules(c, text, lang, l, &c->mentions, out);
    cc_free(masked);
    return rc;
}

static const char *doc_lang(const concord_checker *c, const char *lang, const char *text,
                            size_t len)
{
    if (lang)
        return lang;
    if (c->from[0])
        return c->from;
    return concord_lang_detect(text, len);
}

/* ---- positions, suppression, output ------------------------------------------- */

static int by_start(const void *a, const void *b)
{
    const raw *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->rule - y->rule;
}

/* Is rule silenced on `line` by a "concord-ignore-next-line" on the line before? */
typedef struct ignore {
    unsigned long line;
    char rules[256]; /* space-separated ids, "" = all */
} ignore;

/* The end of the line that starts at i (LF, CR LF or a lone CR), and where the next starts. */
static size_t line_end(const char *text, size_t len, size_t i, size_t *next)
{
    size_t e = i;
    while (e < len && text[e] != '\n' && text[e] != '\r')
        e++;
    *next = e + (e + 1 < len && text[e] == '\r' && text[e + 1] == '\n' ? 2 : 1);
    return e;
}

/*
 * "concord-ignore-next-line [RULE...]" anywhere in a line (a comment of the
 * file's own syntax). The words after the marker up to a comment closer
 * ("-->", "*\/") are rule ids; with none, every rule is silenced; with words
 * none of which is a rule id (a typo), none is.
 */
static int collect_ignores(const char *text, size_t len, ignore **out, size_t *n)
{
    static const char mark[] = "concord-ignore-next-line";
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    unsigned long line = 1;
    size_t i = 0, next;
    while (i < len) {
        size_t e = line_end(text, len, i, &next);
        const char *p = NULL;
        for (size_t k = i; k + sizeof(mark) - 1 <= e && !p; k++)
            if (memcmp(text + k, mark, sizeof(mark) - 1) == 0)
                p = text + k + sizeof(mark) - 1;
        if (p) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 8;
                ignore *v = cc_realloc(*out, cap * sizeof(*v));
                if (!v)
                    return cc_error_oom();
                *out = v;
            }
            ignore *ig = &(*out)[(*n)++];
            ig->line = line + 1;
            ig->rules[0] = '\0';
            size_t w = 0;
            int words = 0;
            const char *q = p, *end = text + e;
            while (q < end) {
                while (q < end && (*q == ' ' || *q == ',' || *q == '\t' || *q == ':'))
                    q++;
                const char *st = q;
                while (q < end && *q != ' ' && *q != ',' && *q != '\t')
                    q++;
                size_t wl = (size_t)(q - st);
                if (!wl || (wl >= 3 && strncmp(st, "-->", 3) == 0) ||
                    (wl >= 2 && strncmp(st, "*/", 2) == 0))
                    break;
                words++;
                int known = 0;
                for (const concord_rule_info *r = rule_table; r->id; r++)
                    known |= strlen(r->id) == wl && strncmp(r->id, st, wl) == 0;
                if (known && w + wl + 2 < sizeof(ig->rules)) {
                    memcpy(ig->rules + w, st, wl);
                    w += wl;
                    ig->rules[w++] = ' ';
                    ig->rules[w] = '\0';
                }
            }
            if (words && !w)
                strcpy(ig->rules, "(none) ");
        }
        line++;
        i = next;
    }
    return 0;
}

static int ignored(const ignore *ig, size_t n, unsigned long line, const char *rule)
{
    for (size_t i = 0; i < n; i++) {
        if (ig[i].line != line)
            continue;
        if (!ig[i].rules[0])
            return 1;
        size_t rl = strlen(rule);
        for (const char *p = ig[i].rules; (p = strstr(p, rule)); p += rl)
            if ((p == ig[i].rules || p[-1] == ' ') && p[rl] == ' ')
                return 1;
    }
    return 0;
}

/* A position in a text: byte offset, line, its start, code points since. */
typedef struct cursor {
    size_t pos;
    unsigned long line;
    size_t line_start, cps;
} cursor;

/* Move c forward to byte offset `to` (lines end at LF, CR LF or a lone CR). */
static void advance(cursor *c, const char *text, size_t len, size_t to)
{
    while (c->pos < to && c->pos < len) {
        unsigned char ch = (unsigned char)text[c->pos];
        if (ch == '\n' || (ch == '\r' && !(c->pos + 1 < len && text[c->pos + 1] == '\n'))) {
            c->line++;
            c->line_start = c->pos + 1;
            c->cps = 0;
        } else if ((ch & 0xC0) != 0x80 && ch != '\r') {
            c->cps++;
        }
        c->pos++;
    }
}

/*
 * Turn raw findings into the public list: positions from the offsets (one
 * pass over the text), suppression, sorting. text NULL for TMX findings,
 * which carry their line.
 */
static int finish(concord_checker *c, const char *name, const char *text, size_t len,
                  const char *lang, raws *rs, concord_findings **out)
{
    *out = NULL;
    findings_impl *fi = cc_calloc(1, sizeof(*fi));
    if (!fi)
        return cc_error_oom();
    int rc = 0;
    ignore *ig = NULL;
    size_t nig = 0;
    if (text && (rc = collect_ignores(text, len, &ig, &nig)) < 0)
        goto fail;
    if (rs->n > 1)
        qsort(rs->v, rs->n, sizeof(*rs->v), by_start);
    if (rs->n && !(fi->pub.v = cc_calloc(rs->n, sizeof(*fi->pub.v)))) {
        rc = cc_error_oom();
        goto fail;
    }
    const char *file = cc_arena_strndup(&fi->arena, name, strlen(name));
    const char *lg = cc_arena_strndup(&fi->arena, lang, strlen(lang));
    if (!file || !lg) {
        rc = cc_error_oom();
        goto fail;
    }
    /* one walk over the text: starts come sorted, and each end is a short way on */
    cursor at = {0, 1, 0, 0};
    for (size_t i = 0; i < rs->n; i++) {
        raw *r = &rs->v[i];
        concord_finding *f = &fi->pub.v[fi->pub.n];
        memset(f, 0, sizeof(*f));
        if (text) {
            advance(&at, text, len, r->start);
            cursor e = at;
            advance(&e, text, len, r->end);
            f->line = at.line;
            f->column = (unsigned long)at.cps + 1;
            f->byte_column = (unsigned long)(at.pos - at.line_start) + 1;
            f->end_line = e.line;
            f->end_column = (unsigned long)e.cps + 1;
            f->end_byte_column = (unsigned long)(e.pos - e.line_start) + 1;
        } else {
            f->line = f->end_line = r->line;
            f->column = f->byte_column = f->end_column = f->end_byte_column = 1;
        }
        if (ignored(ig, nig, f->line, rule_table[r->rule].id))
            continue;
        f->file = file;
        f->lang = lg;
        f->start = r->start;
        f->end = r->end;
        f->rule = rule_table[r->rule].id;
        f->severity = c->severity[r->rule];
        f->concept =
            r->concept ? cc_arena_strndup(&fi->arena, r->concept, strlen(r->concept)) : NULL;
        f->message = cc_arena_strndup(&fi->arena, r->message, strlen(r->message));
        f->fix = r->fix ? cc_arena_strndup(&fi->arena, r->fix, strlen(r->fix)) : NULL;
        if (!f->message || (r->concept && !f->concept) || (r->fix && !f->fix)) {
            rc = cc_error_oom();
            goto fail;
        }
        fi->pub.n++;
    }
    cc_free(ig);
    *out = &fi->pub;
    return 0;
fail:
    cc_free(ig);
    concord_findings_free(&fi->pub);
    return rc;
}

int concord_checker_check_text(concord_findings **out, concord_checker *c, const char *name,
                               const char *text, size_t len, const char *lang)
{
    *out = NULL;
    if (!name)
        name = "-";
    if (concord_text_validate(text, len) < 0) {
        cc_error_set_file(name);
        return concord_error_last()->code;
    }
    lang = doc_lang(c, lang, text, len);
    raws rs = {NULL, 0, 0};
    int rc = check_doc(c, text, len, lang, is_markdown(name), &rs);
    if (rc == 0)
        rc = finish(c, name, text, len, lang, &rs, out);
    raws_free(&rs);
    return rc;
}

/* ---- fixes ---------------------------------------------------------------------- */

int concord_checker_fix(char **out, size_t *out_len, size_t *nfixed, concord_checker *c,
                        const char *name, const char *text, size_t len, const char *lang)
{
    *out = NULL;
    *out_len = 0;
    *nfixed = 0;
    cc_buf cur = CC_BUF_INIT;
    if (cc_buf_append(&cur, text, len) < 0 || cc_buf_putc(&cur, 0) < 0) {
        cc_buf_free(&cur);
        return cc_error_oom();
    }
    cur.len = len;
    int rc = 0;
    for (int round = 0; round < 8; round++) {
        concord_findings *f;
        if ((rc = concord_checker_check_text(&f, c, name, cur.data, cur.len, lang)) < 0)
            break;
        cc_buf next = CC_BUF_INIT;
        size_t at = 0, applied = 0;
        for (size_t i = 0; i < f->n && rc == 0; i++) {
            const concord_finding *x = &f->v[i];
            if (!x->fix || x->start < at)
                continue;
            if ((rc = cc_buf_append(&next, cur.data + at, x->start - at)) < 0 ||
                (rc = cc_buf_puts(&next, x->fix)) < 0)
                break;
            at = x->end;
            applied++;
        }
        concord_findings_free(f);
        if (rc == 0)
            rc = cc_buf_append(&next, cur.data + at, cur.len - at);
        if (rc < 0 || applied == 0) {
            cc_buf_free(&next);
            break;
        }
        cc_buf_free(&cur);
        cur = next;
        *nfixed += applied;
    }
    if (rc < 0) {
        cc_buf_free(&cur);
        return rc;
    }
    if (cc_buf_reserve(&cur, 1) < 0) {
        cc_buf_free(&cur);
        return cc_error_oom();
    }
    *out_len = cur.len;
    *out = cc_buf_detach(&cur);
    return 0;
}

/* ---- TMX ------------------------------------------------------------------------ */

typedef struct seen {
    uint64_t key, target;
    unsigned long line;
} seen;

typedef struct tmx_ctx {
    concord_checker *c;
    raws rs;
    cc_mentions src, tgt;
    seen *seen;
    size_t nseen, capseen;
    const char *path;
} tmx_ctx;

/* Record (key -> target) and return the line of an earlier different target, or 0. */
static int remember(tmx_ctx *x, uint64_t key, uint64_t target, unsigned long line,
                    unsigned long *earlier)
{
    *earlier = 0;
    if (x->nseen * 2 >= x->capseen) {
        size_t cap = x->capseen ? x->capseen * 2 : 1024;
        seen *t = cc_calloc(cap, sizeof(*t));
        if (!t)
            return cc_error_oom();
        for (size_t i = 0; i < x->capseen; i++)
            if (x->seen[i].key) {
                size_t j = x->seen[i].key & (cap - 1);
                while (t[j].key)
                    j = (j + 1) & (cap - 1);
                t[j] = x->seen[i];
            }
        cc_free(x->seen);
        x->seen = t;
        x->capseen = cap;
    }
    key |= 1;
    size_t j = key & (x->capseen - 1);
    while (x->seen[j].key) {
        if (x->seen[j].key == key) {
            if (x->seen[j].target != target)
                *earlier = x->seen[j].line;
            return 0;
        }
        j = (j + 1) & (x->capseen - 1);
    }
    x->seen[j].key = key;
    x->seen[j].target = target;
    x->seen[j].line = line;
    x->nseen++;
    return 0;
}

static int tmx_unit(const concord_unit *u, void *ud)
{
    tmx_ctx *x = ud;
    concord_checker *c = x->c;
    const concord_glossary *g = c->g;
    int rc = 0;
    if (!u->nvariants)
        return 0;
    /* the source variant */
    const concord_variant *src = NULL;
    const char *want = c->from[0]                                         ? c->from
                       : (u->srclang && strcmp(u->srclang, "*all*") != 0) ? u->srclang
                                                                          : NULL;
    for (size_t i = 0; i < u->nvariants && !src; i++)
        if (!want || cc_lang_primary_eq(u->variants[i].lang, want))
            src = &u->variants[i];
    /* monolingual term rules on every variant */
    for (size_t i = 0; i < u->nvariants && rc == 0; i++) {
        const concord_variant *v = &u->variants[i];
        lang_ctx *l;
        if ((rc = lang_get(c, v->lang, &l)) < 0)
            return rc;
        if ((rc = cc_recognize(l->r, v->text, v->text_len, &c->mentions)) < 0)
            return rc;
        size_t before = x->rs.n;
        if ((rc = term_rules(c, v->text, v->lang, &c->mentions, v->line ? v->line : u->line,
                             &x->rs)) < 0)
            return rc;
        for (size_t k = before; k < x->rs.n; k++) {
            char *m = dup_printf("%s: %s", v->lang, x->rs.v[k].message);
            if (!m)
                return cc_error_oom();
            cc_free(x->rs.v[k].message);
            x->rs.v[k].message = m;
            cc_free(x->rs.v[k].fix); /* a TMX file is not rewritten */
            x->rs.v[k].fix = NULL;
        }
    }
    if (!src)
        return 0;
    lang_ctx *ls;
    if ((rc = lang_get(c, src->lang, &ls)) < 0)
        return rc;
    for (size_t i = 0; i < u->nvariants && rc == 0; i++) {
        const concord_variant *t = &u->variants[i];
        if (t == src || (c->to[0] && !cc_lang_primary_eq(t->lang, c->to)))
            continue;
        if (cc_lang_primary_eq(t->lang, src->lang))
            continue;
        unsigned long line = t->line ? t->line : u->line;
        /* the same source translated differently */
        uint64_t key = cc_hash(cc_hash(CC_HASH_INIT, src->lang, strlen(src->lang) + 1), src->text,
                               src->text_len);
        key = cc_hash(cc_hash(key, "\0", 1), t->lang, strlen(t->lang));
        uint64_t target = cc_hash(CC_HASH_INIT, t->text, t->text_len);
        unsigned long earlier;
        if ((rc = remember(x, key, target, line, &earlier)) < 0)
            return rc;
        if (earlier)
            rc = add_raw(c, &x->rs, R_INCONSISTENT, 0, 0, line, NULL,
                         dup_printf("%s: this source is translated differently at line %lu",
                                    t->lang, earlier),
                         NULL);
        /* every concept of the source needs an allowed term in the target */
        if ((rc = cc_recognize(ls->r, src->text, src->text_len, &x->src)) < 0)
            return rc;
        if (!x->src.n)
            continue;
        lang_ctx *lt;
        if ((rc = lang_get(c, t->lang, &lt)) < 0 ||
            (rc = cc_recognize(lt->r, t->text, t->text_len, &x->tgt)) < 0)
            return rc;
        for (size_t k = 0; k < x->src.n && rc == 0; k++) {
            size_t concept = g->terms[x->src.v[k].term].concept;
            int dup = 0;
            for (size_t j = 0; j < k; j++)
            dup |= g->terms[x->src.v[j].term].concept == concept;
            if (dup)
                continue;
            const cc_term *p = preferred(c, concept, t->lang);
            if (!p)
                continue; /* the glossary has no term for it in this language */
            int found = 0;
            for (size_t j = 0; j < x->tgt.n; j++)
            found |= g->terms[x->tgt.v[j].term].concept == concept;
            if (found)
                continue;
            char *s = surface(src->text, &x->src.v[k]);
            if (!s)
                return cc_error_oom();
            rc = add_raw(c, &x->rs, R_MISSING_TARGET, 0, 0, line, g->concepts[concept].id,
                         dup_printf("%s: the source says '%s' but the translation has no term "
                                    "of its concept: expected '%s'",
                                    t->lang, s, p->text),
                         NULL);
            cc_free(s);
        }
    }
    return rc;
}

int concord_checker_check_tmx(concord_findings **out, concord_checker *c, const char *path)
{
    *out = NULL;
    tmx_ctx x;
    memset(&x, 0, sizeof(x));
    x.c = c;
    x.path = path;
    concord_tmx_callbacks cb = {CONCORD_TMX_CALLBACKS_VERSION, NULL, tmx_unit, NULL, NULL, &x};
    int rc = concord_tmx_read(path, 0, &cb);
    if (rc == 0) {
        for (size_t i = 0; i < x.rs.n; i++)
            x.rs.v[i].start = x.rs.v[i].end = 0;
        rc = finish(c, path, NULL, 0, c->from[0] ? c->from : "*all*", &x.rs, out);
    }
    raws_free(&x.rs);
    cc_mentions_free(&x.src);
    cc_mentions_free(&x.tgt);
    cc_free(x.seen);
    return rc;
}
