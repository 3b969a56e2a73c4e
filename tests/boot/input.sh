#!/bin/bash
# Boots an ISO whose first program waits for console input, types a line
# on the terminal (COM1) once the program prints "ready" (on either
# channel: boot/qemu.sh shows both), and checks the echo and the status.
# Usage: input.sh ISO LINE EXPECTED_PATTERN [READY_MARKER]
set -uo pipefail
iso=$1 line=$2 pattern=$3 ready=${4:-console-echo: ready}
here=$(cd "$(dirname "$0")" && pwd)
log="${iso%.iso}.log"
coproc QEMU { bash "$here/../../boot/qemu.sh" --accel tcg --timeout 60 "$iso" 2>&1; }
pid=$QEMU_PID
exec {from}<&"${QEMU[0]}" {to}>&"${QEMU[1]}"
typed=0
: >"$log"
while IFS= read -r out <&"$from"; do
	printf '%s\n' "$out" >>"$log"
	if ((!typed)) && [[ $out == *"$ready"* ]]; then
		printf '%s\n' "$line" >&"$to"
		typed=1
	fi
done
wait "$pid"
status=$?
tr -d '\r' <"$log" | tail -n 8
fail=0
((typed)) || { echo "FAIL: the program never said it was ready"; fail=1; }
[[ $status == 0 ]] || { echo "FAIL: exit status $status, want 0"; fail=1; }
tr -d '\r' <"$log" | grep -qE -- "$pattern" || { echo "FAIL: no line matching /$pattern/"; fail=1; }
if ((fail)); then echo "0 passed, 1 failed"; else echo "1 passed, 0 failed"; fi
exit $fail
