/*
 * test_po.c — gettext PO (src/doc/po.c): the counts of every PO file of
 * ../shared/data/bilingual equal msgfmt --statistics (from its README), the
 * charset copies read as their UTF-8 originals, broken files are refused at
 * the right place, the locator points at the bytes of each character, and
 * the writer gives back the input without edits and only new msgstr lines
 * (and fuzzy flags) with them. The shared-data cases skip when the data is
 * not there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "doc/doc.h"
#include "text/unicode.h"

#define BI CONCORD_SHARED_DATA "/bilingual/"

static int have_shared(void)
{
    struct stat st;
    return stat(BI "po", &st) == 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    cc_buf b = CC_BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
        assert_int_equal(cc_buf_append(&b, tmp, n), 0);
    fclose(f);
    *len = b.len;
    if (!b.data)
        return calloc(1, 1);
    return b.data;
}

/* ---- counts ------------------------------------------------------------------------------ */

typedef struct counts {
    long translated, fuzzy, untranslated, ctxt, plural, header, obsolete;
} counts;

static int count_unit(const cc_doc_unit *u, void *ud)
{
    counts *c = ud;
    if (u->kind == CC_DOC_UNIT_HEADER) {
        c->header++;
        assert_int_equal(u->translate, 0);
        return 0;
    }
    if (u->kind == CC_DOC_UNIT_OBSOLETE) {
        c->obsolete++;
        assert_int_equal(u->translate, 0);
        return 0;
    }
    c->ctxt += u->context != NULL;
    c->plural += u->nplurals > 0;
    if (u->status == CC_DOC_UNTRANSLATED)
        c->untranslated++;
    else if (u->status == CC_DOC_FUZZY)
        c->fuzzy++;
    else
        c->translated++;
    return 0;
}

typedef struct count_case {
    const char *file;
    long translated, fuzzy, untranslated; /* msgfmt --statistics, README's table */
    long ctxt, plural;                    /* README's "PO features", -1: not given */
} count_case;

/*
 * ../shared/data/bilingual/README.md, the per-file tables of po/ and large/:
 * `msgfmt --statistics` (gettext 0.21; header and obsolete entries not
 * counted) and the msgctxt / plural counts of the "PO features" column. The
 * files msgfmt refuses (Okapi's BOM, UTF-16 and domain lines) have counts
 * made by hand from the file (msgfmt prints none): Test01 6 entries (1
 * translated, 3 fuzzy, 2 untranslated), Test02 14, Test03 9, Test04 4,
 * TestMonoLingual_FR 3.
 */
static const count_case count_cases[] = {
    {"po/gnome-chess/ru.po", 243, 0, 0, 37, -1},
    {"po/gnome-chess/ja.po", 232, 5, 20, 38, 3},
    {"po/gnome-chess/de.po", 245, 0, 0, 36, -1},
    {"po/gnome-chess/fr.po", 241, 0, 0, 36, -1},
    {"po/okapi/AllCasesTest.po", 5, 3, 3, -1, 3},
    {"po/okapi/Test01.po", 1, 3, 2, -1, -1},
    {"po/okapi/Test02.po", 2, 0, 12, -1, -1},
    {"po/okapi/Test03.po", 4, 0, 5, -1, 1},
    {"po/okapi/Test04.po", 1, 0, 3, -1, 3},
    {"po/okapi/Test05.po", 5, 3, 2, -1, 3},
    {"po/okapi/TestMonoLingual_FR.po", 3, 0, 0, -1, -1},
    {"po/okapi/Test_DrupalRussianCP1251.po", 11, 0, 6, -1, -1},
    {"po/okapi/Test_nautilus.af.po", 1109, 115, 98, 1, 56},
    {"po/okapi/POT-Test01.pot", 0, 0, 560, -1, -1},
    {"po/debian-msgunfmt/apt.ja.po", 358, 0, 0, -1, 7},
    {"po/debian-msgunfmt/coreutils.ru.po", 1769, 0, 0, -1, 8},
    {"po/debian-msgunfmt/dpkg.fr.po", 1184, 0, 0, 5, 9},
    {"po/debian-msgunfmt/gettext-tools.ru.po", 698, 0, 0, -1, 7},
    {"po/debian-msgunfmt/glib20.ja.po", 1068, 0, 0, 68, 10},
    {"po/debian-msgunfmt/gnupg2.de.po", 2168, 0, 0, -1, 43},
    {"po/debian-msgunfmt/gtk20.fr.po", 866, 0, 0, 325, 1},
    {"po/debian-msgunfmt/libc.de.po", 1428, 0, 0, 0, 0},
    {"po/debian-msgunfmt/systemd.ru.po", 193, 0, 0, 0, 0},
    {"po/derived/broken-bad-charset.fr.po", 241, 0, 0, 36, -1},
    {"po/derived/gnome-chess.ja.euc-jp.po", 232, 5, 20, 38, 3},
    {"po/derived/gnome-chess.de.crlf.po", 245, 0, 0, 36, -1},
    {"large/gettext-en-ru.po", 79901, 0, 0, 79901, -1},
};

