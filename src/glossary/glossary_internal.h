/*
 * glossary_internal.h — the termbase model shared by the glossary readers
 * (text format, TBX, CSV/TSV), the term recognizer and the rules.
 *
 * Readers build a glossary through cc_gloss_concept() and cc_gloss_term();
 * everything they add lives in the glossary's arena. A load is a transaction
 * (glossary.c): what it adds goes past the counts it started from, and the
 * first change to a concept or term that was there before (a reopened
 * concept's side or note, an amended term) journals that item's old value.
 * A load that fails is undone: counts back, journal replayed. So a reader
 * may change a concept that cc_gloss_concept() returned, or a term through
 * cc_gloss_term_amend(), and nothing else that was there before the load.
 */
#ifndef CC_GLOSSARY_INTERNAL_H
#define CC_GLOSSARY_INTERNAL_H

#include "concord/glossary.h"
#include "base/base.h"

/*
 * The documented limits of the glossary readers (docs/glossary-format.md,
 * "Limits"), each reported as CONCORD_ELIMIT at the file, line and column it
 * is met. They keep a hostile file from costing unbounded memory or time,
 * and are far above what real termbases hold: the longest term of the
 * 267,379-entry EDICT is 99 bytes, the longest msgid of the gettext
 * catalogues of ../shared/data (which po2csv may turn into a glossary) 7 KiB.
 */
#define CC_GLOSS_TERM_MAX        16384      /* bytes of a term, a form or an exception */
#define CC_GLOSS_LIST_MAX        64         /* forms=, except= entries of a term */
#define CC_GLOSS_OPTIONS_MAX     31         /* options after a term (';'-separated) */
#define CC_GLOSS_TEXT_LINE_MAX   65536      /* bytes of a line of the text format */
#define CC_GLOSS_CSV_MAX_COLUMNS 1024       /* cells of a CSV/TSV row */
#define CC_GLOSS_CSV_MAX_ROW     (1 << 20)  /* bytes of a CSV/TSV row */
#define CC_GLOSS_FILE_MAX        (1u << 30) /* bytes of a glossary file (it is read whole) */

typedef enum cc_term_status {
    CC_TERM_PREFERRED = 0,
    CC_TERM_ADMITTED,
    CC_TERM_DEPRECATED,
    CC_TERM_FORBIDDEN
} cc_term_status;

typedef enum cc_inflect {
    CC_INFLECT_DEFAULT = 0, /* stem for languages with a stemmer, else exact */
    CC_INFLECT_EXACT,       /* the form as written (case folded unless CC_TERMF_CASE) */
    CC_INFLECT_STEM,        /* each word compared by its Snowball stem */
    CC_INFLECT_MARKER       /* "Курил|ы": the part before '|' and a short ending */
} cc_inflect;

#define CC_TERMF_CASE 1u /* case-sensitive */
#define CC_TERMF_VARIANT                                                                           \
    2u /* a spelling variant: not to be mixed with another term of the concept */

/* What a reader knows about a term; strings are copied by cc_gloss_term(). */
typedef struct cc_term_spec {
    const char *lang; /* any case/format of BCP 47 ("EN-us", "en_US"); canonicalized */
    const char *text; /* the term; for CC_INFLECT_MARKER words may carry one '|' each */
    cc_term_status status;
    unsigned flags; /* CC_TERMF_* */
    cc_inflect inflect;
    const char *pos;          /* part of speech, or NULL */
    const char *note;         /* or NULL */
    const char *const *forms; /* extra exact forms ("Южных Курил"), or NULL */
    size_t nforms;
    const char *const *except; /* phrases in which the term is not the term (東海地方), or NULL */
    size_t nexcept;
} cc_term_spec;

typedef struct cc_term {
    size_t concept;
    char lang[64];
    char *text;    /* as written, marker removed */
    char *pattern; /* as written, with markers (== text if none) */
    cc_term_status status;
    unsigned flags;
    cc_inflect inflect;
    char *pos, *note;
    char **forms;
    size_t nforms;
    char **except;
    size_t nexcept;
    const char *file; /* where it was defined, for messages */
    unsigned long line;
    unsigned long journaled; /* the load that journaled it last (glossary.c) */
} cc_term;

typedef struct cc_concept {
    char *id;
    char *note;
    char *side;    /* who uses this name (for official profiles), or NULL */
    int generated; /* the id was made up (the entry had none): never found by id */
    size_t first_term, nterms_unused; /* terms are found by scanning g->terms */
    unsigned long journaled;          /* the load that journaled it last (glossary.c) */
} cc_concept;

#define CC_PAIR_MAX_ORDER 8

typedef struct cc_pair {
    size_t a, b; /* concept indices */
    /* per language (primary subtag), which name must come first: a or b */
    char order_lang[CC_PAIR_MAX_ORDER][16];
    size_t order_first[CC_PAIR_MAX_ORDER];
    size_t norder;
} cc_pair;

