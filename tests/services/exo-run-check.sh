#!/bin/bash
# Checks build/bin/exo-run: PROG's output appears, its exit status comes
# back (also above 125, which the machine alone cannot report), a
# missing or unrunnable program is a clear non-zero failure, and -f adds
# a program PROG can execute.
#
# Usage: exo-run-check.sh EXO_RUN EXITCODE_PROG
set -uo pipefail
run=${1:?} prog=${2:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# check WANT_STATUS REGEX ARGS...: exo-run ARGS exits with WANT_STATUS and
# prints a line matching REGEX.
check() {
	local want=$1 re=$2
	shift 2
	"$run" "$@" >"$tmp/out" 2>&1
	local got=$?
	if [[ "$got" != "$want" ]] || ! grep -qE -- "$re" "$tmp/out"; then
		echo "FAIL: exo-run $*: status $got (want $want), output:"
		sed 's/^/  | /' "$tmp/out"
		fail=1
	else
		echo "ok: exo-run $* -> $got"
	fi
}

check 42 '^exitcode: 42 hello world$' "$prog" 42 hello world
check 0 '^exitcode: 0$' "$prog" 0
check 200 '^exitcode: 200$' "$prog" 200
check 2 'exo-run: /nonexistent/prog: no such file' /nonexistent/prog
printf 'not an ELF\n' >"$tmp/notelf"
chmod +x "$tmp/notelf"
check 126 'init: cannot start notelf' "$tmp/notelf"
# A fault with no handler is death by SIGSEGV: 128 + 11, as a shell shows.
check 139 '^exitcode: crash$' "$prog" crash
check 2 'only plain words' "$prog" 'two words'
check 5 '^exitcode: 5 as-user$' -u 1000 "$prog" 5 as-user
# -f adds a file to /bin: here a copy of PROG that PROG executes.
cp "$prog" "$tmp/exitcode2"
check 9 '^exitcode: 9 via-f$' -f "$tmp/exitcode2" "$prog" exec /bin/exitcode2 9 via-f
# The boot lines are hidden: the output is the program's alone.
"$run" "$prog" 3 >"$tmp/out" 2>&1
if [[ "$(cat "$tmp/out")" != "exitcode: 3" ]]; then
	echo "FAIL: output is not just the program's:"
	sed 's/^/  | /' "$tmp/out"
	fail=1
fi
if ((fail)); then
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
