/*
 * test_glossary.c — the glossary layer through the public API: paired names
 * in each shape, term recognition (stems, stem markers, forms, exceptions,
 * case, Japanese without spaces), rule settings, fixes to a fixed point.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "concord/concord.h"

static const char glossary_text[] = "[glossary]\n"
                                    "profile: neutral-news\n"
                                    "[concept sk]\n"
                                    "side: ru\n"
                                    "en: Southern Kurils\n"
                                    "en: Southern Kuriles ; admitted ; variant\n"
                                    "en: South Kuriles ; forbidden\n"
                                    "ru: Южн|ые Курил|ы\n"
                                    "ja: 南クリル諸島\n"
                                    "[concept nt]\n"
                                    "side: ja\n"
                                    "en: Northern Territories\n"
                                    "ru: Северные территории\n"
                                    "ja: 北方領土\n"
                                    "[pair sk nt]\n"
                                    "order.ru: sk\n"
                                    "[concept east-sea]\n"
                                    "ja: 東海 ; except=東海地方\n"
                                    "en: East Sea\n"
                                    "[concept sea-of-japan]\n"
                                    "ja: 日本海\n"
                                    "en: Sea of Japan\n"
                                    "[concept nato]\n"
                                    "en: NATO ; case\n"
                                    "[concept colour]\n"
                                    "en: colour ; exact\n"
                                    "en: color ; deprecated ; exact\n"
                                    "[concept kunashir]\n"
                                    "ru: Кунашир ; forms=Кунашира, Кунашире\n"
                                    "[shapes]\n"
                                    "en: {A} ({B})\n"
                                    "en: {A}/{B}\n"
                                    "en: {A}, known in … as {B}\n"
                                    "ru: {A} ({B})\n"
                                    "ja: {A}（{B}）\n"
                                    "[profile neutral-news]\n"
                                    "pairs: both\n"
                                    "[profile ru-official]\n"
                                    "pairs: side ru\n"
                                    "[profile quiet]\n"
                                    "pairs: off\n"
                                    "[rules]\n"
                                    "deprecated-term: note\n";

typedef struct fixture {
    concord_glossary *g;
} fixture;

static int setup(void **state)
{
    static fixture f;
    if (concord_glossary_new(&f.g) < 0 ||
        concord_glossary_load_memory(f.g, "t.glossary", glossary_text, strlen(glossary_text)) < 0) {
        fprintf(stderr, "%s\n", concord_error_last()->message);
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    concord_glossary_free(f->g);
    return 0;
}

/* The findings of text as "line:col rule" lines joined by ';'. */
static void check(concord_glossary *g, const char *profile, const char *lang, const char *text,
                  char *out, size_t size)
{
    concord_check_options o = CONCORD_CHECK_OPTIONS_INIT;
    o.profile = profile;
    concord_checker *c;
    assert_int_equal(concord_checker_new(&c, g, &o), 0);
    concord_findings *f;
    assert_int_equal(concord_checker_check_text(&f, c, "t.txt", text, strlen(text), lang), 0);
    out[0] = '\0';
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += (size_t)snprintf(out + n, size - n, "%s%lu:%lu %s", i ? ";" : "", f->v[i].line,
                              f->v[i].column, f->v[i].rule);
    concord_findings_free(f);
    concord_checker_free(c);
}

typedef struct pcase {
    const char *lang, *text, *want;
} pcase;

static void test_paired_names(void **state)
{
    fixture *fx = *state;
    static const pcase cases[] = {
        /* every shape passes at the first mention, in either order */
        {"en", "The Southern Kurils (Northern Territories) again.", ""},
        {"en", "The Northern Territories (Southern Kurils) again.", ""},
        {"en", "The Southern Kurils/Northern Territories again.", ""},
        {"en", "The Southern Kurils / Northern Territories again.", ""},
        {"en", "The Southern Kurils, known in Japan as Northern Territories, again.", ""},
        {"en", "The Southern Kurils, known in the Japanese press as Northern Territories.", ""},
        {"ru", "Спор о Южных Курилах (Северных территориях) продолжается.", ""},
        {"ja", "北方領土（南クリル諸島）をめぐる交渉。", ""},
        {"ja", "北方領土(南クリル諸島)をめぐる交渉。", ""},
        /* one name alone at the first mention fails, wherever it is */
        {"en", "Talks on the Northern Territories resumed.", "1:14 paired-name"},
        {"en", "Nothing here.\nThen the Southern Kurils.", "2:10 paired-name"},
        {"ru", "Переговоры о Южных Курилах возобновились.", "1:14 paired-name"},
        {"ja", "北方領土をめぐる交渉が再開された。", "1:1 paired-name"},
        /* later single mentions pass, with either name */
        {"en",
         "The Southern Kurils (Northern Territories). Later the Northern Territories. "
         "And the Southern Kurils.",
         ""},
        /* a shape does not reach across a sentence */
        {"en", "The Southern Kurils, known in Japan. As Northern Territories.", "1:5 paired-name"},
        /* the shape must hold the other name, not any text */
        {"en", "The Southern Kurils (a chain of islands).", "1:5 paired-name"},
        /* order per language: in ru the Russian name comes first */
        {"ru", "Северные территории (Южные Курилы) обсуждались.", "1:1 paired-name"},
        /* 東海 inside 東海地方 is not the East Sea; 日本海（東海） is the pair shape... */
        {"ja", "東海地方は雨。", ""},
        {"ja", "東海は荒れた。", ""},
    };
    char got[1024];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check(fx->g, NULL, cases[i].lang, cases[i].text, got, sizeof(got));
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu (%s): got '%s', want '%s'", i, cases[i].text, got, cases[i].want);
    }
}

