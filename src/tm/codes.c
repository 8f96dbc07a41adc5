/*
 * codes.c — inline codes: their stored form and their TMX markup.
 */
#include <stdlib.h>
#include <string.h>

#include "tm/tm_internal.h"

static const char KIND_LETTER[] = " beipHhu"; /* indexed by concord_code_kind */

int cc_codes_serialize(const concord_code *codes, size_t n, cc_buf *out)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        int k = codes[i].kind;
        if (k < CONCORD_CODE_BPT || k > CONCORD_CODE_UT)
            return cc_error_set(CONCORD_EINVAL, "unknown inline code kind %d", k);
        if ((rc = cc_buf_printf(out, "%c%zu\x1f%s\x1f%s\x1e", KIND_LETTER[k], codes[i].offset,
                                codes[i].attrs ? codes[i].attrs : "",
                                codes[i].content ? codes[i].content : "")) < 0)
            return rc;
    }
    return 0;
}

int cc_codes_parse(const char *s, size_t len, cc_arena *a, concord_code **out, size_t *n)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        count += s[i] == '\x1e';
    *out = NULL;
    *n = 0;
    if (count == 0)
        return 0;
    concord_code *c = cc_arena_alloc(a, count * sizeof(*c));
    if (!c)
        return CONCORD_ENOMEM;
    const char *p = s, *end = s + len;
    for (size_t k = 0; k < count; k++) {
        const char *kl = memchr(KIND_LETTER + 1, *p, sizeof(KIND_LETTER) - 2);
        const char *us1 = memchr(p, '\x1f', (size_t)(end - p));
        const char *us2 = us1 ? memchr(us1 + 1, '\x1f', (size_t)(end - us1 - 1)) : NULL;
        const char *rs = us2 ? memchr(us2 + 1, '\x1e', (size_t)(end - us2 - 1)) : NULL;
        if (!kl || !rs)
            return cc_error_set(CONCORD_ERROR, "corrupt inline codes in the TM");
        c[k].kind = (int)(kl - KIND_LETTER);
        c[k].offset = (size_t)strtoull(p + 1, NULL, 10);
        c[k].attrs = cc_arena_strndup(a, us1 + 1, (size_t)(us2 - us1 - 1));
        c[k].content = cc_arena_strndup(a, us2 + 1, (size_t)(rs - us2 - 1));
        if (!c[k].attrs || !c[k].content)
            return CONCORD_ENOMEM;
        p = rs + 1;
    }
    *out = c;
    *n = count;
    return 0;
}

static int put_u32(cc_buf *out, size_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    return cc_buf_append(out, b, 4);
}

static int put_chunk(cc_buf *out, const char *s, size_t n)
{
    int rc = put_u32(out, n);
    return rc < 0 ? rc : cc_buf_append(out, s, n);
}

static unsigned char *raw_u32(unsigned char *p, size_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
    return p + 4;
}

static unsigned char *raw_chunk(unsigned char *p, const char *s, size_t n)
{
    p = raw_u32(p, n);
    if (n)
        memcpy(p, s, n);
    return p + n;
}

int cc_variants_encode(cc_buf *out, const int64_t *langs, const concord_variant *v, size_t n,
                       const cc_buf *codes)
{
    int rc;
    if (n > 0xFFFF)
        return cc_error_set(CONCORD_ELIMIT, "a unit with more than 65535 variants");
    /* the size first, then the bytes with no check between (an import's hot path) */
    size_t size = 4;
    for (size_t i = 0; i < n; i++) {
        if (v[i].text_len > 0x7FFFFFFF)
            return cc_error_set(CONCORD_ELIMIT, "a segment longer than 2 GiB");
        size += 16 + v[i].text_len + codes[i].len + (v[i].attrs ? strlen(v[i].attrs) : 0);
    }
    if ((rc = cc_buf_reserve(out, size)) < 0)
        return rc;
    unsigned char *p = (unsigned char *)out->data + out->len;
    p = raw_u32(p, n);
    for (size_t i = 0; i < n; i++) {
        const char *attrs = v[i].attrs ? v[i].attrs : "";
        p = raw_u32(p, (size_t)langs[i]);
        p = raw_chunk(p, v[i].text, v[i].text_len);
        p = raw_chunk(p, codes[i].data ? codes[i].data : "", codes[i].len);
        p = raw_chunk(p, attrs, strlen(attrs));
    }
    out->len += size;
    out->data[out->len] = '\0'; /* as cc_buf_append() leaves it */
    return 0;
}

