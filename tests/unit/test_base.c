/*
 * test_base.c — errors, the allocation hook, buffers, files and the XML
 * reader (through base/xml.h only: no libxml2 here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "base/xml.h"
#include "failalloc.h"

/* ---- errors ---- */

static void test_error_last_is_never_null(void **state)
{
    (void)state;
    concord_error_clear();
    const concord_error *e = concord_error_last();
    assert_non_null(e);
    assert_int_equal(e->code, CONCORD_OK);
    assert_string_equal(e->message, "");
    assert_int_equal(cc_error_set(CONCORD_EINVAL, "bad value %d", 42), CONCORD_EINVAL);
    assert_int_equal(e->code, CONCORD_EINVAL);
    assert_string_equal(e->message, "bad value 42");
    assert_null(e->file);
    assert_int_equal(e->line, 0);
    concord_error_clear();
    assert_int_equal(concord_error_last()->code, CONCORD_OK);
}

static void test_error_with_position(void **state)
{
    (void)state;
    cc_error_set_at(CONCORD_EPARSE, "rules.srx", 12, 7, 300, "unexpected <%s>", "foo");
    const concord_error *e = concord_error_last();
    assert_string_equal(e->file, "rules.srx");
    assert_int_equal(e->line, 12);
    assert_int_equal(e->column, 7);
    assert_int_equal(e->offset, 300);
    assert_string_equal(e->message, "unexpected <foo>");
    assert_string_equal(concord_error_name(CONCORD_EPARSE), "CONCORD_EPARSE");
    /* cc_error_set_file only fills a missing file name */
    cc_error_set_file("other.srx");
    assert_string_equal(e->file, "rules.srx");
    cc_error_set(CONCORD_EIO, "x");
    cc_error_set_file("other.srx");
    assert_string_equal(concord_error_last()->file, "other.srx");
}

