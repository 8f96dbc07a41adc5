/*
 * concord/glossary.h — termbases and terminology checks.
 *
 * A glossary holds concepts; a concept holds terms in several languages, each
 * with a status (preferred, admitted, deprecated, forbidden) and a way to be
 * recognized in running text (exact, stemmed, by a stem marker such as
 * "Курил|ы", or by an explicit list of forms). Concepts can be paired: two
 * names of one disputed place ("Southern Kurils" / "Northern Territories"),
 * which style profiles require together at the first mention.
 *
 * Glossaries are read from TBX (2008 "martif" and TBX v3 2019, Basic and Min,
 * DCA and DCT styles), CSV/TSV (a header row of language codes; Translate
 * Toolkit's po2csv columns; OmegaT's tab format) and concord's own text
 * format (docs/glossary-format.md, which also gives the readers' limits:
 * CONCORD_ELIMIT at the file, line and column), and written back out as
 * TBX 2, TBX 3, TSV or CSV for other tools (concord_glossary_export(), with
 * concord_glossary_export_rules() for what those formats cannot hold). A checker
 * runs the rules of a glossary over documents and gives findings, each with a
 * stable rule id, a severity, a position and, where one is safe, a fix.
 *
 *     concord_glossary *g;
 *     concord_checker *c;
 *     concord_findings *f;
 *     if (concord_glossary_new(&g) < 0 || concord_glossary_load(g, "places.glossary") < 0 ||
 *         concord_checker_new(&c, g, NULL) < 0 ||
 *         concord_checker_check_text(&f, c, "article.md", text, len, NULL) < 0)
 *         ... concord_error_last() ...
 *     for (size_t i = 0; i < f->n; i++)
 *         printf("%s:%lu:%lu: %s [%s]\n", f->v[i].file, f->v[i].line, f->v[i].column,
 *                f->v[i].message, f->v[i].rule);
 *     concord_findings_free(f);
 *     concord_checker_free(c);
 *     concord_glossary_free(g);
 */
#ifndef CONCORD_GLOSSARY_H
#define CONCORD_GLOSSARY_H

#include <stddef.h>

#include "concord/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct concord_glossary concord_glossary;

/* Make an empty glossary. *out belongs to the caller: concord_glossary_free(). */
CONCORD_API int concord_glossary_new(concord_glossary **out);

/* Release a glossary. NULL is a no-op. Checkers made from it must be freed first. */
CONCORD_API void concord_glossary_free(concord_glossary *g);

/*
 * Add the concepts of a glossary file to g. The format comes from the
 * extension: .tbx (TBX 2008 or 2019, told apart by the root element), .csv,
 * .tsv and .tab (and .txt and .utf8, OmegaT's names for its tab format),
 * .glossary (concord's text format); a file whose content starts with '<'
 * is read as TBX whatever its name. Any encoding with a BOM (UTF-8, UTF-16),
 * and what an XML declaration says for TBX. A TBX file is streamed, never
 * held whole; what one entry may hold is limited (CONCORD_ELIMIT at the
 * element; the limits are in docs/glossary-format.md).
 *
 * Bad input is CONCORD_EPARSE (or CONCORD_EENCODING) with the file, line and
 * column in concord_error_last(): malformed XML, a TBX that breaks its
 * dialect's structure, a term that is empty or only punctuation, an unknown
 * status or option, a rule that names a concept that does not exist; a
 * documented limit passed (a term over 16 KiB, a CSV row of more than 1024
 * columns, ...: docs/glossary-format.md) is CONCORD_ELIMIT there. A load
 * that leaves g with no term at all is CONCORD_EPARSE too ("no terms"): a
 * check against an empty glossary would pass silently. On error g is left as
 * it was, whatever the load had added or amended before it failed (a load is
 * staged and takes effect only when it succeeds).
 *
 * Loads add up: a .glossary file may name the concepts of a file loaded
 * before it (a TBX entry's id) to give them a side, pair them, or amend one
 * of their terms (a term line with the same language and text changes that
 * term's status and options instead of adding a second term).
 */
CONCORD_API int concord_glossary_load(concord_glossary *g, const char *path);

/*
 * As concord_glossary_load(), from memory; `name` is used in messages and to
 * choose the format by extension.
 */
CONCORD_API int concord_glossary_load_memory(concord_glossary *g, const char *name,
                                             const char *data, size_t len);

/*
 * The languages of the source and target columns of a CSV/TSV glossary that
 * names none: OmegaT's headerless tab format (source, target, comment) and
 * Translate Toolkit's po2csv layout ("location","source","target"). Set
 * before concord_glossary_load(); without them such a file is CONCORD_EPARSE
 * ("no header row of language codes", "a Translate Toolkit header ... names
 * no languages"). Returns CONCORD_EINVAL for a tag that is not BCP 47.
 */
