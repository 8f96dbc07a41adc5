/*
 * units.c — a bilingual document (XLIFF, PO) read as TM units, for import
 * (concord/doc.h says what becomes a unit and what does not). One document
 * unit gives one TM unit per segment that has a translation: two variants,
 * the source and the target, with the document's context as props and its
 * inline codes turned into the TM's (paired halves numbered, the file's
 * markup kept, escaped, as the native code).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "concord/doc.h"
#include "concord/text.h"
#include "doc/doc.h"
#include "text/unicode.h"

int concord_doc_detect(concord_doc_format *out, const char *path)
{
    cc_doc_format f = CC_DOC_TEXT;
    int rc = cc_doc_sniff_file(path, &f);
    *out = (concord_doc_format)f;
    return rc;
}

const char *concord_doc_format_name(concord_doc_format f)
{
    return cc_doc_format_name((cc_doc_format)f);
}

typedef struct units_run {
    const char *path;
    const concord_tmx_callbacks *cb;
    const char *source_lang, *target_lang; /* the caller's, canonical, or NULL */
    int include_fuzzy;
    cc_buf scratch; /* attrs and contents of the codes of one unit */
    cc_buf text;    /* its two texts, NUL-terminated */
    concord_code *codes;
    size_t codes_cap;
    size_t *code_at; /* where each code's attrs and content are in scratch */
    size_t code_at_cap;
    long *num; /* convert_codes() */
    size_t num_cap;
} units_run;

/* The language `have` from the file, else `given`; both: they must agree. */
static int pick_lang(const units_run *r, const cc_doc_unit *u, const char *have, const char *given,
                     const char *what, const char **out)
{
    if (have && given && !cc_lang_primary_eq(have, given))
        return cc_error_set_at(CONCORD_EINVAL, r->path, u->line, 0, 0,
                               "the file's %s language is %s, the option says %s", what, have,
                               given);
    *out = have ? have : given;
    if (!*out)
        return cc_error_set_at(CONCORD_EINVAL, r->path, u->line, 0, 0,
                               "the file does not say its %s language; give it (--%s)", what,
                               strcmp(what, "source") == 0 ? "from" : "to");
    return 0;
}

static const cc_doc_piece *piece_of(const cc_doc_unit *u, cc_doc_role role, size_t seg)
{
    for (size_t i = 0; i < u->npieces; i++)
        if (u->pieces[i].role == role && u->pieces[i].seg == seg)
            return &u->pieces[i];
    return NULL;
}

/*
 * The TM codes of piece p into r->codes[first..first + p->ncodes): the kinds
 * as they are except that paired halves get an i numbered here (a half whose
 * partner is not in the segment becomes IT), and the file's markup of each
 * code, escaped, as its content.
 */
