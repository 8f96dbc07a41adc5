/*
 * concord/match.h — fuzzy lookup in a translation memory.
 *
 * A matcher looks up segments of one language (`from`) in a TM and returns
 * the closest stored segments with their translations into another (`to`),
 * each with a score:
 *
 *   fuzzy = floor(100 * (1 - d / max(nq, ns)))
 *
 * where nq and ns are the numbers of word tokens of the query and of the
 * stored segment, and d is the edit distance between the two token
 * sequences (insert, delete and substitute one token cost 1). Tokens are
 * ICU words after NFC, case folding and width folding; Japanese and Chinese
 * characters are a token each; all numbers compare equal here (see the
 * numbers penalty); punctuation and spaces are not word tokens. Then
 * penalties are taken off, one point each (docs/matching.md has examples):
 *
 *   case          a word differs only in case or width ("Tokyo", "TOKYO", "Ｔｏｋｙｏ")
 *   punctuation   punctuation or spacing differs
 *   numbers       one point per number that differs; the translation with
 *                 the query's numbers is offered when they can be placed
 *   codes         the stored segment has inline codes (formatting) the query lacks
 *   alternatives  the stored source has several different translations
 *
 *   score = max(0, fuzzy - penalties)
 *
 * 100 means the same text after normalization with nothing to penalize.
 * 101 is a 100 whose context also matches: the segment before (or after)
 * the query in its document is the source of the unit stored before (or
 * after) this one from the same file.
 *
 * Lookup goes through an inverted index of the tokens kept in the TM file,
 * built for a language the first time a matcher is opened for it and
 * brought up to date after each import. It returns exactly the matches that
 * scoring every unit of the TM would give at or above the threshold (the
 * `exhaustive` option does that scan, to check it).
 */
#ifndef CONCORD_MATCH_H
#define CONCORD_MATCH_H

#include <stdint.h>

#include "concord/common.h"
#include "concord/segment.h"
#include "concord/tm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct concord_matcher concord_matcher;

/*
 * Open a matcher on tm for lookups from language `from` to language `to`
 * (BCP 47; "en" also takes en-US and en-GB, "en-US" takes en-US and its
 * longer forms such as en-US-x-twain, not en; case does not matter). It brings
 * the index of `from` up to date when it can (which writes to the TM file;
 * a TM open read-only, or locked by an import for long, is then searched
 * with the index it has plus a scan of the units added since).
 *
 * Returns 0; CONCORD_EINVAL for a malformed tag; CONCORD_EUNSUPPORTED when
 * the TM has no segment in `from` or in `to` (the message lists the
 * language pairs it has); store errors. The TM must outlive the matcher.
 */
CONCORD_API int concord_matcher_open(concord_matcher **out, concord_tm *tm, const char *from,
                                     const char *to);
CONCORD_API void concord_matcher_close(concord_matcher *m);

#define CONCORD_LOOKUP_OPTIONS_VERSION 1

typedef struct concord_lookup_options {
    unsigned int version; /* CONCORD_LOOKUP_OPTIONS_VERSION */
    int min_score;        /* the threshold, 0 to 101 (default 70) */
    size_t max_matches;   /* at most this many matches, best first (default 5; 0: all) */
    int exhaustive;       /* nonzero: score every unit instead of using the index */
    /* The segments before and after the query in its document, or NULL (for 101). */
    const char *prev, *next;
    size_t prev_len, next_len;
} concord_lookup_options;

#define CONCORD_LOOKUP_OPTIONS_INIT                                                                \
    {                                                                                              \
        CONCORD_LOOKUP_OPTIONS_VERSION, 70, 5, 0, NULL, NULL, 0, 0                                 \
    }

typedef enum concord_penalty_kind {
    CONCORD_PENALTY_CASE = 1,
    CONCORD_PENALTY_PUNCTUATION,
    CONCORD_PENALTY_NUMBERS,
    CONCORD_PENALTY_CODES,
    CONCORD_PENALTY_ALTERNATIVES
} concord_penalty_kind;

typedef struct concord_penalty {
    int kind;   /* concord_penalty_kind */
    int points; /* taken off the fuzzy score */
} concord_penalty;

/* "case", "punctuation", "numbers", "codes", "alternatives" (or "?"). */
CONCORD_API const char *concord_penalty_name(int kind);

