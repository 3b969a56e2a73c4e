#!/bin/bash
# Assembles the exo sysroot from musl's installed tree and libposix:
#   SYSROOT/include        musl's headers
#   SYSROOT/lib/crt*.o     musl's start files
#   SYSROOT/lib/libc.a     musl's libc.a plus libposix.o (one member)
#   SYSROOT/lib/lib*.a     musl's empty libm, libpthread, ... (so -lm works)
#   SYSROOT/lib/exo-cc.specs
# It is built next to the old one and moved into place at the end.
#
# Usage: mksysroot.sh MUSL_INSTALL LIBPOSIX_O SPECS AR SYSROOT
set -euo pipefail
musl=${1:?} lp=${2:?} specs=${3:?} ar=${4:?} sysroot=${5:?}

tmp="$sysroot.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/lib"
cp -a "$musl/include" "$tmp/include"
cp -a "$musl"/lib/*.o "$musl"/lib/*.a "$tmp/lib/"
cp "$specs" "$tmp/lib/exo-cc.specs"
# libposix.o is one object, so any reference to __lp_syscall brings all of
# it; a member name of its own never replaces one of musl's (theirs end
# in .lo).
"$ar" rs "$tmp/lib/libc.a" "$lp"
rm -rf "$sysroot"
mv "$tmp" "$sysroot"
