/*
 * import.c — TMX into the store, in one transaction: the writer. Each unit
 * goes through duplicate detection (import_find.c, what the store has), the
 * duplicate policy (dup_policy.c, what to do) and then here into the store:
 * a new unit, translations joining a stored unit, stored translations
 * removed by a replace. The TMX is read on a second thread
 * (import_reader.c) and new rows are written in multi-row INSERTs
 * (import_rows.c); see import_internal.h.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/unicode.h"
#include "tm/import_internal.h"

static const char *SQL_INS_ORIGIN =
    "INSERT INTO origin(file, imported_at, tmx_version, creationtool, creationtoolversion, "
    "o_tmf, datatype, segtype, adminlang, srclang, header) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
static const char *SQL_INS_UNIT =
    "INSERT OR FAIL INTO unit(id, origin, tuid, srclang, src_lang, src_seq, first_date, last_date, "
    "attrs, "
    "has_extra, src_hash, nvariants, variants, tool, toolversion) VALUES ";
static const char *SQL_INS_EXTRA =
    "INSERT OR FAIL INTO extra(unit, vseq, seq, type, attrs, value) VALUES ";
static const char *SQL_PUT_KEY = "INSERT OR REPLACE INTO dupkey(key, unit) VALUES ";
/* a key not in the TM: OR FAIL needs no statement journal, OR REPLACE does
   (dupkey.unit is NOT NULL without a default, so REPLACE may abort) */
static const char *SQL_NEW_KEY = "INSERT OR FAIL INTO dupkey(key, unit) VALUES ";
/* the highest unit id ever given (AUTOINCREMENT keeps it in sqlite_sequence) */
static const char *SQL_LAST_ID =
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'unit'), 0), "
    "coalesce((SELECT max(id) FROM unit), 0))";
static const char *SQL_FIND_SRC =
    "SELECT id, src_seq, has_extra, variants FROM unit WHERE src_hash = ? ORDER BY id";
static const char *SQL_GET_UNIT = "SELECT src_seq, has_extra, variants FROM unit WHERE id = ?";
static const char *SQL_UPD_UNIT =
    "UPDATE unit SET src_seq = ?, has_extra = ?, nvariants = ?, variants = ? WHERE id = ?";
static const char *SQL_DEL_UNIT = "DELETE FROM unit WHERE id = ?";
static const char *SQL_DEL_EXTRAS = "DELETE FROM extra WHERE unit = ?";
static const char *SQL_GET_EXTRAS =
    "SELECT vseq, seq, type, attrs, value FROM extra WHERE unit = ? ORDER BY vseq, seq";
static const char *SQL_GET_LANG = "SELECT id FROM lang WHERE tag = ?";
static const char *SQL_INS_LANG = "INSERT INTO lang(tag) VALUES (?)";
static const char *SQL_GET_KEY = "SELECT unit FROM dupkey WHERE key = ?";
static const char *SQL_INS_CHANGE = "INSERT INTO change(unit) VALUES (?)";

static int step_done(cc_importer *im, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return cc_tm_db_error(im->tm, rc, "writing the TM");
    return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static int lang_id(cc_importer *im, const char *tag, int64_t *out)
{
    for (int i = 0; i < im->nlangs; i++)
        if (strcmp(im->langs[i].tag, tag) == 0) {
            *out = im->langs[i].id;
            return 0;
        }
    int rc;
    sqlite3_bind_text(im->get_lang, 1, tag, -1, SQLITE_STATIC);
    rc = sqlite3_step(im->get_lang);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(im->get_lang, 0);
        sqlite3_reset(im->get_lang);
    } else {
        sqlite3_reset(im->get_lang);
        if (rc != SQLITE_DONE)
            return cc_tm_db_error(im->tm, rc, "reading the TM");
        sqlite3_bind_text(im->ins_lang, 1, tag, -1, SQLITE_STATIC);
        if ((rc = step_done(im, im->ins_lang)) < 0)
            return rc;
        *out = sqlite3_last_insert_rowid(im->tm->db);
    }
    if (im->nlangs < 32 && strlen(tag) < sizeof(im->langs[0].tag)) {
        memcpy(im->langs[im->nlangs].tag, tag, strlen(tag) + 1);
        im->langs[im->nlangs++].id = *out;
    }
    return 0;
}

const char *cc_import_attr_value(const char *attrs, const char *name, char *buf, size_t size)
{
    if (!attrs || !*attrs)
        return NULL;
    size_t n = strlen(name);
    for (const char *p = attrs; (p = strstr(p, name)) != NULL; p += n) {
        if (p > attrs && p[-1] == ' ' && p[n] == '=' && p[n + 1] == '"') {
            const char *v = p + n + 2, *e = strchr(v, '"');
            if (!e || (size_t)(e - v) >= size)
                return NULL;
            memcpy(buf, v, (size_t)(e - v));
            buf[e - v] = '\0';
            return buf;
        }
    }
    return NULL;
}