static void test_long_message_is_truncated_not_overflowed(void **state)
{
    (void)state;
    char big[4000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cc_error_set(CONCORD_ERROR, "%s", big);
    assert_true(strlen(concord_error_last()->message) < sizeof(big));
    assert_true(strlen(concord_error_last()->message) > 500);
}

static void test_version(void **state)
{
    (void)state;
    assert_int_equal(concord_version_number(), CONCORD_VERSION_NUMBER);
    assert_string_equal(concord_version_string(), CONCORD_VERSION_STRING);
}

/* ---- allocation hook ---- */

static void test_allocator_hook_is_used(void **state)
{
    (void)state;
    failalloc_install(0);
    char *s = cc_strdup("Южные Курилы");
    assert_non_null(s);
    assert_string_equal(s, "Южные Курилы");
    cc_free(s);
    concord_free(NULL);
    failalloc_remove();
    assert_int_equal(failalloc_allocs(), 1);
    assert_int_equal(failalloc_frees(), 1);
}

static void test_buffer_keeps_contents_on_oom(void **state)
{
    (void)state;
    cc_buf b = CC_BUF_INIT;
    assert_int_equal(cc_buf_puts(&b, "Northern "), 0);
    assert_int_equal(cc_buf_printf(&b, "%s %d", "Territories", 4), 0);
    assert_string_equal(b.data, "Northern Territories 4");
    assert_int_equal(b.len, strlen("Northern Territories 4"));

    failalloc_install(1);
    char big[1000];
    memset(big, 'a', sizeof(big));
    int rc = cc_buf_append(&b, big, sizeof(big));
    failalloc_remove();
    assert_int_equal(rc, CONCORD_ENOMEM);
    assert_int_equal(concord_error_last()->code, CONCORD_ENOMEM);
    assert_string_equal(b.data, "Northern Territories 4");
    char *owned = cc_buf_detach(&b);
    assert_null(b.data);
    assert_string_equal(owned, "Northern Territories 4");
    cc_free(owned);
    cc_buf_free(&b);
}

/* ---- files ---- */

/* FNV-1a 64 (its published test values), whole or in parts: TM files keep its values. */
static void test_hash(void **state)
{
    (void)state;
    assert_true(cc_hash(CC_HASH_INIT, "", 0) == 0xcbf29ce484222325ULL);
    assert_true(cc_hash(CC_HASH_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
    assert_true(cc_hash(CC_HASH_INIT, "foobar", 6) == 0x85944171f73967e8ULL);
    assert_true(cc_hash(cc_hash(CC_HASH_INIT, "foo", 3), "bar", 3) == 0x85944171f73967e8ULL);
}

static void test_file_read(void **state)
{
    (void)state;
    char path[] = "/tmp/concord-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "Shikotan\nHabomai\n";
    assert_int_equal(write(fd, text, sizeof(text) - 1), (long)sizeof(text) - 1);
    close(fd);
    char *buf;
    size_t len;
    assert_int_equal(cc_file_read(path, &buf, &len), 0);
    assert_int_equal(len, sizeof(text) - 1);
    assert_memory_equal(buf, text, len);
    assert_int_equal(buf[len], '\0');
    cc_free(buf);
    unlink(path);

    assert_int_equal(cc_file_read("/nonexistent/concord.srx", &buf, &len), CONCORD_EIO);
    assert_string_equal(concord_error_last()->file, "/nonexistent/concord.srx");
    assert_null(buf);
}

/* ---- the XML reader ---- */

/* What a parse reported, as lines of text: one per start, end, text run, markup. */
typedef struct record {
    cc_buf out;
    int text_open;    /* the last line is text: the next piece goes on it */
    int starts;       /* start tags seen */
    int fail_at;      /* make the n-th start tag fail (1-based; 0: never) */
    cc_xml_pos where; /* of the last start */
} record;

static void rec_line_end(record *r)
{
    if (r->text_open)
        cc_buf_putc(&r->out, '\n');
    r->text_open = 0;
}

static int rec_start(cc_xml *x, void *ud, const cc_xml_elem *el, const cc_xml_attr *a, size_t n)
{
    record *r = ud;
    cc_xml_pos p = cc_xml_where(x);
    rec_line_end(r);
    r->where = p;
    if (++r->starts == r->fail_at)
        return cc_xml_error(x, CONCORD_EUSER, "stopped at <%s>", el->qname);
    cc_buf_printf(&r->out, "S %s (%s|%s|%s) %lu:%lu:%llu", el->qname, el->prefix ? el->prefix : "-",
                  el->local, el->uri ? el->uri : "-", p.line, p.column, p.offset);
    for (size_t i = 0; i < n; i++)
        cc_buf_printf(&r->out, " %s=[%s]", a[i].name, a[i].value);
    cc_buf_putc(&r->out, '\n');
    return 0;
}

static int rec_end(cc_xml *x, void *ud, const cc_xml_elem *el)
{
    record *r = ud;
    cc_xml_pos p = cc_xml_where(x);
    rec_line_end(r);
    cc_buf_printf(&r->out, "E %s %lu:%lu:%llu\n", el->qname, p.line, p.column, p.offset);
    return 0;
}

static int rec_text(cc_xml *x, void *ud, const char *s, size_t len)
{
    record *r = ud;
    if (!r->text_open) {
        cc_xml_pos p = cc_xml_where(x);
        cc_buf_printf(&r->out, "T %lu:%lu ", p.line, p.column);
        r->text_open = 1;
    }
    cc_buf_append(&r->out, s, len);
    return 0;
}

static int rec_markup(cc_xml *x, void *ud, const char *s, size_t len)
{
    record *r = ud;
    (void)x;
    rec_line_end(r);
    cc_buf_puts(&r->out, "M ");
    cc_buf_append(&r->out, s, len);
    cc_buf_putc(&r->out, '\n');
    return 0;
}

static const cc_xml_handlers REC = {rec_start, rec_end, rec_text, rec_markup};

enum source { FROM_MEMORY, FROM_FILE, FROM_STREAM_1, FROM_STREAM_7, FROM_STREAM_BIG };
static const char *const SOURCE_NAMES[] = {"memory", "file", "stream of 1-byte reads",
                                           "stream of 7-byte reads", "stream of 100 KiB reads"};

typedef struct stream {
    const char *data;
    size_t len, pos, step;
} stream;

static long stream_read(void *ud, char *buf, size_t cap)
{
    stream *s = ud;
    size_t n = s->len - s->pos;
    if (n > s->step)
        n = s->step;
    if (n > cap)
        n = cap;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (long)n;
}

/* A file in the test's temporary directory holding data; the path is static. */
static const char *temp_file(const char *data, size_t len)
{
    static char path[512];
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof(path), "%s/concord-xml-XXXXXX", dir);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (long)len);
    close(fd);
    return path;
}

/* Parse data[0..len) from one source into r (fresh); returns what the parse returned. */
static int parse_from(enum source src, const char *data, size_t len, record *r)
{
    int fail_at = r->fail_at;
    cc_buf_free(&r->out);
    memset(r, 0, sizeof(*r));
    r->fail_at = fail_at;
    int rc;
    if (src == FROM_MEMORY) {
        rc = cc_xml_parse_memory(data, len, "t.xml", &REC, r);
    } else if (src == FROM_FILE) {
        const char *path = temp_file(data, len);
        rc = cc_xml_parse_file(path, &REC, r);
        if (rc < 0 && concord_error_last()->file && strcmp(concord_error_last()->file, path) == 0)
            cc_error_set_file(NULL), (void)0;
        unlink(path);
    } else {
        stream s = {data, len, 0, src == FROM_STREAM_1 ? 1 : src == FROM_STREAM_7 ? 7 : 100000};
        rc = cc_xml_parse_stream(stream_read, &s, "t.xml", &REC, r);
    }
    rec_line_end(r);
    return rc;
}

static int parse_str(const char *doc, record *r)
{
    return parse_from(FROM_MEMORY, doc, strlen(doc), r);
}

static void test_xml_reads_a_document(void **state)
{
    (void)state;
    record r = {0};
    const char *doc = "<?xml version='1.0'?>\n"
                      "<!DOCTYPE tmx SYSTEM \"http://example.invalid/tmx14.dtd\">\n"
                      "<tmx version='1.4' xmlns:t='urn:t'><body><tu><tuv xml:lang='ru' "
                      "t:x='a&amp;b&#38;c &lt;'><seg>Кунашир &amp; &#x56FD;後島<![CDATA[<i>]]>"
                      "</seg></tuv><t:note/><!-- c --><?pi d?></tu></body></tmx>";
    assert_int_equal(parse_str(doc, &r), 0);
    const char *want = "S tmx (-|tmx|-) 3:1:79 version=[1.4]\n"
                       "S body (-|body|-) 3:36:114\n"
                       "S tu (-|tu|-) 3:42:120\n"
                       "S tuv (-|tuv|-) 3:46:124 xml:lang=[ru] t:x=[a&b&c <]\n"
                       "S seg (-|seg|-) 3:90:168\n"
                       "T 3:90 Кунашир & 国後島<i>\n"
                       "E seg 3:90:168\n"
                       "E tuv 3:46:124\n"
                       "S t:note (t|note|urn:t) 3:146:235\n"
                       "E t:note 3:146:235\n"
                       "M <!-- c -->\n"
                       "M <?pi d?>\n"
                       "E tu 3:42:120\n"
                       "E body 3:36:114\n"
                       "E tmx 3:1:79\n";
    assert_string_equal(r.out.data, want);
    cc_buf_free(&r.out);
}

/*
 * Names with a prefix, many on one tag, twice (a cache of built names once
 * freed a name that an earlier attribute of the same tag still pointed to).
 */
static void test_xml_prefixed_names(void **state)
{
    (void)state;
    cc_buf doc = CC_BUF_INIT, want = CC_BUF_INIT;
    cc_buf_puts(&doc, "<r xmlns:p='urn:p' xmlns:q='urn:q'>");
    cc_buf_puts(&want, "S r (-|r|-) 1:1:0\n");
    for (int e = 0; e < 2; e++) {
        size_t at = doc.len;
        cc_buf_puts(&doc, "<p:e");
        cc_buf_printf(&want, "S p:e (p|e|urn:p) 1:%zu:%zu", at + 1, at);
        for (int i = 0; i < 40; i++) {
            cc_buf_printf(&doc, " %c:a%d='%d'", i % 2 ? 'p' : 'q', i, i);
            cc_buf_printf(&want, " %c:a%d=[%d]", i % 2 ? 'p' : 'q', i, i);
        }
        cc_buf_puts(&doc, "/>");
        cc_buf_printf(&want, "\nE p:e 1:%zu:%zu\n", at + 1, at);
    }
    cc_buf_puts(&doc, "</r>");
    cc_buf_puts(&want, "E r 1:1:0\n");
    record r = {0};
    assert_int_equal(parse_from(FROM_MEMORY, doc.data, doc.len, &r), 0);
    assert_string_equal(r.out.data, want.data);
    cc_buf_free(&r.out);
    cc_buf_free(&doc);
    cc_buf_free(&want);
}

/* Every source gives the same callbacks and positions, whatever the size of its reads. */
static void test_xml_sources_agree(void **state)
{
    (void)state;
    /* more than one chunk (64 KiB), with characters of every UTF-8 length across its edges */
    cc_buf doc = CC_BUF_INIT;
    cc_buf_puts(&doc, "<r>\n");
    static const char *const CHARS[] = {"é", "Ω", "😀", "日", "x"};
    for (int i = 0; i < 3000; i++) {
        cc_buf_printf(&doc, "<e n='%d'>", i);
        for (int k = 0; k < i % 11; k++)
            cc_buf_puts(&doc, CHARS[(i + k) % 5]);
        cc_buf_puts(&doc, "<f/>x</e>\n");
    }
    cc_buf_puts(&doc, "</r>\n");
    record first = {0}, other = {0};
    assert_int_equal(parse_from(FROM_MEMORY, doc.data, doc.len, &first), 0);
    for (int src = FROM_FILE; src <= FROM_STREAM_BIG; src++) {
        assert_int_equal(parse_from((enum source)src, doc.data, doc.len, &other), 0);
        if (strcmp(first.out.data, other.out.data) != 0)
            fail_msg("%s differs from memory", SOURCE_NAMES[src]);
        cc_buf_free(&other.out);
    }
    cc_buf_free(&first.out);
    cc_buf_free(&doc);
}

/* Positions, computed here from the document: line i+2 holds <e> at column 1, <f/> after it. */
static void test_xml_positions_across_chunks(void **state)
{
    (void)state;
    static const char *const CHARS[] = {"a", "é", "日", "😀"};
    cc_buf doc = CC_BUF_INIT;
    cc_buf_puts(&doc, "<r>\n");
    size_t *f_at = calloc(5000, sizeof(size_t));
    unsigned long *f_col = calloc(5000, sizeof(unsigned long));
    for (int i = 0; i < 5000; i++) {
        int k = i % 23; /* characters before <f/> on the line, after "<e>" */
        cc_buf_puts(&doc, "<e>");
        for (int c = 0; c < k; c++)
            cc_buf_puts(&doc, CHARS[(i + c) % 4]);
        f_at[i] = doc.len;
        f_col[i] = 4 + (unsigned long)k;
        cc_buf_puts(&doc, "<f/></e>\n");
    }
    cc_buf_puts(&doc, "</r>\n");
    for (int src = FROM_MEMORY; src <= FROM_STREAM_BIG; src++) {
        if (src == FROM_STREAM_1)
            continue; /* slow, and the 7-byte reads cut the same characters */
        record r = {0};
        assert_int_equal(parse_from((enum source)src, doc.data, doc.len, &r), 0);
        const char *line = r.out.data;
        int n = 0;
        while ((line = strstr(line, "S f ")) != NULL) {
            char want[128];
            snprintf(want, sizeof(want), "S f (-|f|-) %d:%lu:%zu\n", n + 2, f_col[n], f_at[n]);
            if (strncmp(line, want, strlen(want)) != 0)
                fail_msg("%s: <f/> %d: %.40s, expected %s", SOURCE_NAMES[src], n, line, want);
            n++;
            line++;
        }
        assert_int_equal(n, 5000);
        cc_buf_free(&r.out);
    }
    free(f_at);
    free(f_col);
    cc_buf_free(&doc);
}

/* The same document in an encoding: the 3-character sample text, as that encoding's bytes. */
typedef struct encoded {
    const char *label; /* for the declaration; NULL: a BOM says it */
    const char *bom;
    size_t bom_len;
    int unit; /* 1, or 2/4 for UTF-16/UTF-32 */
    int big_endian;
    const char *sample; /* 3 code points, in the encoding's bytes (unit 1) or UTF-8 */
    size_t sample_len;
    const char *utf8; /* the sample in UTF-8 */
} encoded;

static const char POS_DOC[] =
    "<?xml version=\"1.0\" encoding=\"%s\"?>\n"
    "<!DOCTYPE r [ <!ATTLIST r a CDATA \"x>]\"> <!-- <!ENTITY no \"no\"> --> ]>\n"
    "<r>@@@<!-- <x> --><a k='1>2'>@@@<b/></a><![CDATA[<y>]]>@@@<?p <z>?>\n"
    "<c\n"
    "  d=\"e\"/>@@@<f/></r>\n";

/* Where each start tag is, counted by hand in POS_DOC (the sample is 3 code points). */
static const struct {
    const char *tag;
    unsigned long line, col;
} POS_WANT[] = {{"<r", 3, 1}, {"<a", 3, 19}, {"<b", 3, 33}, {"<c", 4, 1}, {"<f", 5, 13}};

/* Append s (UTF-8) to b in the encoding: as it is for unit 1, else as UTF-16/UTF-32. */
static void put_encoded(cc_buf *b, const encoded *e, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (e->unit == 1) {
            cc_buf_putc(b, s[i++]);
            continue;
        }
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        cp = len == 1 ? c : c & (0x7F >> len);
        for (int k = 1; k < len; k++)
            cp = cp << 6 | ((unsigned char)s[i + (size_t)k] & 0x3F);
        i += (size_t)len;
        uint32_t units[2];
        int nu = 1;
        if (e->unit == 2 && cp > 0xFFFF)
            units[0] = 0xD800 + ((cp - 0x10000) >> 10), units[1] = 0xDC00 + (cp & 0x3FF), nu = 2;
        else
            units[0] = cp;
        for (int u = 0; u < nu; u++)
            for (int k = 0; k < e->unit; k++) {
                int shift = 8 * (e->big_endian ? e->unit - 1 - k : k);
                cc_buf_putc(b, (char)((units[u] >> shift) & 0xFF));
            }
    }
}