static int convert_codes(units_run *r, const cc_doc_piece *p, size_t first)
{
    int rc;
    size_t n = first + p->ncodes;
    if (cc_grow((void **)&r->codes, &r->codes_cap, n, sizeof(*r->codes)) < 0 ||
        cc_grow((void **)&r->code_at, &r->code_at_cap, 2 * n, sizeof(*r->code_at)) < 0 ||
        cc_grow((void **)&r->num, &r->num_cap, 2 * p->ncodes + 1, sizeof(*r->num)) < 0)
        return CONCORD_ENOMEM;
    /* num[k]: the pair number of code k; open[]: the starts not yet ended */
    long *num = r->num, *open = r->num + p->ncodes, nopen = 0, next_i = 1;
    concord_code *d = r->codes + first;
    for (size_t k = 0; k < p->ncodes; k++) {
        d[k].kind = p->codes[k].kind;
        d[k].offset = p->codes[k].offset;
        num[k] = 0;
        if (d[k].kind == CONCORD_CODE_BPT) {
            num[k] = next_i++;
            open[nopen++] = (long)k;
        } else if (d[k].kind == CONCORD_CODE_EPT) {
            if (nopen > 0)
                num[k] = num[open[--nopen]];
            else
                d[k].kind = CONCORD_CODE_IT, num[k] = -2; /* an end without its start */
        }
    }
    while (nopen > 0) { /* starts whose end is not in the segment */
        size_t k = (size_t)open[--nopen];
        d[k].kind = CONCORD_CODE_IT;
        num[k] = -1;
    }
    for (size_t k = 0; k < p->ncodes; k++) {
        r->code_at[2 * (first + k)] = r->scratch.len;
        if (d[k].kind == CONCORD_CODE_BPT || d[k].kind == CONCORD_CODE_EPT)
            rc = cc_buf_printf(&r->scratch, " i=\"%ld\"", num[k]);
        else if (d[k].kind == CONCORD_CODE_IT)
            rc = cc_buf_printf(&r->scratch, " pos=\"%s\"",
                               num[k] == -2 || p->codes[k].kind == CONCORD_CODE_EPT ? "end"
                                                                                    : "begin");
        else
            rc = cc_buf_printf(&r->scratch, " x=\"%zu\"", k + 1);
        if (rc < 0 || (rc = cc_buf_putc(&r->scratch, '\0')) < 0)
            return rc;
        r->code_at[2 * (first + k) + 1] = r->scratch.len;
        const char *content = p->codes[k].content ? p->codes[k].content : "";
        if ((rc = cc_buf_xml_escape(&r->scratch, content, strlen(content), 0)) < 0 ||
            (rc = cc_buf_putc(&r->scratch, '\0')) < 0)
            return rc;
    }
    return 0;
}

/* One TM unit: source piece s, target piece t. */
static int emit(units_run *r, const cc_doc_unit *u, const cc_doc_piece *s, const cc_doc_piece *t,
                const char *src_lang, const char *trg_lang, size_t nsegs, long plural_form)
{
    int rc;
    cc_buf_clear(&r->scratch);
    if ((rc = convert_codes(r, s, 0)) < 0 || (rc = convert_codes(r, t, s->ncodes)) < 0)
        return rc;
    size_t ncodes = s->ncodes + t->ncodes;
    for (size_t k = 0; k < ncodes; k++) {
        r->codes[k].attrs = r->scratch.data + r->code_at[2 * k];
        r->codes[k].content = r->scratch.data + r->code_at[2 * k + 1];
    }
    /* the texts must be NUL-terminated for the TM: pieces may not be */
    cc_buf *text = &r->text;
    cc_buf_clear(text);
    if ((rc = cc_buf_append(text, s->text, s->len)) < 0 || (rc = cc_buf_putc(text, '\0')) < 0 ||
        (rc = cc_buf_append(text, t->text, t->len)) < 0 || (rc = cc_buf_putc(text, '\0')) < 0)
        return rc;

    char tuid[512], form[24];
    const char *id = u->id;
    if (id && nsegs > 1) {
        snprintf(tuid, sizeof(tuid), "%s/%zu", id, s->seg + 1);
        id = tuid;
    }
    concord_prop props[6];
    size_t np = 0;
    if (u->context && *u->context)
        props[np++] = (concord_prop){"x-context", "", u->context};
    if (u->path && *u->path)
        props[np++] = (concord_prop){"x-file", "", u->path};
    if (plural_form >= 0) {
        snprintf(form, sizeof(form), "%ld", plural_form);
        props[np++] = (concord_prop){"x-plural-form", "", form};
    }
    if (cc_doc_piece_status(u, t) < CC_DOC_TRANSLATED && (t->state || u->state))
        props[np++] = (concord_prop){"x-state", "", t->state ? t->state : u->state};
    if (u->notes && *u->notes)
        props[np++] = (concord_prop){NULL, "", u->notes};

    concord_variant v[2];
    memset(v, 0, sizeof(v));
    v[0].lang = src_lang;
    v[0].text = text->data;
    v[0].text_len = s->len;
    v[0].codes = r->codes;
    v[0].ncodes = s->ncodes;
    v[0].attrs = "";
    v[0].line = s->at.line;
    v[1].lang = trg_lang;
    v[1].text = text->data + s->len + 1;
    v[1].text_len = t->len;
    v[1].codes = r->codes + s->ncodes;
    v[1].ncodes = t->ncodes;
    v[1].attrs = "";
    v[1].line = t->at.line;
    concord_unit tu = {id, src_lang, "", props, np, v, 2, u->line, 0};
    concord_error_clear();
    if (r->cb->unit(&tu, r->cb->ud) != 0)
        rc = concord_error_last()->code != CONCORD_OK
                 ? concord_error_last()->code
                 : cc_error_set(CONCORD_EUSER, "reading stopped by the caller");
    return rc;
}

