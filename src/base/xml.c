/*
 * xml.c — hardened libxml2 readers (see xml.h for the policy).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "base/xml.h"

struct cc_xml {
    xmlTextReaderPtr reader;
    char *name;
    int failed;
    int err_set;
    unsigned long err_line, err_col;
    char err_msg[512];
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
static const int XML_OPTIONS = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING;

static void on_error(void *ud, xmlErrorPtr err)
{
    cc_xml *x = ud;
    if (!err || err->level < XML_ERR_ERROR || x->err_set)
        return;
    x->err_set = 1;
    x->err_line = err->line > 0 ? (unsigned long)err->line : 0;
    x->err_col = err->int2 > 0 ? (unsigned long)err->int2 : 0;
    snprintf(x->err_msg, sizeof(x->err_msg), "%s", err->message ? err->message : "XML error");
    /* libxml2 messages end with a newline; ours are one line. */
    size_t n = strlen(x->err_msg);
    while (n && (x->err_msg[n - 1] == '\n' || x->err_msg[n - 1] == ' '))
        x->err_msg[--n] = '\0';
}

static int finish_open(cc_xml **out, cc_xml *x, const char *name)
{
    if (!x->reader) {
        cc_free(x->name);
        cc_free(x);
        return cc_error_set_at(CONCORD_EIO, name, 0, 0, 0, "cannot open XML input");
    }
    xmlTextReaderSetStructuredErrorHandler(x->reader, on_error, x);
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
    x->reader = xmlReaderForMemory(xml, (int)len, NULL, NULL, XML_OPTIONS);
    return finish_open(out, x, x->name);
}

int cc_xml_open_file(cc_xml **out, const char *path)
{
    *out = NULL;
    pthread_once(&g_once, xml_init_once);
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open file");
    fclose(probe);
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
    if (x->reader)
        xmlFreeTextReader(x->reader);
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
    int l = xmlTextReaderGetParserLineNumber(x->reader);
    return l > 0 ? (unsigned long)l : 0;
}

unsigned long cc_xml_column(cc_xml *x)
{
    int c = xmlTextReaderGetParserColumnNumber(x->reader);
    return c > 0 ? (unsigned long)c : 0;
}

int cc_xml_error(cc_xml *x, int code, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    x->failed = 1;
    return cc_error_set_at(code, x->name, cc_xml_line(x), cc_xml_column(x), 0, "%s", msg);
}

static int doctype_declares_entities(xmlTextReaderPtr r)
{
    xmlDocPtr doc = xmlTextReaderCurrentDoc(r);
    if (!doc || !doc->intSubset)
        return 0;
    xmlDtdPtr dtd = doc->intSubset;
    return (dtd->entities && xmlHashSize(dtd->entities) > 0) ||
           (dtd->pentities && xmlHashSize(dtd->pentities) > 0);
}

int cc_xml_next(cc_xml *x)
{
    if (x->failed)
        return CONCORD_EPARSE;
    tl_in_reader = 1;
    int rc = xmlTextReaderRead(x->reader);
    tl_in_reader = 0;
    if (rc < 0 || x->err_set) {
        x->failed = 1;
        if (x->err_set)
            return cc_error_set_at(CONCORD_EPARSE, x->name, x->err_line, x->err_col, 0,
                                   "malformed XML: %s", x->err_msg);
        return cc_error_set_at(CONCORD_EPARSE, x->name, cc_xml_line(x), cc_xml_column(x), 0,
                               "malformed XML");
    }
    if (rc == 0)
        return 0;
    switch (xmlTextReaderNodeType(x->reader)) {
    case XML_READER_TYPE_DOCUMENT_TYPE:
        if (doctype_declares_entities(x->reader))
            return cc_xml_error(x, CONCORD_EPARSE,
                                "the DOCTYPE declares entities; concord refuses entity "
                                "declarations (no entity expansion, no external entities)");
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
