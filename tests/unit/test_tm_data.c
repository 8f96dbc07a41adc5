/*
 * test_tm_data.c — the TMX files of ../shared/data, one test per family:
 * every file imports, and the units and variants per language concord reads
 * and stores match an independent count of the file (libxml2's DOM parser
 * and XPath, not concord's streaming reader). Also: import -> export keeps
 * every segment (text, inline codes, <sub>) of the LISA export tests, whose
 * expected texts are checked against the kit's native files.
 *
 * Skipped (exit 77) when ../shared/data is not there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "concord/concord.h"
#include "tmpdir.h"

static char data[1024];

/* ---- an independent count: DOM + XPath ------------------------------------------------- */

typedef struct lang_count {
    char tag[64];
    size_t n;
} lang_count;

typedef struct counts {
    size_t units;
    lang_count langs[64];
    size_t nlangs;
} counts;

static void lower_tag(const char *in, char *out, size_t size)
{
    size_t i = 0;
    for (; in[i] && i + 1 < size; i++)
        out[i] = in[i] == '_' ? '-' : (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

static void add_lang(counts *c, const char *tag, size_t n)
{
    char t[64];
    lower_tag(tag, t, sizeof(t));
    for (size_t i = 0; i < c->nlangs; i++)
        if (strcmp(c->langs[i].tag, t) == 0) {
            c->langs[i].n += n;
            return;
        }
    assert_true(c->nlangs < 64);
    snprintf(c->langs[c->nlangs].tag, sizeof(c->langs[0].tag), "%s", t);
    c->langs[c->nlangs++].n = n;
}

static xmlDocPtr dom(const char *path)
{
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
    if (!doc)
        fail_msg("%s: libxml2 cannot parse it", path);
    return doc;
}

static void dom_counts(const char *path, counts *c)
{
    memset(c, 0, sizeof(*c));
    xmlDocPtr doc = dom(path);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr tus = xmlXPathEvalExpression(BAD_CAST "//body/tu", ctx);
    c->units = tus->nodesetval ? (size_t)tus->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(tus);
    xmlXPathObjectPtr tuvs = xmlXPathEvalExpression(BAD_CAST "//body/tu/tuv", ctx);
    for (int i = 0; tuvs->nodesetval && i < tuvs->nodesetval->nodeNr; i++) {
        xmlNodePtr n = tuvs->nodesetval->nodeTab[i];
        xmlChar *lang = xmlGetNsProp(n, BAD_CAST "lang", XML_XML_NAMESPACE);
        if (!lang)
            lang = xmlGetProp(n, BAD_CAST "lang");
        if (!lang) { /* the unit's or the header's srclang */
            lang = xmlGetProp(n->parent, BAD_CAST "srclang");
            if (!lang) {
                xmlXPathObjectPtr h = xmlXPathEvalExpression(BAD_CAST "//header/@srclang", ctx);
                if (h->nodesetval && h->nodesetval->nodeNr)
                    lang = xmlNodeGetContent(h->nodesetval->nodeTab[0]);
                xmlXPathFreeObject(h);
            }
        }
        add_lang(c, lang ? (const char *)lang : "?", 1);
        xmlFree(lang);
    }
    xmlXPathFreeObject(tuvs);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
}

/* ---- what concord reads and stores ------------------------------------------------------ */

static int count_unit(const concord_unit *u, void *ud)
{
    counts *c = ud;
    c->units++;
    for (size_t i = 0; i < u->nvariants; i++)
        add_lang(c, u->variants[i].lang, 1);
    return 0;
}

static size_t find(const counts *c, const char *tag)
{
    char t[64];
    lower_tag(tag, t, sizeof(t));
    for (size_t i = 0; i < c->nlangs; i++)
        if (strcmp(c->langs[i].tag, t) == 0)
            return c->langs[i].n;
    return 0;
}

static void check_file(const char *path)
{
    counts expect, got;
    dom_counts(path, &expect);
    /* the streaming reader sees exactly what the DOM sees */
    memset(&got, 0, sizeof(got));
    concord_tmx_callbacks cb = {CONCORD_TMX_CALLBACKS_VERSION, NULL, count_unit, NULL, NULL, &got};
    if (concord_tmx_read(path, 0, &cb) != 0)
        fail_msg("%s: %s", path, concord_error_last()->message);
    if (got.units != expect.units)
        fail_msg("%s: read %zu units, the file has %zu", path, got.units, expect.units);
    assert_int_equal(got.nlangs, expect.nlangs);
    for (size_t i = 0; i < expect.nlangs; i++)
        if (find(&got, expect.langs[i].tag) != expect.langs[i].n)
            fail_msg("%s: %s: read %zu variants, the file has %zu", path, expect.langs[i].tag,
                     find(&got, expect.langs[i].tag), expect.langs[i].n);

    /* and the TM stores them all (identical units once) */
    char tm_path[512];
    snprintf(tm_path, sizeof(tm_path), "%s/t.tm", tmpdir);
    unlink(tm_path);
    concord_tm *tm;
    assert_int_equal(concord_tm_open(&tm, tm_path, CONCORD_TM_CREATE), 0);
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    if (concord_tm_import_tmx(&st, tm, &path, 1, NULL) != 0)
        fail_msg("%s: import: %s", path, concord_error_last()->message);
    assert_int_equal(st.read, expect.units);
    assert_int_equal(st.imported + st.identical, expect.units);
    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(&s, tm), 0);
    assert_int_equal(s->units, st.imported);
    size_t variants = 0;
    for (size_t i = 0; i < s->nlangs; i++) {
        variants += s->langs[i].count;
        if (st.identical == 0 && s->langs[i].count != find(&expect, s->langs[i].name))
            fail_msg("%s: the TM has %zu %s variants, the file %zu", path, s->langs[i].count,
                     s->langs[i].name, find(&expect, s->langs[i].name));
    }
    assert_int_equal(variants, st.variants);
    concord_tm_stats_free(s);
    concord_tm_close(tm);
    unlink(tm_path);
    print_message("  %-58s %7zu units %2zu languages%s\n", strrchr(path, '/') + 1, expect.units,
                  expect.nlangs, st.identical ? " (some identical units stored once)" : "");
}

static void check_dir(const char *sub, const char *suffix, size_t expect_files)
{
    char dir[1200];
    snprintf(dir, sizeof(dir), "%s/%s", data, sub);
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s", dir);
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t l = strlen(e->d_name), sl = strlen(suffix);
        if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    assert_int_equal(n, expect_files);
    for (size_t i = 0; i < n; i++) {
        char path[1500];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        check_file(path);
        free(names[i]);
    }
}

static void test_lisa_compliance_kit(void **state)
{
    (void)state;
    check_dir("tmx/lisa-tmx-compliance-kit", ".tmx", 23);
}

static void test_spec_sample(void **state)
{
    (void)state;
    check_dir("tmx/tmx14b-spec-sample", ".tmx", 1);
}

static void test_qgis_omegat_project(void **state)
{
    (void)state;
    check_dir("tmx/omegat-qgis-docs-en-ja", ".tmx", 2);
}

static void test_maxprograms(void **state)
{
    (void)state;
    check_dir("tmx/maxprograms-tmxvalidator", ".tmx", 1);
}

static void test_ud_pud(void **state)
{
    (void)state;
    check_dir("tmx/ud-pud-parallel", ".tmx", 1);
}

static void test_tatoeba(void **state)
{
    (void)state;
    check_dir("tm-large/tatoeba-en-de", ".tmx", 1);
    check_dir("tm-large/tatoeba-en-fr", ".tmx", 1);
    check_dir("tm-large/tatoeba-en-ja", ".tmx", 1);
}

/* ---- the LISA export tests: export keeps every segment ------------------------------------- */

/* A structural signature of a node's content: text, elements with sorted attributes. */
static void signature(xmlNodePtr n, char *out, size_t size)
{
    size_t o = strlen(out);
    for (xmlNodePtr c = n->children; c && o + 1 < size; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            o += (size_t)snprintf(out + o, size - o, "T[%s]", (const char *)c->content);
        } else if (c->type == XML_ELEMENT_NODE) {
            char attrs[16][256];
            int na = 0;
            for (xmlAttrPtr a = c->properties; a && na < 16; a = a->next) {
                xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
                snprintf(attrs[na++], sizeof(attrs[0]), "%s=%s", (const char *)a->name,
                         (const char *)v);
                xmlFree(v);
            }
            qsort(attrs, (size_t)na, sizeof(attrs[0]), (int (*)(const void *, const void *))strcmp);
            o += (size_t)snprintf(out + o, size - o, "E[%s", (const char *)c->name);
            for (int i = 0; i < na && o < size; i++)
                o += (size_t)snprintf(out + o, size - o, " %s", attrs[i]);
            o += (size_t)snprintf(out + o, size - o, "](");
            if (o < size) {
                signature(c, out, size);
                o = strlen(out);
            }
            o += (size_t)snprintf(out + o, size - o, ")");
        }
    }
}