static int write_header(cc_importer *im, const concord_tmx_header *h)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(now, sizeof(now), "%Y%m%dT%H%M%SZ", &tmv);
    sqlite3_stmt *st = im->ins_origin;
    bind_text(st, 1, im->file);
    bind_text(st, 2, now);
    bind_text(st, 3, h->version);
    bind_text(st, 4, h->creationtool);
    bind_text(st, 5, h->creationtoolversion);
    bind_text(st, 6, h->o_tmf);
    bind_text(st, 7, h->datatype);
    bind_text(st, 8, h->segtype);
    bind_text(st, 9, h->adminlang);
    bind_text(st, 10, h->srclang);
    bind_text(st, 11, h->attrs);
    int rc = step_done(im, st);
    if (rc == 0)
        im->origin = sqlite3_last_insert_rowid(im->tm->db);
    return rc;
}

static int grow_scratch(cc_importer *im, size_t n)
{
    if (n <= im->cap)
        return 0;
    size_t cap = im->cap ? im->cap : 8;
    while (cap < n)
        cap *= 2;
    cc_buf *b = cc_realloc(im->codes, cap * sizeof(*b));
    if (!b)
        return cc_error_oom();
    for (size_t i = im->cap; i < cap; i++)
        b[i] = (cc_buf)CC_BUF_INIT;
    im->codes = b;
    im->cap = cap;
    uint64_t *h = cc_realloc(im->vhash, cap * sizeof(*h));
    if (!h)
        return cc_error_oom();
    im->vhash = h;
    int64_t *l = cc_realloc(im->vlang, cap * sizeof(*l));
    if (!l)
        return cc_error_oom();
    im->vlang = l;
    unsigned char *k = cc_realloc(im->keep, cap);
    if (!k)
        return cc_error_oom();
    im->keep = k;
    cc_dup_variant *f = cc_realloc(im->found, cap * sizeof(*f));
    if (!f)
        return cc_error_oom();
    im->found = f;
    if (!(k = cc_realloc(im->act, cap)))
        return cc_error_oom();
    im->act = k;
    if (!(k = cc_realloc(im->removed, cap)))
        return cc_error_oom();
    im->removed = k;
    return 0;
}

static int insert_extras(cc_importer *im, sqlite3_int64 unit, sqlite3_int64 vseq,
                         const concord_prop *props, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        cc_rowq *q = &im->q_extra;
        cc_rowq_int(q, unit);
        cc_rowq_int(q, vseq);
        cc_rowq_int(q, (sqlite3_int64)i);
        if ((rc = cc_rowq_text(q, &im->qarena, props[i].type)) < 0 ||
            (rc = cc_rowq_text(q, &im->qarena, props[i].attrs)) < 0 ||
            (rc = cc_rowq_text(q, &im->qarena, props[i].value)) < 0 ||
            (rc = cc_rowq_end_row(q, im->tm)) < 0)
            return rc;
    }
    return 0;
}

void cc_import_note_dates(const char *attrs, char *first, char *last)
{
    char d[64];
    const char *c = cc_import_attr_value(attrs, "creationdate", d, sizeof(d));
    if (c && (!*first || strcmp(c, first) < 0))
        snprintf(first, 64, "%s", c);
    if (c && strcmp(c, last) > 0)
        snprintf(last, 64, "%s", c);
    const char *m = cc_import_attr_value(attrs, "changedate", d, sizeof(d));
    if (m && strcmp(m, last) > 0)
        snprintf(last, 64, "%s", m);
}

