/*
 * test_glossary_data.c — the glossary readers (TBX, CSV/TSV) on real files
 * and on the quirks they must handle.
 *
 * 1. Every glossary file of ../shared/data/glossary is loaded through the
 *    public API, and its concepts and terms are compared with counts made
 *    independently of concord (xmllint's XPath for TBX, by hand or awk for
 *    CSV/TSV); the bad files must fail with a position and a message that
 *    says what is wrong. A glossary file missing from the table fails the
 *    test, so that new data is not silently ignored. Skipped when the data
 *    is not there.
 * 2. Small inline documents, one per rule: TBX structure and dialect checks,
 *    statuses and parts of speech; CSV quoting, header rows, encodings and
 *    error positions. Those look at the terms made (glossary_internal.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "concord/concord.h"
#include "glossary/glossary_internal.h"

static char data[1024];

/* ---- 1. the files of ../shared/data/glossary ------------------------------------------------ */

typedef struct file_case {
    const char *path; /* under <shared data>/glossary */
    int rc;           /* 0, or the error expected */
    size_t concepts, terms;
    unsigned long line;      /* of the error */
    const char *msg1, *msg2; /* in the error's message */
} file_case;

/*
 * Independent counts.
 * TBX (x): concepts = xmllint --xpath 'count(/descendant::*[local-name()="termEntry" or
 *     local-name()="conceptEntry"][descendant::*[local-name()="term"][normalize-space()!=""]])'
 *   terms = xmllint --xpath 'count(/descendant::*[local-name()="term"][normalize-space()!=""])'
 *   (an empty <term/> is an untranslated term, not read: sdl_tbx.tbx has 516 <term>
 *   of which 44 are empty, weblate/ru.tbx 610 of which 9 are).
 * CSV/TSV (h): counted by hand from `xxd`: one concept per row with a non-empty cell
 *   in the term columns, one term per such cell (no header row in any of them, so
 *   columns 1 and 2 are terms and 3 the comment).
 * edict (a): awk -F'\t' '!/^#/ && NF { n=0; if ($1 ~ /[^ ]/) n++; if ($2 ~ /[^ ]/) n++;
 *   if (n) {c++; t+=n} } END {print c, t}' (its first row "ja_term reading ..." is
 *   not a header of language codes, so it is a row like the others).
 * Error lines: where the file itself says the error is (its comment block), the
 * first one in document order.
 */
