/*
 * xml.c — hardened libxml2 readers (see xml.h for the policy).
 */
#define _GNU_SOURCE /* memrchr */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "base/xml.h"

#define TRACK_NAMES 16

/* What libxml2 reported: the first error, and the first generic message. */
typedef struct xml_errors {
    int set;
    unsigned long line, col;
    char msg[512];
    char generic[256];
} xml_errors;

struct cc_xml {
    xmlTextReaderPtr reader;
    char *name;
    const char *mem; /* the document, for readers opened on memory */
    size_t memlen;
    FILE *cf; /* file readers: a cursor for finding columns */
    unsigned long cline;
    long cline_off;
    /* which occurrence of its name on its line the current element is */
    unsigned long track_line;
    char track_name[TRACK_NAMES][32];
    int track_count[TRACK_NAMES];
    int ntrack;
    int cur_occ;
    int failed;
    xml_errors err;
    xmlGenericErrorFunc prev_generic; /* the thread's handler before this reader */
    void *prev_generic_ctx;
};

/*
 * libxml2's external entity loader is process-wide. Ours refuses every load
 * made while a concord reader is parsing on this thread and defers to the
 * previous loader otherwise, so that concord never fetches a DTD or an entity
 * (file or network) and does not change other users of libxml2 in the process.
 */
static _Thread_local int tl_in_reader;
static xmlExternalEntityLoader g_prev_loader;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static xmlParserInputPtr refusing_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    if (tl_in_reader)
        return NULL;
    return g_prev_loader ? g_prev_loader(url, id, ctxt) : NULL;
}

static void xml_init_once(void)
{
    xmlInitParser();
    g_prev_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(refusing_loader);
}

/* No NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE: see xml.h. */
static const int XML_OPTIONS =
    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;