static void test_profiles(void **state)
{
    fixture *fx = *state;
    char got[1024];
    const char *text = "The Southern Kurils (Northern Territories) again.";
    check(fx->g, "ru-official", "en", text, got, sizeof(got));
    assert_string_equal(got, "1:22 paired-name-side");
    check(fx->g, "quiet", "en", "Only the Northern Territories.", got, sizeof(got));
    assert_string_equal(got, "");
    concord_checker *c;
    concord_check_options o = CONCORD_CHECK_OPTIONS_INIT;
    o.profile = "tass";
    assert_int_equal(concord_checker_new(&c, fx->g, &o), CONCORD_EINVAL);
    assert_non_null(strstr(concord_error_last()->message, "ru-official"));
}

static void test_recognition(void **state)
{
    fixture *fx = *state;
    static const pcase cases[] = {
        /* stems: inflected Russian; the marker catches the genitive "Курил" */
        {"ru", "Южные Курилы (Северные территории). Жители Южных Курил. Южным Курилам.", ""},
        /* the verb "курил" is not the islands */
        {"ru", "Он курил.", ""},
        /* forms: explicit inflected forms of a term marked exact by them */
        {"ru", "На Кунашире и у Кунашира.", ""},
        /* case-sensitive: "nato" in lower case is not NATO (no finding either way), and
         * exact terms do not stem: "colors" is not "color" */
        {"en", "We prefer color.", "1:11 deprecated-term"},
        {"en", "Colors and colours.", ""},
        /* forbidden beats the stemmed preferred term when both match the same words */
        {"en", "The South Kuriles (Northern Territories).", "1:5 forbidden-term"},
        /* mixed spelling variants of one concept */
        {"en", "The Southern Kurils (Northern Territories). The Southern Kuriles.",
         "1:49 mixed-variants"},
        /* case and width folding */
        {"en", "THE SOUTHERN KURILS (NORTHERN TERRITORIES).", ""},
        {"en", "The Ｓｏｕｔｈ Ｋｕｒｉｌｅｓ (Northern Territories).", "1:5 forbidden-term"},
    };
    char got[1024];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check(fx->g, NULL, cases[i].lang, cases[i].text, got, sizeof(got));
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu (%s): got '%s', want '%s'", i, cases[i].text, got, cases[i].want);
    }
}

static void test_severity_setting_and_suppression(void **state)
{
    fixture *fx = *state;
    concord_checker *c;
    assert_int_equal(concord_checker_new(&c, fx->g, NULL), 0);
    concord_findings *f;
    const char *text = "We prefer color.\n"
                       "# concord-ignore-next-line deprecated-term\n"
                       "Still color.\n"
                       "# concord-ignore-next-line forbidden-term\n"
                       "And color.\n";
    assert_int_equal(concord_checker_check_text(&f, c, "t.txt", text, strlen(text), "en"), 0);
    assert_int_equal(f->n, 2);
    assert_int_equal(f->v[0].line, 1);
    assert_int_equal(f->v[0].severity, CONCORD_SEVERITY_NOTE); /* [rules] deprecated-term: note */
    assert_int_equal(f->v[1].line, 5);
    concord_findings_free(f);
    concord_checker_free(c);
}

/* A marker naming no known rule silences nothing (a typo must not silence every rule). */
static void test_suppression_typo(void **state)
{
    fixture *fx = *state;
    char got[1024];
    check(fx->g, NULL, "en", "# concord-ignore-next-line forbiden-term\nStill color.\n", got,
          sizeof(got));
    assert_string_equal(got, "2:7 deprecated-term");
    check(fx->g, NULL, "en", "# concord-ignore-next-line: deprecated-term\nStill color.\n", got,
          sizeof(got));
    assert_string_equal(got, "");
    /* a capitalized or otherwise unknown word is no rule id either */
    check(fx->g, NULL, "en", "# concord-ignore-next-line Deprecated-term\nStill color.\n", got,
          sizeof(got));
    assert_string_equal(got, "2:7 deprecated-term");
    /* a bare marker in an HTML comment silences every rule of the next line */
    check(fx->g, NULL, "en", "<!-- concord-ignore-next-line -->\nStill color.\n", got, sizeof(got));
    assert_string_equal(got, "");
    /* lines that end in a lone CR count as lines for the marker too */
    check(fx->g, NULL, "en", "x.\r# concord-ignore-next-line deprecated-term\rStill color.\r", got,
          sizeof(got));
    assert_string_equal(got, "");
}

/* The variant is flagged and pointed at the plain spelling, whichever came first. */
static void test_mixed_variants_keep_plain(void **state)
{
    fixture *fx = *state;
    concord_checker *c;
    assert_int_equal(concord_checker_new(&c, fx->g, NULL), 0);
    const char *text = "The Southern Kuriles (Northern Territories). Then the Southern Kurils.";
    concord_findings *f;
    assert_int_equal(concord_checker_check_text(&f, c, "t.txt", text, strlen(text), "en"), 0);
    assert_int_equal(f->n, 1);
    assert_string_equal(f->v[0].rule, "mixed-variants");
    assert_int_equal(f->v[0].column, 5);
    assert_string_equal(f->v[0].fix, "Southern Kurils");
    concord_findings_free(f);
    concord_checker_free(c);
}

