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
    /* words after "9 a.m." that go on with its sentence; picture-credit labels */
    cc_wordset time_continuers, credit_labels, vowelless_words;
    /* endings that make a word an abbreviation, and surname endings (longest first) */
    cc_wordset abbr_endings, surname_endings;
    int32_t abbr_ending_max, surname_ending_max;
    uint64_t vowels[1024]; /* one bit per BMP code point */
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
    int32_t rule; /* SRX rule index, CAND_RULE, or CAND_BUILTIN */
    int is_break; /* the decision of an SRX rule or of CAND_RULE */
};

/* A built-in rule that decides alone (a list item, a picture credit): after the
   user's SRX rules, before the built-in decision of ICU's candidates. */
#define CAND_RULE    (INT32_MAX - 1)
#define CAND_BUILTIN INT32_MAX

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
    for (; list && *list; list++) { /* a table a language leaves out is empty */
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
        (rc = add_list(abbr, r->time, CC_ABBR_TIME)) < 0 ||
        (rc = add_list(starters, r->starters, 1)) < 0)
        return rc;
    return 0;
}

/* A list of word endings into a set; *max gets the longest, in UTF-16 units. */
static int add_endings(cc_wordset *ws, int32_t *max, const char *const *list)
{
    for (; list && *list; list++) {
        int rc = cc_wordset_add_utf8(ws, *list, 1);
        if (rc < 0)
            return rc;
        int32_t n = 0;
        for (const unsigned char *p = (const unsigned char *)*list; *p; p++)
            n += (*p & 0xC0) != 0x80; /* code points; every ending is in the BMP */
        if (n > *max)
            *max = n;
    }
    return 0;
}

/* The tables that are not abbreviation classes: continuers, labels, endings, vowels. */
static int add_other_tables(concord_segmenter *s)
{
    int rc;
    const cc_lang_rules *r = s->rules;
    if ((rc = add_list(&s->time_continuers, r->time_continuers, 1)) < 0 ||
        (rc = add_list(&s->credit_labels, r->credit_labels, 1)) < 0 ||
        (rc = add_list(&s->vowelless_words, r->vowelless_words, 1)) < 0 ||
        (rc = add_endings(&s->abbr_endings, &s->abbr_ending_max, r->abbr_endings)) < 0 ||
        (rc = add_endings(&s->surname_endings, &s->surname_ending_max, r->surname_endings)) < 0)
        return rc;
    if (s->has_latin &&
        (rc = add_list(&s->time_continuers, cc_lang_rules_find("en")->time_continuers, 1)) < 0)
        return rc;
    const unsigned char *v = (const unsigned char *)cc_vowels;
    size_t i = 0, n = strlen(cc_vowels);
    while (i < n) {
        uint32_t c = cc_utf8_decode(v, &i);
        if (c < 0x10000)
            s->vowels[c >> 6] |= (uint64_t)1 << (c & 63);
    }
    return 0;
}

