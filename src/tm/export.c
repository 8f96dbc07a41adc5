/*
 * export.c — the store as TMX 1.4b (UTF-8), streamed unit by unit.
 *
 * Everything a unit was imported with comes back: tuid, srclang, the other
 * <tu> and <tuv> attributes verbatim, props and notes in their order, and
 * the segments with their inline codes. The header is concord's own, with
 * the srclang the units share (or *all*).
 */
#include <stdio.h>
#include <string.h>

#include "text/unicode.h"
#include "tm/tm_internal.h"

typedef struct exporter {
    concord_tm *tm;
    const concord_export_options *opts;
    concord_write_fn write;
    void *ud;
    cc_buf out;
    cc_arena arena;
    sqlite3_stmt *units, *extras;
    /* language id -> tag */
    char **tags;
    size_t ntags;
    cc_stored_variant stored[1024];
    char hdr[3][256]; /* the header's datatype, segtype and o-tmf */
    /* the variants of the current unit that pass the language filter */
    size_t pick[1024];
    size_t npick;
} exporter;

static int flush(exporter *e, int force)
{
    if (e->out.len == 0 || (!force && e->out.len < 65536))
        return 0;
    if (e->write(e->out.data, e->out.len, e->ud) != 0)
        return cc_error_set(CONCORD_EUSER, "export stopped by the writer");
    cc_buf_clear(&e->out);
    return 0;
}

static int lang_selected(const exporter *e, const char *tag)
{
    if (!e->opts->langs || e->opts->nlangs == 0)
        return 1;
    for (size_t i = 0; i < e->opts->nlangs; i++) {
        if (cc_lang_matches(e->opts->langs[i], tag)) /* "en" selects en, en-US, en-GB */
            return 1;
    }
    return 0;
}

