/*
 * tmx_read.c — a streaming TMX 1.1–1.4b reader: a state machine over the
 * callbacks of base/xml.c that hands over one <tu> at a time, so that memory
 * does not depend on the size of the file.
 *
 * Limits, so that no file can make a unit cost unbounded memory or time
 * (each is an invalid unit, CONCORD_ELIMIT, at the unit or the variant): a
 * segment of CONCORD_TM_MAX_SEGMENT bytes; MAX_VARIANTS variants, MAX_PROPS
 * props and notes, MAX_CODES inline codes per segment; MAX_UNIT_BYTES for
 * everything a unit holds (texts, codes, props and notes with their
 * attributes, and what each costs to keep). Beyond a limit nothing more of
 * the unit is kept. The XML reader's own limits (xml.h) come on top.
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
#include "text/unicode.h"
#include "tm/tm_internal.h"

#define MAX_VARIANTS   1024        /* per unit */
#define MAX_PROPS      10000       /* props and notes per unit, its variants' included */
#define MAX_CODES      10000       /* per segment */
#define MAX_UNIT_BYTES (16u << 20) /* everything one unit holds */

/* Where an element starts: line and column (code points) of its '<'. */
typedef struct mark {
    unsigned long line, col;
} mark;

typedef struct vbuild {
    const char *lang;
    const char *text;
    size_t text_len;
    size_t code_start, ncodes;
    const char *attrs;
    size_t prop_start, nprops;
    int has_seg;
    mark mark;
} vbuild;

/* Where the reader is in the document, outside the nested modes below. */
typedef enum where { IN_DOC, IN_TMX, IN_HEADER, IN_BODY, IN_TU, IN_TUV, IN_SEG, AFTER_TMX } where;

typedef struct reader {
    cc_xml *x; /* the parse, during a callback */
    const char *path;
    int skip_invalid;
    const concord_tmx_callbacks *cb;
    unsigned long long file_size;
    where at;
    mark tag; /* the start tag being handled, or the last one */

    /* nested modes, each a depth of open elements (0 = off), tried in this order */
    int skip_depth; /* inside an element that is not read */
    int code_depth; /* inside <bpt>/<ept>/<it>/<ph>/<ut>: its markup is kept */
    int prop_depth; /* inside <prop>/<note>: its text is kept */
    int seg_depth;  /* elements open inside <seg> (not codes) */
    int hi_depth;   /* <hi> open inside <seg> */

    /* header */
    char header_srclang[64]; /* canonical, "*all*", or "" */
    int header_done;
    char version[16];
    const char *header_vals[7], *header_attrs;

    /* the code being read */
    int code_kind, code_i, code_dropped, code_open_tag;
    const char *code_attrs;

    /* the prop or note being read */
    int prop_is_note, prop_of_unit;
    const char *prop_type, *prop_attrs;
    mark prop_mark;

    /* the unit being read: strings in the arena, arrays reused */
    cc_arena arena;
    cc_buf text, scratch;
    vbuild *vars;
    size_t nvars, capvars;
    concord_code *codes;
    int *code_i_of; /* the i attribute of each code, -1 if none */
    size_t ncodes, capcodes;
    concord_prop *props; /* of the variants */
    size_t nprops, capprops;
    concord_prop *uprops; /* of the unit */
    size_t nuprops, capuprops;
    size_t cap_i;
    concord_variant *out_vars;
    size_t cap_out_vars;
    const char *tuid, *srclang, *tu_attrs;
    mark tu_mark;

    /* the first problem found in the unit */
    int bad_code; /* 0 = none, else CONCORD_EPARSE / CONCORD_ELIMIT */
    char bad_msg[512];
    mark bad_mark;
    int warned_in_seg;
    int warned_ns;
    size_t unit_bytes; /* text, code markup and props of the unit so far */

    /* a small cache of language tags: raw -> canonical */
    struct {
        char raw[64], canon[64];
    } langs[8];
    int nlangs;

    size_t units_read;
} reader;

/* ---- helpers --------------------------------------------------------------- */

/* Where the start tag being handled is (outside a start tag: the last one). */
static const mark *here(reader *r)
{
    return &r->tag;
}

static void event(reader *r, int is_error, const mark *m, const char *fmt, ...) CC_PRINTF(4, 5);

static void event(reader *r, int is_error, const mark *m, const char *fmt, ...)
{
    if (!r->cb->event)
        return;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!m)
        m = here(r);
    concord_tmx_event e = {is_error, r->path, m->line, m->col, msg};
    r->cb->event(&e, r->cb->ud);
}

/* Note the first problem of the unit (at m, or the current tag); reading goes on. */
static void unit_problem(reader *r, int code, const mark *m, const char *fmt, ...) CC_PRINTF(4, 5);

