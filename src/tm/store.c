/*
 * store.c — the TM file: opening, identifying, migrating, and statistics.
 *
 * A concord TM is an SQLite database with application_id 'CNCD' and its
 * schema version in user_version. Schema changes are numbered migrations,
 * each run in one transaction with the bump of user_version. A file that is
 * not a concord TM, or comes from a newer concord, is refused before
 * anything is written to it. The journal is WAL, so readers run while an
 * import writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "tm/tm_internal.h"

#define APPLICATION_ID 0x434E4344 /* "CNCD" */

/* migrations[i] takes the schema from version i to i + 1 */
static const char *const migrations[] = {
    /* 0 -> 1: the first schema */
    "CREATE TABLE lang (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  tag TEXT NOT NULL UNIQUE\n"
    ");\n"
    "CREATE TABLE origin (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  file TEXT, imported_at TEXT NOT NULL,\n"
    "  tmx_version TEXT, creationtool TEXT, creationtoolversion TEXT, o_tmf TEXT,\n"
    "  datatype TEXT, segtype TEXT, adminlang TEXT, srclang TEXT,\n"
    "  header TEXT NOT NULL DEFAULT ''\n"
    ");\n"
    "CREATE TABLE unit (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  origin INTEGER REFERENCES origin(id),\n"
    "  tuid TEXT,\n"
    "  srclang TEXT,\n"                    /* as the TMX gave it (canonical), or *all*, or NULL */
    "  src_lang INTEGER NOT NULL,\n"       /* the language of the source variant */
    "  src_seq INTEGER NOT NULL,\n"        /* which variant is the source */
    "  first_date TEXT, last_date TEXT,\n" /* of the unit and its variants, for statistics */
    "  attrs TEXT NOT NULL DEFAULT '',\n"
    "  has_extra INTEGER NOT NULL DEFAULT 0,\n"
    "  tool TEXT, toolversion TEXT,\n" /* the <tu>'s own creationtool, if it has one */
    "  src_hash INTEGER NOT NULL,\n"
    "  nvariants INTEGER NOT NULL,\n"
    "  variants BLOB NOT NULL\n" /* see cc_variants_encode() */
    ");\n"
    "CREATE INDEX unit_src_hash ON unit(src_hash);\n"
    /* hashes of a (source, translation) pair (either way round) and of (source,
       language of a translation), each with a unit that had it: the duplicate
       policy looks them up instead of scanning (see cc_import_find() in import_find.c) */
    "CREATE TABLE dupkey (\n"
    "  key INTEGER PRIMARY KEY,\n"
    "  unit INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE extra (\n" /* props and notes, of a unit (vseq -1) or of a variant */
    "  unit INTEGER NOT NULL,\n"
    "  vseq INTEGER NOT NULL,\n"
    "  seq INTEGER NOT NULL,\n"
    "  type TEXT,\n" /* NULL for a note */
    "  attrs TEXT NOT NULL DEFAULT '',\n"
    "  value TEXT NOT NULL,\n"
    "  PRIMARY KEY (unit, vseq, seq)\n"
    ") WITHOUT ROWID;\n",
    /* 1 -> 2: unit ids are never reused (AUTOINCREMENT: the index of the matcher
       and the duplicate keys name units by id), and the matcher's index (see
       src/tm/tm_index.h) */
    "CREATE TABLE unit2 (\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  origin INTEGER REFERENCES origin(id),\n"
    "  tuid TEXT,\n"
    "  srclang TEXT,\n"
    "  src_lang INTEGER NOT NULL,\n"
    "  src_seq INTEGER NOT NULL,\n"
    "  first_date TEXT, last_date TEXT,\n"
    "  attrs TEXT NOT NULL DEFAULT '',\n"
    "  has_extra INTEGER NOT NULL DEFAULT 0,\n"
    "  tool TEXT, toolversion TEXT,\n"
    "  src_hash INTEGER NOT NULL,\n"
    "  nvariants INTEGER NOT NULL,\n"
    "  variants BLOB NOT NULL\n"
    ");\n"
    "INSERT INTO unit2 SELECT * FROM unit;\n"
    "DROP TABLE unit;\n"
    "ALTER TABLE unit2 RENAME TO unit;\n"
    "CREATE INDEX unit_src_hash ON unit(src_hash);\n"
    "CREATE TABLE posting (\n" /* blocks of postings of one term in one language */
    "  id INTEGER PRIMARY KEY,\n"
    "  key INTEGER NOT NULL,\n" /* hash of language and term */
    "  block INTEGER NOT NULL,\n"
    "  n INTEGER NOT NULL,\n" /* entries in the block */
    "  data BLOB NOT NULL\n"
    ");\n"
    "CREATE INDEX posting_key ON posting(key, block, n);\n"
    "CREATE TABLE index_state (\n" /* what the index of a language covers */
    "  lang TEXT PRIMARY KEY,\n"
    "  last_unit INTEGER NOT NULL,\n"
    "  last_change INTEGER NOT NULL,\n"
    "  next_block INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE change (\n" /* units that got new variants after they were stored */
    "  seq INTEGER PRIMARY KEY,\n"
    "  unit INTEGER NOT NULL\n"
    ");\n",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int cc_tm_db_error(concord_tm *tm, int sqlite_rc, const char *what)
{
    if (sqlite_rc == SQLITE_NOMEM)
        return cc_error_oom();
    const char *msg = tm && tm->db ? sqlite3_errmsg(tm->db) : sqlite3_errstr(sqlite_rc);
    int code = CONCORD_ERROR;
    if (sqlite_rc == SQLITE_NOTADB)
        code = CONCORD_EUNSUPPORTED;
    else if (sqlite_rc == SQLITE_CANTOPEN || sqlite_rc == SQLITE_IOERR ||
             sqlite_rc == SQLITE_READONLY || sqlite_rc == SQLITE_FULL)
        code = CONCORD_EIO;
    /* "disk I/O error" alone does not say that the disk is full: the errno does */
    int err = tm && tm->db && code == CONCORD_EIO ? sqlite3_system_errno(tm->db) : 0;
    if (err)
        return cc_error_set_at(code, tm->path, 0, 0, 0, "%s: %s (%s)", what, msg, strerror(err));
    return cc_error_set_at(code, tm ? tm->path : NULL, 0, 0, 0, "%s: %s", what, msg);
}

int cc_tm_prepare(concord_tm *tm, sqlite3_stmt **st, const char *sql)
{
    int rc = sqlite3_prepare_v3(tm->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc != SQLITE_OK) {
        *st = NULL;
        return cc_tm_db_error(tm, rc, "preparing a query");
    }
    return 0;
}

int cc_tm_exec(concord_tm *tm, const char *sql)
{
    int rc = sqlite3_exec(tm->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return cc_tm_db_error(tm, rc, "updating the TM");
    return 0;
}

static int query_int(concord_tm *tm, const char *sql, long long *out)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(tm->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_tm_db_error(tm, rc, "reading the TM");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        *out = 0;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : cc_tm_db_error(tm, rc, "reading the TM");
}

static int migrate(concord_tm *tm, long long from)
{
    int rc;
    /* a TM with data is checked before a migration rewrites it */
    if (from > 0 && from < NMIGRATIONS && (rc = cc_tm_check(tm)) < 0)
        return rc;
    for (long long v = from; v < NMIGRATIONS; v++) {
        char bump[64];
        snprintf(bump, sizeof(bump), "PRAGMA user_version = %lld;", v + 1);
        if ((rc = cc_tm_exec(tm, "BEGIN IMMEDIATE")) < 0)
            return rc;
        if ((rc = cc_tm_exec(tm, migrations[v])) < 0 || (rc = cc_tm_exec(tm, bump)) < 0 ||
            (v == 0 && (rc = cc_tm_exec(tm, "PRAGMA application_id = 1129202500;")) < 0) ||
            (rc = cc_tm_exec(tm, "COMMIT")) < 0) {
            sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
    }
    return 0;
}

/* A file beside the TM: PATH-wal, PATH-shm, PATH-journal. */
static void side_path(char *buf, size_t size, const char *path, const char *suffix)
{
    snprintf(buf, size, "%s%s", path, suffix);
}

/* Can the directory of `path` take a new file: written to, and with room left? */
static int dir_can_create(const char *path, int *err)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (access(dir, W_OK) != 0) {
        *err = errno;
        return 0;
    }
    /* the WAL index (PATH-shm) takes 32 KiB as soon as the TM is read */
    struct statvfs vfs;
    if (statvfs(dir, &vfs) == 0) {
        unsigned long long blocks = geteuid() == 0 ? vfs.f_bfree : vfs.f_bavail;
        if (blocks * (unsigned long long)vfs.f_frsize < 64 * 1024) {
            *err = ENOSPC;
            return 0;
        }
    }
    return 1;
}

/* The size of a file, or -1 if there is none. */
static long long file_size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

enum open_mode { OPEN_WRITE, OPEN_READ, OPEN_IMMUTABLE };

/*
 * How to open an existing TM here. SQLite reads a WAL database through its
 * WAL index, PATH-shm, which it creates beside the file on first use; where
 * that cannot be done (a read-only file, directory or mount, or a full disk)
 * it fails with "attempt to write a readonly database" or "disk I/O error",
 * or, for a file this process cannot write in a directory it can, leaves a
 * PATH-wal and PATH-shm of this user behind that can stop the owner's next
 * write. So:
 *  - this process can write the file, and the WAL files exist or can be
 *    made: the usual read-write open (readers too: the last one to close
 *    folds the WAL back and removes the side files);
 *  - PATH-wal and PATH-shm (its first page at least) exist: SQLite reads
 *    them as they are, read-only, creating nothing (SQLite 3.22 and later);
 *  - no WAL with content: everything is in the file itself, which is opened
 *    with immutable=1 (no WAL, no locks, nothing created);
 *  - a WAL with content but no index that can be made: the changes in it
 *    cannot be read here, and the open fails saying so rather than showing
 *    the TM as it was before them.
 * In the last three cases *why gets why the TM cannot be written.
 */
static int open_mode_for(const char *path, int *mode, const char **why)
{
    char wal[4200], shm[4200], journal[4200];
    side_path(wal, sizeof(wal), path, "-wal");
    side_path(shm, sizeof(shm), path, "-shm");
    side_path(journal, sizeof(journal), path, "-journal");
    /* an index shorter than its first 32 KiB page was never made whole (a full disk) */
    long long wal_size = file_size_of(wal), shm_size = file_size_of(shm);
    int have_wal = wal_size >= 0 && shm_size >= 32768;
    int file_w = access(path, W_OK) == 0, file_err = file_w ? 0 : errno, dir_err = 0;
    int dir_ok = dir_can_create(path, &dir_err);
    *why = NULL;
    if (file_w && (have_wal || dir_ok)) {
        *mode = OPEN_WRITE;
        return 0;
    }
    if (!file_w)
        *why = file_err == EROFS ? "the TM file is read-only (on a read-only file system)"
                                 : "the TM file is read-only";
    else if (dir_err == ENOSPC)
        *why = "the TM file cannot be written: no space left on the device";
    else if (dir_err == EROFS)
        *why = "the TM file is read-only (on a read-only file system)";
    else
        *why = "the TM file is read-only: its directory cannot be written, and SQLite needs to "
               "create the TM's -wal and -shm files there";
    if (have_wal) {
        *mode = OPEN_READ;
        return 0;
    }
    if (wal_size <= 0 && file_size_of(journal) <= 0) {
        *mode = OPEN_IMMUTABLE;
        return 0;
    }
    return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0,
                           "%s holds changes not yet written into the TM file, and reading them "
                           "needs %s, which cannot be created here (%s): open the TM once where "
                           "it can be written (concord stats by its owner is enough)",
                           wal_size > 0 ? wal : journal, wal_size > 0 ? shm : "write access",
                           dir_err == ENOSPC ? "no space left on the device"
                           : file_w          ? "the directory cannot be written"
                                             : "the file cannot be written");
}

/* "file:" URI of a path for sqlite3_open_v2 with ?immutable=1. */
static int immutable_uri(const char *path, cc_buf *out)
{
    int rc = cc_buf_puts(out, path[0] == '/' ? "file://" : "file:");
    for (const char *p = path; *p && rc == 0; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            rc = cc_buf_printf(out, "%%%02X", (unsigned char)*p);
        else
            rc = cc_buf_putc(out, *p);
    }
    return rc == 0 ? cc_buf_puts(out, "?immutable=1") : rc;
}

int concord_tm_open(concord_tm **out, const char *path, unsigned flags)
{
    int rc;
    *out = NULL;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "is a directory, not a TM file");
    if (!exists && !(flags & CONCORD_TM_CREATE))
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0,
                               "no translation memory here (import a TMX file to create one)");
    int mode = OPEN_WRITE;
    const char *why = NULL;
    if (exists && (rc = open_mode_for(path, &mode, &why)) < 0)
        return rc;
    concord_tm *tm = cc_calloc(1, sizeof(*tm));
    if (!tm)
        return cc_error_oom();
    tm->readonly = (flags & CONCORD_TM_READONLY) != 0;
    tm->cannot_write = why;
    if (!(tm->path = cc_strdup(path))) {
        cc_free(tm);
        return cc_error_oom();
    }
    if (mode == OPEN_IMMUTABLE) {
        cc_buf uri = CC_BUF_INIT;
        if ((rc = immutable_uri(path, &uri)) < 0) {
            cc_buf_free(&uri);
            goto fail;
        }
        rc = sqlite3_open_v2(uri.data, &tm->db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
        cc_buf_free(&uri);
    } else {
        int oflags = mode == OPEN_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
        if (!exists)
            oflags |= SQLITE_OPEN_CREATE;
        rc = sqlite3_open_v2(path, &tm->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    }
    if (rc != SQLITE_OK) {
        rc = cc_tm_db_error(tm, rc, exists ? "cannot open the TM" : "cannot create the TM");
        goto fail;
    }
    sqlite3_extended_result_codes(tm->db, 0);
    sqlite3_busy_timeout(tm->db, 10000);

    /* Identify the file before anything is written to it. */
    long long app = 0, version = 0, objects = 0;
    if ((rc = query_int(tm, "PRAGMA application_id", &app)) < 0) {
        if (concord_error_last()->code == CONCORD_EUNSUPPORTED)
            rc = cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                                 "not a concord TM (not an SQLite database)");
        goto fail;
    }
    if ((rc = query_int(tm, "PRAGMA user_version", &version)) < 0 ||
        (rc = query_int(tm, "SELECT count(*) FROM sqlite_schema", &objects)) < 0)
        goto fail;
    if (objects > 0 && app != APPLICATION_ID) {
        rc = cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                             "not a concord TM (an SQLite database of another application)");
        goto fail;
    }
    if (version > NMIGRATIONS) {
        rc = cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                             "this TM was written by a newer concord (schema %lld; this concord "
                             "reads schemas up to %d): upgrade concord",
                             version, NMIGRATIONS);
        goto fail;
    }
    /* Only CONCORD_TM_CREATE makes a TM of an empty file: nothing else writes to one. */
    if (objects == 0 && !(flags & CONCORD_TM_CREATE)) {
        rc = cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                             "an empty file, not a concord TM yet");
        goto fail;
    }
    if (tm->readonly || tm->cannot_write) {
        if (objects == 0 || version < NMIGRATIONS) {
            rc = tm->readonly ? cc_error_set_at(CONCORD_EUNSUPPORTED, path, 0, 0, 0,
                                                "this TM needs an upgrade: open it for writing "
                                                "once (e.g. concord import) to migrate it")
                              : cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "%s", why);
            goto fail;
        }
    } else {
        if ((rc = cc_tm_exec(tm, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")) < 0 ||
            (rc = migrate(tm, version)) < 0)
            goto fail;
    }
    if ((rc = cc_tm_exec(tm, "PRAGMA cache_size = -16000; PRAGMA temp_store = MEMORY;")) < 0)
        goto fail;
    *out = tm;
    return 0;
fail:
    concord_tm_close(tm);
    return rc;
}

int cc_tm_writable(concord_tm *tm)
{
    if (tm->readonly)
        return cc_error_set_at(CONCORD_EINVAL, tm->path, 0, 0, 0, "the TM is open read-only");
    if (tm->cannot_write)
        return cc_error_set_at(CONCORD_EIO, tm->path, 0, 0, 0, "%s", tm->cannot_write);
    return 0;
}

int cc_tm_check(concord_tm *tm)
{
    if (tm->checked)
        return 0;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(tm->db, "PRAGMA quick_check(1)", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return cc_tm_db_error(tm, rc, "checking the TM");
    rc = sqlite3_step(st);
    const char *res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (rc == SQLITE_ROW && res && strcmp(res, "ok") == 0) {
        tm->checked = 1;
        rc = 0;
    } else if (rc == SQLITE_ROW || rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) {
        /* the first finding, on one line: "Page 6: btreeInitPage() returns error code 11" */
        char what[256];
        snprintf(what, sizeof(what), "%s", res ? res : sqlite3_errmsg(tm->db));
        const char *prefix = "*** in database main ***\n";
        char *w = strncmp(what, prefix, strlen(prefix)) == 0 ? what + strlen(prefix) : what;
        for (char *p = w; *p; p++)
            if (*p == '\n')
                *p = ' ';
        rc = cc_error_set_at(CONCORD_ERROR, tm->path, 0, 0, 0,
                             "the TM file is damaged (SQLite's quick check: %s): restore it "
                             "from a backup",
                             w);
    } else {
        rc = cc_tm_db_error(tm, rc, "checking the TM");
    }
    sqlite3_finalize(st);
    return rc;
}

void concord_tm_close(concord_tm *tm)
{
    if (!tm)
        return;
    cc_tm_put_free(tm);
    cc_tm_index_free(tm);
    if (tm->db)
        sqlite3_close_v2(tm->db);
    cc_free(tm->path);
    cc_free(tm);
}

/* ---- statistics --------------------------------------------------------------- */

typedef struct stats_build {
    concord_tm_stats s;
    cc_arena arena;
    concord_tm_count *langs, *pairs, *tools;
} stats_build;

static int count_list(concord_tm *tm, cc_arena *a, const char *sql, concord_tm_count **out,
                      size_t *n)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(tm->db, sql, -1, &st, NULL);
    *out = NULL;
    *n = 0;
    if (rc != SQLITE_OK)
        return cc_tm_db_error(tm, rc, "reading the TM");
    size_t cap = 0;
    concord_tm_count *list = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            concord_tm_count *p = cc_arena_alloc(a, ncap * sizeof(*p));
            if (!p) {
                sqlite3_finalize(st);
                return CONCORD_ENOMEM;
            }
            if (list)
                memcpy(p, list, *n * sizeof(*p));
            list = p;
            cap = ncap;
        }
        const char *name = (const char *)sqlite3_column_text(st, 0);
        list[*n].name = cc_arena_strndup(a, name ? name : "", name ? strlen(name) : 0);
        list[*n].count = (size_t)sqlite3_column_int64(st, 1);
        if (!list[*n].name) {
            sqlite3_finalize(st);
            return CONCORD_ENOMEM;
        }
        (*n)++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cc_tm_db_error(tm, rc, "reading the TM");
    *out = list;
    return 0;
}