typedef enum concord_diff_kind {
    CONCORD_DIFF_EQUAL = 0, /* the same words in both */
    CONCORD_DIFF_INSERT,    /* words of the query the stored source lacks */
    CONCORD_DIFF_DELETE,    /* words of the stored source the query lacks */
    CONCORD_DIFF_REPLACE    /* words of the stored source that the query has otherwise */
} concord_diff_kind;

/*
 * One step of the difference from the stored source to the query: byte
 * ranges [start, end) of words in each, in order. The side that has no
 * words (an insert's source, a delete's query) is an empty range where the
 * other side's words go: right after its previous word when they come last
 * or after a space only (stored "discussed." and the query "discussed
 * today." insert at the end of "discussed", before the stop), otherwise
 * before its next word. The gaps between steps (spaces, punctuation) belong
 * to no step.
 */
typedef struct concord_diff_op {
    int kind; /* concord_diff_kind */
    size_t query_start, query_end;
    size_t source_start, source_end;
} concord_diff_op;

typedef struct concord_match {
    int score; /* 0 to 101, penalties taken off */
    int fuzzy; /* the score before penalties */
    int64_t unit;
    const char *source_lang, *target_lang; /* the stored tags */
    const char *source, *target;           /* plain text, NUL-terminated */
    size_t source_len, target_len;
    /* the target with the query's numbers in place of the stored ones, or NULL */
    const char *target_numbers;
    const concord_penalty *penalties;
    size_t npenalties;
    const concord_diff_op *diff;
    size_t ndiff;
    /* where it came from: tuid, TMX file, tool, newest date (each may be NULL) */
    const char *tuid, *file, *tool, *date;
} concord_match;

typedef struct concord_matches {
    concord_match *v; /* best first: score, then fuzzy, then the newest unit */
    size_t n;
    size_t candidates; /* units scored (for the curious and for benchmarks) */
} concord_matches;

/*
 * Look up text[0..len) (valid UTF-8). *out gets the matches at or above
 * opts->min_score (free with concord_matches_free; also when there are
 * none). A query of more than CONCORD_LOOKUP_MAX_WORDS words is
 * CONCORD_ELIMIT; invalid UTF-8 is CONCORD_EENCODING with the offset.
 */
#define CONCORD_LOOKUP_MAX_WORDS 1000
CONCORD_API int concord_matcher_lookup(concord_matches **out, concord_matcher *m, const char *text,
                                       size_t len, const concord_lookup_options *opts);
CONCORD_API void concord_matches_free(concord_matches *ms);

/* ---- concordance --------------------------------------------------------------- */

typedef struct concord_hit_variant {
    const char *lang, *text;
} concord_hit_variant;

typedef struct concord_hit {
    int64_t unit;
    const char *lang, *text;           /* the variant with the phrase (plain text) */
    size_t start, end;                 /* the phrase in text: byte offsets, end exclusive */
    const concord_hit_variant *others; /* the unit's other variants, in stored order */
    size_t nothers;
    const char *tuid, *file; /* may be NULL */
} concord_hit;

typedef struct concord_hits {
    concord_hit *v; /* newest unit first */
    size_t n;
    int more; /* there are hits beyond the max asked for */
} concord_hits;

/*
 * Find the segments in language `lang` (BCP 47; "en" takes en-US too) that
 * contain `phrase` (valid UTF-8): its words in that order, compared as
 * lookup compares them (NFC, case and width folded; Japanese by
 * character), with only spaces and punctuation between. At most max hits
 * (0: all). Goes through the index of `lang`, brought up to date as
 * concord_matcher_open() does. Returns 0; CONCORD_EINVAL for a malformed
 * tag or a phrase without words; CONCORD_ELIMIT for a phrase of more than
 * CONCORD_LOOKUP_MAX_WORDS words; store errors.
 */
CONCORD_API int concord_concordance_search(concord_hits **out, concord_tm *tm, const char *lang,
                                           const char *phrase, size_t len, size_t max);
CONCORD_API void concord_hits_free(concord_hits *hits);

/* ---- analysis ---------------------------------------------------------------- */