/* Store the kept variants of u (its source among them) as a new unit; prep may be NULL. */
static int store_unit(cc_importer *im, const concord_unit *u, size_t s, uint64_t src_hash,
                      const cc_unit_prep *prep)
{
    int rc;
    if ((rc = cc_import_source_first(im, u, s)) < 0)
        return rc;
    sqlite3_int64 first_id = im->first_id;
    char first[64] = "", last[64] = "";
    int has_extra = u->nprops > 0;
    /* every variant kept: the reading thread worked out the dates and the rest */
    int whole = prep && u->nvariants > 0;
    for (size_t i = 0; i < u->nvariants && whole; i++)
        whole = im->keep[i];
    if (!whole)
        cc_import_note_dates(u->attrs, first, last);
    /* the kept variants, in their order (most often all of them: no copy) */
    size_t n = 0, src_seq = 0;
    for (size_t i = 0; i < u->nvariants; i++) {
        if (!im->keep[i])
            continue;
        if (i == s)
            src_seq = n;
        has_extra |= u->variants[i].nprops > 0;
        if (!whole)
            cc_import_note_dates(u->variants[i].attrs, first, last);
        n++;
    }
    const concord_variant *kv = u->variants;
    const int64_t *kl = im->vlang;
    const cc_buf *kc = im->codes;
    if (n < u->nvariants) {
        concord_variant *v = cc_arena_alloc(&im->arena, n * sizeof(*v));
        int64_t *l = cc_arena_alloc(&im->arena, n * sizeof(*l));
        cc_buf *c = cc_arena_alloc(&im->arena, n * sizeof(*c));
        if (!v || !l || !c)
            return CONCORD_ENOMEM;
        for (size_t i = 0, k = 0; i < u->nvariants; i++) {
            if (!im->keep[i])
                continue;
            v[k] = u->variants[i];
            l[k] = im->vlang[i];
            c[k++] = im->codes[i];
        }
        kv = v;
        kl = l;
        kc = c;
    }
    /* every variant kept: the reading thread encoded them, but for the language ids */
    const void *blob = prep ? prep->blob : NULL;
    size_t blob_len = prep ? prep->blob_len : 0;
    if (whole) {
        for (size_t i = 0; i < n; i++) {
            uint32_t l = (uint32_t)kl[i];
            unsigned char *b = prep->blob + prep->lang_at[i];
            b[0] = (unsigned char)l;
            b[1] = (unsigned char)(l >> 8);
            b[2] = (unsigned char)(l >> 16);
            b[3] = (unsigned char)(l >> 24);
        }
    } else {
        cc_buf_clear(&im->blob);
        if ((rc = cc_variants_encode(&im->blob, kl, kv, n, kc)) < 0)
            return rc;
        if (im->blob.len > (size_t)INT32_MAX)
            return cc_error_set_at(CONCORD_ELIMIT, im->file, u->line, 0, 0,
                                   "a unit larger than 2 GiB");
        blob = NULL;
    }
    sqlite3_int64 id = im->next_id++;
    cc_rowq *q = &im->q_unit;
    char tool[CC_TOOL_MAX], toolversion[CC_TOOL_MAX];
    const char *first_date = *first ? first : NULL, *last_date = *last ? last : NULL;
    const char *tool_v = NULL, *toolversion_v = NULL;
    if (whole) {
        first_date = prep->first_date;
        last_date = prep->last_date;
        tool_v = prep->tool;
        toolversion_v = prep->toolversion;
    } else {
        tool_v = cc_import_attr_value(u->attrs, "creationtool", tool, sizeof(tool));
        toolversion_v =
            cc_import_attr_value(u->attrs, "creationtoolversion", toolversion, sizeof(toolversion));
    }
    /* with prep, u and prep are the batch's memory, which outlives the queue: no copies */
#define QTEXT(str) (prep ? cc_rowq_ref_text(q, (str)) : cc_rowq_text(q, &im->qarena, (str)))
    cc_rowq_int(q, id);
    if (im->origin)
        cc_rowq_int(q, im->origin);
    else
        cc_rowq_bytes(q, &im->qarena, SQLITE_NULL, NULL, 0);
    if ((rc = QTEXT(u->tuid)) < 0 || (rc = QTEXT(u->srclang ? u->srclang : "*all*")) < 0)
        return rc;
    cc_rowq_int(q, im->vlang[s]);
    cc_rowq_int(q, (sqlite3_int64)src_seq);
    if ((rc = cc_rowq_text(q, &im->qarena, first_date)) < 0 ||
        (rc = cc_rowq_text(q, &im->qarena, last_date)) < 0 ||
        (rc = QTEXT(u->attrs ? u->attrs : "")) < 0)
        return rc;
    cc_rowq_int(q, has_extra);
    cc_rowq_int(q, (sqlite3_int64)src_hash);
    cc_rowq_int(q, (sqlite3_int64)n);
    if (blob) /* the batch's memory, which outlives the queue (see cc_unit_prep) */
        cc_rowq_ref(q, SQLITE_BLOB, blob, blob_len);
    else if ((rc = cc_rowq_bytes(q, &im->qarena, SQLITE_BLOB, im->blob.data ? im->blob.data : "",
                                 im->blob.len)) < 0)
        return rc;
    if ((rc = cc_rowq_text(q, &im->qarena, tool_v)) < 0 ||
        (rc = cc_rowq_text(q, &im->qarena, toolversion_v)) < 0 ||
        (rc = cc_rowq_end_row(q, im->tm)) < 0)
        return rc;
#undef QTEXT
    for (size_t i = 0, k = 0; i < u->nvariants; i++) {
        if (!im->keep[i])
            continue;
        const concord_variant *v = &u->variants[i];
        if (v->nprops && (rc = insert_extras(im, id, (sqlite3_int64)k, v->props, v->nprops)) < 0)
            return rc;
        k++;
    }
    if (u->nprops && (rc = insert_extras(im, id, -1, u->props, u->nprops)) < 0)
        return rc;
    im->st->imported++;
    im->st->variants += n;
    cc_import_filter_add(im, src_hash);
    if (blob)
        cc_import_src_cache_stored(im, src_hash, id, src_seq, has_extra, first_id == 0, blob,
                                   blob_len);
    else
        cc_import_src_cache_stored(im, src_hash, id, src_seq, has_extra, first_id == 0,
                                   im->blob.data, im->blob.len);
    /* the first unit with its source needs no keys (see cc_import_find()) */
    return first_id ? cc_import_put_pair_keys(im, u, s, id) : 0;
}

