/*
 * glossary.c — the termbase: concepts, terms, pairs, shapes, profiles and
 * rule settings, built by the readers (textfmt.c, tbx.c, csv.c) and read by
 * the recognizer and the rules. Everything lives in one arena.
 *
 * A load is a transaction, so that "on error g is left as it was" holds for
 * loads that amend what earlier files defined (a .glossary that makes a TBX
 * term forbidden, then fails on a later line). What the load adds is staged
 * past the counts it started from; what it changes of the concepts and terms
 * before it is changed in place after its old value went into the load's
 * journal (once per item and load: cc_gloss_concept(), cc_gloss_term_amend()).
 * On success the journal is dropped; on failure the counts are restored and
 * the journal replayed, newest first. The journal holds only what was changed,
 * so a rules file after a 267k-entry TBX costs what it touches, not a copy of
 * the TBX; and a reader sees its own changes while it reads (a side given to
 * a reopened concept satisfies a profile later in the same file).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "concord/text.h"
#include "glossary/glossary_internal.h"
#include "text/unicode.h"

/* The value of a concept or term before the load in progress changed it. */
typedef struct cc_undo {
    int is_term;
    size_t index;
    union {
        cc_concept concept;
        cc_term term;
    } old;
} cc_undo;

static int journal(concord_glossary *g, int is_term, size_t index)
{
    if (cc_grow((void **)&g->undo, &g->capundo, g->nundo + 1, sizeof(*g->undo)) < 0)
        return CONCORD_ENOMEM;
    cc_undo *u = &g->undo[g->nundo++];
    u->is_term = is_term;
    u->index = index;
    if (is_term) {
        u->old.term = g->terms[index];
        g->terms[index].journaled = g->load;
    } else {
        u->old.concept = g->concepts[index];
        g->concepts[index].journaled = g->load;
    }
    return 0;
}

static void load_begin(concord_glossary *g)
{
    g->load++;
    g->load_nconcepts = g->nconcepts;
    g->load_nterms = g->nterms;
    g->nundo = 0;
}

/* Undo the load in progress: its journal, newest first (restoring `journaled` too). */
static void load_undo(concord_glossary *g)
{
    while (g->nundo) {
        const cc_undo *u = &g->undo[--g->nundo];
        if (u->is_term)
            g->terms[u->index] = u->old.term;
        else
        g->concepts[u->index] = u->old.concept;
    }
    g->nconcepts = g->load_nconcepts;
    g->nterms = g->load_nterms;
}

int concord_glossary_new(concord_glossary **out)
{
    *out = cc_calloc(1, sizeof(**out));
    return *out ? 0 : cc_error_oom();
}

void concord_glossary_free(concord_glossary *g)
{
    if (!g)
        return;
    cc_free(g->concepts);
    cc_free(g->terms);
    cc_free(g->pairs);
    cc_free(g->shapes);
    cc_free(g->profiles);
    cc_free(g->settings);
    cc_free(g->ids);
    cc_free(g->undo);
    cc_arena_free(&g->arena);
    cc_free(g);
}

int concord_glossary_set_langs(concord_glossary *g, const char *source, const char *target)
{
    char a[64] = "", b[64] = "";
    if ((source && concord_lang_canonicalize(a, sizeof(a), source) < 0) ||
        (target && concord_lang_canonicalize(b, sizeof(b), target) < 0))
        return cc_error_set(CONCORD_EINVAL, "'%s' is not a language tag",
                            source && !a[0] ? source : target);
    memcpy(g->src_lang, a, sizeof(a));
    memcpy(g->tgt_lang, b, sizeof(b));
    return 0;
}

char *cc_gloss_strdup(concord_glossary *g, const char *s)
{
    return s ? cc_arena_strndup(&g->arena, s, strlen(s)) : NULL;
}

static uint64_t id_hash(const char *s)
{
    return cc_hash(CC_HASH_INIT, s, strlen(s));
}

