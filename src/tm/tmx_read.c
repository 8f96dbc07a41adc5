/*
 * tmx_read.c — a streaming TMX 1.1–1.4b reader: one <tu> at a time through
 * the hardened xmlTextReader of base/xml.c, so that memory does not depend on
 * the size of the file.
 *
 * Leniency, by design: TMX 1.1's `lang` is read like `xml:lang` in any
 * version; a <tuv> without a language takes the unit's srclang (or the
 * header's) when that is a real language; unknown elements are skipped with
 * a warning (inside <seg> their markup is dropped and their text kept).
 * Strictness, also by design: a unit that cannot be stored faithfully is
 * invalid (see concord_tmx_read in concord/tm.h) — never half-stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/xml.h"

#define MAX_VARIANTS 1024     /* per unit */
#define MAX_CODES 10000       /* per segment */
#define MAX_UNIT_BYTES (16u << 20) /* text and code markup of one unit */
#include "text/unicode.h"
#include "tm/tm_internal.h"

typedef struct vbuild {
    const char *lang;
    const char *text;
    size_t text_len;
    size_t code_start, ncodes;
    const char *attrs;
    size_t prop_start, nprops;
    int has_seg;
    cc_xml_mark mark;
} vbuild;

typedef struct reader {
    cc_xml *x;
    const char *path;
    int skip_invalid;
    const concord_tmx_callbacks *cb;
    unsigned long long file_size;

    /* header */
    char header_srclang[64]; /* canonical, "*all*", or "" */
    int header_done;
    char version[16];

    /* the unit being read: strings in the arena, arrays reused */
    cc_arena arena;
    cc_buf text, scratch;
    vbuild *vars;
    size_t nvars, capvars;
    concord_code *codes;
    int *code_i; /* the i attribute of each code, -1 if none */
    size_t ncodes, capcodes;
    concord_prop *props; /* of the variants */
    size_t nprops, capprops;
    concord_prop *uprops; /* of the unit */
    size_t nuprops, capuprops;
    size_t cap_i;
    concord_variant *out_vars;
    size_t cap_out_vars;
    const char *tuid, *srclang, *tu_attrs;
    cc_xml_mark tu_mark;
    unsigned long tu_line;

    /* the first problem found in the unit */
    int bad_code; /* 0 = none, else CONCORD_EPARSE / CONCORD_ELIMIT */
    char bad_msg[512];
    cc_xml_mark bad_mark;
    int warned_in_seg;
    int warned_ns;
    size_t unit_bytes; /* text and code markup of the unit so far */
    int root_closed;

    /* a small cache of language tags: raw -> canonical */
    struct {
        char raw[64], canon[64];
    } langs[8];
    int nlangs;

    size_t units_read;
} reader;

/* ---- helpers --------------------------------------------------------------- */

static const char *lname(reader *r)
{
    const xmlChar *n = xmlTextReaderConstLocalName(cc_xml_reader(r->x));
    return n ? (const char *)n : "";
}

static int node_type(reader *r)
{
    return xmlTextReaderNodeType(cc_xml_reader(r->x));
}

static int is_empty(reader *r)
{
    return xmlTextReaderIsEmptyElement(cc_xml_reader(r->x)) == 1;
}

static void event(reader *r, int is_error, const cc_xml_mark *m, const char *fmt, ...)
    CC_PRINTF(4, 5);

static void event(reader *r, int is_error, const cc_xml_mark *m, const char *fmt, ...)
{
    if (!r->cb->event)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cc_xml_mark here;
    if (!m) {
        cc_xml_mark_here(r->x, &here);
        m = &here;
    }
    concord_tmx_event e = {is_error, r->path, m->line, cc_xml_mark_column(r->x, m), msg};
    r->cb->event(&e, r->cb->ud);
}

/* Note the first problem of the unit; reading goes on to the end of the unit. */
static void unit_problem(reader *r, int code, const cc_xml_mark *m, const char *fmt, ...)
    CC_PRINTF(4, 5);

