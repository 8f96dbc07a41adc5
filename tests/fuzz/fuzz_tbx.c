/*
 * fuzz_tbx.c — the glossary reader for TBX (2008 martif and TBX v3, Basic and Min, DCA and DCT),
 * streamed from memory: the input is the file, loaded with concord_glossary_load_memory() under the
 * name "fuzz.tbx"; a glossary that loads is then used (stats, a checker, a
 * check, a fix, term recognition: fuzz_glossary_input()).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_glossary_input("fuzz.tbx", NULL, NULL, data, size);
    return 0;
}
