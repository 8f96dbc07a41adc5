/*
 * tbx.c — the TBX reader: a state machine over the callbacks of base/xml.c
 * (streaming: a file is never held in memory, only the element being read).
 *
 * Accepts:
 *  - TBX 2008 and TBX-Basic 2.x: root <martif>, <termEntry id> (a concept),
 *    <langSet xml:lang>, <tig> or <ntig><termGrp>, <term>, with <termNote>s.
 *  - TBX v3 (ISO 30042:2019): root <tbx type="TBX-…" style="dca|dct">,
 *    <conceptEntry id>, <langSec xml:lang>, <termSec>, <term>, in the
 *    TBX-Core, TBX-Min and TBX-Basic dialects (any other "TBX-…" dialect is
 *    read with the core rules only). DCT-style data categories
 *    (<min:administrativeStatus>, <basic:partOfSpeech>, …) are matched on
 *    their local name, whatever their namespace.
 * A term's status comes from administrativeStatus, normativeAuthorization or
 * usageStatus (default: preferred), its part of speech from partOfSpeech, its
 * note from term-level <note>s and definitions; the concept's note from
 * concept- and language-level definitions and concept-level <note>s.
 *
 * Rejects (CONCORD_EPARSE at the offending element): malformed XML (with
 * libxml2's position and message); a root that is neither <martif> nor <tbx>;
 * a <term> outside its container, a container without its term, a second
 * term in one container; a language section without xml:lang or without
 * terms, an entry without language sections; an unknown status value. TBX v3
 * is held to its dialect, as its schemas would: an element where the core
 * structure has no place for it, text outside <p> in the header, the order
 * of the core structure (a termSec starts with its term; concept- and
 * language-level information comes before the sections it holds), a
 * conceptEntry without an id or with one used before, a data category
 * element without a type; and for TBX-Min and TBX-Basic, a data category the
 * dialect does not have, at a level where it does not allow it, or a value
 * outside its picklist, and the wrong style (DCT elements in a DCA file and
 * back).
 *
 * Leniency, by design: TBX 2008 files come from many tools, so <martif> is
 * only checked for the structure a term needs; unknown elements there are
 * walked through, and auxiliary information may follow the langSets
 * (Weblate writes <descrip> and <note> after them). A <term/> that is empty
 * is an untranslated term (Weblate again), not an error: it is skipped. In a
 * <martif> file an id that an earlier entry of the same file used names a new
 * concept (Weblate writes id="1" for unrelated entries), in TBX v3 it is an
 * error; an id met in an earlier file is the same concept, on purpose.
 *
 * Limits (CONCORD_ELIMIT, at the element), so that no file makes an entry
 * cost unbounded memory: TBX_MAX_TEXT bytes of text in one element (a term,
 * a note, a data category), TBX_MAX_NOTE bytes of notes kept for one concept
 * or one term, TBX_MAX_ENTRY_TERMS terms and TBX_MAX_ENTRY_BYTES bytes of
 * terms in one entry. The XML reader's own limits (xml.h) come on top.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/xml.h"
#include "glossary/glossary_internal.h"
#include "text/unicode.h"

#define MAX_DEPTH           512
#define TBX_MAX_TEXT        (1u << 20)  /* text of one element */
#define TBX_MAX_NOTE        (1u << 20)  /* the notes of one concept or term, together */
#define TBX_MAX_ENTRY_TERMS 10000       /* terms of one entry */
#define TBX_MAX_ENTRY_BYTES (16u << 20) /* what the terms of one entry hold */

/* Element kinds. The names depend on the version (termEntry/conceptEntry, ...). */
enum kind {
    E_OTHER = 0,
    E_ROOT,
    E_HEADER, /* martifHeader, tbxHeader */
    E_FILEDESC,
    E_TITLESTMT,
    E_PUBSTMT,
    E_SOURCEDESC,
    E_ENCODINGDESC,
    E_REVISIONDESC,
    E_CHANGE,
    E_P,
    E_TITLE,
    E_TEXT,
    E_BODY,
    E_BACK,
    E_ENTRY, /* termEntry, conceptEntry */
    E_LANG,  /* langSet, langSec */
    E_TIG,
    E_NTIG,
    E_TERMGRP,
    E_TERMSEC,
    E_TERM,
    E_TERMNOTE,
    E_TERMNOTEGRP,
    E_DESCRIP,
    E_DESCRIPGRP,
    E_DESCRIPNOTE,
    E_ADMIN,
    E_ADMINGRP,
    E_ADMINNOTE,
    E_TRANSAC,
    E_TRANSACGRP,
    E_TRANSACNOTE,
    E_DATE,
    E_NOTE,
    E_REF,
    E_XREF,
    E_TERMCOMPLIST,
    E_DCT /* a data category as an element of another namespace (TBX v3, DCT style) */
};

enum dialect { D_MARTIF = 1, D_CORE = 2, D_MIN = 4, D_BASIC = 8, D_OTHER = 16 };

enum level { LV_ENTRY = 1, LV_LANG = 2, LV_TERM = 4 };

#define V2 1 /* the name is TBX 2008's */
#define V3 2 /* the name is TBX v3's */

static const struct {
    const char *name;
    int kind;
    int versions;
} NAMES[] = {
    {"martifHeader", E_HEADER, V2},
    {"tbxHeader", E_HEADER, V3},
    {"fileDesc", E_FILEDESC, V2 | V3},
    {"titleStmt", E_TITLESTMT, V2 | V3},
    {"publicationStmt", E_PUBSTMT, V2 | V3},
    {"sourceDesc", E_SOURCEDESC, V2 | V3},
    {"encodingDesc", E_ENCODINGDESC, V2 | V3},
    {"revisionDesc", E_REVISIONDESC, V2 | V3},
    {"change", E_CHANGE, V2 | V3},
    {"p", E_P, V2 | V3},
    {"title", E_TITLE, V2 | V3},
    {"text", E_TEXT, V2 | V3},
    {"body", E_BODY, V2 | V3},
    {"back", E_BACK, V2 | V3},
    {"termEntry", E_ENTRY, V2},
    {"conceptEntry", E_ENTRY, V3},
    {"langSet", E_LANG, V2},
    {"langSec", E_LANG, V3},
    {"tig", E_TIG, V2},
    {"ntig", E_NTIG, V2},
    {"termGrp", E_TERMGRP, V2},
    {"termSec", E_TERMSEC, V3},
    {"term", E_TERM, V2 | V3},
    {"termNote", E_TERMNOTE, V2 | V3},
    {"termNoteGrp", E_TERMNOTEGRP, V2 | V3},
    {"descrip", E_DESCRIP, V2 | V3},
    {"descripGrp", E_DESCRIPGRP, V2 | V3},
    {"descripNote", E_DESCRIPNOTE, V2 | V3},
    {"admin", E_ADMIN, V2 | V3},
    {"adminGrp", E_ADMINGRP, V2 | V3},
    {"adminNote", E_ADMINNOTE, V2 | V3},
    {"transac", E_TRANSAC, V2 | V3},
    {"transacGrp", E_TRANSACGRP, V2 | V3},
    {"transacNote", E_TRANSACNOTE, V2 | V3},
    {"date", E_DATE, V2 | V3},
    {"note", E_NOTE, V2 | V3},
    {"ref", E_REF, V2 | V3},
    {"xref", E_XREF, V2 | V3},
    {"termCompList", E_TERMCOMPLIST, V2 | V3},
};

