/*
 * fuzz_po.c — the gettext PO reader, locator and writer (src/doc/po.c). The
 * reader has no public API yet (the CLI reaches it through src/doc), so this
 * harness, alone, includes the internal header doc/doc.h.
 *  1. cc_doc_read_po() from memory, every string of every unit touched;
 *  2. each piece located at its start, middle and end: the locator takes
 *     every piece the reader gave (an invariant), at an offset inside the
 *     input, on a line no earlier than the piece's;
 *  3. the same bytes read from a file: the same result, units and error
 *     position (the file is read in chunks, memory is not);
 *  4. rewritten without edits: it fails exactly when the reading failed, and
 *     otherwise the output is the input;
 *  5. rewritten with every target replaced by "[n]" and the status the
 *     first byte chooses: the output reads back with the same units, those
 *     targets and that status.
 */
#include "fuzz_common.h"
#include "doc/doc.h"

static char po_path[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_path(po_path, sizeof po_path, "input.po");
    return 0;
}

typedef struct walk {
    const char *data;
    size_t size;
    size_t units;
    int locate;
    uint64_t h; /* of what the units hold */
} walk;

static int on_unit(const cc_doc_unit *u, void *ud)
{
    walk *w = ud;
    w->units++;
    unsigned h = fuzz_touch(u->context) + fuzz_touch(u->notes) + fuzz_touch(u->flags) +
                 fuzz_touch(u->previous) + fuzz_touch(u->state) + fuzz_touch(u->trglang);
    h += (unsigned)u->kind * 7 + (unsigned)u->status * 3 + (unsigned)u->nplurals;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        FUZZ_CHECK(p->text[p->len] == '\0', "piece %zu of unit %zu not terminated", i, u->index);
        for (size_t k = 0; k < p->len; k++)
            h = h * 31 + (unsigned char)p->text[k];
        h += (unsigned)p->seg + (unsigned)p->role * 5 + (unsigned)p->at.line;
        FUZZ_CHECK(p->raw < w->size, "piece %zu raw %llu of %zu bytes", i, p->raw, w->size);
        if (!w->locate)
            continue;
        size_t offs[3] = {0, p->len / 2, p->len};
        for (size_t k = 0; k < 3; k++) {
            cc_doc_pos pos;
            int rc = cc_doc_locate_po("input.po", w->data, w->size, p, offs[k], &pos);
            FUZZ_CHECK(rc == 0, "unit %zu piece %zu offset %zu of %zu not located: %s", u->index, i,
                       offs[k], p->len, concord_error_last()->message);
            FUZZ_CHECK(pos.offset < w->size && pos.line >= p->at.line,
                       "unit %zu piece %zu offset %zu at %zu (line %lu, piece line %lu)", u->index,
                       i, offs[k], pos.offset, pos.line, p->at.line);
        }
    }
    w->h = w->h * 1000003u + h;
    fuzz_sink += h;
    return 0;
}

static int no_edit(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    (void)u;
    (void)e;
    (void)ud;
    return 0;
}

typedef struct edits {
    cc_doc_status status;
    char text[64][24];
    cc_doc_target t[64];
    size_t changed;
    size_t units, bad;
} edits;

static int edit_all(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    edits *x = ud;
    if (!u->translate)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < u->npieces && n < 64; i++)
        if (u->pieces[i].role == CC_DOC_TARGET) {
            snprintf(x->text[n], sizeof x->text[n], "[%zu]", u->pieces[i].seg);
            x->t[n] = (cc_doc_target){
                .seg = u->pieces[i].seg, .text = x->text[n], .len = strlen(x->text[n])};
            n++;
        }
    e->targets = x->t;
    e->ntargets = n;
    e->status = x->status;
    x->changed++;
    return 0;
}

static int check_all(const cc_doc_unit *u, void *ud)
{
    edits *x = ud;
    x->units++;
    if (!u->translate)
        return 0;
    /* a new text not confirmed (FUZZY, or UNTRANSLATED: PO says both with the fuzzy flag) */
    cc_doc_status want = x->status <= CC_DOC_FUZZY ? CC_DOC_FUZZY : CC_DOC_TRANSLATED;
    if (u->status != want)
        x->bad++;
    for (size_t i = 0; i < u->npieces; i++)
        if (u->pieces[i].role == CC_DOC_TARGET) {
            char t[24];
            snprintf(t, sizeof t, "[%zu]", u->pieces[i].seg);
            if (u->pieces[i].len != strlen(t) || memcmp(u->pieces[i].text, t, u->pieces[i].len))
                x->bad++;
        }
    return 0;
}

static int to_buf(const void *data, size_t len, void *ud)
{
    return cc_buf_append(ud, data, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    cc_doc_status status = (cc_doc_status)(data[0] & 3);
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    walk m = {.data = text, .size = len, .locate = 1};
    int rc = cc_doc_read_po("input.po", text, len, on_unit, &m);
    concord_error e = *concord_error_last();
    if (rc < 0)
        FUZZ_CHECK(e.code == rc && rc != CONCORD_ENOMEM, "read: %d, error %d", rc, e.code);

    fuzz_write_file(po_path, (const uint8_t *)text, len);
    walk f = {.data = text, .size = len};
    int frc = cc_doc_read_po(po_path, NULL, 0, on_unit, &f);
    FUZZ_CHECK(frc == rc && f.units == m.units && f.h == m.h,
               "memory: %d, %zu units; file: %d, %zu units", rc, m.units, frc, f.units);
    if (rc < 0) {
        const concord_error *fe = concord_error_last();
        FUZZ_CHECK(fe->line == e.line && fe->column == e.column && fe->offset == e.offset,
                   "error at %lu:%lu (%zu) from memory, %lu:%lu (%zu) from the file", e.line,
                   e.column, e.offset, fe->line, fe->column, fe->offset);
    }

    cc_buf out = CC_BUF_INIT;
    int wrc = cc_doc_rewrite_po("input.po", text, len, no_edit, NULL, to_buf, &out);
    FUZZ_CHECK(wrc == rc, "read: %d, rewrite: %d", rc, wrc);
    if (rc == 0)
        FUZZ_CHECK(out.len == len && (len == 0 || memcmp(out.data, text, len) == 0),
                   "rewritten without edits: %zu bytes of %zu, not the same", out.len, len);

    if (rc == 0) {
        static edits x;
        memset(&x, 0, sizeof x);
        x.status = status;
        out.len = 0;
        wrc = cc_doc_rewrite_po("input.po", text, len, edit_all, &x, to_buf, &out);
        FUZZ_CHECK(wrc == 0, "rewrite with edits: %s", concord_error_last()->message);
        size_t changed = x.changed;
        cc_doc_status st = x.status;
        memset(&x, 0, sizeof x);
        x.status = st;
        int brc = cc_doc_read_po("output.po", out.data ? out.data : "", out.len, check_all, &x);
        FUZZ_CHECK(brc == 0, "the rewritten file does not read back: %s",
                   concord_error_last()->message);
        FUZZ_CHECK(x.units == m.units && x.bad == 0,
                   "read back: %zu units of %zu, %zu wrong (%zu edited)", x.units, m.units, x.bad,
                   changed);
    }
    cc_buf_free(&out);
    return 0;
}
