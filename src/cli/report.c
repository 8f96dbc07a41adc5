/*
 * report.c — the reports of `concord check`: the findings of a check written
 * for people (text), for scripts (json) and for the tools that put findings
 * where a reviewer sees them: GitHub code scanning (sarif), GitHub
 * annotations (github), CI test reports (junit) and reviewdog (rdjsonl).
 *
 * Each format follows its consumer's conventions, not ours: SARIF and GitHub
 * count columns in code points, reviewdog in UTF-8 bytes, every end is
 * exclusive. Output is deterministic (no times, no host names) so that
 * reports can be compared and committed. Whatever bytes a message or a file
 * name holds, JSON output stays valid JSON, XML stays well-formed, and the
 * line formats stay one finding per line with no terminal control codes.
 * docs/check-formats.md shows an example of each.
 */
#include <string.h>

#include "cli.h"

/* the base URL of docs/, set by the build (CMakeLists.txt, CONCORD_DOCS_URL) */
#ifndef CONCORD_DOCS_URL
#error "CONCORD_DOCS_URL (the base URL of the documentation) is set by the build"
#endif

static const struct {
    const char *name;
    cli_report_format format;
} report_formats[] = {
    {"text", CLI_REPORT_TEXT},     {"json", CLI_REPORT_JSON},   {"sarif", CLI_REPORT_SARIF},
    {"github", CLI_REPORT_GITHUB}, {"junit", CLI_REPORT_JUNIT}, {"rdjsonl", CLI_REPORT_RDJSONL},
};

int cli_report_format_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof(report_formats) / sizeof(report_formats[0]); i++)
        if (strcmp(name, report_formats[i].name) == 0)
            return (int)report_formats[i].format;
    return -1;
}

/* ---- shared pieces -------------------------------------------------------- */

/* The strings of a finding are promised non-NULL (but concept and fix); a
 * report must not crash on a library bug, so every one goes through nz(). */
static const char *nz(const char *s)
{
    return s ? s : "";
}

typedef struct tally {
    size_t errors, warnings, notes;
} tally;

static tally count_findings(const concord_finding *v, size_t n)
{
    tally t = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (v[i].severity == CONCORD_SEVERITY_ERROR)
            t.errors++;
        else if (v[i].severity == CONCORD_SEVERITY_WARNING)
            t.warnings++;
        else
            t.notes++;
    }
    return t;
}

/* "1 error", "2 errors" */
static void put_count(FILE *out, size_t n, const char *noun)
{
    fprintf(out, "%zu %s%s", n, noun, n == 1 ? "" : "s");
}

/*
 * "2 errors, 1 warning in 3 files", or "no findings in 3 files". Notes are
 * named only when there are some, so that the common line stays short.
 */
static void put_summary(FILE *out, tally t, size_t nfiles)
{
    if (t.errors + t.warnings + t.notes == 0) {
        fputs("no findings", out);
    } else {
        put_count(out, t.errors, "error");
        fputs(", ", out);
        put_count(out, t.warnings, "warning");
        if (t.notes) {
            fputs(", ", out);
            put_count(out, t.notes, "note");
        }
    }
    fputs(" in ", out);
    put_count(out, nfiles, "file");
}

/*
 * The length of the valid UTF-8 sequence at s[0..n), or 0 if the bytes there
 * are not one (overlong forms, surrogates and code points past U+10FFFF are
 * not). File names on Linux are any bytes; the JSON and XML we write must
 * still parse, so such bytes become U+FFFD.
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        if (s[0] == 0xE0)
            lo = 0xA0;
        else if (s[0] == 0xED)
            hi = 0x9F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        if (s[0] == 0xF0)
            lo = 0x90;
        else if (s[0] == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* The contents of a JSON string (no quotes). */
static void json_chars(FILE *out, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), run = 0, i = 0;
    while (i < n) {
        size_t len = utf8_seq(u + i, n - i);
        if (len) {
            i += len;
            continue;
        }
        cli_json_string(out, s + run, i - run);
        fputs("\\ufffd", out);
        run = ++i;
    }
    cli_json_string(out, s + run, n - run);
}