long cc_gloss_find_concept(const concord_glossary *g, const char *id)
{
    if (!g->idcap)
        return -1;
    for (size_t j = id_hash(id) & (g->idcap - 1); g->ids[j]; j = (j + 1) & (g->idcap - 1)) {
        size_t k = g->ids[j] - 1;
        if (k < g->nconcepts && !g->concepts[k].generated && strcmp(g->concepts[k].id, id) == 0)
            return (long)k;
    }
    return -1;
}

/* Index concept k by its id (ids[] holds index + 1; 0 is empty). */
static int index_concept(concord_glossary *g, size_t k)
{
    if ((g->nconcepts + 1) * 2 > g->idcap) {
        size_t cap = g->idcap ? g->idcap * 2 : 256;
        size_t *t = cc_calloc(cap, sizeof(*t));
        if (!t)
            return cc_error_oom();
        for (size_t i = 0; i < g->nconcepts; i++) {
            if (g->concepts[i].generated)
                continue;
            size_t j = id_hash(g->concepts[i].id) & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = i + 1;
        }
        cc_free(g->ids);
        g->ids = t;
        g->idcap = cap;
    }
    size_t j = id_hash(g->concepts[k].id) & (g->idcap - 1);
    while (g->ids[j] && g->ids[j] - 1 < g->nconcepts && g->ids[j] - 1 != k)
        j = (j + 1) & (g->idcap - 1);
    g->ids[j] = k + 1;
    return 0;
}

int cc_gloss_concept(concord_glossary *g, const char *id, size_t *out)
{
    char gen[32];
    int generated = !(id && *id);
    if (!generated) {
        long k = cc_gloss_find_concept(g, id);
        if (k >= 0) {
            /* a concept of an earlier file, which the reader may now change */
            if ((size_t)k < g->load_nconcepts && g->concepts[k].journaled != g->load &&
                journal(g, 0, (size_t)k) < 0)
                return CONCORD_ENOMEM;
            *out = (size_t)k;
            return 0;
        }
    } else {
        snprintf(gen, sizeof(gen), "#%zu", g->nconcepts + 1);
        id = gen;
    }
    if (cc_grow((void **)&g->concepts, &g->capconcepts, g->nconcepts + 1, sizeof(*g->concepts)) < 0)
        return CONCORD_ENOMEM;
    cc_concept *c = &g->concepts[g->nconcepts];
    memset(c, 0, sizeof(*c));
    c->generated = generated;
    if (!(c->id = cc_gloss_strdup(g, id)))
        return cc_error_oom();
    /* the index goes in after the count, so that a rehash sees this concept */
    g->nconcepts++;
    if (!generated) {
        int rc = index_concept(g, g->nconcepts - 1);
        if (rc < 0) {
            g->nconcepts--;
            return rc;
        }
    }
    *out = g->nconcepts - 1;
    return 0;
}

/* Does s hold a letter, digit or symbol (anything but spaces and punctuation)? */
static int has_content(const char *s)
{
    size_t i = 0, n = strlen(s);
    while (i < n) {
        uint32_t c = cc_utf8_decode((const unsigned char *)s, &i);
        if (cc_uc_is_alpha(c) || cc_uc_is_digit(c) ||
            (c >= 0x80 && !cc_is_space(c) && !cc_uc_is_opener(c) && !cc_uc_is_closer(c)))
            return 1;
        if (c < 0x80 && ((c >= '0' && c <= '9') || c == '$' || c == '+' || c == '=' || c == '<' ||
                         c == '>' || c == '^' || c == '|' || c == '~'))
            return 1;
    }
    return 0;
}

static char **copy_list(concord_glossary *g, const char *const *v, size_t n)
{
    if (!n)
        return NULL;
    char **out = cc_arena_alloc(&g->arena, n * sizeof(*out));
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(out[i] = cc_gloss_strdup(g, v[i])))
            return NULL;
    return out;
}

