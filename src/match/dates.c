/*
 * dates.c — is a number part of a date, and is that date otherwise the same?
 *
 * Lookup offers the stored translation with the query's numbers put in
 * (score.c, cc_substitute_numbers). For a number inside a date that is only
 * right when the rest of the date agrees: stored "March 27" -> "27 марта"
 * and the query "June 28" would give "28 марта", a plausible translation
 * with a wrong date, which is worse than none. So each differing number is
 * looked at with the date around it, in the query and in the stored source:
 * the shape of the date (numbers, the month named, separators, Japanese
 * 年月日) must be the same in both, with the number in the same place, or
 * nothing is substituted.
 *
 * Dates are recognised on the matcher's tokens (src/text/tokens.c):
 *   month [.] day|year [, year]      June 27 · Mar. 27 · June 27, 2024 · марте 2019
 *   day [.] month [.] [year]         27 марта 2019 · 27. März · 27 févr. 2024
 *   number 年|月|日 ...              2024年6月27日 · 6月27日
 *   n sep n sep n  (sep / - .)       2024-06-27 · 27/06/2024 · 27. 6. 2024
 *   n / n                            06/27
 * with month names and abbreviations of English, Russian (every case:
 * марта, марте, мар.), German and French. ICU keeps "27.06.2024" in one
 * number token, which is substituted whole and needs no check.
 */
#include <string.h>

#include "match/match_internal.h"

/* ---- month names ------------------------------------------------------------ */

/*
 * The names and abbreviations of each month, case folded, separated by
 * spaces: English, German (with Austrian Jänner, Feber), French (also
 * without accents, as plain ASCII text writes them), Russian abbreviations.
 */
static const char *const month_words[12] = {
    "january jan januar jänner jän janvier janv янв",
    "february feb februar feber février fevrier févr fevr fév fev фев февр",
    "march mar märz mär mrz mars мар",
    "april apr avril avr апр",
    "may mai",
    "june jun juni juin июн",
    "july jul juli juillet juil июл",
    "august aug août aout авг",
    "september sep sept septembre сен сент",
    "october oct oktober okt octobre окт",
    "november nov novembre ноя нояб",
    "december dec dezember dez décembre decembre déc дек",
};

/* Russian month names: a stem and the endings of its declension. */
typedef struct ru_month {
    const char *stem;
    const char *const *endings;
    int month;
} ru_month;

static const char *const soft[] = {"ь", "я", "ю", "ём", "ем", "е", NULL}; /* январь */
static const char *const hard[] = {"", "а", "у", "ом", "е", NULL};        /* март */
static const char *const may[] = {"й", "я", "ю", "ем", "е", NULL};        /* май */

static const ru_month ru_months[] = {
    {"январ", soft, 1},   {"феврал", soft, 2},  {"март", hard, 3},   {"апрел", soft, 4},
    {"ма", may, 5},       {"июн", soft, 6},     {"июл", soft, 7},    {"август", hard, 8},
    {"сентябр", soft, 9}, {"октябр", soft, 10}, {"ноябр", soft, 11}, {"декабр", soft, 12},
};

/* The month (1..12) that a case-folded word names, or 0. */
static int month_of(const char *w, size_t n)
{
    for (int m = 0; m < 12; m++)
        for (const char *p = month_words[m]; *p;) {
            size_t k = strcspn(p, " ");
            if (k == n && memcmp(p, w, n) == 0)
                return m + 1;
            p += k + (p[k] == ' ');
        }
    for (size_t i = 0; i < CC_ARRAY_LEN(ru_months); i++) {
        size_t sl = strlen(ru_months[i].stem);
        if (n < sl || memcmp(w, ru_months[i].stem, sl) != 0)
            continue;
        for (const char *const *e = ru_months[i].endings; *e; e++)
            if (strlen(*e) == n - sl && memcmp(w + sl, *e, n - sl) == 0)
                return ru_months[i].month;
    }
    return 0;
}

/* ---- the date around a token ---------------------------------------------------- */

/* What a date is made of, in order: the shape compared between query and source. */
#define MAX_PARTS 8
enum { PART_NUMBER = -1, PART_MONTH = 0 /* + month */ };

typedef struct shape {
    int part[MAX_PARTS]; /* PART_NUMBER, PART_MONTH + m, or a separator's code point */
    int n;
    int number_at; /* the index among the parts of the number asked about */
} shape;

static const cc_token *tok(const cc_seq *s, size_t t)
{
    return &s->tok.v[t];
}

static const char *norm(const cc_seq *s, size_t t)
{
    return s->tok.norm.data + s->tok.v[t].norm;
}

static int digits(const cc_seq *s, size_t t, size_t lo, size_t hi)
{
    const cc_token *k = tok(s, t);
    if (k->kind != CC_TOK_NUMBER || k->norm_len < lo || k->norm_len > hi)
        return 0;
    for (size_t i = 0; i < k->norm_len; i++)
        if (norm(s, t)[i] < '0' || norm(s, t)[i] > '9')
            return 0;
    return 1;
}

static int is_day(const cc_seq *s, size_t t)
{
    return t < s->tok.n && digits(s, t, 1, 2);
}

static int is_year(const cc_seq *s, size_t t)
{
    return t < s->tok.n && digits(s, t, 4, 4);
}

static int month_at(const cc_seq *s, size_t t)
{
    if (t >= s->tok.n || tok(s, t)->kind != CC_TOK_WORD)
        return 0;
    return month_of(norm(s, t), tok(s, t)->norm_len);
}

