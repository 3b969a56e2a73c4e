#!/bin/bash
# Produces the patched musl source tree the build compiles: fetches Debian's
# musl source package with apt-get source into CACHE (once; later runs reuse
# it), checks every file against the SHA-256 sums pinned in README.md,
# unpacks the upstream tree into a fresh SRC and applies the patches listed
# in `series`, in order, refusing any fuzz or offset. Fails loudly on every
# mismatch; on success SRC holds the tree and SRC/.exo-prepared a stamp.
#
# Usage: musl-patches/prepare.sh CACHE SRC
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${1:?usage: $0 CACHE SRC}
src=${2:?usage: $0 CACHE SRC}

die() {
	echo "musl-patches: $*" >&2
	exit 1
}

# The pins: the "sha256sum -c" lines of README.md.
pins=$(grep -E '^[0-9a-f]{64}  musl_[^ /]+$' "$here/README.md") ||
	die "no SHA-256 pins found in $here/README.md"
dsc=$(awk '$2 ~ /\.dsc$/ { print $2 }' <<<"$pins")
[[ -n "$dsc" ]] || die "README.md pins no .dsc file"
version=${dsc#musl_}
version=${version%.dsc}

# fetch: downloads the pinned source package into the cache.
fetch() {
	echo "musl-patches: fetching musl $version with apt-get source" >&2
	local sandbox=()
	# apt drops to the _apt user for downloads, which cannot write into a
	# directory root owns; the files are checked against the pins anyway.
	if [[ "$(id -u)" == 0 ]]; then
		sandbox=(-o APT::Sandbox::User=root)
	fi
	(cd "$cache" && apt-get source -q --download-only "${sandbox[@]}" "musl=$version") ||
		die "apt-get source musl=$version failed; does apt have a deb-src entry for bookworm main? (boot/deps.sh adds one)"
}

mkdir -p "$cache"
if ! (cd "$cache" && sha256sum --quiet -c <<<"$pins") >/dev/null 2>&1; then
	fetch
	(cd "$cache" && sha256sum --quiet -c <<<"$pins") ||
		die "the downloaded musl source does not match the SHA-256 pins in README.md"
fi

# Unpack the upstream tree only: Debian's musl 1.2.3-1 carries no patches
# of its own (debian/patches is empty), so this is musl 1.2.3 as released.
rm -rf "$src"
mkdir -p "$(dirname "$src")"
(cd "$cache" && dpkg-source -q --no-check --skip-debianization -x "$dsc" "$src") >/dev/null ||
	die "dpkg-source could not unpack $dsc"

# Apply the series: exact context, exact line numbers, nothing rejected.
while read -r p; do
	[[ -z "$p" || "$p" == \#* ]] && continue
	[[ -f "$here/$p" ]] || die "series names $p, which does not exist"
	if ! out=$(patch -d "$src" -p1 --fuzz=0 --no-backup-if-mismatch -N -r - <"$here/$p" 2>&1); then
		die "$p does not apply:"$'\n'"$out"
	fi
	if grep -qiE 'offset|fuzz|hunk .*failed' <<<"$out"; then
		die "$p applies only with an offset or fuzz (regenerate it):"$'\n'"$out"
	fi
done <"$here/series"

# The stamp records what was applied, so a changed series is visible.
{
	echo "musl $version"
	(cd "$here" && sha256sum $(grep -vE '^(#|$)' series))
} >"$src/.exo-prepared"
echo "musl-patches: musl $version unpacked and patched in $src" >&2