/* Rewrite stored unit su with only the variants marked in keep_stored (source kept). */
static int rewrite_unit(cc_importer *im, cc_stored_unit *su, const unsigned char *keep_stored)
{
    cc_import_src_cache_clear(im); /* a stored unit changes */
    int rc = cc_import_flush(im);
    if (rc < 0)
        return rc;
    size_t n = 0, src_seq = 0, targets = 0;
    size_t *newseq = cc_arena_alloc(&im->arena, su->n * sizeof(size_t));
    cc_stored_variant *nv = cc_arena_alloc(&im->arena, su->n * sizeof(*nv));
    if (!newseq || !nv)
        return CONCORD_ENOMEM;
    for (size_t k = 0; k < su->n; k++) {
        newseq[k] = (size_t)-1;
        if (!keep_stored[k])
            continue;
        if (k == su->src_seq)
            src_seq = n;
        else
            targets++;
        newseq[k] = n;
        nv[n++] = su->v[k];
    }
    if (targets == 0) { /* nothing left but the source: the unit goes */
        sqlite3_bind_int64(im->del_extras, 1, su->id);
        sqlite3_bind_int64(im->del_unit, 1, su->id);
        if ((rc = step_done(im, im->del_extras)) < 0 || (rc = step_done(im, im->del_unit)) < 0)
            return rc;
        return 0;
    }
    cc_buf_clear(&im->blob);
    if ((rc = cc_variants_encode_stored(&im->blob, nv, n)) < 0)
        return rc;
    /* the props and notes of the kept variants, renumbered */
    if (su->has_extra) {
        typedef struct {
            sqlite3_int64 vseq, seq;
            char *type, *attrs, *value;
        } ex;
        ex *list = NULL;
        size_t nex = 0, capex = 0;
        sqlite3_bind_int64(im->get_extras, 1, su->id);
        while ((rc = sqlite3_step(im->get_extras)) == SQLITE_ROW) {
            if (nex == capex) {
                capex = capex ? capex * 2 : 8;
                ex *p = cc_arena_alloc(&im->arena, capex * sizeof(*p));
                if (!p) {
                    sqlite3_reset(im->get_extras);
                    return CONCORD_ENOMEM;
                }
                if (list)
                    memcpy(p, list, nex * sizeof(*p));
                list = p;
            }
            ex *e = &list[nex++];
            e->vseq = sqlite3_column_int64(im->get_extras, 0);
            e->seq = sqlite3_column_int64(im->get_extras, 1);
            const char *c[3];
            for (int k = 0; k < 3; k++)
                c[k] = (const char *)sqlite3_column_text(im->get_extras, 2 + k);
            e->type = c[0] ? cc_arena_strndup(&im->arena, c[0], strlen(c[0])) : NULL;
            e->attrs = cc_arena_strndup(&im->arena, c[1] ? c[1] : "", c[1] ? strlen(c[1]) : 0);
            e->value = cc_arena_strndup(&im->arena, c[2] ? c[2] : "", c[2] ? strlen(c[2]) : 0);
            if ((c[0] && !e->type) || !e->attrs || !e->value) {
                sqlite3_reset(im->get_extras);
                return CONCORD_ENOMEM;
            }
        }
        sqlite3_reset(im->get_extras);
        if (rc != SQLITE_DONE)
            return cc_tm_db_error(im->tm, rc, "reading the TM");
        sqlite3_bind_int64(im->del_extras, 1, su->id);
        if ((rc = step_done(im, im->del_extras)) < 0)
            return rc;
        for (size_t i = 0; i < nex; i++) {
            sqlite3_int64 vseq = list[i].vseq;
            if (vseq >= 0 && ((size_t)vseq >= su->n || newseq[vseq] == (size_t)-1))
                continue; /* the props of a removed variant */
            cc_rowq *q = &im->q_extra;
            cc_rowq_int(q, su->id);
            cc_rowq_int(q, vseq < 0 ? -1 : (sqlite3_int64)newseq[vseq]);
            cc_rowq_int(q, list[i].seq);
            if ((rc = cc_rowq_text(q, &im->qarena, list[i].type)) < 0 ||
                (rc = cc_rowq_text(q, &im->qarena, list[i].attrs)) < 0 ||
                (rc = cc_rowq_text(q, &im->qarena, list[i].value)) < 0 ||
                (rc = cc_rowq_end_row(q, im->tm)) < 0)
                return rc;
        }
    }
    sqlite3_stmt *st = im->upd_unit;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)src_seq);
    sqlite3_bind_int(st, 2, su->has_extra);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
    sqlite3_bind_blob(st, 4, im->blob.data, (int)im->blob.len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, su->id);
    return step_done(im, st);
}