/* A JSON string with its quotes; NULL is null. */
static void json_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    json_chars(out, s);
    fputc('"', out);
}

/* `"key": "value"` after `sep` */
static void json_member(FILE *out, const char *sep, const char *key, const char *value)
{
    fprintf(out, "%s\"%s\": ", sep, key);
    json_str(out, value);
}

/*
 * A file name as a URI reference (RFC 3986) inside a JSON string: relative
 * names stay relative (GitHub code scanning resolves them against the
 * repository root), absolute ones become file:// URIs. Every byte but the
 * unreserved characters and '/' is percent-encoded: spaces and non-ASCII
 * bytes must be, and a ':' left in the first segment would read as a scheme.
 * A leading "./" is dropped, as a URI resolver would drop it.
 */
static void put_uri(FILE *out, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    const char *p = nz(path);
    if (*p == '/')
        fputs("file://", out);
    while (p[0] == '.' && p[1] == '/') {
        p += 2;
        while (*p == '/')
            p++;
    }
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
            fputc(c, out);
        else
            fprintf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
}

/*
 * Write s for a line-oriented report: a C0 control character (but tab) or DEL
 * becomes a space, so that a newline in a message cannot split a finding in
 * two and an escape sequence from a glossary cannot drive the terminal.
 */
static void put_line_text(FILE *out, const char *s)
{
    for (const char *p = nz(s); *p; p++) {
        unsigned char c = (unsigned char)*p;
        fputc((c < 0x20 && c != '\t') || c == 0x7F ? ' ' : c, out);
    }
}

/*
 * Write s as XML 1.0 character data, or an attribute value in double quotes
 * (`attr`). Control characters become spaces, as in the text report (XML 1.0
 * forbids most of them, and each finding is one line); U+FFFE, U+FFFF, which
 * XML forbids too, and bytes that are not UTF-8 become U+FFFD.
 */
static void put_xml(FILE *out, const char *s, int attr)
{
    const unsigned char *u = (const unsigned char *)nz(s);
    size_t n = strlen((const char *)u);
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        if (c < 0x80) {
            i++;
            if (c == '&')
                fputs("&amp;", out);
            else if (c == '<')
                fputs("&lt;", out);
            else if (c == '>')
                fputs("&gt;", out);
            else if (c == '"' && attr)
                fputs("&quot;", out);
            else if (c == '\t')
                fputs(attr ? "&#9;" : "\t", out); /* a raw tab in an attribute reads as a space */
            else if (c < 0x20 || c == 0x7F)
                fputc(' ', out);
            else
                fputc(c, out);
            continue;
        }
        size_t len = utf8_seq(u + i, n - i);
        if (len == 0 || (len == 3 && c == 0xEF && u[i + 1] == 0xBF && u[i + 2] >= 0xBE)) {
            fputs("\xEF\xBF\xBD", out);
            i += len ? len : 1;
            continue;
        }
        fwrite(u + i, 1, len, out);
        i += len;
    }
}

typedef void (*put_fn)(FILE *out, const char *s);

static void put_xml_text(FILE *out, const char *s)
{
    put_xml(out, s, 0);
}

/*
 * `file:line:col: severity: message [rule]`, the line compilers print and
 * editors jump to; `put` writes the strings for the report at hand.
 */
static void put_finding_line(FILE *out, const concord_finding *f, put_fn put, int color)
{
    static const char *const sgr[] = {"\x1b[1;36m", "\x1b[1;33m", "\x1b[1;31m"};
    put(out, f->file);
    fprintf(out, ":%lu:%lu: ", f->line, f->column);
    if (color && (unsigned)f->severity <= CONCORD_SEVERITY_ERROR)
        fputs(sgr[f->severity], out);
    put(out, concord_severity_name(f->severity));
    if (color)
        fputs("\x1b[0m", out);
    fputs(": ", out);
    put(out, f->message);
    fputs(" [", out);
    put(out, f->rule);
    fputc(']', out);
}

/*
 * The findings of `file`: v[*lo, *hi), empty if none. Findings are grouped
 * by file; the search starts at *hint, just past the previous file's run, so
 * that walking the files in the order the findings follow is linear.
 */
