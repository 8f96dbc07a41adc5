/*
 * glossary_export.c — a loaded glossary written for other tools: TBX 2008 (<martif>,
 * TBX-Basic's shape, which OmegaT and Translate Toolkit read), TBX v3
 * (TBX-Basic, DCA style, the shape tbx.c reads), TSV and CSV (the header
 * row csv.c reads); and, in concord's text format, what such an export
 * cannot hold, so that the two loaded one after the other give the glossary
 * back (the shape of the glossaries we ship: a TBX and its .rules.glossary).
 *
 * Each writer writes what its format has a place for and nothing it would
 * have to invent: a forbidden term is deprecatedTerm-admn-sts in TBX
 * (TBX-Basic's picklist stops there), and the rules file says "forbidden"
 * again. rules_lost() is the one list of what each format loses, used by
 * both sides so that they cannot disagree.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "glossary/glossary_internal.h"

#define FLUSH_AT 65536

typedef struct out {
    concord_write_fn write;
    void *ud;
    cc_buf b;
    int rc;
    int whole; /* held whole until the end (the rules, whose sections are undone) */
} out;

static int flush(out *o)
{
    if (o->rc == 0 && o->b.len && o->write(o->b.data, o->b.len, o->ud) != 0)
        o->rc = cc_error_set(CONCORD_EUSER, "the glossary export was stopped by its writer");
    cc_buf_clear(&o->b);
    return o->rc;
}

static void put(out *o, const char *s)
{
    if (o->rc == 0 && cc_buf_puts(&o->b, s) < 0)
        o->rc = CONCORD_ENOMEM;
    if (o->rc == 0 && !o->whole && o->b.len >= FLUSH_AT)
        flush(o);
}

static void putn(out *o, const char *s, size_t n)
{
    if (o->rc == 0 && cc_buf_append(&o->b, s, n) < 0)
        o->rc = CONCORD_ENOMEM;
}

/* ---- the concepts' terms, in order -------------------------------------------------------- */

/* Term indices grouped by concept (a counting sort: terms are found by scanning otherwise). */
typedef struct term_index {
    size_t *start; /* nconcepts + 1 */
    size_t *v;     /* nterms */
} term_index;

static int index_terms(term_index *ix, const concord_glossary *g)
{
    ix->start = cc_calloc(g->nconcepts + 1, sizeof(*ix->start));
    ix->v = cc_calloc(g->nterms ? g->nterms : 1, sizeof(*ix->v));
    if (!ix->start || !ix->v)
        return cc_error_oom();
    for (size_t i = 0; i < g->nterms; i++)
        ix->start[g->terms[i].concept + 1]++;
    for (size_t k = 0; k < g->nconcepts; k++)
        ix->start[k + 1] += ix->start[k];
    size_t *fill = cc_calloc(g->nconcepts + 1, sizeof(*fill));
    if (!fill)
        return cc_error_oom();
    for (size_t i = 0; i < g->nterms; i++) {
        size_t k = g->terms[i].concept;
        ix->v[ix->start[k] + fill[k]++] = i;
    }
    cc_free(fill);
    return 0;
}

static void index_free(term_index *ix)
{
    cc_free(ix->start);
    cc_free(ix->v);
}

/* ---- what each format loses --------------------------------------------------------------- */

static const char *const BASIC_POS[] = {"adjective", "noun", "other", "verb", "adverb", NULL};

static int basic_pos(const char *pos)
{
    for (size_t i = 0; BASIC_POS[i]; i++)
        if (strcmp(BASIC_POS[i], pos) == 0)
            return 1;
    return 0;
}

static int is_tbx(concord_glossary_format fmt)
{
    return fmt == CONCORD_GLOSSARY_TBX2 || fmt == CONCORD_GLOSSARY_TBX3;
}

/* The status a format writes for s (TBX-Basic has no "forbidden"). */
static cc_term_status written_status(concord_glossary_format fmt, cc_term_status s)
{
    return is_tbx(fmt) && s == CC_TERM_FORBIDDEN ? CC_TERM_DEPRECATED : s;
}

