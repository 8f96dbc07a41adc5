#!/bin/sh
# run_case.sh CONCORD_BINARY CASE_DIR SOURCE_DIR
#
# A command-line test is a directory holding:
#   cmd      one shell command line; `concord` runs the binary under test,
#            $DATA is tests/data, $SAMPLE is docs/sample, $SHARED is ../shared/data
#   stdout   the exact expected standard output (absent: must be empty)
#   stderr   the exact expected standard error (absent: must be empty)
#   status   the expected exit status (absent: 0)
#   ...      any input files the command reads
# The command runs in a scratch copy of the directory, so it may write files.
# $CONCORD_BIN is the binary itself, for commands that run it through another
# program (setpriv, unshare). A command that cannot run here (it needs a
# privilege the machine does not give) prints "skip: WHY" and exits 77: the
# case is reported as skipped, never as passed.
#
# With BLESS=1 in the environment the outputs are not compared but recorded
# as the case's expected ones (tests/cli/bless.sh does this): the case runs
# in exactly the environment it is checked in.
set -u
CONCORD_BIN=$(realpath "$1")
CASE=$(realpath "$2")
SRC=$(realpath "$3")
name=$(basename "$CASE")
work=$(mktemp -d "${TMPDIR:-/tmp}/concord-cli-$name.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cp -R "$CASE"/. "$work"/
cd "$work" || exit 2
export DATA="$SRC/tests/data" SAMPLE="$SRC/docs/sample" SHARED="$SRC/../shared/data"
export NO_COLOR=1 LC_ALL=C.UTF-8
concord() { "$CONCORD_BIN" "$@"; }
cmd=$(cat cmd)
# run the command line with `concord` defined; keep its status
( eval "$cmd" ) >actual.stdout 2>actual.stderr
got=$?
if [ "$got" = 77 ] && head -n 1 actual.stdout | grep -q '^skip: '; then
    echo "$name: skipped: $(head -n 1 actual.stdout | sed 's/^skip: //')"
    exit 77
fi
if [ "${BLESS:-0}" = 1 ]; then
    for stream in stdout stderr; do
        if [ -s "actual.$stream" ]; then
            cp "actual.$stream" "$CASE/$stream"
        else
            rm -f "$CASE/$stream"
        fi
    done
    if [ "$got" = 0 ]; then
        rm -f "$CASE/status"
    else
        echo "$got" >"$CASE/status"
    fi
    echo "blessed $name"
    exit 0
fi
want=0
[ -f status ] && want=$(cat status)
fail=0
if [ "$got" != "$want" ]; then
    echo "$name: exit status $got, expected $want"
    fail=1
fi
for stream in stdout stderr; do
    if [ -f "$stream" ]; then
        if ! cmp -s "$stream" "actual.$stream"; then
            echo "$name: $stream differs (expected vs actual):"
            diff "$stream" "actual.$stream" | head -40
            fail=1
        fi
    elif [ -s "actual.$stream" ]; then
        echo "$name: unexpected $stream:"
        head -c 2000 "actual.$stream"
        fail=1
    fi
done
[ $fail = 0 ] && echo "$name: ok"
exit $fail