static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

static void build_pos_doc(cc_buf *b, const encoded *e)
{
    char head[sizeof(POS_DOC) + 64];
    snprintf(head, sizeof(head), POS_DOC, e->label ? e->label : "UTF-16");
    cc_buf_clear(b);
    cc_buf_append(b, e->bom, e->bom_len);
    for (const char *p = head; *p;) {
        const char *at = strstr(p, "@@@");
        size_t n = at ? (size_t)(at - p) : strlen(p);
        put_encoded(b, e, p, n);
        if (!at)
            break;
        if (e->unit == 1)
            cc_buf_append(b, e->sample, e->sample_len);
        else
            put_encoded(b, e, e->sample, e->sample_len);
        p = at + 3;
    }
}

static void test_xml_positions_in_encodings(void **state)
{
    (void)state;
    static const encoded ENCS[] = {
        {"UTF-8", "", 0, 1, 0, "éΩ😀", 8, "éΩ😀"},
        {"UTF-8", "\xEF\xBB\xBF", 3, 1, 0, "éΩ😀", 8, "éΩ😀"},
        {NULL, "\xFF\xFE", 2, 2, 0, "éΩ😀", 8, "éΩ😀"},
        {NULL, "\xFE\xFF", 2, 2, 1, "éΩ😀", 8, "éΩ😀"},
        {"UTF-16", "", 0, 2, 0, "éΩ😀", 8, "éΩ😀"}, /* no BOM: detected from "<?xml" */
        {NULL, "\xFF\xFE\0\0", 4, 4, 0, "éΩ😀", 8, "éΩ😀"},
        {"windows-1252", "", 0, 1, 0, "\xE9\x80\xE9", 3, "é€é"},
        {"ISO-8859-5", "", 0, 1, 0, "\xBA\xE3\xE0", 3, "Кур"},
        {"Shift_JIS", "", 0, 1, 0, "\x93\xFA\x96\x7B\x8C\xEA", 6, "日本語"},
        {"EUC-JP", "", 0, 1, 0, "\xC6\xFC\xCB\xDC\xB8\xEC", 6, "日本語"},
    };
    cc_buf doc = CC_BUF_INIT, needle = CC_BUF_INIT;
    for (size_t e = 0; e < CC_ARRAY_LEN(ENCS); e++) {
        build_pos_doc(&doc, &ENCS[e]);
        for (int src = FROM_MEMORY; src <= FROM_STREAM_7; src++) {
            record r = {0};
            int rc = parse_from((enum source)src, doc.data, doc.len, &r);
            if (rc != 0)
                fail_msg("%s (%s): %s", ENCS[e].label ? ENCS[e].label : "BOM", SOURCE_NAMES[src],
                         concord_error_last()->message);
            for (size_t k = 0; k < CC_ARRAY_LEN(POS_WANT); k++) {
                /* the offset: where the tag's bytes are in this encoding */
                cc_buf_clear(&needle);
                put_encoded(&needle, &ENCS[e], POS_WANT[k].tag, 2);
                const char *hit = find_bytes(doc.data, doc.len, needle.data, needle.len);
                assert_non_null(hit);
                char want[96];
                snprintf(want, sizeof(want), "S %c (-|%c|-) %lu:%lu:%zu", POS_WANT[k].tag[1],
                         POS_WANT[k].tag[1], POS_WANT[k].line, POS_WANT[k].col,
                         (size_t)(hit - doc.data));
                if (!strstr(r.out.data, want))
                    fail_msg("%s (%s): no '%s' in\n%s", ENCS[e].label ? ENCS[e].label : "BOM",
                             SOURCE_NAMES[src], want, r.out.data);
            }
            /* and the text is the sample, in UTF-8 */
            char text[64];
            snprintf(text, sizeof(text), "T 3:1 %s\n", ENCS[e].utf8);
            if (!strstr(r.out.data, text))
                fail_msg("%s: no '%s' in\n%s", ENCS[e].label ? ENCS[e].label : "BOM", text,
                         r.out.data);
            cc_buf_free(&r.out);
        }
    }
    cc_buf_free(&doc);
    cc_buf_free(&needle);
}

