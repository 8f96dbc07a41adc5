/*
 * check.c — the rules of a glossary run over documents: forbidden and
 * deprecated terms, paired names at the first mention, mixed spelling
 * variants, and for TMX the bilingual term check and inconsistent
 * translations. Findings carry a stable rule id, a severity, a position and,
 * where a replacement is safe, a fix; concord_checker_fix() applies fixes to a
 * fixed point so that a second run changes nothing.
 *
 * Documents come from src/doc, a unit at a time (a paragraph of text or
 * Markdown, a TMX <tu>), with their positions and suppression markers; the
 * rules run on each unit and keep across units only what the document-level
 * rules need: which pairs had their first mention, and per concept the
 * spellings met so far with the mentions of variants to report at the end.
 * So memory follows the largest unit, not the document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "concord/text.h"
#include "doc/doc.h"
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
    /* XLIFF, PO: the piece start and end are offsets of (its position is
       located in the file); NULL otherwise */
    const struct cc_doc_piece *piece;
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
    int check_fuzzy; /* XLIFF, PO: also unconfirmed translations */
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
        /* a caller built against older headers passes a shorter struct */
        static const size_t size_of[] = {0, offsetof(concord_check_options, check_fuzzy),
                                         sizeof(concord_check_options)};
        memcpy(&o, opts, size_of[opts->version]);
        o.version = CONCORD_CHECK_OPTIONS_VERSION;
    }
    concord_checker *c = cc_calloc(1, sizeof(*c));
    if (!c)
        return cc_error_oom();
    c->g = g;
    c->check_fuzzy = o.check_fuzzy;
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
                if ((rc = cc_grow((void **)&s->items, &cap, need, sizeof(*s->items))) < 0)
                    break;
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
    if (cc_grow((void **)&c->langs, &c->caplangs, c->nlangs + 1, sizeof(*c->langs)) < 0)
        return CONCORD_ENOMEM;
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
    if (cc_grow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)) < 0) {
        cc_free(message);
        cc_free(fix);
        return CONCORD_ENOMEM;
    }
    raw *r = &out->v[out->n++];
    r->start = start;
    r->end = end;
    r->line = line;
    r->rule = rule;
    r->message = message;
    r->fix = fix;
    r->concept = concept;
    r->piece = NULL;
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

/* ---- a document being checked ------------------------------------------------------ */

/* What the spelling-variant rule keeps of each concept across a document's units. */
typedef struct spelling {
    size_t first, plain; /* term + 1 of the first allowed mention, of the first non-variant one */
    unsigned long first_line, plain_line;
    int mixed; /* an allowed mention with another term than the first one */
} spelling;

/* A mention of a variant term, reported at the end if its concept turns out mixed. */
typedef struct variant_use {
    size_t term;
    size_t start, end; /* in the document */
    cc_doc_pos at, to;
    int exact;
    char *surface;
} variant_use;

/*
 * A source seen before: its hash, its translation's (32 bits: two different
 * translations alike in them, one chance in four billion, go unreported),
 * and the line. 16 bytes, in a table at most 3/4 full: a file's sources cost
 * 21 to 43 bytes each (a 100 MB PO has some 600,000).
 */
typedef struct seen {
    uint64_t key;
    uint32_t target, line;
} seen;

typedef struct doc_ctx {
    concord_checker *c;
    const char *lang; /* text and Markdown: the document's */
    lang_ctx *l;
    findings_impl *fi;     /* the document's findings so far */
    const char *file, *lg; /* in fi's arena */
    raws rs;               /* the current unit's, before their positions */
    unsigned char *pair_done;
    spelling *sp; /* per concept, made at the first mention of one */
    variant_use *uses;
    size_t nuses, capuses;
    unsigned *ig_rules; /* the rules each of the unit's markers silences (bit per rule) */
    size_t capig;
    /* TMX */
    cc_mentions src, tgt;
    seen *seen;
    size_t nseen, capseen;
} doc_ctx;

static int doc_begin(doc_ctx *d, concord_checker *c, const char *name, const char *lang)
{
    memset(d, 0, sizeof(*d));
    d->c = c;
    d->lang = lang;
    if (!(d->fi = cc_calloc(1, sizeof(*d->fi))) ||
        (c->g->npairs && !(d->pair_done = cc_calloc(c->g->npairs, 1))) ||
        !(d->file = cc_arena_strndup(&d->fi->arena, name, strlen(name))) ||
        !(d->lg = cc_arena_strndup(&d->fi->arena, lang, strlen(lang))))
        return cc_error_oom();
    return 0;
}

