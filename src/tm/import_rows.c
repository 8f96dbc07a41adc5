/*
 * import_rows.c — the row queue of an import: new rows kept until a
 * multi-row INSERT of up to CC_ROWS_PER_INSERT of them can be written (see
 * import_internal.h for why).
 */
#include <stdint.h>
#include <string.h>

#include "tm/import_internal.h"

int cc_rowq_init(cc_rowq *q, const char *head, int ncols)
{
    q->head = head;
    q->ncols = ncols;
    q->vals = cc_calloc((size_t)ncols * CC_ROWS_PER_INSERT, sizeof(*q->vals));
    return q->vals ? 0 : cc_error_oom();
}

void cc_rowq_free(cc_rowq *q)
{
    for (int i = 0; i < CC_INSERT_SIZES; i++)
        sqlite3_finalize(q->st[i]);
    cc_free(q->vals);
}

/* The statement for 2^k rows: the head and as many "(?,?,...)". */
static int rowq_statement(cc_rowq *q, concord_tm *tm, int k, sqlite3_stmt **out)
{
    int rc = 0;
    if (!q->st[k]) {
        cc_buf sql = CC_BUF_INIT;
        rc = cc_buf_puts(&sql, q->head);
        for (int r = 0; r < (1 << k) && rc == 0; r++) {
            rc = cc_buf_puts(&sql, r ? ",(" : "(");
            for (int c = 0; c < q->ncols && rc == 0; c++)
                rc = cc_buf_puts(&sql, c ? ",?" : "?");
            if (rc == 0)
                rc = cc_buf_putc(&sql, ')');
        }
        if (rc == 0)
            rc = cc_tm_prepare(tm, &q->st[k], sql.data);
        cc_buf_free(&sql);
    }
    *out = q->st[k];
    return rc;
}

int cc_rowq_flush(cc_rowq *q, concord_tm *tm)
{
    int rc;
    size_t r = 0;
    while (r < q->nrows) {
        int k = CC_INSERT_SIZES - 1;
        while ((size_t)1 << k > q->nrows - r)
            k--;
        sqlite3_stmt *st;
        if ((rc = rowq_statement(q, tm, k, &st)) < 0)
            return rc;
        const cc_qval *v = &q->vals[r * (size_t)q->ncols];
        for (int i = 0; i < q->ncols << k; i++) {
            switch (v[i].type) {
            case SQLITE_INTEGER:
                sqlite3_bind_int64(st, i + 1, v[i].i);
                break;
            case SQLITE_TEXT:
                sqlite3_bind_text(st, i + 1, v[i].p, v[i].len, SQLITE_STATIC);
                break;
            case SQLITE_BLOB:
                sqlite3_bind_blob(st, i + 1, v[i].p, v[i].len, SQLITE_STATIC);
                break;
            default:
                sqlite3_bind_null(st, i + 1);
                break;
            }
        }
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return cc_tm_db_error(tm, rc, "writing the TM");
        r += (size_t)1 << k;
    }
    q->nrows = 0;
    return 0;
}

int cc_rowq_bytes(cc_rowq *q, cc_arena *a, int type, const void *p, size_t n)
{
    cc_qval *v = &q->vals[q->nrows * (size_t)q->ncols + (size_t)q->col++];
    v->type = p ? type : SQLITE_NULL;
    if (!p)
        return 0;
    if (n > (size_t)INT32_MAX)
        return cc_error_set(CONCORD_ELIMIT, "a value larger than 2 GiB");
    void *copy = cc_arena_alloc(a, n ? n : 1);
    if (!copy)
        return CONCORD_ENOMEM;
    memcpy(copy, p, n);
    v->p = copy;
    v->len = (int)n;
    return 0;
}