static void test_xml_malformed_has_position(void **state)
{
    (void)state;
    record r = {0};
    const char *doc = "<srx>\n  <body>\n    <rule></body>\n</srx>\n";
    assert_int_equal(parse_str(doc, &r), CONCORD_EPARSE);
    const concord_error *e = concord_error_last();
    assert_string_equal(e->file, "t.xml");
    assert_int_equal(e->line, 3);
    assert_true(e->column > 0);
    assert_non_null(strstr(e->message, "malformed XML: Opening and ending tag mismatch"));
    /* nothing after the error reached the callbacks */
    assert_null(strstr(r.out.data, "E body"));
    cc_buf_free(&r.out);
}

/* A byte that is not the encoding: an error at its own line, column and offset. */
static void test_xml_invalid_bytes_have_positions(void **state)
{
    (void)state;
    static const struct {
        const char *doc;
        const char *msg;
        unsigned long line, col;
        size_t offset;
    } CASES[] = {
        {"<?xml version='1.0' encoding='windows-1252'?>\n<r>\n  caf\xE9 \x81!</r>", "0x81", 3, 8,
         57},
        {"<?xml version='1.0' encoding='Shift_JIS'?>\n<r>\x93\xFA\x85\x40</r>", "0x85 0x40", 2, 5,
         48},
        {"<?xml version='1.0'?>\n<r>\n  broken \xC0\xAF here</r>", "not proper UTF-8", 3, 10, 0},
    };
    for (size_t i = 0; i < CC_ARRAY_LEN(CASES); i++) {
        record r = {0};
        assert_int_equal(parse_str(CASES[i].doc, &r), CONCORD_EPARSE);
        const concord_error *e = concord_error_last();
        if (!strstr(e->message, CASES[i].msg) || e->line != CASES[i].line ||
            e->column != CASES[i].col || (CASES[i].offset && e->offset != CASES[i].offset))
            fail_msg("case %zu: %lu:%lu (offset %zu): %s", i, e->line, e->column, e->offset,
                     e->message);
        assert_non_null(strstr(e->message, "malformed XML: "));
        cc_buf_free(&r.out);
    }
}

