/*
 * xml.c — the streaming XML reader (xml.h says what it promises).
 *
 * How it works: libxml2's SAX parser pulls its input through io_read()
 * (the pull parser: its push parser costs 15% more instructions on the same
 * file). io_read() takes bytes from the source, decodes them to UTF-8 if they
 * are anything else (then libxml2 is told to ignore the declared encoding),
 * and runs scan() over each chunk before libxml2 sees it. scan() is a small
 * lexer of XML's markup — text, start tags with their quoted attribute
 * values, end tags, comments, CDATA, processing instructions, the DOCTYPE
 * and its internal subset — that
 *  - notes the line, column and offset of every start tag's '<' in a FIFO
 *    that the start callback pops: elements come in document order, one per
 *    start tag, so the n-th start callback is the n-th start tag (libxml2
 *    keeps no columns, and its cursor has long moved on when it calls us);
 *  - refuses entity declarations and markup over the limits before libxml2
 *    parses them. Such an error is held back ("pending") while libxml2 reads
 *    everything before the offending markup, and the input ends just before
 *    it: an earlier error in the document still comes first, and what
 *    libxml2 says because its input ended there is replaced by the pending
 *    error.
 * Lines and columns are counted over the UTF-8 bytes as they are scanned,
 * sixteen at a time (a column per byte that is not a continuation byte, a
 * line per '\n', as libxml2 counts them, so that its positions and ours
 * agree): every byte is looked at once, and positions cost nothing when no
 * one asks for them. Offsets are the input's: for decoded input, the k-th
 * '<' of the UTF-8 stream is the k-th '<' unit of the input (the offset
 * map). Nothing is held but the chunk, the FIFO of start tags libxml2 has not
 * reached (a chunk's worth at most) and the positions of the open elements.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>

#include "base/xml.h"

#define CHUNK 65536 /* bytes decoded and scanned at a time */

/*
 * libxml2's external entity loader is process-wide. Ours refuses every load
 * made while a concord parse runs on this thread and defers to the previous
 * loader otherwise, so that concord never fetches a DTD or an entity (file
 * or network) and does not change other users of libxml2 in the process.
 * (Our SAX handler has no externalSubset or resolveEntity callback, so
 * libxml2 does not try: this is the second lock on the same door.)
 */
static _Thread_local int tl_in_parse;
static xmlExternalEntityLoader g_prev_loader;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static xmlParserInputPtr refusing_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    if (tl_in_parse)
        return NULL;
    return g_prev_loader ? g_prev_loader(url, id, ctxt) : NULL;
}

static void init_once(void)
{
    xmlInitParser();
    g_prev_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(refusing_loader);
}

/* No NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE or HUGE: see xml.h. */
static const int XML_OPTIONS = XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;

enum source { SRC_FILE, SRC_MEM, SRC_STREAM };

/* What scan() is in the middle of. */
typedef enum scan_state {
    SC_TEXT,
    SC_LT,       /* after '<' */
    SC_TAG,      /* in a start tag, outside attribute values */
    SC_VALUE,    /* in a quoted attribute value */
    SC_SKIP,     /* to the next '>' (what libxml2 will refuse, such as "<!X") */
    SC_BANG,     /* after "<!": which of comment, CDATA, DOCTYPE */
    SC_COMMENT,  /* to "-->" */
    SC_CDATA,    /* to "]]>" */
    SC_PI,       /* to "?>" */
    SC_DOCTYPE,  /* in the DOCTYPE, outside its internal subset */
    SC_DT_QUOTE, /* in a quoted literal of the DOCTYPE */
    SC_SUBSET,   /* in the internal subset, between declarations */
    SC_SUB_LT,   /* after '<' in the subset */
    SC_SUB_BANG, /* after "<!" in the subset: a comment, or which declaration */
    SC_DECL,     /* in a declaration of the subset */
    SC_DECL_QUOTE,
    SC_DT_END /* after the subset's ']': to the DOCTYPE's '>' */
} scan_state;

typedef struct scanner {
    scan_state state;
    scan_state back; /* where a comment or PI returns: text or the subset */
    unsigned char quote;
    int run; /* '-' or ']' just seen at a comment's or CDATA's end, or '?' in a PI */
    char kw[8];
    int kwlen;
    /* the last '<': its stream offset and position */
    unsigned long long lt;
    cc_xml_pos lt_pos;
    /* the start tag being scanned */
    unsigned long long tag_at;
    cc_xml_pos tag_pos;
    size_t nattrs;
    /* the DOCTYPE */
    unsigned long long doctype_at;
    cc_xml_pos doctype_pos;
    unsigned long long decl_lt; /* stream offset of the '<' of the subset's declaration */
} scanner;

/* An error found ahead of libxml2, reported once libxml2 has read what comes before. */
typedef struct pending {
    int code; /* 0: none */
    cc_xml_pos pos;
    unsigned long long from; /* stream offset where the refused markup starts */
    unsigned long long stop; /* where libxml2's input ends (UINT64_MAX: not yet known) */
    int read_error;          /* the source failed: whatever libxml2 says after the cut follows */
    char msg[512];
} pending;

/* libxml2's first error. */
typedef struct lib_error {
    int set;
    unsigned long line, col;
    unsigned long long offset; /* libxml2's cursor, in the stream it was given */
    int after_cut;             /* reported once the input was cut for a pending error */
    char msg[512];
} lib_error;

struct cc_xml {
    const cc_xml_handlers *h;
    void *ud;
    const char *name;
    xmlParserCtxtPtr ctxt;

    /* the source */
    int src;
    xmlParserInputBufferPtr file;
    const unsigned char *mem;
    size_t memlen, mempos;
    cc_xml_read_fn read;
    void *read_ud;
    int src_end;                 /* the source has no more bytes */
    unsigned long long raw_read; /* bytes taken from the source */

    /* decoding: conv is NULL when libxml2 gets the input as it is (UTF-8) */
    xmlCharEncodingHandlerPtr conv;
    char enc_name[64];
    int unit;          /* bytes of a '<' in the input: 1, 2 or 4 */
    int big_endian;    /* of those units */
    int no_offsets;    /* a stateful encoding: '<' is not always the byte 0x3C */
    int ignore_enc;    /* tell libxml2 to ignore the declaration (a BOM, or decoded here) */
    size_t bom;        /* bytes of BOM the stream starts after */
    xmlBufferPtr cin;  /* input bytes not decoded yet */
    xmlBufferPtr cout; /* the decoded chunk */
    unsigned long long cin_off; /* input offset of cin's first byte */
    int conv_bad;               /* cin starts with bytes that are not the encoding (2: cut) */
    unsigned char carry[4];     /* a '<' unit cut by a read, already in cin */
    size_t ncarry;
    /* input offsets of the '<' units read but not yet matched with the decoded stream */
    unsigned long long *ltq;
    size_t ltq_head, ltq_n, ltq_cap;
    unsigned long long dec_lt;   /* '<' bytes of the decoded stream before map_i */
    unsigned long long ltq_base; /* how many '<' units came before ltq[ltq_head] */
    size_t map_i;

    /* the chunk being scanned and handed to libxml2 */
    unsigned char *buf;   /* CHUNK bytes: what the source gives */
    size_t primed;        /* bytes of buf read before the parse, not scanned yet */
    size_t held, held_at; /* a character cut by the end of the chunk, at buf[held_at] */
    const unsigned char *chunk;
    size_t chunk_len, chunk_pos, chunk_stop;
    unsigned long long chunk_at; /* stream offset of chunk[0] */
    unsigned long long fed;      /* stream bytes given to libxml2 */
    int at_end, cut;

    /* positions: line and column of the next byte the scanner counts */
    size_t cnt_i; /* where scanning starts in the chunk (after a BOM) */
    unsigned long line, col;
    scanner sc;
    cc_xml_pos *fifo; /* start tags scanned, not yet met by libxml2 */
    size_t fifo_head, fifo_n, fifo_cap;
    cc_xml_pos *stack; /* the open elements' start tags */
    size_t depth, stack_cap;
    cc_xml_pos cur; /* what cc_xml_where() says, unless in_text */
    int in_text;    /* in a text or markup callback: the innermost open element */
    int root_seen, root_closed;

