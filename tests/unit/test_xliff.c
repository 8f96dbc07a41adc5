/*
 * test_xliff.c — src/doc/xliff.c against the XLIFF files of
 * ../shared/data/bilingual (skipped when the data is not there) and the
 * fixtures of tests/data/doc:
 *  - units, segments and states per file equal the data README's counts,
 *    which were made with xmllint, independently of concord;
 *  - broken and invalid files are refused at their line and column;
 *  - the locator agrees with the reader: the byte it names for text offset
 *    k of a piece starts the character (or reference) text[k] came from;
 *  - a rewrite with no edit is the input; with every target changed, the
 *    output reads back with the new targets, and differs from the input
 *    only in target elements and state attributes.
 * (The schema validation of the rewrites is tests/tools/xliff_schema.sh.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "concord/concord.h"
#include "doc/doc.h"
#include "text/unicode.h"

#define SHARED CONCORD_SHARED_DATA "/bilingual/"
#define LOCAL  CONCORD_TEST_DATA "/doc/"

static int have_shared(void)
{
    struct stat st;
    return stat(SHARED "README.md", &st) == 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    for (size_t k; b && (k = fread(b + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    if (b && n == cap)
        b = realloc(b, cap + 1);
    if (b)
        b[n] = '\0';
    *len = n;
    return b;
}

/* ---- counts ------------------------------------------------------------------------------- */

typedef struct count_case {
    const char *file;
    size_t units, segments; /* segments 0: not given (1.2) */
    const char *states;     /* "name:n ..." sorted, or NULL: not given */
} count_case;

/*
 * The data README's table ("units (xmllint count)" and "structure / states"
 * columns): trans-unit / unit and segment counts by xmllint XPath, states
 * counted on target/@state (1.2) and segment/@state (2.x).
 */
static const count_case counts[] = {
    {"xliff12/matecat/13578661-IFgFi8oGn6.xlf", 1, 0, NULL},
    {"xliff12/matecat/S9_Backlight.xls.ttx.sdlxliff", 15, 0, NULL},
    {"xliff12/matecat/Test_stati_sdlxliff.txt_it-IT_en-US.sdlxliff", 31, 0, NULL},
    {"xliff12/matecat/Working_with_the_Review_tool.xlf", 56, 0, "needs-translation:56"},
    {"xliff12/matecat/calibre.docx.xliff", 188, 0, NULL},
    {"xliff12/matecat/empty-mrk.xliff", 3, 0, "new:3"},
    {"xliff12/matecat/entities.xliff", 2, 0, "final:2"},
    {"xliff12/matecat/file-with-nested-group-and-missing-target.xliff", 5, 0, NULL},
    {"xliff12/matecat/"
     "file-with-not-empty-target-tag-with-some-mrk-and-html-with-alt-trans.xliff",
     1, 0, NULL},
    {"xliff12/matecat/file-with-notes-and-malicious-code.xliff", 3, 0, NULL},
    {"xliff12/matecat/file-with-emoji.xliff", 1, 0, NULL},
    {"xliff12/matecat/from_jsont.xliff", 24, 0, "translated:24"},
    {"xliff12/matecat/inglese-con-newlines-e-doctype.po.sdlxliff", 3, 0, NULL},
    {"xliff12/matecat/long-segment-id.xliff", 3, 0, NULL},
    {"xliff12/matecat/65-levels-nesting.json.xliff", 2, 0, NULL},
    {"xliff12/matecat/piazza.sdlxliff", 1, 0, NULL},
    {"xliff12/matecat/test-empty-unit-1.2.xliff", 3, 0, NULL},
    {"xliff12/matecat/xliff12-with-more-emojis.xliff", 3, 0, NULL},
    {"xliff12/matecat/xliff12-with-segment-state.xliff", 10, 0,
     "final:1 needs-adaptation:1 needs-l10n:1 needs-review-adaptation:1 needs-review-l10n:1 "
     "needs-review-translation:1 needs-translation:1 new:1 signed-off:1 translated:1"},
    {"xliff12/matecat/with-entities.xliff", 1, 0, "new:1"},
    {"xliff12/okapi/MQ-12-Test01.xlf", 119, 0, NULL},
    {"xliff12/okapi/TS09-12-Test01.xlf", 42, 0, NULL},
    {"xliff12/okapi/OnTramTest01.xlf", 88, 0, "needs-translation:88"},
    {"xliff12/okapi/SF-12-Test02.xlf", 98, 0, "needs-review-translation:1"},
    {"xliff12/okapi/SF-12-Test03.xlf", 944, 0, NULL},
    {"xliff12/okapi/Manual-12-AltTrans.xlf", 7, 0, NULL},
    {"xliff12/okapi/JMP-11-Test01.xlf", 9, 0, NULL},
    {"xliff12/okapi/PAS-10-Test01.xlf", 158, 0, NULL},
    {"xliff12/okapi/Typo3Draft.xlf", 6, 0, NULL},
    {"xliff12/okapi/lqiTest.xlf", 2, 0, NULL},
    {"xliff12/okapi/BinUnitTest01.xlf", 3, 0, NULL},
    {"xliff12/okapi/test1_es.xlf", 140, 0, NULL},
    {"xliff12/okapi/rainbow-gold-docxsegtest.docx.xlf", 31, 0, NULL},
    {"xliff12/okapi/rainbow-gold-tstest.ts.xlf", 3, 0, NULL},
    {"xliff12/orcid-angular/messages.ru.xlf", 2517, 0, NULL},
    {"xliff12/orcid-angular/messages.ja.xlf", 2517, 0, NULL},
    {"xliff2/matecat/pcec.xlf", 21, 21, NULL},
    {"xliff2/matecat/pc-slash.xlf", 1, 2, "translated:2"},
    {"xliff2/matecat/uber-39-en_us-ja_jp.xlf", 12, 14, "translated:14"},
    {"xliff2/matecat/uber-SpotCheck-en_us-es_419-H.xlf", 225, 237, "initial:237"},
    {"xliff2/matecat/uber-amp-en_us-ar.xlf", 3, 11, "translated:11"},
    {"xliff2/matecat/notes-after-segment.xliff", 1, 1, NULL},
    {"xliff2/matecat/valid_sample-20-translation-candidates.xlf", 2, 2, NULL},
    {"xliff2/matecat/size-restriction.xliff", 87, 87, "translated:87"},
    {"xliff2/matecat/xliff-20-with-mda.xlf", 1, 1, NULL},
    {"xliff2/matecat/sample-20-with-nested-group.xlf", 2, 4, NULL},
    {"xliff2/oasis-xliff21-test-suite/valid/Good-mtc_match-with-inlines.xlf", 1, 1, NULL},
    {"xliff2/oasis-xliff21-test-suite/valid/allExtensions.xlf", 3, 3, NULL},
    {"xliff2/oasis-xliff21-test-suite/valid/everything-core.xlf", 4, 5, "translated:1"},
    {"xliff2/oasis-xliff21-test-suite/valid/sample1.xlf", 1, 1, NULL},
    {"xliff2/oasis-xliff21-test-suite/valid/testTranslateWithTarget.xlf", 2, 6, NULL},
    {"xliff2/oasis-xliff21-test-suite/valid/toJoin.xlf", 1, 5, "final:1 translated:2"},
    {"xliff2/oasis-xliff21-test-suite/valid/withCDataSections.xlf", 1, 1, NULL},
    {"xliff2/oasis-xliff21-test-suite/valid/withGlossary.xlf", 1, 2, NULL},
    {"xliff2/oasis-xliff21-test-suite/valid/withMatches.xlf", 1, 1, NULL},
    {"xliff2/oasis-xliff21-test-suite/valid/withNotes_complex.xlf", 1, 2, NULL},
    {"xliff2/oasis-xliff21-test-suite/valid/withReorderedCodes.xlf", 5, 9, NULL},
    {"large/gettext-en-ja.xlf", 66142, 0, "translated:66142"},
    {"large/gettext-en-de.xliff20.xlf", 58352, 58352, "translated:58352"},
};

