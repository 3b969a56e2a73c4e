#!/bin/bash
# Host-side checks of the toolchain: exo-cc compiles and links like gcc
# (one step, and compile then link), with -lm, and the result is a static,
# non-PIE x86_64 executable with libposix in it and none of its internal
# names visible; with -static-pie, a static-PIE (ET_DYN, no PT_INTERP,
# musl's rcrt1.o, no text relocations). Then an ordinary CMake project
# builds with exo-toolchain.cmake.
#
# Usage: exo-cc-check.sh CMAKE EXO_CC TOOLCHAIN_FILE SRC_DIR OUT_DIR
set -euo pipefail
cmake=${1:?} cc=${2:?} toolchain=${3:?} src=${4:?} out=${5:?}

fail() {
	echo "exo-cc-check: FAIL: $*"
	exit 1
}

# check_static ELF: static, non-PIE, x86_64, with libposix's entry.
check_static() {
	local elf=$1 hdr phdrs syms
	hdr=$(readelf -h "$elf")
	grep -qE 'Type:[[:space:]]+EXEC' <<<"$hdr" || fail "$elf is not ET_EXEC (PIE?)"
	grep -qE 'Machine:[[:space:]]+Advanced Micro Devices X86-64' <<<"$hdr" ||
		fail "$elf is not x86_64"
	phdrs=$(readelf -lW "$elf")
	! grep -qE '^[[:space:]]+(INTERP|DYNAMIC)' <<<"$phdrs" ||
		fail "$elf is dynamically linked"
	syms=$(nm "$elf")
	grep -qE ' [tT] __lp_syscall$' <<<"$syms" || fail "$elf has no __lp_syscall (no libposix)"
	! grep -qE ' [A-Z] lp_' <<<"$syms" || fail "$elf exports libposix internals"
	! grep -qE ' [A-Z] (__libc_start_main|printf)@' <<<"$syms" ||
		fail "$elf links against the host's C library"
}

# check_static_pie ELF: ET_DYN with PT_DYNAMIC but no PT_INTERP, only
# relative relocations (musl's rcrt1.o applies them), libposix inside.
check_static_pie() {
	local elf=$1 hdr phdrs relocs
	hdr=$(readelf -h "$elf")
	grep -qE 'Type:[[:space:]]+DYN' <<<"$hdr" || fail "$elf is not ET_DYN"
	phdrs=$(readelf -lW "$elf")
	! grep -qE '^[[:space:]]+INTERP' <<<"$phdrs" || fail "$elf names an interpreter"
	grep -qE '^[[:space:]]+DYNAMIC' <<<"$phdrs" || fail "$elf has no PT_DYNAMIC"
	relocs=$(readelf -rW "$elf" | grep -E '^[0-9a-f]{16} ' || true)
	[[ -z $relocs ]] || ! grep -vqE 'R_X86_64_RELATIVE' <<<"$relocs" ||
		fail "$elf has relocations other than R_X86_64_RELATIVE"
	grep -qE ' [tT] __lp_syscall$' <<<"$(nm "$elf")" ||
		fail "$elf has no __lp_syscall (no libposix)"
	! readelf -dW "$elf" | grep -qE 'NEEDED|TEXTREL' ||
		fail "$elf needs a library or has text relocations"
}

rm -rf "$out"
mkdir -p "$out"
"$cc" -static-pie -O2 -Wall -Wextra -Werror -o "$out/trivial-pie" "$src/trivial.c"
check_static_pie "$out/trivial-pie"

"$cc" -O2 -Wall -Wextra -Werror -o "$out/trivial" "$src/trivial.c"
check_static "$out/trivial"

"$cc" -O2 -c -o "$out/trivial.o" "$src/trivial.c"
"$cc" -o "$out/trivial2" "$out/trivial.o" -lm
check_static "$out/trivial2"

# The headers are musl's, not the host's.
pre=$(echo '#include <stdio.h>' | "$cc" -E -x c -)
grep -qF "\"$(dirname "$(dirname "$cc")")/sysroot/include/stdio.h\"" <<<"$pre" ||
	fail "exo-cc does not use the sysroot's stdio.h"

"$cmake" -S "$src/cmake-project" -B "$out/cmake-project" \
	-DCMAKE_TOOLCHAIN_FILE="$toolchain" >"$out/cmake.log" 2>&1 ||
	{ cat "$out/cmake.log"; fail "configuring a project with exo-toolchain.cmake"; }
"$cmake" --build "$out/cmake-project" >>"$out/cmake.log" 2>&1 ||
	{ cat "$out/cmake.log"; fail "building a project with exo-toolchain.cmake"; }
check_static "$out/cmake-project/toolchain-hello"
echo "exo-cc-check: PASS"
