/*
 * po.c — gettext PO and POT files as documents: a streaming reader (one
 * entry in memory at a time), a locator that maps a text offset of a piece
 * back to the file's bytes, and a writer that copies the file byte for byte
 * and replaces only the msgstr lines (and the fuzzy flag) of edited entries.
 *
 * The input is cut into lines on its raw bytes (LF; a CR before it belongs to
 * the line end), each line decoded to UTF-8 on its own and lexed there. That
 * is right for every charset gettext allows: LF is never part of a multi-byte
 * character in them, and UTF-16 (a BOM) is cut on whole 16-bit units. What
 * precedes a keyword on its line is ASCII, so raw offsets of keywords are
 * found from the decoded line; other raw offsets are measured by encoding the
 * decoded prefix again (only for findings, in the locator).
 *
 * The charset comes from the header's Content-Type (looked for in the first
 * 64 KiB, before the first line is lexed), a BOM overriding it. "CHARSET"
 * (a POT) or none means UTF-8, which the bytes must then be: a byte not
 * valid in the charset is an error at its line and column, never a
 * substitution.
 *
 * Where this reader and msgfmt differ, on purpose:
 * - `domain "NAME"` lines (gettext's domain directive, in its grammar and
 *   manual) are accepted and skipped, and so is Okapi's unquoted
 *   `domain NAME`; msgfmt stops at the latter ("keyword unknown"), but the
 *   entries around it are plain PO and the writer keeps the line as it is.
 * - A BOM is accepted (msgfmt 0.21: "syntax error" at 1:2).
 * - charset=CHARSET, or no charset: the bytes must be UTF-8 (msgfmt only
 *   warns and reads them as ASCII-compatible bytes).
 * - A decoded C1 control in a converted charset is a byte the charset does
 *   not define (ICU maps 0x98 of windows-1251 to U+0098; iconv refuses it).
 * - Columns count code points (msgfmt counts display width), and an
 *   unterminated string is reported on its own line, at its end (msgfmt's
 *   lexer has already counted the line end and names the next line).
 * - An escape for a byte outside ASCII (\351, \xE9) or for NUL is refused:
 *   the text is UTF-8 and a byte of it cannot stand alone.
 * - Status is counted as msgfmt --statistics does: an empty (first) msgstr
 *   is untranslated whether or not the entry is fuzzy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "concord/text.h"
#include "doc/doc.h"
#include "text/unicode.h"

#define PEEK    65536 /* where the header's charset is looked for */
#define CHUNK   65536 /* bytes read from a file at a time */
#define OUT_MAX 65536 /* output buffered before write() */

/* ---- the input: raw lines, decoded ------------------------------------------------------- */

typedef enum enc_kind { ENC_UTF8 = 0, ENC_UTF16BE, ENC_UTF16LE, ENC_CONV } enc_kind;

typedef struct po_in {
    const char *path;
    FILE *fp;
    const char *data; /* the whole input (data mode), or NULL (file) */
    size_t len;
    int eof;
    cc_buf pend;             /* file mode: raw bytes read and not yet cut into lines */
    size_t pstart;           /* pend.data[pstart..len) is pending */
    unsigned long long next; /* raw offset of the next line */
    size_t bom;
    enc_kind enc;
    int unit; /* 1, or 2 for UTF-16 */
    cc_conv *conv;
    char charset[64]; /* as declared ("" if none) */
    /* the current line */
    unsigned long line; /* 1-based; 0 before the first */
    unsigned long long lraw;
    const char *raw; /* its raw bytes with the line end */
    size_t rawlen, eollen;
    const char *text; /* decoded, without the line end (not NUL-terminated) */
    size_t tlen;
    cc_buf dec;
    cc_buf tmp;
} po_in;

static int in_fill(po_in *in)
{
    if (in->data || in->eof)
        return 0;
    if (in->pstart > 0 && in->pstart * 2 >= in->pend.len) {
        memmove(in->pend.data, in->pend.data + in->pstart, in->pend.len - in->pstart);
        in->pend.len -= in->pstart;
        in->pstart = 0;
    }
    int rc = cc_buf_reserve(&in->pend, CHUNK);
    if (rc < 0)
        return rc;
    size_t n = fread(in->pend.data + in->pend.len, 1, CHUNK, in->fp);
    in->pend.len += n;
    in->pend.data[in->pend.len] = '\0';
    if (n == 0) {
        if (ferror(in->fp))
            return cc_error_set_at(CONCORD_EIO, in->path, 0, 0, 0, "cannot read: %s",
                                   strerror(errno));
        in->eof = 1;
    }
    return (int)(n > 0);
}

/* The pending raw bytes. */
static const char *in_avail(po_in *in, size_t *n)
{
    if (in->data) {
        *n = in->len - (size_t)in->next;
        return in->data + in->next;
    }
    *n = in->pend.len - in->pstart;
    return in->pend.data + in->pstart;
}

static void in_consume(po_in *in, size_t n)
{
    if (!in->data)
        in->pstart += n;
    in->next += n;
}

/* Code points of valid UTF-8 s[0..n). */
static unsigned long cps(const char *s, size_t n)
{
    unsigned long c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* The raw length of the decoded text s[0..n) of the current input's charset. */
static size_t raw_len(po_in *in, const char *s, size_t n)
{
    if (in->enc == ENC_UTF8)
        return n;
    if (in->enc != ENC_CONV) {
        size_t r = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if ((c & 0xC0) != 0x80)
                r += c >= 0xF0 ? 4 : 2;
        }
        return r;
    }
    size_t i = 0;
    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    if (i == n)
        return n;
    in->tmp.len = 0;
    if (cc_conv_from_utf8(in->conv, s, n, &in->tmp, NULL) < 0)
        return n;
    return in->tmp.len;
}

/* Position of decoded offset i of the current line (which starts at column 1). */
static cc_doc_pos line_pos(po_in *in, size_t i)
{
    cc_doc_pos p;
    size_t r = raw_len(in, in->text, i);
    p.offset = (size_t)(in->lraw + r);
    p.line = in->line;
    p.column = cps(in->text, i) + 1;
    p.byte_column = r + 1;
    return p;
}

static int err_at(po_in *in, int code, size_t i, const char *fmt, ...) CC_PRINTF(4, 5);
static int err_at(po_in *in, int code, size_t i, const char *fmt, ...)
{
    cc_doc_pos p = line_pos(in, i);
    va_list ap;
    va_start(ap, fmt);
    int rc = cc_error_vset_at(code, in->path, p.line, p.column, p.offset, fmt, ap);
    va_end(ap);
    return rc;
}

/*
 * A line ends at LF or CR LF: a CR alone inside a line would be a line break
 * to an editor (and to concord's positions elsewhere) and none to gettext,
 * and the two would disagree on every position after it.
 */
static int lone_cr(po_in *in)
{
    const char *cr = memchr(in->text, '\r', in->tlen);
    if (cr && (size_t)(cr - in->text) + 1 < in->tlen)
        return err_at(in, CONCORD_EPARSE, (size_t)(cr - in->text),
                      "a carriage return alone inside a line (lines end at LF or CR LF)");
    return 0;
}

