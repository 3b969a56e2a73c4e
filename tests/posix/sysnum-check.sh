#!/bin/bash
# libposix/include/lp/sysnum.h carries the Linux x86_64 system call
# numbers; they must be exactly musl's (arch/x86_64/bits/syscall.h.in).
#
# Usage: sysnum-check.sh SYSNUM_H MUSL_SRC
set -euo pipefail
ours=$(sed -nE 's/^\tX\(([0-9]+), ([a-z0-9_]+)\) \\$/\1 \2/p' "$1")
theirs=$(awk '$1 == "#define" && $2 ~ /^__NR_/ { sub(/^__NR_/, "", $2); print $3, $2 }' \
	"$2/arch/x86_64/bits/syscall.h.in")
if [[ "$ours" != "$theirs" ]]; then
	echo "sysnum-check: FAIL: lp/sysnum.h and musl's syscall.h.in differ:"
	diff <(echo "$theirs") <(echo "$ours") | head -n 20
	exit 1
fi
echo "sysnum-check: PASS: $(wc -l <<<"$ours") calls agree"