/* libxml2's generic messages (encodings, I/O) are kept for the error, never printed. */
static void test_xml_prints_nothing(void **state)
{
    (void)state;
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[512];
    snprintf(path, sizeof(path), "%s/concord-stderr-XXXXXX", dir);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    record r = {0};
    int rc1 = parse_str("<?xml version='1.0' encoding='windows-1252'?><r>\x81</r>", &r);
    int rc2 = parse_str("<?xml version='1.0' encoding='x-no-such'?><r/>", &r);
    int rc3 = cc_xml_parse_file("/nonexistent/dir/f.xml", &REC, &r);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    assert_int_equal(rc1, CONCORD_EPARSE);
    assert_int_equal(rc2, CONCORD_EPARSE);
    assert_int_equal(rc3, CONCORD_EIO);
    assert_int_equal(size, 0);
    cc_buf_free(&r.out);
}

static void test_xml_refuses_external_entity(void **state)
{
    (void)state;
    record r = {0};
    const char *xxe = "<?xml version='1.0'?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "
                      "\"file:///etc/passwd\">]>\n<r>&x;</r>";
    assert_int_equal(parse_str(xxe, &r), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "the DOCTYPE declares entities"));
    assert_int_equal(concord_error_last()->line, 2);
    assert_int_equal(concord_error_last()->column, 1);
    const char *net = "<?xml version='1.0'?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "
                      "\"http://127.0.0.1:9/x\">]>\n<r>&x;</r>";
    assert_int_equal(parse_str(net, &r), CONCORD_EPARSE);
    const char *param = "<?xml version='1.0'?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "
                        "\"file:///etc/passwd\"> %p;]>\n<r/>";
    assert_int_equal(parse_str(param, &r), CONCORD_EPARSE);
    /* at the DOCTYPE, wherever it is and whatever comes before the declaration */
    const char *later = "<?xml version='1.0'?>\n\n  <!DOCTYPE r [ <!ATTLIST r a CDATA '!ENTITY]>'> "
                        "<!-- <!ENTITY --> <?p <!ENTITY?>\n<!ENTITY e 'x'>]>\n<r/>";
    assert_int_equal(parse_str(later, &r), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "the DOCTYPE declares entities"));
    assert_int_equal(concord_error_last()->line, 3);
    assert_int_equal(concord_error_last()->column, 3);
    cc_buf_free(&r.out);
}

