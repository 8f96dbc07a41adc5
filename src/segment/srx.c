/*
 * srx.c — SRX 2.0 (and 1.0) segmentation rules.
 *
 * We read <languagerule> elements with their <rule break="yes|no">
 * <beforebreak>/<afterbreak> regular expressions, and <languagemap
 * languagepattern=... languagerulename=...> elements. The maps whose pattern
 * matches the segmenter's language (case-insensitively, the whole tag) select
 * the rules: all of them in map order when the header says cascade="yes",
 * only the first otherwise (SRX 2.0 §2.5). Every regular expression in the
 * file is compiled, used or not, so that a mistake is reported with its line
 * and column. Format handles and segmentsubflows have no meaning for plain
 * text and are ignored.
 */
#include <stdio.h>
#include <string.h>

#include "base/xml.h"
#include "segment/seg_internal.h"

/* Limits, so that no SRX file costs unbounded memory or time (CONCORD_ELIMIT). */
#define SRX_MAX_RULES     50000       /* <rule>s in a file, all languages */
#define SRX_MAX_LANGRULES 1000        /* <languagerule>s */
#define SRX_MAX_MAPS      1000        /* <languagemap>s */
#define SRX_MAX_REGEX     (64u << 10) /* bytes of one <beforebreak> or <afterbreak> */
#define SRX_MAX_BYTES     (16u << 20) /* bytes of every expression and name, together */

typedef struct srx_rule_src {
    int is_break;
    char *before, *after;
    /* where the elements start, for errors found when the rules are compiled */
    cc_xml_pos rule, bmark, amark;
} srx_rule_src;

typedef struct srx_langrule {
    char *name;
    srx_rule_src *rules;
    size_t count, cap;
} srx_langrule;

typedef struct srx_map {
    char *pattern, *name;
    cc_xml_pos mark;
} srx_map;

typedef struct srx_doc {
    srx_langrule *langs;
    size_t nlangs, caplangs;
    srx_map *maps;
    size_t nmaps, capmaps;
    int cascade;
} srx_doc;

static void doc_free(srx_doc *d)
{
    for (size_t i = 0; i < d->nlangs; i++) {
        for (size_t j = 0; j < d->langs[i].count; j++) {
            cc_free(d->langs[i].rules[j].before);
            cc_free(d->langs[i].rules[j].after);
        }
        cc_free(d->langs[i].rules);
        cc_free(d->langs[i].name);
    }
    cc_free(d->langs);
    for (size_t i = 0; i < d->nmaps; i++) {
        cc_free(d->maps[i].pattern);
        cc_free(d->maps[i].name);
    }
    cc_free(d->maps);
}

/* Reading the document into an srx_doc (no regex compiled yet). */
typedef struct srx_reader {
    srx_doc *d;
    int seen_root;
    int cur;  /* index of the <languagerule> being read, -1 outside */
    int rule; /* 1 inside a <rule> of it */
    int in;   /* 1 = in <beforebreak>, 2 = in <afterbreak> */
    size_t nrules, bytes;
    cc_buf text;
} srx_reader;

static const char *attr_value(const cc_xml_attr *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].name, name) == 0)
            return a[i].value;
    return NULL;
}

/* A copy of s that counts toward the file's limit of SRX_MAX_BYTES. */
static int keep_str(cc_xml *x, srx_reader *r, const char *s, char **out)
{
    r->bytes += strlen(s) + 1;
    if (r->bytes > SRX_MAX_BYTES)
        return cc_xml_error(x, CONCORD_ELIMIT,
                            "SRX expressions and names larger than 16 MiB together (concord's "
                            "limit)");
    return (*out = cc_strdup(s)) ? 0 : cc_error_oom();
}

static srx_rule_src *cur_rule(srx_reader *r)
{
    srx_langrule *l = &r->d->langs[r->cur];
    return &l->rules[l->count - 1];
}