/* A term, form or exception over the limit (the recognizer and stemmer see every word of it). */
static int check_lengths(const cc_term_spec *spec, const char *file, unsigned long line,
                         unsigned long column)
{
    const char *what = NULL;
    size_t n = 0;
    if (spec->text && (n = strlen(spec->text)) > CC_GLOSS_TERM_MAX)
        what = "a term";
    for (size_t i = 0; !what && i < spec->nforms; i++)
        if ((n = strlen(spec->forms[i])) > CC_GLOSS_TERM_MAX)
            what = "a form";
    for (size_t i = 0; !what && i < spec->nexcept; i++)
        if ((n = strlen(spec->except[i])) > CC_GLOSS_TERM_MAX)
            what = "an exception";
    if (!what)
        return 0;
    return cc_error_set_at(CONCORD_ELIMIT, file, line, column, 0,
                           "%s of %zu bytes: the limit is %d bytes", what, n, CC_GLOSS_TERM_MAX);
}

int cc_gloss_term(concord_glossary *g, size_t concept, const cc_term_spec *spec, const char *file,
                  unsigned long line, unsigned long column)
{
    int rc = check_lengths(spec, file, line, column);
    if (rc < 0)
        return rc;
    char lang[64];
    if (!spec->lang || concord_lang_canonicalize(lang, sizeof(lang), spec->lang) < 0)
        return cc_error_set_at(CONCORD_EPARSE, file, line, column, 0,
                               "'%s' is not a language tag (BCP 47, such as en or ru-RU)",
                               spec->lang ? spec->lang : "");
    const char *text = spec->text ? spec->text : "";
    if (cc_utf8_find_invalid(text, strlen(text), 1, NULL) != strlen(text))
        return cc_error_set_at(CONCORD_EENCODING, file, line, column, 0,
                               "the term is not valid UTF-8");
    if (!has_content(text))
        return cc_error_set_at(CONCORD_EPARSE, file, line, column, 0,
                               *text ? "the term '%s' has no letters or digits" : "empty term%s",
                               text);
    if (cc_grow((void **)&g->terms, &g->capterms, g->nterms + 1, sizeof(*g->terms)) < 0)
        return CONCORD_ENOMEM;
    cc_term *t = &g->terms[g->nterms];
    memset(t, 0, sizeof(*t));
    t->concept = concept;
    memcpy(t->lang, lang, sizeof(lang));
    /* the stem marker '|' goes from the text; the pattern keeps it */
    size_t n = strlen(text);
    char *plain = cc_arena_alloc(&g->arena, n + 1);
    if (!plain)
        return cc_error_oom();
    size_t k = 0;
    int marked = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '|')
            marked = 1;
        else
            plain[k++] = text[i];
    }
    plain[k] = '\0';
    t->text = plain;
    if (!(t->pattern = marked ? cc_gloss_strdup(g, text) : plain))
        return cc_error_oom();
    t->status = spec->status;
    t->flags = spec->flags;
    t->inflect = marked ? CC_INFLECT_MARKER : spec->inflect;
    if ((spec->pos && !(t->pos = cc_gloss_strdup(g, spec->pos))) ||
        (spec->note && !(t->note = cc_gloss_strdup(g, spec->note))) ||
        (spec->nforms && !(t->forms = copy_list(g, spec->forms, spec->nforms))) ||
        (spec->nexcept && !(t->except = copy_list(g, spec->except, spec->nexcept))) ||
        (file && !(t->file = cc_gloss_strdup(g, file))))
        return cc_error_oom();
    for (size_t i = 0; i < spec->nforms; i++)
        if (!has_content(spec->forms[i]))
            return cc_error_set_at(CONCORD_EPARSE, file, line, column, 0,
                                   "an empty form in the forms of '%s'", plain);
    t->nforms = spec->nforms;
    t->nexcept = spec->nexcept;
    t->line = line;
    g->nterms++;
    return 0;
}

