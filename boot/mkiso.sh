#!/bin/bash
# Builds a bootable ISO with grub-mkrescue: GRUB_CFG becomes
# /boot/grub/grub.cfg, KERNEL /boot/kernel.elf and each MODULE
# /boot/<its file name>. Quiet unless grub-mkrescue fails.
#
# Usage: boot/mkiso.sh OUT.iso GRUB_CFG KERNEL [MODULE...]
set -euo pipefail

out=$1 cfg=$2 kernel=$3
shift 3
root="$out.root"
rm -rf "$root"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot/grub"
cp "$cfg" "$root/boot/grub/grub.cfg"
cp "$kernel" "$root/boot/kernel.elf"
for mod in "$@"; do
	name=$(basename "$mod")
	if [[ -e "$root/boot/$name" ]]; then
		echo "mkiso: two files named $name (or one named kernel.elf) in $out" >&2
		exit 1
	fi
	cp "$mod" "$root/boot/$name"
done

# No locales, fonts or themes: the console is serial, and the ISO shrinks
# from ~9.5 MB to ~2.7 MB.
if ! msg=$(grub-mkrescue --locales= --fonts= --themes= -o "$out.tmp" "$root" 2>&1); then
	printf '%s\n' "$msg" >&2
	echo "mkiso: grub-mkrescue failed for $out" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"