static int srx_start(cc_xml *x, void *ud, const cc_xml_elem *el, const cc_xml_attr *a, size_t n)
{
    srx_reader *r = ud;
    srx_doc *d = r->d;
    const char *name = el->local;
    int rc;
    if (r->in)
        return cc_xml_error(x, CONCORD_EPARSE,
                            "<%s> inside <%s>: a regular expression is text only", name,
                            r->in == 1 ? "beforebreak" : "afterbreak");
    if (!r->seen_root) {
        r->seen_root = 1;
        if (strcmp(name, "srx") != 0)
            return cc_xml_error(x, CONCORD_EPARSE,
                                "not an SRX file: the root element is <%s>, not <srx>", name);
        return 0;
    }
    if (strcmp(name, "header") == 0) {
        const char *cascade = attr_value(a, n, "cascade");
        d->cascade = cascade && strcmp(cascade, "yes") == 0;
    } else if (strcmp(name, "languagerule") == 0) {
        /* nested, it would leave an open <rule> of the outer one pointing into the new one,
           which has no rule yet (found by fuzzing) */
        if (r->cur >= 0)
            return cc_xml_error(x, CONCORD_EPARSE, "<languagerule> inside a <languagerule>");
        const char *lname = attr_value(a, n, "languagerulename");
        if (!lname)
            return cc_xml_error(x, CONCORD_EPARSE,
                                "<languagerule> without a languagerulename attribute");
        if (d->nlangs >= SRX_MAX_LANGRULES)
            return cc_xml_error(x, CONCORD_ELIMIT, "more than %d <languagerule>s (concord's limit)",
                                SRX_MAX_LANGRULES);
        if ((rc = cc_grow((void **)&d->langs, &d->caplangs, d->nlangs + 1, sizeof(*d->langs))) < 0)
            return rc;
        srx_langrule *l = &d->langs[d->nlangs++];
        memset(l, 0, sizeof(*l));
        r->cur = (int)d->nlangs - 1;
        return keep_str(x, r, lname, &l->name);
    } else if (strcmp(name, "rule") == 0) {
        if (r->cur < 0)
            return cc_xml_error(x, CONCORD_EPARSE, "<rule> outside a <languagerule>");
        if (r->rule)
            return cc_xml_error(x, CONCORD_EPARSE, "<rule> inside a <rule>");
        if (++r->nrules > SRX_MAX_RULES)
            return cc_xml_error(x, CONCORD_ELIMIT, "more than %d SRX rules (concord's limit)",
                                SRX_MAX_RULES);
        srx_langrule *l = &d->langs[r->cur];
        if ((rc = cc_grow((void **)&l->rules, &l->cap, l->count + 1, sizeof(*l->rules))) < 0)
            return rc;
        srx_rule_src *rule = &l->rules[l->count++];
        memset(rule, 0, sizeof(*rule));
        rule->rule = cc_xml_where(x);
        const char *brk = attr_value(a, n, "break");
        rule->is_break = !(brk && strcmp(brk, "no") == 0);
        r->rule = 1;
    } else if (strcmp(name, "beforebreak") == 0 || strcmp(name, "afterbreak") == 0) {
        if (!r->rule)
            return cc_xml_error(x, CONCORD_EPARSE, "<%s> outside a <rule>", name);
        r->in = name[0] == 'b' ? 1 : 2;
        cc_buf_clear(&r->text);
        srx_rule_src *rule = cur_rule(r);
        if (r->in == 1)
            rule->bmark = cc_xml_where(x);
        else
            rule->amark = cc_xml_where(x);
    } else if (strcmp(name, "languagemap") == 0) {
        if (d->nmaps >= SRX_MAX_MAPS)
            return cc_xml_error(x, CONCORD_ELIMIT, "more than %d <languagemap>s (concord's limit)",
                                SRX_MAX_MAPS);
        if ((rc = cc_grow((void **)&d->maps, &d->capmaps, d->nmaps + 1, sizeof(*d->maps))) < 0)
            return rc;
        srx_map *m = &d->maps[d->nmaps++];
        memset(m, 0, sizeof(*m));
        m->mark = cc_xml_where(x);
        const char *pattern = attr_value(a, n, "languagepattern");
        if (!pattern)
            return cc_xml_error(x, CONCORD_EPARSE, "<languagemap> without a languagepattern");
        if ((rc = keep_str(x, r, pattern, &m->pattern)) < 0)
            return rc;
        const char *lname = attr_value(a, n, "languagerulename");
        if (!lname)
            return cc_xml_error(x, CONCORD_EPARSE, "<languagemap> without a languagerulename");
        return keep_str(x, r, lname, &m->name);
    }
    return 0;
}