static const file_case FILES[] = {
    /* (x) TBX v3, LTAC's examples */
    {"ltac-tbx-basic/TBX-Basic_Example_Astronomy_DCA_VALID.tbx", 0, 45, 113, 0, NULL, NULL},
    {"ltac-tbx-basic/TBX-Basic_Example_Astronomy_DCT_VALID.tbx", 0, 45, 113, 0, NULL, NULL},
    {"ltac-tbx-basic/TBX-Min_Example_Astronomy_DCA_VALID.tbx", 0, 45, 113, 0, NULL, NULL},
    {"ltac-tbx-basic/TBX-Min_Example_Astronomy_DCT_VALID.tbx", 0, 45, 113, 0, NULL, NULL},
    {"ltac-tbx-test-files/basic_good.tbx", 0, 45, 113, 0, NULL, NULL},
    {"ltac-tbx-test-files/core_structure_good.tbx", 0, 45, 113, 0, NULL, NULL},
    {"ltac-tbx-test-files/min_good.tbx", 0, 45, 113, 0, NULL, NULL},
    /* the bad ones: the first error each file lists, in document order */
    {"ltac-tbx-test-files/basic_bad.tbx", CONCORD_EPARSE, 0, 0, 26, "theWrongType",
     "not a TBX-Basic data category"},
    {"ltac-tbx-test-files/core_structure_bad.tbx", CONCORD_EPARSE, 0, 0, 15, "<sourceDesc>",
     "inside <p>"},
    {"ltac-tbx-test-files/min_bad.tbx", CONCORD_EPARSE, 0, 0, 21, "source",
     "not a TBX-Min data category"},
    {"ltac-tbx-test-files/poorly_formed_xml.tbx", CONCORD_EPARSE, 0, 0, 42, "malformed XML",
     "Opening and ending tag mismatch"},
    /* (x) TBX 2008 */
    {"okapi-lib-terminology/ibm_tbx.tbx", 0, 5, 11, 0, NULL, NULL},
    {"okapi-lib-terminology/maryland.tbx", 0, 1, 13, 0, NULL, NULL},
    {"okapi-lib-terminology/medtronic_TBX.tbx", 0, 3, 62, 0, NULL, NULL},
    {"okapi-lib-terminology/oracle_TBX.tbx", 0, 2, 6, 0, NULL, NULL},
    {"okapi-lib-terminology/sdl_tbx.tbx", 0, 223, 472, 0, NULL, NULL},
    {"okapi-lib-terminology/test01.tbx", 0, 1, 2, 0, NULL, NULL},
    {"okapi-lib-terminology/test02_win1254.tbx", 0, 1, 2, 0, NULL, NULL},
    {"omegat-glossary-testdata/sampleTBXfile.tbx", 0, 1, 2, 0, NULL, NULL},
    {"weblate/ru.tbx", 0, 305, 601, 0, NULL, NULL},
    /* (h) "source 1,target 1" / "   source 2   ,   target 2   " / two quoted rows */
    {"okapi-lib-terminology/test01.csv", 0, 4, 8, 0, NULL, NULL},
    /* (h) 2+2 terms, a spaces-only and a tabs-only row, "jasjjal" alone, a source with
     * an empty target, an empty source with a target, 2 terms */
    {"okapi-lib-terminology/test01.tsv", 0, 6, 9, 0, NULL, NULL},
    /* (h) UTF-16BE with a BOM: "entry 1\ttrans 1", blank lines, "source 2\t... target 2" */
    {"okapi-lib-terminology/test02_utf16be.tsv", 0, 2, 4, 0, NULL, NULL},
    /* (h) OmegaT's test.csv: 7 rows of 2 cells (OmegaT's own test expects 7 entries) */
    {"omegat-glossary-testdata/test.csv", 0, 7, 14, 0, NULL, NULL},
    /* (h) 4 rows of 2 terms, one with a comment */
    {"omegat-glossary-testdata/test.tab", 0, 4, 8, 0, NULL, NULL},
    /* (h) UTF-16LE with a BOM, 2 rows of source, target, comment */
    {"omegat-glossary-testdata/testUTF16LE.txt", 0, 2, 4, 0, NULL, NULL},
    /* (h) nothing but a magic comment (one with a UTF-8 BOM), and an empty file */
    {"omegat-glossary-testdata/test-magiccomment.tab", CONCORD_EPARSE, 0, 0, 1, "no terms", NULL},
    {"omegat-glossary-testdata/test-magiccomment-bom.tab", CONCORD_EPARSE, 0, 0, 1, "no terms",
     NULL},
    {"omegat-glossary-testdata/empty.txt", CONCORD_EPARSE, 0, 0, 1, "no terms", NULL},
    /* (a) EDICT as OmegaT columns: headword, reading (as the "target"), glosses (comment) */
    {"edict/edict-ja-en.tsv", 0, 267380, 471314, 0, NULL, NULL},
};

static int is_glossary_name(const char *name)
{
    static const char *const EXT[] = {".tbx", ".csv", ".tsv", ".tab", ".txt", ".utf8"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof(EXT) / sizeof(EXT[0]); i++) {
        size_t m = strlen(EXT[i]);
        if (n > m && strcmp(name + n - m, EXT[i]) == 0)
            return 1;
    }
    return 0;
}

static const file_case *find_case(const char *rel)
{
    for (size_t i = 0; i < sizeof(FILES) / sizeof(FILES[0]); i++)
        if (strcmp(FILES[i].path, rel) == 0)
            return &FILES[i];
    return NULL;
}

static void check_file(const char *root, const file_case *fc)
{
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s", root, fc->path);
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    /* the languages of headerless CSV/TSV (OmegaT's columns) */
    assert_int_equal(concord_glossary_set_langs(g, "en", "fr"), 0);
    int rc = concord_glossary_load(g, path);
    concord_glossary_stats st = CONCORD_GLOSSARY_STATS_INIT;
    assert_int_equal(concord_glossary_stats_get(&st, g), 0);
    if (fc->rc == 0) {
        if (rc != 0)
            fail_msg("%s: %s at %lu:%lu", fc->path, concord_error_last()->message,
                     concord_error_last()->line, concord_error_last()->column);
        if (st.concepts != fc->concepts || st.terms != fc->terms)
            fail_msg("%s: %zu concepts, %zu terms; expected %zu and %zu", fc->path, st.concepts,
                     st.terms, fc->concepts, fc->terms);
    } else {
        const concord_error *e = concord_error_last();
        if (rc != fc->rc)
            fail_msg("%s: rc %d (%s), expected %d", fc->path, rc, e->message, fc->rc);
        assert_non_null(e->file);
        assert_non_null(strstr(e->file, fc->path));
        if (e->line != fc->line || e->column == 0)
            fail_msg("%s: error at %lu:%lu, expected line %lu with a column (%s)", fc->path,
                     e->line, e->column, fc->line, e->message);
        if (!strstr(e->message, fc->msg1) || (fc->msg2 && !strstr(e->message, fc->msg2)))
            fail_msg("%s: message '%s' lacks '%s' / '%s'", fc->path, e->message, fc->msg1,
                     fc->msg2 ? fc->msg2 : "");
        /* the glossary is left as it was */
        assert_int_equal(st.concepts, 0);
        assert_int_equal(st.terms, 0);
    }
    concord_glossary_free(g);
}

