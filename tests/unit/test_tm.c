/*
 * test_tm.c — the translation memory: the TMX reader and its inline codes,
 * the duplicate policy on its own (a pure function, no SQLite), the store
 * (import, duplicates, export, statistics), every kind of bad input, files
 * that are not TMs, and out-of-memory during an import.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "concord/concord.h"
#include "failalloc.h"
#include "pieces.h"
#include "tm/dup_policy.h"
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

/* ---- the duplicate policy, without a store --------------------------------------------- */

/* Shorthands for the policy's tables: what the store has, what is done. */
enum {
    SRC = CC_DUP_IS_SOURCE,
    REP = CC_DUP_REPEAT,
    PAIR = CC_DUP_PAIR,
    LANG = CC_DUP_LANG,
    NONE = CC_DUP_NONE
};
enum { DROP = CC_DUP_DROP, NEW = CC_DUP_NEW_UNIT, JOIN = CC_DUP_JOIN, SOURCE = CC_DUP_SOURCE };
enum { EN = 1, RU, JA, DE };

typedef struct policy_case {
    const char *what;
    concord_duplicates policy;
    int source_stored;
    size_t n, src;
    struct {
        int found, lang;
        size_t repeat_of;
        int reversed;
    } v[5];
    int act[5], remove[5];
    int identical, alternative, skipped, replace;
    size_t stored;
} policy_case;

/* Every rule of concord_tm_import_tmx() (concord/tm.h), one row or more each. */
/* clang-format off: one case per row */
static const policy_case policy_cases[] = {
    {"a source alone, new: stored",
     CONCORD_DUP_KEEP,
     0,
     1,
     0,
     {{SRC, EN, 0, 0}},
     {SOURCE},
     {0},
     0,
     0,
     0,
     0,
     0},
    {"a source alone, stored: stored once",
     CONCORD_DUP_KEEP,
     1,
     1,
     0,
     {{SRC, EN, 0, 0}},
     {DROP},
     {0},
     1,
     0,
     0,
     0,
     0},
    {"a new unit: stored as it is",
     CONCORD_DUP_KEEP,
     0,
     3,
     0,
     {{SRC, EN, 0, 0}, {NONE, RU, 0, 0}, {NONE, JA, 0, 0}},
     {SOURCE, NEW, NEW},
     {0},
     0,
     0,
     0,
     0,
     2},
    {"the pair is stored: not stored again",
     CONCORD_DUP_KEEP,
     1,
     2,
     0,
     {{SRC, EN, 0, 0}, {PAIR, RU, 0, 0}},
     {DROP, DROP},
     {0},
     1,
     0,
     0,
     0,
     0},
    {"the pair is stored the other way round: not stored again",
     CONCORD_DUP_REPLACE,
     0,
     2,
     0,
     {{SRC, EN, 0, 0}, {PAIR, RU, 0, 1}},
     {DROP, DROP},
     {0},
     1,
     0,
     0,
     0,
     0},
    {"a pair of a many-language unit is stored, whatever the policy",
     CONCORD_DUP_SKIP,
     1,
     3,
     1,
     {{PAIR, EN, 0, 0}, {SRC, RU, 0, 0}, {PAIR, DE, 0, 1}},
     {DROP, DROP, DROP},
     {0},
     1,
     0,
     0,
     0,
     0},
    {"a new language of a stored source joins its unit",
     CONCORD_DUP_KEEP,
     1,
     3,
     0,
     {{SRC, EN, 0, 0}, {PAIR, RU, 0, 0}, {NONE, JA, 0, 0}},
     {SOURCE, DROP, JOIN},
     {0},
     0,
     0,
     0,
     0,
     1},
    {"two translations of one source are not a pair: ru>ja of them is new",
     CONCORD_DUP_KEEP,
     0,
     2,
     0,
     {{SRC, RU, 0, 0}, {NONE, JA, 0, 0}},
     {SOURCE, NEW},
     {0},
     0,
     0,
     0,
     0,
     1},
    {"another translation, keep: stored too, an alternative",
     CONCORD_DUP_KEEP,
     1,
     2,
     0,
     {{SRC, EN, 0, 0}, {LANG, RU, 0, 0}},
     {SOURCE, NEW},
     {0},
     0,
     1,
     0,
     0,
     1},
    {"another translation, skip: dropped",
     CONCORD_DUP_SKIP,
     1,
     2,
     0,
     {{SRC, EN, 0, 0}, {LANG, RU, 0, 0}},
     {DROP, DROP},
     {0},
     0,
     0,
     1,
     0,
     0},
    {"another translation, replace: the stored ones in its language go",
     CONCORD_DUP_REPLACE,
     1,
     2,
     0,
     {{SRC, EN, 0, 0}, {LANG, RU, 0, 0}},
     {SOURCE, NEW},
     {0, 1},
     0,
     0,
     0,
     1,
     1},
    {"skip drops the other translation, a new language still joins",
     CONCORD_DUP_SKIP,
     1,
     3,
     0,
     {{SRC, EN, 0, 0}, {LANG, RU, 0, 0}, {NONE, JA, 0, 0}},
     {SOURCE, DROP, JOIN},
     {0},
     0,
     0,
     1,
     0,
     1},
    {"keep: the new language joins, the other translation is an alternative",
     CONCORD_DUP_KEEP,
     1,
     3,
     0,
     {{SRC, EN, 0, 0}, {LANG, RU, 0, 0}, {NONE, JA, 0, 0}},
     {SOURCE, NEW, JOIN},
     {0},
     0,
     1,
     0,
     0,
     2},
    {"replace keeps a stored translation the unit carries too",
     CONCORD_DUP_REPLACE,
     1,
     3,
     0,
     {{SRC, EN, 0, 0}, {PAIR, RU, 0, 0}, {LANG, RU, 0, 0}},
     {SOURCE, NEW, NEW},
     {0, 0, 1},
     0,
     0,
     0,
     1,
     2},
    {"replace leaves a pair stored the other way round where it is",
     CONCORD_DUP_REPLACE,
     1,
     3,
     0,
     {{SRC, EN, 0, 0}, {PAIR, RU, 0, 1}, {LANG, RU, 0, 0}},
     {SOURCE, DROP, NEW},
     {0, 0, 1},
     0,
     0,
     0,
     1,
     1},
    {"replace in one language leaves stored pairs of the others",
     CONCORD_DUP_REPLACE,
     1,
     3,
     0,
     {{SRC, EN, 0, 0}, {LANG, RU, 0, 0}, {PAIR, DE, 0, 0}},
     {SOURCE, NEW, DROP},
     {0, 1, 0},
     0,
     0,
     0,
     1,
     1},
    {"the same translation twice in a unit is stored once",
     CONCORD_DUP_KEEP,
     0,
     3,
     0,
     {{SRC, EN, 0, 0}, {NONE, RU, 0, 0}, {REP, RU, 1, 0}},
     {SOURCE, NEW, DROP},
     {0},
     0,
     0,
     0,
     0,
     1},
    {"a stored translation twice, replace: kept once",
     CONCORD_DUP_REPLACE,
     1,
     4,
     0,
     {{SRC, EN, 0, 0}, {PAIR, RU, 0, 0}, {REP, RU, 1, 0}, {LANG, RU, 0, 0}},
     {SOURCE, NEW, DROP, NEW},
     {0, 0, 0, 1},
     0,
     0,
     0,
     1,
     2},
    {"a pair stored the other way round, twice, replace: stays",
     CONCORD_DUP_REPLACE,
     1,
     4,
     0,
     {{SRC, EN, 0, 0}, {PAIR, RU, 0, 1}, {REP, RU, 1, 0}, {LANG, RU, 0, 0}},
     {SOURCE, DROP, DROP, NEW},
     {0, 0, 0, 1},
     0,
     0,
     0,
     1,
     1},
    {"nothing new: identical",
     CONCORD_DUP_REPLACE,
     1,
     4,
     2,
     {{PAIR, RU, 0, 0}, {REP, RU, 0, 0}, {SRC, EN, 0, 0}, {PAIR, JA, 0, 1}},
     {DROP, DROP, DROP, DROP},
     {0},
     1,
     0,
     0,
     0,
     0},
    {"the source need not be first",
     CONCORD_DUP_KEEP,
     1,
     3,
     2,
     {{NONE, JA, 0, 0}, {LANG, RU, 0, 0}, {SRC, EN, 0, 0}},
     {JOIN, NEW, SOURCE},
     {0},
     0,
     1,
     0,
     0,
     2},
};
/* clang-format on */

