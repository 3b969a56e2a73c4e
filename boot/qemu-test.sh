#!/bin/bash
# Runs one in-QEMU test suite: boots ISO once under TCG, bounded by TIMEOUT
# seconds (default 300), keeps both serial ports (the terminal and the
# diagnostic log, in order, as boot/qemu.sh writes them without --log) in
# <iso minus .iso>.log next to it (.cpusN.log with EXO_CPUS=N > 1), echoes
# it, and passes only if
#   - the machine stopped through isa-debug-exit with guest code 0,
#   - no log line contains "PANIC" or "KERNEL FAULT",
#   - the log holds a summary "exotest: N passed, 0 failed" with N >= 1 (the
#     last one counts) and no "exotest: FAIL" line.
# Anything else fails with a one-line reason. The last lines printed are
# always the summary and the verdict ("qemu-test: PASS ..." or
# "qemu-test: FAIL ...: reason").
#
# Usage: boot/qemu-test.sh ISO [TIMEOUT]
#        boot/qemu-test.sh --check LOG STATUS [TIMEOUT]
#          (judge an existing log as if qemu.sh had exited with STATUS)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# verdict LOG STATUS TIMEOUT: prints the summary and verdict lines and
# returns 0 for a pass.
verdict() {
	local log=$1 status=$2 timeout_s=$3 text summary bad fails n m
	text=$(tr -d '\r' <"$log")
	summary=$(grep -aoE 'exotest: [0-9]+ passed, [0-9]+ failed' <<<"$text" | tail -n 1)
	bad=$(grep -aE 'PANIC|KERNEL FAULT' <<<"$text" | head -n 1)
	fails=$(grep -aoE 'exotest: FAIL [^:]*' <<<"$text" | sed 's/^exotest: FAIL //' |
		head -n 10 | paste -sd ' ' -)
	echo "qemu-test: summary: ${summary:-(none)}"

	local why='' name
	name=$(basename "${log%.log}")
	if ((status == 124)); then
		why="timed out after $timeout_s s"
	elif [[ -n "$bad" ]]; then
		why="kernel panic or fault: $bad"
	elif [[ -n "$fails" ]]; then
		why="failed: $fails (exit $status)"
	elif ((status == 127)); then
		why="kernel panic (guest code 127)"
	elif ((status == 126)); then
		why="the first program faulted or was destroyed (guest code 126)"
	elif ((status == 125)); then
		why="machine stopped without a status (triple fault, reset or QEMU error; exit 125)"
	elif ((status != 0)); then
		why="guest exit code $status, not 0"
	elif [[ -z "$summary" ]]; then
		why="no 'exotest: N passed, M failed' summary line"
	fi
	if [[ -z "$why" ]]; then
		n=$(sed -E 's/exotest: ([0-9]+) passed.*/\1/' <<<"$summary")
		m=$(sed -E 's/.*passed, ([0-9]+) failed/\1/' <<<"$summary")
		if ((m != 0)); then
			why="$m failed"
		elif ((n == 0)); then
			why="no tests ran (0 passed)"
		fi
	fi
	if [[ -n "$why" ]]; then
		echo "qemu-test: FAIL $name: $why"
		return 1
	fi
	echo "qemu-test: PASS $name: $n passed"
}

if [[ "${1:-}" == --check ]]; then
	verdict "${2:?--check LOG STATUS}" "${3:?--check LOG STATUS}" "${4:-300}"
	exit
fi

iso=${1:?usage: $0 ISO [TIMEOUT]}
timeout_s=${2:-300}
# One log per ISO and CPU count: tests may boot the same ISO in parallel.
log="${iso%.iso}$([[ ${EXO_CPUS:-1} == 1 ]] || echo ".cpus$EXO_CPUS").log"
[[ -f "$iso" ]] || { echo "qemu-test: FAIL $iso: ISO not found (build it first: make)"; exit 1; }

start=$(date +%s.%N)
"$here/qemu.sh" --accel tcg --timeout "$timeout_s" "$iso" </dev/null 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
end=$(date +%s.%N)
echo "qemu-test: $(basename "$iso") ran $(awk "BEGIN { printf \"%.1f\", $end - $start }") s, qemu.sh exit $status"
verdict "$log" "$status" "$timeout_s"
