#!/bin/sh
# xliff_schema.sh XLIFF_TOOL DATA_DIR — every readable XLIFF file of
# ../shared/data/bilingual rewritten by src/doc/xliff.c:
#  - with no edit, byte for byte the input;
#  - with every target changed ("[" source "]", its codes), valid against the
#    schema wherever the input is: XLIFF 1.2 transitional (with the catalog
#    for xml.xsd) for files in the 1.2 namespace, the 2.0 core XSD for 2.x;
#    these are the data README's own xmllint commands.
# Exit 77 (skipped) without the data or without xmllint.
set -u
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
data=$2/bilingual
[ -d "$data/xliff12" ] || { echo "no $data: skipped"; exit 77; }
command -v xmllint >/dev/null 2>&1 || { echo "no xmllint: skipped"; exit 77; }
cd "$data" || exit 1
tmp=${TMPDIR:-/tmp}/xliff_schema.$$
mkdir -p "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT
read_ok=0 same=0 valid_in=0 valid_out=0 failed=0
for f in $(find xliff12 xliff2 large -name '*.xlf' -o -name '*.xliff' -o -name '*.sdlxliff' | sort); do
    "$tool" count "$f" >/dev/null 2>&1 || continue
    read_ok=$((read_ok + 1))
    if "$tool" same "$f" >"$tmp/same" && cmp -s "$f" "$tmp/same"; then
        same=$((same + 1))
    else
        echo "FAIL: $f: the rewrite with no edit is not the input"
        failed=$((failed + 1))
    fi
    if ! "$tool" bracket "$f" >"$tmp/out.xlf"; then
        echo "FAIL: $f: the rewrite failed"
        failed=$((failed + 1))
        continue
    fi
    if ! "$tool" count "$tmp/out.xlf" >/dev/null; then
        echo "FAIL: $f: the rewrite does not read back"
        failed=$((failed + 1))
        continue
    fi
    case $(head -c 2000 "$f") in
    *urn:oasis:names:tc:xliff:document:2.0*)
        set -- xmllint --nonet --noout --schema schemas/xliff21/xliff_core_2.0.xsd ;;
    *urn:oasis:names:tc:xliff:document:1.2*)
        set -- env XML_CATALOG_FILES=schemas/catalog.xml xmllint --nonet --noout \
            --schema schemas/xliff12/xliff-core-1.2-transitional.xsd ;;
    *) continue ;;
    esac
    # the large files validate (README) but take xmllint long: the small ones are enough
    case $f in large/*) continue ;; esac
    "$@" "$f" >/dev/null 2>&1 || continue
    valid_in=$((valid_in + 1))
    if "$@" "$tmp/out.xlf" >"$tmp/xmllint.log" 2>&1; then
        valid_out=$((valid_out + 1))
    else
        echo "FAIL: $f: valid, but its rewrite is not:"
        head -n 5 "$tmp/xmllint.log"
        failed=$((failed + 1))
    fi
done
echo "read $read_ok files; $same rewritten unchanged byte for byte; $valid_out of $valid_in valid inputs valid after every target changed"
[ "$failed" = 0 ]
