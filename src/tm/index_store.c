/*
 * index_store.c — the store's side of the matcher's index: reading units,
 * and the posting blocks and index state tables (see tm_index.h).
 */
#include <stdio.h>
#include <string.h>

#include "tm/tm_index.h"
#include "tm/tm_internal.h"

/* The tag of language id `id`, from a cache of the lang table (reloaded for a new id). */
static int lang_tag(concord_tm *tm, int64_t id, const char **out)
{
    for (int pass = 0; pass < 2; pass++) {
        if (id >= 0 && (size_t)id < tm->ntags && tm->tags[id]) {
            *out = tm->tags[id];
            return 0;
        }
        if (pass == 1)
            break;
        /* Load the ids not cached yet. A cached tag never changes (language
         * ids are stable) and may be borrowed by units already read, so it is
         * kept, not reloaded. */
        sqlite3_stmt *st;
        int rc = cc_tm_prepare(tm, &st, "SELECT id, tag FROM lang ORDER BY id");
        if (rc < 0)
            return rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t lid = sqlite3_column_int64(st, 0);
            if (lid < 0 || lid > 1000000)
                continue;
            if ((size_t)lid >= tm->ntags) {
                size_t n = (size_t)lid + 16;
                char **p = cc_realloc(tm->tags, n * sizeof(*p));
                if (!p) {
                    sqlite3_finalize(st);
                    return cc_error_oom();
                }
                memset(p + tm->ntags, 0, (n - tm->ntags) * sizeof(*p));
                tm->tags = p;
                tm->ntags = n;
            }
            if (tm->tags[lid])
                continue;
            if (!(tm->tags[lid] = cc_strdup((const char *)sqlite3_column_text(st, 1)))) {
                sqlite3_finalize(st);
                return cc_error_oom();
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return cc_tm_db_error(tm, rc, "reading the TM");
    }
    return cc_error_set_at(CONCORD_ERROR, tm->path, 0, 0, 0, "corrupt TM: unknown language %lld",
                           (long long)id);
}

void cc_tm_index_free(concord_tm *tm)
{
    sqlite3_stmt **all[] = {&tm->q_unit,   &tm->q_scan,  &tm->q_src,
                            &tm->q_pcount, &tm->q_pread, &tm->q_pput};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
    for (size_t i = 0; i < tm->ntags; i++)
        cc_free(tm->tags[i]);
    cc_free(tm->tags);
    tm->tags = NULL;
    tm->ntags = 0;
}

#define UNIT_COLUMNS                                                                               \
    "SELECT u.id, u.origin, u.tuid, u.src_seq, u.src_hash, u.variants, u.last_date, "              \
    "coalesce(u.tool, o.creationtool), o.file FROM unit u LEFT JOIN origin o ON o.id = u.origin "

static int prepared(concord_tm *tm, sqlite3_stmt **st, const char *sql)
{
    if (*st) {
        sqlite3_reset(*st);
        sqlite3_clear_bindings(*st);
        return 0;
    }
    return cc_tm_prepare(tm, st, sql);
}

static const char *copy_text(cc_arena *a, sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    return s ? cc_arena_strndup(a, s, (size_t)sqlite3_column_bytes(st, col)) : NULL;
}

/* The unit of the current row of st (see UNIT_COLUMNS). */
static int row_unit(concord_tm *tm, sqlite3_stmt *st, cc_arena *a, cc_tm_unit *u)
{
    int rc;
    memset(u, 0, sizeof(*u));
    u->id = sqlite3_column_int64(st, 0);
    u->origin = sqlite3_column_int64(st, 1);
    u->src = (size_t)sqlite3_column_int64(st, 3);
    u->src_hash = (uint64_t)sqlite3_column_int64(st, 4);
    size_t len = (size_t)sqlite3_column_bytes(st, 5);
    const void *blob = sqlite3_column_blob(st, 5);
    size_t count = cc_variants_count(blob, len);
    cc_stored_variant *sv = cc_arena_alloc(a, (count ? count : 1) * sizeof(*sv));
    u->v = cc_arena_alloc(a, (count ? count : 1) * sizeof(*u->v));
    if (!sv || !u->v)
        return cc_error_oom();
    if (cc_variants_decode(blob, len, sv, count, &u->n) < 0 || u->src >= u->n)
        return cc_error_set_at(CONCORD_ERROR, tm->path, 0, 0, 0, "corrupt unit %lld in the TM",
                               (long long)u->id);
    for (size_t i = 0; i < u->n; i++) {
        cc_tm_variant *v = &u->v[i];
        if ((rc = lang_tag(tm, sv[i].lang, &v->lang)) < 0)
            return rc;
        char *t = cc_arena_strndup(a, sv[i].text, sv[i].text_len);
        if (!t)
            return cc_error_oom();
        v->text = t;
        v->text_len = sv[i].text_len;
        v->ncodes = 0;
        for (size_t k = 0; k < sv[i].codes_len; k++)
            v->ncodes += sv[i].codes[k] == '\x1e';
    }
    u->tuid = copy_text(a, st, 2);
    u->date = copy_text(a, st, 6);
    u->tool = copy_text(a, st, 7);
    u->file = copy_text(a, st, 8);
    return 0;
}

int cc_tm_unit_read(concord_tm *tm, int64_t id, cc_arena *a, cc_tm_unit *u)
{
    int rc;
    if ((rc = prepared(tm, &tm->q_unit, UNIT_COLUMNS "WHERE u.id = ?")) < 0)
        return rc;
    sqlite3_bind_int64(tm->q_unit, 1, id);
    rc = sqlite3_step(tm->q_unit);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(tm->q_unit);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(tm->q_unit);
        return cc_tm_db_error(tm, rc, "reading the TM");
    }
    rc = row_unit(tm, tm->q_unit, a, u);
    sqlite3_reset(tm->q_unit);
    return rc < 0 ? rc : 1;
}

