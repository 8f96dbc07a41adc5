/*
 * concord/tm.h — the translation memory: the unit model with its inline
 * codes, a streaming TMX reader, and the store (one SQLite file per TM) with
 * TMX import and export.
 *
 * A translation unit (TU) holds variants, one per language (a TU may hold
 * one variant or many), with the tuid, dates, users, props and notes of the
 * TMX it came from.
 *
 * INLINE CODES. A segment is stored as its plain text (UTF-8) and a list of
 * codes, each anchored at a byte offset of the plain text:
 *
 *     <seg>The <bpt i="1" x="1">&lt;b></bpt>big<ept i="1">&lt;/b></ept> cat</seg>
 *
 *     text  = "The big cat"
 *     codes = { BPT at 4, attrs ` i="1" x="1"`, content `&lt;b>` },
 *             { EPT at 7, attrs ` i="1"`,       content `&lt;/b>` }
 *
 * The plain text is what a matcher compares; the kinds and offsets say where
 * formatting sits and which codes pair up (the i attribute); attrs and
 * content keep the TMX markup of each code verbatim, so that export gives
 * back equivalent TMX (content keeps entities escaped and any <sub> element
 * with its own inline markup). <hi> is two codes, HI_START and HI_END, around
 * text that stays in the plain text. Codes at one offset keep their order.
 */
#ifndef CONCORD_TM_H
#define CONCORD_TM_H

#include <stdint.h>

#include "concord/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the unit model ------------------------------------------------------- */

typedef enum concord_code_kind {
    CONCORD_CODE_BPT = 1,  /* <bpt>: opening half of a paired code, paired by i with its <ept> */
    CONCORD_CODE_EPT,      /* <ept>: closing half */
    CONCORD_CODE_IT,       /* <it>: a half whose partner is outside the segment (pos=begin|end) */
    CONCORD_CODE_PH,       /* <ph>: a standalone code (line break, image, variable, ...) */
    CONCORD_CODE_HI_START, /* <hi ...>: start of highlighted text */
    CONCORD_CODE_HI_END,   /* </hi> */
    CONCORD_CODE_UT        /* <ut>: unknown native code (TMX 1.1 to 1.4a) */
} concord_code_kind;

typedef struct concord_code {
    int kind;            /* concord_code_kind */
    size_t offset;       /* byte offset in the plain text where the code sits */
    const char *attrs;   /* the element's attributes as TMX markup (` i="1" x="1"`), or "" */
    const char *content; /* the native code as TMX markup, or "" (always "" for <hi>) */
} concord_code;

/* A <prop> (type set) or a <note> (type NULL). */
typedef struct concord_prop {
    const char *type;  /* prop type, NULL for a note */
    const char *attrs; /* other attributes as markup (xml:lang, o-encoding), or "" */
    const char *value; /* the text */
} concord_prop;

typedef struct concord_variant {
    const char *lang; /* canonical BCP 47 tag ("en-US") */
    const char *text; /* plain text, NUL-terminated */
    size_t text_len;  /* in bytes */
    const concord_code *codes;
    size_t ncodes;
    const char *attrs;         /* other <tuv> attributes as markup (creationdate, changeid, ...) */
    const concord_prop *props; /* props and notes, in document order */
    size_t nprops;
    unsigned long line; /* line of the <tuv> in the TMX file, 0 if unknown */
} concord_variant;

typedef struct concord_unit {
    const char *tuid;    /* or NULL */
    const char *srclang; /* canonical tag, "*all*", or NULL when neither TU nor header says */
    const char *attrs;   /* other <tu> attributes as markup (creationdate, usagecount, ...) */
    const concord_prop *props;
    size_t nprops;
    const concord_variant *variants;
    size_t nvariants;
    unsigned long line, column; /* of the <tu> in the TMX file, 0 if unknown */
} concord_unit;

/*
 * The TMX markup of a segment (the content of <seg>, without the element):
 * the text escaped, the codes put back. *out (NUL-terminated) belongs to the
 * caller: concord_free(). Returns 0 or CONCORD_ENOMEM.
 */
