#!/bin/bash
# Makes sure the Debian packages the build, the tests and QEMU need are
# installed, and that apt knows a deb-src entry for bookworm main (the musl
# build fetches Debian's musl source with apt-get source): silent when all
# is there, fixes what is missing when run as root, and otherwise prints the
# commands to run and fails.
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
	dpkg-dev                    # dpkg-source, for apt-get source musl
	xz-utils patch              # unpack musl's Debian source, apply musl-patches/
	cpio                        # the initrd (cpio newc) of the services ISOs
)

# The release whose musl source package musl-patches/ is pinned against.
SRC_RELEASE=bookworm
SRC_LIST=/etc/apt/sources.list.d/exo-deb-src.sources

if [[ "${EXO_SKIP_DEPS:-0}" == 1 ]]; then
	exit 0
fi
wanted=("${DEPS[@]}" "$@")

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "exo: not a Debian system; make sure these (or their equivalents)" \
		"are installed: ${wanted[*]}" >&2
	exit 0
fi

# ensure_packages: installs the missing packages of "wanted".
ensure_packages() {
	# One dpkg-query for all: it prints the known packages and complains (to
	# stderr) about the ones it has never heard of.
	local installed missing=() pkg
	installed=" $(dpkg-query -W -f='${Package}=${db:Status-Status} ' "${wanted[@]}" 2>/dev/null || true)"
	for pkg in "${wanted[@]}"; do
		if [[ "$installed" != *" $pkg=installed "* ]]; then
			missing+=("$pkg")
		fi
	done
	if ((${#missing[@]} == 0)); then
		return 0
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
}

# The index targets apt-get update fetches, whatever the file format of
# the entries (one-line .list or deb822 .sources), one line each:
# "TYPE RELEASE COMPONENT REPO-URI SOURCES-ENTRY INDEX-FILE". Filled by
# ensure_deb_src (apt-get indextargets takes most of a second).
targets=''

# signed_by FILE:LINE: the Signed-By key file of the sources entry there
# (a deb822 stanza or a one-line entry's [signed-by=...]), if it names one.
signed_by() {
	local file=${1%:*} line=${1##*:}
	if [[ "$file" == *.sources ]]; then
		awk -v n="$line" 'NR >= n && /^[ \t]*$/ { exit }
			NR >= n && tolower($1) == "signed-by:" && $2 ~ /^\// { print $2; exit }' "$file"
	else
		sed -n "${line}s/.*signed-by=\([^] ]*\).*/\1/p" "$file"
	fi
}

# The deb-src stanza for SRC_RELEASE main, copied from the deb entry.
deb_src_stanza() {
	local uri entry key
	read -r uri entry < <(awk -v r="$SRC_RELEASE" \
		'$1 == "deb" && $2 == r && $3 == "main" { print $4, $5; exit }' \
		<<<"$targets") || true
	uri=${uri:-http://deb.debian.org/debian/}
	key=$([[ -n "${entry:-}" ]] && signed_by "$entry" || true)
	printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\n' \
		"${uri%/}" "$SRC_RELEASE"
	if [[ -n "$key" ]]; then
		printf 'Signed-By: %s\n' "$key"
	fi
}

# ensure_deb_src: adds a deb-src entry for SRC_RELEASE main when apt has
# none (a file of its own in sources.list.d) and makes sure its index has
# been fetched. apt-get update deletes the index files of entries that are
# gone, so an index file on disk is the quick answer.
ensure_deb_src() {
	local have
	if compgen -G "/var/lib/apt/lists/*_dists_${SRC_RELEASE}_main_source_Sources*" >/dev/null; then
		return 0
	fi
	targets=$(apt-get indextargets --format \
		'$(TARGET_OF) $(RELEASE) $(COMPONENT) $(REPO_URI) $(SOURCESENTRY) $(FILENAME)')
	have=$(awk -v r="$SRC_RELEASE" '$1 == "deb-src" && $2 == r && $3 == "main" { print $6; exit }' \
		<<<"$targets")
	if [[ -n "$have" ]] && compgen -G "${have}*" >/dev/null; then
		return 0
	fi
	if [[ "$(id -u)" != 0 ]]; then
		echo "exo: apt needs a deb-src entry for $SRC_RELEASE main (the build runs apt-get source musl)." >&2
		echo "exo: add it and fetch its index with:" >&2
		if [[ -z "$have" ]]; then
			echo "  sudo tee $SRC_LIST >/dev/null <<'EOF'" >&2
			deb_src_stanza >&2
			echo "EOF" >&2
		fi
		echo "  sudo apt-get update" >&2
		exit 1
	fi
	if [[ -z "$have" ]]; then
		echo "exo: adding a deb-src entry for $SRC_RELEASE main: $SRC_LIST" >&2
		deb_src_stanza >"$SRC_LIST"
	fi
	apt-get update -q
}

ensure_packages
ensure_deb_src