static void unit_problem(reader *r, int code, const mark *m, const char *fmt, ...)
{
    if (r->bad_code)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->bad_msg, sizeof(r->bad_msg), fmt, ap);
    va_end(ap);
    r->bad_code = code;
    r->bad_mark = m ? *m : *here(r);
}

/* Is the unit (with `pending` more bytes) over its limit? Noted as its problem. */
static int unit_too_big(reader *r, size_t pending)
{
    if (r->unit_bytes + pending <= MAX_UNIT_BYTES)
        return 0;
    unit_problem(r, CONCORD_ELIMIT, &r->tu_mark, "a <tu> larger than 16 MiB");
    return 1;
}

/* Append the attributes as markup (` name="value"`, escaped) to b, but those in skip. */
static int attrs_markup(reader *r, cc_buf *b, const cc_xml_attr *a, size_t n,
                        const char *const *skip)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        const char *name = a[i].name;
        int skipped = 0;
        for (size_t k = 0; skip && skip[k]; k++)
            skipped |= strcmp(name, skip[k]) == 0;
        if (skipped || strncmp(name, "xmlns", 5) == 0)
            continue;
        if (strchr(name, ':') && strncmp(name, "xml:", 4) != 0 && skip) {
            /* another vocabulary's attribute on a TMX element: TMX has no place for it */
            if (!r->warned_ns) {
                r->warned_ns = 1;
                event(r, 0, NULL,
                      "attribute %s (not TMX) dropped; so are the others of its kind in this file",
                      name);
            }
            continue;
        }
        if ((rc = cc_buf_putc(b, ' ')) < 0 || (rc = cc_buf_puts(b, name)) < 0 ||
            (rc = cc_buf_append(b, "=\"", 2)) < 0 ||
            (rc = cc_buf_xml_escape(b, a[i].value, strlen(a[i].value), 1)) < 0 ||
            (rc = cc_buf_putc(b, '"')) < 0)
            return rc;
    }
    return 0;
}

/*
 * The attributes of a TMX element as markup in the arena, leaving out those
 * in `skip` (NULL-terminated). `want`/`got` (optional) pick out attribute
 * values: got[k] is set to the value of want[k] or NULL, borrowed for the
 * callback (keep() what must last).
 */
static int read_attrs(reader *r, const cc_xml_attr *a, size_t n, const char *const *skip,
                      const char *const *want, const char **got, const char **markup)
{
    static const char *const none[] = {NULL};
    int rc;
    for (size_t k = 0; want && want[k]; k++) {
        got[k] = NULL;
        for (size_t i = 0; i < n; i++)
            if (strcmp(a[i].name, want[k]) == 0)
                got[k] = a[i].value;
    }
    if (!markup)
        return 0;
    cc_buf_clear(&r->scratch);
    if ((rc = attrs_markup(r, &r->scratch, a, n, skip ? skip : none)) < 0)
        return rc;
    *markup = r->scratch.len ? cc_arena_strndup(&r->arena, r->scratch.data, r->scratch.len) : "";
    return *markup ? 0 : CONCORD_ENOMEM;
}

/* Copy the borrowed *s (if any) into the unit's arena. */
static int keep(reader *r, const char **s)
{
    if (*s && !(*s = cc_arena_strndup(&r->arena, *s, strlen(*s))))
        return CONCORD_ENOMEM;
    return 0;
}

/*
 * Canonical form of a language tag, copied into the unit's arena (the cache
 * only saves the canonicalization; nothing points into it); NULL (problem
 * noted) if malformed.
 */