static int on_unit(const cc_doc_unit *u, void *ud)
{
    units_run *r = ud;
    if (u->kind != CC_DOC_UNIT_NORMAL || !u->translate)
        return 0;
    cc_doc_status least = r->include_fuzzy ? CC_DOC_UNTRANSLATED : CC_DOC_TRANSLATED;
    char src_buf[64], trg_buf[64];
    const char *src_lang = NULL, *trg_lang = NULL;
    const char *file_src = NULL, *file_trg = NULL;
    if (u->srclang && concord_lang_canonicalize(src_buf, sizeof(src_buf), u->srclang) == 0)
        file_src = src_buf;
    if (u->trglang && concord_lang_canonicalize(trg_buf, sizeof(trg_buf), u->trglang) == 0)
        file_trg = trg_buf;
    int rc;
    if ((rc = pick_lang(r, u, file_src, r->source_lang, "source", &src_lang)) < 0 ||
        (rc = pick_lang(r, u, file_trg, r->target_lang, "target", &trg_lang)) < 0)
        return rc;
    size_t nsegs = 0;
    for (size_t i = 0; i < u->npieces; i++)
        if (u->pieces[i].role == CC_DOC_SOURCE && u->pieces[i].seg + 1 > nsegs)
            nsegs = u->pieces[i].seg + 1;
    if (u->nplurals > 0) {
        /* msgid with msgstr[0], msgid_plural with every further form */
        for (size_t k = 0; k < u->nplurals; k++) {
            const cc_doc_piece *s = piece_of(u, CC_DOC_SOURCE, k == 0 ? 0 : 1);
            const cc_doc_piece *t = piece_of(u, CC_DOC_TARGET, k);
            if (!s || !t || t->absent || t->len == 0 || cc_doc_piece_status(u, t) < least)
                continue;
            if ((rc = emit(r, u, s, t, src_lang, trg_lang, 1, (long)k)) < 0)
                return rc;
        }
        return 0;
    }
    for (size_t seg = 0; seg < nsegs; seg++) {
        const cc_doc_piece *s = piece_of(u, CC_DOC_SOURCE, seg);
        const cc_doc_piece *t = piece_of(u, CC_DOC_TARGET, seg);
        /* an XLIFF 2 segment has its own state: a translated one in a unit
           whose other segment is not is imported */
        if (!s || !t || t->absent || t->len == 0 || cc_doc_piece_status(u, t) < least)
            continue;
        if ((rc = emit(r, u, s, t, src_lang, trg_lang, nsegs, -1)) < 0)
            return rc;
    }
    return 0;
}

static int canonical(const char *tag, char *buf, size_t size, const char **out, const char *what)
{
    *out = NULL;
    if (!tag)
        return 0;
    if (concord_lang_canonicalize(buf, size, tag) < 0)
        return cc_error_set(CONCORD_EINVAL, "not a language tag for the %s: \"%s\"", what, tag);
    *out = buf;
    return 0;
}

