/*
 * xliff_tool.c — src/doc/xliff.c from the command line, for the tests that
 * look at whole files (tests/tools/xliff_schema.sh) and for trying files by
 * hand; not installed, not part of the concord command.
 *
 *   xliff_tool count FILE     units, segments (with a source), target states
 *   xliff_tool same FILE      rewrite with no edit (stdout: the input)
 *   xliff_tool bracket FILE   rewrite with every target := "[" source "]"
 *                             (the source's codes, status translated)
 * An error prints FILE:LINE:COLUMN: MESSAGE and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concord/concord.h"
#include "doc/doc.h"

typedef struct counts {
    size_t units, segments, states;
    char state[4096];
} counts;

static void add_state(counts *c, const char *s)
{
    if (!s || c->states > 60)
        return;
    size_t n = strlen(c->state);
    snprintf(c->state + n, sizeof(c->state) - n, " %s", s);
    c->states++;
}

static int on_unit(const cc_doc_unit *u, void *ud)
{
    counts *c = ud;
    c->units++;
    size_t last = (size_t)-1;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role == CC_DOC_SOURCE && p->seg != last) {
            c->segments++;
            last = p->seg;
        }
        if (p->role == CC_DOC_SOURCE && p->state)
            add_state(c, p->state);
    }
    if (u->state && !(u->npieces && u->pieces[0].state))
        add_state(c, u->state);
    return 0;
}

static int to_stdout(const void *data, size_t len, void *ud)
{
    (void)ud;
    return fwrite(data, 1, len, stdout) == len ? 0 : CONCORD_EIO;
}

typedef struct bracket {
    char *text;
    concord_code *codes;
    cc_doc_target *targets;
} bracket;

static int on_edit(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    bracket *b = ud;
    free(b->text);
    free(b->codes);
    free(b->targets);
    size_t need = 0, ncodes = 0, nt = 0;
    for (size_t i = 0; i < u->npieces; i++)
        if (u->pieces[i].role == CC_DOC_SOURCE) {
            need += u->pieces[i].len + 3;
            ncodes += u->pieces[i].ncodes;
            nt++;
        }
    b->text = malloc(need + 1);
    b->codes = malloc((ncodes + 1) * sizeof(*b->codes));
    b->targets = calloc(nt + 1, sizeof(*b->targets));
    if (!b->text || !b->codes || !b->targets)
        return CONCORD_ENOMEM;
    char *t = b->text;
    concord_code *k = b->codes;
    size_t n = 0;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role != CC_DOC_SOURCE)
            continue;
        cc_doc_target *g = &b->targets[n++];
        g->seg = p->seg;
        g->text = t;
        *t++ = '[';
        memcpy(t, p->text, p->len);
        t += p->len;
        *t++ = ']';
        g->len = p->len + 2;
        g->codes = k;
        for (size_t j = 0; j < p->ncodes; j++) {
            *k = p->codes[j];
            k->offset += 1;
            k++;
        }
        g->ncodes = p->ncodes;
    }
    e->targets = b->targets;
    e->ntargets = n;
    e->status = CC_DOC_TRANSLATED;
    return 0;
}

static int same(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    (void)u, (void)e, (void)ud;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: xliff_tool count|same|bracket FILE\n");
        return 2;
    }
    const char *mode = argv[1], *path = argv[2];
    int rc;
    if (strcmp(mode, "count") == 0) {
        counts c;
        memset(&c, 0, sizeof(c));
        rc = cc_doc_read_xliff(path, NULL, 0, on_unit, &c);
        if (rc == 0)
            printf("units %zu segments %zu states%s\n", c.units, c.segments, c.state);
    } else if (strcmp(mode, "same") == 0) {
        rc = cc_doc_rewrite_xliff(path, NULL, 0, same, NULL, to_stdout, NULL);
    } else if (strcmp(mode, "bracket") == 0) {
        bracket b = {NULL, NULL, NULL};
        rc = cc_doc_rewrite_xliff(path, NULL, 0, on_edit, &b, to_stdout, NULL);
        free(b.text);
        free(b.codes);
        free(b.targets);
    } else {
        fprintf(stderr, "xliff_tool: no mode %s\n", mode);
        return 2;
    }
    if (rc < 0) {
        const concord_error *e = concord_error_last();
        fprintf(stderr, "%s:%lu:%lu: %s\n", e->file ? e->file : path, e->line, e->column,
                e->message);
        return 1;
    }
    return 0;
}