static void test_counts(void **state)
{
    (void)state;
    if (!have_shared())
        skip();
    for (size_t i = 0; i < CC_ARRAY_LEN(count_cases); i++) {
        const count_case *k = &count_cases[i];
        char path[4096];
        snprintf(path, sizeof(path), BI "%s", k->file);
        counts c = {0};
        int rc = cc_doc_read_po(path, NULL, 0, count_unit, &c);
        if (rc != 0)
            fail_msg("%s: %s", k->file, concord_error_last()->message);
        if (c.translated != k->translated || c.fuzzy != k->fuzzy ||
            c.untranslated != k->untranslated || (k->ctxt >= 0 && c.ctxt != k->ctxt) ||
            (k->plural >= 0 && c.plural != k->plural))
            fail_msg("%s: %ld translated, %ld fuzzy, %ld untranslated, %ld msgctxt, %ld plural; "
                     "expected %ld, %ld, %ld, %ld, %ld",
                     k->file, c.translated, c.fuzzy, c.untranslated, c.ctxt, c.plural,
                     k->translated, k->fuzzy, k->untranslated, k->ctxt, k->plural);
        /* the same from memory */
        size_t len;
        char *data = slurp(path, &len);
        assert_non_null(data);
        counts m = {0};
        assert_int_equal(cc_doc_read_po(path, data, len, count_unit, &m), 0);
        assert_memory_equal(&m, &c, sizeof(m));
        free(data);
    }
}

/* ---- the charset copies are the same units ----------------------------------------------- */

typedef struct units_text {
    cc_buf b;
} units_text;

static int unit_text(const cc_doc_unit *u, void *ud)
{
    units_text *t = ud;
    if (u->kind == CC_DOC_UNIT_HEADER) /* the header says the charset */
        return 0;
    cc_buf_printf(&t->b, "%d %d %s|%s|%s|%s|%s|%zu", u->kind, (int)u->status,
                  u->context ? u->context : "-", u->notes ? u->notes : "-",
                  u->flags ? u->flags : "-", u->previous ? u->previous : "-",
                  u->trglang ? u->trglang : "-", u->nplurals);
    for (size_t i = 0; i < u->npieces; i++) {
        cc_buf_printf(&t->b, "\x01%d %zu ", (int)u->pieces[i].role, u->pieces[i].seg);
        cc_buf_append(&t->b, u->pieces[i].text, u->pieces[i].len);
    }
    cc_buf_putc(&t->b, '\n');
    return 0;
}

static void test_charset_copies(void **state)
{
    (void)state;
    if (!have_shared())
        skip();
    static const char *const pairs[][2] = {
        {"po/derived/gnome-chess.ja.euc-jp.po", "po/gnome-chess/ja.po"},
        {"po/derived/gnome-chess.de.crlf.po", "po/gnome-chess/de.po"},
        {"po/derived/broken-bad-charset.fr.po", "po/gnome-chess/fr.po"},
    };
    for (size_t i = 0; i < CC_ARRAY_LEN(pairs); i++) {
        units_text a = {CC_BUF_INIT}, b = {CC_BUF_INIT};
        char pa[4096], pb[4096];
        snprintf(pa, sizeof(pa), BI "%s", pairs[i][0]);
        snprintf(pb, sizeof(pb), BI "%s", pairs[i][1]);
        assert_int_equal(cc_doc_read_po(pa, NULL, 0, unit_text, &a), 0);
        assert_int_equal(cc_doc_read_po(pb, NULL, 0, unit_text, &b), 0);
        assert_true(a.b.len > 1000);
        if (a.b.len != b.b.len || memcmp(a.b.data, b.b.data, a.b.len) != 0)
            fail_msg("%s and %s read differently", pairs[i][0], pairs[i][1]);
        cc_buf_free(&a.b);
        cc_buf_free(&b.b);
    }
}

/* ---- refusals ---------------------------------------------------------------------------- */

typedef struct refusal {
    const char *file; /* under tests/data/doc/po, or "@" + under bilingual/ */
    int code;
    unsigned long line, column;
    size_t offset;
    const char *words; /* in the message */
} refusal;

static int count_any(const cc_doc_unit *u, void *ud)
{
    (void)u;
    ++*(size_t *)ud;
    return 0;
}

