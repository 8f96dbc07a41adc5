#!/usr/bin/python3
"""Translate Toolkit's TM lookup (translate.storage.tmdb), timed per query.

    tt_lookup.py TMDB_FILE FROM TO QUERIES [MIN]

The database is made by build_tmdb. Its stock full-text query joins
`sources` first, and SQLite then runs the full-text MATCH once per joined
row (hundreds of seconds per query at 100k units). We measure its best case
instead: the same query with the full-text table driving the join (a CROSS
JOIN with `fulltext` first), which returns the same rows. Everything else
(word extraction, the length window, Levenshtein scoring in Python) is
Translate Toolkit's own code. Prints the median and percentiles in ms.
"""
import logging
import statistics
import sys
import time

from translate.storage import tmdb


class BestCaseTMDB(tmdb.TMDB):
    def translate_unit(self, unit_source, source_langs, target_langs):
        source_langs = tmdb.data.normalize_code(source_langs)
        target_langs = tmdb.data.normalize_code(target_langs)
        minlen = tmdb.min_levenshtein_length(len(unit_source), self.min_similarity)
        maxlen = tmdb.max_levenshtein_length(len(unit_source), self.min_similarity,
                                             self.max_length)
        unit_words = tmdb.STRIP_REGEXP.sub(" ", unit_source).split()
        unit_words = [w for w in unit_words if len(w) > 2]
        if self.fulltext and len(unit_words) > 3:
            query = """SELECT s.text, t.text, s.context, s.lang, t.lang
                       FROM fulltext f CROSS JOIN sources s ON s.sid = f.docid
                       JOIN targets t ON s.sid = t.sid
                       WHERE s.lang IN (?) AND t.lang IN (?) AND s.length BETWEEN ? AND ?
                       AND fulltext MATCH ?"""
            self.cursor.execute(query, (source_langs, target_langs, minlen, maxlen,
                                        " OR ".join(unit_words)))
        else:
            query = """SELECT s.text, t.text, s.context, s.lang, t.lang FROM sources s
                       JOIN targets t ON s.sid = t.sid
                       WHERE s.lang IN (?) AND t.lang IN (?)
                       AND s.length >= ? AND s.length <= ?"""
            self.cursor.execute(query, (source_langs, target_langs, minlen, maxlen))
        results = []
        for row in self.cursor:
            quality = self.comparer.similarity(unit_source, row[0], self.min_similarity)
            if quality >= self.min_similarity:
                results.append({"source": row[0], "target": row[1], "quality": quality})
        results.sort(key=lambda m: m["quality"], reverse=True)
        return results[: self.max_candidates]


def main():
    logging.disable(logging.CRITICAL)
    db_file, src, tgt, qfile = sys.argv[1:5]
    min_sim = int(sys.argv[5]) if len(sys.argv) > 5 else 70
    db = BestCaseTMDB(db_file, max_candidates=5, min_similarity=min_sim)
    queries = [l.rstrip("\n") for l in open(qfile, encoding="utf-8") if l.strip()]
    times, found = [], 0
    for q in queries:
        t = time.perf_counter()
        r = db.translate_unit(q, src, tgt)
        times.append((time.perf_counter() - t) * 1000)
        found += bool(r)
    times.sort()
    pick = lambda p: times[min(len(times) - 1, int(p / 100 * (len(times) - 1) + 0.5))]
    print("queries %d  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  mean %.2f ms  with a match %d"
          % (len(times), statistics.median(times), pick(95), pick(99),
             statistics.mean(times), found))


if __name__ == "__main__":
    main()