static const char *canon_lang(reader *r, const char *raw, const mark *m)
{
    const char *canon = NULL;
    char buf[64];
    for (int i = 0; i < r->nlangs && !canon; i++)
        if (strcmp(r->langs[i].raw, raw) == 0)
            canon = r->langs[i].canon;
    if (!canon) {
        if (strcmp(raw, "*all*") == 0) {
            snprintf(buf, sizeof(buf), "*all*");
        } else if (concord_lang_canonicalize(buf, sizeof(buf), raw) < 0) {
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

/* Skip the element just started, and everything in it. */
static int skip(reader *r)
{
    r->skip_depth = 1;
    return 0;
}

static int skip_unknown(reader *r, const char *name, const char *place)
{
    event(r, 0, NULL, "unknown element <%s>%s ignored", name, place);
    return skip(r);
}

/* ---- props and notes --------------------------------------------------------- */

static int start_prop(reader *r, int is_note, int of_unit, const cc_xml_attr *a, size_t n)
{
    static const char *const skip_type[] = {"type", NULL};
    static const char *const want_type[] = {"type", NULL};
    const char *got[1];
    int rc;
    if (r->nprops + r->nuprops >= MAX_PROPS) {
        unit_problem(r, CONCORD_ELIMIT, &r->tu_mark, "a <tu> with more than %d props and notes",
                     MAX_PROPS);
        return skip(r);
    }
    if (unit_too_big(r, 0))
        return skip(r);
    if ((rc = read_attrs(r, a, n, is_note ? NULL : skip_type, want_type, got, &r->prop_attrs)) <
            0 ||
        (rc = keep(r, &got[0])) < 0)
        return rc;
    r->prop_is_note = is_note;
    r->prop_of_unit = of_unit;
    r->prop_type = got[0];
    r->prop_mark = *here(r);
    r->prop_depth = 1;
    cc_buf_clear(&r->text);
    return 0;
}

static int end_prop(reader *r)
{
    int rc;
    concord_prop **vec = r->prop_of_unit ? &r->uprops : &r->props;
    size_t *n = r->prop_of_unit ? &r->nuprops : &r->nprops;
    size_t *cap = r->prop_of_unit ? &r->capuprops : &r->capprops;
    if ((rc = cc_grow((void **)vec, cap, *n + 1, sizeof(**vec))) < 0)
        return rc;
    concord_prop *p = &(*vec)[(*n)++];
    p->type = r->prop_is_note ? NULL : (r->prop_type ? r->prop_type : "");
    p->attrs = r->prop_attrs;
    p->value = cc_arena_strndup(&r->arena, r->text.data ? r->text.data : "", r->text.len);
    if (!p->value)
        return CONCORD_ENOMEM;
    /* what keeping it costs, not only its text: a million empty notes are not free */
    r->unit_bytes +=
        sizeof(*p) + r->text.len + 1 + strlen(p->attrs) + 1 + (p->type ? strlen(p->type) + 1 : 0);
    if (!r->prop_of_unit)
        r->vars[r->nvars - 1].nprops++;
    if (!r->prop_is_note && !r->prop_type)
        unit_problem(r, CONCORD_EPARSE, &r->prop_mark, "<prop> without a type attribute");
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
    vbuild *v = &r->vars[r->nvars - 1];
    if (r->ncodes - v->code_start >= MAX_CODES) {
        unit_problem(r, CONCORD_ELIMIT, &v->mark, "more than %d inline codes in one segment",
                     MAX_CODES);
        return 0;
    }
    r->unit_bytes += sizeof(concord_code) + sizeof(int) + strlen(attrs) + 1;
    if (unit_too_big(r, 0))
        return 0;
    if ((rc = cc_grow((void **)&r->codes, &r->capcodes, r->ncodes + 1, sizeof(*r->codes))) < 0)
        return rc;
    if ((rc = cc_grow((void **)&r->code_i_of, &r->cap_i, r->ncodes + 1, sizeof(int))) < 0)
        return rc;
    r->codes[r->ncodes].kind = kind;
    r->codes[r->ncodes].offset = r->text.len;
    r->codes[r->ncodes].attrs = attrs;
    r->codes[r->ncodes].content = content;
    r->code_i_of[r->ncodes] = i_attr;
    r->ncodes++;
    return 0;
}

/* Check <bpt>/<ept> pairing of the codes [start, start+n). */
static void check_pairs(reader *r, size_t start, size_t n, const mark *m)
{
    for (size_t a = start; a < start + n; a++) {
        int kind = r->codes[a].kind;
        if (kind != CONCORD_CODE_BPT && kind != CONCORD_CODE_EPT)
            continue;
        int i = r->code_i_of[a];
        if (i < 0) {
            unit_problem(r, CONCORD_EPARSE, m, "<%s> without its i attribute",
                         kind == CONCORD_CODE_BPT ? "bpt" : "ept");
            return;
        }
        size_t partners = 0;
        for (size_t b = start; b < start + n; b++) {
            if (b == a || r->code_i_of[b] != i)
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

static int start_code(reader *r, int kind, const cc_xml_attr *a, size_t n)
{
    static const char *const want_i[] = {"i", NULL};
    const char *got[1];
    int rc;
    vbuild *v = &r->vars[r->nvars - 1];
    if ((rc = read_attrs(r, a, n, NULL, want_i, got, &r->code_attrs)) < 0)
        return rc;
    r->code_kind = kind;
    r->code_i = got[0] ? atoi(got[0]) : -1;
    r->code_depth = 1;
    r->code_open_tag = 0;
    r->code_dropped = 0;
    if (r->ncodes - v->code_start >= MAX_CODES) {
        unit_problem(r, CONCORD_ELIMIT, &v->mark, "more than %d inline codes in one segment",
                     MAX_CODES);
        r->code_dropped = 1;
    }
    cc_buf_clear(&r->scratch);
    return 0;
}

/*
 * The markup inside a code, as it was: elements (<sub>, ...) with their
 * attributes, text escaped. A start tag is closed when its content begins,
 * so that an element without content is written as <x/>.
 */
static int code_close_tag(reader *r)
{
    if (!r->code_open_tag)
        return 0;
    r->code_open_tag = 0;
    return cc_buf_putc(&r->scratch, '>');
}

static int code_markup_grew(reader *r)
{
    if (!r->code_dropped && unit_too_big(r, r->scratch.len))
        r->code_dropped = 1;
    if (r->code_dropped)
        cc_buf_clear(&r->scratch);
    return 0;
}

static int code_inner_start(reader *r, const char *prefix, const char *name, const cc_xml_attr *a,
                            size_t n)
{
    int rc;
    r->code_depth++;
    if ((rc = code_close_tag(r)) < 0 ||
        (rc = cc_buf_printf(&r->scratch, "<%s%s%s", prefix ? prefix : "", prefix ? ":" : "",
                            name)) < 0 ||
        (rc = attrs_markup(r, &r->scratch, a, n, NULL)) < 0)
        return rc;
    r->code_open_tag = 1;
    return code_markup_grew(r);
}

static int code_inner_end(reader *r, const char *prefix, const char *name)
{
    int rc;
    if (r->code_open_tag) {
        r->code_open_tag = 0;
        rc = cc_buf_puts(&r->scratch, "/>");
    } else {
        rc = cc_buf_printf(&r->scratch, "</%s%s%s>", prefix ? prefix : "", prefix ? ":" : "", name);
    }
    return rc < 0 ? rc : code_markup_grew(r);
}

static int end_code(reader *r)
{
    if (r->code_dropped)
        return 0;
    r->unit_bytes += r->scratch.len;
    const char *content =
        cc_arena_strndup(&r->arena, r->scratch.data ? r->scratch.data : "", r->scratch.len);
    if (!content)
        return CONCORD_ENOMEM;
    return add_code(r, r->code_kind, r->code_attrs, content, r->code_i);
}

static int start_seg(reader *r)
{
    vbuild *v = &r->vars[r->nvars - 1];
    cc_buf_clear(&r->text);
    v->has_seg = 1;
    v->code_start = r->ncodes;
    r->seg_depth = r->hi_depth = 0;
    r->at = IN_SEG;
    return 0;
}

static int seg_text(reader *r, const char *s, size_t len)
{
    int rc;
    if ((rc = cc_buf_append(&r->text, s, len)) < 0)
        return rc;
    if (r->text.len > CONCORD_TM_MAX_SEGMENT) {
        unit_problem(r, CONCORD_ELIMIT, &r->vars[r->nvars - 1].mark,
                     "segment longer than the limit of %d bytes", CONCORD_TM_MAX_SEGMENT);
        cc_buf_clear(&r->text);
    } else if (unit_too_big(r, r->text.len)) {
        cc_buf_clear(&r->text);
    }
    return 0;
}

static int seg_element(reader *r, const char *name, const cc_xml_attr *a, size_t n)
{
    int rc, kind = code_kind(name);
    if (kind)
        return start_code(r, kind, a, n);
    r->seg_depth++;
    if (strcmp(name, "hi") == 0) {
        const char *attrs;
        if ((rc = read_attrs(r, a, n, NULL, NULL, NULL, &attrs)) < 0)
            return rc;
        r->hi_depth++;
        return add_code(r, CONCORD_CODE_HI_START, attrs, "", -1);
    }
    /* not TMX inside <seg> (e.g. XLIFF's <g>): keep the text, drop the markup */
    if (!r->warned_in_seg) {
        r->warned_in_seg = 1;
        event(r, 0, NULL, "unknown element <%s> inside <seg>: its markup is dropped, its text kept",
              name);
    }
    return 0;
}

static int seg_end(reader *r, const char *name)
{
    if (r->seg_depth == 0) {
        vbuild *v = &r->vars[r->nvars - 1];
        v->text = cc_arena_strndup(&r->arena, r->text.data ? r->text.data : "", r->text.len);
        if (!v->text)
            return CONCORD_ENOMEM;
        v->text_len = r->text.len;
        r->unit_bytes += r->text.len;
        v->ncodes = r->ncodes - v->code_start;
        check_pairs(r, v->code_start, v->ncodes, &v->mark);
        r->at = IN_TUV;
        return 0;
    }
    r->seg_depth--;
    if (strcmp(name, "hi") == 0 && r->hi_depth > 0) {
        r->hi_depth--;
        return add_code(r, CONCORD_CODE_HI_END, "", "", -1);
    }
    return 0;
}

/* ---- units ------------------------------------------------------------------- */

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

static int start_tu(reader *r, const cc_xml_attr *a, size_t n)
{
    static const char *const skip_[] = {"tuid", "srclang", NULL};
    static const char *const want[] = {"tuid", "srclang", NULL};
    const char *got[2];
    int rc;
    reset_unit(r);
    r->tu_mark = *here(r);
    if ((rc = read_attrs(r, a, n, skip_, want, got, &r->tu_attrs)) < 0 ||
        (rc = keep(r, &got[0])) < 0)
        return rc;
    r->tuid = got[0];
    if (got[1])
        r->srclang = canon_lang(r, got[1], &r->tu_mark);
    else if (r->header_srclang[0])
        r->srclang = r->header_srclang;
    r->at = IN_TU;
    return 0;
}

static int start_tuv(reader *r, const cc_xml_attr *a, size_t n)
{
    if (r->nvars >= MAX_VARIANTS || r->unit_bytes > MAX_UNIT_BYTES) {
        unit_problem(r, CONCORD_ELIMIT, NULL,
                     r->nvars >= MAX_VARIANTS ? "a <tu> with more than 1024 variants"
                                              : "a <tu> larger than 16 MiB");
        return skip(r);
    }
    static const char *const skip_[] = {"xml:lang", "lang", NULL};
    static const char *const want[] = {"xml:lang", "lang", NULL};
    const char *got[2];
    int rc;
    if ((rc = cc_grow((void **)&r->vars, &r->capvars, r->nvars + 1, sizeof(*r->vars))) < 0)
        return rc;
    vbuild *v = &r->vars[r->nvars++];
    memset(v, 0, sizeof(*v));
    v->mark = *here(r);
    if ((rc = read_attrs(r, a, n, skip_, want, got, &v->attrs)) < 0)
        return rc;
    r->unit_bytes += sizeof(*v) + sizeof(concord_variant) + strlen(v->attrs) + 1;
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
    r->at = IN_TUV;
    return 0;
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
            return cc_error_set_at(r->bad_code, r->path, r->bad_mark.line, r->bad_mark.col, 0,
                                   "invalid <tu>: %s", r->bad_msg);
        }
        event(r, 1, &r->bad_mark, "invalid <tu> skipped: %s", r->bad_msg);
        return 0;
    }
    if ((rc = cc_grow((void **)&r->out_vars, &r->cap_out_vars, r->nvars, sizeof(*r->out_vars))) < 0)
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
    u.column = r->tu_mark.col;
    concord_error_clear();
    if (r->cb->unit && r->cb->unit(&u, r->cb->ud) != 0) {
        if (concord_error_last()->code != CONCORD_OK)
            return concord_error_last()->code;
        return cc_error_set(CONCORD_EUSER, "reading stopped by the caller");
    }
    if ((r->units_read & 255) == 0 && r->cb->progress)
        r->cb->progress(cc_xml_bytes(r->x), r->file_size, r->cb->ud);
    return 0;
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

/* <header>: its attributes now; the header goes to the caller at </header>. */
static int start_header(reader *r, const cc_xml_attr *a, size_t n)
{
    static const char *const want[] = {"creationtool", "creationtoolversion", "o-tmf",   "datatype",
                                       "segtype",      "adminlang",           "srclang", NULL};
    int rc;
    cc_arena_reset(&r->arena);
    if ((rc = read_attrs(r, a, n, NULL, want, r->header_vals, &r->header_attrs)) < 0)
        return rc;
    for (int k = 0; k < 7; k++)
        if ((rc = keep(r, &r->header_vals[k])) < 0)
            return rc;
    const char *srclang = r->header_vals[6];
    if (srclang) {
        char canon[64];
        if (strcmp(srclang, "*all*") == 0)
            snprintf(r->header_srclang, sizeof(r->header_srclang), "*all*");
        else if (concord_lang_canonicalize(canon, sizeof(canon), srclang) == 0)
            memcpy(r->header_srclang, canon, sizeof(canon));
        else
            event(r, 0, NULL, "header srclang '%s' is not a language tag; ignored", srclang);
    }
    r->at = IN_HEADER;
    return 0;
}

static int start(reader *r, const char *prefix, const char *name, const cc_xml_attr *a, size_t n)
{
    if (r->skip_depth) {
        r->skip_depth++;
        return 0;
    }
    if (r->code_depth)
        return code_inner_start(r, prefix, name, a, n);
    if (r->prop_depth) {
        r->prop_depth++;
        return 0;
    }
    switch (r->at) {
    case IN_DOC:
        if (strcmp(name, "tmx") != 0)
            return cc_error_set_at(CONCORD_EPARSE, r->path, here(r)->line, here(r)->col, 0,
                                   "not a TMX file: the root element is <%s>, not <tmx>", name);
        for (size_t i = 0; i < n; i++)
            if (strcmp(a[i].name, "version") == 0)
                snprintf(r->version, sizeof(r->version), "%s", a[i].value);
        r->at = IN_TMX;
        return 0;
    case IN_TMX:
        if (strcmp(name, "header") == 0 && !r->header_done)
            return start_header(r, a, n);
        if (strcmp(name, "body") == 0) {
            int rc = r->header_done ? 0 : emit_header(r, NULL, NULL);
            r->at = IN_BODY;
            return rc;
        }
        return skip_unknown(r, name, "");
    case IN_HEADER:
        /* <prop>, <note>, <ude>: header metadata, not stored with the units */
        return skip(r);
    case IN_BODY:
        return strcmp(name, "tu") == 0 ? start_tu(r, a, n) : skip_unknown(r, name, "");
    case IN_TU:
        if (strcmp(name, "tuv") == 0)
            return start_tuv(r, a, n);
        if (strcmp(name, "prop") == 0 || strcmp(name, "note") == 0)
            return start_prop(r, name[0] == 'n', 1, a, n);
        return skip_unknown(r, name, " in <tu>");
    case IN_TUV:
        if (strcmp(name, "seg") == 0) {
            if (!r->vars[r->nvars - 1].has_seg)
                return start_seg(r);
            unit_problem(r, CONCORD_EPARSE, NULL, "<tuv> with two <seg>");
            return skip(r);
        }
        if (strcmp(name, "prop") == 0 || strcmp(name, "note") == 0)
            return start_prop(r, name[0] == 'n', 0, a, n);
        return skip_unknown(r, name, " in <tuv>");
    case IN_SEG:
        return seg_element(r, name, a, n);
    case AFTER_TMX:
        break;
    }
    return skip(r);
}

static int on_start(cc_xml *x, void *ud, const cc_xml_elem *el, const cc_xml_attr *a, size_t n)
{
    reader *r = ud;
    cc_xml_pos p = cc_xml_where(x);
    r->x = x;
    r->tag.line = p.line;
    r->tag.col = p.column;
    return start(r, el->prefix, el->local, a, n);
}

static int on_end(cc_xml *x, void *ud, const cc_xml_elem *el)
{
    reader *r = ud;
    const char *prefix = el->prefix, *name = el->local;
    r->x = x;
    if (r->skip_depth) {
        r->skip_depth--;
        return 0;
    }
    if (r->code_depth)
        return --r->code_depth ? code_inner_end(r, prefix, name) : end_code(r);
    if (r->prop_depth)
        return --r->prop_depth ? 0 : end_prop(r);
    switch (r->at) {
    case IN_SEG:
        return seg_end(r, name);
    case IN_TUV: {
        vbuild *v = &r->vars[r->nvars - 1];
        if (!v->has_seg)
            unit_problem(r, CONCORD_EPARSE, &v->mark, "<tuv> without <seg>");
        r->at = IN_TU;
        return 0;
    }
    case IN_TU:
        r->at = IN_BODY;
        return emit_unit(r);
    case IN_BODY:
        r->at = IN_TMX;
        return 0;
    case IN_HEADER:
        r->at = IN_TMX;
        return emit_header(r, r->header_vals, r->header_attrs);
    case IN_TMX:
        r->at = AFTER_TMX;
        return 0;
    case IN_DOC:
    case AFTER_TMX:
        break;
    }
    return 0;
}

/* A comment or processing instruction: kept inside a code, like the rest of its markup. */
static int on_markup(cc_xml *x, void *ud, const char *s, size_t len)
{
    reader *r = ud;
    int rc;
    r->x = x;
    if (r->skip_depth || !r->code_depth)
        return 0;
    if ((rc = code_close_tag(r)) < 0 || (rc = cc_buf_append(&r->scratch, s, len)) < 0)
        return rc;
    return code_markup_grew(r);
}

static int on_text(cc_xml *x, void *ud, const char *s, size_t len)
{
    reader *r = ud;
    int rc;
    r->x = x;
    if (r->skip_depth)
        return 0;
    if (r->code_depth) {
        if ((rc = code_close_tag(r)) < 0 || (rc = cc_buf_xml_escape(&r->scratch, s, len, 0)) < 0)
            return rc;
        return code_markup_grew(r);
    }
    if (r->prop_depth) {
        if ((rc = cc_buf_append(&r->text, s, len)) < 0)
            return rc;
        if (unit_too_big(r, r->text.len))
            cc_buf_clear(&r->text);
        return 0;
    }
    return r->at == IN_SEG ? seg_text(r, s, len) : 0;
}

/* ---- what a file is, when it is not XML ------------------------------------------------------ */

#define SNIFF_BYTES 4096

/* Does the line at s[0..n) start with word (and a space)? */
static int line_starts(const unsigned char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    return n > k && memcmp(s, word, k) == 0 && (s[k] == ' ' || s[k] == '\t');
}

/*
 * Say what the first bytes of a file show it to be, when that is not XML:
 * concord import is given PO files, CSV glossaries and TMs by mistake, and
 * "malformed XML: Start tag expected" says nothing useful about them. 0 for
 * what may be XML (the XML reader judges it), else the error.
 */
static int refuse_not_xml(const char *path, const unsigned char *d, size_t n)
{
    size_t i = 0;
    if (n >= 2 &&
        ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF) ||
         (n >= 4 && ((!d[0] && d[1] == '<') || (d[0] == '<' && !d[1]) ||
                     (!d[0] && !d[1] &&
                      ((!d[2] && d[3] == '<') || (d[2] == 0xFE && d[3] == 0xFF)))))))
        return 0; /* UTF-16 or UTF-32 ('<' or a BOM): XML as far as we can tell. Not any
                     zeros: libxml2 reads a file that starts 00 00 00 00 01 as LZMA and fails
                     ("cannot read"), while the same bytes from memory are "empty" XML */
    if (n >= 4 && memcmp(d, "\x4C\x6F\xA7\x94", 4) == 0)
        return 0; /* "<?xm" in EBCDIC */
    if (n >= 4 && memcmp(d, "PK\x03\x04", 4) == 0)
        return cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                               "a zip archive: unzip it first (concord reads .tmx and .tmx.gz)");
    if (n >= 16 && memcmp(d, "SQLite format 3", 16) == 0)
        return cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                               "an SQLite database, not TMX: concord imports TMX files (is it a "
                               "concord TM? name it with --tm)");
    if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
        i++;
    if (i == n || d[i] == '<')
        return 0;
    /* a gettext catalogue: comments, keywords (msgid, msgstr, ...) and strings */
    int po = 0, other = 0, binary = 0;
    /* a table: most lines have as many tabs (commas) as the first, at least one */
    size_t lines = 0, tab_lines = 0, comma_lines = 0, tabs0 = 0, commas0 = 0;
    for (size_t k = i; k < n;) {
        const unsigned char *nl = memchr(d + k, '\n', n - k);
        if (!nl && n == SNIFF_BYTES)
            break; /* a line cut by the sniff says nothing */
        size_t e = nl ? (size_t)(nl - d) : n, b = k;
        for (size_t c = k; c < e; c++)
            binary |= d[c] == 0;
        while (b < e && (d[b] == ' ' || d[b] == '\t' || d[b] == '\r'))
            b++;
        if (b < e) {
            size_t tabs = 0, commas = 0;
            for (size_t c = k; c < e; c++) {
                tabs += d[c] == '\t';
                commas += d[c] == ',';
            }
            if (lines++ == 0)
                tabs0 = tabs, commas0 = commas;
            tab_lines += tabs0 && tabs == tabs0;
            comma_lines += commas0 && commas == commas0;
            if (line_starts(d + b, e - b, "msgid") || line_starts(d + b, e - b, "msgctxt"))
                po = 1;
            else if (d[b] != '#' && d[b] != '"' && !(e - b >= 3 && memcmp(d + b, "msg", 3) == 0) &&
                     !line_starts(d + b, e - b, "domain"))
                other = 1;
        }
        k = e + 1;
    }
    if (po && !other)
        return cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                               "a gettext PO file, not TMX: concord imports only TMX for now (PO "
                               "import is planned; Translate Toolkit's po2tmx converts it)");
    if (binary)
        return cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                               "not a TMX file: binary data, not XML");
    if (lines && (tab_lines * 2 > lines || comma_lines * 2 > lines))
        return cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                               "a %s file, not TMX: concord imports TMX files (a glossary goes to "
                               "concord check --glossary)",
                               tab_lines * 2 > lines ? "tab-separated (TSV)"
                                                     : "comma-separated (CSV)");
    return cc_error_set_at(CONCORD_EPARSE, path, 1, 1, 0,
                           "not a TMX file: text, not XML (a TMX file starts with '<')");
}