/* The element name of a kind, for messages (TBX v3's where they differ). */
static const char *kind_name(int kind, int martif)
{
    switch (kind) {
    case E_HEADER:
        return martif ? "martifHeader" : "tbxHeader";
    case E_ENTRY:
        return martif ? "termEntry" : "conceptEntry";
    case E_LANG:
        return martif ? "langSet" : "langSec";
    default:
        break;
    }
    for (size_t i = 0; i < CC_ARRAY_LEN(NAMES); i++)
        if (NAMES[i].kind == kind)
            return NAMES[i].name;
    return "?";
}

/* Elements read whole at their start tag (their content is text and inline markup). */
static int is_leaf(int kind)
{
    switch (kind) {
    case E_P:
    case E_TITLE:
    case E_BACK:
    case E_TERM:
    case E_TERMNOTE:
    case E_DESCRIP:
    case E_DESCRIPNOTE:
    case E_ADMIN:
    case E_ADMINNOTE:
    case E_TRANSAC:
    case E_TRANSACNOTE:
    case E_DATE:
    case E_NOTE:
    case E_REF:
    case E_XREF:
    case E_TERMCOMPLIST:
    case E_DCT:
        return 1;
    default:
        return 0;
    }
}

/* Data category elements: in DCA style they name their category with `type`. */
static int is_meta(int kind)
{
    switch (kind) {
    case E_TERMNOTE:
    case E_DESCRIP:
    case E_DESCRIPNOTE:
    case E_ADMIN:
    case E_ADMINNOTE:
    case E_TRANSAC:
    case E_TRANSACNOTE:
    case E_REF:
    case E_XREF:
        return 1;
    default:
        return 0;
    }
}

/* The core structure's auxiliary information (entity.auxInfo), allowed at every level. */
static int is_aux(int kind)
{
    switch (kind) {
    case E_DESCRIP:
    case E_DESCRIPGRP:
    case E_ADMIN:
    case E_ADMINGRP:
    case E_TRANSACGRP:
    case E_NOTE:
    case E_REF:
    case E_XREF:
        return 1;
    default:
        return 0;
    }
}

static int is_header_part(int kind)
{
    return kind == E_HEADER || kind == E_FILEDESC || kind == E_TITLESTMT || kind == E_PUBSTMT ||
           kind == E_SOURCEDESC || kind == E_ENCODINGDESC || kind == E_REVISIONDESC ||
           kind == E_CHANGE;
}

/* The element that leads each group, and that a group holds once. */
static int group_main(int kind)
{
    switch (kind) {
    case E_DESCRIPGRP:
        return E_DESCRIP;
    case E_ADMINGRP:
        return E_ADMIN;
    case E_TRANSACGRP:
        return E_TRANSAC;
    case E_TERMNOTEGRP:
        return E_TERMNOTE;
    default:
        return 0;
    }
}

/* ---- the data categories of TBX-Min and TBX-Basic ----------------------------------------- */

static const char *const ADMN_STS[] = {"preferredTerm-admn-sts", "admittedTerm-admn-sts",
                                       "deprecatedTerm-admn-sts", "supersededTerm-admn-sts", NULL};
static const char *const POS[] = {"adjective", "noun", "other", "verb", "adverb", NULL};
/* usageStatus is the older TBX-Min name of the status, still used by LTAC's test files. */
static const char *const USAGE[] = {"preferred", "admitted",   "notRecommended",
                                    "obsolete",  "deprecated", NULL};
static const char *const GENDER[] = {"masculine", "feminine", "neuter", "other", NULL};
static const char *const TERM_TYPE[] = {
    "fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase", NULL};
static const char *const TERM_LOCATION[] = {"checkBox",
                                            "comboBox",
                                            "comboBoxElement",
                                            "dialogBox",
                                            "groupBox",
                                            "informativeMessage",
                                            "interactiveMessage",
                                            "menuItem",
                                            "progressBar",
                                            "pushButton",
                                            "radioButton",
                                            "slider",
                                            "spinBox",
                                            "tab",
                                            "tableText",
                                            "textBox",
                                            "toolTip",
                                            "user-definedType",
                                            NULL};

/*
 * From LTAC's schemas (TBX-Basic_DCA.sch 1.2, Min.sch, Basic.rng). Two
 * departures, both because LTAC's own valid samples break the schema rule:
 * transactionType has no picklist (basic_good.tbx says "creation"), and
 * usageStatus is a Min category (min_good.tbx uses it).
 */
typedef struct datcat {
    const char *name;
    int meta;     /* the DCA element that carries it */
    int dialects; /* D_MIN | D_BASIC */
    int levels;   /* LV_*; 0: any */
    const char *const *values;
} datcat;