static void test_refusals(void **state)
{
    (void)state;
    static const refusal cases[] = {
        /* msgfmt: 176 "end-of-line within string"; its lexer has already counted the
           line end when it reports it. The string ends on line 175, after column 22. */
        {"@po/derived/broken-unterminated-string.ru.po", CONCORD_EPARSE, 175, 23, 7711,
         "end of line within a string"},
        /* msgfmt: 226:21, a column of display width (the 6 Japanese characters before the
           bad byte count 2 each); concord counts code points: 8 + 6 characters before it */
        {"@po/derived/broken-invalid-utf8.ja.po", CONCORD_EENCODING, 226, 15, 6695, "UTF-8"},
        {"unterminated.po", CONCORD_EPARSE, 7, 16, 116, "closing"},
        {"keyword-unknown.po", CONCORD_EPARSE, 8, 1, 118, "keyword \"msgidx\" unknown"},
        {"msgstr-without-msgid.po", CONCORD_EPARSE, 7, 1, 90, "msgstr without msgid"},
        {"bad-escape.po", CONCORD_EPARSE, 6, 12, 92, "invalid escape"},
        {"duplicate.po", CONCORD_EPARSE, 14, 8, 194, "duplicate message definition"},
        {"bad-cp1251.po", CONCORD_EENCODING, 6, 12, 95, "windows-1251"},
        {"missing-msgstr.po", CONCORD_EPARSE, 6, 8, 88, "missing msgstr"},
        {"plural-index.po", CONCORD_EPARSE, 9, 1, 135, "msgstr[2]"},
        {"bad-utf8.po", CONCORD_EENCODING, 7, 10, 104, "UTF-8"},
        {"obsolete-mixed.po", CONCORD_EPARSE, 7, 1, 96, "obsolete"},
        {"unknown-charset.po", CONCORD_EUNSUPPORTED, 3, 36, 54, "KLINGON-8"},
    };
    for (size_t i = 0; i < CC_ARRAY_LEN(cases); i++) {
        const refusal *k = &cases[i];
        char path[4096];
        if (k->file[0] == '@') {
            if (!have_shared())
                continue;
            snprintf(path, sizeof(path), BI "%s", k->file + 1);
        } else {
            snprintf(path, sizeof(path), CONCORD_TEST_DATA "/doc/po/%s", k->file);
        }
        size_t n = 0;
        int rc = cc_doc_read_po(path, NULL, 0, count_any, &n);
        const concord_error *e = concord_error_last();
        if (rc != k->code || e->line != k->line || e->column != k->column ||
            e->offset != k->offset || !strstr(e->message, k->words))
            fail_msg("%s: %d at %lu:%lu (offset %zu): %s; expected %d at %lu:%lu (%zu) '%s'",
                     k->file, rc, e->line, e->column, e->offset, e->message, k->code, k->line,
                     k->column, k->offset, k->words);
        assert_non_null(e->file);
        /* nothing after the error: the units before it only */
        size_t len;
        char *data = slurp(path, &len);
        assert_non_null(data);
        size_t m = 0;
        assert_int_equal(cc_doc_read_po(path, data, len, count_any, &m), k->code);
        assert_int_equal(m, n);
        free(data);
    }
}

/* ---- what the reader gives ---------------------------------------------------------------- */

#define MAXU 16

typedef struct saved_unit {
    int kind, status, translate;
    char ctxt[64], notes[256], flags[64], prev[64], lang[16], state[16];
    size_t npieces, nplurals;
    char text[6][64];
    cc_doc_piece p[6];
} saved_unit;

typedef struct saved {
    size_t n;
    saved_unit u[MAXU];
} saved;

static void put_str(char *dst, size_t cap, const char *s, size_t n)
{
    if (!s) {
        snprintf(dst, cap, "(null)");
        return;
    }
    snprintf(dst, cap, "%.*s", (int)n, s);
}

static int save_unit(const cc_doc_unit *u, void *ud)
{
    saved *s = ud;
    assert_true(s->n < MAXU);
    saved_unit *c = &s->u[s->n++];
    c->kind = u->kind;
    c->status = (int)u->status;
    c->translate = u->translate;
    put_str(c->ctxt, sizeof(c->ctxt), u->context, u->context ? strlen(u->context) : 0);
    put_str(c->notes, sizeof(c->notes), u->notes, u->notes ? strlen(u->notes) : 0);
    put_str(c->flags, sizeof(c->flags), u->flags, u->flags ? strlen(u->flags) : 0);
    put_str(c->prev, sizeof(c->prev), u->previous, u->previous ? strlen(u->previous) : 0);
    put_str(c->lang, sizeof(c->lang), u->trglang, u->trglang ? strlen(u->trglang) : 0);
    put_str(c->state, sizeof(c->state), u->state, u->state ? strlen(u->state) : 0);
    c->npieces = u->npieces;
    c->nplurals = u->nplurals;
    for (size_t i = 0; i < u->npieces && i < 6; i++) {
        put_str(c->text[i], sizeof(c->text[i]), u->pieces[i].text, u->pieces[i].len);
        c->p[i] = u->pieces[i];
        c->p[i].text = c->p[i].orig = NULL;
    }
    return 0;
}