    /* errors */
    int rc;     /* a handler's error, or ours, that ends the parse at once */
    int failed; /* rc or lerr is set: no more callbacks */
    pending pend;
    lib_error lerr;
    char generic[256];

    /* the current start tag's attributes; an element's "prefix:local"; markup */
    cc_buf values, qname, markup;
    cc_xml_attr *attrs;
    size_t cap_attrs;
    struct qname_slot {
        const xmlChar *prefix, *local;
        char *qname;
    } qnames[64]; /* see cached_qname() */
    size_t nqnames;
};

/* ---- errors ---------------------------------------------------------------------------- */

/*
 * Hold back an error found ahead of libxml2 (the first one only), about
 * markup from stream offset `from` on. Where libxml2's input ends (at the
 * markup, or at the start of the chunk it is in) is set by next_chunk().
 */
static void set_pending(cc_xml *x, int code, cc_xml_pos pos, unsigned long long from,
                        const char *fmt, ...) CC_PRINTF(5, 6);

static void set_pending(cc_xml *x, int code, cc_xml_pos pos, unsigned long long from,
                        const char *fmt, ...)
{
    if (x->pend.code)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->pend.msg, sizeof(x->pend.msg), fmt, ap);
    va_end(ap);
    x->pend.code = code;
    x->pend.pos = pos;
    x->pend.from = from;
    x->pend.stop = UINT64_MAX;
}

/* libxml2's structured errors: keep the first error (warnings are not errors). */
static void on_lib_error(void *ctx, xmlErrorPtr err)
{
    cc_xml *x = ctx;
    lib_error *e = &x->lerr;
    if (!err || err->level < XML_ERR_ERROR || e->set)
        return;
    e->set = 1;
    x->failed = 1;
    e->line = err->line > 0 ? (unsigned long)err->line : 0;
    e->col = err->int2 > 0 ? (unsigned long)err->int2 : 0;
    e->after_cut = x->cut;
    xmlParserInputPtr in = x->ctxt ? x->ctxt->input : NULL;
    e->offset = in && in->base
                    ? (unsigned long long)in->consumed + (unsigned long long)(in->cur - in->base)
                    : x->fed;
    snprintf(e->msg, sizeof(e->msg), "%s", err->message ? err->message : "XML error");
    /* libxml2's messages end with a newline and may hold more; ours are one line */
    size_t n = strlen(e->msg);
    while (n && (e->msg[n - 1] == '\n' || e->msg[n - 1] == ' '))
        e->msg[--n] = '\0';
    for (char *p = e->msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

/*
 * Some libxml2 messages (I/O, encodings) go to its generic handler, which
 * prints to stderr. During a parse this thread's generic handler is this one:
 * it keeps the first message, for an error that has no other.
 */
static void on_generic(void *ctx, const char *fmt, ...) CC_PRINTF(2, 3);
static void on_generic(void *ctx, const char *fmt, ...)
{
    cc_xml *x = ctx;
    if (!x || x->generic[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->generic, sizeof(x->generic), fmt, ap);
    va_end(ap);
    char *nl = strchr(x->generic, '\n');
    if (nl)
        *nl = '\0';
}

/* Has the parse failed already? Then libxml2 is stopped and no callback runs. */
static inline int stopped(cc_xml *x)
{
    if (!x->failed)
        return 0;
    xmlStopParser(x->ctxt);
    return 1;
}

/*
 * Something failed with rc while libxml2 reads (in io_read(), where libxml2
 * must not be stopped: that frees the buffer being filled). The parse ends
 * at the next callback.
 */
static void fail_reading(cc_xml *x, int rc)
{
    if (!x->rc)
        x->rc = rc;
    x->failed = 1;
}

/* A handler (or we, in a SAX callback) failed with rc: end the parse now. */
static void fail(cc_xml *x, int rc)
{
    fail_reading(x, rc);
    xmlStopParser(x->ctxt);
}

/* ---- positions ------------------------------------------------------------------------- */

/* Bits set in a 16-bit mask (a table: no popcnt instruction in the baseline x86-64). */
static unsigned bits16(unsigned m)
{
    static const unsigned char T[256] = {
#define B2(n) n, n + 1, n + 1, n + 2
#define B4(n) B2(n), B2(n + 1), B2(n + 1), B2(n + 2)
#define B6(n) B4(n), B4(n + 1), B4(n + 1), B4(n + 2)
        B6(0), B6(1), B6(1), B6(2)
#undef B2
#undef B4
#undef B6
    };
    return T[m & 0xFF] + T[(m >> 8) & 0xFF];
}

/* Count one byte of the chunk that the scanner steps over by itself. */
static void count_byte(cc_xml *x, unsigned char c)
{
    if (c == '\n') {
        x->line++;
        x->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        x->col++;
    }
}

/*
 * The scanner's one loop: from chunk[i], the index of the first byte that is
 * c1, c2 or c3 (n if none), counting the lines and columns of the bytes
 * before it (a column per byte that is not a UTF-8 continuation byte, a line
 * per '\n', as libxml2 counts). Sixteen bytes at a time with SSE2: this runs
 * over every byte of every document.
 */
static size_t skip_until(cc_xml *x, size_t i, size_t n, unsigned char c1, unsigned char c2,
                         unsigned char c3)
{
    const unsigned char *d = x->chunk;
    unsigned long line = x->line, col = x->col;
#if defined(__SSE2__)
    const __m128i v1 = _mm_set1_epi8((char)c1), v2 = _mm_set1_epi8((char)c2),
                  v3 = _mm_set1_epi8((char)c3), vnl = _mm_set1_epi8('\n'),
                  vcont = _mm_set1_epi8((char)0xC0); /* continuation bytes are below, signed */
    while (i + 16 <= n) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
        unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(b, v1), _mm_cmpeq_epi8(b, v2)), _mm_cmpeq_epi8(b, v3)));
        unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, vnl));
        unsigned high = (unsigned)_mm_movemask_epi8(b);
        unsigned k = stop ? (unsigned)__builtin_ctz(stop) : 16;
        unsigned before = (1u << k) - 1; /* the bytes before the stop */
        unsigned cont = high ? (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(b, vcont)) & before : 0;
        nl &= before;
        if (nl) {
            unsigned last = 31 - (unsigned)__builtin_clz(nl);
            unsigned after = before & ~((2u << last) - 1);
            line += bits16(nl);
            col = 1 + bits16(after) - bits16(cont & after);
        } else {
            col += k - bits16(cont);
        }
        i += k;
        if (stop) {
            x->line = line;
            x->col = col;
            return i;
        }
    }
#endif
    for (; i < n; i++) {
        unsigned char c = d[i];
        if (c == c1 || c == c2 || c == c3)
            break;
        if (c == '\n') {
            line++;
            col = 1;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
    }
    x->line = line;
    x->col = col;
    return i;
}

/* Count the '<' bytes of chunk[map_i, upto): the decoded side of the offset map. */
static void map_to(cc_xml *x, size_t upto)
{
    const unsigned char *p = x->chunk + x->map_i, *e = x->chunk + upto;
    while (p < e && (p = memchr(p, '<', (size_t)(e - p))) != NULL) {
        x->dec_lt++;
        p++;
    }
    x->map_i = upto;
}

/* The input offset of the '<' at chunk[i]. */
static unsigned long long input_offset(cc_xml *x, size_t i)
{
    if (!x->conv)
        return x->chunk_at + i;
    if (x->no_offsets)
        return 0;
    /* the k-th '<' of the decoded stream is the k-th '<' unit of the input */
    map_to(x, i);
    unsigned long long k = x->dec_lt;
    if (k < x->ltq_base || k - x->ltq_base >= x->ltq_n)
        return 0;
    return x->ltq[(x->ltq_head + (size_t)(k - x->ltq_base)) & (x->ltq_cap - 1)];
}

static int fifo_grow(cc_xml *x);

static int fifo_push(cc_xml *x, cc_xml_pos p)
{
    if (x->fifo_n == x->fifo_cap && fifo_grow(x) < 0)
        return CONCORD_ENOMEM;
    x->fifo[(x->fifo_head + x->fifo_n++) & (x->fifo_cap - 1)] = p;
    return 0;
}

/* ---- the scanner ------------------------------------------------------------------------ */

/* Where to make the input end for markup that started at stream offset at. */
static size_t cut_index(const cc_xml *x, unsigned long long at)
{
    return at >= x->chunk_at ? (size_t)(at - x->chunk_at) : 0;
}

