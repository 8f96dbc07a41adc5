/*
 * xml.h — the only way concord opens an XML reader.
 *
 * Every reader is a libxml2 xmlTextReader (streaming: one node at a time)
 * or a SAX parse (callbacks; see cc_xml_parse_file), with one hardened
 * configuration: no network, no DTD loading, no entity
 * substitution, no XInclude, libxml2's default size limits. A document whose
 * DOCTYPE declares entities, or that references one, is refused outright:
 * that closes XXE and "billion laughs" without having to trust expansion
 * limits. External resources are never fetched, whatever the document says.
 */
#ifndef CC_XML_H
#define CC_XML_H

#include <libxml/xmlreader.h>

#include "base/base.h"

typedef struct cc_xml cc_xml;

/* Open a reader on xml[0..len) (not copied: keep it alive). name is for messages. */
int cc_xml_open_memory(cc_xml **out, const char *xml, size_t len, const char *name);

/* Open a reader on a file (gzip-compressed files are decompressed transparently). */
int cc_xml_open_file(cc_xml **out, const char *path);

void cc_xml_free(cc_xml *x);

/*
 * Move to the next node. Returns 1 on a node, 0 at the end of the document,
 * or CONCORD_EPARSE with the error set to file:line:column and libxml2's
 * message (first error wins).
 */
int cc_xml_next(cc_xml *x);

/* The libxml2 reader, for the node accessors (xmlTextReaderNodeType, ...). */
xmlTextReaderPtr cc_xml_reader(cc_xml *x);

/* The name given at open time (file path or the caller's name). */
const char *cc_xml_name(const cc_xml *x);

/*
 * Line (1-based) of the current node. The column of an element is found by
 * looking for its start tag on that line in the document (libxml2 2.9 keeps
 * no columns for nodes), which is slow for files: call it on errors only.
 */
unsigned long cc_xml_line(cc_xml *x);
unsigned long cc_xml_column(cc_xml *x);

/* A cheap note of where the current element is, to find its column later. */
typedef struct cc_xml_mark {
    unsigned long line;
    int occ; /* which start tag of that name on the line */
    char name[32];
} cc_xml_mark;

void cc_xml_mark_here(cc_xml *x, cc_xml_mark *m);
unsigned long cc_xml_mark_column(cc_xml *x, const cc_xml_mark *m);

/* Move past the current node and its subtree (xmlTextReaderNext); as cc_xml_next. */
int cc_xml_skip(cc_xml *x);

/* Append the markup inside the current element (entities escaped) to out. */
int cc_xml_inner(cc_xml *x, cc_buf *out);

/* Append the text content of the current element to out. */
int cc_xml_string(cc_xml *x, cc_buf *out);

/* Bytes of the input consumed so far (for progress). */
unsigned long long cc_xml_bytes(cc_xml *x);

/*
 * Attribute `name` of the current element (xml:lang when name is "xml:lang"),
 * copied into *out (cleared first). Returns 1 if present, 0 if absent,
 * CONCORD_ENOMEM.
 */
int cc_xml_attr(cc_xml *x, const char *name, cc_buf *out);

/* Set an error at the reader's current position and return `code`. */
int cc_xml_error(cc_xml *x, int code, const char *fmt, ...) CC_PRINTF(3, 4);

/*
 * ---- A SAX parse: the same hardening, callbacks instead of a cursor --------
 *
 * For the hot path (TMX import): about twice the speed of the xmlTextReader,
 * which builds and frees a node for everything it reads. Still streaming:
 * nothing but the current start tag is held. Same policy as above: no
 * network, no DTD or external entity is loaded, the first entity declaration
 * stops the parse with an error, and so does a reference to an entity that is
 * not one of the five predefined ones.
 */
typedef struct cc_xml_sax cc_xml_sax;

typedef struct cc_xml_attribute {
    const char *name;  /* "prefix:local" (e.g. "xml:lang") or "local" */
    const char *value; /* NUL-terminated, references resolved */
} cc_xml_attribute;

/*
 * The callbacks. Strings are borrowed for the call. Each returns 0 to go on,
 * or a negative CONCORD_E… code with the error set, which stops the parse and
 * becomes the result of cc_xml_parse_file. Text comes in pieces (libxml2
 * delivers long text in several calls); whitespace between elements is text
 * too. prefix is NULL for names without one.
 */
typedef struct cc_xml_handlers {
    int (*start)(cc_xml_sax *p, void *ud, const char *prefix, const char *name,
                 const cc_xml_attribute *attrs, size_t nattrs);
    int (*end)(cc_xml_sax *p, void *ud, const char *prefix, const char *name);
    int (*text)(cc_xml_sax *p, void *ud, const char *s, size_t len);
    /* comments and processing instructions as markup ("<!--…-->", "<?t d?>"); may be NULL */
    int (*markup)(cc_xml_sax *p, void *ud, const char *s, size_t len);
} cc_xml_handlers;

/*
 * Parse the file at path (plain or gzip; any encoding libxml2 detects).
 * Returns 0, the code of a callback that stopped it, CONCORD_EIO, or
 * CONCORD_EPARSE with file:line:column and libxml2's message (its first
 * error; no callback runs after it).
 */
int cc_xml_parse_file(const char *path, const cc_xml_handlers *h, void *ud);

/*
 * Inside `start` only: line and column (code points, 1-based; 0 unknown) of
 * the tag's '<'. Found by looking back over the tag (libxml2 keeps no
 * positions of its own): call it only for the elements that need one.
 */
void cc_xml_sax_tag(cc_xml_sax *p, unsigned long *line, unsigned long *col);


/* Bytes of the file consumed so far (for progress). */
unsigned long long cc_xml_sax_bytes(const cc_xml_sax *p);

#endif