/*
 * Where a TMX document comes from: the file `path`, the buffer data[0..len),
 * or the caller's reader (`read`). A reader's first bytes are read ahead to
 * tell what the input is, and handed to the parse before the rest.
 */
typedef struct tmx_input {
    const char *path;
    const char *data;
    size_t len;
    concord_read_fn read;
    void *rud;
    unsigned char head[SNIFF_BYTES];
    size_t head_len, head_pos;
    int ended;
} tmx_input;

/* One call of the caller's reader into buf[0..cap): *got bytes (0 at the end). */
static int call_reader(tmx_input *in, char *buf, size_t cap, size_t *got)
{
    *got = 0;
    if (in->ended)
        return 0;
    if (in->read(buf, got, cap, in->rud) != 0)
        return cc_error_set(CONCORD_EUSER, "reading the TMX stopped (by the reader)");
    if (*got > cap)
        return cc_error_set(CONCORD_EINVAL, "the reader returned more bytes than it was asked for");
    in->ended = *got == 0;
    return 0;
}

/* cc_xml_read_fn over a reader: the bytes read ahead first, then the rest. */
static long input_read(void *ud, char *buf, size_t cap)
{
    tmx_input *in = ud;
    if (in->head_pos < in->head_len) {
        size_t n = in->head_len - in->head_pos;
        n = n < cap ? n : cap;
        memcpy(buf, in->head + in->head_pos, n);
        in->head_pos += n;
        return (long)n;
    }
    size_t got;
    return call_reader(in, buf, cap, &got) < 0 ? -1 : (long)got;
}