/* Refuse the start tag being scanned (too many attributes or bytes); returns the cut. */
static size_t refuse_tag(cc_xml *x, const char *what)
{
    scanner *s = &x->sc;
    set_pending(x, CONCORD_ELIMIT, s->tag_pos, s->tag_at,
                "a start tag with more than %s (concord's limit for one element)", what);
    return cut_index(x, s->tag_at);
}

/* Refuse the DOCTYPE (an entity declaration at cut, or its size); returns the cut. */
static size_t refuse_doctype(cc_xml *x, int code, unsigned long long cut, const char *msg)
{
    set_pending(x, code, x->sc.doctype_pos, x->sc.doctype_at, "%s", msg);
    return cut_index(x, cut);
}

#if defined(__SSE2__)
/* Bits set in m, for masks that have few (the newlines of a block). */
static unsigned few_bits(unsigned m)
{
    unsigned c = 0;
    for (; m; m &= m - 1)
        c++;
    return c;
}

/* Line and column of bit k of a 16-byte block that starts at (line, col). */
static void block_pos(unsigned nl, unsigned cont, unsigned k, unsigned long *line,
                      unsigned long *col)
{
    unsigned before = (1u << k) - 1, n = nl & before;
    if (n) {
        unsigned last = 31 - (unsigned)__builtin_clz(n);
        *line += few_bits(n);
        *col = k - last - (cont ? bits16(cont & before & ~((2u << last) - 1)) : 0);
    } else {
        *col += k - (cont ? bits16(cont & before) : 0);
    }
}

#endif

static int fifo_grow(cc_xml *x)
{
    size_t cap = x->fifo_cap ? x->fifo_cap * 2 : 256;
    cc_xml_pos *f = cc_malloc(cap * sizeof(*f));
    if (!f)
        return cc_error_oom();
    for (size_t k = 0; k < x->fifo_n; k++)
        f[k] = x->fifo[(x->fifo_head + k) & (x->fifo_cap - 1)];
    cc_free(x->fifo);
    x->fifo = f;
    x->fifo_cap = cap;
    x->fifo_head = 0;
    return 0;
}

#if defined(__SSE2__)
/*
 * The common case, sixteen bytes at a time: text, end tags, start tags and
 * their quoted values. Each block gives bit masks of the bytes that matter
 * ('<', '>', quotes, '\n', continuation bytes); the scanner walks the bits
 * of the ones that matter in its state, so a block costs about the same
 * however many tags it holds, and a block of text without '<' costs a few
 * instructions. Returns where the general loop of scan() takes over ("<!",
 * "<?", a '<' at the end of the chunk, the last 15 bytes), or the cut of a
 * refused tag (*refused set).
 */
static size_t fast_scan(cc_xml *x, size_t i, size_t n, int *refused)
{
    scanner *s = &x->sc;
    const unsigned char *d = x->chunk;
    unsigned long line = x->line, col = x->col;
    scan_state st = s->state;
    const __m128i vlt = _mm_set1_epi8('<'), vgt = _mm_set1_epi8('>'), vdq = _mm_set1_epi8('"'),
                  vsq = _mm_set1_epi8('\''), vnl = _mm_set1_epi8('\n'),
                  vcont = _mm_set1_epi8((char)0xC0);
    while (i + 16 <= n) {
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
        unsigned lt = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, vlt));
        unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, vnl));
        unsigned cont =
            _mm_movemask_epi8(b) ? (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(b, vcont)) : 0;
        if (st != SC_TEXT || lt) {
            unsigned dq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, vdq));
            unsigned sq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, vsq));
            unsigned gt = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, vgt));
            unsigned in_tag = dq | sq | gt, done = 0;
            for (;;) {
                unsigned m = st == SC_TEXT  ? lt
                             : st == SC_TAG ? in_tag
                                            : (s->quote == '"' ? dq : sq);
                m &= ~done;
                if (!m)
                    break;
                unsigned k = (unsigned)__builtin_ctz(m);
                done |= (2u << k) - 1;
                if (st == SC_TAG) {
                    if (gt & (1u << k)) {
                        if (x->chunk_at + i + k - s->tag_at > CC_XML_MAX_TAG) {
                            *refused = 1;
                            return refuse_tag(x, "1 MiB of attributes");
                        }
                        st = SC_TEXT;
                        continue;
                    }
                    if (++s->nattrs > CC_XML_MAX_ATTRS) {
                        *refused = 1;
                        return refuse_tag(x, "256 attributes");
                    }
                    /* the value: to its closing quote, if it is in this block */
                    s->quote = d[i + k];
                    unsigned close = (s->quote == '"' ? dq : sq) & ~done;
                    if (close)
                        done |= (2u << __builtin_ctz(close)) - 1;
                    else
                        st = SC_VALUE;
                    continue;
                }
                if (st == SC_VALUE) {
                    st = SC_TAG;
                    continue;
                }
                /* a '<': what follows says what it is */
                size_t at = i + k;
                unsigned char next = at + 1 < n ? d[at + 1] : 0;
                if (next == '/')
                    continue; /* an end tag holds no '<' and no quote: text again after it */
                unsigned long l = line, c = col;
                block_pos(nl, cont, k, &l, &c);
                cc_xml_pos p = {l, c, x->conv ? input_offset(x, at) : x->chunk_at + at};
                s->lt = x->chunk_at + at;
                if (!next || next == '!' || next == '?') {
                    /* the general loop goes on from after the '<' */
                    s->lt_pos = p;
                    s->state = SC_LT;
                    x->line = l;
                    x->col = c + 1;
                    return at + 1;
                }
                s->tag_at = s->lt;
                s->tag_pos = p;
                s->nattrs = 0;
                if (x->fifo_n == x->fifo_cap && fifo_grow(x) < 0) {
                    fail_reading(x, CONCORD_ENOMEM);
                    *refused = 1;
                    return at;
                }
                x->fifo[(x->fifo_head + x->fifo_n++) & (x->fifo_cap - 1)] = p;
                st = SC_TAG;
            }
        }
        if (nl) {
            unsigned last = 31 - (unsigned)__builtin_clz(nl);
            line += few_bits(nl);
            col = 16 - last - (cont ? bits16(cont & ~((2u << last) - 1)) : 0);
        } else {
            col += 16 - (cont ? bits16(cont) : 0);
        }
        i += 16;
        if (st != SC_TEXT && x->chunk_at + i - s->tag_at > CC_XML_MAX_TAG) {
            *refused = 1;
            return refuse_tag(x, "1 MiB of attributes");
        }
    }
    s->state = st;
    x->line = line;
    x->col = col;
    return i;
}
#endif

/*
 * Scan chunk[0..chunk_len): note start tags, check limits and entity
 * declarations, count lines and columns. Returns how much of the chunk
 * libxml2 may have: all of it, or up to the markup a pending error refuses.
 * Every byte is counted once: by skip_until() or by count_byte().
 */