typedef struct tally {
    size_t units, segments;
    const char *names[64];
    size_t n[64], nnames;
    char buf[64][40];
} tally;

static void tally_state(tally *t, const char *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < t->nnames; i++)
        if (strcmp(t->names[i], s) == 0) {
            t->n[i]++;
            return;
        }
    if (t->nnames < 64) {
        snprintf(t->buf[t->nnames], sizeof(t->buf[0]), "%s", s);
        t->names[t->nnames] = t->buf[t->nnames];
        t->n[t->nnames++] = 1;
    }
}

static int tally_unit(const cc_doc_unit *u, void *ud)
{
    tally *t = ud;
    t->units++;
    int v2 = 0;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role == CC_DOC_SOURCE) {
            t->segments++;
            if (p->state)
                tally_state(t, p->state), v2 = 1;
        }
        /* every piece's text is valid UTF-8 and its codes within it */
        assert_int_equal(concord_text_validate(p->text, p->len), 0);
        for (size_t k = 0; k < p->ncodes; k++)
            assert_true(p->codes[k].offset <= p->len);
    }
    if (!v2 && u->state && !(u->npieces && u->pieces[0].state))
        tally_state(t, u->state);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void states_string(tally *t, char *out, size_t cap)
{
    size_t order[64];
    const char *sorted[64];
    for (size_t i = 0; i < t->nnames; i++)
        sorted[i] = t->names[i];
    qsort(sorted, t->nnames, sizeof(sorted[0]), by_name);
    out[0] = '\0';
    for (size_t i = 0; i < t->nnames; i++) {
        for (size_t j = 0; j < t->nnames; j++)
            if (t->names[j] == sorted[i])
                order[i] = j;
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s:%zu", i ? " " : "", sorted[i], t->n[order[i]]);
    }
}

