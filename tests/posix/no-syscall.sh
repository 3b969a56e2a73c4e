#!/bin/bash
# Proves that no code in the C library traps into the kernel except
# libposix's kernel gateway. Disassembles
#   - musl's own libc.a (as built from the patched source),
#   - the sysroot's libc.a (musl + libposix.o) and its crt files,
# and fails if any `syscall`, `sysenter` or `int $0x80` instruction is
# found outside the lp_exo_* functions of libposix.o (libposix/exo.c).
# It also fails if it checked no objects, or if it found no trap at all in
# libposix.o: the gateway must be seen, which shows the scan works.
#
# Usage: no-syscall.sh OBJDUMP MUSL_LIBC SYSROOT
set -euo pipefail
objdump=${1:?} musl_libc=${2:?} sysroot=${3:?}

# scan FILE...: prints "objects=N" and one "TRAP <member> <function>" line
# per trapping instruction.
scan() {
	"$objdump" -d --no-show-raw-insn "$@" | awk '
		/file format elf64/ { obj = $1; sub(/:$/, "", obj); objects++ }
		/^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn) }
		/\t(syscall|sysenter|int +\$0x80)[ \t]*$/ { print "TRAP", obj, fn }
		END { print "objects=" objects }'
}

fail=0
musl=$(scan "$musl_libc")
full=$(scan "$sysroot/lib/libc.a" "$sysroot"/lib/*.o)
musl_objs=$(sed -n 's/^objects=//p' <<<"$musl")
full_objs=$(sed -n 's/^objects=//p' <<<"$full")
echo "no-syscall: checked $musl_objs objects of musl's libc.a and $full_objs of the sysroot"
if ((musl_objs < 1000 || full_objs <= musl_objs)); then
	echo "no-syscall: FAIL: too few objects found; is the build complete?"
	fail=1
fi

if grep -q '^TRAP' <<<"$musl"; then
	echo "no-syscall: FAIL: musl's libc.a traps here:"
	grep '^TRAP' <<<"$musl" | sort | uniq -c
	fail=1
fi
stray=$(grep '^TRAP' <<<"$full" | awk '!($2 == "libposix.o" && $3 ~ /^lp_exo_/)' || true)
if [[ -n "$stray" ]]; then
	echo "no-syscall: FAIL: traps outside libposix's kernel gateway:"
	sort <<<"$stray" | uniq -c
	fail=1
fi
gateway=$(grep -c '^TRAP libposix.o lp_exo_' <<<"$full" || true)
if ((gateway == 0)); then
	echo "no-syscall: FAIL: no trap found in libposix's gateway (lp_exo_*): the scan does not see them"
	fail=1
fi
if ((fail)); then
	exit 1
fi
echo "no-syscall: PASS: the only traps are the $gateway in libposix's lp_exo_* gateway"
