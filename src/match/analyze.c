/*
 * analyze.c — the analysis of a document against the TM: every segment in
 * a band by its best match, as project managers quote from.
 *
 * Segments come one at a time from the segmenter, from a text in memory or
 * read in pieces; each is looked up once its successor is known (the
 * neighbours make 101% matches), so only two segments are held. What grows
 * with the document is the set of the segments seen (8 bytes each, for the
 * repetitions) and, unless the caller takes them one by one, the list of
 * segments in the result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
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

/* An analysis in progress. */
typedef struct an_run {
    concord_matcher *m;
    concord_analysis *a;
    size_t cap; /* of a->segments */
    /* the options: progress, and the segments one by one (or kept in a->segments) */
    void (*progress)(size_t done, size_t total, void *ud);
    int (*segment)(const concord_analysis_segment *seg, void *ud);
    void *ud;
    size_t total; /* segments, when known */
    /* the text hashes of the segments seen: open addressing, at most half full */
    uint64_t *seen;
    size_t nseen, capseen;
    /* the segment before the current one, and the current one, waiting for its successor */
    cc_buf prev, cur;
    concord_segment cur_at;
    int have_prev, have_cur;
    int rc;              /* the error that stopped the segmenter's callbacks ... */
    cc_error_copy error; /* ... and its message, which the segmenter overwrites */
} an_run;

/* The options, or the defaults for NULL, of a version this library knows. */
static int check_options(const concord_analyze_options **opts)
{
    static const concord_analyze_options defaults = CONCORD_ANALYZE_OPTIONS_INIT;
    if (!*opts)
        *opts = &defaults;
    return cc_version_check((*opts)->version, CONCORD_ANALYZE_OPTIONS_VERSION, "analyze options");
}

static void run_init(an_run *r, concord_matcher *m, const concord_analyze_options *opts)
{
    memset(r, 0, sizeof(*r));
    r->m = m;
    r->progress = opts->progress;
    r->segment = opts->version >= 2 ? opts->segment : NULL;
    r->ud = opts->ud;
}

/* Has a segment with hash h been seen? Records it if not. */
static int seen_before(an_run *r, uint64_t h, int *repeated)
{
    if ((r->nseen + 1) * 2 > r->capseen) {
        size_t cap = r->capseen ? r->capseen * 2 : 1024;
        uint64_t *v = cc_calloc(cap, sizeof(*v));
        if (!v)
            return cc_error_oom();
        for (size_t i = 0; i < r->capseen; i++)
            if (r->seen[i]) {
                size_t k = r->seen[i] % cap;
                while (v[k])
                    k = (k + 1) % cap;
                v[k] = r->seen[i];
            }
        cc_free(r->seen);
        r->seen = v;
        r->capseen = cap;
    }
    size_t k = h % r->capseen;
    *repeated = 0;
    while (r->seen[k] && !(*repeated = r->seen[k] == h))
        k = (k + 1) % r->capseen;
    if (!*repeated) {
        r->seen[k] = h;
        r->nseen++;
    }
    return 0;
}

/* Analyze the current segment, with its neighbours as context (next may be NULL). */
static int analyze_current(an_run *r, const char *next, size_t next_len)
{
    int rc;
    concord_analysis *a = r->a;
    const char *s = r->cur.data;
    size_t sl = r->cur.len;
    concord_analysis_segment x = {r->cur_at.start, r->cur_at.end, 0, -1, 0, characters(s, sl)};
    if ((rc = cc_count_words(cc_matcher_tokenizer(r->m), s, sl, &x.words)) < 0)
        return rc;
    int repeated;
    if ((rc = seen_before(r, text_hash(s, sl), &repeated)) < 0)
        return rc;
    if (repeated) {
        x.band = CONCORD_BAND_REPETITION;
    } else {
        concord_lookup_options lo = CONCORD_LOOKUP_OPTIONS_INIT;
        lo.min_score = 50;
        lo.max_matches = 1;
        lo.prev = r->have_prev ? r->prev.data : NULL;
        lo.prev_len = r->have_prev ? r->prev.len : 0;
        lo.next = next;
        lo.next_len = next_len;
        concord_matches *ms;
        if ((rc = concord_matcher_lookup(&ms, r->m, s, sl, &lo)) < 0)
            return rc;
        if (ms->n)
            x.score = ms->v[0].score;
        concord_matches_free(ms);
        x.band = band_of(x.score);
    }
    concord_band_count *b = &a->bands[x.band];
    b->segments++;
    b->words += x.words;
    b->characters += x.characters;
    a->total.segments++;
    a->total.words += x.words;
    a->total.characters += x.characters;
    if (r->segment) {
        if (r->segment(&x, r->ud) != 0)
            return cc_error_set(CONCORD_EUSER, "the analysis was stopped by the caller");
    } else {
        if ((rc = cc_grow((void **)&a->segments, &r->cap, a->nsegments + 1, sizeof(*a->segments))) <
            0)
            return rc;
        a->segments[a->nsegments++] = x;
    }
    if (r->progress)
        r->progress(a->total.segments, r->total, r->ud);
    return 0;
}

