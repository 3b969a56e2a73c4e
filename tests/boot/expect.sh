#!/bin/bash
# Boots an ISO that is expected to end in a particular way and checks the
# exit status and the console output (the terminal and the diagnostic log
# together, as boot/qemu.sh writes them without --log).
# Usage: expect.sh ISO STATUS TIMEOUT PATTERN...
#   STATUS   the status boot/qemu.sh must return (the guest's exit code)
#   PATTERN  extended regular expressions that must each match a line of
#            the console output, in order of appearance
set -uo pipefail
iso=$1 want=$2 timeout_s=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
# One log per ISO, CPU count and port count: tests may boot the same ISO
# in parallel.
log="${iso%.iso}$([[ ${EXO_CPUS:-1} == 1 ]] || echo ".cpus$EXO_CPUS")$([[ ${EXO_PORTS:-2} == 2 ]] || echo ".ports$EXO_PORTS").log"
bash "$here/../../boot/qemu.sh" --accel tcg --timeout "$timeout_s" "$iso" </dev/null >"$log" 2>&1
got=$?
tr -d '\r' <"$log" | grep -av '^\s*$' | tail -n 25
fail=0
if [ "$got" != "$want" ]; then
	echo "FAIL: exit status $got, want $want"
	fail=1
fi
line=0
for pat in "$@"; do
	n=$(tr -d '\r' <"$log" | grep -anE -- "$pat" | awk -F: -v l="$line" '$1 > l { print $1; exit }')
	if [ -z "$n" ]; then
		echo "FAIL: no line matching /$pat/ after line $line"
		fail=1
	else
		line=$n
	fi
done
if [ $fail = 0 ]; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
fi
exit $fail