static void keep_error(xml_errors *e, xmlErrorPtr err)
{
    if (!err || err->level < XML_ERR_ERROR || e->set)
        return;
    e->set = 1;
    e->line = err->line > 0 ? (unsigned long)err->line : 0;
    e->col = err->int2 > 0 ? (unsigned long)err->int2 : 0;
    snprintf(e->msg, sizeof(e->msg), "%s", err->message ? err->message : "XML error");
    /* libxml2 messages end with a newline and may hold more; ours are one line. */
    size_t n = strlen(e->msg);
    while (n && (e->msg[n - 1] == '\n' || e->msg[n - 1] == ' '))
        e->msg[--n] = '\0';
    for (char *p = e->msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

static void on_error(void *ud, xmlErrorPtr err)
{
    keep_error(&((cc_xml *)ud)->err, err);
}

/*
 * Some libxml2 errors (encoding conversion, I/O) go to its generic handler,
 * which prints to stderr. While a concord reader parses, this thread's
 * generic handler keeps the first such message for the error instead.
 */
static void on_generic(void *ctx, const char *fmt, ...) CC_PRINTF(2, 3);
static void on_generic(void *ctx, const char *fmt, ...)
{
    xml_errors *e = ctx;
    if (!e || e->set || e->generic[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->generic, sizeof(e->generic), fmt, ap);
    va_end(ap);
    char *nl = strchr(e->generic, '\n');
    if (nl)
        *nl = '\0';
}

/* Run one reader step with the thread's entity loader ours. */
static int step(cc_xml *x, int (*move)(xmlTextReaderPtr))
{
    tl_in_reader = 1;
    int rc = move(x->reader);
    tl_in_reader = 0;
    return rc;
}

static int finish_open(cc_xml **out, cc_xml *x, const char *name)
{
    if (!x->reader) {
        cc_free(x->name);
        cc_free(x);
        return cc_error_set_at(CONCORD_EIO, name, 0, 0, 0, "cannot open XML input");
    }
    xmlTextReaderSetStructuredErrorHandler(x->reader, on_error, x);
    /* the thread's generic handler is ours while the reader lives (setting it
     * around each step costs libxml2's thread lookups on every node) */
    x->prev_generic = xmlGenericError;
    x->prev_generic_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(&x->err, on_generic);
    *out = x;
    return 0;
}

int cc_xml_open_memory(cc_xml **out, const char *xml, size_t len, const char *name)
{
    *out = NULL;
    if (len > (size_t)0x7fffffff)
        return cc_error_set(CONCORD_ELIMIT, "XML document larger than 2 GiB in memory");
    pthread_once(&g_once, xml_init_once);
    cc_xml *x = cc_calloc(1, sizeof(*x));
    if (!x)
        return cc_error_oom();
    x->name = cc_strdup(name ? name : "<memory>");
    if (!x->name) {
        cc_free(x);
        return cc_error_oom();
    }
    x->mem = xml;
    x->memlen = len;
    x->reader = xmlReaderForMemory(xml, (int)len, NULL, NULL, XML_OPTIONS);
    return finish_open(out, x, x->name);
}

int cc_xml_open_file(cc_xml **out, const char *path)
{
    *out = NULL;
    pthread_once(&g_once, xml_init_once);
    /* not fopen(): opening a pipe to probe it would consume it */
    if (access(path, R_OK) != 0)
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open: %s", strerror(errno));
    cc_xml *x = cc_calloc(1, sizeof(*x));
    if (!x)
        return cc_error_oom();
    x->name = cc_strdup(path);
    if (!x->name) {
        cc_free(x);
        return cc_error_oom();
    }
    x->reader = xmlReaderForFile(path, NULL, XML_OPTIONS);
    return finish_open(out, x, path);
}

void cc_xml_free(cc_xml *x)
{
    if (!x)
        return;
    if (x->reader) {
        xmlFreeTextReader(x->reader);
        xmlSetGenericErrorFunc(x->prev_generic_ctx, x->prev_generic);
    }
    if (x->cf)
        fclose(x->cf);
    cc_free(x->name);
    cc_free(x);
}

xmlTextReaderPtr cc_xml_reader(cc_xml *x)
{
    return x->reader;
}

const char *cc_xml_name(const cc_xml *x)
{
    return x->name;
}

unsigned long cc_xml_line(cc_xml *x)
{
    /* the node's own line: the parser itself may already be further on */
    xmlNodePtr node = xmlTextReaderCurrentNode(x->reader);
    long l = node ? xmlGetLineNo(node) : -1;
    if (l > 0)
        return (unsigned long)l;
    int p = xmlTextReaderGetParserLineNumber(x->reader);
    return p > 0 ? (unsigned long)p : 0;
}

/* Column (code points, 1-based) of the occ-th "<name" on line `line` of s[0..n). */
static unsigned long find_tag_column(const char *s, size_t n, unsigned long line, const char *name,
                                     int occ)
{
    size_t i = 0;
    for (unsigned long l = 1; l < line && i < n; i++)
        if (s[i] == '\n')
            l++;
    size_t nl = strlen(name);
    unsigned long col = 1;
    for (; i < n && s[i] != '\n'; i++) {
        if (s[i] == '<' && i + 1 + nl <= n && memcmp(s + i + 1, name, nl) == 0 &&
            (i + 1 + nl == n || s[i + 1 + nl] == ' ' || s[i + 1 + nl] == '>' ||
             s[i + 1 + nl] == '/' || s[i + 1 + nl] == '\t' || s[i + 1 + nl] == '\r' ||
             s[i + 1 + nl] == '\n') &&
            occ-- == 0)
            return col;
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            col++;
    }
    return 0;
}

/*
 * The same for a plain (uncompressed, ASCII-compatible) file. The file is
 * read again through a cursor that only moves forward while the lines asked
 * for do, so that many messages cost one pass over the file; a line is
 * scanned, never held in memory. 0 for gzip and UTF-16 files.
 */
static unsigned long find_tag_column_in_file(cc_xml *x, unsigned long line, const char *name,
                                             int occ)
{
    if (!x->cf || line < x->cline) {
        if (x->cf)
            fclose(x->cf);
        x->cline = 1;
        x->cline_off = 0;
        if (!(x->cf = fopen(x->name, "rb")))
            return 0;
        int c0 = getc(x->cf), c1 = getc(x->cf);
        if ((c0 == 0x1F && c1 == 0x8B) || c0 == 0 || c1 == 0 || (c0 == 0xFF && c1 == 0xFE) ||
            (c0 == 0xFE && c1 == 0xFF)) {
            fclose(x->cf);
            x->cf = NULL;
            return 0; /* gzip or UTF-16 */
        }
    }
    FILE *f = x->cf;
    if (fseek(f, x->cline_off, SEEK_SET) != 0)
        return 0;
    int c;
    while (x->cline < line && (c = getc(f)) != EOF) {
        if (c == '\n') {
            x->cline++;
            x->cline_off = ftell(f);
        }
    }
    if (x->cline != line)
        return 0;
    size_t nl = strlen(name);
    unsigned long col = 1;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (c == '<') {
            char got[40];
            size_t k = 0;
            int d = 0;
            while (k < nl && k < sizeof(got) && (d = getc(f)) != EOF && d != '\n')
                got[k++] = (char)d;
            if (k == nl && memcmp(got, name, nl) == 0) {
                d = getc(f);
                if ((d == ' ' || d == '>' || d == '/' || d == '\t' || d == '\r' || d == '\n' ||
                     d == EOF) &&
                    occ-- == 0)
                    return col;
                if (d == '\n' || d == EOF)
                    return 0;
                col++; /* the delimiter */
            }
            if (d == '\n' || d == EOF)
                return 0;
            for (size_t i = 0; i < k; i++)
                col += ((unsigned char)got[i] & 0xC0) != 0x80;
        }
        if ((c & 0xC0) != 0x80)
            col++;
    }
    return 0;
}

void cc_xml_mark_here(cc_xml *x, cc_xml_mark *m)
{
    const char *name = (const char *)xmlTextReaderConstName(x->reader);
    size_t n = name ? strlen(name) : 0;
    if (n >= sizeof(m->name))
        n = 0;
    m->line = cc_xml_line(x);
    m->occ = x->cur_occ;
    memcpy(m->name, name ? name : "", n);
    m->name[n] = '\0';
}

unsigned long cc_xml_mark_column(cc_xml *x, const cc_xml_mark *m)
{
    if (!m->name[0] || !m->line)
        return 0;
    return x->mem ? find_tag_column(x->mem, x->memlen, m->line, m->name, m->occ)
                  : find_tag_column_in_file(x, m->line, m->name, m->occ);
}

unsigned long cc_xml_column(cc_xml *x)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(x->reader);
    if (node && node->type == XML_ELEMENT_NODE) {
        cc_xml_mark m;
        cc_xml_mark_here(x, &m);
        unsigned long col = cc_xml_mark_column(x, &m);
        if (col)
            return col;
    }
    int c = xmlTextReaderGetParserColumnNumber(x->reader);
    return c > 0 ? (unsigned long)c : 0;
}

/* Count the elements of each name on the current line (see find_tag_column). */
static void track_element(cc_xml *x)
{
    xmlNodePtr node = xmlTextReaderCurrentNode(x->reader);
    long l = node ? xmlGetLineNo(node) : -1;
    unsigned long line = l > 0 ? (unsigned long)l : 0;
    const char *name = (const char *)xmlTextReaderConstName(x->reader);
    if (!name)
        return;
    if (line != x->track_line) {
        x->ntrack = 0;
        x->track_line = line;
    }
    for (int i = 0; i < x->ntrack; i++) {
        if (strcmp(x->track_name[i], name) == 0) {
            x->cur_occ = ++x->track_count[i];
            return;
        }
    }
    x->cur_occ = 0;
    if (x->ntrack < TRACK_NAMES && strlen(name) < sizeof(x->track_name[0])) {
        memcpy(x->track_name[x->ntrack], name, strlen(name) + 1);
        x->track_count[x->ntrack++] = 0;
    }
}

int cc_xml_error(cc_xml *x, int code, const char *fmt, ...)
{
    unsigned long line = cc_xml_line(x), column = cc_xml_column(x);
    va_list ap;
    va_start(ap, fmt);
    cc_error_vset_at(code, x->name, line, column, 0, fmt, ap);
    va_end(ap);
    x->failed = 1;
    return code;
}

/* Line and column of the first "<!DOCTYPE" in the document (memory or plain file). */
static int doctype_position(cc_xml *x, unsigned long *line, unsigned long *col)
{
    char head[65536];
    const char *s = x->mem;
    size_t n = x->memlen;
    if (!s) {
        FILE *f = fopen(x->name, "rb");
        if (!f)
            return 0;
        n = fread(head, 1, sizeof(head), f);
        fclose(f);
        s = head;
    }
    unsigned long l = 1, c = 1;
    for (size_t i = 0; i + 9 <= n; i++) {
        if (memcmp(s + i, "<!DOCTYPE", 9) == 0) {
            *line = l;
            *col = c;
            return 1;
        }
        if (s[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    return 0;
}

static int doctype_declares_entities(xmlTextReaderPtr r)
{
    /* not xmlTextReaderCurrentDoc(): that hands the document over to us */
    xmlNodePtr node = xmlTextReaderCurrentNode(r);
    if (!node || node->type != XML_DTD_NODE)
        return 0;
    xmlDtdPtr dtd = (xmlDtdPtr)node;
    return (dtd->entities && xmlHashSize(dtd->entities) > 0) ||
           (dtd->pentities && xmlHashSize(dtd->pentities) > 0);
}

/* After the reader moved (rc from xmlTextReaderRead/Next): errors and policy checks. */
static int after_move(cc_xml *x, int rc)
{
    if (rc < 0 || x->err.set) {
        x->failed = 1;
        if (x->err.set) {
            int code = strstr(x->err.msg, "huge text node") ? CONCORD_ELIMIT : CONCORD_EPARSE;
            return cc_error_set_at(code, x->name, x->err.line, x->err.col, 0,
                                   code == CONCORD_ELIMIT
                                       ? "a text longer than libxml2's limit of 10,000,000 "
                                         "bytes (%s)"
                                       : "malformed XML: %s",
                                   x->err.msg);
        }
        return cc_error_set_at(CONCORD_EPARSE, x->name, cc_xml_line(x), cc_xml_column(x), 0,
                               "malformed XML%s%s", x->err.generic[0] ? ": " : "", x->err.generic);
    }
    if (rc == 0)
        return 0;
    switch (xmlTextReaderNodeType(x->reader)) {
    case XML_READER_TYPE_ELEMENT:
        track_element(x);
        break;
    case XML_READER_TYPE_DOCUMENT_TYPE:
        if (doctype_declares_entities(x->reader)) {
            unsigned long line = 0, col = 0;
            x->failed = 1;
            if (!doctype_position(x, &line, &col)) {
                line = cc_xml_line(x);
                col = 0;
            }
            return cc_error_set_at(CONCORD_EPARSE, x->name, line, col, 0,
                                   "the DOCTYPE declares entities; concord refuses entity "
                                   "declarations (no entity expansion, no external entities)");
        }
        break;
    case XML_READER_TYPE_ENTITY_REFERENCE: {
        const xmlChar *n = xmlTextReaderConstName(x->reader);
        return cc_xml_error(x, CONCORD_EPARSE,
                            "entity reference &%s; is not allowed (only the five predefined "
                            "entities and character references are)",
                            n ? (const char *)n : "?");
    }
    default:
        break;
    }
    return 1;
}

int cc_xml_next(cc_xml *x)
{
    if (x->failed)
        return CONCORD_EPARSE;
    return after_move(x, step(x, xmlTextReaderRead));
}

int cc_xml_skip(cc_xml *x)
{
    if (x->failed)
        return CONCORD_EPARSE;
    int rc = step(x, xmlTextReaderNext);
    return after_move(x, rc);
}

/* Append what a libxml2 reader function reads from the current node to out. */
static int append_read(cc_xml *x, xmlChar *(*read)(xmlTextReaderPtr), cc_buf *out)
{
    tl_in_reader = 1;
    xmlChar *s = read(x->reader);
    tl_in_reader = 0;
    if (x->err.set) {
        xmlFree(s);
        return after_move(x, -1);
    }
    if (!s)
        return 0;
    int rc = cc_buf_puts(out, (const char *)s);
    xmlFree(s);
    return rc;
}

int cc_xml_inner(cc_xml *x, cc_buf *out)
{
    return append_read(x, xmlTextReaderReadInnerXml, out);
}

int cc_xml_string(cc_xml *x, cc_buf *out)
{
    return append_read(x, xmlTextReaderReadString, out);
}

unsigned long long cc_xml_bytes(cc_xml *x)
{
    long n = xmlTextReaderByteConsumed(x->reader);
    return n > 0 ? (unsigned long long)n : 0;
}

int cc_xml_attr(cc_xml *x, const char *name, cc_buf *out)
{
    xmlChar *v;
    cc_buf_clear(out);
    if (strcmp(name, "xml:lang") == 0)
        v = xmlTextReaderGetAttributeNs(x->reader, BAD_CAST "lang", XML_XML_NAMESPACE);
    else
        v = xmlTextReaderGetAttribute(x->reader, BAD_CAST name);
    if (!v)
        return 0;
    int rc = cc_buf_puts(out, (const char *)v);
    xmlFree(v);
    return rc < 0 ? rc : 1;
}

/* ---- the SAX parse ------------------------------------------------------------ */

struct cc_xml_sax {
    xmlParserCtxtPtr ctxt;
    const char *path;
    const cc_xml_handlers *h;
    void *ud;
    int rc; /* the first error of a handler or of ours; the parse stops on it */
    xml_errors err;
    size_t err_offset; /* bytes of the file before the first error */
    /* where the cursor was at the last callback: absolute byte, line, column */
    unsigned long long last_abs;
    unsigned long last_line, last_col;
    unsigned long doctype_line, doctype_col;
    cc_buf values; /* the attribute values of the current start tag, decoded */
    cc_buf names;  /* and their names, where they have a prefix */
    cc_xml_attribute *attrs;
    size_t cap_attrs;
};

/* The parser's position: at the end of what the current callback reports. */
static void sax_here(const cc_xml_sax *p, unsigned long *line, unsigned long *col)
{
    xmlParserInputPtr in = p->ctxt->input;
    *line = in && in->line > 0 ? (unsigned long)in->line : 0;
    *col = in && in->col > 0 ? (unsigned long)in->col : 0;
}

/* Note where the cursor is, for sax_tag_position(). */
static void sax_note(cc_xml_sax *p)
{
    xmlParserInputPtr in = p->ctxt->input;
    p->last_abs = (unsigned long long)in->consumed + (unsigned long long)(in->cur - in->base);
    p->last_line = in->line > 0 ? (unsigned long)in->line : 0;
    p->last_col = in->col > 0 ? (unsigned long)in->col : 0;
}

/* Stop the parse with rc (the error is set) unless it stopped already. */
static void sax_stop(cc_xml_sax *p, int rc)
{
    if (!p->rc)
        p->rc = rc;
    xmlStopParser(p->ctxt);
}

/* libxml2 reported an error, or a handler failed: no more callbacks. */
static int sax_stopped(cc_xml_sax *p)
{
    if (p->rc)
        return 1;
    if (p->err.set) {
        xmlStopParser(p->ctxt);
        return 1;
    }
    return 0;
}

/*
 * Line and column (code points, 1-based) of the last '<' before the
 * parser's cursor: inside a start-tag callback, the tag's own '<' (libxml2
 * has parsed the tag and keeps it in its buffer). Column 0 when unknown.
 */
static void sax_tag_position(cc_xml_sax *p, unsigned long *line, unsigned long *col)
{
    xmlParserInputPtr in = p->ctxt->input;
    const xmlChar *lt = memrchr(in->base, '<', (size_t)(in->cur - in->base));
    if (!lt)
        lt = in->base;
    unsigned any = 0; /* a byte >= 0x80 between '<' and the cursor */
    for (const xmlChar *q = lt; q < in->cur; q++)
        any |= *q;
    unsigned long nl = 0, chars = (unsigned long)(in->cur - lt);
    if ((any & 0x80) || memchr(lt, '\n', chars)) {
        chars = 0;
        for (const xmlChar *q = lt; q < in->cur; q++) {
            if (*q == '\n')
                nl++;
            else if ((*q & 0xC0) != 0x80)
                chars++;
        }
    }
    *line = in->line > (int)nl ? (unsigned long)in->line - nl : 0;
    if (!nl) {
        /* the tag is on one line: libxml2's column of the cursor, minus the tag */
        *col = in->col > (int)chars ? (unsigned long)in->col - chars : 0;
        return;
    }
    /* a tag over several lines: count back to the start of its first line */
    unsigned long c = 1;
    for (const xmlChar *q = lt; q > in->base; q--) {
        if (q[-1] == '\n') {
            *col = c;
            return;
        }
        if ((q[-1] & 0xC0) != 0x80)
            c++;
    }
    /* libxml2 keeps little before its cursor: count on from where the last
       callback left it (the text just before the tag, usually) if that is on
       the tag's line and still in the buffer */
    *col = 0;
    unsigned long long base = (unsigned long long)in->consumed;
    unsigned long long at = base + (unsigned long long)(lt - in->base);
    if (p->last_line != *line || p->last_abs < base || p->last_abs > at || !p->last_col)
        return;
    c = p->last_col;
    for (const xmlChar *q = in->base + (p->last_abs - base); q < lt; q++)
        if ((*q & 0xC0) != 0x80)
            c++;
    *col = c;
}

/* Append an attribute value to b, NUL-terminated, turning "&#38;" back into '&'. */
static int put_value(cc_buf *b, const char *v, const char *e)
{
    int rc = 0;
    while (rc == 0 && v < e) {
        const char *amp = memchr(v, '&', (size_t)(e - v));
        if (!amp)
            return (rc = cc_buf_append(b, v, (size_t)(e - v))) < 0 ? rc : cc_buf_putc(b, '\0');
        if ((rc = cc_buf_append(b, v, (size_t)(amp - v) + 1)) < 0)
            return rc;
        v = amp + (e - amp >= 5 && memcmp(amp, "&#38;", 5) == 0 ? 5 : 1);
    }
    return rc < 0 ? rc : cc_buf_putc(b, '\0');
}

static void sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                      int nns, const xmlChar **ns, int nattrs, int ndefaulted,
                      const xmlChar **attrs)
{
    cc_xml_sax *p = ctx;
    (void)uri, (void)nns, (void)ns;
    if (sax_stopped(p))
        return;
    /* not the defaults an ATTLIST of the DOCTYPE adds (they come last): the
       document says what it says, as without DTDATTR in the reader above */
    size_t n = nattrs > ndefaulted ? (size_t)(nattrs - ndefaulted) : 0;
    int rc = 0;
    if (n > p->cap_attrs) {
        cc_xml_attribute *a = cc_realloc(p->attrs, n * sizeof(*a));
        if (!a) {
            sax_stop(p, cc_error_oom());
            return;
        }
        p->attrs = a;
        p->cap_attrs = n;
    }
    /*
     * The values are not NUL-terminated, and libxml2 (without entity
     * substitution) hands an '&' of the document over as "&#38;". Copies go
     * into one buffer (names with a prefix into another); the pointers are
     * taken once the buffers have stopped growing.
     */
    cc_buf_clear(&p->values);
    cc_buf_clear(&p->names);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const xmlChar **a = attrs + 5 * i;
        rc = put_value(&p->values, (const char *)a[3], (const char *)a[4]);
        if (rc == 0 && a[1] &&
            ((rc = cc_buf_puts(&p->names, (const char *)a[1])) < 0 ||
             (rc = cc_buf_putc(&p->names, ':')) < 0 ||
             (rc = cc_buf_append(&p->names, a[0], strlen((const char *)a[0]) + 1)) < 0))
            break;
    }
    if (rc < 0) {
        sax_stop(p, rc);
        return;
    }
    const char *v = p->values.data, *q = p->names.data;
    for (size_t i = 0; i < n; i++) {
        p->attrs[i].value = v;
        v += strlen(v) + 1;
        if (attrs[5 * i + 1]) {
            p->attrs[i].name = q;
            q += strlen(q) + 1;
        } else {
            p->attrs[i].name = (const char *)attrs[5 * i];
        }
    }
    rc = p->h->start(p, p->ud, prefix ? (const char *)prefix : NULL, (const char *)local, p->attrs,
                     n);
    if (rc < 0)
        sax_stop(p, rc);
    sax_note(p);
}

static void sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    cc_xml_sax *p = ctx;
    (void)uri;
    if (sax_stopped(p))
        return;
    int rc = p->h->end(p, p->ud, prefix ? (const char *)prefix : NULL, (const char *)local);
    if (rc < 0)
        sax_stop(p, rc);
    sax_note(p);
}

static void sax_text(void *ctx, const xmlChar *s, int len)
{
    cc_xml_sax *p = ctx;
    if (sax_stopped(p) || len <= 0)
        return;
    int rc = p->h->text(p, p->ud, (const char *)s, (size_t)len);
    if (rc < 0)
        sax_stop(p, rc);
    sax_note(p);
}

/* Comments and processing instructions, as markup, to a handler that wants them. */
static void sax_markup(cc_xml_sax *p, const char *open, const xmlChar *a, const xmlChar *b,
                       const char *close)
{
    if (sax_stopped(p))
        return;
    cc_buf *m = &p->names; /* free between start tags */
    cc_buf_clear(m);
    int rc;
    if ((rc = cc_buf_puts(m, open)) < 0 || (rc = cc_buf_puts(m, (const char *)a)) < 0 ||
        (b && *b &&
         ((rc = cc_buf_putc(m, ' ')) < 0 || (rc = cc_buf_puts(m, (const char *)b)) < 0)) ||
        (rc = cc_buf_puts(m, close)) < 0 || (rc = p->h->markup(p, p->ud, m->data, m->len)) < 0)
        sax_stop(p, rc);
    sax_note(p);
}

static void sax_comment(void *ctx, const xmlChar *text)
{
    sax_markup(ctx, "<!--", text, NULL, "-->");
}

static void sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    sax_markup(ctx, "<?", target, data, "?>");
}