/* Does fmt write the part of speech of t? */
static int writes_pos(concord_glossary_format fmt, const cc_term *t)
{
    return t->pos && *t->pos && (fmt != CONCORD_GLOSSARY_TBX3 || basic_pos(t->pos));
}

/* ---- XML ---------------------------------------------------------------------------------- */

/* s escaped for XML text and attribute values; a control character XML 1.0 has none for fails. */
static void put_xml(out *o, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        const char *esc = NULL;
        if (c == '&')
            esc = "&amp;";
        else if (c == '<')
            esc = "&lt;";
        else if (c == '>')
            esc = "&gt;";
        else if (c == '"')
            esc = "&quot;";
        else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            if (o->rc == 0)
                o->rc = cc_error_set(CONCORD_EUNSUPPORTED,
                                     "a control character (U+%04X) in '%.40s...', which XML "
                                     "cannot hold",
                                     c, run);
            return;
        } else
            continue;
        putn(o, run, (size_t)(s - run));
        put(o, esc);
        run = s + 1;
    }
    putn(o, run, (size_t)(s - run));
}

static void put_elem(out *o, const char *indent, const char *open, const char *text,
                     const char *close)
{
    put(o, indent);
    put(o, open);
    put_xml(o, text);
    put(o, close);
}

static const char *const ADMN_STS[] = {"preferredTerm-admn-sts", "admittedTerm-admn-sts",
                                       "deprecatedTerm-admn-sts", "deprecatedTerm-admn-sts"};

static void tbx_term(out *o, concord_glossary_format fmt, const cc_term *t)
{
    int v2 = fmt == CONCORD_GLOSSARY_TBX2;
    put(o, "\t\t\t\t\t");
    put(o, v2 ? "<tig>\n" : "<termSec>\n");
    const char *in = "\t\t\t\t\t\t";
    put_elem(o, in, "<term>", t->text, "</term>\n");
    put_elem(o, in, "<termNote type=\"administrativeStatus\">",
             ADMN_STS[written_status(fmt, t->status)], "</termNote>\n");
    if (writes_pos(fmt, t))
        put_elem(o, in, "<termNote type=\"partOfSpeech\">", t->pos, "</termNote>\n");
    if (t->flags & CC_TERMF_VARIANT)
        put_elem(o, in, "<termNote type=\"termType\">", "variant", "</termNote>\n");
    if (t->note && *t->note)
        put_elem(o, in, "<note>", t->note, "</note>\n");
    put(o, "\t\t\t\t\t");
    put(o, v2 ? "</tig>\n" : "</termSec>\n");
}

/*
 * The other names of concept k's pairs, as TBX-Basic cross-references
 * (<ref type="crossReference" target="ID">its first term</ref>), so that a
 * tool that shows them links the two names of a disputed place. concord
 * does not read them back as pairs (a crossReference in another tool's file
 * means "see also", not "name both"): the rules do. Only between concepts
 * with ids of their own that the export writes (a target must be an entry).
 */
static void pair_refs(out *o, const concord_glossary *g, const term_index *ix, size_t k)
{
    if (g->concepts[k].generated)
        return;
    for (size_t p = 0; p < g->npairs; p++) {
        const cc_pair *pr = &g->pairs[p];
        size_t other = pr->a == k ? pr->b : pr->b == k ? pr->a : k;
        if (other == k || g->concepts[other].generated || ix->start[other] == ix->start[other + 1])
            continue;
        put(o, "\t\t\t\t<ref type=\"crossReference\" target=\"");
        put_xml(o, g->concepts[other].id);
        put(o, "\">");
        put_xml(o, g->terms[ix->v[ix->start[other]]].text);
        put(o, "</ref>\n");
    }
}