static void unit_problem(reader *r, int code, const cc_xml_mark *m, const char *fmt, ...)
{
    if (r->bad_code)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->bad_msg, sizeof(r->bad_msg), fmt, ap);
    va_end(ap);
    r->bad_code = code;
    if (m)
        r->bad_mark = *m;
    else
        cc_xml_mark_here(r->x, &r->bad_mark);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = cc_realloc(*p, n * size);
    if (!q)
        return cc_error_oom();
    *p = q;
    *cap = n;
    return 0;
}

/*
 * The attributes of the current element as markup, leaving out those in
 * `skip` (NULL-terminated). `want`/`got` (optional) pick out attribute
 * values: got[k] is set to the value of want[k] (arena copy) or NULL.
 */
static int read_attrs(reader *r, const char *const *skip, const char *const *want, const char **got,
                      const char **markup)
{
    xmlTextReaderPtr xr = cc_xml_reader(r->x);
    int rc = 0;
    cc_buf_clear(&r->scratch);
    for (size_t k = 0; want && want[k]; k++)
        got[k] = NULL;
    if (xmlTextReaderMoveToFirstAttribute(xr) == 1) {
        do {
            const char *name = (const char *)xmlTextReaderConstName(xr);
            const char *value = (const char *)xmlTextReaderConstValue(xr);
            if (!name || !value)
                continue;
            for (size_t k = 0; want && want[k]; k++)
                if (strcmp(name, want[k]) == 0 &&
                    !(got[k] = cc_arena_strndup(&r->arena, value, strlen(value))))
                    return CONCORD_ENOMEM;
            int skipped = 0;
            for (size_t k = 0; skip && skip[k]; k++)
                skipped |= strcmp(name, skip[k]) == 0;
            if (skipped || strncmp(name, "xmlns", 5) == 0)
                continue;
            if (strchr(name, ':') && strncmp(name, "xml:", 4) != 0) {
                /* another vocabulary's attribute: TMX has no place for it */
                if (!r->warned_ns) {
                    r->warned_ns = 1;
                    event(r, 0, NULL, "attribute %s (not TMX) dropped; so are the others of its kind "
                                      "in this file", name);
                }
                continue;
            }
            if ((rc = cc_buf_printf(&r->scratch, " %s=\"", name)) < 0 ||
                (rc = cc_xml_escape(&r->scratch, value, strlen(value), 1)) < 0 ||
                (rc = cc_buf_putc(&r->scratch, '"')) < 0)
                return rc;
        } while (xmlTextReaderMoveToNextAttribute(xr) == 1);
        xmlTextReaderMoveToElement(xr);
    }
    if (markup) {
        *markup =
            cc_arena_strndup(&r->arena, r->scratch.data ? r->scratch.data : "", r->scratch.len);
        if (!*markup)
            return CONCORD_ENOMEM;
    }
    return 0;
}

/* Canonical form of a language tag, cached; NULL (problem noted) if malformed. */
/*
 * Canonical form of a language tag, copied into the unit's arena (the cache
 * only saves the canonicalization; nothing points into it); NULL (problem
 * noted) if malformed.
 */
static const char *canon_lang(reader *r, const char *raw, const cc_xml_mark *m)
{
    const char *canon = NULL;
    char buf[64];
    for (int i = 0; i < r->nlangs && !canon; i++)
        if (strcmp(r->langs[i].raw, raw) == 0)
            canon = r->langs[i].canon;
    if (!canon) {
        if (strcmp(raw, "*all*") == 0) {
            snprintf(buf, sizeof(buf), "*all*");
        } else if (cc_lang_canonical(raw, buf, sizeof(buf), 0) < 0) {
            unit_problem(r, CONCORD_EPARSE, m, "malformed language tag '%s'", raw);
            return NULL;
        }
        canon = buf;
        if (strlen(raw) < sizeof(r->langs[0].raw)) {
            int slot = r->nlangs < 8 ? r->nlangs++ : (int)(r->units_read % 8);
            snprintf(r->langs[slot].raw, sizeof(r->langs[slot].raw), "%s", raw);
            memcpy(r->langs[slot].canon, buf, sizeof(buf));
        }
    }
    return cc_arena_strndup(&r->arena, canon, strlen(canon));
}

/* Move on from an element whose subtree we do not read. Returns 1 if a node is current. */
static int skip_element(reader *r)
{
    return cc_xml_skip(r->x);
}

