/*
 * csv.c — the CSV (',') and TSV ('\t') glossary reader: one row per concept.
 *
 * Accepts raw bytes: UTF-8 (with or without a BOM), UTF-16LE or UTF-16BE
 * with a BOM, and BOM-less UTF-16 whose first characters are ASCII (told by
 * its NUL bytes). Rows end at LF, CR LF or a lone CR. Empty rows, rows whose
 * cells are all empty, and lines that start with '#' (OmegaT's comments and
 * its "-*- coding: utf-8 -*-" magic comment) are skipped. Every cell is
 * trimmed and its runs of spaces, tabs and line breaks become one space.
 *
 * CSV is RFC 4180: a cell that starts with '"' (after spaces) runs to the
 * next lone '"', holds separators and line breaks, and "" is one quote;
 * whatever follows the closing quote up to the separator is kept as written
 * (as OmegaT does), and a quote inside an unquoted cell is an ordinary
 * character. TSV has no quoting at all, as in OmegaT: quotes are text.
 *
 * Columns: if every non-empty cell of the first row is a column name of
 * Translate Toolkit's CSV (po2csv's "location","source","target" and the
 * rest of csvl10n.py's names), one of them the source, the file is in that
 * layout: source and target terms in g->src_lang and g->tgt_lang (an error
 * without them: the file names no languages), comments as the note, a fuzzy
 * row's target skipped, and a row without a source term an error. Else, if
 * every non-empty cell of the first row is a BCP 47 language tag or a note
 * column ("note", "notes", "comment", "comments", "description", any case),
 * with at least one tag, that row is a header naming each column's language
 * (but see decide_layout() for rows like "cat,sun"); cells of note columns
 * become the concept's note. concord's own export adds columns that such a
 * header may hold too: "concept" (the concept's id) and, after a language
 * column, "LANG:status" (preferred, admitted, deprecated or forbidden),
 * "LANG:pos", "LANG:note" and "LANG:type" ("variant") for the term in the
 * nearest language column of that language to their left. Else the file is OmegaT's headerless
 * glossary: source term (g->src_lang), target term (g->tgt_lang), comment (the note), further
 * columns ignored.
 *
 * A cell is ONE term, whatever it holds: OmegaT's own test (test.csv,
 * GlossaryReaderCSVTest) expects "kde; question" as a single source term, so
 * ';' and ',' inside a cell do not split it. A row with an empty target
 * cell adds its source term alone (OmegaT would drop the row: a source term
 * without a translation is still worth checking); likewise any row adds the
 * terms of its non-empty cells, and a row with none adds nothing.
 *
 * Rejects: bytes that are not UTF-8 (or a broken UTF-16) and NUL bytes
 * (CONCORD_EENCODING with the file's byte offset, line and column); a quoted
 * cell never closed (CONCORD_EPARSE at its opening quote); a headerless file
 * without --from and --to; and, through cc_gloss_term(), a term that is only
 * punctuation (at its cell). Limits (CONCORD_ELIMIT at the cell or row):
 * CC_GLOSS_CSV_MAX_COLUMNS cells and CC_GLOSS_CSV_MAX_ROW bytes in a row, so
 * that one row of a million cells cannot cost hundreds of megabytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "concord/text.h"
#include "glossary/glossary_internal.h"
#include "text/unicode.h"

enum role {
    COL_IGNORE = 0,
    COL_LANG,
    COL_NOTE,
    COL_FUZZY,
    COL_ID,      /* "concept": the concept's id */
    COL_TSTATUS, /* "en:status", "en:pos", "en:note", "en:type": of the term to their left */
    COL_TPOS,
    COL_TNOTE,
    COL_TTYPE
};

typedef struct column {
    int role;
    char lang[64];
    int source; /* the source column of a source/target layout */
    long term;  /* COL_T*: the language column whose term it describes, or -1 */
} column;

