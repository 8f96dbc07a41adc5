/*
 * fuzz_check.c — the check rules, term recognition and fixes on a document:
 * the first byte of the input chooses the document's name (plain text or
 * Markdown), its language (detected, en, ru, ja, de) and the style profile
 * (neutral-news, uk-official, no-pairs) of the fixed glossary of
 * fuzz_common.h; the rest is the document. It is checked
 * (concord_checker_check_text(), which also sniffs PO, XLIFF and TMX), its
 * terms found (concord_checker_find_terms()) and its fixes applied
 * (concord_checker_fix()), twice when the language is given: the second fix
 * must change nothing (glossary.h says so; a detected language may change
 * with the fixes). Findings and hits must lie in the text, in order,
 * with the positions concord_text_position() gives.
 */
#include "fuzz_common.h"

static const char *const profiles[] = {"neutral-news", "uk-official", "no-pairs"};
#define NPROFILES (sizeof profiles / sizeof *profiles)
static concord_glossary *glossary;
static concord_checker *checkers[NPROFILES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (concord_glossary_new(&glossary) < 0 ||
        concord_glossary_load_memory(glossary, "fuzz.glossary", FUZZ_GLOSSARY,
                                     strlen(FUZZ_GLOSSARY)) < 0) {
        fprintf(stderr, "fuzz_check: %s\n", concord_error_last()->message);
        abort();
    }
    for (size_t i = 0; i < NPROFILES; i++) {
        concord_check_options o = CONCORD_CHECK_OPTIONS_INIT;
        o.profile = profiles[i];
        if (concord_checker_new(&checkers[i], glossary, &o) < 0) {
            fprintf(stderr, "fuzz_check: %s\n", concord_error_last()->message);
            abort();
        }
    }
    return 0;
}

static void check_findings(const concord_findings *f, const char *text, size_t len)
{
    size_t prev = 0;
    for (size_t i = 0; i < f->n; i++) {
        const concord_finding *x = &f->v[i];
        FUZZ_CHECK(x->start <= x->end && x->end <= len, "finding %zu [%zu, %zu) of %zu", i,
                   x->start, x->end, len);
        FUZZ_CHECK(x->start >= prev, "finding %zu at %zu is before %zu", i, x->start, prev);
        prev = x->start;
        FUZZ_CHECK(x->rule && x->message, "finding %zu has no rule or message", i);
        unsigned long line, column;
        concord_text_position(&line, &column, text, len, x->start);
        FUZZ_CHECK(line == x->line && column == x->column,
                   "finding %zu at %zu: %lu:%lu, but the text position is %lu:%lu", i, x->start,
                   x->line, x->column, line, column);
        concord_text_position(&line, &column, text, len, x->end);
        FUZZ_CHECK(line == x->end_line && column == x->end_column,
                   "finding %zu ending at %zu: %lu:%lu, but the text position is %lu:%lu", i,
                   x->end, x->end_line, x->end_column, line, column);
        fuzz_sink += fuzz_touch(x->file) + fuzz_touch(x->rule) + fuzz_touch(x->message) +
                     fuzz_touch(x->concept) + fuzz_touch(x->lang) + fuzz_touch(x->fix);
        if (x->fix)
            FUZZ_CHECK(concord_text_validate(x->fix, strlen(x->fix)) == 0,
                       "finding %zu: a fix that is not UTF-8", i);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"doc.txt", "doc.md", "doc.markdown", "doc"};
    static const char *const langs[] = {NULL, "en", "ru", "ja", "de", NULL, "en", "ru"};
    if (size == 0)
        return 0;
    unsigned b = data[0];
    const char *name = names[b & 3];
    const char *lang = langs[(b >> 2) & 7];
    concord_checker *c = checkers[(b >> 5) % NPROFILES];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    concord_findings *f = NULL;
    int rc = concord_checker_check_text(&f, c, name, text, len, lang);
    if (rc < 0) {
        /* EPARSE: bytes that read as PO or XLIFF are checked as such, and may be broken */
        FUZZ_CHECK(rc == CONCORD_EENCODING || rc == CONCORD_EUNSUPPORTED || rc == CONCORD_ELIMIT ||
                       rc == CONCORD_EPARSE,
                   "check: %d %s", rc, concord_error_last()->message);
        FUZZ_CHECK(f == NULL, "check failed but gave findings");
        return 0;
    }
    check_findings(f, text, len);
    concord_findings_free(f);

    concord_term_hits *h = NULL;
    rc = concord_checker_find_terms(&h, c, text, len, lang);
    FUZZ_CHECK(rc == 0, "find_terms fails where check does not: %s", concord_error_last()->message);
    size_t prev_end = 0;
    for (size_t i = 0; i < h->n; i++) {
        FUZZ_CHECK(h->v[i].start >= prev_end && h->v[i].start < h->v[i].end && h->v[i].end <= len,
                   "hit %zu [%zu, %zu) after %zu, of %zu", i, h->v[i].start, h->v[i].end, prev_end,
                   len);
        prev_end = h->v[i].end;
        fuzz_sink +=
            fuzz_touch(h->v[i].concept) + fuzz_touch(h->v[i].term) + fuzz_touch(h->v[i].lang);
    }
    concord_term_hits_free(h);

    char *fixed = NULL, *again = NULL;
    size_t fixed_len = 0, again_len = 0, nfixed = 0, nagain = 0;
    rc = concord_checker_fix(&fixed, &fixed_len, &nfixed, c, name, text, len, lang);
    FUZZ_CHECK(rc == 0, "fix fails where check does not: %s", concord_error_last()->message);
    FUZZ_CHECK(strlen(fixed) == fixed_len, "fix: a NUL inside, or a wrong length");
    FUZZ_CHECK(concord_text_validate(fixed, fixed_len) == 0, "fix makes invalid UTF-8");
    if (nfixed > 0 && lang) {
        rc = concord_checker_fix(&again, &again_len, &nagain, c, name, fixed, fixed_len, lang);
        FUZZ_CHECK(rc == 0, "fixing the fixed text fails: %s", concord_error_last()->message);
        FUZZ_CHECK(nagain == 0 && again_len == fixed_len && memcmp(again, fixed, fixed_len) == 0,
                   "fix is not idempotent: %zu more fixes", nagain);
    } else if (nfixed == 0) {
        FUZZ_CHECK(fixed_len == len && memcmp(fixed, text, len) == 0,
                   "no fix, yet the text changed");
    }
    concord_free(again);
    concord_free(fixed);
    return 0;
}
