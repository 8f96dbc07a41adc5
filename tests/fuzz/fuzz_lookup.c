/*
 * fuzz_lookup.c — fuzzy lookup, concordance and analysis against a small TM
 * built once (LLVMFuzzerInitialize: a TMX of en, ru and ja units, with
 * inline codes, numbers, dates, alternative translations and case
 * variants, imported into a TM in the process's temporary directory). The
 * first byte of the input chooses the language pair (en>ru, ru>en, ja>en,
 * en>ja), the threshold, and what is done with the rest, the query:
 *  0  concord_matcher_lookup(), through the index and exhaustively, which
 *     must give the same matches (match.h says so);
 *  1  the same with the query's neighbours (the context of a 101);
 *  2  concord_concordance_search() of the query as a phrase;
 *  3  concord_matcher_analyze() of the query as a document, whole and read
 *     in pieces, which must give the same counts.
 * Nothing is written to the TM after LLVMFuzzerInitialize.
 */
#include "fuzz_common.h"
#include "../unit/pieces.h"

static const char tmx[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<tmx version=\"1.4\"><header creationtool=\"fuzz\" creationtoolversion=\"1\" "
    "datatype=\"plaintext\" segtype=\"sentence\" adminlang=\"en\" srclang=\"en\" "
    "o-tmf=\"fuzz\"/><body>\n"
    "<tu tuid=\"1\"><tuv xml:lang=\"en\"><seg>Russia and Japan agree to keep talking on "
    "disputed islands</seg></tuv><tuv xml:lang=\"ru\"><seg>Россия и Япония договорились "
    "продолжить переговоры по спорным островам</seg></tuv><tuv xml:lang=\"ja\"><seg>"
    "日ロ、係争中の島々をめぐる協議の継続で合意</seg></tuv></tu>\n"
    "<tu tuid=\"2\"><tuv xml:lang=\"en\"><seg>MOSCOW/TOKYO, March 3 (Concord News) –</seg></tuv>"
    "<tuv xml:lang=\"ru\"><seg>МОСКВА/ТОКИО, 3 марта (Concord News) —</seg></tuv>"
    "<tuv xml:lang=\"ja\"><seg>【モスクワ・東京3月3日＝コンコード・ニュース】</seg></tuv></tu>\n"
    "<tu tuid=\"3\"><tuv xml:lang=\"en\"><seg>Press <bpt i=\"1\">&lt;b></bpt>Save<ept "
    "i=\"1\">&lt;/b></ept> to keep 12 files.</seg></tuv><tuv xml:lang=\"ru\"><seg>Нажмите "
    "<bpt i=\"1\">&lt;b></bpt>Сохранить<ept i=\"1\">&lt;/b></ept>, чтобы сохранить 12 "
    "файлов.</seg></tuv></tu>\n"
    "<tu tuid=\"4\"><tuv xml:lang=\"en\"><seg>The meeting is on 2024-03-05 at 10:30.</seg></tuv>"
    "<tuv xml:lang=\"ru\"><seg>Встреча 05.03.2024 в 10:30.</seg></tuv>"
    "<tuv xml:lang=\"ja\"><seg>会議は2024年3月5日10時30分です。</seg></tuv></tu>\n"
    "<tu tuid=\"5\"><tuv xml:lang=\"en\"><seg>Open the file.</seg></tuv><tuv xml:lang=\"ru\">"
    "<seg>Откройте файл.</seg></tuv></tu>\n"
    "<tu tuid=\"6\"><tuv xml:lang=\"en\"><seg>Open the file.</seg></tuv><tuv xml:lang=\"ru\">"
    "<seg>Открой файл.</seg></tuv></tu>\n"
    "<tu tuid=\"7\"><tuv xml:lang=\"en\"><seg>OPEN THE FILE!</seg></tuv><tuv xml:lang=\"ru\">"
    "<seg>ОТКРОЙТЕ ФАЙЛ!</seg></tuv><tuv xml:lang=\"ja\"><seg>ファイルを開いてください！"
    "</seg></tuv></tu>\n"
    "<tu tuid=\"8\"><tuv xml:lang=\"en-US\"><seg>He declined to say whether the question of "
    "sovereignty had been discussed.<ph x=\"1\">&lt;br/></ph></seg></tuv><tuv xml:lang=\"ru-RU\">"
    "<seg>Обсуждался ли вопрос о суверенитете, он уточнять не стал.</seg></tuv></tu>\n"
    "<tu tuid=\"9\"><tuv xml:lang=\"en\"><seg>Ｔｏｋｙｏ is big.</seg></tuv><tuv xml:lang=\"ja\">"
    "<seg>東京は大きい。</seg></tuv><tuv xml:lang=\"ru\"><seg>Токио большой.</seg></tuv></tu>\n"
    "<tu tuid=\"10\"><tuv xml:lang=\"en\"><seg>The Southern Kurils, known in Japan as the "
    "Northern Territories.</seg></tuv><tuv xml:lang=\"ru\"><seg>Южные Курилы, которые в Японии "
    "называют Северными территориями.</seg></tuv><tuv xml:lang=\"ja\"><seg>南クリル諸島"
    "（日本名・北方領土）。</seg></tuv></tu>\n"
    "</body></tmx>\n";

static const char *const pairs[][2] = {{"en", "ru"}, {"ru", "en"}, {"ja", "en"}, {"en", "ja"}};
#define NPAIRS (sizeof pairs / sizeof *pairs)
static const char *const langs[] = {"en", "ru", "ja", "en-US"};
#define NLANGS (sizeof langs / sizeof *langs)
static concord_tm *tm;
static concord_matcher *matchers[NPAIRS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char tmx_path[4200], tm_path[4200];
    fuzz_path(tmx_path, sizeof tmx_path, "lookup.tmx");
    fuzz_path(tm_path, sizeof tm_path, "lookup.tm");
    fuzz_write_file(tmx_path, (const uint8_t *)tmx, sizeof tmx - 1);
    fuzz_remove_tm(tm_path);
    const char *paths[] = {tmx_path};
    if (concord_tm_open(&tm, tm_path, CONCORD_TM_CREATE) < 0 ||
        concord_tm_import_tmx(NULL, tm, paths, 1, NULL) < 0)
        goto fail;
    for (size_t i = 0; i < NPAIRS; i++)
        if (concord_matcher_open(&matchers[i], tm, pairs[i][0], pairs[i][1]) < 0)
            goto fail;
    /* the index of each language the inputs search, brought up to date now, so that no input
       writes to the TM */
    for (size_t i = 0; i < NLANGS; i++) {
        concord_hits *hits = NULL;
        if (concord_concordance_search(&hits, tm, langs[i], "file", 4, 1) < 0)
            goto fail;
        concord_hits_free(hits);
    }
    unlink(tmx_path);
    return 0;
fail:
    fprintf(stderr, "fuzz_lookup: %s\n", concord_error_last()->message);
    abort();
}

static void touch_match(const concord_match *m)
{
    FUZZ_CHECK(m->score >= 0 && m->score <= 101 && m->fuzzy >= 0 && m->fuzzy <= 100,
               "score %d fuzzy %d", m->score, m->fuzzy);
    FUZZ_CHECK(strlen(m->source) == m->source_len && strlen(m->target) == m->target_len,
               "match lengths");
    fuzz_sink += fuzz_touch(m->source_lang) + fuzz_touch(m->target_lang) +
                 fuzz_touch(m->target_numbers) + fuzz_touch(m->tuid) + fuzz_touch(m->file) +
                 fuzz_touch(m->tool) + fuzz_touch(m->date);
    for (size_t k = 0; k < m->npenalties; k++)
        fuzz_sink += (unsigned)m->penalties[k].points;
}

static void check_diff(const concord_match *m, size_t qlen)
{
    for (size_t k = 0; k < m->ndiff; k++) {
        const concord_diff_op *d = &m->diff[k];
        FUZZ_CHECK(d->query_start <= d->query_end && d->query_end <= qlen,
                   "diff %zu: query [%zu, %zu) of %zu", k, d->query_start, d->query_end, qlen);
        FUZZ_CHECK(d->source_start <= d->source_end && d->source_end <= m->source_len,
                   "diff %zu: source [%zu, %zu) of %zu", k, d->source_start, d->source_end,
                   m->source_len);
    }
}

static void lookup(concord_matcher *m, const char *q, size_t len, int min_score, int context)
{
    concord_lookup_options o = CONCORD_LOOKUP_OPTIONS_INIT;
    o.min_score = min_score;
    o.max_matches = 0;
    if (context) {
        /* the query split in three: before, the query, after */
        size_t a = len / 3, b = 2 * len / 3;
        while (a > 0 && ((unsigned char)q[a] & 0xc0) == 0x80)
            a--;
        while (b > a && ((unsigned char)q[b] & 0xc0) == 0x80)
            b--;
        o.prev = q;
        o.prev_len = a;
        o.next = q + b;
        o.next_len = len - b;
        q += a;
        len = b - a;
    }
    concord_matches *byindex = NULL, *scan = NULL;
    int rc = concord_matcher_lookup(&byindex, m, q, len, &o);
    o.exhaustive = 1;
    int rc2 = concord_matcher_lookup(&scan, m, q, len, &o);
    FUZZ_CHECK(rc == rc2, "lookup: %d by the index, %d by a scan", rc, rc2);
    if (rc == 0) {
        FUZZ_CHECK(byindex->n == scan->n, "%zu matches by the index, %zu by a scan", byindex->n,
                   scan->n);
        for (size_t i = 0; i < byindex->n; i++) {
            touch_match(&byindex->v[i]);
            check_diff(&byindex->v[i], len);
            FUZZ_CHECK(byindex->v[i].unit == scan->v[i].unit &&
                           byindex->v[i].score == scan->v[i].score,
                       "match %zu: unit %lld score %d by the index, unit %lld score %d by a scan",
                       i, (long long)byindex->v[i].unit, byindex->v[i].score,
                       (long long)scan->v[i].unit, scan->v[i].score);
            FUZZ_CHECK(byindex->v[i].score >= min_score, "a match below the threshold");
        }
    } else {
        FUZZ_CHECK(rc == CONCORD_EENCODING || rc == CONCORD_ELIMIT, "lookup: %s",
                   concord_error_last()->message);
    }
    concord_matches_free(byindex);
    concord_matches_free(scan);
}

static void analyze(concord_matcher *m, const char *text, size_t len, int wrapped)
{
    concord_analyze_options o = CONCORD_ANALYZE_OPTIONS_INIT;
    o.wrapped = wrapped;
    concord_analysis *whole = NULL, *parts = NULL;
    int rc = concord_matcher_analyze(&whole, m, text, len, &o);
    pieces r = PIECES(text, len, 5);
    int rc2 = concord_matcher_analyze_reader(&parts, m, pieces_read, &r, &o);
    FUZZ_CHECK(rc == rc2, "analyze: %d whole, %d in pieces", rc, rc2);
    if (rc == 0) {
        FUZZ_CHECK(whole->nsegments == parts->nsegments, "%zu segments whole, %zu in pieces",
                   whole->nsegments, parts->nsegments);
        size_t segments = 0;
        for (int b = 0; b < CONCORD_NBANDS; b++) {
            FUZZ_CHECK(whole->bands[b].segments == parts->bands[b].segments &&
                           whole->bands[b].words == parts->bands[b].words &&
                           whole->bands[b].characters == parts->bands[b].characters,
                       "band %s differs whole and in pieces", concord_band_name(b));
            segments += whole->bands[b].segments;
        }
        FUZZ_CHECK(segments == whole->total.segments && segments == whole->nsegments,
                   "bands add up to %zu segments, total %zu, list %zu", segments,
                   whole->total.segments, whole->nsegments);
        for (size_t i = 0; i < whole->nsegments; i++) {
            const concord_analysis_segment *s = &whole->segments[i];
            FUZZ_CHECK(s->start < s->end && s->end <= len && s->band >= 0 &&
                           s->band < CONCORD_NBANDS,
                       "segment %zu [%zu, %zu) band %d", i, s->start, s->end, s->band);
            FUZZ_CHECK(s->start == parts->segments[i].start && s->end == parts->segments[i].end &&
                           s->band == parts->segments[i].band,
                       "segment %zu differs whole and in pieces", i);
        }
    }
    concord_analysis_free(whole);
    concord_analysis_free(parts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int thresholds[] = {0, 50, 70, 101};
    if (size == 0)
        return 0;
    unsigned b = data[0];
    size_t pair = b & 3;
    int mode = (b >> 2) & 3;
    int min_score = thresholds[(b >> 4) & 3];
    const char *q = (const char *)data + 1;
    size_t len = size - 1;
    switch (mode) {
    case 0:
    case 1:
        lookup(matchers[pair], q, len, min_score, mode);
        break;
    case 2: {
        concord_hits *hits = NULL;
        int rc = concord_concordance_search(&hits, tm, langs[pair], q, len, (b >> 6) ? 3 : 0);
        if (rc == 0) {
            for (size_t i = 0; i < hits->n; i++) {
                const concord_hit *h = &hits->v[i];
                FUZZ_CHECK(h->start <= h->end && h->end <= strlen(h->text),
                           "hit %zu [%zu, %zu) in a text of %zu", i, h->start, h->end,
                           strlen(h->text));
                for (size_t k = 0; k < h->nothers; k++)
                    fuzz_sink += fuzz_touch(h->others[k].lang) + fuzz_touch(h->others[k].text);
                fuzz_sink += fuzz_touch(h->tuid) + fuzz_touch(h->file) + fuzz_touch(h->lang);
            }
        } else {
            FUZZ_CHECK(rc == CONCORD_EINVAL || rc == CONCORD_EENCODING || rc == CONCORD_ELIMIT,
                       "concordance: %s", concord_error_last()->message);
        }
        concord_hits_free(hits);
        break;
    }
    default:
        analyze(matchers[pair], q, len, (b >> 6) & 1);
        break;
    }
    return 0;
}
