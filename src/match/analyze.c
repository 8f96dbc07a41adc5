/*
 * analyze.c — the analysis of a document against the TM: every segment in
 * a band by its best match, as project managers quote from.
 */
#include <stdlib.h>
#include <string.h>

#include "match/match_internal.h"

const char *concord_band_name(int band)
{
    static const char *const names[] = {"101%",   "repetitions", "100%",   "95-99%",
                                        "85-94%", "75-84%",      "50-74%", "no match"};
    return band >= 0 && band < CONCORD_NBANDS ? names[band] : "?";
}

static int band_of(int score)
{
    if (score > 100)
        return CONCORD_BAND_CONTEXT;
    if (score == 100)
        return CONCORD_BAND_EXACT;
    if (score >= 95)
        return CONCORD_BAND_95;
    if (score >= 85)
        return CONCORD_BAND_85;
    if (score >= 75)
        return CONCORD_BAND_75;
    if (score >= 50)
        return CONCORD_BAND_50;
    return CONCORD_BAND_NONE;
}

static size_t characters(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if ((b & 0xC0) != 0x80 && b != ' ' && b != '\t' && b != '\n' && b != '\r')
            c++;
    }
    return c;
}

static uint64_t text_hash(const char *s, size_t n)
{
    return cc_hash(CC_HASH_INIT, s, n) | 1; /* 0 marks an empty slot */
}

void concord_analysis_free(concord_analysis *a)
{
    if (!a)
        return;
    cc_free(a->segments);
    cc_free(a);
}

int concord_matcher_analyze(concord_analysis **out, concord_matcher *m, const char *text,
                            size_t len, const concord_analyze_options *opts)
{
    static const concord_analyze_options defaults = CONCORD_ANALYZE_OPTIONS_INIT;
    int rc;
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if ((rc = cc_version_check(opts->version, CONCORD_ANALYZE_OPTIONS_VERSION, "analyze options")) <
        0)
        return rc;
    concord_segmenter_options so = CONCORD_SEGMENTER_OPTIONS_INIT;
    so.lang = cc_matcher_from(m);
    so.wrapped = opts->wrapped;
    concord_segmenter *seg;
    if ((rc = concord_segmenter_new(&seg, &so)) < 0)
        return rc;
    concord_segment *segs = NULL;
    size_t n = 0;
    rc = concord_segmenter_split(&segs, &n, seg, text, len);
    concord_segmenter_free(seg);
    if (rc < 0)
        return rc;
    concord_analysis *a = cc_calloc(1, sizeof(*a));
    uint64_t *seen = cc_calloc(n * 2 + 2, sizeof(*seen)); /* open addressing: text hashes */
    if (!a || !seen || (n && !(a->segments = cc_calloc(n, sizeof(*a->segments))))) {
        rc = cc_error_oom();
        goto done;
    }
    size_t cap = n * 2 + 2;
    concord_lookup_options lo = CONCORD_LOOKUP_OPTIONS_INIT;
    lo.min_score = 50;
    lo.max_matches = 1;
    for (size_t i = 0; i < n; i++) {
        const char *s = text + segs[i].start;
        size_t sl = segs[i].end - segs[i].start;
        concord_analysis_segment *x = &a->segments[i];
        x->start = segs[i].start;
        x->end = segs[i].end;
        x->score = -1;
        x->characters = characters(s, sl);
        if ((rc = cc_count_words(cc_matcher_tokenizer(m), s, sl, &x->words)) < 0)
            goto done;
        uint64_t h = text_hash(s, sl);
        size_t k = h % cap;
        int repeated = 0;
        while (seen[k] && !(repeated = seen[k] == h))
            k = (k + 1) % cap;
        if (repeated) {
            x->band = CONCORD_BAND_REPETITION;
        } else {
            seen[k] = h;
            lo.prev = i > 0 ? text + segs[i - 1].start : NULL;
            lo.prev_len = i > 0 ? segs[i - 1].end - segs[i - 1].start : 0;
            lo.next = i + 1 < n ? text + segs[i + 1].start : NULL;
            lo.next_len = i + 1 < n ? segs[i + 1].end - segs[i + 1].start : 0;
            concord_matches *ms;
            if ((rc = concord_matcher_lookup(&ms, m, s, sl, &lo)) < 0)
                goto done;
            if (ms->n)
                x->score = ms->v[0].score;
            concord_matches_free(ms);
            x->band = band_of(x->score);
        }
        concord_band_count *b = &a->bands[x->band];
        b->segments++;
        b->words += x->words;
        b->characters += x->characters;
        a->total.segments++;
        a->total.words += x->words;
        a->total.characters += x->characters;
        if (opts->progress)
            opts->progress(i + 1, n, opts->ud);
    }
    a->nsegments = n;
    *out = a;
    a = NULL;
    rc = 0;
done:
    concord_analysis_free(a);
    cc_free(seen);
    concord_free(segs);
    return rc;
}