static void test_xml_refuses_billion_laughs_quickly(void **state)
{
    (void)state;
    char doc[4096];
    int o;
    /* a real bomb: each level refers to the previous one ten times */
    o = snprintf(doc, sizeof(doc),
                 "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n<!ENTITY l0 \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        o += snprintf(doc + o, sizeof(doc) - (size_t)o, "<!ENTITY l%d \"", i);
        for (int k = 0; k < 10; k++)
            o += snprintf(doc + o, sizeof(doc) - (size_t)o, "&l%d;", i - 1);
        o += snprintf(doc + o, sizeof(doc) - (size_t)o, "\">\n");
    }
    snprintf(doc + o, sizeof(doc) - (size_t)o, "]>\n<lolz>&l9;</lolz>\n");
    /* refused at the DOCTYPE, before any expansion (which would need 10^9 copies
       of "lol": a regression shows as an out-of-memory or a ctest timeout) */
    record r = {0};
    assert_int_equal(parse_str(doc, &r), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "entit"));
    cc_buf_free(&r.out);
}

static void test_xml_undeclared_entity(void **state)
{
    (void)state;
    record r = {0};
    assert_int_equal(parse_str("<r>\n a&nbsp;b</r>", &r), CONCORD_EPARSE);
    assert_int_equal(concord_error_last()->line, 2);
    assert_non_null(strstr(concord_error_last()->message, "Entity 'nbsp' not defined"));
    cc_buf_free(&r.out);
}

