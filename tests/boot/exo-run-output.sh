#!/bin/bash
# Checks that exo-run shows a program's own output and nothing else: the
# ENOSYS note of a call libposix does not implement stays in the
# diagnostic log, which -v shows; 1 MiB of binary output comes through
# byte for byte.
#
# Usage: exo-run-output.sh EXO_RUN OUTPUTS_PROG
set -uo pipefail
run=${1:?} prog=${2:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# bad WHAT FILE: reports a failure and shows FILE.
bad() {
	echo "FAIL: $1; output:"
	head -c 4000 "$2" | sed 's/^/  | /'
	fail=1
}

"$run" "$prog" notes >"$tmp/out" 2>&1
rc=$?
printf '%s\n' "outputs: before" "outputs: on stderr" \
	"outputs: syscall 999 -> -1, ENOSYS" >"$tmp/want"
if ((rc != 0)) || ! cmp -s "$tmp/out" "$tmp/want"; then
	bad "exo-run outputs notes: status $rc (want 0), output not exactly the program's" "$tmp/out"
else
	echo "ok: exo-run outputs notes: exactly the program's output"
fi

"$run" -v "$prog" notes >"$tmp/out" 2>&1
rc=$?
if ((rc != 0)) || ! grep -qx "libposix: unimplemented syscall 999 -> ENOSYS" "$tmp/out" ||
	! grep -qx "outputs: syscall 999 -> -1, ENOSYS" "$tmp/out" ||
	! grep -q "^exo: exokernel booting" "$tmp/out"; then
	bad "exo-run -v outputs notes: status $rc, want 0, the note, the boot line and the program's lines" "$tmp/out"
else
	echo "ok: exo-run -v outputs notes: the diagnostic log is shown"
fi

perl -e 'binmode STDOUT; print pack("C*", map { $_ % 256 } 0 .. 1048575)' >"$tmp/want"
"$run" "$prog" binary >"$tmp/out" 2>"$tmp/err"
rc=$?
if ((rc != 0)) || ! cmp "$tmp/out" "$tmp/want" || [[ -s "$tmp/err" ]]; then
	bad "exo-run outputs binary: status $rc, $(wc -c <"$tmp/out") bytes (want 0 and 1048576 equal bytes, no stderr)" "$tmp/err"
else
	echo "ok: exo-run outputs binary: 1 MiB byte for byte"
fi

if ((fail)); then
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