/* A cell of the current row: its text is rowbuf[start..start+len). */
typedef struct cell {
    size_t start, len;
    unsigned long line, col;
    size_t off; /* byte offset in the decoded text */
} cell;

typedef struct csv {
    concord_glossary *g;
    const char *name;
    char sep;
    int quoting;
    /* the decoded text, and how to map its offsets back to the file's */
    const char *s;
    size_t n;
    size_t bom;
    int utf16;

    /* position of the scanner */
    size_t i;
    unsigned long line;
    size_t line_start;
    size_t col_pos; /* a point of the current line whose column is known */
    unsigned long col_at;
    size_t row_start; /* where the current row starts */

    cc_buf rowbuf, text, note, id, attrs;
    cell *cells;
    size_t ncells, capcells;

    int layout_known;
    column *cols;
    size_t ncols;
    int source_col; /* the column every row needs a term in (Translate Toolkit's), or -1 */
} csv;

/* ---- positions ---------------------------------------------------------------------------- */

/* Byte offset in the file of offset `off` of the decoded text. */
static size_t file_offset(const csv *c, size_t off)
{
    if (!c->utf16)
        return c->bom + off;
    size_t units = 0;
    for (size_t i = 0; i < off; i++) {
        unsigned char b = (unsigned char)c->s[i];
        if ((b & 0xC0) != 0x80)
            units += b >= 0xF0 ? 2 : 1;
    }
    return c->bom + 2 * units;
}

/* Column (code points, 1-based) of offset p on the current line, counted incrementally. */
static unsigned long column_at(csv *c, size_t p)
{
    if (c->col_pos < c->line_start || c->col_pos > p) {
        c->col_pos = c->line_start;
        c->col_at = 1;
    }
    for (size_t i = c->col_pos; i < p; i++)
        if (((unsigned char)c->s[i] & 0xC0) != 0x80)
            c->col_at++;
    c->col_pos = p;
    return c->col_at;
}

/* Move past the line break at c->i (LF, CR LF or a lone CR). */
static void newline(csv *c)
{
    if (c->s[c->i] == '\r' && c->i + 1 < c->n && c->s[c->i + 1] == '\n')
        c->i += 2;
    else
        c->i++;
    c->line++;
    c->line_start = c->i;
}

static int is_eol(char ch)
{
    return ch == '\n' || ch == '\r';
}

/* ---- decoding ----------------------------------------------------------------------------- */

/* BOM-less UTF-16: mostly NUL in one byte of each pair and never in the other. */
static int sniff_utf16(const unsigned char *d, size_t len, int *le)
{
    size_t pairs = len / 2 < 32 ? len / 2 : 32, zero_even = 0, zero_odd = 0;
    if (pairs < 2)
        return 0;
    for (size_t k = 0; k < pairs; k++) {
        zero_even += d[2 * k] == 0;
        zero_odd += d[2 * k + 1] == 0;
    }
    if (zero_odd * 2 >= pairs && zero_even == 0) {
        *le = 1;
        return 1;
    }
    if (zero_even * 2 >= pairs && zero_odd == 0) {
        *le = 0;
        return 1;
    }
    return 0;
}

/* Line and column (code points) of unit `at` of UTF-16 text u. */
static void utf16_position(const cc_uchar *u, size_t at, unsigned long *line, unsigned long *col)
{
    *line = 1;
    *col = 1;
    for (size_t k = 0; k < at; k++) {
        if (u[k] == '\n' || (u[k] == '\r' && !(k + 1 < at && u[k + 1] == '\n'))) {
            (*line)++;
            *col = 1;
        } else if (!(u[k] >= 0xDC00 && u[k] < 0xE000 && k > 0 && u[k - 1] >= 0xD800 &&
                     u[k - 1] < 0xDC00)) {
            (*col)++;
        }
    }
}