static void test_counts(void **state)
{
    (void)state;
    if (!have_shared())
        skip();
    for (size_t i = 0; i < CC_ARRAY_LEN(counts); i++) {
        const count_case *c = &counts[i];
        char path[1024], got[2048];
        snprintf(path, sizeof(path), SHARED "%s", c->file);
        tally *t = calloc(1, sizeof(*t));
        int rc = cc_doc_read_xliff(path, NULL, 0, tally_unit, t);
        if (rc < 0)
            fail_msg("%s: %s", c->file, concord_error_last()->message);
        states_string(t, got, sizeof(got));
        if (t->units != c->units || (c->segments && t->segments != c->segments) ||
            (c->states && strcmp(got, c->states) != 0))
            fail_msg("%s: %zu units, %zu segments, states \"%s\"; the README says %zu, %zu, "
                     "\"%s\"",
                     c->file, t->units, t->segments, got, c->units, c->segments,
                     c->states ? c->states : "-");
        free(t);
    }
}

/* ---- what a unit holds -------------------------------------------------------------------- */

typedef struct keep {
    size_t n;
    char text[16][96];
    size_t seg[16];
    int role[16], absent[16], translate[8], status[8];
    char id[8][16], path[8][32], notes[8][32], context[8][32], trglang[8][8];
    size_t ncodes[16];
    char code0[16][64];
    size_t units;
} keep;

static int keep_unit(const cc_doc_unit *u, void *ud)
{
    keep *k = ud;
    if (k->units < 8) {
        size_t i = k->units;
        snprintf(k->id[i], sizeof(k->id[i]), "%s", u->id ? u->id : "");
        snprintf(k->path[i], sizeof(k->path[i]), "%s", u->path ? u->path : "");
        snprintf(k->notes[i], sizeof(k->notes[i]), "%s", u->notes ? u->notes : "");
        snprintf(k->context[i], sizeof(k->context[i]), "%s", u->context ? u->context : "");
        snprintf(k->trglang[i], sizeof(k->trglang[i]), "%s", u->trglang ? u->trglang : "");
        k->translate[i] = u->translate;
        k->status[i] = (int)u->status;
    }
    k->units++;
    for (size_t i = 0; i < u->npieces && k->n < 16; i++, k->n++) {
        const cc_doc_piece *p = &u->pieces[i];
        snprintf(k->text[k->n], sizeof(k->text[0]), "%.*s", (int)p->len, p->text);
        k->seg[k->n] = p->seg;
        k->role[k->n] = (int)p->role;
        k->absent[k->n] = p->absent;
        k->ncodes[k->n] = p->ncodes;
        snprintf(k->code0[k->n], sizeof(k->code0[0]), "%s", p->ncodes ? p->codes[0].content : "");
    }
    return 0;
}

static void test_model(void **state)
{
    (void)state;
    keep k;
    memset(&k, 0, sizeof(k));
    assert_int_equal(cc_doc_read_xliff(LOCAL "seg12.xlf", NULL, 0, keep_unit, &k), 0);
    assert_int_equal(k.units, 4);
    /* unit 1: codes as the file has them, the alt-trans never the target */
    assert_string_equal(k.id[0], "open");
    assert_string_equal(k.context[0], "menu.open");
    assert_string_equal(k.path[0], "ui.properties/menu");
    assert_string_equal(k.notes[0], "A menu item");
    assert_string_equal(k.trglang[0], "fr-FR");
    assert_string_equal(k.text[0], "Open the file & go.");
    assert_int_equal(k.ncodes[0], 5);
    assert_string_equal(k.code0[0], "<g id=\"1\">");
    assert_string_equal(k.text[1], "Ouvrir le fichier");
    assert_int_equal(k.status[0], CC_DOC_FUZZY);
    /* unit 2: translate="no", no target */
    assert_int_equal(k.translate[1], 0);
    assert_int_equal(k.absent[3], 1);
    /* unit 3: two segments of seg-source; the second has no target mrk */
    assert_string_equal(k.text[4], "One.");
    assert_string_equal(k.text[5], "Un.");
    assert_string_equal(k.text[6], "Two \xF0\x9F\x98\x80.");
    assert_int_equal(k.seg[6], 1);
    assert_int_equal(k.absent[7], 1);
    /* unit 4: CDATA is text, ph content is a code */
    assert_string_equal(k.text[8], "a < b and  c");
    assert_string_equal(k.code0[8], "<ph id=\"1\">{0}</ph>");

    memset(&k, 0, sizeof(k));
    assert_int_equal(cc_doc_read_xliff(LOCAL "v20.xlf", NULL, 0, keep_unit, &k), 0);
    assert_int_equal(k.units, 1);
    assert_string_equal(k.path[0], "g1");
    assert_string_equal(k.context[0], "greeting");
    assert_string_equal(k.notes[0], "Shown first");
    /* the match's source is not the unit's; the ignorable is not a segment */
    assert_int_equal(k.n, 4);
    assert_string_equal(k.text[0], "Hello world");
    assert_string_equal(k.code0[0], "<pc id=\"1\">");
    assert_string_equal(k.text[1], "Hallo Welt");
    assert_string_equal(k.text[2], "Tab\x01 bold <end>");
    assert_int_equal(k.absent[3], 1);
    assert_int_equal(k.status[0], CC_DOC_UNTRANSLATED); /* its second segment has no target */

    memset(&k, 0, sizeof(k));
    assert_int_equal(cc_doc_read_xliff(LOCAL "cp1252.xlf", NULL, 0, keep_unit, &k), 0);
    assert_string_equal(k.text[0], "Caf\xC3\xA9 line\nnext \xE2\x82\xAC \xC3\xA9");
}

