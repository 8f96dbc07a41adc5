/*
 * test_tm.c — the translation memory: the TMX reader and its inline codes,
 * the store (import, duplicates, export, statistics), every kind of bad
 * input, files that are not TMs, and out-of-memory during an import.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "concord/concord.h"
#include "tmpdir.h"

static int setup(void **state)
{
    (void)state;
    return tmpdir_make("tm");
}

static const char *write_file(const char *name, const char *content, size_t len)
{
    const char *p = path_of(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, len, f), len);
    fclose(f);
    return p;
}

static const char *write_str(const char *name, const char *content)
{
    return write_file(name, content, strlen(content));
}

#define TMX_HEAD                                                                                   \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                 \
    "<tmx version=\"1.4\">\n"                                                                      \
    "<header creationtool=\"Test\" creationtoolversion=\"1\" segtype=\"sentence\" "                \
    "o-tmf=\"t\" adminlang=\"en\" srclang=\"en-US\" datatype=\"plaintext\"/>\n<body>\n"
#define TMX_TAIL "</body>\n</tmx>\n"

/* ---- the reader and inline codes ----------------------------------------------------- */

typedef struct collected {
    int units;
    char text[8][512];
    char markup[8][1024];
    char lang[8][32];
    size_t ncodes[8];
    int kinds[8][16];
    size_t offsets[8][16];
    int events, errors;
    char last_event[512];
    unsigned long last_line, last_col;
} collected;

static int collect_unit(const concord_unit *u, void *ud)
{
    collected *c = ud;
    for (size_t i = 0; i < u->nvariants && c->units * 2 + (int)i < 8; i++) {
        int k = c->units * 2 + (int)i;
        const concord_variant *v = &u->variants[i];
        snprintf(c->text[k], sizeof(c->text[k]), "%s", v->text);
        snprintf(c->lang[k], sizeof(c->lang[k]), "%s", v->lang);
        c->ncodes[k] = v->ncodes;
        for (size_t j = 0; j < v->ncodes && j < 16; j++) {
            c->kinds[k][j] = v->codes[j].kind;
            c->offsets[k][j] = v->codes[j].offset;
        }
        char *m;
        assert_int_equal(concord_segment_to_tmx(v->text, v->text_len, v->codes, v->ncodes, &m), 0);
        snprintf(c->markup[k], sizeof(c->markup[k]), "%s", m);
        concord_free(m);
    }
    c->units++;
    return 0;
}

static void collect_event(const concord_tmx_event *e, void *ud)
{
    collected *c = ud;
    if (e->is_error)
        c->errors++;
    else
        c->events++;
    snprintf(c->last_event, sizeof(c->last_event), "%s", e->message);
    c->last_line = e->line;
    c->last_col = e->column;
}

static int read_tmx(const char *path, int skip, collected *c)
{
    memset(c, 0, sizeof(*c));
    concord_tmx_callbacks cb = {NULL, collect_unit, collect_event, NULL, c};
    return concord_tmx_read(path, skip, &cb);
}

static void test_inline_codes(void **state)
{
    (void)state;
    const char *p = write_str(
        "codes.tmx",
        TMX_HEAD "<tu><tuv xml:lang=\"EN-us\"><seg>The <bpt i=\"1\" x=\"1\" type=\"bold\">&lt;b&gt;"
                 "</bpt>Kuril<ept i=\"1\">&lt;/b&gt;</ept> islands<ph x=\"2\">&lt;br/&gt;</ph> "
                 "<hi type=\"italic\">Iturup &amp; Kunashir</hi> <it pos=\"begin\">&lt;u&gt;</it>"
                 "x<ut>{\\b}</ut> <ph>&lt;img alt=\"<sub>Map of Shikotan</sub>\"&gt;</ph></seg>"
                 "</tuv><tuv xml:lang=\"ja\"><seg>北方領土<ph/></seg></tuv></tu>\n" TMX_TAIL);
    collected c;
    assert_int_equal(read_tmx(p, 0, &c), 0);
    assert_int_equal(c.units, 1);
    assert_string_equal(c.lang[0], "en-US");
    /* the plain text a matcher sees: no codes, the <hi> text kept */
    assert_string_equal(c.text[0], "The Kuril islands Iturup & Kunashir x ");
    assert_int_equal(c.ncodes[0], 8);
    int kinds[] = {CONCORD_CODE_BPT,    CONCORD_CODE_EPT, CONCORD_CODE_PH, CONCORD_CODE_HI_START,
                   CONCORD_CODE_HI_END, CONCORD_CODE_IT,  CONCORD_CODE_UT, CONCORD_CODE_PH};
    size_t offsets[] = {4, 9, 17, 18, 35, 36, 37, 38};
    for (int i = 0; i < 8; i++) {
        assert_int_equal(c.kinds[0][i], kinds[i]);
        assert_int_equal(c.offsets[0][i], offsets[i]);
    }
    /* and back to equivalent TMX markup */
    assert_string_equal(
        c.markup[0], "The <bpt i=\"1\" x=\"1\" type=\"bold\">&lt;b&gt;</bpt>Kuril<ept "
                     "i=\"1\">&lt;/b&gt;</ept> islands<ph x=\"2\">&lt;br/&gt;</ph> <hi "
                     "type=\"italic\">Iturup &amp; Kunashir</hi> <it pos=\"begin\">&lt;u&gt;</it>"
                     "x<ut>{\\b}</ut> <ph>&lt;img alt=\"<sub>Map of Shikotan</sub>\"&gt;</ph>");
    assert_string_equal(c.text[1], "北方領土");
    assert_string_equal(c.markup[1], "北方領土<ph/>");
}

