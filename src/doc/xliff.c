/*
 * xliff.c — XLIFF 1.x and 2.x documents: the reader (units with their
 * segments, codes, state and raw positions, on the one XML reader of
 * src/base), the locator (a text offset back to the file's line and column)
 * and the writer that changes only targets and their state (the bytes
 * between them copied as they are). The raw positions the reader records
 * are the contract between the three: the writer and the locator read the
 * input again from them (xlraw.c), so nothing of a finding or an edit needs
 * to be kept while reading.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xml.h"
#include "concord/text.h"
#include "concord/tm.h"
#include "doc/doc.h"
#include "doc/xlraw.h"
#include "text/unicode.h"

#define NS12  "urn:oasis:names:tc:xliff:document:1."
#define NS20  "urn:oasis:names:tc:xliff:document:2.0"
#define NSMTC "urn:oasis:names:tc:xliff:matches:2.0"

/* What an element is to the reader, kept on a stack of the open elements. */
enum kind {
    K_OTHER = 0, /* an XLIFF element of no interest (header, context-group, ...) */
    K_SKIP,      /* a subtree whose text is not the unit's (alt-trans, bin-unit, extensions) */
    K_FILE,
    K_GROUP,
    K_UNIT,
    K_SEGMENT,
    K_IGNORABLE,
    K_SOURCE,
    K_TARGET,
    K_SEGSOURCE,
    K_SEGMRK,  /* <mrk mtype="seg"> of a 1.2 seg-source or target */
    K_IGNTEXT, /* 2.x source or target of an ignorable: not a piece, its codes checked */
    K_PAIRED,  /* g, mrk, pc: text between two codes */
    K_CODE,    /* a code: its markup is captured (bpt, ph, x, sc, ...) */
    K_NOTE,
    K_ORIGDATA, /* 2.x originalData */
    K_MATCHES   /* 2.x mtc:matches (skipped, its match ids checked) */
};

/* Text being collected with its codes: a source or target element, or a segment in it. */
typedef struct cap {
    int on;
    cc_buf text;
    concord_code *codes;
    size_t ncodes, cap;
} cap;

/* Where a unit's targets are, for the writer (the reader's record, per unit). */
typedef struct xseg {
    unsigned long long seg_raw; /* 2.x: the <segment> start tag */
    unsigned long long tgt_raw; /* the <target> (or 1.2 target <mrk>), or where it would go */
    int present;
} xseg;

typedef struct xunit {
    int segmented;      /* 1.2: targets per seg-source <mrk> */
    int target_present; /* 1.2: the <target> element */
    unsigned long long target_raw, insert_at, source_raw;
    const char **mids;          /* 1.2 segmented: the mid of each segment */
    const char *prefix;         /* the prefix of the XLIFF elements (<xlf:source>), or NULL */
    unsigned long long seg_ins; /* 2.x: just after the segment's </source> */
} xunit;

/* A set of strings (ids that must be unique). */
typedef struct strset {
    char **slot;
    size_t cap, n;
} strset;

typedef struct xr {
    cc_xml *x;
    const char *name;
    cc_doc_unit_fn fn;
    void *ud;
    int v2;   /* 2.x; else 1.x */
    char *ns; /* the XLIFF namespace of the root, NULL for none */
    int root_seen;
    size_t nfiles;
    strset file_ids, unit_ids;
    cc_xlraw raw; /* for where an element ends (an absent target's place) */
    int raw_ok;   /* the input is ASCII-compatible: raw offsets can be lexed */

    unsigned char kinds[300];
    size_t depth;
    size_t skip; /* depth at which a skipped subtree started, 0 if none */

    /* the file and groups */
    char *srclang, *trglang;
    cc_buf path;
    size_t path_len[300];
    size_t gdepth;
    unsigned char no_tr[300]; /* translate="no" of the file and groups, inherited */

    /* the unit being read */
    int in_unit;
    cc_arena arena;
    xunit xu;   /* the writer's record of where things are */
    xseg *segs; /* 2.x: per segment */
    size_t nsegs, cap_segs;
    cc_doc_unit u;
    cc_buf notes, note;
    cap whole, seg;
    int whole_role;
    int has_source, has_target, target_seg_count;
    unsigned long long unit_raw, source_raw, target_raw, source_end;
    unsigned long source_line, source_col, target_line, target_col;
    const char *tstate, *tqual;
    int approved;
    cc_doc_piece *pieces;
    size_t npieces, cap_pieces;
    /* 1.2 seg-source segments and target segments, by mid */
    cc_doc_piece *ssegs, *tsegs;
    size_t nssegs, ntsegs, cap_ssegs, cap_tsegs;
    const char **tmids;
    size_t cap_tmids;
    int in_segsource;
    /* 2.x segment */
    int seg_has_source, seg_has_target;
    unsigned long long seg_raw;
    const char *seg_state;
    cc_doc_piece seg_src, seg_tgt;
    int seg_min_status;
    int unit_status_set;
    /* 2.x ids of sc and sm seen in the unit's sources / targets, data ids, match ids */
    strset sc_ids[2], sm_ids[2], data_ids, match_ids;

    /* the code being captured */
    size_t code_depth; /* depth of the code element, 0 if none */
    int code_kind;
    int code_gt; /* the last start tag in the markup still lacks its '>' */
    cc_buf code;
    char *code_attrs;
} xr;

/* ---- small things ------------------------------------------------------------------------- */

static const char *attr(const cc_xml_attr *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].name, name) == 0)
            return a[i].value;
    return NULL;
}

static void strset_clear(strset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        cc_free(s->slot[i]);
    cc_free(s->slot);
    memset(s, 0, sizeof(*s));
}

/* Add s: 1 if it was new, 0 if it was there, or CONCORD_ENOMEM. */
static int strset_add(strset *s, const char *v)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 64;
        char **ns = cc_calloc(ncap, sizeof(*ns));
        if (!ns)
            return cc_error_oom();
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slot[i])
                continue;
            size_t h = (size_t)cc_hash(CC_HASH_INIT, s->slot[i], strlen(s->slot[i]));
            while (ns[h & (ncap - 1)])
                h++;
            ns[h & (ncap - 1)] = s->slot[i];
        }
        cc_free(s->slot);
        s->slot = ns;
        s->cap = ncap;
    }
    size_t h = (size_t)cc_hash(CC_HASH_INIT, v, strlen(v));
    for (;; h++) {
        char *e = s->slot[h & (s->cap - 1)];
        if (!e)
            break;
        if (strcmp(e, v) == 0)
            return 0;
    }
    char *c = cc_strdup(v);
    if (!c)
        return cc_error_oom();
    s->slot[h & (s->cap - 1)] = c;
    s->n++;
    return 1;
}

static int strset_has(const strset *s, const char *v)
{
    if (!s->cap)
        return 0;
    size_t h = (size_t)cc_hash(CC_HASH_INIT, v, strlen(v));
    for (;; h++) {
        const char *e = s->slot[h & (s->cap - 1)];
        if (!e)
            return 0;
        if (strcmp(e, v) == 0)
            return 1;
    }
}

static int put_attrs(cc_buf *b, const cc_xml_attr *a, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        if ((rc = cc_buf_printf(b, " %s=\"", a[i].name)) >= 0 &&
            (rc = cc_buf_xml_escape(b, a[i].value, strlen(a[i].value), 1)) >= 0)
            rc = cc_buf_putc(b, '"');
    }
    return rc;
}

/* An NMTOKEN, as the 2.x schema wants ids (a '/' or a space is not one). */
static int nmtoken(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_' || c == ':'))
            return 0;
    }
    return 1;
}

static char *lang_copy(const char *tag)
{
    if (!tag || !*tag)
        return NULL;
    char canon[64];
    if (concord_lang_canonicalize(canon, sizeof(canon), tag) == 0)
        return cc_strdup(canon);
    return cc_strdup(tag);
}

/* ---- statuses ------------------------------------------------------------------------------ */

static cc_doc_status status12(const char *state, int approved, int has_text)
{
    if (!has_text)
        return CC_DOC_UNTRANSLATED;
    /* the state says more than approved (which a writer that sets the state leaves) */
    if (!state)
        return approved ? CC_DOC_FINAL : CC_DOC_TRANSLATED;
    if (strcmp(state, "new") == 0 || strcmp(state, "needs-translation") == 0)
        return CC_DOC_UNTRANSLATED;
    if (strncmp(state, "needs-", 6) == 0)
        return CC_DOC_FUZZY;
    if (strcmp(state, "signed-off") == 0 || strcmp(state, "final") == 0)
        return CC_DOC_FINAL;
    return CC_DOC_TRANSLATED;
}

/* -1 for a value the 2.x schema does not allow */
static int status20(const char *state, int has_text)
{
    if (state && strcmp(state, "initial") != 0 && strcmp(state, "translated") != 0 &&
        strcmp(state, "reviewed") != 0 && strcmp(state, "final") != 0)
        return -1;
    if (!has_text)
        return CC_DOC_UNTRANSLATED;
    if (!state)
        return CC_DOC_TRANSLATED;
    if (strcmp(state, "initial") == 0)
        return CC_DOC_UNTRANSLATED;
    if (strcmp(state, "translated") == 0)
        return CC_DOC_TRANSLATED;
    return CC_DOC_FINAL;
}

cc_doc_status cc_doc_piece_status(const cc_doc_unit *u, const cc_doc_piece *t)
{
    int st = t->state ? status20(t->state, t->len > 0 || t->ncodes > 0) : -1;
    return st < 0 ? u->status : (cc_doc_status)st;
}

static const char *state_name(int v2, cc_doc_status s)
{
    if (v2)
        return s == CC_DOC_UNTRANSLATED ? "initial" : s == CC_DOC_FINAL ? "final" : "translated";
    switch (s) {
    case CC_DOC_UNTRANSLATED:
        return "needs-translation";
    case CC_DOC_FUZZY:
        return "needs-review-translation";
    case CC_DOC_FINAL:
        return "final";
    default:
        return "translated";
    }
}

/* ---- captures ------------------------------------------------------------------------------ */