/* ---- what a rewrite must not change -------------------------------------------------------- */

static int to_buf(const void *data, size_t len, void *ud);
static int bracket_all(const cc_doc_unit *u, cc_doc_edit *e, void *ud);

static void test_never_changed(void **state)
{
    (void)state;
    /* translate="no" on a group holds for its units; on a unit, for it */
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" "
        "srcLang=\"en\" trgLang=\"fr\">\n"
        " <file id=\"f\">\n"
        "  <group id=\"g\" translate=\"no\">\n"
        "   <unit id=\"u1\"><segment><source>Keep</source></segment></unit>\n"
        "  </group>\n"
        "  <unit id=\"u2\" translate=\"no\"><segment><source>Keep too</source>"
        "<target>Garder</target></segment></unit>\n"
        " </file>\n"
        "</xliff>\n";
    cc_buf out = CC_BUF_INIT;
    assert_int_equal(
        cc_doc_rewrite_xliff("never.xlf", doc, sizeof(doc) - 1, bracket_all, NULL, to_buf, &out),
        0);
    assert_int_equal(out.len, sizeof(doc) - 1);
    assert_memory_equal(out.data, doc, out.len);
    cc_buf_free(&out);

    /* 1.2: the new target of an unsegmented unit, with the source's indentation and codes,
       escaped; a state replaced in place; a seg-source unit gets its missing mrk */
    size_t len;
    char *data = slurp(LOCAL "seg12.xlf", &len);
    assert_non_null(data);
    assert_int_equal(cc_doc_rewrite_xliff("seg12.xlf", data, len, bracket_all, NULL, to_buf, &out),
                     0);
    cc_buf_putc(&out, '\0');
    assert_non_null(strstr(out.data,
                           "\n     <target state=\"translated\">[Open <g id=\"1\">the</g> "
                           "file<x id=\"2\"/> &amp; <bpt id=\"3\">&lt;b&gt;</bpt>go<ept "
                           "id=\"3\">&lt;/b&gt;</ept>.]</target>\n"));
    assert_non_null(strstr(out.data, "<target state=\"translated\"><mrk mtype=\"seg\" "
                                     "mid=\"a\">[One.]</mrk> <mrk mtype=\"seg\" mid=\"b\">[Two "
                                     "\xF0\x9F\x98\x80.]</mrk></target>"));
    assert_non_null(strstr(out.data, "<source>concord</source>\n    </trans-unit>"));
    assert_null(strstr(out.data, "Never this]"));
    cc_buf_free(&out);
    free(data);

    /* windows-1252: the new text in the file's charset, what it cannot hold as a reference */
    data = slurp(LOCAL "cp1252.xlf", &len);
    assert_non_null(data);
    assert_int_equal(
        cc_doc_rewrite_xliff("cp1252.xlf", data, len, bracket_all, "\xE2\x9C\x93", to_buf, &out),
        0);
    cc_buf_putc(&out, '\0');
    assert_non_null(strstr(out.data, "\r\n    <target state=\"translated\">[Caf\xE9 line\nnext "
                                     "\x80 \xE9&#10003;]</target>\r\n"));
    cc_buf_free(&out);
    free(data);
}

/* ---- refusals ----------------------------------------------------------------------------- */

typedef struct refuse_case {
    const char *file; /* "@" for tests/data/doc, else ../shared/data/bilingual */
    int code;
    unsigned long line, column;
} refuse_case;

static int count_unit(const cc_doc_unit *u, void *ud)
{
    (void)u;
    (*(size_t *)ud)++;
    return 0;
}