/* Decode the current line's content raw[0..n). */
static int in_decode(po_in *in, size_t n)
{
    const char *why = NULL;
    if (in->enc == ENC_UTF8) {
        size_t bad = cc_utf8_find_invalid(in->raw, n, 1, &why);
        in->text = in->raw;
        in->tlen = n;
        if (bad < n) {
            in->tlen = bad; /* the valid prefix, for the position */
            return cc_error_set_at(CONCORD_EENCODING, in->path, in->line, cps(in->raw, bad) + 1,
                                   (size_t)(in->lraw + bad), "%s%s", why ? why : "invalid UTF-8",
                                   in->charset[0] && strcmp(in->charset, "CHARSET") != 0
                                       ? ""
                                       : " (the file declares no charset: it must be UTF-8)");
        }
        return lone_cr(in);
    }
    in->dec.len = 0;
    int rc = cc_buf_reserve(&in->dec, n + 1);
    if (rc < 0)
        return rc;
    size_t bad = 0;
    cc_conv_reset(in->conv);
    rc = cc_conv_to_utf8(in->conv, in->raw, n, 1, &in->dec, &bad);
    in->text = in->dec.data ? in->dec.data : "";
    in->tlen = in->dec.len;
    if (rc == CONCORD_EENCODING)
        return cc_error_set_at(rc, in->path, in->line, cps(in->text, in->tlen) + 1,
                               (size_t)(in->lraw + bad), "a byte sequence that is not valid %s",
                               in->charset[0] ? in->charset : cc_conv_name(in->conv));
    if (rc < 0)
        return rc;
    /* ICU maps the bytes a Windows code page leaves undefined (0x98 of windows-1251,
       0x81 of windows-1252) to C1 controls where iconv, and so msgfmt, refuses
       them; no PO text has a C1 control, so one is a byte that is not valid */
    for (size_t i = 0; i + 1 < in->tlen; i++)
        if ((unsigned char)in->text[i] == 0xC2 && (unsigned char)in->text[i + 1] >= 0x80 &&
            (unsigned char)in->text[i + 1] <= 0x9F)
            return err_at(in, CONCORD_EENCODING, i, "a byte that is not a character of %s",
                          in->charset[0] ? in->charset : cc_conv_name(in->conv));
    if (memchr(in->text, '\0', in->tlen)) {
        size_t z = (size_t)((const char *)memchr(in->text, '\0', in->tlen) - in->text);
        in->tlen = z;
        return err_at(in, CONCORD_EENCODING, z, "a NUL character");
    }
    return lone_cr(in);
}

/* Is the unit at p[k] the ASCII character c (UTF-16: a whole 16-bit unit)? */
static int unit_is(const po_in *in, const char *p, size_t k, char c)
{
    if (in->unit == 1)
        return p[k] == c;
    size_t hi = in->enc == ENC_UTF16BE ? k : k + 1, lo = in->enc == ENC_UTF16BE ? k + 1 : k;
    return p[hi] == 0 && p[lo] == c;
}

/* The next line: 1, 0 at the end of the input, or a negative code. */
static int in_line(po_in *in)
{
    size_t n, scan = 0, end = 0, u = (size_t)in->unit;
    const char *p;
    int found = 0, rc;
    for (;;) {
        p = in_avail(in, &n);
        if (u == 1) {
            const char *nl = memchr(p + scan, '\n', n - scan);
            if (nl) {
                end = (size_t)(nl - p) + 1;
                found = 1;
            }
        } else {
            for (size_t k = scan; k + 1 < n; k += 2)
                if (unit_is(in, p, k, '\n')) {
                    end = k + 2;
                    found = 1;
                    break;
                }
        }
        if (found)
            break;
        /* offsets from the pending start stay valid when in_fill() moves the bytes */
        scan = u == 1 ? n : n & ~(size_t)1;
        if ((rc = in_fill(in)) < 0)
            return rc;
        if (rc == 0) {
            p = in_avail(in, &n);
            if (n == 0)
                return 0;
            end = n; /* the last line, without a line end */
            break;
        }
    }
    in->line++;
    in->lraw = in->next;
    in->raw = p;
    in->rawlen = end;
    size_t content = end;
    if (found) {
        content -= u;
        if (content >= u && unit_is(in, p, content - u, '\r'))
            content -= u;
    }
    in->eollen = end - content;
    in_consume(in, end);
    /* in file mode the raw bytes stay in pend until the next in_line() */
    return (rc = in_decode(in, content)) < 0 ? rc : 1;
}

/*
 * A quick look at the raw header entry for "charset=" (ASCII-compatible
 * charsets); *where gets the position of the name.
 */
static void find_charset(const char *p, size_t n, char *out, size_t outsz, cc_doc_pos *where)
{
    int state = 0; /* 0 before the header msgid, 1 in the header */
    unsigned long line = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; line++) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        size_t j = i;
        while (j < e && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r'))
            j++;
        if (state == 0) {
            if (j < e && p[j] != '#') {
                if (e - j < 5 || memcmp(p + j, "msgid", 5) != 0)
                    return;
                j += 5;
                while (j < e && (p[j] == ' ' || p[j] == '\t'))
                    j++;
                if (e - j < 2 || memcmp(p + j, "\"\"", 2) != 0)
                    return;
                state = 1;
            }
        } else {
            if (j == e || p[j] == '#' || (e - j >= 5 && memcmp(p + j, "msgid", 5) == 0) ||
                (e - j >= 7 && memcmp(p + j, "msgctxt", 7) == 0))
                return;
            for (size_t k = j; k + 8 <= e; k++)
                if (memcmp(p + k, "charset=", 8) == 0) {
                    size_t o = 0;
                    where->line = line + 1;
                    where->offset = k + 8;
                    where->column = where->byte_column = (unsigned long)(k + 8 - i) + 1;
                    for (k += 8; k < e && o + 1 < outsz; k++) {
                        char c = p[k];
                        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                              c == ':'))
                            break;
                        out[o++] = c;
                    }
                    out[o] = '\0';
                    return;
                }
        }
        i = e + 1;
    }
}

static int is_utf8_name(const char *s)
{
    char low[8];
    size_t i = 0;
    for (; s[i] && i + 1 < sizeof(low); i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    low[i] = '\0';
    return !s[i] && (!strcmp(low, "utf-8") || !strcmp(low, "utf8"));
}

static int in_open(po_in *in, const char *path, const char *data, size_t len)
{
    memset(in, 0, sizeof(*in));
    in->path = path;
    in->unit = 1;
    int rc = 0;
    const char *p;
    size_t n;
    if (data) {
        in->data = data;
        in->len = len;
        in->eof = 1;
    } else {
        in->fp = fopen(path, "rb");
        if (!in->fp)
            return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open: %s", strerror(errno));
        while (in->pend.len < PEEK && (rc = in_fill(in)) > 0)
            ;
        if (rc < 0)
            return rc;
    }
    p = in_avail(in, &n);
    const char *cs = NULL;
    if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
        in->bom = 3;
    } else if (n >= 2 && !memcmp(p, "\xFE\xFF", 2)) {
        in->bom = 2;
        in->enc = ENC_UTF16BE;
        cs = "UTF-16BE";
    } else if (n >= 2 && !memcmp(p, "\xFF\xFE", 2)) {
        in->bom = 2;
        in->enc = ENC_UTF16LE;
        cs = "UTF-16LE";
    }
    cc_doc_pos csat = {0, 0, 0, 0};
    if (in->bom == 0)
        find_charset(p, n < PEEK ? n : PEEK, in->charset, sizeof(in->charset), &csat);
    else if (cs)
        snprintf(in->charset, sizeof(in->charset), "%s", cs);
    else
        snprintf(in->charset, sizeof(in->charset), "UTF-8");
    if (!cs && in->charset[0] && strcmp(in->charset, "CHARSET") != 0 &&
        !is_utf8_name(in->charset)) {
        cs = in->charset;
        in->enc = ENC_CONV;
    }
    if (cs) {
        if (in->enc != ENC_CONV)
            in->unit = 2;
        rc = cc_conv_open(&in->conv, cs);
        if (rc < 0)
            return cc_error_set_at(rc, path, csat.line, csat.column, csat.offset,
                                   "the charset \"%s\" of the Content-Type header is unknown", cs);
    }
    in_consume(in, in->bom);
    return 0;
}

static void in_close(po_in *in)
{
    if (in->fp)
        fclose(in->fp);
    cc_conv_close(in->conv);
    cc_buf_free(&in->pend);
    cc_buf_free(&in->dec);
    cc_buf_free(&in->tmp);
}