/* ---- props and notes --------------------------------------------------------- */

static int read_prop(reader *r, int is_note, concord_prop **vec, size_t *n, size_t *cap)
{
    static const char *const skip_prop[] = {"type", NULL};
    static const char *const want_type[] = {"type", NULL};
    const char *got[1];
    const char *attrs;
    int rc;
    if ((rc = read_attrs(r, is_note ? NULL : skip_prop, want_type, got, &attrs)) < 0)
        return rc;
    cc_buf_clear(&r->text);
    if (!is_empty(r) && (rc = cc_xml_string(r->x, &r->text)) < 0)
        return rc;
    if ((rc = grow((void **)vec, cap, *n + 1, sizeof(**vec))) < 0)
        return rc;
    concord_prop *p = &(*vec)[(*n)++];
    p->type = is_note ? NULL : (got[0] ? got[0] : "");
    p->attrs = attrs;
    p->value = cc_arena_strndup(&r->arena, r->text.data ? r->text.data : "", r->text.len);
    if (!p->value)
        return CONCORD_ENOMEM;
    if (!is_note && !got[0]) {
        cc_xml_mark m;
        cc_xml_mark_here(r->x, &m);
        unit_problem(r, CONCORD_EPARSE, &m, "<prop> without a type attribute");
    }
    return 0;
}

/* ---- segments ------------------------------------------------------------------ */

static int code_kind(const char *name)
{
    if (strcmp(name, "bpt") == 0)
        return CONCORD_CODE_BPT;
    if (strcmp(name, "ept") == 0)
        return CONCORD_CODE_EPT;
    if (strcmp(name, "it") == 0)
        return CONCORD_CODE_IT;
    if (strcmp(name, "ph") == 0)
        return CONCORD_CODE_PH;
    if (strcmp(name, "ut") == 0)
        return CONCORD_CODE_UT;
    return 0;
}

static int add_code(reader *r, int kind, const char *attrs, const char *content, int i_attr)
{
    int rc;
    if ((rc = grow((void **)&r->codes, &r->capcodes, r->ncodes + 1, sizeof(*r->codes))) < 0)
        return rc;
    if ((rc = grow((void **)&r->code_i, &r->cap_i, r->ncodes + 1, sizeof(int))) < 0)
        return rc;
    r->codes[r->ncodes].kind = kind;
    r->codes[r->ncodes].offset = r->text.len;
    r->codes[r->ncodes].attrs = attrs;
    r->codes[r->ncodes].content = content;
    r->code_i[r->ncodes] = i_attr;
    r->ncodes++;
    return 0;
}

/*
 * libxml2 writes the namespace declarations in scope onto the elements of
 * inner markup (<sub xmlns="...">); TMX has none: remove them.
 */
static void strip_xmlns(cc_buf *b)
{
    if (!b->data || !strstr(b->data, " xmlns"))
        return;
    char *o = b->data;
    for (char *p = b->data; *p;) {
        if (strncmp(p, " xmlns", 6) == 0 && (p[6] == '=' || p[6] == ':')) {
            char *q = strchr(p, '=');
            char quote = q ? q[1] : 0;
            char *e = (quote == '"' || quote == '\'') ? strchr(q + 2, quote) : NULL;
            if (e) {
                p = e + 1;
                continue;
            }
        }
        *o++ = *p++;
    }
    *o = '\0';
    b->len = (size_t)(o - b->data);
}