static void cap_start(cap *c)
{
    c->on = 1;
    c->text.len = 0;
    if (c->text.data)
        c->text.data[0] = '\0';
    c->ncodes = 0;
}

static int cap_text(xr *r, const char *s, size_t n)
{
    int rc = 0;
    if (r->whole.on)
        rc = cc_buf_append(&r->whole.text, s, n);
    if (rc >= 0 && r->seg.on)
        rc = cc_buf_append(&r->seg.text, s, n);
    return rc;
}

static int cap_code1(cap *c, int kind, const char *attrs, const char *content)
{
    if (!c->on)
        return 0;
    if (cc_grow((void **)&c->codes, &c->cap, c->ncodes + 1, sizeof(*c->codes)) < 0)
        return CONCORD_ENOMEM;
    concord_code *k = &c->codes[c->ncodes++];
    k->kind = kind;
    k->offset = c->text.len;
    k->attrs = attrs;
    k->content = content;
    return 0;
}

static int cap_code(xr *r, int kind, const char *attrs, const char *content)
{
    int rc = cap_code1(&r->whole, kind, attrs, content);
    if (rc >= 0)
        rc = cap_code1(&r->seg, kind, attrs, content);
    return rc;
}

/* A piece from a capture, its strings copied into the unit's arena. */
static int cap_piece(xr *r, cap *c, cc_doc_piece *p, cc_doc_role role, size_t seg,
                     unsigned long long raw, unsigned long line, unsigned long col)
{
    memset(p, 0, sizeof(*p));
    p->role = role;
    p->seg = seg;
    char *t = cc_arena_strndup(&r->arena, c->text.data ? c->text.data : "", c->text.len);
    if (!t)
        return CONCORD_ENOMEM;
    p->text = p->orig = t;
    p->len = c->text.len;
    if (c->ncodes) {
        concord_code *k = cc_arena_alloc(&r->arena, c->ncodes * sizeof(*k));
        if (!k)
            return CONCORD_ENOMEM;
        memcpy(k, c->codes, c->ncodes * sizeof(*k));
        p->codes = k;
        p->ncodes = c->ncodes;
    }
    p->raw = raw;
    p->at.offset = (size_t)raw;
    p->at.line = line;
    p->at.column = p->at.byte_column = col;
    c->on = 0;
    return 0;
}

static int push_piece(cc_doc_piece **v, size_t *n, size_t *capn, const cc_doc_piece *p)
{
    if (cc_grow((void **)v, capn, *n + 1, sizeof(**v)) < 0)
        return CONCORD_ENOMEM;
    (*v)[(*n)++] = *p;
    return 0;
}

static char *arena_str(xr *r, const char *s)
{
    return s ? cc_arena_strndup(&r->arena, s, strlen(s)) : NULL;
}

/* Just after the end tag of the element at lt (an absent target's place). */
static unsigned long long end_of(xr *r, unsigned long long lt)
{
    unsigned long long te, ce, e;
    int empty;
    if (!r->raw_ok || cc_xlraw_element(&r->raw, lt, &te, &ce, &e, &empty) < 0)
        return 0;
    return e;
}

/* ---- the unit ------------------------------------------------------------------------------ */

static int unit_begin(xr *r, const cc_xml_attr *a, size_t n)
{
    cc_xml_pos w = cc_xml_where(r->x);
    cc_arena_reset(&r->arena);
    memset(&r->u, 0, sizeof(r->u));
    memset(&r->xu, 0, sizeof(r->xu));
    r->in_unit = 1;
    r->notes.len = 0;
    r->npieces = r->nssegs = r->ntsegs = r->nsegs = 0;
    r->has_source = r->has_target = r->target_seg_count = 0;
    r->tstate = r->tqual = NULL;
    r->approved = 0;
    r->unit_raw = w.offset;
    r->source_end = 0;
    r->unit_status_set = 0;
    r->seg_min_status = CC_DOC_FINAL;
    for (int i = 0; i < 2; i++) {
        strset_clear(&r->sc_ids[i]);
        strset_clear(&r->sm_ids[i]);
    }
    strset_clear(&r->data_ids);
    r->u.line = w.line;
    r->u.srclang = r->srclang;
    r->u.trglang = r->trglang;
    /* translate is inherited from the groups and the file (2.x; 1.2 groups have it too) */
    size_t g = r->gdepth < CC_ARRAY_LEN(r->no_tr) ? r->gdepth : CC_ARRAY_LEN(r->no_tr);
    r->u.translate = !(g && r->no_tr[g - 1]);
    const char *id = attr(a, n, "id");
    const char *tr = attr(a, n, "translate");
    if (tr)
        r->u.translate = strcmp(tr, "no") != 0;
    const char *ap = attr(a, n, "approved");
    r->approved = ap && strcmp(ap, "yes") == 0;
    r->u.context = arena_str(r, attr(a, n, r->v2 ? "name" : "resname"));
    r->u.id = arena_str(r, id);
    if ((id && !r->u.id) || (r->u.context == NULL && attr(a, n, r->v2 ? "name" : "resname")))
        return CONCORD_ENOMEM;
    /* 1.2 and 2.x forbid two units of a file with one id; 1.0, 1.1 and files
       without the namespace (which no schema covers) have them (Passolo) */
    if (id && (r->v2 || (r->ns && strcmp(r->ns, NS12 "2") == 0))) {
        if (r->v2 && !nmtoken(id))
            return cc_xml_error(r->x, CONCORD_EPARSE, "unit id \"%s\" is not an NMTOKEN", id);
        int added = strset_add(&r->unit_ids, id);
        if (added < 0)
            return added;
        if (!added)
            return cc_xml_error(r->x, CONCORD_EPARSE, "%s id \"%s\" is not unique in its file",
                                r->v2 ? "unit" : "trans-unit", id);
    } else if (r->v2) {
        return cc_xml_error(r->x, CONCORD_EPARSE, "unit without an id");
    }
    char *path = cc_arena_strndup(&r->arena, r->path.data ? r->path.data : "", r->path.len);
    if (!path)
        return CONCORD_ENOMEM;
    r->u.path = path;
    return 0;
}

static int unit_end(xr *r)
{
    int rc;
    cc_doc_piece p;
    if (!r->has_source)
        return cc_xml_error(r->x, CONCORD_EPARSE, "%s without source",
                            r->v2 ? "unit" : "trans-unit");
    if (!r->v2) {
        /* segmented (seg-source mrk's) when the target, if any, is segmented too */
        int segmented = r->nssegs > 0 && (!r->has_target || r->ntsegs > 0);
        unsigned long long ins = r->source_end;
        r->xu.segmented = segmented;
        r->xu.target_present = r->has_target;
        r->xu.target_raw = r->has_target ? r->target_raw : ins;
        r->xu.insert_at = ins;
        r->xu.source_raw = r->source_raw;
        int has_text = 0;
        if (segmented) {
            r->npieces = 0; /* not the whole <source> and <target> */
            for (size_t k = 0; k < r->nssegs; k++) {
                cc_doc_piece *s = &r->ssegs[k];
                if ((rc = push_piece(&r->pieces, &r->npieces, &r->cap_pieces, s)) < 0)
                    return rc;
                const char *mid = s->lang; /* the mid, parked there while reading */
                r->pieces[r->npieces - 1].lang = NULL;
                r->pieces[r->npieces - 1].seg = k;
                size_t t = 0;
                while (t < r->ntsegs && !(mid && r->tmids[t] && strcmp(mid, r->tmids[t]) == 0))
                    t++;
                if (t < r->ntsegs) {
                    p = r->tsegs[t];
                    p.seg = k;
                    has_text |= p.len > 0;
                } else {
                    memset(&p, 0, sizeof(p));
                    p.role = CC_DOC_TARGET;
                    p.seg = k;
                    p.text = p.orig = "";
                    p.absent = 1;
                    p.raw = r->xu.target_raw;
                    p.at.offset = (size_t)p.raw;
                }
                if ((rc = push_piece(&r->pieces, &r->npieces, &r->cap_pieces, &p)) < 0)
                    return rc;
            }
            r->xu.mids = cc_arena_alloc(&r->arena, r->nssegs * sizeof(char *) + 1);
            if (!r->xu.mids)
                return CONCORD_ENOMEM;
            for (size_t k = 0; k < r->nssegs; k++)
                r->xu.mids[k] = r->ssegs[k].lang;
        } else {
            has_text = r->has_target && r->pieces[1].len > 0;
            if (!r->has_target) {
                r->pieces[1].raw = ins;
                r->pieces[1].at.offset = (size_t)ins;
            }
        }
        r->u.state = arena_str(r, r->tstate);
        r->u.status = status12(r->tstate, r->approved, has_text);
    } else {
        r->u.status = r->unit_status_set ? (cc_doc_status)r->seg_min_status : CC_DOC_UNTRANSLATED;
    }
    r->u.pieces = r->pieces;
    r->u.npieces = r->npieces;
    r->u.notes = r->notes.len ? cc_arena_strndup(&r->arena, r->notes.data, r->notes.len) : NULL;
    r->u.kind = CC_DOC_UNIT_NORMAL;
    r->in_unit = 0;
    rc = r->fn(&r->u, r->ud);
    r->u.index++;
    return rc;
}

/* ---- codes --------------------------------------------------------------------------------- */

static int code_begin(xr *r, const cc_xml_elem *el, const cc_xml_attr *a, size_t n, int kind)
{
    r->code_depth = r->depth;
    r->code_kind = kind;
    r->code.len = 0;
    int rc = cc_buf_printf(&r->code, "<%s", el->qname);
    if (rc >= 0)
        rc = put_attrs(&r->code, a, n);
    r->code_gt = 1;
    cc_buf at = CC_BUF_INIT;
    if (rc >= 0)
        rc = put_attrs(&at, a, n);
    r->code_attrs = rc >= 0 ? cc_arena_strndup(&r->arena, at.data ? at.data : "", at.len) : NULL;
    cc_buf_free(&at);
    return rc < 0 ? rc : r->code_attrs ? 0 : CONCORD_ENOMEM;
}