static void test_duplicate_policy_table(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(policy_cases) / sizeof(policy_cases[0]); c++) {
        const policy_case *pc = &policy_cases[c];
        cc_dup_variant v[5];
        unsigned char act[5], remove[5];
        for (size_t i = 0; i < pc->n; i++) {
            v[i].found = pc->v[i].found;
            v[i].lang = pc->v[i].lang;
            v[i].repeat_of = pc->v[i].repeat_of;
            v[i].reversed = pc->v[i].reversed;
        }
        cc_dup_decision d;
        memset(act, 0xee, sizeof(act));
        cc_dup_decide(&d, act, remove, v, pc->n, pc->src, pc->source_stored, pc->policy);
        for (size_t i = 0; i < pc->n; i++) {
            if (act[i] != pc->act[i] || remove[i] != pc->remove[i])
                fail_msg("%s: variant %zu: action %d (expected %d), remove %d (expected %d)",
                         pc->what, i, act[i], pc->act[i], remove[i], pc->remove[i]);
        }
        size_t join = 0, fresh = 0;
        for (size_t i = 0; i < pc->n; i++) {
            join += pc->act[i] == JOIN;
            fresh += pc->act[i] == NEW;
        }
        if (d.identical != pc->identical || d.alternative != pc->alternative ||
            d.skipped != pc->skipped || d.replace != pc->replace || d.stored != pc->stored ||
            d.join != join || d.fresh != fresh)
            fail_msg("%s: identical %d alternative %d skipped %d replace %d stored %zu "
                     "(%zu joining, %zu in a new unit)",
                     pc->what, d.identical, d.alternative, d.skipped, d.replace, d.stored, d.join,
                     d.fresh);
    }
}

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
        assert_int_equal(concord_segment_to_tmx(&m, v->text, v->text_len, v->codes, v->ncodes), 0);
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
    concord_tmx_callbacks cb = {
        CONCORD_TMX_CALLBACKS_VERSION, NULL, collect_unit, collect_event, NULL, c};
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
    return concord_tm_import_tmx(st, tm, &path, 1, &o);
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
    if (concord_tm_export_tmx(units, tm, &o, to_sink, &s) != 0)
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
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(import_one(tm, p, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.read, 4);
    assert_int_equal(st.imported, 3);
    assert_int_equal(st.identical, 1);    /* k2-again */
    assert_int_equal(st.alternatives, 1); /* k3: Iturup -> エトロフ島 */
    assert_int_equal(st.variants, 7);

    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(&s, tm), 0);
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
        concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
        assert_int_equal(import_one(tm, first, cases[i].dup, &st), 0);
        assert_int_equal(import_one(tm, second, cases[i].dup, &st), 0);
        assert_int_equal(st.skipped, cases[i].skipped);
        assert_int_equal(st.replaced, cases[i].replaced);
        assert_int_equal(st.alternatives, cases[i].alternatives);
        assert_int_equal(st.merged, cases[i].merged);
        concord_tm_stats *s;
        assert_int_equal(concord_tm_stats_get(&s, tm), 0);
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
    assert_int_equal(concord_tm_stats_get(&s, tm), 0);
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
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
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
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(import_one(tm, p, CONCORD_DUP_KEEP, &st), 0);
    /* both units have the source Iturup: the second joins the first */
    assert_int_equal(st.imported, 1);
    assert_int_equal(st.merged, 1);
    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(&s, tm), 0);
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
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
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
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(import_one(tm, p, CONCORD_DUP_KEEP, &st), 0);
    assert_int_equal(st.imported, 300);
    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(&s, tm), 0);
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
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
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
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
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
    assert_int_equal(concord_tm_stats_get(&s, tm), 0);
    assert_int_equal(s->units, 21);
    assert_int_equal(s->schema_version, 2);
    concord_tm_stats_free(s);
    /* the sample again: every unit known */
    char tmx[1024];
    snprintf(tmx, sizeof(tmx), "%s/../../tmx/kurils-en-ru-ja.tmx", CONCORD_TEST_DATA);
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
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
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
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
    assert_int_equal(concord_tm_import_tmx(&st, tm, both, 2, &o), CONCORD_EPARSE);
    char *after = export_all(tm, NULL, 0, &units);
    assert_string_equal(before, after);
    assert_null(strstr(after, "new unit"));
    free(after);
    /* with skip_invalid both files go in, the bad unit is counted */
    o.skip_invalid = 1;
    assert_int_equal(concord_tm_import_tmx(&st, tm, both, 2, &o), 0);
    assert_int_equal(st.invalid, 1);
    assert_int_equal(st.imported, 2);
    free(before);
    concord_tm_close(tm);
}