static int write_extras(exporter *e, sqlite3_int64 unit, sqlite3_int64 vseq, const char *indent)
{
    int rc, step;
    sqlite3_bind_int64(e->extras, 1, unit);
    sqlite3_bind_int64(e->extras, 2, vseq);
    while ((step = sqlite3_step(e->extras)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(e->extras, 0);
        const char *attrs = (const char *)sqlite3_column_text(e->extras, 1);
        const char *value = (const char *)sqlite3_column_text(e->extras, 2);
        int vlen = sqlite3_column_bytes(e->extras, 2);
        if (type) {
            rc = cc_buf_printf(&e->out, "%s<prop type=\"", indent);
            if (rc == 0)
                rc = cc_buf_xml_escape(&e->out, type, strlen(type), 1);
            if (rc == 0)
                rc = cc_buf_printf(&e->out, "\"%s>", attrs ? attrs : "");
        } else {
            rc = cc_buf_printf(&e->out, "%s<note%s>", indent, attrs ? attrs : "");
        }
        if (rc == 0)
            rc = cc_buf_xml_escape(&e->out, value ? value : "", (size_t)vlen, 0);
        if (rc == 0)
            rc = cc_buf_puts(&e->out, type ? "</prop>\n" : "</note>\n");
        if (rc < 0) {
            sqlite3_reset(e->extras);
            return rc;
        }
    }
    sqlite3_reset(e->extras);
    if (step != SQLITE_DONE)
        return cc_tm_db_error(e->tm, step, "reading the TM");
    return 0;
}

static const char *tag_of(exporter *e, int64_t id)
{
    return id >= 0 && (size_t)id < e->ntags && e->tags[id] ? e->tags[id] : "und";
}

static int write_unit(exporter *e, const char *common_src, size_t *written)
{
    int rc;
    sqlite3_int64 id = sqlite3_column_int64(e->units, 0);
    const char *tuid = (const char *)sqlite3_column_text(e->units, 1);
    const char *srclang = (const char *)sqlite3_column_text(e->units, 2);
    const char *attrs = (const char *)sqlite3_column_text(e->units, 3);
    int has_extra = sqlite3_column_int(e->units, 4);
    const void *blob = sqlite3_column_blob(e->units, 5);
    size_t n, blen = (size_t)sqlite3_column_bytes(e->units, 5);
    if ((rc = cc_variants_decode(blob, blen, e->stored, CC_ARRAY_LEN(e->stored), &n)) < 0)
        return rc;
    e->npick = 0;
    for (size_t i = 0; i < n; i++)
        if (lang_selected(e, tag_of(e, e->stored[i].lang)))
            e->pick[e->npick++] = i;
    size_t need = e->opts->nlangs >= 2 ? 2 : 1;
    if (e->npick < need)
        return 0;

    if ((rc = cc_buf_puts(&e->out, "    <tu")) < 0)
        return rc;
    if (tuid && ((rc = cc_buf_puts(&e->out, " tuid=\"")) < 0 ||
                 (rc = cc_buf_xml_escape(&e->out, tuid, strlen(tuid), 1)) < 0 ||
                 (rc = cc_buf_putc(&e->out, '"')) < 0))
        return rc;
    if (srclang && strcmp(srclang, common_src) != 0 &&
        (rc = cc_buf_printf(&e->out, " srclang=\"%s\"", srclang)) < 0)
        return rc;
    if ((rc = cc_buf_puts(&e->out, attrs ? attrs : "")) < 0)
        return rc;
    /* what the unit inherited from the header of its file, unless it says otherwise */
    static const char *const inherited[] = {"creationtool", "creationtoolversion", "datatype",
                                            "segtype", "o-tmf"};
    for (int k = 0; k < 5; k++) {
        const char *v = (const char *)sqlite3_column_text(e->units, 6 + k);
        char probe[40];
        snprintf(probe, sizeof(probe), " %s=\"", inherited[k]);
        if (!v || !*v || (attrs && strstr(attrs, probe)))
            continue;
        if (k >= 2 && strcmp(v, e->hdr[k - 2]) == 0)
            continue; /* the header says it already */
        if (k == 3 && strcmp(v, "block") != 0 && strcmp(v, "paragraph") != 0 &&
            strcmp(v, "sentence") != 0 && strcmp(v, "phrase") != 0)
            continue; /* not a value TMX allows */
        if ((rc = cc_buf_puts(&e->out, probe)) < 0 ||
            (rc = cc_buf_xml_escape(&e->out, v, strlen(v), 1)) < 0 ||
            (rc = cc_buf_putc(&e->out, '"')) < 0)
            return rc;
    }
    if ((rc = cc_buf_puts(&e->out, ">\n")) < 0)
        return rc;
    if (has_extra && (rc = write_extras(e, id, -1, "      ")) < 0)
        return rc;
    for (size_t k = 0; k < e->npick; k++) {
        const cc_stored_variant *v = &e->stored[e->pick[k]];
        if ((rc = cc_buf_printf(&e->out, "      <tuv xml:lang=\"%s\"%.*s>\n", tag_of(e, v->lang),
                                (int)v->attrs_len, v->attrs)) < 0)
            return rc;
        if (has_extra && (rc = write_extras(e, id, (sqlite3_int64)e->pick[k], "        ")) < 0)
            return rc;
        concord_code *codes = NULL;
        size_t ncodes = 0;
        cc_arena_reset(&e->arena);
        if (v->codes_len &&
            (rc = cc_codes_parse(v->codes, v->codes_len, &e->arena, &codes, &ncodes)) < 0)
            return rc;
        if ((rc = cc_buf_puts(&e->out, "        <seg>")) < 0)
            return rc;
        char *seg = NULL;
        if ((rc = concord_segment_to_tmx(&seg, v->text, v->text_len, codes, ncodes)) < 0)
            return rc;
        rc = cc_buf_printf(&e->out, "%s</seg>\n      </tuv>\n", seg);
        concord_free(seg);
        if (rc < 0)
            return rc;
    }
    if ((rc = cc_buf_puts(&e->out, "    </tu>\n")) < 0)
        return rc;
    (*written)++;
    return flush(e, 0);
}

static int load_tags(exporter *e)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(e->tm->db, "SELECT id, tag FROM lang ORDER BY id", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_tm_db_error(e->tm, rc, "reading the TM");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        const char *tag = (const char *)sqlite3_column_text(st, 1);
        if (id < 0 || id > 1000000)
            continue;
        if ((size_t)id >= e->ntags) {
            size_t n = (size_t)id + 16;
            char **t = cc_realloc(e->tags, n * sizeof(*t));
            if (!t) {
                sqlite3_finalize(st);
                return cc_error_oom();
            }
            for (size_t i = e->ntags; i < n; i++)
                t[i] = NULL;
            e->tags = t;
            e->ntags = n;
        }
        if (!(e->tags[id] = cc_strdup(tag ? tag : "und"))) {
            sqlite3_finalize(st);
            return cc_error_oom();
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : cc_tm_db_error(e->tm, rc, "reading the TM");
}

/* The one value `sql` (SELECT DISTINCT ... LIMIT 2) finds, or `fallback`. */
static int common_value(concord_tm *tm, const char *sql, const char *fallback, char *out,
                        size_t size)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(tm->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_tm_db_error(tm, rc, "reading the TM");
    int rows = 0;
    snprintf(out, size, "%s", fallback);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (rows++ == 0 && v && *v)
            snprintf(out, size, "%s", v);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cc_tm_db_error(tm, rc, "reading the TM");
    if (rows != 1)
        snprintf(out, size, "%s", fallback);
    return 0;
}

int concord_tm_export_tmx(size_t *units_out, concord_tm *tm, const concord_export_options *opts,
                          concord_write_fn write, void *ud)
{
    static const concord_export_options defaults = CONCORD_EXPORT_OPTIONS_INIT;
    exporter e;
    int rc, step;
    size_t written = 0;
    if (!opts)
        opts = &defaults;
    if ((rc = cc_version_check(opts->version, CONCORD_EXPORT_OPTIONS_VERSION, "export options")) <
        0)
        return rc;
    memset(&e, 0, sizeof(e));
    e.tm = tm;
    e.opts = opts;
    e.write = write;
    e.ud = ud;
    /* one read transaction: a consistent snapshot even while an import runs */
    if ((rc = cc_tm_exec(tm, "BEGIN")) < 0)
        return rc;
    /* the header gives what all units share; a unit says what differs */
    char srclang[64];
    if ((rc = common_value(tm, "SELECT DISTINCT coalesce(srclang, '*all*') FROM unit LIMIT 2",
                           "*all*", srclang, sizeof(srclang))) < 0 ||
        (rc = common_value(tm,
                           "SELECT DISTINCT o.datatype FROM unit u LEFT JOIN origin o "
                           "ON o.id = u.origin LIMIT 2",
                           "unknown", e.hdr[0], sizeof(e.hdr[0]))) < 0 ||
        (rc = common_value(tm,
                           "SELECT DISTINCT o.segtype FROM unit u LEFT JOIN origin o "
                           "ON o.id = u.origin LIMIT 2",
                           "sentence", e.hdr[1], sizeof(e.hdr[1]))) < 0 ||
        (rc = common_value(tm,
                           "SELECT DISTINCT o.o_tmf FROM unit u LEFT JOIN origin o "
                           "ON o.id = u.origin LIMIT 2",
                           "concord", e.hdr[2], sizeof(e.hdr[2]))) < 0 ||
        (rc = load_tags(&e)) < 0)
        goto done;
    if (strcmp(e.hdr[1], "block") != 0 && strcmp(e.hdr[1], "paragraph") != 0 &&
        strcmp(e.hdr[1], "sentence") != 0 && strcmp(e.hdr[1], "phrase") != 0)
        snprintf(e.hdr[1], sizeof(e.hdr[1]), "sentence");
    if ((rc = cc_tm_prepare(tm, &e.units,
                            "SELECT u.id, u.tuid, u.srclang, u.attrs, u.has_extra, u.variants, "
                            "o.creationtool, o.creationtoolversion, o.datatype, o.segtype, "
                            "o.o_tmf FROM unit u LEFT JOIN origin o ON o.id = u.origin "
                            "ORDER BY u.id")) < 0 ||
        (rc = cc_tm_prepare(tm, &e.extras,
                            "SELECT type, attrs, value FROM extra WHERE unit = ? AND vseq = ? "
                            "ORDER BY seq")) < 0)
        goto done;
    rc = cc_buf_printf(&e.out,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n"
                       "<tmx version=\"1.4\">\n"
                       "  <header creationtool=\"concord\" creationtoolversion=\"%s\" "
                       "datatype=\"",
                       concord_version_string());
    if (rc == 0)
        rc = cc_buf_xml_escape(&e.out, e.hdr[0], strlen(e.hdr[0]), 1);
    if (rc == 0)
        rc = cc_buf_printf(&e.out, "\" segtype=\"%s\" adminlang=\"en\" srclang=\"%s\" o-tmf=\"",
                           e.hdr[1], srclang);
    if (rc == 0)
        rc = cc_buf_xml_escape(&e.out, e.hdr[2], strlen(e.hdr[2]), 1);
    if (rc == 0)
        rc = cc_buf_puts(&e.out, "\"/>\n  <body>\n");
    if (rc < 0)
        goto done;
    while ((step = sqlite3_step(e.units)) == SQLITE_ROW)
        if ((rc = write_unit(&e, srclang, &written)) < 0)
            goto done;
    if (step != SQLITE_DONE) {
        rc = cc_tm_db_error(tm, step, "reading the TM");
        goto done;
    }
    if ((rc = cc_buf_puts(&e.out, "  </body>\n</tmx>\n")) < 0)
        goto done;
    rc = flush(&e, 1);
done:
    sqlite3_finalize(e.units);
    sqlite3_finalize(e.extras);
    sqlite3_exec(tm->db, "COMMIT", NULL, NULL, NULL);
    cc_buf_free(&e.out);
    cc_arena_free(&e.arena);
    for (size_t i = 0; i < e.ntags; i++)
        cc_free(e.tags[i]);
    cc_free(e.tags);
    if (units_out)
        *units_out = written;
    return rc;
}
