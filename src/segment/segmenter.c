/*
 * segmenter.c — the sentence segmenter engine.
 *
 * The text is validated, then converted to UTF-16 one window at a time
 * (at most WINDOW_UNITS units, ending at a paragraph break when one is near),
 * with a parallel array that maps every unit back to its byte offset. ICU's
 * sentence iterator proposes candidate breaks in the window; each candidate
 * is moved past the whitespace that follows it ("canonical" position) and
 * decided by, in order:
 *   1. a hard line break in the whitespace before it: always a break;
 *   2. the user's SRX rules, first matching rule wins;
 *   3. concord's built-in rules (rules.c tables + the checks below).
 * Built-in rules also propose a few candidates ICU does not (an ellipsis
 * "…" before a capital).
 *
 * A paragraph longer than a window is cut: candidates in the last
 * MARGIN_UNITS units are left for the next window, which re-reads
 * CONTEXT_CHARS characters before the first undecided position. So memory
 * does not depend on the size of the text, and every character is converted
 * at most about twice.
 */
#include <stdlib.h>
#include <string.h>

#include "concord/segment.h"
#include "concord/text.h"
#include "segment/seg_internal.h"

#define WINDOW_UNITS    65536
#define MARGIN_UNITS    512
#define CONTEXT_CHARS   256
#define WORD_MAX        40
#define QUOTE_LOOKAHEAD 400

struct concord_segmenter {
    char lang[64];
    char primary[16];
    const cc_lang_rules *rules;
    cc_wordset abbr;     /* value: cc_abbr_class */
    cc_wordset starters; /* value: 1 */
    int has_starters;
    /* English tables, for Latin words in a text of another script (CC_LANG_LATIN_AS_EN) */
    cc_wordset latin_abbr, latin_starters;
    int has_latin;
    cc_breaker *brk;
    int wrapped;
    cc_srx_rules srx;
    int32_t window; /* units per window: WINDOW_UNITS (smaller in tests) */
    cc_uchar *u;    /* window text, WINDOW_UNITS + 2 units */
    uint32_t *off;  /* byte offset (from the window start) of every unit, and of the end */
    struct cand *cands;
    size_t ncands, capcands;
    /* units fill_window noted for the rules: a digit after a space, an ellipsis */
    int32_t *marks;
    size_t nmarks, capmarks;
    int mark_oom;
};

struct cand {
    int32_t pos;
    int32_t rule; /* SRX rule index, or INT32_MAX for a built-in candidate */
    int is_break; /* SRX decision */
};

/* ---- small character predicates ------------------------------------------ */

static int is_aterm(uint32_t c)
{
    return c == '.' || c == 0x2024 || c == 0xFE52;
}

static int is_ellipsis(uint32_t c)
{
    return c == 0x2026 || c == 0x22EF;
}

static int is_cjk_letter(uint32_t c)
{
    int sc = cc_uc_script(c);
    return sc == CC_SCRIPT_HAN || sc == CC_SCRIPT_HIRAGANA || sc == CC_SCRIPT_KATAKANA;
}

static int is_cjk_stop(uint32_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF0E || c == 0xFF61;
}

static int is_cjk_open(uint32_t c)
{
    return c == 0x300C || c == 0x300E || c == 0xFF08; /* 「 『 （ */
}

static int is_cjk_close(uint32_t c)
{
    return c == 0x300D || c == 0x300F || c == 0xFF09; /* 」 』 ） */
}