/* Convert data[bom..len) from UTF-16 to UTF-8 into *out (caller frees). */
static int decode_utf16(csv *c, const unsigned char *d, size_t len, int le, char **out,
                        size_t *out_len)
{
    size_t nunits = (len - c->bom) / 2;
    int rc;
    if (nunits > (size_t)INT32_MAX)
        return cc_error_set_at(CONCORD_ELIMIT, c->name, 0, 0, 0, "UTF-16 text too large");
    cc_uchar *u = cc_malloc((nunits + 1) * sizeof(*u));
    if (!u)
        return cc_error_oom();
    for (size_t k = 0; k < nunits; k++) {
        const unsigned char *p = d + c->bom + 2 * k;
        u[k] = (cc_uchar)(le ? (p[0] | (p[1] << 8)) : ((p[0] << 8) | p[1]));
    }
    /* report broken UTF-16 ourselves, with its position (ICU would only say it failed) */
    for (size_t k = 0; k < nunits; k++) {
        int high = u[k] >= 0xD800 && u[k] < 0xDC00, low = u[k] >= 0xDC00 && u[k] < 0xE000;
        if ((high && !(k + 1 < nunits && u[k + 1] >= 0xDC00 && u[k + 1] < 0xE000)) ||
            (low && !(k > 0 && u[k - 1] >= 0xD800 && u[k - 1] < 0xDC00)) || u[k] == 0) {
            unsigned long line, col;
            utf16_position(u, k, &line, &col);
            const char *what = u[k] == 0 ? "NUL character" : "unpaired surrogate";
            cc_free(u);
            return cc_error_set_at(CONCORD_EENCODING, c->name, line, col, c->bom + 2 * k,
                                   "%s in UTF-16 text at byte offset %zu", what, c->bom + 2 * k);
        }
    }
    if ((len - c->bom) % 2) {
        unsigned long line, col;
        utf16_position(u, nunits, &line, &col);
        cc_free(u);
        return cc_error_set_at(CONCORD_EENCODING, c->name, line, col, len - 1,
                               "UTF-16 text cut off: an odd number of bytes");
    }
    rc = cc_utf8_from_utf16(u, (int32_t)nunits, out, out_len);
    cc_free(u);
    return rc;
}

/* ---- cells -------------------------------------------------------------------------------- */

/* Copy s[0..n) into out: trimmed (Unicode spaces), ASCII whitespace runs as one space. */
static int put_normalized(cc_buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, end = n;
    cc_buf_clear(out);
    while (i < n) {
        size_t j = i;
        if (!cc_is_space(cc_utf8_decode(u, &j)))
            break;
        i = j;
    }
    while (end > i) {
        size_t k = cc_utf8_prev(u, end), j = k;
        if (!cc_is_space(cc_utf8_decode(u, &j)))
            break;
        end = k;
    }
    int rc = cc_buf_reserve(out, end - i);
    if (rc < 0)
        return rc;
    int in_space = 0;
    for (; i < end; i++) {
        char ch = s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            in_space = 1;
            continue;
        }
        if (in_space)
            out->data[out->len++] = ' ';
        in_space = 0;
        out->data[out->len++] = ch;
    }
    if (out->data)
        out->data[out->len] = '\0';
    return 0;
}

/* The normalized text of cell k of the row, in c->text. */
static int cell_text(csv *c, size_t k)
{
    return put_normalized(&c->text, c->rowbuf.data + c->cells[k].start, c->cells[k].len);
}

/* Add s[0..n) to the row's text, within the row limit. */
static int row_append(csv *c, const char *s, size_t n)
{
    if (c->rowbuf.len + n > CC_GLOSS_CSV_MAX_ROW)
        return cc_error_set_at(CONCORD_ELIMIT, c->name, c->cells[0].line, c->cells[0].col,
                               file_offset(c, c->row_start),
                               "a row longer than %d bytes (the limit of a CSV/TSV glossary row)",
                               CC_GLOSS_CSV_MAX_ROW);
    return cc_buf_append(&c->rowbuf, s, n);
}