static void findings_of(const char *file, const concord_finding *v, size_t n, size_t *hint,
                        size_t *lo, size_t *hi)
{
    size_t start = *hint < n ? *hint : 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t k = pass ? 0 : start, stop = pass ? start : n;
        while (k < stop) {
            size_t e = k + 1;
            while (e < stop && strcmp(nz(v[e].file), nz(v[k].file)) == 0)
                e++;
            if (strcmp(nz(v[k].file), file) == 0) {
                *lo = k;
                *hi = e;
                *hint = e;
                return;
            }
            k = e;
        }
    }
    *lo = *hi = 0;
}

/*
 * Whether the position of f is exactly the span its fix replaces. Tools that
 * apply a fix by position (code scanning autofix, reviewdog suggestions) must
 * not be given one that is not: a TMX finding points at its <tuv> with
 * columns 1 while its span is inside the segment, and replacing "the span"
 * there would corrupt the file.
 */
static int fix_fits_position(const concord_finding *f)
{
    if (!f->fix || f->end < f->start)
        return 0;
    if (f->end_line != f->line)
        return f->end_line > f->line;
    return f->end_byte_column >= f->byte_column &&
           f->end_byte_column - f->byte_column == f->end - f->start;
}

/* ---- text ---------------------------------------------------------------- */

static void write_text(FILE *out, size_t nfiles, const concord_finding *v, size_t n, int color)
{
    for (size_t i = 0; i < n; i++) {
        put_finding_line(out, &v[i], put_line_text, color);
        fputc('\n', out);
    }
    put_summary(out, count_findings(v, n), nfiles);
    fputc('\n', out);
}

/* ---- json ---------------------------------------------------------------- */

/*
 * Beyond the members every report has, the byte columns and the byte offsets
 * of the span: `fix` replaces text[start, end), and a script that applies
 * fixes needs them.
 */
static void write_json(FILE *out, size_t nfiles, const concord_finding *v, size_t n)
{
    fputs("{\"findings\": [", out);
    for (size_t i = 0; i < n; i++) {
        const concord_finding *f = &v[i];
        fputs(i ? ",\n  {" : "\n  {", out);
        json_member(out, "", "file", nz(f->file));
        fprintf(out,
                ", \"line\": %lu, \"column\": %lu, \"end_line\": %lu, \"end_column\": %lu, "
                "\"byte_column\": %lu, \"end_byte_column\": %lu, \"start\": %zu, \"end\": %zu",
                f->line, f->column, f->end_line, f->end_column, f->byte_column, f->end_byte_column,
                f->start, f->end);
        json_member(out, ", ", "rule", nz(f->rule));
        json_member(out, ", ", "severity", concord_severity_name(f->severity));
        json_member(out, ", ", "message", nz(f->message));
        json_member(out, ", ", "concept", f->concept);
        json_member(out, ", ", "lang", f->lang);
        json_member(out, ", ", "fix", f->fix);
        fputc('}', out);
    }
    tally t = count_findings(v, n);
    fprintf(out,
            "%s],\n \"summary\": {\"errors\": %zu, \"warnings\": %zu, \"notes\": %zu, "
            "\"files\": %zu}}\n",
            n ? "\n " : "", t.errors, t.warnings, t.notes, nfiles);
}

/* ---- sarif --------------------------------------------------------------- */

static const char *sarif_level(concord_severity s)
{
    return s == CONCORD_SEVERITY_ERROR     ? "error"
           : s == CONCORD_SEVERITY_WARNING ? "warning"
                                           : "note";
}

/*
 * SARIF wants a rule's `name` to be a readable identifier distinct from its
 * opaque `id` (the SARIF validator's rule-identifier checks): "paired-name"
 * becomes "PairedName".
 */
static void put_rule_name(FILE *out, const char *id)
{
    int up = 1;
    for (const char *p = id; *p; p++) {
        if (*p == '-' || *p == '_' || *p == '.') {
            up = 1;
            continue;
        }
        fputc(up && *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, out);
        up = 0;
    }
}