static size_t scan(cc_xml *x)
{
    static const char ENTITY_REFUSED[] =
        "the DOCTYPE declares entities; concord refuses entity declarations (no entity "
        "expansion, no external entities)";
    static const char DOCTYPE_TOO_BIG[] = "a DOCTYPE larger than 64 KiB (concord's limit)";
    scanner *s = &x->sc;
    const unsigned char *d = x->chunk;
    size_t n = x->chunk_len, i = x->cnt_i;
    while (i < n) {
#if defined(__SSE2__)
        if ((s->state == SC_TEXT || s->state == SC_TAG || s->state == SC_VALUE) && n - i >= 16) {
            int refused = 0;
            i = fast_scan(x, i, n, &refused);
            if (refused)
                return i;
            continue;
        }
#endif
        switch (s->state) {
        case SC_TEXT:
            if ((i = skip_until(x, i, n, '<', '<', '<')) == n)
                break;
            s->lt = x->chunk_at + i;
            s->lt_pos.line = x->line;
            s->lt_pos.column = x->col;
            s->lt_pos.offset = input_offset(x, i);
            s->state = SC_LT;
            x->col++;
            i++;
            break;
        case SC_LT:
            if (d[i] == '/') {
                /* an end tag holds no '<' and no quote: the text after it is scanned alike */
                s->state = SC_TEXT;
            } else if (d[i] == '!') {
                s->state = SC_BANG;
                s->kwlen = 0;
            } else if (d[i] == '?') {
                s->state = SC_PI;
                s->back = SC_TEXT;
                s->run = 0;
            } else {
                /* a start tag (or something libxml2 will refuse as one) */
                s->tag_at = s->lt;
                s->tag_pos = s->lt_pos;
                s->nattrs = 0;
                if (fifo_push(x, s->tag_pos) < 0) {
                    fail_reading(x, CONCORD_ENOMEM);
                    return i;
                }
                s->state = SC_TAG;
                break;
            }
            count_byte(x, d[i++]);
            break;
        case SC_TAG:
            i = skip_until(x, i, n, '"', '\'', '>');
            if (x->chunk_at + i - s->tag_at > CC_XML_MAX_TAG)
                return refuse_tag(x, "1 MiB of attributes");
            if (i == n)
                break;
            if (d[i] == '>') {
                s->state = SC_TEXT;
            } else {
                if (++s->nattrs > CC_XML_MAX_ATTRS)
                    return refuse_tag(x, "256 attributes");
                s->quote = d[i];
                s->state = SC_VALUE;
            }
            x->col++;
            i++;
            break;
        case SC_VALUE:
            i = skip_until(x, i, n, s->quote, s->quote, s->quote);
            if (x->chunk_at + i - s->tag_at > CC_XML_MAX_TAG)
                return refuse_tag(x, "1 MiB of attributes");
            if (i < n) {
                s->state = SC_TAG;
                x->col++;
                i++;
            }
            break;
        case SC_SKIP:
            if ((i = skip_until(x, i, n, '>', '>', '>')) < n) {
                s->state = SC_TEXT;
                x->col++;
                i++;
            }
            break;
        case SC_BANG: {
            static const char *const KW[] = {"--", "[CDATA[", "DOCTYPE"};
            s->kw[s->kwlen++] = (char)d[i];
            count_byte(x, d[i++]);
            int k, prefix = 0;
            for (k = 0; k < 3; k++) {
                if (strncmp(s->kw, KW[k], (size_t)s->kwlen) == 0) {
                    prefix = 1;
                    if ((size_t)s->kwlen == strlen(KW[k]))
                        break;
                }
            }
            if (k == 0) {
                s->state = SC_COMMENT;
                s->back = SC_TEXT;
                s->run = 0;
            } else if (k == 1) {
                s->state = SC_CDATA;
                s->run = 0;
            } else if (k == 2) {
                s->doctype_at = s->lt;
                s->doctype_pos = s->lt_pos;
                s->state = SC_DOCTYPE;
            } else if (!prefix) {
                s->state = SC_SKIP;
            }
            break;
        }
        case SC_COMMENT:
        case SC_CDATA: {
            /* to "-->" ("]]>"): run counts the '-' (']') just seen */
            unsigned char c = s->state == SC_COMMENT ? '-' : ']';
            if (s->run == 0) {
                if ((i = skip_until(x, i, n, c, c, c)) == n)
                    break;
                s->run = 1;
            } else if (d[i] == '>' && s->run >= 2) {
                s->state = s->state == SC_COMMENT ? s->back : SC_TEXT;
            } else if (d[i] == c) {
                s->run = 2;
            } else {
                s->run = 0;
            }
            count_byte(x, d[i++]);
            break;
        }
        case SC_PI:
            if (!s->run) {
                if ((i = skip_until(x, i, n, '?', '?', '?')) == n)
                    break;
                s->run = 1;
            } else if (d[i] == '>') {
                s->state = s->back;
            } else {
                s->run = d[i] == '?';
            }
            count_byte(x, d[i++]);
            break;
        case SC_DOCTYPE:
        case SC_SUBSET:
        case SC_DECL:
        case SC_DT_END:
            if (x->chunk_at + i - s->doctype_at > CC_XML_MAX_DOCTYPE)
                return refuse_doctype(x, CONCORD_ELIMIT, x->chunk_at + i, DOCTYPE_TOO_BIG);
            if (s->state == SC_DOCTYPE) {
                if (d[i] == '"' || d[i] == '\'') {
                    s->quote = d[i];
                    s->state = SC_DT_QUOTE;
                } else if (d[i] == '[') {
                    s->state = SC_SUBSET;
                } else if (d[i] == '>') {
                    s->state = SC_TEXT;
                }
            } else if (s->state == SC_SUBSET) {
                if (d[i] == ']') {
                    s->state = SC_DT_END;
                } else if (d[i] == '<') {
                    s->decl_lt = x->chunk_at + i;
                    s->state = SC_SUB_LT;
                }
            } else if (s->state == SC_DECL) {
                if (d[i] == '"' || d[i] == '\'') {
                    s->quote = d[i];
                    s->state = SC_DECL_QUOTE;
                } else if (d[i] == '>') {
                    s->state = SC_SUBSET;
                }
            } else if (d[i] == '>') {
                s->state = SC_TEXT;
            }
            count_byte(x, d[i++]);
            break;
        case SC_DT_QUOTE:
        case SC_DECL_QUOTE:
            i = skip_until(x, i, n, s->quote, s->quote, s->quote);
            if (x->chunk_at + i - s->doctype_at > CC_XML_MAX_DOCTYPE)
                return refuse_doctype(x, CONCORD_ELIMIT, x->chunk_at + i, DOCTYPE_TOO_BIG);
            if (i < n) {
                s->state = s->state == SC_DT_QUOTE ? SC_DOCTYPE : SC_DECL;
                x->col++;
                i++;
            }
            break;
        case SC_SUB_LT:
            if (d[i] == '!') {
                s->state = SC_SUB_BANG;
                s->kwlen = 0;
                count_byte(x, d[i++]);
            } else if (d[i] == '?') {
                s->state = SC_PI;
                s->back = SC_SUBSET;
                s->run = 0;
                count_byte(x, d[i++]);
            } else {
                s->state = SC_DECL;
            }
            break;
        case SC_SUB_BANG:
            if (s->kwlen == 1 && s->kw[0] == '-' && d[i] == '-') {
                s->state = SC_COMMENT;
                s->back = SC_SUBSET;
                s->run = 0;
                count_byte(x, d[i++]);
                break;
            }
            if (s->kwlen < 6 && ((d[i] >= 'A' && d[i] <= 'Z') || (s->kwlen == 0 && d[i] == '-'))) {
                s->kw[s->kwlen++] = (char)d[i];
                count_byte(x, d[i++]);
                if (s->kwlen == 6 && memcmp(s->kw, "ENTITY", 6) == 0)
                    return refuse_doctype(x, CONCORD_EPARSE, s->decl_lt, ENTITY_REFUSED);
                break;
            }
            s->state = SC_DECL;
            break;
        }
    }
    if ((s->state == SC_TAG || s->state == SC_VALUE) &&
        x->chunk_at + n - s->tag_at > CC_XML_MAX_TAG)
        return refuse_tag(x, "1 MiB of attributes");
    return n;
}

/* ---- input ------------------------------------------------------------------------------ */

/* Up to cap bytes from the source into buf: 0 at its end, or -1 (pending error set). */
static long src_read(cc_xml *x, unsigned char *buf, size_t cap)
{
    long got = 0;
    if (x->src_end)
        return 0;
    errno = 0;
    switch (x->src) {
    case SRC_MEM:
        got = (long)(x->memlen - x->mempos < cap ? x->memlen - x->mempos : cap);
        if (got)
            memcpy(buf, x->mem + x->mempos, (size_t)got);
        x->mempos += (size_t)got;
        break;
    case SRC_FILE:
        got = x->file->readcallback(x->file->context, (char *)buf, (int)cap);
        break;
    case SRC_STREAM:
        concord_error_clear();
        got = x->read(x->read_ud, (char *)buf, cap);
        break;
    }
    if (got < 0) {
        cc_xml_pos p = {x->line, x->col, x->raw_read};
        const concord_error *e = concord_error_last();
        x->pend.read_error = !x->pend.code;
        if (x->src == SRC_STREAM && e->code != CONCORD_OK)
            set_pending(x, e->code, p, UINT64_MAX, "%s", e->message);
        else
            set_pending(x, CONCORD_EIO, p, UINT64_MAX, "cannot read%s%s", errno ? ": " : "",
                        errno ? strerror(errno) : "");
        x->src_end = 1;
        return -1;
    }
    if (got == 0)
        x->src_end = 1;
    x->raw_read += (unsigned long long)got;
    return got;
}