/*
 * Tell what the input is before the parse: what libxml2 would report badly
 * (a directory, an empty input, one that is not XML), from its first
 * bytes (a file's and a reader's are read into in->head).
 */
static int sniff_input(reader *r, tmx_input *in, const char *name)
{
    const unsigned char *head = NULL;
    size_t got = 0;
    int gz;
    if (in->path) {
        struct stat st;
        if (stat(in->path, &st) != 0)
            return cc_error_set_at(CONCORD_EIO, name, 0, 0, 0, "cannot open");
        if (S_ISDIR(st.st_mode))
            return cc_error_set_at(CONCORD_EIO, name, 0, 0, 0, "is a directory");
        /* (a pipe cannot be sniffed without losing what is read: libxml2 reads it as it is) */
        if (!S_ISREG(st.st_mode))
            return 0;
        FILE *f = fopen(in->path, "rb");
        if (!f)
            return cc_error_set_at(CONCORD_EIO, name, 0, 0, 0, "cannot open");
        got = fread(in->head, 1, sizeof(in->head), f);
        fclose(f);
        head = in->head;
        gz = got >= 2 && head[0] == 0x1F && head[1] == 0x8B;
        r->file_size = gz ? 0 : (unsigned long long)st.st_size;
    } else if (in->read) {
        while (in->head_len < sizeof(in->head)) {
            size_t n;
            int rc = call_reader(in, (char *)in->head + in->head_len,
                                 sizeof(in->head) - in->head_len, &n);
            if (rc < 0)
                return rc;
            if (n == 0)
                break;
            in->head_len += n;
        }
        head = in->head;
        got = in->head_len;
        gz = got >= 2 && head[0] == 0x1F && head[1] == 0x8B;
    } else {
        head = (const unsigned char *)in->data;
        got = in->data ? (in->len < SNIFF_BYTES ? in->len : SNIFF_BYTES) : 0;
        gz = got >= 2 && head[0] == 0x1F && head[1] == 0x8B;
        r->file_size = in->len;
    }
    if (got == 0)
        return cc_error_set_at(CONCORD_EPARSE, name, 1, 1, 0, "empty file: no TMX document");
    if (gz && !in->path)
        return cc_error_set_at(CONCORD_EUNSUPPORTED, name, 0, 0, 0,
                               "gzip-compressed: only a file is read compressed; "
                               "decompress the data first");
    return gz ? 0 : refuse_not_xml(name, head, got);
}

