/*
 * test_report.c — the reports of `concord check` (src/cli/report.c), read
 * back the way their consumers read them: the text and GitHub lines exactly;
 * JSON, SARIF and rdjsonl through jq, with filters that check the shape and
 * the columns each consumer expects (code points for SARIF, UTF-8 bytes for
 * reviewdog); JUnit through xmllint. The findings are a Russian article whose
 * name has a space, a Japanese file name and text, a TMX file whose name has
 * a colon and a comma, and a file without findings; the messages hold what
 * breaks careless writers: quotes, a newline, '<', '&', '%', an escape
 * character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* ---- the check that is reported ------------------------------------------ */

#define F_RU    "news/kurils ru.md"
#define F_CLEAN "news/clean.md"
#define F_TMX   "news/memory: v1, v2.tmx"
#define F_JA    "news/北方領土.txt"

/* every file checked, in command-line order; F_CLEAN has no finding */
static const char *const files[] = {F_RU, F_CLEAN, F_TMX, F_JA};
#define NFILES (sizeof(files) / sizeof(files[0]))

#define MSG_RU         "Name \"Южных Курил\" alone: add \"Northern Territories\", <Japan> & 100%\nat first"
#define MSG_DEPRECATED "Deprecated term \"Курилы\": use \"Курильские острова\""
#define MSG_TMX        "Forbidden term \"Kurile\"\x1b: use \"Kuril\""
#define MSG_JA         "「北方領土」 is the Japanese name; news style also gives 南クリル諸島"

static concord_finding findings[4];
/* ids from concord_rule_table(): these if the table has them, else its first ones */
static const char *rule_a, *rule_b, *rule_c; /* paired-name, deprecated-term, forbidden-term */

static const char *pick_rule(const char *want, size_t fallback)
{
    const concord_rule_info *rules = concord_rule_table();
    size_t n = 0;
    while (rules[n].id)
        n++;
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rules[i].id, want) == 0)
            return rules[i].id;
    return rules[fallback < n ? fallback : 0].id;
}

static int setup(void **state)
{
    (void)state;
    rule_a = pick_rule("paired-name", 0);
    rule_b = pick_rule("deprecated-term", 1);
    rule_c = pick_rule("forbidden-term", 2);
    setenv("RULE_A", rule_a, 1);
    /*
     * Line 2 of the Russian file is "Он говорил о Южных Курилах.": the span
     * "Южных Курил" starts after 13 code points (23 bytes) and is 11 code
     * points, 21 bytes long.
     */
    findings[0] = (concord_finding){.file = F_RU,
                                    .line = 2,
                                    .column = 14,
                                    .byte_column = 24,
                                    .end_line = 2,
                                    .end_column = 25,
                                    .end_byte_column = 45,
                                    .start = 100,
                                    .end = 121,
                                    .rule = rule_a,
                                    .severity = CONCORD_SEVERITY_WARNING,
                                    .message = MSG_RU,
                                    .concept = "kuril-islands",
                                    .lang = "ru",
                                    .fix = NULL};
    /* line 5, "Острова Курилы": the fix replaces the 12 bytes of "Курилы" */
    findings[1] = (concord_finding){.file = F_RU,
                                    .line = 5,
                                    .column = 9,
                                    .byte_column = 16,
                                    .end_line = 5,
                                    .end_column = 15,
                                    .end_byte_column = 28,
                                    .start = 300,
                                    .end = 312,
                                    .rule = rule_b,
                                    .severity = CONCORD_SEVERITY_ERROR,
                                    .message = MSG_DEPRECATED,
                                    .concept = "kuril-islands",
                                    .lang = "ru",
                                    .fix = "Курильские острова"};
    /*
     * A TMX finding points at its <tuv> with columns 1, while its span and
     * fix are inside the segment: no tool may apply that fix by position.
     */
    findings[2] = (concord_finding){.file = F_TMX,
                                    .line = 7,
                                    .column = 1,
                                    .byte_column = 1,
                                    .end_line = 7,
                                    .end_column = 1,
                                    .end_byte_column = 1,
                                    .start = 4,
                                    .end = 10,
                                    .rule = rule_c,
                                    .severity = CONCORD_SEVERITY_WARNING,
                                    .message = MSG_TMX,
                                    .concept = NULL,
                                    .lang = "en",
                                    .fix = "Kuril"};
    /* "日本の北方\n領土は": the term crosses a line break, as wrapped Japanese does */
    findings[3] = (concord_finding){.file = F_JA,
                                    .line = 1,
                                    .column = 4,
                                    .byte_column = 10,
                                    .end_line = 2,
                                    .end_column = 3,
                                    .end_byte_column = 7,
                                    .start = 9,
                                    .end = 22,
                                    .rule = rule_a,
                                    .severity = CONCORD_SEVERITY_NOTE,
                                    .message = MSG_JA,
                                    .concept = "kuril-islands",
                                    .lang = "ja",
                                    .fix = NULL};
    return 0;
}