/* Read one row from c->i (not an empty or comment line) into c->cells. */
static int read_row(csv *c)
{
    int rc;
    c->ncells = 0;
    c->row_start = c->i;
    cc_buf_clear(&c->rowbuf);
    for (;;) {
        if (c->ncells == CC_GLOSS_CSV_MAX_COLUMNS)
            return cc_error_set_at(CONCORD_ELIMIT, c->name, c->line, column_at(c, c->i),
                                   file_offset(c, c->i), "more than %d columns in a row",
                                   CC_GLOSS_CSV_MAX_COLUMNS);
        if (cc_grow((void **)&c->cells, &c->capcells, c->ncells + 1, sizeof(*c->cells)) < 0)
            return CONCORD_ENOMEM;
        cell *f = &c->cells[c->ncells];
        while (c->i < c->n && (c->s[c->i] == ' ' || (c->s[c->i] == '\t' && c->sep != '\t')))
            c->i++;
        f->line = c->line;
        f->col = column_at(c, c->i);
        f->off = c->i;
        f->start = c->rowbuf.len;
        if (c->quoting && c->i < c->n && c->s[c->i] == '"') {
            c->i++;
            for (;;) {
                size_t j = c->i;
                while (j < c->n && c->s[j] != '"' && !is_eol(c->s[j]))
                    j++;
                if ((rc = row_append(c, c->s + c->i, j - c->i)) < 0)
                    return rc;
                c->i = j;
                if (j >= c->n)
                    return cc_error_set_at(CONCORD_EPARSE, c->name, f->line, f->col,
                                           file_offset(c, f->off),
                                           "a quoted cell is never closed: no '\"' after the "
                                           "one here");
                if (is_eol(c->s[j])) {
                    if ((rc = cc_buf_putc(&c->rowbuf, '\n')) < 0)
                        return rc;
                    newline(c);
                    continue;
                }
                if (j + 1 < c->n && c->s[j + 1] == '"') {
                    if ((rc = cc_buf_putc(&c->rowbuf, '"')) < 0)
                        return rc;
                    c->i = j + 2;
                    continue;
                }
                c->i = j + 1;
                break;
            }
        }
        size_t j = c->i;
        while (j < c->n && c->s[j] != c->sep && !is_eol(c->s[j]))
            j++;
        if ((rc = row_append(c, c->s + c->i, j - c->i)) < 0)
            return rc;
        c->i = j;
        f->len = c->rowbuf.len - f->start;
        c->ncells++;
        if (c->i < c->n && c->s[c->i] == c->sep) {
            c->i++;
            continue;
        }
        if (c->i < c->n)
            newline(c);
        return 0;
    }
}

/* ---- rows --------------------------------------------------------------------------------- */

static int is_note_name(const char *s)
{
    static const char *const NAMES[] = {"note", "notes", "comment", "comments", "description"};
    for (size_t k = 0; k < CC_ARRAY_LEN(NAMES); k++)
        if (strcasecmp(s, NAMES[k]) == 0)
            return 1;
    return 0;
}

/*
 * The columns of Translate Toolkit's CSV (storage/csvl10n.py), which po2csv
 * writes with the header "location","source","target" (or the columns
 * --columnorder names) and csv2po reads back by these names and aliases.
 */
static int tt_role(const char *s, int *is_source)
{
    static const struct {
        const char *name;
        int role, source;
    } NAMES[] = {
        {"source", COL_LANG, 1},
        {"original", COL_LANG, 1},
        {"untranslated", COL_LANG, 1},
        {"target", COL_LANG, 0},
        {"translated", COL_LANG, 0},
        {"translation", COL_LANG, 0},
        {"location", COL_IGNORE, 0},
        {"id", COL_IGNORE, 0},
        {"identified", COL_IGNORE, 0},
        {"key", COL_IGNORE, 0},
        {"label", COL_IGNORE, 0},
        {"context", COL_IGNORE, 0},
        {"fuzzy", COL_FUZZY, 0},
        {"state", COL_FUZZY, 0},
        {"translator_comments", COL_NOTE, 0},
        {"translator comments", COL_NOTE, 0},
        {"developer_comments", COL_NOTE, 0},
        {"developer comments", COL_NOTE, 0},
    };
    *is_source = 0;
    for (size_t k = 0; k < CC_ARRAY_LEN(NAMES); k++)
        if (strcasecmp(s, NAMES[k].name) == 0) {
            *is_source = NAMES[k].source;
            return NAMES[k].role;
        }
    return is_note_name(s) ? COL_NOTE : -1;
}