static int is_hard_newline(cc_uchar c)
{
    return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

static int is_digit_unit(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static int is_roman(uint32_t c)
{
    return c == 'I' || c == 'V' || c == 'X' || c == 'L' || c == 'C' || c == 'D' || c == 'M' ||
           c == 'i' || c == 'v' || c == 'x';
}

/* ---- construction --------------------------------------------------------- */

static int add_list(cc_wordset *ws, const char *const *list, uint8_t value)
{
    for (; *list; list++) {
        int rc = cc_wordset_add_utf8(ws, *list, value);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Load a language's abbreviation classes into one word set (a later list wins). */
static int add_tables(cc_wordset *abbr, cc_wordset *starters, const cc_lang_rules *r)
{
    int rc;
    if ((rc = add_list(abbr, r->nonfinal, CC_ABBR_NONFINAL)) < 0 ||
        (rc = add_list(abbr, r->ambiguous, CC_ABBR_AMBIGUOUS)) < 0 ||
        (rc = add_list(abbr, r->after_number, CC_ABBR_AFTER_NUMBER)) < 0 ||
        (rc = add_list(abbr, r->before_number, CC_ABBR_BEFORE_NUMBER)) < 0 ||
        (rc = add_list(abbr, r->final, CC_ABBR_FINAL)) < 0 ||
        (rc = add_list(abbr, r->place, CC_ABBR_PLACE)) < 0 ||
        (rc = add_list(starters, r->starters, 1)) < 0)
        return rc;
    return 0;
}

int concord_segmenter_new(concord_segmenter **out, const concord_segmenter_options *opts)
{
    static const concord_segmenter_options defaults = CONCORD_SEGMENTER_OPTIONS_INIT;
    int rc;
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version != CONCORD_SEGMENTER_OPTIONS_VERSION)
        return cc_error_set(CONCORD_EINVAL, "unknown segmenter options version %u", opts->version);
    concord_segmenter *s = cc_calloc(1, sizeof(*s));
    if (!s)
        return cc_error_oom();
    if ((rc = concord_lang_canonicalize(opts->lang ? opts->lang : "en", s->lang, sizeof(s->lang))) <
        0)
        goto fail;
    cc_lang_primary(s->lang, s->primary, sizeof(s->primary));
    s->rules = cc_lang_rules_find(s->primary);
    s->wrapped = opts->wrapped != 0;
    if ((rc = add_tables(&s->abbr, &s->starters, s->rules)) < 0)
        goto fail;
    s->has_starters = s->rules->starters[0] != NULL;
    if (s->rules->flags & CC_LANG_LATIN_AS_EN) {
        if ((rc = add_tables(&s->latin_abbr, &s->latin_starters, cc_lang_rules_find("en"))) < 0)
            goto fail;
        s->has_latin = 1;
    }
    if ((rc = cc_breaker_open(&s->brk, CC_BREAK_SENTENCE, s->primary)) < 0)
        goto fail;
    s->window = WINDOW_UNITS;
    s->u = cc_malloc((WINDOW_UNITS + 2) * sizeof(cc_uchar));
    s->off = cc_malloc((WINDOW_UNITS + 2) * sizeof(uint32_t));
    if (!s->u || !s->off) {
        rc = cc_error_oom();
        goto fail;
    }
    *out = s;
    return 0;
fail:
    concord_segmenter_free(s);
    return rc;
}

void concord_segmenter_free(concord_segmenter *s)
{
    if (!s)
        return;
    cc_wordset_free(&s->abbr);
    cc_wordset_free(&s->starters);
    cc_wordset_free(&s->latin_abbr);
    cc_wordset_free(&s->latin_starters);
    cc_breaker_close(s->brk);
    cc_srx_rules_free(&s->srx);
    cc_free(s->u);
    cc_free(s->off);
    cc_free(s->cands);
    cc_free(s->marks);
    cc_free(s);
}

void cc_segmenter_set_window(concord_segmenter *s, int32_t units)
{
    if (units < 4 * MARGIN_UNITS)
        units = 4 * MARGIN_UNITS;
    s->window = units < WINDOW_UNITS ? units : WINDOW_UNITS;
}

const char *concord_segmenter_lang(const concord_segmenter *s)
{
    return s->lang;
}

int concord_segmenter_add_srx(concord_segmenter *s, const char *xml, size_t len, const char *name)
{
    return cc_srx_load(&s->srx, xml, len, name, s->lang);
}

int concord_segmenter_add_srx_file(concord_segmenter *s, const char *path)
{
    return cc_srx_load_file(&s->srx, path, s->lang);
}

/* ---- one window -------------------------------------------------------- */

/* The CJK brackets open at a position: the closing characters expected, innermost last. */
#define QUOTE_STACK 8
typedef struct quote_state {
    cc_uchar expect[QUOTE_STACK];
    int depth;
} quote_state;

typedef struct window {
    const cc_uchar *u;
    int32_t n;      /* units in the window */
    int para_start; /* unit 0 begins a paragraph */
    int32_t lo;     /* first unit whose candidates are still undecided */
    int32_t sweep;  /* CJK quotations: position swept so far */
    quote_state q;  /* ... and the brackets open there */
} window;

static uint32_t at(const window *w, int32_t i, int *k)
{
    return cc_u16_at(w->u, i, w->n, k);
}

static uint32_t before(const window *w, int32_t i, int *k)
{
    return cc_u16_before(w->u, i, k);
}

/* First non-whitespace position at or after i. */
static int32_t skip_space(const window *w, int32_t i)
{
    while (i < w->n) {
        int k;
        uint32_t c = at(w, i, &k);
        if (!cc_is_space(c))
            break;
        i += k;
    }
    return i;
}

/* Start of the whitespace run that ends at i. */
static int32_t space_before(const window *w, int32_t i)
{
    while (i > 0) {
        int k;
        uint32_t c = before(w, i, &k);
        if (!cc_is_space(c))
            break;
        i -= k;
    }
    return i;
}

typedef struct next_word {
    int32_t q, qe;  /* the letters of the word */
    int openers;    /* opening quotes or brackets before it */
    uint32_t first; /* first character after the openers (0 at the end) */
    int dotted;     /* the word is followed by a full stop (an initial, "Mr.") */
} next_word;

static void get_next_word(const window *w, int32_t b, next_word *nw)
{
    int32_t q = b;
    int k;
    nw->openers = 0;
    while (q < w->n && nw->openers < 4) {
        uint32_t c = at(w, q, &k);
        if (!cc_uc_is_opener(c))
            break;
        q += k;
        nw->openers++;
    }
    nw->q = q;
    nw->first = q < w->n ? at(w, q, &k) : 0;
    int32_t e = q;
    while (e < w->n && e - q < WORD_MAX) {
        uint32_t c = at(w, e, &k);
        if (!cc_uc_is_alpha(c))
            break;
        e += k;
    }
    nw->qe = e;
    nw->dotted = e < w->n && w->u[e] == '.';
}

static int is_latin(const window *w, int32_t i)
{
    int k;
    return cc_uc_script(at(w, i, &k)) == CC_SCRIPT_LATIN;
}

static int is_starter(const concord_segmenter *s, const window *w, const next_word *nw)
{
    if (nw->qe == nw->q || nw->dotted)
        return 0;
    if (s->has_latin && is_latin(w, nw->q))
        return cc_wordset_get(&s->latin_starters, w->u + nw->q, nw->qe - nw->q) != 0;
    return cc_wordset_get(&s->starters, w->u + nw->q, nw->qe - nw->q) != 0;
}

/*
 * After an abbreviation that may end a sentence: break only if what follows
 * looks like the start of one (a common sentence-initial word, or a quotation
 * that opens with a capital). Without a list of such words (languages with no
 * built-in rules) ICU's decision stands.
 */
static int ambiguous_breaks(const concord_segmenter *s, const window *w, int32_t b)
{
    if (!s->has_starters && !s->has_latin)
        return 1;
    next_word nw;
    get_next_word(w, b, &nw);
    if (nw.openers > 0 && nw.first && cc_uc_is_upper(nw.first) && !nw.dotted)
        return 1;
    return is_starter(s, w, &nw);
}

/* Is the whitespace-separated token ending at `end` a number ("1832", "1350-е", "XX")? */
static int number_before(const window *w, int32_t end)
{
    int32_t i = space_before(w, end);
    if (i == end || i == 0)
        return 0;
    int k;
    /* a suffix such as "-е", "-х", "-ых" after digits */
    int32_t j = i;
    int letters = 0;
    while (j > 0 && letters < 3) {
        uint32_t c = before(w, j, &k);
        if (!cc_uc_is_alpha(c) || cc_uc_script(c) != CC_SCRIPT_CYRILLIC)
            break;
        j -= k;
        letters++;
    }
    if (letters && j > 1 && w->u[j - 1] == '-')
        i = j - 1;
    if (i == 0)
        return 0;
    uint32_t c = before(w, i, &k);
    if (is_digit_unit(c) || c == '%')
        return 1;
    /* Roman numerals: "XX в." */
    int32_t r = i, nr = 0;
    while (r > 0 && nr < 8) {
        c = before(w, r, &k);
        if (!(c == 'I' || c == 'V' || c == 'X' || c == 'L' || c == 'C' || c == 'M'))
            break;
        r -= k;
        nr++;
    }
    if (nr == 0)
        return 0;
    if (r > 0) {
        c = before(w, r, &k);
        if (cc_uc_is_alpha(c) || is_digit_unit(c))
            return 0;
    }
    return 1;
}

/* Is the token that ends at `end` followed by ", " ("Washington, D.C.")? */
static int comma_before(const window *w, int32_t start)
{
    int32_t i = space_before(w, start);
    return i < start && i > 0 && w->u[i - 1] == ',';
}

/* Does u[b..e) end like a Russian surname (Смирнов, Соколова, Козыревский, Шевченко)? */
static int surname_like(const window *w, int32_t b, int32_t e)
{
    static const char *const endings[] = {
        "ов",   "ев",   "ёв",   "ин",   "ын", "ова", "ева", "ёва", "ина", "ына", "ский", "цкий",
        "ская", "цкая", "ской", "енко", "ко", "ук",  "юк",  "ич",  "ян",  "дзе", "швили"};
    for (size_t i = 0; i < CC_ARRAY_LEN(endings); i++) {
        /* the endings are Cyrillic: two UTF-8 bytes, one UTF-16 unit per letter */
        const unsigned char *p = (const unsigned char *)endings[i];
        int32_t n = (int32_t)strlen(endings[i]) / 2;
        if (e - b <= n)
            continue;
        int match = 1;
        for (int32_t j = 0; j < n && match; j++) {
            uint32_t c = ((uint32_t)(p[2 * j] & 0x1F) << 6) | (p[2 * j + 1] & 0x3F);
            match = w->u[e - n + j] == c;
        }
        if (match)
            return 1;
    }
    return 0;
}

/*
 * "…председатель комиссии Смирнов А. П. Следующее…": initials after a
 * surname end the name. True when the word before `start` looks like a
 * surname and is not the first word of its sentence, and the word after the
 * stop at b does not look like one ("из Москвы Е. В. Соколова").
 */
static int surname_before(const window *w, int32_t start, int32_t b)
{
    int k;
    int32_t e = space_before(w, start);
    if (e == start || e == 0)
        return 0;
    int32_t s0 = e;
    while (s0 > 0 && cc_uc_is_alpha(before(w, s0, &k)))
        s0 -= k;
    if (e - s0 < 2 || !cc_uc_is_upper(at(w, s0, &k)) || !surname_like(w, s0, e))
        return 0;
    int32_t p = space_before(w, s0);
    if (p == s0 || p == 0 || !cc_uc_is_lower(before(w, p, &k)))
        return 0;
    next_word nw;
    get_next_word(w, b, &nw);
    return !(nw.qe > nw.q && surname_like(w, nw.q, nw.qe));
}

/* Only horizontal whitespace between the start of the paragraph and position p? */
static int at_paragraph_start(const window *w, int32_t p)
{
    int32_t i = p;
    while (i > 0) {
        int k;
        uint32_t c = before(w, i, &k);
        if (is_hard_newline((cc_uchar)c) && c < 0x10000)
            return 1;
        if (!cc_is_space(c))
            return 0;
        i -= k;
    }
    return w->para_start;
}

typedef struct span {
    int32_t start, end;
} span;

/*
 * The parts of the word before the full stop at d: runs of letters (and
 * inner hyphens) separated by '.' or ". ", last part first. "U.S" -> S, U;
 * "т. е" -> е, т.
 */
static int abbr_parts(const window *w, int32_t d, span *parts, int max)
{
    int np = 0;
    int32_t e = d;
    while (np < max) {
        int32_t k = e;
        while (k > 0 && e - k < 24) {
            int units;
            uint32_t c = before(w, k, &units);
            if (!(cc_uc_is_alpha(c) || (c == '-' && k < e)))
                break;
            k -= units;
        }
        if (k == e)
            break;
        if (k > 0) {
            int units;
            uint32_t c = before(w, k, &units);
            if (is_digit_unit(c))
                break; /* "5th." is not an abbreviation */
        }
        /* "J.-P.", "c.-à-d.": a hyphen after the stop separates parts too */
        int hyphen = w->u[k] == '-';
        if (hyphen && k + 1 == e)
            break;
        parts[np].start = k + hyphen;
        parts[np].end = e;
        np++;
        if (hyphen && k >= 1 && w->u[k - 1] == '.')
            e = k - 1;
        else if (hyphen)
            break;
        else if (k >= 1 && w->u[k - 1] == '.')
            e = k - 1;
        else if (k >= 2 && w->u[k - 1] == ' ' && w->u[k - 2] == '.')
            e = k - 2;
        else
            break;
    }
    return np;
}

/*
 * The class of the longest known abbreviation made of the last `np` parts
 * (fewer when the longer forms are unknown), optionally followed by one more
 * part `extra` (the next word, for "z. B." seen from the "z."). *used gets
 * the number of parts before the stop that the key used.
 */
static int lookup_abbr(const concord_segmenter *s, const window *w, const span *parts, int np,
                       const span *extra, int *used)
{
    cc_uchar key[128];
    for (int take = np; take >= 1; take--) {
        int32_t n = 0;
        int fits = 1;
        for (int i = take - 1; i >= -1 && fits; i--) {
            const span *sp = i >= 0 ? &parts[i] : extra;
            if (!sp)
                break;
            int32_t len = sp->end - sp->start;
            if (n + len + 1 > (int32_t)CC_ARRAY_LEN(key)) {
                fits = 0;
                break;
            }
            if (n > 0)
                key[n++] = '.';
            memcpy(key + n, w->u + sp->start, (size_t)len * sizeof(cc_uchar));
            n += len;
        }
        if (!fits)
            continue;
        /* Latin words in a text of another script: the English tables */
        const cc_wordset *set =
            s->has_latin && is_latin(w, parts[take - 1].start) ? &s->latin_abbr : &s->abbr;
        int v = cc_wordset_get(set, key, n);
        if (v) {
            *used = take;
            return v;
        }
    }
    *used = 0;
    return CC_ABBR_NONE;
}

static int32_t code_points(const window *w, span sp)
{
    int32_t n = 0;
    for (int32_t i = sp.start; i < sp.end;) {
        int k;
        at(w, i, &k);
        i += k;
        n++;
    }
    return n;
}

/* Decide a candidate after a full stop at d (gap = whitespace before b). */
static int full_stop_breaks(const concord_segmenter *s, const window *w, int32_t d, int32_t gap,
                            int32_t b)
{
    int k;
    /* "G.D.P.成長": a full stop directly followed by CJK text does not end a sentence. */
    if (gap == b && b < w->n && is_cjk_letter(at(w, b, &k)))
        return 0;
    /* "...": ICU already breaks only before a capital; keep its decision. */
    if (d > 0 && is_aterm(before(w, d, &k)))
        return 1;

    /* A number: list marker, ordinal, or just the end of a sentence. */
    int32_t i = d, digits = 0;
    while (i > 0 && digits < 12) {
        uint32_t c = before(w, i, &k);
        if (!is_digit_unit(c))
            break;
        i -= k;
        digits++;
    }
    if (digits > 0) {
        uint32_t c = i > 0 ? before(w, i, &k) : ' ';
        if (cc_uc_is_alpha(c))
            return 1; /* "A4." "COVID-19." and the like */
        if (digits <= 3 && at_paragraph_start(w, i))
            return 0; /* "1. Introduction" */
        if (digits <= 3 && (s->rules->flags & CC_LANG_ORDINAL_DOT) && c != '.' && c != ',')
            return ambiguous_breaks(s, w, b); /* "am 3. Oktober" */
        return 1;
    }

    span parts[4];
    int np = abbr_parts(w, d, parts, 4);
    if (np == 0)
        return 1;
    int used;
    /* "z. B.", "v. Chr.": the stop is inside an abbreviation that goes on after it */
    next_word nw;
    get_next_word(w, b, &nw);
    if (nw.dotted && nw.openers == 0 && nw.qe > nw.q && nw.qe - nw.q <= 4) {
        span extra = {nw.q, nw.qe};
        if (lookup_abbr(s, w, parts, np, &extra, &used) != CC_ABBR_NONE)
            return 0;
    }
    switch (lookup_abbr(s, w, parts, np, NULL, &used)) {
    case CC_ABBR_NONFINAL:
        return 0;
    case CC_ABBR_AMBIGUOUS:
        return ambiguous_breaks(s, w, b);
    case CC_ABBR_AFTER_NUMBER:
        return number_before(w, parts[used - 1].start) ? 1 : 0;
    case CC_ABBR_FINAL:
        return 1;
    case CC_ABBR_PLACE:
        /* "Washington, D.C. Leaders…": after "City, " the place ends the sentence */
        if (comma_before(w, parts[used - 1].start))
            return 1;
        return ambiguous_breaks(s, w, b);
    case CC_ABBR_BEFORE_NUMBER:
        if (nw.openers == 0 && nw.first && is_digit_unit(nw.first))
            return 0;
        break; /* otherwise as any other word */
    default:
        break;
    }
    /* A list marker "a." or "iv." at the start of a paragraph. */
    if (np == 1 && code_points(w, parts[0]) <= 4 && at_paragraph_start(w, parts[0].start)) {
        int roman = 1;
        for (int32_t j = parts[0].start; j < parts[0].end; j++)
            roman &= is_roman(w->u[j]);
        if (roman || code_points(w, parts[0]) == 1)
            return 0;
    }
    /* A regnal or ordinal Roman numeral in German ("Alexander II. Alaska"). */
    if (np == 1 && (s->rules->flags & CC_LANG_ORDINAL_DOT) && code_points(w, parts[0]) <= 5) {
        int roman = 1;
        for (int32_t j = parts[0].start; j < parts[0].end; j++)
            roman &= is_roman(w->u[j]) && cc_uc_is_upper(w->u[j]);
        if (roman)
            return ambiguous_breaks(s, w, b);
    }
    /* An initial ("George W. Bush", "А. Г. Силуанов"). */
    if (code_points(w, parts[0]) == 1 && cc_uc_is_upper(at(w, parts[0].start, &k))) {
        /* "…комиссии Смирнов А. П. Следующее…": initials after a surname end the name */
        if ((s->rules->flags & CC_LANG_SURNAME_FIRST) && np >= 2 && code_points(w, parts[1]) == 1 &&
            surname_before(w, parts[np - 1].start, b))
            return 1;
        return ambiguous_breaks(s, w, b);
    }
    /* An acronym with stops ("U.S.", "B.C.E."), but not a domain ("www.mid.ru"). */
    if (np >= 2) {
        int acronym = 1;
        for (int j = 0; j < np; j++)
            acronym &= code_points(w, parts[j]) <= 3 && cc_uc_is_upper(at(w, parts[j].start, &k));
        if (acronym)
            return ambiguous_breaks(s, w, b);
    }
    return 1;
}

static cc_uchar closing_of(cc_uchar open)
{
    return open == 0x300C ? 0x300D : open == 0x300E ? 0x300F : 0xFF09;
}

/* Update the open brackets over u[from..to). */
static void quote_scan(const cc_uchar *u, int32_t from, int32_t to, quote_state *q)
{
    for (int32_t i = from; i < to; i++) {
        cc_uchar c = u[i];
        if (is_hard_newline(c)) {
            q->depth = 0;
        } else if (is_cjk_open(c)) {
            if (q->depth < QUOTE_STACK)
                q->expect[q->depth++] = closing_of(c);
        } else if (is_cjk_close(c)) {
            /* close the innermost bracket of this kind; a stray closer changes nothing */
            for (int d = q->depth - 1; d >= 0; d--)
                if (q->expect[d] == c) {
                    q->depth = d;
                    break;
                }
        }
    }
}

/* Advance the CJK quotation state to position p. */
static void sweep_to(window *w, int32_t p)
{
    if (p > w->sweep) {
        quote_scan(w->u, w->sweep, p, &w->q);
        w->sweep = p;
    }
}

/* Does the innermost open bracket close after b in the same paragraph, not far away? */
static int quote_closes_ahead(const window *w, int32_t b)
{
    if (w->q.depth == 0)
        return 0;
    cc_uchar want = w->q.expect[w->q.depth - 1];
    for (int32_t i = b; i < w->n && i - b < QUOTE_LOOKAHEAD; i++) {
        cc_uchar c = w->u[i];
        if (is_hard_newline(c))
            return 0;
        if (c == want)
            return 1;
    }
    return 0;
}

static int cjk_breaks(const concord_segmenter *s, window *w, int32_t j, int32_t gap, int32_t b)
{
    int k;
    uint32_t next = b < w->n ? at(w, b, &k) : 0;
    /* 「…か？」と聞いた / …か？と: a quotative particle continues the sentence. */
    if (next == 0x3068 /* と */ || next == 0x3063 /* っ(て) */)
        return 0;
    int bracket = 0;
    for (int32_t i = j; i < gap; i++)
        bracket |= is_cjk_close(w->u[i]);
    if (bracket && (next == 0x3092 /* を */ || next == 0x304C /* が */ || next == 0x306E /* の */ ||
                    next == 0x306B /* に */ || next == 0x306A /* な(ど) */))
        return 0;
    /* Inside 「…」 that closes later in the paragraph: the quotation is one segment. */
    sweep_to(w, b);
    if (quote_closes_ahead(w, b))
        return 0;
    CC_UNUSED(s);
    return 1;
}

/* The built-in decision for a candidate at canonical position b. */
static int builtin_breaks(const concord_segmenter *s, window *w, int32_t b)
{
    int k;
    int32_t gap = space_before(w, b);
    if (gap == 0)
        return 1;
    /* the closing quotes and brackets after the stop (French puts a space before them) */
    int32_t j = gap, last_closer = gap;
    for (int n = 0; j > 0 && n < 8; n++) {
        uint32_t c = before(w, j, &k);
        if (cc_uc_is_closer(c))
            last_closer = j - k;
        else if (!(cc_is_space(c) && !is_hard_newline((cc_uchar)c)))
            break;
        j -= k;
    }
    if (j < last_closer && j > 0) {
        /* only spaces between the stop and the first closer count */
        for (int32_t i = j; i < last_closer; i++)
            if (!cc_is_space(w->u[i]))
                j = last_closer;
    } else {
        j = last_closer;
    }
    if (j == 0)
        return 1;
    uint32_t term = before(w, j, &k);
    int32_t d = j - k; /* position of the terminator */
    int cjk = (s->rules->flags & CC_LANG_CJK) != 0;

    if (cjk && (is_cjk_stop(term) || term == '!' || term == '?' || term == 0x2026))
        return cjk_breaks(s, w, j, gap, b);
    if (is_aterm(term))
        return full_stop_breaks(s, w, d, gap, b);
    if (cc_uc_is_sterm(term) && !is_cjk_stop(term)) {
        /* "“Why?” he asked." — a lower-case word continues the sentence. */
        next_word nw;
        get_next_word(w, b, &nw);
        if (nw.first && cc_uc_is_lower(nw.first))
            return 0;
        return 1;
    }
    if (cjk && gap == b)
        return cjk_breaks(s, w, j, gap, b);
    return 1;
}

/* ---- candidates ----------------------------------------------------------- */

static int push_cand(concord_segmenter *s, int32_t pos, int32_t rule, int is_break)
{
    if (s->ncands == s->capcands) {
        size_t cap = s->capcands ? s->capcands * 2 : 256;
        struct cand *c = cc_realloc(s->cands, cap * sizeof(*c));
        if (!c)
            return cc_error_oom();
        s->cands = c;
        s->capcands = cap;
    }
    s->cands[s->ncands].pos = pos;
    s->cands[s->ncands].rule = rule;
    s->cands[s->ncands].is_break = is_break;
    s->ncands++;
    return 0;
}

static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/*
 * French « Bonjour. » : ICU breaks before a closing quote that follows the
 * stop after a space. Move such a candidate past the quote.
 */
static int32_t adjust_spaced_close(const concord_segmenter *s, const window *w, int32_t b)
{
    if (!(s->rules->flags & CC_LANG_SPACED_CLOSE) || b >= w->n)
        return b;
    int k;
    uint32_t c = at(w, b, &k);
    if (!cc_uc_is_closer(c) || c == '"' || c == '\'')
        return b;
    int32_t gap = space_before(w, b);
    if (gap == b || gap == 0)
        return b;
    for (int32_t i = gap; i < b; i++)
        if (is_hard_newline(w->u[i]))
            return b;
    uint32_t t = before(w, gap, &k);
    if (!cc_uc_is_sterm(t) && !is_ellipsis(t))
        return b;
    int32_t e = b;
    while (e < w->n) {
        c = at(w, e, &k);
        if (!cc_uc_is_closer(c) && !(cc_is_space(c) && !is_hard_newline((cc_uchar)c)))
            break;
        e += k;
    }
    return e;
}

/*
 * ICU counts an opening bracket right after a stop as part of the sentence
 * that ends ("…のだ。「次の" breaks after 「). Move such a break back before
 * the bracket, which opens the next sentence.
 */
static int32_t adjust_open_after_stop(const window *w, int32_t b)
{
    int32_t i = b, first_open = -1;
    int k;
    for (int n = 0; i > 0 && n < 8; n++) {
        uint32_t c = before(w, i, &k);
        if (cc_uc_is_sterm(c) || is_aterm(c) || is_ellipsis(c))
            return first_open >= 0 ? first_open : b;
        if (cc_is_space(c))
            return b;
        if (cc_uc_is_opener(c) && !cc_uc_is_closer(c) && cc_uc_is_pstart(c))
            first_open = i - k;
        else if (!cc_uc_is_closer(c))
            return b;
        i -= k;
    }
    return b;
}

/*
 * ICU does not break before a number that begins a sentence and is followed
 * by a lower-case word ("…a waste dump. 1987 was proclaimed…"). Propose
 * those positions: after a stop, closers and spaces (no line break), a digit.
 */
static int push_digit_candidates(concord_segmenter *s, const window *w, int32_t hi)
{
    int rc;
    for (size_t m = 0; m < s->nmarks; m++) {
        int32_t i = s->marks[m];
        if (i <= w->lo || i >= hi || i >= w->n || !is_digit_unit(w->u[i]))
            continue;
        int32_t g = space_before(w, i);
        if (g == i || g == 0)
            continue;
        int hard = 0;
        for (int32_t j = g; j < i; j++)
            hard |= is_hard_newline(w->u[j]);
        if (hard)
            continue;
        int32_t j = g;
        int k;
        for (int n = 0; j > 0 && n < 8; n++) {
            uint32_t cc = before(w, j, &k);
            if (!cc_uc_is_closer(cc))
                break;
            j -= k;
        }
        if (j > 0 && is_aterm(before(w, j, &k)) && (rc = push_cand(s, i, INT32_MAX, 0)) < 0)
            return rc;
    }
    return 0;
}

static int collect_candidates(concord_segmenter *s, window *w, int32_t hi)
{
    int rc;
    s->ncands = 0;
    if ((rc = cc_breaker_set_text(s->brk, w->u, w->n)) < 0)
        return rc;
    int32_t b;
    while ((b = cc_breaker_next(s->brk)) >= 0) {
        /* an adjustment moves a break by a few units at most */
        if (b > hi + 16)
            break;
        int32_t c = skip_space(w, adjust_open_after_stop(w, adjust_spaced_close(s, w, b)));
        if (c > w->lo && c <= hi && (rc = push_cand(s, c, INT32_MAX, 0)) < 0)
            return rc;
    }
    if (s->mark_oom)
        return cc_error_oom();
    if (!(s->rules->flags & CC_LANG_CJK) && (rc = push_digit_candidates(s, w, hi)) < 0)
        return rc;
    /* "Wait… Then": ICU does not treat the ellipsis character as a stop. */
    if (!(s->rules->flags & CC_LANG_CJK)) {
        for (size_t m = 0; m < s->nmarks; m++) {
            int32_t i = s->marks[m];
            if (i + 1 < w->lo || i >= hi || !is_ellipsis(w->u[i]))
                continue;
            int32_t e = i + 1, k0 = 0;
            int k;
            while (e < w->n && k0 < 8 && cc_uc_is_closer(at(w, e, &k)) && w->u[e] != '\'' &&
                   w->u[e] != '"') {
                e += k;
                k0++;
            }
            int32_t c = skip_space(w, e);
            if (c == e || c >= w->n || c <= w->lo || c > hi)
                continue;
            next_word nw;
            get_next_word(w, c, &nw);
            if (nw.first && cc_uc_is_upper(nw.first) && (rc = push_cand(s, c, INT32_MAX, 0)) < 0)
                return rc;
        }
    }
    /* The user's SRX rules: every position where a rule matches, paragraph by paragraph. */
    for (size_t r = 0; r < s->srx.count; r++) {
        cc_srx_rule *rule = &s->srx.rules[r];
        if ((rc = cc_regex_set_text(rule->re, w->u, w->n)) < 0)
            return rc;
        int32_t p0 = 0;
        while (p0 <= hi && p0 < w->n) {
            int32_t p1 = p0;
            while (p1 < w->n && !is_hard_newline(w->u[p1]))
                p1++;
            int anchor = p0 > 0 || w->para_start;
            int32_t from = p0, ms, me;
            while (from <= p1) {
                rc = cc_regex_find_in(rule->re, p0, p1, from, anchor, &ms, &me);
                if (rc == CONCORD_ELIMIT)
                    return cc_error_set(CONCORD_ELIMIT,
                                        "%s: this SRX rule takes too long on the text near byte "
                                        "%u of the window; simplify its regular expression",
                                        rule->where, (unsigned)s->off[from < w->n ? from : w->n]);
                if (rc < 0)
                    return rc;
                if (rc == 0 || ms > hi)
                    break;
                int32_t c = skip_space(w, me);
                if (c > w->lo && c <= hi && c < w->n &&
                    (rc = push_cand(s, c, (int32_t)r, rule->is_break)) < 0)
                    return rc;
                from = ms + 1;
            }
            p0 = p1 + 1;
        }
    }
    if (s->ncands > 1)
        qsort(s->cands, s->ncands, sizeof(*s->cands), cand_cmp);
    return 0;
}

/* ---- running ------------------------------------------------------------ */

typedef struct run_state {
    const char *text;
    size_t len;
    size_t last; /* byte offset where the current segment began */
    concord_segment_cb cb;
    void *payload;
} run_state;

static int emit(run_state *rs, size_t end)
{
    const unsigned char *t = (const unsigned char *)rs->text;
    size_t a = rs->last, e = end;
    rs->last = end;
    while (a < e) {
        size_t i = a;
        if (!cc_is_space(cc_utf8_decode(t, &i)))
            break;
        a = i;
    }
    while (e > a) {
        size_t p = cc_utf8_prev(t, e), i = p;
        if (!cc_is_space(cc_utf8_decode(t, &i)))
            break;
        e = p;
    }
    if (a >= e)
        return 0;
    concord_segment sg = {a, e};
    if (rs->cb(&sg, rs->payload) != 0)
        return cc_error_set(CONCORD_EUSER, "segmentation stopped by the caller");
    return 0;
}

/*
 * Does a list item start at t[i]: "- ", "* ", "+ ", "• ", "1. ", "1) ", "a) "?
 * (Not "W. Bush": a capital with a full stop is an initial as often as not.)
 */
static int list_item_at(const unsigned char *t, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    if ((t[i] == '-' || t[i] == '*' || t[i] == '+') && i + 1 < len && t[i + 1] == ' ')
        return 1;
    if (i + 3 < len && t[i] == 0xE2 && t[i + 1] == 0x80 && t[i + 2] == 0xA2 && t[i + 3] == ' ')
        return 1; /* • */
    size_t j = i;
    while (j < len && j - i < 3 && t[j] >= '0' && t[j] <= '9')
        j++;
    if (j > i)
        return j + 1 < len && (t[j] == '.' || t[j] == ')') && t[j + 1] == ' ';
    return i + 2 < len && t[i] >= 'a' && t[i] <= 'z' && t[i + 1] == ')' && t[i + 2] == ' ';
}

/* Is there a line break (of any kind) at t[j]? */
static int newline_at(const unsigned char *t, size_t len, size_t j)
{
    if (t[j] == '\n' || t[j] == '\r' || t[j] == '\f' || t[j] == '\v')
        return 1;
    if (t[j] == 0xC2 && j + 1 < len && t[j + 1] == 0x85)
        return 1; /* NEL */
    return t[j] == 0xE2 && j + 2 < len && t[j + 1] == 0x80 &&
           (t[j + 2] == 0xA8 || t[j + 2] == 0xA9); /* LS, PS */
}

/*
 * In wrapped mode: is the line break at t[i] (of byte length nl) a paragraph
 * break? It is when the next line is blank or starts a list item, or when the
 * line it ends was blank.
 */
static int wrapped_para_break(const unsigned char *t, size_t len, size_t i, size_t nl,
                              int line_blank)
{
    if (line_blank)
        return 1;
    size_t j = i + nl;
    while (j < len && (t[j] == ' ' || t[j] == '\t'))
        j++;
    if (j >= len)
        return 1;
    if (newline_at(t, len, j))
        return 1;
    return list_item_at(t, len, j);
}

/*
 * Append one UTF-16 unit to the window. A run of whitespace is kept to at
 * most RUN_MAX units (a hard line break in it survives): neither ICU nor the
 * rules then ever walk a long run, and a break after a run is never far
 * from the stop before it.
 */
#define RUN_MAX 4

static void note_mark(concord_segmenter *s, int32_t at_unit)
{
    if (s->nmarks == s->capmarks) {
        size_t cap = s->capmarks ? s->capmarks * 2 : 256;
        int32_t *p = cc_realloc(s->marks, cap * sizeof(*p));
        if (!p) {
            s->mark_oom = 1;
            return;
        }
        s->marks = p;
        s->capmarks = cap;
    }
    s->marks[s->nmarks++] = at_unit;
}

static inline void put_unit(concord_segmenter *s, int32_t *n, cc_uchar c, uint32_t rel, int *run)
{
    int space = c > 0x20 && c < 0x7F ? 0 : cc_is_space(c);
    if (space && *run >= RUN_MAX) {
        if (is_hard_newline(c) && !is_hard_newline(s->u[*n - 1]))
            s->u[*n - 1] = '\n';
        return;
    }
    *run = space ? *run + 1 : 0;
    s->u[*n] = c;
    s->off[*n] = rel;
    (*n)++;
}

/* Is byte offset ws at the start of a line, after nothing but spaces or tabs? */
static int at_line_start(const unsigned char *t, size_t start, size_t ws)
{
    while (ws > start && (t[ws - 1] == ' ' || t[ws - 1] == '\t'))
        ws--;
    if (ws <= start)
        return 1;
    return newline_at(t, ws + 1, cc_utf8_prev(t, ws));
}

/*
 * Convert text[ws..) into the window buffer. Returns the byte offset where
 * the window ends; *complete is set when it ends at the end of the text or
 * right after a paragraph break, so that every candidate in it can be decided.
 */
static size_t fill_window(concord_segmenter *s, const char *text, size_t start, size_t len,
                          size_t ws, int32_t *n_out, int *complete)
{
    const unsigned char *t = (const unsigned char *)text;
    int32_t n = 0;
    size_t i = ws;
    int run = 0;
    /* a window may start in the middle of a line (a restart): is that line blank so far? */
    int line_blank = s->wrapped ? at_line_start(t, start, ws) : 1;
    *complete = 0;
    s->nmarks = 0;
    s->mark_oom = 0;
    while (i < len) {
        if (n >= s->window - 2)
            break;
        /* the common case first: printable ASCII */
        if (t[i] > 0x20 && t[i] < 0x7F) {
            if (t[i] <= '9' && t[i] >= '0' && run > 0)
                note_mark(s, n); /* a digit after a space: a sentence may start here */
            s->u[n] = t[i];
            s->off[n++] = (uint32_t)(i - ws);
            i++;
            run = 0;
            line_blank = 0;
            continue;
        }
        size_t ci = i;
        uint32_t c = t[i] < 0x80 ? t[i++] : cc_utf8_decode(t, &i);
        uint32_t rel = (uint32_t)(ci - ws);
        int para = 0;
        if (cc_is_newline(c)) {
            cc_uchar unit;
            if (c == '\r' && i < len && t[i] == '\n') {
                /* CR LF: the LF decides */
                put_unit(s, &n, s->wrapped ? ' ' : '\r', rel, &run);
                continue;
            }
            if (!s->wrapped) {
                unit = (c == 0x0B || c == 0x0C) ? '\n' : (cc_uchar)c;
                para = 1;
            } else if (c == 0x0C || c == 0x2029 ||
                       wrapped_para_break(t, len, ci, i - ci, line_blank)) {
                unit = '\n';
                para = 1;
            } else {
                unit = ' ';
            }
            put_unit(s, &n, unit, rel, &run);
            line_blank = 1;
            if (para && n >= s->window / 2) {
                *complete = 1;
                break;
            }
            continue;
        }
        if (line_blank && !cc_is_space(c))
            line_blank = 0;
        if (c < 0x10000) {
            if (is_ellipsis(c) || (run > 0 && is_digit_unit(c)))
                note_mark(s, n);
            put_unit(s, &n, (cc_uchar)c, rel, &run);
        } else {
            run = 0;
            s->u[n] = (cc_uchar)(0xD800 + ((c - 0x10000) >> 10));
            s->off[n++] = rel;
            s->u[n] = (cc_uchar)(0xDC00 + ((c - 0x10000) & 0x3FF));
            s->off[n++] = rel;
        }
    }
    if (i >= len)
        *complete = 1;
    s->off[n] = (uint32_t)(i - ws);
    s->u[n] = 0;
    *n_out = n;
    return i;
}

int concord_segmenter_run(concord_segmenter *s, const char *text, size_t len, concord_segment_cb cb,
                          void *payload)
{
    int rc;
    if (len > 0 && (rc = concord_text_validate(text, len)) < 0)
        return rc;
    size_t start = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        start = 3;
    run_state rs = {text, len, start, cb, payload};
    size_t ws = start;      /* where the next window starts */
    size_t decided = start; /* every candidate at or before this byte is decided */
    int para_start = 1;
    quote_state carried = {{0}, 0}; /* CJK brackets open at ws */
    while (ws < len) {
        int32_t n;
        int complete;
        size_t we = fill_window(s, text, start, len, ws, &n, &complete);
        window w = {s->u, n, para_start, 0, 0, carried};
        /* first unit past `decided` */
        if (decided > ws) {
            /* the unit at `decided`: windows start and stop on character boundaries */
            while (w.lo < n && ws + s->off[w.lo] < decided)
                w.lo++;
        }
        int32_t hi = complete ? n : n - MARGIN_UNITS;
        if ((rc = collect_candidates(s, &w, hi)) < 0)
            return rc;
        int32_t prev = -1;
        for (size_t ci = 0; ci < s->ncands; ci++) {
            struct cand *c = &s->cands[ci];
            if (c->pos == prev)
                continue;
            prev = c->pos;
            int brk;
            int32_t gap = space_before(&w, c->pos);
            int hard = 0;
            for (int32_t g = gap; g < c->pos && !hard; g++)
                hard = is_hard_newline(w.u[g]);
            if (hard || c->pos >= n)
                brk = 1;
            else if (c->rule != INT32_MAX)
                brk = c->is_break;
            else
                brk = builtin_breaks(s, &w, c->pos);
            if (brk && (rc = emit(&rs, ws + s->off[c->pos])) < 0)
                return rc;
        }
        if (complete) {
            decided = we;
            ws = we;
            para_start = 1;
            memset(&carried, 0, sizeof(carried));
        } else {
            decided = ws + s->off[hi];
            /* re-read some context before the first undecided position */
            size_t back = decided;
            for (int i = 0; i < CONTEXT_CHARS && back > start; i++)
                back = cc_utf8_prev((const unsigned char *)text, back);
            /* the brackets still open at `back`, for the next window */
            int32_t bu = hi;
            while (bu > 0 && ws + s->off[bu] > back)
                bu--;
            quote_state q = carried; /* the state at the start of this window */
            quote_scan(s->u, 0, bu, &q);
            carried = q;
            para_start = back == start;
            ws = back;
        }
    }
    return emit(&rs, len);
}

/* ---- array output ------------------------------------------------------- */

typedef struct seg_array {
    concord_segment *items;
    size_t count, cap;
    int failed;
} seg_array;

static int collect(const concord_segment *sg, void *payload)
{
    seg_array *a = payload;
    if (a->count == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        concord_segment *p = cc_realloc(a->items, cap * sizeof(*p));
        if (!p) {
            a->failed = 1;
            return 1;
        }
        a->items = p;
        a->cap = cap;
    }
    a->items[a->count++] = *sg;
    return 0;
}

int concord_segmenter_split(concord_segmenter *s, const char *text, size_t len,
                            concord_segment **out, size_t *count)
{
    seg_array a = {NULL, 0, 0, 0};
    *out = NULL;
    *count = 0;
    int rc = concord_segmenter_run(s, text, len, collect, &a);
    if (a.failed)
        rc = cc_error_oom();
    if (rc < 0) {
        cc_free(a.items);
        return rc;
    }
    *out = a.items;
    *count = a.count;
    return 0;
}