static const datcat DATCATS[] = {
    {"customerSubset", E_ADMIN, D_MIN | D_BASIC, LV_ENTRY | LV_TERM, NULL},
    {"subjectField", E_DESCRIP, D_MIN | D_BASIC, LV_ENTRY, NULL},
    {"administrativeStatus", E_TERMNOTE, D_MIN | D_BASIC, LV_TERM, ADMN_STS},
    {"partOfSpeech", E_TERMNOTE, D_MIN | D_BASIC, LV_TERM, POS},
    {"usageStatus", E_TERMNOTE, D_MIN | D_BASIC, LV_TERM, USAGE},
    {"projectSubset", E_ADMIN, D_BASIC, LV_ENTRY | LV_TERM, NULL},
    {"source", E_ADMIN, D_BASIC, LV_ENTRY | LV_LANG | LV_TERM, NULL},
    {"context", E_DESCRIP, D_BASIC, LV_TERM, NULL},
    {"definition", E_DESCRIP, D_BASIC, LV_ENTRY | LV_LANG, NULL},
    {"grammaticalGender", E_TERMNOTE, D_BASIC, LV_TERM, GENDER},
    {"geographicalUsage", E_TERMNOTE, D_BASIC, LV_TERM, NULL},
    {"termLocation", E_TERMNOTE, D_BASIC, LV_TERM, TERM_LOCATION},
    {"termType", E_TERMNOTE, D_BASIC, LV_TERM, TERM_TYPE},
    {"transactionType", E_TRANSAC, D_BASIC, 0, NULL},
    {"responsibility", E_TRANSACNOTE, D_BASIC, 0, NULL},
    {"crossReference", E_REF, D_BASIC, LV_ENTRY | LV_TERM, NULL},
    {"externalCrossReference", E_XREF, D_BASIC, LV_ENTRY | LV_TERM, NULL},
    {"xGraphic", E_XREF, D_BASIC, LV_ENTRY | LV_LANG, NULL},
};

static const datcat *find_datcat(int dialect, const char *name)
{
    for (size_t i = 0; i < CC_ARRAY_LEN(DATCATS); i++)
        if ((DATCATS[i].dialects & dialect) && strcmp(DATCATS[i].name, name) == 0)
            return &DATCATS[i];
    return NULL;
}

/* ---- the reader's state ------------------------------------------------------------------- */

typedef struct frame {
    int kind;
    int meta;       /* E_DCT: the DCA kind of its category when known, else 0 */
    cc_xml_pos pos; /* where it starts, for messages about it at its end */
    char name[32];  /* its name as written ("" if longer), for the same messages */
    unsigned nelem; /* element children so far */
    unsigned nterm; /* <term> children */
    unsigned nmain; /* a group's leading element (descrip in descripGrp, ...) */
    unsigned nsub;  /* langSets in an entry; tig/ntig/termSec in a langSet */
    int aux_seen;   /* termSec: auxiliary information met (termNotes must come before) */
} frame;

typedef struct tbx {
    concord_glossary *g;
    const char *name;
    cc_xml *x;   /* the parse, during a callback */
    int dialect; /* D_* */
    int dct;     /* style="dct" */
    char dialect_name[64];
    size_t first_concept; /* g->nconcepts when this file started */
    frame *st;
    int depth;

    /* a leaf: an element read whole, its text gathered until it ends */
    int leaf_depth; /* elements open in it, itself included; 0: not in a leaf */
    int leaf_kind;
    int leaf_collect; /* its text is wanted */
    int leaf_has_type;
    cc_xml_pos leaf_pos;
    cc_buf leaf_qname, leaf_local, leaf_type, leaf_text;

    /* the entry being read; its concept is made with its first term */
    cc_buf entry_id;
    long cur_concept;
    cc_buf concept_note;
    /* the language section and the term being read */
    cc_buf lang;
    int has_term;
    cc_buf term, pos, term_note;
    cc_term_status status;
    unsigned term_flags; /* CC_TERMF_*: termType "variant" */
    cc_xml_pos term_pos;
    size_t entry_terms, entry_bytes; /* of the entry being read, for its limits */
    cc_buf scratch, attr;
} tbx;

static const char *bstr(const cc_buf *b)
{
    return b->data ? b->data : "";
}

static int martif(const tbx *t)
{
    return t->dialect == D_MARTIF;
}

/* The name of a frame's element as written (with its prefix), for messages. */
static const char *frame_name(const tbx *t, const frame *f)
{
    return f->name[0] ? f->name : kind_name(f->kind, martif(t));
}

/* An error (code) at an element met earlier (a container, at its end). */
static int error_at(tbx *t, int code, const frame *f, const char *fmt, ...) CC_PRINTF(4, 5);

static int error_at(tbx *t, int code, const frame *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cc_error_vset_at(code, t->name, f->pos.line, f->pos.column, (size_t)f->pos.offset, fmt, ap);
    va_end(ap);
    return code;
}

#define fail_at(t, f, ...) error_at(t, CONCORD_EPARSE, f, __VA_ARGS__)

/* Copy s into out with ASCII whitespace runs as one space and no spaces around. */
static int put_normalized(cc_buf *out, const char *s)
{
    size_t n = strlen(s), i = 0, end = n;
    cc_buf_clear(out);
    while (i < n) {
        size_t j = i;
        if (!cc_is_space(cc_utf8_decode((const unsigned char *)s, &j)))
            break;
        i = j;
    }
    while (end > i) {
        size_t k = cc_utf8_prev((const unsigned char *)s, end), j = k;
        if (!cc_is_space(cc_utf8_decode((const unsigned char *)s, &j)))
            break;
        end = k;
    }
    int rc = cc_buf_reserve(out, end - i + 1);
    if (rc < 0)
        return rc;
    int in_space = 0;
    for (; i < end; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            in_space = 1;
            continue;
        }
        if (in_space && (rc = cc_buf_putc(out, ' ')) < 0)
            return rc;
        in_space = 0;
        if ((rc = cc_buf_putc(out, c)) < 0)
            return rc;
    }
    return 0;
}

/* Append text to a "; "-separated list (the notes of the concept or of the term). */
static int add_note(tbx *t, cc_buf *list, const char *text)
{
    int rc;
    if (!*text)
        return 0;
    if (list->len + strlen(text) + 2 > TBX_MAX_NOTE)
        return cc_xml_error(t->x, CONCORD_ELIMIT,
                            "notes of one %s longer than 1 MiB together (concord's limit)",
                            list == &t->term_note ? "term" : "concept");
    if (list->len && (rc = cc_buf_puts(list, "; ")) < 0)
        return rc;
    return cc_buf_puts(list, text);
}

/* The text of the leaf that ends, normalized, into t->scratch. */
static int leaf_text(tbx *t)
{
    const cc_buf *raw = &t->leaf_text;
    /* the XML reader hands over UTF-8 only; still, never normalize what is not */
    if (cc_utf8_find_invalid(bstr(raw), raw->len, 1, NULL) != raw->len)
        return cc_xml_error(t->x, CONCORD_EENCODING,
                            "text that is not valid in the declared encoding");
    return put_normalized(&t->scratch, bstr(raw));
}

/* ---- statuses ----------------------------------------------------------------------------- */