static int ltq_push(cc_xml *x, unsigned long long off)
{
    if (x->ltq_n == x->ltq_cap) {
        size_t cap = x->ltq_cap ? x->ltq_cap * 2 : 1024;
        unsigned long long *q = cc_malloc(cap * sizeof(*q));
        if (!q)
            return cc_error_oom();
        for (size_t k = 0; k < x->ltq_n; k++)
            q[k] = x->ltq[(x->ltq_head + k) & (x->ltq_cap - 1)];
        cc_free(x->ltq);
        x->ltq = q;
        x->ltq_cap = cap;
        x->ltq_head = 0;
    }
    x->ltq[(x->ltq_head + x->ltq_n++) & (x->ltq_cap - 1)] = off;
    return 0;
}

/* Is the unit at u the character '<'? */
static int is_lt_unit(const cc_xml *x, const unsigned char *u)
{
    if (x->unit == 2)
        return x->big_endian ? u[0] == 0 && u[1] == '<' : u[0] == '<' && u[1] == 0;
    return x->big_endian ? !u[0] && !u[1] && !u[2] && u[3] == '<'
                         : u[0] == '<' && !u[1] && !u[2] && !u[3];
}

/*
 * Note the input offsets of the '<' units of d[0..n), read at input offset
 * at: the undecoded side of the offset map. Units are aligned on the input
 * (a BOM is one unit); one cut by the end of a read is completed by the next.
 */
static int note_input_lts(cc_xml *x, const unsigned char *d, size_t n, unsigned long long at)
{
    size_t w = (size_t)x->unit, i = 0;
    int rc;
    if (x->no_offsets)
        return 0;
    if (w == 1) {
        const unsigned char *p = d, *e = d + n;
        while (p < e && (p = memchr(p, '<', (size_t)(e - p))) != NULL) {
            if ((rc = ltq_push(x, at + (unsigned long long)(p - d))) < 0)
                return rc;
            p++;
        }
        return 0;
    }
    while (x->ncarry && i < n) {
        x->carry[x->ncarry++] = d[i++];
        if (x->ncarry == w) {
            x->ncarry = 0;
            if (is_lt_unit(x, x->carry) && (rc = ltq_push(x, at + i - w)) < 0)
                return rc;
        }
    }
    for (; i + w <= n; i += w)
        if (is_lt_unit(x, d + i) && (rc = ltq_push(x, at + i)) < 0)
            return rc;
    for (; i < n; i++)
        x->carry[x->ncarry++] = d[i];
    return 0;
}

/* Read from the source into cin (noting the '<' units); 0, or -1 at its end or an error. */
static int read_input(cc_xml *x)
{
    long got = src_read(x, x->buf, CHUNK);
    int rc;
    if (got <= 0)
        return -1;
    if ((rc = note_input_lts(x, x->buf, (size_t)got, x->raw_read - (unsigned long long)got)) < 0) {
        fail_reading(x, rc);
        return -1;
    }
    if (xmlBufferAdd(x->cin, x->buf, (int)got) != 0) {
        fail_reading(x, cc_error_oom());
        return -1;
    }
    return 0;
}

/*
 * Decode the next chunk into cout. A byte sequence that is not the encoding
 * (or the end of the input inside a character) ends the decoding: conv_bad
 * is set, and the chunk holds what came before it. cout is refilled only
 * once libxml2 has all of the chunk before: nothing else may touch it.
 */
static void fill_converted(cc_xml *x)
{
    xmlBufferEmpty(x->cout);
    while ((size_t)xmlBufferLength(x->cout) < CHUNK / 2 && !x->rc) {
        if (xmlBufferLength(x->cin) < 16 && !x->src_end) {
            read_input(x);
            continue;
        }
        int before = xmlBufferLength(x->cin);
        if (before == 0)
            break;
        int ret = xmlCharEncInFunc(x->conv, x->cout, x->cin);
        int consumed = before - xmlBufferLength(x->cin);
        x->cin_off += (unsigned long long)consumed;
        if (consumed > 0 && ret != -2)
            continue;
        if (ret != -2 && !x->src_end) {
            /* a character cut by the read: more input, then again */
            read_input(x);
            continue;
        }
        /* 1: bytes that are not the encoding; 2: the input ends inside a character */
        if (ret == -2)
            x->conv_bad = 1;
        else if (xmlBufferLength(x->cin) > 0)
            x->conv_bad = 2;
        break;
    }
    x->chunk = xmlBufferContent(x->cout);
    x->chunk_len = (size_t)xmlBufferLength(x->cout);
}

/*
 * How many bytes at the end of d[0..n) are the start of a UTF-8 sequence
 * that goes on after n. A chunk never ends inside a character: libxml2 2.9.14
 * can report a character cut between two short reads as invalid UTF-8.
 */
static size_t utf8_cut(const unsigned char *d, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        unsigned char c = d[n - k];
        if ((c & 0xC0) == 0x80)
            continue;
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return len > k ? k : 0;
    }
    return 0;
}

/* Make chunk the next bytes (UTF-8 for libxml2) and scan it; -1 at the end. */
static int next_chunk(cc_xml *x)
{
    /* the offset map goes on from the end of the chunk before (scan() counted all of it) */
    if (x->chunk_len) {
        if (x->conv && !x->no_offsets) {
            map_to(x, x->chunk_len);
            while (x->ltq_n && x->ltq_base < x->dec_lt) {
                x->ltq_head = (x->ltq_head + 1) & (x->ltq_cap - 1);
                x->ltq_n--;
                x->ltq_base++;
            }
        }
    }
    x->chunk_at += x->chunk_len;
    x->chunk_len = x->chunk_pos = x->chunk_stop = x->cnt_i = x->map_i = 0;
    if (x->conv) {
        fill_converted(x);
    } else if (x->src == SRC_MEM) {
        size_t n = x->memlen - x->mempos < CHUNK ? x->memlen - x->mempos : CHUNK;
        x->chunk = x->mem + x->mempos;
        if (x->mempos + n < x->memlen)
            n -= utf8_cut(x->chunk, n);
        x->chunk_len = n;
        x->mempos += n;
        x->raw_read += n;
    } else {
        /* what the last chunk left (a character cut by its end), then reads */
        size_t n = x->held;
        memmove(x->buf, x->buf + x->held_at, n);
        n += x->primed;
        x->primed = 0;
        while (n < CHUNK / 2 && !x->src_end) {
            long got = src_read(x, x->buf + n, CHUNK - n);
            if (got > 0)
                n += (size_t)got;
        }
        x->held = x->src_end ? 0 : utf8_cut(x->buf, n);
        x->held_at = n - x->held;
        x->chunk = x->buf;
        x->chunk_len = n - x->held;
    }
    if (x->chunk_at == 0 && !x->conv)
        x->cnt_i = x->bom; /* a UTF-8 BOM is no column */
    x->chunk_stop = x->chunk_len ? scan(x) : 0;
    if (x->conv_bad && x->chunk_stop == x->chunk_len) {
        /* the bytes that are not the encoding come right after the chunk */
        const unsigned char *b = xmlBufferContent(x->cin);
        size_t nb = (size_t)xmlBufferLength(x->cin);
        char bytes[40] = "";
        for (size_t k = 0; k < nb && k < 4; k++)
            snprintf(bytes + strlen(bytes), sizeof(bytes) - strlen(bytes), "%s0x%02X", k ? " " : "",
                     b[k]);
        cc_xml_pos p = {x->line, x->col, x->cin_off};
        if (x->conv_bad == 2)
            set_pending(x, CONCORD_EPARSE, p, x->chunk_at + x->chunk_len,
                        "malformed XML: the input ends in the middle of a character (%s bytes "
                        "%s): is the file cut off?",
                        x->enc_name, bytes);
        else
            set_pending(x, CONCORD_EPARSE, p, x->chunk_at + x->chunk_len,
                        "malformed XML: input conversion failed due to input error, bytes %s "
                        "(not valid %s)",
                        bytes, x->enc_name);
    }
    /* libxml2's input ends at what a pending error refuses */
    if (x->pend.code && x->pend.stop == UINT64_MAX && x->pend.from != UINT64_MAX)
        x->pend.stop = x->chunk_at + x->chunk_stop;
    return x->chunk_len ? 0 : -1;
}