/* A shape with words before {A}: the fix inserts from {A} on, never doubling them. */
static void test_fix_shape_with_prefix(void **state)
{
    (void)state;
    static const char text_g[] = "[concept a]\nen: Southern Kurils\n[concept b]\n"
                                 "en: Northern Territories\n[pair a b]\n[shapes]\n"
                                 "en: the {A} ({B})\n";
    concord_glossary *g;
    concord_checker *c;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load_memory(g, "p.glossary", text_g, strlen(text_g)), 0);
    assert_int_equal(concord_checker_new(&c, g, NULL), 0);
    const char *text = "Talks on the Southern Kurils resumed.";
    char *out;
    size_t n, k;
    assert_int_equal(concord_checker_fix(&out, &n, &k, c, "t.txt", text, strlen(text), "en"), 0);
    assert_string_equal(out, "Talks on the Southern Kurils (Northern Territories) resumed.");
    concord_free(out);
    /* without the words before {A} no shape can be completed: no fix, and no loop */
    text = "Southern Kurils were discussed.";
    assert_int_equal(concord_checker_fix(&out, &n, &k, c, "t.txt", text, strlen(text), "en"), 0);
    assert_string_equal(out, text);
    assert_int_equal(k, 0);
    concord_free(out);
    concord_checker_free(c);
    concord_glossary_free(g);
}

/* A katakana term is not found inside a longer katakana word. */
static void test_katakana_words(void **state)
{
    (void)state;
    static const char gl[] = "[concept a]\nja: ラッシュ ; forbidden\nja: 混雑 ; preferred\n"
                             "[concept m]\nja: メモリー\nja: メモリ ; forbidden\n";
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load_memory(g, "k.glossary", gl, strlen(gl)), 0);
    char got[256];
    check(g, NULL, "ja", "朝のラッシュ。アプリがクラッシュした。ラッシュアワー。", got,
          sizeof(got));
    assert_string_equal(got, "1:3 forbidden-term");
    /* where ICU's dictionary splits a compound, the part is a word (メモリ|キュー); the
     * longer preferred term wins over its forbidden prefix (メモリーカード) */
    check(g, NULL, "ja", "共有メモリキュー。メモリーカード。", got, sizeof(got));
    assert_string_equal(got, "1:3 forbidden-term");
    concord_glossary_free(g);
}

/*
 * A .glossary loaded after a TBX reopens its concepts and amends their terms
 * with what TBX cannot say; termType "variant" is read as a spelling variant.
 */
static void test_tbx_then_rules(void **state)
{
    (void)state;
    static const char tbx[] =
        "<?xml version=\"1.0\"?>\n<martif type=\"TBX\" xml:lang=\"en\"><text><body>\n"
        "<termEntry id=\"sk\"><langSet xml:lang=\"en\">\n"
        "<tig><term>Southern Kurils</term></tig>\n"
        "<tig><term>Southern Kuriles</term><termNote type=\"termType\">variant</termNote></tig>\n"
        "<tig><term>South Kuriles</term>"
        "<termNote type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote></tig>\n"
        "</langSet><langSet xml:lang=\"ru\"><tig><term>Южные Курилы</term></tig></langSet>\n"
        "</termEntry></body></text></martif>\n";
    static const char rules[] = "[concept sk]\nen: South Kuriles ; forbidden\nru: Южн|ые Курил|ы\n";
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load_memory(g, "t.tbx", tbx, strlen(tbx)), 0);
    char got[256];
    check(g, NULL, "en", "The South Kuriles. The Southern Kurils. The Southern Kuriles.", got,
          sizeof(got));
    assert_string_equal(got, "1:5 deprecated-term;1:45 mixed-variants");
    check(g, NULL, "ru", "Жители Южных Курил.", got, sizeof(got));
    assert_string_equal(got, ""); /* Snowball alone misses the genitive */
    assert_int_equal(concord_glossary_load_memory(g, "r.glossary", rules, strlen(rules)), 0);
    concord_glossary_stats st = CONCORD_GLOSSARY_STATS_INIT;
    assert_int_equal(concord_glossary_stats_get(&st, g), 0);
    assert_int_equal(st.terms, 4); /* amended, not added */
    check(g, NULL, "en", "The South Kuriles.", got, sizeof(got));
    assert_string_equal(got, "1:5 forbidden-term");
    /* the marker now finds it; a forbidden "Южные Курилы" shows that it does */
    static const char ban[] = "[concept sk]\nru: Южные Курилы ; forbidden\n";
    assert_int_equal(concord_glossary_load_memory(g, "b.glossary", ban, strlen(ban)), 0);
    check(g, NULL, "ru", "Жители Южных Курил.", got, sizeof(got));
    assert_string_equal(got, "1:8 forbidden-term");
    concord_glossary_free(g);
}

/*
 * A load that fails leaves the glossary as it was (glossary.h), also when it
 * amended terms and reopened concepts of an earlier file before it failed:
 * the amendment to forbidden, the stem marker and the side are undone with
 * the rest, and the same load without its broken line then works.
 */