static long rule_index(const concord_rule_info *rules, const char *id)
{
    for (long i = 0; rules[i].id; i++)
        if (strcmp(rules[i].id, id) == 0)
            return i;
    return -1;
}

/* SARIF regions count columns as the run's columnKind says: code points. */
static void put_sarif_region(FILE *out, const char *key, const concord_finding *f)
{
    fprintf(out,
            "\"%s\": {\"startLine\": %lu, \"startColumn\": %lu, \"endLine\": %lu, "
            "\"endColumn\": %lu}",
            key, f->line, f->column, f->end_line, f->end_column);
}

static void put_sarif_location(FILE *out, const char *file)
{
    fputs("\"artifactLocation\": {\"uri\": \"", out);
    put_uri(out, file);
    fputs("\"}", out);
}

static void write_sarif(FILE *out, const char *const *files, size_t nfiles,
                        const concord_finding *v, size_t n)
{
    const concord_rule_info *rules = concord_rule_table();
    fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n"
          "  \"runs\": [\n    {\n"
          "      \"tool\": {\n        \"driver\": {\n          \"name\": \"concord\",\n",
          out);
    fputs("          \"version\": ", out);
    json_str(out, concord_version_string());
    /* the tool's page and each rule's section of it (docs/check.md) */
    fputs(",\n          \"informationUri\": ", out);
    json_str(out, CONCORD_DOCS_URL "check.md");
    fputs(",\n          \"rules\": [", out);
    for (size_t i = 0; rules[i].id; i++) {
        fputs(i ? ",\n            {" : "\n            {", out);
        json_member(out, "", "id", rules[i].id);
        fputs(", \"name\": \"", out);
        put_rule_name(out, rules[i].id);
        fputs("\", \"shortDescription\": {", out);
        json_member(out, "", "text", nz(rules[i].summary));
        fputs("}, \"helpUri\": \"", out);
        json_chars(out, CONCORD_DOCS_URL "check.md#");
        json_chars(out, rules[i].id);
        fprintf(out, "\", \"defaultConfiguration\": {\"level\": \"%s\"}}",
                sarif_level(rules[i].severity));
    }
    fputs("\n          ]\n        }\n      },\n"
          "      \"columnKind\": \"unicodeCodePoints\",\n"
          "      \"results\": [",
          out);
    for (size_t i = 0; i < n; i++) {
        const concord_finding *f = &v[i];
        fputs(i ? ",\n        {" : "\n        {", out);
        json_member(out, "", "ruleId", nz(f->rule));
        long ri = rule_index(rules, nz(f->rule));
        if (ri >= 0) /* a rule not in the table has no index, rather than a wrong one */
            fprintf(out, ", \"ruleIndex\": %ld", ri);
        fprintf(out, ", \"level\": \"%s\", \"message\": {", sarif_level(f->severity));
        json_member(out, "", "text", nz(f->message));
        fputs("}, \"locations\": [{\"physicalLocation\": {", out);
        put_sarif_location(out, f->file);
        fputs(", ", out);
        put_sarif_region(out, "region", f);
        fputs("}}]", out);
        if (fix_fits_position(f)) {
            fputs(", \"fixes\": [{\"description\": {\"text\": ", out);
            if (*f->fix) {
                fputs("\"Replace with \\u201c", out);
                json_chars(out, f->fix);
                fputs("\\u201d\"", out);
            } else {
                fputs("\"Delete the text\"", out);
            }
            fputs("}, \"artifactChanges\": [{", out);
            put_sarif_location(out, f->file);
            fputs(", \"replacements\": [{", out);
            put_sarif_region(out, "deletedRegion", f);
            fputs(", \"insertedContent\": {", out);
            json_member(out, "", "text", f->fix);
            fputs("}}]}]}]", out);
        }
        fputc('}', out);
    }
    fputs(n ? "\n      ],\n" : "],\n", out);
    fputs("      \"artifacts\": [", out);
    for (size_t i = 0; i < nfiles; i++) {
        fputs(i ? ",\n        {\"location\": {\"uri\": \""
                : "\n        {\"location\": {\"uri\": \"",
              out);
        put_uri(out, files[i]);
        fputs("\"}}", out);
    }
    fputs(nfiles ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n", out);
}