/* Check <bpt>/<ept> pairing of the codes [start, start+n). */
static void check_pairs(reader *r, size_t start, size_t n, const cc_xml_mark *m)
{
    for (size_t a = start; a < start + n; a++) {
        int kind = r->codes[a].kind;
        if (kind != CONCORD_CODE_BPT && kind != CONCORD_CODE_EPT)
            continue;
        int i = r->code_i[a];
        if (i < 0) {
            unit_problem(r, CONCORD_EPARSE, m, "<%s> without its i attribute",
                         kind == CONCORD_CODE_BPT ? "bpt" : "ept");
            return;
        }
        size_t partners = 0;
        for (size_t b = start; b < start + n; b++) {
            if (b == a || r->code_i[b] != i)
                continue;
            if (r->codes[b].kind == kind) {
                unit_problem(r, CONCORD_EPARSE, m, "two <%s> with i=\"%d\" in one segment",
                             kind == CONCORD_CODE_BPT ? "bpt" : "ept", i);
                return;
            }
            if (r->codes[b].kind ==
                (kind == CONCORD_CODE_BPT ? CONCORD_CODE_EPT : CONCORD_CODE_BPT)) {
                partners++;
                if ((kind == CONCORD_CODE_BPT) != (a < b)) {
                    unit_problem(r, CONCORD_EPARSE, m, "<ept i=\"%d\"> comes before its <bpt>", i);
                    return;
                }
            }
        }
        if (partners != 1) {
            unit_problem(r, CONCORD_EPARSE, m, "<%s i=\"%d\"> without its <%s>",
                         kind == CONCORD_CODE_BPT ? "bpt" : "ept", i,
                         kind == CONCORD_CODE_BPT ? "ept" : "bpt");
            return;
        }
    }
}

/* Read <seg>…</seg> into r->text and codes. Positioned on the <seg> start. */
static int read_seg(reader *r, vbuild *v)
{
    static const char *const want_i[] = {"i", NULL};
    int rc;
    cc_buf_clear(&r->text);
    v->has_seg = 1;
    v->code_start = r->ncodes;
    if (!is_empty(r)) {
        int depth_hi = 0, pending = 0;
        for (;;) {
            rc = pending ? 1 : cc_xml_next(r->x);
            pending = 0;
            if (rc <= 0)
                return rc < 0 ? rc : cc_xml_error(r->x, CONCORD_EPARSE, "<seg> not closed");
            int t = node_type(r);
            if (t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
                t == XML_READER_TYPE_WHITESPACE || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
                const char *val = (const char *)xmlTextReaderConstValue(cc_xml_reader(r->x));
                if (val && (rc = cc_buf_puts(&r->text, val)) < 0)
                    return rc;
                if (r->text.len > CONCORD_TM_MAX_SEGMENT ||
                    r->unit_bytes + r->text.len > MAX_UNIT_BYTES) {
                    cc_xml_mark m = v->mark;
                    unit_problem(r, CONCORD_ELIMIT, &m, "segment longer than the limit of %d bytes",
                                 CONCORD_TM_MAX_SEGMENT);
                    cc_buf_clear(&r->text);
                }
                continue;
            }
            const char *name = lname(r);
            if (t == XML_READER_TYPE_END_ELEMENT) {
                if (strcmp(name, "seg") == 0)
                    break;
                if (strcmp(name, "hi") == 0 && depth_hi > 0) {
                    depth_hi--;
                    if ((rc = add_code(r, CONCORD_CODE_HI_END, "", "", -1)) < 0)
                        return rc;
                }
                continue;
            }
            if (t != XML_READER_TYPE_ELEMENT)
                continue;
            int kind = code_kind(name);
            if (kind) {
                const char *got[1], *attrs;
                if ((rc = read_attrs(r, NULL, want_i, got, &attrs)) < 0)
                    return rc;
                cc_buf_clear(&r->scratch);
                if (!is_empty(r) && (rc = cc_xml_inner(r->x, &r->scratch)) < 0)
                    return rc;
                strip_xmlns(&r->scratch);
                r->unit_bytes += r->scratch.len;
                if (r->ncodes - v->code_start >= MAX_CODES) {
                    unit_problem(r, CONCORD_ELIMIT, &v->mark,
                                 "more than %d inline codes in one segment", MAX_CODES);
                    if ((rc = skip_element(r)) < 0)
                        return rc;
                    pending = 1;
                    continue;
                }
                const char *content = cc_arena_strndup(
                    &r->arena, r->scratch.data ? r->scratch.data : "", r->scratch.len);
                if (!content)
                    return CONCORD_ENOMEM;
                int iv = got[0] ? atoi(got[0]) : -1;
                if ((rc = add_code(r, kind, attrs, content, iv)) < 0)
                    return rc;
                if ((rc = skip_element(r)) < 0)
                    return rc;
                pending = 1;
                continue;
            }
            if (strcmp(name, "hi") == 0) {
                const char *attrs;
                if ((rc = read_attrs(r, NULL, NULL, NULL, &attrs)) < 0 ||
                    (rc = add_code(r, CONCORD_CODE_HI_START, attrs, "", -1)) < 0)
                    return rc;
                if (is_empty(r)) {
                    if ((rc = add_code(r, CONCORD_CODE_HI_END, "", "", -1)) < 0)
                        return rc;
                } else {
                    depth_hi++;
                }
                continue;
            }
            /* not TMX inside <seg> (e.g. XLIFF's <g>): keep the text, drop the markup */
            if (!r->warned_in_seg) {
                r->warned_in_seg = 1;
                event(r, 0, NULL,
                      "unknown element <%s> inside <seg>: its markup is dropped, its "
                      "text kept",
                      name);
            }
        }
    }
    v->text = cc_arena_strndup(&r->arena, r->text.data ? r->text.data : "", r->text.len);
    if (!v->text)
        return CONCORD_ENOMEM;
    v->text_len = r->text.len;
    r->unit_bytes += r->text.len;
    v->ncodes = r->ncodes - v->code_start;
    check_pairs(r, v->code_start, v->ncodes, &v->mark);
    return 0;
}

