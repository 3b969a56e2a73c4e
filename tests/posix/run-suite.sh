#!/bin/bash
# Boots the libposix suite once (boot/qemu-test.sh judges the exotest
# lines and the exit), then checks what the musl programs printed on the
# console, which the launcher cannot see:
#   - printf output arrives, once ("hello, world");
#   - stdio is flushed by exit ("hello: flushed at exit");
#   - an unimplemented call is named once per process, however often it is
#     made (hello calls getxattr twice), and vfork is one.
#
# Usage: run-suite.sh BOOT_DIR ISO TIMEOUT
set -uo pipefail
boot=${1:?} iso=${2:?} timeout_s=${3:?}
# One log per ISO and CPU count: tests may boot the same ISO in parallel.
log="${iso%.iso}$([[ ${EXO_CPUS:-1} == 1 ]] || echo ".cpus$EXO_CPUS").log"

bash "$boot/qemu-test.sh" "$iso" "$timeout_s" || exit 1

fail=0
# expect_count COUNT REGEX: the log has exactly COUNT lines matching REGEX.
expect_count() {
	local n
	n=$(tr -d '\r' <"$log" | grep -cE -- "$2")
	if [[ "$n" != "$1" ]]; then
		echo "posix-suite: FAIL: want $1 line(s) matching '$2', found $n"
		fail=1
	fi
}
expect_count 1 '^hello, world$'
expect_count 1 '^hello: write ok$'
expect_count 1 '^hello: args ok$'
expect_count 1 '^hello: flushed at exit$'
expect_count 1 '^libposix: unimplemented syscall 191 \(getxattr\) -> ENOSYS$'
expect_count 1 '^libposix: unimplemented syscall 58 \(vfork\) -> ENOSYS$'
expect_count 0 '^hello: check'
# sched_getaffinity names every CPU the machine has (EXO_CPUS, default 1).
expect_count 2 "^fastpath: ${EXO_CPUS:-1} CPU\\(s\\)$"
if ((fail)); then
	exit 1
fi
echo "posix-suite: PASS: console output as expected"