/* Seek to raw offset `at` (a line or keyword start) for the locator. */
static int in_seek(po_in *in, unsigned long long at, unsigned long line)
{
    if (in->data) {
        if (at > in->len)
            return cc_error_set(CONCORD_EINVAL, "a piece outside the input");
        in->next = at;
    } else {
        if (fseeko(in->fp, (off_t)at, SEEK_SET) != 0)
            return cc_error_set_at(CONCORD_EIO, in->path, 0, 0, 0, "cannot seek: %s",
                                   strerror(errno));
        in->pend.len = in->pstart = 0;
        in->eof = 0;
        in->next = at;
    }
    in->line = line - 1;
    return 0;
}

/* ---- lexing one decoded line -------------------------------------------------------------- */

typedef enum kw_kind { KW_NONE = 0, KW_CTXT, KW_ID, KW_PLURAL, KW_STR, KW_STRN, KW_DOMAIN } kw_kind;

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && is_ws(s[i]))
        i++;
    return i;
}

/*
 * The keyword at s[i..n): its kind, the form of msgstr[k] in *k, and the
 * index after it. KW_NONE if s[i] does not start one.
 */
static kw_kind lex_keyword(const char *s, size_t n, size_t *i, unsigned long *k)
{
    static const struct {
        const char *w;
        kw_kind kind;
    } kws[] = {{"msgctxt", KW_CTXT},
               {"msgid_plural", KW_PLURAL},
               {"msgid", KW_ID},
               {"msgstr", KW_STR},
               {"domain", KW_DOMAIN}};
    size_t j = *i;
    size_t e = j;
    while (e < n && ((s[e] >= 'a' && s[e] <= 'z') || (s[e] >= 'A' && s[e] <= 'Z') ||
                     (s[e] >= '0' && s[e] <= '9') || s[e] == '_'))
        e++;
    for (size_t w = 0; w < CC_ARRAY_LEN(kws); w++) {
        size_t wl = strlen(kws[w].w);
        if (e - j != wl || memcmp(s + j, kws[w].w, wl) != 0)
            continue;
        if (kws[w].kind == KW_STR && e < n && s[e] == '[') {
            size_t d = e + 1;
            unsigned long v = 0;
            while (d < n && s[d] >= '0' && s[d] <= '9' && v < 100000)
                v = v * 10 + (unsigned long)(s[d++] - '0');
            if (d == e + 1 || d >= n || s[d] != ']')
                return KW_NONE;
            *k = v;
            *i = d + 1;
            return KW_STRN;
        }
        *i = e;
        return kws[w].kind;
    }
    return KW_NONE;
}

/*
 * One escape sequence at s[*i] (the backslash): its value in *v and *i past
 * it, or -1 if it is not one gettext knows.
 */
static int lex_escape(const char *s, size_t n, size_t *i, unsigned *v)
{
    size_t j = *i + 1;
    if (j >= n)
        return -1;
    char c = s[j];
    static const char from[] = "ntbrfva\\\"", to[] = "\n\t\b\r\f\v\a\\\"";
    const char *f = strchr(from, c);
    if (f && c) {
        *v = (unsigned char)to[f - from];
        *i = j + 1;
        return 0;
    }
    if (c >= '0' && c <= '7') {
        unsigned x = 0;
        size_t d = j;
        while (d < n && d < j + 3 && s[d] >= '0' && s[d] <= '7')
            x = x * 8 + (unsigned)(s[d++] - '0');
        *v = x;
        *i = d;
        return 0;
    }
    if (c == 'x') {
        unsigned x = 0;
        size_t d = j + 1;
        for (; d < n && d < j + 3; d++) {
            char h = s[d];
            int hv = h >= '0' && h <= '9'   ? h - '0'
                     : h >= 'a' && h <= 'f' ? h - 'a' + 10
                     : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                            : -1;
            if (hv < 0)
                break;
            x = x * 16 + (unsigned)hv;
        }
        if (d == j + 1)
            return -1;
        *v = x;
        *i = d;
        return 0;
    }
    return -1;
}

/*
 * The strings at text[i..) of the current line, appended decoded to out
 * (NULL: only checked). At least one string if `need`. *first gets the index
 * after the first opening quote (may be NULL).
 */
static int lex_strings(po_in *in, size_t i, cc_buf *out, int need, size_t *first)
{
    const char *s = in->text;
    size_t n = in->tlen;
    int rc, any = 0;
    i = skip_ws(s, n, i);
    while (i < n && s[i] == '"') {
        size_t j = i + 1;
        if (first && !any)
            *first = j;
        any = 1;
        for (;;) {
            size_t run = j;
            while (j < n && s[j] != '"' && s[j] != '\\')
                j++;
            if (out && j > run && (rc = cc_buf_append(out, s + run, j - run)) < 0)
                return rc;
            if (j >= n)
                return err_at(in, CONCORD_EPARSE, n,
                              "end of line within a string: the closing '\"' is missing");
            if (s[j] == '"')
                break;
            unsigned v;
            size_t at = j;
            if (lex_escape(s, n, &j, &v) < 0)
                return err_at(in, CONCORD_EPARSE, at, "invalid escape sequence '\\%.1s'",
                              at + 1 < n ? s + at + 1 : "");
            if (v == 0 || v >= 0x80)
                return err_at(in, CONCORD_EPARSE, at,
                              "escape sequence for byte %u: not a character of the text", v);
            if (out && (rc = cc_buf_putc(out, (char)v)) < 0)
                return rc;
        }
        i = skip_ws(s, n, j + 1);
    }
    if (i < n)
        return err_at(in, CONCORD_EPARSE, i, "unexpected text after a string: '%.*s'",
                      (int)(n - i > 20 ? 20 : n - i), s + i);
    if (need && !any)
        return err_at(in, CONCORD_EPARSE, i, "a string (\"…\") is expected");
    return 0;
}

/* ---- entries ----------------------------------------------------------------------------- */

typedef struct po_field {
    cc_buf text;
    cc_doc_pos at;
    unsigned long long raw;
} po_field;

/* What kind of line it is, for the writer. */
enum { LN_OTHER = 0, LN_FLAGS, LN_PREV, LN_STR, LN_KEY };

typedef struct po_line {
    size_t start, len; /* in the entry's raw copy */
    size_t eollen;
    int kind;
    size_t indent; /* LN_STR: bytes before the keyword */
} po_line;

typedef struct po_entry {
    int started, has_ctxt, has_id, has_plural, has_str, obsolete, fuzzy, keyed;
    unsigned long first_line, key_line;
    po_field ctxt, id, plural;
    po_field *str;
    size_t nstr, strcap;
    cc_buf notes, flags, prev, scratch;
    po_field *curf; /* the field whose first string is still to come (a keyword alone) */
    cc_buf *cur;    /* where a continuation string goes */
    int cur_prev;   /* the continuation is of a #| line */
    int cur_obs;
    /* the writer's copy of the entry's lines */
    cc_buf raw;
    po_line *lines;
    size_t nlines, linecap;
} po_entry;

/*
 * The (msgctxt, msgid) of every entry read so far, as 64-bit hashes with the
 * line of their msgid, to refuse a duplicate as msgfmt does: 12 bytes an
 * entry (1.5 MB for the 80,000 of the largest file) is the one thing that
 * grows with the file. Two different keys with the same hash (odds about
 * n^2 / 2^65) would be reported as a duplicate.
 */
typedef struct po_keys {
    uint64_t *h;
    uint32_t *line;
    size_t n, cap;
} po_keys;