typedef struct seglist {
    char lang[64][16];
    char sig[64][4096];
    char text[64][1024];
    int n;
} seglist;

static void plain_text(xmlNodePtr n, char *out, size_t size)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE)
            snprintf(out + strlen(out), size - strlen(out), "%s", (const char *)c->content);
        else if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "hi") == 0)
            plain_text(c, out, size);
    }
}

static void segments(const char *path, seglist *l)
{
    memset(l, 0, sizeof(*l));
    xmlDocPtr doc = dom(path);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr segs = xmlXPathEvalExpression(BAD_CAST "//tuv/seg", ctx);
    for (int i = 0; segs->nodesetval && i < segs->nodesetval->nodeNr && l->n < 64; i++) {
        xmlNodePtr seg = segs->nodesetval->nodeTab[i];
        xmlChar *lang = xmlGetNsProp(seg->parent, BAD_CAST "lang", XML_XML_NAMESPACE);
        lower_tag(lang ? (const char *)lang : "?", l->lang[l->n], sizeof(l->lang[0]));
        xmlFree(lang);
        signature(seg, l->sig[l->n], sizeof(l->sig[0]));
        plain_text(seg, l->text[l->n], sizeof(l->text[0]));
        l->n++;
    }
    xmlXPathFreeObject(segs);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
}