/* A caller's own source of units: `n` units "unit K" > "единица K", then `fail` (0: none). */
typedef struct my_source {
    int n;
    int fail;
} my_source;

static int my_run(const concord_unit_source *src, int skip_invalid, const concord_tmx_callbacks *cb)
{
    (void)skip_invalid;
    const my_source *m = src->ud;
    for (int k = 0; k < m->n; k++) {
        char en[32], ru[48];
        snprintf(en, sizeof(en), "unit %d", k);
        snprintf(ru, sizeof(ru), "единица %d", k);
        concord_variant v[2] = {{"en", en, strlen(en), NULL, 0, "", NULL, 0, 0},
                                {"ru", ru, strlen(ru), NULL, 0, "", NULL, 0, 0}};
        concord_unit u = {NULL, "en", "", NULL, 0, v, 2, 0, 0};
        if (cb->unit(&u, cb->ud) != 0)
            return concord_error_last()->code;
    }
    if (m->fail)
        return m->fail;
    return 0;
}

/* Sources of several kinds in one call are one transaction: all stored, or none. */
static void test_import_sources_one_transaction(void **state)
{
    (void)state;
    const char *path = write_str("src.tmx", SAMPLE);
    concord_tm *tm = open_tm("sources.tm");
    my_source ok = {300, 0}, bad = {5, CONCORD_EPARSE};
    concord_unit_source srcs[2] = {{path, concord_unit_source_tmx, NULL}, {"mine", my_run, &ok}};
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(concord_tm_import_sources(&st, tm, srcs, 2, NULL), 0);
    concord_tm_stats *ts;
    assert_int_equal(concord_tm_stats_get(&ts, tm), 0);
    size_t units = ts->units;
    concord_tm_stats_free(ts);
    /* every unit of the caller's source is new: all 300 stored, beside the TMX's */
    assert_true(units >= 300 + 1);
    assert_true(st.read >= 300 + 1 && st.imported >= 300 + 1);

    /* a second import whose last source fails leaves the TM as it was */
    my_source fresh = {10, 0};
    concord_unit_source again[2] = {{"fresh", my_run, &bad}, {"never", my_run, &fresh}};
    bad.n = 400; /* new units before the failure: rolled back */
    assert_int_equal(concord_tm_import_sources(&st, tm, again, 2, NULL), CONCORD_EPARSE);
    assert_string_equal(concord_error_last()->file, "fresh");
    assert_int_equal(concord_tm_stats_get(&ts, tm), 0);
    assert_int_equal(ts->units, units);
    concord_tm_stats_free(ts);
    concord_unit_source none = {"none", NULL, NULL};
    assert_int_equal(concord_tm_import_sources(&st, tm, &none, 1, NULL), CONCORD_EINVAL);
    concord_tm_close(tm);
}