/*
 * libxml2's read callback: the scanned chunk, piece by piece. The input ends
 * early (0) once a pending error's markup is reached, or after an error.
 */
static int io_read(void *ctx, char *buf, int len)
{
    cc_xml *x = ctx;
    while (x->chunk_pos == x->chunk_stop) {
        if (x->failed)
            return 0;
        if (x->pend.code && x->chunk_at + x->chunk_stop >= x->pend.stop) {
            x->cut = 1;
            return 0;
        }
        if (x->at_end)
            return 0;
        if (next_chunk(x) < 0 || x->rc) {
            x->at_end = 1;
            if (x->pend.code) {
                /* a read error: the input ends where the bytes read so far do */
                x->cut = 1;
                if (x->pend.from > x->fed)
                    x->pend.from = x->pend.stop = x->fed;
            }
            return 0;
        }
    }
    size_t k = x->chunk_stop - x->chunk_pos;
    if (k > (size_t)len)
        k = (size_t)len;
    memcpy(buf, x->chunk + x->chunk_pos, k);
    x->chunk_pos += k;
    x->fed += k;
    return (int)k;
}

static int io_close(void *ctx)
{
    (void)ctx; /* the source is closed by whoever opened it */
    return 0;
}

/* ---- SAX callbacks ---------------------------------------------------------------------- */

/*
 * "prefix:local" of an attribute, kept for the parse, or NULL when the table
 * is full (the caller builds it then). libxml2's names live in its
 * dictionary for the whole parse, so the two pointers are the key; entries
 * are never replaced, so a name handed out stays valid.
 */
static const char *cached_qname(cc_xml *x, const xmlChar *prefix, const xmlChar *local)
{
    size_t cap = CC_ARRAY_LEN(x->qnames);
    size_t h = (((uintptr_t)prefix >> 3) * 31 + ((uintptr_t)local >> 3)) & (cap - 1);
    for (size_t k = 0; k < cap; k++, h = (h + 1) & (cap - 1)) {
        struct qname_slot *q = &x->qnames[h];
        if (q->qname && q->prefix == prefix && q->local == local)
            return q->qname;
        if (q->qname)
            continue;
        if (x->nqnames >= cap / 2)
            return NULL;
        size_t p = strlen((const char *)prefix), l = strlen((const char *)local);
        if (!(q->qname = cc_malloc(p + l + 2)))
            return NULL;
        memcpy(q->qname, prefix, p);
        q->qname[p] = ':';
        memcpy(q->qname + p + 1, local, l + 1);
        q->prefix = prefix;
        q->local = local;
        x->nqnames++;
        return q->qname;
    }
    return NULL;
}

/* "prefix:local" into b (cleared first), for element names; NULL (error set) on failure. */
static const char *qualified(cc_buf *b, const xmlChar *prefix, const xmlChar *local)
{
    size_t p = strlen((const char *)prefix), l = strlen((const char *)local);
    b->len = 0;
    if (cc_buf_reserve(b, p + l + 1) < 0)
        return NULL;
    memcpy(b->data, prefix, p);
    b->data[p] = ':';
    memcpy(b->data + p + 1, local, l + 1);
    b->len = p + l + 1;
    return b->data;
}

static int element_name(cc_xml *x, cc_xml_elem *n, const xmlChar *local, const xmlChar *prefix,
                        const xmlChar *uri)
{
    n->local = (const char *)local;
    n->prefix = (const char *)prefix;
    n->uri = (const char *)uri;
    n->qname = prefix ? qualified(&x->qname, prefix, local) : n->local;
    return n->qname ? 0 : CONCORD_ENOMEM;
}

/*
 * Copy an attribute value to out, NUL-terminated, turning "&#38;" back into
 * '&' (libxml2 hands an '&' of the document over so, without entity
 * substitution); returns the end of the copy. out has room for e - v + 1.
 */
static char *put_value(char *out, const char *v, const char *e)
{
    while (v < e) {
        const char *amp = memchr(v, '&', (size_t)(e - v));
        size_t n = (size_t)((amp ? amp + 1 : e) - v);
        memcpy(out, v, n);
        out += n;
        if (!amp)
            break;
        v = amp + (e - amp >= 5 && memcmp(amp, "&#38;", 5) == 0 ? 5 : 1);
    }
    *out++ = '\0';
    return out;
}

/*
 * Does the start tag libxml2 hands over lack its '>'? libxml2 reports an
 * element once its attributes are read and only then looks for the '>' (or
 * "/>"): a file cut inside a start tag ("<conceptEnt", "<tbx type=\"TBX\"")
 * or a byte that cannot be in a tag would reach the handlers as an element
 * ("unexpected <conceptEnt>", "<tbx> has no style attribute") before the
 * error that libxml2 raises next ("Couldn't find end of Start Tag").
 */
static int start_tag_unterminated(const cc_xml *x)
{
    const xmlParserInput *in = x->ctxt ? x->ctxt->input : NULL;
    if (!in || !in->cur)
        return 0;
    const xmlChar *c = in->cur, *end = in->end ? in->end : c;
    if (c < end && c[0] == '>')
        return 0;
    if (c + 1 < end && c[0] == '/' && c[1] == '>')
        return 0;
    return 1;
}

static void sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                      int nns, const xmlChar **ns, int nattrs, int ndefaulted,
                      const xmlChar **attrs)
{
    cc_xml *x = ctx;
    (void)nns, (void)ns;
    if (stopped(x))
        return;
    /* not an element: libxml2's "Couldn't find end of Start Tag" comes next */
    if (start_tag_unterminated(x))
        return;
    /* the scanner noted this start tag: the oldest one libxml2 has not met yet */
    cc_xml_pos none = {0, 0, 0};
    x->cur = none;
    if (x->fifo_n) {
        x->cur = x->fifo[x->fifo_head];
        x->fifo_head = (x->fifo_head + 1) & (x->fifo_cap - 1);
        x->fifo_n--;
    }
    if (x->depth == x->stack_cap &&
        cc_grow((void **)&x->stack, &x->stack_cap, x->depth + 1, sizeof(*x->stack)) < 0) {
        fail(x, CONCORD_ENOMEM);
        return;
    }
    x->stack[x->depth++] = x->cur;
    x->root_seen = 1;
    if (!x->h->start)
        return;
    /* not the defaults an ATTLIST of the DOCTYPE adds (they come last): the
       document says what it says */
    size_t n = nattrs > ndefaulted ? (size_t)(nattrs - ndefaulted) : 0;
    int rc = 0;
    if (n > x->cap_attrs && cc_grow((void **)&x->attrs, &x->cap_attrs, n, sizeof(*x->attrs)) < 0) {
        fail(x, CONCORD_ENOMEM);
        return;
    }
    /*
     * The values are not NUL-terminated, and names with a prefix come in two
     * pieces: copies, into one buffer reserved for all of them.
     */
    size_t room = 0;
    for (size_t i = 0; i < n; i++) {
        const xmlChar **a = attrs + 5 * i;
        room += (size_t)(a[4] - a[3]) + 1;
        x->attrs[i].name = a[1] ? cached_qname(x, a[1], a[0]) : (const char *)a[0];
        if (!x->attrs[i].name)
            room += strlen((const char *)a[1]) + strlen((const char *)a[0]) + 2;
    }
    x->values.len = 0;
    if (n && (rc = cc_buf_reserve(&x->values, room)) < 0) {
        fail(x, rc);
        return;
    }
    char *out = x->values.data;
    for (size_t i = 0; i < n; i++) {
        const xmlChar **a = attrs + 5 * i;
        x->attrs[i].value = out;
        out = put_value(out, (const char *)a[3], (const char *)a[4]);
        if (!x->attrs[i].name) {
            size_t p = strlen((const char *)a[1]), l = strlen((const char *)a[0]);
            x->attrs[i].name = out;
            memcpy(out, a[1], p);
            out[p] = ':';
            memcpy(out + p + 1, a[0], l + 1);
            out += p + l + 2;
        }
    }
    cc_xml_elem el;
    if ((rc = element_name(x, &el, local, prefix, uri)) < 0 ||
        (rc = x->h->start(x, x->ud, &el, x->attrs, n)) < 0)
        fail(x, rc);
}