/* The status a value names, or -1. Case does not matter: tools differ. */
static int parse_status(const char *v)
{
    static const struct {
        const char *value;
        cc_term_status status;
    } MAP[] = {
        {"preferredTerm", CC_TERM_PREFERRED},
        {"admittedTerm", CC_TERM_ADMITTED},
        {"deprecatedTerm", CC_TERM_DEPRECATED},
        {"supersededTerm", CC_TERM_DEPRECATED},
        /* normativeAuthorization's regulatory values: a term the authority sets */
        {"legalTerm", CC_TERM_PREFERRED},
        {"regulatedTerm", CC_TERM_PREFERRED},
        {"standardizedTerm", CC_TERM_PREFERRED},
        /* usageStatus */
        {"preferred", CC_TERM_PREFERRED},
        {"admitted", CC_TERM_ADMITTED},
        {"deprecated", CC_TERM_DEPRECATED},
        {"superseded", CC_TERM_DEPRECATED},
        {"notRecommended", CC_TERM_DEPRECATED},
        {"obsolete", CC_TERM_DEPRECATED},
    };
    char low[64];
    size_t n = strlen(v);
    if (n >= sizeof(low))
        return -1;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] - 'A' + 'a' : v[i]);
    if (strstr(low, "forbidden"))
        return CC_TERM_FORBIDDEN;
    /* "preferredTerm-admn-sts" and "preferredTerm" alike */
    size_t base = n;
    if (n > 9 && strcmp(low + n - 9, "-admn-sts") == 0)
        base = n - 9;
    for (size_t i = 0; i < CC_ARRAY_LEN(MAP); i++)
        if (strlen(MAP[i].value) == base && strncasecmp(low, MAP[i].value, base) == 0)
            return (int)MAP[i].status;
    return -1;
}

static int is_status_category(const char *name)
{
    return strcmp(name, "administrativeStatus") == 0 ||
           strcmp(name, "normativeAuthorization") == 0 || strcmp(name, "usageStatus") == 0;
}

/* ---- levels ------------------------------------------------------------------------------- */

/* The level (LV_*) that the element on top of the stack (or about to be) belongs to. */
static int current_level(const tbx *t)
{
    for (int i = t->depth - 1; i >= 0; i--) {
        switch (t->st[i].kind) {
        case E_ENTRY:
            return LV_ENTRY;
        case E_LANG:
            return LV_LANG;
        case E_TERMSEC:
        case E_TIG:
        case E_NTIG:
            return LV_TERM;
        default:
            break;
        }
    }
    return 0;
}

static const char *level_names(int levels)
{
    switch (levels) {
    case LV_ENTRY:
        return "the concept level (conceptEntry)";
    case LV_TERM:
        return "the term level (termSec)";
    case LV_ENTRY | LV_TERM:
        return "the concept and term levels (conceptEntry, termSec)";
    case LV_ENTRY | LV_LANG:
        return "the concept and language levels (conceptEntry, langSec)";
    default:
        return "the concept, language and term levels";
    }
}

static const char *level_name(int level)
{
    return level == LV_ENTRY  ? "concept level (conceptEntry)"
           : level == LV_LANG ? "language level (langSec)"
           : level == LV_TERM ? "term level (termSec)"
                              : "outside any entry";
}

/* ---- structure (TBX v3's core structure; TBX 2008's term containers) ---------------------- */

/* What the core structure allows in `parent`, as a message fragment; NULL if anything. */
static const char *v3_expected(int parent)
{
    switch (parent) {
    case E_ROOT:
        return "<tbxHeader> and <text>";
    case E_HEADER:
        return "<fileDesc>, <encodingDesc> or <revisionDesc>";
    case E_FILEDESC:
        return "<titleStmt>, <publicationStmt> or <sourceDesc>";
    case E_TITLESTMT:
        return "<title> or <note>";
    case E_PUBSTMT:
    case E_SOURCEDESC:
    case E_ENCODINGDESC:
    case E_CHANGE:
        return "<p>";
    case E_REVISIONDESC:
        return "<change>";
    case E_TEXT:
        return "<body> or <back>";
    case E_BODY:
        return "<conceptEntry>";
    case E_ENTRY:
        return "<langSec>, or concept-level <descrip>, <descripGrp>, <admin>, <adminGrp>, "
               "<transacGrp>, <note>, <ref> or <xref>";
    case E_LANG:
        return "<termSec>, or language-level <descrip>, <descripGrp>, <admin>, <adminGrp>, "
               "<transacGrp>, <note>, <ref> or <xref>";
    case E_TERMSEC:
        return "<term>, <termNote>, <termNoteGrp>, <termCompList>, or term-level <descrip>, "
               "<descripGrp>, <admin>, <adminGrp>, <transacGrp>, <note>, <ref> or <xref>";
    case E_DESCRIPGRP:
        return "<descrip>, <descripNote>, <admin>, <adminGrp>, <transacGrp>, <note>, <ref> or "
               "<xref>";
    case E_ADMINGRP:
        return "<admin>, <adminNote>, <note>, <ref> or <xref>";
    case E_TRANSACGRP:
        return "<transac>, <transacNote>, <date>, <note>, <ref> or <xref>";
    case E_TERMNOTEGRP:
        return "<termNote>, <note>, <admin>, <adminGrp>, <transacGrp>, <ref> or <xref>";
    default:
        return NULL;
    }
}