static int code_gt(xr *r)
{
    if (!r->code_gt)
        return 0;
    r->code_gt = 0;
    return cc_buf_putc(&r->code, '>');
}

static int code_end_elem(xr *r, const cc_xml_elem *el)
{
    int rc;
    if (r->code_gt) {
        r->code_gt = 0;
        rc = cc_buf_puts(&r->code, "/>");
    } else {
        rc = cc_buf_printf(&r->code, "</%s>", el->qname);
    }
    return rc;
}

static int paired_tag(xr *r, const cc_xml_elem *el, const cc_xml_attr *a, size_t n, int end)
{
    cc_buf b = CC_BUF_INIT;
    int rc = end ? cc_buf_printf(&b, "</%s>", el->qname) : cc_buf_printf(&b, "<%s", el->qname);
    if (rc >= 0 && !end && (rc = put_attrs(&b, a, n)) >= 0)
        rc = cc_buf_putc(&b, '>');
    char *s = rc >= 0 ? cc_arena_strndup(&r->arena, b.data, b.len) : NULL;
    char *at = NULL;
    if (s && !end) {
        cc_buf_clear(&b);
        b.len = 0;
        if (put_attrs(&b, a, n) >= 0)
            at = cc_arena_strndup(&r->arena, b.data ? b.data : "", b.len);
    }
    cc_buf_free(&b);
    if (!s || (!end && !at))
        return rc < 0 ? rc : CONCORD_ENOMEM;
    return cap_code(r, end ? CONCORD_CODE_EPT : CONCORD_CODE_BPT, end ? "" : at, s);
}

/* The inline elements of each version, and what they are. */
static int inline_kind(int v2, const char *local, int *paired)
{
    static const char *const v1[] = {"g", "mrk", "x", "bx", "ex", "bpt", "ept", "ph", "it"};
    static const int k1[] = {0,
                             0,
                             CONCORD_CODE_PH,
                             CONCORD_CODE_BPT,
                             CONCORD_CODE_EPT,
                             CONCORD_CODE_BPT,
                             CONCORD_CODE_EPT,
                             CONCORD_CODE_PH,
                             CONCORD_CODE_IT};
    static const char *const v2n[] = {"pc", "mrk", "ph", "sc", "ec", "sm", "em"};
    static const int k2[] = {0,
                             0,
                             CONCORD_CODE_PH,
                             CONCORD_CODE_BPT,
                             CONCORD_CODE_EPT,
                             CONCORD_CODE_BPT,
                             CONCORD_CODE_EPT};
    const char *const *names = v2 ? v2n : v1;
    const int *kinds = v2 ? k2 : k1;
    size_t n = v2 ? CC_ARRAY_LEN(v2n) : CC_ARRAY_LEN(v1);
    for (size_t i = 0; i < n; i++)
        if (strcmp(local, names[i]) == 0) {
            *paired = kinds[i] == 0;
            return kinds[i];
        }
    *paired = 0;
    return -1;
}

/* ---- callbacks ----------------------------------------------------------------------------- */

static int is_x(const xr *r, const cc_xml_elem *el)
{
    if (!el->uri)
        return !r->v2 && !r->ns;
    return r->ns && strcmp(el->uri, r->ns) == 0;
}

static int push(xr *r, int kind)
{
    if (r->depth >= CC_ARRAY_LEN(r->kinds))
        return cc_xml_error(r->x, CONCORD_ELIMIT, "elements nested too deep");
    r->kinds[r->depth++] = (unsigned char)kind;
    return 0;
}

static int parent(const xr *r)
{
    return r->depth ? r->kinds[r->depth - 1] : K_OTHER;
}

static int on_root(xr *r, const cc_xml_elem *el, const cc_xml_attr *a, size_t n)
{
    r->root_seen = 1;
    if (strcmp(el->local, "xliff") != 0)
        return cc_xml_error(r->x, CONCORD_EPARSE, "not an XLIFF document: the root is <%s>",
                            el->qname);
    if (el->uri && strcmp(el->uri, NS20) == 0) {
        r->v2 = 1;
    } else if (el->uri && strncmp(el->uri, NS12, strlen(NS12)) == 0) {
        r->v2 = 0;
    } else if (!el->uri) {
        const char *v = attr(a, n, "version");
        if (v && v[0] == '2')
            return cc_xml_error(r->x, CONCORD_EPARSE, "XLIFF %s without its namespace", v);
        r->v2 = 0;
    } else {
        return cc_xml_error(r->x, CONCORD_EPARSE, "<xliff> in an unknown namespace %s", el->uri);
    }
    if (el->uri && !(r->ns = cc_strdup(el->uri)))
        return cc_error_oom();
    if (r->v2) {
        cc_free(r->srclang);
        cc_free(r->trglang);
        r->srclang = lang_copy(attr(a, n, "srcLang"));
        r->trglang = lang_copy(attr(a, n, "trgLang"));
    }
    return push(r, K_OTHER);
}

/* A file, group or bin-unit begins: its part of the path, its translate (or its parent's). */
static int path_push(xr *r, const char *part, const char *translate)
{
    if (r->gdepth < CC_ARRAY_LEN(r->path_len)) {
        r->path_len[r->gdepth] = r->path.len;
        int up = r->gdepth ? r->no_tr[r->gdepth - 1] : 0;
        r->no_tr[r->gdepth] = translate ? strcmp(translate, "no") == 0 : up;
    }
    r->gdepth++;
    int rc = 0;
    if (part && *part) {
        if (r->path.len)
            rc = cc_buf_putc(&r->path, '/');
        if (rc >= 0)
            rc = cc_buf_puts(&r->path, part);
    }
    return rc;
}

static void path_pop(xr *r)
{
    if (r->gdepth && --r->gdepth < CC_ARRAY_LEN(r->path_len)) {
        r->path.len = r->path_len[r->gdepth];
        if (r->path.data)
            r->path.data[r->path.len] = '\0';
    }
}

