/*
 * match_internal.h — what the files of the matcher share: segments prepared
 * for scoring and the score (score.c), the index (index.c), and lookup
 * (lookup.c).
 */
#ifndef CC_MATCH_INTERNAL_H
#define CC_MATCH_INTERNAL_H

#include "base/base.h"
#include "concord/match.h"
#include "text/unicode.h"
#include "tm/tm_index.h"

/* Segments with more word tokens than this are not matched (queries: CONCORD_ELIMIT). */
#define CC_MAX_WORDS CONCORD_LOOKUP_MAX_WORDS

/* A segment cut into tokens, with the keys of its word tokens. */
typedef struct cc_seq {
    const char *text;
    size_t len;
    cc_tokens tok;
    uint32_t *word; /* indices into tok.v of the word tokens (WORD, NUMBER, CJK) */
    uint64_t *wkey; /* the key of each word token: its normalized form, every number alike */
    size_t nword;
    size_t cap;
} cc_seq;

#define CC_SEQ_INIT                                                                                \
    {                                                                                              \
        NULL, 0, CC_TOKENS_INIT, NULL, NULL, 0, 0                                                  \
    }

/* Tokenize text[0..len) into s (which keeps pointers into text). */
int cc_seq_prepare(cc_tokenizer *t, const char *text, size_t len, cc_seq *s);
void cc_seq_free(cc_seq *s);

/* The key of a word's normalized form (every number has the same key). */
uint64_t cc_word_key(int kind, const char *norm, size_t len);

/* Are word tokens i of a and j of b the same word (numbers: any two numbers)? */
int cc_same_word(const cc_seq *a, size_t i, const cc_seq *b, size_t j);

/* The fuzzy score for d edits between nq and ns words (see match.h). */
int cc_fuzzy(size_t d, size_t nq, size_t ns);

/*
 * Is the edit distance between key sequences q and s at most dmax? `row`
 * has room for ns + 1 cells. (The exhaustive scan's first pass.)
 */
int cc_keys_within(const uint64_t *q, size_t nq, const uint64_t *s, size_t ns, size_t dmax,
                   uint16_t *row);

/* Reusable work memory of the scorer. */
typedef struct cc_scorer {
    uint16_t *dp; /* (nq + 1) * (ns + 1) cells */
    size_t dpcap;
} cc_scorer;

void cc_scorer_free(cc_scorer *sc);

/* The result of scoring a stored segment against a query. */
typedef struct cc_score {
    int fuzzy, score;
    concord_penalty pen[5];
    size_t npen;
    concord_diff_op *diff; /* in the arena given */
    size_t ndiff;
    /* the number pairs that differ: word indices in query and source */
    size_t nnum;
    uint32_t *num_q, *num_s;
} cc_score;

/*
 * Score stored segment s (with ncodes inline codes) against query q. Returns
 * 1 with *r filled when the fuzzy score can reach min_fuzzy, 0 when it
 * cannot (r->fuzzy then holds no meaning), negative on error. The diff and
 * number pairs are allocated in a.
 */
int cc_score_seq(cc_scorer *sc, const cc_seq *q, const cc_seq *s, size_t ncodes, int min_fuzzy,
                 cc_arena *a, cc_score *r);

/*
 * The target with the query's numbers put in place of the source's, when
 * each differing source number occurs exactly once in the target and none
 * belongs to a date whose other parts differ (cc_date_differs): a string in
 * a, or NULL.
 */
const char *cc_substitute_numbers(const cc_seq *q, const cc_seq *s, const cc_score *r,
                                  const char *target, size_t target_len, cc_arena *a);

/*
 * Is number word qi of q, aligned with number word sj of s, part of a date
 * whose other parts differ between the two (another month, another order,
 * a year more)? The query's number would then make a wrong date in the
 * stored translation (dates.c).
 */
int cc_date_differs(const cc_seq *q, size_t qi, const cc_seq *s, size_t sj);

/* ---- lookup.c ---- */

/* The matcher's tokenizer and source language (for analyze.c). */
cc_tokenizer *cc_matcher_tokenizer(concord_matcher *m);
const char *cc_matcher_from(const concord_matcher *m);

/* ---- index.c ---- */

/*
 * The index key of a word in language lang, the primary subtag of the
 * language asked for (cc_lang_primary()): the index of "en" serves en-US too.
 */
uint64_t cc_index_key(const char *lang, uint64_t word_key);
#define CC_EMPTY_WORD_KEY 0x454d505459ULL /* "EMPTY": segments without words */

/*
 * Bring the index of lang up to date (see tm_index.h). Returns 0, or
 * CONCORD_EIO when the TM cannot be written now (read-only, or locked by an
 * import for more than wait_ms): the index is then left as it was.
 */
int cc_index_update(concord_tm *tm, cc_tokenizer *t, const char *lang, int wait_ms);

/* Decode a block of postings: call fn(unit, nwords) per entry; stops on nonzero. */
int cc_postings_decode(const void *data, size_t len,
                       int (*fn)(int64_t unit, uint32_t nwords, void *ud), void *ud);

#endif