static void test_failed_load_undone(void **state)
{
    (void)state;
    static const char tbx[] =
        "<?xml version=\"1.0\"?>\n<martif type=\"TBX\" xml:lang=\"en\"><text><body>\n"
        "<termEntry id=\"sk\"><langSet xml:lang=\"en\">\n"
        "<tig><term>Southern Kurils</term></tig>\n"
        "<tig><term>South Kuriles</term>"
        "<termNote type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote></tig>\n"
        "</langSet><langSet xml:lang=\"ru\"><tig><term>Южные Курилы</term></tig></langSet>\n"
        "</termEntry>\n"
        "<termEntry id=\"nt\"><langSet xml:lang=\"en\"><tig><term>Northern Territories</term>"
        "</tig></langSet></termEntry></body></text></martif>\n";
    /* amends two TBX terms and gives sk a side, then names a concept nobody defines */
    static const char broken[] = "[concept sk]\n"
                                 "side: ru\n"
                                 "en: South Kuriles ; forbidden\n"
                                 "ru: Южн|ые Курил|ы ; deprecated\n"
                                 "en: Kurils ; admitted\n"
                                 "[pair sk nobody]\n";
    static const char side_profile[] = "[profile ru-official]\npairs: side ru\n";
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load_memory(g, "t.tbx", tbx, strlen(tbx)), 0);
    concord_glossary_stats before = CONCORD_GLOSSARY_STATS_INIT, after = before;
    assert_int_equal(concord_glossary_stats_get(&before, g), 0);
    char got[256];
    const char *en = "The South Kuriles and the Kurils.", *ru = "Жители Южных Курил.";

    assert_int_equal(concord_glossary_load_memory(g, "b.glossary", broken, strlen(broken)),
                     CONCORD_EPARSE);
    assert_int_equal(concord_error_last()->line, 6);
    assert_int_equal(concord_glossary_stats_get(&after, g), 0);
    assert_memory_equal(&before, &after, sizeof(before));
    /* still deprecated, not forbidden; no marker (and not deprecated), so the genitive is not
     * found */
    check(g, NULL, "en", en, got, sizeof(got));
    assert_string_equal(got, "1:5 deprecated-term");
    check(g, NULL, "ru", ru, got, sizeof(got));
    assert_string_equal(got, "");
    /* and sk has no side: a profile of side ru has no concept to use */
    assert_int_equal(
        concord_glossary_load_memory(g, "p.glossary", side_profile, strlen(side_profile)),
        CONCORD_EPARSE);
    assert_non_null(strstr(concord_error_last()->message, "no concept has side 'ru'"));

    /* the same amendments in a load that succeeds are kept */
    size_t good = strlen(broken) - strlen("[pair sk nobody]\n");
    assert_int_equal(concord_glossary_load_memory(g, "a.glossary", broken, good), 0);
    check(g, NULL, "en", en, got, sizeof(got));
    assert_string_equal(got, "1:5 forbidden-term");
    check(g, NULL, "ru", ru, got, sizeof(got));
    assert_string_equal(got, "1:8 deprecated-term");
    assert_int_equal(
        concord_glossary_load_memory(g, "p.glossary", side_profile, strlen(side_profile)), 0);
    assert_int_equal(concord_glossary_stats_get(&after, g), 0);
    assert_int_equal(after.terms, before.terms + 1); /* two amended, "Kurils" added */
    concord_glossary_free(g);
}

/*
 * Files of the formats users translate that check cannot read yet are
 * refused by content, whatever their name: checked as text, a msgid or a
 * <source> would be taken for prose and --fix would rewrite it.
 */
/*
 * PO and XLIFF, told by content whatever the name, are checked as bilingual
 * files: the target, never the msgid or <source> (which says "South
 * Kuriles", a forbidden term), at the target's place in the file; an
 * untranslated entry has nothing to check. TMX in memory is still refused.
 */
static void test_bilingual_by_content(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *name, *text;
        size_t findings;
        const char *rule, *span; /* the first finding's, and the file's bytes it covers */
        unsigned long line, column;
        const char *fixed; /* what --fix makes of it (NULL: the same) */
    } cases[] = {
        {"x.po", "# Russian\nmsgid \"South Kuriles\"\nmsgstr \"Южные Курилы\"\n", 1, "paired-name",
         "Южные Курилы", 3, 9,
         "# Russian\nmsgid \"South Kuriles\"\nmsgstr \"Южные Курилы (Северные территории)\"\n"},
        {"notes.txt", "msgid \"South Kuriles\"\nmsgstr \"\"\n", 0, NULL, NULL, 0, 0, NULL},
        {"x.xlf",
         "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"><file source-language=\"en\" "
         "target-language=\"ru\"><body><trans-unit id=\"1\"><source>South Kuriles</source>"
         "</trans-unit><trans-unit id=\"2\"><source>South Kuriles</source>\n<target>Южные &amp; "
         "Курилы</target></trans-unit></body></file></xliff>\n",
         1, "missing-target-term", "", 3, 9, NULL},
    };
    concord_checker *c;
    assert_int_equal(concord_checker_new(&c, fx->g, NULL), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        concord_findings *f = NULL;
        size_t len = strlen(cases[i].text);
        assert_int_equal(concord_checker_check_text(&f, c, cases[i].name, cases[i].text, len, "en"),
                         0);
        assert_int_equal(f->n, cases[i].findings);
        for (size_t k = 0; k < f->n; k++)
            assert_string_not_equal(f->v[k].rule, "forbidden-term"); /* the source's */
        if (f->n) {
            assert_string_equal(f->v[0].rule, cases[i].rule);
            assert_int_equal(f->v[0].line, cases[i].line);
            assert_int_equal(f->v[0].column, cases[i].column);
            /* start and end are the file's bytes of the target's text */
            assert_int_equal(f->v[0].end - f->v[0].start, strlen(cases[i].span));
            assert_memory_equal(cases[i].text + f->v[0].start, cases[i].span,
                                strlen(cases[i].span));
        }
        concord_findings_free(f);
        char *fixed = NULL;
        size_t n, k;
        assert_int_equal(
            concord_checker_fix(&fixed, &n, &k, c, cases[i].name, cases[i].text, len, "en"), 0);
        /* only the target changes: the msgid and <source> stay as they were */
        const char *want = cases[i].fixed ? cases[i].fixed : cases[i].text;
        assert_int_equal(k, cases[i].fixed ? 1 : 0);
        assert_int_equal(n, strlen(want));
        assert_memory_equal(fixed, want, n);
        concord_free(fixed);
    }
    /* (the XLIFF target "Южные &amp; Курилы" is not the term: the reference is text,
       and the source's concept has no term in the target) */
    concord_findings *f = NULL;
    const char *tmx = "<tmx version=\"1.4\"><body/></tmx>";
    assert_int_equal(concord_checker_check_text(&f, c, "memory.xml", tmx, strlen(tmx), "en"),
                     CONCORD_EUNSUPPORTED);
    assert_null(f);
    assert_non_null(strstr(concord_error_last()->message, "a TMX file"));
    /* prose that mentions PO and XLIFF is prose */
    const char *md = "# PO files\n\nA line msgid \"x\" and <xliff> are South Kuriles.\n";
    assert_int_equal(concord_checker_check_text(&f, c, "po.md", md, strlen(md), "en"), 0);
    assert_true(f->n > 0);
    concord_findings_free(f);
    concord_checker_free(c);
}