/* Add the kept target variants of u to stored unit su (same source). */
static int merge_into(cc_importer *im, cc_stored_unit *su, const concord_unit *u, size_t s,
                      uint64_t src_hash)
{
    cc_import_src_cache_clear(im); /* a stored unit changes */
    /* the UPDATE below needs the row; the props it adds are queued like any */
    int rc = cc_import_queued_unit(im, su->id) ? cc_import_flush(im) : 0;
    if (rc < 0)
        return rc;
    size_t add = 0;
    for (size_t i = 0; i < u->nvariants; i++)
        add += i != s && im->keep[i];
    if (su->n + add > CC_MAX_VARIANTS)
        return store_unit(im, u, s, src_hash, NULL); /* too many for one unit: a new one */
    cc_stored_variant *nv = cc_arena_alloc(&im->arena, (su->n + add) * sizeof(*nv));
    if (!nv)
        return CONCORD_ENOMEM;
    memcpy(nv, su->v, su->n * sizeof(*nv));
    size_t n = su->n;
    int has_extra = su->has_extra;
    for (size_t i = 0; i < u->nvariants; i++) {
        if (i == s || !im->keep[i])
            continue;
        const concord_variant *v = &u->variants[i];
        nv[n].lang = im->vlang[i];
        nv[n].text = v->text;
        nv[n].text_len = v->text_len;
        nv[n].codes = im->codes[i].data ? im->codes[i].data : "";
        nv[n].codes_len = im->codes[i].len;
        nv[n].attrs = v->attrs ? v->attrs : "";
        nv[n].attrs_len = strlen(nv[n].attrs);
        if (v->nprops) {
            has_extra = 1;
            if ((rc = insert_extras(im, su->id, (sqlite3_int64)n, v->props, v->nprops)) < 0)
                return rc;
        }
        n++;
    }
    cc_buf_clear(&im->blob);
    if ((rc = cc_variants_encode_stored(&im->blob, nv, n)) < 0)
        return rc;
    sqlite3_stmt *st = im->upd_unit;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)su->src_seq);
    sqlite3_bind_int(st, 2, has_extra);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
    sqlite3_bind_blob(st, 4, im->blob.data, (int)im->blob.len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, su->id);
    if ((rc = step_done(im, st)) < 0)
        return rc;
    im->st->merged++;
    im->st->variants += add;
    /* the matcher's index learns of the new variants from the change log */
    sqlite3_bind_int64(im->ins_change, 1, su->id);
    return step_done(im, im->ins_change); /* su is the first unit with its source: no keys */
}

/* Remove, from every stored unit with u's source, the targets in the languages marked. */
static int remove_languages(cc_importer *im, const concord_unit *u, size_t s, uint64_t src_hash,
                            const unsigned char *conflict)
{
    int rc;
    cc_stored_unit su;
    if ((rc = cc_import_source_group(im, src_hash)) < 0)
        return rc;
    /* the group is rewritten as we go: copy its ids first */
    size_t n = im->nids;
    sqlite3_int64 *ids = cc_arena_alloc(&im->arena, (n ? n : 1) * sizeof(*ids));
    if (!ids)
        return CONCORD_ENOMEM;
    memcpy(ids, im->ids, n * sizeof(*ids));
    for (size_t g = 0; g < n; g++) {
        if ((rc = cc_import_load_unit(im, ids[g], &su)) < 0)
            return rc;
        if (rc == 0 || !cc_import_unit_matches(im, &su, u, s, 0, CC_WANT_SOURCE))
            continue;
        unsigned char *keep_stored = cc_arena_alloc(&im->arena, su.n);
        if (!keep_stored)
            return CONCORD_ENOMEM;
        size_t removed = 0;
        for (size_t k = 0; k < su.n; k++) {
            keep_stored[k] = 1;
            if (k == su.src_seq)
                continue;
            for (size_t i = 0; i < u->nvariants && keep_stored[k]; i++)
                if (conflict[i] && su.v[k].lang == im->vlang[i])
                    keep_stored[k] = 0;
            removed += !keep_stored[k];
        }
        if (!removed)
            continue;
        if ((rc = rewrite_unit(im, &su, keep_stored)) < 0)
            return rc;
        im->st->replaced++;
        im->st->variants_removed += removed;
    }
    return 0;
}

size_t cc_import_source_variant(const concord_unit *u)
{
    if (!u->srclang || strcmp(u->srclang, "*all*") == 0)
        return 0;
    for (size_t i = 0; i < u->nvariants; i++)
        if (strcmp(u->variants[i].lang, u->srclang) == 0)
            return i;
    /* srclang="en" with variants in en-US */
    for (size_t i = 0; i < u->nvariants; i++)
        if (cc_lang_matches(u->srclang, u->variants[i].lang))
            return i;
    return 0;
}

int cc_import_flush(cc_importer *im)
{
    int rc;
    if ((rc = cc_rowq_flush(&im->q_unit, im->tm)) < 0 ||
        (rc = cc_rowq_flush(&im->q_extra, im->tm)) < 0 ||
        (rc = cc_rowq_flush(&im->q_newkey, im->tm)) < 0 ||
        (rc = cc_rowq_flush(&im->q_key, im->tm)) < 0)
        return rc;
    cc_arena_reset(&im->qarena);
    return 0;
}

int cc_import_unit(cc_importer *im, const concord_unit *u)
{
    return cc_import_unit_prep(im, u, NULL);
}