/* Hand each unit of a prepared query (UNIT_COLUMNS) to fn; finalizes st. */
static int each_unit(concord_tm *tm, sqlite3_stmt *st, int (*fn)(const cc_tm_unit *u, void *ud),
                     void *ud)
{
    cc_arena a = CC_ARENA_INIT;
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cc_tm_unit u;
        cc_arena_reset(&a);
        if ((ret = row_unit(tm, st, &a, &u)) < 0 || (ret = fn(&u, ud)) != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = cc_tm_db_error(tm, rc, "reading the TM");
    sqlite3_finalize(st);
    cc_arena_free(&a);
    return ret;
}

int cc_tm_units_scan(concord_tm *tm, int64_t after, int64_t upto,
                     int (*fn)(const cc_tm_unit *u, void *ud), void *ud)
{
    int rc;
    sqlite3_stmt *st;
    if ((rc = cc_tm_prepare(tm, &st,
                            UNIT_COLUMNS "WHERE u.id > ?1 AND (?2 = 0 OR u.id <= ?2) "
                                         "ORDER BY u.id")) < 0)
        return rc;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, upto);
    return each_unit(tm, st, fn, ud);
}

int cc_tm_units_with_source(concord_tm *tm, uint64_t h, int64_t *ids, size_t max, size_t *n)
{
    int rc;
    *n = 0;
    if ((rc = prepared(tm, &tm->q_src, "SELECT id FROM unit WHERE src_hash = ? ORDER BY id")) < 0)
        return rc;
    sqlite3_bind_int64(tm->q_src, 1, (sqlite3_int64)h);
    while ((rc = sqlite3_step(tm->q_src)) == SQLITE_ROW && *n < max)
        ids[(*n)++] = sqlite3_column_int64(tm->q_src, 0);
    sqlite3_reset(tm->q_src);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : cc_tm_db_error(tm, rc, "reading the TM");
}

int cc_tm_has_language(concord_tm *tm, const char *lang)
{
    sqlite3_stmt *st;
    int rc =
        cc_tm_prepare(tm, &st, "SELECT 1 FROM lang WHERE tag = ?1 OR tag LIKE ?1 || '-%' LIMIT 1");
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : cc_tm_db_error(tm, rc, "reading the TM");
}

static int read_state(concord_tm *tm, const char *lang, cc_tm_index_state *s)
{
    memset(s, 0, sizeof(*s));
    sqlite3_stmt *st;
    int rc = cc_tm_prepare(tm, &st,
                           "SELECT (SELECT last_unit FROM index_state WHERE lang = ?1), "
                           "(SELECT last_change FROM index_state WHERE lang = ?1), "
                           "(SELECT next_block FROM index_state WHERE lang = ?1), "
                           "(SELECT max(id) FROM unit), (SELECT max(seq) FROM change)");
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s->last_unit = sqlite3_column_int64(st, 0);
        s->last_change = sqlite3_column_int64(st, 1);
        s->next_block = sqlite3_column_int64(st, 2);
        s->max_unit = sqlite3_column_int64(st, 3);
        s->max_change = sqlite3_column_int64(st, 4);
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : cc_tm_db_error(tm, rc, "reading the TM");
}

