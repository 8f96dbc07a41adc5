#!/bin/sh
# check_abi.sh LIBCONCORD_SO SYMBOLS_FILE — the shared library exports exactly
# the functions of the list, each of them declared in a public header.
set -u
lib=$1 list=$2 include=$3
want=$(mktemp) got=$(mktemp)
trap 'rm -f "$want" "$got"' EXIT
grep -v '^#' "$list" | sed '/^$/d' | sort >"$want"
nm -D --defined-only "$lib" | awk '$2 == "T" || $2 == "D" || $2 == "B" || $2 == "R" { print $3 }' |
    sort >"$got"
status=0
if ! cmp -s "$want" "$got"; then
    echo "exported symbols differ from $list (< listed only, > exported only):"
    diff "$want" "$got" | grep '^[<>]'
    status=1
fi
# every listed symbol is declared in a header of include/concord
while read -r sym; do
    grep -q "\\b$sym(" "$include"/concord/*.h || {
        echo "$sym is exported but declared in no public header"
        status=1
    }
done <"$want"
[ $status = 0 ] && echo "ABI: $(wc -l <"$want") symbols, as listed"
exit $status
