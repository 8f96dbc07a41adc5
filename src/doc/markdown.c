/*
 * markdown.c — what of a Markdown document is not prose, blanked out with
 * spaces so that every offset (and so every line and column) stays as it was:
 * YAML front matter, fenced code blocks, inline code, HTML comments, HTML
 * tags with their attributes (not the text between them), link targets,
 * link reference definitions' destinations and autolinks. Indented code
 * blocks stay prose (a known limit, docs/check.md).
 *
 * A document is masked a piece at a time (a paragraph, src/doc/plain.c):
 * what crosses pieces — the front matter, a fenced block, a comment — is in
 * the state. Constructs inside one line (inline code, tags, links) are
 * masked within the piece, so only a line longer than a unit (CC_DOC_UNIT_MAX,
 * where a unit is cut inside the line) can have one cut in two.
 */
#include <string.h>

#include "doc/doc.h"

static void blank(char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (s[i] != '\n' && s[i] != '\r')
            s[i] = ' ';
}

void cc_md_begin(cc_md_state *st, const char *text, size_t len)
{
    memset(st, 0, sizeof(*st));
    /* "---" on the first line, up to a line that starts with "---" */
    if (len >= 4 && memcmp(text, "---", 3) == 0 && (text[3] == '\n' || text[3] == '\r')) {
        for (size_t j = 4; j + 3 <= len; j++)
            if (text[j - 1] == '\n' && memcmp(text + j, "---", 3) == 0) {
                st->front_end = j + 3;
                break;
            }
    }
}

/* Line by line (lines end at LF): fenced code blocks and link reference definitions. */
static void mask_lines(cc_md_state *st, char *s, size_t n)
{
    size_t i = 0;
    if (st->mid_line) {
        /* the rest of a line the piece before began: blanked if that line was */
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        if (st->fence)
            blank(s, i, e);
        i = e + 1;
    }
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        size_t k = i;
        while (k < e && k - i < 4 && s[k] == ' ')
            k++;
        int is_fence =
            e - k >= 3 && (s[k] == '`' || s[k] == '~') && s[k + 1] == s[k] && s[k + 2] == s[k];
        if (st->fence) {
            if (is_fence && s[k] == st->fence_ch)
                st->fence = 0;
            blank(s, i, e);
        } else if (is_fence) {
            st->fence = 1;
            st->fence_ch = s[k];
            blank(s, i, e);
        } else if (k + 1 < e && s[k] == '[' && s[k + 1] != '^') {
            /* "[label]: destination "title"": the destination is no prose, the
             * title is; "[^note]: text" is a footnote, all prose */
            size_t j = k + 1;
            while (j < e && s[j] != ']')
                j++;
            if (j + 1 < e && s[j + 1] == ':') {
                size_t d = j + 2;
                while (d < e && s[d] == ' ')
                    d++;
                size_t de = d;
                while (de < e && s[de] != ' ')
                    de++;
                blank(s, d, de);
            }
        }
        i = e + 1;
    }
    st->mid_line = n > 0 && s[n - 1] != '\n';
}

/* The end of an HTML comment from s[i] on: just past its "-->", or 0 if it goes on. */
static size_t comment_end(const char *s, size_t n, size_t i)
{
    for (size_t j = i; j + 3 <= n; j++)
        if (memcmp(s + j, "-->", 3) == 0)
            return j + 3;
    return 0;
}

void cc_md_mask(cc_md_state *st, char *s, size_t off, size_t n)
{
    if (off < st->front_end)
        blank(s, 0, st->front_end - off < n ? st->front_end - off : n);
    mask_lines(st, s, n);
    size_t i = 0;
    if (st->comment) {
        size_t e = comment_end(s, n, 0);
        blank(s, 0, e ? e : n);
        if (!e)
            return;
        st->comment = 0;
        i = e;
    }
    for (; i < n; i++) {
        if (s[i] == '<' && i + 1 < n &&
            ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z') ||
             s[i + 1] == '/')) {
            /* an HTML tag: its name and attributes are not prose */
            size_t j = i + 1;
            while (j < n && s[j] != '>' && s[j] != '\n')
                j++;
            if (j < n && s[j] == '>') {
                blank(s, i, j + 1);
                i = j;
            }
            continue;
        }
        if (s[i] == '`') {
            size_t j = i + 1;
            while (j < n && s[j] != '`' && s[j] != '\n')
                j++;
            if (j < n && s[j] == '`') {
                blank(s, i, j + 1);
                i = j;
            }
        } else if (s[i] == '<' && i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
            size_t e = comment_end(s, n, i + 4);
            blank(s, i, e ? e : n);
            if (!e) {
                st->comment = 1;
                return;
            }
            i = e - 1;
        } else if (s[i] == ']' && i + 1 < n && s[i + 1] == '(') {
            size_t j = i + 2;
            while (j < n && s[j] != ')' && s[j] != '\n')
                j++;
            if (j < n && s[j] == ')') {
                blank(s, i + 2, j);
                i = j;
            }
        } else if (s[i] == '<' && i + 8 < n &&
                   (memcmp(s + i + 1, "http://", 7) == 0 || memcmp(s + i + 1, "https:/", 7) == 0)) {
            size_t j = i + 1;
            while (j < n && s[j] != '>' && s[j] != '\n' && s[j] != ' ')
                j++;
            blank(s, i, j);
            i = j;
        }
    }
}