static const char sample[] = "# Translator comment\r\n"
                             "msgid \"\"\r\n"
                             "msgstr \"\"\r\n"
                             "\"Language: pt_BR\\n\"\r\n"
                             "\"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\r\n"
                             "\"Content-Type: text/plain; charset=UTF-8\\n\"\r\n"
                             "\r\n"
                             "#. extracted\r\n"
                             "#: src/a.c:12\r\n"
                             "#, fuzzy, c-format\r\n"
                             "#| msgid \"Old %s\"\r\n"
                             "msgctxt \"menu\"\r\n"
                             "msgid \"Tab\\there \\\"q\\\" \\\\ \\r\\a\\b\\f\\v \\101\\x42\"\r\n"
                             "msgstr \"\"\r\n"
                             "\"Aba\\n\"\r\n"
                             "\"ção\"\r\n"
                             "\r\n"
                             "domain \"other\"\r\n"
                             "\r\n"
                             "msgid \"%d file\"\r\n"
                             "msgid_plural \"%d files\"\r\n"
                             "msgstr[0] \"\"\r\n"
                             "msgstr[1] \"\"\r\n"
                             "\r\n"
                             "#~ msgid \"gone\"\r\n"
                             "#~ msgstr \"foi\"\r\n";

static void test_reader_fields(void **state)
{
    (void)state;
    static saved s;
    memset(&s, 0, sizeof(s));
    assert_int_equal(cc_doc_read_po("sample.po", sample, sizeof(sample) - 1, save_unit, &s), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.u[0].kind, CC_DOC_UNIT_HEADER);
    assert_int_equal(s.u[0].translate, 0);
    assert_string_equal(s.u[0].notes, "Translator comment");
    assert_string_equal(s.u[0].lang, "pt-BR");
    /* the fuzzy entry: every escape, msgctxt, comments, previous msgid */
    assert_int_equal(s.u[1].kind, CC_DOC_UNIT_NORMAL);
    assert_int_equal(s.u[1].translate, 1);
    assert_int_equal(s.u[1].status, CC_DOC_FUZZY);
    assert_string_equal(s.u[1].state, "fuzzy");
    assert_string_equal(s.u[1].flags, "fuzzy, c-format");
    assert_string_equal(s.u[1].prev, "Old %s");
    assert_string_equal(s.u[1].ctxt, "menu");
    assert_string_equal(s.u[1].notes, "extracted\nsrc/a.c:12");
    assert_string_equal(s.u[1].lang, "pt-BR");
    assert_int_equal(s.u[1].npieces, 2);
    assert_string_equal(s.u[1].text[0], "Tab\there \"q\" \\ \r\a\b\f\v AB");
    assert_string_equal(s.u[1].text[1], "Aba\nção");
    /* positions: the character after the first quote; raw: the keyword */
    assert_int_equal(s.u[1].p[0].at.line, 13);
    assert_int_equal(s.u[1].p[0].at.column, 8);
    assert_int_equal(s.u[1].p[0].raw, strstr(sample, "msgid \"Tab") - sample);
    assert_int_equal(s.u[1].p[0].at.offset, strstr(sample, "Tab\\t") - sample);
    assert_int_equal(s.u[1].p[1].at.line, 14);
    assert_int_equal(s.u[1].p[1].raw, strstr(sample, "msgstr \"\"\r\n\"Aba") - sample);
    assert_int_equal(s.u[1].p[0].exact, 0);
    assert_int_equal(s.u[1].p[1].role, CC_DOC_TARGET);
    /* the plural entry, after the domain line: untranslated, two forms */
    assert_int_equal(s.u[2].status, CC_DOC_UNTRANSLATED);
    assert_int_equal(s.u[2].nplurals, 2);
    assert_int_equal(s.u[2].npieces, 4);
    assert_string_equal(s.u[2].text[1], "%d files");
    assert_int_equal(s.u[2].p[1].seg, 1);
    assert_int_equal(s.u[2].p[3].seg, 1);
    assert_int_equal(s.u[2].p[3].role, CC_DOC_TARGET);
    assert_int_equal(s.u[3].kind, CC_DOC_UNIT_OBSOLETE);
    assert_int_equal(s.u[3].translate, 0);
    assert_string_equal(s.u[3].text[1], "foi");

    /* the locator: each character of the msgid at its bytes, an escape at its backslash */
    cc_doc_piece p = s.u[1].p[0];
    p.text = "Tab\there \"q\" \\ \r\a\b\f\v AB";
    p.len = strlen(p.text);
    static const struct {
        size_t off;
        const char *at; /* the file's bytes there */
    } loc[] = {{0, "Tab"}, {3, "\\there"}, {9, "\\\"q"}, {21, "\\101"}, {22, "\\x42"}};
    for (size_t i = 0; i < CC_ARRAY_LEN(loc); i++) {
        cc_doc_pos pos;
        assert_int_equal(
            cc_doc_locate_po("sample.po", sample, sizeof(sample) - 1, &p, loc[i].off, &pos), 0);
        assert_memory_equal(sample + pos.offset, loc[i].at, strlen(loc[i].at));
        assert_int_equal(pos.line, 13);
    }
    /* the msgstr across its continuation lines, column in characters */
    p = s.u[1].p[1];
    p.text = "Aba\nção";
    p.len = strlen(p.text);
    cc_doc_pos pos;
    assert_int_equal(cc_doc_locate_po("sample.po", sample, sizeof(sample) - 1, &p, 6, &pos), 0);
    assert_int_equal(pos.line, 16);
    assert_int_equal(pos.column, 3); /* "ç is column 2, ã 3 */
    assert_int_equal(pos.byte_column, 4);
    assert_memory_equal(sample + pos.offset, "ão", 3);
    assert_int_equal(cc_doc_locate_po("sample.po", sample, sizeof(sample) - 1, &p, p.len, &pos), 0);
    assert_int_equal(sample[pos.offset], '"');
    assert_int_equal(pos.line, 16);
}