static void sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
    cc_xml *x = ctx;
    if (stopped(x))
        return;
    if (x->depth)
        x->cur = x->stack[--x->depth];
    if (!x->depth)
        x->root_closed = 1;
    if (!x->h->end)
        return;
    cc_xml_elem el;
    int rc;
    if ((rc = element_name(x, &el, local, prefix, uri)) < 0 || (rc = x->h->end(x, x->ud, &el)) < 0)
        fail(x, rc);
}

static void sax_text(void *ctx, const xmlChar *s, int len)
{
    cc_xml *x = ctx;
    if (stopped(x) || len <= 0 || !x->h->text)
        return;
    x->in_text = 1;
    int rc = x->h->text(x, x->ud, (const char *)s, (size_t)len);
    x->in_text = 0;
    if (rc < 0)
        fail(x, rc);
}

/* Comments and processing instructions, as markup, to a handler that wants them. */
static void sax_markup(cc_xml *x, const char *open, const xmlChar *a, const xmlChar *b,
                       const char *close)
{
    if (stopped(x))
        return;
    cc_buf *m = &x->markup;
    cc_buf_clear(m);
    int rc = cc_buf_printf(m, "%s%s%s%s%s", open, a ? (const char *)a : "", b && *b ? " " : "",
                           b && *b ? (const char *)b : "", close);
    x->in_text = 1;
    if (rc == 0)
        rc = x->h->markup(x, x->ud, m->data, m->len);
    x->in_text = 0;
    if (rc < 0)
        fail(x, rc);
}

static void sax_comment(void *ctx, const xmlChar *text)
{
    sax_markup(ctx, "<!--", text, NULL, "-->");
}

static void sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    sax_markup(ctx, "<?", target, data, "?>");
}

/*
 * The scanner refuses entity declarations before libxml2 reads them; should
 * one ever get through, it is refused here all the same, at the DOCTYPE.
 */
static void sax_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                            const xmlChar *system_id, xmlChar *content)
{
    cc_xml *x = ctx;
    (void)name, (void)type, (void)public_id, (void)system_id, (void)content;
    if (stopped(x))
        return;
    fail(x, cc_error_set_at(CONCORD_EPARSE, x->name, x->sc.doctype_pos.line,
                            x->sc.doctype_pos.column, (size_t)x->sc.doctype_pos.offset,
                            "the DOCTYPE declares entities; concord refuses entity declarations "
                            "(no entity expansion, no external entities)"));
}

/* libxml2 calls this for a reference to an entity it does not know (and reported). */
static void sax_reference(void *ctx, const xmlChar *name)
{
    cc_xml *x = ctx;
    if (stopped(x))
        return;
    xmlParserInputPtr in = x->ctxt->input;
    fail(x,
         cc_error_set_at(CONCORD_EPARSE, x->name, in && in->line > 0 ? (unsigned long)in->line : 0,
                         in && in->col > 0 ? (unsigned long)in->col : 0, 0,
                         "entity reference &%s; is not allowed (only the five predefined "
                         "entities and character references are)",
                         name ? (const char *)name : "?"));
}

/* ---- the parse ------------------------------------------------------------------------- */

/* The encoding named by the XML declaration at d[0..n) into name; 0 if none. */
static int declared_encoding(const unsigned char *d, size_t n, char *name, size_t cap)
{
    if (n < 6 || memcmp(d, "<?xml", 5) != 0 || !strchr(" \t\r\n", d[5]) || !d[5])
        return 0;
    size_t end = 5;
    while (end + 1 < n && !(d[end] == '?' && d[end + 1] == '>'))
        end++;
    for (size_t i = 5; i + 8 <= end; i++) {
        if (memcmp(d + i, "encoding", 8) != 0)
            continue;
        size_t q = i + 8;
        while (q < end && strchr(" \t\r\n", d[q]) && d[q])
            q++;
        if (q >= end || d[q] != '=')
            return 0;
        q++;
        while (q < end && strchr(" \t\r\n", d[q]) && d[q])
            q++;
        if (q >= end || (d[q] != '"' && d[q] != '\''))
            return 0;
        unsigned char quote = d[q++];
        size_t s = q;
        while (q < end && d[q] != quote)
            q++;
        if (q >= end || q == s || q - s >= cap)
            return 0;
        memcpy(name, d + s, q - s);
        name[q - s] = '\0';
        return 1;
    }
    return 0;
}

/*
 * How the input is to be decoded, from its first bytes: a BOM, UTF-16/32
 * without one (detected from "<?xml"), or the declaration. x->conv stays NULL
 * when libxml2 can have the bytes as they are: UTF-8, and the cases where
 * libxml2 must report the problem itself (an encoding it does not know, a
 * document labelled UTF-16 that is not).
 */
static void pick_decoder(cc_xml *x, const unsigned char *d, size_t n)
{
    char declared[64];
    const char *enc = NULL;
    x->unit = 1;
    if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        x->bom = 3;
        x->ignore_enc = 1; /* the BOM says UTF-8, whatever the declaration says */
        return;
    }
    if (n >= 4 && d[0] == 0xFF && d[1] == 0xFE && !d[2] && !d[3])
        enc = "UTF-32LE", x->unit = 4, x->bom = 4;
    else if (n >= 4 && !d[0] && !d[1] && d[2] == 0xFE && d[3] == 0xFF)
        enc = "UTF-32BE", x->unit = 4, x->bom = 4, x->big_endian = 1;
    else if (n >= 2 && d[0] == 0xFF && d[1] == 0xFE)
        enc = "UTF-16LE", x->unit = 2, x->bom = 2;
    else if (n >= 2 && d[0] == 0xFE && d[1] == 0xFF)
        enc = "UTF-16BE", x->unit = 2, x->bom = 2, x->big_endian = 1;
    else if (n >= 4 && d[0] == '<' && !d[1] && !d[2] && !d[3])
        enc = "UTF-32LE", x->unit = 4;
    else if (n >= 4 && !d[0] && !d[1] && !d[2] && d[3] == '<')
        enc = "UTF-32BE", x->unit = 4, x->big_endian = 1;
    else if (n >= 4 && d[0] == '<' && !d[1] && d[2] == '?' && !d[3])
        enc = "UTF-16LE", x->unit = 2;
    else if (n >= 4 && !d[0] && d[1] == '<' && !d[2] && d[3] == '?')
        enc = "UTF-16BE", x->unit = 2, x->big_endian = 1;
    else if (n >= 4 && d[0] == 0x4C && d[1] == 0x6F && d[2] == 0xA7 && d[3] == 0x94)
        enc = "EBCDIC-US", x->no_offsets = 1; /* '<' is not 0x3C there */
    else if (declared_encoding(d, n, declared, sizeof(declared)))
        enc = declared;
    if (!enc || strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0)
        return;
    if (!x->bom && x->unit == 1 &&
        (strncasecmp(enc, "UTF-16", 6) == 0 || strncasecmp(enc, "UTF16", 5) == 0 ||
         strncasecmp(enc, "UTF-32", 6) == 0 || strncasecmp(enc, "UCS", 3) == 0 ||
         strncasecmp(enc, "ISO-10646", 9) == 0))
        return; /* labelled wide, but bytes of one: libxml2 says what is wrong */
    xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(enc);
    if (!h)
        return; /* libxml2 reports the unsupported encoding */
    if (strcasecmp(h->name, "UTF-8") == 0) {
        xmlCharEncCloseFunc(h);
        return;
    }
    x->conv = h;
    x->ignore_enc = 1;
    snprintf(x->enc_name, sizeof(x->enc_name), "%s", enc);
    if (strstr(enc, "2022") || strncasecmp(enc, "UTF-7", 5) == 0 || strncasecmp(enc, "HZ", 2) == 0)
        x->no_offsets = 1; /* stateful: a '<' byte may be half of a character */
}