static void sax_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    cc_xml_sax *p = ctx;
    (void)name, (void)ext, (void)sys;
    sax_tag_position(p, &p->doctype_line, &p->doctype_col);
}

static void sax_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                            const xmlChar *system_id, xmlChar *content)
{
    cc_xml_sax *p = ctx;
    (void)name, (void)type, (void)public_id, (void)system_id, (void)content;
    if (sax_stopped(p))
        return;
    sax_stop(p, cc_error_set_at(CONCORD_EPARSE, p->path, p->doctype_line, p->doctype_col, 0,
                                "the DOCTYPE declares entities; concord refuses entity "
                                "declarations (no entity expansion, no external entities)"));
}

/* libxml2 calls this for a reference to an entity it does not know. */
static void sax_reference(void *ctx, const xmlChar *name)
{
    cc_xml_sax *p = ctx;
    if (sax_stopped(p))
        return;
    unsigned long line, col;
    sax_here(p, &line, &col);
    sax_stop(p, cc_error_set_at(CONCORD_EPARSE, p->path, line, col, 0,
                                "entity reference &%s; is not allowed (only the five predefined "
                                "entities and character references are)",
                                name ? (const char *)name : "?"));
}

static void sax_error(void *ctx, xmlErrorPtr err)
{
    cc_xml_sax *p = ctx;
    int had = p->err.set;
    keep_error(&p->err, err);
    if (!had && p->err.set) {
        long n = xmlByteConsumed(p->ctxt);
        p->err_offset = n > 0 ? (size_t)n : 0;
    }
}