static void test_reader_versions_and_languages(void **state)
{
    (void)state;
    /* TMX 1.1 uses lang=, a <tuv> without a language takes the source language */
    const char *p = write_str(
        "v11.tmx", "<?xml version=\"1.0\"?>\n<tmx version=\"1.1\"><header srclang=\"RU\"/><body>"
                   "<tu><tuv lang=\"ru\"><seg>Южные Курилы</seg></tuv><tuv lang=\"JA-jp\">"
                   "<seg>北方領土</seg></tuv></tu>"
                   "<tu><tuv><seg>Итуруп</seg></tuv><tuv xml:lang=\"ja\"><seg>択捉島</seg></tuv>"
                   "</tu></body></tmx>");
    collected c;
    assert_int_equal(read_tmx(p, 0, &c), 0);
    assert_int_equal(c.units, 2);
    assert_string_equal(c.lang[0], "ru");
    assert_string_equal(c.lang[1], "ja-JP");
    assert_string_equal(c.lang[2], "ru");
    assert_string_equal(c.text[2], "Итуруп");
}

typedef struct bad_case {
    const char *name;
    const char *content;
    int code;            /* expected error */
    unsigned long line;  /* expected line (0: any) */
    const char *message; /* part of the message */
    int skippable;       /* with skip_invalid: read on, the unit reported */
} bad_case;

static void test_bad_files(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"nolang.tmx",
         "<tmx version=\"1.4\"><header srclang=\"*all*\"/><body>\n<tu>\n<tuv><seg>x</seg></tuv>"
         "<tuv xml:lang=\"de\"><seg>y</seg></tuv></tu>\n<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv>"
         "</tu></body></tmx>",
         CONCORD_EPARSE, 3, "without xml:lang", 1},
        {"noseg.tmx",
         TMX_HEAD "<tu>\n  <tuv xml:lang=\"en\"/>\n</tu>\n<tu><tuv xml:lang=\"en\"><seg>ok</seg>"
                  "</tuv></tu>\n" TMX_TAIL,
         CONCORD_EPARSE, 6, "without <seg>", 1},
        {"pairs.tmx",
         TMX_HEAD
         "<tu><tuv xml:lang=\"en\">\n<seg><ept i=\"1\">&lt;/b&gt;</ept> <bpt i=\"1\">&lt;b&gt;"
         "</bpt></seg></tuv></tu>\n<tu><tuv xml:lang=\"en\"><seg>ok</seg></tuv></tu>" TMX_TAIL,
         CONCORD_EPARSE, 5, "before its <bpt>", 1},
        {"unpaired.tmx",
         TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>a<bpt i=\"3\">&lt;b&gt;</bpt>b</seg></tuv></tu>"
                  "<tu><tuv xml:lang=\"en\"><seg>ok</seg></tuv></tu>" TMX_TAIL,
         CONCORD_EPARSE, 5, "without its <ept>", 1},
        {"emptytu.tmx",
         TMX_HEAD "<tu tuid=\"7\"/>\n<tu><tuv xml:lang=\"en\"><seg>ok</seg></tuv></tu>" TMX_TAIL,
         CONCORD_EPARSE, 5, "without any <tuv>", 1},
        {"badlang.tmx",
         TMX_HEAD
         "<tu><tuv xml:lang=\"en--US\"><seg>x</seg></tuv></tu><tu><tuv xml:lang=\"en\"><seg>"
         "ok</seg></tuv></tu>" TMX_TAIL,
         CONCORD_EPARSE, 5, "malformed language tag", 1},
        {"cut.tmx", TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>half a segm", CONCORD_EPARSE, 5,
         "malformed XML", 0},
        {"notags.tmx", "just some text\n", CONCORD_EPARSE, 1, "not a TMX file: text, not XML", 0},
        {"html.tmx", "<html><body>no</body></html>", CONCORD_EPARSE, 1, "not a TMX file", 0},
        {"empty.tmx", "", CONCORD_EPARSE, 1, "empty file", 0},
        {"latin1.tmx",
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header/><body><tu>"
         "<tuv xml:lang=\"fr\"><seg>donn\xE9"
         "es</seg></tuv></tu></body></tmx>",
         CONCORD_EPARSE, 2, "UTF-8", 0},
        {"utf16label.tmx",
         "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<tmx version=\"1.4\"><header/><body/></tmx>",
         CONCORD_EPARSE, 0, "malformed XML", 0},
        {"unknownenc.tmx",
         "<?xml version=\"1.0\" encoding=\"x-klingon-8\"?>\n<tmx version=\"1.4\"><header/><body/>"
         "</tmx>",
         CONCORD_EPARSE, 1, "encoding", 0},
        {"xxe.tmx",
         "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
         "<tmx version=\"1.4\"><header/><body><tu><tuv xml:lang=\"en\"><seg>&x;</seg></tuv></tu>"
         "</body></tmx>",
         CONCORD_EPARSE, 2, "entit", 0},
        {"zip.tmx", "PK\x03\x04zipped", CONCORD_EUNSUPPORTED, 0, "zip", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const bad_case *b = &cases[i];
        const char *p = write_file(b->name, b->content, strlen(b->content));
        collected c;
        int rc = read_tmx(p, 0, &c);
        const concord_error *e = concord_error_last();
        if (rc != b->code)
            fail_msg("%s: got %s (%s), expected %s", b->name, concord_error_name(rc), e->message,
                     concord_error_name(b->code));
        if (!strstr(e->message, b->message))
            fail_msg("%s: message '%s' lacks '%s'", b->name, e->message, b->message);
        print_message("%s: %lu:%lu %s\n", b->name, e->line, e->column, e->message);
        if (b->line && e->line != b->line)
            fail_msg("%s: line %lu, expected %lu (%s)", b->name, e->line, b->line, e->message);
        if (b->line)
            assert_true(e->column > 0);
        assert_non_null(e->file);
        assert_string_equal(e->file, p);
        if (b->skippable) {
            /* with skip_invalid the bad unit is reported and the good one read */
            assert_int_equal(read_tmx(p, 1, &c), 0);
            assert_int_equal(c.units, 1);
            assert_int_equal(c.errors, 1);
            assert_int_equal(c.last_line, b->line);
            assert_non_null(strstr(c.last_event, b->message));
        }
    }
}

