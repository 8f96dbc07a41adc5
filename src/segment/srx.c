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
#include <string.h>

#include "base/xml.h"
#include "segment/seg_internal.h"

typedef struct srx_rule_src {
    int is_break;
    char *before, *after;
    /* where the elements are; columns are found only when an error needs them */
    cc_xml_mark rule, bmark, amark;
} srx_rule_src;

typedef struct srx_langrule {
    char *name;
    srx_rule_src *rules;
    size_t count, cap;
} srx_langrule;

typedef struct srx_map {
    char *pattern, *name;
    cc_xml_mark mark;
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

static const char *local_name(cc_xml *x)
{
    const xmlChar *n = xmlTextReaderConstLocalName(cc_xml_reader(x));
    return n ? (const char *)n : "";
}

/* Read the document into *d (no regex compiled yet). */
static int parse(cc_xml *x, srx_doc *d)
{
    int rc;
    cc_buf attr = CC_BUF_INIT, text = CC_BUF_INIT;
    srx_langrule *cur = NULL;
    srx_rule_src *rule = NULL;
    int in = 0; /* 1 = beforebreak, 2 = afterbreak */
    int seen_root = 0;
    while ((rc = cc_xml_next(x)) == 1) {
        xmlTextReaderPtr r = cc_xml_reader(x);
        int type = xmlTextReaderNodeType(r);
        const char *name = local_name(x);
        if (type == XML_READER_TYPE_ELEMENT) {
            int empty = xmlTextReaderIsEmptyElement(r);
            if (in) {
                rc = cc_xml_error(x, CONCORD_EPARSE,
                                  "<%s> inside <%s>: a regular expression is text only", name,
                                  in == 1 ? "beforebreak" : "afterbreak");
                goto done;
            }
            if (!seen_root) {
                seen_root = 1;
                if (strcmp(name, "srx") != 0) {
                    rc = cc_xml_error(x, CONCORD_EPARSE,
                                      "not an SRX file: the root element is <%s>, not <srx>", name);
                    goto done;
                }
                continue;
            }
            if (strcmp(name, "header") == 0) {
                if ((rc = cc_xml_attr(x, "cascade", &attr)) < 0)
                    goto done;
                d->cascade = rc == 1 && strcmp(attr.data, "yes") == 0;
            } else if (strcmp(name, "languagerule") == 0) {
                if ((rc = cc_xml_attr(x, "languagerulename", &attr)) < 0)
                    goto done;
                if (rc == 0) {
                    rc = cc_xml_error(x, CONCORD_EPARSE,
                                      "<languagerule> without a languagerulename attribute");
                    goto done;
                }
                if ((rc = cc_grow((void **)&d->langs, &d->caplangs, d->nlangs + 1,
                                  sizeof(*d->langs))) < 0)
                    goto done;
                cur = &d->langs[d->nlangs++];
                memset(cur, 0, sizeof(*cur));
                if (!(cur->name = cc_strdup(attr.data))) {
                    rc = cc_error_oom();
                    goto done;
                }
                if (empty)
                    cur = NULL;
            } else if (strcmp(name, "rule") == 0) {
                if (!cur) {
                    rc = cc_xml_error(x, CONCORD_EPARSE, "<rule> outside a <languagerule>");
                    goto done;
                }
                if ((rc = cc_grow((void **)&cur->rules, &cur->cap, cur->count + 1, sizeof(*rule))) <
                    0)
                    goto done;
                rule = &cur->rules[cur->count++];
                memset(rule, 0, sizeof(*rule));
                cc_xml_mark_here(x, &rule->rule);
                if ((rc = cc_xml_attr(x, "break", &attr)) < 0)
                    goto done;
                rule->is_break = !(rc == 1 && strcmp(attr.data, "no") == 0);
                if (empty)
                    rule = NULL;
            } else if (strcmp(name, "beforebreak") == 0 || strcmp(name, "afterbreak") == 0) {
                if (!rule) {
                    rc = cc_xml_error(x, CONCORD_EPARSE, "<%s> outside a <rule>", name);
                    goto done;
                }
                in = name[0] == 'b' ? 1 : 2;
                cc_buf_clear(&text);
                cc_xml_mark_here(x, in == 1 ? &rule->bmark : &rule->amark);
                if (empty) {
                    char **slot = in == 1 ? &rule->before : &rule->after;
                    cc_free(*slot);
                    if (!(*slot = cc_strdup(""))) {
                        rc = cc_error_oom();
                        goto done;
                    }
                    in = 0;
                }
            } else if (strcmp(name, "languagemap") == 0) {
                if ((rc = cc_grow((void **)&d->maps, &d->capmaps, d->nmaps + 1, sizeof(*d->maps))) <
                    0)
                    goto done;
                srx_map *m = &d->maps[d->nmaps++];
                memset(m, 0, sizeof(*m));
                cc_xml_mark_here(x, &m->mark);
                if ((rc = cc_xml_attr(x, "languagepattern", &attr)) < 0)
                    goto done;
                if (rc == 0 || !(m->pattern = cc_strdup(attr.data))) {
                    rc = rc == 0 ? cc_xml_error(x, CONCORD_EPARSE,
                                                "<languagemap> without a languagepattern")
                                 : cc_error_oom();
                    goto done;
                }
                if ((rc = cc_xml_attr(x, "languagerulename", &attr)) < 0)
                    goto done;
                if (rc == 0 || !(m->name = cc_strdup(attr.data))) {
                    rc = rc == 0 ? cc_xml_error(x, CONCORD_EPARSE,
                                                "<languagemap> without a languagerulename")
                                 : cc_error_oom();
                    goto done;
                }
            }
        } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                   type == XML_READER_TYPE_WHITESPACE ||
                   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
            if (in) {
                const xmlChar *v = xmlTextReaderConstValue(r);
                if (v && (rc = cc_buf_puts(&text, (const char *)v)) < 0)
                    goto done;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (in && rule &&
                (strcmp(name, "beforebreak") == 0 || strcmp(name, "afterbreak") == 0)) {
                char **slot = in == 1 ? &rule->before : &rule->after;
                cc_free(*slot);
                if (!(*slot = cc_strdup(text.data ? text.data : ""))) {
                    rc = cc_error_oom();
                    goto done;
                }
                in = 0;
            } else if (strcmp(name, "rule") == 0) {
                rule = NULL;
            } else if (strcmp(name, "languagerule") == 0) {
                cur = NULL;
            }
        }
    }
    if (rc == 0 && !seen_root)
        rc = cc_error_set_at(CONCORD_EPARSE, cc_xml_name(x), 1, 1, 0, "empty SRX file");
done:
    cc_buf_free(&attr);
    cc_buf_free(&text);
    return rc;
}

static int compile_rule(cc_xml *x, const srx_rule_src *src, const char *file, cc_regex **out)
{
    cc_buf pat = CC_BUF_INIT;
    const char *before = src->before ? src->before : "";
    const char *after = src->after ? src->after : "";
    int rc;
    *out = NULL;
    if (!*before && !*after)
        return cc_error_set_at(CONCORD_EPARSE, file, src->rule.line,
                               cc_xml_mark_column(x, &src->rule), 0,
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
            const cc_xml_mark *m = part == 0 ? &src->bmark : &src->amark;
            unsigned long line = m->line;
            unsigned long col = cc_xml_mark_column(x, m);
            if (line == 0) {
                line = src->rule.line;
                col = cc_xml_mark_column(x, &src->rule);
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
        rc = cc_error_set_at(CONCORD_EPARSE, file, src->rule.line,
                             cc_xml_mark_column(x, &src->rule), 0,
                             "invalid SRX rule: <beforebreak>%s</beforebreak> and "
                             "<afterbreak>%s</afterbreak> do not combine (%s)",
                             before, after, concord_error_last()->message);
done:
    cc_buf_free(&pat);
    return rc;
}

static int lang_matches(cc_xml *x, const srx_map *m, const char *lang, const char *file, int *match)
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
            rc =
                cc_error_set_at(CONCORD_EPARSE, file, m->mark.line, cc_xml_mark_column(x, &m->mark),
                                0, "invalid languagepattern '%s'", m->pattern);
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

int cc_srx_load(cc_srx_rules *out, const char *xml, size_t len, const char *name, const char *lang)
{
    srx_doc d;
    cc_xml *x = NULL;
    cc_srx_rules add = {NULL, 0, 0};
    cc_regex **compiled = NULL;
    size_t ncompiled = 0;
    unsigned char *selected = NULL;
    int rc;
    memset(&d, 0, sizeof(d));
    if (!name)
        name = "<srx>";
    if ((rc = cc_xml_open_memory(&x, xml, len, name)) < 0)
        goto done;
    if ((rc = parse(x, &d)) < 0)
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
            if ((rc = compile_rule(x, &d.langs[i].rules[j], name, &compiled[ncompiled++])) < 0)
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
            rc = cc_error_set_at(
                CONCORD_EPARSE, name, d.maps[m].mark.line, cc_xml_mark_column(x, &d.maps[m].mark),
                0, "<languagemap> names languagerule '%s', which does not exist", d.maps[m].name);
            goto done;
        }
        if ((rc = lang_matches(x, &d.maps[m], lang, name, &match)) < 0)
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
            snprintf(where, sizeof(where), "%s:%lu:%lu", name, src->rule.line,
                     cc_xml_mark_column(x, &src->rule));
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
    cc_xml_free(x);
    return rc;
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
