/*
 * fuzz_text.c — the text helpers every command uses on user text (text.h):
 * UTF-8 validation whole (concord_text_validate()) and in pieces
 * (concord_text_check_more/_end(), pieces of a size the first byte chooses),
 * which must agree on the verdict and on the offset, line and column of the
 * first bad byte, which concord_text_position() must give too; language
 * detection; the canonical form of a language tag (the input up to its
 * first NUL), which must be canonical itself; and the TMX markup of the text
 * as a segment without codes.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t piece = (size_t)(data[0] & 15) + 1;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    int whole = concord_text_validate(text, len);
    concord_error e = *concord_error_last();
    if (whole < 0) {
        FUZZ_CHECK(whole == CONCORD_EENCODING && e.code == whole, "validate: %d", whole);
        FUZZ_CHECK(e.offset < len, "the bad byte at %zu of %zu", e.offset, len);
        unsigned long line, column;
        concord_text_position(&line, &column, text, len, e.offset);
        FUZZ_CHECK(line == e.line && column == e.column,
                   "bad byte at %zu: %lu:%lu, the text position is %lu:%lu", e.offset, e.line,
                   e.column, line, column);
    }
    concord_text_check chk = CONCORD_TEXT_CHECK_INIT;
    int rc = 0;
    for (size_t at = 0; at < len && rc == 0; at += piece)
        rc = concord_text_check_more(&chk, text + at, len - at < piece ? len - at : piece);
    if (rc == 0)
        rc = concord_text_check_end(&chk);
    FUZZ_CHECK((rc < 0) == (whole < 0), "validate says %d, in pieces %d", whole, rc);
    if (rc < 0) {
        const concord_error *p = concord_error_last();
        FUZZ_CHECK(p->offset == e.offset && p->line == e.line && p->column == e.column,
                   "bad byte at %zu %lu:%lu whole, at %zu %lu:%lu in pieces of %zu", e.offset,
                   e.line, e.column, p->offset, p->line, p->column, piece);
    } else {
        FUZZ_CHECK(chk.valid == len, "in pieces: %zu of %zu bytes valid", chk.valid, len);
    }

    fuzz_sink += fuzz_touch(concord_lang_detect(text, len));

    char *tag = fuzz_strndup((const uint8_t *)text, len);
    char canon[64], again[64];
    if (concord_lang_canonicalize(canon, sizeof canon, tag) == 0) {
        FUZZ_CHECK(strlen(canon) == strlen(tag), "'%s' canonical is '%s'", tag, canon);
        FUZZ_CHECK(concord_lang_canonicalize(again, sizeof again, canon) == 0 &&
                       strcmp(again, canon) == 0,
                   "'%s' canonical is '%s', whose canonical is '%s'", tag, canon, again);
    }
    free(tag);

    if (whole == 0) {
        char *markup = NULL;
        FUZZ_CHECK(concord_segment_to_tmx(&markup, text, len, NULL, 0) == 0, "segment_to_tmx");
        fuzz_sink += fuzz_touch(markup);
        concord_free(markup);
    }
    return 0;
}
