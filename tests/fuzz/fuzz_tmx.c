/*
 * fuzz_tmx.c — the TMX reader and import, from bytes on a file: the input
 * is the file (TMX, but also what import sniffs: gzip, zip, PO, XLIFF).
 *  1. concord_tmx_read() with skip_invalid, every unit walked;
 *  2. concord_tm_import_tmx() into a fresh TM (one per input, in the
 *     process's temporary directory);
 *  3. when it imported, concord_tm_export_tmx() and the export read back:
 *     what concord writes it must read (an invariant: abort otherwise);
 *  4. concord_checker_check_tmx() with the fixed glossary of fuzz_common.h;
 *  5. the same bytes read from memory and through a reader in small pieces:
 *     the same result, units and error position as from the file (an
 *     invariant; gzip, which only a file may be, aside).
 */
#include "fuzz_common.h"
#include "../unit/pieces.h"

static char tmx_path[4200], tm_path[4200], back_path[4200];
static concord_glossary *glossary;
static concord_checker *checker;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_path(tmx_path, sizeof tmx_path, "input.tmx");
    fuzz_path(tm_path, sizeof tm_path, "fuzz.tm");
    fuzz_path(back_path, sizeof back_path, "export.tmx");
    if (concord_glossary_new(&glossary) < 0 ||
        concord_glossary_load_memory(glossary, "fuzz.glossary", FUZZ_GLOSSARY,
                                     strlen(FUZZ_GLOSSARY)) < 0 ||
        concord_checker_new(&checker, glossary, NULL) < 0) {
        fprintf(stderr, "fuzz_tmx: %s\n", concord_error_last()->message);
        abort();
    }
    return 0;
}

#define touch fuzz_touch

static int on_unit(const concord_unit *u, void *ud)
{
    unsigned *h = ud;
    *h += touch(u->tuid) + touch(u->srclang) + touch(u->attrs);
    for (size_t i = 0; i < u->nprops; i++)
        *h += touch(u->props[i].type) + touch(u->props[i].attrs) + touch(u->props[i].value);
    for (size_t i = 0; i < u->nvariants; i++) {
        const concord_variant *v = &u->variants[i];
        FUZZ_CHECK(v->lang && v->text && strlen(v->text) == v->text_len, "variant %zu", i);
        FUZZ_CHECK(concord_text_validate(v->text, v->text_len) == 0, "variant text not UTF-8");
        *h += touch(v->lang) + touch(v->attrs);
        for (size_t k = 0; k < v->ncodes; k++) {
            FUZZ_CHECK(v->codes[k].offset <= v->text_len, "code %zu past the text", k);
            *h += touch(v->codes[k].attrs) + touch(v->codes[k].content);
        }
        for (size_t k = 0; k < v->nprops; k++)
            *h += touch(v->props[k].type) + touch(v->props[k].value);
    }
    return 0;
}

static int on_header(const concord_tmx_header *hd, void *ud)
{
    unsigned *h = ud;
    *h += touch(hd->version) + touch(hd->srclang) + touch(hd->attrs);
    return 0;
}

static void on_event(const concord_tmx_event *e, void *ud)
{
    unsigned *h = ud;
    *h += touch(e->message);
}

typedef struct sink {
    FILE *f;
} sink;

static int to_file(const char *data, size_t len, void *ud)
{
    sink *s = ud;
    return fwrite(data, 1, len, s->f) == len ? 0 : 1;
}

static int count_unit(const concord_unit *u, void *ud)
{
    (void)u;
    (*(size_t *)ud)++;
    return 0;
}

/* What a read gave: its result, units and error position. */
typedef struct outcome {
    int rc;
    size_t units;
    unsigned long line, column;
} outcome;

static outcome read_outcome(int how, const uint8_t *data, size_t size)
{
    outcome o = {0, 0, 0, 0};
    concord_tmx_callbacks cb = CONCORD_TMX_CALLBACKS_INIT;
    cb.unit = count_unit;
    cb.ud = &o.units;
    pieces p = PIECES(data, size, 1 + (size ? data[size - 1] % 13 : 0));
    if (how == 0)
        o.rc = concord_tmx_read(tmx_path, 1, &cb);
    else if (how == 1)
        o.rc = concord_tmx_read_memory((const char *)data, size, "x.tmx", 1, &cb);
    else
        o.rc = concord_tmx_read_reader(pieces_read, &p, "x.tmx", 1, &cb);
    if (o.rc < 0) {
        o.line = concord_error_last()->line;
        o.column = concord_error_last()->column;
    }
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write_file(tmx_path, data, size);

    unsigned h = 0;
    concord_tmx_callbacks cb = CONCORD_TMX_CALLBACKS_INIT;
    cb.header = on_header;
    cb.unit = on_unit;
    cb.event = on_event;
    cb.ud = &h;
    concord_tmx_read(tmx_path, 1, &cb);

    if (!(size >= 2 && data[0] == 0x1F && data[1] == 0x8B)) {
        outcome f = read_outcome(0, data, size), m = read_outcome(1, data, size),
                r = read_outcome(2, data, size);
        FUZZ_CHECK(f.rc == m.rc && f.units == m.units && f.line == m.line && f.column == m.column,
                   "memory %d/%zu at %lu:%lu, file %d/%zu at %lu:%lu", m.rc, m.units, m.line,
                   m.column, f.rc, f.units, f.line, f.column);
        FUZZ_CHECK(f.rc == r.rc && f.units == r.units && f.line == r.line && f.column == r.column,
                   "reader %d/%zu at %lu:%lu, file %d/%zu at %lu:%lu", r.rc, r.units, r.line,
                   r.column, f.rc, f.units, f.line, f.column);
    }

    fuzz_remove_tm(tm_path);
    concord_tm *tm = NULL;
    if (concord_tm_open(&tm, tm_path, CONCORD_TM_CREATE) < 0) {
        fprintf(stderr, "fuzz_tmx: %s\n", concord_error_last()->message);
        abort();
    }
    const char *paths[] = {tmx_path};
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    o.skip_invalid = size > 0 && (data[size - 1] & 1);
    if (concord_tm_import_tmx(&st, tm, paths, 1, &o) == 0 && st.imported > 0) {
        sink s = {fopen(back_path, "wb")};
        FUZZ_CHECK(s.f != NULL, "%s", back_path);
        size_t written = 0;
        int rc = concord_tm_export_tmx(&written, tm, NULL, to_file, &s);
        FUZZ_CHECK(fclose(s.f) == 0 && rc == 0, "export: %s", concord_error_last()->message);
        size_t reread = 0;
        concord_tmx_callbacks back = CONCORD_TMX_CALLBACKS_INIT;
        back.unit = count_unit;
        back.ud = &reread;
        rc = concord_tmx_read(back_path, 0, &back);
        FUZZ_CHECK(rc == 0, "the export does not read back: %s (line %lu)",
                   concord_error_last()->message, concord_error_last()->line);
        FUZZ_CHECK(reread == written, "exported %zu units, read back %zu", written, reread);
        concord_tm_stats *stats = NULL;
        if (concord_tm_stats_get(&stats, tm) == 0)
            FUZZ_CHECK(stats->units == written, "stats say %zu units, export wrote %zu",
                       stats->units, written);
        concord_tm_stats_free(stats);
    }
    concord_tm_close(tm);

    concord_findings *f = NULL;
    if (concord_checker_check_tmx(&f, checker, tmx_path) == 0)
        for (size_t i = 0; i < f->n; i++)
            h += touch(f->v[i].message) + touch(f->v[i].fix);
    concord_findings_free(f);
    fuzz_sink += h;
    return 0;
}
