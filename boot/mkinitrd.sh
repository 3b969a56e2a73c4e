#!/bin/bash
# Builds an initrd: a cpio "newc" archive of SKEL (a directory tree copied
# as it is, may be missing) plus each PROGRAM as /bin/<its file name>
# (mode 0755). Every entry is owned by root and dated SOURCE_DATE_EPOCH
# (default 0), so the archive depends only on its inputs.
#
# Usage: boot/mkinitrd.sh OUT.cpio SKEL [PROGRAM...]
set -euo pipefail

out=${1:?usage: mkinitrd.sh OUT.cpio SKEL [PROGRAM...]} skel=${2:?}
shift 2
stage="$out.root"
rm -rf "$stage"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/etc"
if [[ -d "$skel" ]]; then
	cp -R "$skel/." "$stage/"
fi
for prog in "$@"; do
	install -m 0755 "$prog" "$stage/bin/$(basename "$prog")"
done
find "$stage" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) >"$out.tmp"
mv "$out.tmp" "$out"