/* Is token t the punctuation mark c (ASCII, or the UTF-8 of a CJK unit)? */
static int is_mark(const cc_seq *s, size_t t, const char *c)
{
    if (t >= s->tok.n)
        return 0;
    const cc_token *k = tok(s, t);
    return (k->kind == CC_TOK_PUNCT || k->kind == CC_TOK_CJK) && k->norm_len == strlen(c) &&
           memcmp(norm(s, t), c, k->norm_len) == 0;
}

static int spaced(const cc_seq *s, size_t t)
{
    return (tok(s, t)->flags & CC_TOKF_SPACE) != 0;
}

/* A full stop glued to the token before it (an abbreviation, a German ordinal)? */
static int glued_dot(const cc_seq *s, size_t t)
{
    return is_mark(s, t, ".") && !spaced(s, t);
}

static void add(shape *sh, int part, size_t t, size_t want)
{
    if (part == PART_NUMBER && t == want)
        sh->number_at = sh->n;
    if (sh->n < MAX_PARTS)
        sh->part[sh->n++] = part;
}

/*
 * The date starting at token p, if one does: its end (exclusive) and shape
 * (with the place of token `want` among its numbers). 0 if none.
 */
static size_t date_at(const cc_seq *s, size_t p, size_t want, shape *sh)
{
    size_t t = p;
    int m;
    sh->n = 0;
    sh->number_at = -1;
    if ((m = month_at(s, p)) != 0) { /* June 27[, 2024] · March 2024 */
        t = p + 1;
        if (glued_dot(s, t))
            t++;
        if (is_day(s, t)) {
            add(sh, PART_MONTH + m, p, want);
            add(sh, PART_NUMBER, t, want);
            t++;
            if (is_mark(s, t, ",") && is_year(s, t + 1)) {
                add(sh, ',', t, want);
                add(sh, PART_NUMBER, t + 1, want);
                t += 2;
            }
            return t;
        }
        if (is_year(s, t)) {
            add(sh, PART_MONTH + m, p, want);
            add(sh, PART_NUMBER, t, want);
            return t + 1;
        }
        return 0;
    }
    if (is_day(s, p)) {
        /* 27 марта [2019] · 27. März [2024] */
        t = p + 1;
        if (glued_dot(s, t))
            t++;
        if ((m = month_at(s, t)) != 0) {
            add(sh, PART_NUMBER, p, want);
            add(sh, PART_MONTH + m, t, want);
            t++;
            if (glued_dot(s, t))
                t++;
            if (is_year(s, t)) {
                add(sh, PART_NUMBER, t, want);
                t++;
            }
            return t;
        }
    }
    if (p < s->tok.n && tok(s, p)->kind == CC_TOK_NUMBER) {
        /* 2024年6月27日: numbers each followed by 年, 月 or 日 */
        static const char *const units[] = {"年", "月", "日"};
        t = p;
        for (;;) {
            size_t u = 0;
            while (u < 3 && !is_mark(s, t + 1, units[u]))
                u++;
            if (t >= s->tok.n || tok(s, t)->kind != CC_TOK_NUMBER || u == 3 ||
                (t > p && spaced(s, t)))
                break;
            add(sh, PART_NUMBER, t, want);
            add(sh, 0x5E74 + (int)u, t + 1, want); /* distinct codes for 年, 月, 日 */
            t += 2;
        }
        if (t > p)
            return t;
        /* 2024-06-27 · 27/06/2024 · 27. 6. 2024 · 06/27 */
        static const char *const seps[] = {"/", "-", "."};
        for (size_t k = 0; k < 3; k++) {
            size_t e = p;
            int parts = 1;
            while (parts < 3 && is_mark(s, e + 1, seps[k]) && !spaced(s, e + 1) &&
                   e + 2 < s->tok.n && tok(s, e + 2)->kind == CC_TOK_NUMBER &&
                   (k == 2 || !spaced(s, e + 2)))
                e += 2, parts++;
            if (parts == 3 || (parts == 2 && k == 0 && is_day(s, p) && is_day(s, p + 2))) {
                for (size_t i = p; i <= e; i += 2) {
                    add(sh, PART_NUMBER, i, want);
                    if (i < e)
                        add(sh, seps[k][0], i + 1, want);
                }
                return e + 1;
            }
        }
    }
    return 0;
}

/*
 * The shape of the date that token t (a number) belongs to: the longest
 * date covering it. A number outside any date has the shape of one number.
 */
static void shape_of(const cc_seq *s, size_t t, shape *out)
{
    size_t best = 0;
    out->n = 1;
    out->part[0] = PART_NUMBER;
    out->number_at = 0;
    for (size_t p = t > 6 ? t - 6 : 0; p <= t; p++) {
        shape sh;
        size_t e = date_at(s, p, t, &sh);
        if (e > t && e - p > best && sh.number_at >= 0) {
            best = e - p;
            *out = sh;
        }
    }
}

int cc_date_differs(const cc_seq *q, size_t qi, const cc_seq *s, size_t sj)
{
    shape a, b;
    shape_of(q, q->word[qi], &a);
    shape_of(s, s->word[sj], &b);
    if (a.n != b.n || a.number_at != b.number_at)
        return 1;
    for (int i = 0; i < a.n; i++)
        if (a.part[i] != b.part[i])
            return 1;
    return 0;
}
