/*
 * test_base.c — errors, the allocation hook, buffers, files and the
 * hardened XML reader.
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

/* ---- hardened XML ---- */

static int read_all(const char *xml, int *nodes)
{
    cc_xml *x = NULL;
    int rc = cc_xml_open_memory(&x, xml, strlen(xml), "test.xml");
    if (rc < 0)
        return rc;
    *nodes = 0;
    while ((rc = cc_xml_next(x)) == 1)
        (*nodes)++;
    cc_xml_free(x);
    return rc;
}

static void test_xml_reads_a_document(void **state)
{
    (void)state;
    int nodes;
    const char *doc =
        "<?xml version='1.0'?>\n<!DOCTYPE tmx SYSTEM \"http://example.invalid/tmx14.dtd\">\n"
        "<tmx version='1.4'><body><tu><tuv xml:lang='ru'><seg>Кунашир &amp; "
        "&#x56FD;後島</seg></tuv></tu></body></tmx>";
    assert_int_equal(read_all(doc, &nodes), 0);
    assert_true(nodes > 6);

    cc_xml *x;
    assert_int_equal(cc_xml_open_memory(&x, doc, strlen(doc), "t.tmx"), 0);
    cc_buf v = CC_BUF_INIT;
    int found = 0;
    while (cc_xml_next(x) == 1) {
        xmlTextReaderPtr r = cc_xml_reader(x);
        if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT &&
            strcmp((const char *)xmlTextReaderConstLocalName(r), "tuv") == 0) {
            assert_int_equal(cc_xml_attr(x, "xml:lang", &v), 1);
            assert_string_equal(v.data, "ru");
            assert_int_equal(cc_xml_attr(x, "missing", &v), 0);
            found = 1;
        }
        if (xmlTextReaderNodeType(r) == XML_READER_TYPE_TEXT)
            assert_string_equal((const char *)xmlTextReaderConstValue(r), "Кунашир & 国後島");
    }
    assert_true(found);
    cc_buf_free(&v);
    cc_xml_free(x);
}

static void test_xml_malformed_has_position(void **state)
{
    (void)state;
    int nodes;
    const char *doc = "<srx>\n  <body>\n    <rule></body>\n</srx>\n";
    assert_int_equal(read_all(doc, &nodes), CONCORD_EPARSE);
    const concord_error *e = concord_error_last();
    assert_string_equal(e->file, "test.xml");
    assert_int_equal(e->line, 3);
    assert_true(e->column > 0);
    assert_non_null(strstr(e->message, "malformed XML"));
}

static void test_xml_refuses_external_entity(void **state)
{
    (void)state;
    int nodes;
    const char *xxe = "<?xml version='1.0'?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "
                      "\"file:///etc/passwd\">]>\n<r>&x;</r>";
    assert_int_equal(read_all(xxe, &nodes), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "entit"));
    const char *net = "<?xml version='1.0'?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "
                      "\"http://127.0.0.1:9/x\">]>\n<r>&x;</r>";
    assert_int_equal(read_all(net, &nodes), CONCORD_EPARSE);
    const char *param = "<?xml version='1.0'?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "
                        "\"file:///etc/passwd\"> %p;]>\n<r/>";
    assert_int_equal(read_all(param, &nodes), CONCORD_EPARSE);
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
    int nodes;
    assert_int_equal(read_all(doc, &nodes), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "entit"));
}

static void test_xml_undeclared_entity(void **state)
{
    (void)state;
    int nodes;
    assert_int_equal(read_all("<r>&nbsp;</r>", &nodes), CONCORD_EPARSE);
    assert_int_equal(concord_error_last()->line, 1);
}

static void test_xml_file_errors(void **state)
{
    (void)state;
    cc_xml *x;
    assert_int_equal(cc_xml_open_file(&x, "/nonexistent/file.xml"), CONCORD_EIO);
    assert_null(x);
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
        cmocka_unit_test(test_xml_malformed_has_position),
        cmocka_unit_test(test_xml_refuses_external_entity),
        cmocka_unit_test(test_xml_refuses_billion_laughs_quickly),
        cmocka_unit_test(test_xml_undeclared_entity),
        cmocka_unit_test(test_xml_file_errors),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