static int on_start(cc_xml *x, void *ud, const cc_xml_elem *el, const cc_xml_attr *a, size_t n)
{
    xr *r = ud;
    r->x = x;
    int rc;
    if (el->prefix && !el->uri)
        return cc_xml_error(x, CONCORD_EPARSE, "namespace error: the prefix %s is not declared",
                            el->prefix);
    if (!r->root_seen)
        return on_root(r, el, a, n);
    /* the mtc match ids, checked even though matches are skipped */
    if (r->v2 && el->uri && strcmp(el->uri, NSMTC) == 0) {
        if (strcmp(el->local, "matches") == 0)
            strset_clear(&r->match_ids);
        else if (strcmp(el->local, "match") == 0 && attr(a, n, "id")) {
            if ((rc = strset_add(&r->match_ids, attr(a, n, "id"))) < 0)
                return rc;
            if (rc == 0)
                return cc_xml_error(x, CONCORD_EPARSE, "match id \"%s\" is not unique",
                                    attr(a, n, "id"));
        }
    }
    if (r->code_depth) {
        /* inside a code: its markup */
        if ((rc = code_gt(r)) < 0 || (rc = cc_buf_printf(&r->code, "<%s", el->qname)) < 0 ||
            (rc = put_attrs(&r->code, a, n)) < 0)
            return rc;
        r->code_gt = 1;
        return push(r, K_SKIP);
    }
    if (r->skip)
        return push(r, K_SKIP);
    int xl = is_x(r, el);
    const char *l = el->local;
    int p = parent(r);
    if (!xl) {
        r->skip = r->depth + 1;
        return push(r, K_SKIP);
    }
    /* inline content of a source or target */
    if (p == K_SOURCE || p == K_TARGET || p == K_SEGSOURCE || p == K_SEGMRK || p == K_PAIRED ||
        p == K_IGNTEXT) {
        int paired, kind = inline_kind(r->v2, l, &paired);
        int in_segsrc_outside = r->in_segsource && !r->seg.on;
        if (!r->v2 && strcmp(l, "mrk") == 0) {
            const char *mt = attr(a, n, "mtype");
            if (mt && strcmp(mt, "seg") == 0 &&
                (p == K_SEGSOURCE || p == K_TARGET || (p == K_PAIRED && !r->seg.on))) {
                if (!r->in_segsource && (rc = paired_tag(r, el, a, n, 0)) < 0)
                    return rc;
                cap_start(&r->seg);
                cc_xml_pos w = cc_xml_where(x);
                /* the mid, parked in lang until the unit ends */
                r->seg_src.lang = arena_str(r, attr(a, n, "mid") ? attr(a, n, "mid") : "");
                r->seg_src.raw = w.offset;
                r->seg_src.at.line = w.line;
                r->seg_src.at.column = w.column;
                return push(r, K_SEGMRK);
            }
        }
        if (r->v2 && strcmp(l, "cp") == 0) {
            const char *hex = attr(a, n, "hex");
            char *hend = NULL;
            unsigned long cpv = hex ? strtoul(hex, &hend, 16) : 0;
            /* a character, not NUL or a surrogate (text stays valid UTF-8) */
            if (!hex || !*hex || *hend || hex[0] == '-' || hex[0] == '+' || cpv == 0 ||
                cpv > 0x10FFFF || (cpv >= 0xD800 && cpv <= 0xDFFF))
                return cc_xml_error(x, CONCORD_EPARSE, "<cp hex=\"%s\"> is not a character",
                                    hex ? hex : "");
            char u8[4];
            size_t k = 0;
            if (cpv < 0x80)
                u8[k++] = (char)cpv;
            else if (cpv < 0x800) {
                u8[k++] = (char)(0xC0 | (cpv >> 6));
                u8[k++] = (char)(0x80 | (cpv & 0x3F));
            } else if (cpv < 0x10000) {
                u8[k++] = (char)(0xE0 | (cpv >> 12));
                u8[k++] = (char)(0x80 | ((cpv >> 6) & 0x3F));
                u8[k++] = (char)(0x80 | (cpv & 0x3F));
            } else {
                u8[k++] = (char)(0xF0 | (cpv >> 18));
                u8[k++] = (char)(0x80 | ((cpv >> 12) & 0x3F));
                u8[k++] = (char)(0x80 | ((cpv >> 6) & 0x3F));
                u8[k++] = (char)(0x80 | (cpv & 0x3F));
            }
            if (!in_segsrc_outside && (rc = cap_text(r, u8, k)) < 0)
                return rc;
            return push(r, K_SKIP);
        }
        if (kind < 0) {
            r->skip = r->depth + 1;
            return push(r, K_SKIP);
        }
        if (r->v2 && (kind == CONCORD_CODE_BPT || kind == CONCORD_CODE_EPT)) {
            /* sc/ec and sm/em: an end before its start is an error (2.x processing
               requirements); targets are checked apart from sources */
            int t = r->whole_role == CC_DOC_TARGET;
            strset *set = l[0] == 's' && l[1] == 'c'   ? &r->sc_ids[t]
                          : l[0] == 'e' && l[1] == 'c' ? &r->sc_ids[t]
                                                       : &r->sm_ids[t];
            if (kind == CONCORD_CODE_BPT && attr(a, n, "id")) {
                if ((rc = strset_add(set, attr(a, n, "id"))) < 0)
                    return rc;
            } else if (kind == CONCORD_CODE_EPT) {
                const char *sr = attr(a, n, "startRef");
                const char *iso = attr(a, n, "isolated");
                if (sr && !(iso && strcmp(iso, "yes") == 0) && !strset_has(set, sr))
                    return cc_xml_error(x, CONCORD_EPARSE, "<%s> before its start (startRef %s)",
                                        el->qname, sr);
            }
        }
        if (paired) {
            if (!in_segsrc_outside && (rc = paired_tag(r, el, a, n, 0)) < 0)
                return rc;
            return push(r, K_PAIRED);
        }
        if ((rc = code_begin(r, el, a, n, kind)) < 0)
            return rc;
        return push(r, K_CODE);
    }
    if (strcmp(l, "file") == 0) {
        r->nfiles++;
        strset_clear(&r->unit_ids);
        r->path.len = 0;
        if (r->path.data)
            r->path.data[0] = '\0';
        r->gdepth = 0;
        if (r->v2) {
            const char *id = attr(a, n, "id");
            if (!id || !nmtoken(id))
                return cc_xml_error(x, CONCORD_EPARSE, "file id \"%s\" is not an NMTOKEN",
                                    id ? id : "");
            if ((rc = strset_add(&r->file_ids, id)) < 0)
                return rc;
            if (rc == 0)
                return cc_xml_error(x, CONCORD_EPARSE, "file id \"%s\" is not unique", id);
        } else {
            cc_free(r->srclang);
            cc_free(r->trglang);
            r->srclang = lang_copy(attr(a, n, "source-language"));
            r->trglang = lang_copy(attr(a, n, "target-language"));
        }
        if ((rc = path_push(r, attr(a, n, "original"), attr(a, n, "translate"))) < 0)
            return rc;
        return push(r, K_FILE);
    }
    if (strcmp(l, "group") == 0 && !r->in_unit) {
        const char *id = attr(a, n, "id");
        if (r->v2 && id && !nmtoken(id))
            return cc_xml_error(x, CONCORD_EPARSE, "group id \"%s\" is not an NMTOKEN", id);
        if ((rc = path_push(r, id, attr(a, n, "translate"))) < 0)
            return rc;
        return push(r, K_GROUP);
    }
    /* a bin-unit's binary is not text, but the trans-units in it are (the text of an image) */
    if (!r->v2 && strcmp(l, "bin-unit") == 0 && !r->in_unit) {
        if ((rc = path_push(r, attr(a, n, "id"), attr(a, n, "translate"))) < 0)
            return rc;
        return push(r, K_GROUP);
    }
    if ((!r->v2 && strcmp(l, "trans-unit") == 0) || (r->v2 && strcmp(l, "unit") == 0)) {
        if (r->in_unit)
            return cc_xml_error(x, CONCORD_EPARSE, "a unit inside a unit");
        if ((rc = unit_begin(r, a, n)) < 0)
            return rc;
        return push(r, K_UNIT);
    }
    if (!r->in_unit)
        return push(r, K_OTHER);
    if (!r->v2 && (strcmp(l, "alt-trans") == 0)) {
        r->skip = r->depth + 1;
        return push(r, K_SKIP);
    }
    cc_xml_pos w = cc_xml_where(x);
    if (r->v2 && (strcmp(l, "segment") == 0 || strcmp(l, "ignorable") == 0) && p == K_UNIT) {
        const char *id = attr(a, n, "id");
        if (id && !nmtoken(id))
            return cc_xml_error(x, CONCORD_EPARSE, "%s id \"%s\" is not an NMTOKEN", l, id);
        r->seg_has_source = r->seg_has_target = 0;
        r->seg_raw = w.offset;
        if (l[0] == 's') {
            r->seg_state = arena_str(r, attr(a, n, "state"));
            if (status20(r->seg_state, 1) < 0)
                return cc_xml_error(x, CONCORD_EPARSE, "segment state \"%s\" is not one of XLIFF 2",
                                    r->seg_state);
            if (r->nsegs == 0)
                r->u.state = r->seg_state;
            return push(r, K_SEGMENT);
        }
        return push(r, K_IGNORABLE);
    }
    if (r->v2 && strcmp(l, "originalData") == 0 && p == K_UNIT) {
        strset_clear(&r->data_ids);
        return push(r, K_ORIGDATA);
    }
    if (r->v2 && strcmp(l, "data") == 0 && p == K_ORIGDATA) {
        const char *id = attr(a, n, "id");
        if (id) {
            if ((rc = strset_add(&r->data_ids, id)) < 0)
                return rc;
            if (rc == 0)
                return cc_xml_error(x, CONCORD_EPARSE, "data id \"%s\" is not unique", id);
        }
        r->skip = r->depth + 1;
        return push(r, K_SKIP);
    }
    if (strcmp(l, "note") == 0 && (p == K_UNIT || (r->v2 && r->depth >= 2))) {
        if (r->notes.len && (rc = cc_buf_putc(&r->notes, '\n')) < 0)
            return rc;
        return push(r, K_NOTE);
    }
    if (strcmp(l, "source") == 0 || strcmp(l, "target") == 0 || strcmp(l, "seg-source") == 0) {
        int tgt = l[0] == 't';
        if (r->v2) {
            if (p != K_SEGMENT && p != K_IGNORABLE)
                return push(r, K_OTHER);
            if (!tgt && r->seg_has_source)
                return cc_xml_error(x, CONCORD_EPARSE, "a second <source> in a %s",
                                    p == K_SEGMENT ? "segment" : "ignorable");
            if (tgt && !r->seg_has_source)
                return cc_xml_error(x, CONCORD_EPARSE, "<target> without a <source> before it");
            if (tgt && r->seg_has_target)
                return cc_xml_error(x, CONCORD_EPARSE, "a second <target> in a segment");
            if (tgt)
                r->seg_has_target = 1;
            else
                r->seg_has_source = 1;
            r->has_source = 1;
            if (p == K_IGNORABLE) {
                r->whole_role = tgt ? CC_DOC_TARGET : CC_DOC_SOURCE;
                return push(r, K_IGNTEXT);
            }
            cap_start(&r->whole);
            r->whole_role = tgt ? CC_DOC_TARGET : CC_DOC_SOURCE;
            r->source_raw = tgt ? r->source_raw : w.offset;
            r->target_raw = w.offset;
            r->source_line = w.line;
            r->source_col = w.column;
            return push(r, tgt ? K_TARGET : K_SOURCE);
        }
        if (p != K_UNIT)
            return push(r, K_OTHER);
        if (l[0] == 's' && l[1] == 'e') {
            r->in_segsource = 1;
            r->whole_role = CC_DOC_SOURCE;
            return push(r, K_SEGSOURCE);
        }
        if (!tgt && r->has_source)
            return cc_xml_error(x, CONCORD_EPARSE, "a second <source> in a trans-unit");
        if (tgt && r->has_target)
            return cc_xml_error(x, CONCORD_EPARSE, "a second <target> in a trans-unit");
        cap_start(&r->whole);
        r->whole_role = tgt ? CC_DOC_TARGET : CC_DOC_SOURCE;
        if (tgt) {
            r->has_target = 1;
            r->target_raw = w.offset;
            r->target_line = w.line;
            r->target_col = w.column;
            r->tstate = arena_str(r, attr(a, n, "state"));
            r->tqual = arena_str(r, attr(a, n, "state-qualifier"));
        } else {
            r->has_source = 1;
            r->source_raw = w.offset;
            r->xu.prefix = arena_str(r, el->prefix);
            r->source_line = w.line;
            r->source_col = w.column;
        }
        return push(r, tgt ? K_TARGET : K_SOURCE);
    }
    return push(r, K_OTHER);
}

