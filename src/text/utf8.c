/*
 * utf8.c — UTF-8 validation, positions and script-based language detection.
 *
 * Notes on invalid UTF-8 (our policy, as SQLite documents its own): concord
 * accepts exactly the well-formed UTF-8 of Unicode 15 §3.9 (table 3-7): no
 * overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no
 * truncated sequence. Anything else is an error that names the first bad
 * byte; nothing is replaced or dropped silently.
 */
#include <string.h>

#include "concord/text.h"
#include "text/unicode.h"

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static const char cut_off[] = "invalid UTF-8 (sequence cut off at the end of the text)";

size_t cc_utf8_find_invalid(const char *text, size_t len, int reject_nul, const char **why)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    const char *dummy;
    if (!why)
        why = &dummy;
    while (i < len) {
        /* Fast path: eight ASCII bytes at a time (and no NUL among them). */
        while (i + 8 <= len) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (v & HIGHS)
                break;
            if (reject_nul && ((v - ONES) & ~v & HIGHS))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned c = s[i];
        /* Fast path: runs of well-formed two- and three-byte sequences (Cyrillic, kana,
           kanji), with single ASCII bytes between them. */
        size_t i0 = i;
        while (i + 3 < len) {
            unsigned b1 = s[i + 1];
            if ((unsigned)(c - 0xC2) < 0x1Eu && (b1 & 0xC0) == 0x80)
                i += 2;
            else if (((unsigned)(c - 0xE1) < 0x0Cu || c == 0xEE || c == 0xEF) &&
                     (b1 & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80)
                i += 3;
            else if (c - 1u < 0x7Fu && i > i0 && b1 >= 0x80)
                i++; /* one ASCII byte between two runs: a space between words */
            else
                break;
            c = s[i];
        }
        if (i > i0)
            continue;
        if (c < 0x80) {
            if (c == 0 && reject_nul) {
                *why = "NUL byte (is this a binary or UTF-16 file?)";
                return i;
            }
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            *why = (c >= 0x80 && c <= 0xBF) ? "invalid UTF-8 (unexpected continuation byte)"
                                            : "invalid UTF-8 (byte that never appears in UTF-8)";
            return i;
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len) {
                *why = cut_off;
                return i;
            }
            unsigned b = s[i + k];
            unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
            if (b < l || b > h) {
                if (k == 1 && b >= 0x80 && b <= 0xBF)
                    *why = c == 0xED ? "invalid UTF-8 (encoded surrogate)"
                                     : (c == 0xF4 ? "invalid UTF-8 (code point above U+10FFFF)"
                                                  : "invalid UTF-8 (overlong encoding)");
                else
                    *why = "invalid UTF-8 (incomplete multi-byte sequence)";
                return i;
            }
        }
        i += need + 1;
    }
    return len;
}

/* The code points that start in s[0..n): the bytes that are not continuation bytes. */
static size_t code_points(const unsigned char *s, size_t n)
{
    size_t c = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        c += 8 - (size_t)__builtin_popcountll(v & ~(v << 1) & HIGHS); /* 10xxxxxx */
    }
    for (; i < n; i++)
        c += (s[i] & 0xC0) != 0x80;
    return c;
}

/*
 * Lines are counted with memchr, which is fast on long stretches without a
 * break; only what follows the last break is counted for the column.
 */
void cc_textpos_advance(cc_textpos *p, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text, *end = s + n, *q;
    if (n == 0)
        return;
    size_t after = 0; /* just after the last line break; 0: none in this piece */
    for (q = s; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++) {
        /* the LF of a CR LF was counted at the CR (here or at the end of the last piece) */
        if (!(q > s ? q[-1] == '\r' : p->cr))
            p->line++;
        after = (size_t)(q - s) + 1;
    }
    for (q = s; (q = memchr(q, '\r', (size_t)(end - q))) != NULL; q++) {
        p->line++;
        if ((size_t)(q - s) + 1 > after)
            after = (size_t)(q - s) + 1;
    }
    if (after)
        p->column = 1 + code_points(s + after, n - after);
    else
        p->column += code_points(s, n);
    p->cr = s[n - 1] == '\r';
}

void concord_text_position(unsigned long *line, unsigned long *column, const char *text, size_t len,
                           size_t offset)
{
    if (offset > len)
        offset = len;
    /* at the LF of a CR LF the line has not ended yet */
    if (offset > 0 && offset < len && text[offset - 1] == '\r' && text[offset] == '\n')
        offset--;
    cc_textpos p = CC_TEXTPOS_INIT;
    cc_textpos_advance(&p, text, offset);
    if (line)
        *line = p.line;
    if (column)
        *column = p.column;
}