/* A shape in which both names of a pair may appear: "{A} ({B})", "{A}, known in … as {B}". */
typedef struct cc_shape {
    char lang[64]; /* "" for every language */
    char *pattern;
} cc_shape;

typedef enum cc_pair_mode {
    CC_PAIRS_BOTH = 0, /* both names at the first mention, one later */
    CC_PAIRS_SIDE,     /* only the names of `side` */
    CC_PAIRS_OFF
} cc_pair_mode;

typedef struct cc_profile {
    char *name;
    cc_pair_mode mode;
    char *side;
} cc_profile;

typedef struct cc_rule_setting {
    char *rule;
    int enabled;
    int severity; /* -1: the rule's default */
} cc_rule_setting;

struct concord_glossary {
    cc_arena arena;
    cc_concept *concepts;
    size_t nconcepts, capconcepts;
    cc_term *terms;
    size_t nterms, capterms;
    cc_pair *pairs;
    size_t npairs, cappairs;
    cc_shape *shapes;
    size_t nshapes, capshapes;
    cc_profile *profiles;
    size_t nprofiles, capprofiles;
    cc_rule_setting *settings;
    size_t nsettings, capsettings;
    char *default_profile;
    /* concept ids -> index (open addressing; entries past nconcepts are stale) */
    size_t *ids;
    size_t idcap;
    char src_lang[64], tgt_lang[64]; /* for headerless CSV/TSV, "" if unset */
    /* the load in progress: its number, the counts it started from, and the old
     * values of the concepts and terms before it it changed */
    unsigned long load;
    size_t load_nconcepts, load_nterms;
    struct cc_undo *undo;
    size_t nundo, capundo;
};

/*
 * Add a concept (id NULL or "": a generated one, "#<N>", which no lookup by id
 * finds, so that it never merges with a file's own ids) and give its index.
 * A concept id that exists already returns that concept (readers may meet a
 * concept in several places); one from before the load is journaled first,
 * so that the reader may change it. Returns 0 or CONCORD_ENOMEM.
 */
int cc_gloss_concept(concord_glossary *g, const char *id, size_t *out);

/*
 * Add a term to concept `concept`. file/line/column say where it was read
 * (for messages about it, and about findings' rules later). Returns 0,
 * CONCORD_ENOMEM, CONCORD_EPARSE with that position for a term that is empty
 * or only punctuation and spaces, or a language tag that is not BCP 47, or
 * CONCORD_ELIMIT for a term, form or exception over CC_GLOSS_TERM_MAX bytes.
 */
int cc_gloss_term(concord_glossary *g, size_t concept, const cc_term_spec *spec, const char *file,
                  unsigned long line, unsigned long column);

/*
 * If concept `concept` has a term in spec->lang whose text is spec->text
 * (stem markers aside), amend it with what spec says — the status when
 * `status_given`, the inflection when `inflect_given`, flags added, forms,
 * exceptions, part of speech and note when present — and return 1; else 0
 * (or CONCORD_ENOMEM). A term from before the load is journaled first.
 * This is how a .glossary loaded after a TBX adds what TBX cannot say
 * (forbidden, stem markers, exceptions) to the TBX's terms.
 */
int cc_gloss_term_amend(concord_glossary *g, size_t concept, const cc_term_spec *spec,
                        int status_given, int inflect_given, const char *file, unsigned long line,
                        unsigned long column);

/* Copy a string into the glossary's arena (NULL stays NULL). */
char *cc_gloss_strdup(concord_glossary *g, const char *s);

/* Concept index by id, or -1. */
long cc_gloss_find_concept(const concord_glossary *g, const char *id);

/* ---- readers (each adds to g; the caller rolls back on error) ---- */

/* concord's text format (glossary.c). */
int cc_gloss_read_text(concord_glossary *g, const char *name, const char *data, size_t len);

/* TBX 2008 (martif) or TBX v3 (tbx), Basic/Min/Core, DCA or DCT (tbx.c), from memory. */
int cc_gloss_read_tbx(concord_glossary *g, const char *name, const char *data, size_t len);

/* The same, streamed from read() (see cc_xml_read_fn in base/xml.h); name is for messages. */
int cc_gloss_read_tbx_stream(concord_glossary *g, const char *name,
                             long (*read)(void *rud, char *buf, size_t cap), void *rud);

/*
 * CSV (sep ',') or TSV (sep '\t') with a header row of language codes, or
 * OmegaT's headerless tab format (source, target, comment), whose languages
 * are g->src_lang and g->tgt_lang (CONCORD_EPARSE "no header row of language
 * codes: give --from and --to" when unset) (csv.c). data is raw bytes: the
 * reader decodes a UTF-8 or UTF-16 BOM (LE or BE) itself.
 */
int cc_gloss_read_csv(concord_glossary *g, const char *name, const char *data, size_t len,
                      char sep);

#endif