static int on_end(cc_xml *x, void *ud, const cc_xml_elem *el)
{
    xr *r = ud;
    r->x = x;
    int rc = 0;
    if (!r->depth)
        return 0;
    int k = r->kinds[--r->depth];
    if (r->code_depth) {
        if (r->depth > r->code_depth)
            return code_end_elem(r, el);
        /* the code ends */
        r->code_depth = 0;
        if ((rc = code_end_elem(r, el)) < 0)
            return rc;
        if (r->in_segsource && !r->seg.on)
            return 0;
        char *s = cc_arena_strndup(&r->arena, r->code.data, r->code.len);
        if (!s)
            return CONCORD_ENOMEM;
        return cap_code(r, r->code_kind, r->code_attrs, s);
    }
    if (r->skip) {
        if (r->depth + 1 == r->skip)
            r->skip = 0;
        return 0;
    }
    cc_xml_pos w = cc_xml_where(x);
    switch (k) {
    case K_PAIRED:
        if (r->in_segsource && !r->seg.on)
            return 0;
        return paired_tag(r, el, NULL, 0, 1);
    case K_SEGMRK: {
        cc_doc_piece pc;
        int tgt = r->whole_role == CC_DOC_TARGET;
        if ((rc = cap_piece(r, &r->seg, &pc, tgt ? CC_DOC_TARGET : CC_DOC_SOURCE, 0, r->seg_src.raw,
                            r->seg_src.at.line, r->seg_src.at.column)) < 0)
            return rc;
        if (tgt) {
            if (cc_grow((void **)&r->tmids, &r->cap_tmids, r->ntsegs + 1, sizeof(char *)) < 0)
                return CONCORD_ENOMEM;
            r->tmids[r->ntsegs] = r->seg_src.lang;
            rc = push_piece(&r->tsegs, &r->ntsegs, &r->cap_tsegs, &pc);
            if (rc >= 0)
                rc = paired_tag(r, el, NULL, 0, 1);
        } else {
            pc.lang = r->seg_src.lang;
            rc = push_piece(&r->ssegs, &r->nssegs, &r->cap_ssegs, &pc);
        }
        return rc;
    }
    case K_SEGSOURCE:
        r->in_segsource = 0;
        r->source_end = end_of(r, w.offset);
        return 0;
    case K_NOTE:
        return 0;
    case K_SOURCE:
    case K_TARGET: {
        cc_doc_piece pc;
        int tgt = k == K_TARGET;
        if (r->v2) {
            size_t s = r->nsegs;
            if ((rc = cap_piece(r, &r->whole, tgt ? &r->seg_tgt : &r->seg_src,
                                tgt ? CC_DOC_TARGET : CC_DOC_SOURCE, s, w.offset, w.line,
                                w.column)) < 0)
                return rc;
            if (!tgt)
                r->xu.seg_ins = end_of(r, w.offset);
            return 0;
        }
        if ((rc = cap_piece(r, &r->whole, &pc, tgt ? CC_DOC_TARGET : CC_DOC_SOURCE, 0, w.offset,
                            w.line, w.column)) < 0)
            return rc;
        if (!tgt) {
            unsigned long long e = end_of(r, w.offset);
            if (e > r->source_end)
                r->source_end = e;
        }
        /* the pieces of an unsegmented unit: source first, target second */
        if (cc_grow((void **)&r->pieces, &r->cap_pieces, 2, sizeof(*r->pieces)) < 0)
            return CONCORD_ENOMEM;
        if (!tgt) {
            r->pieces[0] = pc;
            if (r->npieces < 1)
                r->npieces = 1;
        }
        if (tgt || r->npieces < 2) {
            if (!tgt) {
                memset(&r->pieces[1], 0, sizeof(pc));
                r->pieces[1].role = CC_DOC_TARGET;
                r->pieces[1].text = r->pieces[1].orig = "";
                r->pieces[1].absent = 1;
            } else {
                r->pieces[1] = pc;
            }
            r->npieces = 2;
        }
        return 0;
    }
    case K_SEGMENT: {
        if (!r->seg_has_source)
            return cc_xml_error(x, CONCORD_EPARSE, "segment without source");
        size_t s = r->nsegs;
        if (!r->seg_has_target) {
            memset(&r->seg_tgt, 0, sizeof(r->seg_tgt));
            r->seg_tgt.role = CC_DOC_TARGET;
            r->seg_tgt.seg = s;
            r->seg_tgt.text = r->seg_tgt.orig = "";
            r->seg_tgt.absent = 1;
            r->seg_tgt.raw = r->xu.seg_ins;
            r->seg_tgt.at.offset = (size_t)r->xu.seg_ins;
        }
        r->seg_src.state = r->seg_tgt.state = r->seg_state;
        if ((rc = push_piece(&r->pieces, &r->npieces, &r->cap_pieces, &r->seg_src)) < 0 ||
            (rc = push_piece(&r->pieces, &r->npieces, &r->cap_pieces, &r->seg_tgt)) < 0)
            return rc;
        int st = status20(r->seg_state, r->seg_has_target && r->seg_tgt.len > 0);
        if (st < r->seg_min_status)
            r->seg_min_status = st;
        r->unit_status_set = 1;
        if (cc_grow((void **)&r->segs, &r->cap_segs, r->nsegs + 1, sizeof(*r->segs)) < 0)
            return CONCORD_ENOMEM;
        r->segs[r->nsegs].seg_raw = w.offset;
        r->segs[r->nsegs].tgt_raw = r->seg_tgt.raw;
        r->segs[r->nsegs].present = r->seg_has_target;
        r->nsegs++;
        r->seg_src.lang = NULL;
        return 0;
    }
    case K_UNIT:
        return unit_end(r);
    case K_GROUP:
    case K_FILE:
        path_pop(r);
        return 0;
    default:
        break;
    }
    if (r->depth == 0 && r->nfiles == 0)
        return cc_xml_error(x, CONCORD_EPARSE, "an XLIFF document without a <file>");
    return 0;
}

static int on_text(cc_xml *x, void *ud, const char *s, size_t n)
{
    xr *r = ud;
    (void)x;
    if (r->code_depth) {
        int rc = code_gt(r);
        return rc < 0 ? rc : cc_buf_xml_escape(&r->code, s, n, 0);
    }
    if (r->skip || !r->depth)
        return 0;
    int k = r->kinds[r->depth - 1];
    if (k == K_NOTE)
        return cc_buf_append(&r->notes, s, n);
    if (k == K_SOURCE || k == K_TARGET || k == K_SEGMRK || k == K_PAIRED || k == K_SEGSOURCE) {
        if (r->in_segsource && !r->seg.on)
            return 0;
        return cap_text(r, s, n);
    }
    return 0;
}

/* ---- reading ------------------------------------------------------------------------------- */

static void xr_free(xr *r)
{
    cc_free(r->ns);
    cc_free(r->srclang);
    cc_free(r->trglang);
    strset_clear(&r->file_ids);
    strset_clear(&r->unit_ids);
    strset_clear(&r->data_ids);
    strset_clear(&r->match_ids);
    for (int i = 0; i < 2; i++) {
        strset_clear(&r->sc_ids[i]);
        strset_clear(&r->sm_ids[i]);
    }
    cc_buf_free(&r->path);
    cc_buf_free(&r->notes);
    cc_buf_free(&r->note);
    cc_buf_free(&r->whole.text);
    cc_buf_free(&r->seg.text);
    cc_free(r->whole.codes);
    cc_free(r->seg.codes);
    cc_buf_free(&r->code);
    cc_free(r->pieces);
    cc_free(r->ssegs);
    cc_free(r->tsegs);
    cc_free(r->tmids);
    cc_free(r->segs);
    cc_arena_free(&r->arena);
    if (r->raw_ok)
        cc_xlraw_close(&r->raw);
}

/* Is the input ASCII-compatible (not UTF-16 or UTF-32), so that its markup can be lexed? */
static int ascii_compatible(cc_xlraw *raw)
{
    int b0 = cc_xlraw_byte(raw, 0), b1 = cc_xlraw_byte(raw, 1);
    if (b0 == 0xFE || b0 == 0xFF || b0 == 0 || b1 == 0)
        return 0;
    if (b0 == 0x1F && b1 == 0x8B) /* gzip: offsets are into the decompressed input */
        return 0;
    return 1;
}

static int xliff_read(const char *path, const char *data, size_t len, cc_doc_unit_fn fn, void *ud)
{
    xr *r = cc_calloc(1, sizeof(*r));
    if (!r)
        return cc_error_oom();
    r->name = path ? path : "<memory>";
    r->fn = fn;
    r->ud = ud;
    int rc = cc_xlraw_open(&r->raw, path, data, len, 0);
    if (rc < 0) {
        cc_free(r);
        return rc;
    }
    r->raw_ok = ascii_compatible(&r->raw);
    if (!r->raw_ok)
        cc_xlraw_close(&r->raw);
    cc_xml_handlers h = {on_start, on_end, on_text, NULL};
    if (data)
        rc = cc_xml_parse_memory(data, len, r->name, &h, r);
    else
        rc = cc_xml_parse_file(path, &h, r);
    if (rc == 0 && !r->root_seen)
        rc = cc_error_set_at(CONCORD_EPARSE, r->name, 1, 1, 0, "an empty document");
    xr_free(r);
    cc_free(r);
    return rc;
}

int cc_doc_read_xliff(const char *path, const char *data, size_t len, cc_doc_unit_fn fn, void *ud)
{
    return xliff_read(path, data, len, fn, ud);
}

/* ---- the writer ---------------------------------------------------------------------------- */

/*
 * The rewrite is the reader run once more with a unit callback that copies
 * the input up to each change (the raw offsets the reader recorded), writes
 * the change and skips what it replaces. Units come in order and their
 * changes are in order within a unit, so the input is read once, forward.
 */
typedef struct xw {
    cc_doc_edit_fn edit;
    void *eud;
    cc_doc_write_fn write;
    void *wud;
    cc_xlraw in;
    unsigned long long done; /* the input is written up to here */
    cc_conv *conv;           /* the file's charset, NULL for UTF-8 */
    int probed;
    cc_buf out, tmp, enc;
} xw;

static int flush_out(xw *w)
{
    int rc = 0;
    if (w->out.len)
        rc = w->write(w->out.data, w->out.len, w->wud);
    w->out.len = 0;
    return rc;
}

/* Copy the input [w->done, to) to the output. */
static int copy_to(xw *w, unsigned long long to)
{
    while (w->done < to) {
        unsigned long long n = to - w->done;
        size_t k = n > (1u << 16) ? (1u << 16) : (size_t)n;
        int rc = cc_xlraw_copy(&w->in, w->done, k, &w->out);
        if (rc < 0)
            return rc;
        w->done += k;
        if (w->out.len >= (1u << 16) && (rc = flush_out(w)) < 0)
            return rc;
    }
    return 0;
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        x = x >= 'A' && x <= 'Z' ? x + 32 : x;
        y = y >= 'A' && y <= 'Z' ? y + 32 : y;
        if (x != y || !x)
            return x - y;
    }
}

