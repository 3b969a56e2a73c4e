# chart.awk: an SVG bar chart of Linux/ours per process row, 1 CPU and 2
# CPUs side by side, from run.sh's results.tsv files. The axis is
# logarithmic (base 2) and the bars start at 1×, so "twice as fast" and
# "twice as slow" are bars of the same length on either side. POSIX awk,
# no other dependency; called by bench/posix/report.sh like table.awk:
#   awk -f chart.awk part=rows rows.tsv part=1 1cpu/results.tsv \
#                    part=2 2cpu/results.tsv
BEGIN {
	FS = "\t"
	# The plot starts PAD after the labels: room for a value left of a bar.
	LEFT = 330; PAD = 45; PLOT = 400; TOP = 70; ROW = 38; BAR = 13
	COLOR[1] = "#4e79a7"; COLOR[2] = "#f28e2b"
}

/^#/ && part != "rows" { meta[part, substr($1, 3)] = $2; next }
/^#/ || NF == 0 { next }
part == "rows" { nrow++; key[nrow] = $1; label[nrow] = $2; next }
{ ours[part, $1] = $2; linux[part, $1] = $3 }

function measured(x) { return x != "" && x != "-" }
function log2(x) { return log(x) / log(2) }
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }

# Linux/ours for CPU count p and row i, or "" when either is missing.
function ratio(p, i,    o, l) {
	o = ours[p, key[i]]; l = linux[p, key[i]]
	if (!measured(o) || !measured(l) || o <= 0 || l <= 0)
		return ""
	return l / o
}

function x(r) { return LEFT + PAD + (log2(r) - lo) / (hi - lo) * PLOT }

# The axis: whole powers of two around every ratio, at least 1/2..2.
function axis(    i, p, r) {
	lo = -1; hi = 1
	for (i = 1; i <= nrow; i++)
		for (p = 1; p <= 2; p++)
			if ((r = ratio(p, i)) != "") {
				if (log2(r) < lo) lo = int(log2(r)) - (log2(r) < int(log2(r)))
				if (log2(r) > hi) hi = int(log2(r)) + (log2(r) > int(log2(r)))
			}
}

function text(px, py, s, extra) {
	printf "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>\n", px, py, extra, esc(s)
}

function grid(    e, px, bottom) {
	bottom = TOP + nrow * ROW
	for (e = lo; e <= hi; e++) {
		px = x(2 ^ e)
		printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>\n",
		       px, TOP - 6, px, bottom, e == 0 ? "#333" : "#ccc", e == 0 ? "1.5" : "1"
		text(px, bottom + 16, (e < 0 ? "1/" 2 ^ -e : 2 ^ e) "×", " text-anchor=\"middle\"")
	}
	text(LEFT + PAD + PLOT / 2, bottom + 34, "← Linux faster · Linux time / our time · this OS faster →",
	     " text-anchor=\"middle\" fill=\"#555\"")
}

function bar(p, i, py,    r, x0, x1) {
	r = ratio(p, i)
	if (r == "") {
		text(x(1) + 4, py + BAR - 2, (p == 1 ? "1 CPU" : "2 CPUs") ": not measured", " fill=\"#888\" font-style=\"italic\"")
		return
	}
	x0 = x(1); x1 = x(r)
	printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
	       x1 < x0 ? x1 : x0, py, x1 < x0 ? x0 - x1 : x1 - x0, BAR, COLOR[p]
	text(r >= 1 ? x1 + 4 : x1 - 4, py + BAR - 2, sprintf(r >= 10 ? "%.1f×" : "%.2f×", r),
	     r >= 1 ? "" : " text-anchor=\"end\"")
}

function legend(    p, lx) {
	for (p = 1; p <= 2; p++) {
		lx = LEFT + PAD + (p - 1) * 110
		printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", lx, TOP - 34, COLOR[p]
		text(lx + 17, TOP - 24, p == 1 ? "1 CPU" : "2 CPUs", "")
	}
}

END {
	axis()
	h = TOP + nrow * ROW + 50
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
	       LEFT + PAD + PLOT + 60, h, LEFT + PAD + PLOT + 60, h
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	d = ((2, "date") in meta) ? meta[2, "date"] : ((1, "date") in meta) ? meta[1, "date"] : "(to be measured)"
	text(10, 20, "posixbench, process rows: Linux / this OS in the same QEMU (TCG), " d,
	     " font-weight=\"bold\"")
	legend()
	grid()
	for (i = 1; i <= nrow; i++) {
		py = TOP + (i - 1) * ROW
		text(LEFT - 8, py + ROW / 2 + 4, label[i], " text-anchor=\"end\"")
		bar(1, i, py + 3)
		bar(2, i, py + 3 + BAR + 2)
	}
	print "</svg>"
}