static void test_refused(void **state)
{
    (void)state;
    static const refuse_case cases[] = {
        /* not well-formed (libxml2's position) */
        {"@mismatched-tag.xlf", CONCORD_EPARSE, 6, 45},
        {"@bare-amp.xlf", CONCORD_EPARSE, 6, 19},
        {"@invalid-utf8.xlf", CONCORD_EPARSE, 6, 16},
        /* namespace errors: xmllint only warns, concord refuses */
        {"@undeclared-prefix.xlf", CONCORD_EPARSE, 5, 34},
        {"xliff12/matecat/file-with-complex-structure.xliff", CONCORD_EPARSE, 91, 68},
        {"xliff12/matecat/context-group-nested.mxliff.xlf", CONCORD_EPARSE, 7, 53},
        {"xliff12/matecat/v1-duplicate-ids.xliff", CONCORD_EPARSE, 2, 110},
        {"xliff2/matecat/with-segment-state.xliff", CONCORD_EPARSE, 3, 146},
        /* XLIFF's own rules, at the element that breaks them */
        {"@no-source.xlf", CONCORD_EPARSE, 5, 4},
        {"@duplicate-id.xlf", CONCORD_EPARSE, 9, 5},
        /* the OASIS invalid set: the five the XSD rejects ... */
        {"xliff2/oasis-xliff21-test-suite/invalid/bad_SegmentWithoutSource.xlf", CONCORD_EPARSE, 6,
         5},
        {"xliff2/oasis-xliff21-test-suite/invalid/bad_InvalidStateValue.xlf", CONCORD_EPARSE, 5, 4},
        {"xliff2/oasis-xliff21-test-suite/invalid/bad_TwoSourceInUnit.xlf", CONCORD_EPARSE, 7, 5},
        {"xliff2/oasis-xliff21-test-suite/invalid/bad_NoFile.xlf", CONCORD_EPARSE, 2, 1},
        {"xliff2/oasis-xliff21-test-suite/invalid/bad_InvalidId1.xlf", CONCORD_EPARSE, 4, 3},
        /* ... and the five that break processing requirements only */
        {"xliff2/oasis-xliff21-test-suite/invalid/bad_EcBeforeSc.xlf", CONCORD_EPARSE, 6, 13},
        {"xliff2/oasis-xliff21-test-suite/invalid/bad_EmBeforeSm.xlf", CONCORD_EPARSE, 6, 13},
        {"xliff2/oasis-xliff21-test-suite/invalid/bad_DataIdNotUnique.xlf", CONCORD_EPARSE, 7, 5},
        {"xliff2/oasis-xliff21-test-suite/invalid/bad_FileIdNotUnique.xlf", CONCORD_EPARSE, 11, 2},
        {"xliff2/oasis-xliff21-test-suite/invalid/Bad-mtc_match-ID-not-unique.xlf", CONCORD_EPARSE,
         23, 13},
    };
    int shared = have_shared();
    for (size_t i = 0; i < CC_ARRAY_LEN(cases); i++) {
        const refuse_case *c = &cases[i];
        char path[1024];
        if (c->file[0] == '@')
            snprintf(path, sizeof(path), LOCAL "%s", c->file + 1);
        else if (shared)
            snprintf(path, sizeof(path), SHARED "%s", c->file);
        else
            continue;
        size_t n = 0;
        int rc = cc_doc_read_xliff(path, NULL, 0, count_unit, &n);
        const concord_error *e = concord_error_last();
        if (rc != c->code || e->line != c->line || e->column != c->column || !e->file ||
            !strstr(e->file, strrchr(c->file, '/') ? strrchr(c->file, '/') + 1 : c->file + 1))
            fail_msg("%s: rc %d at %s:%lu:%lu (%s), expected %d at %lu:%lu", c->file, rc,
                     e->file ? e->file : "-", e->line, e->column, e->message, c->code, c->line,
                     c->column);
        /* the same from memory */
        size_t len;
        char *data = slurp(path, &len);
        assert_non_null(data);
        rc = cc_doc_read_xliff(path, data, len, count_unit, &n);
        e = concord_error_last();
        if (rc != c->code || e->line != c->line)
            fail_msg("%s from memory: rc %d at %lu:%lu", c->file, rc, e->line, e->column);
        /* invalid UTF-8: the offset is the bad byte's */
        if (strstr(c->file, "utf8"))
            assert_int_equal(e->offset, (size_t)((const char *)memchr(data, 0xC3, len) - data));
        free(data);
    }
}

/* ---- every readable file: locate, rewrite --------------------------------------------------- */

static const char *const dirs[] = {
    "xliff12/matecat",
    "xliff12/okapi",
    "xliff12/orcid-angular",
    "xliff2/matecat",
    "xliff2/oasis-xliff21-test-suite/valid",
};

typedef struct files {
    char path[128][1600];
    size_t n;
} files;

static void list_files(files *fs)
{
    fs->n = 0;
    static const char *const local[] = {"seg12.xlf", "v20.xlf", "cp1252.xlf"};
    for (size_t i = 0; i < CC_ARRAY_LEN(local); i++)
        snprintf(fs->path[fs->n++], sizeof(fs->path[0]), LOCAL "%s", local[i]);
    if (!have_shared())
        return;
    for (size_t d = 0; d < CC_ARRAY_LEN(dirs); d++) {
        char dir[1200];
        snprintf(dir, sizeof(dir), SHARED "%s", dirs[d]);
        DIR *dh = opendir(dir);
        if (!dh)
            continue;
        for (struct dirent *de; (de = readdir(dh)) && fs->n < 128;) {
            const char *x = strrchr(de->d_name, '.');
            if (!x || !(strcmp(x, ".xlf") == 0 || strcmp(x, ".xliff") == 0 ||
                        strcmp(x, ".sdlxliff") == 0))
                continue;
            snprintf(fs->path[fs->n], sizeof(fs->path[0]), "%s/%s", dir, de->d_name);
            size_t n = 0;
            if (cc_doc_read_xliff(fs->path[fs->n], NULL, 0, count_unit, &n) == 0)
                fs->n++;
        }
        closedir(dh);
    }
}