/* The charset of the XML declaration, if it is not UTF-8 (or ASCII). */
static int probe_charset(cc_xlraw *in, cc_conv **conv)
{
    char decl[256];
    size_t n = 0;
    int c;
    while (n + 1 < sizeof(decl) && (c = cc_xlraw_byte(in, n)) >= 0 && c != '>')
        decl[n++] = (char)c;
    decl[n] = '\0';
    char *d = strstr(decl, "<?xml");
    char *e = d ? strstr(d, "encoding") : NULL;
    if (!e)
        return 0;
    e += 8;
    while (*e == ' ' || *e == '=' || *e == '\t')
        e++;
    char q = *e;
    if (q != '"' && q != '\'')
        return 0;
    char *end = strchr(e + 1, q);
    if (!end)
        return 0;
    *end = '\0';
    const char *cs = e + 1;
    if (ascii_casecmp(cs, "UTF-8") == 0 || ascii_casecmp(cs, "UTF8") == 0 ||
        ascii_casecmp(cs, "US-ASCII") == 0 || ascii_casecmp(cs, "ASCII") == 0)
        return 0;
    int rc = cc_conv_open(conv, cs);
    if (rc < 0)
        return rc;
    /*
     * The raw input is lexed as bytes: the charset must write markup as ASCII
     * does, one byte a character, and have no shift states (UTF-7, ISO-2022,
     * HZ), in which the reader's offsets are not exact (xml.h).
     */
    static const char markup[] = "<?xml/>&#;\"'= \t\r\n!-[]:._abcxyzABCXYZ0129";
    cc_buf b = CC_BUF_INIT;
    size_t bad;
    /* the name as declared (ICU's canonical names have digits of their own), lower case */
    char name[64];
    size_t k = 0;
    for (; cs[k] && k + 1 < sizeof(name); k++)
        name[k] = (char)(cs[k] >= 'A' && cs[k] <= 'Z' ? cs[k] + 32 : cs[k]);
    name[k] = '\0';
    int same = cc_conv_from_utf8(*conv, markup, sizeof(markup) - 1, &b, &bad) == 0 &&
               b.len == sizeof(markup) - 1 && memcmp(b.data, markup, b.len) == 0 &&
               !strstr(name, "utf-7") && !strstr(name, "utf7") && !strstr(name, "2022") &&
               !strstr(name, "hz");
    cc_buf_free(&b);
    if (!same) {
        cc_conv_close(*conv);
        *conv = NULL;
        return cc_error_set(CONCORD_EUNSUPPORTED,
                            "XLIFF in %s is not rewritten or located (its markup is not ASCII)",
                            cs);
    }
    return 0;
}

/* Is the document XLIFF 2 (its namespace near the start)? For the locator's names. */
static int probe_v2(cc_xlraw *in)
{
    char head[8192];
    size_t n = 0;
    int c;
    while (n + 1 < sizeof(head) && (c = cc_xlraw_byte(in, n)) >= 0)
        head[n++] = c ? (char)c : ' ';
    head[n] = '\0';
    return strstr(head, NS20) != NULL;
}

/* Append UTF-8 markup s[0..n) in the file's charset (a character it cannot hold as &#N;). */
static int put_enc(xw *w, const char *s, size_t n)
{
    if (!w->conv)
        return cc_buf_append(&w->out, s, n);
    while (n) {
        size_t bad = 0;
        int rc = cc_conv_from_utf8(w->conv, s, n, &w->out, &bad);
        if (rc == 0)
            return 0;
        if (rc != CONCORD_EENCODING || bad >= n)
            return rc;
        /* the character at bad, as a reference */
        const unsigned char *p = (const unsigned char *)s + bad;
        unsigned long cp;
        size_t k;
        if (p[0] < 0x80)
            cp = p[0], k = 1;
        else if (p[0] < 0xE0)
            cp = p[0] & 0x1F, k = 2;
        else if (p[0] < 0xF0)
            cp = p[0] & 0x0F, k = 3;
        else
            cp = p[0] & 0x07, k = 4;
        for (size_t i = 1; i < k && bad + i < n; i++)
            cp = (cp << 6) | (p[i] & 0x3F);
        if ((rc = cc_buf_printf(&w->out, "&#%lu;", cp)) < 0)
            return rc;
        s += bad + k;
        n -= bad + k < n ? bad + k : n;
    }
    return 0;
}

/* Is the code's content this document's own markup (as the reader gave it)? */
static int own_markup(int v2, const char *prefix, const char *c)
{
    if (!c || c[0] != '<')
        return 0;
    c += c[1] == '/' ? 2 : 1;
    if (prefix) {
        size_t pl = strlen(prefix);
        if (strncmp(c, prefix, pl) != 0 || c[pl] != ':')
            return 0;
        c += pl + 1;
    }
    char name[16];
    size_t n = strcspn(c, " \t\r\n/>");
    if (n == 0 || n >= sizeof(name))
        return 0;
    memcpy(name, c, n);
    name[n] = '\0';
    int paired;
    return inline_kind(v2, name, &paired) >= 0;
}