/*
 * A paragraph is a unit: a term, and a paired name's shape, never run over an
 * empty line (they may run over a line break inside a paragraph).
 */
static void test_paragraph_bounds(void **state)
{
    fixture *fx = *state;
    char got[256];
    check(fx->g, NULL, "en", "The South\nKuriles.", got, sizeof(got));
    assert_string_equal(got, "1:5 forbidden-term;1:5 paired-name");
    check(fx->g, NULL, "en", "The South\n\nKuriles.", got, sizeof(got));
    assert_string_equal(got, "");
    check(fx->g, NULL, "en", "The Southern Kurils\n(Northern Territories) met.", got, sizeof(got));
    assert_string_equal(got, "");
    check(fx->g, NULL, "en", "The Southern Kurils\n\n(Northern Territories) met.", got,
          sizeof(got));
    assert_string_equal(got, "1:5 paired-name");
    /* the first mention and the spellings are still the document's, across paragraphs */
    check(fx->g, NULL, "en", "The Southern Kurils (Northern Territories).\n\nThe Southern Kuriles.",
          got, sizeof(got));
    assert_string_equal(got, "3:5 mixed-variants");
}

/* The hits of text as "start-end term concept status match lang" lines joined by ';'. */
static void find(concord_checker *c, const char *lang, const char *text, char *out, size_t size)
{
    static const char *const status[] = {"preferred", "admitted", "deprecated", "forbidden"};
    static const char *const match[] = {"exact", "stem", "form"};
    concord_term_hits *h;
    assert_int_equal(concord_checker_find_terms(&h, c, text, strlen(text), lang), 0);
    out[0] = '\0';
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++) {
        const concord_term_hit *x = &h->v[i];
        assert_true(x->start < x->end && x->end <= strlen(text));
        assert_true(i == 0 || h->v[i - 1].end <= x->start); /* sorted, not overlapping */
        n += (size_t)snprintf(out + n, size - n, "%s%zu-%zu %s %s %s %s %s", i ? ";" : "", x->start,
                              x->end, x->term, x->concept, status[x->status], match[x->match],
                              x->lang);
    }
    concord_term_hits_free(h);
}

/*
 * "START-END" of the n-th (1-based) occurrence of needle in text, the span a
 * hit of it must have, followed by `rest`.
 */
static const char *at(const char *text, const char *needle, int n, const char *rest)
{
    static char buf[8][256];
    static int k;
    k = (k + 1) % 8;
    const char *p = text - 1;
    for (int i = 0; i < n; i++) {
        p = strstr(p + 1, needle);
        assert_non_null(p);
    }
    size_t start = (size_t)(p - text);
    snprintf(buf[k], sizeof(buf[k]), "%zu-%zu %s", start, start + strlen(needle), rest);
    return buf[k];
}

/*
 * Term recognition as a call: where the glossary's terms stand in a text, with
 * each hit's concept, term, status and how it matched — in English, in
 * inflected Russian and in Japanese without spaces.
 */
static void test_find_terms(void **state)
{
    fixture *fx = *state;
    concord_checker *c;
    assert_int_equal(concord_checker_new(&c, fx->g, NULL), 0);
    char got[1024], want[1024];
    const char *en = "The South Kuriles, the SOUTHERN KURILS and the Southern Kuriles.";
    find(c, "en", en, got, sizeof(got));
    snprintf(want, sizeof(want), "%s;%s;%s",
             at(en, "South Kuriles", 1, "South Kuriles sk forbidden exact en"),
             at(en, "SOUTHERN KURILS", 1, "Southern Kurils sk preferred exact en"),
             at(en, "Southern Kuriles", 1, "Southern Kuriles sk admitted exact en"));
    assert_string_equal(got, want);
    /* inflected: by the stem markers of "Южн|ые Курил|ы"; a listed form */
    const char *ru = "Переговоры о Южных Курилах и о Кунашире.";
    find(c, "ru", ru, got, sizeof(got));
    snprintf(want, sizeof(want), "%s;%s",
             at(ru, "Южных Курилах", 1, "Южные Курилы sk preferred stem ru"),
             at(ru, "Кунашире", 1, "Кунашир kunashir preferred form ru"));
    assert_string_equal(got, want);
    /* lang NULL: detected from the script, as check does */
    find(c, NULL, ru, got, sizeof(got));
    assert_string_equal(got, want);
    /* Japanese without spaces, inside longer words, and 東海 but not in 東海地方 */
    const char *ja = "北方領土問題と日本海、東海地方と東海。";
    find(c, "ja", ja, got, sizeof(got));
    snprintf(want, sizeof(want), "%s;%s;%s",
             at(ja, "北方領土", 1, "北方領土 nt preferred exact ja"),
             at(ja, "日本海", 1, "日本海 sea-of-japan preferred exact ja"),
             at(ja, "東海", 2, "東海 east-sea preferred exact ja"));
    assert_string_equal(got, want);
    /* a term never spans an empty line; case-sensitive NATO; offsets are the whole text's */
    const char *para = "South\n\nKuriles. NATO and nato.";
    find(c, "en", para, got, sizeof(got));
    assert_string_equal(got, at(para, "NATO", 1, "NATO nato preferred exact en"));
    find(c, "en", "Nothing here.", got, sizeof(got));
    assert_string_equal(got, "");
    concord_term_hits *h = NULL;
    assert_int_equal(concord_checker_find_terms(&h, c, "bad \xc3 x", 7, "en"), CONCORD_EENCODING);
    assert_null(h);
    assert_int_equal(concord_error_last()->offset, 4);
    concord_term_hits_free(NULL);
    concord_checker_free(c);
}