CONCORD_API int concord_glossary_set_langs(concord_glossary *g, const char *source,
                                           const char *target);

/* What a glossary holds, for `concord check --stats` and tests. */
typedef struct concord_glossary_stats {
    unsigned int version; /* CONCORD_GLOSSARY_STATS_VERSION, set by the caller (_INIT) */
    size_t concepts;
    size_t terms;
    size_t languages;
    size_t pairs;
    size_t profiles;
} concord_glossary_stats;

#define CONCORD_GLOSSARY_STATS_VERSION 1
#define CONCORD_GLOSSARY_STATS_INIT                                                                \
    {                                                                                              \
        CONCORD_GLOSSARY_STATS_VERSION, 0, 0, 0, 0, 0                                              \
    }

/*
 * Fill *out (whose version the caller set, e.g. with CONCORD_GLOSSARY_STATS_INIT)
 * with the counts of g. Returns 0, or CONCORD_EINVAL for a version this
 * library does not know.
 *
 *     concord_glossary_stats st = CONCORD_GLOSSARY_STATS_INIT;
 *     if (concord_glossary_stats_get(&st, g) == 0)
 *         printf("%zu concepts\n", st.concepts);
 */
CONCORD_API int concord_glossary_stats_get(concord_glossary_stats *out, const concord_glossary *g);

/* ---- export ---------------------------------------------------------------- */

/* The formats a glossary is written in (concord_glossary_export()). */
typedef enum concord_glossary_format {
    CONCORD_GLOSSARY_TBX2 = 1, /* TBX 2008 (ISO 30042:2008) <martif>, TBX-Basic shape */
    CONCORD_GLOSSARY_TBX3 = 2, /* TBX v3 (ISO 30042:2019) <tbx type="TBX-Basic" style="dca"> */
    CONCORD_GLOSSARY_TSV = 3,  /* tab-separated, a header row of columns (docs/glossary.md) */
    CONCORD_GLOSSARY_CSV = 4   /* RFC 4180, the same columns */
} concord_glossary_format;

/*
 * The format a name gives ("tbx2", "tbx3", "tsv", "csv", any case) into
 * *out. Returns 0, or CONCORD_EINVAL for another name.
 */
CONCORD_API int concord_glossary_format_parse(concord_glossary_format *out, const char *name);

/*
 * Write the concepts of g in format fmt, UTF-8, through write(data, len, ud)
 * (called many times; the bytes come in order). Loading the result with
 * concord_glossary_load() gives back every concept with its id and note, and
 * each of its terms in order with its language, text, status, part of
 * speech, note and `variant` flag, except what the format has no place for:
 *  - TBX 2 and TBX 3 write TBX-Basic's data categories only, so a forbidden
 *    term is written deprecatedTerm-admn-sts (TBX-Basic's strongest "do not
 *    use"), and TBX 3 writes a part of speech outside TBX-Basic's picklist
 *    (noun, verb, adjective, adverb, other) as nothing;
 *  - no format holds concord's own data: sides, pairs (TBX links the two
 *    concepts of a pair with a crossReference, for other tools; concord's
 *    reader does not take those for pairs), shapes, profiles,
 *    rule settings, stem markers ("Курил|ы"), forms, exceptions, `case`,
 *    `exact` and `stem`.
 * concord_glossary_export_rules() writes exactly that remainder as a
 * .glossary to load after the export. *concepts_out (optional) receives the
 * number of concepts written. Returns 0, CONCORD_EINVAL for an unknown fmt,
 * CONCORD_EUSER if write() returned nonzero, CONCORD_ENOMEM.
 *
 *     static int to_file(const char *d, size_t n, void *ud)
 *     { return fwrite(d, 1, n, ud) != n; }
 *     ...
 *     if (concord_glossary_export(NULL, g, CONCORD_GLOSSARY_TBX2, to_file, f) < 0)
 *         ... concord_error_last() ...
 */
CONCORD_API int concord_glossary_export(size_t *concepts_out, const concord_glossary *g,
                                        concord_glossary_format fmt, concord_write_fn write,
                                        void *ud);

/*
 * Write, in concord's text format (docs/glossary-format.md), what an export
 * of g in fmt does not hold (see concord_glossary_export()): the default
 * profile, each concept's side, its terms' stem markers, forms, exceptions,
 * `case`, `exact`, `stem` (and, for TBX, a forbidden status; for TBX 3, a
 * part of speech outside TBX-Basic's picklist) as term lines that amend the
 * export's terms, the pairs, shapes, profiles and rule settings. Loading the
 * export and then this file gives back g as it was:
 *
 *     concord check -g places.tbx -g places.rules.glossary article.md
 *
 * Written even when nothing is left (a comment then). A concept without an
 * id of its own ("#3") cannot be named by a later file, nor a term whose
 * text holds ';' (the format's separator) be amended: either with something
 * to amend is CONCORD_EUNSUPPORTED naming it. Other returns as for
 * concord_glossary_export().
 */