static void test_import_from_memory_and_reader(void **state)
{
    (void)state;
    const char *path = write_str("mem.tmx", SAMPLE);
    concord_tm *by_file = open_tm("by-file.tm");
    concord_import_stats fs = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(import_one(by_file, path, CONCORD_DUP_KEEP, &fs), 0);
    size_t units;
    char *want = export_all(by_file, NULL, 0, &units);
    concord_tm_close(by_file);

    /* memory: the same counts, the same TM */
    concord_tm *tm = open_tm("by-memory.tm");
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(
        concord_tm_import_tmx_memory(&st, tm, SAMPLE, strlen(SAMPLE), "upload.tmx", NULL), 0);
    assert_memory_equal(&st, &fs, sizeof(st));
    char *got = export_all(tm, NULL, 0, &units);
    assert_string_equal(got, want);
    free(got);
    concord_tm_close(tm);

    /* a reader giving 7 bytes at a time (characters cut between pieces) */
    tm = open_tm("by-reader.tm");
    pieces p = PIECES(SAMPLE, strlen(SAMPLE), 7);
    assert_int_equal(concord_tm_import_tmx_reader(&st, tm, pieces_read, &p, NULL, NULL), 0);
    assert_memory_equal(&st, &fs, sizeof(st));
    got = export_all(tm, NULL, 0, &units);
    assert_string_equal(got, want);
    free(got);

    /* a reader that stops: CONCORD_EUSER, the TM as it was */
    const char *more = TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>one more unit</seg></tuv>"
                                "<tuv xml:lang=\"ru\"><seg>ещё одна</seg></tuv></tu>\n" TMX_TAIL;
    pieces stop = PIECES(more, strlen(more), 64);
    stop.stop_after = 3;
    assert_int_equal(concord_tm_import_tmx_reader(&st, tm, pieces_read, &stop, NULL, NULL),
                     CONCORD_EUSER);
    /* and one that stops after units were read and stored (past the 4 KiB read ahead) */
    body big = {NULL, 0, 0};
    add(&big, "%s", TMX_HEAD);
    for (int i = 0; i < 200; i++)
        add(&big,
            "<tu><tuv xml:lang=\"en\"><seg>unit %d</seg></tuv>"
            "<tuv xml:lang=\"ru\"><seg>единица %d</seg></tuv></tu>\n",
            i, i);
    add(&big, "%s", TMX_TAIL);
    pieces late = PIECES(big.s, big.len, 64);
    late.stop_after = 200;
    assert_int_equal(concord_tm_import_tmx_reader(&st, tm, pieces_read, &late, NULL, NULL),
                     CONCORD_EUSER);
    assert_non_null(strstr(concord_error_last()->message, "stopped (by the reader)"));
    assert_true(late.at > 4096 && late.at < big.len); /* stopped in the middle */
    free(big.s);
    pieces over = PIECES(more, strlen(more), 64);
    over.overflow = 1;
    assert_int_equal(concord_tm_import_tmx_reader(&st, tm, pieces_read, &over, NULL, NULL),
                     CONCORD_EINVAL);
    got = export_all(tm, NULL, 0, &units);
    assert_string_equal(got, want);
    free(got);

    /* errors name the given name, at the same line and column as from a file */
    const char *bad =
        TMX_HEAD "<tu><tuv xml:lang=\"en\"><seg>a</seg></tuv></tu>\n"
                 "<tu><tuv xml:lang=\"en\"><seg><ept i=\"1\">x</ept></seg></tuv></tu>" TMX_TAIL;
    const char *bad_path = write_str("bad-mem.tmx", bad);
    assert_int_equal(import_one(tm, bad_path, CONCORD_DUP_KEEP, &st), CONCORD_EPARSE);
    unsigned long line = concord_error_last()->line, col = concord_error_last()->column;
    assert_true(line > 1);
    assert_int_equal(concord_tm_import_tmx_memory(&st, tm, bad, strlen(bad), "upload.tmx", NULL),
                     CONCORD_EPARSE);
    assert_string_equal(concord_error_last()->file, "upload.tmx");
    assert_int_equal(concord_error_last()->line, line);
    assert_int_equal(concord_error_last()->column, col);
    pieces bp = PIECES(bad, strlen(bad), 5);
    assert_int_equal(concord_tm_import_tmx_reader(&st, tm, pieces_read, &bp, "pipe", NULL),
                     CONCORD_EPARSE);
    assert_string_equal(concord_error_last()->file, "pipe");
    assert_int_equal(concord_error_last()->line, line);
    assert_int_equal(concord_error_last()->column, col);

    /* what the input is, said as for a file */
    assert_int_equal(concord_tm_import_tmx_memory(&st, tm, NULL, 0, NULL, NULL), CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "empty"));
    assert_string_equal(concord_error_last()->file, "(memory)");
    const char gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00";
    assert_int_equal(concord_tm_import_tmx_memory(&st, tm, gz, sizeof(gz) - 1, "x.tmx.gz", NULL),
                     CONCORD_EUNSUPPORTED);
    const char *po = "msgid \"a\"\nmsgstr \"b\"\n";
    assert_int_equal(concord_tm_import_tmx_memory(&st, tm, po, strlen(po), "x.po", NULL),
                     CONCORD_EUNSUPPORTED);
    assert_non_null(strstr(concord_error_last()->message, "PO file"));
    got = export_all(tm, NULL, 0, &units);
    assert_string_equal(got, want);
    free(got);
    concord_tm_close(tm);

    /* the reader alone, from memory and in pieces */
    collected c;
    memset(&c, 0, sizeof(c));
    concord_tmx_callbacks cb = {
        CONCORD_TMX_CALLBACKS_VERSION, NULL, collect_unit, collect_event, NULL, &c};
    assert_int_equal(concord_tmx_read_memory(SAMPLE, strlen(SAMPLE), NULL, 0, &cb), 0);
    assert_int_equal(c.units, 4);
    memset(&c, 0, sizeof(c));
    pieces one = PIECES(SAMPLE, strlen(SAMPLE), 1);
    assert_int_equal(concord_tmx_read_reader(pieces_read, &one, NULL, 0, &cb), 0);
    assert_int_equal(c.units, 4);
    assert_string_equal(c.text[4], "Iturup");
    free(want);
}

/*
 * The options of a program built against the version-1 headers: the layout
 * of concord_import_options before `cancel` was added. A newer library must
 * take it and read nothing past it.
 */
typedef struct import_options_v1 {
    unsigned int version;
    concord_duplicates on_duplicate;
    int skip_invalid;
    void (*event)(const concord_tmx_event *e, void *ud);
    void (*progress)(const char *file, unsigned long long done, unsigned long long total,
                     size_t units_read, void *ud);
    void *ud;
} import_options_v1;