static int v3_allowed(int parent, int kind)
{
    switch (parent) {
    case E_ROOT:
        return kind == E_HEADER || kind == E_TEXT;
    case E_HEADER:
        return kind == E_FILEDESC || kind == E_ENCODINGDESC || kind == E_REVISIONDESC;
    case E_FILEDESC:
        return kind == E_TITLESTMT || kind == E_PUBSTMT || kind == E_SOURCEDESC;
    case E_TITLESTMT:
        return kind == E_TITLE || kind == E_NOTE;
    case E_PUBSTMT:
    case E_SOURCEDESC:
    case E_ENCODINGDESC:
    case E_CHANGE:
        return kind == E_P;
    case E_REVISIONDESC:
        return kind == E_CHANGE;
    case E_TEXT:
        return kind == E_BODY || kind == E_BACK;
    case E_BODY:
        return kind == E_ENTRY;
    case E_ENTRY:
        return kind == E_LANG || is_aux(kind) || kind == E_DCT;
    case E_LANG:
        return kind == E_TERMSEC || is_aux(kind) || kind == E_DCT;
    case E_TERMSEC:
        return kind == E_TERM || kind == E_TERMNOTE || kind == E_TERMNOTEGRP ||
               kind == E_TERMCOMPLIST || is_aux(kind) || kind == E_DCT;
    case E_DESCRIPGRP:
        return kind == E_DESCRIP || kind == E_DESCRIPNOTE || kind == E_ADMIN ||
               kind == E_ADMINGRP || kind == E_TRANSACGRP || kind == E_NOTE || kind == E_REF ||
               kind == E_XREF || kind == E_DCT;
    case E_ADMINGRP:
        return kind == E_ADMIN || kind == E_ADMINNOTE || kind == E_NOTE || kind == E_REF ||
               kind == E_XREF || kind == E_DCT;
    case E_TRANSACGRP:
        return kind == E_TRANSAC || kind == E_TRANSACNOTE || kind == E_DATE || kind == E_NOTE ||
               kind == E_REF || kind == E_XREF || kind == E_DCT;
    case E_TERMNOTEGRP:
        return kind == E_TERMNOTE || kind == E_NOTE || kind == E_ADMIN || kind == E_ADMINGRP ||
               kind == E_TRANSACGRP || kind == E_REF || kind == E_XREF || kind == E_DCT;
    default:
        return 0;
    }
}

/*
 * Check a new element (kind, DCA kind `meta` for DCT elements) against its
 * parent, at the element's start tag, and count it in the parent.
 */
static int check_child(tbx *t, frame *p, int kind, int meta, const char *qname)
{
    int k = kind == E_DCT && meta ? meta : kind; /* what it stands for */
    const char *pname = frame_name(t, p);
    if (martif(t)) {
        /* only what a term needs: its containers, each in its place */
        static const struct {
            int kind, parent1, parent2, parent3;
            const char *where;
        } PLACES[] = {
            {E_ENTRY, E_BODY, 0, 0, "<body>"},
            {E_LANG, E_ENTRY, 0, 0, "<termEntry>"},
            {E_TIG, E_LANG, 0, 0, "<langSet>"},
            {E_NTIG, E_LANG, 0, 0, "<langSet>"},
            {E_TERMGRP, E_NTIG, 0, 0, "<ntig>"},
            {E_TERM, E_TIG, E_TERMGRP, 0, "<tig> or <termGrp>"},
            {E_TERMNOTE, E_TIG, E_TERMGRP, E_TERMNOTEGRP, "<tig>, <termGrp> or <termNoteGrp>"},
        };
        for (size_t i = 0; i < CC_ARRAY_LEN(PLACES); i++)
            if (PLACES[i].kind == kind && p->kind != PLACES[i].parent1 &&
                p->kind != PLACES[i].parent2 && p->kind != PLACES[i].parent3)
                return cc_xml_error(t->x, CONCORD_EPARSE, "<%s> in <%s>: expected it in %s", qname,
                                    pname, PLACES[i].where);
        if ((p->kind == E_TIG || p->kind == E_TERMGRP) && p->nelem == 0 && kind != E_TERM)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s> starts with <%s>: expected its <term> first", pname, qname);
        if (p->kind == E_NTIG && p->nelem == 0 && kind != E_TERMGRP)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<ntig> starts with <%s>: expected its <termGrp> first", qname);
    } else {
        /* a DCT data category goes where the DCA element it stands for would */
        if (!v3_allowed(p->kind, k)) {
            const char *exp = v3_expected(p->kind);
            return cc_xml_error(t->x, CONCORD_EPARSE, "unexpected <%s> in <%s>%s%s", qname, pname,
                                exp ? ": expected " : "", exp ? exp : "");
        }
        int lead = group_main(p->kind);
        if (lead && p->nelem == 0 && k != lead && !(kind == E_DCT && !meta))
            return cc_xml_error(t->x, CONCORD_EPARSE, "<%s> starts with <%s>: expected <%s> first",
                                pname, qname, kind_name(lead, 0));
        if (lead && k == lead && p->nmain > 0)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "a second <%s> in one <%s>: a group holds one (give each its "
                                "own <%s>)",
                                qname, pname, pname);
        if (p->kind == E_TERMSEC && p->nelem == 0 && kind != E_TERM)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<termSec> starts with <%s>: expected its <term> first", qname);
        if (p->kind == E_ENTRY && p->nsub > 0 && kind != E_LANG)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s> after a <langSec>: concept-level information comes before "
                                "the first <langSec>",
                                qname);
        if (p->kind == E_LANG && p->nsub > 0 && kind != E_TERMSEC)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s> after a <termSec>: language-level information comes "
                                "before the first <termSec>",
                                qname);
        if (p->kind == E_TERMSEC && (k == E_TERMNOTE || k == E_TERMNOTEGRP) && p->aux_seen)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s> after term-level information: termNotes come right after "
                                "the <term>",
                                qname);
        if (p->kind == E_TERMSEC && k != E_TERM && k != E_TERMNOTE && k != E_TERMNOTEGRP &&
            !(kind == E_DCT && !meta))
            p->aux_seen = 1;
    }
    if (kind == E_TERM && p->nterm > 0)
        return cc_xml_error(t->x, CONCORD_EPARSE,
                            "a second <term> in one <%s>: each term needs its own <%s>", pname,
                            pname);
    p->nelem++;
    if (kind == E_TERM)
        p->nterm++;
    if (k == group_main(p->kind))
        p->nmain++;
    if ((p->kind == E_ENTRY && kind == E_LANG) ||
        (p->kind == E_LANG && (kind == E_TIG || kind == E_NTIG || kind == E_TERMSEC)))
        p->nsub++;
    return 0;
}

/* ---- data categories ---------------------------------------------------------------------- */

static int values_list(cc_buf *out, const char *const *values)
{
    int rc = 0;
    cc_buf_clear(out);
    for (size_t i = 0; values[i] && rc >= 0; i++)
        rc = cc_buf_printf(out, "%s%s", i ? ", " : "", values[i]);
    return rc;
}

/*
 * A data category element (DCA: <termNote type="partOfSpeech">, DCT:
 * <min:partOfSpeech>) whose value is in t->scratch: check it against the
 * dialect, and take what the term or the concept needs from it.
 */