typedef struct po_reader {
    po_in in;
    po_entry e;
    po_keys keys;
    int keep_lines; /* the writer */
    size_t index;
    int seen_header;
    char lang[64];
    int has_lang;
    unsigned long nplurals; /* the header's Plural-Forms, 0 if none */
    cc_doc_piece *pieces;
    size_t piececap;
    int (*entry_fn)(struct po_reader *r, const cc_doc_unit *u);
    int (*line_fn)(struct po_reader *r, const char *raw, size_t n); /* a line of no entry */
    cc_doc_unit_fn fn;
    void *ud;
} po_reader;

static void entry_reset(po_entry *e)
{
    e->started = e->has_ctxt = e->has_id = e->has_plural = e->has_str = 0;
    e->obsolete = e->fuzzy = e->keyed = 0;
    e->first_line = e->key_line = 0;
    e->ctxt.text.len = e->id.text.len = e->plural.text.len = 0;
    for (size_t k = 0; k < e->nstr; k++)
        e->str[k].text.len = 0;
    e->nstr = 0;
    e->notes.len = e->flags.len = e->prev.len = 0;
    e->cur = NULL;
    e->curf = NULL;
    e->cur_prev = e->cur_obs = 0;
    e->raw.len = 0;
    e->nlines = 0;
}

static void entry_free(po_entry *e)
{
    cc_buf_free(&e->ctxt.text);
    cc_buf_free(&e->id.text);
    cc_buf_free(&e->plural.text);
    for (size_t k = 0; k < e->strcap; k++)
        cc_buf_free(&e->str[k].text);
    cc_free(e->str);
    cc_buf_free(&e->notes);
    cc_buf_free(&e->flags);
    cc_buf_free(&e->prev);
    cc_buf_free(&e->scratch);
    cc_buf_free(&e->raw);
    cc_free(e->lines);
}

static const char *bstr(const cc_buf *b)
{
    return b->data && b->len ? b->data : "";
}

static int keys_add(po_keys *k, uint64_t h, unsigned long line, unsigned long *dup)
{
    if ((k->n + 1) * 4 > k->cap * 3) {
        size_t ncap = k->cap ? k->cap * 2 : 1024;
        uint64_t *nh = cc_calloc(ncap, sizeof(*nh));
        uint32_t *nl = cc_calloc(ncap, sizeof(*nl));
        if (!nh || !nl) {
            cc_free(nh);
            cc_free(nl);
            return cc_error_oom();
        }
        for (size_t i = 0; i < k->cap; i++)
            if (k->line[i]) {
                size_t j = (size_t)k->h[i] & (ncap - 1);
                while (nl[j])
                    j = (j + 1) & (ncap - 1);
                nh[j] = k->h[i];
                nl[j] = k->line[i];
            }
        cc_free(k->h);
        cc_free(k->line);
        k->h = nh;
        k->line = nl;
        k->cap = ncap;
    }
    size_t j = (size_t)h & (k->cap - 1);
    while (k->line[j]) {
        if (k->h[j] == h) {
            *dup = k->line[j];
            return 1;
        }
        j = (j + 1) & (k->cap - 1);
    }
    k->h[j] = h;
    k->line[j] = line && line <= UINT32_MAX ? (uint32_t)line : UINT32_MAX;
    k->n++;
    return 0;
}

/* The value of header field `name` ("Language") in the header text, or NULL. */
static const char *header_field(const char *h, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = h; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l > nl && !strncmp(p, name, nl) && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (v < p + l && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = p + l;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
                ve--;
            *len = (size_t)(ve - v);
            return v;
        }
        p = e ? e + 1 : NULL;
    }
    return NULL;
}

static void read_header(po_reader *r, const char *h)
{
    size_t len;
    const char *v = header_field(h, "Language", &len);
    r->has_lang = 0;
    if (v && len > 0 && len < sizeof(r->lang)) {
        char tag[64];
        memcpy(tag, v, len);
        tag[len] = '\0';
        /* "sr@latin" is a gettext locale modifier, not BCP 47: the language is enough */
        char *at = strchr(tag, '@');
        if (at)
            *at = '\0';
        if (concord_lang_canonicalize(r->lang, sizeof(r->lang), tag) == 0)
            r->has_lang = 1;
    }
    v = header_field(h, "Plural-Forms", &len);
    r->nplurals = 0;
    if (v) {
        const char *np = strstr(v, "nplurals=");
        if (np && np < v + len)
            r->nplurals = strtoul(np + 9, NULL, 10);
    }
}

/* A keyword whose strings were to follow on the next line, and did not. */
static int check_curf(po_reader *r)
{
    po_field *f = r->e.curf;
    if (!f)
        return 0;
    return cc_error_set_at(CONCORD_EPARSE, r->in.path, f->at.line, f->at.column, f->at.offset,
                           "a string (\"…\") is expected after the keyword");
}

/* The entry is complete: make its unit and hand it on. */
static int entry_end(po_reader *r)
{
    po_entry *e = &r->e;
    po_in *in = &r->in;
    int rc;
    if (!e->started)
        return 0;
    if ((rc = check_curf(r)) < 0)
        return rc;
    if (!e->keyed) {
        /* comments that belong to no message (at the end of the file, before a domain line) */
        if (r->line_fn)
            for (size_t i = 0; i < e->nlines; i++)
                if ((rc = r->line_fn(r, e->raw.data + e->lines[i].start, e->lines[i].len)) < 0)
                    return rc;
        entry_reset(e);
        return 0;
    }
    if (!e->has_str) {
        const po_field *f = e->has_id ? &e->id : &e->ctxt;
        return cc_error_set_at(CONCORD_EPARSE, in->path, f->at.line, f->at.column, f->at.offset,
                               "missing msgstr after this %s", e->has_id ? "msgid" : "msgctxt");
    }
    int header = !e->obsolete && !e->has_ctxt && e->id.text.len == 0;
    if (!e->obsolete) {
        uint64_t h = cc_hash(CC_HASH_INIT, e->has_ctxt ? "c" : "n", 1);
        h = cc_hash(h, bstr(&e->ctxt.text), e->ctxt.text.len);
        h = cc_hash(h, "\x04", 1);
        h = cc_hash(h, bstr(&e->id.text), e->id.text.len);
        unsigned long first = 0;
        if ((rc = keys_add(&r->keys, h, e->id.at.line, &first)) < 0)
            return rc;
        if (rc > 0)
            return cc_error_set_at(
                CONCORD_EPARSE, in->path, e->id.at.line, e->id.at.column, e->id.at.offset,
                "duplicate message definition (the first is on line %lu)", first);
    }
    if (header && !r->seen_header) {
        r->seen_header = 1;
        read_header(r, e->nstr ? bstr(&e->str[0].text) : "");
    }
    size_t np = 1 + (size_t)e->has_plural + e->nstr;
    if ((rc = cc_grow((void **)&r->pieces, &r->piececap, np, sizeof(*r->pieces))) < 0)
        return rc;
    const char *lang = r->has_lang ? r->lang : NULL;
    size_t k = 0;
    const po_field *src[2] = {&e->id, &e->plural};
    for (size_t s = 0; s < 1 + (size_t)e->has_plural; s++, k++) {
        cc_doc_piece *p = &r->pieces[k];
        memset(p, 0, sizeof(*p));
        p->role = CC_DOC_SOURCE;
        p->seg = s;
        p->text = p->orig = bstr(&src[s]->text);
        p->len = src[s]->text.len;
        p->at = src[s]->at;
        p->raw = src[s]->raw;
    }
    int empty0 = 1;
    for (size_t s = 0; s < e->nstr; s++, k++) {
        cc_doc_piece *p = &r->pieces[k];
        memset(p, 0, sizeof(*p));
        p->role = CC_DOC_TARGET;
        p->seg = s;
        p->lang = lang;
        p->text = p->orig = bstr(&e->str[s].text);
        p->len = e->str[s].text.len;
        p->at = e->str[s].at;
        p->raw = e->str[s].raw;
        if (p->len && s == 0)
            empty0 = 0;
    }
    cc_doc_unit u;
    memset(&u, 0, sizeof(u));
    u.index = r->index++;
    u.line = e->has_ctxt ? e->ctxt.at.line : e->id.at.line;
    u.trglang = lang;
    u.pieces = r->pieces;
    u.npieces = np;
    u.context = e->has_ctxt ? bstr(&e->ctxt.text) : NULL;
    u.notes = e->notes.len ? e->notes.data : NULL;
    u.flags = e->flags.len ? e->flags.data : NULL;
    u.previous = e->prev.len ? e->prev.data : NULL;
    u.state = e->fuzzy ? "fuzzy" : NULL;
    /* as msgfmt --statistics counts: an empty (first) msgstr is untranslated, fuzzy or not */
    u.status = empty0 ? CC_DOC_UNTRANSLATED : e->fuzzy ? CC_DOC_FUZZY : CC_DOC_TRANSLATED;
    u.kind = e->obsolete ? CC_DOC_UNIT_OBSOLETE : header ? CC_DOC_UNIT_HEADER : CC_DOC_UNIT_NORMAL;
    u.translate = u.kind == CC_DOC_UNIT_NORMAL;
    u.nplurals = e->has_plural ? e->nstr : 0;
    rc = r->entry_fn(r, &u);
    entry_reset(e);
    return rc;
}

