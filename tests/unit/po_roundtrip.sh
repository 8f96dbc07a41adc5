#!/bin/sh
# po_roundtrip.sh PO_REWRITE BILINGUAL_DIR — the PO writer on every readable PO file of
# ../shared/data/bilingual (po/ and large/): rewritten without edits it is the same bytes;
# with every translatable target replaced ("[" + source + "]", status translated) it
# differs from the input only in msgstr lines, #, flag lines and #| lines, reads back,
# and `msgfmt -c` accepts it wherever it accepted the input. Exit 77 (skipped) without
# the data or without msgfmt.
set -u
tool=$1
dir=$2
[ -d "$dir/po" ] || { echo "no $dir/po: skipped"; exit 77; }
command -v msgfmt >/dev/null 2>&1 || { echo "no msgfmt: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/po_roundtrip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# everything but the lines an edit may change: msgstr and its continuation lines
# (not of obsolete entries: those never change), #, and #| lines
others() {
    tr -d '\r' | awk '
        /^msgstr/ { s = 1; next }
        s && /^[ \t]*"/ { next }
        { s = 0 }
        /^#[,|]/ { next }
        { print }'
}
utf8() { # the file as UTF-8 text (okapi/Test01.po is UTF-16 with a BOM)
    case $(head -c 2 "$1" | od -An -tx1 | tr -d ' \n') in
    feff | fffe) iconv -f UTF-16 -t UTF-8 "$1" ;;
    *) cat "$1" ;;
    esac
}

fail=0 files=0 same=0 edited=0 msgfmt_ok=0
for f in $(find "$dir/po" "$dir/large" -name '*.po' -o -name '*.pot' | sort); do
    case $f in *broken-invalid-utf8* | *broken-unterminated*) continue ;; esac
    files=$((files + 1))
    b=$tmp/$(basename "$f")
    if ! "$tool" same "$f" >"$b.same" || ! cmp -s "$f" "$b.same"; then
        echo "FAIL $f: rewritten without edits, not the same bytes"
        fail=1
        continue
    fi
    same=$((same + 1))
    if ! "$tool" edit "$f" >"$b.edit"; then
        echo "FAIL $f: rewrite with edits"
        fail=1
        continue
    fi
    if ! "$tool" stats "$b.edit" >"$b.stats"; then
        echo "FAIL $f: the rewritten file does not read back"
        fail=1
        continue
    fi
    case $(cat "$b.stats") in
    *" 0 fuzzy, 0 untranslated;"*) ;;
    *) echo "FAIL $f: not all translated after the edit: $(cat "$b.stats")" && fail=1 ;;
    esac
    cp "$b.edit" "$b.edit.po"
    if ! cmp -s "$(utf8 "$f" | others >"$b.o1" && echo "$b.o1")" \
        "$(utf8 "$b.edit.po" | others >"$b.o2" && echo "$b.o2")"; then
        echo "FAIL $f: lines other than msgstr, #, and #| changed:"
        diff "$b.o1" "$b.o2" | head -5
        fail=1
        continue
    fi
    edited=$((edited + 1))
    if msgfmt -c -o /dev/null "$f" 2>/dev/null; then
        if ! msgfmt -c -o /dev/null "$b.edit.po" 2>"$b.msgfmt"; then
            echo "FAIL $f: msgfmt -c accepts the input, not the rewritten file:"
            grep -v warning "$b.msgfmt" | head -3
            fail=1
            continue
        fi
        msgfmt_ok=$((msgfmt_ok + 1))
    fi
done
echo "$files files: $same rewritten unchanged byte for byte, $edited edited with only msgstr," \
    "#, and #| lines changed, $msgfmt_ok passing msgfmt -c before and after"
exit $fail
