/*
 * textfmt.c — concord's own glossary format (docs/glossary-format.md): a
 * line-based text file meant to live in a repository next to the content,
 * diff-friendly and commented.
 *
 *     # disputed place names
 *     [concept southern-kurils]
 *     side: ru
 *     en: Southern Kurils
 *     en: Kuriles ; forbidden
 *     ru: Южн|ые Курил|ы
 *     ja: 南クリル ; admitted
 *
 *     [pair southern-kurils northern-territories]
 *     order.ru: southern-kurils
 *
 *     [shapes]
 *     en: {A} ({B})
 *
 *     [profile ru-official]
 *     pairs: side ru
 *
 *     [rules]
 *     mixed-variants: off
 *
 * Every problem is CONCORD_EPARSE at file:line:column. References between
 * sections (a pair naming a concept, a profile naming a side) are resolved at
 * the end, so sections may come in any order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "concord/text.h"
#include "glossary/glossary_internal.h"
#include "text/unicode.h"

enum section { SEC_NONE, SEC_GLOSSARY, SEC_CONCEPT, SEC_PAIR, SEC_SHAPES, SEC_PROFILE, SEC_RULES };

/* A reference to resolve once the whole file is read. */
enum ref_kind { REF_PAIR_A, REF_PAIR_B, REF_ORDER, REF_SIDE, REF_PROFILE };

typedef struct ref {
    char *id; /* concept id, side or profile name */
    enum ref_kind kind;
    size_t pair, order; /* for REF_PAIR_*, REF_ORDER */
    unsigned long line, column;
} ref;

typedef struct parser {
    concord_glossary *g;
    const char *name;
    unsigned long line;
    const char *line_start;
    enum section sec;
    size_t cur;           /* current concept / pair / profile index */
    size_t first_concept; /* concepts before it come from other files */
    ref *refs;
    size_t nrefs, caprefs;
} parser;

static unsigned long col_of(const parser *p, const char *at)
{
    unsigned long col = 1;
    size_t i = 0, n = (size_t)(at - p->line_start);
    while (i < n) {
        cc_utf8_decode((const unsigned char *)p->line_start, &i);
        col++;
    }
    return col;
}

static int fail(const parser *p, const char *at, const char *fmt, ...) CC_PRINTF(3, 4);
static int fail(const parser *p, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_error_vset_at(CONCORD_EPARSE, p->name, p->line, col_of(p, at), 0, fmt, ap);
    va_end(ap);
    return CONCORD_EPARSE;
}