/* Walk dir (relative part rel) and check every glossary file in it. */
static void walk(const char *root, const char *rel, size_t *checked)
{
    char dir[2048];
    snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char sub[1024], full[4096];
        snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        snprintf(full, sizeof(full), "%s/%s", root, sub);
        struct stat st;
        assert_int_equal(stat(full, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            walk(root, sub, checked);
            continue;
        }
        if (!is_glossary_name(de->d_name))
            continue; /* README.md, COPYING, copyright */
        const file_case *fc = find_case(sub);
        if (!fc)
            fail_msg("%s: a glossary file with no expected counts in FILES", sub);
        check_file(root, fc);
        (*checked)++;
    }
    closedir(d);
}

static void test_shared_files(void **state)
{
    (void)state;
    char root[1100];
    snprintf(root, sizeof(root), "%s/glossary", data);
    struct stat st;
    if (stat(root, &st) != 0) {
        printf("skipped: no shared data at %s\n", root);
        skip();
    }
    size_t checked = 0;
    walk(root, "", &checked);
    assert_int_equal(checked, sizeof(FILES) / sizeof(FILES[0]));
}

/* A failed load leaves what was loaded before untouched. */
static void test_bad_file_after_good(void **state)
{
    (void)state;
    char good[1200], bad[1200];
    snprintf(good, sizeof(good), "%s/glossary/ltac-tbx-test-files/basic_good.tbx", data);
    snprintf(bad, sizeof(bad), "%s/glossary/ltac-tbx-test-files/basic_bad.tbx", data);
    struct stat st;
    if (stat(good, &st) != 0)
        skip();
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load(g, good), 0);
    assert_int_equal(concord_glossary_load(g, bad), CONCORD_EPARSE);
    concord_glossary_stats s = CONCORD_GLOSSARY_STATS_INIT;
    assert_int_equal(concord_glossary_stats_get(&s, g), 0);
    assert_int_equal(s.concepts, 45);
    assert_int_equal(s.terms, 113);
    concord_glossary_free(g);
}

/* ---- 2. inline documents -------------------------------------------------------------------- */

/* Load one document; returns the glossary (caller frees) and the rc. */
static concord_glossary *load(const char *name, const char *doc, size_t len, int with_langs,
                              int *rc)
{
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    if (with_langs)
        assert_int_equal(concord_glossary_set_langs(g, "en", "fr"), 0);
    *rc = concord_glossary_load_memory(g, name, doc, len);
    return g;
}

typedef struct bad_case {
    const char *what;
    const char *doc;
    unsigned long line, column;
    const char *msg;
} bad_case;

#define V3(type, style, body)                                                                      \
    "<?xml version=\"1.0\"?>\n<tbx type=\"" type "\" style=\"" style "\" xml:lang=\"en\" "         \
    "xmlns=\"urn:iso:std:iso:30042:ed-2\" xmlns:min=\"http://www.tbxinfo.net/ns/min\">\n"          \
    "<tbxHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc></tbxHeader>\n"              \
    "<text><body>\n" body "</body></text></tbx>\n"
#define MARTIF(body)                                                                               \
    "<?xml version=\"1.0\"?>\n<martif type=\"TBX\" xml:lang=\"en\">\n"                             \
    "<martifHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc></martifHeader>\n"        \
    "<text><body>\n" body "</body></text></martif>\n"