/* ---- helpers --------------------------------------------------------------- */

/*
 * The report of v[0..n) over fs[0..nfiles) under --fail-on `fail_on`, as a
 * NUL-terminated string.
 */
static char *render_fail_on(cli_report_format format, const char *const *fs, size_t nfiles,
                            const concord_finding *v, size_t n, concord_severity fail_on, int color)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    cli_report_write(f, format, fs, nfiles, v, n, fail_on, color);
    assert_false(ferror(f));
    long len = ftell(f);
    assert_true(len >= 0);
    rewind(f);
    char *s = malloc((size_t)len + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
    s[len] = '\0';
    fclose(f);
    return s;
}

/* The report under the default --fail-on (error). */
static char *render_with(cli_report_format format, const char *const *fs, size_t nfiles,
                         const concord_finding *v, size_t n, int color)
{
    return render_fail_on(format, fs, nfiles, v, n, CONCORD_SEVERITY_ERROR, color);
}

/* The report of the first n findings over the first nfiles files. */
static char *render(cli_report_format format, size_t nfiles, size_t n, int color)
{
    return render_with(format, files, nfiles, findings, n, color);
}

/*
 * Run the shell command `cmd` with `doc` on its standard input; its standard
 * output goes to out[size] (NUL-terminated, trailing newline removed). The
 * exit status is returned.
 */