/*
 * A Translate Toolkit header: every non-empty cell one of its column names,
 * one of them the source (csvl10n.py's own test). Returns 1 and sets the
 * columns, 0 if the row is not such a header, or an error: the file names no
 * languages, so they must come from --from and --to.
 */
static int tt_header(csv *c, column *cols)
{
    int rc, sources = 0, targets = 0;
    for (size_t k = 0; k < c->ncells; k++) {
        if ((rc = cell_text(c, k)) < 0)
            return rc;
        if (!c->text.len)
            continue;
        int src, role = tt_role(c->text.data, &src);
        if (role < 0)
            return 0;
        sources += src;
        targets += role == COL_LANG && !src;
    }
    if (!sources)
        return 0;
    if (!c->g->src_lang[0] || (targets && !c->g->tgt_lang[0]))
        return cc_error_set_at(CONCORD_EPARSE, c->name, c->cells[0].line, 1,
                               file_offset(c, c->row_start),
                               "a Translate Toolkit header (\"location\",\"source\",\"target\", as "
                               "po2csv writes) names no languages: give --from and --to");
    int seen_source = 0, seen_target = 0;
    for (size_t k = 0; k < c->ncells; k++) {
        if ((rc = cell_text(c, k)) < 0)
            return rc;
        int src, role = c->text.len ? tt_role(c->text.data, &src) : COL_IGNORE;
        if (!c->text.len)
            src = 0;
        /* a second source or target column (an alias) would be a second term: ignored */
        if (role == COL_LANG && (src ? seen_source++ : seen_target++))
            role = COL_IGNORE;
        cols[k].role = role;
        if (role == COL_LANG) {
            cols[k].source = src;
            memcpy(cols[k].lang, src ? c->g->src_lang : c->g->tgt_lang, sizeof(cols[k].lang));
            if (src)
                c->source_col = (int)k;
        }
    }
    c->ncols = c->ncells;
    return 1;
}

/* The role of a term attribute column's suffix ("status" in "en:status"), or 0. */
static int term_attr(const char *s)
{
    static const struct {
        const char *name;
        int role;
    } NAMES[] = {
        {"status", COL_TSTATUS}, {"pos", COL_TPOS}, {"note", COL_TNOTE}, {"type", COL_TTYPE}};
    for (size_t k = 0; k < CC_ARRAY_LEN(NAMES); k++)
        if (strcasecmp(s, NAMES[k].name) == 0)
            return NAMES[k].role;
    return 0;
}

/*
 * Header cell k is "LANG:ATTR" (lang is v[0..n)): tie it to the nearest
 * language column of LANG to its left. Returns 1, 0 if LANG is no language
 * tag (not a header), or CONCORD_EPARSE at the cell if no column of LANG
 * comes before it.
 */
static int attr_column(csv *c, column *cols, size_t k, const char *v, size_t n)
{
    char tag[64], lang[64];
    if (n == 0 || n >= sizeof(tag))
        return 0;
    memcpy(tag, v, n);
    tag[n] = '\0';
    if (concord_lang_canonicalize(lang, sizeof(lang), tag) < 0 || !cc_lang_known(lang))
        return 0;
    cols[k].role = term_attr(v + n + 1);
    cols[k].term = -1;
    for (size_t j = k; j-- > 0;)
        if (cols[j].role == COL_LANG && strcmp(cols[j].lang, lang) == 0) {
            cols[k].term = (long)j;
            break;
        }
    if (cols[k].term < 0)
        return cc_error_set_at(CONCORD_EPARSE, c->name, c->cells[k].line, c->cells[k].col,
                               file_offset(c, c->cells[k].off),
                               "the column '%s' follows no '%s' column (the term it describes)", v,
                               tag);
    return 1;
}