int cc_gloss_term_amend(concord_glossary *g, size_t concept, const cc_term_spec *spec,
                        int status_given, int inflect_given, const char *file, unsigned long line,
                        unsigned long column)
{
    char lang[64];
    int rc = check_lengths(spec, file, line, column);
    if (rc < 0)
        return rc;
    if (!spec->lang || !spec->text || concord_lang_canonicalize(lang, sizeof(lang), spec->lang) < 0)
        return 0;
    for (size_t i = 0; i < g->nterms; i++) {
        cc_term *t = &g->terms[i];
        if (t->concept != concept || strcmp(t->lang, lang) != 0)
            continue;
        /* the same text, markers aside */
        const char *a = t->text, *b = spec->text;
        while (*a || *b) {
            if (*b == '|') {
                b++;
                continue;
            }
            if (*a != *b)
                break;
            a++, b++;
        }
        if (*a || *b)
            continue;
        if (i < g->load_nterms && t->journaled != g->load && journal(g, 1, i) < 0)
            return CONCORD_ENOMEM;
        t = &g->terms[i];
        if (strchr(spec->text, '|')) {
            if (!(t->pattern = cc_gloss_strdup(g, spec->text)))
                return cc_error_oom();
            t->inflect = CC_INFLECT_MARKER;
        } else if (inflect_given) {
            t->inflect = spec->inflect;
        }
        if (status_given)
            t->status = spec->status;
        t->flags |= spec->flags;
        if ((spec->pos && !(t->pos = cc_gloss_strdup(g, spec->pos))) ||
            (spec->note && !(t->note = cc_gloss_strdup(g, spec->note))))
            return cc_error_oom();
        if (spec->nforms) {
            if (!(t->forms = copy_list(g, spec->forms, spec->nforms)))
                return cc_error_oom();
            t->nforms = spec->nforms;
        }
        if (spec->nexcept) {
            if (!(t->except = copy_list(g, spec->except, spec->nexcept)))
                return cc_error_oom();
            t->nexcept = spec->nexcept;
        }
        return 1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Does the input look like XML: '<' after a BOM and spaces, or UTF-16 with a BOM? */
static int looks_like_xml(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return (i < len && data[i] == '<') ||
           (len >= 2 && ((data[0] == '\xFF' && data[1] == '\xFE' && len >= 4 && data[2] == '<') ||
                         (data[0] == '\xFE' && data[1] == '\xFF' && len >= 4 && data[3] == '<')));
}

/* A file read from the start again: the bytes sniffed first, then the rest of the stream. */
typedef struct sniffed_file {
    FILE *f;
    const char *path;
    const char *head;
    size_t head_len, head_pos;
} sniffed_file;

static long sniffed_read(void *ud, char *buf, size_t cap)
{
    sniffed_file *s = ud;
    if (s->head_pos < s->head_len) {
        size_t n = s->head_len - s->head_pos < cap ? s->head_len - s->head_pos : cap;
        memcpy(buf, s->head + s->head_pos, n);
        s->head_pos += n;
        return (long)n;
    }
    size_t n = fread(buf, 1, cap, s->f);
    if (n == 0 && ferror(s->f)) {
        cc_error_set_at(CONCORD_EIO, s->path, 0, 0, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    return (long)n;
}

/*
 * Load one input into g: from data[0..len), or (file != NULL, a TBX) streamed
 * from the file. A load that fails leaves g with the counts it had.
 */
static int load(concord_glossary *g, const char *name, const char *data, size_t len,
                sniffed_file *file)
{
    size_t np = g->npairs, ns = g->nshapes, npr = g->nprofiles, nse = g->nsettings;
    char *dp = g->default_profile;
    int rc;
    load_begin(g);
    if (file)
        rc = cc_gloss_read_tbx_stream(g, name, sniffed_read, file);
    else if (looks_like_xml(data, len) || ends_with(name, ".tbx"))
        rc = cc_gloss_read_tbx(g, name, data, len);
    else if (ends_with(name, ".csv"))
        rc = cc_gloss_read_csv(g, name, data, len, ',');
    else if (ends_with(name, ".tsv") || ends_with(name, ".tab") || ends_with(name, ".txt") ||
             ends_with(name, ".utf8"))
        rc = cc_gloss_read_csv(g, name, data, len, '\t');
    else if (ends_with(name, ".glossary"))
        rc = cc_gloss_read_text(g, name, data, len);
    else
        rc = cc_error_set_at(CONCORD_EPARSE, name, 0, 0, 0,
                             "unknown glossary format (expected .glossary, .tbx, .csv, .tsv, "
                             ".tab or .txt)");
    /* a file of rules only (pairs, shapes, profiles for the concepts of a TBX loaded
     * before it) is fine; a glossary with no terms at all would pass every check */
    if (rc == 0 && g->nterms == 0)
        rc = cc_error_set_at(CONCORD_EPARSE, name, 1, 1, 0,
                             "no terms: an empty glossary would pass every check");
    if (rc < 0) {
        cc_error_set_file(name);
        load_undo(g);
        g->npairs = np;
        g->nshapes = ns;
        g->nprofiles = npr;
        g->nsettings = nse;
        g->default_profile = dp;
    }
    g->nundo = 0; /* committed, or undone */
    return rc;
}

int concord_glossary_load_memory(concord_glossary *g, const char *name, const char *data,
                                 size_t len)
{
    return load(g, name, data ? data : "", data ? len : 0, NULL);
}

int concord_glossary_load(concord_glossary *g, const char *path)
{
    /* a TBX is streamed (never held whole); the other formats are small and read whole */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > CC_GLOSS_FILE_MAX)
        return cc_error_set_at(CONCORD_ELIMIT, path, 0, 0, 0,
                               "a glossary file of %jd bytes: the limit is %u bytes",
                               (intmax_t)st.st_size, CC_GLOSS_FILE_MAX);
    char head[4096];
    cc_buf rest = CC_BUF_INIT;
    int rc = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot open: %s", strerror(errno));
    size_t n = fread(head, 1, sizeof(head), f);
    if (n == 0 && ferror(f)) {
        rc = cc_error_set_at(CONCORD_EIO, path, 0, 0, 0, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (looks_like_xml(head, n) || ends_with(path, ".tbx")) {
        sniffed_file sf = {f, path, head, n, 0};
        rc = load(g, path, NULL, 0, &sf);
        goto done;
    }
    if ((rc = cc_buf_append(&rest, head, n)) < 0 || (rc = cc_file_read_rest(f, path, &rest)) < 0)
        goto done;
    rc = load(g, path, rest.data, rest.len, NULL);
done:
    fclose(f);
    cc_buf_free(&rest);
    return rc;
}

int concord_glossary_stats_get(concord_glossary_stats *out, const concord_glossary *g)
{
    unsigned int version = out->version;
    int rc = cc_version_check(version, CONCORD_GLOSSARY_STATS_VERSION, "glossary stats");
    if (rc < 0)
        return rc;
    memset(out, 0, sizeof(*out));
    out->version = version;
    out->concepts = g->nconcepts;
    out->terms = g->nterms;
    out->pairs = g->npairs;
    out->profiles = g->nprofiles;
    const char *seen[256];
    size_t nseen = 0;
    for (size_t i = 0; i < g->nterms; i++) {
        size_t j = 0;
        while (j < nseen && strcmp(seen[j], g->terms[i].lang) != 0)
            j++;
        if (j == nseen && nseen < CC_ARRAY_LEN(seen))
            seen[nseen++] = g->terms[i].lang;
    }
    out->languages = nseen;
    return 0;
}