/* Each TBX rule, broken once. Lines count from the XML declaration (line 1). */
static const bad_case TBX_BAD[] = {
    {"root", "<?xml version=\"1.0\"?>\n<glossary/>\n", 2, 1, "expected <martif>"},
    {"tbx without type", "<tbx style=\"dca\" xml:lang=\"en\"/>", 1, 1, "type"},
    {"tbx with a bad style", "<tbx type=\"TBX-Core\" style=\"xyz\" xml:lang=\"en\"/>", 1, 1,
     "style"},
    {"admin in text",
     "<tbx type=\"TBX-Core\" style=\"dca\" xml:lang=\"en\"><tbxHeader><fileDesc><sourceDesc>"
     "<p>t</p></sourceDesc></fileDesc></tbxHeader>\n<text>  <admin type=\"x\">y</admin>",
     2, 9, "unexpected <admin> in <text>"},
    {"martif: header text outside p",
     "<martif type=\"TBX\" xml:lang=\"en\">\n<martifHeader><fileDesc>\n <sourceDesc>Made by"
     " hand</sourceDesc></fileDesc></martifHeader><text><body/></text></martif>",
     3, 2, "text directly in <sourceDesc>"},
    {"conceptEntry without id",
     V3("TBX-Core", "dca",
        "<conceptEntry><langSec xml:lang=\"en\"><termSec><term>a</term></termSec></langSec>"
        "</conceptEntry>\n"),
     5, 1, "without an id"},
    {"id used twice",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term></termSec>"
        "</langSec></conceptEntry>\n"
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>b</term></termSec>"
        "</langSec></conceptEntry>\n"),
     6, 1, "used by an earlier entry"},
    {"langSec without xml:lang",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\">\n  <langSec><termSec><term>a</term></termSec></langSec>"
        "</conceptEntry>\n"),
     6, 3, "without xml:lang"},
    {"langSec without termSec",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><note>n</note></langSec>"
        "</conceptEntry>\n"),
     5, 22, "<langSec> without a term"},
    {"conceptEntry without langSec",
     V3("TBX-Core", "dca", "<conceptEntry id=\"a\"><note>n</note></conceptEntry>\n"), 5, 1,
     "without a <langSec>"},
    {"empty termSec",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec/></langSec></conceptEntry>\n"),
     5, 45, "<termSec> without a <term>"},
    {"term not first",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><note>n</note><term>a</term>"
        "</termSec></langSec></conceptEntry>\n"),
     5, 54, "expected its <term> first"},
    {"two terms",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term><term>b</term>"
        "</termSec></langSec></conceptEntry>\n"),
     5, 68, "a second <term>"},
    {"term outside termSec",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><term>a</term></langSec>"
        "</conceptEntry>\n"),
     5, 45, "unexpected <term> in <langSec>"},
    {"admin without type",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><admin>x</admin><langSec xml:lang=\"en\"><termSec><term>a"
        "</term></termSec></langSec></conceptEntry>\n"),
     5, 22, "without a type attribute"},
    {"two descrips in a group",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><descripGrp><descrip type=\"d\">1</descrip><descrip type=\"d\">2"
        "</descrip></descripGrp><langSec xml:lang=\"en\"><termSec><term>a</term></termSec>"
        "</langSec></conceptEntry>\n"),
     5, 63, "a second <descrip>"},
    {"note after langSec",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term></termSec>"
        "</langSec><note>n</note></conceptEntry>\n"),
     5, 88, "comes before the first <langSec>"},
    {"termNote after a note",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term><note>n</note>"
        "<termNote type=\"partOfSpeech\">noun</termNote></termSec></langSec></conceptEntry>\n"),
     5, 82, "termNotes come right after the <term>"},
    {"text in termSec",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term>stray</termSec>"
        "</langSec></conceptEntry>\n"),
     5, 45, "text directly in <termSec>"},
    {"Min: a Basic category",
     V3("TBX-Min", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term>"
        "<termNote type=\"termType\">variant</termNote></termSec></langSec></conceptEntry>\n"),
     5, 68, "termType is not a TBX-Min data category"},
    {"Min: partOfSpeech picklist",
     V3("TBX-Min", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term>"
        "<termNote type=\"partOfSpeech\">nominal</termNote></termSec></langSec>"
        "</conceptEntry>\n"),
     5, 68, "'nominal' is not a TBX-Min value of partOfSpeech"},
    {"Min: subjectField at the term level",
     V3("TBX-Min", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term>"
        "<descrip type=\"subjectField\">x</descrip></termSec></langSec></conceptEntry>\n"),
     5, 68, "subjectField at the term level"},
    {"Min: a category on the wrong element",
     V3("TBX-Min", "dca",
        "<conceptEntry id=\"a\"><descrip type=\"partOfSpeech\">noun</descrip>"
        "<langSec xml:lang=\"en\"><termSec><term>a</term></termSec></langSec></conceptEntry>\n"),
     5, 22, "is a <termNote>"},
    {"Min DCA with a DCT element",
     V3("TBX-Min", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term>"
        "<min:partOfSpeech>noun</min:partOfSpeech></termSec></langSec></conceptEntry>\n"),
     5, 68, "DCT-style element"},
    {"Min DCT with a DCA element",
     V3("TBX-Min", "dct",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term>"
        "<termNote type=\"partOfSpeech\">noun</termNote></termSec></langSec></conceptEntry>\n"),
     5, 68, "DCA-style element"},
    {"Min DCT: unknown category",
     V3("TBX-Min", "dct",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term>"
        "<min:colour>red</min:colour></termSec></langSec></conceptEntry>\n"),
     5, 68, "colour is not a TBX-Min data category"},
    {"unknown status",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\"><termSec><term>a</term>"
        "<termNote type=\"administrativeStatus\">maybe</termNote></termSec></langSec>"
        "</conceptEntry>\n"),
     5, 68, "unknown administrativeStatus 'maybe'"},
    {"a term that is only punctuation",
     V3("TBX-Core", "dca",
        "<conceptEntry id=\"a\"><langSec xml:lang=\"en\">\n <termSec>\n   <term>...</term>"
        "</termSec></langSec></conceptEntry>\n"),
     7, 4, "no letters or digits"},
    {"martif: term in langSet",
     MARTIF("<termEntry><langSet xml:lang=\"en\"><term>a</term></langSet></termEntry>\n"), 5, 35,
     "<term> in <langSet>"},
    {"martif: tig without term first",
     MARTIF("<termEntry><langSet xml:lang=\"en\"><tig><termNote type=\"partOfSpeech\">noun"
            "</termNote><term>a</term></tig></langSet></termEntry>\n"),
     5, 40, "expected its <term> first"},
    {"martif: a term directly in ntig",
     MARTIF("<termEntry><langSet xml:lang=\"en\"><ntig><term>a</term></ntig></langSet>"
            "</termEntry>\n"),
     5, 41, "<term> in <ntig>"},
    {"martif: ntig without termGrp first",
     MARTIF("<termEntry><langSet xml:lang=\"en\"><ntig><note>n</note><termGrp><term>a</term>"
            "</termGrp></ntig></langSet></termEntry>\n"),
     5, 41, "expected its <termGrp> first"},
    {"martif: langSet without xml:lang",
     MARTIF("<termEntry><langSet><tig><term>a</term></tig></langSet></termEntry>\n"), 5, 12,
     "without xml:lang"},
    {"martif: langSet without tig", MARTIF("<termEntry><langSet xml:lang=\"en\"/></termEntry>\n"),
     5, 12, "expected a <tig> or <ntig>"},
    {"martif: a bad language tag",
     MARTIF("<termEntry><langSet xml:lang=\"english!\"><tig><term>a</term></tig></langSet>"
            "</termEntry>\n"),
     5, 46, "not a language tag"},
    {"entity declarations",
     "<?xml version=\"1.0\"?>\n<!DOCTYPE martif [<!ENTITY a \"b\">]>\n"
     "<martif type=\"TBX\"/>\n",
     2, 1, "entit"},
};