CONCORD_API int concord_segment_to_tmx(char **out, const char *text, size_t len,
                                       const concord_code *codes, size_t ncodes);

/* ---- reading TMX ------------------------------------------------------------ */

/* What the reader tells its caller besides units. */
typedef struct concord_tmx_event {
    int is_error; /* 1: a unit was skipped (only with skip_invalid); 0: a warning */
    const char *file;
    unsigned long line, column;
    const char *message; /* one line */
} concord_tmx_event;

/* The <header> of a TMX file, as read. Strings are NULL when absent. */
typedef struct concord_tmx_header {
    const char *version; /* the tmx element's version ("1.4") */
    const char *creationtool, *creationtoolversion, *o_tmf, *datatype, *segtype;
    const char *adminlang, *srclang; /* srclang canonical, or "*all*" */
    const char *attrs;               /* every header attribute as markup */
} concord_tmx_header;

#define CONCORD_TMX_CALLBACKS_VERSION 1

typedef struct concord_tmx_callbacks {
    unsigned int version; /* CONCORD_TMX_CALLBACKS_VERSION */
    /* the header, once, before any unit; may be NULL */
    int (*header)(const concord_tmx_header *h, void *ud);
    /* each valid unit, in order; borrowed until the callback returns */
    int (*unit)(const concord_unit *u, void *ud);
    /* warnings and skipped units; may be NULL */
    void (*event)(const concord_tmx_event *e, void *ud);
    /* progress: bytes of the file read so far and its size (0 if unknown, e.g. gzip) */
    void (*progress)(unsigned long long done, unsigned long long total, void *ud);
    void *ud;
} concord_tmx_callbacks;

#define CONCORD_TMX_CALLBACKS_INIT                                                                 \
    {                                                                                              \
        CONCORD_TMX_CALLBACKS_VERSION, NULL, NULL, NULL, NULL, NULL                                \
    }

/*
 * Read a TMX 1.1–1.4b file (any encoding XML allows: UTF-8 with or without
 * BOM, UTF-16 with BOM, or as declared; gzip-compressed files too), one unit
 * at a time: memory does not depend on the size of the file. The file is read
 * without network access and without entity expansion.
 *
 * A unit that breaks the TMX rules (a <tuv> with no language and no header
 * srclang, a <tuv> without <seg>, a TU without variants, unbalanced <bpt>/
 * <ept>, a segment longer than CONCORD_TM_MAX_SEGMENT) stops the reading with
 * CONCORD_EPARSE (or CONCORD_ELIMIT) naming file, line and column, unless
 * skip_invalid is set: then it is reported through the event callback and
 * skipped. Malformed XML always stops the reading. Unknown elements are
 * skipped with a warning.
 *
 * A nonzero return from a callback stops the reading with CONCORD_EUSER
 * (the callback may set its own error with a concord function first, which
 * is then returned instead).
 */
CONCORD_API int concord_tmx_read(const char *path, int skip_invalid,
                                 const concord_tmx_callbacks *cb);

/*
 * The same for a TMX document in memory, data[0..len), not copied (keep it
 * alive during the call). `name` stands for the file in messages and events
 * (NULL: "(memory)"). Not gzip-compressed: compressed data is
 * CONCORD_EUNSUPPORTED.
 */
CONCORD_API int concord_tmx_read_memory(const char *data, size_t len, const char *name,
                                        int skip_invalid, const concord_tmx_callbacks *cb);

/*
 * The same for a TMX document read in pieces from `reader` (see
 * concord_read_fn) until it gives 0 bytes, with memory bounded as for a file
 * whatever the length (an upload, a pipe, a decompressor of the caller's).
 * The reader is called during this call only; `name` as above (NULL:
 * "(stream)"). A nonzero return of the reader stops the reading with
 * CONCORD_EUSER; more bytes than asked for is CONCORD_EINVAL. Not
 * gzip-compressed.
 */
CONCORD_API int concord_tmx_read_reader(concord_read_fn reader, void *reader_ud, const char *name,
                                        int skip_invalid, const concord_tmx_callbacks *cb);

