/*
 * xml.h — the one streaming XML reader of concord. TMX, TBX and SRX (and
 * the bilingual formats after them) are all read through it; nothing else
 * in concord opens a libxml2 parser, and no libxml2 type appears here.
 *
 * A parse is a run of callbacks in document order — start tag, end tag,
 * text, and (if wanted) comments and processing instructions — over one of
 * three sources: a file (plain or gzip-compressed), memory, or the caller's
 * read function. Only the current chunk of input (64 KiB), the current start
 * tag, the positions of the open elements and of the start tags scanned
 * ahead (a chunk's worth) are held, so memory does not grow with the
 * document.
 *
 * One hardened configuration, whatever the source:
 *  - nothing is loaded but the input: no network access, no DTD, no
 *    external entity, no XInclude;
 *  - no entity expansion: a DOCTYPE that declares an entity is refused, at
 *    the DOCTYPE, before the declaration reaches libxml2 (this closes XXE and
 *    "billion laughs" without trusting expansion limits); a reference to an
 *    entity other than the five of XML is an error;
 *  - limits that libxml2 lacks, checked before libxml2 sees the markup (its
 *    duplicate-attribute check is quadratic: a start tag with 100,000
 *    attributes takes it 11 s, one with 1,000,000 over five minutes):
 *    CC_XML_MAX_ATTRS attributes and CC_XML_MAX_TAG bytes in a start tag,
 *    CC_XML_MAX_DOCTYPE bytes of DOCTYPE; and libxml2's own: names up to
 *    50,000 bytes, elements nested up to 256 deep, markup (a comment, a
 *    text without '<') up to 10,000,000 bytes held at once;
 *  - one error path: the first error wins and ends the parse; no callback
 *    runs after it. libxml2's messages are kept ("malformed XML: <its
 *    message>", at its line and column), and none is ever printed.
 *
 * Encodings: UTF-8 (with or without BOM), UTF-16 and UTF-32 (BOM, or
 * detected from "<?xml"), and every encoding libxml2 knows by the name in the
 * XML declaration (windows-1252, ISO-8859-x, KOI8-R, Shift_JIS, ...). A BOM
 * wins over the declaration. Input that is not UTF-8 is decoded here, before
 * libxml2 sees it, so that positions are exact; a byte that is not valid in
 * the encoding is an error at its own position.
 *
 * Positions (cc_xml_where): line (1-based, counted at '\n' as libxml2 does),
 * column in code points (1-based) and byte offset of a start tag's '<'. The
 * offset is into the input as given (after gzip, before decoding): exact in
 * UTF-8, UTF-16, UTF-32 and every encoding in which '<' is one byte that
 * means nothing else; 0 in stateful encodings (ISO-2022-JP, UTF-7).
 */
#ifndef CC_XML_H
#define CC_XML_H

#include "base/base.h"

#define CC_XML_MAX_ATTRS   256       /* attributes in one start tag */
#define CC_XML_MAX_TAG     (1 << 20) /* bytes of one start tag */
#define CC_XML_MAX_DOCTYPE (1 << 16) /* bytes of the DOCTYPE, internal subset included */

/* A parse in progress; handed to the callbacks, valid only during them. */
typedef struct cc_xml cc_xml;

/* Where something is in the input (see the file comment). 0 means unknown. */
typedef struct cc_xml_pos {
    unsigned long line;
    unsigned long column;
    unsigned long long offset;
} cc_xml_pos;

/* An element's name. Strings are borrowed for the callback. */
typedef struct cc_xml_elem {
    const char *qname;  /* as written: "prefix:local" or "local" */
    const char *local;  /* without the prefix */
    const char *prefix; /* NULL if it has none */
    const char *uri;    /* its namespace, NULL if none */
} cc_xml_elem;

/* An attribute. Namespace declarations (xmlns, xmlns:p) are not attributes here. */
typedef struct cc_xml_attr {
    const char *name;  /* as written: "xml:lang", "type" */
    const char *value; /* NUL-terminated, references resolved */
} cc_xml_attr;

/*
 * The callbacks, each optional (NULL: ignored). Each returns 0 to go on or a
 * negative CONCORD_E… code with the error set, which ends the parse and is
 * what cc_xml_parse_*() returns. Text comes in pieces (a long text, or one
 * that crosses a chunk of input, in several calls); whitespace between
 * elements is text too. An empty element (<a/>) is a start and an end.
 * `markup` gets comments and processing instructions as written
 * ("<!--…-->", "<?target data?>").
 */
typedef struct cc_xml_handlers {
    int (*start)(cc_xml *x, void *ud, const cc_xml_elem *el, const cc_xml_attr *attrs,
                 size_t nattrs);
    int (*end)(cc_xml *x, void *ud, const cc_xml_elem *el);
    int (*text)(cc_xml *x, void *ud, const char *s, size_t len);
    int (*markup)(cc_xml *x, void *ud, const char *s, size_t len);
} cc_xml_handlers;

/*
 * Parse the file at path (plain or gzip). Returns 0; the code of a callback
 * that stopped it; CONCORD_EIO if it cannot be opened or read;
 * CONCORD_EPARSE for malformed XML, an entity declaration or reference, or
 * a byte that is not valid in the encoding; CONCORD_ELIMIT for a limit
 * above. Every error names path, line and column.
 */
int cc_xml_parse_file(const char *path, const cc_xml_handlers *h, void *ud);

/*
 * Parse data[0..len), which is not copied (keep it alive during the call;
 * NULL with len 0 is an empty document). name is for messages.
 */
int cc_xml_parse_memory(const char *data, size_t len, const char *name, const cc_xml_handlers *h,
                        void *ud);

/*
 * The caller's input: put up to cap bytes into buf and return how many; 0 at
 * the end of the input, -1 on an error (set one with a concord function to
 * have it returned; otherwise the parse fails with CONCORD_EIO). Called from
 * inside cc_xml_parse_stream() only, never after it returns.
 */
typedef long (*cc_xml_read_fn)(void *rud, char *buf, size_t cap);

/* Parse what read(rud, ...) gives, to its end. name is for messages. */
int cc_xml_parse_stream(cc_xml_read_fn read, void *rud, const char *name, const cc_xml_handlers *h,
                        void *ud);

/*
 * Inside a callback: in `start`, where the start tag's '<' is; in `end`,
 * where the element's start tag was (so that a message about an element
 * that ends wrongly names where it begins); in `text` and `markup`, the
 * start tag of the element they are in (all 0 outside the root).
 */
cc_xml_pos cc_xml_where(const cc_xml *x);

/* The name given for messages (the path, for files). */
const char *cc_xml_name(const cc_xml *x);

/* Set an error at cc_xml_where(x) in the input named cc_xml_name(x); returns code. */
int cc_xml_error(cc_xml *x, int code, const char *fmt, ...) CC_PRINTF(3, 4);

/* Bytes of input read so far (after gzip), for progress. */
unsigned long long cc_xml_bytes(const cc_xml *x);

#endif