static void test_older_option_structs_are_accepted(void **state)
{
    (void)state;
    const char *p = write_str("v1.tmx", SAMPLE);
    concord_tm *tm = open_tm("v1.tm");
    /* 0xff bytes right after the v1 struct: a library that read past it
       would take them for a `cancel` pointer and crash or cancel */
    struct {
        import_options_v1 o;
        unsigned char after[64];
    } v1;
    memset(&v1, 0xff, sizeof(v1));
    v1.o.version = 1;
    v1.o.on_duplicate = CONCORD_DUP_SKIP;
    v1.o.skip_invalid = 0;
    v1.o.event = NULL;
    v1.o.progress = NULL;
    v1.o.ud = NULL;
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(
        concord_tm_import_tmx(&st, tm, &p, 1, (const concord_import_options *)(void *)&v1.o), 0);
    assert_int_equal(st.imported, 2); /* k3 is an alternative: dropped */
    assert_int_equal(st.skipped, 1);  /* the policy of the v1 struct was read */

    /* a version this library does not know, of options or of stats */
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    o.version = CONCORD_IMPORT_OPTIONS_VERSION + 1;
    assert_int_equal(concord_tm_import_tmx(&st, tm, &p, 1, &o), CONCORD_EINVAL);
    assert_non_null(strstr(concord_error_last()->message, "import options version"));
    o.version = 0;
    assert_int_equal(concord_tm_import_tmx(&st, tm, &p, 1, &o), CONCORD_EINVAL);
    o.version = CONCORD_IMPORT_OPTIONS_VERSION;
    st.version = 0;
    assert_int_equal(concord_tm_import_tmx(&st, tm, &p, 1, &o), CONCORD_EINVAL);
    assert_non_null(strstr(concord_error_last()->message, "import stats version"));
    concord_tmx_callbacks cb = CONCORD_TMX_CALLBACKS_INIT;
    cb.version = 7;
    assert_int_equal(concord_tmx_read(p, 0, &cb), CONCORD_EINVAL);
    concord_tm_close(tm);
}

/* cancel: set before the first batch is written, nothing is imported */
static void test_cancelled_import_leaves_tm_unchanged(void **state)
{
    (void)state;
    const char *p = write_str("cancel.tmx", SAMPLE);
    concord_tm *tm = open_tm("cancel.tm");
    volatile int cancel = 1;
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    o.cancel = &cancel;
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(concord_tm_import_tmx(&st, tm, &p, 1, &o), CONCORD_EUSER);
    concord_tm_stats *s;
    assert_int_equal(concord_tm_stats_get(&s, tm), 0);
    assert_int_equal(s->units, 0);
    concord_tm_stats_free(s);
    cancel = 0;
    assert_int_equal(concord_tm_import_tmx(&st, tm, &p, 1, &o), 0);
    assert_int_equal(st.imported, 3);
    concord_tm_close(tm);
}

/* The layout of concord_import_options version 2, before `busy`. */
typedef struct import_options_v2 {
    import_options_v1 v1;
    const volatile int *cancel;
} import_options_v2;

typedef struct busy_calls {
    int calls;
    unsigned long last_ms;
    int give_up_after;
    volatile int *cancel; /* set on the call that gives up, if not NULL */
} busy_calls;

static int count_busy(unsigned long waited_ms, void *ud)
{
    busy_calls *b = ud;
    b->calls++;
    b->last_ms = waited_ms;
    if (b->calls < b->give_up_after)
        return 0;
    if (b->cancel) {
        *b->cancel = 1;
        return 0;
    }
    return 1;
}

typedef struct v2_import {
    struct {
        import_options_v2 o;
        unsigned char after[64];
    } v2;
    concord_tm *tm;
    const char *path;
    concord_import_stats st;
    int rc;
} v2_import;

static void *run_v2_import(void *arg)
{
    v2_import *imp = arg;
    imp->rc = concord_tm_import_tmx(&imp->st, imp->tm, &imp->path, 1,
                                    (const concord_import_options *)(void *)&imp->v2.o);
    return NULL;
}

/* An import that meets another writer waits, asking `busy` as it goes: it
 * gives up when busy says so, stops when cancelled, goes on once the writer
 * is done. A version-2 struct (no `busy`) waits as before. */
static void test_import_waits_for_another_writer(void **state)
{
    (void)state;
    const char *p = write_str("busy.tmx", SAMPLE);
    concord_tm *tm = open_tm("busy.tm");
    sqlite3 *other;
    assert_int_equal(sqlite3_open(path_of("busy.tm"), &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    busy_calls b = {0, 0, 3, NULL};
    concord_import_options o = CONCORD_IMPORT_OPTIONS_INIT;
    o.busy = count_busy;
    o.ud = &b;
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(concord_tm_import_tmx(&st, tm, &p, 1, &o), CONCORD_EIO);
    assert_non_null(strstr(concord_error_last()->message, "another process"));
    assert_int_equal(b.calls, 3);
    assert_true(b.last_ms > 0);

    /* cancelled while it waits */
    volatile int cancel = 0;
    busy_calls c = {0, 0, 2, &cancel};
    o.ud = &c;
    o.cancel = &cancel;
    assert_int_equal(concord_tm_import_tmx(&st, tm, &p, 1, &o), CONCORD_EUSER);
    assert_int_equal(c.calls, 2);
    assert_int_equal(tm_units(tm), 0);

    /* a version-2 caller waits as before, and never calls the 0xff bytes
       where `busy` would be: the other writer finishes while it waits */
    v2_import imp;
    memset(&imp.v2, 0xff, sizeof(imp.v2));
    memset(&imp.v2.o, 0, sizeof(imp.v2.o));
    imp.v2.o.v1.version = 2;
    imp.v2.o.v1.on_duplicate = CONCORD_DUP_KEEP;
    imp.tm = tm;
    imp.path = p;
    imp.st = (concord_import_stats)CONCORD_IMPORT_STATS_INIT;
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, run_v2_import, &imp), 0);
    nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
    assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    pthread_join(th, NULL);
    sqlite3_close(other);
    assert_int_equal(imp.rc, 0);
    assert_int_equal(imp.st.imported, 3);
    concord_tm_close(tm);
}

/* ---- a TM this process cannot write ------------------------------------------------------ */

