/*
 * seg_internal.h — what the segmenter's files share: built-in language
 * rules (rules.c), SRX rules (srx.c) and the engine (segmenter.c).
 */
#ifndef CC_SEG_INTERNAL_H
#define CC_SEG_INTERNAL_H

#include "concord/segment.h"
#include "text/unicode.h"

/* ---- built-in language rules (rules.c) ---------------------------------- */

/* How a word before a full stop behaves. */
typedef enum cc_abbr_class {
    CC_ABBR_NONE = 0,
    CC_ABBR_NONFINAL,  /* never ends a sentence: titles, "No.", "z.B.", "т.е." */
    CC_ABBR_AMBIGUOUS, /* may end one: "Inc.", "U.S.", "etc." — only before a sentence starter */
    CC_ABBR_AFTER_NUMBER,  /* a unit: after a number it may end a sentence, else it never does */
    CC_ABBR_BEFORE_NUMBER, /* "No. 5", "p. 12", "Art. 3": never before a number, else as a word */
    CC_ABBR_FINAL,         /* "etc.", "и т. д.", "руб.": ends a sentence before a capital */
    CC_ABBR_PLACE,         /* "D.C.", "Calif.": after "City, " it ends one, else ambiguous */
    CC_ABBR_TIME           /* "a.m.": after a number it ends a sentence before a capital */
} cc_abbr_class;

/* Language flags. */
#define CC_LANG_ORDINAL_DOT   1u /* "3. Oktober": a number with a full stop is an ordinal */
#define CC_LANG_CJK           2u /* 「」『』 quotations, particles after a closing bracket */
#define CC_LANG_SPACED_CLOSE  4u /* French « ... . » : a closing quote after a space */
#define CC_LANG_SURNAME_FIRST 8u /* "Смирнов А. П." : initials after a surname end the name */
#define CC_LANG_LATIN_AS_EN   16u /* a non-Latin script: Latin words follow the English tables */

typedef struct cc_lang_rules {
    const char *code; /* primary language subtag, "" for the generic rules */
    unsigned flags;
    const char *const *nonfinal;  /* NULL-terminated; keys without the last dot */
    const char *const *ambiguous; /* multi-part keys joined with '.', no spaces */
    const char *const *after_number;
    const char *const *before_number;
    const char *const *final;
    const char *const *place;
    const char *const *time;     /* "a.m", "p.m": CC_ABBR_TIME */
    const char *const *starters; /* capitalized words that often begin a sentence */
    /* words after "9 a.m." that go on with the sentence ("Monday", "January") */
    const char *const *time_continuers;
    /* endings that make a word an abbreviation before a full stop ("Bahnhofstr.") */
    const char *const *abbr_endings;
    /* endings of surnames, for CC_LANG_SURNAME_FIRST ("Смирнов А. П.") */
    const char *const *surname_endings;
    /* picture credits that start a segment of their own ("… in Moscow Image: Reuters.") */
    const char *const *credit_labels;
    /* words without a vowel that are words, not abbreviations ("Hmm.", "Хм.") */
    const char *const *vowelless_words;
} cc_lang_rules;

/* The letters that are vowels (Latin and Cyrillic, with diacritics), UTF-8. */
extern const char cc_vowels[];

/* The rules for a primary language subtag; the generic rules if none. */
const cc_lang_rules *cc_lang_rules_find(const char *primary);

/* A set of short UTF-16 strings with a value, built from the tables above. */
typedef struct cc_wordset {
    uint32_t mask; /* capacity - 1; capacity is a power of two */
    uint32_t count;
    struct cc_wordset_slot {
        uint32_t hash;
        uint16_t len; /* 0 = empty slot */
        uint8_t value;
        cc_uchar *key;
    } * slots;
} cc_wordset;

int cc_wordset_add_utf8(cc_wordset *ws, const char *key, uint8_t value);
/* The value of u[0..n), or 0 if absent. */
uint8_t cc_wordset_get(const cc_wordset *ws, const cc_uchar *u, int32_t n);
void cc_wordset_free(cc_wordset *ws);

/* ---- SRX (srx.c) -------------------------------------------------------- */

typedef struct cc_srx_rule {
    int is_break; /* 1 = break rule, 0 = exception (no break) */
    cc_regex *re; /* (?:before)(?=after), or just (?=after) when before is empty */
    int before_empty;
    char *where; /* "file:line:column" of the <rule>, for errors while segmenting */
} cc_srx_rule;

/* The rules of all added SRX files that apply to the segmenter's language, in order. */
typedef struct cc_srx_rules {
    cc_srx_rule *rules;
    size_t count, cap;
} cc_srx_rules;

/*
 * Parse an SRX document and append the rules that apply to `lang` (canonical
 * tag) to *rules. On error *rules is unchanged.
 */
int cc_srx_load(cc_srx_rules *rules, const char *xml, size_t len, const char *name,
                const char *lang);

/* The same for the SRX file at path, streamed (plain or gzip). */
int cc_srx_load_file(cc_srx_rules *rules, const char *path, const char *lang);
void cc_srx_rules_free(cc_srx_rules *rules);

/* ---- the engine (segmenter.c) ---- */

/*
 * For tests: make the windows smaller (at least 2048 units), so that long
 * inputs cross many window edges; results must not change.
 */
void cc_segmenter_set_window(concord_segmenter *s, int32_t units);

#endif
