/*
 * concord/segment.h — the sentence segmenter.
 *
 * A segmenter splits UTF-8 text into the segments a translator works on:
 * sentences, headlines, bylines, list items. It runs ICU's sentence break
 * rules for the language and corrects them with concord's own rules for
 * English, Russian, Japanese, German and French (abbreviations, initials,
 * ordinal numbers, closing quotes, Japanese quotations, list markers, ...),
 * then with the user's SRX 2.0 rules, which take precedence over both.
 *
 * Paragraphs: by default every line break ends a segment. With the `wrapped`
 * option a single line break is a space and only blank lines end paragraphs.
 * Whitespace around segments belongs to no segment: each segment starts and
 * ends with a non-space character and empty segments are never reported.
 *
 *     concord_segmenter_options opts = CONCORD_SEGMENTER_OPTIONS_INIT;
 *     opts.lang = "ru";
 *     concord_segmenter *seg;
 *     if (concord_segmenter_new(&seg, &opts) < 0) ...
 *     concord_segment *list; size_t n;
 *     if (concord_segmenter_split(&list, &n, seg, text, len) == 0) {
 *         for (size_t i = 0; i < n; i++)
 *             printf("%.*s\n", (int)(list[i].end - list[i].start), text + list[i].start);
 *         concord_free(list);
 *     }
 *     concord_segmenter_free(seg);
 */
#ifndef CONCORD_SEGMENT_H
#define CONCORD_SEGMENT_H

#include "concord/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct concord_segmenter concord_segmenter;

/* One segment: byte offsets into the text given to the segmenter, end exclusive. */
typedef struct concord_segment {
    size_t start;
    size_t end;
} concord_segment;

#define CONCORD_SEGMENTER_OPTIONS_VERSION 1

typedef struct concord_segmenter_options {
    unsigned int version; /* CONCORD_SEGMENTER_OPTIONS_VERSION */
    /*
     * BCP 47 language tag, e.g. "en", "ru-RU", "ja". NULL means "en".
     * Built-in rules exist for en, ru, ja, de and fr (any region); any other
     * well-formed tag (see concord_lang_canonicalize(): "und", "qaa", "xx",
     * "x-house" too) gets ICU's rules for that language (ICU's root rules if
     * it has none) plus the language-independent corrections.
     */
    const char *lang;
    /* Nonzero: single line breaks are spaces, only blank lines end paragraphs. */
    int wrapped;
} concord_segmenter_options;

#define CONCORD_SEGMENTER_OPTIONS_INIT                                                             \
    {                                                                                              \
        CONCORD_SEGMENTER_OPTIONS_VERSION, NULL, 0                                                 \
    }

/*
 * Create a segmenter. `opts` may be NULL for the defaults. On success *out
 * belongs to the caller, who releases it with concord_segmenter_free().
 * Returns 0, CONCORD_EINVAL (malformed language tag or unknown options
 * version) or CONCORD_ENOMEM.
 */
CONCORD_API int concord_segmenter_new(concord_segmenter **out,
                                      const concord_segmenter_options *opts);

/* Release a segmenter; NULL is a no-op. */
CONCORD_API void concord_segmenter_free(concord_segmenter *seg);

/*
 * The canonical language tag the segmenter was made for ("en", "ru-RU", ...).
 * Borrowed; valid as long as the segmenter.
 */
CONCORD_API const char *concord_segmenter_lang(const concord_segmenter *seg);

/*
 * Add the rules of an SRX 2.0 file (docs/segment.md says which parts of SRX
 * are honoured). The language rules whose <languagemap> pattern matches the
 * segmenter's language are used, in SRX order and with SRX cascading; they
 * are consulted before the built-in rules, so a user's no-break rule can keep
 * two sentences together and a user's break rule can split anywhere. Several
 * files may be added; earlier files take precedence.
 *
 * The file is streamed, without network access and without entity
 * expansion. Returns 0, CONCORD_EIO, CONCORD_EPARSE (malformed XML, not SRX,
 * or an invalid regular expression; the error names the file, line and
 * column), CONCORD_ELIMIT (a file over the limits of docs/segment.md: 50,000
 * rules, ...), or CONCORD_ENOMEM. On error the segmenter is unchanged.
 */
CONCORD_API int concord_segmenter_add_srx_file(concord_segmenter *seg, const char *path);

/*
 * The same from memory: xml[0..len) is the SRX document; `name` is used in
 * messages in place of a file name (may be NULL).
 */
CONCORD_API int concord_segmenter_add_srx(concord_segmenter *seg, const char *xml, size_t len,
                                          const char *name);

/*
 * Called once per segment, in order. Return 0 to go on, nonzero to stop:
 * concord_segmenter_run() then returns CONCORD_EUSER.
 */
typedef int (*concord_segment_cb)(const concord_segment *segment, void *payload);

/*
 * Segment text[0..len) and call `cb` for each segment. A UTF-8 byte-order
 * mark at the start is skipped. The whole text is validated first, so the
 * callback is never called for text that is then rejected. Memory use does
 * not depend on the length of the text.
 * Returns 0, CONCORD_EENCODING (invalid UTF-8 or a NUL byte: the error gives
 * the byte offset, line and column), CONCORD_EUSER or CONCORD_ENOMEM.
 */
CONCORD_API int concord_segmenter_run(concord_segmenter *seg, const char *text, size_t len,
                                      concord_segment_cb cb, void *payload);

/*
 * Called once per segment by concord_segmenter_run_reader(): the segment's
 * offsets in the whole text, and its bytes, text[0..segment->end -
 * segment->start), borrowed for the time of the call. Return 0 to go on,
 * nonzero to stop (CONCORD_EUSER).
 */
typedef int (*concord_segment_text_cb)(const concord_segment *segment, const char *text,
                                       void *payload);

/* The longest segment concord_segmenter_run_reader() reads: 16 MiB. */
#define CONCORD_SEGMENT_MAX_BYTES (16u << 20)

/*
 * Segment a text read in pieces from `reader` (a file, a pipe) and call `cb`
 * for each segment, in order, as soon as it is known, with the same
 * segments and offsets as concord_segmenter_run() on the whole text. Memory
 * does not depend on the length of the text: about the longest segment
 * plus a few MiB. The text is validated as it is read and nothing past the
 * first invalid byte is read: CONCORD_EENCODING with the offset, line and
 * column in the whole text (segments before it may have been delivered:
 * none when it is in the first 256 KiB).
 * A segment longer than CONCORD_SEGMENT_MAX_BYTES (or a run of spaces that
 * long) is CONCORD_ELIMIT with the position where it starts. Returns 0,
 * CONCORD_EENCODING, CONCORD_ELIMIT, CONCORD_EUSER (the reader or cb
 * stopped) or CONCORD_ENOMEM.
 */
CONCORD_API int concord_segmenter_run_reader(concord_segmenter *seg, concord_read_fn reader,
                                             void *reader_ud, concord_segment_text_cb cb,
                                             void *payload);

/*
 * Segment text[0..len) into an array. On success *out is an array of *count
 * segments that belongs to the caller (release it with concord_free(); it is
 * NULL when *count is 0). Returns as concord_segmenter_run().
 */
CONCORD_API int concord_segmenter_split(concord_segment **out, size_t *count,
                                        concord_segmenter *seg, const char *text, size_t len);

#ifdef __cplusplus
}
#endif

#endif