static int text_value(concord_tm *tm, cc_arena *a, const char *sql, const char **out)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(tm->db, sql, -1, &st, NULL);
    *out = NULL;
    if (rc != SQLITE_OK)
        return cc_tm_db_error(tm, rc, "reading the TM");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (!(*out = cc_arena_strndup(a, v, strlen(v)))) {
            sqlite3_finalize(st);
            return CONCORD_ENOMEM;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : cc_tm_db_error(tm, rc, "reading the TM");
}

static int cmp_count_name(const void *a, const void *b)
{
    return strcmp(((const concord_tm_count *)a)->name, ((const concord_tm_count *)b)->name);
}

static int cmp_count_desc(const void *a, const void *b)
{
    const concord_tm_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* A small map from a (source, target) language pair to a count. */
typedef struct pair_map {
    struct pair_slot {
        uint64_t key; /* src << 32 | tgt, plus one: 0 is an empty slot */
        size_t count;
    } * slots;
    size_t cap, n;
} pair_map;

static int pair_add(pair_map *m, uint64_t key)
{
    key++;
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct pair_slot *slots = cc_calloc(cap, sizeof(*slots));
        if (!slots)
            return cc_error_oom();
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slots[i].key)
                continue;
            size_t j = (size_t)(m->slots[i].key * 0x9E3779B97F4A7C15ULL) & (cap - 1);
            while (slots[j].key)
                j = (j + 1) & (cap - 1);
            slots[j] = m->slots[i];
        }
        cc_free(m->slots);
        m->slots = slots;
        m->cap = cap;
    }
    size_t j = (size_t)(key * 0x9E3779B97F4A7C15ULL) & (m->cap - 1);
    while (m->slots[j].key && m->slots[j].key != key)
        j = (j + 1) & (m->cap - 1);
    if (!m->slots[j].key) {
        m->slots[j].key = key;
        m->n++;
    }
    m->slots[j].count++;
    return 0;
}