/*
 * A TBX of no bytes is an error that names it. It was a use after free: the
 * XML reader freed the name and then formatted the message with it.
 */
static void test_empty_tbx_is_an_error_naming_it(void **state)
{
    (void)state;
    concord_glossary *g;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(concord_glossary_load_memory(g, "x.tbx", NULL, 0), CONCORD_EPARSE);
    const concord_error *e = concord_error_last();
    assert_string_equal(e->file, "x.tbx");
    assert_int_equal(e->line, 1);
    assert_string_equal(e->message, "malformed XML: Document is empty");
    assert_int_equal(concord_glossary_load_memory(g, "y.tbx", "", 0), CONCORD_EPARSE);
    assert_string_equal(concord_error_last()->file, "y.tbx");
    concord_glossary_stats st = CONCORD_GLOSSARY_STATS_INIT;
    concord_glossary_stats_get(&st, g);
    assert_int_equal(st.terms, 0);
    concord_glossary_free(g);
}

static const char KURILS_TBX[] =
    "<?xml version=\"1.0\"?>\n<martif type=\"TBX\" xml:lang=\"en\"><text><body>\n"
    "<termEntry id=\"sk\"><langSet xml:lang=\"en\"><tig><term>Southern Kurils</term></tig>\n"
    "<tig><term>South Kuriles</term>"
    "<termNote type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote></tig>\n"
    "</langSet><langSet xml:lang=\"ru\"><tig><term>Южные Курилы</term></tig></langSet>\n"
    "</termEntry></body></text></martif>\n";

/* Write data to a file named ...suffix in the temporary directory; the path is static. */
static const char *temp_file(const char *suffix, const char *lead, size_t nlead, const char *data)
{
    static char path[600];
    char tmpl[512];
    snprintf(tmpl, sizeof(tmpl), "%s/concord-tbx-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    for (size_t i = 0; i < nlead; i++)
        assert_int_equal(write(fd, lead, 1), 1);
    assert_int_equal(write(fd, data, strlen(data)), (long)strlen(data));
    close(fd);
    snprintf(path, sizeof(path), "%s%s", tmpl, suffix);
    assert_int_equal(rename(tmpl, path), 0);
    return path;
}

/*
 * A TBX file is streamed from its path (never read whole): the same glossary
 * as from memory; and a file whose first bytes do not show XML (10,000
 * spaces) still goes to the TBX reader once read.
 */
static void test_tbx_file_reads_like_memory(void **state)
{
    (void)state;
    const char *body = strchr(KURILS_TBX, '\n') + 1; /* no XML declaration: spaces may come first */
    char files[2][600];
    snprintf(files[0], sizeof(files[0]), "%s", temp_file(".tbx", "", 0, KURILS_TBX));
    snprintf(files[1], sizeof(files[1]), "%s", temp_file(".glossary.xml", " ", 10000, body));
    concord_glossary *a;
    assert_int_equal(concord_glossary_new(&a), 0);
    assert_int_equal(concord_glossary_load_memory(a, "k.tbx", KURILS_TBX, strlen(KURILS_TBX)), 0);
    concord_glossary_stats sa = CONCORD_GLOSSARY_STATS_INIT;
    concord_glossary_stats_get(&sa, a);
    char got_a[256], got_b[256];
    check(a, NULL, "en", "The South Kuriles and the Southern Kurils.", got_a, sizeof(got_a));
    assert_string_equal(got_a, "1:5 deprecated-term");
    for (size_t i = 0; i < 2; i++) {
        concord_glossary *b;
        assert_int_equal(concord_glossary_new(&b), 0);
        if (concord_glossary_load(b, files[i]) != 0)
            fail_msg("%s: %s", files[i], concord_error_last()->message);
        unlink(files[i]);
        concord_glossary_stats sb = CONCORD_GLOSSARY_STATS_INIT;
        concord_glossary_stats_get(&sb, b);
        assert_int_equal(sb.concepts, sa.concepts);
        assert_int_equal(sb.terms, 3);
        assert_int_equal(sb.terms, sa.terms);
        assert_int_equal(sb.languages, 2);
        check(b, NULL, "en", "The South Kuriles and the Southern Kurils.", got_b, sizeof(got_b));
        assert_string_equal(got_a, got_b);
        concord_glossary_free(b);
    }
    concord_glossary_free(a);
}

/* What one entry may hold is bounded, whatever the file: terms, notes, the text of one element. */
static void test_tbx_limits(void **state)
{
    (void)state;
    static const struct {
        const char *what, *open, *repeat, *close, *message;
        int times;
        unsigned long line, col;
    } CASES[] = {
        {"terms", "<termEntry id=\"c\"><langSet xml:lang=\"en\">", "<tig><term>t</term></tig>",
         "</langSet></termEntry>", "<termEntry> with more than 10000 terms", 10001, 2, 1},
        {"a long term", "<termEntry id=\"c\"><langSet xml:lang=\"en\"><tig><term>",
         "Kurils Kurils Kurils Kurils ", "</term></tig></langSet></termEntry>",
         "<term> with more than 1 MiB of text", 40000, 2, 47},
        {"notes", "<termEntry id=\"c\">", "<note>a note</note>",
         "<langSet xml:lang=\"en\"><tig><term>t</term></tig></langSet></termEntry>",
         "notes of one concept longer than 1 MiB", 200000, 2, 0},
    };
    for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
        size_t cap = strlen(CASES[i].repeat) * (size_t)CASES[i].times + 1024, o = 0;
        char *doc = malloc(cap);
        o += (size_t)sprintf(doc + o, "<martif type=\"TBX\" xml:lang=\"en\"><text><body>\n%s",
                             CASES[i].open);
        for (int k = 0; k < CASES[i].times; k++)
            o += (size_t)sprintf(doc + o, "%s", CASES[i].repeat);
        o += (size_t)sprintf(doc + o, "%s</body></text></martif>\n", CASES[i].close);
        concord_glossary *g;
        assert_int_equal(concord_glossary_new(&g), 0);
        int rc = concord_glossary_load_memory(g, "big.tbx", doc, o);
        const concord_error *e = concord_error_last();
        if (rc != CONCORD_ELIMIT)
            fail_msg("%s: %s %lu:%lu %s", CASES[i].what, concord_error_name(rc), e->line, e->column,
                     e->message);
        if (!strstr(e->message, CASES[i].message) || e->line != CASES[i].line ||
            (CASES[i].col && e->column != CASES[i].col))
            fail_msg("%s: %lu:%lu %s", CASES[i].what, e->line, e->column, e->message);
        concord_glossary_free(g);
        free(doc);
    }
}

