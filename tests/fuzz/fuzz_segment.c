/*
 * fuzz_segment.c — the segmenter in each language with built-in rules and
 * without: the first byte of the input chooses the language (en, ru, ja,
 * de, fr, und), whether the text is wrapped, and the size of the pieces a
 * reader hands out; the rest is the text. The text is split whole
 * (concord_segmenter_split()) and read in pieces
 * (concord_segmenter_run_reader()), which must give the same segments
 * (segment.h says so), each keeping the invariants of segment.h.
 * The twelve segmenters are made once; segmenting does not change them.
 */
#include "fuzz_common.h"
#include "../unit/pieces.h"

static const char *const langs[] = {"en", "ru", "ja", "de", "fr", "und"};
#define NLANGS (sizeof langs / sizeof *langs)
static concord_segmenter *segs[NLANGS][2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < NLANGS; i++)
        for (int w = 0; w < 2; w++) {
            concord_segmenter_options o = CONCORD_SEGMENTER_OPTIONS_INIT;
            o.lang = langs[i];
            o.wrapped = w;
            if (concord_segmenter_new(&segs[i][w], &o) < 0)
                abort();
        }
    return 0;
}

typedef struct expect {
    const concord_segment *v;
    size_t n, i;
    const char *text;
} expect;

static int on_segment(const concord_segment *s, const char *bytes, void *ud)
{
    expect *e = ud;
    FUZZ_CHECK(e->i < e->n, "the reader gives more segments than split (%zu)", e->n);
    FUZZ_CHECK(s->start == e->v[e->i].start && s->end == e->v[e->i].end,
               "segment %zu: the reader gives [%zu, %zu), split [%zu, %zu)", e->i, s->start, s->end,
               e->v[e->i].start, e->v[e->i].end);
    FUZZ_CHECK(memcmp(bytes, e->text + s->start, s->end - s->start) == 0,
               "segment %zu: the reader's bytes differ", e->i);
    e->i++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned b = data[0];
    concord_segmenter *seg = segs[(b & 7) % NLANGS][(b >> 3) & 1];
    static const size_t sizes[] = {1, 2, 3, 7, 64, 4096, 65536, 1 << 20};
    size_t piece = sizes[b >> 5];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    concord_segment *v = NULL;
    size_t n = 0;
    int rc = concord_segmenter_split(&v, &n, seg, text, len);
    if (rc < 0) {
        FUZZ_CHECK(rc == CONCORD_EENCODING, "split: %s", concord_error_last()->message);
        FUZZ_CHECK(concord_text_validate(text, len) < 0, "split refuses valid UTF-8");
        return 0;
    }
    fuzz_check_segments(v, n, text, len);

    pieces r = PIECES(text, len, piece);
    expect e = {v, n, 0, text};
    rc = concord_segmenter_run_reader(seg, pieces_read, &r, on_segment, &e);
    FUZZ_CHECK(rc == 0, "the reader fails where split does not: %s", concord_error_last()->message);
    FUZZ_CHECK(e.i == n, "the reader gives %zu segments, split %zu", e.i, n);
    concord_free(v);
    return 0;
}
