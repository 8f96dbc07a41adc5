/*
 * dup_policy.c — the duplicate policy: what an import does with each
 * translation of a new unit, from what the store has (see dup_policy.h and
 * the rules of concord_tm_import_tmx() in concord/tm.h). Pure: no SQLite, no
 * allocation, no state.
 */
#include "tm/dup_policy.h"

/* Is variant e (earlier than t) the same translation as t? */
static int same_translation(const cc_dup_variant *v, size_t e, size_t t)
{
    if (v[t].found != CC_DUP_REPEAT)
        return 0; /* t is the first of its kind */
    size_t first = v[t].repeat_of;
    return e == first || (v[e].found == CC_DUP_REPEAT && v[e].repeat_of == first);
}

/*
 * A stored pair that a replace in its language takes away: the pair is
 * stored once, and if that is as a translation of this source, the replace
 * removes it; the same pair the other way round stays.
 */
static int stays_stored(const cc_dup_variant *v, size_t t)
{
    const cc_dup_variant *o = v[t].found == CC_DUP_REPEAT ? &v[v[t].repeat_of] : &v[t];
    return o->found == CC_DUP_PAIR && o->reversed;
}

void cc_dup_decide(cc_dup_decision *out, unsigned char *act, unsigned char *remove,
                   const cc_dup_variant *v, size_t n, size_t src, int source_stored,
                   concord_duplicates policy)
{
    size_t nconflict = 0, nnew = 0;
    out->identical = out->alternative = out->skipped = out->replace = 0;
    /* new languages join the stored source; other translations make a new unit */
    for (size_t t = 0; t < n; t++) {
        int f = v[t].found;
        remove[t] = 0;
        if (t == src) {
            act[t] = CC_DUP_SOURCE;
        } else if (f == CC_DUP_NONE) {
            act[t] = source_stored ? CC_DUP_JOIN : CC_DUP_NEW_UNIT;
            nnew++;
        } else if (f == CC_DUP_LANG) {
            act[t] = CC_DUP_NEW_UNIT;
            nconflict++;
        } else {
            act[t] = CC_DUP_DROP;
        }
    }
    out->join = source_stored ? nnew : 0;
    out->fresh = nnew + nconflict - out->join;
    if (n == 1) {
        /* a source alone: stored once */
        if (source_stored) {
            out->identical = 1;
            act[src] = CC_DUP_DROP;
        }
        out->stored = 0;
        return;
    }
    if (nconflict == 0 && nnew == 0) {
        out->identical = 1;
        out->stored = 0;
        act[src] = CC_DUP_DROP;
        return;
    }
    if (nconflict) {
        switch (policy) {
        case CONCORD_DUP_SKIP:
            for (size_t t = 0; t < n; t++)
                if (t != src && v[t].found == CC_DUP_LANG)
                    act[t] = CC_DUP_DROP;
            out->fresh -= nconflict;
            out->skipped = 1;
            break;
        case CONCORD_DUP_REPLACE:
            out->replace = 1;
            for (size_t t = 0; t < n; t++)
                remove[t] = t != src && v[t].found == CC_DUP_LANG;
            /* a known translation in a replaced language goes with the others
               unless it is stored the other way round: it stays, in the new
               unit (once, however often the unit repeats it) */
            for (size_t t = 0; t < n; t++) {
                if (t == src || act[t] != CC_DUP_DROP ||
                    (v[t].found != CC_DUP_PAIR && v[t].found != CC_DUP_REPEAT))
                    continue;
                int replaced_lang = 0;
                for (size_t c = 0; c < n && !replaced_lang; c++)
                    replaced_lang = remove[c] && v[c].lang == v[t].lang;
                if (!replaced_lang)
                    continue;
                size_t e = 0;
                while (e < t && !(e != src && act[e] != CC_DUP_DROP && same_translation(v, e, t)))
                    e++;
                if (e < t || stays_stored(v, t))
                    continue;
                act[t] = CC_DUP_NEW_UNIT;
                out->fresh++;
            }
            break;
        default:
            out->alternative = 1;
            break;
        }
    }
    out->stored = out->join + out->fresh;
    if (out->stored == 0)
        act[src] = CC_DUP_DROP;
}