/* ---- the locator over every file ---------------------------------------------------------- */

typedef struct oracle {
    const char *path, *data;
    size_t len;
    cc_conv *conv; /* the file's charset, NULL for UTF-8 */
    size_t checked;
    cc_buf enc;
    int by_path; /* locate from the file, not from data */
} oracle;

static unsigned long cc_doc_test_cps(const char *s, size_t n)
{
    unsigned long c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static int check_locate(const cc_doc_unit *u, void *ud)
{
    oracle *o = ud;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        size_t offs[5] = {0, p->len / 3, p->len / 2, p->len ? p->len - 1 : 0, p->len};
        for (size_t k = 0; k < 5; k++) {
            size_t off = offs[k];
            while (off < p->len && ((unsigned char)p->text[off] & 0xC0) == 0x80)
                off--; /* a character's start */
            cc_doc_pos pos;
            int rc = cc_doc_locate_po(o->path, o->by_path ? NULL : o->data, o->len, p, off, &pos);
            if (rc != 0)
                fail_msg("%s: unit %zu piece %zu offset %zu: %s", o->path, u->index, i, off,
                         concord_error_last()->message);
            assert_true(pos.offset < o->len);
            const char *at = o->data + pos.offset;
            /* the line and the columns are those of the offset: the start of its line is
               byte_column - 1 bytes before it, just after a line end */
            assert_true(pos.byte_column >= 1 && pos.byte_column - 1 <= pos.offset);
            size_t ls = pos.offset - (pos.byte_column - 1);
            assert_true(ls == 0 || o->data[ls - 1] == '\n' ||
                        (o->data[ls - 1] == 0 && o->data[ls - 2] == '\n') || ls == 2 || ls == 3);
            if (!o->conv && ls > 3 && o->len < 600000) { /* a walk from the start */
                unsigned long nl = 1;
                for (size_t b = 0; b < pos.offset; b++)
                    nl += o->data[b] == '\n';
                assert_int_equal(nl, pos.line);
                assert_int_equal(pos.column, cc_doc_test_cps(o->data + ls, pos.offset - ls) + 1);
            }
            if (off == p->len) {
                /* just after the text: the closing quote (UTF-16: its low byte follows) */
                assert_true(*at == '"' || (at[0] == 0 && at[1] == '"') ||
                            (at[0] == '"' && at[1] == 0));
                continue;
            }
            size_t cl = 1;
            unsigned char c = (unsigned char)p->text[off];
            cl = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            o->enc.len = 0;
            if (o->conv) {
                assert_int_equal(cc_conv_from_utf8(o->conv, p->text + off, cl, &o->enc, NULL), 0);
            } else {
                assert_int_equal(cc_buf_append(&o->enc, p->text + off, cl), 0);
            }
            int escaped = at[0] == '\\' || (o->enc.len == 2 && at[1] == '\\' && at[0] == 0) ||
                          (at[0] == '\\' && at[1] == 0);
            if (!escaped && memcmp(at, o->enc.data, o->enc.len) != 0)
                fail_msg("%s:%lu:%lu: unit %zu piece %zu offset %zu: the file has '%.4s', the "
                         "text '%.*s'",
                         o->path, pos.line, pos.column, u->index, i, off, at, (int)cl,
                         p->text + off);
            o->checked++;
        }
    }
    return 0;
}