/*
 * The first row: a Translate Toolkit header, a header of language codes, or
 * OmegaT's columns. Returns 1 for a header. Many English words are ISO
 * 639-2/3 codes ("cat", "car", "sun"), so a row of bare three-letter codes
 * alone is not taken for a header: one cell must be unmistakable, a
 * two-letter code ("en"), a tag with a subtag ("fil-PH", "en_US") or a note
 * column.
 */
static int decide_layout(csv *c)
{
    int rc, langs = 0, sure = 0;
    column *cols = cc_calloc(c->ncells > 3 ? c->ncells : 3, sizeof(*cols));
    if (!cols)
        return cc_error_oom();
    c->cols = cols;
    c->layout_known = 1;
    c->source_col = -1;
    if ((rc = tt_header(c, cols)) != 0)
        return rc;
    int header = 1;
    for (size_t k = 0; k < c->ncells && header; k++) {
        if ((rc = cell_text(c, k)) < 0)
            return rc;
        const char *v = c->text.data ? c->text.data : "";
        if (!*v)
            continue;
        const char *colon = strchr(v, ':');
        if (strcasecmp(v, "concept") == 0) {
            cols[k].role = COL_ID;
            sure = 1;
        } else if (is_note_name(v)) {
            cols[k].role = COL_NOTE;
            sure = 1;
        } else if (colon && term_attr(colon + 1) &&
                   (rc = attr_column(c, cols, k, v, (size_t)(colon - v))) != 0) {
            if (rc < 0)
                return rc;
            sure = 1;
        } else if (concord_lang_canonicalize(cols[k].lang, sizeof(cols[k].lang), v) == 0 &&
                   cc_lang_known(cols[k].lang)) {
            cols[k].role = COL_LANG;
            langs++;
            if (strlen(v) == 2 || strchr(cols[k].lang, '-'))
                sure = 1;
        } else {
            header = 0;
        }
    }
    if (header && langs > 0 && sure) {
        c->ncols = c->ncells;
        return 1;
    }
    if (!c->g->src_lang[0] || !c->g->tgt_lang[0])
        return cc_error_set_at(CONCORD_EPARSE, c->name, c->cells[0].line, 1,
                               file_offset(c, c->row_start),
                               "no header row of language codes: give --from and --to");
    memset(cols, 0, 3 * sizeof(*cols));
    cols[0].role = COL_LANG;
    cols[0].source = 1;
    memcpy(cols[0].lang, c->g->src_lang, sizeof(cols[0].lang));
    cols[1].role = COL_LANG;
    memcpy(cols[1].lang, c->g->tgt_lang, sizeof(cols[1].lang));
    cols[2].role = COL_NOTE;
    c->ncols = 3;
    /* a row with an empty source still adds its target, as before: OmegaT's and
     * Okapi's own test files hold such rows */
    return 0;
}

/* Does a fuzzy cell say the row's translation is fuzzy (csvl10n.py's values)? */
static int is_fuzzy(const char *s)
{
    static const char *const YES[] = {"1", "x", "true", "yes", "fuzzy"};
    for (size_t k = 0; k < CC_ARRAY_LEN(YES); k++)
        if (strcasecmp(s, YES[k]) == 0)
            return 1;
    return 0;
}

/*
 * The attribute cells of the term in language column k (its status, part of
 * speech, note, type) into spec. Their texts are kept in c->attrs, which the
 * spec points into until the next row. CONCORD_EPARSE at a cell whose value
 * is unknown.
 */