static void test_unknown_elements_are_warnings(void **state)
{
    (void)state;
    const char *p = write_str(
        "unknown.tmx", TMX_HEAD
        "<foo>bar</foo>\n<tu><x-meta>1</x-meta><tuv xml:lang=\"en\"><seg>a <g id=\"1\">bold"
        "</g> word</seg><extra/></tuv></tu>\n" TMX_TAIL);
    collected c;
    assert_int_equal(read_tmx(p, 0, &c), 0);
    assert_int_equal(c.units, 1);
    assert_int_equal(c.events, 4);
    assert_string_equal(c.text[0], "a bold word");
}

static void test_billion_laughs_refused(void **state)
{
    (void)state;
    char doc[4096];
    int o = snprintf(doc, sizeof(doc),
                     "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n"
                     "<!ENTITY l0 \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        o += snprintf(doc + o, sizeof(doc) - (size_t)o, "<!ENTITY l%d \"", i);
        for (int k = 0; k < 10; k++)
            o += snprintf(doc + o, sizeof(doc) - (size_t)o, "&l%d;", i - 1);
        o += snprintf(doc + o, sizeof(doc) - (size_t)o, "\">\n");
    }
    snprintf(doc + o, sizeof(doc) - (size_t)o,
             "]>\n<tmx version=\"1.4\"><header/><body><tu><tuv xml:lang=\"en\"><seg>&l9;</seg>"
             "</tuv></tu></body></tmx>\n");
    collected c;
    assert_int_equal(read_tmx(write_str("lol.tmx", doc), 0, &c), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "entit"));
    assert_int_equal(c.units, 0);
}

