/*
 * fuzz_xliff.c — the XLIFF 1.x / 2.x reader, locator and writer of
 * src/doc/xliff.c (an internal API: doc/doc.h), on the input in memory:
 *  1. cc_doc_read_xliff(): every piece's text valid UTF-8, its codes inside
 *     it, and the locator names a place in the input for its start, middle
 *     and end;
 *  2. cc_doc_rewrite_xliff() with no edit: the same verdict as the reader,
 *     and when it reads, the output is the input byte for byte (an
 *     invariant: abort otherwise);
 *  3. a rewrite with every target changed to its source in brackets (with
 *     the source's codes): when the input reads, the output reads back with
 *     the same number of units.
 */
#include "fuzz_common.h"

#include "doc/doc.h"

typedef struct seen {
    const char *data;
    size_t len, units;
} seen;

static int on_unit(const cc_doc_unit *u, void *ud)
{
    seen *s = ud;
    s->units++;
    fuzz_sink += fuzz_touch(u->id) + fuzz_touch(u->path) + fuzz_touch(u->notes) +
                 fuzz_touch(u->context) + fuzz_touch(u->state);
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        FUZZ_CHECK(concord_text_validate(p->text, p->len) == 0, "piece %zu not UTF-8", i);
        for (size_t k = 0; k < p->ncodes; k++) {
            FUZZ_CHECK(p->codes[k].offset <= p->len, "code %zu past the text", k);
            fuzz_sink += fuzz_touch(p->codes[k].content) + fuzz_touch(p->codes[k].attrs);
        }
        FUZZ_CHECK(p->raw <= s->len, "piece %zu at %llu of %zu", i, p->raw, s->len);
        size_t offs[3] = {0, p->len / 2, p->len};
        for (size_t j = 0; j < 3 && !p->absent; j++) {
            cc_doc_pos pos;
            if (cc_doc_locate_xliff("fuzz.xlf", s->data, s->len, p, offs[j], &pos) == 0)
                FUZZ_CHECK(pos.offset <= s->len, "located at %zu of %zu", pos.offset, s->len);
        }
    }
    return 0;
}

typedef struct out {
    char *data;
    size_t len, cap;
} out;

static int to_out(const void *data, size_t len, void *ud)
{
    out *o = ud;
    if (o->len + len > o->cap) {
        size_t cap = (o->len + len) * 2;
        char *n = realloc(o->data, cap);
        if (!n)
            return CONCORD_ENOMEM;
        o->data = n;
        o->cap = cap;
    }
    memcpy(o->data + o->len, data, len);
    o->len += len;
    return 0;
}

static int no_edit(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    (void)u, (void)e, (void)ud;
    return 0;
}

typedef struct bracket {
    char *text;
    concord_code *codes;
    cc_doc_target *t;
} bracket;

static void bracket_free(bracket *b)
{
    free(b->text);
    free(b->codes);
    free(b->t);
    memset(b, 0, sizeof(*b));
}

static int bracket_edit(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    bracket *b = ud;
    bracket_free(b);
    size_t need = 1, nc = 1;
    for (size_t i = 0; i < u->npieces; i++)
        need += u->pieces[i].len + 2, nc += u->pieces[i].ncodes;
    b->text = malloc(need);
    b->codes = malloc(nc * sizeof(*b->codes));
    b->t = calloc(u->npieces + 1, sizeof(*b->t));
    if (!b->text || !b->codes || !b->t)
        return CONCORD_ENOMEM;
    size_t at = 0, k = 0, nt = 0;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role != CC_DOC_SOURCE)
            continue;
        cc_doc_target *t = &b->t[nt++];
        t->seg = p->seg;
        t->text = b->text + at;
        b->text[at++] = '[';
        memcpy(b->text + at, p->text, p->len);
        at += p->len;
        b->text[at++] = ']';
        t->len = p->len + 2;
        t->codes = b->codes + k;
        for (size_t j = 0; j < p->ncodes; j++) {
            b->codes[k] = p->codes[j];
            b->codes[k++].offset++;
        }
        t->ncodes = p->ncodes;
    }
    e->targets = b->t;
    e->ntargets = nt;
    e->status = CC_DOC_TRANSLATED;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    seen s = {in, size, 0};
    int rc = cc_doc_read_xliff("fuzz.xlf", in, size, on_unit, &s);

    out o = {NULL, 0, 0};
    int wrc = cc_doc_rewrite_xliff("fuzz.xlf", in, size, no_edit, NULL, to_out, &o);
    /* the writer refuses UTF-16 and UTF-32, which the reader reads */
    if (wrc != CONCORD_EUNSUPPORTED) {
        FUZZ_CHECK(wrc == rc, "the reader says %d, the writer %d", rc, wrc);
        if (rc == 0)
            FUZZ_CHECK(o.len == size && memcmp(o.data, data, size) == 0,
                       "rewritten with no edit: %zu bytes, not the input's %zu", o.len, size);
    }
    if (rc == 0 && wrc == 0) {
        bracket b = {NULL, NULL, NULL};
        o.len = 0;
        wrc = cc_doc_rewrite_xliff("fuzz.xlf", in, size, bracket_edit, &b, to_out, &o);
        bracket_free(&b);
        FUZZ_CHECK(wrc == 0, "the rewrite with every target changed fails: %s",
                   concord_error_last()->message);
        seen back = {o.data, o.len, 0};
        int brc = cc_doc_read_xliff("back.xlf", o.data, o.len, on_unit, &back);
        FUZZ_CHECK(brc == 0 && back.units == s.units,
                   "the rewrite reads back with %d (%s), %zu units of %zu", brc,
                   brc ? concord_error_last()->message : "", back.units, s.units);
    }
    free(o.data);
    return 0;
}
