/*
 * fuzz_glossary.c — the glossary reader for concord's own text glossary format
 * (docs/glossary-format.md): the input is the file, loaded with concord_glossary_load_memory()
 * under the name "fuzz.glossary"; a glossary that loads is then used (stats, a checker, a check, a
 * fix, term recognition: fuzz_glossary_input()).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_glossary_input("fuzz.glossary", NULL, NULL, data, size);
    return 0;
}