/* The longest segment concord reads: 1 MiB of UTF-8. */
#define CONCORD_TM_MAX_SEGMENT (1024 * 1024)

/* ---- the store ------------------------------------------------------------ */

typedef struct concord_tm concord_tm;

#define CONCORD_TM_CREATE   1u /* create the file if it does not exist, or a TM in an empty file */
#define CONCORD_TM_READONLY 2u /* open for reading only */

/*
 * Open (or with CONCORD_TM_CREATE create) the TM in the SQLite file `path`.
 * Without CONCORD_TM_CREATE nothing is created: neither a missing file, nor a
 * TM in an empty one (CONCORD_EUNSUPPORTED "an empty file, not a concord TM
 * yet", the file left as it is). The file is migrated to the current schema
 * when opened for writing. A file that is not a concord TM, or one made by a
 * newer concord (a higher schema version), is refused with
 * CONCORD_EUNSUPPORTED and left untouched.
 *
 * A TM that this process cannot write (a read-only file, directory or mount,
 * or a full disk, where SQLite cannot make its -wal and -shm files) is
 * opened for reading, whatever the flags: everything reads it as usual, and
 * nothing is created beside it; writes (an import, the matcher's index)
 * fail with CONCORD_EIO "the TM file is read-only" and the reason. It reads
 * the -wal of an earlier writer where that writer left its -shm too; a -wal
 * with changes but no -shm cannot be read there, and the open fails with
 * CONCORD_EIO saying so (rather than showing the TM without those changes).
 * Without a WAL, such a TM is read without SQLite's locks (immutable=1): a
 * writer elsewhere that starts meanwhile may make that read fail; read again.
 *
 * *out belongs to the caller: concord_tm_close(). Returns 0, CONCORD_EIO
 * (cannot open or create), CONCORD_EUNSUPPORTED, CONCORD_ENOMEM.
 */
CONCORD_API int concord_tm_open(concord_tm **out, const char *path, unsigned flags);

/* Close a TM; NULL is a no-op. */
CONCORD_API void concord_tm_close(concord_tm *tm);

/* What to do with a unit whose source text is already in the TM with another translation. */
typedef enum concord_duplicates {
    CONCORD_DUP_KEEP = 0, /* keep both: the new one is an alternative translation (default) */
    CONCORD_DUP_SKIP,     /* keep the stored one, drop the new one */
    CONCORD_DUP_REPLACE   /* drop the stored one(s), keep the new one */
} concord_duplicates;

/*
 * Version 1: on_duplicate .. ud. Version 2 adds `cancel`, version 3 `busy`.
 */
#define CONCORD_IMPORT_OPTIONS_VERSION 3

typedef struct concord_import_options {
    unsigned int version;            /* CONCORD_IMPORT_OPTIONS_VERSION */
    concord_duplicates on_duplicate; /* see concord_tm_import_tmx() */
    int skip_invalid;                /* skip invalid units (reported) instead of failing */
    /* optional: warnings and skipped units, and progress (bytes of the current file) */
    void (*event)(const concord_tmx_event *e, void *ud);
    void (*progress)(const char *file, unsigned long long done, unsigned long long total,
                     size_t units_read, void *ud);
    void *ud;
    /*
     * Version 2. Optional: while *cancel is 0 the import goes on; once it is
     * nonzero (set from a signal handler or another thread) the import stops
     * soon after (at the end of the batch of at most 512 units it is
     * writing, or while it waits for another writer), rolls back and returns
     * CONCORD_EUSER with the TM unchanged.
     */
    const volatile int *cancel;
    /*
     * Version 3. Optional: the TM is being written by another process (an
     * import, or a lookup updating the index), and the import waits for it.
     * Called on the calling thread about every 50 ms of the wait with the
     * milliseconds waited so far; return 0 to go on waiting, nonzero to give
     * up (CONCORD_EIO, "the TM is being written by another process", the TM
     * unchanged). Without it the import waits up to 10 s, then gives up so.
     */
    int (*busy)(unsigned long waited_ms, void *ud);
} concord_import_options;

