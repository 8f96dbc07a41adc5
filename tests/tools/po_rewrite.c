/*
 * po_rewrite.c — a small driver of the PO reader and writer (src/doc/po.c)
 * for the shell tests and for measuring (time, peak memory) by hand:
 *
 *   po_rewrite stats FILE   counts as msgfmt --statistics prints them, and more
 *   po_rewrite same FILE    the file rewritten without edits, to stdout
 *   po_rewrite edit FILE    every translatable target set to "[" + source + "]"
 *                           (plural forms: msgid for form 0, msgid_plural for
 *                           the others; a leading and trailing newline kept
 *                           outside), status translated, to stdout
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"

typedef struct counts {
    size_t units, translated, fuzzy, untranslated, header, obsolete, ctxt, plural;
} counts;

static int count_unit(const cc_doc_unit *u, void *ud)
{
    counts *c = ud;
    c->units++;
    if (u->kind == CC_DOC_UNIT_HEADER) {
        c->header++;
        return 0;
    }
    if (u->kind == CC_DOC_UNIT_OBSOLETE) {
        c->obsolete++;
        return 0;
    }
    c->ctxt += u->context != NULL;
    c->plural += u->nplurals > 0;
    if (u->status == CC_DOC_UNTRANSLATED)
        c->untranslated++;
    else if (u->status == CC_DOC_FUZZY)
        c->fuzzy++;
    else
        c->translated++;
    return 0;
}

typedef struct edit_state {
    char *texts[64];
    cc_doc_target targets[64];
} edit_state;

static int edit_unit(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    edit_state *st = ud;
    for (size_t i = 0; i < 64; i++) {
        free(st->texts[i]);
        st->texts[i] = NULL;
    }
    if (!u->translate)
        return 0;
    const cc_doc_piece *src[2] = {NULL, NULL};
    size_t nt = 0;
    for (size_t i = 0; i < u->npieces; i++)
        if (u->pieces[i].role == CC_DOC_SOURCE && u->pieces[i].seg < 2)
            src[u->pieces[i].seg] = &u->pieces[i];
    for (size_t i = 0; i < u->npieces && nt < 64; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role != CC_DOC_TARGET)
            continue;
        const cc_doc_piece *s = p->seg > 0 && src[1] ? src[1] : src[0];
        /* a leading and a trailing \n stay outside the brackets: msgfmt -c wants the
           translation to begin and end with \n where the msgid does */
        size_t a = s->len > 0 && s->text[0] == '\n';
        size_t b = s->len > a && s->text[s->len - 1] == '\n';
        char *t = malloc(s->len + 4);
        if (!t)
            return -1;
        if (s->len == 1 && a) { /* "\n" alone: "\n[]\n" */
            memcpy(t, "\n[]\n", 5);
            st->texts[nt] = t;
            st->targets[nt] = (cc_doc_target){.seg = p->seg, .text = t, .len = 4};
            nt++;
            continue;
        }
        memcpy(t, s->text, a);
        t[a] = '[';
        memcpy(t + a + 1, s->text + a, s->len - a - b);
        t[s->len - b + 1] = ']';
        memcpy(t + s->len - b + 2, s->text + s->len - b, b);
        t[s->len + 2] = '\0';
        st->texts[nt] = t;
        st->targets[nt] = (cc_doc_target){.seg = p->seg, .text = t, .len = s->len + 2};
        nt++;
    }
    e->targets = st->targets;
    e->ntargets = nt;
    e->status = CC_DOC_TRANSLATED;
    return 0;
}

static int no_edit(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    (void)u;
    (void)e;
    (void)ud;
    return 0;
}

static int put(const void *data, size_t len, void *ud)
{
    return fwrite(data, 1, len, ud) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: po_rewrite stats|same|edit FILE\n");
        return 2;
    }
    int rc;
    if (!strcmp(argv[1], "stats")) {
        counts c = {0};
        rc = cc_doc_read_po(argv[2], NULL, 0, count_unit, &c);
        if (rc == 0)
            printf("%zu translated, %zu fuzzy, %zu untranslated; %zu units, %zu header, "
                   "%zu obsolete, %zu msgctxt, %zu plural\n",
                   c.translated, c.fuzzy, c.untranslated, c.units, c.header, c.obsolete, c.ctxt,
                   c.plural);
    } else if (!strcmp(argv[1], "same")) {
        rc = cc_doc_rewrite_po(argv[2], NULL, 0, no_edit, NULL, put, stdout);
    } else if (!strcmp(argv[1], "edit")) {
        edit_state st;
        memset(&st, 0, sizeof(st));
        rc = cc_doc_rewrite_po(argv[2], NULL, 0, edit_unit, &st, put, stdout);
        for (size_t i = 0; i < 64; i++)
            free(st.texts[i]);
    } else {
        fprintf(stderr, "po_rewrite: unknown mode %s\n", argv[1]);
        return 2;
    }
    if (rc < 0) {
        const concord_error *e = concord_error_last();
        fprintf(stderr, "%s:%lu:%lu: %s (%s, offset %zu)\n", argv[2], e->line, e->column,
                e->message, concord_error_name(rc), e->offset);
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
