/*
 * fuzz_srx.c — the SRX 2.0 reader (concord_segmenter_add_srx(), streamed
 * from memory) and the rules it builds: the input is the SRX document, added
 * to a new English segmenter; when it is accepted, the segmenter splits a
 * fixed sample text and the segments must keep the invariants of segment.h.
 * One segmenter per input, since rules added to one stay.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char text[] = "Dr. Smith arrived at 5 p.m. on Jan. 3. He left.\n"
                               "It costs $3.50, i.e. not much! Really? Yes...\n\n"
                               "Он приехал в 5 ч. утра. Т. е. рано.\n"
                               "彼は来た。「本当？」と聞いた。\n";
    concord_segmenter_options o = CONCORD_SEGMENTER_OPTIONS_INIT;
    o.lang = "en";
    concord_segmenter *seg = NULL;
    if (concord_segmenter_new(&seg, &o) < 0)
        abort();
    if (concord_segmenter_add_srx(seg, (const char *)data, size, "fuzz.srx") == 0) {
        concord_segment *v = NULL;
        size_t n = 0;
        FUZZ_CHECK(concord_segmenter_split(&v, &n, seg, text, sizeof text - 1) == 0, "split: %s",
                   concord_error_last()->message);
        fuzz_check_segments(v, n, text, sizeof text - 1);
        concord_free(v);
    } else {
        fuzz_sink += fuzz_touch(concord_error_last()->message);
    }
    concord_segmenter_free(seg);
    return 0;
}
