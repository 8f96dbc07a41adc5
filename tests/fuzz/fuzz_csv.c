/*
 * fuzz_csv.c — the CSV/TSV glossary reader (a header row of language codes,
 * Translate Toolkit's po2csv columns, OmegaT's tab format). The first byte
 * of the input chooses the name the rest is loaded under (.csv, .tsv, .tab,
 * .txt, .utf8) and whether the source and target languages are set (which
 * the headerless layouts need); the rest is the file. A glossary that loads
 * is then used, as in every glossary harness (fuzz_glossary_input()).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"fuzz.csv", "fuzz.tsv", "fuzz.tab", "fuzz.txt",
                                        "fuzz.utf8"};
    if (size == 0)
        return 0;
    unsigned choice = data[0];
    const char *name = names[(choice & 0x7f) % (sizeof names / sizeof *names)];
    int langs = choice & 0x80;
    fuzz_glossary_input(name, langs ? "en" : NULL, langs ? "ru" : NULL, data + 1, size - 1);
    return 0;
}