static void doc_end(doc_ctx *d)
{
    concord_findings_free(d->fi ? &d->fi->pub : NULL);
    raws_free(&d->rs);
    cc_free(d->pair_done);
    cc_free(d->sp);
    for (size_t i = 0; i < d->nuses; i++)
        cc_free(d->uses[i].surface);
    cc_free(d->uses);
    cc_free(d->ig_rules);
    cc_mentions_free(&d->src);
    cc_mentions_free(&d->tgt);
    cc_free(d->seen);
}

/* Add a finding, its strings copied into the list's arena (message and fix are taken). */
static int add_finding(doc_ctx *d, int rule, const char *concept, char *message, char *fix,
                       size_t start, size_t end, const cc_doc_pos *at, const cc_doc_pos *to)
{
    findings_impl *fi = d->fi;
    int rc = 0;
    if (!message)
        rc = cc_error_oom();
    else if (cc_grow((void **)&fi->pub.v, &fi->cap, fi->pub.n + 1, sizeof(*fi->pub.v)) < 0)
        rc = CONCORD_ENOMEM;
    concord_finding *f = rc == 0 ? &fi->pub.v[fi->pub.n] : NULL;
    if (f) {
        memset(f, 0, sizeof(*f));
        f->file = d->file;
        f->lang = d->lg;
        f->line = at->line;
        f->column = at->column;
        f->byte_column = at->byte_column;
        f->end_line = to->line;
        f->end_column = to->column;
        f->end_byte_column = to->byte_column;
        f->start = start;
        f->end = end;
        f->rule = rule_table[rule].id;
        f->severity = d->c->severity[rule];
        f->concept = concept ? cc_arena_strndup(&fi->arena, concept, strlen(concept)) : NULL;
        f->message = cc_arena_strndup(&fi->arena, message, strlen(message));
        f->fix = fix ? cc_arena_strndup(&fi->arena, fix, strlen(fix)) : NULL;
        if (!f->message || (concept && !f->concept) || (fix && !f->fix))
            rc = cc_error_oom();
        else
            fi->pub.n++;
    }
    cc_free(message);
    cc_free(fix);
    return rc;
}

/* ---- suppression ------------------------------------------------------------------ */

/*
 * The rules a "concord-ignore-next-line" marker silences, from the words
 * after it (up to a comment closer, "-->" or "*\/"): the rule ids among
 * them; every rule if there are no words; none if there are words but no
 * rule id (a misspelt one must not silence everything).
 */
static unsigned ignore_rules(const char *w, size_t n)
{
    const char *q = w, *end = w + n;
    unsigned rules = 0;
    int words = 0;
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
        for (int r = 0; r < R_COUNT; r++)
            if (strlen(rule_table[r].id) == wl && strncmp(rule_table[r].id, st, wl) == 0)
                rules |= 1u << r;
    }
    return words ? rules : ~0u;
}

/* Read the markers of unit u into d->ig_rules. */
static int unit_ignores(doc_ctx *d, const cc_doc_unit *u)
{
    if (u->nignores &&
        cc_grow((void **)&d->ig_rules, &d->capig, u->nignores, sizeof(*d->ig_rules)) < 0)
        return CONCORD_ENOMEM;
    for (size_t i = 0; i < u->nignores; i++)
        d->ig_rules[i] = ignore_rules(u->ignores[i].words, u->ignores[i].len);
    return 0;
}

/* Is rule silenced on `line` of unit u (unit_ignores() read its markers)? */
static int ignored(const doc_ctx *d, const cc_doc_unit *u, unsigned long line, int rule)
{
    for (size_t i = 0; i < u->nignores; i++)
        if (u->ignores[i].line == line)
            return (d->ig_rules[i] >> rule) & 1u;
    return 0;
}

/* ---- spelling variants ---------------------------------------------------------------- */

/*
 * Spelling variants: when a document names a concept with two of its allowed
 * terms and one of them is marked `variant`, each mention of a variant is
 * flagged and pointed at the document's non-variant spelling (else at the
 * spelling it used first) — whichever came first in the document. Which
 * concepts are mixed is known only at the end: each unit adds its mentions
 * to the concepts' spellings and keeps its variant mentions (not silenced
 * ones) for mixed_finish().
 */
