/*
 * unit_put.c — concord_tm_unit_put(): one unit into the TM, as an editor or
 * a server writes it, with who and when. It goes through the same writer as
 * an import (detection, the duplicate policy, the store), in a transaction
 * of its own. A caller's unit is not a parsed TMX file: everything the store
 * keeps and export writes back as markup is checked first.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "concord/text.h"
#include "tm/import_internal.h"

/*
 * Attribute markup as the reader makes it and export writes it back: zero
 * or more ` name="value"`, the value without '<' or '"'. Returns 1 if s is
 * that.
 */
static int attrs_well_formed(const char *s)
{
    const char *p = s;
    while (*p) {
        if (*p++ != ' ')
            return 0;
        const char *name = p;
        while (*p && *p != '=' && *p != ' ' && *p != '"' && *p != '<' && *p != '>')
            p++;
        if (p == name || *p++ != '=' || *p++ != '"')
            return 0;
        while (*p && *p != '"' && *p != '<')
            p++;
        if (*p++ != '"')
            return 0;
    }
    return 1;
}

/* The value of attribute `name` in well-formed markup, or NULL; *len gets its length. */
static const char *attr_find(const char *attrs, const char *name, size_t *len)
{
    size_t n = strlen(name);
    for (const char *p = attrs; (p = strchr(p, ' ')) != NULL;) {
        p++;
        const char *eq = strchr(p, '=');
        const char *v = eq + 2, *end = strchr(v, '"');
        if ((size_t)(eq - p) == n && memcmp(p, name, n) == 0) {
            *len = (size_t)(end - v);
            return v;
        }
        p = end + 1;
    }
    return NULL;
}

/*
 * attrs with changedate and changeid set to date and user (user NULL: none
 * is set, the old one goes), and creationdate and creationid set the same
 * way unless attrs has them: the creation of what is new is this change.
 */
static int stamp_attrs(cc_buf *out, const char *attrs, const char *user, const char *date)
{
    int rc = 0;
    cc_buf_clear(out);
    for (const char *p = attrs; *p && rc == 0;) {
        const char *name = p + 1, *eq = strchr(name, '='), *end = strchr(eq + 2, '"');
        size_t n = (size_t)(eq - name);
        int drop = (n == 10 && memcmp(name, "changedate", 10) == 0) ||
                   (n == 8 && memcmp(name, "changeid", 8) == 0);
        if (!drop)
            rc = cc_buf_append(out, p, (size_t)(end + 1 - p));
        p = end + 1;
    }
    size_t len;
    if (rc == 0 && !attr_find(attrs, "creationdate", &len))
        rc = cc_buf_printf(out, " creationdate=\"%s\"", date);
    if (rc == 0 && user && !attr_find(attrs, "creationid", &len)) {
        if ((rc = cc_buf_puts(out, " creationid=\"")) == 0 &&
            (rc = cc_buf_xml_escape(out, user, strlen(user), 1)) == 0)
            rc = cc_buf_putc(out, '"');
    }
    if (rc == 0)
        rc = cc_buf_printf(out, " changedate=\"%s\"", date);
    if (rc == 0 && user) {
        if ((rc = cc_buf_puts(out, " changeid=\"")) == 0 &&
            (rc = cc_buf_xml_escape(out, user, strlen(user), 1)) == 0)
            rc = cc_buf_putc(out, '"');
    }
    return rc;
}

/* stamp_attrs() into arena a. */
static int stamped(const char **out, cc_arena *a, const char *attrs, const char *user,
                   const char *date)
{
    cc_buf b = CC_BUF_INIT;
    int rc = stamp_attrs(&b, attrs ? attrs : "", user, date);
    if (rc == 0 && !(*out = cc_arena_strndup(a, b.data ? b.data : "", b.len)))
        rc = CONCORD_ENOMEM;
    cc_buf_free(&b);
    return rc;
}

/* Text the store keeps as it is: UTF-8, and neither of its separators (codes.c). */
static int plain_ok(const char *s)
{
    if (!s)
        return 1;
    size_t n = strlen(s);
    return concord_text_validate(s, n) == 0 && !memchr(s, 0x1e, n) && !memchr(s, 0x1f, n);
}