static void test_fix_fixed_point(void **state)
{
    fixture *fx = *state;
    concord_checker *c;
    assert_int_equal(concord_checker_new(&c, fx->g, NULL), 0);
    const char *text = "A map of the South Kuriles.\nLater, color and the Southern Kuriles.\n";
    char *once, *twice;
    size_t n1, n2, k1, k2;
    assert_int_equal(concord_checker_fix(&once, &n1, &k1, c, "t.txt", text, strlen(text), "en"), 0);
    /* forbidden -> preferred, then that first mention gets its pair, in a second round */
    assert_string_equal(once, "A map of the Southern Kurils (Northern Territories).\n"
                              "Later, colour and the Southern Kurils.\n");
    assert_int_equal(k1, 4);
    assert_int_equal(concord_checker_fix(&twice, &n2, &k2, c, "t.txt", once, n1, "en"), 0);
    assert_int_equal(k2, 0);
    assert_string_equal(once, twice);
    concord_free(once);
    concord_free(twice);
    /* an inflected mention gets no automatic fix */
    const char *ru = "Переговоры о Южных Курилах.";
    assert_int_equal(concord_checker_fix(&once, &n1, &k1, c, "t.txt", ru, strlen(ru), "ru"), 0);
    assert_int_equal(k1, 0);
    assert_string_equal(once, ru);
    concord_free(once);
    concord_checker_free(c);
}

static void test_markdown_masking(void **state)
{
    fixture *fx = *state;
    char got[1024];
    concord_checker *c;
    assert_int_equal(concord_checker_new(&c, fx->g, NULL), 0);
    const char *md = "Use `South Kuriles` in code.\n```\nSouth Kuriles\n```\n"
                     "<!-- South Kuriles -->\n[a map](https://x.example/South-Kuriles)\n"
                     "But South Kuriles here.\n"
                     "[map]: https://x.example/South-Kuriles\n"
                     "<a title=\"South Kuriles\">x</a>\n"
                     "[^1]: Footnotes are prose: South Kuriles.\n";
    concord_findings *f;
    assert_int_equal(concord_checker_check_text(&f, c, "doc.md", md, strlen(md), "en"), 0);
    got[0] = '\0';
    for (size_t i = 0; i < f->n; i++)
        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%lu:%lu %s;", f->v[i].line,
                 f->v[i].column, f->v[i].rule);
    assert_string_equal(got, "7:5 forbidden-term;7:5 paired-name;10:28 forbidden-term;");
    concord_findings_free(f);
    /* the same text as plain text is all prose */
    assert_int_equal(concord_checker_check_text(&f, c, "doc.txt", md, strlen(md), "en"), 0);
    assert_true(f->n > 2);
    concord_findings_free(f);
    concord_checker_free(c);
}

typedef struct bad {
    const char *name, *text, *message;
    unsigned long line;
} bad;

