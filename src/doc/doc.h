/*
 * doc.h — documents users translate (src/doc): what a file is, and its text
 * as a sequence of units, each with its pieces of text and where they are in
 * the original file. The layer below the rules: glossary checks read
 * documents through it (and analysis, lookup --file and import will), so
 * that a reader for a new format (XLIFF, PO) is written once, here.
 *
 * A document is a sequence of units, delivered one at a time to a callback:
 *
 *   text, Markdown   one unit per paragraph (a run of lines up to an empty
 *                    line), one piece: the paragraph, Markdown with what is
 *                    not prose blanked out (code, link targets, HTML, front
 *                    matter), and the suppression markers of its lines;
 *   TMX              one unit per <tu>, one piece per <tuv> (its language,
 *                    its plain text, the line of the <tuv>);
 *   XLIFF 1.x        one unit per <trans-unit> (bin-unit skipped), a source
 *                    and a target piece per segment: one segment, or one per
 *                    <mrk mtype="seg"> of <seg-source> (xliff.c);
 *   XLIFF 2.x        one unit per <unit>, a source and a target piece per
 *                    <segment> (ignorables are not segments) (xliff.c);
 *   PO, POT          one unit per entry (header and obsolete #~ entries
 *                    included, flagged), pieces msgid [, msgid_plural] and
 *                    msgstr or msgstr[0..n) (po.c).
 *
 * A reader holds one unit at a time (memory does not grow with the
 * document), and what a callback is handed is valid until it returns. The
 * state a rule needs across units (the first mention of a name, the
 * spellings used so far) is the rule's to keep, and small.
 */
#ifndef CC_DOC_H
#define CC_DOC_H

#include <stddef.h>

#include "base/base.h"

/* ---- what a file is ---------------------------------------------------------------------- */

typedef enum cc_doc_format {
    CC_DOC_TEXT = 0,
    CC_DOC_MARKDOWN,
    CC_DOC_TMX,
    CC_DOC_XLIFF, /* XLIFF 1.x or 2.x */
    CC_DOC_PO     /* gettext PO or POT */
} cc_doc_format;

/*
 * What data[0..len) (the start of a file is enough: 64 KiB are looked at) is,
 * by its content first: an XML document whose root element is xliff (any
 * prefix) or that declares an XLIFF namespace is XLIFF, one whose root is tmx
 * is TMX; text whose first line that is not blank or a # comment starts a
 * gettext entry (msgid "…" or msgctxt "…") followed by its msgstr is PO.
 * Otherwise the name decides: .po and .pot are PO, .xlf, .xliff, .sdlxliff,
 * .mxliff and .mqxliff XLIFF, .md and .markdown Markdown, the rest text.
 * UTF-8 (BOM or not) and UTF-16 with a BOM are looked into. *line and *column
 * (may be NULL) get the position of the evidence (the root element, the
 * msgid), 0 when the name decided.
 */
cc_doc_format cc_doc_sniff(const char *name, const char *data, size_t len, unsigned long *line,
                           unsigned long *column);

/* "a gettext PO file", "an XLIFF file", "a TMX file", "a Markdown file", "a text file". */
const char *cc_doc_format_name(cc_doc_format f);

/* cc_doc_sniff() of the first 64 KiB of the file at path. 0 or CONCORD_EIO. */
int cc_doc_sniff_file(const char *path, cc_doc_format *out);

/* ---- positions --------------------------------------------------------------------------- */

/* A place in a file. Lines end at LF, CR LF or a lone CR. */
typedef struct cc_doc_pos {
    size_t offset;             /* byte offset in the file */
    unsigned long line;        /* 1-based */
    unsigned long column;      /* 1-based, in code points */
    unsigned long byte_column; /* 1-based, in bytes */
} cc_doc_pos;

#define CC_DOC_POS_START                                                                           \
    {                                                                                              \
        0, 1, 1, 1                                                                                 \
    }

/*
 * Move *p forward over text[0..n), the bytes of the file that follow it (so
 * that it ends at p->offset + n). Walking a piece once from its start to each
 * finding in order is linear.
 */