static void test_locate_oracle(void **state)
{
    (void)state;
    if (!have_shared())
        skip();
    size_t files = 0, total = 0;
    for (size_t i = 0; i < CC_ARRAY_LEN(count_cases); i++) {
        char path[4096];
        snprintf(path, sizeof(path), BI "%s", count_cases[i].file);
        oracle o = {.path = path};
        char *data = slurp(path, &o.len);
        assert_non_null(data);
        o.data = data;
        const char *cs = strstr(path, "euc-jp")          ? "EUC-JP"
                         : strstr(path, "CP1251")        ? "windows-1251"
                         : strstr(path, "Test02")        ? "windows-1252"
                         : strstr(path, "okapi/Test01.") ? "UTF-16BE"
                                                         : NULL;
        if (cs)
            assert_int_equal(cc_conv_open(&o.conv, cs), 0);
        if (cc_doc_read_po(path, data, o.len, check_locate, &o) != 0)
            fail_msg("%s: %s", path, concord_error_last()->message);
        total += o.checked;
        files++;
        cc_conv_close(o.conv);
        cc_buf_free(&o.enc);
        free(data);
    }
    /* from the file too, not only from memory (the locator reads from p->raw) */
    char path[4096];
    snprintf(path, sizeof(path), BI "po/derived/gnome-chess.ja.euc-jp.po");
    oracle o = {.path = path, .by_path = 1};
    char *data = slurp(path, &o.len);
    o.data = data;
    assert_int_equal(cc_conv_open(&o.conv, "EUC-JP"), 0);
    assert_int_equal(cc_doc_read_po(path, NULL, 0, check_locate, &o), 0);
    assert_true(o.checked > 1000);
    cc_conv_close(o.conv);
    cc_buf_free(&o.enc);
    free(data);
    assert_true(files == CC_ARRAY_LEN(count_cases));
    assert_true(total > 300000);
}

/* ---- the writer -------------------------------------------------------------------------- */

static int no_edit(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    (void)u;
    (void)e;
    (void)ud;
    return 0;
}

static int to_buf(const void *data, size_t len, void *ud)
{
    return cc_buf_append(ud, data, len);
}

static void test_rewrite_unchanged(void **state)
{
    (void)state;
    if (!have_shared())
        skip();
    for (size_t i = 0; i < CC_ARRAY_LEN(count_cases); i++) {
        char path[4096];
        snprintf(path, sizeof(path), BI "%s", count_cases[i].file);
        size_t len;
        char *data = slurp(path, &len);
        assert_non_null(data);
        cc_buf out = CC_BUF_INIT;
        assert_int_equal(cc_doc_rewrite_po(path, NULL, 0, no_edit, NULL, to_buf, &out), 0);
        if (out.len != len || memcmp(out.data, data, len) != 0)
            fail_msg("%s: rewritten without edits, %zu bytes of %zu, not the same", path, out.len,
                     len);
        out.len = 0;
        assert_int_equal(cc_doc_rewrite_po(path, data, len, no_edit, NULL, to_buf, &out), 0);
        assert_true(out.len == len && memcmp(out.data, data, len) == 0);
        cc_buf_free(&out);
        free(data);
    }
}

typedef struct edit_case {
    const char *in;
    size_t seg[2];
    const char *text[2];
    size_t ntargets;
    cc_doc_status status;
    const char *out; /* NULL: the rewrite fails with `code` */
    int code;
} edit_case;

static const edit_case *cur_edit;

static int edit_first(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    static cc_doc_target t[2];
    (void)ud;
    /* every unit is offered the edit: the header and obsolete entries must ignore it */
    for (size_t i = 0; i < cur_edit->ntargets; i++)
        t[i] = (cc_doc_target){
            .seg = cur_edit->seg[i], .text = cur_edit->text[i], .len = strlen(cur_edit->text[i])};
    e->targets = t;
    e->ntargets = cur_edit->ntargets;
    e->status = cur_edit->status;
    (void)u;
    return 0;
}

#define HDR "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"