/* ---- units ------------------------------------------------------------------- */

static int read_tuv(reader *r)
{
    if (r->nvars >= MAX_VARIANTS || r->unit_bytes > MAX_UNIT_BYTES) {
        cc_xml_mark m;
        cc_xml_mark_here(r->x, &m);
        unit_problem(r, CONCORD_ELIMIT, &m,
                     r->nvars >= MAX_VARIANTS ? "a <tu> with more than 1024 variants"
                                              : "a <tu> larger than 16 MiB");
        return skip_element(r) < 0 ? CONCORD_EPARSE : 2;
    }
    static const char *const skip[] = {"xml:lang", "lang", NULL};
    static const char *const want[] = {"xml:lang", "lang", NULL};
    const char *got[2];
    int rc;
    if ((rc = grow((void **)&r->vars, &r->capvars, r->nvars + 1, sizeof(*r->vars))) < 0)
        return rc;
    vbuild *v = &r->vars[r->nvars++];
    memset(v, 0, sizeof(*v));
    cc_xml_mark_here(r->x, &v->mark);
    if ((rc = read_attrs(r, skip, want, got, &v->attrs)) < 0)
        return rc;
    const char *raw = got[0] ? got[0] : got[1];
    if (raw) {
        v->lang = canon_lang(r, raw, &v->mark);
        if (v->lang && strcmp(v->lang, "*all*") == 0) {
            unit_problem(r, CONCORD_EPARSE, &v->mark, "<tuv xml:lang=\"*all*\"> is not a language");
            v->lang = NULL;
        }
    } else if (r->srclang && strcmp(r->srclang, "*all*") != 0) {
        v->lang = r->srclang; /* no language: the unit's source language */
    } else {
        unit_problem(r, CONCORD_EPARSE, &v->mark,
                     "<tuv> without xml:lang, and no source language to assume");
    }
    v->prop_start = r->nprops;
    if (is_empty(r)) {
        unit_problem(r, CONCORD_EPARSE, &v->mark, "<tuv> without <seg>");
        return 0;
    }
    int pending = 0;
    for (;;) {
        rc = pending ? 1 : cc_xml_next(r->x);
        pending = 0;
        if (rc <= 0)
            return rc < 0 ? rc : cc_xml_error(r->x, CONCORD_EPARSE, "<tuv> not closed");
        int t = node_type(r);
        const char *name = lname(r);
        /* vbuild may move when the array grows: address it by index */
        v = &r->vars[r->nvars - 1];
        if (t == XML_READER_TYPE_END_ELEMENT && strcmp(name, "tuv") == 0)
            break;
        if (t != XML_READER_TYPE_ELEMENT)
            continue;
        if (strcmp(name, "seg") == 0) {
            if (v->has_seg) {
                unit_problem(r, CONCORD_EPARSE, NULL, "<tuv> with two <seg>");
                if ((rc = skip_element(r)) < 0)
                    return rc;
                pending = 1;
                continue;
            }
            if ((rc = read_seg(r, v)) < 0)
                return rc;
        } else if (strcmp(name, "prop") == 0 || strcmp(name, "note") == 0) {
            if ((rc = read_prop(r, name[0] == 'n', &r->props, &r->nprops, &r->capprops)) < 0)
                return rc;
            r->vars[r->nvars - 1].nprops++;
            if ((rc = skip_element(r)) < 0)
                return rc;
            pending = 1;
        } else {
            event(r, 0, NULL, "unknown element <%s> in <tuv> ignored", name);
            if ((rc = skip_element(r)) < 0)
                return rc;
            pending = 1;
        }
    }
    if (!v->has_seg)
        unit_problem(r, CONCORD_EPARSE, &v->mark, "<tuv> without <seg>");
    return 0;
}