static int entry_keep_line(po_reader *r, int kind, size_t indent)
{
    po_entry *e = &r->e;
    po_in *in = &r->in;
    if (!r->keep_lines)
        return 0;
    int rc;
    if ((rc = cc_grow((void **)&e->lines, &e->linecap, e->nlines + 1, sizeof(*e->lines))) < 0)
        return rc;
    po_line *l = &e->lines[e->nlines++];
    l->start = e->raw.len;
    l->len = in->rawlen;
    l->eollen = in->eollen;
    l->kind = kind;
    l->indent = indent;
    return cc_buf_append(&e->raw, in->raw, in->rawlen);
}

static int append_sep(cc_buf *b, const char *sep, const char *s, size_t n)
{
    int rc;
    if (b->len && (rc = cc_buf_puts(b, sep)) < 0)
        return rc;
    if (n == 0 && b->len == 0)
        return cc_buf_reserve(b, 1);
    return cc_buf_append(b, s, n);
}

/* A #, line: its flags, "fuzzy" among them. */
static int read_flags(po_reader *r, const char *s, size_t n)
{
    po_entry *e = &r->e;
    int rc;
    for (size_t i = 0; i < n;) {
        while (i < n && (is_ws(s[i]) || s[i] == ','))
            i++;
        size_t j = i;
        while (j < n && !is_ws(s[j]) && s[j] != ',')
            j++;
        if (j > i) {
            if (j - i == 5 && !memcmp(s + i, "fuzzy", 5))
                e->fuzzy = 1;
            if ((rc = append_sep(&e->flags, ", ", s + i, j - i)) < 0)
                return rc;
        }
        i = j;
    }
    return 0;
}

/* A keyword line or a continuation at text[i..) (after "#~" for obsolete, "#|" for previous). */
static int read_keyed(po_reader *r, size_t i, int obsolete, int prev)
{
    po_in *in = &r->in;
    po_entry *e = &r->e;
    const char *s = in->text;
    size_t n = in->tlen;
    int rc;
    i = skip_ws(s, n, i);
    if (i < n && s[i] == '"') {
        if (!e->cur || e->cur_prev != prev || e->cur_obs != obsolete)
            return err_at(in, CONCORD_EPARSE, i, "a string without a keyword before it");
        /* once a msgstr is seen, it is the last keyword of the entry */
        int kind = prev ? LN_PREV : e->has_str ? LN_STR : LN_OTHER;
        if ((rc = entry_keep_line(r, kind, 0)) < 0)
            return rc;
        size_t first = 0;
        if ((rc = lex_strings(in, i, e->cur, 1, &first)) < 0)
            return rc;
        if (e->curf && !prev) {
            /* the keyword stood alone on its line: the text starts here */
            e->curf->at = line_pos(in, first);
            e->curf = NULL;
        }
        return 0;
    }
    if ((rc = check_curf(r)) < 0)
        return rc;
    size_t kw_at = i;
    unsigned long form = 0;
    kw_kind kw = lex_keyword(s, n, &i, &form);
    if (kw == KW_NONE) {
        size_t j = kw_at;
        while (j < n && !is_ws(s[j]) && s[j] != '"')
            j++;
        return err_at(in, CONCORD_EPARSE, kw_at, "keyword \"%.*s\" unknown",
                      (int)(j - kw_at > 40 ? 40 : j - kw_at), s + kw_at);
    }
    if (i < n && !is_ws(s[i]) && s[i] != '"')
        return err_at(in, CONCORD_EPARSE, kw_at, "keyword \"%.*s\" unknown",
                      (int)(n - kw_at > 40 ? 40 : n - kw_at), s + kw_at);
    if (prev) {
        /* #| msgctxt / msgid / msgid_plural: the previous source, kept as written. It
           starts the next entry (#~| lines come here without read_line()'s check). */
        if (e->has_str && (rc = entry_end(r)) < 0)
            return rc;
        if (!e->started) {
            e->started = 1;
            e->first_line = in->line;
        }
        e->cur = NULL;
        e->cur_prev = 1;
        e->cur_obs = obsolete;
        if ((rc = entry_keep_line(r, LN_PREV, 0)) < 0)
            return rc;
        if (kw != KW_CTXT && kw != KW_ID && kw != KW_PLURAL)
            return err_at(in, CONCORD_EPARSE, kw_at,
                          "only msgctxt, msgid and msgid_plural "
                          "may follow #|");
        /* the previous msgid is kept; msgctxt and msgid_plural are only checked */
        e->cur = kw == KW_ID ? &e->prev : &e->scratch;
        e->cur->len = 0;
        if ((rc = cc_buf_reserve(e->cur, 1)) < 0)
            return rc;
        return lex_strings(in, i, e->cur, 0, NULL);
    }
    if (kw == KW_DOMAIN) {
        /* gettext's "domain" directive; Okapi writes the name without quotes.
           Comments before it belong to no message and stay where they are. */
        if ((rc = entry_end(r)) < 0)
            return rc;
        size_t j = skip_ws(s, n, i);
        if (j < n && s[j] == '"') {
            if ((rc = lex_strings(in, j, NULL, 1, NULL)) < 0)
                return rc;
        } else if (j == n) {
            return err_at(in, CONCORD_EPARSE, j, "domain: a name is expected");
        }
        return r->line_fn ? r->line_fn(r, in->raw, in->rawlen) : 0;
    }
    if (e->has_str && (kw == KW_CTXT || kw == KW_ID)) {
        if ((rc = entry_end(r)) < 0)
            return rc;
    }
    if (e->keyed && e->obsolete != obsolete)
        return err_at(in, CONCORD_EPARSE, kw_at,
                      "an entry partly obsolete (#~) and partly not: a line is missing");
    po_field *f = NULL;
    int kind = LN_KEY;
    switch (kw) {
    case KW_CTXT:
        if (e->has_ctxt || e->has_id)
            return err_at(in, CONCORD_EPARSE, kw_at, "msgctxt after %s: msgstr is missing",
                          e->has_id ? "msgid" : "msgctxt");
        e->has_ctxt = 1;
        f = &e->ctxt;
        break;
    case KW_ID:
        if (e->has_id)
            return cc_error_set_at(CONCORD_EPARSE, in->path, e->id.at.line, e->id.at.column,
                                   e->id.at.offset, "missing msgstr after this msgid");
        e->has_id = 1;
        f = &e->id;
        if (e->has_ctxt)
            kind = LN_OTHER;
        break;
    case KW_PLURAL:
        if (!e->has_id || e->has_plural || e->has_str)
            return err_at(in, CONCORD_EPARSE, kw_at, "msgid_plural %s",
                          !e->has_id ? "without msgid" : "in the wrong place");
        e->has_plural = 1;
        f = &e->plural;
        kind = LN_OTHER;
        break;
    case KW_STR:
    case KW_STRN:
        if (!e->has_id)
            return err_at(in, CONCORD_EPARSE, kw_at, "msgstr without msgid");
        if (kw == KW_STR && (e->has_plural || e->has_str))
            return err_at(in, CONCORD_EPARSE, kw_at,
                          e->has_plural ? "msgstr after msgid_plural: msgstr[0] is expected"
                                        : "a second msgstr");
        if (kw == KW_STRN && !e->has_plural)
            return err_at(in, CONCORD_EPARSE, kw_at, "msgstr[%lu] without msgid_plural", form);
        if (kw == KW_STRN && form != e->nstr)
            return err_at(in, CONCORD_EPARSE, kw_at, "msgstr[%lu] where msgstr[%zu] is expected",
                          form, e->nstr);
        if (e->nstr >= e->strcap) {
            size_t old = e->strcap;
            if ((rc = cc_grow((void **)&e->str, &e->strcap, e->nstr + 1, sizeof(*e->str))) < 0)
                return rc;
            for (size_t q = old; q < e->strcap; q++)
                memset(&e->str[q], 0, sizeof(e->str[q]));
        }
        f = &e->str[e->nstr++];
        e->has_str = 1;
        kind = LN_STR;
        break;
    default:
        break;
    }
    if (!e->started) {
        e->started = 1;
        e->first_line = in->line;
    }
    if (!e->keyed) {
        e->keyed = 1;
        e->obsolete = obsolete;
        e->key_line = in->line;
    }
    if ((rc = entry_keep_line(r, kind, kw_at)) < 0)
        return rc;
    f->text.len = 0;
    if ((rc = cc_buf_reserve(&f->text, 1)) < 0)
        return rc;
    f->raw = in->lraw + raw_len(in, in->text, kw_at); /* UTF-16: 2 bytes a character */
    size_t first = 0;
    if ((rc = lex_strings(in, i, &f->text, 0, &first)) < 0)
        return rc;
    /* gettext reads tokens, not lines: the strings may start on the next line */
    e->curf = first ? NULL : f;
    f->at = line_pos(in, first ? first : in->tlen);
    e->cur = &f->text;
    e->cur_prev = 0;
    e->cur_obs = obsolete;
    return 0;
}