#define CONCORD_IMPORT_OPTIONS_INIT                                                                \
    {                                                                                              \
        CONCORD_IMPORT_OPTIONS_VERSION, CONCORD_DUP_KEEP, 0, NULL, NULL, NULL, NULL, NULL          \
    }

#define CONCORD_IMPORT_STATS_VERSION 1

/* The counts of an import; the caller sets version (CONCORD_IMPORT_STATS_INIT). */
typedef struct concord_import_stats {
    unsigned int version;    /* CONCORD_IMPORT_STATS_VERSION */
    size_t read;             /* units read from the files, invalid ones included */
    size_t imported;         /* units stored as new units */
    size_t variants;         /* variants stored (in new units and added to stored ones) */
    size_t identical;        /* units whose every translation was already stored */
    size_t merged;           /* units whose new languages joined a stored unit with their source */
    size_t alternatives;     /* units stored with another translation of a known source (keep) */
    size_t skipped;          /* units whose other translations were dropped (skip) */
    size_t replaced;         /* stored units whose translations were replaced (replace) */
    size_t variants_removed; /* stored variants removed by replace */
    size_t invalid;          /* invalid units skipped (skip_invalid) */
    size_t warnings;         /* warnings reported */
} concord_import_stats;

#define CONCORD_IMPORT_STATS_INIT                                                                  \
    {                                                                                              \
        CONCORD_IMPORT_STATS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0                              \
    }

/*
 * Import TMX files into the TM, all of them in ONE transaction: on any error
 * the TM is left exactly as it was (and a process killed midway leaves it so
 * too). A TM that fails SQLite's quick check (PRAGMA quick_check) is refused
 * before anything is written to it (CONCORD_ERROR, "the TM file is damaged");
 * a TM opened for reading only, with CONCORD_EINVAL or CONCORD_EIO (see
 * concord_tm_open()). Readers of the TM in other processes are not blocked and see the TM
 * as it was until the import commits.
 *
 * Duplicates are judged per translation. The source of a unit is its
 * variant in srclang (or in srclang's language: "en" takes en-US), else its
 * first variant. For each other variant (a translation) of a new unit:
 *  - the same (source, translation) pair is already stored, in either
 *    direction (language, text and inline codes; en>ru is found from ru>en,
 *    and in a unit of any number of languages): it is not stored again;
 *  - the source is stored with another translation in that language: with
 *    CONCORD_DUP_KEEP the new one is stored too (an alternative), with
 *    CONCORD_DUP_SKIP it is dropped, with CONCORD_DUP_REPLACE the stored
 *    translations in that language are removed and the new one stored;
 *  - otherwise it is new: if the source is stored, it joins that unit,
 *    else the unit is stored as it is.
 * Two translations of one source (the ru and ja of an en unit) are not a
 * (source, translation) pair: a ru>ja unit of the same texts is new.
 * A unit left with nothing new is counted as identical. The unit-level
 * metadata (tuid, props) of a unit whose translations only join another is
 * not kept.
 *
 * `stats` (optional; its version set, see CONCORD_IMPORT_STATS_INIT) receives
 * the counts, also on failure. Returns 0, or the error of the reader
 * (CONCORD_EPARSE, CONCORD_EIO, CONCORD_ELIMIT, with file, line and column),
 * CONCORD_EUSER when `cancel` stopped it, CONCORD_ERROR for a database
 * failure, CONCORD_ENOMEM, CONCORD_EINVAL for a version of the options or
 * the stats that this library does not know.
 */
CONCORD_API int concord_tm_import_tmx(concord_import_stats *stats, concord_tm *tm,
                                      const char *const *paths, size_t npaths,
                                      const concord_import_options *opts);

/*
 * Import one TMX document in memory, data[0..len) (see
 * concord_tmx_read_memory()), as concord_tm_import_tmx() imports a file: one
 * transaction, the same rules, counts and errors. `name` is recorded as the
 * file the units came from and named in messages (NULL: "(memory)").
 */
CONCORD_API int concord_tm_import_tmx_memory(concord_import_stats *stats, concord_tm *tm,
                                             const char *data, size_t len, const char *name,
                                             const concord_import_options *opts);