static int write_out(const char *d, size_t n, void *ud)
{
    return fwrite(d, 1, n, (FILE *)ud) == n ? 0 : 1;
}

static void export_roundtrip(const char *src, const char *out_path)
{
    char tm_path[512];
    snprintf(tm_path, sizeof(tm_path), "%s/x.tm", tmpdir);
    unlink(tm_path);
    concord_tm *tm;
    assert_int_equal(concord_tm_open(&tm, tm_path, CONCORD_TM_CREATE), 0);
    assert_int_equal(concord_tm_import_tmx(NULL, tm, &src, 1, NULL), 0);
    FILE *f = fopen(out_path, "wb");
    assert_non_null(f);
    assert_int_equal(concord_tm_export_tmx(NULL, tm, NULL, write_out, f), 0);
    fclose(f);
    concord_tm_close(tm);
}

/* Latin-1 bytes to UTF-8 */
static void latin1(const char *in, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 3 < size; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c < 0x80) {
            out[o++] = (char)c;
        } else {
            out[o++] = (char)(0xC0 | (c >> 6));
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[o] = '\0';
}

/* "\u00E9" escapes of .properties to UTF-8 */
static void unescape_properties(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; in[i] && o + 4 < size; i++) {
        if (in[i] == '\\' && in[i + 1] == 'u') {
            unsigned v = (unsigned)strtoul((char[]){in[i + 2], in[i + 3], in[i + 4], in[i + 5], 0},
                                           NULL, 16);
            if (v < 0x80) {
                out[o++] = (char)v;
            } else if (v < 0x800) {
                out[o++] = (char)(0xC0 | (v >> 6));
                out[o++] = (char)(0x80 | (v & 0x3F));
            } else {
                out[o++] = (char)(0xE0 | (v >> 12));
                out[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
                out[o++] = (char)(0x80 | (v & 0x3F));
            }
            i += 5;
        } else {
            out[o++] = in[i];
        }
    }
    out[o] = '\0';
}

