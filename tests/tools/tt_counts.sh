#!/bin/sh
# tt_counts.sh PO_REWRITE XLIFF_TOOL SHARED_DATA — Translate Toolkit reads the
# files concord writes with the counts it gives the originals (pocount), and
# all their new targets (xliff2po); skipped (77) without Translate Toolkit or
# the shared data.
set -u
po_rewrite=$1 xliff_tool=$2 data=$3/bilingual
command -v pocount >/dev/null && command -v xliff2po >/dev/null || { echo "skip: no Translate Toolkit"; exit 77; }
[ -d "$data" ] || { echo "skip: no shared data"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/concord-tt.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
rc=0
# pocount --csv: Filename, Translated Messages, Translated Source Words, Translated Target Words,
# Fuzzy Messages, Fuzzy Source Words, Untranslated Messages, Untranslated Source Words, ...
counts() { pocount --csv "$1" 2>/dev/null | tail -n 1 | cut -d, -f2-8 | tr -d ' '; }
for f in po/gnome-chess/ja.po po/okapi/Test_nautilus.af.po po/debian-msgunfmt/coreutils.ru.po; do
    "$po_rewrite" same "$data/$f" >"$work/same.po" && "$po_rewrite" edit "$data/$f" >"$work/edit.po" || { rc=1; continue; }
    orig=$(counts "$data/$f") same=$(counts "$work/same.po") edit=$(counts "$work/edit.po")
    [ "$orig" = "$same" ] || { echo "$f: pocount $same after an unchanged rewrite, $orig before"; rc=1; }
    # every message translated: as many as translated + fuzzy + untranslated before, none else
    want=$(echo "$orig" | awk -F, '{print $1 + $4 + $6 "," $2 + $5 + $7}')
    got=$(echo "$edit" | awk -F, '$4 == 0 && $6 == 0 {print $1 "," $2}')
    [ "$want" = "$got" ] || { echo "$f: pocount $edit after every target changed, expected $want translated"; rc=1; }
done
for f in xliff12/orcid-angular/messages.ru.xlf xliff12/okapi/SF-12-Test03.xlf; do
    "$xliff_tool" bracket "$data/$f" >"$work/edit.xlf" || { rc=1; continue; }
    xliff2po --progress=none "$work/edit.xlf" "$work/edit.po" 2>/dev/null || { echo "$f: xliff2po failed"; rc=1; continue; }
    # Translate Toolkit takes a target as translated only when approved: fuzzy or translated,
    # never untranslated, once every target is filled
    untranslated=$(counts "$work/edit.po" | cut -d, -f6)
    [ "$untranslated" = 0 ] || { echo "$f: $untranslated units without target after every target changed"; rc=1; }
done
[ $rc = 0 ] && echo "Translate Toolkit reads concord's rewrites with the expected counts"
exit $rc