static void reset_unit(reader *r)
{
    cc_arena_reset(&r->arena);
    r->nvars = r->ncodes = r->nprops = r->nuprops = 0;
    r->tuid = r->srclang = r->tu_attrs = NULL;
    r->bad_code = 0;
    r->bad_msg[0] = '\0';
    r->warned_in_seg = 0;
    r->unit_bytes = 0;
}

/* Hand a finished unit to the caller (or report it as invalid). */
static int emit_unit(reader *r)
{
    int rc;
    r->units_read++;
    if (!r->bad_code && r->nvars == 0)
        unit_problem(r, CONCORD_EPARSE, &r->tu_mark, "<tu> without any <tuv>");
    if (r->bad_code) {
        if (!r->skip_invalid) {
            return cc_error_set_at(r->bad_code, r->path, r->bad_mark.line,
                                   cc_xml_mark_column(r->x, &r->bad_mark), 0, "invalid <tu>: %s",
                                   r->bad_msg);
        }
        event(r, 1, &r->bad_mark, "invalid <tu> skipped: %s", r->bad_msg);
        return 0;
    }
    if ((rc = grow((void **)&r->out_vars, &r->cap_out_vars, r->nvars, sizeof(*r->out_vars))) < 0)
        return rc;
    for (size_t i = 0; i < r->nvars; i++) {
        const vbuild *b = &r->vars[i];
        concord_variant *v = &r->out_vars[i];
        v->lang = b->lang;
        v->text = b->text;
        v->text_len = b->text_len;
        v->codes = b->ncodes ? r->codes + b->code_start : NULL;
        v->ncodes = b->ncodes;
        v->attrs = b->attrs;
        v->props = b->nprops ? r->props + b->prop_start : NULL;
        v->nprops = b->nprops;
        v->line = b->mark.line;
    }
    concord_unit u;
    u.tuid = r->tuid;
    u.srclang = r->srclang;
    u.attrs = r->tu_attrs;
    u.props = r->nuprops ? r->uprops : NULL;
    u.nprops = r->nuprops;
    u.variants = r->out_vars;
    u.nvariants = r->nvars;
    u.line = r->tu_mark.line;
    u.column = 0; /* computed only for messages */
    concord_error_clear();
    if (r->cb->unit && r->cb->unit(&u, r->cb->ud) != 0) {
        if (concord_error_last()->code != CONCORD_OK)
            return concord_error_last()->code;
        return cc_error_set(CONCORD_EUSER, "reading stopped by the caller");
    }
    return 0;
}