static int on_category(tbx *t, int kind, const char *qname, const char *category)
{
    int rc, level = current_level(t);
    const char *value = bstr(&t->scratch);
    if (t->dialect & (D_MIN | D_BASIC)) {
        const datcat *dc = find_datcat(t->dialect, category);
        if (!dc) {
            if (kind == E_DCT)
                return cc_xml_error(t->x, CONCORD_EPARSE, "<%s>: %s is not a %s data category",
                                    qname, category, t->dialect_name);
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s type=\"%s\">: %s is not a %s data category", qname, category,
                                category, t->dialect_name);
        }
        if (kind != E_DCT && dc->meta != kind)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s type=\"%s\">: %s is a <%s> in %s, not a <%s>", qname, category,
                                category, kind_name(dc->meta, 0), t->dialect_name, qname);
        if (dc->levels && !(dc->levels & level))
            return cc_xml_error(t->x, CONCORD_EPARSE, "%s at the %s: %s allows it only at %s",
                                category, level_name(level), t->dialect_name,
                                level_names(dc->levels));
        if (dc->values) {
            size_t i = 0;
            while (dc->values[i] && strcmp(dc->values[i], value) != 0)
                i++;
            if (!dc->values[i]) {
                if ((rc = values_list(&t->attr, dc->values)) < 0)
                    return rc;
                return cc_xml_error(t->x, CONCORD_EPARSE,
                                    "'%s' is not a %s value of %s (expected %s)", value,
                                    t->dialect_name, category, bstr(&t->attr));
            }
        }
    }
    if (level == LV_TERM && is_status_category(category)) {
        int st = parse_status(value);
        if (st < 0)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "unknown %s '%s' (expected preferredTerm-admn-sts, "
                                "admittedTerm-admn-sts, deprecatedTerm-admn-sts, "
                                "supersededTerm-admn-sts or another TBX status)",
                                category, value);
        t->status = (cc_term_status)st;
    } else if (level == LV_TERM && strcmp(category, "termType") == 0) {
        /* a spelling variant: allowed, but not to be mixed with the main form */
        if (strcmp(value, "variant") == 0)
            t->term_flags |= CC_TERMF_VARIANT;
    } else if (level == LV_TERM && strcmp(category, "partOfSpeech") == 0) {
        cc_buf_clear(&t->pos);
        if ((rc = cc_buf_puts(&t->pos, value)) < 0)
            return rc;
    } else if (strcmp(category, "definition") == 0) {
        return add_note(t, level == LV_TERM ? &t->term_note : &t->concept_note, value);
    }
    return 0;
}

/* ---- elements ----------------------------------------------------------------------------- */

static int classify(const tbx *t, const char *local, const char *ns)
{
    if (!martif(t) && ns && strcmp(ns, "urn:iso:std:iso:30042:ed-2") != 0 &&
        strcmp(ns, "urn:iso:std:iso:30042:ed:3.0") != 0)
        return E_DCT;
    int v = martif(t) ? V2 : V3;
    for (size_t i = 0; i < CC_ARRAY_LEN(NAMES); i++)
        if ((NAMES[i].versions & v) && strcmp(NAMES[i].name, local) == 0)
            return NAMES[i].kind;
    return E_OTHER;
}

/* The value of attribute name, or NULL. */
static const char *attr_value(const cc_xml_attr *a, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].name, name) == 0)
            return a[i].value;
    return NULL;
}

/* The root element: which TBX this is. */
static int on_root(tbx *t, const char *local, const cc_xml_attr *a, size_t n)
{
    if (strcmp(local, "martif") == 0) {
        t->dialect = D_MARTIF;
        snprintf(t->dialect_name, sizeof(t->dialect_name), "TBX 2008");
        return 0;
    }
    if (strcmp(local, "tbx") != 0)
        return cc_xml_error(t->x, CONCORD_EPARSE,
                            "the root element is <%s>: expected <martif> (TBX 2008) or <tbx> "
                            "(TBX v3, ISO 30042:2019)",
                            local);
    const char *type = attr_value(a, n, "type");
    if (!type || strncmp(type, "TBX", 3) != 0)
        return cc_xml_error(t->x, CONCORD_EPARSE,
                            "<tbx> %s: expected the dialect, such as type=\"TBX-Basic\", "
                            "\"TBX-Min\" or \"TBX-Core\"",
                            !type ? "has no type attribute" : "has an unknown type");
    snprintf(t->dialect_name, sizeof(t->dialect_name), "%s", type);
    t->dialect = strcmp(type, "TBX-Basic") == 0  ? D_BASIC
                 : strcmp(type, "TBX-Min") == 0  ? D_MIN
                 : strcmp(type, "TBX-Core") == 0 ? D_CORE
                                                 : D_OTHER;
    const char *style = attr_value(a, n, "style");
    if (!style || (strcmp(style, "dca") != 0 && strcmp(style, "dct") != 0))
        return cc_xml_error(t->x, CONCORD_EPARSE,
                            "<tbx> %s: expected style=\"dca\" or style=\"dct\"",
                            !style ? "has no style attribute" : "has an unknown style");
    t->dct = strcmp(style, "dct") == 0;
    return 0;
}

/* The entry being read: where it starts (for its limits' messages). */
static const frame *entry_frame(const tbx *t)
{
    for (int i = t->depth - 1; i >= 0; i--)
        if (t->st[i].kind == E_ENTRY)
            return &t->st[i];
    return NULL;
}

static int emit_term(tbx *t)
{
    int rc;
    const frame *entry = entry_frame(t);
    t->entry_bytes += sizeof(cc_term) + t->term.len + t->pos.len + t->term_note.len + 3;
    if (entry && ++t->entry_terms > TBX_MAX_ENTRY_TERMS)
        return error_at(t, CONCORD_ELIMIT, entry,
                        "<%s> with more than %d terms (concord's limit for one entry)",
                        frame_name(t, entry), TBX_MAX_ENTRY_TERMS);
    if (entry && t->entry_bytes > TBX_MAX_ENTRY_BYTES)
        return error_at(t, CONCORD_ELIMIT, entry,
                        "<%s> whose terms hold more than 16 MiB (concord's limit)",
                        frame_name(t, entry));
    if (t->cur_concept < 0) {
        const char *id = t->entry_id.len ? t->entry_id.data : NULL;
        /* TBX v3 refused a repeated id at the entry; TBX 2008 makes it a new concept */
        if (id && cc_gloss_find_concept(t->g, id) >= (long)t->first_concept)
            id = NULL;
        size_t c;
        if ((rc = cc_gloss_concept(t->g, id, &c)) < 0)
            return rc;
        t->cur_concept = (long)c;
    }
    cc_term_spec spec;
    memset(&spec, 0, sizeof(spec));
    spec.lang = bstr(&t->lang);
    spec.text = bstr(&t->term);
    spec.status = t->status;
    spec.flags = t->term_flags;
    spec.pos = t->pos.len ? t->pos.data : NULL;
    spec.note = t->term_note.len ? t->term_note.data : NULL;
    return cc_gloss_term(t->g, (size_t)t->cur_concept, &spec, t->name, t->term_pos.line,
                         t->term_pos.column);
}