static int srx_end(cc_xml *x, void *ud, const cc_xml_elem *el)
{
    srx_reader *r = ud;
    const char *name = el->local;
    if (r->in) {
        /* the only element open in a <beforebreak> is itself (others are refused) */
        srx_rule_src *rule = cur_rule(r);
        char **slot = r->in == 1 ? &rule->before : &rule->after;
        r->in = 0;
        cc_free(*slot);
        *slot = NULL;
        return keep_str(x, r, r->text.data ? r->text.data : "", slot);
    }
    if (strcmp(name, "rule") == 0)
        r->rule = 0;
    else if (strcmp(name, "languagerule") == 0)
        r->cur = -1, r->rule = 0;
    return 0;
}

static int srx_text(cc_xml *x, void *ud, const char *s, size_t len)
{
    srx_reader *r = ud;
    if (!r->in)
        return 0;
    if (r->text.len + len > SRX_MAX_REGEX)
        return cc_xml_error(x, CONCORD_ELIMIT,
                            "<%s> longer than 64 KiB (concord's limit for one expression)",
                            r->in == 1 ? "beforebreak" : "afterbreak");
    return cc_buf_append(&r->text, s, len);
}

/* Read the document (from memory, or the file at path) into *d. */
static int parse(srx_doc *d, const char *xml, size_t len, const char *path, const char *name)
{
    static const cc_xml_handlers handlers = {srx_start, srx_end, srx_text, NULL};
    srx_reader r;
    memset(&r, 0, sizeof(r));
    r.d = d;
    r.cur = -1;
    int rc = path ? cc_xml_parse_file(path, &handlers, &r)
                  : cc_xml_parse_memory(xml, len, name, &handlers, &r);
    if (rc == 0 && !r.seen_root)
        rc = cc_error_set_at(CONCORD_EPARSE, name, 1, 1, 0, "empty SRX file");
    cc_buf_free(&r.text);
    return rc;
}