void cc_doc_pos_advance(cc_doc_pos *p, const char *text, size_t n);

/* ---- units ------------------------------------------------------------------------------- */

typedef enum cc_doc_role { CC_DOC_SOURCE = 0, CC_DOC_TARGET } cc_doc_role;

/*
 * A line silenced by a "concord-ignore-next-line [RULE...]" marker on the
 * line before it: `words` is what follows the marker on its line, up to a
 * comment closer ("-->", "*\/") or the end of the line; which of them are
 * rule ids is the rules' business.
 */
typedef struct cc_doc_ignore {
    unsigned long line;
    const char *words;
    size_t len;
} cc_doc_ignore;

/*
 * A piece of text of a unit. `text` is what rules read, `orig` the same span
 * as the file has it (for messages and fixes); they have the same length and
 * differ only where a reader blanked out what is not prose (Markdown). With
 * `exact`, text[i] is the file's byte at.offset + i; without, the piece's
 * text is not the file's bytes (a TMX segment, with its markup and character
 * references resolved) and `at` is the place of the element that holds it
 * (the <tuv>'s line, column 1). A reader of XLIFF or PO, whose text is
 * decoded (escape sequences, references, multi-line strings), will add the
 * map from text offsets to file positions here.
 */
typedef struct cc_doc_piece {
    cc_doc_role role;
    size_t seg;       /* the segment of the unit it belongs to: 0, 1, ... (PO: msgid 0,
                         msgid_plural 1; msgstr[k] k) */
    const char *lang; /* canonical BCP 47 tag, or NULL: the document's language */
    const char *text, *orig;
    size_t len;
    cc_doc_pos at;
    int exact;
    /* inline codes in the TM's code model (concord/tm.h), offsets into text;
       for codes read from XLIFF, `content` is the code's XLIFF markup as the
       file has it (so that a writer puts the same code back) */
    const struct concord_code *codes;
    size_t ncodes;
    /* for writers (the reader's own record of where the piece is in the
       raw input): XLIFF the input offset of the '<' of the element that
       holds the text (<source>, <target>, <mrk>); PO the offset of the
       keyword (msgid, msgstr[1], ...). A target that is absent has
       `absent` set and raw = where its element would follow. */
    unsigned long long raw;
    int absent;
    /* XLIFF 2.x: the state of the piece's <segment> as written, or NULL (the
       unit's `state` is only the first segment's) */
    const char *state;
} cc_doc_piece;

/* How far a unit's translation is, from the format's own state. */
typedef enum cc_doc_status {
    CC_DOC_UNTRANSLATED = 0, /* no target or an empty one, or a state before translation
                                (XLIFF 1.2 new / needs-translation, 2.x initial) */
    CC_DOC_FUZZY,            /* a target that needs work: PO fuzzy, 1.2 needs-review-*,
                                needs-adaptation, needs-l10n */
    CC_DOC_TRANSLATED,       /* translated (a target without any state counts as this) */
    CC_DOC_FINAL             /* 1.2 signed-off / final / approved="yes", 2.x reviewed / final */
} cc_doc_status;

typedef struct cc_doc_unit {
    size_t index;        /* 0, 1, … in the document */
    unsigned long line;  /* the unit's line in the file (TMX: the <tu>), 0 if unknown */
    const char *srclang; /* the unit's source language (TMX: the TU's or header's srclang,
                            possibly "*all*"), or NULL */
    const char *trglang; /* the target language (XLIFF target-language / trgLang, PO
                            Language header), canonical, or NULL */
    const cc_doc_piece *pieces;
    size_t npieces;
    const cc_doc_ignore *ignores; /* the silenced lines among the unit's, in order */
    size_t nignores;
    /* bilingual formats (NULL / 0 where the format has none) */
    const char *id;      /* trans-unit / unit id; PO: NULL */
    const char *context; /* PO msgctxt; XLIFF 1.2 resname, 2.x name */
    const char *path;    /* XLIFF: the file's original and the group ids, "/"-joined */
    const char *notes;   /* notes and comments, "\n"-joined (PO: translator and extracted) */
    const char *flags;   /* PO: the #, flags as written ("fuzzy, c-format") */
    const char *state;   /* the state as written (1.2 target state, 2.x first segment's
                            state, PO "fuzzy") or NULL */
    cc_doc_status status;
    int translate;        /* 0: translate="no", a PO header or an obsolete entry: never changed */
    int kind;             /* CC_DOC_UNIT_… */
    size_t nplurals;      /* PO with msgid_plural: the msgstr[n] forms (the source has 2 pieces) */
    const char *previous; /* PO: the previous msgid of a fuzzy entry (its #| msgid lines,
                             decoded), or NULL */
} cc_doc_unit;