/* The strings of a kit's native file: .rc "…", .po msgstr "…", .properties "id text". */
static int native_strings(const char *path, char strings[][1024], int max)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char line[2048];
    int n = 0;
    const char *ext = strrchr(path, '.');
    while (fgets(line, sizeof(line), f) && n < max) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(ext, ".properties") == 0) {
            char *sp = strchr(line, ' ');
            if (sp && strncmp(line, "id", 2) == 0)
                unescape_properties(sp + 1, strings[n++], 1024);
            continue;
        }
        if (strcmp(ext, ".po") == 0 && strncmp(line, "msgstr ", 7) != 0)
            continue;
        char *a = strchr(line, '"'), *b = strrchr(line, '"');
        if (a && b > a)
            latin1(a + 1, (size_t)(b - a - 1), strings[n++], 1024);
    }
    fclose(f);
    return n;
}

static int has_segment(const seglist *l, const char *lang, const char *text)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->lang[i], lang) == 0 && strcmp(l->text[i], text) == 0)
            return 1;
    return 0;
}

static void test_lisa_export_tests(void **state)
{
    (void)state;
    static const char *const tests[] = {"ExportTest1A", "ExportTest1B", "ExportTest1C",
                                        "ExportTest1D", "ExportTest1E", "ExportTest2A"};
    static seglist before, after;
    for (size_t t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
        char src[1500], out[600];
        snprintf(src, sizeof(src), "%s/tmx/lisa-tmx-compliance-kit/%s.tmx", data, tests[t]);
        snprintf(out, sizeof(out), "%s/%s-export.tmx", tmpdir, tests[t]);
        export_roundtrip(src, out);
        segments(src, &before);
        segments(out, &after);
        assert_true(before.n > 0);
        assert_int_equal(before.n, after.n);
        for (int i = 0; i < before.n; i++) {
            assert_string_equal(before.lang[i], after.lang[i]);
            if (strcmp(before.sig[i], after.sig[i]) != 0)
                fail_msg("%s segment %d changed:\n  %s\n  %s", tests[t], i, before.sig[i],
                         after.sig[i]);
        }
        /* the texts the kit expects, from its native source and French files */
        static const char *const native_ext[] = {".rc", NULL, ".properties", ".po", NULL, NULL};
        if (native_ext[t]) {
            static char strings[32][1024];
            char native[1500];
            for (int fr = 0; fr < 2; fr++) {
                snprintf(native, sizeof(native), "%s/tmx/lisa-tmx-compliance-kit/%s%s%s", data,
                         tests[t], fr ? "_fr" : "", native_ext[t]);
                int n = native_strings(native, strings, 32);
                assert_true(n >= 3);
                for (int i = 0; i < n; i++) {
                    /* .po ids 100..103 are ids, not texts */
                    if (!has_segment(&after, fr ? "fr-ca" : "en-us", strings[i]) &&
                        strncmp(strings[i], "id", 2) != 0)
                        fail_msg("%s: the export lacks the %s text \"%s\"", tests[t],
                                 fr ? "French" : "English", strings[i]);
                }
            }
        }
        print_message("  %s: %d segments kept\n", tests[t], after.n);
    }
}

static int setup(void **state)
{
    (void)state;
    return tmpdir_make("tmdata");
}

int main(void)
{
    const char *env = getenv("CONCORD_SHARED_DATA");
    snprintf(data, sizeof(data), "%s", env ? env : CONCORD_SHARED_DATA);
    struct stat st;
    if (stat(data, &st) != 0) {
        printf("skipped: no shared data at %s\n", data);
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lisa_compliance_kit),
        cmocka_unit_test(test_spec_sample),
        cmocka_unit_test(test_qgis_omegat_project),
        cmocka_unit_test(test_maxprograms),
        cmocka_unit_test(test_ud_pud),
        cmocka_unit_test(test_tatoeba),
        cmocka_unit_test(test_lisa_export_tests),
    };
    return cmocka_run_group_tests_name("tm-data", tests, setup, teardown);
}