static void test_huge_segment_is_a_limit_error(void **state)
{
    (void)state;
    /* 2 MiB: over concord's segment limit (1 MiB), under libxml2's (10 MB) */
    size_t n = 2u << 20;
    char *doc = malloc(n + 1024);
    int o = snprintf(doc, 1024, TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>");
    memset(doc + o, 'k', n);
    o += (int)n;
    o += snprintf(doc + o, 1024, "</seg></tuv></tu>" TMX_TAIL);
    collected c;
    int rc = read_tmx(write_file("big.tmx", doc, (size_t)o), 0, &c);
    free(doc);
    assert_int_equal(rc, CONCORD_ELIMIT);
    assert_non_null(strstr(concord_error_last()->message, "longer than"));
    assert_int_equal(concord_error_last()->line, 5);
}

/* ---- the store ---------------------------------------------------------------------------- */

static const char *SAMPLE = TMX_HEAD
    "<tu tuid=\"k1\" creationdate=\"20190114T120000Z\"><prop type=\"x-domain\">news</prop>"
    "<tuv xml:lang=\"en-US\"><seg>The Southern Kurils, known in Japan as the Northern "
    "Territories.</seg></tuv>"
    "<tuv xml:lang=\"ru\" changedate=\"20190115T080000Z\"><note>checked</note><seg>Южные Курилы, "
    "которые в Японии называют Северными территориями.</seg></tuv>"
    "<tuv xml:lang=\"ja\"><seg>南クリル諸島、日本では<ph "
    "x=\"1\">&lt;b/&gt;</ph>北方領土と呼ばれる。"
    "</seg></tuv></tu>\n"
    "<tu tuid=\"k2\"><tuv xml:lang=\"en-US\"><seg>Iturup</seg></tuv>"
    "<tuv xml:lang=\"ja\"><seg>択捉島</seg></tuv></tu>\n"
    "<tu tuid=\"k3\"><tuv xml:lang=\"en-US\"><seg>Iturup</seg></tuv>"
    "<tuv xml:lang=\"ja\"><seg>エトロフ島</seg></tuv></tu>\n"
    "<tu tuid=\"k2-again\"><tuv xml:lang=\"en-US\"><seg>Iturup</seg></tuv>"
    "<tuv xml:lang=\"ja\"><seg>択捉島</seg></tuv></tu>\n" TMX_TAIL;

static concord_tm *open_tm(const char *name)
{
    concord_tm *tm;
    if (concord_tm_open(&tm, path_of(name), CONCORD_TM_CREATE) != 0)
        fail_msg("open: %s", concord_error_last()->message);
    return tm;
}

static int import_one(concord_tm *tm, const char *path, concord_duplicates dup,
                      concord_import_stats *st)
{
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    o.on_duplicate = dup;
    return concord_tm_import_tmx(tm, &path, 1, &o, st);
}

typedef struct sink {
    char *data;
    size_t len;
} sink;

static int to_sink(const char *data, size_t len, void *ud)
{
    sink *s = ud;
    s->data = realloc(s->data, s->len + len + 1);
    memcpy(s->data + s->len, data, len);
    s->len += len;
    s->data[s->len] = '\0';
    return 0;
}

static char *export_all(concord_tm *tm, const char *const *langs, size_t nlangs, size_t *units)
{
    sink s = {NULL, 0};
    concord_export_options o = CONCORD_EXPORT_OPTIONS_INIT;
    o.langs = langs;
    o.nlangs = nlangs;
    if (concord_tm_export_tmx(tm, &o, to_sink, &s, units) != 0)
        fail_msg("export: %s", concord_error_last()->message);
    return s.data;
}

static size_t lang_count(const concord_tm_stats *s, const char *tag)
{
    for (size_t i = 0; i < s->nlangs; i++)
        if (strcmp(s->langs[i].name, tag) == 0)
            return s->langs[i].count;
    return 0;
}

static void test_import_stats_export(void **state)
{
    (void)state;
    const char *p = write_str("sample.tmx", SAMPLE);
    concord_tm *tm = open_tm("a.tm");
    concord_import_stats st;
    assert_int_equal(import_one(tm, p, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.read, 4);
    assert_int_equal(st.imported, 3);
    assert_int_equal(st.identical, 1);    /* k2-again */
    assert_int_equal(st.alternatives, 1); /* k3: Iturup -> エトロフ島 */
    assert_int_equal(st.variants, 7);

    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(tm, &s), 0);
    assert_int_equal(s->units, 3);
    assert_int_equal(s->variants, 7);
    assert_int_equal(lang_count(s, "en-US"), 3);
    assert_int_equal(lang_count(s, "ja"), 3);
    assert_int_equal(lang_count(s, "ru"), 1);
    assert_int_equal(s->npairs, 2);
    assert_string_equal(s->pairs[0].name, "en-US>ja");
    assert_int_equal(s->pairs[0].count, 3);
    assert_string_equal(s->first_date, "20190114T120000Z");
    assert_string_equal(s->last_date, "20190115T080000Z");
    assert_int_equal(s->ntools, 1);
    assert_string_equal(s->tools[0].name, "Test 1");
    assert_true(s->file_size > 0);
    concord_tm_stats_free(s);

    size_t units;
    char *x = export_all(tm, NULL, 0, &units);
    assert_int_equal(units, 3);
    /* the tool comes from the TMX it was imported from; the common
     * datatype/segtype go to the header */
    assert_non_null(strstr(x, "<tu tuid=\"k1\" creationdate=\"20190114T120000Z\" "
                              "creationtool=\"Test\" creationtoolversion=\"1\">\n"
                              "      <prop type=\"x-domain\">news</prop>"));
    assert_non_null(strstr(x, "<note>checked</note>"));
    assert_non_null(
        strstr(x, "<seg>南クリル諸島、日本では<ph x=\"1\">&lt;b/&gt;</ph>北方領土と呼ばれる。"
                  "</seg>"));
    assert_null(strstr(x, "k2-again"));

    /* round trip: the export imported into a new TM exports the same */
    const char *p2 = write_str("export1.tmx", x);
    concord_tm *tm2 = open_tm("b.tm");
    assert_int_equal(import_one(tm2, p2, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.imported, 3);
    char *y = export_all(tm2, NULL, 0, &units);
    assert_string_equal(x, y);
    free(y);
    concord_tm_close(tm2);

    /* filters: "en" selects en-US; with two languages, units need both */
    const char *en_ru[] = {"en", "ru"};
    y = export_all(tm, en_ru, 2, &units);
    assert_int_equal(units, 1);
    assert_null(strstr(y, "xml:lang=\"ja\""));
    free(y);
    const char *ja[] = {"ja"};
    y = export_all(tm, ja, 1, &units);
    assert_int_equal(units, 3);
    free(y);
    free(x);

    /* importing the same file again stores nothing */
    assert_int_equal(import_one(tm, p, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.imported, 0);
    assert_int_equal(st.identical, 4);
    concord_tm_close(tm);
}

static void test_duplicate_policies(void **state)
{
    (void)state;
    const char *first =
        write_str("d1.tmx", TMX_HEAD "<tu><tuv xml:lang=\"en-US\"><seg>Kunashir</seg></tuv>"
                                     "<tuv xml:lang=\"ja\"><seg>国後島</seg></tuv></tu>" TMX_TAIL);
    const char *second =
        write_str("d2.tmx", TMX_HEAD "<tu><tuv xml:lang=\"en-US\"><seg>Kunashir</seg></tuv>"
                                     "<tuv xml:lang=\"ja\"><seg>クナシリ島</seg></tuv></tu>"
                                     "<tu><tuv xml:lang=\"en-US\"><seg>Kunashir</seg></tuv>"
                                     "<tuv xml:lang=\"ru\"><seg>Кунашир</seg></tuv></tu>" TMX_TAIL);
    /* first: Kunashir -> 国後島; second: Kunashir -> クナシリ島 (another ja translation),
       then Kunashir -> Кунашир (a new language for a known source: it joins a stored unit) */
    static const struct {
        concord_duplicates dup;
        size_t units, skipped, replaced, alternatives, merged;
        const char *kept_ja, *gone_ja;
    } cases[] = {
        {CONCORD_DUP_KEEP, 2, 0, 0, 1, 1, "国後島", NULL},
        {CONCORD_DUP_SKIP, 1, 1, 0, 0, 1, "国後島", "クナシリ島"},
        {CONCORD_DUP_REPLACE, 1, 0, 1, 0, 1, "クナシリ島", "国後島"},
    };
    for (size_t i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof(name), "dup%zu.tm", i);
        concord_tm *tm = open_tm(name);
        concord_import_stats st;
        assert_int_equal(import_one(tm, first, cases[i].dup, &st), 0);
        assert_int_equal(import_one(tm, second, cases[i].dup, &st), 0);
        assert_int_equal(st.skipped, cases[i].skipped);
        assert_int_equal(st.replaced, cases[i].replaced);
        assert_int_equal(st.alternatives, cases[i].alternatives);
        assert_int_equal(st.merged, cases[i].merged);
        concord_tm_stats *s;
        assert_int_equal(concord_tm_stats_get(tm, &s), 0);
        assert_int_equal(s->units, cases[i].units);
        assert_int_equal(lang_count(s, "ru"), 1);
        concord_tm_stats_free(s);
        size_t units;
        char *x = export_all(tm, NULL, 0, &units);
        assert_non_null(strstr(x, "Кунашир"));
        assert_non_null(strstr(x, cases[i].kept_ja));
        if (cases[i].gone_ja)
            assert_null(strstr(x, cases[i].gone_ja));
        /* importing the second file again changes nothing */
        assert_int_equal(import_one(tm, second, cases[i].dup, &st), 0);
        assert_int_equal(st.imported + st.merged + st.replaced, 0);
        char *y = export_all(tm, NULL, 0, &units);
        assert_string_equal(x, y);
        free(x);
        free(y);
        concord_tm_close(tm);
    }
}

/* A TMX body written by pieces, for generated files. */
typedef struct body {
    char *s;
    size_t len, cap;
} body;

static void add(body *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static const char *write_body(const char *name, body *b)
{
    body f = {NULL, 0, 0};
    add(&f, "%s", TMX_HEAD);
    add(&f, "%s", b->s ? b->s : "");
    add(&f, "%s", TMX_TAIL);
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    const char *p = write_file(name, f.s, f.len);
    free(f.s);
    return p;
}

static size_t tm_units(concord_tm *tm)
{
    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(tm, &s), 0);
    size_t n = s->units;
    concord_tm_stats_free(s);
    return n;
}

static const char *const TEN[] = {"en-US", "ru", "ja", "de", "fr", "it", "es", "pt", "pl", "nl"};

/* Duplicates are judged per translation, whatever shape the unit that
 * brought it: a pair out of a ten-language unit, the same pair the other way
 * round, a pair of two targets, a pair that grows into a three-language unit. */
static void test_duplicates_across_unit_shapes(void **state)
{
    (void)state;
    body b = {NULL, 0, 0};
    add(&b, "<tu>");
    for (size_t i = 0; i < 10; i++)
        add(&b, "<tuv xml:lang=\"%s\"><seg>Habomai %zu</seg></tuv>", TEN[i], i);
    add(&b, "</tu>\n");
    const char *ten = write_body("ten.tmx", &b);
    concord_tm *tm = open_tm("shapes.tm");
    concord_import_stats st;
    assert_int_equal(import_one(tm, ten, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.imported, 1);
    assert_int_equal(st.variants, 10);

    /* its en-ru pair; the same pair with ru as the source */
    add(&b, "<tu><tuv xml:lang=\"en-US\"><seg>Habomai 0</seg></tuv>"
            "<tuv xml:lang=\"ru\"><seg>Habomai 1</seg></tuv></tu>\n");
    add(&b, "<tu srclang=\"ru\"><tuv xml:lang=\"en-US\"><seg>Habomai 0</seg></tuv>"
            "<tuv xml:lang=\"ru\"><seg>Habomai 1</seg></tuv></tu>\n");
    const char *pairs = write_body("pairs.tmx", &b);
    assert_int_equal(import_one(tm, pairs, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.read, 2);
    assert_int_equal(st.identical, 2);
    assert_int_equal(st.imported + st.merged + st.alternatives, 0);
    assert_int_equal(tm_units(tm), 1);

    /* ru-ja is a pair of two translations of the en source, not a (source,
       translation) pair: with ru as its source it is new */
    add(&b, "<tu srclang=\"ru\"><tuv xml:lang=\"ja\"><seg>Habomai 2</seg></tuv>"
            "<tuv xml:lang=\"ru\"><seg>Habomai 1</seg></tuv></tu>\n");
    const char *ruja = write_body("ruja.tmx", &b);
    assert_int_equal(import_one(tm, ruja, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.imported, 1);

    /* another de translation (an alternative, not the first unit with its
       source), then that pair the other way round, twice */
    add(&b, "<tu><tuv xml:lang=\"en-US\"><seg>Habomai 0</seg></tuv>"
            "<tuv xml:lang=\"de\"><seg>Habomai-Inseln</seg></tuv></tu>\n");
    add(&b, "<tu srclang=\"de\"><tuv xml:lang=\"de\"><seg>Habomai-Inseln</seg></tuv>"
            "<tuv xml:lang=\"en-US\"><seg>Habomai 0</seg></tuv></tu>\n");
    add(&b, "<tu srclang=\"de\"><tuv xml:lang=\"de\"><seg>Habomai-Inseln</seg></tuv>"
            "<tuv xml:lang=\"en-US\"><seg>Habomai 0</seg></tuv></tu>\n");
    const char *alt = write_body("alt.tmx", &b);
    assert_int_equal(import_one(tm, alt, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.alternatives, 1);
    assert_int_equal(st.imported, 1);
    assert_int_equal(st.identical, 2);
    assert_int_equal(tm_units(tm), 3);

    /* a pair, then the same pair with a third language: the third joins it;
       then the pair again, and the three-language unit again: nothing new */
    add(&b, "<tu><tuv xml:lang=\"en-US\"><seg>Shikotan</seg></tuv>"
            "<tuv xml:lang=\"ru\"><seg>Шикотан</seg></tuv></tu>\n");
    const char *pair = write_body("pair.tmx", &b);
    add(&b, "<tu><tuv xml:lang=\"ja\"><seg>色丹島</seg></tuv>"
            "<tuv xml:lang=\"en-US\"><seg>Shikotan</seg></tuv>"
            "<tuv xml:lang=\"ru\"><seg>Шикотан</seg></tuv></tu>\n");
    const char *tri = write_body("tri.tmx", &b);
    assert_int_equal(import_one(tm, pair, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.imported, 1);
    assert_int_equal(import_one(tm, tri, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.merged, 1);
    assert_int_equal(st.imported, 0);
    assert_int_equal(st.variants, 1);
    assert_int_equal(tm_units(tm), 4);
    assert_int_equal(import_one(tm, pair, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.identical, 1);
    assert_int_equal(import_one(tm, tri, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.identical, 1);
    assert_int_equal(tm_units(tm), 4);
    size_t units;
    char *x = export_all(tm, NULL, 0, &units);
    assert_int_equal(units, 4);
    assert_non_null(strstr(x, "<seg>色丹島</seg>"));
    free(x);
    concord_tm_close(tm);
}

/* srclang="EN" in the header names the en-US variant as the source, even
 * when it is not the first. */
static void test_srclang_is_matched_by_language(void **state)
{
    (void)state;
    const char *p = write_str(
        "srcEN.tmx", "<?xml version=\"1.0\"?><tmx version=\"1.4\"><header creationtool=\"T\" "
                     "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" "
                     "srclang=\"EN\" datatype=\"plaintext\"/><body>"
                     "<tu><tuv xml:lang=\"ja\"><seg>択捉島</seg></tuv>"
                     "<tuv xml:lang=\"en-US\"><seg>Iturup</seg></tuv></tu>"
                     "<tu><tuv xml:lang=\"ru\"><seg>Итуруп</seg></tuv>"
                     "<tuv xml:lang=\"en-US\"><seg>Iturup</seg></tuv></tu></body></tmx>");
    concord_tm *tm = open_tm("srcEN.tm");
    concord_import_stats st;
    assert_int_equal(import_one(tm, p, CONCORD_DUP_KEEP, &st), 0);
    /* both units have the source Iturup: the second joins the first */
    assert_int_equal(st.imported, 1);
    assert_int_equal(st.merged, 1);
    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(tm, &s), 0);
    assert_int_equal(s->units, 1);
    assert_int_equal(s->npairs, 2);
    assert_string_equal(s->pairs[0].name, "en-US>ja");
    assert_string_equal(s->pairs[1].name, "en-US>ru");
    concord_tm_stats_free(s);
    concord_tm_close(tm);
}

/* Thousands of translations of one source ("OK" is in every UI): all kept
 * with keep, all replaced by one with replace. (More than FILTER_AFTER in
 * import.c: the key filter is built midway through the first import.) */
static void test_many_alternatives_of_one_source(void **state)
{
    (void)state;
    body b = {NULL, 0, 0};
    for (int i = 0; i < 5000; i++)
        add(&b,
            "<tu><tuv xml:lang=\"en-US\"><seg>OK</seg></tuv>"
            "<tuv xml:lang=\"de\"><seg>OK %d</seg></tuv></tu>\n",
            i);
    const char *many = write_body("many.tmx", &b);
    concord_tm *tm = open_tm("many.tm");
    concord_import_stats st;
    assert_int_equal(import_one(tm, many, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.imported, 5000);
    assert_int_equal(st.alternatives, 4999);
    assert_int_equal(tm_units(tm), 5000);
    /* again: every one is known */
    assert_int_equal(import_one(tm, many, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.identical, 5000);

    add(&b, "<tu><tuv xml:lang=\"en-US\"><seg>OK</seg></tuv>"
            "<tuv xml:lang=\"de\"><seg>Okay</seg></tuv></tu>\n");
    const char *one = write_body("okay.tmx", &b);
    assert_int_equal(import_one(tm, one, CONCORD_DUP_REPLACE, &st), 0);
    assert_int_equal(st.replaced, 5000); /* stored units that lost their de */
    assert_int_equal(st.variants_removed, 5000);
    size_t units;
    char *x = export_all(tm, NULL, 0, &units);
    assert_int_equal(units, 1);
    assert_non_null(strstr(x, "<seg>Okay</seg>"));
    assert_null(strstr(x, "<seg>OK 1</seg>"));
    free(x);
    /* a translation that was replaced is new again */
    assert_int_equal(import_one(tm, many, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.alternatives, 5000);
    assert_int_equal(tm_units(tm), 5001);
    concord_tm_close(tm);
}

/* Statistics have no fixed limit on languages. */
static void test_stats_with_hundreds_of_languages(void **state)
{
    (void)state;
    body b = {NULL, 0, 0};
    for (int i = 0; i < 300; i++)
        add(&b,
            "<tu><tuv xml:lang=\"en-US\"><seg>Kurils %d</seg></tuv>"
            "<tuv xml:lang=\"b%c%c\"><seg>k%d</seg></tuv></tu>\n",
            i, 'a' + i / 26, 'a' + i % 26, i);
    const char *p = write_body("langs.tmx", &b);
    concord_tm *tm = open_tm("langs.tm");
    concord_import_stats st;
    assert_int_equal(import_one(tm, p, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.imported, 300);
    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(tm, &s), 0);
    assert_int_equal(s->nlangs, 301);
    assert_int_equal(s->npairs, 300);
    assert_int_equal(lang_count(s, "en-US"), 300);
    assert_int_equal(lang_count(s, "bkn"), 1);
    concord_tm_stats_free(s);
    concord_tm_close(tm);
}

/* Attributes of other namespaces are dropped with a warning, never written
 * back with an undeclared prefix: the export stays well-formed. */
static void test_foreign_attributes_do_not_break_export(void **state)
{
    (void)state;
    const char *p = write_str("ns.tmx", TMX_HEAD
                              "<tu xmlns:x=\"urn:example\" x:id=\"7\"><tuv xml:lang=\"en-US\" "
                              "x:state=\"final\"><seg>Kunashir</seg></tuv><tuv xml:lang=\"ru\">"
                              "<seg>Кунашир</seg></tuv></tu>" TMX_TAIL);
    collected c;
    assert_int_equal(read_tmx(p, 0, &c), 0);
    assert_int_equal(c.units, 1);
    assert_true(c.events >= 1);
    concord_tm *tm = open_tm("ns.tm");
    concord_import_stats st;
    assert_int_equal(import_one(tm, p, CONCORD_DUP_KEEP, &st), 0);
    size_t units;
    char *x = export_all(tm, NULL, 0, &units);
    assert_null(strstr(x, "x:"));
    assert_null(strstr(x, "urn:example"));
    const char *again = write_str("ns-export.tmx", x);
    assert_int_equal(read_tmx(again, 0, &c), 0);
    assert_int_equal(c.units, 1);
    assert_int_equal(c.events, 0);
    free(x);
    concord_tm_close(tm);
}

/* A unit with more variants than any TM needs is refused with its line. */
static void test_too_many_variants_is_a_limit_error(void **state)
{
    (void)state;
    body b = {NULL, 0, 0};
    add(&b, "\n<tu>");
    for (int i = 0; i < 1100; i++)
        add(&b, "<tuv xml:lang=\"en-US\"><seg>v%d</seg></tuv>", i);
    add(&b, "</tu>\n");
    const char *p = write_body("wide.tmx", &b);
    collected c;
    assert_int_equal(read_tmx(p, 0, &c), CONCORD_ELIMIT);
    assert_int_equal(concord_error_last()->line, 6);
    assert_non_null(strstr(concord_error_last()->message, "1024"));
}

/* Found by review with a randomized model of the documented rules. */
static void test_duplicates_review_cases(void **state)
{
    (void)state;
    size_t units;
    concord_import_stats st;
#define TU_(src, body) "<tu srclang=\"" src "\">" body "</tu>\n"
#define V_(l, t)       "<tuv xml:lang=\"" l "\"><seg>" t "</seg></tuv>"
    /* replace keeps a stored translation that the new unit also carries */
    const char *a1 =
        write_str("r-a1.tmx", TMX_HEAD TU_("en", V_("en", "Hello") V_("ru", "R1")) TMX_TAIL);
    const char *a2 = write_str(
        "r-a2.tmx", TMX_HEAD TU_("en", V_("en", "Hello") V_("ru", "R1") V_("ru", "R3")) TMX_TAIL);
    concord_tm *tm = open_tm("r-a.tm");
    assert_int_equal(import_one(tm, a1, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(import_one(tm, a2, CONCORD_DUP_REPLACE, &st), 0);
    char *x = export_all(tm, NULL, 0, &units);
    assert_non_null(strstr(x, "<seg>R1</seg>"));
    assert_non_null(strstr(x, "<seg>R3</seg>"));
    free(x);
    /* and the same file again is identical, not a see-saw */
    assert_int_equal(import_one(tm, a2, CONCORD_DUP_REPLACE, &st), 0);
    assert_int_equal(st.identical, 1);
    assert_int_equal(st.replaced, 0);
    concord_tm_close(tm);

    /* a pair is (source, translation): A and B as two translations of C are not A>B,
       even when an old key of a removed unit names that unit's id */
    const char *g1 = write_str("r-g1.tmx", TMX_HEAD TU_("en", V_("en", "A") V_("ru", "R1"))
                                               TU_("en", V_("en", "A") V_("ru", "B")) TMX_TAIL);
    const char *g2 = write_str("r-g2.tmx", TMX_HEAD TU_("en", V_("en", "A") V_("ru", "R3"))
                                               TU_("fr", V_("fr", "C") V_("en", "A") V_("ru", "B"))
                                                   TU_("en", V_("en", "A") V_("ru", "B")) TMX_TAIL);
    tm = open_tm("r-g.tm");
    assert_int_equal(import_one(tm, g1, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(import_one(tm, g2, CONCORD_DUP_REPLACE, &st), 0);
    assert_int_equal(st.identical, 0);
    assert_int_equal(st.imported, 3);
    x = export_all(tm, NULL, 0, &units);
    assert_int_equal(units, 2); /* C|A|B and A|B: R3 was replaced by B */
    assert_null(strstr(x, "<seg>R3</seg>"));
    free(x);
    concord_tm_close(tm);

    /* a unit with a new language and another translation: the new language joins
       the stored unit, the other translation is an alternative */
    const char *d1 = write_str(
        "r-d1.tmx", TMX_HEAD TU_("en", V_("en", "Hello") V_("ru", "R1") V_("de", "D1")) TMX_TAIL);
    const char *d2 = write_str(
        "r-d2.tmx", TMX_HEAD TU_("en", V_("en", "Hello") V_("ru", "R2") V_("ja", "J")) TMX_TAIL);
    tm = open_tm("r-d.tm");
    assert_int_equal(import_one(tm, d1, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(import_one(tm, d2, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.merged, 1);
    assert_int_equal(st.alternatives, 1);
    x = export_all(tm, NULL, 0, &units);
    assert_int_equal(units, 2);
    /* J sits in the first unit, beside D1 */
    char *j = strstr(x, "<seg>J</seg>"), *d = strstr(x, "<seg>D1</seg>"), *r2 = strstr(x, "R2");
    assert_true(j && d && r2 && d < j && j < r2);
    free(x);
    concord_tm_close(tm);

    /* the same translation twice in one unit is stored once */
    const char *c1 = write_str(
        "r-c1.tmx", TMX_HEAD TU_("en", V_("en", "Hello") V_("ru", "R") V_("ru", "R")) TMX_TAIL);
    tm = open_tm("r-c.tm");
    assert_int_equal(import_one(tm, c1, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.variants, 2);
    concord_tm_close(tm);
#undef TU_
#undef V_
}

/* A TM written by the first schema is migrated when opened for writing. */
static void test_schema_1_is_migrated(void **state)
{
    (void)state;
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "cp '%s/tm/v1-sample.tm' '%s'", CONCORD_TEST_DATA, path_of("v1.tm"));
    assert_int_equal(system(cmd), 0);
    concord_tm *tm;
    /* read-only: refused with a clear message, file untouched */
    assert_int_equal(concord_tm_open(&tm, path_of("v1.tm"), CONCORD_TM_READONLY),
                     CONCORD_EUNSUPPORTED);
    assert_non_null(strstr(concord_error_last()->message, "upgrade"));
    assert_int_equal(concord_tm_open(&tm, path_of("v1.tm"), 0), 0);
    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(tm, &s), 0);
    assert_int_equal(s->units, 21);
    assert_int_equal(s->schema_version, 2);
    concord_tm_stats_free(s);
    /* the sample again: every unit known */
    char tmx[1024];
    snprintf(tmx, sizeof(tmx), "%s/../../tmx/kurils-en-ru-ja.tmx", CONCORD_TEST_DATA);
    concord_import_stats st;
    assert_int_equal(import_one(tm, tmx, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.identical, 21);
    concord_tm_close(tm);
}

static unsigned long long file_bytes_sum(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned long long sum = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        sum = sum * 31 + c;
    fclose(f);
    return sum;
}

static void test_failed_import_leaves_tm_unchanged(void **state)
{
    (void)state;
    const char *good = write_str("good.tmx", SAMPLE);
    const char *bad =
        write_str("bad.tmx", TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>fine</seg></tuv>"
                                      "</tu><tu><tuv xml:lang=\"en\"><seg><ept i=\"1\">x"
                                      "</ept></seg></tuv></tu>" TMX_TAIL);
    concord_tm *tm = open_tm("c.tm");
    concord_import_stats st;
    assert_int_equal(import_one(tm, good, CONCORD_DUP_KEEP, &st), 0);
    size_t units;
    char *before = export_all(tm, NULL, 0, &units);
    /* two files in one import: the second fails, the first is rolled back too */
    const char *both[] = {good, bad};
    const char *fresh =
        write_str("fresh.tmx", TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>new unit</seg>"
                                        "</tuv></tu>" TMX_TAIL);
    both[0] = fresh;
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    assert_int_equal(concord_tm_import_tmx(tm, both, 2, &o, &st), CONCORD_EPARSE);
    char *after = export_all(tm, NULL, 0, &units);
    assert_string_equal(before, after);
    assert_null(strstr(after, "new unit"));
    free(after);
    /* with skip_invalid both files go in, the bad unit is counted */
    o.skip_invalid = 1;
    assert_int_equal(concord_tm_import_tmx(tm, both, 2, &o, &st), 0);
    assert_int_equal(st.invalid, 1);
    assert_int_equal(st.imported, 2);
    free(before);
    concord_tm_close(tm);
}

static void test_not_a_tm_is_refused_untouched(void **state)
{
    (void)state;
    concord_tm *tm;
    /* a text file */
    const char *txt = write_str("notes.txt", "These are my notes, not a database.\n");
    unsigned long long sum = file_bytes_sum(txt);
    assert_int_equal(concord_tm_open(&tm, txt, CONCORD_TM_CREATE), CONCORD_EUNSUPPORTED);
    assert_non_null(strstr(concord_error_last()->message, "not a concord TM"));
    assert_int_equal(file_bytes_sum(txt), sum);
    /* another application's SQLite database */
    const char *other = path_of("other.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", 0, 0, 0),
                     SQLITE_OK);
    sqlite3_close(db);
    sum = file_bytes_sum(other);
    assert_int_equal(concord_tm_open(&tm, other, CONCORD_TM_CREATE), CONCORD_EUNSUPPORTED);
    assert_int_equal(file_bytes_sum(other), sum);
    /* a TM from a newer concord */
    tm = open_tm("newer.tm");
    concord_tm_close(tm);
    assert_int_equal(sqlite3_open(path_of("newer.tm"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99;", 0, 0, 0), SQLITE_OK);
    sqlite3_close(db);
    sum = file_bytes_sum(path_of("newer.tm"));
    assert_int_equal(concord_tm_open(&tm, path_of("newer.tm"), 0), CONCORD_EUNSUPPORTED);
    assert_non_null(strstr(concord_error_last()->message, "newer concord"));
    assert_int_equal(file_bytes_sum(path_of("newer.tm")), sum);
    /* no file, and not asked to create one */
    assert_int_equal(concord_tm_open(&tm, path_of("missing.tm"), CONCORD_TM_READONLY), CONCORD_EIO);
    struct stat sb;
    assert_int_not_equal(stat(path_of("missing.tm"), &sb), 0);
}

/* ---- out of memory at every allocation of an import -------------------------------------- */

static pthread_mutex_t oom_mu = PTHREAD_MUTEX_INITIALIZER;
static long oom_count, oom_fail_at;

static void *o_malloc(size_t n, void *ud)
{
    (void)ud;
    pthread_mutex_lock(&oom_mu);
    int fail = ++oom_count == oom_fail_at;
    pthread_mutex_unlock(&oom_mu);
    return fail ? NULL : malloc(n);
}

static void *o_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    pthread_mutex_lock(&oom_mu);
    int fail = ++oom_count == oom_fail_at;
    pthread_mutex_unlock(&oom_mu);
    return fail ? NULL : realloc(p, n);
}

static void o_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

static void test_out_of_memory_during_import(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof(p), "%s", write_str("oom.tmx", SAMPLE));
    int completed = 0;
    for (long k = 1; k < 5000 && !completed; k++) {
        char name[32];
        snprintf(name, sizeof(name), "oom%ld.tm", k);
        oom_count = 0;
        oom_fail_at = k;
        concord_allocator a = {o_malloc, o_realloc, o_free, NULL};
        concord_allocator_set(&a);
        concord_tm *tm = NULL;
        int rc = concord_tm_open(&tm, path_of(name), CONCORD_TM_CREATE);
        concord_import_stats st;
        if (rc == 0)
            rc = import_one(tm, p, CONCORD_DUP_KEEP, &st);
        concord_tm_close(tm);
        concord_allocator_set(NULL);
        if (rc != 0 && rc != CONCORD_ENOMEM)
            fail_msg("allocation %ld failing gave %s: %s", k, concord_error_name(rc),
                     concord_error_last()->message);
        if (rc == 0 && oom_count < k)
            completed = 1;
        unlink(path_of(name));
    }
    assert_true(completed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline_codes),
        cmocka_unit_test(test_reader_versions_and_languages),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_unknown_elements_are_warnings),
        cmocka_unit_test(test_billion_laughs_refused),
        cmocka_unit_test(test_huge_segment_is_a_limit_error),
        cmocka_unit_test(test_import_stats_export),
        cmocka_unit_test(test_duplicate_policies),
        cmocka_unit_test(test_duplicates_across_unit_shapes),
        cmocka_unit_test(test_srclang_is_matched_by_language),
        cmocka_unit_test(test_many_alternatives_of_one_source),
        cmocka_unit_test(test_stats_with_hundreds_of_languages),
        cmocka_unit_test(test_foreign_attributes_do_not_break_export),
        cmocka_unit_test(test_too_many_variants_is_a_limit_error),
        cmocka_unit_test(test_duplicates_review_cases),
        cmocka_unit_test(test_schema_1_is_migrated),
        cmocka_unit_test(test_failed_import_leaves_tm_unchanged),
        cmocka_unit_test(test_not_a_tm_is_refused_untouched),
        cmocka_unit_test(test_out_of_memory_during_import),
    };
    return cmocka_run_group_tests_name("tm", tests, setup, teardown);
}
