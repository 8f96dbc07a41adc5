/*
 * concord/text.h — text helpers shared by every command: UTF-8 validation,
 * positions (line and column) for messages, and language detection.
 *
 * Policy on invalid input: concord never repairs text silently. Text that is
 * not well-formed UTF-8 (overlong forms, surrogates, code points above
 * U+10FFFF, truncated sequences) or that contains a NUL byte is rejected with
 * CONCORD_EENCODING and the byte offset, line and column of the first bad byte.
 */
#ifndef CONCORD_TEXT_H
#define CONCORD_TEXT_H

#include "concord/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Check that text[0..len) is well-formed UTF-8 without NUL bytes.
 * Returns 0, or CONCORD_EENCODING with the error's offset, line and column set
 * to the first offending byte (the error's file is NULL; callers that read a
 * file print their own name in front).
 *
 *     if (concord_text_validate(buf, n) < 0) {
 *         const concord_error *e = concord_error_last();
 *         fprintf(stderr, "%s:%lu:%lu: %s\n", path, e->line, e->column, e->message);
 *     }
 */
CONCORD_API int concord_text_validate(const char *text, size_t len);

/*
 * Validation of a text that arrives in pieces (a file read block by block),
 * with the policy and the messages of concord_text_validate(): the error's
 * offset, line and column count from the start of the whole text, so that
 * a reader can stop at the first bad byte without reading further. A
 * sequence cut by the end of a piece is completed by the next one. The
 * struct belongs to the caller; `valid`, `line` and `column` may be read.
 *
 *     concord_text_check chk = CONCORD_TEXT_CHECK_INIT;
 *     while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
 *         if (concord_text_check_more(&chk, buf, n) < 0)
 *             ... report concord_error_last() and stop reading ...
 *     if (concord_text_check_end(&chk) < 0)
 *         ... the text ends in the middle of a sequence ...
 */
#define CONCORD_TEXT_CHECK_VERSION 1

typedef struct concord_text_check {
    unsigned int version;       /* CONCORD_TEXT_CHECK_VERSION */
    size_t valid;               /* bytes so far known to be well-formed (not a cut sequence) */
    unsigned long line, column; /* the position of byte `valid` (1-based) */
    /* private: the bytes of a sequence cut by the end of the last piece; a CR came last */
    unsigned char pending[3];
    unsigned char npending, cr;
} concord_text_check;

#define CONCORD_TEXT_CHECK_INIT                                                                    \
    {                                                                                              \
        CONCORD_TEXT_CHECK_VERSION, 0, 1, 1, {0, 0, 0}, 0, 0                                       \
    }

/*
 * Check the next piece of the text. Returns 0, or CONCORD_EENCODING as
 * concord_text_validate() does (positions from the start of the whole text);
 * after an error the check is over. CONCORD_EINVAL for an unknown version.
 */
CONCORD_API int concord_text_check_more(concord_text_check *chk, const char *piece, size_t len);

/* The text has ended: CONCORD_EENCODING if it ends in the middle of a sequence, else 0. */
CONCORD_API int concord_text_check_end(concord_text_check *chk);

/*
 * The 1-based line and column (in code points) of byte offset `offset` in
 * text[0..len). Lines end at LF, CR LF or a lone CR. An offset past the end
 * is clamped to len. Either output pointer may be NULL.
 */
CONCORD_API void concord_text_position(unsigned long *line, unsigned long *column, const char *text,
                                       size_t len, size_t offset);

/*
 * Guess the language of a text from the script of its letters, the same way
 * in every command: the script with the most letters among the first 64 KiB
 * wins; Hiragana, Katakana and Han count as Japanese ("ja", each as three
 * letters, since one carries about as much text as three Latin letters), Cyrillic as
 * Russian ("ru"), anything else (including no letters at all) gives "en".
 * Returns a static string. The text need not be valid UTF-8 (bad bytes are
 * skipped).
 */
CONCORD_API const char *concord_lang_detect(const char *text, size_t len);

/*
 * Check that `tag` is a well-formed BCP 47 language tag ("en", "ru-RU",
 * "zh-Hant-TW", "ja", "und", "qaa", "x-house", "i-klingon") and write its
 * canonical form (language lower case, script title case, region upper case,
 * everything after a singleton lower case: "EN-us" -> "en-US") into
 * out[0..outsize), NUL-terminated. Well-formed is the grammar of RFC 5646;
 * the registry is not consulted, so unassigned codes ("xx") pass. A language
 * subtag of 4 to 8 letters (reserved, never registered) is refused, so that
 * "english" is reported. Either '-' or '_' may separate subtags. Returns 0,
 * CONCORD_EINVAL for a malformed tag, or CONCORD_ELIMIT if out is too small
 * (64 bytes is always enough for the tags we accept).
 */
CONCORD_API int concord_lang_canonicalize(char *out, size_t outsize, const char *tag);

#ifdef __cplusplus
}
#endif

#endif
