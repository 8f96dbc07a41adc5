/*
 * tmxdoc.c — a TMX file read as a document (for `concord check`): one unit
 * per <tu>, one piece per <tuv>, through the streaming TMX reader of src/tm.
 * A piece's text is the segment's plain text (inline codes and character
 * references resolved), so its position is that of its <tuv>: line, column 1.
 */
#include <string.h>

#include "concord/tm.h"
#include "doc/doc.h"

typedef struct tmx_doc {
    cc_doc_unit_fn fn;
    void *ud;
    cc_doc_piece *pieces;
    size_t cap;
    size_t index;
} tmx_doc;

static int same_primary(const char *a, const char *b)
{
    size_t na = strcspn(a, "-_"), nb = strcspn(b, "-_");
    return na == nb && strncmp(a, b, na) == 0;
}

static int tmx_unit(const concord_unit *u, void *ud)
{
    tmx_doc *d = ud;
    if (cc_grow((void **)&d->pieces, &d->cap, u->nvariants ? u->nvariants : 1, sizeof(*d->pieces)) <
        0)
        return CONCORD_ENOMEM;
    /* the source: the first variant in the unit's srclang, else the first one */
    const char *src = u->srclang && strcmp(u->srclang, "*all*") != 0 ? u->srclang : NULL;
    size_t source = 0;
    for (size_t i = 0; src && i < u->nvariants; i++)
        if (same_primary(u->variants[i].lang, src)) {
            source = i;
            break;
        }
    for (size_t i = 0; i < u->nvariants; i++) {
        const concord_variant *v = &u->variants[i];
        cc_doc_piece *p = &d->pieces[i];
        p->role = i == source ? CC_DOC_SOURCE : CC_DOC_TARGET;
        p->lang = v->lang;
        p->text = p->orig = v->text;
        p->len = v->text_len;
        p->at.offset = 0;
        p->at.line = v->line ? v->line : u->line;
        p->at.column = p->at.byte_column = 1;
        p->exact = 0;
        p->seg = 0;
        p->codes = v->codes;
        p->ncodes = v->ncodes;
        p->raw = 0;
        p->absent = 0;
        p->state = NULL;
    }
    cc_doc_unit du = {.index = d->index++,
                      .line = u->line,
                      .srclang = u->srclang,
                      .pieces = d->pieces,
                      .npieces = u->nvariants,
                      .translate = 1,
                      .status = CC_DOC_TRANSLATED};
    return d->fn(&du, d->ud);
}

int cc_doc_read_tmx(const char *path, cc_doc_unit_fn fn, void *ud)
{
    tmx_doc d;
    memset(&d, 0, sizeof(d));
    d.fn = fn;
    d.ud = ud;
    concord_tmx_callbacks cb = {CONCORD_TMX_CALLBACKS_VERSION, NULL, tmx_unit, NULL, NULL, &d};
    int rc = concord_tmx_read(path, 0, &cb);
    cc_free(d.pieces);
    return rc;
}