/* The code point at s (UTF-8), its length in *n. */
static unsigned long u8(const unsigned char *s, size_t *n)
{
    if (s[0] < 0x80)
        return *n = 1, s[0];
    if (s[0] < 0xE0)
        return *n = 2, ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3F);
    if (s[0] < 0xF0)
        return *n = 3, ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3F);
    return *n = 4,
           ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3F);
}

typedef struct oracle {
    const char *path;
    const char *data;
    size_t len;
    int cp1252;
    size_t checked;
} oracle;

/* The character the file has at off: a reference, a <cp/>, CR (LF), or itself. */
static unsigned long file_char(const oracle *o, size_t off)
{
    const unsigned char *s = (const unsigned char *)o->data + off;
    size_t n;
    if (s[0] == '&') {
        if (s[1] == '#')
            return s[2] == 'x' ? strtoul((const char *)s + 3, NULL, 16)
                               : strtoul((const char *)s + 2, NULL, 10);
        static const char *const names[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
        static const char chars[] = "&<>\"'";
        for (size_t i = 0; i < 5; i++)
            if (strncmp((const char *)s, names[i], strlen(names[i])) == 0)
                return (unsigned char)chars[i];
        return 0;
    }
    if (s[0] == '<' && strncmp((const char *)s, "<cp hex=", 8) == 0)
        return strtoul((const char *)s + 9, NULL, 16);
    if (s[0] == '\r')
        return '\n';
    if (o->cp1252 && s[0] >= 0x80) {
        cc_conv *c = NULL;
        cc_buf b = CC_BUF_INIT;
        unsigned long cp = 0;
        if (cc_conv_open(&c, "windows-1252") == 0 &&
            cc_conv_to_utf8(c, (const char *)s, 1, 1, &b, NULL) == 0 && b.len)
            cp = u8((const unsigned char *)b.data, &n);
        cc_conv_close(c);
        cc_buf_free(&b);
        return cp;
    }
    return u8(s, &n);
}

static int oracle_unit(const cc_doc_unit *u, void *ud)
{
    oracle *o = ud;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->absent)
            continue;
        size_t ks[3] = {0, p->len / 2, p->len};
        while (ks[1] > 0 && ((unsigned char)p->text[ks[1]] & 0xC0) == 0x80)
            ks[1]--;
        for (size_t j = 0; j < 3; j++) {
            cc_doc_pos pos;
            int rc = cc_doc_locate_xliff(o->path, NULL, 0, p, ks[j], &pos);
            if (rc < 0)
                fail_msg("%s: piece at %llu, offset %zu: %s", o->path, p->raw, ks[j],
                         concord_error_last()->message);
            if (pos.offset >= o->len)
                fail_msg("%s: located past the end", o->path);
            if (ks[j] == p->len) {
                /* just after the text: the end tag (or a tag after the last character) */
                if (o->data[pos.offset] != '<')
                    fail_msg("%s: the end of piece at %llu located at %zu ('%c')", o->path, p->raw,
                             pos.offset, o->data[pos.offset]);
                continue;
            }
            size_t n;
            unsigned long want = u8((const unsigned char *)p->text + ks[j], &n);
            unsigned long got = file_char(o, pos.offset);
            if (want != got)
                fail_msg("%s: piece at %llu, offset %zu: text has U+%04lX, the file at %zu "
                         "(%lu:%lu) U+%04lX",
                         o->path, p->raw, ks[j], want, pos.offset, pos.line, pos.column, got);
            /* the line and columns, counted from the start of the file (small files) */
            if (o->len < 120000 && j == 1) {
                cc_doc_pos from = CC_DOC_POS_START;
                cc_doc_pos_advance(&from, o->data, pos.offset);
                if (!o->cp1252 && (from.line != pos.line || from.column != pos.column ||
                                   from.byte_column != pos.byte_column))
                    fail_msg("%s: at %zu: %lu:%lu (byte %lu), counted %lu:%lu (byte %lu)", o->path,
                             pos.offset, pos.line, pos.column, pos.byte_column, from.line,
                             from.column, from.byte_column);
            }
            o->checked++;
        }
    }
    return 0;
}

static void test_locate(void **state)
{
    (void)state;
    files *fs = calloc(1, sizeof(*fs));
    list_files(fs);
    size_t checked = 0;
    for (size_t i = 0; i < fs->n; i++) {
        oracle o = {fs->path[i], NULL, 0, 0, 0};
        o.data = slurp(o.path, &o.len);
        assert_non_null(o.data);
        o.cp1252 = strstr(o.path, "cp1252") != NULL || strstr(o.path, "SF-12-Test03") != NULL;
        if (cc_doc_read_xliff(o.path, NULL, 0, oracle_unit, &o) < 0)
            fail_msg("%s: %s", o.path, concord_error_last()->message);
        checked += o.checked;
        free((void *)o.data);
    }
    printf("located %zu offsets in %zu files\n", checked, fs->n);
    free(fs);
}

/* ---- rewriting -------------------------------------------------------------------------- */

typedef struct sink {
    char *data;
    size_t len, cap;
} sink;