/*
 * The status of target piece t of unit u: its own segment's (XLIFF 2.x,
 * where each segment has a state), else the unit's.
 */
cc_doc_status cc_doc_piece_status(const cc_doc_unit *u, const cc_doc_piece *t);

enum {
    CC_DOC_UNIT_NORMAL = 0,
    CC_DOC_UNIT_HEADER,  /* the PO header entry (msgid "") */
    CC_DOC_UNIT_OBSOLETE /* a PO #~ entry */
};

/* Called for each unit in order; a negative return stops the reading with that code. */
typedef int (*cc_doc_unit_fn)(const cc_doc_unit *u, void *ud);

/*
 * Units larger than this are cut (a paragraph of more than 1 MiB, such as a
 * file of one long line): at the last line break before the limit, else
 * after the last sentence end (". ", "。") in the 64 KiB before it, else the
 * last space, else a character boundary. A term or shape across such a cut
 * is not found.
 */
#define CC_DOC_UNIT_MAX (1u << 20)

/*
 * Read text[0..len) (valid UTF-8, the whole file) as text or, with
 * `markdown`, Markdown, one unit per paragraph. The reader copies one unit
 * at a time (for Markdown masking); nothing else grows with the text.
 */
int cc_doc_read_text(const char *text, size_t len, int markdown, cc_doc_unit_fn fn, void *ud);

/*
 * Read the TMX file at path as a document, one unit per <tu> (through
 * concord_tmx_read(), streaming). The pieces' text is the segment's plain
 * text; their `at` is the <tuv>'s line (or the <tu>'s), column 1.
 */
int cc_doc_read_tmx(const char *path, cc_doc_unit_fn fn, void *ud);

/* ---- bilingual documents: XLIFF (xliff.c), PO (po.c) ------------------------------------- */

/*
 * XLIFF (xliff.c): a unit's pieces are source, target, source, target, ...
 * one pair per segment (seg 0, 1, ...), a target that is absent included.
 * Text is the characters of the element (references resolved, CDATA, CR LF
 * as LF); g, mrk, pc tags and the codes (x, bx, ex, bpt, ept, ph, it; ph,
 * sc, ec, sm, em) are codes at their offsets, whose `content` is their
 * markup as read (a whole bpt / ph with its native code; a g's start tag,
 * its end tag); <cp/> is its character. alt-trans, mtc:matches, bin-source
 * and elements of other namespaces are not read. 2.x ignorables are not
 * segments. Refused as CONCORD_EPARSE besides what the XML reader refuses:
 * an undeclared prefix, a unit or segment without source, two sources in a
 * segment, unit ids not unique in a 1.2 (namespace 1.2) or 2.x file, 2.x
 * file ids not unique, ids that are not NMTOKENs, 2.x states not of the
 * standard, <ec>/<em> before their start, data ids and mtc:match ids not
 * unique, a document without <file>.
 *
 * Read the XLIFF 1.x / 2.x or PO / POT document at path (or, with data not
 * NULL, data[0..len), path then only names it), unit by unit, streaming:
 * memory does not grow with the file. Errors name the file, line and column:
 * CONCORD_EIO, CONCORD_EPARSE (not well-formed, a namespace error, a unit
 * without source, duplicate ids where the format forbids them, a PO syntax
 * error), CONCORD_EENCODING (bytes not valid in the charset: the first bad
 * byte), CONCORD_ELIMIT, or the callback's code.
 */