static int read_tu(reader *r)
{
    static const char *const skip[] = {"tuid", "srclang", NULL};
    static const char *const want[] = {"tuid", "srclang", NULL};
    const char *got[2];
    int rc;
    reset_unit(r);
    cc_xml_mark_here(r->x, &r->tu_mark);
    if ((rc = read_attrs(r, skip, want, got, &r->tu_attrs)) < 0)
        return rc;
    r->tuid = got[0];
    if (got[1])
        r->srclang = canon_lang(r, got[1], &r->tu_mark);
    else if (r->header_srclang[0])
        r->srclang = r->header_srclang;
    if (!is_empty(r)) {
        int pending = 0;
        for (;;) {
            rc = pending ? 1 : cc_xml_next(r->x);
            pending = 0;
            if (rc <= 0)
                return rc < 0 ? rc : cc_xml_error(r->x, CONCORD_EPARSE, "<tu> not closed");
            int t = node_type(r);
            const char *name = lname(r);
            if (t == XML_READER_TYPE_END_ELEMENT && strcmp(name, "tu") == 0)
                break;
            if (t != XML_READER_TYPE_ELEMENT)
                continue;
            if (strcmp(name, "tuv") == 0) {
                if ((rc = read_tuv(r)) < 0)
                    return rc;
                pending = rc == 2; /* skipped: the next node is already current */
            } else if (strcmp(name, "prop") == 0 || strcmp(name, "note") == 0) {
                if ((rc = read_prop(r, name[0] == 'n', &r->uprops, &r->nuprops, &r->capuprops)) < 0)
                    return rc;
                if ((rc = skip_element(r)) < 0)
                    return rc;
                pending = 1;
            } else {
                event(r, 0, NULL, "unknown element <%s> in <tu> ignored", name);
                if ((rc = skip_element(r)) < 0)
                    return rc;
                pending = 1;
            }
        }
    }
    return emit_unit(r);
}

/* ---- header and document --------------------------------------------------------- */

static int emit_header(reader *r, const char *const *vals, const char *attrs)
{
    r->header_done = 1;
    if (!r->cb->header)
        return 0;
    concord_tmx_header h;
    h.version = r->version[0] ? r->version : NULL;
    h.creationtool = vals ? vals[0] : NULL;
    h.creationtoolversion = vals ? vals[1] : NULL;
    h.o_tmf = vals ? vals[2] : NULL;
    h.datatype = vals ? vals[3] : NULL;
    h.segtype = vals ? vals[4] : NULL;
    h.adminlang = vals ? vals[5] : NULL;
    h.srclang = r->header_srclang[0] ? r->header_srclang : NULL;
    h.attrs = attrs ? attrs : "";
    concord_error_clear();
    if (r->cb->header(&h, r->cb->ud) != 0) {
        if (concord_error_last()->code != CONCORD_OK)
            return concord_error_last()->code;
        return cc_error_set(CONCORD_EUSER, "reading stopped by the caller");
    }
    return 0;
}

static int read_header(reader *r)
{
    static const char *const want[] = {"creationtool", "creationtoolversion", "o-tmf",   "datatype",
                                       "segtype",      "adminlang",           "srclang", NULL};
    const char *got[7];
    const char *attrs;
    int rc;
    cc_arena_reset(&r->arena);
    if ((rc = read_attrs(r, NULL, want, got, &attrs)) < 0)
        return rc;
    if (got[6]) {
        char canon[64];
        if (strcmp(got[6], "*all*") == 0)
            snprintf(r->header_srclang, sizeof(r->header_srclang), "*all*");
        else if (cc_lang_canonical(got[6], canon, sizeof(canon), 0) == 0)
            memcpy(r->header_srclang, canon, sizeof(canon));
        else
            event(r, 0, NULL, "header srclang '%s' is not a language tag; ignored", got[6]);
    }
    if (!is_empty(r)) {
        /* <prop>, <note>, <ude>: header metadata, not stored with the units */
        if ((rc = skip_element(r)) < 0)
            return rc;
        if ((rc = emit_header(r, got, attrs)) < 0)
            return rc;
        return 2; /* a node is already current */
    }
    return emit_header(r, got, attrs);
}

static void report_progress(reader *r)
{
    if (r->cb->progress)
        r->cb->progress(cc_xml_bytes(r->x), r->file_size, r->cb->ud);
}

