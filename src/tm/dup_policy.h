/*
 * dup_policy.h — the duplicate policy of an import, as a pure function: from
 * what the store already has for each translation of a new unit, what to do
 * with each (the rules of concord_tm_import_tmx() in concord/tm.h). No
 * SQLite here: import_find.c finds what is stored, import.c does what this
 * decides, and the unit tests run it on tables.
 */
#ifndef CC_DUP_POLICY_H
#define CC_DUP_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "concord/tm.h"

/* What the store has for one variant of a new unit. */
typedef enum cc_dup_found {
    CC_DUP_IS_SOURCE = 0, /* the unit's source (its own entry is ignored) */
    CC_DUP_REPEAT,        /* the same translation as an earlier variant of this unit */
    CC_DUP_PAIR,          /* the (source, translation) pair is stored, either way round */
    CC_DUP_LANG,          /* not that, but the source is stored with one in its language */
    CC_DUP_NONE           /* neither: a language the stored source does not have */
} cc_dup_found;

typedef struct cc_dup_variant {
    int found;        /* cc_dup_found */
    int64_t lang;     /* the variant's language (any number that is equal for equal languages) */
    size_t repeat_of; /* CC_DUP_REPEAT: the earlier variant it repeats */
    /* CC_DUP_PAIR: stored with this translation as its unit's source (the pair
       the other way round), which a replace of the source's translations
       leaves in place */
    int reversed;
} cc_dup_variant;

/* What to do with one variant. */
typedef enum cc_dup_action {
    CC_DUP_DROP = 0, /* not stored */
    CC_DUP_NEW_UNIT, /* stored in a new unit, with the source */
    /* added to the first stored unit with this source; the new unit when no
       such unit is left (a replace removed every one) */
    CC_DUP_JOIN,
    CC_DUP_SOURCE /* the source: in whichever unit is made */
} cc_dup_action;

/* The decision for a whole unit; one counter each of the import's statistics. */
typedef struct cc_dup_decision {
    int identical;   /* nothing new: every translation was stored already */
    int alternative; /* keep: another translation of a known source is stored too */
    int skipped;     /* skip: another translation of a known source is dropped */
    int replace;     /* replace: remove the stored translations marked in remove[] first */
    size_t stored;   /* variants stored (joined or in a new unit), the source not counted */
    size_t join;     /* of which CC_DUP_JOIN */
    size_t fresh;    /* of which CC_DUP_NEW_UNIT */
} cc_dup_decision;

/*
 * Decide for a unit of n variants (source `src`) what happens to each, given
 * what the store has for each (v[src] is not read) and whether a unit with
 * this source is stored. act[i] gets a cc_dup_action for every variant;
 * remove[i] is 1 for the variants whose language a replace takes from every
 * stored unit with this source (the stored translations in that language
 * go), else 0. A unit of one variant is its source alone: stored once.
 */
void cc_dup_decide(cc_dup_decision *out, unsigned char *act, unsigned char *remove,
                   const cc_dup_variant *v, size_t n, size_t src, int source_stored,
                   concord_duplicates policy);

#endif