static int limit(const parser *p, const char *at, const char *fmt, ...) CC_PRINTF(3, 4);
static int limit(const parser *p, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_error_vset_at(CONCORD_ELIMIT, p->name, p->line, col_of(p, at), 0, fmt, ap);
    va_end(ap);
    return CONCORD_ELIMIT;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static int add_ref(parser *p, const char *id, enum ref_kind kind, size_t pair, size_t order,
                   const char *at)
{
    if (cc_grow((void **)&p->refs, &p->caprefs, p->nrefs + 1, sizeof(*p->refs)) < 0)
        return CONCORD_ENOMEM;
    ref *r = &p->refs[p->nrefs];
    if (!(r->id = cc_gloss_strdup(p->g, id)))
        return cc_error_oom();
    r->kind = kind;
    r->pair = pair;
    r->order = order;
    r->line = p->line;
    r->column = col_of(p, at);
    p->nrefs++;
    return 0;
}

/*
 * Split s at unescaped ';' (trimmed, "\;" unescaped), keeping the first max
 * pieces; returns how many there are, so that the caller can refuse more.
 */
static size_t split_semi(char *s, char **out, size_t max)
{
    size_t n = 0;
    char *w = s, *start = s;
    for (char *r = s;; r++) {
        if (*r == '\\' && r[1] == ';') {
            *w++ = ';';
            r++;
            continue;
        }
        if (*r == ';' || *r == '\0') {
            int end = *r == '\0';
            *w = '\0';
            if (n < max)
                out[n] = trim(start);
            n++;
            if (end)
                break;
            start = w = r + 1;
            continue;
        }
        *w++ = *r;
    }
    return n;
}

/* Split a comma-separated list in place, keeping the first max entries; returns how many. */
static size_t split_commas(char *s, const char **out, size_t max)
{
    size_t n = 0;
    for (;;) {
        char *c = strchr(s, ',');
        if (c)
            *c = '\0';
        char *t = trim(s);
        if (*t) {
            if (n < max)
                out[n] = t;
            n++;
        }
        if (!c)
            break;
        s = c + 1;
    }
    return n;
}

#define MAX_LIST CC_GLOSS_LIST_MAX

static int term_line(parser *p, const char *lang, char *value, const char *at)
{
    char *piece[CC_GLOSS_OPTIONS_MAX + 1];
    size_t n = split_semi(value, piece, CC_ARRAY_LEN(piece));
    if (n > CC_ARRAY_LEN(piece))
        return limit(p, at, "more than %d options after a term", CC_GLOSS_OPTIONS_MAX);
    cc_term_spec spec;
    memset(&spec, 0, sizeof(spec));
    const char *forms[MAX_LIST], *except[MAX_LIST];
    spec.lang = lang;
    spec.text = piece[0];
    int status_given = 0, inflect_given = 0;
    for (size_t i = 1; i < n; i++) {
        char *a = piece[i];
        char *eq = strchr(a, '=');
        if (eq) {
            *eq = '\0';
            char *key = trim(a), *val = trim(eq + 1);
            if (strcmp(key, "forms") == 0) {
                spec.forms = forms;
                if ((spec.nforms = split_commas(val, forms, MAX_LIST)) > MAX_LIST)
                    return limit(p, at, "more than %d forms", MAX_LIST);
            } else if (strcmp(key, "except") == 0) {
                spec.except = except;
                if ((spec.nexcept = split_commas(val, except, MAX_LIST)) > MAX_LIST)
                    return limit(p, at, "more than %d exceptions", MAX_LIST);
            } else if (strcmp(key, "pos") == 0) {
                spec.pos = val;
            } else if (strcmp(key, "note") == 0) {
                spec.note = val;
            } else {
                return fail(
                    p, at, "unknown term option '%s' (expected forms=, except=, pos=, note=)", key);
            }
            continue;
        }
        status_given |= strcmp(a, "preferred") == 0 || strcmp(a, "admitted") == 0 ||
                        strcmp(a, "deprecated") == 0 || strcmp(a, "forbidden") == 0;
        inflect_given |= strcmp(a, "exact") == 0 || strcmp(a, "stem") == 0;
        if (strcmp(a, "preferred") == 0)
            spec.status = CC_TERM_PREFERRED;
        else if (strcmp(a, "admitted") == 0)
            spec.status = CC_TERM_ADMITTED;
        else if (strcmp(a, "deprecated") == 0)
            spec.status = CC_TERM_DEPRECATED;
        else if (strcmp(a, "forbidden") == 0)
            spec.status = CC_TERM_FORBIDDEN;
        else if (strcmp(a, "variant") == 0)
            spec.flags |= CC_TERMF_VARIANT;
        else if (strcmp(a, "case") == 0)
            spec.flags |= CC_TERMF_CASE;
        else if (strcmp(a, "exact") == 0)
            spec.inflect = CC_INFLECT_EXACT;
        else if (strcmp(a, "stem") == 0)
            spec.inflect = CC_INFLECT_STEM;
        else
            return fail(p, at,
                        "unknown term option '%s' (expected preferred, admitted, deprecated, "
                        "forbidden, variant, case, exact, stem or key=value)",
                        a);
    }
    /* a concept reopened from an earlier file (a TBX): a term it has is amended */
    if (p->cur < p->first_concept) {
        int rc = cc_gloss_term_amend(p->g, p->cur, &spec, status_given, inflect_given, p->name,
                                     p->line, col_of(p, at));
        if (rc != 0)
            return rc < 0 ? rc : 0;
    }
    return cc_gloss_term(p->g, p->cur, &spec, p->name, p->line, col_of(p, at));
}

static int section_line(parser *p, char *s, char *at)
{
    char *end = strchr(s, ']');
    if (!end || *trim(end + 1))
        return fail(p, at, "a section header ends with ']' and nothing after it");
    *end = '\0';
    char *words[4];
    size_t n = 0;
    for (char *w = strtok(s + 1, " \t"); w && n < 4; w = strtok(NULL, " \t"))
        words[n++] = w;
    concord_glossary *g = p->g;
    if (n == 0)
        return fail(p, at, "empty section header");
    if (strcmp(words[0], "glossary") == 0 && n == 1) {
        p->sec = SEC_GLOSSARY;
    } else if (strcmp(words[0], "concept") == 0 && n == 2) {
        /* a concept of an earlier file (a TBX) may be reopened to add a side or
         * terms; twice in one file is a copy-paste slip */
        if (words[1][0] == '#')
            return fail(p, at,
                        "a concept id does not start with '#' (concord names concepts "
                        "without an id #1, #2...)");
        long k = cc_gloss_find_concept(g, words[1]);
        if (k >= (long)p->first_concept)
            return fail(p, at, "concept '%s' is defined twice", words[1]);
        p->sec = SEC_CONCEPT;
        return cc_gloss_concept(g, words[1], &p->cur);
    } else if (strcmp(words[0], "pair") == 0 && n == 3) {
        if (cc_grow((void **)&g->pairs, &g->cappairs, g->npairs + 1, sizeof(*g->pairs)) < 0)
            return CONCORD_ENOMEM;
        p->sec = SEC_PAIR;
        p->cur = g->npairs++;
        memset(&g->pairs[p->cur], 0, sizeof(cc_pair));
        int rc = add_ref(p, words[1], REF_PAIR_A, p->cur, 0, at);
        return rc ? rc : add_ref(p, words[2], REF_PAIR_B, p->cur, 0, at);
    } else if (strcmp(words[0], "shapes") == 0 && n == 1) {
        p->sec = SEC_SHAPES;
    } else if (strcmp(words[0], "profile") == 0 && n == 2) {
        if (cc_grow((void **)&g->profiles, &g->capprofiles, g->nprofiles + 1,
                    sizeof(*g->profiles)) < 0)
            return CONCORD_ENOMEM;
        for (size_t i = 0; i < g->nprofiles; i++)
            if (strcmp(g->profiles[i].name, words[1]) == 0)
                return fail(p, at, "profile '%s' is defined twice", words[1]);
        p->sec = SEC_PROFILE;
        p->cur = g->nprofiles++;
        memset(&g->profiles[p->cur], 0, sizeof(cc_profile));
        if (!(g->profiles[p->cur].name = cc_gloss_strdup(g, words[1])))
            return cc_error_oom();
    } else if (strcmp(words[0], "rules") == 0 && n == 1) {
        p->sec = SEC_RULES;
    } else {
        return fail(p, at,
                    "unknown section '%s' (expected [glossary], [concept ID], [pair ID ID], "
                    "[shapes], [profile NAME] or [rules])",
                    words[0]);
    }
    return 0;
}

static int shape_line(parser *p, const char *lang, char *value, const char *at)
{
    concord_glossary *g = p->g;
    char *a = strstr(value, "{A}"), *b = strstr(value, "{B}");
    if (!a || !b || strstr(a + 3, "{A}") || strstr(b + 3, "{B}"))
        return fail(p, at, "a shape holds {A} and {B} once each, as in '{A} ({B})'");
    /* {A} is the name met first, so it always comes first */
    if (b < a)
        return fail(p, at, "{A} (the name mentioned first) comes before {B} in a shape");
    const char *g1 = strstr(value, "\xE2\x80\xA6"), *g2 = strstr(value, "...");
    if ((g1 && g1 < a) || (g2 && g2 < a))
        return fail(p, at, "a gap (…) may stand between {A} and {B} or after {B}, not before {A}");
    char canon[64] = "";
    if (strcmp(lang, "*") != 0 && concord_lang_canonicalize(canon, sizeof(canon), lang) < 0)
        return fail(p, at, "'%s' is not a language tag", lang);
    if (cc_grow((void **)&g->shapes, &g->capshapes, g->nshapes + 1, sizeof(*g->shapes)) < 0)
        return CONCORD_ENOMEM;
    cc_shape *s = &g->shapes[g->nshapes];
    memcpy(s->lang, canon, sizeof(canon));
    if (!(s->pattern = cc_gloss_strdup(g, value)))
        return cc_error_oom();
    g->nshapes++;
    return 0;
}

static int rule_line(parser *p, const char *rule, char *value, const char *at)
{
    const concord_rule_info *r = concord_rule_table();
    while (r->id && strcmp(r->id, rule) != 0)
        r++;
    if (!r->id)
        return fail(p, at, "unknown rule '%s' (see docs/check.md for the rule ids)", rule);
    concord_glossary *g = p->g;
    cc_rule_setting st = {NULL, 1, -1};
    if (strcmp(value, "off") == 0)
        st.enabled = 0;
    else if (strcmp(value, "on") == 0)
        ;
    else if (strcmp(value, "error") == 0)
        st.severity = CONCORD_SEVERITY_ERROR;
    else if (strcmp(value, "warning") == 0)
        st.severity = CONCORD_SEVERITY_WARNING;
    else if (strcmp(value, "note") == 0)
        st.severity = CONCORD_SEVERITY_NOTE;
    else
        return fail(p, at, "a rule is on, off, error, warning or note, not '%s'", value);
    if (!(st.rule = cc_gloss_strdup(g, rule)))
        return cc_error_oom();
    if (cc_grow((void **)&g->settings, &g->capsettings, g->nsettings + 1, sizeof(*g->settings)) < 0)
        return CONCORD_ENOMEM;
    g->settings[g->nsettings++] = st;
    return 0;
}

static int key_line(parser *p, char *s, char *at)
{
    char *colon = strchr(s, ':');
    if (!colon)
        return fail(p, at, "expected 'key: value', '[section]' or a # comment");
    *colon = '\0';
    char *key = trim(s), *value = trim(colon + 1);
    concord_glossary *g = p->g;
    switch (p->sec) {
    case SEC_NONE:
        return fail(p, at, "'%s:' outside any section (start with [concept ID])", key);
    case SEC_GLOSSARY:
        if (strcmp(key, "profile") == 0) {
            if (!(g->default_profile = cc_gloss_strdup(g, value)))
                return cc_error_oom();
            return add_ref(p, value, REF_PROFILE, 0, 0, at);
        }
        if (strcmp(key, "name") == 0 || strcmp(key, "note") == 0)
            return 0;
        return fail(p, at, "unknown key '%s' in [glossary] (expected profile, name, note)", key);
    case SEC_CONCEPT:
        if (strcmp(key, "note") == 0)
            return (g->concepts[p->cur].note = cc_gloss_strdup(g, value)) ? 0 : cc_error_oom();
        if (strcmp(key, "side") == 0)
            return (g->concepts[p->cur].side = cc_gloss_strdup(g, value)) ? 0 : cc_error_oom();
        return term_line(p, key, value, at);
    case SEC_PAIR:
        if (strncmp(key, "order.", 6) == 0) {
            cc_pair *pr = &g->pairs[p->cur];
            if (pr->norder == CC_PAIR_MAX_ORDER)
                return fail(p, at, "too many order lines (at most 8)");
            char canon[64];
            if (concord_lang_canonicalize(canon, sizeof(canon), key + 6) < 0 ||
                strlen(canon) >= sizeof(pr->order_lang[0]))
                return fail(p, at, "'%s' is not a language tag", key + 6);
            canon[strcspn(canon, "-")] = '\0';
            strcpy(pr->order_lang[pr->norder], canon);
            return add_ref(p, value, REF_ORDER, p->cur, pr->norder++, at);
        }
        return fail(p, at, "unknown key '%s' in [pair] (expected order.LANG)", key);
    case SEC_SHAPES:
        return shape_line(p, key, value, at);
    case SEC_PROFILE:
        if (strcmp(key, "pairs") == 0) {
            cc_profile *pr = &g->profiles[p->cur];
            if (strcmp(value, "both") == 0) {
                pr->mode = CC_PAIRS_BOTH;
            } else if (strcmp(value, "off") == 0) {
                pr->mode = CC_PAIRS_OFF;
            } else if (strncmp(value, "side ", 5) == 0 && *trim(value + 5)) {
                pr->mode = CC_PAIRS_SIDE;
                if (!(pr->side = cc_gloss_strdup(g, trim(value + 5))))
                    return cc_error_oom();
                return add_ref(p, pr->side, REF_SIDE, 0, 0, at);
            } else {
                return fail(p, at, "pairs is both, off or 'side NAME', not '%s'", value);
            }
            return 0;
        }
        if (strcmp(key, "note") == 0)
            return 0;
        return fail(p, at, "unknown key '%s' in [profile] (expected pairs, note)", key);
    case SEC_RULES:
        return rule_line(p, key, value, at);
    }
    return 0;
}

/* Resolve the references collected while reading. */
static int resolve(parser *p)
{
    concord_glossary *g = p->g;
    for (size_t i = 0; i < p->nrefs; i++) {
        ref *r = &p->refs[i];
        if (r->kind == REF_SIDE) {
            size_t k = 0;
            while (k < g->nconcepts &&
                   !(g->concepts[k].side && strcmp(g->concepts[k].side, r->id) == 0))
                k++;
            if (k == g->nconcepts)
                return cc_error_set_at(CONCORD_EPARSE, p->name, r->line, r->column, 0,
                                       "no concept has side '%s'", r->id);
            continue;
        }
        if (r->kind == REF_PROFILE) {
            size_t k = 0;
            while (k < g->nprofiles && strcmp(g->profiles[k].name, r->id) != 0)
                k++;
            if (k == g->nprofiles && strcmp(r->id, "neutral-news") != 0)
                return cc_error_set_at(CONCORD_EPARSE, p->name, r->line, r->column, 0,
                                       "profile '%s' is not defined", r->id);
            continue;
        }
        long c = cc_gloss_find_concept(g, r->id);
        if (c < 0)
            return cc_error_set_at(CONCORD_EPARSE, p->name, r->line, r->column, 0,
                                   "concept '%s' is not defined", r->id);
        cc_pair *pr = &g->pairs[r->pair];
        if (r->kind == REF_PAIR_A) {
            pr->a = (size_t)c;
        } else if (r->kind == REF_PAIR_B) {
            pr->b = (size_t)c;
            if (pr->a == pr->b)
                return cc_error_set_at(CONCORD_EPARSE, p->name, r->line, r->column, 0,
                                       "a pair needs two different concepts, not '%s' twice",
                                       r->id);
        } else {
            if ((size_t)c != pr->a && (size_t)c != pr->b)
                return cc_error_set_at(CONCORD_EPARSE, p->name, r->line, r->column, 0,
                                       "concept '%s' is not one of this pair", r->id);
            pr->order_first[r->order] = (size_t)c;
        }
    }
    return 0;
}

int cc_gloss_read_text(concord_glossary *g, const char *name, const char *data, size_t len)
{
    size_t bad = cc_utf8_find_invalid(data, len, 1, NULL);
    if (bad != len) {
        unsigned long line, col;
        concord_text_position(&line, &col, data, len, bad);
        return cc_error_set_at(CONCORD_EENCODING, name, line, col, bad, "invalid UTF-8 at byte %zu",
                               bad);
    }
    parser p;
    memset(&p, 0, sizeof(p));
    p.g = g;
    p.name = name;
    p.first_concept = g->nconcepts;
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    cc_buf line = CC_BUF_INIT;
    int rc = 0;
    while (i < len && rc == 0) {
        size_t e = i;
        while (e < len && data[e] != '\n' && e - i <= CC_GLOSS_TEXT_LINE_MAX)
            e++;
        p.line++;
        if (e - i > CC_GLOSS_TEXT_LINE_MAX) {
            rc = cc_error_set_at(CONCORD_ELIMIT, name, p.line, 1, i, "a line longer than %d bytes",
                                 CC_GLOSS_TEXT_LINE_MAX);
            break;
        }
        cc_buf_clear(&line);
        if ((rc = cc_buf_append(&line, data + i, e - i)) < 0 || (rc = cc_buf_putc(&line, 0)) < 0)
            break;
        i = e + 1;
        char *s = line.data;
        p.line_start = s;
        char *t = s;
        while (*t == ' ' || *t == '\t')
            t++;
        if (*t == '\0' || *t == '#' || *t == '\r')
            continue;
        if (*t == '[')
            rc = section_line(&p, t, t);
        else
            rc = key_line(&p, t, t);
    }
    if (rc == 0)
        rc = resolve(&p);
    cc_buf_free(&line);
    cc_free(p.refs);
    return rc;
}