static int mixed_unit(doc_ctx *d, const cc_doc_unit *u, const cc_doc_piece *p,
                      const cc_mentions *ms)
{
    const concord_glossary *g = d->c->g;
    if (!ms->n || !g->nconcepts || !d->c->enabled[R_MIXED])
        return 0;
    cc_doc_pos at = p->at;
    size_t walked = 0;
    for (size_t i = 0; i < ms->n; i++) {
        const cc_mention *m = &ms->v[i];
        const cc_term *t = &g->terms[m->term];
        if (!allowed(t))
            continue;
        if (!d->sp && !(d->sp = cc_calloc(g->nconcepts, sizeof(*d->sp))))
            return cc_error_oom();
        cc_doc_pos_advance(&at, p->orig + walked, m->start - walked);
        walked = m->start;
        spelling *sp = &d->sp[t->concept];
        if (!sp->first) {
            sp->first = m->term + 1;
            sp->first_line = at.line;
        } else if (sp->first - 1 != m->term) {
            sp->mixed = 1;
        }
        if (!sp->plain && !(t->flags & CC_TERMF_VARIANT)) {
            sp->plain = m->term + 1;
            sp->plain_line = at.line;
        }
        if (!(t->flags & CC_TERMF_VARIANT) || ignored(d, u, at.line, R_MIXED))
            continue;
        if (cc_grow((void **)&d->uses, &d->capuses, d->nuses + 1, sizeof(*d->uses)) < 0)
            return CONCORD_ENOMEM;
        variant_use *v = &d->uses[d->nuses];
        v->term = m->term;
        v->start = p->at.offset + m->start;
        v->end = p->at.offset + m->end;
        v->at = v->to = at;
        cc_doc_pos_advance(&v->to, p->orig + m->start, m->end - m->start);
        v->exact = m->exact;
        if (!(v->surface = surface(p->orig, m)))
            return cc_error_oom();
        d->nuses++;
    }
    return 0;
}