static int copy_str(cc_buf *b, const char *s)
{
    cc_buf_clear(b);
    return cc_buf_puts(b, s);
}

/*
 * A leaf starts: an element read whole, whose text (its descendants' too) is
 * gathered until it ends (leaf_end). What its start tag alone can say is
 * checked now.
 */
static int leaf_start(tbx *t, int kind, const char *local, const char *qname, const cc_xml_attr *a,
                      size_t n)
{
    int rc, level = current_level(t);
    t->leaf_depth = 1;
    t->leaf_kind = kind;
    t->leaf_pos = cc_xml_where(t->x);
    t->leaf_collect = 0;
    t->leaf_has_type = 0;
    cc_buf_clear(&t->leaf_text);
    if ((rc = copy_str(&t->leaf_qname, qname)) < 0 || (rc = copy_str(&t->leaf_local, local)) < 0)
        return rc;
    if (kind == E_TERM || kind == E_DCT) {
        t->leaf_collect = 1;
        return 0;
    }
    if (is_meta(kind)) {
        const char *type = attr_value(a, n, "type");
        t->leaf_has_type = type && *type;
        if (!martif(t) && !t->leaf_has_type)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s> without a type attribute: it must name its data category",
                                qname);
        if (!martif(t) && t->dct && (t->dialect & (D_MIN | D_BASIC)))
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s type=\"%s\"> is a DCA-style element, but the file says "
                                "style=\"dct\"",
                                qname, type ? type : "");
        char category[64];
        snprintf(category, sizeof(category), "%s", t->leaf_has_type ? type : "");
        t->leaf_collect = 1;
        return copy_str(&t->leaf_type, category);
    }
    int parent = t->st[t->depth - 1].kind;
    /* the notes of a term or a concept are its own, not those of its groups */
    t->leaf_collect = kind == E_NOTE && ((level == LV_TERM && !group_main(parent)) ||
                                         (level == LV_ENTRY && parent == E_ENTRY));
    return 0;
}

/* The leaf ends: its text is all there. */
static int leaf_end(tbx *t)
{
    int rc, kind = t->leaf_kind, level = current_level(t);
    if (!t->leaf_collect)
        return 0;
    if ((rc = leaf_text(t)) < 0)
        return rc;
    if (kind == E_TERM) {
        /* an empty <term/> is an untranslated term (Weblate writes them): nothing to add */
        t->has_term = t->scratch.len > 0;
        if ((rc = put_normalized(&t->term, bstr(&t->scratch))) < 0)
            return rc;
        t->term_pos = t->leaf_pos;
        return 0;
    }
    if (kind == E_DCT)
        return on_category(t, kind, bstr(&t->leaf_qname), bstr(&t->leaf_local));
    if (is_meta(kind)) {
        if (t->leaf_has_type &&
            (rc = on_category(t, kind, bstr(&t->leaf_qname), bstr(&t->leaf_type))) < 0)
            return rc;
        /* an untyped <descrip> (Weblate) says what the concept is */
        if (kind == E_DESCRIP && !t->leaf_has_type && level == LV_ENTRY)
            return add_note(t, &t->concept_note, bstr(&t->scratch));
        return 0;
    }
    return add_note(t, level == LV_TERM ? &t->term_note : &t->concept_note, bstr(&t->scratch));
}

static int push(tbx *t, int kind, int meta, const char *qname)
{
    if (t->depth >= MAX_DEPTH)
        return cc_xml_error(t->x, CONCORD_ELIMIT, "elements nested more than %d deep", MAX_DEPTH);
    frame *f = &t->st[t->depth++];
    memset(f, 0, sizeof(*f));
    f->kind = kind;
    f->meta = meta;
    f->pos = cc_xml_where(t->x);
    if (strlen(qname) < sizeof(f->name))
        memcpy(f->name, qname, strlen(qname) + 1);
    return 0;
}

/* The end of the element on top of the stack. */
static int end_frame(tbx *t)
{
    int rc = 0;
    if (t->depth == 0)
        return 0;
    frame *f = &t->st[t->depth - 1];
    const char *name = frame_name(t, f);
    switch (f->kind) {
    case E_TERMSEC:
    case E_TIG:
    case E_TERMGRP:
        if (f->nterm == 0)
            return fail_at(t, f, "<%s> without a <term>", name);
        break;
    case E_NTIG:
        if (f->nelem == 0)
            return fail_at(t, f, "<ntig> without a <termGrp>");
        break;
    case E_LANG:
        if (f->nsub == 0)
            return fail_at(t, f, "<%s> without a term: expected a %s", name,
                           martif(t) ? "<tig> or <ntig>" : "<termSec>");
        break;
    case E_ENTRY:
        if (f->nsub == 0)
            return fail_at(t, f, "<%s> without a <%s>", name, martif(t) ? "langSet" : "langSec");
        break;
    default:
        if (!martif(t) && group_main(f->kind) && f->nmain == 0 && f->nelem == 0)
            return fail_at(t, f, "an empty <%s>: expected a <%s>", name,
                           kind_name(group_main(f->kind), 0));
        break;
    }
    if ((f->kind == E_TERMSEC || f->kind == E_TIG || f->kind == E_NTIG) && t->has_term)
        rc = emit_term(t);
    if (rc == 0 && f->kind == E_ENTRY && t->cur_concept >= 0 && t->concept_note.len &&
        !t->g->concepts[t->cur_concept].note &&
        !(t->g->concepts[t->cur_concept].note = cc_gloss_strdup(t->g, t->concept_note.data)))
        rc = cc_error_oom();
    t->depth--;
    return rc;
}