static void test_rewrite_edits(void **state)
{
    (void)state;
    static const edit_case cases[] = {
        /* a plain msgstr, escapes as gettext writes them */
        {HDR "msgid \"a\"\nmsgstr \"\"\n",
         {0},
         {"Tab\there \"q\" \\"},
         1,
         CC_DOC_TRANSLATED,
         HDR "msgid \"a\"\nmsgstr \"Tab\\there \\\"q\\\" \\\\\"\n",
         0},
        /* multi-line: "" and a line after each \n; a final \n stays on its line */
        {HDR "msgid \"a\\nb\\n\"\nmsgstr \"x\"\n\n# next\nmsgid \"b\"\nmsgstr \"\"\n",
         {0},
         {"one\ntwo\n"},
         1,
         CC_DOC_TRANSLATED,
         HDR "msgid \"a\\nb\\n\"\nmsgstr \"\"\n\"one\\n\"\n\"two\\n\"\n\n# next\nmsgid "
             "\"b\"\nmsgstr \"\"\n\"one\\n\"\n\"two\\n\"\n",
         0},
        /* fuzzy added: a new #, line before msgctxt; an existing one gets it first */
        {HDR "#: a.c:1\nmsgctxt \"m\"\nmsgid \"a\"\nmsgstr \"\"\n\n#, c-format\nmsgid "
             "\"b\"\nmsgstr \"\"\n",
         {0},
         {"A"},
         1,
         CC_DOC_FUZZY,
         HDR "#: a.c:1\n#, fuzzy\nmsgctxt \"m\"\nmsgid \"a\"\nmsgstr \"A\"\n\n#, fuzzy, "
             "c-format\nmsgid \"b\"\nmsgstr \"A\"\n",
         0},
        /* fuzzy removed with the #| lines; a #, line of fuzzy alone goes */
        {HDR "#, fuzzy, c-format\n#| msgid \"old\"\n#| \"er\"\nmsgid \"a %s\"\nmsgstr \"b "
             "%s\"\n\n#, fuzzy\n#| msgid \"x\"\nmsgid \"c\"\nmsgstr \"d\"\n",
         {0},
         {"B %s"},
         1,
         CC_DOC_TRANSLATED,
         HDR "#, c-format\nmsgid \"a %s\"\nmsgstr \"B %s\"\n\nmsgid \"c\"\nmsgstr \"B %s\"\n",
         0},
        /* plural forms, CRLF kept, the last line without a line end stays so */
        {"msgid \"\"\r\nmsgstr \"\"\r\n\r\nmsgid \"f\"\r\nmsgid_plural \"fs\"\r\nmsgstr[0] "
         "\"\"\r\nmsgstr[1] \"\"",
         {0, 1},
         {"F", "FS"},
         2,
         CC_DOC_TRANSLATED,
         "msgid \"\"\r\nmsgstr \"\"\r\n\r\nmsgid \"f\"\r\nmsgid_plural \"fs\"\r\nmsgstr[0] "
         "\"F\"\r\nmsgstr[1] \"FS\"",
         0},
        /* a plural form the header's nplurals has and the entry lacks is added */
        {"msgid \"\"\nmsgstr \"Plural-Forms: nplurals=3; plural=n%10==1 ? 0 : 1;\\n\"\n\nmsgid "
         "\"f\"\nmsgid_plural \"fs\"\nmsgstr[0] \"\"\nmsgstr[1] \"\"\n",
         {0, 2},
         {"F", "FFS"},
         2,
         CC_DOC_TRANSLATED,
         "msgid \"\"\nmsgstr \"Plural-Forms: nplurals=3; plural=n%10==1 ? 0 : 1;\\n\"\n\nmsgid "
         "\"f\"\nmsgid_plural \"fs\"\nmsgstr[0] \"F\"\nmsgstr[1] \"\"\nmsgstr[2] \"FFS\"\n",
         0},
        /* #~| lines start the next (obsolete) entry: they stay where they are */
        {"#~| msgid \"x\"\n\n#~ msgid \"a\"\n#~ msgstr \"b\"\nmsgid \"c\"\nmsgstr \"d\"\n#~| "
         "msgid \"e\"\n#~ msgid \"f\"\n#~ msgstr \"g\"\n",
         {0},
         {"C"},
         1,
         CC_DOC_TRANSLATED,
         "#~| msgid \"x\"\n\n#~ msgid \"a\"\n#~ msgstr \"b\"\nmsgid \"c\"\nmsgstr \"C\"\n#~| "
         "msgid \"e\"\n#~ msgid \"f\"\n#~ msgstr \"g\"\n",
         0},
        /* obsolete entries never change */
        {HDR "#~ msgid \"a\"\n#~ msgstr \"b\"\n",
         {0},
         {"X"},
         1,
         CC_DOC_TRANSLATED,
         HDR "#~ msgid \"a\"\n#~ msgstr \"b\"\n",
         0},
        /* a character the charset cannot hold: an error, PO has no references */
        {"msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=windows-1251\\n\"\n\nmsgid "
         "\"a\"\nmsgstr \"\"\n",
         {0},
         {"日本"},
         1,
         CC_DOC_TRANSLATED,
         NULL,
         CONCORD_EENCODING},
        /* a form the entry does not have */
        {HDR "msgid \"a\"\nmsgstr \"\"\n", {1}, {"x"}, 1, CC_DOC_TRANSLATED, NULL, CONCORD_EINVAL},
    };
    for (size_t i = 0; i < CC_ARRAY_LEN(cases); i++) {
        cur_edit = &cases[i];
        cc_buf out = CC_BUF_INIT;
        int rc = cc_doc_rewrite_po("e.po", cases[i].in, strlen(cases[i].in), edit_first, NULL,
                                   to_buf, &out);
        if (!cases[i].out) {
            if (rc != cases[i].code)
                fail_msg("case %zu: %d, expected %d", i, rc, cases[i].code);
            if (rc == CONCORD_EENCODING)
                assert_non_null(strstr(concord_error_last()->message, "line 4"));
        } else {
            if (rc != 0)
                fail_msg("case %zu: %s", i, concord_error_last()->message);
            if (out.len != strlen(cases[i].out) || memcmp(out.data, cases[i].out, out.len))
                fail_msg("case %zu:\n%.*s\n--- expected:\n%s", i, (int)out.len,
                         out.data ? out.data : "", cases[i].out);
        }
        cc_buf_free(&out);
    }
}