static void test_tbx_rules(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof(TBX_BAD) / sizeof(TBX_BAD[0]); i++) {
        const bad_case *bc = &TBX_BAD[i];
        if (!bc->msg)
            continue;
        int rc;
        concord_glossary *g = load("t.tbx", bc->doc, strlen(bc->doc), 0, &rc);
        const concord_error *e = concord_error_last();
        if (rc != CONCORD_EPARSE || e->line != bc->line || e->column != bc->column ||
            !strstr(e->message, bc->msg) || !e->file || strcmp(e->file, "t.tbx") != 0) {
            print_error("%s: rc %d at %lu:%lu '%s'; expected EPARSE at %lu:%lu '%s'\n", bc->what,
                        rc, e->line, e->column, e->message, bc->line, bc->column, bc->msg);
            failures++;
        }
        concord_glossary_free(g);
    }
    assert_int_equal(failures, 0);
}

/* A UTF-16 TBX: read through its BOM, and a term's column counted in characters. */
static void test_tbx_utf16(void **state)
{
    (void)state;
    static const char DOC[] =
        MARTIF("<termEntry><langSet xml:lang=\"ru\"><tig><term>\xD1\x8B</term>"
               "</tig></langSet><langSet xml:lang=\"en\"><tig>\n <term>!!"
               "</term></tig></langSet></termEntry>\n");
    /* to UTF-16LE with a BOM (the document is ASCII but for one Cyrillic letter) */
    size_t n = strlen(DOC), k = 2;
    char *u = malloc(2 * n + 2);
    assert_non_null(u);
    u[0] = (char)0xFF;
    u[1] = (char)0xFE;
    for (size_t i = 0; i < n; i++, k += 2) {
        unsigned c = (unsigned char)DOC[i];
        if (c == 0xD1) {
            c = 0x044B; /* ы */
            i++;
        }
        u[k] = (char)(c & 0xFF);
        u[k + 1] = (char)(c >> 8);
    }
    int rc;
    concord_glossary *g = load("u.tbx", u, k, 0, &rc);
    const concord_error *e = concord_error_last();
    assert_int_equal(rc, CONCORD_EPARSE);
    assert_int_equal(e->line, 6);
    assert_int_equal(e->column, 2);
    assert_non_null(strstr(e->message, "'!!'"));
    concord_glossary_free(g);
    free(u);
}

static const cc_term *find_term(const concord_glossary *g, const char *text)
{
    for (size_t i = 0; i < g->nterms; i++)
        if (strcmp(g->terms[i].text, text) == 0)
            return &g->terms[i];
    fail_msg("no term '%s'", text);
    return NULL;
}

