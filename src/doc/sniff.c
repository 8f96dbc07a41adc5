/*
 * sniff.c — what a file is, from its first bytes: the formats users
 * translate are told apart by content, not only by extension, so that a PO
 * file named .txt or an XLIFF file named .xml is not checked as prose.
 *
 *   XLIFF  an XML document whose root element is `xliff` (any prefix:
 *          `<x:xliff`), or whose start declares an XLIFF namespace
 *          (urn:oasis:names:tc:xliff:document:);
 *   TMX    an XML document whose root element is `tmx`;
 *   PO     the first line that is neither blank nor a `#` comment starts
 *          an entry, `msgid "` or `msgctxt "`, and a line starting with
 *          `msgstr` follows (within the bytes looked at);
 *   else   the name: .po and .pot are PO, .xlf, .xliff, .sdlxliff, .mxliff and
 *          .mqxliff XLIFF (a file of only comments, or too broken to tell),
 *          .md and .markdown Markdown, the rest text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "doc/doc.h"

#define SNIFF_MAX 65536 /* bytes of a UTF-8 file looked at */

#define NARROW_MAX 4096

/*
 * The bytes to look at: data itself (without a UTF-8 BOM), or a UTF-16 file's
 * first characters narrowed to one byte each into buf (non-ASCII as '?').
 */
static const char *head_of(const char *data, size_t len, char *buf, size_t *n)
{
    const unsigned char *d = (const unsigned char *)data;
    if (len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF))) {
        int le = d[0] == 0xFF;
        size_t k = 0;
        for (size_t i = 2; i + 1 < len && k < NARROW_MAX; i += 2) {
            unsigned hi = le ? d[i + 1] : d[i], lo = le ? d[i] : d[i + 1];
            buf[k++] = hi || lo >= 0x80 ? '?' : (char)lo;
        }
        *n = k;
        return buf;
    }
    size_t i = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    *n = len - i < SNIFF_MAX ? len - i : SNIFF_MAX;
    return data + i;
}

static void position(const char *s, size_t at, unsigned long *line, unsigned long *column)
{
    cc_doc_pos p = CC_DOC_POS_START;
    cc_doc_pos_advance(&p, s, at);
    if (line)
        *line = p.line;
    if (column)
        *column = p.column;
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == ':';
}

/*
 * The root element's local name of an XML document (after the declaration,
 * comments, processing instructions and a DOCTYPE) into name[0..size), and
 * the offset of its '<'; 0 if s does not start like XML.
 */
static int xml_root(const char *s, size_t n, char *name, size_t size, size_t *at)
{
    size_t i = 0;
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        if (i + 1 >= n || s[i] != '<')
            return 0;
        if (s[i + 1] == '?' || s[i + 1] == '!') {
            const char *end =
                s[i + 1] == '!' && i + 3 < n && memcmp(s + i, "<!--", 4) == 0 ? "-->" : ">";
            size_t k = i + 2;
            while (k + strlen(end) <= n && memcmp(s + k, end, strlen(end)) != 0)
                k++;
            if (k + strlen(end) > n)
                return 0;
            i = k + strlen(end);
            continue;
        }
        size_t k = i + 1, local = k;
        while (k < n && is_name_char(s[k])) {
            if (s[k] == ':')
                local = k + 1;
            k++;
        }
        size_t len = k - local;
        if (!len || len >= size)
            return 0;
        memcpy(name, s + local, len);
        name[len] = '\0';
        *at = i;
        return 1;
    }
}

/* A gettext entry: the first line that is not blank or a comment is msgid/msgctxt, then msgstr. */
static int po_entry(const char *s, size_t n, size_t *at)
{
    size_t i = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        size_t k = i;
        while (k < e && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
            k++;
        if (k < e && s[k] != '#') {
            if (!(e - k >= 7 && memcmp(s + k, "msgid \"", 7) == 0) &&
                !(e - k >= 9 && memcmp(s + k, "msgctxt \"", 9) == 0))
                return 0;
            *at = k;
            for (size_t j = e; j + 7 <= n; j++)
                if (s[j] == '\n' && memcmp(s + j + 1, "msgstr", 6) == 0)
                    return 1;
            return 0;
        }
        i = e + 1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = s ? strlen(s) : 0, m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

cc_doc_format cc_doc_sniff(const char *name, const char *data, size_t len, unsigned long *line,
                           unsigned long *column)
{
    char buf[NARROW_MAX], root[32];
    size_t n, at = 0;
    const char *head = head_of(data, len, buf, &n);
    cc_doc_format f =
        ends_with(name, ".md") || ends_with(name, ".markdown") ? CC_DOC_MARKDOWN : CC_DOC_TEXT;
    int evidence = 0;
    if (xml_root(head, n, root, sizeof(root), &at)) {
        /* the root's start tag, for its namespace declarations */
        size_t end = at;
        while (end < n && head[end] != '>')
            end++;
        const char *ns = "urn:oasis:names:tc:xliff:document:";
        int xliff_ns = 0;
        for (size_t i = at; i + strlen(ns) <= end && !xliff_ns; i++)
            xliff_ns = memcmp(head + i, ns, strlen(ns)) == 0;
        if (strcmp(root, "xliff") == 0 || xliff_ns)
            f = CC_DOC_XLIFF, evidence = 1;
        else if (strcmp(root, "tmx") == 0)
            f = CC_DOC_TMX, evidence = 1;
    } else if (po_entry(head, n, &at)) {
        f = CC_DOC_PO, evidence = 1;
    } else if (ends_with(name, ".po") || ends_with(name, ".pot")) {
        f = CC_DOC_PO; /* by its name: no entry in sight (only comments, or broken) */
    } else if (ends_with(name, ".xlf") || ends_with(name, ".xliff") ||
               ends_with(name, ".sdlxliff") || ends_with(name, ".mxliff") ||
               ends_with(name, ".mqxliff")) {
        f = CC_DOC_XLIFF;
    }
    if (line)
        *line = 0;
    if (column)
        *column = 0;
    if (evidence)
        position(head, at, line, column);
    return f;
}

const char *cc_doc_format_name(cc_doc_format f)
{
    switch (f) {
    case CC_DOC_MARKDOWN:
        return "a Markdown file";
    case CC_DOC_TMX:
        return "a TMX file";
    case CC_DOC_XLIFF:
        return "an XLIFF file";
    case CC_DOC_PO:
        return "a gettext PO file";
    default:
        return "a text file";
    }
}

int cc_doc_sniff_file(const char *path, cc_doc_format *out)
{
    char *head = cc_malloc(SNIFF_MAX);
    if (!head)
        return cc_error_oom();
    FILE *f = fopen(path, "rb");
    if (!f) {
        cc_free(head);
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open: %s", strerror(errno));
    }
    size_t n = fread(head, 1, SNIFF_MAX, f);
    int bad = ferror(f);
    fclose(f);
    if (!bad)
        *out = cc_doc_sniff(path, head, n, NULL, NULL);
    cc_free(head);
    return bad ? cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot read") : 0;
}