static int tmx_read_input(tmx_input *in, const char *name, int skip_invalid,
                          const concord_tmx_callbacks *cb)
{
    static const cc_xml_handlers handlers = {on_start, on_end, on_text, on_markup};
    reader r;
    int rc;
    if ((rc = cc_version_check(cb->version, CONCORD_TMX_CALLBACKS_VERSION, "TMX callbacks")) < 0)
        return rc;
    memset(&r, 0, sizeof(r));
    r.path = name;
    r.skip_invalid = skip_invalid;
    r.cb = cb;

    if ((rc = sniff_input(&r, in, name)) < 0)
        return rc;
    if (in->path)
        rc = cc_xml_parse_file(in->path, &handlers, &r);
    else if (in->read)
        rc = cc_xml_parse_stream(input_read, in, name, &handlers, &r);
    else
        rc = cc_xml_parse_memory(in->data, in->len, name, &handlers, &r);
    if (rc == 0 && r.at == IN_DOC)
        rc = cc_error_set_at(CONCORD_EPARSE, name, 1, 1, 0, "not a TMX file: no root element");
    if (rc == 0 && cb->progress)
        cb->progress(r.file_size, r.file_size, cb->ud);
    cc_arena_free(&r.arena);
    cc_buf_free(&r.text);
    cc_buf_free(&r.scratch);
    cc_free(r.vars);
    cc_free(r.codes);
    cc_free(r.code_i_of);
    cc_free(r.props);
    cc_free(r.uprops);
    cc_free(r.out_vars);
    return rc;
}

int concord_tmx_read(const char *path, int skip_invalid, const concord_tmx_callbacks *cb)
{
    tmx_input in = {.path = path};
    return tmx_read_input(&in, path, skip_invalid, cb);
}

int concord_tmx_read_memory(const char *data, size_t len, const char *name, int skip_invalid,
                            const concord_tmx_callbacks *cb)
{
    tmx_input in = {.data = data, .len = data ? len : 0};
    return tmx_read_input(&in, name ? name : "(memory)", skip_invalid, cb);
}

int concord_tmx_read_reader(concord_read_fn read, void *read_ud, const char *name, int skip_invalid,
                            const concord_tmx_callbacks *cb)
{
    tmx_input in = {.read = read, .rud = read_ud};
    return tmx_read_input(&in, name ? name : "(stream)", skip_invalid, cb);
}
