/*
 * test_doc.c — src/doc, the documents layer: what a file is (by content),
 * text and Markdown cut into paragraph units with their positions and
 * suppression markers, units of a long line cut within the limit, Markdown
 * masking carried from one unit to the next, and every XLIFF and PO file of
 * ../shared/data recognised (skipped when the data is not there).
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

#include "doc/doc.h"

typedef struct sniff_case {
    const char *name, *data;
    size_t len; /* 0: strlen(data) */
    cc_doc_format want;
    unsigned long line, column;
} sniff_case;

static void test_sniff(void **state)
{
    (void)state;
    static const char utf16le_xliff[] = "\xFF\xFE<\0x\0l\0i\0f\0f\0 \0v\0=\0\"\0\x31\0\"\0>\0";
    static const sniff_case cases[] = {
        {"a.po", "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain\\n\"\n", 0, CC_DOC_PO, 1, 1},
        /* by content, whatever the name; comments and blank lines first */
        {"notes.txt", "# Translators\n#, fuzzy\n\nmsgid \"Chess\"\nmsgstr \"Шахматы\"\n", 0,
         CC_DOC_PO, 4, 1},
        {"a.txt", "msgctxt \"menu\"\nmsgid \"Open\"\nmsgstr \"\"\n", 0, CC_DOC_PO, 1, 1},
        {"b.txt", "\xEF\xBB\xBFmsgid \"x\"\r\nmsgstr \"y\"\r\n", 0, CC_DOC_PO, 1, 1},
        /* prose about PO is not PO: the entry must come first, and have its msgstr */
        {"po.md", "# About PO\n\nWrite msgid \"x\" and msgstr \"y\".\n", 0, CC_DOC_MARKDOWN, 0, 0},
        {"po.md", "# About PO\nmsgid \"x\" starts an entry\n", 0, CC_DOC_MARKDOWN, 0, 0},
        {"x.xlf",
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\" "
         "xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">",
         0, CC_DOC_XLIFF, 2, 1},
        {"x.xml", "<!-- made by a tool -->\n<!DOCTYPE xliff>\n  <x:xliff xmlns:x=\"u\">", 0,
         CC_DOC_XLIFF, 3, 3},
        {"x.txt", "<xliff version=\"1.0\"><file>", 0, CC_DOC_XLIFF, 1, 1},
        {"x.xml", "<doc xmlns=\"urn:oasis:names:tc:xliff:document:2.0\">", 0, CC_DOC_XLIFF, 1, 1},
        {"x.txt", utf16le_xliff, sizeof(utf16le_xliff) - 1, CC_DOC_XLIFF, 1, 1},
        {"m.xml", "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">", 0, CC_DOC_TMX, 2, 1},
        /* other XML, and an XLIFF namespace only further in, are text */
        {"h.txt", "<html><body>urn:oasis:names:tc:xliff:document:1.2</body></html>", 0, CC_DOC_TEXT,
         0, 0},
        /* no entry or root element in sight: the name decides */
        {"empty.pot", "# SOME DESCRIPTIVE TITLE.\n", 0, CC_DOC_PO, 0, 0},
        {"cut.XLF", "", 0, CC_DOC_XLIFF, 0, 0},
        {"a.md", "Southern Kurils\n", 0, CC_DOC_MARKDOWN, 0, 0},
        {"a.MARKDOWN", "text", 0, CC_DOC_MARKDOWN, 0, 0},
        {"a.txt", "", 0, CC_DOC_TEXT, 0, 0},
        {"-", "<", 0, CC_DOC_TEXT, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const sniff_case *k = &cases[i];
        unsigned long line = 99, column = 99;
        cc_doc_format f =
            cc_doc_sniff(k->name, k->data, k->len ? k->len : strlen(k->data), &line, &column);
        if (f != k->want || line != k->line || column != k->column)
            fail_msg("case %zu (%s): %s at %lu:%lu, expected %s at %lu:%lu", i, k->name,
                     cc_doc_format_name(f), line, column, cc_doc_format_name(k->want), k->line,
                     k->column);
    }
}

/* ---- units ------------------------------------------------------------------------------ */

typedef struct unit_copy {
    size_t offset, len;
    unsigned long line, column;
    char text[64];
    unsigned long ignored[4];
    size_t nignored;
} unit_copy;

typedef struct units {
    unit_copy v[64];
    size_t n;
    size_t total;
} units;

static int keep_unit(const cc_doc_unit *u, void *ud)
{
    units *us = ud;
    assert_int_equal(u->npieces, 1);
    const cc_doc_piece *p = &u->pieces[0];
    assert_int_equal(u->index, us->total);
    us->total++;
    if (us->n == 64)
        return 0;
    unit_copy *c = &us->v[us->n++];
    c->offset = p->at.offset;
    c->len = p->len;
    c->line = p->at.line;
    c->column = p->at.column;
    assert_true(p->exact);
    size_t n = p->len < sizeof(c->text) - 1 ? p->len : sizeof(c->text) - 1;
    memcpy(c->text, p->text, n);
    c->text[n] = '\0';
    c->nignored = 0;
    for (size_t i = 0; i < u->nignores && i < 4; i++)
        c->ignored[c->nignored++] = u->ignores[i].line;
    return 0;
}

/* One unit per paragraph (empty lines go with the paragraph before), positions of each. */
static void test_paragraph_units(void **state)
{
    (void)state;
    const char *text = "\nA b.\r\nC d.\n\n \t\nЁж e.\n\nlast";
    units us = {0};
    assert_int_equal(cc_doc_read_text(text, strlen(text), 0, keep_unit, &us), 0);
    assert_int_equal(us.n, 3);
    assert_string_equal(us.v[0].text, "\nA b.\r\nC d.\n\n \t\n");
    assert_int_equal(us.v[1].offset, 16);
    assert_int_equal(us.v[1].line, 6);
    assert_string_equal(us.v[1].text, "Ёж e.\n\n");
    assert_int_equal(us.v[2].line, 8);
    assert_int_equal(us.v[2].offset, 16 + strlen("Ёж e.\n\n"));
    assert_string_equal(us.v[2].text, "last");
    /* the units cover the text */
    assert_int_equal(us.v[2].offset + us.v[2].len, strlen(text));
}

/* A line longer than a unit is cut after a space, else at a character boundary. */
static void test_long_line_cut(void **state)
{
    (void)state;
    size_t n = 3 * (size_t)CC_DOC_UNIT_MAX + 10;
    char *s = malloc(n);
    assert_non_null(s);
    /* "ж" (2 bytes) repeated: no space at all, so cuts fall between characters */
    for (size_t i = 0; i + 1 < n; i += 2)
        memcpy(s + i, "\xD0\xB6", 2);
    units us = {0};
    assert_int_equal(cc_doc_read_text(s, n, 0, keep_unit, &us), 0);
    assert_int_equal(us.n, 4);
    size_t at = 0;
    for (size_t i = 0; i < us.n; i++) {
        assert_int_equal(us.v[i].offset, at);
        assert_true(us.v[i].len <= CC_DOC_UNIT_MAX);
        assert_int_equal(us.v[i].offset % 2, 0);      /* never inside a character */
        assert_int_equal(us.v[i].line, 1);            /* one line, cut */
        assert_int_equal(us.v[i].column, at / 2 + 1); /* columns count characters */
        at += us.v[i].len;
    }
    assert_int_equal(at, n);
    /* with spaces, the cut is just after the last one within the limit */
    memset(s, 'a', n);
    s[1000] = ' ';
    s[CC_DOC_UNIT_MAX - 7] = ' ';
    us.n = us.total = 0;
    assert_int_equal(cc_doc_read_text(s, n, 0, keep_unit, &us), 0);
    assert_int_equal(us.v[1].offset, CC_DOC_UNIT_MAX - 6);
    /* a sentence end within the last 64 KiB wins over a later space */
    memcpy(s + CC_DOC_UNIT_MAX - 5000, "end. ", 5);
    us.n = us.total = 0;
    assert_int_equal(cc_doc_read_text(s, n, 0, keep_unit, &us), 0);
    assert_int_equal(us.v[1].offset, CC_DOC_UNIT_MAX - 5000 + 5);
    /* never between the CR and the LF of a line break: the next line is line 2 */
    memset(s, 'a', n);
    s[CC_DOC_UNIT_MAX - 1] = '\r';
    s[CC_DOC_UNIT_MAX] = '\n';
    us.n = us.total = 0;
    assert_int_equal(cc_doc_read_text(s, n, 0, keep_unit, &us), 0);
    assert_int_equal(us.v[1].offset, CC_DOC_UNIT_MAX - 1);
    assert_int_equal(us.v[2].offset, CC_DOC_UNIT_MAX + 1);
    assert_int_equal(us.v[2].line, 2);
    free(s);
}

/* A marker silences the next line, also when that line starts the next unit. */
static void test_ignores(void **state)
{
    (void)state;
    const char *text = "a // concord-ignore-next-line forbidden-term\nb\n\n"
                       "c\nd <!-- concord-ignore-next-line -->\n\ne";
    units us = {0};
    assert_int_equal(cc_doc_read_text(text, strlen(text), 0, keep_unit, &us), 0);
    assert_int_equal(us.n, 3);
    assert_int_equal(us.v[0].nignored, 1);
    assert_int_equal(us.v[0].ignored[0], 2);
    /* line 6 is the empty line after d: it belongs to the second unit */
    assert_int_equal(us.v[1].nignored, 1);
    assert_int_equal(us.v[1].ignored[0], 6);
    assert_int_equal(us.v[2].nignored, 0);

    /* a paragraph cut at a line start: the marker on the cut's last line reaches across */
    size_t n = (size_t)CC_DOC_UNIT_MAX + 100;
    char *s = malloc(n);
    assert_non_null(s);
    memset(s, 'x', n);
    const char mark[] = "concord-ignore-next-line\n";
    size_t at = CC_DOC_UNIT_MAX - 50;
    s[at - 1] = '\n';
    memcpy(s + at, mark, sizeof(mark) - 1);
    us.n = us.total = 0;
    assert_int_equal(cc_doc_read_text(s, n, 0, keep_unit, &us), 0);
    assert_int_equal(us.n, 2);
    assert_int_equal(us.v[1].line, 3);
    assert_int_equal(us.v[1].nignored, 1);
    assert_int_equal(us.v[1].ignored[0], 3);
    free(s);
}

/* What crosses paragraphs in Markdown (front matter, a fence, a comment) is masked across. */
static void test_markdown_across_units(void **state)
{
    (void)state;
    const char *md = "---\ntitle: x\n\nauthor: y\n---\nProse.\n\n"
                     "```\ncode one\n\ncode two\n```\n\nAfter <!-- a\n\nb --> c.\n";
    units us = {0};
    assert_int_equal(cc_doc_read_text(md, strlen(md), 1, keep_unit, &us), 0);
    assert_int_equal(us.n, 6);
    assert_string_equal(us.v[0].text, "   \n        \n\n");
    assert_string_equal(us.v[1].text, "         \n   \nProse.\n\n");
    assert_string_equal(us.v[2].text, "   \n        \n\n");
    assert_string_equal(us.v[3].text, "        \n   \n\n");
    assert_string_equal(us.v[4].text, "After       \n\n");
    assert_string_equal(us.v[5].text, "      c.\n");
}

static void test_positions(void **state)
{
    (void)state;
    cc_doc_pos p = CC_DOC_POS_START;
    const char *s = "ab\r\nЮж\rx\n北";
    cc_doc_pos_advance(&p, s, 4); /* past CR LF */
    assert_int_equal(p.line, 2);
    assert_int_equal(p.column, 1);
    cc_doc_pos_advance(&p, s + 4, 4); /* "Юж" */
    assert_int_equal(p.column, 3);
    assert_int_equal(p.byte_column, 5);
    cc_doc_pos_advance(&p, s + 8, 1); /* a lone CR ends a line */
    assert_int_equal(p.line, 3);
    cc_doc_pos_advance(&p, s + 9, strlen(s) - 9);
    assert_int_equal(p.line, 4);
    assert_int_equal(p.column, 2);
    assert_int_equal(p.byte_column, 4);
    assert_int_equal(p.offset, strlen(s));
}

/* ---- the bilingual files of ../shared/data ------------------------------------------------ */

static size_t nxliff, npo;

static void sniff_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            sniff_tree(path);
            continue;
        }
        const char *dot = strrchr(e->d_name, '.');
        if (!dot)
            continue;
        int xliff = !strcmp(dot, ".xlf") || !strcmp(dot, ".xliff") || !strcmp(dot, ".sdlxliff");
        int po = !strcmp(dot, ".po") || !strcmp(dot, ".pot");
        if (!xliff && !po)
            continue;
        /* the start of the file is all the sniffer looks at (the large ones are 30 MB) */
        static char data[65536];
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        size_t len = fread(data, 1, sizeof(data), fp);
        fclose(fp);
        /* named .txt, so that only the content can tell */
        cc_doc_format f = cc_doc_sniff("file.txt", data, len, NULL, NULL);
        if (f != (xliff ? CC_DOC_XLIFF : CC_DOC_PO))
            fail_msg("%s: %s", path, cc_doc_format_name(f));
        nxliff += xliff;
        npo += po;
    }
    closedir(d);
}

static void test_shared_bilingual(void **state)
{
    (void)state;
    struct stat st;
    if (stat(CONCORD_SHARED_DATA "/bilingual", &st) != 0)
        skip();
    sniff_tree(CONCORD_SHARED_DATA "/bilingual");
    /* bilingual/README.md: 39 XLIFF 1.x, 32 XLIFF 2.x, 28 PO/POT, and the large
     * files, 2 XLIFF and 1 PO */
    assert_int_equal(nxliff, 73);
    assert_int_equal(npo, 29);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_paragraph_units),
        cmocka_unit_test(test_long_line_cut),
        cmocka_unit_test(test_ignores),
        cmocka_unit_test(test_markdown_across_units),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_shared_bilingual),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