static int read_line(po_reader *r)
{
    po_in *in = &r->in;
    po_entry *e = &r->e;
    const char *s = in->text;
    size_t n = in->tlen;
    int rc;
    size_t i = skip_ws(s, n, 0);
    if ((i == n || (s[i] == '#' && !(i + 1 < n && (s[i + 1] == '~' || s[i + 1] == '|')))) &&
        (rc = check_curf(r)) < 0)
        return rc;
    if (i == n) {
        if (e->has_str && (rc = entry_end(r)) < 0)
            return rc;
        if (e->started)
            return entry_keep_line(r, LN_OTHER, 0);
        return r->line_fn ? r->line_fn(r, in->raw, in->rawlen) : 0;
    }
    if (s[i] != '#')
        return read_keyed(r, i, 0, 0);
    char c = i + 1 < n ? s[i + 1] : ' ';
    if (c == '~') {
        size_t j = skip_ws(s, n, i + 2);
        if (j < n && s[j] == '|')
            return read_keyed(r, j + 1, 1, 1);
        if (j < n)
            return read_keyed(r, j, 1, 0);
        /* a bare "#~": a comment */
    }
    /* a comment: it starts the next entry when this one is complete */
    if (e->has_str && (rc = entry_end(r)) < 0)
        return rc;
    if (!e->started) {
        e->started = 1;
        e->first_line = in->line;
    }
    if (c == '|') /* the previous msgctxt / msgid of a fuzzy entry */
        return read_keyed(r, i + 2, 0, 1);
    e->cur = NULL;
    size_t body = i + 2 < n ? i + 2 : n;
    if (body < n && s[body] == ' ')
        body++;
    int kind = LN_OTHER;
    switch (c) {
    case ',':
        kind = LN_FLAGS;
        if ((rc = read_flags(r, s + i + 2, n - i - 2)) < 0)
            return rc;
        break;
    case '.':
    case ':':
        if ((rc = append_sep(&e->notes, "\n", s + body, n - body)) < 0)
            return rc;
        break;
    case '~':
        break;
    default: /* "# translator comment", or '#' with anything else */
        body = i + 1 < n ? i + 1 : n;
        if (body < n && s[body] == ' ')
            body++;
        if ((rc = append_sep(&e->notes, "\n", s + body, n - body)) < 0)
            return rc;
        break;
    }
    return entry_keep_line(r, kind, 0);
}

static int read_all(po_reader *r)
{
    int rc;
    while ((rc = in_line(&r->in)) > 0)
        if ((rc = read_line(r)) < 0)
            return rc;
    if (rc < 0)
        return rc;
    return entry_end(r);
}

static void reader_free(po_reader *r)
{
    in_close(&r->in);
    entry_free(&r->e);
    cc_free(r->keys.h);
    cc_free(r->keys.line);
    cc_free(r->pieces);
}

static int deliver(po_reader *r, const cc_doc_unit *u)
{
    int rc = r->fn(u, r->ud);
    return rc < 0 ? rc : 0;
}

int cc_doc_read_po(const char *path, const char *data, size_t len, cc_doc_unit_fn fn, void *ud)
{
    po_reader r;
    memset(&r, 0, sizeof(r));
    int rc = in_open(&r.in, path, data, len);
    if (rc < 0)
        goto done;
    r.fn = fn;
    r.ud = ud;
    r.entry_fn = deliver;
    rc = read_all(&r);
done:
    reader_free(&r);
    return rc;
}

/* ---- the locator ------------------------------------------------------------------------- */

/*
 * The line after a piece's first, for the locator: 1, or 0 at the end of the
 * input and where the line is one the reader refuses (a bad byte, a NUL):
 * the piece ended before it (the reader says so when it gets there).
 */
static int next_line(po_in *in)
{
    int rc = in_line(in);
    if (rc < 0)
        concord_error_clear();
    return rc < 0 ? 0 : rc;
}

