/*
 * recognize.h — the term recognizer (recognize.c): where a glossary's terms
 * of one language occur in a text.
 */
#ifndef CC_RECOGNIZE_H
#define CC_RECOGNIZE_H

#include "glossary/glossary_internal.h"
#include "text/unicode.h"

typedef struct cc_mention {
    size_t term;       /* index into g->terms */
    size_t tok, ntok;  /* the tokens it covers */
    size_t start, end; /* byte offsets in the text */
    int exact;         /* the words are the term as written (not a stem, prefix or form) */
    int form;          /* matched one of the term's forms (forms=) */
} cc_mention;

typedef struct cc_mentions {
    cc_mention *v;
    size_t n, cap;
} cc_mentions;

typedef struct cc_recognizer cc_recognizer;

/* A recognizer for the terms of g whose primary language subtag is lang's. */
int cc_recognizer_new(cc_recognizer **out, const concord_glossary *g, const char *lang);
void cc_recognizer_free(cc_recognizer *r);

/*
 * The mentions of terms in valid UTF-8 text[0..len), in order, not
 * overlapping (replacing what out held). The text's tokens stay available
 * through cc_recognizer_tokens() until the next call.
 */
int cc_recognize(cc_recognizer *r, const char *text, size_t len, cc_mentions *out);
const cc_tokens *cc_recognizer_tokens(const cc_recognizer *r);

/* Tokenize with the recognizer's tokenizer (for shapes). */
int cc_recognizer_tokenize(cc_recognizer *r, const char *text, size_t len, cc_tokens *out);

void cc_mentions_free(cc_mentions *m);

#endif