int cc_xml_parse_file(const char *path, const cc_xml_handlers *h, void *ud)
{
    pthread_once(&g_once, xml_init_once);
    /* not fopen(): opening a pipe to probe it would consume it */
    if (access(path, R_OK) != 0)
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open: %s", strerror(errno));
    cc_xml_sax p;
    memset(&p, 0, sizeof(p));
    p.path = path;
    p.h = h;
    p.ud = ud;
    xmlGenericErrorFunc prev_generic = xmlGenericError;
    void *prev_generic_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(&p.err, on_generic);
    int rc = 0;
    /* libxml2's own file input: plain or gzip, any encoding it can detect */
    p.ctxt = xmlCreateURLParserCtxt(path, XML_OPTIONS);
    if (!p.ctxt) {
        rc = cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open XML input%s%s",
                             p.err.generic[0] ? ": " : "", p.err.generic);
        goto done;
    }
    /*
     * Only the callbacks below: no tree is built, no external subset or
     * entity is loaded (no externalSubset/resolveEntity/getEntity), and the
     * first entity declaration stops the parse.
     */
    xmlSAXHandler *sax = p.ctxt->sax;
    memset(sax, 0, sizeof(*sax));
    sax->initialized = XML_SAX2_MAGIC;
    sax->startElementNs = sax_start;
    sax->endElementNs = sax_end;
    sax->characters = sax_text;
    sax->ignorableWhitespace = sax_text;
    sax->internalSubset = sax_doctype;
    sax->entityDecl = sax_entity_decl;
    sax->reference = sax_reference;
    sax->serror = sax_error;
    if (h->markup) {
        sax->comment = sax_comment;
        sax->processingInstruction = sax_pi;
    }
    p.ctxt->userData = &p;
    tl_in_reader = 1;
    xmlParseDocument(p.ctxt);
    tl_in_reader = 0;
    if (p.rc) {
        rc = p.rc;
    } else if (p.err.set) {
        rc = cc_error_set_at(CONCORD_EPARSE, path, p.err.line, p.err.col, p.err_offset,
                             "malformed XML: %s", p.err.msg);
    } else if (!p.ctxt->wellFormed) {
        unsigned long line, col;
        sax_here(&p, &line, &col);
        rc = cc_error_set_at(CONCORD_EPARSE, path, line, col, 0, "malformed XML%s%s",
                             p.err.generic[0] ? ": " : "", p.err.generic);
    }
done:
    xmlSetGenericErrorFunc(prev_generic_ctx, prev_generic);
    if (p.ctxt) {
        /* libxml2 makes a document of its own for entity declarations in SAX mode */
        xmlFreeDoc(p.ctxt->myDoc);
        p.ctxt->myDoc = NULL;
        xmlFreeParserCtxt(p.ctxt);
    }
    cc_buf_free(&p.values);
    cc_buf_free(&p.names);
    cc_free(p.attrs);
    return rc;
}

void cc_xml_sax_tag(cc_xml_sax *p, unsigned long *line, unsigned long *col)
{
    sax_tag_position(p, line, col);
}

unsigned long long cc_xml_sax_bytes(const cc_xml_sax *p)
{
    long n = xmlByteConsumed(p->ctxt);
    return n > 0 ? (unsigned long long)n : 0;
}