/* Statuses, parts of speech, notes and ids, in both versions and both styles. */
static void test_tbx_reading(void **state)
{
    (void)state;
    static const char MARTIF_DOC[] = MARTIF(
        "<termEntry id=\"e1\"><descrip type=\"definition\">A thing.</descrip>\n"
        "<langSet xml:lang=\"EN-us\"><tig><term>  pref\n  term </term>"
        "<termNote type=\"administrativeStatus\">preferredTerm-admn-sts</termNote>"
        "<termNote type=\"partOfSpeech\">noun</termNote><note>a note</note></tig>\n"
        "<ntig><termGrp><term>adm</term><termNote type=\"administrativeStatus\">"
        "admittedTerm-admn-sts</termNote></termGrp></ntig>\n"
        "<tig><term>dep</term><termNote type=\"administrativeStatus\">deprecatedTerm-admn-sts"
        "</termNote></tig>\n"
        "<tig><term>sup</term><termNote type=\"normativeAuthorization\">supersededTerm"
        "</termNote></tig>\n"
        "<tig><term>forb</term><termNote type=\"administrativeStatus\">forbiddenTerm-admn-sts"
        "</termNote></tig>\n"
        "<tig><term>legal</term><termNote type=\"normativeAuthorization\">legalTerm</termNote>"
        "</tig>\n"
        "<tig><term/></tig></langSet></termEntry>\n"
        /* Weblate: the same id for unrelated entries, information after the langSets */
        "<termEntry id=\"1\"><langSet xml:lang=\"ru\"><tig><term>один</term></tig></langSet>"
        "<descrip>first</descrip></termEntry>\n"
        "<termEntry id=\"1\"><langSet xml:lang=\"ru\"><tig><term>два</term></tig></langSet>"
        "</termEntry>\n");
    int rc;
    concord_glossary *g = load("m.tbx", MARTIF_DOC, strlen(MARTIF_DOC), 0, &rc);
    if (rc != 0)
        fail_msg("%s", concord_error_last()->message);
    assert_int_equal(g->nconcepts, 3);
    assert_int_equal(g->nterms, 8);
    assert_string_equal(g->concepts[0].id, "e1");
    assert_string_equal(g->concepts[0].note, "A thing.");
    assert_string_equal(g->concepts[1].id, "1");
    assert_string_equal(g->concepts[1].note, "first");
    assert_string_not_equal(g->concepts[2].id, "1");
    const cc_term *t = find_term(g, "pref term");
    assert_string_equal(t->lang, "en-US");
    assert_int_equal(t->status, CC_TERM_PREFERRED);
    assert_string_equal(t->pos, "noun");
    assert_string_equal(t->note, "a note");
    assert_int_equal(t->line, 6);
    assert_int_equal(find_term(g, "adm")->status, CC_TERM_ADMITTED);
    assert_int_equal(find_term(g, "dep")->status, CC_TERM_DEPRECATED);
    assert_int_equal(find_term(g, "sup")->status, CC_TERM_DEPRECATED);
    assert_int_equal(find_term(g, "forb")->status, CC_TERM_FORBIDDEN);
    assert_int_equal(find_term(g, "legal")->status, CC_TERM_PREFERRED);
    assert_int_equal(find_term(g, "два")->concept, 2);
    concord_glossary_free(g);

    static const char DCT_DOC[] =
        V3("TBX-Min", "dct",
           "<conceptEntry id=\"c9\"><min:subjectField>astro</min:subjectField>"
           "<langSec xml:lang=\"en\"><termSec><term>x-ray</term>"
           "<min:administrativeStatus>deprecatedTerm-admn-sts</min:administrativeStatus>"
           "<min:partOfSpeech>noun</min:partOfSpeech></termSec>"
           "<termSec><term>X radiation</term></termSec></langSec></conceptEntry>\n");
    g = load("d.tbx", DCT_DOC, strlen(DCT_DOC), 0, &rc);
    if (rc != 0)
        fail_msg("%s", concord_error_last()->message);
    assert_int_equal(g->nconcepts, 1);
    assert_string_equal(g->concepts[0].id, "c9");
    t = find_term(g, "x-ray");
    assert_int_equal(t->status, CC_TERM_DEPRECATED);
    assert_string_equal(t->pos, "noun");
    assert_int_equal(find_term(g, "X radiation")->status, CC_TERM_PREFERRED);
    concord_glossary_free(g);

    /* the same id in a second file is the same concept */
    static const char A[] = V3("TBX-Core", "dca",
                               "<conceptEntry id=\"k\"><langSec xml:lang=\"en\"><termSec>"
                               "<term>cat</term></termSec></langSec></conceptEntry>\n");
    static const char B[] = V3("TBX-Core", "dca",
                               "<conceptEntry id=\"k\"><langSec xml:lang=\"fr\"><termSec>"
                               "<term>chat</term></termSec></langSec></conceptEntry>\n");
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load_memory(g, "a.tbx", A, strlen(A)), 0);
    assert_int_equal(concord_glossary_load_memory(g, "b.tbx", B, strlen(B)), 0);
    assert_int_equal(g->nconcepts, 1);
    assert_int_equal(g->nterms, 2);
    concord_glossary_free(g);
}