static int xml_forbidden(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

/* The markup of a target's content: text escaped, codes put back. UTF-8 into b. */
static int render(cc_buf *b, int v2, const char *prefix, const cc_doc_target *t)
{
    int rc = 0;
    size_t at = 0, open = 0, nid = 0;
    const char *pf = prefix ? prefix : "";
    const char *colon = prefix ? ":" : "";
    for (size_t i = 0; i <= t->ncodes && rc >= 0; i++) {
        size_t off = i < t->ncodes ? t->codes[i].offset : t->len;
        if (off > t->len)
            off = t->len;
        /* characters XML 1.0 cannot hold: 2.x has <cp> for them, 1.2 nothing (dropped) */
        while (at < off && rc >= 0) {
            size_t e = at;
            while (e < off && !xml_forbidden((unsigned char)t->text[e]))
                e++;
            rc = cc_buf_xml_escape(b, t->text + at, e - at, 0);
            if (e < off && rc >= 0 && v2)
                rc = cc_buf_printf(b, "<%s%scp hex=\"%04X\"/>", pf, colon,
                                   (unsigned)(unsigned char)t->text[e]);
            at = e < off ? e + 1 : e;
        }
        if (i == t->ncodes || rc < 0)
            break;
        const concord_code *k = &t->codes[i];
        if (own_markup(v2, prefix, k->content)) {
            rc = cc_buf_puts(b, k->content);
            continue;
        }
        /* a code from elsewhere: a generic one of this format */
        nid++;
        if (k->kind == CONCORD_CODE_BPT) {
            open++;
            rc = v2 ? cc_buf_printf(b, "<%s%ssc id=\"c%zu\"/>", pf, colon, nid)
                    : cc_buf_printf(b, "<%s%sbx id=\"c%zu\"/>", pf, colon, nid);
        } else if (k->kind == CONCORD_CODE_EPT && v2) {
            rc = cc_buf_printf(b, "<%s%sec id=\"c%zu\" isolated=\"yes\"/>", pf, colon, nid);
        } else if (k->kind == CONCORD_CODE_EPT) {
            rc = cc_buf_printf(b, "<%s%sex id=\"c%zu\"/>", pf, colon, nid);
        } else {
            rc = v2 ? cc_buf_printf(b, "<%s%sph id=\"c%zu\"/>", pf, colon, nid)
                    : cc_buf_printf(b, "<%s%sx id=\"c%zu\"/>", pf, colon, nid);
        }
    }
    (void)open;
    return rc;
}

/*
 * The start tag at lt (its bytes, into w->tmp) with attribute `name` set to
 * value: replaced where it is, else added before the '>'. *end gets the
 * offset just after the tag, *empty whether it was "/>" (then the '/' is
 * dropped when open is set, for content to follow).
 */
static int start_tag_with(xw *w, unsigned long long lt, const char *name, const char *value,
                          int open, unsigned long long *end, int *empty)
{
    unsigned long long te, ce, e;
    int rc = cc_xlraw_element(&w->in, lt, &te, &ce, &e, empty);
    if (rc < 0)
        return rc;
    *end = te;
    w->tmp.len = 0;
    if ((rc = cc_xlraw_copy(&w->in, lt, (size_t)(te - lt), &w->tmp)) < 0)
        return rc;
    char *s = w->tmp.data;
    size_t n = w->tmp.len;
    size_t close = n - 1 - (*empty ? 1 : 0); /* the '>' or the "/>" */
    /* attributes: after the name, name="value" pairs */
    size_t i = strcspn(s, " \t\r\n/>");
    size_t vs = 0, ve = 0;
    while (i < close) {
        while (i < close && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        size_t ns = i;
        while (i < close && s[i] != '=' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
               s[i] != '\n')
            i++;
        size_t ne = i;
        while (i < close && s[i] != '"' && s[i] != '\'')
            i++;
        if (i >= close)
            break;
        char q = s[i++];
        size_t a = i;
        while (i < n && s[i] != q)
            i++;
        if (ne - ns == strlen(name) && strncmp(s + ns, name, ne - ns) == 0) {
            vs = a;
            ve = i;
        }
        i++;
    }
    cc_buf t = CC_BUF_INIT;
    if (ve) {
        rc = cc_buf_append(&t, s, vs);
        if (rc >= 0)
            rc = cc_buf_xml_escape(&t, value, strlen(value), 1);
        if (rc >= 0)
            rc = cc_buf_append(&t, s + ve, close - ve);
    } else {
        rc = cc_buf_append(&t, s, close);
        if (rc >= 0)
            rc = cc_buf_printf(&t, " %s=\"%s\"", name, value);
    }
    if (rc >= 0)
        rc = cc_buf_puts(&t, *empty && !open ? "/>" : ">");
    if (rc >= 0) {
        w->tmp.len = 0;
        rc = cc_buf_append(&w->tmp, t.data, t.len);
    }
    cc_buf_free(&t);
    return rc;
}

/* The line end and indentation of the line the element at lt starts, into b. */
static int line_of(xw *w, unsigned long long lt, cc_buf *b)
{
    unsigned long long s = lt;
    while (s > 0) {
        int c = cc_xlraw_byte(&w->in, s - 1);
        if (c != ' ' && c != '\t')
            break;
        s--;
    }
    int c = s > 0 ? cc_xlraw_byte(&w->in, s - 1) : -1;
    if (c != '\n' && c != '\r')
        return 0; /* not at the start of a line: no line break either */
    int rc;
    if (c == '\n' && s >= 2 && cc_xlraw_byte(&w->in, s - 2) == '\r')
        rc = cc_buf_puts(b, "\r\n");
    else
        rc = cc_buf_putc(b, (char)c);
    if (rc >= 0)
        rc = cc_xlraw_copy(&w->in, s, (size_t)(lt - s), b);
    return rc;
}

/* Write new content for the element at lt (keeping its start tag, or as tag_bytes). */
static int replace_content(xw *w, unsigned long long lt, const char *qname, const cc_buf *tag,
                           const cc_buf *content)
{
    unsigned long long te, ce, e;
    int empty;
    int rc = cc_xlraw_element(&w->in, lt, &te, &ce, &e, &empty);
    if (rc < 0 || (rc = copy_to(w, lt)) < 0)
        return rc;
    if (tag)
        rc = cc_buf_append(&w->out, tag->data, tag->len);
    else if (empty) {
        /* <mrk .../> : the tag without its '/' */
        w->tmp.len = 0;
        if ((rc = cc_xlraw_copy(&w->in, lt, (size_t)(te - lt - 2), &w->tmp)) >= 0 &&
            (rc = cc_buf_append(&w->out, w->tmp.data, w->tmp.len)) >= 0)
            rc = cc_buf_putc(&w->out, '>');
    } else
        rc = cc_xlraw_copy(&w->in, lt, (size_t)(te - lt), &w->out);
    if (rc >= 0)
        rc = put_enc(w, content->data ? content->data : "", content->len);
    if (rc < 0)
        return rc;
    if (empty) {
        rc = cc_buf_printf(&w->out, "</%s>", qname);
        w->done = e;
    } else {
        w->done = ce; /* the end tag is copied as it is */
    }
    return rc;
}

static const cc_doc_target *target_for(const cc_doc_edit *e, size_t seg)
{
    for (size_t i = 0; i < e->ntargets; i++)
        if (e->targets[i].seg == seg)
            return &e->targets[i];
    return NULL;
}

static int rewrite_unit(const cc_doc_unit *u, void *ud)
{
    xr *r = (xr *)((char *)u - offsetof(xr, u));
    xw *w = ud;
    cc_doc_edit e;
    memset(&e, 0, sizeof(e));
    int rc = w->edit(u, &e, w->eud);
    if (rc < 0)
        return rc;
    if (!e.ntargets || !u->translate)
        return 0;
    const xunit *x = &r->xu;
    const char *pf = x->prefix;
    char qtarget[128], qmrk[128];
    snprintf(qtarget, sizeof(qtarget), "%s%starget", pf ? pf : "", pf ? ":" : "");
    snprintf(qmrk, sizeof(qmrk), "%s%smrk", pf ? pf : "", pf ? ":" : "");
    const char *state = state_name(r->v2, e.status);
    cc_buf content = CC_BUF_INIT, tagb = CC_BUF_INIT, lb = CC_BUF_INIT;
    if (r->v2) {
        for (size_t s = 0; s < r->nsegs && rc >= 0; s++) {
            const cc_doc_target *t = target_for(&e, s);
            if (!t)
                continue;
            const xseg *g = &r->segs[s];
            unsigned long long end;
            int empty;
            /* the state is the segment's */
            if ((rc = start_tag_with(w, g->seg_raw, "state", state, 0, &end, &empty)) < 0 ||
                (rc = copy_to(w, g->seg_raw)) < 0 ||
                (rc = cc_buf_append(&w->out, w->tmp.data, w->tmp.len)) < 0)
                break;
            w->done = end;
            content.len = 0;
            if ((rc = render(&content, 1, pf, t)) < 0)
                break;
            if (g->present) {
                rc = replace_content(w, g->tgt_raw, qtarget, NULL, &content);
            } else {
                lb.len = 0;
                const cc_doc_piece *src = &u->pieces[2 * s];
                if ((rc = copy_to(w, g->tgt_raw)) < 0 || (rc = line_of(w, src->raw, &lb)) < 0)
                    break;
                if ((rc = cc_buf_append(&w->out, lb.data, lb.len)) >= 0 &&
                    (rc = cc_buf_printf(&w->out, "<%s>", qtarget)) >= 0 &&
                    (rc = put_enc(w, content.data ? content.data : "", content.len)) >= 0)
                    rc = cc_buf_printf(&w->out, "</%s>", qtarget);
            }
        }
        goto done;
    }
    if (!x->segmented) {
        const cc_doc_target *t = target_for(&e, 0);
        if (!t)
            goto done;
        if ((rc = render(&content, 0, pf, t)) < 0)
            goto done;
        if (x->target_present) {
            unsigned long long end;
            int empty;
            if ((rc = start_tag_with(w, x->target_raw, "state", state, 1, &end, &empty)) < 0)
                goto done;
            rc = cc_buf_append(&tagb, w->tmp.data, w->tmp.len);
            if (rc >= 0)
                rc = replace_content(w, x->target_raw, qtarget, &tagb, &content);
        } else {
            if ((rc = copy_to(w, x->insert_at)) < 0 || (rc = line_of(w, x->source_raw, &lb)) < 0)
                goto done;
            if ((rc = cc_buf_append(&w->out, lb.data, lb.len)) >= 0 &&
                (rc = cc_buf_printf(&w->out, "<%s state=\"%s\">", qtarget, state)) >= 0 &&
                (rc = put_enc(w, content.data ? content.data : "", content.len)) >= 0)
                rc = cc_buf_printf(&w->out, "</%s>", qtarget);
        }
        goto done;
    }
    /* 1.2 with seg-source: a target <mrk> per segment */
    size_t nseg = u->npieces / 2;
    if (!x->target_present) {
        if ((rc = copy_to(w, x->insert_at)) < 0 || (rc = line_of(w, x->source_raw, &lb)) < 0)
            goto done;
        rc = cc_buf_append(&w->out, lb.data, lb.len);
        if (rc >= 0)
            rc = cc_buf_printf(&w->out, "<%s state=\"%s\">", qtarget, state);
        for (size_t s = 0; s < nseg && rc >= 0; s++) {
            const cc_doc_target *t = target_for(&e, s);
            content.len = 0;
            if (t && (rc = render(&content, 0, pf, t)) < 0)
                break;
            tagb.len = 0;
            if ((rc = cc_buf_xml_escape(&tagb, x->mids[s], strlen(x->mids[s]), 1)) < 0 ||
                (rc = cc_buf_printf(&w->out, "<%s mtype=\"seg\" mid=\"", qmrk)) < 0 ||
                (rc = put_enc(w, tagb.data ? tagb.data : "", tagb.len)) < 0 ||
                (rc = cc_buf_puts(&w->out, "\">")) < 0 ||
                (rc = put_enc(w, content.data ? content.data : "", content.len)) < 0)
                break;
            rc = cc_buf_printf(&w->out, "</%s>", qmrk);
        }
        if (rc >= 0)
            rc = cc_buf_printf(&w->out, "</%s>", qtarget);
        goto done;
    }
    /* the target's start tag with its state, then each segment's mrk */
    {
        unsigned long long end, te, ce, ee;
        int empty;
        if ((rc = start_tag_with(w, x->target_raw, "state", state, 0, &end, &empty)) < 0 ||
            (rc = copy_to(w, x->target_raw)) < 0 ||
            (rc = cc_buf_append(&w->out, w->tmp.data, w->tmp.len)) < 0)
            goto done;
        w->done = end;
        if ((rc = cc_xlraw_element(&w->in, x->target_raw, &te, &ce, &ee, &empty)) < 0)
            goto done;
        for (size_t s = 0; s < nseg && rc >= 0; s++) {
            const cc_doc_target *t = target_for(&e, s);
            const cc_doc_piece *tp = &u->pieces[2 * s + 1];
            if (!t || tp->absent)
                continue;
            content.len = 0;
            if ((rc = render(&content, 0, pf, t)) >= 0)
                rc = replace_content(w, tp->raw, qmrk, NULL, &content);
        }
        /* segments the target lacks: their mrk before </target> */
        for (size_t s = 0; s < nseg && rc >= 0 && !empty; s++) {
            const cc_doc_target *t = target_for(&e, s);
            const cc_doc_piece *tp = &u->pieces[2 * s + 1];
            if (!t || !tp->absent)
                continue;
            content.len = 0;
            tagb.len = 0;
            if ((rc = copy_to(w, ce)) < 0 || (rc = render(&content, 0, pf, t)) < 0 ||
                (rc = cc_buf_xml_escape(&tagb, x->mids[s], strlen(x->mids[s]), 1)) < 0 ||
                (rc = cc_buf_printf(&w->out, "<%s mtype=\"seg\" mid=\"", qmrk)) < 0 ||
                (rc = put_enc(w, tagb.data ? tagb.data : "", tagb.len)) < 0 ||
                (rc = cc_buf_puts(&w->out, "\">")) < 0 ||
                (rc = put_enc(w, content.data ? content.data : "", content.len)) < 0)
                break;
            rc = cc_buf_printf(&w->out, "</%s>", qmrk);
        }
    }
done:
    cc_buf_free(&content);
    cc_buf_free(&tagb);
    cc_buf_free(&lb);
    if (rc >= 0 && w->out.len >= (1u << 16))
        rc = flush_out(w);
    return rc;
}

int cc_doc_rewrite_xliff(const char *path, const char *data, size_t len, cc_doc_edit_fn edit,
                         void *eud, cc_doc_write_fn write, void *wud)
{
    xw w;
    memset(&w, 0, sizeof(w));
    w.edit = edit;
    w.eud = eud;
    w.write = write;
    w.wud = wud;
    int rc = cc_xlraw_open(&w.in, path, data, len, 0);
    if (rc < 0)
        return rc;
    if (!ascii_compatible(&w.in)) {
        rc = cc_error_set(CONCORD_EUNSUPPORTED,
                          "%s: XLIFF in UTF-16, UTF-32 or gzip is not "
                          "rewritten",
                          path ? path : "<memory>");
        goto done;
    }
    if ((rc = probe_charset(&w.in, &w.conv)) < 0)
        goto done;
    if ((rc = xliff_read(path, data, len, rewrite_unit, &w)) < 0)
        goto done;
    /* the rest of the input */
    for (;;) {
        if (cc_xlraw_byte(&w.in, w.done) < 0)
            break;
        unsigned long long to = w.done + (1u << 16);
        if (w.in.mem && to > w.in.mlen)
            to = w.in.mlen;
        else if (!w.in.mem && to > w.in.woff + w.in.wlen)
            to = w.in.woff + w.in.wlen;
        if ((rc = copy_to(&w, to)) < 0)
            goto done;
    }
    rc = flush_out(&w);
done:
    cc_conv_close(w.conv);
    cc_xlraw_close(&w.in);
    cc_buf_free(&w.out);
    cc_buf_free(&w.tmp);
    cc_buf_free(&w.enc);
    return rc;
}

/* ---- the locator --------------------------------------------------------------------------- */

/*
 * A walk over the raw bytes of a piece's element that counts its text as the
 * reader delivers it: references are the character they stand for, CR LF
 * and a lone CR are one LF, CDATA is its characters, the tags of g, mrk and
 * pc are skipped and their content counted, a code (bpt, ph, x, sc, ...) and
 * any other element are skipped whole, <cp/> is its character.
 */
typedef struct cursor {
    cc_xlraw *r;
    cc_conv *conv; /* a single-byte charset, NULL for UTF-8 */
    cc_buf one;
    unsigned long long off;
    cc_doc_pos pos;
} cursor;

static int cur_byte(cursor *c, unsigned long long ahead)
{
    return cc_xlraw_byte(c->r, c->off + ahead);
}

/* Move over n bytes, keeping the line and the columns. */
static void cur_adv(cursor *c, unsigned long long n)
{
    for (; n; n--) {
        int b = cur_byte(c, 0);
        if (b < 0)
            return;
        if (b == '\n' || (b == '\r' && cur_byte(c, 1) != '\n')) {
            c->pos.line++;
            c->pos.column = c->pos.byte_column = 1;
        } else {
            c->pos.byte_column++;
            if (b != '\r' && (c->conv || (b & 0xC0) != 0x80))
                c->pos.column++;
        }
        c->off++;
        c->pos.offset = (size_t)c->off;
    }
}

static int cur_at(cursor *c, const char *s)
{
    for (unsigned long long i = 0; s[i]; i++)
        if (cur_byte(c, i) != (unsigned char)s[i])
            return 0;
    return 1;
}

static size_t utf8_len_of(unsigned long cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* The character at the cursor: *bytes in the file, *len in UTF-8 text. */
static int cur_char(cursor *c, size_t *bytes, size_t *len)
{
    int b = cur_byte(c, 0);
    if (b < 0)
        return CONCORD_EPARSE;
    if (b == '\r') {
        *bytes = cur_byte(c, 1) == '\n' ? 2 : 1;
        *len = 1;
        return 0;
    }
    if (b < 0x80) {
        *bytes = *len = 1;
        return 0;
    }
    if (!c->conv) {
        *bytes = *len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return 0;
    }
    char ch = (char)b;
    c->one.len = 0;
    cc_conv_reset(c->conv);
    if (cc_conv_to_utf8(c->conv, &ch, 1, 1, &c->one, NULL) < 0 || !c->one.len)
        return cc_error_set(CONCORD_EUNSUPPORTED, "a charset of more than one byte a character");
    *bytes = 1;
    *len = c->one.len;
    return 0;
}

/* A reference at the cursor ('&'): *bytes up to its ';', *len of its character. */
static int cur_ref(cursor *c, size_t *bytes, size_t *len)
{
    char s[16];
    size_t n = 0;
    int b;
    while (n + 1 < sizeof(s) && (b = cur_byte(c, n)) >= 0 && b != ';')
        s[n++] = (char)b;
    s[n] = '\0';
    if (cur_byte(c, n) != ';')
        return CONCORD_EPARSE;
    *bytes = n + 1;
    if (s[1] == '#') {
        unsigned long cp = s[2] == 'x' ? strtoul(s + 3, NULL, 16) : strtoul(s + 2, NULL, 10);
        *len = utf8_len_of(cp);
    } else {
        *len = 1; /* amp, lt, gt, quot, apos */
    }
    return 0;
}

/* The local name of the tag at the cursor ('<'), into out. */
static void cur_name(cursor *c, char *out, size_t size)
{
    size_t n = 0, k = 1;
    int b;
    while ((b = cur_byte(c, k)) >= 0 && b != ' ' && b != '\t' && b != '\r' && b != '\n' &&
           b != '/' && b != '>') {
        if (b == ':')
            n = 0;
        else if (n + 1 < size)
            out[n++] = (char)b;
        k++;
    }
    out[n] = '\0';
}

/* The hex attribute of a <cp/> at the cursor, as the length of its character. */
static size_t cur_cp_len(cursor *c, unsigned long long tag_end)
{
    cc_buf t = CC_BUF_INIT;
    size_t len = 1;
    if (cc_xlraw_copy(c->r, c->off, (size_t)(tag_end - c->off), &t) == 0 && t.data) {
        const char *h = strstr(t.data, "hex=");
        if (h && (h[4] == '"' || h[4] == '\''))
            len = utf8_len_of(strtoul(h + 5, NULL, 16));
    }
    cc_buf_free(&t);
    return len;
}

static int locate(cursor *c, int v2, const cc_doc_piece *p, size_t off)
{
    unsigned long long te, ce, e;
    int empty, rc;
    if (p->absent)
        return 0; /* where the target would go */
    if ((rc = cc_xlraw_element(c->r, c->off, &te, &ce, &e, &empty)) < 0)
        return rc;
    /* <mrk/>: its text is empty, and where it is is the element */
    if (empty)
        return off == 0 ? 0 : cc_error_set(CONCORD_EINVAL, "offset %zu past the text", off);
    cur_adv(c, te - c->off);
    size_t k = 0, depth = 0;
    int cdata = 0;
    for (;;) {
        size_t bytes = 0, len = 0;
        int b = cur_byte(c, 0);
        if (b < 0)
            return cc_error_set(CONCORD_EPARSE, "the piece's element does not end");
        if (cdata) {
            if (cur_at(c, "]]>")) {
                cur_adv(c, 3);
                cdata = 0;
                continue;
            }
            if ((rc = cur_char(c, &bytes, &len)) < 0)
                return rc;
        } else if (b == '<') {
            if (cur_at(c, "<!--") || cur_at(c, "<?")) {
                unsigned long long from = c->off;
                int cm = cur_at(c, "<!--");
                cur_adv(c, 2);
                while (cur_byte(c, 0) >= 0 && !cur_at(c, cm ? "-->" : "?>"))
                    cur_adv(c, 1);
                cur_adv(c, cm ? 3 : 2);
                (void)from;
                continue;
            }
            if (cur_at(c, "<![CDATA[")) {
                cur_adv(c, 9);
                cdata = 1;
                continue;
            }
            if (cur_byte(c, 1) == '/') {
                if (depth == 0)
                    return off == k ? 0
                                    : cc_error_set(CONCORD_EINVAL, "offset %zu past the text", off);
                depth--;
                while (cur_byte(c, 0) >= 0 && cur_byte(c, 0) != '>')
                    cur_adv(c, 1);
                cur_adv(c, 1);
                continue;
            }
            char name[16];
            cur_name(c, name, sizeof(name));
            if ((rc = cc_xlraw_element(c->r, c->off, &te, &ce, &e, &empty)) < 0)
                return rc;
            int paired = 0;
            int kind = inline_kind(v2, name, &paired);
            if (v2 && strcmp(name, "cp") == 0) {
                len = cur_cp_len(c, te);
                bytes = (size_t)(e - c->off);
            } else if (kind >= 0 && paired) {
                cur_adv(c, te - c->off);
                if (!empty)
                    depth++;
                continue;
            } else {
                cur_adv(c, e - c->off); /* a code, or what the reader skips */
                continue;
            }
        } else if (b == '&') {
            if ((rc = cur_ref(c, &bytes, &len)) < 0)
                return rc;
        } else if ((rc = cur_char(c, &bytes, &len)) < 0) {
            return rc;
        }
        /* a character of the text: the one that holds offset off? */
        if (off < k + len)
            return 0;
        k += len;
        cur_adv(c, bytes);
    }
}

int cc_doc_locate_xliff(const char *path, const char *data, size_t len, const cc_doc_piece *p,
                        size_t off, cc_doc_pos *out)
{
    cc_xlraw in;
    cursor c;
    memset(&c, 0, sizeof(c));
    int rc = cc_xlraw_open(&in, path, data, len, 1);
    if (rc < 0)
        return rc;
    c.r = &in;
    if (!ascii_compatible(&in)) {
        rc = cc_error_set(CONCORD_EUNSUPPORTED, "XLIFF in UTF-16, UTF-32 or gzip is not located");
        goto done;
    }
    if ((rc = probe_charset(&in, &c.conv)) < 0)
        goto done;
    /* the line of the element (the reader's), its columns from the start of its line */
    c.off = p->raw;
    unsigned long long s = p->raw;
    while (s > 0) {
        int b = cc_xlraw_byte(&in, s - 1);
        if (b == '\n' || b == '\r' || b < 0)
            break;
        s--;
    }
    c.pos.line = p->at.line;
    if (!c.pos.line) {
        /* an absent target has no line of its own: count */
        cursor w = c;
        w.off = 0;
        w.pos.line = 1;
        w.pos.column = w.pos.byte_column = 1;
        cur_adv(&w, s);
        c.pos.line = w.pos.line;
    }
    c.off = s;
    c.pos.column = c.pos.byte_column = 1;
    c.pos.offset = (size_t)s;
    unsigned long line = c.pos.line;
    cur_adv(&c, p->raw - s);
    c.pos.line = line;
    rc = locate(&c, probe_v2(&in), p, off);
    *out = c.pos;
done:
    cc_conv_close(c.conv);
    cc_buf_free(&c.one);
    cc_xlraw_close(&in);
    return rc;
}
