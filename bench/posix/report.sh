#!/bin/bash
# The process rows (issue 9) as one table and one chart, from the last
# 1-CPU and 2-CPU runs of bench/posix/run.sh (BUILD_DIR/bench/posix/
# {1cpu,2cpu}/results.tsv): BUILD_DIR/bench/posix/posix.md, the Markdown
# table docs/performance.md shows, and posix.svg, Linux/ours per row on 1
# and 2 CPUs side by side (table.awk, chart.awk; the rows are rows.tsv).
# With --docs it also puts them in the docs: the SVG as
# docs/performance-posix.svg and the table between the two marker lines
# of docs/performance.md, but only when every row was measured on both
# systems with 1 and with 2 CPUs.
#
# Usage: bench/posix/report.sh BUILD_DIR [--docs]
set -euo pipefail

die() { echo "posixbench report: $*" >&2; exit 1; }

(($# == 1 || $# == 2)) || die "usage: $0 BUILD_DIR [--docs]"
[[ $# == 1 || "$2" == --docs ]] || die "usage: $0 BUILD_DIR [--docs]"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$(cd "$1" && pwd)/bench/posix
mkdir -p "$out"
docs=$top/docs
begin='<!-- posixbench process table: begin -->'
end='<!-- posixbench process table: end -->'

# The results of N CPUs, or /dev/null when that run has not been made.
results() { local f=$out/${1}cpu/results.tsv; [[ -s "$f" ]] && echo "$f" || echo /dev/null; }
r1=$(results 1) r2=$(results 2)
[[ "$r1$r2" != /dev/null/dev/null ]] ||
	die "no results yet: run POSIXBENCH_CPUS=1 and POSIXBENCH_CPUS=2 bash bench/posix/run.sh first"

# awk_over SCRIPT: runs SCRIPT over the rows and both results.
awk_over() { awk -f "$here/$1" part=rows "$here/rows.tsv" part=1 "$r1" part=2 "$r2"; }
awk_over table.awk >"$out/posix.md.tmp" && mv "$out/posix.md.tmp" "$out/posix.md"
awk_over chart.awk >"$out/posix.svg.tmp" && mv "$out/posix.svg.tmp" "$out/posix.svg"
cat "$out/posix.md"
echo
echo "posixbench report: the table is $out/posix.md, the chart $out/posix.svg" >&2

[[ $# == 2 ]] || exit 0

# complete FILE: every row of rows.tsv has a number for ours and for Linux.
complete() {
	awk -F '\t' 'FILENAME == rows { if ($0 !~ /^#/ && NF) want[$1] = 1; next }
		$2 ~ /^[0-9.]+$/ && $3 ~ /^[0-9.]+$/ { delete want[$1] }
		END { for (m in want) { print "not measured: " m > "/dev/stderr"; bad = 1 }; exit bad }' \
		rows="$here/rows.tsv" "$here/rows.tsv" "$1"
}
complete "$r1" || die "the 1-CPU results are incomplete; not touching docs/"
complete "$r2" || die "the 2-CPU results are incomplete; not touching docs/"
for marker in "$begin" "$end"; do
	grep -qxF "$marker" "$docs/performance.md" ||
		die "docs/performance.md lacks the marker line '$marker'"
done
awk -v begin="$begin" -v end="$end" -v table="$out/posix.md" '
	$0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
	$0 == end { skip = 0 }
	!skip' "$docs/performance.md" >"$docs/performance.md.tmp"
mv "$docs/performance.md.tmp" "$docs/performance.md"
cp "$out/posix.svg" "$docs/performance-posix.svg"
echo "posixbench report: updated docs/performance.md and docs/performance-posix.svg (review with git diff)" >&2