int cc_import_unit_prep(cc_importer *im, const concord_unit *u, const cc_unit_prep *prep)
{
    int rc;
    im->st->read++;
    im->last_id = 0;
    cc_arena_reset(&im->arena);
    im->first_known = 0;
    if (u->nvariants > CC_MAX_VARIANTS)
        return cc_error_set_at(CONCORD_ELIMIT, im->file, u->line, 0, 0,
                               "a <tu> with more than %d variants", CC_MAX_VARIANTS);
    if ((rc = grow_scratch(im, u->nvariants)) < 0)
        return rc;
    for (size_t i = 0; i < u->nvariants; i++) {
        const concord_variant *v = &u->variants[i];
        cc_buf_clear(&im->codes[i]);
        if ((rc = cc_codes_serialize(v->codes, v->ncodes, &im->codes[i])) < 0 ||
            (rc = lang_id(im, v->lang, &im->vlang[i])) < 0)
            return rc;
        im->vhash[i] = prep ? prep->vhash[i]
                            : cc_import_variant_hash(v->lang, v->text, v->text_len,
                                                     im->codes[i].data, im->codes[i].len);
    }
    size_t s = prep ? prep->src : cc_import_source_variant(u);
    uint64_t src_hash = im->vhash[s];
    if (!im->filter && im->st->read > CC_FILTER_AFTER && (rc = cc_import_filter_build(im)) < 0)
        return rc;
    cc_stored_unit su;
    sqlite3_int64 found = 0;
    int source_stored;

    /* what the store has, and what the policy makes of it */
    if (u->nvariants == 1) {
        if ((rc = cc_import_find(im, u, s, s, CC_WANT_SOURCE, src_hash, &su, &found, NULL)) < 0)
            return rc;
        source_stored = found != 0;
        im->found[s].found = CC_DUP_IS_SOURCE;
        im->found[s].lang = im->vlang[s];
    } else if ((rc = cc_import_detect(im, u, s, src_hash, &source_stored)) < 0) {
        return rc;
    }
    cc_dup_decision d;
    cc_dup_decide(&d, im->act, im->removed, im->found, u->nvariants, s, source_stored,
                  im->on_duplicate);
    if (d.identical) {
        im->st->identical++;
        return 0;
    }
    im->st->skipped += (size_t)d.skipped;
    im->st->alternatives += (size_t)d.alternative;
    if (d.replace) {
        if ((rc = remove_languages(im, u, s, src_hash, im->removed)) < 0)
            return rc;
        im->first_known = 0; /* the first unit may have changed or gone */
    }
    if (d.stored == 0 && u->nvariants > 1)
        return 0; /* skip dropped every translation */

    /* translations into languages new for the source join the first unit with it */
    int joined = 0;
    if (d.join) {
        if ((rc = cc_import_find(im, u, s, s, CC_WANT_SOURCE, src_hash, &su, &found, NULL)) < 0)
            return rc;
        if (found) {
            for (size_t t = 0; t < u->nvariants; t++)
                im->keep[t] = t == s || im->act[t] == CC_DUP_JOIN;
            sqlite3_int64 next = im->next_id;
            if ((rc = merge_into(im, &su, u, s, src_hash)) < 0)
                return rc;
            im->last_id = im->next_id != next ? im->next_id - 1 : su.id;
            joined = 1;
        }
    }
    /* the rest, with the source, in a new unit (the joiners too, if no unit took them) */
    if (d.fresh || (d.join && !joined) || u->nvariants == 1) {
        for (size_t t = 0; t < u->nvariants; t++)
            im->keep[t] = im->act[t] == CC_DUP_SOURCE || im->act[t] == CC_DUP_NEW_UNIT ||
                          (!joined && im->act[t] == CC_DUP_JOIN);
        if ((rc = store_unit(im, u, s, src_hash, prep)) < 0)
            return rc;
        im->last_id = im->next_id - 1;
    }
    return 0;
}

int cc_importer_begin(cc_importer *im)
{
    cc_import_src_cache_clear(im); /* another writer may have changed the TM since */
    /* the highest unit id ever given (AUTOINCREMENT keeps it in sqlite_sequence) */
    sqlite3_stmt *st;
    int rc = cc_tm_prepare(im->tm, &st, SQL_LAST_ID);
    if (rc < 0)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        im->next_id = sqlite3_column_int64(st, 0) + 1;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : cc_tm_db_error(im->tm, rc, "reading the TM");
}

int cc_importer_new(cc_importer **out, concord_tm *tm, concord_duplicates on_duplicate,
                    concord_import_stats *st)
{
    int rc;
    cc_importer *im = cc_calloc(1, sizeof(*im));
    *out = NULL;
    if (!im)
        return cc_error_oom();
    im->tm = tm;
    im->on_duplicate = on_duplicate;
    im->st = st;
    if ((rc = cc_rowq_init(&im->q_unit, SQL_INS_UNIT, 15)) < 0 ||
        (rc = cc_rowq_init(&im->q_extra, SQL_INS_EXTRA, 6)) < 0 ||
        (rc = cc_rowq_init(&im->q_newkey, SQL_NEW_KEY, 2)) < 0 ||
        (rc = cc_rowq_init(&im->q_key, SQL_PUT_KEY, 2)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->ins_origin, SQL_INS_ORIGIN)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->find_src, SQL_FIND_SRC)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->get_unit, SQL_GET_UNIT)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->upd_unit, SQL_UPD_UNIT)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->del_unit, SQL_DEL_UNIT)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->del_extras, SQL_DEL_EXTRAS)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->get_extras, SQL_GET_EXTRAS)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->get_lang, SQL_GET_LANG)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->ins_lang, SQL_INS_LANG)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->get_key, SQL_GET_KEY)) < 0 ||
        (rc = cc_tm_prepare(tm, &im->ins_change, SQL_INS_CHANGE)) < 0) {
        cc_importer_free(im);
        return rc;
    }
    *out = im;
    return 0;
}