static int write_tbx(const concord_glossary *g, concord_glossary_format fmt, const term_index *ix,
                     size_t *nconcepts, out *o)
{
    int v2 = fmt == CONCORD_GLOSSARY_TBX2;
    char buf[128];
    put(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (v2) {
        put(o, "<!DOCTYPE martif SYSTEM \"TBXBasiccoreStructV02.dtd\">\n"
               "<martif type=\"TBX-Basic\" xml:lang=\"en\">\n"
               "\t<martifHeader>\n\t\t<fileDesc>\n\t\t\t<sourceDesc>\n");
    } else {
        put(o, "<tbx type=\"TBX-Basic\" style=\"dca\" xml:lang=\"en\" "
               "xmlns=\"urn:iso:std:iso:30042:ed-2\">\n"
               "\t<tbxHeader>\n\t\t<fileDesc>\n\t\t\t<sourceDesc>\n");
    }
    snprintf(buf, sizeof(buf), "\t\t\t\t<p>Written by concord %s (concord glossary export).</p>\n",
             concord_version_string());
    put(o, buf);
    put(o, "\t\t\t</sourceDesc>\n\t\t</fileDesc>\n");
    if (v2)
        put(o, "\t\t<encodingDesc>\n\t\t\t<p type=\"XCSURI\">TBXBasicXCSV02.xcs</p>\n"
               "\t\t</encodingDesc>\n\t</martifHeader>\n");
    else
        put(o, "\t</tbxHeader>\n");
    put(o, "\t<text>\n\t\t<body>\n");
    const char *ein = "\t\t\t";
    for (size_t k = 0; k < g->nconcepts && o->rc == 0; k++) {
        const cc_concept *c = &g->concepts[k];
        size_t a = ix->start[k], b = ix->start[k + 1];
        if (a == b)
            continue; /* a TBX entry needs a term */
        (*nconcepts)++;
        put(o, ein);
        put(o, v2 ? "<termEntry" : "<conceptEntry");
        if (!c->generated || !v2) {
            put(o, " id=\"");
            if (c->generated) {
                /* TBX v3 requires an id: "#3" becomes "concept-3" (or "concept-3-2", ...
                 * when the glossary has a concept-3 of its own) */
                snprintf(buf, sizeof(buf), "concept-%s", c->id + 1);
                for (unsigned n = 2; cc_gloss_find_concept(g, buf) >= 0; n++)
                    snprintf(buf, sizeof(buf), "concept-%s-%u", c->id + 1, n);
                put(o, buf);
            } else {
                put_xml(o, c->id);
            }
            put(o, "\"");
        }
        put(o, ">\n");
        if (c->note && *c->note)
            put_elem(o, "\t\t\t\t", "<descrip type=\"definition\">", c->note, "</descrip>\n");
        pair_refs(o, g, ix, k);
        /* one language section per language, in the order the languages first come */
        for (size_t i = a; i < b; i++) {
            const cc_term *t = &g->terms[ix->v[i]];
            size_t j = a;
            while (j < i && strcmp(g->terms[ix->v[j]].lang, t->lang) != 0)
                j++;
            if (j < i)
                continue;
            put(o, v2 ? "\t\t\t\t<langSet xml:lang=\"" : "\t\t\t\t<langSec xml:lang=\"");
            put_xml(o, t->lang);
            put(o, "\">\n");
            for (size_t m = i; m < b; m++)
                if (strcmp(g->terms[ix->v[m]].lang, t->lang) == 0)
                    tbx_term(o, fmt, &g->terms[ix->v[m]]);
            put(o, v2 ? "\t\t\t\t</langSet>\n" : "\t\t\t\t</langSec>\n");
        }
        put(o, ein);
        put(o, v2 ? "</termEntry>\n" : "</conceptEntry>\n");
    }
    put(o, "\t\t</body>\n\t</text>\n");
    put(o, v2 ? "</martif>\n" : "</tbx>\n");
    return o->rc;
}

/* ---- CSV and TSV -------------------------------------------------------------------------- */

static const char *const STATUS_NAMES[] = {"preferred", "admitted", "deprecated", "forbidden"};

/* The columns of a language: slots (terms per concept at most) and which attributes any has. */
typedef struct lang_cols {
    const char *lang;
    size_t slots;
    int status, pos, note, type;
} lang_cols;

static void put_cell(out *o, char sep, const char *s, int first)
{
    if (!first)
        putn(o, &sep, 1);
    if (sep == '\t') {
        /* TSV has no quoting: a tab or a line break would end the cell (the reader makes
         * every run of spaces one space anyway) */
        const char *run = s;
        for (; *s; s++)
            if (*s == '\t' || *s == '\n' || *s == '\r') {
                putn(o, run, (size_t)(s - run));
                put(o, " ");
                run = s + 1;
            }
        putn(o, run, (size_t)(s - run));
        return;
    }
    /* RFC 4180; a first cell that starts with '#' is quoted too (a comment otherwise) */
    if (!strpbrk(s, ",\"\r\n") && !(first && s[0] == '#') && s[0] != ' ' &&
        !(*s && s[strlen(s) - 1] == ' ')) {
        put(o, s);
        return;
    }
    put(o, "\"");
    const char *run = s;
    for (; *s; s++)
        if (*s == '"') {
            putn(o, run, (size_t)(s - run) + 1);
            put(o, "\"");
            run = s + 1;
        }
    putn(o, run, (size_t)(s - run));
    put(o, "\"");
}

static int write_csv(const concord_glossary *g, concord_glossary_format fmt, const term_index *ix,
                     size_t *nconcepts, out *o)
{
    char sep = fmt == CONCORD_GLOSSARY_TSV ? '\t' : ',';
    lang_cols *langs = NULL;
    size_t nlangs = 0, cap = 0;
    int notes = 0, rc = 0;
    char name[96];
    for (size_t k = 0; k < g->nconcepts; k++) {
        size_t a = ix->start[k], b = ix->start[k + 1];
        if (a == b)
            continue;
        notes |= g->concepts[k].note && *g->concepts[k].note;
        for (size_t i = a; i < b; i++) {
            const cc_term *t = &g->terms[ix->v[i]];
            size_t l = 0, slot = 0;
            while (l < nlangs && strcmp(langs[l].lang, t->lang) != 0)
                l++;
            if (l == nlangs) {
                if ((rc = cc_grow((void **)&langs, &cap, nlangs + 1, sizeof(*langs))) < 0)
                    goto done;
                memset(&langs[nlangs], 0, sizeof(*langs));
                langs[nlangs++].lang = t->lang;
            }
            for (size_t j = a; j < i; j++)
                slot += strcmp(g->terms[ix->v[j]].lang, t->lang) == 0;
            lang_cols *lc = &langs[l];
            if (slot + 1 > lc->slots)
                lc->slots = slot + 1;
            lc->status |= t->status != CC_TERM_PREFERRED;
            lc->pos |= t->pos && *t->pos;
            lc->note |= t->note && *t->note;
            lc->type |= (t->flags & CC_TERMF_VARIANT) != 0;
        }
    }
    /* the header row; the concept column always comes first, so that no row starts
     * with a term that begins with '#' (a comment line to every reader) */
    put_cell(o, sep, "concept", 1);
    if (notes)
        put_cell(o, sep, "note", 0);
    for (size_t l = 0; l < nlangs; l++)
        for (size_t s = 0; s < langs[l].slots; s++) {
            put_cell(o, sep, langs[l].lang, 0);
            static const char *const ATTR[] = {"status", "pos", "note", "type"};
            int has[] = {langs[l].status, langs[l].pos, langs[l].note, langs[l].type};
            for (size_t x = 0; x < 4; x++)
                if (has[x]) {
                    snprintf(name, sizeof(name), "%s:%s", langs[l].lang, ATTR[x]);
                    put_cell(o, sep, name, 0);
                }
        }
    put(o, "\n");
    /* a row per concept */
    for (size_t k = 0; k < g->nconcepts && o->rc == 0; k++) {
        const cc_concept *c = &g->concepts[k];
        size_t a = ix->start[k], b = ix->start[k + 1];
        if (a == b)
            continue;
        (*nconcepts)++;
        if (sep == '\t' && !c->generated && c->id[0] == '#') {
            rc = cc_error_set(CONCORD_EUNSUPPORTED,
                              "concept '%s': a TSV row that starts with '#' is a comment", c->id);
            goto done;
        }
        put_cell(o, sep, c->generated ? "" : c->id, 1);
        if (notes)
            put_cell(o, sep, c->note ? c->note : "", 0);
        for (size_t l = 0; l < nlangs; l++) {
            size_t i = a;
            for (size_t s = 0; s < langs[l].slots; s++) {
                while (i < b && strcmp(g->terms[ix->v[i]].lang, langs[l].lang) != 0)
                    i++;
                const cc_term *t = i < b ? &g->terms[ix->v[i]] : NULL;
                i += i < b;
                put_cell(o, sep, t ? t->text : "", 0);
                if (langs[l].status)
                    put_cell(o, sep, t ? STATUS_NAMES[t->status] : "", 0);
                if (langs[l].pos)
                    put_cell(o, sep, t && t->pos ? t->pos : "", 0);
                if (langs[l].note)
                    put_cell(o, sep, t && t->note ? t->note : "", 0);
                if (langs[l].type)
                    put_cell(o, sep, t && (t->flags & CC_TERMF_VARIANT) ? "variant" : "", 0);
            }
        }
        put(o, "\n");
    }
    rc = o->rc;
done:
    cc_free(langs);
    return rc;
}

/* ---- the entry points --------------------------------------------------------------------- */

int concord_glossary_format_parse(concord_glossary_format *fmt_out, const char *name)
{
    static const struct {
        const char *name;
        concord_glossary_format fmt;
    } NAMES[] = {{"tbx2", CONCORD_GLOSSARY_TBX2},
                 {"tbx3", CONCORD_GLOSSARY_TBX3},
                 {"tsv", CONCORD_GLOSSARY_TSV},
                 {"csv", CONCORD_GLOSSARY_CSV}};
    for (size_t i = 0; name && i < CC_ARRAY_LEN(NAMES); i++)
        if (strcasecmp(name, NAMES[i].name) == 0) {
            *fmt_out = NAMES[i].fmt;
            return 0;
        }
    return cc_error_set(CONCORD_EINVAL,
                        "unknown glossary format '%s' (expected tbx2, tbx3, tsv or csv)",
                        name ? name : "");
}

static int known_format(concord_glossary_format fmt)
{
    if (fmt >= CONCORD_GLOSSARY_TBX2 && fmt <= CONCORD_GLOSSARY_CSV)
        return 0;
    return cc_error_set(CONCORD_EINVAL, "unknown glossary format %d", (int)fmt);
}

int concord_glossary_export(size_t *concepts_out, const concord_glossary *g,
                            concord_glossary_format fmt, concord_write_fn write, void *ud)
{
    int rc;
    size_t n = 0;
    if (concepts_out)
        *concepts_out = 0;
    if ((rc = known_format(fmt)) < 0)
        return rc;
    out o = {write, ud, CC_BUF_INIT, 0, 0};
    term_index ix = {NULL, NULL};
    if ((rc = index_terms(&ix, g)) < 0)
        goto done;
    rc = is_tbx(fmt) ? write_tbx(g, fmt, &ix, &n, &o) : write_csv(g, fmt, &ix, &n, &o);
    if (rc == 0)
        rc = flush(&o);
    if (rc == CONCORD_ENOMEM)
        rc = cc_error_oom();
    if (rc == 0 && concepts_out)
        *concepts_out = n;
done:
    index_free(&ix);
    cc_buf_free(&o.b);
    return rc;
}

/* ---- the rules: what the export lost, in concord's text format ---------------------------- */

/* A value the text format can hold in a term line (no ';' separator, no ',' in a list item). */
static int unsupported(const char *what, const char *v, const char *where)
{
    return cc_error_set(CONCORD_EUNSUPPORTED,
                        "%s '%s' holds '%s', which concord's text format cannot write in a "
                        "term line",
                        what, v, where);
}

static int is_plain_id(const char *id)
{
    return *id && id[0] != '#' && !strpbrk(id, " \t]\r\n");
}

/* The term line that gives t back what fmt lost, or nothing when it lost nothing. */
static int rules_term(out *o, concord_glossary_format fmt, const concord_glossary *g,
                      const cc_term *t)
{
    const cc_concept *c = &g->concepts[t->concept];
    cc_buf line = CC_BUF_INIT;
    int rc = 0, any = 0;
    if (written_status(fmt, t->status) != t->status)
        rc |= cc_buf_printf(&line, " ; %s", STATUS_NAMES[t->status]), any = 1;
    if (t->flags & CC_TERMF_CASE)
        rc |= cc_buf_puts(&line, " ; case"), any = 1;
    if (t->inflect == CC_INFLECT_EXACT || t->inflect == CC_INFLECT_STEM)
        rc |= cc_buf_puts(&line, t->inflect == CC_INFLECT_EXACT ? " ; exact" : " ; stem"), any = 1;
    const char *const *lists[2] = {(const char *const *)t->forms, (const char *const *)t->except};
    size_t nlists[2] = {t->nforms, t->nexcept};
    for (int l = 0; l < 2 && rc == 0; l++) {
        for (size_t i = 0; i < nlists[l]; i++) {
            if (strpbrk(lists[l][i], ";,")) {
                rc = unsupported(l ? "the exception" : "the form", lists[l][i], "; or ,");
                goto done;
            }
            rc |= cc_buf_printf(&line, "%s%s", i ? ", " : (l ? " ; except=" : " ; forms="),
                                lists[l][i]);
            any = 1;
        }
    }
    if (t->pos && *t->pos && !writes_pos(fmt, t)) {
        if (strchr(t->pos, ';')) {
            rc = unsupported("the part of speech", t->pos, ";");
            goto done;
        }
        rc |= cc_buf_printf(&line, " ; pos=%s", t->pos), any = 1;
    }
    if (rc < 0) {
        rc = cc_error_oom();
        goto done;
    }
    if (!any && t->pattern == t->text)
        goto done;
    if (c->generated || !is_plain_id(c->id)) {
        rc = cc_error_set(CONCORD_EUNSUPPORTED,
                          "the term '%s' of a concept without an id (%s): a later file cannot "
                          "amend it",
                          t->text, c->id);
        goto done;
    }
    if (strchr(t->pattern, ';')) {
        rc = unsupported("the term", t->pattern, ";");
        goto done;
    }
    put(o, t->lang);
    put(o, ": ");
    put(o, t->pattern);
    if (line.len)
        putn(o, line.data, line.len);
    put(o, "\n");
done:
    cc_buf_free(&line);
    return rc < 0 ? rc : o->rc;
}

static const char *concept_ref(const concord_glossary *g, size_t k, int *rc)
{
    const cc_concept *c = &g->concepts[k];
    if (*rc == 0 && (c->generated || !is_plain_id(c->id)))
        *rc = cc_error_set(CONCORD_EUNSUPPORTED,
                           "concept '%s' has no id a .glossary can name (a pair or a side needs "
                           "one)",
                           c->id);
    return c->id;
}

static int write_rules(const concord_glossary *g, concord_glossary_format fmt, const term_index *ix,
                       out *o)
{
    static const char *const FMT_NAMES[] = {"", "TBX 2", "TBX 3", "TSV", "CSV"};
    char buf[256];
    int rc = 0;
    snprintf(buf, sizeof(buf),
             "# What the %s export of this glossary cannot hold, written by concord %s\n"
             "# (concord glossary export --rules). Load it after that export:\n"
             "#   concord check -g EXPORT -g THIS-FILE ...\n",
             FMT_NAMES[fmt], concord_version_string());
    put(o, buf);
    if (g->default_profile) {
        put(o, "\n[glossary]\nprofile: ");
        put(o, g->default_profile);
        put(o, "\n");
    }
    for (size_t k = 0; k < g->nconcepts && o->rc == 0 && rc == 0; k++) {
        const cc_concept *c = &g->concepts[k];
        int opened = 0;
        if (c->side) {
            put(o, "\n[concept ");
            put(o, concept_ref(g, k, &rc));
            put(o, "]\nside: ");
            put(o, c->side);
            put(o, "\n");
            opened = 1;
        }
        for (size_t i = ix->start[k]; i < ix->start[k + 1] && rc == 0 && o->rc == 0; i++) {
            size_t before = o->b.len;
            if (!opened) {
                put(o, "\n[concept ");
                put(o, c->id);
                put(o, "]\n");
            }
            size_t after_header = o->b.len;
            if ((rc = rules_term(o, fmt, g, &g->terms[ix->v[i]])) < 0)
                break;
            if (!opened && o->b.len == after_header)
                o->b.len = before; /* nothing to amend: no section either */
            else
                opened = 1;
        }
    }
    for (size_t p = 0; p < g->npairs && rc == 0; p++) {
        const cc_pair *pr = &g->pairs[p];
        put(o, "\n[pair ");
        put(o, concept_ref(g, pr->a, &rc));
        put(o, " ");
        put(o, concept_ref(g, pr->b, &rc));
        put(o, "]\n");
        for (size_t i = 0; i < pr->norder; i++) {
            put(o, "order.");
            put(o, pr->order_lang[i]);
            put(o, ": ");
            put(o, concept_ref(g, pr->order_first[i], &rc));
            put(o, "\n");
        }
    }
    if (g->nshapes)
        put(o, "\n[shapes]\n");
    for (size_t i = 0; i < g->nshapes; i++) {
        put(o, g->shapes[i].lang[0] ? g->shapes[i].lang : "*");
        put(o, ": ");
        put(o, g->shapes[i].pattern);
        put(o, "\n");
    }
    for (size_t i = 0; i < g->nprofiles; i++) {
        const cc_profile *pr = &g->profiles[i];
        put(o, "\n[profile ");
        put(o, pr->name);
        put(o, "]\npairs: ");
        put(o, pr->mode == CC_PAIRS_BOTH ? "both" : pr->mode == CC_PAIRS_OFF ? "off" : "side ");
        if (pr->mode == CC_PAIRS_SIDE)
            put(o, pr->side ? pr->side : "");
        put(o, "\n");
    }
    if (g->nsettings)
        put(o, "\n[rules]\n");
    for (size_t i = 0; i < g->nsettings; i++) {
        const cc_rule_setting *st = &g->settings[i];
        put(o, st->rule);
        put(o, ": ");
        put(o, !st->enabled       ? "off"
               : st->severity < 0 ? "on"
                                  : concord_severity_name(st->severity));
        put(o, "\n");
    }
    return rc < 0 ? rc : o->rc;
}

int concord_glossary_export_rules(const concord_glossary *g, concord_glossary_format fmt,
                                  concord_write_fn write, void *ud)
{
    int rc;
    if ((rc = known_format(fmt)) < 0)
        return rc;
    out o = {write, ud, CC_BUF_INIT, 0, 1};
    term_index ix = {NULL, NULL};
    if ((rc = index_terms(&ix, g)) < 0)
        goto done;
    rc = write_rules(g, fmt, &ix, &o);
    if (rc == 0)
        rc = flush(&o);
    if (rc == CONCORD_ENOMEM)
        rc = cc_error_oom();
done:
    index_free(&ix);
    cc_buf_free(&o.b);
    return rc;
}