static int compile_rule(const srx_rule_src *src, const char *file, cc_regex **out)
{
    cc_buf pat = CC_BUF_INIT;
    const char *before = src->before ? src->before : "";
    const char *after = src->after ? src->after : "";
    int rc;
    *out = NULL;
    if (!*before && !*after)
        return cc_error_set_at(CONCORD_EPARSE, file, src->rule.line, src->rule.column, 0,
                               "SRX rule with neither <beforebreak> nor <afterbreak>");
    if (*before)
        rc = cc_buf_printf(&pat, "(?:%s)", before);
    else
        rc = 0;
    if (rc == 0 && *after)
        rc = cc_buf_printf(&pat, "(?=%s)", after);
    if (rc < 0) {
        cc_buf_free(&pat);
        return rc;
    }
    /* Each part must be a regular expression on its own: check them apart, so
       that an error points into the part (and the character) where it is. */
    for (int part = 0; part < 2; part++) {
        const char *re = part == 0 ? before : after;
        if (!*re)
            continue;
        cc_regex *probe = NULL;
        int32_t eoff = -1;
        rc = cc_regex_compile(&probe, re, 0, &eoff);
        cc_regex_free(probe);
        if (rc == CONCORD_EPARSE) {
            char msg[600];
            snprintf(msg, sizeof(msg), "%s", concord_error_last()->message);
            const char *tag = part == 0 ? "beforebreak" : "afterbreak";
            const cc_xml_pos *m = part == 0 ? &src->bmark : &src->amark;
            unsigned long line = m->line;
            unsigned long col = m->column;
            if (line == 0) {
                line = src->rule.line;
                col = src->rule.column;
            } else if (col > 0) {
                col += strlen(tag) + 2 + (eoff > 0 ? (unsigned long)eoff : 0);
            }
            rc = cc_error_set_at(CONCORD_EPARSE, file, line, col, 0, "%s in <%s> '%s'", msg, tag,
                                 re);
        }
        if (rc < 0)
            goto done;
    }
    rc = cc_regex_compile(out, pat.data, 0, NULL);
    if (rc == CONCORD_EPARSE) /* e.g. "a)(b" is fine alone, not once wrapped */
        rc = cc_error_set_at(CONCORD_EPARSE, file, src->rule.line, src->rule.column, 0,
                             "invalid SRX rule: <beforebreak>%s</beforebreak> and "
                             "<afterbreak>%s</afterbreak> do not combine (%s)",
                             before, after, concord_error_last()->message);
done:
    cc_buf_free(&pat);
    return rc;
}

static int lang_matches(const srx_map *m, const char *lang, const char *file, int *match)
{
    cc_regex *re = NULL;
    cc_buf pat = CC_BUF_INIT;
    cc_uchar *u = NULL;
    int32_t n = 0, ms = 0, me = 0;
    int rc;
    *match = 0;
    if ((rc = cc_buf_printf(&pat, "^(?:%s)$", m->pattern)) < 0)
        goto done;
    if ((rc = cc_regex_compile(&re, pat.data, CC_REGEX_CASELESS, NULL)) < 0) {
        if (rc == CONCORD_EPARSE)
            rc = cc_error_set_at(CONCORD_EPARSE, file, m->mark.line, m->mark.column, 0,
                                 "invalid languagepattern '%s'", m->pattern);
        goto done;
    }
    /* Tags are compared with '-' and with '_' (en-US, en_US). */
    for (int variant = 0; variant < 2 && !*match; variant++) {
        char tag[64];
        snprintf(tag, sizeof(tag), "%s", lang);
        if (variant == 1)
            for (char *p = tag; *p; p++)
                if (*p == '-')
                    *p = '_';
        cc_free(u);
        u = NULL;
        if ((rc = cc_utf16_from_utf8(tag, strlen(tag), &u, &n)) < 0 ||
            (rc = cc_regex_set_text(re, u, n)) < 0)
            goto done;
        rc = cc_regex_find(re, 0, &ms, &me);
        if (rc < 0)
            goto done;
        *match = rc == 1;
        rc = 0;
    }
done:
    cc_free(u);
    cc_regex_free(re);
    cc_buf_free(&pat);
    return rc;
}