int cc_doc_locate_po(const char *path, const char *data, size_t len, const cc_doc_piece *p,
                     size_t off, cc_doc_pos *out)
{
    po_in in;
    int rc = in_open(&in, path, data, len);
    if (rc < 0)
        goto done;
    if (off > p->len) {
        rc = cc_error_set(CONCORD_EINVAL, "offset %zu beyond the piece (%zu bytes)", off, p->len);
        goto done;
    }
    if ((rc = in_seek(&in, p->raw, p->at.line)) < 0)
        goto done;
    if ((rc = in_line(&in)) <= 0) {
        rc = rc < 0 ? rc : cc_error_set(CONCORD_EINVAL, "no piece at offset %llu", p->raw);
        goto done;
    }
    /* the first line starts at the keyword: columns from the piece's own */
    size_t q = 0;
    while (q < in.tlen && in.text[q] != '"')
        q++;
    if (q == in.tlen && in.line > 1)
        in.line--; /* a keyword alone on its line: p->at is on the next one */
    size_t qb = raw_len(&in, in.text, q + 1 <= in.tlen ? q + 1 : in.tlen);
    unsigned long col0 = p->at.column > q + 1 ? p->at.column - (unsigned long)(q + 1) : 1;
    unsigned long bcol0 = p->at.byte_column > qb ? p->at.byte_column - (unsigned long)qb : 1;
    size_t t = 0; /* text offset */
    cc_doc_pos last = {0, 0, 0, 0};
    for (int first = 1;; first = 0) {
        const char *s = in.text;
        size_t n = in.tlen, i;
        if (first) {
            i = q;
        } else {
            /* a continuation: "…" or, in an obsolete entry, #~ "…" (the reader took the
               file, so a #~ continuation cannot follow a piece that is not obsolete) */
            i = skip_ws(s, n, 0);
            if (i >= n && p->role == CC_DOC_SOURCE) {
                /* a blank line: the reader goes on to a msgid's strings after it (a
                   blank line after a msgstr ends the entry) */
                if ((rc = next_line(&in)) <= 0)
                    break;
                continue;
            }
            if (i + 1 < n && s[i] == '#' && s[i + 1] == '~')
                i = skip_ws(s, n, i + 2);
            if (i >= n || s[i] != '"')
                break;
            col0 = bcol0 = 1;
        }
        while (i < n && s[i] == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"') {
                size_t cl, tl;
                if (s[j] == '\\') {
                    size_t k = j;
                    unsigned v;
                    if (lex_escape(s, n, &k, &v) < 0)
                        k = j + 2 <= n ? j + 2 : n;
                    cl = k - j;
                    tl = 1; /* an escape stands for one ASCII character */
                } else {
                    unsigned char c = (unsigned char)s[j];
                    cl = tl = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
                }
                if (off >= t && off < t + tl) {
                    size_t r = raw_len(&in, s, j);
                    out->offset = (size_t)(in.lraw + r);
                    out->line = in.line;
                    out->column = col0 + cps(s, j);
                    out->byte_column = bcol0 + r;
                    rc = 0;
                    goto done;
                }
                t += tl;
                j += cl;
            }
            if (j >= n) {
                rc = cc_error_set(CONCORD_EPARSE, "the piece's string is not terminated");
                goto done;
            }
            size_t r = raw_len(&in, s, j);
            last.offset = (size_t)(in.lraw + r);
            last.line = in.line;
            last.column = col0 + cps(s, j);
            last.byte_column = bcol0 + r;
            i = skip_ws(s, n, j + 1);
        }
        if ((rc = next_line(&in)) <= 0)
            break;
    }
    if (off == t && last.line) {
        *out = last;
        rc = 0;
    } else {
        rc = cc_error_set(CONCORD_EINVAL, "offset %zu is not in the piece", off);
    }
done:
    in_close(&in);
    return rc;
}

/* ---- the writer -------------------------------------------------------------------------- */

typedef struct po_writer {
    po_reader r;
    cc_doc_edit_fn edit;
    void *eud;
    cc_doc_write_fn write;
    void *wud;
    cc_buf out;
    cc_buf line;  /* one line being made, UTF-8 */
    cc_buf block; /* new msgstr lines, UTF-8 */
    cc_buf flagtxt;
} po_writer;

static int w_flush(po_writer *w, int all)
{
    if (w->out.len == 0 || (!all && w->out.len < OUT_MAX))
        return 0;
    int rc = w->write(w->out.data, w->out.len, w->wud);
    w->out.len = 0;
    return rc < 0 ? rc : 0;
}

static int w_raw(po_writer *w, const char *s, size_t n)
{
    int rc = cc_buf_append(&w->out, s, n);
    return rc < 0 ? rc : w_flush(w, 0);
}

static int w_line_fn(po_reader *r, const char *raw, size_t n)
{
    return w_raw((po_writer *)r, raw, n);
}

/* Text of ours (UTF-8) in the file's charset. */
static int w_text(po_writer *w, const char *s, size_t n, const cc_doc_unit *u)
{
    po_in *in = &w->r.in;
    if (in->enc == ENC_UTF8)
        return w_raw(w, s, n);
    size_t bad = 0;
    int rc = cc_conv_from_utf8(in->conv, s, n, &w->out, &bad);
    if (rc == CONCORD_EENCODING) {
        size_t i = bad;
        uint32_t cp = cc_utf8_decode((const unsigned char *)s, &i);
        return cc_error_set_at(rc, in->path, u->line, 0, 0,
                               "the new translation of the entry on line %lu has U+%04X, which "
                               "the file's charset %s cannot hold",
                               u->line, (unsigned)cp, in->charset);
    }
    return rc < 0 ? rc : w_flush(w, 0);
}

static int put_escaped(cc_buf *b, const char *s, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        switch (c) {
        case '\n':
            esc = "\\n";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\a':
            esc = "\\a";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\v':
            esc = "\\v";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '"':
            esc = "\\\"";
            break;
        default:
            break;
        }
        if (esc)
            rc = cc_buf_puts(b, esc);
        else if (c < 0x20 || c == 0x7F)
            rc = cc_buf_printf(b, "\\%03o", c);
        else
            rc = cc_buf_putc(b, (char)c);
    }
    return rc;
}

/*
 * keyword + the text as gettext writes it: on the keyword's line, or, when a
 * newline is inside it, "" there and one line per \n after it (msgmerge's way).
 */
static int put_msgstr(cc_buf *b, const char *indent, size_t nind, const char *kw, const char *s,
                      size_t n, const char *eol, int last_eol)
{
    int rc;
    const char *nl = n > 1 ? memchr(s, '\n', n - 1) : NULL;
    if ((rc = cc_buf_append(b, indent, nind)) < 0 || (rc = cc_buf_puts(b, kw)) < 0)
        return rc;
    if (!nl) {
        if ((rc = cc_buf_puts(b, " \"")) < 0 || (rc = put_escaped(b, s, n)) < 0 ||
            (rc = cc_buf_putc(b, '"')) < 0)
            return rc;
        return last_eol ? cc_buf_puts(b, eol) : 0;
    }
    if ((rc = cc_buf_puts(b, " \"\"")) < 0 || (rc = cc_buf_puts(b, eol)) < 0)
        return rc;
    for (size_t i = 0; i < n;) {
        const char *e = memchr(s + i, '\n', n - i);
        size_t j = e ? (size_t)(e - s) + 1 : n;
        if ((rc = cc_buf_append(b, indent, nind)) < 0 || (rc = cc_buf_putc(b, '"')) < 0 ||
            (rc = put_escaped(b, s + i, j - i)) < 0 || (rc = cc_buf_putc(b, '"')) < 0)
            return rc;
        i = j;
        if ((i < n || last_eol) && (rc = cc_buf_puts(b, eol)) < 0)
            return rc;
    }
    return 0;
}

static int has_fuzzy(const char *s, size_t n)
{
    for (size_t i = 2; i < n;) {
        while (i < n && (is_ws(s[i]) || s[i] == ','))
            i++;
        size_t j = i;
        while (j < n && !is_ws(s[j]) && s[j] != ',')
            j++;
        if (j - i == 5 && !memcmp(s + i, "fuzzy", 5))
            return 1;
        i = j;
    }
    return 0;
}

/* The #, line without (fuzzy = 0) or with fuzzy first. */
static int put_flags(cc_buf *b, const char *s, size_t n, int fuzzy, int *any)
{
    int rc;
    *any = fuzzy;
    if ((rc = cc_buf_puts(b, fuzzy ? "#, fuzzy" : "#,")) < 0)
        return rc;
    size_t i = 2;
    for (; i < n;) {
        while (i < n && (is_ws(s[i]) || s[i] == ','))
            i++;
        size_t j = i;
        while (j < n && !is_ws(s[j]) && s[j] != ',')
            j++;
        if (j > i && !(j - i == 5 && !memcmp(s + i, "fuzzy", 5))) {
            if ((rc = cc_buf_puts(b, *any ? ", " : " ")) < 0 ||
                (rc = cc_buf_append(b, s + i, j - i)) < 0)
                return rc;
            *any = 1;
        }
        i = j;
    }
    return 0;
}