/* ---- github -------------------------------------------------------------- */

/*
 * Workflow-command escaping (the runner's ActionCommand): in the message %,
 * CR and LF; in a property also ':' and ',', which would end it. Other
 * control characters become spaces, as in the text report.
 */
static void put_github(FILE *out, const char *s, int property)
{
    for (const char *p = nz(s); *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '%')
            fputs("%25", out);
        else if (c == '\r')
            fputs("%0D", out);
        else if (c == '\n')
            fputs("%0A", out);
        else if (property && c == ':')
            fputs("%3A", out);
        else if (property && c == ',')
            fputs("%2C", out);
        else
            fputc((c < 0x20 && c != '\t') || c == 0x7F ? ' ' : c, out);
    }
}

/* GitHub keeps this many annotations of each kind per step and drops the rest. */
#define GITHUB_ANNOTATIONS_PER_KIND 10

/*
 * One annotation per finding. Columns are code points, the end exclusive.
 * The runner discards col and endColumn when the span crosses lines, so they
 * are written only for a span on one line.
 *
 * Then the summary: a ::notice:: when there are findings, because GitHub
 * shows only the first 10 annotations of each kind and the notice, in the
 * same list, tells how many there really are; being last, it never takes a
 * finding's place. Without findings it is a plain log line, so that a clean
 * run adds no annotation.
 */
static void write_github(FILE *out, size_t nfiles, const concord_finding *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const concord_finding *f = &v[i];
        const char *cmd = f->severity == CONCORD_SEVERITY_ERROR     ? "error"
                          : f->severity == CONCORD_SEVERITY_WARNING ? "warning"
                                                                    : "notice";
        fprintf(out, "::%s file=", cmd);
        put_github(out, f->file, 1);
        fprintf(out, ",line=%lu", f->line);
        if (f->end_line == f->line && f->end_column >= f->column)
            fprintf(out, ",col=%lu,endLine=%lu,endColumn=%lu", f->column, f->end_line,
                    f->end_column);
        else if (f->end_line > f->line)
            fprintf(out, ",endLine=%lu", f->end_line);
        fputs(",title=", out);
        put_github(out, f->rule, 1);
        fputs("::", out);
        put_github(out, f->message, 0);
        fputc('\n', out);
    }
    tally t = count_findings(v, n);
    if (n)
        fputs("::notice::", out);
    fputs("concord check: ", out);
    put_summary(out, t, nfiles);
    if (t.errors > GITHUB_ANNOTATIONS_PER_KIND || t.warnings > GITHUB_ANNOTATIONS_PER_KIND ||
        t.notes > GITHUB_ANNOTATIONS_PER_KIND)
        fputs(" (GitHub shows 10 annotations of each kind; the log lists all)", out);
    fputc('\n', out);
}

/* ---- junit --------------------------------------------------------------- */

/*
 * One testcase per checked file, so that CI test views list every file and
 * mark those that fail. A file fails as the exit status does: when it has a
 * finding at the --fail-on level or above. The failure's message and type are
 * those of the file's most severe finding (the first of them), its text every
 * failing finding as a text-report line. Findings below the level do not fail
 * the file (a warning under the default --fail-on error would otherwise turn
 * a passing run red); they are listed, as text-report lines, in the
 * testcase's <system-out>, which CI views show with the test. time="0": some
 * readers compute durations and reject a missing one; a real time would make
 * the report differ from run to run.
 */