int cc_tm_read_begin(concord_tm *tm, const char *lang, cc_tm_index_state *st)
{
    int rc;
    if ((rc = cc_tm_exec(tm, "BEGIN")) < 0)
        return rc;
    if ((rc = read_state(tm, lang, st)) < 0)
        sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

void cc_tm_read_end(concord_tm *tm)
{
    sqlite3_exec(tm->db, "COMMIT", NULL, NULL, NULL);
}

int cc_tm_index_begin(concord_tm *tm, const char *lang, int wait_ms, cc_tm_index_state *st)
{
    if (tm->readonly)
        return cc_error_set_at(CONCORD_EIO, tm->path, 0, 0, 0, "the TM is open read-only");
    if (tm->cannot_write)
        return cc_error_set_at(CONCORD_EIO, tm->path, 0, 0, 0, "%s", tm->cannot_write);
    sqlite3_busy_timeout(tm->db, wait_ms);
    int rc = sqlite3_exec(tm->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    sqlite3_busy_timeout(tm->db, 10000);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return cc_error_set_at(CONCORD_EIO, tm->path, 0, 0, 0,
                               "the TM is being written by another process");
    if (rc == SQLITE_READONLY)
        return cc_error_set_at(CONCORD_EIO, tm->path, 0, 0, 0, "the TM file is read-only");
    if (rc != SQLITE_OK)
        return cc_tm_db_error(tm, rc, "updating the TM");
    if ((rc = read_state(tm, lang, st)) < 0)
        sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int cc_tm_changed_units(concord_tm *tm, int64_t after, int64_t upto, int64_t upto_unit,
                        int (*fn)(const cc_tm_unit *u, void *ud), void *ud)
{
    int rc;
    sqlite3_stmt *st;
    if ((rc = cc_tm_prepare(tm, &st,
                            UNIT_COLUMNS "WHERE u.id IN (SELECT unit FROM change WHERE seq > ?1 "
                                         "AND seq <= ?2) AND u.id <= ?3 ORDER BY u.id")) < 0)
        return rc;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, upto);
    sqlite3_bind_int64(st, 3, upto_unit);
    return each_unit(tm, st, fn, ud);
}

int cc_tm_index_put(concord_tm *tm, uint64_t key, int64_t block, uint64_t n, const void *data,
                    size_t len)
{
    int rc;
    if ((rc = prepared(tm, &tm->q_pput,
                       "INSERT INTO posting(key, block, n, data) VALUES (?, ?, ?, ?)")) < 0)
        return rc;
    sqlite3_stmt *st = tm->q_pput;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)key);
    sqlite3_bind_int64(st, 2, block);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
    sqlite3_bind_blob(st, 4, data, (int)len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : cc_tm_db_error(tm, rc, "writing the index");
}

int cc_tm_index_commit(concord_tm *tm, const char *lang, const cc_tm_index_state *s)
{
    sqlite3_stmt *st;
    int rc = cc_tm_prepare(tm, &st,
                           "INSERT OR REPLACE INTO index_state(lang, last_unit, last_change, "
                           "next_block) VALUES (?, ?, ?, ?)");
    if (rc < 0) {
        cc_tm_index_rollback(tm);
        return rc;
    }
    sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, s->last_unit);
    sqlite3_bind_int64(st, 3, s->last_change);
    sqlite3_bind_int64(st, 4, s->next_block);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        rc = cc_tm_db_error(tm, rc, "writing the index");
        cc_tm_index_rollback(tm);
        return rc;
    }
    if ((rc = cc_tm_exec(tm, "COMMIT")) < 0) {
        cc_tm_index_rollback(tm);
        return rc;
    }
    return 0;
}

void cc_tm_index_rollback(concord_tm *tm)
{
    sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
}

int cc_tm_postings_count(concord_tm *tm, uint64_t key, uint64_t *n)
{
    int rc;
    *n = 0;
    if ((rc = prepared(tm, &tm->q_pcount, "SELECT sum(n) FROM posting WHERE key = ?")) < 0)
        return rc;
    sqlite3_bind_int64(tm->q_pcount, 1, (sqlite3_int64)key);
    rc = sqlite3_step(tm->q_pcount);
    if (rc == SQLITE_ROW)
        *n = (uint64_t)sqlite3_column_int64(tm->q_pcount, 0);
    sqlite3_reset(tm->q_pcount);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : cc_tm_db_error(tm, rc, "reading the index");
}

int cc_tm_postings_read(concord_tm *tm, uint64_t key,
                        int (*fn)(const void *data, size_t len, void *ud), void *ud)
{
    int rc;
    if ((rc = prepared(tm, &tm->q_pread, "SELECT data FROM posting WHERE key = ? ORDER BY block")) <
        0)
        return rc;
    sqlite3_stmt *st = tm->q_pread;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)key);
    int ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *d = sqlite3_column_blob(st, 0);
        size_t len = (size_t)sqlite3_column_bytes(st, 0);
        if ((ret = fn(d, len, ud)) != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = cc_tm_db_error(tm, rc, "reading the index");
    sqlite3_reset(st);
    return ret;
}

uint64_t cc_tm_index_bytes(concord_tm *tm)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(tm->db,
                           "SELECT sum(pgsize) FROM dbstat WHERE name IN ('posting', "
                           "'posting_key')",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    uint64_t n = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}