static int to_sink(const void *data, size_t len, void *ud)
{
    sink *s = ud;
    if (s->len + len + 1 > s->cap) {
        s->cap = (s->len + len + 1) * 2;
        s->data = realloc(s->data, s->cap);
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    s->data[s->len] = '\0'; /* the checks below look into it with strstr */
    return 0;
}

static int no_edit(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    (void)u, (void)e, (void)ud;
    return 0;
}

/* every target := "[" + its source + "]", with the source's codes */
typedef struct bracket {
    char text[1 << 16];
    concord_code codes[4096];
    cc_doc_target t[256];
} bracket;

static int bracket_edit(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    bracket *b = ud;
    size_t at = 0, nc = 0, nt = 0;
    for (size_t i = 0; i < u->npieces && nt < 256; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role != CC_DOC_SOURCE)
            continue;
        if (at + p->len + 2 > sizeof(b->text) || nc + p->ncodes > 4096)
            break;
        cc_doc_target *t = &b->t[nt++];
        t->seg = p->seg;
        t->text = b->text + at;
        b->text[at++] = '[';
        memcpy(b->text + at, p->text, p->len);
        at += p->len;
        b->text[at++] = ']';
        t->len = p->len + 2;
        t->codes = b->codes + nc;
        for (size_t k = 0; k < p->ncodes; k++) {
            b->codes[nc] = p->codes[k];
            b->codes[nc++].offset++;
        }
        t->ncodes = p->ncodes;
    }
    e->targets = b->t;
    e->ntargets = nt;
    e->status = CC_DOC_TRANSLATED;
    return 0;
}

/*
 * The bytes of a document with its target elements (and the white space
 * before each) and the state attributes of segment and target start tags
 * taken out: what a rewrite must leave as it was. Target elements are found
 * from the reader's pieces (a target <mrk>'s enclosing <target>).
 */
typedef struct masker {
    const char *data;
    size_t len;
    char *cut; /* 1: byte taken out */
    int v2;
    size_t units;
    int unchanged_units_ok;
} masker;

static size_t elem_end(const char *d, size_t len, size_t lt)
{
    /* the data is well-formed: count start and end tags */
    size_t depth = 0;
    for (size_t i = lt; i < len; i++) {
        if (d[i] != '<')
            continue;
        if (strncmp(d + i, "<!--", 4) == 0) {
            i = (size_t)(strstr(d + i, "-->") - d) + 2;
            continue;
        }
        if (strncmp(d + i, "<![CDATA[", 9) == 0) {
            i = (size_t)(strstr(d + i, "]]>") - d) + 2;
            continue;
        }
        size_t e = i;
        char q = 0;
        while (e < len && (q || d[e] != '>')) {
            if (q && d[e] == q)
                q = 0;
            else if (!q && (d[e] == '"' || d[e] == '\''))
                q = d[e];
            e++;
        }
        if (d[i + 1] == '/') {
            if (--depth == 0)
                return e + 1;
        } else if (d[e - 1] != '/') {
            depth++;
        } else if (depth == 0) {
            return e + 1;
        }
        i = e;
    }
    return len;
}

static void cut_state(masker *m, size_t lt)
{
    size_t e = lt;
    while (e < m->len && m->data[e] != '>')
        e++;
    for (size_t i = lt; i + 8 < e; i++)
        if (memcmp(m->data + i, " state=\"", 8) == 0) {
            size_t j = i + 8;
            while (j < e && m->data[j] != '"')
                j++;
            memset(m->cut + i, 1, j + 1 - i);
        }
}

static void cut_target(masker *m, size_t lt)
{
    /* a target <mrk>: its <target> */
    if (strncmp(m->data + lt, "<mrk", 4) == 0) {
        while (lt > 0 && !(m->data[lt] == '<' && strncmp(m->data + lt, "<target", 7) == 0))
            lt--;
    }
    size_t s = lt;
    while (s > 0 && strchr(" \t\r\n", m->data[s - 1]))
        s--;
    memset(m->cut + s, 1, elem_end(m->data, m->len, lt) - s);
}

static int mask_unit(const cc_doc_unit *u, void *ud)
{
    masker *m = ud;
    m->units++;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role == CC_DOC_TARGET && !p->absent)
            cut_target(m, (size_t)p->raw);
        if (m->v2 && p->role == CC_DOC_SOURCE) {
            size_t lt = (size_t)p->raw;
            while (lt > 0 && strncmp(m->data + lt, "<segment", 8) != 0)
                lt--;
            cut_state(m, lt);
        }
    }
    return 0;
}

static char *masked(const char *path, const char *data, size_t len, size_t *out_len)
{
    masker m = {data, len, calloc(len + 1, 1), strstr(data, "document:2.0") != NULL, 0, 0};
    assert_int_equal(cc_doc_read_xliff(path, data, len, mask_unit, &m), 0);
    char *o = malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (!m.cut[i])
            o[n++] = data[i];
    free(m.cut);
    *out_len = n;
    return o;
}

typedef struct reread {
    bracket *want; /* the sources of the input, as brackets */
    size_t units, targets, bad;
    const char *path;
} reread;