int cc_variants_encode_stored(cc_buf *out, const cc_stored_variant *v, size_t n)
{
    int rc;
    if ((rc = put_u32(out, n)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = put_u32(out, (size_t)v[i].lang)) < 0 ||
            (rc = put_chunk(out, v[i].text, v[i].text_len)) < 0 ||
            (rc = put_chunk(out, v[i].codes, v[i].codes_len)) < 0 ||
            (rc = put_chunk(out, v[i].attrs, v[i].attrs_len)) < 0)
            return rc;
    return 0;
}

static int get_u32(const unsigned char **p, const unsigned char *end, size_t *v)
{
    if (end - *p < 4)
        return -1;
    *v = (size_t)(*p)[0] | ((size_t)(*p)[1] << 8) | ((size_t)(*p)[2] << 16) |
         ((size_t)(*p)[3] << 24);
    *p += 4;
    return 0;
}

static int get_chunk(const unsigned char **p, const unsigned char *end, const char **s, size_t *n)
{
    if (get_u32(p, end, n) < 0 || (size_t)(end - *p) < *n)
        return -1;
    *s = (const char *)*p;
    *p += *n;
    return 0;
}

size_t cc_variants_count(const void *blob, size_t len)
{
    const unsigned char *p = blob;
    size_t count;
    if (!blob || get_u32(&p, p + len, &count) < 0)
        return 0;
    return count;
}

int cc_variants_decode(const void *blob, size_t len, cc_stored_variant *out, size_t max, size_t *n)
{
    const unsigned char *p = blob, *end = p + len;
    size_t count, lang;
    *n = 0;
    if (!blob || get_u32(&p, end, &count) < 0 || count > max)
        return cc_error_set(CONCORD_ERROR, "corrupt unit in the TM");
    for (size_t i = 0; i < count; i++) {
        if (get_u32(&p, end, &lang) < 0 || get_chunk(&p, end, &out[i].text, &out[i].text_len) < 0 ||
            get_chunk(&p, end, &out[i].codes, &out[i].codes_len) < 0 ||
            get_chunk(&p, end, &out[i].attrs, &out[i].attrs_len) < 0)
            return cc_error_set(CONCORD_ERROR, "corrupt unit in the TM");
        out[i].lang = (int64_t)lang;
    }
    *n = count;
    return 0;
}

static const char *element_name(int kind)
{
    switch (kind) {
    case CONCORD_CODE_BPT:
        return "bpt";
    case CONCORD_CODE_EPT:
        return "ept";
    case CONCORD_CODE_IT:
        return "it";
    case CONCORD_CODE_PH:
        return "ph";
    case CONCORD_CODE_UT:
        return "ut";
    default:
        return "hi";
    }
}

static int append_segment(cc_buf *b, const char *text, size_t len, const concord_code *codes,
                          size_t ncodes)
{
    size_t pos = 0;
    int rc;
    for (size_t i = 0; i < ncodes; i++) {
        const concord_code *c = &codes[i];
        size_t at = c->offset > len ? len : c->offset;
        if (at < pos)
            at = pos;
        if ((rc = cc_buf_xml_escape(b, text + pos, at - pos, 0)) < 0)
            return rc;
        pos = at;
        const char *attrs = c->attrs ? c->attrs : "";
        const char *content = c->content ? c->content : "";
        if (c->kind == CONCORD_CODE_HI_START)
            rc = cc_buf_printf(b, "<hi%s>", attrs);
        else if (c->kind == CONCORD_CODE_HI_END)
            rc = cc_buf_puts(b, "</hi>");
        else if (*content)
            rc = cc_buf_printf(b, "<%s%s>%s</%s>", element_name(c->kind), attrs, content,
                               element_name(c->kind));
        else
            rc = cc_buf_printf(b, "<%s%s/>", element_name(c->kind), attrs);
        if (rc < 0)
            return rc;
    }
    return cc_buf_xml_escape(b, text + pos, len - pos, 0);
}

int concord_segment_to_tmx(char **out, const char *text, size_t len, const concord_code *codes,
                           size_t ncodes)
{
    cc_buf b = CC_BUF_INIT;
    *out = NULL;
    int rc = append_segment(&b, text, len, codes, ncodes);
    if (rc == 0 && !b.data)
        rc = cc_buf_reserve(&b, 0);
    if (rc < 0) {
        cc_buf_free(&b);
        return rc;
    }
    *out = cc_buf_detach(&b);
    return 0;
}
