/*
 * plain.c — text and Markdown read as a document: one unit per paragraph,
 * with its position and the suppression markers of its lines; and the
 * position arithmetic every reader shares.
 *
 * A paragraph is a run of lines up to an empty line (one of spaces and tabs
 * only; lines end at LF for this purpose), with the empty lines after it, so
 * that the units cover the text. A term, a paired-name shape or a fix never
 * spans two paragraphs. A paragraph longer than CC_DOC_UNIT_MAX is cut, at
 * the last line start within the limit, else after the last sentence end
 * (". ", "。") in its last 64 KiB, else after the last space or tab, else at a
 * character boundary, so that the rules' memory per unit (tokens, mentions:
 * about twelve times the text) stays bounded however long a file's lines are.
 */
#include <string.h>

#include "doc/doc.h"

/* how far back from the limit a sentence end is looked for */
#define CUT_SEARCH 65536

void cc_doc_pos_advance(cc_doc_pos *p, const char *text, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[i];
        /* LF, or a CR not followed by LF (the CR of CR LF is a byte of its line) */
        if (ch == '\n' || (ch == '\r' && !(i + 1 < n && text[i + 1] == '\n'))) {
            p->line++;
            p->column = 1;
            p->byte_column = 1;
        } else {
            p->byte_column++;
            if ((ch & 0xC0) != 0x80 && ch != '\r')
                p->column++;
        }
    }
    p->offset += n;
}

static int blank_line(const char *s, size_t a, size_t e)
{
    for (size_t i = a; i < e; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Does a sentence end just before s[k] ("… end. ", "。")? */
static int sentence_end(const char *s, size_t start, size_t k)
{
    if (k - start >= 2 && (s[k - 1] == ' ' || s[k - 1] == '\t') &&
        (s[k - 2] == '.' || s[k - 2] == '!' || s[k - 2] == '?'))
        return 1;
    /* 。！？ */
    return k - start >= 3 &&
           (memcmp(s + k - 3, "\xE3\x80\x82", 3) == 0 ||
            memcmp(s + k - 3, "\xEF\xBC\x81", 3) == 0 || memcmp(s + k - 3, "\xEF\xBC\x9F", 3) == 0);
}

/*
 * Where to cut a line that runs past `limit`: after the last sentence end in
 * the stretch before the limit (so that terms and shapes, which stay inside
 * a sentence, are not cut), else after the last space or tab, else at the
 * last character boundary.
 */
static size_t cut_line(const char *s, size_t start, size_t limit)
{
    size_t low = limit - start > CUT_SEARCH ? limit - CUT_SEARCH : start;
    for (size_t k = limit; k > low; k--)
        if (sentence_end(s, start, k))
            return k;
    size_t k = limit;
    while (k > start && s[k - 1] != ' ' && s[k - 1] != '\t')
        k--;
    if (k > start)
        return k;
    /* not inside a character, nor between the CR and LF of a line break (positions are
     * counted a unit at a time, and a CR at a unit's end would be a line break) */
    k = limit;
    while (k > start &&
           (((unsigned char)s[k] & 0xC0) == 0x80 || (s[k] == '\n' && s[k - 1] == '\r')))
        k--;
    return k > start ? k : limit;
}

/* Where the unit that starts at `start` ends. */
static size_t unit_end(const char *s, size_t len, size_t start)
{
    size_t i = start, limit = len - start > CC_DOC_UNIT_MAX ? start + CC_DOC_UNIT_MAX : len;
    int text_seen = 0, gap = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && s[e] != '\n')
            e++;
        int b = blank_line(s, i, e);
        if (!b && gap)
            return i; /* the next paragraph starts here */
        if (b && text_seen)
            gap = 1;
        text_seen |= !b;
        size_t next = e < len ? e + 1 : len;
        if (next > limit)
            return i > start ? i : cut_line(s, start, limit);
        i = next;
    }
    return len;
}

static const char MARK[] = "concord-ignore-next-line";

typedef struct reader {
    cc_doc_ignore *ig;
    size_t nig, capig;
    cc_doc_ignore carry; /* a marker on the last line of the unit before (line 0: none) */
} reader;

static int add_ignore(reader *r, cc_doc_ignore ig)
{
    if (cc_grow((void **)&r->ig, &r->capig, r->nig + 1, sizeof(*r->ig)) < 0)
        return CONCORD_ENOMEM;
    r->ig[r->nig++] = ig;
    return 0;
}

/*
 * The markers on the lines of text[a, b), whose first line is `line` (lines
 * end at LF, CR LF or a lone CR, as positions count them). Each silences the
 * line after it: in this unit, or (from its last line) in the next one.
 */
static int collect_ignores(reader *r, const char *text, size_t a, size_t b, unsigned long line)
{
    int rc = 0;
    r->nig = 0;
    if (r->carry.line && r->carry.line < line)
        r->carry.line = 0;
    for (size_t i = a; i < b; line++) {
        if (r->carry.line == line) {
            if ((rc = add_ignore(r, r->carry)) < 0)
                return rc;
            r->carry.line = 0;
        }
        size_t e = i;
        while (e < b && text[e] != '\n' && text[e] != '\r')
            e++;
        size_t next = e + (e + 1 < b && text[e] == '\r' && text[e + 1] == '\n' ? 2 : 1);
        const char *p = NULL;
        for (size_t k = i; k + sizeof(MARK) - 1 <= e && !p; k++)
            if (memcmp(text + k, MARK, sizeof(MARK) - 1) == 0)
                p = text + k + sizeof(MARK) - 1;
        if (p) {
            cc_doc_ignore ig = {line + 1, p, (size_t)(text + e - p)};
            if (next < b)
                rc = add_ignore(r, ig);
            else
                r->carry = ig; /* the line it silences starts the next unit (or ends this one) */
            if (rc < 0)
                return rc;
        }
        i = next;
    }
    return 0;
}

int cc_doc_read_text(const char *text, size_t len, int markdown, cc_doc_unit_fn fn, void *ud)
{
    reader r;
    memset(&r, 0, sizeof(r));
    cc_md_state md;
    if (markdown)
        cc_md_begin(&md, text, len);
    cc_buf masked = CC_BUF_INIT;
    cc_doc_pos at = CC_DOC_POS_START;
    int rc = 0;
    for (size_t start = 0, index = 0; start < len && rc == 0; index++) {
        size_t end = unit_end(text, len, start);
        if ((rc = collect_ignores(&r, text, start, end, at.line)) < 0)
            break;
        cc_doc_piece p = {.role = CC_DOC_SOURCE,
                          .text = text + start,
                          .orig = text + start,
                          .len = end - start,
                          .at = at,
                          .exact = 1};
        if (markdown) {
            cc_buf_clear(&masked);
            if ((rc = cc_buf_append(&masked, text + start, end - start)) < 0)
                break;
            cc_md_mask(&md, masked.data, start, end - start);
            p.text = masked.data;
        }
        cc_doc_unit u = {.index = index,
                         .line = at.line,
                         .pieces = &p,
                         .npieces = 1,
                         .ignores = r.ig,
                         .nignores = r.nig,
                         .translate = 1,
                         .status = CC_DOC_UNTRANSLATED};
        if ((rc = fn(&u, ud)) < 0)
            break;
        cc_doc_pos_advance(&at, text + start, end - start);
        start = end;
    }
    cc_buf_free(&masked);
    cc_free(r.ig);
    return rc;
}