int cc_doc_read_xliff(const char *path, const char *data, size_t len, cc_doc_unit_fn fn, void *ud);
int cc_doc_read_po(const char *path, const char *data, size_t len, cc_doc_unit_fn fn, void *ud);

/*
 * Where text offset `off` of piece p (as a reader delivered it, from the same
 * input) is in the file: exact line, column and byte offset of that
 * character in the file's bytes, after character references, escape
 * sequences, inline tags and PO strings that continue on the next line.
 * Reads the raw input again from p->raw (findings are few; nothing is kept
 * for them while reading). off == p->len is the place just after the text.
 */
int cc_doc_locate_xliff(const char *path, const char *data, size_t len, const cc_doc_piece *p,
                        size_t off, cc_doc_pos *out);
int cc_doc_locate_po(const char *path, const char *data, size_t len, const cc_doc_piece *p,
                     size_t off, cc_doc_pos *out);

/* A new target for one segment of a unit (see cc_doc_edit). */
typedef struct cc_doc_target {
    size_t seg;       /* the segment (PO: the plural form k of msgstr[k]) */
    const char *text; /* valid UTF-8, plain text */
    size_t len;
    const struct concord_code *codes; /* inline codes at offsets of text; codes whose
                                         content is the document's own markup (as
                                         the reader gave them) are written as they were */
    size_t ncodes;
} cc_doc_target;

/* What a writer changes in one unit: its targets and its state. */
typedef struct cc_doc_edit {
    const cc_doc_target *targets; /* 0 of them: the unit stays as it is, byte for byte */
    size_t ntargets;
    cc_doc_status status; /* the new state, written as the format has it (XLIFF 1.2
                             state / 2.x segment state / PO fuzzy flag: set for
                             FUZZY and UNTRANSLATED, cleared for TRANSLATED and
                             FINAL) */
} cc_doc_edit;

/* For each unit in order: fill *e (zeroed before the call) or leave it; negative stops. */
typedef int (*cc_doc_edit_fn)(const cc_doc_unit *u, cc_doc_edit *e, void *ud);

/* Where the rewritten document goes; returns 0 or a negative code. */
typedef int (*cc_doc_write_fn)(const void *data, size_t len, void *ud);

/*
 * Copy the document (path, or data[0..len) as for the readers) to write(),
 * with the changes edit() asks for, and every other byte exactly as it was:
 * with no edit the output is the input. A new target goes where the format
 * puts it, in the file's encoding, line ends and indentation; a unit that
 * must not change (translate="no", a PO header or obsolete entry) is never
 * changed (its edit is ignored). Streaming, like the readers.
 */
int cc_doc_rewrite_xliff(const char *path, const char *data, size_t len, cc_doc_edit_fn edit,
                         void *eud, cc_doc_write_fn write, void *wud);
int cc_doc_rewrite_po(const char *path, const char *data, size_t len, cc_doc_edit_fn edit,
                      void *eud, cc_doc_write_fn write, void *wud);

/* ---- Markdown (markdown.c) --------------------------------------------------------------- */

/* What Markdown masking carries from one piece of a document to the next. */
typedef struct cc_md_state {
    size_t front_end; /* the YAML front matter is text[0..front_end), 0 if none */
    int fence;        /* inside a fenced code block */
    char fence_ch;    /* its '`' or '~' */
    int comment;      /* inside an HTML comment */
    int mid_line;     /* the piece starts inside a line (a unit cut in a long line) */
} cc_md_state;

/* The state at the start of the document text[0..len) (finds its front matter). */
void cc_md_begin(cc_md_state *st, const char *text, size_t len);

/*
 * Blank out (with spaces, keeping line breaks and every offset) what is not
 * prose in s[0..n), the copy of text[off..off+n) of the document: front
 * matter, fenced code blocks, inline code, HTML comments and tags, link
 * targets, link reference definitions' destinations, autolinks. Pieces are
 * masked in order, each after the one before it.
 */
void cc_md_mask(cc_md_state *st, char *s, size_t off, size_t n);

#endif