/* Markup of a code's content: text with entities, and <sub> elements only. */
static int content_ok(const char *s)
{
    if (!plain_ok(s))
        return 0;
    for (const char *p = s; (p = strchr(p, '<')) != NULL; p++)
        if (strncmp(p, "<sub", 4) != 0 && strncmp(p, "</sub>", 6) != 0)
            return 0;
    return 1;
}

static int bad_unit(const char *what, size_t i)
{
    return cc_error_set(CONCORD_EINVAL, "the unit's %s (variant %zu) is not one a TM can keep",
                        what, i);
}

static int check_props(const concord_prop *p, size_t n, size_t vi)
{
    for (size_t k = 0; k < n; k++)
        if (!p[k].value || !plain_ok(p[k].value) || !plain_ok(p[k].type) ||
            (p[k].attrs && (!plain_ok(p[k].attrs) || !attrs_well_formed(p[k].attrs))))
            return bad_unit("prop or note", vi);
    return 0;
}

/*
 * A copy of u in arena a that the store can take: canonical language tags,
 * checked markup, and the dates and user stamped on the unit and each
 * variant. CONCORD_EINVAL (naming what is wrong), CONCORD_EENCODING for text
 * that is not UTF-8, CONCORD_ELIMIT, CONCORD_ENOMEM.
 */
static int prepare_unit(concord_unit *out, const concord_unit *u, const char *user,
                        const char *date, cc_arena *a)
{
    int rc;
    char tag[64];
    *out = *u;
    if (u->nvariants == 0 || !u->variants)
        return cc_error_set(CONCORD_EINVAL, "a unit without variants");
    if (u->nvariants > CC_MAX_VARIANTS)
        return cc_error_set(CONCORD_ELIMIT, "a unit with more than %d variants", CC_MAX_VARIANTS);
    if ((u->tuid && !plain_ok(u->tuid)) || (u->attrs && !attrs_well_formed(u->attrs)) ||
        (u->attrs && !plain_ok(u->attrs)))
        return cc_error_set(CONCORD_EINVAL, "the unit's tuid or attributes are not TMX markup");
    if ((rc = check_props(u->props, u->nprops, 0)) < 0)
        return rc;
    if (u->srclang && strcmp(u->srclang, "*all*") != 0) {
        if ((rc = concord_lang_canonicalize(tag, sizeof(tag), u->srclang)) < 0)
            return rc;
        if (!(out->srclang = cc_arena_strndup(a, tag, strlen(tag))))
            return CONCORD_ENOMEM;
    }
    concord_variant *v = cc_arena_alloc(a, u->nvariants * sizeof(*v));
    if (!v)
        return CONCORD_ENOMEM;
    for (size_t i = 0; i < u->nvariants; i++) {
        const concord_variant *in = &u->variants[i];
        v[i] = *in;
        if (!in->lang || !in->text)
            return bad_unit("language or text", i);
        if ((rc = concord_lang_canonicalize(tag, sizeof(tag), in->lang)) < 0)
            return rc;
        if (in->text_len > CONCORD_TM_MAX_SEGMENT)
            return cc_error_set(CONCORD_ELIMIT, "a segment longer than %d bytes (variant %zu)",
                                CONCORD_TM_MAX_SEGMENT, i);
        if ((rc = concord_text_validate(in->text, in->text_len)) < 0)
            return rc;
        if (in->attrs && (!plain_ok(in->attrs) || !attrs_well_formed(in->attrs)))
            return bad_unit("attributes", i);
        if ((rc = check_props(in->props, in->nprops, i)) < 0)
            return rc;
        for (size_t k = 0; k < in->ncodes; k++) {
            const concord_code *c = &in->codes[k];
            if (c->kind < CONCORD_CODE_BPT || c->kind > CONCORD_CODE_UT ||
                c->offset > in->text_len || (k && c->offset < in->codes[k - 1].offset) ||
                (c->attrs && (!plain_ok(c->attrs) || !attrs_well_formed(c->attrs))) ||
                !content_ok(c->content))
                return bad_unit("inline code", i);
        }
        /* the text NUL-terminated (the store hashes its terminator too) */
        if (!(v[i].lang = cc_arena_strndup(a, tag, strlen(tag))) ||
            !(v[i].text = cc_arena_strndup(a, in->text, in->text_len)))
            return CONCORD_ENOMEM;
        if ((rc = stamped(&v[i].attrs, a, in->attrs, user, date)) < 0)
            return rc;
    }
    out->variants = v;
    return stamped(&out->attrs, a, u->attrs, user, date);
}