/* Every target of every file replaced: read back, the new texts are there. */
typedef struct bracket {
    char *texts[64];
    cc_doc_target t[64];
    size_t units;
} bracket;

static char *bracketed(const cc_doc_unit *u, size_t seg, size_t *len)
{
    const cc_doc_piece *src = NULL;
    for (size_t i = 0; i < u->npieces; i++)
        if (u->pieces[i].role == CC_DOC_SOURCE && (u->pieces[i].seg == (seg > 0) || !src))
            src = &u->pieces[i];
    char *t = malloc(src->len + 3);
    t[0] = '[';
    memcpy(t + 1, src->text, src->len);
    t[src->len + 1] = ']';
    t[src->len + 2] = '\0';
    *len = src->len + 2;
    return t;
}

static int edit_all(const cc_doc_unit *u, cc_doc_edit *e, void *ud)
{
    bracket *b = ud;
    for (size_t i = 0; i < 64; i++) {
        free(b->texts[i]);
        b->texts[i] = NULL;
    }
    if (!u->translate)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < u->npieces && n < 64; i++)
        if (u->pieces[i].role == CC_DOC_TARGET) {
            size_t len;
            b->texts[n] = bracketed(u, u->pieces[i].seg, &len);
            b->t[n] = (cc_doc_target){.seg = u->pieces[i].seg, .text = b->texts[n], .len = len};
            n++;
        }
    e->targets = b->t;
    e->ntargets = n;
    e->status = CC_DOC_TRANSLATED;
    return 0;
}

static int check_all(const cc_doc_unit *u, void *ud)
{
    bracket *b = ud;
    if (!u->translate)
        return 0;
    b->units++;
    assert_int_equal(u->status, CC_DOC_TRANSLATED);
    for (size_t i = 0; i < u->npieces; i++)
        if (u->pieces[i].role == CC_DOC_TARGET) {
            size_t len;
            char *want = bracketed(u, u->pieces[i].seg, &len);
            if (u->pieces[i].len != len || memcmp(u->pieces[i].text, want, len) != 0)
                fail_msg("unit %zu (line %lu) form %zu: '%.*s', expected '%s'", u->index, u->line,
                         u->pieces[i].seg, (int)u->pieces[i].len, u->pieces[i].text, want);
            free(want);
        }
    return 0;
}

static void test_rewrite_all_targets(void **state)
{
    (void)state;
    if (!have_shared())
        skip();
    for (size_t i = 0; i < CC_ARRAY_LEN(count_cases); i++) {
        char path[4096];
        snprintf(path, sizeof(path), BI "%s", count_cases[i].file);
        bracket b;
        memset(&b, 0, sizeof(b));
        cc_buf out = CC_BUF_INIT;
        int rc = cc_doc_rewrite_po(path, NULL, 0, edit_all, &b, to_buf, &out);
        for (size_t k = 0; k < 64; k++)
            free(b.texts[k]);
        if (rc != 0)
            fail_msg("%s: %s", path, concord_error_last()->message);
        memset(&b, 0, sizeof(b));
        if (cc_doc_read_po(path, out.data, out.len, check_all, &b) != 0)
            fail_msg("%s rewritten: %s", path, concord_error_last()->message);
        const count_case *k = &count_cases[i];
        assert_int_equal(b.units, k->translated + k->fuzzy + k->untranslated);
        cc_buf_free(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),        cmocka_unit_test(test_charset_copies),
        cmocka_unit_test(test_refusals),      cmocka_unit_test(test_reader_fields),
        cmocka_unit_test(test_locate_oracle), cmocka_unit_test(test_rewrite_unchanged),
        cmocka_unit_test(test_rewrite_edits), cmocka_unit_test(test_rewrite_all_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