void cc_importer_free(cc_importer *im)
{
    if (!im)
        return;
    sqlite3_stmt *all[] = {im->ins_origin, im->find_src,   im->get_unit,   im->upd_unit,
                           im->del_unit,   im->del_extras, im->get_extras, im->get_lang,
                           im->ins_lang,   im->get_key,    im->ins_change};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sqlite3_finalize(all[i]);
    cc_rowq_free(&im->q_unit);
    cc_rowq_free(&im->q_extra);
    cc_import_src_cache_free(im);
    cc_rowq_free(&im->q_newkey);
    cc_rowq_free(&im->q_key);
    cc_arena_free(&im->qarena);
    for (size_t i = 0; i < im->cap; i++)
        cc_buf_free(&im->codes[i]);
    cc_free(im->codes);
    cc_free(im->vhash);
    cc_free(im->vlang);
    cc_free(im->keep);
    cc_free(im->found);
    cc_free(im->act);
    cc_free(im->removed);
    cc_free(im->ids);
    cc_free(im->filter);
    cc_buf_free(&im->blob);
    cc_arena_free(&im->arena);
    cc_free(im);
}

/* ---- concord_tm_import_tmx(): files through the reading thread into the writer ---- */

typedef struct import_run {
    cc_importer *im;
    const concord_import_options *opts;
} import_run;

static int on_header(const concord_tmx_header *h, void *ud)
{
    return write_header(((import_run *)ud)->im, h);
}

static int on_unit(const concord_unit *u, const cc_unit_prep *prep, void *ud)
{
    return cc_import_unit_prep(((import_run *)ud)->im, u, prep);
}

/* The filter's words that a unit's look-ups will read (see cc_import_find()). */
static void on_ahead(const cc_unit_prep *prep, void *ud)
{
    const cc_importer *im = ((import_run *)ud)->im;
    if (!im->filter)
        return;
    cc_import_filter_prefetch(im, prep->vhash[prep->src]);
    for (size_t t = 0; t < prep->n; t++)
        if (t != prep->src) {
            cc_import_filter_prefetch(im, prep->vhash[t]); /* the target as a source */
            cc_import_filter_prefetch(im, prep->pair[t]);
        }
}

static void on_event(const concord_tmx_event *e, void *ud)
{
    import_run *r = ud;
    if (e->is_error) {
        r->im->st->invalid++;
        r->im->st->read++; /* an invalid unit was read too */
    } else {
        r->im->st->warnings++;
    }
    if (r->opts->event)
        r->opts->event(e, r->opts->ud);
}

static void on_progress(unsigned long long done, unsigned long long total, void *ud)
{
    import_run *r = ud;
    if (r->opts->progress)
        r->opts->progress(r->im->file, done, total, r->im->st->read, r->opts->ud);
}

static int on_batch_end(void *ud)
{
    import_run *r = ud;
    /* the queued rows are copies, but a batch is a natural point to write them */
    int rc = cc_import_flush(r->im);
    if (rc == 0 && r->opts->cancel && *r->opts->cancel)
        rc = cc_error_set(CONCORD_EUSER, "the import was interrupted");
    return rc;
}

/* Import one source into the open transaction. */
static int import_source(import_run *r, const cc_tmx_source *src)
{
    cc_import_sink sink = {on_header, on_unit, on_ahead, on_event, on_progress, on_batch_end, r};
    r->im->file = src->name;
    r->im->origin = 0;
    return cc_import_pipe(src, r->opts->skip_invalid, &sink);
}

/* While BEGIN IMMEDIATE waits for another writer: the caller's busy callback, and cancel. */
typedef struct wait_state {
    const concord_import_options *opts;
    int cancelled;
} wait_state;

#define WAIT_STEP_MS 50
#define WAIT_MAX_MS  10000 /* without a busy callback */

static int on_busy(void *ud, int count)
{
    wait_state *w = ud;
    unsigned long waited = (unsigned long)count * WAIT_STEP_MS;
    if (w->opts->cancel && *w->opts->cancel) {
        w->cancelled = 1;
        return 0;
    }
    if (w->opts->busy ? w->opts->busy(waited, w->opts->ud) != 0 : waited >= WAIT_MAX_MS)
        return 0;
    sqlite3_sleep(WAIT_STEP_MS);
    return 1;
}