/* The start of an element: check it, then read it whole (a leaf) or enter it. */
static int on_start(cc_xml *x, void *ud, const cc_xml_elem *el, const cc_xml_attr *a, size_t n)
{
    tbx *t = ud;
    const char *local = el->local, *qname = el->qname;
    int rc;
    t->x = x;
    if (t->leaf_depth) {
        t->leaf_depth++; /* inline markup in a leaf: only its text counts */
        return 0;
    }
    if (t->depth == 0) {
        if ((rc = on_root(t, local, a, n)) < 0 || (rc = push(t, E_ROOT, 0, qname)) < 0)
            return rc;
        return 0;
    }
    int kind = classify(t, local, el->uri), meta = 0;
    if (kind == E_DCT) {
        if (!t->dct && (t->dialect & (D_MIN | D_BASIC)))
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s> is a DCT-style element, but the file says style=\"dca\"",
                                qname);
        const datcat *dc = find_datcat(t->dialect, local);
        meta = dc ? dc->meta : 0;
    }
    frame *p = &t->st[t->depth - 1];
    if ((rc = check_child(t, p, kind, meta, qname)) < 0)
        return rc;
    if (is_leaf(kind))
        return leaf_start(t, kind, local, qname, a, n);
    if ((rc = push(t, kind, meta, qname)) < 0)
        return rc;
    switch (kind) {
    case E_ENTRY: {
        const char *id = attr_value(a, n, "id");
        t->cur_concept = -1;
        t->entry_terms = t->entry_bytes = 0;
        cc_buf_clear(&t->concept_note);
        if ((rc = copy_str(&t->entry_id, id ? id : "")) < 0)
            return rc;
        if (!martif(t)) {
            if (!t->entry_id.len)
                return cc_xml_error(t->x, CONCORD_EPARSE,
                                    "<conceptEntry> without an id: TBX v3 requires one");
            if (cc_gloss_find_concept(t->g, t->entry_id.data) >= (long)t->first_concept)
                return cc_xml_error(t->x, CONCORD_EPARSE,
                                    "<conceptEntry id=\"%s\">: that id is used by an earlier "
                                    "entry (ids are unique in a file)",
                                    t->entry_id.data);
        }
        break;
    }
    case E_LANG: {
        const char *lang = attr_value(a, n, "xml:lang");
        if ((rc = copy_str(&t->lang, lang ? lang : "")) < 0)
            return rc;
        if (!t->lang.len)
            return cc_xml_error(t->x, CONCORD_EPARSE,
                                "<%s> without xml:lang: the language of its terms", qname);
        break;
    }
    case E_TERMSEC:
    case E_TIG:
    case E_NTIG:
        t->has_term = 0;
        t->status = CC_TERM_PREFERRED;
        t->term_flags = 0;
        cc_buf_clear(&t->term);
        cc_buf_clear(&t->pos);
        cc_buf_clear(&t->term_note);
        break;
    default:
        break;
    }
    return 0;
}

static int on_end(cc_xml *x, void *ud, const cc_xml_elem *el)
{
    tbx *t = ud;
    (void)el;
    t->x = x;
    if (t->leaf_depth)
        return --t->leaf_depth ? 0 : leaf_end(t);
    return end_frame(t);
}

/* Text: a leaf's is gathered; elsewhere only whitespace is allowed, or ignored. */
static int on_text(cc_xml *x, void *ud, const char *v, size_t n)
{
    tbx *t = ud;
    t->x = x;
    if (t->leaf_depth) {
        if (!t->leaf_collect)
            return 0;
        if (t->leaf_text.len + n > TBX_MAX_TEXT)
            return cc_error_set_at(CONCORD_ELIMIT, t->name, t->leaf_pos.line, t->leaf_pos.column,
                                   (size_t)t->leaf_pos.offset,
                                   "<%s> with more than 1 MiB of text (concord's limit)",
                                   bstr(&t->leaf_qname));
        return cc_buf_append(&t->leaf_text, v, n);
    }
    if (t->depth == 0)
        return 0;
    frame *f = &t->st[t->depth - 1];
    if (!is_header_part(f->kind) && (martif(t) || f->kind == E_OTHER))
        return 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        if (!cc_is_space(cc_utf8_decode((const unsigned char *)v, &j)))
            break;
        i = j;
    }
    if (i >= n)
        return 0;
    if (is_header_part(f->kind))
        return fail_at(t, f, "text directly in <%s>: the header's text goes inside <p>",
                       frame_name(t, f));
    return fail_at(t, f, "text directly in <%s>: only elements go there", frame_name(t, f));
}

typedef int (*parse_fn)(const void *src, const cc_xml_handlers *h, tbx *t);

/* Read one TBX document into g from whatever parse() reads. */
static int read_tbx(concord_glossary *g, const char *name, parse_fn parse, const void *src)
{
    static const cc_xml_handlers handlers = {on_start, on_end, on_text, NULL};
    tbx t;
    int rc;
    memset(&t, 0, sizeof(t));
    t.g = g;
    t.name = name;
    t.first_concept = g->nconcepts;
    t.cur_concept = -1;
    if (!(t.st = cc_calloc(MAX_DEPTH, sizeof(*t.st))))
        return cc_error_oom();
    rc = parse(src, &handlers, &t);
    cc_free(t.st);
    cc_buf_free(&t.leaf_qname);
    cc_buf_free(&t.leaf_local);
    cc_buf_free(&t.leaf_type);
    cc_buf_free(&t.leaf_text);
    cc_buf_free(&t.entry_id);
    cc_buf_free(&t.concept_note);
    cc_buf_free(&t.lang);
    cc_buf_free(&t.term);
    cc_buf_free(&t.pos);
    cc_buf_free(&t.term_note);
    cc_buf_free(&t.scratch);
    cc_buf_free(&t.attr);
    return rc;
}

typedef struct memory_src {
    const char *data;
    size_t len;
} memory_src;

static int parse_memory(const void *src, const cc_xml_handlers *h, tbx *t)
{
    const memory_src *m = src;
    return cc_xml_parse_memory(m->data, m->len, t->name, h, t);
}

typedef struct stream_src {
    cc_xml_read_fn read;
    void *rud;
} stream_src;

static int parse_stream(const void *src, const cc_xml_handlers *h, tbx *t)
{
    const stream_src *s = src;
    return cc_xml_parse_stream(s->read, s->rud, t->name, h, t);
}

int cc_gloss_read_tbx(concord_glossary *g, const char *name, const char *data, size_t len)
{
    memory_src m = {data, len};
    return read_tbx(g, name, parse_memory, &m);
}

int cc_gloss_read_tbx_stream(concord_glossary *g, const char *name,
                             long (*read)(void *rud, char *buf, size_t cap), void *rud)
{
    stream_src s = {read, rud};
    return read_tbx(g, name, parse_stream, &s);
}
