#!/bin/sh
# bless.sh CONCORD_BINARY CASE_DIR... — record the current output of cases as
# their expected output (stdout, stderr, status). Review the diff before
# committing: this is how expected outputs are made, not how they are checked.
# Each case runs through run_case.sh, in the environment it is checked in.
set -u
bin=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
rc=0
for case in "$@"; do
    BLESS=1 sh "$here/run_case.sh" "$bin" "$case" "$src" || rc=2
done
exit $rc