static int run_tool(const char *cmd, const char *doc, char *out, size_t size)
{
    char path[] = "/tmp/concord-test-report-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(doc);
    assert_int_equal(write(fd, doc, len), (ssize_t)len);
    close(fd);
    char *line = malloc(strlen(cmd) + sizeof(path) + 8);
    assert_non_null(line);
    sprintf(line, "%s < '%s'", cmd, path);
    FILE *p = popen(line, "r");
    assert_non_null(p);
    size_t got = fread(out, 1, size - 1, p);
    out[got] = '\0';
    while (got > 0 && out[got - 1] == '\n')
        out[--got] = '\0';
    int st = pclose(p);
    unlink(path);
    free(line);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * jq -e FILTER on doc must print true. `opts` are more jq options ("-n -R"
 * to read JSON Lines one line at a time). $ENV carries the expected strings,
 * so that no message needs shell quoting.
 */
static void expect_jq(const char *doc, const char *opts, const char *filter)
{
    char cmd[4096], out[4096];
    snprintf(cmd, sizeof(cmd), "jq -e %s '%s'", opts, filter);
    int st = run_tool(cmd, doc, out, sizeof(out));
    if (st != 0 || strcmp(out, "true") != 0) {
        print_error("jq %s '%s' gave \"%s\" (status %d) on:\n%s\n", opts, filter, out, st, doc);
        fail();
    }
}

/* xmllint --xpath EXPR on doc must print `want`. */
static void expect_xpath(const char *doc, const char *expr, const char *want)
{
    char cmd[1024], out[4096];
    snprintf(cmd, sizeof(cmd), "xmllint --xpath '%s' -", expr);
    int st = run_tool(cmd, doc, out, sizeof(out));
    if (st != 0 || strcmp(out, want) != 0) {
        print_error("xmllint --xpath '%s' gave \"%s\" (status %d), expected \"%s\", on:\n%s\n",
                    expr, out, st, want, doc);
        fail();
    }
}

/* s with every {A}, {B} and {C} replaced by rule_a, rule_b and rule_c */
static const char *with_rules(const char *s)
{
    static char buf[4][2048];
    static int k;
    k = (k + 1) % 4;
    size_t o = 0;
    while (*s && o + 1 < sizeof(buf[k])) {
        const char *id = strncmp(s, "{A}", 3) == 0   ? rule_a
                         : strncmp(s, "{B}", 3) == 0 ? rule_b
                         : strncmp(s, "{C}", 3) == 0 ? rule_c
                                                     : NULL;
        if (id) {
            o += (size_t)snprintf(buf[k] + o, sizeof(buf[k]) - o, "%s", id);
            s += 3;
        } else {
            buf[k][o++] = *s++;
        }
    }
    assert_true(o + 1 < sizeof(buf[k]));
    buf[k][o] = '\0';
    return buf[k];
}

/* The expected text-report lines of the four findings (also JUnit's failure text). */
#define LINE_RU F_RU ":2:14: warning: " MSG_RU_ONE_LINE " [{A}]"
#define MSG_RU_ONE_LINE                                                                            \
    "Name \"Южных Курил\" alone: add \"Northern Territories\", <Japan> & 100% at first"
#define LINE_DEPRECATED F_RU ":5:9: error: " MSG_DEPRECATED " [{B}]"
#define LINE_TMX        F_TMX ":7:1: warning: Forbidden term \"Kurile\" : use \"Kuril\" [{C}]"
#define LINE_JA         F_JA ":1:4: note: " MSG_JA " [{A}]"

/* ---- the tests ----------------------------------------------------------- */

static void test_format_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int format;
    } cases[] = {
        {"text", CLI_REPORT_TEXT},
        {"json", CLI_REPORT_JSON},
        {"sarif", CLI_REPORT_SARIF},
        {"github", CLI_REPORT_GITHUB},
        {"junit", CLI_REPORT_JUNIT},
        {"rdjsonl", CLI_REPORT_RDJSONL},
        {"xml", -1},
        {"", -1},
        {"JSON", -1},
        {"sarif2", -1},
        {"rdjson", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(cli_report_format_parse(cases[i].name), cases[i].format);
}

/* The lines editors and problem matchers parse: positions in code points, one line each. */
static void test_text(void **state)
{
    (void)state;
    char *s = render(CLI_REPORT_TEXT, NFILES, 4, 0);
    const char *want = with_rules(LINE_RU "\n" LINE_DEPRECATED "\n" LINE_TMX "\n" LINE_JA "\n"
                                          "1 error, 2 warnings, 1 note in 4 files\n");
    assert_string_equal(s, want);
    assert_null(strchr(s, '\x1b')); /* no colour asked, and the message's ESC is gone */
    free(s);

    /* a count of one is singular, of zero plural */
    s = render(CLI_REPORT_TEXT, 1, 1, 0);
    assert_string_equal(s, with_rules(LINE_RU "\n0 errors, 1 warning in 1 file\n"));
    free(s);

    s = render(CLI_REPORT_TEXT, NFILES, 0, 0);
    assert_string_equal(s, "no findings in 4 files\n");
    free(s);
}

/* Colour marks the severity only, so that the line still reads file:line:col. */
static void test_text_color(void **state)
{
    (void)state;
    char *s = render(CLI_REPORT_TEXT, NFILES, 4, 1);
    const char *want = with_rules(
        F_RU
        ":2:14: \x1b[1;33mwarning\x1b[0m: " MSG_RU_ONE_LINE " [{A}]\n" F_RU
        ":5:9: \x1b[1;31merror\x1b[0m: " MSG_DEPRECATED " [{B}]\n" F_TMX
        ":7:1: \x1b[1;33mwarning\x1b[0m: Forbidden term \"Kurile\" : use \"Kuril\" [{C}]\n" F_JA
        ":1:4: \x1b[1;36mnote\x1b[0m: " MSG_JA " [{A}]\n"
        "1 error, 2 warnings, 1 note in 4 files\n");
    assert_string_equal(s, want);
    free(s);
}

static void test_json(void **state)
{
    (void)state;
    char *s = render(CLI_REPORT_JSON, NFILES, 4, 0);
    expect_jq(s, "", ".summary == {\"errors\": 1, \"warnings\": 2, \"notes\": 1, \"files\": 4}");
    expect_jq(s, "",
              "(.findings | length) == 4 and all(.findings[]; "
              "[\"file\",\"line\",\"column\",\"end_line\",\"end_column\",\"rule\",\"severity\","
              "\"message\",\"concept\",\"lang\",\"fix\"] - keys == [])");
    expect_jq(s, "", "[.findings[].file] == [$ENV.F_RU, $ENV.F_RU, $ENV.F_TMX, $ENV.F_JA]");
    /* the message comes back byte for byte: quotes, newline, '<', '&', '%' */
    expect_jq(s, "", ".findings[0].message == $ENV.MSG_RU and .findings[0].rule == $ENV.RULE_A");
    expect_jq(s, "",
              ".findings[0] | .line == 2 and .column == 14 and .end_line == 2 and "
              ".end_column == 25 and .byte_column == 24 and .end_byte_column == 45 and "
              ".severity == \"warning\" and .concept == \"kuril-islands\" and .lang == \"ru\" and "
              ".fix == null");
    expect_jq(s, "",
              ".findings[1] | .fix == \"Курильские острова\" and .start == 300 and .end == 312");
    expect_jq(s, "", ".findings[2] | .concept == null and .message == $ENV.MSG_TMX");
    expect_jq(s, "", "[.findings[].severity] == [\"warning\", \"error\", \"warning\", \"note\"]");
    free(s);

    s = render(CLI_REPORT_JSON, 2, 0, 0);
    expect_jq(s, "",
              ". == {\"findings\": [], \"summary\": {\"errors\": 0, \"warnings\": 0, "
              "\"notes\": 0, \"files\": 2}}");
    free(s);
}

static void test_sarif(void **state)
{
    (void)state;
    char *s = render(CLI_REPORT_SARIF, NFILES, 4, 0);
    expect_jq(s, "",
              ".version == \"2.1.0\" and .[\"$schema\"] == "
              "\"https://json.schemastore.org/sarif-2.1.0.json\" and (.runs | length) == 1 and "
              ".runs[0].columnKind == \"unicodeCodePoints\"");
    /* the driver and its rule table, which code scanning shows with each alert */
    expect_jq(
        s, "",
        ".runs[0].tool.driver | .name == \"concord\" and .version == $ENV.VERSION and "
        ".informationUri == $ENV.DOCS + \"check.md\" and "
        "(.rules | length) == ($ENV.NRULES | tonumber) and all(.rules[]; "
        "(.id | type) == \"string\" and (.name | test(\"^[A-Z][A-Za-z0-9]*$\")) and "
        "(.shortDescription.text | length) > 0 and .helpUri == $ENV.DOCS + \"check.md#\" + .id "
        "and "
        "([.defaultConfiguration.level] | inside([\"error\", \"warning\", \"note\"])))");
    expect_jq(s, "",
              ".runs[0] | .tool.driver.rules as $r | (.results | length) == 4 and "
              "all(.results[]; .ruleId and .level and .message.text and "
              ".locations[0].physicalLocation.region.startLine and "
              ".locations[0].physicalLocation.artifactLocation.uri and "
              "$r[.ruleIndex].id == .ruleId)");
    expect_jq(s, "",
              "[.runs[0].results[].level] == [\"warning\", \"error\", \"warning\", \"note\"]");
    expect_jq(s, "", ".runs[0].results[0].message.text == $ENV.MSG_RU");
    /* columns in code points, end exclusive; a span that crosses a line keeps its end line */
    expect_jq(s, "",
              "[.runs[0].results[].locations[0].physicalLocation.region] == ["
              "{\"startLine\": 2, \"startColumn\": 14, \"endLine\": 2, \"endColumn\": 25},"
              "{\"startLine\": 5, \"startColumn\": 9, \"endLine\": 5, \"endColumn\": 15},"
              "{\"startLine\": 7, \"startColumn\": 1, \"endLine\": 7, \"endColumn\": 1},"
              "{\"startLine\": 1, \"startColumn\": 4, \"endLine\": 2, \"endColumn\": 3}]");
    /* relative URIs with spaces, ':' ',' and non-ASCII bytes percent-encoded */
    expect_jq(s, "",
              "[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] == ["
              "\"news/kurils%20ru.md\", \"news/kurils%20ru.md\", "
              "\"news/memory%3A%20v1%2C%20v2.tmx\", "
              "\"news/%E5%8C%97%E6%96%B9%E9%A0%98%E5%9C%9F.txt\"]");
    /* every checked file is an artifact, the clean one too */
    expect_jq(s, "",
              "[.runs[0].artifacts[].location.uri] == [\"news/kurils%20ru.md\", "
              "\"news/clean.md\", \"news/memory%3A%20v1%2C%20v2.tmx\", "
              "\"news/%E5%8C%97%E6%96%B9%E9%A0%98%E5%9C%9F.txt\"]");
    /* the one fix that fits its position, replacing exactly the finding's region */
    expect_jq(s, "",
              ".runs[0].results | [.[] | has(\"fixes\")] == [false, true, false, false] and "
              "(.[1] | .fixes[0].artifactChanges[0] as $c | "
              "(.fixes[0].description.text | length) > 0 and "
              "$c.artifactLocation.uri == \"news/kurils%20ru.md\" and "
              "$c.replacements[0].deletedRegion == .locations[0].physicalLocation.region and "
              "$c.replacements[0].insertedContent.text == \"Курильские острова\")");
    free(s);

    s = render(CLI_REPORT_SARIF, 1, 0, 0);
    expect_jq(s, "",
              ".runs[0] | .results == [] and .artifacts == "
              "[{\"location\": {\"uri\": \"news/kurils%20ru.md\"}}]");
    free(s);
}

/*
 * The links of the SARIF report lead somewhere: the documentation base is an
 * absolute URL of a folder (file:// of the installed docs unless the build
 * was given another), and docs/check.md, which it names, has a heading for
 * every rule, whose anchor (#forbidden-term) the rule's helpUri points at.
 */
static void test_sarif_links(void **state)
{
    (void)state;
    const char *docs = CONCORD_DOCS_URL;
    assert_true(strncmp(docs, "file:///", 8) == 0 || strncmp(docs, "https://", 8) == 0 ||
                strncmp(docs, "http://", 7) == 0);
    assert_int_equal(docs[strlen(docs) - 1], '/');
    assert_null(strstr(docs, ".invalid"));
    FILE *f = fopen(CONCORD_SOURCE_DIR "/docs/check.md", "r");
    assert_non_null(f);
    static char md[1 << 20];
    size_t n = fread(md, 1, sizeof(md) - 1, f);
    md[n] = '\0';
    fclose(f);
    for (const concord_rule_info *r = concord_rule_table(); r->id; r++) {
        /* "### `forbidden-term`": the heading whose anchor is #forbidden-term */
        char heading[128];
        snprintf(heading, sizeof(heading), "\n### `%s`\n", r->id);
        if (!strstr(md, heading)) {
            print_error("docs/check.md has no heading %s", heading + 1);
            fail();
        }
    }
}

/* Annotations: exact lines, as the runner parses them. */
static void test_github(void **state)
{
    (void)state;
    char *s = render(CLI_REPORT_GITHUB, NFILES, 4, 0);
    const char *want = with_rules(
        "::warning file=news/kurils ru.md,line=2,col=14,endLine=2,endColumn=25,title={A}::"
        "Name \"Южных Курил\" alone: add \"Northern Territories\", <Japan> & 100%25%0Aat first\n"
        "::error file=news/kurils "
        "ru.md,line=5,col=9,endLine=5,endColumn=15,title={B}::" MSG_DEPRECATED "\n"
        "::warning file=news/memory%3A v1%2C v2.tmx,line=7,col=1,endLine=7,endColumn=1,"
        "title={C}::Forbidden term \"Kurile\" : use \"Kuril\"\n"
        /* columns only for a span on one line: the runner drops them otherwise */
        "::notice file=" F_JA ",line=1,endLine=2,title={A}::" MSG_JA "\n"
        "::notice::concord check: 1 error, 2 warnings, 1 note in 4 files\n");
    assert_string_equal(s, want);
    free(s);

    /* a clean run adds no annotation */
    s = render(CLI_REPORT_GITHUB, NFILES, 0, 0);
    assert_string_equal(s, "concord check: no findings in 4 files\n");
    free(s);
}

/* More annotations than GitHub shows: the summary says so. */
static void test_github_over_limit(void **state)
{
    (void)state;
    concord_finding many[11];
    for (size_t i = 0; i < 11; i++) {
        many[i] = findings[0];
        many[i].line = i + 1;
        many[i].end_line = i + 1;
    }
    char *buf = render_with(CLI_REPORT_GITHUB, files, 1, many, 11, 0);
    const char *last = strstr(buf, "::notice::");
    assert_non_null(last);
    assert_string_equal(last, "::notice::concord check: 0 errors, 11 warnings in 1 file (GitHub "
                              "shows 10 annotations of each kind; the log lists all)\n");
    free(buf);
}

static void test_junit(void **state)
{
    (void)state;
    /* --fail-on note: every finding fails its file */
    char *s =
        render_fail_on(CLI_REPORT_JUNIT, files, NFILES, findings, 4, CONCORD_SEVERITY_NOTE, 0);
    char out[256];
    int st = run_tool("xmllint --noout -", s, out, sizeof(out));
    if (st != 0)
        print_error("%s\n", s);
    assert_int_equal(st, 0);
    expect_xpath(s, "count(//testcase)", "4");
    expect_xpath(s, "count(//testcase[failure])", "3");
    expect_xpath(s, "count(//failure)", "3");
    expect_xpath(s, "count(//system-out)", "0");
    expect_xpath(s, "string(/testsuites/@tests)", "4");
    expect_xpath(s, "string(/testsuites/@failures)", "3");
    expect_xpath(s, "string(/testsuites/testsuite/@failures)", "3");
    expect_xpath(s, "count(//testcase[@name=\"news/clean.md\"][not(*)])", "1");
    expect_xpath(s, "string(//testcase[3]/@name)", F_TMX);
    /* the file's most severe finding names the failure; the text lists all of them */
    expect_xpath(s, "string(//testcase[1]/failure/@type)", rule_b);
    expect_xpath(s, "string(//testcase[1]/failure/@message)",
                 "5:9: " MSG_DEPRECATED " (and 1 more)");
    expect_xpath(s, "string(//testcase[1]/failure)", with_rules(LINE_RU "\n" LINE_DEPRECATED));
    /* ESC is not an XML 1.0 character: a space, as in the text report, and the XML parses */
    expect_xpath(s, "string(//testcase[3]/failure/@message)",
                 "7:1: Forbidden term \"Kurile\" : use \"Kuril\"");
    expect_xpath(s, "string(//testcase[4]/failure/@type)", rule_a);
    free(s);

    s = render(CLI_REPORT_JUNIT, NFILES, 0, 0);
    expect_xpath(s, "concat(count(//testcase), \"/\", count(//failure))", "4/0");
    free(s);

    /* files named in another order than the findings follow still get theirs */
    static const char *const reversed[] = {F_JA, F_TMX, F_CLEAN, F_RU};
    s = render_fail_on(CLI_REPORT_JUNIT, reversed, 4, findings, 4, CONCORD_SEVERITY_NOTE, 0);
    expect_xpath(s, "count(//testcase[failure])", "3");
    expect_xpath(s, "concat(//testcase[1]/@name, \" \", count(//testcase[1]/failure))", F_JA " 1");
    expect_xpath(s, "string(//testcase[4]/failure)", with_rules(LINE_RU "\n" LINE_DEPRECATED));
    free(s);
}

/*
 * JUnit follows --fail-on as the exit status does: a file fails only on a
 * finding at that level or above; the findings below it are in the
 * testcase's system-out, not lost and not a failure.
 */
static void test_junit_fail_on(void **state)
{
    (void)state;
    /* the default, error: only the Russian file has an error */
    char *s = render(CLI_REPORT_JUNIT, NFILES, 4, 0);
    char out[256];
    assert_int_equal(run_tool("xmllint --noout -", s, out, sizeof(out)), 0);
    expect_xpath(s, "string(/testsuites/@failures)", "1");
    expect_xpath(s, "string(/testsuites/testsuite/@failures)", "1");
    expect_xpath(s, "count(//failure)", "1");
    expect_xpath(s, "string(//testcase[1]/failure/@type)", rule_b);
    /* "(and N more)" counts the failing findings only */
    expect_xpath(s, "string(//testcase[1]/failure/@message)", "5:9: " MSG_DEPRECATED);
    expect_xpath(s, "string(//testcase[1]/failure)", with_rules(LINE_DEPRECATED));
    expect_xpath(s, "string(//testcase[1]/system-out)", with_rules(LINE_RU));
    /* a warning and a note: passed, their findings shown in system-out */
    expect_xpath(s, "count(//testcase[3]/failure)", "0");
    expect_xpath(s, "string(//testcase[3]/system-out)", with_rules(LINE_TMX));
    expect_xpath(s, "count(//testcase[4]/failure)", "0");
    expect_xpath(s, "string(//testcase[4]/system-out)", with_rules(LINE_JA));
    expect_xpath(s, "count(//testcase[2]/*)", "0");
    free(s);

    /* warning: the TMX file's warning fails too, the Japanese note does not */
    s = render_fail_on(CLI_REPORT_JUNIT, files, NFILES, findings, 4, CONCORD_SEVERITY_WARNING, 0);
    expect_xpath(s, "string(/testsuites/@failures)", "2");
    expect_xpath(s,
                 "concat(count(//testcase[1]/failure), count(//testcase[3]/failure), "
                 "count(//testcase[4]/failure))",
                 "110");
    expect_xpath(s, "string(//testcase[1]/failure)", with_rules(LINE_RU "\n" LINE_DEPRECATED));
    expect_xpath(s, "count(//testcase[1]/system-out)", "0");
    expect_xpath(s, "string(//testcase[4]/system-out)", with_rules(LINE_JA));
    free(s);
}

static void test_rdjsonl(void **state)
{
    (void)state;
    char *s = render(CLI_REPORT_RDJSONL, NFILES, 4, 0);
    /* JSON Lines: each line one whole diagnostic */
    expect_jq(s, "-n -R",
              "[inputs | fromjson] | length == 4 and all(.[]; .message and .location.path and "
              ".location.range.start.line and .severity and .source.name == \"concord\" and "
              ".code.value)");
    expect_jq(s, "-n -R",
              "[inputs | fromjson] | [.[].severity] == [\"WARNING\", \"ERROR\", \"WARNING\", "
              "\"INFO\"] and [.[].location.path] == [$ENV.F_RU, $ENV.F_RU, $ENV.F_TMX, $ENV.F_JA] "
              "and .[0].message == $ENV.MSG_RU and .[0].code.value == $ENV.RULE_A");
    /* columns in UTF-8 bytes, end exclusive */
    expect_jq(s, "-n -R",
              "[inputs | fromjson | .location.range] == ["
              "{\"start\": {\"line\": 2, \"column\": 24}, \"end\": {\"line\": 2, \"column\": 45}},"
              "{\"start\": {\"line\": 5, \"column\": 16}, \"end\": {\"line\": 5, \"column\": 28}},"
              "{\"start\": {\"line\": 7, \"column\": 1}, \"end\": {\"line\": 7, \"column\": 1}},"
              "{\"start\": {\"line\": 1, \"column\": 10}, \"end\": {\"line\": 2, \"column\": 7}}]");
    /* a suggestion only where the fix fits its range (not the TMX finding) */
    expect_jq(s, "-n -R",
              "[inputs | fromjson] | [.[] | has(\"suggestions\")] == [false, true, false, false] "
              "and (.[1] | .suggestions == [{\"range\": .location.range, \"text\": "
              "\"Курильские острова\"}])");
    free(s);

    s = render(CLI_REPORT_RDJSONL, NFILES, 0, 0);
    assert_string_equal(s, "");
    free(s);
}

/*
 * File names as people pass them: "./news/a.md" from a shell glob is the
 * repository's news/a.md, an absolute name is a file:// URI.
 */
static void test_sarif_paths(void **state)
{
    (void)state;
    static const char *const fs[] = {"./news/a.md", "/srv/repo/news/a b.md"};
    concord_finding v[2] = {findings[0], findings[0]};
    v[0].file = fs[0];
    v[1].file = fs[1];
    char *s = render_with(CLI_REPORT_SARIF, fs, 2, v, 2, 0);
    expect_jq(s, "",
              "[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] == "
              "[.runs[0].artifacts[].location.uri] and [.runs[0].artifacts[].location.uri] == "
              "[\"news/a.md\", \"file:///srv/repo/news/a%20b.md\"]");
    free(s);
}

/*
 * A file name is any bytes: ones that are not UTF-8 become U+FFFD in JSON and
 * XML (and stay as they are, percent-encoded, in a URI); a tab and U+FFFF,
 * which XML 1.0 forbids, survive an XML attribute as a tab and as U+FFFD.
 */
static void test_odd_file_names(void **state)
{
    (void)state;
    static const char *const bad[] = {"news/bad\xff\xfe name\t\xef\xbf\xbf.md"};
    concord_finding f = findings[0];
    f.file = bad[0];
    const cli_report_format formats[] = {CLI_REPORT_JSON, CLI_REPORT_SARIF, CLI_REPORT_RDJSONL,
                                         CLI_REPORT_JUNIT};
    for (size_t i = 0; i < 4; i++) {
        char *s = render_with(formats[i], bad, 1, &f, 1, 0);
        /* strict readers (Python's json, code scanning's upload) reject such bytes */
        assert_null(strchr(s, 0xFF));
        assert_null(strchr(s, 0xFE));
        if (formats[i] == CLI_REPORT_JUNIT)
            expect_xpath(s, "string(//testcase/@name)",
                         "news/bad\xEF\xBF\xBD\xEF\xBF\xBD name\t\xEF\xBF\xBD.md");
        else if (formats[i] == CLI_REPORT_SARIF)
            expect_jq(s, "",
                      ".runs[0].artifacts[0].location.uri == "
                      "\"news/bad%FF%FE%20name%09%EF%BF%BF.md\"");
        else
            expect_jq(s, "-n -R",
                      "[inputs] | join(\"\") | fromjson | (.findings[0].file // .location.path) "
                      "== \"news/bad\\ufffd\\ufffd name\\t\\uffff.md\"");
        free(s);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    /* the expected strings that jq reads from $ENV */
    setenv("F_RU", F_RU, 1);
    setenv("F_TMX", F_TMX, 1);
    setenv("F_JA", F_JA, 1);
    setenv("MSG_RU", MSG_RU, 1);
    setenv("MSG_TMX", MSG_TMX, 1);
    setenv("VERSION", concord_version_string(), 1);
    setenv("DOCS", CONCORD_DOCS_URL, 1);
    char nrules[32];
    size_t k = 0;
    while (concord_rule_table()[k].id)
        k++;
    snprintf(nrules, sizeof(nrules), "%zu", k);
    setenv("NRULES", nrules, 1);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_names),   cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_color),     cmocka_unit_test(test_json),
        cmocka_unit_test(test_sarif),          cmocka_unit_test(test_sarif_links),
        cmocka_unit_test(test_github),         cmocka_unit_test(test_github_over_limit),
        cmocka_unit_test(test_junit),          cmocka_unit_test(test_junit_fail_on),
        cmocka_unit_test(test_rdjsonl),        cmocka_unit_test(test_sarif_paths),
        cmocka_unit_test(test_odd_file_names),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