static void write_junit(FILE *out, const char *const *files, size_t nfiles,
                        const concord_finding *v, size_t n, concord_severity fail_on)
{
    size_t failures = 0, hint = 0, lo, hi;
    for (size_t i = 0; i < nfiles; i++) {
        findings_of(nz(files[i]), v, n, &hint, &lo, &hi);
        for (size_t k = lo; k < hi; k++)
            if (v[k].severity >= fail_on) {
                failures++;
                break;
            }
    }
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"concord check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n"
            "  <testsuite name=\"concord check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "skipped=\"0\" time=\"0\">\n",
            nfiles, failures, nfiles, failures);
    hint = 0;
    for (size_t i = 0; i < nfiles; i++) {
        fputs("    <testcase classname=\"concord.check\" name=\"", out);
        put_xml(out, files[i], 1);
        fputs("\" time=\"0\"", out);
        findings_of(nz(files[i]), v, n, &hint, &lo, &hi);
        if (hi == lo) {
            fputs("/>\n", out);
            continue;
        }
        fputs(">\n", out);
        size_t worst = lo, nfail = 0;
        for (size_t k = lo; k < hi; k++) {
            nfail += v[k].severity >= fail_on;
            if (v[k].severity > v[worst].severity)
                worst = k;
        }
        if (nfail) {
            fputs("      <failure type=\"", out);
            put_xml(out, v[worst].rule, 1);
            fprintf(out, "\" message=\"%lu:%lu: ", v[worst].line, v[worst].column);
            put_xml(out, v[worst].message, 1);
            if (nfail > 1)
                fprintf(out, " (and %zu more)", nfail - 1);
            fputs("\">", out);
            for (size_t k = lo; k < hi; k++)
                if (v[k].severity >= fail_on) {
                    put_finding_line(out, &v[k], put_xml_text, 0);
                    fputc('\n', out);
                }
            fputs("</failure>\n", out);
        }
        if (nfail < hi - lo) {
            fputs("      <system-out>", out);
            for (size_t k = lo; k < hi; k++)
                if (v[k].severity < fail_on) {
                    put_finding_line(out, &v[k], put_xml_text, 0);
                    fputc('\n', out);
                }
            fputs("</system-out>\n", out);
        }
        fputs("    </testcase>\n", out);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
}

/* ---- rdjsonl ------------------------------------------------------------- */

/* reviewdog's Range: columns are UTF-8 byte counts, the end exclusive. */
static void put_rd_range(FILE *out, const concord_finding *f)
{
    fprintf(out,
            "\"range\": {\"start\": {\"line\": %lu, \"column\": %lu}, "
            "\"end\": {\"line\": %lu, \"column\": %lu}}",
            f->line, f->byte_column, f->end_line, f->end_byte_column);
}

static void write_rdjsonl(FILE *out, const concord_finding *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const concord_finding *f = &v[i];
        json_member(out, "{", "message", nz(f->message));
        fputs(", \"location\": {", out);
        json_member(out, "", "path", nz(f->file));
        fputs(", ", out);
        put_rd_range(out, f);
        fprintf(out, "}, \"severity\": \"%s\"",
                f->severity == CONCORD_SEVERITY_ERROR     ? "ERROR"
                : f->severity == CONCORD_SEVERITY_WARNING ? "WARNING"
                                                          : "INFO");
        fputs(", \"source\": {\"name\": \"concord\"}, \"code\": {", out);
        json_member(out, "", "value", nz(f->rule));
        fputc('}', out);
        if (fix_fits_position(f)) {
            fputs(", \"suggestions\": [{", out);
            put_rd_range(out, f);
            json_member(out, ", ", "text", f->fix);
            fputs("}]", out);
        }
        fputs("}\n", out);
    }
}

/* ---- entry point --------------------------------------------------------- */

void cli_report_write(FILE *out, cli_report_format format, const char *const *files, size_t nfiles,
                      const concord_finding *v, size_t n, concord_severity fail_on, int color)
{
    switch (format) {
    case CLI_REPORT_TEXT:
        write_text(out, nfiles, v, n, color);
        break;
    case CLI_REPORT_JSON:
        write_json(out, nfiles, v, n);
        break;
    case CLI_REPORT_SARIF:
        write_sarif(out, files, nfiles, v, n);
        break;
    case CLI_REPORT_GITHUB:
        write_github(out, nfiles, v, n);
        break;
    case CLI_REPORT_JUNIT:
        write_junit(out, files, nfiles, v, n, fail_on);
        break;
    case CLI_REPORT_RDJSONL:
        write_rdjsonl(out, v, n);
        break;
    }
}
