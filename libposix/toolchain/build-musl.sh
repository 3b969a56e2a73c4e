#!/bin/bash
# Configures, builds and installs the patched musl out of tree, keeping
# the compiler output in a log (printed in part if the build fails). It
# runs only when the source was prepared again, and always builds from
# scratch: the unpacked files keep the release's old timestamps, so a file
# a dropped patch no longer touches would look older than its object.
#
# Usage: build-musl.sh SRC OBJ INSTALL
set -euo pipefail
src=${1:?} obj=${2:?} inst=${3:?}

log="$obj/build.log"
rm -rf "$obj"
mkdir -p "$obj"
# This runs under CMake's make; musl's make gets its own job count.
unset MAKEFLAGS MFLAGS MAKELEVEL
jobs=$(nproc 2>/dev/null || echo 2)

run() {
	if ! "$@" >>"$log" 2>&1; then
		echo "build-musl: '$*' failed; the end of $log:" >&2
		tail -n 40 "$log" >&2
		exit 1
	fi
}

: >"$log"
start=$(date +%s)
cd "$obj"
run "$src/configure" --prefix="$inst" --disable-shared --disable-wrapper \
	--enable-debug CC=gcc
run make -j"$jobs"
rm -rf "$inst"
run make install
echo "build-musl: musl built and installed in $(($(date +%s) - start)) s" >&2