/* A document of n start tags <a/> after an <r>, the k-th of them with m attributes. */
static void many_attrs(cc_buf *b, int k, int m)
{
    cc_buf_clear(b);
    cc_buf_puts(b, "<r>\n");
    for (int i = 0; i < k; i++)
        cc_buf_puts(b, "<a/>");
    cc_buf_puts(b, "\n  <big");
    for (int i = 0; i < m; i++)
        cc_buf_printf(b, " a%d='%d'", i, i);
    cc_buf_puts(b, "/></r>");
}

static void test_xml_limits(void **state)
{
    (void)state;
    cc_buf doc = CC_BUF_INIT;
    record r = {0};
    many_attrs(&doc, 3, CC_XML_MAX_ATTRS);
    assert_int_equal(parse_from(FROM_MEMORY, doc.data, doc.len, &r), 0);
    /* one more: refused at the tag, after everything before it was read */
    for (int m = CC_XML_MAX_ATTRS + 1; m <= 100000; m *= 20) {
        many_attrs(&doc, 3, m);
        for (int src = FROM_MEMORY; src <= FROM_STREAM_BIG; src++) {
            if (src == FROM_STREAM_1)
                continue;
            assert_int_equal(parse_from((enum source)src, doc.data, doc.len, &r), CONCORD_ELIMIT);
            const concord_error *e = concord_error_last();
            assert_int_equal(e->line, 3);
            assert_int_equal(e->column, 3);
            assert_non_null(strstr(e->message, "more than 256 attributes"));
            assert_int_equal(r.starts, 4); /* <r> and the three <a/> */
        }
    }
    /* a start tag of more than 1 MiB */
    cc_buf_clear(&doc);
    cc_buf_puts(&doc, "<r>\n<a v='");
    for (int i = 0; i < (1 << 20); i++)
        cc_buf_putc(&doc, 'x');
    cc_buf_puts(&doc, "'/></r>");
    assert_int_equal(parse_from(FROM_STREAM_BIG, doc.data, doc.len, &r), CONCORD_ELIMIT);
    assert_int_equal(concord_error_last()->line, 2);
    assert_int_equal(concord_error_last()->column, 1);
    /* a DOCTYPE of more than 64 KiB (its ATTLISTs cost libxml2 memory and time) */
    cc_buf_clear(&doc);
    cc_buf_puts(&doc, "<?xml version='1.0'?>\n<!DOCTYPE r [");
    for (int i = 0; i < 5000; i++)
        cc_buf_printf(&doc, "<!ATTLIST r a%d CDATA 'v'>", i);
    cc_buf_puts(&doc, "]><r/>");
    assert_int_equal(parse_from(FROM_MEMORY, doc.data, doc.len, &r), CONCORD_ELIMIT);
    assert_int_equal(concord_error_last()->line, 2);
    assert_int_equal(concord_error_last()->column, 1);
    assert_non_null(strstr(concord_error_last()->message, "DOCTYPE larger than 64 KiB"));
    cc_buf_free(&doc);
    cc_buf_free(&r.out);
}

/* The first error in the document wins, whoever finds it. */
static void test_xml_first_error_wins(void **state)
{
    (void)state;
    cc_buf doc = CC_BUF_INIT;
    record r = {0};
    /* malformed XML before a tag over the limit: the malformed XML */
    many_attrs(&doc, 0, 1000);
    cc_buf_puts(&doc, "");
    char *bad = strstr(doc.data, "<r>\n");
    bad[3] = '&';
    assert_int_equal(parse_from(FROM_MEMORY, doc.data, doc.len, &r), CONCORD_EPARSE);
    assert_int_equal(concord_error_last()->line, 1);
    /* a tag over the limit before malformed XML: the limit */
    many_attrs(&doc, 2, 1000);
    cc_buf_puts(&doc, "<</r>");
    assert_int_equal(parse_from(FROM_MEMORY, doc.data, doc.len, &r), CONCORD_ELIMIT);
    /* a callback's error before either: the callback's, and no callback after it */
    r.fail_at = 2;
    assert_int_equal(parse_from(FROM_MEMORY, doc.data, doc.len, &r), CONCORD_EUSER);
    assert_string_equal(concord_error_last()->message, "stopped at <a>");
    assert_int_equal(r.starts, 2);
    assert_string_equal(r.out.data, "S r (-|r|-) 1:1:0\nT 1:1 \n\n");
    cc_buf_free(&doc);
    cc_buf_free(&r.out);
}