/* Variants per language and units per language pair: one pass over the units. */
static int count_languages(concord_tm *tm, cc_arena *a, concord_tm_stats *s)
{
    long long maxid = 0;
    int rc = query_int(tm, "SELECT coalesce(max(id), 0) FROM lang", &maxid);
    if (rc < 0)
        return rc;
    if (maxid < 0 || maxid > 10000000)
        return cc_error_set(CONCORD_ERROR, "corrupt language table in the TM");
    size_t nl = (size_t)maxid + 1;
    const char **tags = cc_calloc(nl, sizeof(*tags));
    size_t *per_lang = cc_calloc(nl, sizeof(*per_lang));
    unsigned char *seen = cc_calloc(nl, 1);
    cc_stored_variant *sv = cc_malloc(1024 * sizeof(*sv));
    pair_map pairs = {NULL, 0, 0};
    sqlite3_stmt *st = NULL;
    int step;
    if (!tags || !per_lang || !seen || !sv) {
        rc = cc_error_oom();
        goto done;
    }
    step = sqlite3_prepare_v2(tm->db, "SELECT id, tag FROM lang", -1, &st, NULL);
    if (step != SQLITE_OK) {
        rc = cc_tm_db_error(tm, step, "reading the TM");
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        const char *tag = (const char *)sqlite3_column_text(st, 1);
        if (id >= 0 && (size_t)id < nl && tag &&
            !(tags[id] = cc_arena_strndup(a, tag, strlen(tag)))) {
            rc = CONCORD_ENOMEM;
            goto done;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    step = sqlite3_prepare_v2(tm->db, "SELECT src_seq, variants FROM unit", -1, &st, NULL);
    if (step != SQLITE_OK) {
        rc = cc_tm_db_error(tm, step, "reading the TM");
        goto done;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        size_t n, src = (size_t)sqlite3_column_int64(st, 0);
        if ((rc = cc_variants_decode(sqlite3_column_blob(st, 1),
                                     (size_t)sqlite3_column_bytes(st, 1), sv, 1024, &n)) < 0)
            goto done;
        for (size_t i = 0; i < n; i++)
            if (sv[i].lang >= 0 && (size_t)sv[i].lang < nl)
                per_lang[sv[i].lang]++;
        if (src >= n || sv[src].lang < 0 || (size_t)sv[src].lang >= nl)
            continue;
        /* a unit counts once per target language */
        for (size_t i = 0; i < n; i++) {
            int64_t t = sv[i].lang;
            if (i == src || t == sv[src].lang || t < 0 || (size_t)t >= nl || seen[t])
                continue;
            seen[t] = 1;
            if ((rc = pair_add(&pairs, ((uint64_t)sv[src].lang << 32) | (uint64_t)t)) < 0)
                goto done;
        }
        for (size_t i = 0; i < n; i++)
            if (sv[i].lang >= 0 && (size_t)sv[i].lang < nl)
                seen[sv[i].lang] = 0;
    }
    if (step != SQLITE_DONE) {
        rc = cc_tm_db_error(tm, step, "reading the TM");
        goto done;
    }
    size_t nlangs = 0;
    for (size_t i = 0; i < nl; i++)
        nlangs += per_lang[i] > 0;
    concord_tm_count *langs = cc_arena_alloc(a, (nlangs + 1) * sizeof(*langs));
    concord_tm_count *plist = cc_arena_alloc(a, (pairs.n + 1) * sizeof(*plist));
    if (!langs || !plist) {
        rc = CONCORD_ENOMEM;
        goto done;
    }
    nlangs = 0;
    for (size_t i = 0; i < nl; i++)
        if (per_lang[i]) {
            langs[nlangs].name = tags[i] ? tags[i] : "und";
            langs[nlangs++].count = per_lang[i];
        }
    size_t np = 0;
    for (size_t i = 0; i < pairs.cap; i++) {
        if (!pairs.slots[i].key)
            continue;
        uint64_t key = pairs.slots[i].key - 1;
        size_t si = (size_t)(key >> 32), tj = (size_t)(key & 0xFFFFFFFFu);
        const char *a1 = si < nl && tags[si] ? tags[si] : "und";
        const char *b1 = tj < nl && tags[tj] ? tags[tj] : "und";
        size_t len = strlen(a1) + strlen(b1) + 2;
        char *name = cc_arena_alloc(a, len);
        if (!name) {
            rc = CONCORD_ENOMEM;
            goto done;
        }
        snprintf(name, len, "%s>%s", a1, b1);
        plist[np].name = name;
        plist[np++].count = pairs.slots[i].count;
    }
    qsort(langs, nlangs, sizeof(*langs), cmp_count_name);
    qsort(plist, np, sizeof(*plist), cmp_count_desc);
    s->langs = langs;
    s->nlangs = nlangs;
    s->pairs = plist;
    s->npairs = np;
done:
    sqlite3_finalize(st);
    cc_free(tags);
    cc_free(per_lang);
    cc_free(seen);
    cc_free(sv);
    cc_free(pairs.slots);
    return rc;
}

int concord_tm_stats_get(concord_tm_stats **out, concord_tm *tm)
{
    int rc;
    long long n;
    *out = NULL;
    stats_build *b = cc_calloc(1, sizeof(*b));
    if (!b)
        return cc_error_oom();
    concord_tm_stats *s = &b->s;
    concord_tm_count *list;
    if ((rc = cc_tm_exec(tm, "BEGIN")) < 0)
        goto fail;
    if ((rc = query_int(tm, "SELECT count(*) FROM unit", &n)) < 0)
        goto done;
    s->units = (size_t)n;
    if ((rc = query_int(tm, "SELECT coalesce(sum(nvariants), 0) FROM unit", &n)) < 0)
        goto done;
    s->variants = (size_t)n;
    if ((rc = query_int(tm, "PRAGMA user_version", &n)) < 0)
        goto done;
    s->schema_version = (int)n;
    if ((rc = count_languages(tm, &b->arena, s)) < 0)
        goto done;
    if ((rc =
             count_list(tm, &b->arena,
                        "SELECT trim(coalesce(u.tool, o.creationtool, 'unknown tool') || ' ' || "
                        "coalesce(u.toolversion, o.creationtoolversion, '')), count(*) FROM unit u "
                        "LEFT JOIN origin o ON o.id = u.origin GROUP BY 1 ORDER BY 2 DESC, 1",
                        &list, &s->ntools)) < 0)
        goto done;
    s->tools = list;
    if ((rc = text_value(tm, &b->arena, "SELECT min(first_date) FROM unit", &s->first_date)) < 0 ||
        (rc = text_value(tm, &b->arena, "SELECT max(last_date) FROM unit", &s->last_date)) < 0)
        goto done;
    struct stat st;
    if (stat(tm->path, &st) == 0)
        s->file_size = (unsigned long long)st.st_size;
    char wal[4096];
    snprintf(wal, sizeof(wal), "%s-wal", tm->path);
    if (stat(wal, &st) == 0)
        s->file_size += (unsigned long long)st.st_size;
done:
    sqlite3_exec(tm->db, "COMMIT", NULL, NULL, NULL);
    if (rc == 0) {
        *out = s;
        return 0;
    }
fail:
    concord_tm_stats_free(s);
    return rc;
}

void concord_tm_stats_free(concord_tm_stats *s)
{
    if (!s)
        return;
    stats_build *b = (stats_build *)s; /* s is the first member */
    cc_arena_free(&b->arena);
    cc_free(b);
}