static int bad_at(size_t offset, unsigned long line, unsigned long col, const char *why)
{
    return cc_error_set_at(CONCORD_EENCODING, NULL, line, col, offset, "%s at byte offset %zu", why,
                           offset);
}

int concord_text_validate(const char *text, size_t len)
{
    const char *why = NULL;
    size_t bad = cc_utf8_find_invalid(text, len, 1, &why);
    if (bad == len)
        return 0;
    unsigned long line, col;
    concord_text_position(&line, &col, text, len, bad);
    return bad_at(bad, line, col, why);
}

/* The length of the sequence a valid lead byte starts. */
static size_t seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Accept s[0..n) (well-formed): advance the position and the count. */
static void accept(concord_text_check *chk, const char *s, size_t n)
{
    cc_textpos p = {chk->line, chk->column, chk->cr};
    cc_textpos_advance(&p, s, n);
    chk->line = p.line;
    chk->column = p.column;
    chk->cr = (unsigned char)p.cr;
    chk->valid += n;
}

int concord_text_check_more(concord_text_check *chk, const char *piece, size_t len)
{
    int rc;
    if ((rc = cc_version_check(chk->version, CONCORD_TEXT_CHECK_VERSION, "text check")) < 0)
        return rc;
    const char *why = NULL;
    size_t i = 0;
    if (chk->npending) {
        /* complete the sequence the last piece cut */
        char seq[4];
        size_t have = chk->npending, need = seq_len(chk->pending[0]);
        memcpy(seq, chk->pending, have);
        while (have < need && i < len)
            seq[have++] = piece[i++];
        size_t bad = cc_utf8_find_invalid(seq, have, 1, &why);
        if (bad == have) {
            accept(chk, seq, have);
            chk->npending = 0;
        } else if (why == cut_off && have < need) {
            memcpy(chk->pending, seq, have);
            chk->npending = (unsigned char)have;
            return 0;
        } else {
            return bad_at(chk->valid, chk->line, chk->column, why);
        }
    }
    size_t bad = cc_utf8_find_invalid(piece + i, len - i, 1, &why);
    accept(chk, piece + i, bad);
    if (bad == len - i)
        return 0;
    if (why == cut_off) {
        chk->npending = (unsigned char)(len - i - bad);
        memcpy(chk->pending, piece + i + bad, chk->npending);
        return 0;
    }
    return bad_at(chk->valid, chk->line, chk->column, why);
}

int concord_text_check_end(concord_text_check *chk)
{
    int rc;
    if ((rc = cc_version_check(chk->version, CONCORD_TEXT_CHECK_VERSION, "text check")) < 0)
        return rc;
    if (chk->npending)
        return bad_at(chk->valid, chk->line, chk->column, cut_off);
    return 0;
}

const char *concord_lang_detect(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t latin = 0, cyrillic = 0, japanese = 0;
    size_t limit = len < 65536 ? len : 65536;
    size_t i = 0;
    while (i < limit) {
        unsigned c0 = s[i];
        if (c0 < 0x80) {
            if ((c0 | 0x20) >= 'a' && (c0 | 0x20) <= 'z')
                latin++;
            i++;
            continue;
        }
        /* Only decode sequences that are complete and well-formed enough. */
        size_t n = c0 >= 0xF0 ? 4 : c0 >= 0xE0 ? 3 : c0 >= 0xC0 ? 2 : 1;
        if (n == 1 || i + n > len) {
            i++;
            continue;
        }
        int ok = 1;
        for (size_t k = 1; k < n; k++)
            ok &= (s[i + k] & 0xC0) == 0x80;
        if (!ok) {
            i++;
            continue;
        }
        size_t j = i;
        uint32_t c = cc_utf8_decode(s, &j);
        i = j;
        if (c >= 0x0400 && c <= 0x052F)
            cyrillic++;
        else if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
                 (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
                 (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF66 && c <= 0xFF9F) ||
                 (c >= 0x20000 && c <= 0x3134F))
            japanese++;
        else if ((c >= 0x00C0 && c <= 0x024F) || (c >= 0x1E00 && c <= 0x1EFF))
            latin++;
    }
    /* One kana or kanji carries about as much text as three Latin letters. */
    if (japanese > 0 && japanese * 3 >= latin && japanese * 3 >= cyrillic)
        return "ja";
    if (cyrillic > 0 && cyrillic >= latin)
        return "ru";
    return "en";
}