/* BEGIN IMMEDIATE, waiting for another writer as the options say. */
static int begin_write(concord_tm *tm, const concord_import_options *o)
{
    wait_state w = {o, 0};
    sqlite3_busy_handler(tm->db, on_busy, &w);
    int rc = sqlite3_exec(tm->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    sqlite3_busy_timeout(tm->db, 10000); /* what the rest of the store expects */
    if (rc == SQLITE_OK)
        return 0;
    if (w.cancelled)
        return cc_error_set(CONCORD_EUSER, "the import was interrupted");
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return cc_error_set_at(CONCORD_EIO, tm->path, 0, 0, 0,
                               "the TM is being written by another process; try again later");
    return cc_tm_db_error(tm, rc, "updating the TM");
}

/*
 * What every import call does, over its sources: source_at(&src, i, ud)
 * gives the i-th of n.
 */
static int import_all(concord_import_stats *stats, concord_tm *tm, size_t n,
                      void (*source_at)(cc_tmx_source *src, size_t i, const void *ud),
                      const void *ud, const concord_import_options *opts)
{
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    concord_import_stats local = CONCORD_IMPORT_STATS_INIT;
    cc_importer *im = NULL;
    int rc;
    if (!stats)
        stats = &local;
    if ((rc = cc_version_check(stats->version, CONCORD_IMPORT_STATS_VERSION, "import stats")) < 0)
        return rc;
    unsigned int stats_version = stats->version;
    memset(stats, 0, sizeof(*stats));
    stats->version = stats_version;
    if (opts) {
        /* a caller built against older headers passes a shorter struct: the
           fields it has, over the defaults of the rest */
        static const size_t size_of[] = {0, offsetof(concord_import_options, cancel),
                                         offsetof(concord_import_options, busy),
                                         sizeof(concord_import_options)};
        if ((rc = cc_version_check(opts->version, CONCORD_IMPORT_OPTIONS_VERSION,
                                   "import options")) < 0)
            return rc;
        memcpy(&o, opts, size_of[opts->version]);
        o.version = CONCORD_IMPORT_OPTIONS_VERSION;
    }
    if ((rc = cc_tm_writable(tm)) < 0)
        return rc;
    if (o.cancel && *o.cancel)
        return cc_error_set(CONCORD_EUSER, "the import was interrupted");
    if ((rc = cc_importer_new(&im, tm, o.on_duplicate, stats)) < 0)
        return rc;
    /* one transaction for everything: all or nothing */
    if ((rc = begin_write(tm, &o)) < 0)
        goto done;
    /* a damaged TM is refused before anything is written to it */
    if ((rc = cc_tm_check(tm)) == 0)
        rc = cc_importer_begin(im);
    import_run run = {im, &o};
    for (size_t i = 0; i < n && rc == 0; i++) {
        cc_tmx_source src;
        source_at(&src, i, ud);
        rc = import_source(&run, &src);
    }
    if (rc == 0)
        rc = cc_tm_exec(tm, "COMMIT");
    if (rc < 0)
        sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL); /* keeps our error */
    else
        sqlite3_wal_checkpoint_v2(tm->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
done:
    cc_importer_free(im);
    return rc;
}

static void path_at(cc_tmx_source *src, size_t i, const void *ud)
{
    const char *const *paths = ud;
    *src = (cc_tmx_source){paths[i], cc_tmx_source_file, paths[i]};
}

int concord_tm_import_tmx(concord_import_stats *stats, concord_tm *tm, const char *const *paths,
                          size_t npaths, const concord_import_options *opts)
{
    return import_all(stats, tm, npaths, path_at, paths, opts);
}

static void one_source(cc_tmx_source *src, size_t i, const void *ud)
{
    (void)i;
    *src = *(const cc_tmx_source *)ud;
}

int concord_tm_import_tmx_memory(concord_import_stats *stats, concord_tm *tm, const char *data,
                                 size_t len, const char *name, const concord_import_options *opts)
{
    cc_tmx_memory mem = {data, data ? len : 0};
    cc_tmx_source src = {name ? name : "(memory)", cc_tmx_source_memory, &mem};
    return import_all(stats, tm, 1, one_source, &src, opts);
}

int concord_tm_import_tmx_reader(concord_import_stats *stats, concord_tm *tm,
                                 concord_read_fn reader, void *reader_ud, const char *name,
                                 const concord_import_options *opts)
{
    cc_tmx_reader rd = {reader, reader_ud};
    cc_tmx_source src = {name ? name : "(stream)", cc_tmx_source_reader, &rd};
    return import_all(stats, tm, 1, one_source, &src, opts);
}

int concord_unit_source_tmx(const concord_unit_source *src, int skip_invalid,
                            const concord_tmx_callbacks *cb)
{
    return concord_tmx_read(src->name, skip_invalid, cb);
}

/* A public source run as an internal one. */
static int run_public(const cc_tmx_source *src, int skip_invalid, const concord_tmx_callbacks *cb)
{
    const concord_unit_source *s = src->data;
    concord_error_clear();
    int rc = s->run(s, skip_invalid, cb);
    if (rc > 0)
        rc = CONCORD_EUSER;
    if (rc < 0 && concord_error_last()->code == CONCORD_OK)
        cc_error_set_at(rc, src->name, 0, 0, 0, "the source stopped with %s",
                        concord_error_name(rc));
    return rc;
}

static void public_at(cc_tmx_source *src, size_t i, const void *ud)
{
    const concord_unit_source *s = (const concord_unit_source *)ud + i;
    *src = (cc_tmx_source){s->name ? s->name : "(source)", run_public, s};
}

int concord_tm_import_sources(concord_import_stats *stats, concord_tm *tm,
                              const concord_unit_source *sources, size_t n,
                              const concord_import_options *opts)
{
    for (size_t i = 0; i < n; i++)
        if (!sources[i].run)
            return cc_error_set(CONCORD_EINVAL, "import source %zu has no run function", i);
    return import_all(stats, tm, n, public_at, sources, opts);
}
