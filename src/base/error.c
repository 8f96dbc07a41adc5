/*
 * error.c — the per-thread last error behind concord_error_last().
 *
 * Errors live in fixed thread-local storage so that reporting one never
 * allocates (an out-of-memory error must be reportable).
 */
#include <stdio.h>
#include <string.h>

#include "base/base.h"

static _Thread_local char tl_message[1024];
static _Thread_local char tl_file[1024];
static _Thread_local concord_error tl_error = {CONCORD_OK, "", NULL, 0, 0, 0};

static void set_message(const char *fmt, va_list ap)
{
    vsnprintf(tl_message, sizeof(tl_message), fmt, ap);
    tl_error.message = tl_message;
}

int cc_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_message(fmt, ap);
    va_end(ap);
    tl_error.code = code;
    tl_error.file = NULL;
    tl_error.line = 0;
    tl_error.column = 0;
    tl_error.offset = 0;
    return code;
}

int cc_error_set_at(int code, const char *file, unsigned long line, unsigned long column,
                    size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_error_vset_at(code, file, line, column, offset, fmt, ap);
    va_end(ap);
    return code;
}

int cc_error_vset_at(int code, const char *file, unsigned long line, unsigned long column,
                     size_t offset, const char *fmt, va_list ap)
{
    set_message(fmt, ap);
    tl_error.code = code;
    tl_error.file = NULL;
    if (file) {
        snprintf(tl_file, sizeof(tl_file), "%s", file);
        tl_error.file = tl_file;
    }
    tl_error.line = line;
    tl_error.column = column;
    tl_error.offset = offset;
    return code;
}

int cc_error_oom(void)
{
    return cc_error_set(CONCORD_ENOMEM, "out of memory");
}

void cc_error_set_file(const char *file)
{
    if (tl_error.file || !file)
        return;
    snprintf(tl_file, sizeof(tl_file), "%s", file);
    tl_error.file = tl_file;
}

void cc_error_save(cc_error_copy *c)
{
    c->code = tl_error.code;
    snprintf(c->message, sizeof(c->message), "%s", tl_error.message ? tl_error.message : "");
    snprintf(c->file, sizeof(c->file), "%s", tl_error.file ? tl_error.file : "");
    c->has_file = tl_error.file != NULL;
    c->line = tl_error.line;
    c->column = tl_error.column;
    c->offset = tl_error.offset;
}

int cc_error_restore(const cc_error_copy *c)
{
    return cc_error_set_at(c->code, c->has_file ? c->file : NULL, c->line, c->column, c->offset,
                           "%s", c->message);
}

const concord_error *concord_error_last(void)
{
    if (!tl_error.message)
        tl_error.message = "";
    return &tl_error;
}

void concord_error_clear(void)
{
    tl_error.code = CONCORD_OK;
    tl_error.message = "";
    tl_error.file = NULL;
    tl_error.line = 0;
    tl_error.column = 0;
    tl_error.offset = 0;
}

const char *concord_error_name(int code)
{
    switch (code) {
    case CONCORD_OK:
        return "CONCORD_OK";
    case CONCORD_ERROR:
        return "CONCORD_ERROR";
    case CONCORD_ENOMEM:
        return "CONCORD_ENOMEM";
    case CONCORD_EINVAL:
        return "CONCORD_EINVAL";
    case CONCORD_EENCODING:
        return "CONCORD_EENCODING";
    case CONCORD_EPARSE:
        return "CONCORD_EPARSE";
    case CONCORD_EIO:
        return "CONCORD_EIO";
    case CONCORD_ELIMIT:
        return "CONCORD_ELIMIT";
    case CONCORD_EUNSUPPORTED:
        return "CONCORD_EUNSUPPORTED";
    case CONCORD_EUSER:
        return "CONCORD_EUSER";
    default:
        return "CONCORD_E?";
    }
}

int concord_version_number(void)
{
    return CONCORD_VERSION_NUMBER;
}

const char *concord_version_string(void)
{
    return CONCORD_VERSION_STRING;
}

int cc_version_check(unsigned int version, unsigned int current, const char *what)
{
    if (version >= 1 && version <= current)
        return 0;
    return cc_error_set(CONCORD_EINVAL, "%s version %u is not one this library knows (1 to %u)",
                        what, version, current);
}