static void test_xml_cut_off(void **state)
{
    (void)state;
    record r = {0};
    const char *doc = "<r>\n  <a>text</a>\n  <b>more";
    assert_int_equal(parse_str(doc, &r), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "is the file cut off?"));
    /* cut in the middle of a character of a multi-byte encoding: said so, where it is */
    const char *sjis = "<?xml version='1.0' encoding='EUC-JP'?>\n<r>\xA5";
    assert_int_equal(parse_str(sjis, &r), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message,
                           "the input ends in the middle of a character (EUC-JP bytes 0xA5)"));
    assert_int_equal(concord_error_last()->line, 2);
    assert_int_equal(concord_error_last()->column, 4);
    assert_int_equal(concord_error_last()->offset, 43);
    /* in the middle of a document it is something else */
    assert_int_equal(parse_str("<r>\n  <a>text</b>\n  <b>more</b></r>\n", &r), CONCORD_EPARSE);
    assert_null(strstr(concord_error_last()->message, "cut off"));
    cc_buf_free(&r.out);
}

static long failing_read(void *ud, char *buf, size_t cap)
{
    int *calls = ud;
    if ((*calls)++ == 0) {
        const char head[] = "<r><a>x</a>";
        memcpy(buf, head, sizeof(head) - 1 < cap ? sizeof(head) - 1 : cap);
        return (long)(sizeof(head) - 1);
    }
    return ud == NULL ? -1 : (cc_error_set(CONCORD_EUSER, "the network went away"), -1);
}

static void test_xml_stream_errors(void **state)
{
    (void)state;
    record r = {0};
    int calls = 0;
    assert_int_equal(cc_xml_parse_stream(failing_read, &calls, "s.xml", &REC, &r), CONCORD_EUSER);
    assert_string_equal(concord_error_last()->message, "the network went away");
    assert_string_equal(concord_error_last()->file, "s.xml");
    /* what came before the failure was read */
    assert_int_equal(r.starts, 2);
    cc_buf_free(&r.out);
}

static void test_xml_empty_inputs(void **state)
{
    (void)state;
    record r = {0};
    assert_int_equal(cc_xml_parse_memory(NULL, 0, "empty.xml", &REC, &r), CONCORD_EPARSE);
    assert_string_equal(concord_error_last()->file, "empty.xml");
    assert_int_equal(cc_xml_parse_memory("", 0, "empty.xml", &REC, &r), CONCORD_EPARSE);
    assert_int_equal(cc_xml_parse_memory("  \n", 3, "blank.xml", &REC, &r), CONCORD_EPARSE);
    assert_string_equal(concord_error_last()->file, "blank.xml");
    assert_int_equal(r.starts, 0);
    cc_buf_free(&r.out);
}

static void test_xml_gzip_file(void **state)
{
    (void)state;
    record r = {0};
    assert_int_equal(
        cc_xml_parse_file(CONCORD_TEST_DATA "/tmx/omegat-test-level2.tmx.gz", &REC, &r), 0);
    assert_true(strncmp(r.out.data, "S tmx (-|tmx|-) ", 16) == 0);
    assert_non_null(strstr(r.out.data, "S tu (-|tu|-) "));
    cc_buf_free(&r.out);
}

static void test_xml_file_errors(void **state)
{
    (void)state;
    record r = {0};
    assert_int_equal(cc_xml_parse_file("/nonexistent/file.xml", &REC, &r), CONCORD_EIO);
    assert_string_equal(concord_error_last()->file, "/nonexistent/file.xml");
    assert_int_equal(r.starts, 0);
    cc_buf_free(&r.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_last_is_never_null),
        cmocka_unit_test(test_error_with_position),
        cmocka_unit_test(test_long_message_is_truncated_not_overflowed),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_allocator_hook_is_used),
        cmocka_unit_test(test_buffer_keeps_contents_on_oom),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_file_read),
        cmocka_unit_test(test_xml_reads_a_document),
        cmocka_unit_test(test_xml_prefixed_names),
        cmocka_unit_test(test_xml_sources_agree),
        cmocka_unit_test(test_xml_positions_across_chunks),
        cmocka_unit_test(test_xml_positions_in_encodings),
        cmocka_unit_test(test_xml_malformed_has_position),
        cmocka_unit_test(test_xml_invalid_bytes_have_positions),
        cmocka_unit_test(test_xml_prints_nothing),
        cmocka_unit_test(test_xml_refuses_external_entity),
        cmocka_unit_test(test_xml_refuses_billion_laughs_quickly),
        cmocka_unit_test(test_xml_undeclared_entity),
        cmocka_unit_test(test_xml_limits),
        cmocka_unit_test(test_xml_first_error_wins),
        cmocka_unit_test(test_xml_cut_off),
        cmocka_unit_test(test_xml_stream_errors),
        cmocka_unit_test(test_xml_empty_inputs),
        cmocka_unit_test(test_xml_gzip_file),
        cmocka_unit_test(test_xml_file_errors),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