/* Read the first bytes, choose the decoding, and get the decoder its first input. */
static int prime(cc_xml *x)
{
    const unsigned char *d;
    size_t n;
    if (!(x->buf = cc_malloc(CHUNK)))
        return cc_error_oom();
    if (x->src == SRC_MEM) {
        d = x->mem;
        n = x->memlen < CHUNK ? x->memlen : CHUNK;
    } else {
        /* enough for a BOM and the XML declaration, even from a pipe */
        while (x->primed < 1024 && !x->src_end) {
            long got = src_read(x, x->buf + x->primed, CHUNK - x->primed);
            if (got > 0)
                x->primed += (size_t)got;
        }
        d = x->buf;
        n = x->primed;
    }
    pick_decoder(x, d, n);
    if (!x->conv)
        return 0;
    if (!(x->cin = xmlBufferCreate()) || !(x->cout = xmlBufferCreate()))
        return cc_error_oom();
    if (x->src == SRC_MEM) {
        x->mempos = n;
        x->raw_read = n;
    }
    size_t skip = x->bom < n ? x->bom : n;
    int rc = note_input_lts(x, d, n, 0);
    if (rc < 0)
        return rc;
    if (n > skip && xmlBufferAdd(x->cin, d + skip, (int)(n - skip)) != 0)
        return cc_error_oom();
    x->cin_off = skip;
    x->primed = 0;
    return 0;
}

/* After the parse: the one error, first in the document. */
static int finish(cc_xml *x)
{
    const lib_error *e = &x->lerr;
    if (x->rc)
        return x->rc;
    if (e->set && !(e->after_cut && (x->pend.read_error || e->offset >= x->pend.from))) {
        /* an error at the very end of a document whose root is still open: probably cut */
        int cut_off =
            x->at_end && e->line && e->offset && e->offset + 4 >= x->fed && !x->root_closed;
        return cc_error_set_at(CONCORD_EPARSE, x->name, e->line, e->col,
                               x->conv ? 0 : (size_t)e->offset, "malformed XML: %s%s", e->msg,
                               cut_off ? " (the document ends too early: is the file cut off?)"
                                       : "");
    }
    if (x->pend.code)
        return cc_error_set_at(x->pend.code, x->name, x->pend.pos.line, x->pend.pos.column,
                               (size_t)x->pend.pos.offset, "%s", x->pend.msg);
    if (!x->ctxt->wellFormed) {
        xmlParserInputPtr in = x->ctxt->input;
        return cc_error_set_at(CONCORD_EPARSE, x->name,
                               in && in->line > 0 ? (unsigned long)in->line : 0,
                               in && in->col > 0 ? (unsigned long)in->col : 0, 0,
                               "malformed XML%s%s", x->generic[0] ? ": " : "", x->generic);
    }
    return 0;
}

/* Run the parse over the source set up in x; frees what the parse allocated. */
static int run(cc_xml *x)
{
    int rc = prime(x);
    if (rc < 0)
        goto done;
    /*
     * Only the callbacks below: no tree is built, no external subset or
     * entity is loaded (no externalSubset, resolveEntity or getEntity).
     */
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = sax_start;
    sax.endElementNs = sax_end;
    sax.characters = sax_text;
    sax.ignorableWhitespace = sax_text;
    sax.entityDecl = sax_entity_decl;
    sax.reference = sax_reference;
    sax.serror = on_lib_error;
    if (x->h->markup) {
        sax.comment = sax_comment;
        sax.processingInstruction = sax_pi;
    }
    x->ctxt = xmlCreateIOParserCtxt(&sax, x, io_read, io_close, x, XML_CHAR_ENCODING_NONE);
    if (!x->ctxt) {
        rc = cc_error_oom();
        goto done;
    }
    xmlCtxtUseOptions(x->ctxt, XML_OPTIONS | (x->ignore_enc ? XML_PARSE_IGNORE_ENC : 0));
    tl_in_parse = 1;
    xmlParseDocument(x->ctxt);
    tl_in_parse = 0;
    rc = finish(x);
done:
    if (x->ctxt) {
        /* libxml2 makes a document of its own for some DOCTYPEs in SAX mode */
        xmlFreeDoc(x->ctxt->myDoc);
        x->ctxt->myDoc = NULL;
        xmlFreeParserCtxt(x->ctxt);
    }
    if (x->conv)
        xmlCharEncCloseFunc(x->conv);
    if (x->cin)
        xmlBufferFree(x->cin);
    if (x->cout)
        xmlBufferFree(x->cout);
    cc_free(x->buf);
    cc_free(x->ltq);
    cc_free(x->fifo);
    cc_free(x->stack);
    cc_free(x->attrs);
    cc_buf_free(&x->values);
    cc_buf_free(&x->qname);
    cc_buf_free(&x->markup);
    for (size_t i = 0; i < CC_ARRAY_LEN(x->qnames); i++)
        cc_free(x->qnames[i].qname);
    return rc;
}

static void begin(cc_xml *x, const char *name, const cc_xml_handlers *h, void *ud,
                  xmlGenericErrorFunc *prev, void **prev_ctx)
{
    pthread_once(&g_once, init_once);
    memset(x, 0, sizeof(*x));
    x->name = name;
    x->h = h;
    x->ud = ud;
    x->line = x->col = 1;
    x->sc.state = SC_TEXT;
    /* the thread's generic handler is ours during the parse */
    *prev = xmlGenericError;
    *prev_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(x, on_generic);
}

static void end(xmlGenericErrorFunc prev, void *prev_ctx)
{
    xmlSetGenericErrorFunc(prev_ctx, prev);
}

int cc_xml_parse_file(const char *path, const cc_xml_handlers *h, void *ud)
{
    /* not fopen(): opening a pipe to probe it would consume it */
    if (access(path, R_OK) != 0)
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open: %s", strerror(errno));
    cc_xml x;
    xmlGenericErrorFunc prev;
    void *prev_ctx;
    begin(&x, path, h, ud, &prev, &prev_ctx);
    /* a path, never what libxml2 would take for a URL or for stdin ("-") */
    char *open_path = NULL;
    if (path[0] != '/') {
        size_t n = strlen(path);
        if (!(open_path = cc_malloc(n + 3))) {
            end(prev, prev_ctx);
            return cc_error_oom();
        }
        memcpy(open_path, "./", 2);
        memcpy(open_path + 2, path, n + 1);
    }
    /* libxml2's own file input: plain or gzip */
    x.src = SRC_FILE;
    x.file =
        xmlParserInputBufferCreateFilename(open_path ? open_path : path, XML_CHAR_ENCODING_NONE);
    cc_free(open_path);
    int rc;
    if (!x.file)
        rc = cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open XML input%s%s",
                             x.generic[0] ? ": " : "", x.generic);
    else
        rc = run(&x);
    if (x.file)
        xmlFreeParserInputBuffer(x.file);
    end(prev, prev_ctx);
    return rc;
}

int cc_xml_parse_memory(const char *data, size_t len, const char *name, const cc_xml_handlers *h,
                        void *ud)
{
    cc_xml x;
    xmlGenericErrorFunc prev;
    void *prev_ctx;
    begin(&x, name, h, ud, &prev, &prev_ctx);
    x.src = SRC_MEM;
    x.mem = (const unsigned char *)(data ? data : "");
    x.memlen = data ? len : 0;
    int rc = run(&x);
    end(prev, prev_ctx);
    return rc;
}

int cc_xml_parse_stream(cc_xml_read_fn read, void *rud, const char *name, const cc_xml_handlers *h,
                        void *ud)
{
    cc_xml x;
    xmlGenericErrorFunc prev;
    void *prev_ctx;
    begin(&x, name, h, ud, &prev, &prev_ctx);
    x.src = SRC_STREAM;
    x.read = read;
    x.read_ud = rud;
    int rc = run(&x);
    end(prev, prev_ctx);
    return rc;
}

cc_xml_pos cc_xml_where(const cc_xml *x)
{
    cc_xml_pos none = {0, 0, 0};
    if (x->in_text)
        return x->depth ? x->stack[x->depth - 1] : none;
    return x->cur;
}

const char *cc_xml_name(const cc_xml *x)
{
    return x->name;
}

int cc_xml_error(cc_xml *x, int code, const char *fmt, ...)
{
    cc_xml_pos p = cc_xml_where(x);
    va_list ap;
    va_start(ap, fmt);
    cc_error_vset_at(code, x->name, p.line, p.column, (size_t)p.offset, fmt, ap);
    va_end(ap);
    return code;
}

unsigned long long cc_xml_bytes(const cc_xml *x)
{
    return x->raw_read;
}