/* ---- CSV / TSV --------------------------------------------------------------------------------
 */

typedef struct csv_case {
    const char *what;
    const char *name;
    const char *doc;
    size_t len; /* 0: strlen(doc) */
    int langs;  /* set en/fr */
    int rc;
    /* success: concepts, terms, and up to four "lang:text" terms in order */
    size_t concepts, terms;
    const char *expect[4];
    /* failure: position and message */
    unsigned long line, column;
    size_t offset;
    const char *msg;
} csv_case;

static const csv_case CSV[] = {
    {"RFC 4180 quoting",
     "q.csv",
     "a,\"b, with comma\"\n\"multi\nline\",\"say \"\"hi\"\"\"\n  spaced  ,\"  quoted  \"\n",
     0,
     1,
     0,
     3,
     6,
     {"en:a", "fr:b, with comma", "en:multi line", "fr:say \"hi\""},
     0,
     0,
     0,
     NULL},
    {"OmegaT's cell is one term",
     "o.csv",
     "kde; question,comma\n\"\"\"\"\"k\",k\n",
     0,
     1,
     0,
     2,
     4,
     {"en:kde; question", "fr:comma", "en:\"\"k", "fr:k"},
     0,
     0,
     0,
     NULL},
    {"a quote inside an unquoted cell, text after a closing quote",
     "o.csv",
     "12\" pipe,tube\n\"a\"b,c\n",
     0,
     1,
     0,
     2,
     4,
     {"en:12\" pipe", "fr:tube", "en:ab", "fr:c"},
     0,
     0,
     0,
     NULL},
    {"header row of language codes, note column",
     "h.csv",
     "EN-us, ru ,Note\ncolour,цвет,a note\n,только русский,\n",
     0,
     0,
     0,
     2,
     3,
     {"en-US:colour", "ru:цвет", "ru:только русский", NULL},
     0,
     0,
     0,
     NULL},
    {"comments, blank rows, CR line ends",
     "c.tab",
     "# -*- coding: utf-8 -*-\r\rsrc\ttgt\tcomment\r\t\t\r  \rsource only\t\r",
     0,
     1,
     0,
     2,
     3,
     {"en:src", "fr:tgt", "en:source only", NULL},
     0,
     0,
     0,
     NULL},
    {"English words that are ISO 639-3 codes are not a header",
     "w.csv",
     "cat,sun\n",
     0,
     1,
     0,
     1,
     2,
     {"en:cat", "fr:sun", NULL, NULL},
     0,
     0,
     0,
     NULL},
    {"TSV keeps quotes",
     "t.tsv",
     "\"quoted\"\t\"x\"\"y\"\n",
     0,
     1,
     0,
     1,
     2,
     {"en:\"quoted\"", "fr:\"x\"\"y\"", NULL, NULL},
     0,
     0,
     0,
     NULL},
    {"UTF-8 BOM",
     "b.csv",
     "\xEF\xBB\xBF"
     "en,fr\ncat,chat\n",
     0,
     0,
     0,
     1,
     2,
     {"en:cat", "fr:chat", NULL, NULL},
     0,
     0,
     0,
     NULL},
    {"UTF-16LE BOM",
     "u.txt",
     "\xFF\xFE"
     "a\0\t\0b\0\r\0\n\0\xE9\0\t\0\x42\x04\n\0",
     20,
     1,
     0,
     2,
     4,
     {"en:a", "fr:b", "en:\xC3\xA9", "fr:\xD1\x82"},
     0,
     0,
     0,
     NULL},
    {"UTF-16BE BOM",
     "u.txt",
     "\xFE\xFF\0a\0\t\0b",
     8,
     1,
     0,
     1,
     2,
     {"en:a", "fr:b", NULL, NULL},
     0,
     0,
     0,
     NULL},
    {"UTF-16LE without a BOM",
     "u.txt",
     "c\0a\0t\0\t\0c\0h\0a\0t\0",
     16,
     1,
     0,
     1,
     2,
     {"en:cat", "fr:chat", NULL, NULL},
     0,
     0,
     0,
     NULL},
    {"empty file", "e.csv", "", 0, 0, CONCORD_EPARSE, 0, 0, {NULL}, 1, 1, 0, "no terms"},
    {"invalid UTF-8",
     "bad.csv",
     "ok,fine\nnot \xC3\x28 ok,x\n",
     0,
     1,
     CONCORD_EENCODING,
     0,
     0,
     {NULL},
     2,
     5,
     12,
     "invalid UTF-8"},
    {"invalid UTF-8 after a BOM",
     "bad.csv",
     "\xEF\xBB\xBF"
     "a\xFF,b\n",
     0,
     1,
     CONCORD_EENCODING,
     0,
     0,
     {NULL},
     1,
     2,
     4,
     "invalid UTF-8"},
    {"NUL byte",
     "nul.csv",
     "abc,d\ne\0f,g\n",
     12,
     1,
     CONCORD_EENCODING,
     0,
     0,
     {NULL},
     2,
     2,
     7,
     "NUL"},
    {"unpaired surrogate in UTF-16",
     "s.txt",
     "\xFF\xFE"
     "a\0\n\0b\0\x00\xD8",
     10,
     1,
     CONCORD_EENCODING,
     0,
     0,
     {NULL},
     2,
     2,
     8,
     "surrogate"},
    {"unterminated quote",
     "uq.csv",
     "a,b\nc,  \"never\nclosed,d\n",
     0,
     1,
     CONCORD_EPARSE,
     0,
     0,
     {NULL},
     2,
     5,
     8,
     "never closed"},
    {"no header, no languages",
     "n.tab",
     "# comment\ncat\tchat\n",
     0,
     0,
     CONCORD_EPARSE,
     0,
     0,
     {NULL},
     2,
     1,
     10,
     "no header row of language codes: give --from and --to"},
    {"a term that is only punctuation",
     "p.csv",
     "en,fr\ncat,chat\ndog,  ...\n",
     0,
     0,
     CONCORD_EPARSE,
     0,
     0,
     {NULL},
     3,
     7,
     21,
     "no letters or digits"},
};