static int read_document(reader *r)
{
    int rc, seen_root = 0, in_body = 0, pending = 0;
    for (;;) {
        rc = pending ? 1 : cc_xml_next(r->x);
        pending = 0;
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        int t = node_type(r);
        const char *name = lname(r);
        if (t == XML_READER_TYPE_END_ELEMENT) {
            if (strcmp(name, "body") == 0)
                in_body = 0;
            else if (strcmp(name, "tmx") == 0)
                r->root_closed = 1;
            continue;
        }
        if (t != XML_READER_TYPE_ELEMENT)
            continue;
        if (!seen_root) {
            seen_root = 1;
            if (strcmp(name, "tmx") != 0)
                return cc_xml_error(r->x, CONCORD_EPARSE,
                                    "not a TMX file: the root element is <%s>, not <tmx>", name);
            cc_buf_clear(&r->scratch);
            if (cc_xml_attr(r->x, "version", &r->scratch) == 1)
                snprintf(r->version, sizeof(r->version), "%s", r->scratch.data);
            continue;
        }
        if (in_body && strcmp(name, "tu") == 0) {
            if ((rc = read_tu(r)) < 0)
                return rc;
            if ((r->units_read & 255) == 0)
                report_progress(r);
        } else if (!in_body && strcmp(name, "header") == 0 && !r->header_done) {
            if ((rc = read_header(r)) < 0)
                return rc;
            pending = rc == 2;
        } else if (!in_body && strcmp(name, "body") == 0) {
            if (!r->header_done && (rc = emit_header(r, NULL, NULL)) < 0)
                return rc;
            in_body = !is_empty(r);
        } else {
            event(r, 0, NULL, "unknown element <%s> ignored", name);
            if ((rc = skip_element(r)) < 0)
                return rc;
            pending = 1;
        }
    }
    if (!seen_root)
        return cc_error_set_at(CONCORD_EPARSE, r->path, 1, 1, 0, "not a TMX file: no root element");
    report_progress(r);
    return 0;
}

/*
 * libxml2 reports a file that ends too early as "Extra content at the end of
 * the document" or "Premature end of data". When the error sits on the last
 * line of the file, say what probably happened.
 */
static void hint_if_cut_off(const char *path)
{
    const concord_error *e = concord_error_last();
    if (!e->line || !(strstr(e->message, "Extra content at the end of the document") ||
                      strstr(e->message, "Premature end of data")))
        return;
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    unsigned long lines = 1;
    int c, last = 0;
    while ((c = getc(f)) != EOF) {
        if (c == '\n')
            lines++;
        last = c;
    }
    fclose(f);
    if (last == '\n')
        lines--;
    if (e->line >= lines) {
        /* copy first: the error's strings live in the buffers being rewritten */
        char msg[900], file[1024];
        snprintf(msg, sizeof(msg), "%s (the document ends too early: is the file cut off?)",
                 e->message);
        snprintf(file, sizeof(file), "%s", e->file ? e->file : path);
        cc_error_set_at(e->code, file, e->line, e->column, e->offset, "%s", msg);
    }
}

int concord_tmx_read(const char *path, int skip_invalid, const concord_tmx_callbacks *cb)
{
    reader r;
    int rc;
    memset(&r, 0, sizeof(r));
    r.path = path;
    r.skip_invalid = skip_invalid;
    r.cb = cb;

    /* what libxml2 would report badly: a directory, an empty file, a zip archive */
    struct stat st;
    if (stat(path, &st) != 0)
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open");
    if (S_ISDIR(st.st_mode))
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "is a directory");
    if (S_ISREG(st.st_mode)) {
        /* (a pipe cannot be sniffed without losing what is read: libxml2 reads it as it is) */
        FILE *f = fopen(path, "rb");
        if (!f)
            return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open");
        unsigned char magic[4] = {0};
        size_t got = fread(magic, 1, sizeof(magic), f);
        fclose(f);
        int gz = got >= 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        r.file_size = gz ? 0 : (unsigned long long)st.st_size;
        if (got == 0)
            return cc_error_set_at(CONCORD_EPARSE, path, 1, 1, 0, "empty file: no TMX document");
        if (got >= 4 && memcmp(magic, "PK\x03\x04", 4) == 0)
            return cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                                   "a zip archive: unzip it first (concord reads .tmx and "
                                   ".tmx.gz)");
    }

    if ((rc = cc_xml_open_file(&r.x, path)) < 0)
        return rc;
    rc = read_document(&r);
    if (rc == CONCORD_EPARSE && r.file_size > 0 && !r.root_closed)
        hint_if_cut_off(path);
    cc_xml_free(r.x);
    cc_arena_free(&r.arena);
    cc_buf_free(&r.text);
    cc_buf_free(&r.scratch);
    cc_free(r.vars);
    cc_free(r.codes);
    cc_free(r.code_i);
    cc_free(r.props);
    cc_free(r.uprops);
    cc_free(r.out_vars);
    return rc;
}