static int term_attrs(csv *c, size_t k, size_t n, cc_term_spec *spec)
{
    static const char *const STATUS[] = {"preferred", "admitted", "deprecated", "forbidden"};
    size_t at[2] = {0, 0}; /* pos, note: offsets in attrs + 1 */
    int rc;
    cc_buf_clear(&c->attrs);
    for (size_t j = k + 1; j < n; j++) {
        int role = c->cols[j].role;
        if (role < COL_TSTATUS || c->cols[j].term != (long)k)
            continue;
        if ((rc = cell_text(c, j)) < 0)
            return rc;
        if (!c->text.len)
            continue;
        const char *v = c->text.data;
        if (role == COL_TSTATUS || role == COL_TTYPE) {
            size_t s = 0;
            if (role == COL_TSTATUS)
                while (s < CC_ARRAY_LEN(STATUS) && strcasecmp(STATUS[s], v) != 0)
                    s++;
            int ok = role == COL_TSTATUS ? s < CC_ARRAY_LEN(STATUS) : strcasecmp(v, "variant") == 0;
            if (!ok)
                return cc_error_set_at(CONCORD_EPARSE, c->name, c->cells[j].line, c->cells[j].col,
                                       file_offset(c, c->cells[j].off),
                                       role == COL_TSTATUS
                                           ? "unknown status '%s' (expected preferred, admitted, "
                                             "deprecated or forbidden)"
                                           : "unknown term type '%s' (expected variant)",
                                       v);
            if (role == COL_TSTATUS)
                spec->status = (cc_term_status)s;
            else
                spec->flags |= CC_TERMF_VARIANT;
            continue;
        }
        at[role == COL_TNOTE] = c->attrs.len + 1;
        if ((rc = cc_buf_append(&c->attrs, v, c->text.len + 1)) < 0)
            return rc;
    }
    spec->pos = at[0] ? c->attrs.data + at[0] - 1 : NULL;
    spec->note = at[1] ? c->attrs.data + at[1] - 1 : NULL;
    return 0;
}

/*
 * A data row: one concept with a term per non-empty language cell. In
 * Translate Toolkit's layout a row needs its source term (po2csv never
 * writes one without: an empty source is a broken or misread file), and the
 * target of a row marked fuzzy is not taken (an unreviewed translation).
 */
static int add_row(csv *c)
{
    int rc;
    size_t n = c->ncells < c->ncols ? c->ncells : c->ncols;
    cc_buf_clear(&c->note);
    cc_buf_clear(&c->id);
    int any = 0, fuzzy = 0, source = c->source_col < 0;
    for (size_t k = 0; k < n; k++) {
        if (c->cols[k].role == COL_IGNORE)
            continue;
        if ((rc = cell_text(c, k)) < 0)
            return rc;
        if (!c->text.len)
            continue;
        if (c->cols[k].role == COL_LANG) {
            any = 1;
            source |= c->cols[k].source;
        } else if (c->cols[k].role == COL_FUZZY) {
            fuzzy = is_fuzzy(c->text.data);
        } else if (c->cols[k].role == COL_ID) {
            cc_buf_clear(&c->id);
            if ((rc = cc_buf_puts(&c->id, c->text.data)) < 0)
                return rc;
        } else if (c->cols[k].role != COL_NOTE) {
            continue;
        } else if ((c->note.len && (rc = cc_buf_puts(&c->note, "; ")) < 0) ||
                   (rc = cc_buf_puts(&c->note, c->text.data)) < 0) {
            return rc;
        }
    }
    if (!any)
        return 0;
    if (!source) {
        size_t k = (size_t)c->source_col < c->ncells ? (size_t)c->source_col : c->ncells - 1;
        return cc_error_set_at(CONCORD_EPARSE, c->name, c->cells[k].line, c->cells[k].col,
                               file_offset(c, c->cells[k].off),
                               "a row without a source term (column %d is empty)",
                               c->source_col + 1);
    }
    size_t concept;
    if ((rc = cc_gloss_concept(c->g, c->id.len ? c->id.data : NULL, &concept)) < 0)
        return rc;
    if (c->note.len && !(c->g->concepts[concept].note = cc_gloss_strdup(c->g, c->note.data)))
        return cc_error_oom();
    for (size_t k = 0; k < n; k++) {
        if (c->cols[k].role != COL_LANG || (fuzzy && c->source_col >= 0 && !c->cols[k].source))
            continue;
        cc_term_spec spec;
        memset(&spec, 0, sizeof(spec));
        spec.status = CC_TERM_PREFERRED;
        /* its attributes first: reading a cell replaces c->text */
        if ((rc = term_attrs(c, k, n, &spec)) < 0 || (rc = cell_text(c, k)) < 0)
            return rc;
        if (!c->text.len)
            continue;
        spec.lang = c->cols[k].lang;
        spec.text = c->text.data;
        rc = cc_gloss_term(c->g, concept, &spec, c->name, c->cells[k].line, c->cells[k].col);
        if (rc < 0) {
            /* cc_gloss_term knows no offsets: add the cell's */
            const concord_error *e = concord_error_last();
            if (e->line) {
                char msg[1024];
                snprintf(msg, sizeof(msg), "%s", e->message);
                cc_error_set_at(rc, c->name, e->line, e->column, file_offset(c, c->cells[k].off),
                                "%s", msg);
            }
            return rc;
        }
    }
    return 0;
}