/* The bands of an analysis, in the order reports show them. */
typedef enum concord_band {
    CONCORD_BAND_CONTEXT = 0, /* 101: a 100 whose neighbour segment matches too */
    CONCORD_BAND_REPETITION,  /* the same text earlier in the document (not looked up again) */
    CONCORD_BAND_EXACT,       /* 100 */
    CONCORD_BAND_95,          /* 95 to 99 */
    CONCORD_BAND_85,          /* 85 to 94 */
    CONCORD_BAND_75,          /* 75 to 84 */
    CONCORD_BAND_50,          /* 50 to 74 */
    CONCORD_BAND_NONE,        /* below 50 */
    CONCORD_NBANDS
} concord_band;

/* "101%", "repetitions", "100%", "95-99%", "85-94%", "75-84%", "50-74%", "no match". */
CONCORD_API const char *concord_band_name(int band);

typedef struct concord_band_count {
    size_t segments;
    size_t words;      /* as ICU's word break rules count them (Japanese: dictionary words) */
    size_t characters; /* code points that are not spaces */
} concord_band_count;

typedef struct concord_analysis_segment {
    size_t start, end; /* byte offsets into the document, end exclusive */
    int band;          /* concord_band */
    int score;         /* the best match's score, or -1 (no match at 50 or above, repetition) */
    size_t words, characters;
} concord_analysis_segment;

typedef struct concord_analysis {
    concord_band_count bands[CONCORD_NBANDS];
    concord_band_count total;
    concord_analysis_segment *segments; /* in document order */
    size_t nsegments;
} concord_analysis;

#define CONCORD_ANALYZE_OPTIONS_VERSION 2

typedef struct concord_analyze_options {
    unsigned int version; /* CONCORD_ANALYZE_OPTIONS_VERSION */
    int wrapped;          /* the document is hard-wrapped (see concord_segmenter_options) */
    /*
     * Called after each segment (may be NULL) with the segments done and
     * their total, or 0 for the total when it is not known (a document read
     * in pieces).
     */
    void (*progress)(size_t done, size_t total, void *ud);
    void *ud;
    /*
     * Version 2. Called with each segment as it is analyzed, in order (may be
     * NULL). When set, segments are not kept in the result (its `segments`
     * is NULL), so that memory does not grow with the document. Return 0 to
     * go on, nonzero to stop (CONCORD_EUSER).
     */
    int (*segment)(const concord_analysis_segment *seg, void *ud);
} concord_analyze_options;

#define CONCORD_ANALYZE_OPTIONS_INIT                                                               \
    {                                                                                              \
        CONCORD_ANALYZE_OPTIONS_VERSION, 0, NULL, NULL, NULL                                       \
    }

/*
 * Segment document text[0..len) (valid UTF-8) in the matcher's source
 * language and sort every segment into a band by its best match in the TM
 * (the first occurrence of a repeated segment is looked up, the others are
 * repetitions). *out is freed with concord_analysis_free(). Returns 0, or
 * the errors of the segmenter and of lookup.
 */
CONCORD_API int concord_matcher_analyze(concord_analysis **out, concord_matcher *m,
                                        const char *text, size_t len,
                                        const concord_analyze_options *opts);

/*
 * The same for a document read in pieces from `reader` (see concord_read_fn),
 * with the segments, offsets and counts concord_matcher_analyze() gives for
 * the whole text. The document is validated as it is read (as
 * concord_segmenter_run_reader() does), and memory does not grow with it
 * beyond 8 bytes per distinct segment (to find repetitions), plus the list
 * of segments in the result unless opts->segment takes them.
 */
CONCORD_API int concord_matcher_analyze_reader(concord_analysis **out, concord_matcher *m,
                                               concord_read_fn reader, void *reader_ud,
                                               const concord_analyze_options *opts);

/*
 * The analysis of an XLIFF (1.x, 2.x) or gettext PO file (told by content):
 * every source segment of a unit to translate, whatever its state (an XLIFF
 * segment; a PO msgid and msgid_plural), is one segment of the analysis, not
 * segmented again; the PO header, obsolete entries and translate="no" units
 * are not counted. Segment offsets are where the segment's element or
 * keyword starts in the file. Streaming, as the readers are. Errors: those of
 * the readers (file, line and column), CONCORD_EINVAL for a file that is
 * neither, and those of lookup.
 */
CONCORD_API int concord_matcher_analyze_doc(concord_analysis **out, concord_matcher *m,
                                            const char *path, const concord_analyze_options *opts);
CONCORD_API void concord_analysis_free(concord_analysis *a);

#ifdef __cplusplus
}
#endif

#endif
