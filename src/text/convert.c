/*
 * convert.c — charsets other than UTF-8 (ICU converters), for the readers
 * and writers of files that declare their own (PO's Content-Type charset,
 * an XML declaration's encoding): decoding to UTF-8 with the position of the
 * first byte that is not valid in the charset, and encoding back with the
 * position of the first character the charset cannot hold. Never a
 * substitution character: a reader that guessed would turn the user's text
 * into mojibake without a word.
 */
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>

#include "text/unicode.h"

struct cc_conv {
    UConverter *cnv;
    char name[64];
};

int cc_conv_open(cc_conv **out, const char *charset)
{
    *out = NULL;
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(charset, &st);
    if (U_FAILURE(st) || !cnv)
        return cc_error_set(CONCORD_EUNSUPPORTED, "unknown charset \"%s\"", charset);
    /* stop at the first bad byte or unmappable character (no substitution) */
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    ucnv_setFromUCallBack(cnv, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    cc_conv *c = cc_malloc(sizeof(*c));
    if (U_FAILURE(st) || !c) {
        ucnv_close(cnv);
        cc_free(c);
        return U_FAILURE(st)
                   ? cc_error_set(CONCORD_ERROR, "charset %s: %s", charset, u_errorName(st))
                   : cc_error_oom();
    }
    c->cnv = cnv;
    snprintf(c->name, sizeof(c->name), "%s", ucnv_getName(cnv, &st));
    *out = c;
    return 0;
}

void cc_conv_close(cc_conv *c)
{
    if (!c)
        return;
    ucnv_close(c->cnv);
    cc_free(c);
}

const char *cc_conv_name(const cc_conv *c)
{
    return c->name;
}

void cc_conv_reset(cc_conv *c)
{
    ucnv_reset(c->cnv);
}

#define STEP 4096 /* UTF-16 units converted at a time */

int cc_conv_to_utf8(cc_conv *c, const char *in, size_t n, int flush, cc_buf *out, size_t *bad)
{
    UChar u[STEP];
    int32_t offs[STEP];
    const char *src = in, *end = in + n;
    for (;;) {
        UErrorCode st = U_ZERO_ERROR;
        UChar *t = u;
        ucnv_toUnicode(c->cnv, &t, u + STEP, &src, end, offs, flush, &st);
        int32_t nu = (int32_t)(t - u);
        if (nu > 0) {
            char *s;
            size_t len;
            int rc = cc_utf8_from_utf16(u, nu, &s, &len);
            if (rc < 0)
                return rc;
            rc = cc_buf_append(out, s, len);
            cc_free(s);
            if (rc < 0)
                return rc;
        }
        if (st == U_BUFFER_OVERFLOW_ERROR)
            continue;
        if (U_FAILURE(st)) {
            /* src is after the bad sequence; ICU keeps its bytes: they start
               where the last good character ended */
            char errb[32];
            int8_t elen = (int8_t)sizeof(errb);
            UErrorCode st2 = U_ZERO_ERROR;
            ucnv_getInvalidChars(c->cnv, errb, &elen, &st2);
            size_t at = (size_t)(src - in);
            if (U_SUCCESS(st2) && (size_t)elen <= at)
                at -= (size_t)elen;
            if (bad)
                *bad = at;
            ucnv_reset(c->cnv);
            if (st == U_INVALID_CHAR_FOUND || st == U_ILLEGAL_CHAR_FOUND ||
                st == U_TRUNCATED_CHAR_FOUND)
                return cc_error_set(CONCORD_EENCODING, "a byte sequence that is not valid %s",
                                    c->name);
            return cc_error_set(CONCORD_ERROR, "decoding %s: %s", c->name, u_errorName(st));
        }
        return 0;
    }
}

/* Offset of the first C1 control (U+0080..U+009F) in UTF-8 s[0..n), or n. */
static size_t first_c1(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F)
            return i;
    return n;
}

int cc_conv_from_utf8(cc_conv *c, const char *s, size_t n, cc_buf *out, size_t *bad)
{
    /* ICU writes a C1 control into a Windows code page as the byte that page
       leaves undefined (U+0081 as 0x81 in windows-1252), which iconv (so
       libxml2 and msgfmt) refuses: in a charset that is not Unicode, a C1
       control is a character it cannot hold */
    size_t c1 = strncmp(c->name, "UTF-", 4) == 0 ? n : first_c1(s, n);
    if (c1 < n) {
        int rc = cc_conv_from_utf8(c, s, c1, out, bad);
        if (rc < 0)
            return rc;
        if (bad)
            *bad = c1;
        return cc_error_set(CONCORD_EENCODING, "a character that %s cannot hold", c->name);
    }
    cc_uchar *u;
    int32_t nu;
    int rc = cc_utf16_from_utf8(s, n, &u, &nu);
    if (rc < 0)
        return rc;
    const UChar *src = u, *end = u + nu;
    for (;;) {
        UErrorCode st = U_ZERO_ERROR;
        if ((rc = cc_buf_reserve(out, 4 * STEP)) < 0)
            break;
        char *t = out->data + out->len, *tend = out->data + out->cap - 1;
        ucnv_fromUnicode(c->cnv, &t, tend, &src, end, NULL, 1, &st);
        out->len = (size_t)(t - out->data);
        out->data[out->len] = '\0';
        if (st == U_BUFFER_OVERFLOW_ERROR)
            continue;
        if (U_FAILURE(st)) {
            UChar errc[8];
            int8_t elen = 8;
            UErrorCode st2 = U_ZERO_ERROR;
            ucnv_getInvalidUChars(c->cnv, errc, &elen, &st2);
            int32_t at = (int32_t)(src - u);
            if (U_SUCCESS(st2) && elen <= at)
                at -= elen;
            /* the UTF-8 offset of UTF-16 unit `at` */
            size_t b = 0;
            for (int32_t k = 0; k < at; k++) {
                uint32_t cp = u[k];
                if (cp >= 0xD800 && cp <= 0xDBFF && k + 1 < at) {
                    b += 4;
                    k++;
                } else {
                    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
                }
            }
            if (bad)
                *bad = b;
            ucnv_reset(c->cnv);
            rc = st == U_INVALID_CHAR_FOUND || st == U_ILLEGAL_CHAR_FOUND
                     ? cc_error_set(CONCORD_EENCODING, "a character that %s cannot hold", c->name)
                     : cc_error_set(CONCORD_ERROR, "encoding %s: %s", c->name, u_errorName(st));
            break;
        }
        rc = 0;
        break;
    }
    cc_free(u);
    return rc;
}