static int read_all(csv *c)
{
    int rc;
    while (c->i < c->n) {
        char ch = c->s[c->i];
        if (is_eol(ch)) {
            newline(c);
            continue;
        }
        if (ch == '#') {
            while (c->i < c->n && !is_eol(c->s[c->i]))
                c->i++;
            if (c->i < c->n)
                newline(c);
            continue;
        }
        if ((rc = read_row(c)) < 0)
            return rc;
        int blank = 1;
        for (size_t k = 0; k < c->ncells && blank; k++) {
            if ((rc = cell_text(c, k)) < 0)
                return rc;
            blank = c->text.len == 0;
        }
        if (blank)
            continue;
        if (!c->layout_known) {
            if ((rc = decide_layout(c)) < 0)
                return rc;
            if (rc == 1)
                continue;
        }
        if ((rc = add_row(c)) < 0)
            return rc;
    }
    return 0;
}

int cc_gloss_read_csv(concord_glossary *g, const char *name, const char *data, size_t len, char sep)
{
    const unsigned char *d = (const unsigned char *)data;
    csv c;
    memset(&c, 0, sizeof(c));
    c.g = g;
    c.name = name;
    c.sep = sep;
    c.quoting = sep != '\t';
    c.line = 1;
    c.col_at = 1;
    char *decoded = NULL;
    size_t decoded_len = 0;
    int le = 0, rc;
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        c.bom = 3;
    } else if (len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF))) {
        c.bom = 2;
        c.utf16 = 1;
        le = d[0] == 0xFF;
    } else {
        c.utf16 = sniff_utf16(d, len, &le);
    }
    if (c.utf16) {
        if ((rc = decode_utf16(&c, d, len, le, &decoded, &decoded_len)) < 0)
            return rc;
        c.s = decoded;
        c.n = decoded_len;
    } else {
        c.s = data + c.bom;
        c.n = len - c.bom;
        const char *why = NULL;
        size_t bad = cc_utf8_find_invalid(c.s, c.n, 1, &why);
        if (bad < c.n) {
            unsigned long line, col;
            concord_text_position(&line, &col, c.s, c.n, bad);
            return cc_error_set_at(CONCORD_EENCODING, name, line, col, c.bom + bad,
                                   "%s at byte offset %zu", why, c.bom + bad);
        }
    }
    rc = read_all(&c);
    cc_free(decoded);
    cc_free(c.cells);
    cc_free(c.cols);
    cc_buf_free(&c.rowbuf);
    cc_buf_free(&c.text);
    cc_buf_free(&c.note);
    cc_buf_free(&c.id);
    cc_buf_free(&c.attrs);
    return rc;
}
