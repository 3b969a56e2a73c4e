#!/bin/bash
# Makes sure the Debian packages the build, the tests and QEMU need are
# installed: silent when they are, installs the missing ones with apt-get
# when run as root, and otherwise prints the command to run and fails.
#
# Usage: boot/deps.sh [EXTRA_PACKAGE...]   (e.g. `boot/deps.sh gdb`)
# Environment: EXO_SKIP_DEPS=1 skips the check (non-Debian hosts, offline).
set -euo pipefail

# The one list of build dependencies, for a `debootstrap --variant=minbase`
# Debian 12 system with git and make added. apt-get runs with
# --no-install-recommends, so everything that is only a Recommends of
# something else is named here (libc6-dev is only recommended by gcc).
DEPS=(
	make cmake pkg-config       # build drivers; ctest comes with cmake
	gcc binutils libc6-dev      # host and freestanding C, as, ld, nm, objcopy
	nasm                        # for any .asm sources
	check                       # host unit tests (brings libsubunit-dev)
	qemu-system-x86             # the machine (brings seabios, ipxe-qemu)
	grub-common grub-pc-bin     # grub-mkrescue and its i386-pc modules
	xorriso mtools              # what grub-mkrescue runs to write the ISO
)

if [[ "${EXO_SKIP_DEPS:-0}" == 1 ]]; then
	exit 0
fi
wanted=("${DEPS[@]}" "$@")

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "exo: not a Debian system; make sure these (or their equivalents)" \
		"are installed: ${wanted[*]}" >&2
	exit 0
fi

# One dpkg-query for all: it prints the known packages and complains (to
# stderr) about the ones it has never heard of.
installed=" $(dpkg-query -W -f='${Package}=${db:Status-Status} ' "${wanted[@]}" 2>/dev/null || true)"
missing=()
for pkg in "${wanted[@]}"; do
	if [[ "$installed" != *" $pkg=installed "* ]]; then
		missing+=("$pkg")
	fi
done
if ((${#missing[@]} == 0)); then
	exit 0
fi

if [[ "$(id -u)" != 0 ]]; then
	echo "exo: missing packages: ${missing[*]}" >&2
	echo "exo: install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

echo "exo: installing missing packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