static int mixed_finish(doc_ctx *d)
{
    const concord_glossary *g = d->c->g;
    int rc = 0;
    for (size_t i = 0; i < d->nuses && rc == 0; i++) {
        const variant_use *v = &d->uses[i];
        size_t k = g->terms[v->term].concept;
        const spelling *sp = &d->sp[k];
        if (!sp->mixed)
            continue;
        size_t keep = (sp->plain ? sp->plain : sp->first) - 1;
        unsigned long line = sp->plain ? sp->plain_line : sp->first_line;
        if (keep == v->term)
            continue;
        const cc_term *kt = &g->terms[keep];
        char *msg = dup_printf("'%s' is another spelling of '%s' (line %lu): keep one "
                               "spelling in a document",
                               v->surface, kt->text, line);
        char *fix = v->exact ? cc_strdup(kt->text) : NULL;
        rc = add_finding(d, R_MIXED, g->concepts[k].id, msg, fix, v->start, v->end, &v->at, &v->to);
    }
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

/*
 * The paired-name rules on one unit's mentions. done[pi]: pair pi had its
 * first mention in an earlier unit (or has it now).
 */
static int pair_rules(concord_checker *c, const char *text, const char *lang, lang_ctx *l,
                      const cc_mentions *ms, unsigned char *done, raws *out)
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
        if (done[pi])
            continue;
        const cc_mention *first = NULL;
        for (size_t i = 0; i < ms->n && !first; i++) {
            size_t k = g->terms[ms->v[i].term].concept;
            if (k == pr->a || k == pr->b)
                first = &ms->v[i];
        }
        if (!first)
            continue;
        done[pi] = 1;
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

static int by_position(const void *a, const void *b)
{
    const raw *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->rule - y->rule;
}

/*
 * Turn the unit's raw findings into findings: positions from the offsets
 * (one walk over the piece) or, for a piece whose text is not the file's
 * bytes (TMX), the line each carries; suppression.
 */
static int emit(doc_ctx *d, const cc_doc_unit *u, const cc_doc_piece *p)
{
    raws *rs = &d->rs;
    int rc = 0;
    if (rs->n > 1 && p)
        qsort(rs->v, rs->n, sizeof(*rs->v), by_position);
    cc_doc_pos at = p ? p->at : (cc_doc_pos)CC_DOC_POS_START;
    size_t walked = 0;
    for (size_t i = 0; i < rs->n && rc == 0; i++) {
        raw *r = &rs->v[i];
        cc_doc_pos to;
        size_t start = 0, end = 0;
        if (p && p->exact) {
            cc_doc_pos_advance(&at, p->orig + walked, r->start - walked);
            walked = r->start;
            to = at;
            cc_doc_pos_advance(&to, p->orig + r->start, r->end - r->start);
            start = p->at.offset + r->start;
            end = p->at.offset + r->end;
        } else {
            at.line = r->line;
            at.column = at.byte_column = 1;
            to = at;
        }
        if (ignored(d, u, at.line, r->rule))
            continue;
        rc = add_finding(d, r->rule, r->concept, r->message, r->fix, start, end, &at, &to);
        r->message = r->fix = NULL; /* taken */
    }
    raws_clear(rs);
    return rc;
}

static int text_unit(const cc_doc_unit *u, void *ud)
{
    doc_ctx *d = ud;
    concord_checker *c = d->c;
    const cc_doc_piece *p = &u->pieces[0];
    int rc = cc_recognize(d->l->r, p->text, p->len, &c->mentions);
    if (rc == 0)
        rc = unit_ignores(d, u);
    if (rc == 0)
        rc = term_rules(c, p->orig, d->lang, &c->mentions, 0, &d->rs);
    if (rc == 0)
        rc = mixed_unit(d, u, p, &c->mentions);
    if (rc == 0)
        rc = pair_rules(c, p->orig, d->lang, d->l, &c->mentions, d->pair_done, &d->rs);
    if (rc == 0)
        rc = emit(d, u, p);
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

/* In the order of a report: by line, then offset, then the rule table's order. */
static int rule_index(const char *id)
{
    for (int r = 0; r < R_COUNT; r++)
        if (rule_table[r].id == id)
            return r;
    return R_COUNT;
}

static int by_line(const void *a, const void *b)
{
    const concord_finding *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return rule_index(x->rule) - rule_index(y->rule);
}

/* Hand the document's findings over, sorted. */
static void doc_findings(doc_ctx *d, concord_findings **out)
{
    findings_impl *fi = d->fi;
    if (fi->pub.n > 1)
        qsort(fi->pub.v, fi->pub.n, sizeof(*fi->pub.v), by_line);
    *out = &fi->pub;
    d->fi = NULL;
}

/* TMX in memory: checked as text, its markup would be taken for prose. */
static int refuse(const char *name, cc_doc_format f, unsigned long line, unsigned long column)
{
    return cc_error_set_at(CONCORD_EUNSUPPORTED, name, line, column, 0,
                           "%s: not text: it is checked as TMX, unit by unit (concord check: a "
                           "file named .tmx or .tmx.gz)",
                           cc_doc_format_name(f));
}

static int check_bilingual(concord_findings **out, concord_checker *c, const char *name,
                           cc_doc_format f, const char *text, size_t len);

int concord_checker_check_text(concord_findings **out, concord_checker *c, const char *name,
                               const char *text, size_t len, const char *lang)
{
    *out = NULL;
    if (!name)
        name = "-";
    unsigned long line, column;
    cc_doc_format f = cc_doc_sniff(name, text, len, &line, &column);
    if (f == CC_DOC_PO || f == CC_DOC_XLIFF)
        return check_bilingual(out, c, name, f, text, len);
    if (f == CC_DOC_TMX)
        return refuse(name, f, line, column);
    if (concord_text_validate(text, len) < 0) {
        cc_error_set_file(name);
        return concord_error_last()->code;
    }
    lang = doc_lang(c, lang, text, len);
    doc_ctx d;
    int rc = doc_begin(&d, c, name, lang);
    if (rc == 0)
        rc = lang_get(c, lang, &d.l);
    if (rc == 0)
        rc = cc_doc_read_text(text, len, f == CC_DOC_MARKDOWN, text_unit, &d);
    if (rc == 0)
        rc = mixed_finish(&d);
    if (rc == 0)
        doc_findings(&d, out);
    doc_end(&d);
    return rc;
}

/* ---- term recognition ------------------------------------------------------------ */

/* the public statuses are the termbase's, in the same order */
_Static_assert((int)CONCORD_TERM_PREFERRED == (int)CC_TERM_PREFERRED &&
                   (int)CONCORD_TERM_ADMITTED == (int)CC_TERM_ADMITTED &&
                   (int)CONCORD_TERM_DEPRECATED == (int)CC_TERM_DEPRECATED &&
                   (int)CONCORD_TERM_FORBIDDEN == (int)CC_TERM_FORBIDDEN,
               "concord_term_status and cc_term_status differ");

typedef struct hits_impl {
    concord_term_hits pub; /* first: concord_term_hits_free() casts back */
    size_t cap;
    cc_arena arena;
} hits_impl;

void concord_term_hits_free(concord_term_hits *h)
{
    if (!h)
        return;
    hits_impl *hi = (hits_impl *)h;
    cc_free(hi->pub.v);
    cc_arena_free(&hi->arena);
    cc_free(hi);
}

typedef struct find_ctx {
    concord_checker *c;
    lang_ctx *l;
    hits_impl *hi;
} find_ctx;

static int find_unit(const cc_doc_unit *u, void *ud)
{
    find_ctx *x = ud;
    const concord_glossary *g = x->c->g;
    const cc_doc_piece *p = &u->pieces[0];
    int rc = cc_recognize(x->l->r, p->text, p->len, &x->c->mentions);
    const cc_mentions *ms = &x->c->mentions;
    hits_impl *hi = x->hi;
    if (rc == 0 && ms->n &&
        cc_grow((void **)&hi->pub.v, &hi->cap, hi->pub.n + ms->n, sizeof(*hi->pub.v)) < 0)
        rc = CONCORD_ENOMEM;
    for (size_t i = 0; i < ms->n && rc == 0; i++) {
        const cc_mention *m = &ms->v[i];
        const cc_term *t = &g->terms[m->term];
        const char *id = g->concepts[t->concept].id;
        concord_term_hit *h = &hi->pub.v[hi->pub.n];
        h->start = p->at.offset + m->start;
        h->end = p->at.offset + m->end;
        h->status = (concord_term_status)t->status; /* the same order, 0..3 */
        h->match = m->form    ? CONCORD_TERM_MATCH_FORM
                   : m->exact ? CONCORD_TERM_MATCH_EXACT
                              : CONCORD_TERM_MATCH_STEM;
        if (!(h->concept = cc_arena_strndup(&hi->arena, id, strlen(id))) ||
            !(h->term = cc_arena_strndup(&hi->arena, t->text, strlen(t->text))) ||
            !(h->lang = cc_arena_strndup(&hi->arena, t->lang, strlen(t->lang))))
            rc = CONCORD_ENOMEM;
        else
            hi->pub.n++;
    }
    return rc;
}

int concord_checker_find_terms(concord_term_hits **out, concord_checker *c, const char *text,
                               size_t len, const char *lang)
{
    *out = NULL;
    if (concord_text_validate(text, len) < 0)
        return concord_error_last()->code;
    find_ctx x = {c, NULL, cc_calloc(1, sizeof(hits_impl))};
    int rc = x.hi ? lang_get(c, doc_lang(c, lang, text, len), &x.l) : cc_error_oom();
    if (rc == 0)
        rc = cc_doc_read_text(text, len, 0, find_unit, &x);
    if (rc < 0) {
        concord_term_hits_free(x.hi ? &x.hi->pub : NULL);
        return rc;
    }
    *out = &x.hi->pub;
    return 0;
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

/* Record (key -> target) and return the line of an earlier different target, or 0. */
static int remember(doc_ctx *x, uint64_t key, uint64_t target, unsigned long line,
                    unsigned long *earlier)
{
    *earlier = 0;
    if ((x->nseen + 1) * 4 > x->capseen * 3) {
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
            if (x->seen[j].target != (uint32_t)(target ^ (target >> 32)))
                *earlier = x->seen[j].line;
            return 0;
        }
        j = (j + 1) & (x->capseen - 1);
    }
    x->seen[j].key = key;
    x->seen[j].target = (uint32_t)(target ^ (target >> 32));
    x->seen[j].line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
    x->nseen++;
    return 0;
}

/*
 * The bilingual rules and the term rules on one <tu> (src/doc: a piece per
 * <tuv>) or, with `doc`, one segment of an XLIFF or PO unit (its source and
 * target pieces): then the term and paired-name rules look at the target
 * only (the source is not the translator's to change), and each finding
 * keeps its piece, to be located in the file, and its fix.
 */
static int tmx_rules(doc_ctx *x, const cc_doc_unit *u, int doc)
{
    concord_checker *c = x->c;
    const concord_glossary *g = c->g;
    int rc = 0;
    if (!u->npieces)
        return 0;
    /* the source variant */
    const cc_doc_piece *src = NULL;
    const char *want = c->from[0]                                         ? c->from
                       : (u->srclang && strcmp(u->srclang, "*all*") != 0) ? u->srclang
                                                                          : NULL;
    for (size_t i = 0; i < u->npieces && !src; i++)
        if (!want || cc_lang_primary_eq(u->pieces[i].lang, want))
            src = &u->pieces[i];
    /* monolingual term rules on every variant */
    for (size_t i = 0; i < u->npieces && rc == 0; i++) {
        const cc_doc_piece *v = &u->pieces[i];
        lang_ctx *l;
        if (doc && v->role != CC_DOC_TARGET)
            continue;
        if ((rc = lang_get(c, v->lang, &l)) < 0)
            return rc;
        if ((rc = cc_recognize(l->r, v->text, v->len, &c->mentions)) < 0)
            return rc;
        size_t before = x->rs.n;
        if ((rc = term_rules(c, v->text, v->lang, &c->mentions, v->at.line, &x->rs)) < 0)
            return rc;
        if (doc) {
            if ((rc = pair_rules(c, v->text, v->lang, l, &c->mentions, x->pair_done, &x->rs)) < 0)
                return rc;
            for (size_t k = before; k < x->rs.n; k++)
                x->rs.v[k].piece = v;
            continue;
        }
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
    for (size_t i = 0; i < u->npieces && rc == 0; i++) {
        const cc_doc_piece *t = &u->pieces[i];
        if (t == src || (c->to[0] && !cc_lang_primary_eq(t->lang, c->to)))
            continue;
        if (cc_lang_primary_eq(t->lang, src->lang))
            continue;
        unsigned long line = t->at.line;
        /* the same source translated differently */
        uint64_t key =
            cc_hash(cc_hash(CC_HASH_INIT, src->lang, strlen(src->lang) + 1), src->text, src->len);
        key = cc_hash(cc_hash(key, "\0", 1), t->lang, strlen(t->lang));
        /* a PO msgctxt (or XLIFF resname) says the same source is another
           message, and each plural form is translated differently on purpose */
        if (u->context)
            key = cc_hash(cc_hash(key, "\1", 1), u->context, strlen(u->context));
        if (u->nplurals)
            key = cc_hash(cc_hash(key, "\2", 1), &t->seg, sizeof(t->seg));
        uint64_t target = cc_hash(CC_HASH_INIT, t->text, t->len);
        unsigned long earlier;
        if ((rc = remember(x, key, target, line, &earlier)) < 0)
            return rc;
        size_t n0 = x->rs.n;
        if (earlier)
            rc = add_raw(c, &x->rs, R_INCONSISTENT, 0, 0, line, NULL,
                         dup_printf("%s: this source is translated differently at line %lu",
                                    t->lang, earlier),
                         NULL);
        if (rc == 0 && doc && x->rs.n > n0)
            x->rs.v[x->rs.n - 1].piece = t;
        /* every concept of the source needs an allowed term in the target */
        if ((rc = cc_recognize(ls->r, src->text, src->len, &x->src)) < 0)
            return rc;
        if (!x->src.n)
            continue;
        lang_ctx *lt;
        if ((rc = lang_get(c, t->lang, &lt)) < 0 ||
            (rc = cc_recognize(lt->r, t->text, t->len, &x->tgt)) < 0)
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
            size_t m0 = x->rs.n;
            rc = add_raw(c, &x->rs, R_MISSING_TARGET, 0, 0, line, g->concepts[concept].id,
                         dup_printf("%s: the source says '%s' but the translation has no term "
                                    "of its concept: expected '%s'",
                                    t->lang, s, p->text),
                         NULL);
            if (rc == 0 && doc && x->rs.n > m0)
                x->rs.v[x->rs.n - 1].piece = t;
            cc_free(s);
        }
    }
    return rc;
}

static int tmx_unit(const cc_doc_unit *u, void *ud)
{
    doc_ctx *x = ud;
    int rc = tmx_rules(x, u, 0);
    /* a TMX finding is at its <tuv>'s line; its span is not the file's (offsets 0) */
    return rc < 0 ? rc : emit(x, u, NULL);
}

int concord_checker_check_tmx(concord_findings **out, concord_checker *c, const char *path)
{
    *out = NULL;
    doc_ctx d;
    int rc = doc_begin(&d, c, path, c->from[0] ? c->from : "*all*");
    if (rc == 0)
        rc = cc_doc_read_tmx(path, tmx_unit, &d);
    if (rc == 0)
        doc_findings(&d, out);
    doc_end(&d);
    return rc;
}

/* ---- XLIFF and PO ----------------------------------------------------------------- */

/* A bilingual document being checked: the file's bytes, to locate findings in. */
typedef struct bi_doc {
    doc_ctx d;
    cc_doc_format f;
    const char *name, *data; /* data NULL: the file `name`, read again where needed */
    size_t len;
    FILE *file;
    cc_doc_piece two[2];
    char src_lang[64], trg_lang[64];
} bi_doc;

static int locate(const bi_doc *b, const cc_doc_piece *p, size_t off, cc_doc_pos *out)
{
    return b->f == CC_DOC_PO ? cc_doc_locate_po(b->name, b->data, b->len, p, off, out)
                             : cc_doc_locate_xliff(b->name, b->data, b->len, p, off, out);
}

/* Are the file's bytes at offset `at` the n bytes s? */
static int file_has(const bi_doc *b, size_t at, const char *s, size_t n)
{
    if (b->data)
        return at + n <= b->len && memcmp(b->data + at, s, n) == 0;
    char buf[256];
    if (!b->file || n > sizeof(buf) || fseeko(b->file, (off_t)at, SEEK_SET) != 0 ||
        fread(buf, 1, n, b->file) != n)
        return 0;
    return memcmp(buf, s, n) == 0;
}

static int has_high(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

/*
 * Is a fix of [at, to) safe to apply to the file's bytes as they are? Only
 * where those bytes are the text itself (no reference, escape sequence or
 * line continuation inside), the replacement needs no escaping in the
 * format, and it cannot be in another charset than UTF-8 (a non-ASCII
 * replacement goes only where the file's own bytes are non-ASCII UTF-8).
 */
static int fix_is_safe(const bi_doc *b, const cc_doc_piece *p, const raw *r, const cc_doc_pos *at,
                       const cc_doc_pos *to)
{
    size_t n = r->end - r->start;
    if (!r->fix || to->offset < at->offset || to->offset - at->offset != n || to->offset > b->len ||
        memcmp(b->data + at->offset, p->text + r->start, n) != 0)
        return 0;
    const char *bad = b->f == CC_DOC_PO ? "\"\\\n\r\t" : "&<>\r";
    if (strpbrk(r->fix, bad))
        return 0;
    return !has_high(r->fix, strlen(r->fix)) || has_high(p->text + r->start, n);
}

/*
 * Where [r->start, r->end) of piece p is in the file. The end is just after
 * the span's last character, not where the next character is: a closing
 * inline tag after a term is not part of the term.
 */
static int locate_span(const bi_doc *b, const cc_doc_piece *p, const raw *r, cc_doc_pos *at,
                       cc_doc_pos *to)
{
    int rc = locate(b, p, r->start, at);
    if (rc < 0 || r->end <= r->start) {
        *to = *at;
        return rc;
    }
    size_t last = cc_utf8_prev((const unsigned char *)p->text, r->end), n = r->end - last;
    cc_doc_pos lp;
    if ((rc = locate(b, p, last, &lp)) < 0)
        return rc;
    if (file_has(b, lp.offset, p->text + last, n)) {
        /* the last character is in the file as it is */
        *to = lp;
        to->offset += n;
        to->column += 1;
        to->byte_column += n;
        return 0;
    }
    return locate(b, p, r->end, to); /* a reference or an escape: after it */
}

/* The unit's findings at their places in the file. */
static int bi_emit(bi_doc *b, const cc_doc_unit *u)
{
    doc_ctx *d = &b->d;
    raws *rs = &d->rs;
    int rc = 0;
    for (size_t i = 0; i < rs->n && rc == 0; i++) {
        raw *r = &rs->v[i];
        cc_doc_pos at = CC_DOC_POS_START, to;
        at.line = r->line;
        to = at;
        if (r->piece && (rc = locate_span(b, r->piece, r, &at, &to)) < 0)
            break;
        if (r->fix && !(r->piece && fix_is_safe(b, r->piece, r, &at, &to))) {
            cc_free(r->fix);
            r->fix = NULL;
        }
        if (ignored(d, u, at.line, r->rule))
            continue;
        rc =
            add_finding(d, r->rule, r->concept, r->message, r->fix, at.offset, to.offset, &at, &to);
        r->message = r->fix = NULL; /* taken */
    }
    raws_clear(rs);
    return rc;
}

/* A language of the file (canonical), else the checker's, else NULL. */
static const char *unit_lang(const char *file, const char *given, char *buf, size_t size)
{
    if (file && concord_lang_canonicalize(buf, size, file) == 0)
        return buf;
    return given && *given ? given : NULL;
}

/* For the target of segment k: the source of k, else the last one before it (PO plurals). */
static const cc_doc_piece *source_for(const cc_doc_unit *u, size_t k)
{
    const cc_doc_piece *best = NULL;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role == CC_DOC_SOURCE && p->seg <= k && (!best || p->seg > best->seg))
            best = p;
    }
    return best;
}

static int bi_unit(const cc_doc_unit *u, void *ud)
{
    bi_doc *b = ud;
    concord_checker *c = b->d.c;
    if (u->kind != CC_DOC_UNIT_NORMAL || !u->translate)
        return 0;
    const char *sl = unit_lang(u->srclang, c->from, b->src_lang, sizeof(b->src_lang));
    const char *tl = unit_lang(u->trglang, c->to, b->trg_lang, sizeof(b->trg_lang));
    if (!sl)
        sl = "en"; /* PO msgids, by gettext's convention */
    int rc = 0;
    for (size_t i = 0; i < u->npieces && rc == 0; i++) {
        const cc_doc_piece *t = &u->pieces[i];
        const cc_doc_piece *s = source_for(u, t->seg);
        if (t->role != CC_DOC_TARGET || t->absent || !t->len || !s)
            continue;
        /* (an XLIFF 2 segment by its own state) */
        cc_doc_status st = cc_doc_piece_status(u, t);
        if (st < CC_DOC_FUZZY || (st == CC_DOC_FUZZY && !c->check_fuzzy))
            continue;
        b->two[0] = *s;
        b->two[0].lang = sl;
        b->two[1] = *t;
        b->two[1].lang = tl ? tl : concord_lang_detect(t->text, t->len);
        cc_doc_unit one = *u;
        one.srclang = sl;
        one.pieces = b->two;
        one.npieces = 2;
        if ((rc = tmx_rules(&b->d, &one, 1)) == 0)
            rc = bi_emit(b, &one);
    }
    return rc;
}

/* check_text() of an XLIFF or PO document: its translated targets, located in its bytes. */
static int check_bilingual(concord_findings **out, concord_checker *c, const char *name,
                           cc_doc_format f, const char *text, size_t len)
{
    bi_doc b;
    memset(&b, 0, sizeof(b));
    int rc = doc_begin(&b.d, c, name, c->to[0] ? c->to : "*all*");
    b.f = f;
    b.name = name;
    b.data = text;
    b.len = len;
    if (rc == 0 && !text && !(b.file = fopen(name, "rb")))
        rc = cc_error_set_at(CONCORD_EIO, name, 0, 0, 0, "cannot open: %s", strerror(errno));
    if (rc == 0)
        rc = f == CC_DOC_PO ? cc_doc_read_po(name, text, len, bi_unit, &b)
                            : cc_doc_read_xliff(name, text, len, bi_unit, &b);
    if (rc == 0)
        doc_findings(&b.d, out);
    doc_end(&b.d);
    if (b.file)
        fclose(b.file);
    return rc;
}

int concord_checker_check_doc(concord_findings **out, concord_checker *c, const char *path)
{
    *out = NULL;
    cc_doc_format fmt;
    int rc = cc_doc_sniff_file(path, &fmt);
    if (rc < 0)
        return rc;
    if (fmt != CC_DOC_PO && fmt != CC_DOC_XLIFF)
        return cc_error_set_at(CONCORD_EINVAL, path, 0, 0, 0, "%s, not XLIFF or PO",
                               cc_doc_format_name(fmt));
    return check_bilingual(out, c, path, fmt, NULL, 0);
}