/*
 * Run fn in a child process that cannot write the directory `dir` nor the
 * files in it: the directory is made read-only, and a child of root becomes
 * nobody (root ignores permissions). fn returns 0 for success or a number
 * naming what failed; that is returned here.
 */
static int as_reader(const char *dir, int (*fn)(void))
{
    assert_int_equal(chmod(tmpdir, 0755), 0);
    assert_int_equal(chmod(dir, 0555), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(99);
        _exit(fn());
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(chmod(dir, 0755), 0);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* In a child: change a committed unit's tuid and stop without closing, so that
 * the change stays in a -wal (with its -shm) beside the TM, not yet in the file. */
static void leave_wal(const char *tm)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sqlite3 *db;
        if (sqlite3_open(tm, &db) != SQLITE_OK ||
            sqlite3_exec(db,
                         "PRAGMA wal_autocheckpoint = 0; UPDATE unit SET tuid = 'in-the-wal' "
                         "WHERE tuid = 'k1'",
                         NULL, NULL, NULL) != SQLITE_OK)
            _exit(1);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static const char *ro_tm; /* the TM the readers below read */

/* 0 if the export of ro_tm has `want` (and nothing was created beside it), else a step number */
static int export_has(const char *want)
{
    concord_tm *tm;
    if (concord_tm_open(&tm, ro_tm, CONCORD_TM_READONLY) != 0)
        return 1;
    sink out = {NULL, 0};
    concord_export_options o = CONCORD_EXPORT_OPTIONS_INIT;
    size_t units;
    int rc = concord_tm_export_tmx(&units, tm, &o, to_sink, &out);
    concord_tm_close(tm);
    int found = out.data && strstr(out.data, want) != NULL;
    free(out.data);
    return rc != 0 ? 2 : found ? 0 : 3;
}

static int sees_the_wal(void)
{
    return export_has("tuid=\"in-the-wal\"");
}

static int sees_the_file(void)
{
    return export_has("tuid=\"k1\"");
}

/* the open fails, saying that the -wal cannot be read */
static int refuses_the_wal(void)
{
    concord_tm *tm;
    int rc = concord_tm_open(&tm, ro_tm, CONCORD_TM_READONLY);
    concord_tm_close(tm);
    if (rc != CONCORD_EIO)
        return 1;
    return strstr(concord_error_last()->message, "holds changes not yet written") ? 0 : 2;
}

/* a lookup finds a unit of the index and one stored after it, as an exhaustive scan does */
static int lookup_uses_index_and_scan(void)
{
    concord_tm *tm;
    concord_matcher *m;
    if (concord_tm_open(&tm, ro_tm, 0) != 0)
        return 1;
    if (concord_matcher_open(&m, tm, "en", "ja") != 0) {
        concord_tm_close(tm);
        return 2;
    }
    static const char *const queries[] = {"Iturup", "Habomai"};
    int rc = 0;
    for (size_t q = 0; q < 2 && rc == 0; q++) {
        concord_lookup_options lo = CONCORD_LOOKUP_OPTIONS_INIT;
        lo.max_matches = 0;
        concord_matches *a = NULL, *b = NULL;
        if (concord_matcher_lookup(&a, m, queries[q], strlen(queries[q]), &lo) != 0)
            rc = 3;
        lo.exhaustive = 1;
        if (rc == 0 && concord_matcher_lookup(&b, m, queries[q], strlen(queries[q]), &lo) != 0)
            rc = 4;
        if (rc == 0 && (a->n == 0 || a->n != b->n))
            rc = 5;
        for (size_t i = 0; rc == 0 && i < a->n; i++)
            if (a->v[i].unit != b->v[i].unit || a->v[i].score != b->v[i].score)
                rc = 6;
        concord_matches_free(a);
        concord_matches_free(b);
    }
    /* and the index was not written: the TM cannot be */
    concord_matcher_close(m);
    concord_tm_close(tm);
    return rc;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/*
 * A TM in a directory this process cannot write is read as it is: with the
 * -wal and -shm an earlier writer left (its last changes seen), without any
 * (the file is the whole TM), but not with a -wal alone (refused rather than
 * read without its changes); nothing is created beside it; a lookup uses the
 * index the TM has and scans the units stored after it.
 */
static void test_read_only_tm_is_read_as_it_is(void **state)
{
    (void)state;
    char dir[512], tmx[512], more[512], wal[640], shm[640];
    snprintf(dir, sizeof(dir), "%s", path_of("ro"));
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(tmx, sizeof(tmx), "%s", write_str("ro.tmx", SAMPLE));
    snprintf(more, sizeof(more), "%s",
             write_str("ro-more.tmx", TMX_HEAD "<tu><tuv xml:lang=\"en-US\"><seg>Habomai</seg>"
                                               "</tuv><tuv xml:lang=\"ja\"><seg>歯舞群島</seg>"
                                               "</tuv></tu>" TMX_TAIL));
    static char tm_path[600];
    snprintf(tm_path, sizeof(tm_path), "%s/t.tm", dir);
    ro_tm = tm_path;
    snprintf(wal, sizeof(wal), "%s-wal", tm_path);
    snprintf(shm, sizeof(shm), "%s-shm", tm_path);
    concord_tm *tm;
    assert_int_equal(concord_tm_open(&tm, tm_path, CONCORD_TM_CREATE), 0);
    concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
    assert_int_equal(import_one(tm, tmx, CONCORD_DUP_KEEP, &st), 0);
    /* the en index is built, then a unit is stored that it does not cover */
    concord_matcher *m;
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ja"), 0);
    concord_matcher_close(m);
    assert_int_equal(import_one(tm, more, CONCORD_DUP_KEEP, &st), 0);
    concord_tm_close(tm);
    assert_int_equal(chmod(tm_path, 0644), 0);
    assert_false(exists(wal));

    assert_int_equal(as_reader(dir, sees_the_file), 0);
    assert_int_equal(as_reader(dir, lookup_uses_index_and_scan), 0);
    assert_false(exists(wal) || exists(shm));

    leave_wal(tm_path);
    assert_true(exists(wal) && exists(shm));
    assert_int_equal(as_reader(dir, sees_the_wal), 0);
    /* a -wal without its -shm */
    assert_int_equal(unlink(shm), 0);
    assert_int_equal(as_reader(dir, refuses_the_wal), 0);
    assert_false(exists(shm));
    /* an empty -wal is no change: the file is read */
    FILE *f = fopen(wal, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(as_reader(dir, sees_the_file), 0);
}

/* The best match of text in m (NULL if none) and how many matches have target t. */
static const concord_match *best_match(concord_matcher *m, const char *text, concord_matches **ms,
                                       const char *t, size_t *with_t)
{
    concord_lookup_options lo = CONCORD_LOOKUP_OPTIONS_INIT;
    lo.max_matches = 0;
    assert_int_equal(concord_matcher_lookup(ms, m, text, strlen(text), &lo), 0);
    *with_t = 0;
    for (size_t i = 0; i < (*ms)->n; i++)
        *with_t += t && strcmp((*ms)->v[i].target, t) == 0;
    return (*ms)->n ? &(*ms)->v[0] : NULL;
}

static int64_t put2(concord_tm *tm, const char *l1, const char *t1, const char *l2, const char *t2,
                    const concord_put_options *o)
{
    concord_variant v[2];
    memset(v, 0, sizeof(v));
    v[0].lang = l1;
    v[0].text = t1;
    v[0].text_len = strlen(t1);
    v[1].lang = l2;
    v[1].text = t2;
    v[1].text_len = strlen(t2);
    concord_unit u;
    memset(&u, 0, sizeof(u));
    u.srclang = l1;
    u.variants = v;
    u.nvariants = 2;
    int64_t id = -1;
    if (concord_tm_unit_put(&id, tm, &u, o) != 0)
        fail_msg("put: %s", concord_error_last()->message);
    return id;
}

/* One unit at a time, with who and when: stored, updated, joined, kept as an
 * alternative, not stored twice; a lookup right after each sees it. */
static void test_unit_put(void **state)
{
    (void)state;
    static const char *const src = "Kunashir is the closest of the islands.";
    static const char *const ru1 = "Кунашир — ближайший из островов.";
    static const char *const ru2 = "Кунашир — самый близкий из островов.";
    static const char *const ru3 = "Ближе всех — Кунашир.";
    concord_tm *tm = open_tm("put.tm");
    concord_put_options o = CONCORD_PUT_OPTIONS_INIT;
    o.user = "tanaka";
    o.date = "20240102T030405Z";
    int64_t id1 = put2(tm, "EN", src, "ru", ru1, &o);
    assert_true(id1 > 0);
    size_t units, with;
    char *x = export_all(tm, NULL, 0, &units);
    assert_int_equal(units, 1);
    assert_non_null(strstr(x, "<tuv xml:lang=\"en\" creationdate=\"20240102T030405Z\" "
                              "creationid=\"tanaka\" changedate=\"20240102T030405Z\" "
                              "changeid=\"tanaka\">"));
    free(x);

    concord_matcher *m;
    concord_matches *ms;
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ru"), 0);
    const concord_match *b = best_match(m, src, &ms, ru1, &with);
    assert_non_null(b);
    assert_int_equal(b->score, 100);
    assert_string_equal(b->target, ru1);
    concord_matches_free(ms);

    /* an update (the default, replace): the new translation, and only it */
    o.user = "ivanova";
    o.date = NULL;
    int64_t id2 = put2(tm, "en", src, "ru", ru2, &o);
    assert_true(id2 > id1);
    b = best_match(m, src, &ms, ru1, &with);
    assert_non_null(b);
    assert_string_equal(b->target, ru2);
    assert_int_equal(with, 0);
    concord_matches_free(ms);
    concord_matcher_close(m);
    assert_int_equal(tm_units(tm), 1);
    x = export_all(tm, NULL, 0, &units);
    assert_non_null(strstr(x, "changeid=\"ivanova\""));
    assert_null(strstr(x, "tanaka"));
    free(x);

    /* the same again: nothing stored */
    assert_int_equal(put2(tm, "en", src, "ru", ru2, &o), 0);
    /* the pair the other way round: nothing stored */
    assert_int_equal(put2(tm, "ru", ru2, "en", src, &o), 0);
    assert_int_equal(tm_units(tm), 1);
    /* keep: an alternative, in a unit of its own; skip: nothing */
    o.on_duplicate = CONCORD_DUP_KEEP;
    int64_t id3 = put2(tm, "en", src, "ru", ru3, &o);
    assert_true(id3 > id2);
    o.on_duplicate = CONCORD_DUP_SKIP;
    assert_int_equal(put2(tm, "en", src, "ru", "Другой перевод.", &o), 0);
    /* a new language joins the first unit with the source */
    assert_int_equal(put2(tm, "en", src, "ja", "国後島は最も近い島だ。", &o), id2);
    assert_int_equal(tm_units(tm), 2);
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ru"), 0);
    b = best_match(m, src, &ms, ru3, &with);
    assert_int_equal(ms->n, 2);
    assert_int_equal(with, 1);
    concord_matches_free(ms);
    concord_matcher_close(m);
    assert_int_equal(concord_matcher_open(&m, tm, "en", "ja"), 0);
    b = best_match(m, src, &ms, NULL, &with);
    assert_non_null(b);
    assert_string_equal(b->target, "国後島は最も近い島だ。");
    assert_int_equal(b->unit, id2);
    concord_matches_free(ms);
    concord_matcher_close(m);

    /* what a TM cannot keep is refused, the TM unchanged */
    concord_variant v[2];
    memset(v, 0, sizeof(v));
    v[0].lang = "en";
    v[0].text = "bad";
    v[0].text_len = 3;
    v[1].lang = "ru";
    v[1].text = "\xff";
    v[1].text_len = 1;
    concord_unit u;
    memset(&u, 0, sizeof(u));
    u.variants = v;
    u.nvariants = 2;
    int64_t id;
    assert_int_equal(concord_tm_unit_put(&id, tm, &u, NULL), CONCORD_EENCODING);
    v[1].text = "плохо";
    v[1].text_len = strlen(v[1].text);
    v[1].attrs = "\"><evil/>";
    assert_int_equal(concord_tm_unit_put(&id, tm, &u, NULL), CONCORD_EINVAL);
    v[1].attrs = NULL;
    v[1].lang = "not a tag!";
    assert_int_equal(concord_tm_unit_put(&id, tm, &u, NULL), CONCORD_EINVAL);
    v[1].lang = "ru";
    u.nvariants = 0;
    assert_int_equal(concord_tm_unit_put(&id, tm, &u, NULL), CONCORD_EINVAL);
    u.nvariants = 2;
    o.date = "2024-01-02";
    assert_int_equal(concord_tm_unit_put(&id, tm, &u, &o), CONCORD_EINVAL);
    o.date = NULL;
    o.version = CONCORD_PUT_OPTIONS_VERSION + 1;
    assert_int_equal(concord_tm_unit_put(&id, tm, &u, &o), CONCORD_EINVAL);
    assert_non_null(strstr(concord_error_last()->message, "put options version"));
    assert_int_equal(tm_units(tm), 2);
    concord_tm_close(tm);

    /* a TM opened read-only takes nothing */
    assert_int_equal(concord_tm_open(&tm, path_of("put.tm"), CONCORD_TM_READONLY), 0);
    assert_int_equal(concord_tm_unit_put(&id, tm, &u, NULL), CONCORD_EINVAL);
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

static void test_out_of_memory_during_import(void **state)
{
    (void)state;
    char p[512];
    snprintf(p, sizeof(p), "%s", write_str("oom.tmx", SAMPLE));
    int completed = 0;
    for (long k = 1; k < 5000 && !completed; k++) {
        char name[32];
        snprintf(name, sizeof(name), "oom%ld.tm", k);
        failalloc_install(k);
        concord_tm *tm = NULL;
        int rc = concord_tm_open(&tm, path_of(name), CONCORD_TM_CREATE);
        concord_import_stats st = CONCORD_IMPORT_STATS_INIT;
        if (rc == 0)
            rc = import_one(tm, p, CONCORD_DUP_KEEP, &st);
        concord_tm_close(tm);
        failalloc_remove();
        if (rc != 0 && rc != CONCORD_ENOMEM)
            fail_msg("allocation %ld failing gave %s: %s", k, concord_error_name(rc),
                     concord_error_last()->message);
        if (rc == 0 && failalloc_allocs() < k)
            completed = 1;
        unlink(path_of(name));
    }
    assert_true(completed);
}

/* Every allocation of a put failing in turn: CONCORD_ENOMEM, no leak, and the
 * TM as it was (the update that failed is not half made). */
static void test_out_of_memory_during_put(void **state)
{
    (void)state;
    concord_tm *tm = open_tm("oom-put.tm");
    concord_put_options o = CONCORD_PUT_OPTIONS_INIT;
    put2(tm, "en", "Shikotan", "ru", "Шикотан", &o);
    int completed = 0;
    for (long k = 1; k < 5000 && !completed; k++) {
        failalloc_install(k);
        concord_variant v[3];
        memset(v, 0, sizeof(v));
        const char *t[3][2] = {{"en", "Shikotan"}, {"ru", "остров Шикотан"}, {"ja", "色丹島"}};
        for (int i = 0; i < 3; i++) {
            v[i].lang = t[i][0];
            v[i].text = t[i][1];
            v[i].text_len = strlen(t[i][1]);
        }
        concord_unit u;
        memset(&u, 0, sizeof(u));
        u.variants = v;
        u.nvariants = 3;
        int64_t id;
        int rc = concord_tm_unit_put(&id, tm, &u, &o);
        failalloc_remove();
        if (rc != 0 && rc != CONCORD_ENOMEM)
            fail_msg("allocation %ld failing gave %s: %s", k, concord_error_name(rc),
                     concord_error_last()->message);
        size_t units;
        char *x = export_all(tm, NULL, 0, &units);
        assert_int_equal(units, 1);
        /* all of the update or none of it */
        int updated = strstr(x, "остров Шикотан") != NULL;
        assert_int_equal(updated, rc == 0);
        assert_int_equal(strstr(x, "色丹島") != NULL, rc == 0);
        assert_int_equal(strstr(x, ">Шикотан<") == NULL, rc == 0);
        free(x);
        if (rc == 0)
            completed = failalloc_allocs() < k;
    }
    assert_true(completed);
    concord_tm_close(tm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicate_policy_table),
        cmocka_unit_test(test_inline_codes),
        cmocka_unit_test(test_older_option_structs_are_accepted),
        cmocka_unit_test(test_cancelled_import_leaves_tm_unchanged),
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
        cmocka_unit_test(test_import_from_memory_and_reader),
        cmocka_unit_test(test_import_sources_one_transaction),
        cmocka_unit_test(test_import_waits_for_another_writer),
        cmocka_unit_test(test_unit_put),
        cmocka_unit_test(test_read_only_tm_is_read_as_it_is),
        cmocka_unit_test(test_not_a_tm_is_refused_untouched),
        cmocka_unit_test(test_out_of_memory_during_import),
        cmocka_unit_test(test_out_of_memory_during_put),
    };
    return cmocka_run_group_tests_name("tm", tests, setup, teardown);
}