/* Load from memory (path NULL) or from the file at path. */
static int load(cc_srx_rules *out, const char *xml, size_t len, const char *path, const char *name,
                const char *lang)
{
    srx_doc d;
    cc_srx_rules add = {NULL, 0, 0};
    cc_regex **compiled = NULL;
    size_t ncompiled = 0;
    unsigned char *selected = NULL;
    int rc;
    memset(&d, 0, sizeof(d));
    if ((rc = parse(&d, xml, len, path, name)) < 0)
        goto done;

    /* Compile every rule of every language, so that errors are found. */
    size_t total = 0;
    for (size_t i = 0; i < d.nlangs; i++)
        total += d.langs[i].count;
    compiled = cc_calloc(total ? total : 1, sizeof(*compiled));
    if (!compiled) {
        rc = cc_error_oom();
        goto done;
    }
    for (size_t i = 0; i < d.nlangs; i++)
        for (size_t j = 0; j < d.langs[i].count; j++)
            if ((rc = compile_rule(&d.langs[i].rules[j], name, &compiled[ncompiled++])) < 0)
                goto done;

    /* Select the language rules for `lang`. */
    selected = cc_calloc(d.nmaps ? d.nmaps : 1, 1);
    if (!selected) {
        rc = cc_error_oom();
        goto done;
    }
    for (size_t m = 0; m < d.nmaps; m++) {
        int match;
        size_t li, base = 0;
        for (li = 0; li < d.nlangs; li++) {
            if (strcmp(d.langs[li].name, d.maps[m].name) == 0)
                break;
            base += d.langs[li].count;
        }
        if (li == d.nlangs) {
            rc = cc_error_set_at(CONCORD_EPARSE, name, d.maps[m].mark.line, d.maps[m].mark.column,
                                 0, "<languagemap> names languagerule '%s', which does not exist",
                                 d.maps[m].name);
            goto done;
        }
        if ((rc = lang_matches(&d.maps[m], lang, name, &match)) < 0)
            goto done;
        if (!match)
            continue;
        /* a language rule selected by two maps: its rules are in already, first wins */
        int seen = 0;
        for (size_t k = 0; k < m && !seen; k++)
            seen = strcmp(d.maps[k].name, d.maps[m].name) == 0 && selected[k];
        selected[m] = 1;
        if (seen) {
            if (!d.cascade)
                break;
            continue;
        }
        for (size_t j = 0; j < d.langs[li].count; j++) {
            if ((rc = cc_grow((void **)&add.rules, &add.cap, add.count + 1, sizeof(*add.rules))) <
                0)
                goto done;
            cc_srx_rule *r = &add.rules[add.count++];
            const srx_rule_src *src = &d.langs[li].rules[j];
            r->is_break = src->is_break;
            r->before_empty = !src->before || !*src->before;
            r->re = compiled[base + j];
            compiled[base + j] = NULL;
            char where[1200];
            snprintf(where, sizeof(where), "%s:%lu:%lu", name, src->rule.line, src->rule.column);
            if (!(r->where = cc_strdup(where))) {
                rc = cc_error_oom();
                goto done;
            }
        }
        if (!d.cascade)
            break;
    }

    /* Append to the segmenter's rules; reserve first so that this cannot fail halfway. */
    if ((rc = cc_grow((void **)&out->rules, &out->cap, out->count + add.count,
                      sizeof(*out->rules))) < 0)
        goto done;
    for (size_t i = 0; i < add.count; i++) {
        out->rules[out->count++] = add.rules[i];
        add.rules[i].re = NULL;
        add.rules[i].where = NULL;
    }
    rc = 0;
done:
    for (size_t i = 0; i < add.count; i++) {
        cc_regex_free(add.rules[i].re);
        cc_free(add.rules[i].where);
    }
    cc_free(selected);
    cc_free(add.rules);
    for (size_t i = 0; i < ncompiled; i++)
        cc_regex_free(compiled[i]);
    cc_free(compiled);
    doc_free(&d);
    return rc;
}

int cc_srx_load(cc_srx_rules *out, const char *xml, size_t len, const char *name, const char *lang)
{
    return load(out, xml, len, NULL, name ? name : "<srx>", lang);
}

int cc_srx_load_file(cc_srx_rules *out, const char *path, const char *lang)
{
    return load(out, NULL, 0, path, path, lang);
}

void cc_srx_rules_free(cc_srx_rules *rules)
{
    for (size_t i = 0; i < rules->count; i++) {
        cc_regex_free(rules->rules[i].re);
        cc_free(rules->rules[i].where);
    }
    cc_free(rules->rules);
    rules->rules = NULL;
    rules->count = rules->cap = 0;
}