static void test_csv(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(CSV) / sizeof(CSV[0]); i++) {
        const csv_case *cc = &CSV[i];
        int rc;
        concord_glossary *g =
            load(cc->name, cc->doc, cc->len ? cc->len : strlen(cc->doc), cc->langs, &rc);
        const concord_error *e = concord_error_last();
        if (rc != cc->rc)
            fail_msg("%s: rc %d (%s at %lu:%lu), expected %d", cc->what, rc, e->message, e->line,
                     e->column, cc->rc);
        if (rc == 0) {
            if (g->nconcepts != cc->concepts || g->nterms != cc->terms)
                fail_msg("%s: %zu concepts, %zu terms; expected %zu, %zu", cc->what, g->nconcepts,
                         g->nterms, cc->concepts, cc->terms);
            for (size_t k = 0; k < 4 && cc->expect[k]; k++) {
                char got[512];
                snprintf(got, sizeof(got), "%s:%s", g->terms[k].lang, g->terms[k].text);
                if (strcmp(got, cc->expect[k]) != 0)
                    fail_msg("%s: term %zu is '%s', expected '%s'", cc->what, k, got,
                             cc->expect[k]);
            }
        } else if (e->line != cc->line || e->column != cc->column ||
                   (cc->offset && e->offset != cc->offset) || !strstr(e->message, cc->msg)) {
            fail_msg("%s: error at %lu:%lu offset %zu '%s'; expected %lu:%lu offset %zu '%s'",
                     cc->what, e->line, e->column, e->offset, e->message, cc->line, cc->column,
                     cc->offset, cc->msg);
        }
        concord_glossary_free(g);
    }
}

/* The OmegaT comment column and a header's note column become the concept's note. */
static void test_csv_notes(void **state)
{
    (void)state;
    static const char DOC[] = "src\ttgt\tthe comment\textra\n";
    int rc;
    concord_glossary *g = load("n.tab", DOC, strlen(DOC), 1, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(g->nterms, 2);
    assert_string_equal(g->concepts[0].note, "the comment");
    concord_glossary_free(g);
    static const char HDR[] = "note,en,comment\nfirst,cat,second\n";
    g = load("h.csv", HDR, strlen(HDR), 0, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(g->nterms, 1);
    assert_string_equal(g->concepts[0].note, "first; second");
    concord_glossary_free(g);
}

int main(void)
{
    const char *env = getenv("CONCORD_SHARED_DATA");
    snprintf(data, sizeof(data), "%s", env ? env : CONCORD_SHARED_DATA);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_files), cmocka_unit_test(test_bad_file_after_good),
        cmocka_unit_test(test_tbx_rules),    cmocka_unit_test(test_tbx_reading),
        cmocka_unit_test(test_tbx_utf16),    cmocka_unit_test(test_csv),
        cmocka_unit_test(test_csv_notes),
    };
    return cmocka_run_group_tests_name("glossary-data", tests, NULL, NULL);
}