static int check_unit(const cc_doc_unit *u, void *ud)
{
    reread *r = ud;
    r->units++;
    if (!u->translate)
        return 0;
    for (size_t i = 0; i + 1 < u->npieces; i++) {
        const cc_doc_piece *s = &u->pieces[i], *t = &u->pieces[i + 1];
        if (s->role != CC_DOC_SOURCE || t->role != CC_DOC_TARGET || s->seg != t->seg)
            continue;
        r->targets++;
        /* the new target: [source] (character references resolved alike) */
        int ok = !t->absent && t->len == s->len + 2 && t->text[0] == '[' &&
                 memcmp(t->text + 1, s->text, s->len) == 0 && t->text[t->len - 1] == ']';
        if (!ok && r->bad++ < 3)
            print_message("%s: unit %zu seg %zu: target \"%.*s\" for source \"%.*s\"\n", r->path,
                          u->index, s->seg, (int)(t->len > 60 ? 60 : t->len), t->text,
                          (int)(s->len > 60 ? 60 : s->len), s->text);
        if (u->status != CC_DOC_TRANSLATED && r->bad++ < 3)
            print_message("%s: unit %zu: status %d\n", r->path, u->index, (int)u->status);
    }
    return 0;
}

static void test_rewrite(void **state)
{
    (void)state;
    files *fs = calloc(1, sizeof(*fs));
    bracket *b = calloc(1, sizeof(*b));
    list_files(fs);
    size_t identical = 0, confined = 0, reread_ok = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const char *path = fs->path[i];
        size_t len;
        char *data = slurp(path, &len);
        assert_non_null(data);
        /* no edit: the input, from the file and from memory */
        sink s = {NULL, 0, 0};
        assert_int_equal(cc_doc_rewrite_xliff(path, NULL, 0, no_edit, NULL, to_sink, &s), 0);
        if (s.len != len || memcmp(s.data, data, len) != 0)
            fail_msg("%s: rewritten with no edit, %zu bytes differ from the input's %zu", path,
                     s.len, len);
        s.len = 0;
        assert_int_equal(cc_doc_rewrite_xliff(path, data, len, no_edit, NULL, to_sink, &s), 0);
        assert_true(s.len == len && memcmp(s.data, data, len) == 0);
        identical++;
        /* every target changed */
        s.len = 0;
        if (cc_doc_rewrite_xliff(path, data, len, bracket_edit, b, to_sink, &s) < 0)
            fail_msg("%s: %s", path, concord_error_last()->message);
        reread r = {b, 0, 0, 0, path};
        if (cc_doc_read_xliff("rewritten", s.data, s.len, check_unit, &r) < 0)
            fail_msg("%s rewritten: %s", path, concord_error_last()->message);
        if (r.bad)
            fail_msg("%s: %zu targets not as written", path, r.bad);
        reread_ok++;
        /* and nothing else changed */
        size_t na, nb;
        char *ma = masked(path, data, len, &na), *mb = masked("rewritten", s.data, s.len, &nb);
        if (na != nb || memcmp(ma, mb, na) != 0) {
            size_t k = 0;
            while (k < na && k < nb && ma[k] == mb[k])
                k++;
            fail_msg("%s: the rewrite changed more than targets and states, near \"%.40s\" / "
                     "\"%.40s\"",
                     path, ma + (k > 20 ? k - 20 : 0), mb + (k > 20 ? k - 20 : 0));
        }
        confined++;
        free(ma);
        free(mb);
        free(s.data);
        free(data);
    }
    printf("%zu files: %zu rewritten unchanged identical, %zu re-read with every target new, "
           "%zu changed only in targets and states\n",
           fs->n, identical, reread_ok, confined);
    free(b);
    free(fs);
}

static int to_buf(const void *data, size_t len, void *ud)
{
    return cc_buf_append(ud, data, len);
}

/* every target := "[" source (ud: a suffix, or NULL) "]", the source's codes */
static int bracket_all(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    static char text[4][512];
    static concord_code codes[4][32];
    static cc_doc_target t[4];
    const char *suffix = ud ? ud : "";
    size_t nt = 0;
    for (size_t i = 0; i < u->npieces && nt < 4; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role != CC_DOC_SOURCE || p->len + strlen(suffix) + 3 > sizeof(text[0]) ||
            p->ncodes > 32)
            continue;
        snprintf(text[nt], sizeof(text[0]), "[%.*s%s]", (int)p->len, p->text, suffix);
        for (size_t k = 0; k < p->ncodes; k++) {
            codes[nt][k] = p->codes[k];
            codes[nt][k].offset++;
        }
        t[nt] = (cc_doc_target){p->seg, text[nt], strlen(text[nt]), codes[nt], p->ncodes};
        nt++;
    }
    e->targets = t;
    e->ntargets = nt;
    e->status = CC_DOC_TRANSLATED;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),        cmocka_unit_test(test_model),
        cmocka_unit_test(test_never_changed), cmocka_unit_test(test_refused),
        cmocka_unit_test(test_locate),        cmocka_unit_test(test_rewrite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