int concord_segmenter_new(concord_segmenter **out, const concord_segmenter_options *opts)
{
    static const concord_segmenter_options defaults = CONCORD_SEGMENTER_OPTIONS_INIT;
    int rc;
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if ((rc = cc_version_check(opts->version, CONCORD_SEGMENTER_OPTIONS_VERSION,
                               "segmenter options")) < 0)
        return rc;
    concord_segmenter *s = cc_calloc(1, sizeof(*s));
    if (!s)
        return cc_error_oom();
    if ((rc = concord_lang_canonicalize(s->lang, sizeof(s->lang), opts->lang ? opts->lang : "en")) <
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
    if ((rc = add_other_tables(s)) < 0)
        goto fail;
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
    cc_wordset_free(&s->time_continuers);
    cc_wordset_free(&s->credit_labels);
    cc_wordset_free(&s->vowelless_words);
    cc_wordset_free(&s->abbr_endings);
    cc_wordset_free(&s->surname_endings);
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

/* Does u[b..e) end like a surname of the language (Смирнов, Соколова, Шевченко)? */
static int surname_like(const concord_segmenter *s, const window *w, int32_t b, int32_t e)
{
    for (int32_t n = s->surname_ending_max; n >= 1; n--)
        if (e - b > n && cc_wordset_get(&s->surname_endings, w->u + e - n, n))
            return 1;
    return 0;
}

/*
 * "…председатель комиссии Смирнов А. П. Следующее…": initials after a
 * surname end the name. True when the word before `start` looks like a
 * surname and is not the first word of its sentence, and the word after the
 * stop at b does not look like one ("из Москвы Е. В. Соколова").
 */
static int surname_before(const concord_segmenter *s, const window *w, int32_t start, int32_t b)
{
    int k;
    int32_t e = space_before(w, start);
    if (e == start || e == 0)
        return 0;
    int32_t s0 = e;
    while (s0 > 0 && cc_uc_is_alpha(before(w, s0, &k)))
        s0 -= k;
    if (e - s0 < 2 || !cc_uc_is_upper(at(w, s0, &k)) || !surname_like(s, w, s0, e))
        return 0;
    int32_t p = space_before(w, s0);
    if (p == s0 || p == 0 || !cc_uc_is_lower(before(w, p, &k)))
        return 0;
    next_word nw;
    get_next_word(w, b, &nw);
    return !(nw.qe > nw.q && surname_like(s, w, nw.q, nw.qe));
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
            /* "N°", "№": a sign that is part of the word */
            if (!(cc_uc_is_alpha(c) || (c == '-' && k < e) || c == 0x2116 ||
                  ((c == 0xB0 || c == 0xBA) && k == e)))
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

static int is_bullet(uint32_t c)
{
    return c == 0x2022 || c == 0x2043 || c == 0x2023 || c == 0x25E6 || c == 0x25AA || c == 0x25CF;
}

static int is_dash(uint32_t c)
{
    return c == '-' || c == 0x2013 || c == 0x2014 || c == 0x2015;
}

static int is_vowel(const concord_segmenter *s, uint32_t c)
{
    return c < 0x10000 && ((s->vowels[c >> 6] >> (c & 63)) & 1);
}

/* Is there a candidate of a built-in rule that decides alone (a list item) at p? */
static int rule_break_at(const concord_segmenter *s, int32_t p)
{
    size_t lo = 0, hi = s->ncands;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->cands[mid].pos < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < s->ncands && s->cands[lo].pos == p; lo++)
        if (s->cands[lo].rule == CAND_RULE)
            return 1;
    return 0;
}

/*
 * Does a list item start at i, the number or letter of a marker ("1.",
 * "(a)", "• 9.", "⁃9.")? It does at the start of a paragraph, and where the
 * list rule found the next item of an inline list.
 */
static int item_start(const concord_segmenter *s, const window *w, int32_t i)
{
    int k;
    int32_t j = i;
    if (j > 0 && before(w, j, &k) == '(')
        j -= k;
    int32_t sp = space_before(w, j);
    if (sp > 0 && is_bullet(before(w, sp, &k)))
        j = sp - k;
    return at_paragraph_start(w, j) || rule_break_at(s, j);
}

/*
 * Is the word u[sp) an abbreviation by its shape, though no table lists it?
 * A word of two to ABBR_SHAPE_MAX letters with no vowel ("пгт.", "Кв.",
 * "bzw.") is one, unless it is in capitals (an acronym: "BBC.") or a listed
 * word ("Hmm."), and so is a word with a listed ending ("Bahnhofstr."). A
 * longer word without vowels is no abbreviation but noise (a run of x's).
 */
#define ABBR_SHAPE_MAX 6

static int abbreviation_like(const concord_segmenter *s, const window *w, span sp)
{
    int k;
    int32_t letters = 0, vowels = sp.end - sp.start > ABBR_SHAPE_MAX;
    for (int32_t i = sp.start; i < sp.end && !vowels; i += k) {
        vowels += is_vowel(s, at(w, i, &k));
        letters++;
    }
    if (!vowels && letters >= 2 &&
        !cc_wordset_get(&s->vowelless_words, w->u + sp.start, sp.end - sp.start)) {
        int lower = 0, other = 0;
        for (int32_t i = sp.start; i < sp.end; i += k) {
            uint32_t c = at(w, i, &k);
            int script = cc_uc_script(c);
            other |= script != CC_SCRIPT_LATIN && script != CC_SCRIPT_CYRILLIC;
            lower |= cc_uc_is_lower(c);
        }
        if (!other && lower)
            return 1;
    }
    for (int32_t n = s->abbr_ending_max; n >= 1; n--)
        if (sp.end - sp.start > n && cc_wordset_get(&s->abbr_endings, w->u + sp.end - n, n))
            return 1;
    return 0;
}

/*
 * "At 5 a.m. Mr. Smith went": does the sentence begin with the number that
 * ends at `end`, or with one capitalized word before it?
 */
static int sentence_opens_with(const window *w, int32_t end)
{
    int k;
    int32_t i = space_before(w, end);
    while (i > 0) {
        uint32_t c = before(w, i, &k);
        if (!(is_digit_unit(c) || c == ':' || c == '.'))
            break;
        i -= k;
    }
    if (at_paragraph_start(w, i))
        return 1;
    int32_t p = space_before(w, i);
    if (p == i)
        return 0;
    int32_t ws = p;
    while (ws > 0 && cc_uc_is_alpha(before(w, ws, &k)))
        ws -= k;
    if (ws == p || !cc_uc_is_upper(at(w, ws, &k)))
        return 0;
    if (at_paragraph_start(w, ws))
        return 1;
    int32_t q = space_before(w, ws);
    if (q == ws || q == 0)
        return 0;
    while (q > 0 && cc_uc_is_closer(before(w, q, &k)))
        q -= k;
    uint32_t t = q > 0 ? before(w, q, &k) : 0;
    return is_aterm(t) || cc_uc_is_sterm(t) || is_ellipsis(t);
}

/*
 * After "9 a.m." (a time after a number): a capitalized word starts a new
 * sentence ("at 9 a.m. Talks began"), unless it is a day, a month or a time
 * zone ("9 a.m. Monday", "9 a.m. EST") or the time opens its sentence.
 */
static int time_breaks(const concord_segmenter *s, const window *w, int32_t start,
                       const next_word *nw)
{
    if (nw->openers > 0 || !nw->first || !cc_uc_is_upper(nw->first))
        return 0;
    int32_t n = nw->qe - nw->q;
    if (n > 0 && cc_wordset_get(&s->time_continuers, w->u + nw->q, n))
        return 0;
    int caps = n >= 2;
    for (int32_t j = nw->q; j < nw->qe && caps; j++)
        caps = cc_uc_is_upper(w->u[j]);
    if (caps)
        return 0;
    return !sentence_opens_with(w, start);
}

/*
 * A run of full stops that ends at d ("...", ". . .", "word. . . ."): 0 or 1
 * for the break after it, -1 when d is a single stop. Spaced dots are the
 * ellipsis of quotations: three of them mark words left out inside a
 * sentence; a fourth is the full stop of a sentence. "word. . . . Next": the
 * stop on the word ends the sentence and the ellipsis opens the next one
 * (the break before the ellipsis is a candidate of its own); "[...]" is
 * words left out.
 */
static int dot_run_breaks(const window *w, int32_t d, int32_t b)
{
    int32_t first = d, n = 1;
    int spaced = 0;
    for (;;) {
        if (first >= 1 && is_aterm(w->u[first - 1])) {
            first--;
            n++;
        } else if (first >= 2 && w->u[first - 1] == ' ' && is_aterm(w->u[first - 2])) {
            first -= 2;
            n++;
            spaced = 1;
        } else {
            break;
        }
        if (n > 16)
            break;
    }
    if (n < 2)
        return -1;
    if (first >= 1 && (w->u[first - 1] == '[' || w->u[first - 1] == '(') && d + 1 < w->n &&
        (w->u[d + 1] == ']' || w->u[d + 1] == ')'))
        return 0;
    int attached = first >= 1 && !cc_is_space(w->u[first - 1]);
    if (spaced && n == 3 && !attached)
        return 0;
    if (spaced && n == 4 && attached && b < w->n) {
        int k;
        uint32_t c = at(w, b, &k);
        if (cc_uc_is_alpha(c) || is_digit_unit(c) || cc_uc_is_opener(c))
            return 0;
    }
    return 1;
}

/* Decide a candidate after a full stop at d (gap = whitespace before b). */
static int full_stop_breaks(const concord_segmenter *s, const window *w, int32_t d, int32_t gap,
                            int32_t b)
{
    int k;
    /* "G.D.P.成長": a full stop directly followed by CJK text does not end a sentence. */
    if (gap == b && b < w->n && is_cjk_letter(at(w, b, &k)))
        return 0;
    int run = dot_run_breaks(w, d, b);
    if (run >= 0)
        return run;

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
        if (digits <= 3 && item_start(s, w, i))
            return 0; /* "1. Introduction", "2.) The second item" */
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
    int before_digit = nw.openers == 0 && nw.first && is_digit_unit(nw.first);
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
    case CC_ABBR_TIME:
        if (!number_before(w, parts[used - 1].start))
            return ambiguous_breaks(s, w, b);
        return time_breaks(s, w, parts[used - 1].start, &nw);
    case CC_ABBR_BEFORE_NUMBER:
        if (before_digit)
            return 0;
        break; /* otherwise as any other word */
    default:
        break;
    }
    /* A list marker "a." or "iv." at the start of a paragraph or of a list item. */
    if (np == 1 && code_points(w, parts[0]) <= 4 && item_start(s, w, parts[0].start)) {
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
            surname_before(s, w, parts[np - 1].start, b))
            return 1;
        if (before_digit)
            return 0;
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
    /* An abbreviation by its shape: like the ambiguous ones, and never before a number. */
    if (np == 1 && abbreviation_like(s, w, parts[0]))
        return before_digit ? 0 : ambiguous_breaks(s, w, b);
    /*
     * Before a number ICU keeps an unknown word with the number when a
     * lower-case word follows ("Art. 5 of the treaty"), and a candidate there
     * is ours (push_digit_candidates): break only after a word, not after a
     * single letter ("д. 17").
     */
    if (before_digit && (np > 1 || code_points(w, parts[0]) < 2))
        return 0;
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
        /* most units are none of the characters below: letters, kana, kanji */
        if ((c > 0x85 && c < 0x2028) || (c > 0x300F && c < 0xFF08) || (c > '\r' && c < 0x85))
            continue;
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

    /* "Ｊ．Ｆ．ケネディ": a full-width stop after a single Latin letter is an initial */
    if (cjk && term == 0xFF0E && d > 0) {
        uint32_t l = before(w, d, &k);
        int32_t e = d - k;
        if (cc_uc_is_alpha(l) && cc_uc_script(l) == CC_SCRIPT_LATIN &&
            (e == 0 || !cc_uc_is_alpha(before(w, e, &k))))
            return 0;
    }
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
    int rc = cc_grow((void **)&s->cands, &s->capcands, s->ncands + 1, sizeof(*s->cands));
    if (rc < 0)
        return rc;
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

/* ---- candidates of our own rules ------------------------------------------ */

enum marker_kind {
    MK_NONE,
    MK_BULLET,       /* "• ", "⁃" */
    MK_NUM_DOT,      /* "1. " */
    MK_NUM_PAREN,    /* "1) " */
    MK_NUM_DOTPAREN, /* "1.) " */
    MK_PAREN_NUM,    /* "(1) " */
    MK_ALPHA_DOT,    /* "a. " */
    MK_ALPHA_PAREN,  /* "a) " */
    MK_PAREN_ALPHA   /* "(a) " */
};

typedef struct marker {
    enum marker_kind kind;
    uint32_t value; /* the number, the letter or the bullet */
} marker;

/* The list marker at u[p], followed by a space (a bullet needs none). */
static marker marker_at(const window *w, int32_t p)
{
    marker m = {MK_NONE, 0};
    if (p >= w->n)
        return m;
    int k;
    uint32_t c = at(w, p, &k);
    if (is_bullet(c)) {
        m.kind = MK_BULLET;
        m.value = c;
        return m;
    }
    int32_t i = p;
    int paren = c == '(';
    if (paren)
        i++;
    uint32_t v = 0;
    int digits = 0;
    while (i < w->n && digits < 4 && w->u[i] >= '0' && w->u[i] <= '9') {
        v = v * 10 + (w->u[i] - '0');
        i++;
        digits++;
    }
    int alpha = 0;
    if (digits == 0 && i < w->n &&
        ((w->u[i] >= 'a' && w->u[i] <= 'z') || (w->u[i] >= 0x430 && w->u[i] <= 0x44F))) {
        v = w->u[i++];
        alpha = 1;
    }
    if ((digits == 0 && !alpha) || digits > 3 || i + 1 >= w->n)
        return m;
    enum marker_kind kind = MK_NONE;
    if (paren && w->u[i] == ')')
        kind = alpha ? MK_PAREN_ALPHA : MK_PAREN_NUM, i++;
    else if (!paren && w->u[i] == '.' && w->u[i + 1] == ')')
        kind = alpha ? MK_NONE : MK_NUM_DOTPAREN, i += 2;
    else if (!paren && w->u[i] == '.')
        kind = alpha ? MK_ALPHA_DOT : MK_NUM_DOT, i++;
    else if (!paren && w->u[i] == ')')
        kind = alpha ? MK_ALPHA_PAREN : MK_NUM_PAREN, i++;
    if (kind == MK_NONE || i >= w->n || w->u[i] != ' ')
        return m;
    m.kind = kind;
    m.value = v;
    return m;
}

/* Is position p inside a quotation opened earlier in its paragraph (« », „ “, “ ”, " ")? */
static int inside_quotation(const window *w, int32_t p)
{
    int32_t a = p;
    while (a > 0 && p - a < 2000 && !is_hard_newline(w->u[a - 1]))
        a--;
    int guil = 0, low = 0, dbl = 0, straight = 0;
    for (int32_t i = a; i < p; i++) {
        cc_uchar c = w->u[i];
        if (c == 0xAB)
            guil++;
        else if (c == 0xBB && guil > 0)
            guil--;
        else if (c == 0x201E)
            low++;
        else if (c == 0x201C && low > 0)
            low--;
        else if (c == 0x201C)
            dbl++;
        else if (c == 0x201D && dbl > 0)
            dbl--;
        else if (c == '"')
            straight ^= 1;
    }
    return guil > 0 || low > 0 || dbl > 0 || straight;
}

/*
 * Inline lists: "1. Open the file 2. Save it", "a) … b) …", "• 9. … • 10. …".
 * When a paragraph (at p) starts with a list marker, the next marker of the
 * same kind in sequence (2 after 1, b after a, the same bullet), after a
 * space, starts a new segment, and so on. After a colon (`colon`), a list
 * that starts with 1, a or a bullet does the same, its first item staying
 * with the colon ("Steps: 1. Open the file | 2. Save it"); the first marker
 * gets a no-break candidate, which tells the stop rules that it is one.
 * Where "3." may be an ordinal ("am 3. Oktober"), a numbered item must
 * follow the end of a sentence.
 */
static int push_list_candidates(concord_segmenter *s, const window *w, int32_t p, int32_t hi,
                                int colon)
{
    int rc;
    while (p < w->n && (w->u[p] == ' ' || w->u[p] == '\t'))
        p++;
    marker m = marker_at(w, p);
    if (m.kind == MK_NONE)
        return 0;
    if (colon && m.kind != MK_BULLET && m.value != 1 && m.value != 'a' && m.value != 0x430)
        return 0;
    if (colon && inside_quotation(w, p)) /* a list quoted inside a sentence stays in it */
        return 0;
    int32_t first = p; /* after a colon: a list once a second item is found */
    int ordinal = (s->rules->flags & CC_LANG_ORDINAL_DOT) && m.kind == MK_NUM_DOT;
    for (int32_t i = p + 1; i < w->n && i <= hi + 16; i++) {
        cc_uchar c = w->u[i];
        if (is_hard_newline(c))
            break;
        if (w->u[i - 1] != ' ')
            continue;
        marker n = marker_at(w, i);
        if (n.kind != m.kind)
            continue;
        uint32_t want = m.value + 1;
        if (m.kind == MK_BULLET)
            want = m.value;
        else if (want == 0x439) /* й is left out of Russian letter lists */
            want++;
        if (n.value != want)
            continue;
        if (ordinal) {
            int k;
            int32_t g = space_before(w, i);
            while (g > 0 && cc_uc_is_closer(before(w, g, &k)))
                g -= k;
            uint32_t t = g > 0 ? before(w, g, &k) : 0;
            if (!(is_aterm(t) || cc_uc_is_sterm(t) || is_ellipsis(t)))
                continue;
        }
        if (colon && first >= 0 && first > w->lo && first <= hi &&
            (rc = push_cand(s, first, CAND_RULE, 0)) < 0)
            return rc;
        first = -1;
        if (i > w->lo && i <= hi && (rc = push_cand(s, i, CAND_RULE, 1)) < 0)
            return rc;
        m = n;
    }
    return 0;
}

/*
 * A dialogue dash after the end of a sentence: "Что делать? — Ничего.",
 * "— спросил он. — Домой." ICU never breaks before a dash (Unicode counts it
 * as a continuation); a dash and a space followed by a capital start a new
 * utterance, unless a quotation is open ("«К чему? – спросила мама. – Завтра»").
 */
static int dash_candidate(const window *w, int32_t i)
{
    int k;
    if (i < 2 || i + 2 >= w->n || !is_dash(w->u[i]) || !cc_is_space(w->u[i + 1]) ||
        is_hard_newline(w->u[i + 1]))
        return 0;
    int32_t a = skip_space(w, i + 1);
    if (a >= w->n || !cc_uc_is_upper(at(w, a, &k)))
        return 0;
    int32_t g = space_before(w, i);
    if (g == i || g == 0)
        return 0;
    for (int32_t j = g; j < i; j++)
        if (is_hard_newline(w->u[j]))
            return 0;
    for (int n = 0; g > 0 && n < 8; n++) {
        uint32_t q = before(w, g, &k);
        if (!cc_uc_is_closer(q))
            break;
        /* after a closing quotation mark the dash names its author ("…game." - M. Ingram) */
        if (q == '"' || q == '\'' || q == 0xBB || q == 0x201D || q == 0x2019 || q == 0x201C ||
            q == 0x203A)
            return 0;
        g -= k;
    }
    uint32_t t = g > 0 ? before(w, g, &k) : 0;
    if (!(is_aterm(t) || cc_uc_is_sterm(t) || is_ellipsis(t)))
        return 0;
    return !inside_quotation(w, i);
}

/*
 * No space after the stop: "ends here.Next it", "bought 1,000.That is". The
 * stop between a word of two letters or more (or a number) and a capitalized
 * word that usually starts a sentence (or a title: "Tuesday.Mr. Smith") ends
 * a sentence, unless either side looks like a name of a file, a domain, an
 * address or code ("Jane.Doe@example.com", "System.Console.Out").
 */
static int nospace_candidate(const concord_segmenter *s, const window *w, int32_t i)
{
    int k, k2;
    if (i < 2 || i + 1 >= w->n || w->u[i - 1] != '.')
        return 0;
    uint32_t c = at(w, i, &k);
    if (!cc_uc_is_upper(c) || !cc_uc_is_lower(at(w, i + k, &k2)))
        return 0;
    uint32_t p = before(w, i - 1, &k);
    int lower = cc_uc_is_lower(p);
    if (!lower && !is_digit_unit(p))
        return 0;
    int32_t ws = i - 1, letters = 0;
    while (ws > 0) {
        uint32_t b = before(w, ws, &k);
        if (cc_is_space(b) || cc_uc_is_opener(b))
            break;
        if (b == '.' || b == '@' || b == '/' || b == ':' || b == '_' || b == '\\' || i - ws > 64)
            return 0;
        letters += cc_uc_is_alpha(b) != 0;
        ws -= k;
    }
    if (lower && letters < 2)
        return 0;
    for (int32_t e = i; e < w->n && e - i < 64; e += k) {
        uint32_t a = at(w, e, &k);
        if (cc_is_space(a))
            break;
        if (a == '@' || a == '/' || a == '_' || a == '(' || a == '\\' || a == '=')
            return 0;
        if (a == '.' && e + 1 < w->n && !cc_is_space(w->u[e + 1]) && !cc_uc_is_closer(w->u[e + 1]))
            return 0;
    }
    if (!s->has_starters && !s->has_latin)
        return 1;
    next_word nw;
    get_next_word(w, i, &nw);
    if (nw.dotted) {
        const cc_wordset *set = s->has_latin && is_latin(w, nw.q) ? &s->latin_abbr : &s->abbr;
        return cc_wordset_get(set, w->u + nw.q, nw.qe - nw.q) == CC_ABBR_NONFINAL;
    }
    return is_starter(s, w, &nw);
}

/*
 * "word. . . . The next": the stop on the word ends the sentence, the
 * ellipsis opens the next one. i is the first of the three spaced dots.
 */
static int ellipsis_after_stop_candidate(const window *w, int32_t i)
{
    if (i < 3 || i + 5 > w->n || w->u[i - 1] != ' ' || w->u[i - 2] != '.' ||
        cc_is_space(w->u[i - 3]) || is_aterm(w->u[i - 3]))
        return 0;
    const cc_uchar *u = w->u + i;
    if (!(u[0] == '.' && u[1] == ' ' && u[2] == '.' && u[3] == ' ' && u[4] == '.'))
        return 0;
    if (i + 6 < w->n && u[5] == ' ' && u[6] == '.')
        return 0;
    int32_t a = skip_space(w, i + 5);
    if (a == i + 5 || a >= w->n)
        return 0;
    for (int32_t j = i + 5; j < a; j++)
        if (is_hard_newline(w->u[j]))
            return 0;
    int k;
    uint32_t c = at(w, a, &k);
    return cc_uc_is_alpha(c) || is_digit_unit(c) || cc_uc_is_opener(c);
}

/*
 * A picture credit after a caption: "…Washington D.C. Image: United States
 * Navy." The label (a table of the language) followed by a colon and a
 * capital starts a segment, where ICU sees no sentence end. Returns the
 * position of the label, or -1. i is the colon.
 */
static int32_t credit_candidate(const concord_segmenter *s, const window *w, int32_t i)
{
    int k;
    if (!s->credit_labels.count || i + 2 >= w->n)
        return -1;
    int32_t e = i;
    if (e > 0 && cc_is_space(w->u[e - 1]) && !is_hard_newline(w->u[e - 1]))
        e--; /* French "Photo : …" */
    int32_t ws = e;
    while (ws > 0 && e - ws < 24 && cc_uc_is_alpha(before(w, ws, &k)))
        ws -= k;
    if (ws == e || !cc_wordset_get(&s->credit_labels, w->u + ws, e - ws))
        return -1;
    int32_t a = skip_space(w, i + 1);
    if (a == i + 1 || a >= w->n) /* only spaces between colon and text */
        return -1;
    uint32_t c = at(w, a, &k);
    if (!cc_uc_is_upper(c) && !is_digit_unit(c))
        return -1;
    int32_t g = space_before(w, ws);
    if (g == ws || g == 0)
        return -1;
    for (int32_t j = g; j < ws; j++)
        if (is_hard_newline(w->u[j]))
            return -1;
    uint32_t p = before(w, g, &k);
    if (!(cc_uc_is_alpha(p) || is_digit_unit(p) || cc_uc_is_closer(p) || is_aterm(p) ||
          cc_uc_is_sterm(p)))
        return -1;
    return ws;
}

/* The candidates of our own rules at the positions fill_window marked. */
static int push_rule_candidates(concord_segmenter *s, const window *w, int32_t hi)
{
    int rc;
    if (w->para_start && (rc = push_list_candidates(s, w, 0, hi, 0)) < 0)
        return rc;
    for (size_t m = 0; m < s->nmarks; m++) {
        int32_t i = s->marks[m];
        if (i >= w->n || i > hi + 16)
            continue;
        cc_uchar c = w->u[i];
        int32_t at_pos = -1;
        int32_t rule = CAND_BUILTIN;
        if (is_hard_newline(c)) {
            if ((rc = push_list_candidates(s, w, i + 1, hi, 0)) < 0)
                return rc;
            continue;
        }
        if (is_dash(c)) {
            if (dash_candidate(w, i))
                at_pos = i;
        } else if (c == '.') {
            if (ellipsis_after_stop_candidate(w, i))
                at_pos = i;
        } else if (c == ':') {
            if (i + 1 < w->n && w->u[i + 1] == ' ' &&
                (rc = push_list_candidates(s, w, i + 1, hi, 1)) < 0)
                return rc;
            at_pos = credit_candidate(s, w, i);
            rule = CAND_RULE;
        } else if (!is_digit_unit(c) && !is_ellipsis(c)) {
            if (nospace_candidate(s, w, i))
                at_pos = i;
        }
        if (at_pos > w->lo && at_pos <= hi &&
            (rc = push_cand(s, at_pos, rule, rule == CAND_RULE)) < 0)
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
    if ((rc = push_rule_candidates(s, w, hi)) < 0)
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

/*
 * One run over a text, which may arrive in pieces (concord_segmenter_run_reader).
 * Offsets are of the whole text; the bytes at hand are buf[0..len), the
 * text's bytes from `base` on, and more may follow unless `eof`. A window is
 * only taken when the bytes at hand decide it whole (fill_window says when
 * they do not), so the windows, and so the segments, are the ones a run over
 * the whole text in memory makes.
 */
typedef struct seg_run {
    const char *buf;
    size_t base, len;
    int eof;
    size_t start;   /* the first byte after a byte-order mark */
    size_t ws;      /* where the next window starts */
    size_t decided; /* every candidate at or before this byte is decided */
    int para_start;
    quote_state carried; /* CJK brackets open at ws */
    size_t last;         /* where the current segment began */
    cc_textpos at;       /* the position of buf[0] (reading in pieces) */
    concord_segment_cb cb;
    concord_segment_text_cb tcb;
    void *payload;
} seg_run;

/*
 * A segment (or, with spaces, a run of them) longer than
 * CONCORD_SEGMENT_MAX_BYTES, from buf[from] on, read in pieces.
 */
static int too_long(const seg_run *r, size_t from, int spaces)
{
    cc_textpos p = r->at;
    cc_textpos_advance(&p, r->buf, from);
    return cc_error_set_at(CONCORD_ELIMIT, NULL, p.line, p.column, r->base + from,
                           spaces ? "more than %u MiB of spaces start here (byte offset %zu)"
                                  : "a segment longer than %u MiB starts here (byte offset %zu): "
                                    "not a text to translate?",
                           CONCORD_SEGMENT_MAX_BYTES >> 20, r->base + from);
}

static int emit(seg_run *r, size_t end)
{
    const unsigned char *t = (const unsigned char *)r->buf;
    size_t a = r->last - r->base, e = end - r->base;
    r->last = end;
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
    if (r->tcb && e - a > CONCORD_SEGMENT_MAX_BYTES)
        return too_long(r, a, 0);
    concord_segment sg = {r->base + a, r->base + e};
    if ((r->tcb ? r->tcb(&sg, r->buf + a, r->payload) : r->cb(&sg, r->payload)) != 0)
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
    if (t[i] >= 0x80) {
        size_t j = i;
        return cc_utf8_decode(t, &j) == 0x2022 && j < len && t[j] == ' '; /* • */
    }
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
    if (t[j] < 0x80)
        return 0;
    size_t k = j;
    uint32_t c = cc_utf8_decode(t, &k);
    return k <= len && (c == 0x85 || c == 0x2028 || c == 0x2029); /* NEL, LS, PS */
}

/* The longest look ahead of list_item_at() and newline_at(), in bytes. */
#define LOOKAHEAD 6

/*
 * In wrapped mode: is the line break at t[i] (of byte length nl) a paragraph
 * break? It is when the next line is blank or starts a list item, or when the
 * line it ends was blank. -1: the bytes at hand end before that is known.
 */
static int wrapped_para_break(const unsigned char *t, size_t len, int eof, size_t i, size_t nl,
                              int line_blank)
{
    if (line_blank)
        return 1;
    size_t j = i + nl;
    while (j < len && (t[j] == ' ' || t[j] == '\t'))
        j++;
    if (!eof && j + LOOKAHEAD > len)
        return -1;
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
    if (cc_grow((void **)&s->marks, &s->capmarks, s->nmarks + 1, sizeof(*s->marks)) < 0) {
        s->mark_oom = 1;
        return;
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

/*
 * A character of two or three bytes that no rule looks at on its own: not a
 * space or line break, a dash, an ellipsis or a full-width digit (the
 * letters of Cyrillic, Greek, kana and kanji, and most others).
 */
static inline int plain_letter(uint32_t c)
{
    return (c < 0x1680 && c != 0x85 && c != 0xA0) ||
           (c > 0x3000 && c <= 0xFFFF && !(c >= 0xFF10 && c <= 0xFF19));
}

/*
 * Which printable ASCII characters fill_window notes for the rules: after a
 * space, a digit, a dot or a dash may start a sentence; a colon may follow a
 * picture credit (or open a list); a capital right after a stop may start one.
 */
#define MARK_AFTER_SPACE 1
#define MARK_ALWAYS      2
#define MARK_AFTER_STOP  4
static const unsigned char ascii_marks[128] = {
    ['0'] = MARK_AFTER_SPACE, ['1'] = MARK_AFTER_SPACE, ['2'] = MARK_AFTER_SPACE,
    ['3'] = MARK_AFTER_SPACE, ['4'] = MARK_AFTER_SPACE, ['5'] = MARK_AFTER_SPACE,
    ['6'] = MARK_AFTER_SPACE, ['7'] = MARK_AFTER_SPACE, ['8'] = MARK_AFTER_SPACE,
    ['9'] = MARK_AFTER_SPACE, ['.'] = MARK_AFTER_SPACE, ['-'] = MARK_AFTER_SPACE,
    [':'] = MARK_ALWAYS,      ['A'] = MARK_AFTER_STOP,  ['B'] = MARK_AFTER_STOP,
    ['C'] = MARK_AFTER_STOP,  ['D'] = MARK_AFTER_STOP,  ['E'] = MARK_AFTER_STOP,
    ['F'] = MARK_AFTER_STOP,  ['G'] = MARK_AFTER_STOP,  ['H'] = MARK_AFTER_STOP,
    ['I'] = MARK_AFTER_STOP,  ['J'] = MARK_AFTER_STOP,  ['K'] = MARK_AFTER_STOP,
    ['L'] = MARK_AFTER_STOP,  ['M'] = MARK_AFTER_STOP,  ['N'] = MARK_AFTER_STOP,
    ['O'] = MARK_AFTER_STOP,  ['P'] = MARK_AFTER_STOP,  ['Q'] = MARK_AFTER_STOP,
    ['R'] = MARK_AFTER_STOP,  ['S'] = MARK_AFTER_STOP,  ['T'] = MARK_AFTER_STOP,
    ['U'] = MARK_AFTER_STOP,  ['V'] = MARK_AFTER_STOP,  ['W'] = MARK_AFTER_STOP,
    ['X'] = MARK_AFTER_STOP,  ['Y'] = MARK_AFTER_STOP,  ['Z'] = MARK_AFTER_STOP,
};

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
 * Convert the text from r->ws on into the window buffer. Returns the offset
 * where the window ends; *complete is set when it ends at the end of the
 * text or right after a paragraph break, so that every candidate in it can
 * be decided; *more when the bytes at hand end before the window does (it
 * must then be made again once more text has come).
 */
static size_t fill_window(concord_segmenter *s, const seg_run *r, int32_t *n_out, int *complete,
                          int *more)
{
    /* restrict: the stores into the window never change the text, so the loops
       below need not read it again after each store */
    const unsigned char *restrict t = (const unsigned char *)r->buf;
    cc_uchar *u = s->u;
    uint32_t *off = s->off;
    const int32_t cap = s->window - 2;
    size_t len = r->len, ws = r->ws - r->base;
    /* short of the end of what is at hand, every character and its look ahead
       is there; the tight loops below stop there too (a character may be cut
       at the end of the bytes at hand) */
    size_t stop = r->eof ? len : len > LOOKAHEAD ? len - LOOKAHEAD : 0;
    int32_t n = 0;
    size_t i = ws;
    int run = 0;
    /* a window may start in the middle of a line (a restart): is that line blank so far? */
    int line_blank =
        s->wrapped ? at_line_start(t, r->start > r->base ? r->start - r->base : 0, ws) : 1;
    *complete = 0;
    *more = 0;
    s->nmarks = 0;
    s->mark_oom = 0;
    while (i < stop) {
        if (n >= cap)
            break;
        /* the common case first: printable ASCII and spaces, in a tight loop */
        if (t[i] >= 0x20 && t[i] < 0x7F) {
            size_t room = (size_t)(cap - n);
            size_t end = stop - i < room ? stop : i + room;
            int stored = 0;
            do {
                unsigned char a = t[i];
                if (a == ' ') {
                    if (run < RUN_MAX) {
                        u[n] = ' ';
                        off[n++] = (uint32_t)(i - ws);
                        run++;
                    }
                    i++;
                    continue;
                }
                unsigned m = ascii_marks[a];
                if (m && ((m & MARK_AFTER_SPACE) ? run > 0
                                                 : (m & MARK_ALWAYS) || (n > 0 && u[n - 1] == '.')))
                    note_mark(s, n);
                u[n] = a;
                off[n++] = (uint32_t)(i - ws);
                i++;
                run = 0;
                stored = 1;
            } while (i < end && t[i] >= 0x20 && t[i] < 0x7F);
            if (stored)
                line_blank = 0;
            continue;
        }
        /* then runs of letters of two bytes (Cyrillic, Greek) and three (kana, kanji)
           that are neither spaces, digits, dashes nor ellipses */
        if (t[i] >= 0xC2 && t[i] <= 0xEF) {
            size_t j = i;
            uint32_t f = cc_utf8_decode(t, &j);
            if (plain_letter(f)) {
                if (n > 0 && u[n - 1] == '.' && cc_uc_is_upper(f))
                    note_mark(s, n);
                for (;;) {
                    u[n] = (cc_uchar)f;
                    off[n++] = (uint32_t)(i - ws);
                    i = j;
                    if (i >= stop || n >= cap || t[i] < 0xC2 || t[i] > 0xEF)
                        break;
                    f = cc_utf8_decode(t, &j);
                    if (!plain_letter(f))
                        break;
                }
                run = 0;
                line_blank = 0;
                continue;
            }
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
            int wb = s->wrapped && c != 0x0C && c != 0x2029
                         ? wrapped_para_break(t, len, r->eof, ci, i - ci, line_blank)
                         : 1;
            if (wb < 0) {
                *more = 1;
                return r->base + ci;
            }
            if (!s->wrapped) {
                unit = (c == 0x0B || c == 0x0C) ? '\n' : (cc_uchar)c;
                para = 1;
            } else if (wb) {
                unit = '\n';
                para = 1;
            } else {
                unit = ' ';
            }
            put_unit(s, &n, unit, rel, &run);
            if (n > 0 && is_hard_newline(s->u[n - 1]))
                note_mark(s, n - 1); /* a paragraph starts after it: a list? */
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
            if (is_ellipsis(c) || (run > 0 && (is_digit_unit(c) || is_dash(c))) ||
                (n > 0 && s->u[n - 1] == '.' && cc_uc_is_upper(c)))
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
    if (!*complete && i >= stop) {
        if (r->eof) {
            *complete = 1;
        } else if (n < s->window - 2) {
            *more = 1; /* the whole text would have gone on filling this window */
            return r->base + i;
        }
    }
    s->off[n] = (uint32_t)(i - ws);
    s->u[n] = 0;
    *n_out = n;
    return r->base + i;
}

static void run_init(seg_run *r, concord_segment_cb cb, concord_segment_text_cb tcb, void *payload)
{
    memset(r, 0, sizeof(*r));
    r->para_start = 1;
    r->cb = cb;
    r->tcb = tcb;
    r->payload = payload;
}

/*
 * Segment what the bytes at hand (r->buf, r->base, r->len, r->eof) decide:
 * every window they hold whole. With eof, the rest of the text, up to its
 * last segment.
 */
static int run_step(concord_segmenter *s, seg_run *r)
{
    int rc;
    if (r->base == 0 && r->ws == 0) {
        /* the first bytes: skip a byte-order mark */
        if (r->len < 3 && !r->eof)
            return 0;
        const unsigned char *t = (const unsigned char *)r->buf;
        if (r->len >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF)
            r->start = r->ws = r->decided = r->last = 3;
    }
    while (r->ws < r->base + r->len) {
        int32_t n;
        int complete, more;
        size_t ws = r->ws;
        size_t we = fill_window(s, r, &n, &complete, &more);
        if (more)
            return 0;
        window w = {s->u, n, r->para_start, 0, 0, r->carried};
        /* first unit past `decided` */
        if (r->decided > ws) {
            /* the unit at `decided`: windows start and stop on character boundaries */
            while (w.lo < n && ws + s->off[w.lo] < r->decided)
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
            if (brk && (rc = emit(r, ws + s->off[c->pos])) < 0)
                return rc;
        }
        if (complete) {
            r->decided = r->ws = we;
            r->para_start = 1;
            memset(&r->carried, 0, sizeof(r->carried));
        } else {
            r->decided = ws + s->off[hi];
            /* re-read some context before the first undecided position (it is at hand:
               a full window holds far more than CONTEXT_CHARS before hi) */
            const unsigned char *t = (const unsigned char *)r->buf;
            size_t floor = r->start > r->base ? r->start - r->base : 0;
            size_t back = r->decided - r->base;
            for (int i = 0; i < CONTEXT_CHARS && back > floor; i++)
                back = cc_utf8_prev(t, back);
            back += r->base;
            /* the brackets still open at `back`, for the next window */
            int32_t bu = hi;
            while (bu > 0 && ws + s->off[bu] > back)
                bu--;
            quote_state q = r->carried; /* the state at the start of this window */
            quote_scan(s->u, 0, bu, &q);
            r->carried = q;
            r->para_start = back == r->start;
            r->ws = back;
        }
    }
    if (r->eof)
        return emit(r, r->base + r->len);
    return 0;
}

int concord_segmenter_run(concord_segmenter *s, const char *text, size_t len, concord_segment_cb cb,
                          void *payload)
{
    int rc;
    if (len > 0 && (rc = concord_text_validate(text, len)) < 0)
        return rc;
    seg_run r;
    run_init(&r, cb, NULL, payload);
    r.buf = text;
    r.len = len;
    r.eof = 1;
    return run_step(s, &r);
}

/* Bytes read at a time, and kept at least before a window is made again. */
#define READ_BYTES (1u << 20)

int concord_segmenter_run_reader(concord_segmenter *s, concord_read_fn reader, void *reader_ud,
                                 concord_segment_text_cb cb, void *payload)
{
    int rc = 0;
    char *buf = NULL;
    size_t cap = 0, n = 0; /* buf[0..n): the text from r.base on, as read */
    concord_text_check chk = CONCORD_TEXT_CHECK_INIT;
    seg_run r;
    run_init(&r, NULL, cb, payload);
    r.at = (cc_textpos)CC_TEXTPOS_INIT;
    /* new bytes that make a window worth trying: a full one needs at most 3 per unit */
    size_t step = 4 * (size_t)s->window, fresh = 0;
    while (!r.eof) {
        if ((rc = cc_grow((void **)&buf, &cap, n + READ_BYTES, 1)) < 0)
            goto done;
        size_t got = 0;
        if (reader(buf + n, &got, READ_BYTES, reader_ud) != 0) {
            rc = cc_error_set(CONCORD_EUSER, "reading the text stopped (by the reader)");
            goto done;
        }
        if (got > READ_BYTES) {
            rc = cc_error_set(CONCORD_EINVAL, "the reader returned more than it was asked for");
            goto done;
        }
        /* nothing past an invalid byte is read or segmented */
        if ((rc = got ? concord_text_check_more(&chk, buf + n, got)
                      : concord_text_check_end(&chk)) < 0)
            goto done;
        n += got;
        fresh += got;
        if (got && fresh < step)
            continue;
        fresh = 0;
        r.eof = got == 0;
        r.buf = buf;
        r.len = chk.valid - r.base; /* not a sequence cut at the end */
        if ((rc = run_step(s, &r)) < 0)
            goto done;
        /* keep the current segment, the next window and the line it starts in */
        size_t keep = r.last < r.ws ? r.last : r.ws;
        while (keep > r.base && (buf[keep - r.base - 1] == ' ' || buf[keep - r.base - 1] == '\t'))
            keep--;
        if (keep > r.base)
            keep = r.base + cc_utf8_prev((const unsigned char *)buf, keep - r.base);
        /* a segment that has not ended, or spaces a window still waits on, past the limit */
        if (n - (keep - r.base) > CONCORD_SEGMENT_MAX_BYTES + READ_BYTES) {
            size_t from = r.last - r.base;
            while (from < n && cc_is_space((unsigned char)buf[from]))
                from++;
            rc = from == n ? too_long(&r, r.last - r.base, 1) : too_long(&r, from, 0);
            goto done;
        }
        size_t drop = keep - r.base;
        if (drop) {
            cc_textpos_advance(&r.at, buf, drop);
            memmove(buf, buf + drop, n - drop);
            n -= drop;
            r.base = keep;
        }
    }
done:
    cc_free(buf);
    return rc;
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
    if (cc_grow((void **)&a->items, &a->cap, a->count + 1, sizeof(*a->items)) < 0) {
        a->failed = 1;
        return 1;
    }
    a->items[a->count++] = *sg;
    return 0;
}

int concord_segmenter_split(concord_segment **out, size_t *count, concord_segmenter *s,
                            const char *text, size_t len)
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