int concord_doc_read_units(const char *path, const concord_doc_units_options *o,
                           const concord_tmx_callbacks *cb)
{
    concord_doc_units_options opts = CONCORD_DOC_UNITS_OPTIONS_INIT;
    int rc;
    if (o) {
        if ((rc = cc_version_check(o->version, CONCORD_DOC_UNITS_OPTIONS_VERSION,
                                   "document units options")) < 0)
            return rc;
        opts = *o;
    }
    if (!cb || !cb->unit)
        return cc_error_set(CONCORD_EINVAL, "no unit callback");
    concord_doc_format f;
    if ((rc = concord_doc_detect(&f, path)) < 0)
        return rc;
    char sb[64], tb[64];
    units_run r;
    memset(&r, 0, sizeof(r));
    r.path = path;
    r.cb = cb;
    r.include_fuzzy = opts.include_fuzzy;
    r.scratch = (cc_buf)CC_BUF_INIT;
    r.text = (cc_buf)CC_BUF_INIT;
    if ((rc = canonical(opts.source_lang, sb, sizeof(sb), &r.source_lang, "source")) < 0 ||
        (rc = canonical(opts.target_lang, tb, sizeof(tb), &r.target_lang, "target")) < 0)
        return rc;
    if (f == CONCORD_DOC_PO) {
        if (!r.source_lang)
            r.source_lang = "en"; /* msgids are English by gettext's convention */
        rc = cc_doc_read_po(path, NULL, 0, on_unit, &r);
    } else if (f == CONCORD_DOC_XLIFF) {
        rc = cc_doc_read_xliff(path, NULL, 0, on_unit, &r);
    } else {
        rc = cc_error_set_at(CONCORD_EINVAL, path, 0, 0, 0, "%s, not XLIFF or PO",
                             concord_doc_format_name(f));
    }
    cc_buf_free(&r.scratch);
    cc_buf_free(&r.text);
    cc_free(r.codes);
    cc_free(r.code_at);
    cc_free(r.num);
    return rc;
}

int concord_unit_source_doc(const concord_unit_source *src, int skip_invalid,
                            const concord_tmx_callbacks *cb)
{
    (void)skip_invalid; /* a bilingual file's bad unit is an error: no unit is skipped */
    return concord_doc_read_units(src->name, src->ud, cb);
}

typedef struct langs_run {
    char *src, *tgt;
    size_t src_size, tgt_size;
    int found;
} langs_run;

static int first_langs(const cc_doc_unit *u, void *ud)
{
    langs_run *r = ud;
    if (u->kind != CC_DOC_UNIT_NORMAL && u->kind != CC_DOC_UNIT_HEADER)
        return 0;
    if (u->srclang && !r->src[0])
        concord_lang_canonicalize(r->src, r->src_size, u->srclang);
    if (u->trglang && !r->tgt[0])
        concord_lang_canonicalize(r->tgt, r->tgt_size, u->trglang);
    if (u->kind == CC_DOC_UNIT_NORMAL) {
        r->found = 1;
        return cc_error_set(CONCORD_EUSER, "found");
    }
    return 0;
}

int concord_doc_langs(const char *path, char *src, size_t src_size, char *tgt, size_t tgt_size)
{
    concord_doc_format f;
    int rc = concord_doc_detect(&f, path);
    if (rc < 0)
        return rc;
    if (src_size)
        src[0] = '\0';
    if (tgt_size)
        tgt[0] = '\0';
    if (f != CONCORD_DOC_XLIFF && f != CONCORD_DOC_PO)
        return cc_error_set_at(CONCORD_EINVAL, path, 0, 0, 0, "%s, not XLIFF or PO",
                               concord_doc_format_name(f));
    langs_run r = {src, tgt, src_size, tgt_size, 0};
    rc = f == CONCORD_DOC_PO ? cc_doc_read_po(path, NULL, 0, first_langs, &r)
                             : cc_doc_read_xliff(path, NULL, 0, first_langs, &r);
    if (r.found) {
        concord_error_clear();
        rc = 0;
    }
    return rc;
}