static void test_bad_glossaries(void **state)
{
    (void)state;
    static const bad cases[] = {
        {"a.glossary", "[concept a]\nen: X\n[pair a b]\n", "concept 'b' is not defined", 3},
        {"a.glossary", "[concept a]\nen:\n", "empty term", 2},
        {"a.glossary", "[concept a]\nen: ?!\n", "no letters or digits", 2},
        {"a.glossary", "[concept a]\nen: x ; banned\n", "unknown term option 'banned'", 2},
        {"a.glossary", "", "no terms", 1},
        {"a.glossary", "en: x\n", "outside any section", 1},
        {"a.glossary", "[concept a]\nen: x\n[concept a]\n", "defined twice", 3},
        {"a.glossary", "[concept a]\nen: x\n[shapes]\nen: {A} and more\n", "{A} and {B}", 4},
        {"a.glossary", "[concept a]\nen: x\n[profile p]\npairs: side nobody\n",
         "no concept has side 'nobody'", 4},
        {"a.glossary", "[concept a]\nen: x\n[rules]\nno-such-rule: off\n", "unknown rule", 4},
        {"a.glossary", "[concept a]\nen: x\n[shapes]\nen: {B} ({A})\n", "comes before {B}", 4},
        {"a.glossary", "[concept a]\nen: x\n[shapes]\nen: so-called … {A}/{B}\n", "not before {A}",
         4},
        {"a.glossary", "[concept a]\nen: x\n[shapes]\nen: ... {A} ({B} …)\n", "not before {A}", 4},
        {"a.glossary", "[concept #1]\nen: x\n", "does not start with '#'", 1},
        {"a.glossary", "[concept a]\nen: x\n[glossary]\nprofile: nope\n", "not defined", 4},
        {"a.glossary", "[concept a]\nen: x\xff\n", "invalid UTF-8", 2},
        {"a.yaml", "a: b\n", "unknown glossary format", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        concord_glossary *g;
        assert_int_equal(concord_glossary_new(&g), 0);
        int rc =
            concord_glossary_load_memory(g, cases[i].name, cases[i].text, strlen(cases[i].text));
        const concord_error *e = concord_error_last();
        if (rc >= 0 || !strstr(e->message, cases[i].message) || e->line != cases[i].line)
            fail_msg("case %zu: rc %d, %lu: '%s'", i, rc, e->line, e->message);
        concord_glossary_stats st = CONCORD_GLOSSARY_STATS_INIT;
        assert_int_equal(concord_glossary_stats_get(&st, g), 0);
        assert_int_equal(st.terms, 0); /* rolled back */
        concord_glossary_free(g);
    }
}

static void test_invalid_document(void **state)
{
    fixture *fx = *state;
    concord_checker *c;
    assert_int_equal(concord_checker_new(&c, fx->g, NULL), 0);
    concord_findings *f;
    const char text[] = "ok\nbad \xc3 here";
    assert_int_equal(concord_checker_check_text(&f, c, "d.txt", text, sizeof(text) - 1, "en"),
                     CONCORD_EENCODING);
    assert_int_equal(concord_error_last()->line, 2);
    assert_int_equal(concord_error_last()->column, 5);
    concord_checker_free(c);
}

/* ---- memory of a check: an allocation hook that counts the live bytes ---- */

static size_t live, peak;

static void *count_malloc(size_t size, void *ud)
{
    (void)ud;
    size_t *p = malloc(size + sizeof(max_align_t));
    if (!p)
        return NULL;
    *p = size;
    live += size;
    peak = live > peak ? live : peak;
    return (char *)p + sizeof(max_align_t);
}

static void count_free(void *ptr, void *ud)
{
    (void)ud;
    if (!ptr)
        return;
    size_t *p = (size_t *)((char *)ptr - sizeof(max_align_t));
    live -= *p;
    free(p);
}

static void *count_realloc(void *ptr, size_t size, void *ud)
{
    if (!ptr)
        return count_malloc(size, ud);
    size_t *p = (size_t *)((char *)ptr - sizeof(max_align_t)), old = *p;
    size_t *q = realloc(p, size + sizeof(max_align_t));
    if (!q)
        return NULL;
    *q = size;
    live = live - old + size;
    peak = live > peak ? live : peak;
    return (char *)q + sizeof(max_align_t);
}

/*
 * The peak of libconcord's own allocations while checking `mb` MiB of one
 * line of text (no paragraph break at all), whose last sentence has a
 * forbidden term that must still be found at its column.
 */
static size_t check_peak(size_t mb)
{
    concord_allocator a = {count_malloc, count_realloc, count_free, NULL};
    concord_allocator_set(&a);
    live = peak = 0;
    static const char sentence[] = "Talks on the Southern Kurils (Northern Territories) resumed. ";
    static const char last[] = "A map of the South Kuriles.";
    size_t n = mb << 20, k = 0;
    char *text = malloc(n + sizeof(last));
    assert_non_null(text);
    while (k + sizeof(sentence) - 1 <= n) {
        memcpy(text + k, sentence, sizeof(sentence) - 1);
        k += sizeof(sentence) - 1;
    }
    memcpy(text + k, last, sizeof(last));
    size_t len = k + sizeof(last) - 1;
    concord_glossary *g;
    concord_checker *c;
    concord_findings *f;
    assert_int_equal(concord_glossary_new(&g), 0);
    assert_int_equal(
        concord_glossary_load_memory(g, "t.glossary", glossary_text, strlen(glossary_text)), 0);
    assert_int_equal(concord_checker_new(&c, g, NULL), 0);
    size_t before = live;
    assert_int_equal(concord_checker_check_text(&f, c, "long.txt", text, len, "en"), 0);
    assert_int_equal(f->n, 1);
    assert_string_equal(f->v[0].rule, "forbidden-term");
    assert_int_equal(f->v[0].line, 1);
    assert_int_equal(f->v[0].column, k + 14); /* after "A map of the " */
    size_t used = peak - before;
    concord_findings_free(f);
    concord_checker_free(c);
    concord_glossary_free(g);
    assert_int_equal(live, 0);
    concord_allocator_set(NULL);
    free(text);
    return used;
}

/*
 * A check holds what one unit needs (a paragraph, or a piece of at most
 * CC_DOC_UNIT_MAX of a longer one), not the whole document's tokens: the
 * memory of checking a line of 8 MiB is that of 2 MiB, and a small multiple
 * of a unit (it was about twelve times the text: 100 MB of one line took
 * 1.2 GB).
 */
static void test_check_memory_bounded(void **state)
{
    (void)state;
    size_t small = check_peak(2), large = check_peak(8);
    if (large > small + small / 4 || large > 32u << 20)
        fail_msg("peak %zu bytes for 2 MiB of text, %zu for 8 MiB", small, large);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paired_names),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_recognition),
        cmocka_unit_test(test_severity_setting_and_suppression),
        cmocka_unit_test(test_fix_fixed_point),
        cmocka_unit_test(test_suppression_typo),
        cmocka_unit_test(test_mixed_variants_keep_plain),
        cmocka_unit_test(test_fix_shape_with_prefix),
        cmocka_unit_test(test_katakana_words),
        cmocka_unit_test(test_tbx_then_rules),
        cmocka_unit_test(test_failed_load_undone),
        cmocka_unit_test(test_empty_tbx_is_an_error_naming_it),
        cmocka_unit_test(test_tbx_file_reads_like_memory),
        cmocka_unit_test(test_tbx_limits),
        cmocka_unit_test(test_markdown_masking),
        cmocka_unit_test(test_bad_glossaries),
        cmocka_unit_test(test_invalid_document),
        cmocka_unit_test(test_bilingual_by_content),
        cmocka_unit_test(test_paragraph_bounds),
        cmocka_unit_test(test_find_terms),
        cmocka_unit_test(test_check_memory_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