/*
 * Import one TMX document read in pieces from `reader` (see
 * concord_tmx_read_reader()), as concord_tm_import_tmx() imports a file;
 * memory stays bounded whatever its length. The reader is called on a second
 * thread that the import starts and joins before it returns (one call at a
 * time, never after the return): it must not call into this TM. `name` as
 * above (NULL: "(stream)").
 */
CONCORD_API int concord_tm_import_tmx_reader(concord_import_stats *stats, concord_tm *tm,
                                             concord_read_fn reader, void *reader_ud,
                                             const char *name, const concord_import_options *opts);

/*
 * Something units come from other than a TMX file, for
 * concord_tm_import_sources(): a reader of another format (an XLIFF or PO
 * file through concord_doc_read_units(), concord/doc.h) or the caller's own.
 * `run` reads the source to its end calling cb as concord_tmx_read() does
 * (header optional, then each unit in order, events and progress) and returns
 * 0 or a negative code: the code of the error a concord call set (a callback
 * that returned nonzero has set one: pass concord_error_last()->code back), or
 * its own, which the import names ("the source stopped with CONCORD_…"). It runs on a second thread
 * that the import starts and joins before returning, one source after another, and must not call
 * into the TM.
 */
typedef struct concord_unit_source {
    const char *name; /* recorded as the file the units came from, named in messages */
    int (*run)(const struct concord_unit_source *src, int skip_invalid,
               const concord_tmx_callbacks *cb);
    void *ud; /* for run */
} concord_unit_source;

/* A source that is the TMX file at src->name (concord_tmx_read()). */
CONCORD_API int concord_unit_source_tmx(const concord_unit_source *src, int skip_invalid,
                                        const concord_tmx_callbacks *cb);

/*
 * Import the units of n sources in ONE transaction, with the rules, counts
 * and errors of concord_tm_import_tmx(): a TMX file and an XLIFF file in one
 * call are all stored or none.
 */
CONCORD_API int concord_tm_import_sources(concord_import_stats *stats, concord_tm *tm,
                                          const concord_unit_source *sources, size_t n,
                                          const concord_import_options *opts);

#define CONCORD_PUT_OPTIONS_VERSION 1

/* Version 1: on_duplicate, user, date. */
typedef struct concord_put_options {
    unsigned int version; /* CONCORD_PUT_OPTIONS_VERSION */
    /*
     * Another translation of a stored source in a language it has:
     * CONCORD_DUP_REPLACE updates (the stored translations of that source in
     * that language go, the new one is stored: what an editor does when a
     * translator corrects a segment; the default), CONCORD_DUP_KEEP stores
     * it as an alternative, CONCORD_DUP_SKIP keeps the stored one.
     */
    concord_duplicates on_duplicate;
    /* Who: written as changeid (and creationid where there is none), or NULL. */
    const char *user;
    /*
     * When, as TMX writes it (YYYYMMDDThhmmssZ, UTC): changedate (and
     * creationdate where there is none). NULL: now.
     */
    const char *date;
} concord_put_options;

#define CONCORD_PUT_OPTIONS_INIT                                                                   \
    {                                                                                              \
        CONCORD_PUT_OPTIONS_VERSION, CONCORD_DUP_REPLACE, NULL, NULL                               \
    }