/* The decoded text of line l of the entry (re-decoded from its raw copy). */
static int decode_copy(po_writer *w, const po_line *l, cc_buf *into)
{
    po_in *in = &w->r.in;
    const char *raw = w->r.e.raw.data + l->start;
    size_t n = l->len - l->eollen;
    into->len = 0;
    if (in->enc == ENC_UTF8)
        return cc_buf_append(into, raw, n);
    cc_conv_reset(in->conv);
    int rc = cc_buf_reserve(into, 1);
    return rc < 0 ? rc : cc_conv_to_utf8(in->conv, raw, n, 1, into, NULL);
}

static int w_entry(po_reader *r, const cc_doc_unit *u)
{
    po_writer *w = (po_writer *)r;
    po_entry *e = &r->e;
    int rc;
    cc_doc_edit ed;
    memset(&ed, 0, sizeof(ed));
    if ((rc = w->edit(u, &ed, w->eud)) < 0)
        return rc;
    if (!u->translate || ed.ntargets == 0) {
        for (size_t i = 0; i < e->nlines; i++)
            if ((rc = w_raw(w, e->raw.data + e->lines[i].start, e->lines[i].len)) < 0)
                return rc;
        return 0;
    }
    /* a plural entry may get the forms the header's Plural-Forms has and the entry lacks
       (a catalogue made from a POT has 2, Russian needs 3), as msgmerge adds them */
    size_t nforms = e->nstr;
    size_t allowed = e->has_plural && r->nplurals > nforms ? r->nplurals : nforms;
    for (size_t t = 0; t < ed.ntargets; t++) {
        const cc_doc_target *tg = &ed.targets[t];
        if (tg->seg < allowed && tg->seg >= nforms)
            nforms = tg->seg + 1;
        if (tg->seg >= allowed)
            return cc_error_set_at(CONCORD_EINVAL, r->in.path, u->line, 0, 0,
                                   "the entry on line %lu has no msgstr form %zu", u->line,
                                   tg->seg);
        const char *why;
        if (cc_utf8_find_invalid(tg->text, tg->len, 1, &why) < tg->len)
            return cc_error_set_at(CONCORD_EENCODING, r->in.path, u->line, 0, 0,
                                   "the new translation of the entry on line %lu: %s", u->line,
                                   why ? why : "not valid UTF-8");
    }
    /* PO cannot say "a text that is not a translation yet" but with the fuzzy
       flag, as msgmerge does: UNTRANSLATED with a new text is fuzzy too */
    int want_fuzzy = ed.status == CC_DOC_FUZZY || ed.status == CC_DOC_UNTRANSLATED;
    int drop_prev = e->fuzzy && !want_fuzzy;
    int has_flags_line = 0;
    size_t first_str = e->nlines, last_str = 0, first_prev = e->nlines, first_key = e->nlines;
    for (size_t i = 0; i < e->nlines; i++) {
        int k = e->lines[i].kind;
        has_flags_line |= k == LN_FLAGS;
        if (k == LN_STR) {
            if (first_str == e->nlines)
                first_str = i;
            last_str = i;
        }
        if (k == LN_PREV && first_prev == e->nlines)
            first_prev = i;
        if (k == LN_KEY && first_key == e->nlines)
            first_key = i;
    }
    const po_line *sl = &e->lines[first_str];
    char eol[3] = "\n";
    if (sl->eollen == 2 * (size_t)r->in.unit)
        strcpy(eol, "\r\n");
    int last_eol = e->lines[last_str].eollen > 0;
    /* the new msgstr block */
    w->block.len = 0;
    if ((rc = decode_copy(w, sl, &w->line)) < 0)
        return rc;
    size_t nind = sl->indent < w->line.len ? sl->indent : 0;
    char indent[64];
    if (nind >= sizeof(indent))
        nind = 0;
    memcpy(indent, w->line.data, nind);
    for (size_t k = 0; k < nforms; k++) {
        const char *s = k < e->nstr ? bstr(&e->str[k].text) : "";
        size_t n = k < e->nstr ? e->str[k].text.len : 0;
        for (size_t t = 0; t < ed.ntargets; t++)
            if (ed.targets[t].seg == k) {
                s = ed.targets[t].text;
                n = ed.targets[t].len;
            }
        char kw[32];
        if (e->has_plural)
            snprintf(kw, sizeof(kw), "msgstr[%zu]", k);
        else
            snprintf(kw, sizeof(kw), "msgstr");
        if ((rc = put_msgstr(&w->block, indent, nind, kw, s, n, eol, k + 1 < nforms || last_eol)) <
            0)
            return rc;
    }
    /* the lines, with the block in place of the msgstr lines */
    int fuzzy_done = !want_fuzzy || e->fuzzy;
    for (size_t i = 0; i < e->nlines; i++) {
        const po_line *l = &e->lines[i];
        const char *raw = e->raw.data + l->start;
        if (!fuzzy_done && !has_flags_line && (i == first_prev || i == first_key)) {
            /* "#, fuzzy" before #| and msgctxt / msgid, as gettext orders comments */
            w->line.len = 0;
            if ((rc = cc_buf_puts(&w->line, "#, fuzzy")) < 0 ||
                (rc = cc_buf_puts(&w->line, eol)) < 0 ||
                (rc = w_text(w, w->line.data, w->line.len, u)) < 0)
                return rc;
            fuzzy_done = 1;
        }
        if (l->kind == LN_STR) {
            if (i == first_str && (rc = w_text(w, w->block.data, w->block.len, u)) < 0)
                return rc;
            continue;
        }
        if (l->kind == LN_PREV && drop_prev)
            continue;
        if (l->kind == LN_FLAGS && want_fuzzy != e->fuzzy) {
            if ((rc = decode_copy(w, l, &w->flagtxt)) < 0)
                return rc;
            int add = want_fuzzy && !fuzzy_done;
            if (!add && !has_fuzzy(bstr(&w->flagtxt), w->flagtxt.len)) {
                if ((rc = w_raw(w, raw, l->len)) < 0)
                    return rc;
                continue;
            }
            int any = 0;
            w->line.len = 0;
            if ((rc = put_flags(&w->line, bstr(&w->flagtxt), w->flagtxt.len, add, &any)) < 0)
                return rc;
            fuzzy_done |= add;
            if (!any)
                continue; /* only fuzzy was there: the line goes */
            if ((rc = w_text(w, w->line.data, w->line.len, u)) < 0 ||
                (rc = w_raw(w, raw + l->len - l->eollen, l->eollen)) < 0)
                return rc;
            continue;
        }
        if ((rc = w_raw(w, raw, l->len)) < 0)
            return rc;
    }
    return 0;
}

int cc_doc_rewrite_po(const char *path, const char *data, size_t len, cc_doc_edit_fn edit,
                      void *eud, cc_doc_write_fn write, void *wud)
{
    po_writer w;
    memset(&w, 0, sizeof(w));
    int rc = in_open(&w.r.in, path, data, len);
    if (rc < 0)
        goto done;
    w.r.keep_lines = 1;
    w.r.entry_fn = w_entry;
    w.r.line_fn = w_line_fn;
    w.edit = edit;
    w.eud = eud;
    w.write = write;
    w.wud = wud;
    /* the BOM, before the first line */
    if (w.r.in.bom) {
        const char *bom = w.r.in.enc == ENC_UTF16BE   ? "\xFE\xFF"
                          : w.r.in.enc == ENC_UTF16LE ? "\xFF\xFE"
                                                      : "\xEF\xBB\xBF";
        if ((rc = w_raw(&w, bom, w.r.in.bom)) < 0)
            goto done;
    }
    if ((rc = read_all(&w.r)) < 0)
        goto done;
    rc = w_flush(&w, 1);
done:
    reader_free(&w.r);
    cc_buf_free(&w.out);
    cc_buf_free(&w.line);
    cc_buf_free(&w.block);
    cc_buf_free(&w.flagtxt);
    return rc;
}