CONCORD_API int concord_glossary_export_rules(const concord_glossary *g,
                                              concord_glossary_format fmt, concord_write_fn write,
                                              void *ud);

/* ---- checking ------------------------------------------------------------ */

typedef enum concord_severity {
    CONCORD_SEVERITY_NOTE = 0,
    CONCORD_SEVERITY_WARNING = 1,
    CONCORD_SEVERITY_ERROR = 2
} concord_severity;

/* The lowercase name of a severity: "note", "warning", "error". */
CONCORD_API const char *concord_severity_name(concord_severity s);

/*
 * One finding. Positions are 1-based; `column` counts code points, and
 * `byte_column` bytes (UTF-8) from the start of the line. For a TMX file the
 * line is that of the <tuv> and the columns are 1. Every string is borrowed
 * from the findings list that holds it.
 */
typedef struct concord_finding {
    const char *file;
    unsigned long line, column, byte_column;
    unsigned long end_line, end_column, end_byte_column; /* end exclusive */
    size_t start, end; /* byte offsets of the span in the checked text */
    const char *rule;  /* stable id, e.g. "forbidden-term" (see docs/check.md) */
    concord_severity severity;
    const char *message; /* one line */
    const char *concept; /* the concept's id, or NULL */
    const char *lang;    /* the language of the checked text */
    const char *fix;     /* the replacement for [start, end), or NULL if no safe fix */
} concord_finding;

typedef struct concord_findings {
    concord_finding *v;
    size_t n;
} concord_findings;

/* Release a findings list. NULL is a no-op. */
CONCORD_API void concord_findings_free(concord_findings *f);

/* Rule ids, severities and descriptions, for reporters (SARIF's rule table). */
typedef struct concord_rule_info {
    const char *id;
    concord_severity severity; /* the default; a glossary may change it */
    const char *summary;       /* one sentence */
} concord_rule_info;

/* The table of rules, terminated by an entry whose id is NULL; static storage. */
CONCORD_API const concord_rule_info *concord_rule_table(void);

typedef struct concord_check_options {
    unsigned int version;  /* CONCORD_CHECK_OPTIONS_VERSION */
    const char *profile;   /* style profile; NULL: the glossary's default, else "neutral-news" */
    const char *from, *to; /* languages: NULL = detect text per file; TMX: both sides' defaults;
                              XLIFF, PO: where the file does not say */
    /* Version 2. XLIFF, PO: also check unconfirmed translations (PO fuzzy,
       XLIFF needs-review-*); by default only translated ones are checked. */
    int check_fuzzy;
} concord_check_options;

/* Version 1: profile, from, to. Version 2 adds check_fuzzy. */
#define CONCORD_CHECK_OPTIONS_VERSION 2
#define CONCORD_CHECK_OPTIONS_INIT                                                                 \
    {                                                                                              \
        CONCORD_CHECK_OPTIONS_VERSION, NULL, NULL, NULL, 0                                         \
    }

typedef struct concord_checker concord_checker;

/*
 * A checker for glossary g (borrowed: keep g alive and unchanged while the
 * checker lives). opts may be NULL. CONCORD_EINVAL names an unknown profile.
 */
CONCORD_API int concord_checker_new(concord_checker **out, const concord_glossary *g,
                                    const concord_check_options *opts);

CONCORD_API void concord_checker_free(concord_checker *c);

/*
 * Check a document: plain text, or Markdown when `name` ends in .md or
 * .markdown (code blocks, inline code, link targets and HTML comments are not
 * checked), a paragraph at a time: a term or a paired name's shape never
 * runs over an empty line, while the first mention of a pair and the
 * spellings of a concept are the whole document's. lang NULL: the checker's
 * `from`, else detected from the script. Lines holding
 * "concord-ignore-next-line" (optionally followed by rule ids) silence the
 * findings of the next line. text must be valid UTF-8 (CONCORD_EENCODING with
 * the byte offset otherwise). A TMX document, told by its content, is
 * CONCORD_EUNSUPPORTED (at its root element): see concord_checker_check_tmx().
 *
 * An XLIFF (1.x, 2.x) or gettext PO document, told by its content, is checked
 * as a bilingual file: each translated segment (with check_fuzzy, unconfirmed
 * ones too; never translate="no", the PO header, obsolete entries) gets the
 * bilingual rules (the source's concept needs a term in the target; one
 * source translated differently) and the target the term and paired-name
 * rules, the first mention of a pair counted in the order of the units. The
 * source languages: the file's, else `from`, else en (PO); the target's: the
 * file's, else `to`, else detected. Positions are the exact place in the
 * file's bytes (start and end are file offsets), inside multi-line PO
 * strings and after escape sequences and character references; a fix is
 * offered only where the file's bytes are the text itself, so that applying
 * it (concord_checker_fix()) changes a target and nothing else. text may be
 * in the file's own charset (PO charset, XML encoding). *out is sorted by
 * position and belongs to the caller.
 */