/*
 * Add one unit to the TM, or update the translations of one: what an editor
 * does when a translator confirms a segment, or a server when it is sent
 * one. One transaction per call, with the rules of an import (see
 * concord_tm_import_tmx(); the source is the variant in u->srclang, else the
 * first): a pair already stored is not stored again, a translation into a
 * language new for a stored source joins its unit, and another translation
 * of a known source follows opts->on_duplicate. Every variant of u, and u
 * itself, gets changedate/changeid (and creationdate/creationid unless u has
 * them) from opts->date and opts->user. The matcher sees the change at once:
 * a lookup made after the call finds the new translation and not a replaced
 * one (its index is brought up to date on the next concord_matcher_open(),
 * and units it does not cover are scanned meanwhile).
 *
 * u is the caller's (read during the call only): language tags are made
 * canonical; texts must be UTF-8 (CONCORD_EENCODING), attributes TMX markup
 * (` name="value"`) and codes as concord_code describes (CONCORD_EINVAL).
 * *id_out (optional) gets the unit the new translations are stored in (a
 * new unit, or the stored one they joined), or 0 when nothing was stored
 * (the TM had every translation, or SKIP kept the stored ones). opts may be
 * NULL (CONCORD_PUT_OPTIONS_INIT).
 *
 * Returns 0; CONCORD_EINVAL (a bad unit or option, or a TM opened with
 * CONCORD_TM_READONLY), CONCORD_EENCODING, CONCORD_ELIMIT; CONCORD_EIO (the
 * TM file is read-only, or another process writes it for more than 10 s);
 * CONCORD_ERROR (a damaged TM: nothing is written; a database failure: the
 * TM is as it was); CONCORD_ENOMEM.
 *
 *     concord_variant v[2] = {{.lang = "en", .text = "Kunashir", .text_len = 8},
 *                             {.lang = "ru", .text = "Кунашир", .text_len = 14}};
 *     concord_unit u = {.srclang = "en", .variants = v, .nvariants = 2};
 *     concord_put_options o = CONCORD_PUT_OPTIONS_INIT;
 *     o.user = "tanaka";
 *     int64_t id;
 *     if (concord_tm_unit_put(&id, tm, &u, &o) < 0)
 *         fprintf(stderr, "%s\n", concord_error_last()->message);
 */
CONCORD_API int concord_tm_unit_put(int64_t *id_out, concord_tm *tm, const concord_unit *u,
                                    const concord_put_options *opts);

#define CONCORD_EXPORT_OPTIONS_VERSION 1

typedef struct concord_export_options {
    unsigned int version; /* CONCORD_EXPORT_OPTIONS_VERSION */
    /*
     * Languages to export (NULL: all). "en" selects every English variant
     * (en, en-US, en-GB...); "en-GB" only en-GB. With two or more languages,
     * units left with fewer than two variants are not exported.
     */
    const char *const *langs;
    size_t nlangs;
} concord_export_options;

#define CONCORD_EXPORT_OPTIONS_INIT                                                                \
    {                                                                                              \
        CONCORD_EXPORT_OPTIONS_VERSION, NULL, 0                                                    \
    }

/* concord_write_fn (concord/common.h) receives the exported bytes. */

/*
 * Write the TM as TMX 1.4b in UTF-8: units in the order they were stored,
 * with their attributes, props, notes and inline codes. *units_out
 * (optional) receives the number of units written. Returns 0, CONCORD_EUSER,
 * CONCORD_ERROR (database), CONCORD_ENOMEM.
 */
CONCORD_API int concord_tm_export_tmx(size_t *units_out, concord_tm *tm,
                                      const concord_export_options *opts, concord_write_fn write,
                                      void *ud);

/* ---- statistics ------------------------------------------------------------ */

typedef struct concord_tm_count {
    const char *name; /* language tag, "src>tgt" pair, or tool name */
    size_t count;
} concord_tm_count;

typedef struct concord_tm_stats {
    size_t units, variants;
    const concord_tm_count *langs; /* variants per language, by tag */
    size_t nlangs;
    const concord_tm_count *pairs; /* units per source>target language pair */
    size_t npairs;
    const concord_tm_count *tools; /* units per creating tool ("OmegaT 6.0") */
    size_t ntools;
    const char *first_date,
        *last_date; /* oldest creationdate, newest change/creation date; NULL if none */
    unsigned long long file_size; /* bytes of the database file (and its WAL) */
    int schema_version;
} concord_tm_stats;

/* Compute statistics. *out belongs to the caller: concord_tm_stats_free(). */
CONCORD_API int concord_tm_stats_get(concord_tm_stats **out, concord_tm *tm);
CONCORD_API void concord_tm_stats_free(concord_tm_stats *stats);

#ifdef __cplusplus
}
#endif

#endif
