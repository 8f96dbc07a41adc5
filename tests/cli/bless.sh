#!/bin/sh
# bless.sh CONCORD_BINARY CASE_DIR... — record the current output of cases as
# their expected output (stdout, stderr, status). Review the diff before
# committing: this is how expected outputs are made, not how they are checked.
set -u
bin=$(realpath "$1")
shift
src=$(cd "$(dirname "$0")/../.." && pwd)
for case in "$@"; do
    case=$(realpath "$case")
    work=$(mktemp -d)
    cp -R "$case"/. "$work"/
    (
        cd "$work" || exit 2
        export DATA="$src/tests/data" SAMPLE="$src/docs/sample" SHARED="$src/../shared/data"
        export NO_COLOR=1 LC_ALL=C.UTF-8
        concord() { "$bin" "$@"; }
        ( eval "$(cat cmd)" ) >"$case/stdout" 2>"$case/stderr"
        echo $? >"$case/status"
    )
    [ -s "$case/stdout" ] || rm -f "$case/stdout"
    [ -s "$case/stderr" ] || rm -f "$case/stderr"
    [ "$(cat "$case/status")" = 0 ] && rm -f "$case/status"
    rm -rf "$work"
    echo "blessed $(basename "$case")"
done
