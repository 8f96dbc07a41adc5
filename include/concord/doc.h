/*
 * concord/doc.h — the documents users translate: what a file is, and the
 * bilingual ones (XLIFF 1.x and 2.x, gettext PO) read as translation units
 * for the TM.
 *
 *     concord_doc_units_options o = CONCORD_DOC_UNITS_OPTIONS_INIT;
 *     o.target_lang = "ru";                      // if the file does not say
 *     concord_unit_source src = {"po/ru.po", concord_unit_source_doc, &o};
 *     concord_tm_import_sources(&stats, tm, &src, 1, NULL);
 */
#ifndef CONCORD_DOC_H
#define CONCORD_DOC_H

#include "concord/common.h"
#include "concord/tm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum concord_doc_format {
    CONCORD_DOC_TEXT = 0,
    CONCORD_DOC_MARKDOWN,
    CONCORD_DOC_TMX,
    CONCORD_DOC_XLIFF, /* 1.0, 1.1, 1.2, 2.0, 2.1 */
    CONCORD_DOC_PO     /* PO and POT */
} concord_doc_format;

/*
 * What the file at path is, from its content first (the root element and
 * its namespace, PO syntax), then its name (.po, .xlf, .md, ...); see
 * docs/import.md. Reads at most its first 64 KiB. Returns 0 or CONCORD_EIO.
 */
CONCORD_API int concord_doc_detect(concord_doc_format *out, const char *path);

/* "a gettext PO file", "an XLIFF file", "a TMX file", "a Markdown file", "a text file". */
CONCORD_API const char *concord_doc_format_name(concord_doc_format f);

/*
 * The source and target languages an XLIFF or PO file names (canonical; ""
 * where it names none: PO has no source language), from its first unit (and
 * PO header). Returns 0, the reader's error, or CONCORD_EINVAL for a file
 * that is neither.
 */
CONCORD_API int concord_doc_langs(const char *path, char *src, size_t src_size, char *tgt,
                                  size_t tgt_size);

/* Version 1: source_lang, target_lang, include_fuzzy. */
#define CONCORD_DOC_UNITS_OPTIONS_VERSION 1

typedef struct concord_doc_units_options {
    unsigned int version; /* CONCORD_DOC_UNITS_OPTIONS_VERSION */
    /* The languages when the file does not name them (a PO file has no source
       language: "en" when NULL; its target comes from its Language header).
       A file that names another language than the one given here is
       CONCORD_EINVAL: the file and the caller disagree. */
    const char *source_lang, *target_lang;
    /* Also translations that are not confirmed: PO fuzzy entries, XLIFF
       needs-review-*, needs-adaptation / needs-l10n, new or initial with a
       target. They get a prop x-state with the state as written. */
    int include_fuzzy;
} concord_doc_units_options;

#define CONCORD_DOC_UNITS_OPTIONS_INIT                                                             \
    {                                                                                              \
        CONCORD_DOC_UNITS_OPTIONS_VERSION, NULL, NULL, 0                                           \
    }

/*
 * Read the XLIFF or PO file at path as TM units, one at a time to cb->unit
 * (streaming: memory does not grow with the file). Each segment with a
 * non-empty target becomes a unit of two variants, source and target, when
 * the unit is translated (XLIFF state translated, signed-off, final or
 * reviewed, approved="yes", or a target without state; PO: not fuzzy) or, with
 * include_fuzzy, has any target. Never units: translate="no", the PO header,
 * obsolete (#~) entries, XLIFF alt-trans and mtc:matches. The unit's
 * context is kept as props: x-context (PO msgctxt; XLIFF 1.2 resname, 2.x
 * name), x-file (XLIFF file original and group ids), the tuid is the XLIFF
 * unit id (with "/N" for the N-th segment of a unit of several); notes are
 * notes. A PO plural entry gives one unit per msgstr[k]: msgid with
 * msgstr[0], msgid_plural with each further form, and prop x-plural-form k
 * (docs/import.md). Inline codes become the TM's codes: paired codes BPT /
 * EPT (i numbered in the unit), standalone PH, a half without its partner IT,
 * the code's markup in the file kept as the native code.
 *
 * Returns 0, the error of the reader (CONCORD_EPARSE, CONCORD_EENCODING,
 * CONCORD_EIO, CONCORD_ELIMIT with file, line and column), CONCORD_EINVAL
 * (languages: missing or in conflict; a file that is not XLIFF or PO), or
 * what a callback returned.
 */
CONCORD_API int concord_doc_read_units(const char *path, const concord_doc_units_options *o,
                                       const concord_tmx_callbacks *cb);

/*
 * A concord_unit_source run (concord/tm.h) for a bilingual file:
 * src->name is its path, src->ud a concord_doc_units_options (or NULL).
 */
CONCORD_API int concord_unit_source_doc(const concord_unit_source *src, int skip_invalid,
                                        const concord_tmx_callbacks *cb);

#ifdef __cplusplus
}
#endif

#endif