/* A TMX date: YYYYMMDDThhmmssZ. */
static int tmx_date(const char *s)
{
    static const char shape[] = "99999999T999999Z";
    if (strlen(s) != sizeof(shape) - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++)
        if (shape[i] == '9' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    return 1;
}

int concord_tm_unit_put(int64_t *id_out, concord_tm *tm, const concord_unit *u,
                        const concord_put_options *opts)
{
    concord_put_options o = CONCORD_PUT_OPTIONS_INIT;
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    cc_arena a = CC_ARENA_INIT;
    int rc, begun = 0;
    if (id_out)
        *id_out = 0;
    if (opts) {
        static const size_t size_of[] = {0, sizeof(concord_put_options)};
        if ((rc = cc_version_check(opts->version, CONCORD_PUT_OPTIONS_VERSION, "put options")) < 0)
            return rc;
        memcpy(&o, opts, size_of[opts->version]);
    }
    if (o.on_duplicate != CONCORD_DUP_KEEP && o.on_duplicate != CONCORD_DUP_SKIP &&
        o.on_duplicate != CONCORD_DUP_REPLACE)
        return cc_error_set(CONCORD_EINVAL, "unknown duplicate policy %d", (int)o.on_duplicate);
    if (o.user && !plain_ok(o.user))
        return cc_error_set(CONCORD_EINVAL, "the user is not UTF-8 text");
    char now[32];
    if (o.date) {
        if (!tmx_date(o.date))
            return cc_error_set(CONCORD_EINVAL, "'%s' is not a TMX date (YYYYMMDDThhmmssZ)",
                                o.date);
    } else {
        time_t t = time(NULL);
        struct tm tmv;
        gmtime_r(&t, &tmv);
        strftime(now, sizeof(now), "%Y%m%dT%H%M%SZ", &tmv);
        o.date = now;
    }
    if ((rc = cc_tm_writable(tm)) < 0)
        return rc;
    concord_unit unit;
    if ((rc = prepare_unit(&unit, u, o.user, o.date, &a)) < 0)
        goto done;
    if (!tm->put && (rc = cc_importer_new(&tm->put, tm, o.on_duplicate, &st)) < 0)
        goto done;
    cc_importer *im = tm->put;
    im->on_duplicate = o.on_duplicate;
    im->st = &st;
    im->file = NULL;
    im->origin = 0;
    if ((rc = sqlite3_exec(tm->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK) {
        rc = rc == SQLITE_BUSY || rc == SQLITE_LOCKED
                 ? cc_error_set_at(CONCORD_EIO, tm->path, 0, 0, 0,
                                   "the TM is being written by another process; try again later")
                 : cc_tm_db_error(tm, rc, "updating the TM");
        goto done;
    }
    begun = 1;
    /* a damaged TM is refused before anything is written to it */
    if ((rc = cc_tm_check(tm)) < 0 || (rc = cc_importer_begin(im)) < 0 ||
        (rc = cc_import_unit(im, &unit)) < 0 || (rc = cc_import_flush(im)) < 0 ||
        (rc = cc_tm_exec(tm, "COMMIT")) < 0)
        goto done;
    begun = 0;
    if (id_out)
        *id_out = im->last_id;
done:
    if (begun) {
        sqlite3_exec(tm->db, "ROLLBACK", NULL, NULL, NULL); /* keeps our error */
        /* what was queued for the rolled-back transaction must not be written later */
        cc_importer_free(tm->put);
        tm->put = NULL;
    }
    cc_arena_free(&a);
    return rc;
}

void cc_tm_put_free(concord_tm *tm)
{
    cc_importer_free(tm->put);
    tm->put = NULL;
}