CONCORD_API int concord_checker_check_text(concord_findings **out, concord_checker *c,
                                           const char *name, const char *text, size_t len,
                                           const char *lang);

/*
 * Check the XLIFF or PO file at path as concord_checker_check_text() checks
 * such a document in memory, streaming: memory does not grow with the file
 * (only with the findings). CONCORD_EINVAL for a file that is neither.
 */
CONCORD_API int concord_checker_check_doc(concord_findings **out, concord_checker *c,
                                          const char *path);

/*
 * Check the units of a TMX file: every variant for forbidden and deprecated
 * terms; each pair of the `from` and `to` languages (defaults: the unit's
 * source language and every other) for the bilingual term rule; and the file
 * for one source translated in different ways.
 */
CONCORD_API int concord_checker_check_tmx(concord_findings **out, concord_checker *c,
                                          const char *path);

/* ---- term recognition ------------------------------------------------------ */

typedef enum concord_term_status {
    CONCORD_TERM_PREFERRED = 0,
    CONCORD_TERM_ADMITTED = 1,
    CONCORD_TERM_DEPRECATED = 2,
    CONCORD_TERM_FORBIDDEN = 3
} concord_term_status;

/* How a stretch of text matched its term. */
typedef enum concord_term_match {
    CONCORD_TERM_MATCH_EXACT = 0, /* the term as written, case and width folded */
    CONCORD_TERM_MATCH_STEM = 1,  /* inflected: by Snowball stems or a stem marker
                                     ("Южных Курилах" for "Южные Курилы") */
    CONCORD_TERM_MATCH_FORM = 2   /* one of the forms the glossary lists for the term */
} concord_term_match;

/* A glossary term found in a text. Every string is borrowed from the list that holds it. */
typedef struct concord_term_hit {
    size_t start, end;   /* byte offsets of the span in the text, end exclusive */
    const char *concept; /* the concept's id ("#N" for one without an id of its own) */
    const char *term;    /* the term as the glossary writes it (stem markers removed) */
    const char *lang;    /* the term's language, canonical BCP 47 ("en-GB") */
    concord_term_status status;
    concord_term_match match;
} concord_term_hit;

typedef struct concord_term_hits {
    concord_term_hit *v;
    size_t n;
} concord_term_hits;

/*
 * Which terms of the checker's glossary stand in text[0..len), and where:
 * the recognizer the checks use (case and width folding, Snowball stems,
 * stem markers, forms and exceptions, Japanese and Chinese without spaces),
 * so an editor or a server shows what concord check would see. lang NULL:
 * the checker's `from`, else detected from the script; the terms of that
 * language (any region) are looked for. The text is plain text (no Markdown
 * masking, no suppression markers), valid UTF-8 (CONCORD_EENCODING with the
 * byte offset otherwise), read a paragraph at a time as check reads it: a
 * term never spans an empty line. Hits are sorted by position and do not
 * overlap (the longest term wins, as in a check). *out belongs to the
 * caller: concord_term_hits_free().
 *
 *     concord_term_hits *h;
 *     if (concord_checker_find_terms(&h, c, text, len, "ru") == 0) {
 *         for (size_t i = 0; i < h->n; i++)
 *             printf("%zu-%zu %s (%s)\n", h->v[i].start, h->v[i].end, h->v[i].term,
 *                    h->v[i].concept);
 *         concord_term_hits_free(h);
 *     }
 */
CONCORD_API int concord_checker_find_terms(concord_term_hits **out, concord_checker *c,
                                           const char *text, size_t len, const char *lang);

/* Release a list of term hits. NULL is a no-op. */
CONCORD_API void concord_term_hits_free(concord_term_hits *h);

/*
 * Apply the fixes of the findings in text[0..len) to fixed point: each round
 * re-checks and applies the non-overlapping fixes, until none is left (at
 * most 8 rounds), so running it again changes nothing. *out (NUL-terminated)
 * belongs to the caller (concord_free); *nfixed counts the replacements.
 */
CONCORD_API int concord_checker_fix(char **out, size_t *out_len, size_t *nfixed, concord_checker *c,
                                    const char *name, const char *text, size_t len,
                                    const char *lang);

#ifdef __cplusplus
}
#endif

#endif