/* The segmenter's callback: the segment before this one can be analyzed now. */
static int on_segment(const concord_segment *sg, const char *text, void *payload)
{
    an_run *r = payload;
    size_t n = sg->end - sg->start;
    if (r->have_cur && (r->rc = analyze_current(r, text, n)) < 0) {
        cc_error_save(&r->error);
        return 1;
    }
    /* the current one becomes the previous, this one the current */
    cc_buf t = r->prev;
    r->prev = r->cur;
    r->cur = t;
    r->have_prev = r->have_cur;
    cc_buf_clear(&r->cur);
    if ((r->rc = cc_buf_append(&r->cur, text, n)) < 0) {
        cc_error_save(&r->error);
        return 1;
    }
    r->cur_at = *sg;
    r->have_cur = 1;
    return 0;
}

typedef struct mem_text {
    const char *text;
    an_run *r;
} mem_text;

static int on_segment_in_memory(const concord_segment *sg, void *payload)
{
    mem_text *t = payload;
    return on_segment(sg, t->text + sg->start, t->r);
}

static int count_segment(const concord_segment *sg, void *payload)
{
    CC_UNUSED(sg);
    (*(size_t *)payload)++;
    return 0;
}

/*
 * Analyze the text in memory (text != NULL) or from the reader. The
 * segmenter's own errors come back as they are; those of the lookups (which
 * stop it through its callback) as they were.
 */
static int analyze(concord_analysis **out, concord_matcher *m, const char *text, size_t len,
                   concord_read_fn reader, void *reader_ud, const concord_analyze_options *opts)
{
    int rc;
    *out = NULL;
    if ((rc = check_options(&opts)) < 0)
        return rc;
    concord_segmenter_options so = CONCORD_SEGMENTER_OPTIONS_INIT;
    so.lang = cc_matcher_from(m);
    so.wrapped = opts->wrapped;
    concord_segmenter *seg = NULL;
    an_run r;
    run_init(&r, m, opts);
    if ((rc = concord_segmenter_new(&seg, &so)) < 0)
        return rc;
    if (!(r.a = cc_calloc(1, sizeof(*r.a)))) {
        rc = cc_error_oom();
        goto done;
    }
    if (text) {
        /* the number of segments, for the progress (segmenting is cheap beside lookups) */
        if (opts->progress &&
            (rc = concord_segmenter_run(seg, text, len, count_segment, &r.total)) < 0)
            goto done;
        mem_text t = {text, &r};
        rc = concord_segmenter_run(seg, text, len, on_segment_in_memory, &t);
    } else {
        rc = concord_segmenter_run_reader(seg, reader, reader_ud, on_segment, &r);
    }
    if (r.rc < 0)
        rc = cc_error_restore(&r.error);
    if (rc == 0 && r.have_cur)
        rc = analyze_current(&r, NULL, 0);
    if (rc < 0)
        goto done;
    *out = r.a;
    r.a = NULL;
done:
    concord_segmenter_free(seg);
    concord_analysis_free(r.a);
    cc_free(r.seen);
    cc_buf_free(&r.prev);
    cc_buf_free(&r.cur);
    return rc;
}

int concord_matcher_analyze(concord_analysis **out, concord_matcher *m, const char *text,
                            size_t len, const concord_analyze_options *opts)
{
    return analyze(out, m, text ? text : "", len, NULL, NULL, opts);
}

int concord_matcher_analyze_reader(concord_analysis **out, concord_matcher *m,
                                   concord_read_fn reader, void *reader_ud,
                                   const concord_analyze_options *opts)
{
    return analyze(out, m, NULL, 0, reader, reader_ud, opts);
}

/*
 * An XLIFF or PO document: its units are segmented already, so each source
 * segment of a unit to translate is one analysed segment (a PO entry's msgid
 * and msgid_plural, an XLIFF segment), whatever its state; the header, obsolete
 * entries and translate="no" are not work.
 */
static int doc_unit(const cc_doc_unit *u, void *ud)
{
    an_run *r = ud;
    if (u->kind != CC_DOC_UNIT_NORMAL || !u->translate)
        return 0;
    for (size_t i = 0; i < u->npieces; i++) {
        const cc_doc_piece *p = &u->pieces[i];
        if (p->role != CC_DOC_SOURCE)
            continue;
        concord_segment sg = {(size_t)p->raw, (size_t)p->raw + p->len};
        if (on_segment(&sg, p->text, r) != 0)
            return r->rc;
    }
    return 0;
}

int concord_matcher_analyze_doc(concord_analysis **out, concord_matcher *m, const char *path,
                                const concord_analyze_options *opts)
{
    int rc;
    *out = NULL;
    if ((rc = check_options(&opts)) < 0)
        return rc;
    cc_doc_format fmt;
    if ((rc = cc_doc_sniff_file(path, &fmt)) < 0)
        return rc;
    if (fmt != CC_DOC_XLIFF && fmt != CC_DOC_PO)
        return cc_error_set_at(CONCORD_EINVAL, path, 0, 0, 0, "%s, not XLIFF or PO",
                               cc_doc_format_name(fmt));
    an_run r;
    run_init(&r, m, opts);
    if (!(r.a = cc_calloc(1, sizeof(*r.a))))
        return cc_error_oom();
    rc = fmt == CC_DOC_PO ? cc_doc_read_po(path, NULL, 0, doc_unit, &r)
                          : cc_doc_read_xliff(path, NULL, 0, doc_unit, &r);
    if (rc == 0 && r.have_cur)
        rc = analyze_current(&r, NULL, 0);
    if (rc == 0) {
        *out = r.a;
        r.a = NULL;
    }
    concord_analysis_free(r.a);
    cc_free(r.seen);
    cc_buf_free(&r.prev);
    cc_buf_free(&r.cur);
    return rc;
}
