# table.awk: the Markdown table of the process rows, this OS against Linux
# in the same QEMU on 1 and on 2 CPUs, from run.sh's results.tsv files.
# POSIX awk (Debian's default is mawk). Called by bench/posix/report.sh:
#   awk -f table.awk part=rows rows.tsv part=1 1cpu/results.tsv \
#                    part=2 2cpu/results.tsv
# (a missing results file is passed as /dev/null: its cells say so).
BEGIN { FS = "\t" }

/^#/ && part != "rows" { meta[part, substr($1, 3)] = $2; next }
/^#/ || NF == 0 { next }
part == "rows" {
	nrow++
	key[nrow] = $1; label[nrow] = $2; tgt[1, nrow] = $3; tgt[2, nrow] = $4
	next
}
{ ours[part, $1] = $2; linux[part, $1] = $3 }

function measured(x) { return x != "" && x != "-" }

# A whole number with thousands separators, as docs/performance.md writes them.
function commas(n,    s) {
	s = sprintf("%.0f", n)
	while (s ~ /[0-9][0-9][0-9][0-9]/)
		sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
	return s
}

# ns as µs, with three significant digits or more.
function us(ns,    u) {
	if (!measured(ns))
		return "(to be measured)"
	u = ns / 1000
	if (u >= 100) return commas(u)
	if (u >= 10) return sprintf("%.1f", u)
	if (u >= 1) return sprintf("%.2f", u)
	return sprintf("%.3f", u)
}

# Linux/ours for CPU count p and row i, or "" when either is missing.
function ratio(p, i,    o, l) {
	o = ours[p, key[i]]; l = linux[p, key[i]]
	if (!measured(o) || !measured(l) || o <= 0)
		return ""
	return l / o
}

function times(r) { return r == "" ? "" : sprintf(r >= 10 ? "%.1f×" : "%.2f×", r) }

# "met" or "not met" for CPU count p and row i against "OP VALUE".
function verdict(p, i,    r, t) {
	r = ratio(p, i)
	if (r == "")
		return "not measured"
	split(tgt[p, i], t, " ")
	return (t[1] == ">" ? r > t[2] + 0 : r >= t[2] + 0) ? "met" : "**not met**"
}

function target(i,    a, b) {
	if (tgt[1, i] == "-" && tgt[2, i] == "-")
		return ""
	a = tgt[1, i] == "-" ? "none" : tgt[1, i] "×"
	b = tgt[2, i] == "-" ? "none" : tgt[2, i] "×"
	sub(/>=/, "≥", a); sub(/>=/, "≥", b)
	return (a == b ? a : a " / " b) ": " \
	       (tgt[1, i] == "-" ? "-" : verdict(1, i)) " / " \
	       (tgt[2, i] == "-" ? "-" : verdict(2, i))
}

function when(p) {
	if (!((p, "date") in meta))
		return p " CPU" (p > 1 ? "s" : "") ": not measured yet"
	return p " CPU" (p > 1 ? "s" : "") ": " meta[p, "date"] ", load average " \
	       meta[p, "load_start"] " at the start, boots per column: " meta[p, "repeat"] \
	       " (finished: " meta[p, "runs"] "), posixbench " \
	       (meta[p, "args"] == "" ? "with its defaults" : "args `" meta[p, "args"] "`") \
	       ", " meta[p, "mem"] " per machine"
}

# The command that makes these results again, with the run's knobs.
function reproduce(p,    c) {
	c = meta[p, "repeat"] == 3 ? "" : "POSIXBENCH_REPEAT=" meta[p, "repeat"] " "
	if (meta[p, "args"] != "")
		c = c "POSIXBENCH_ARGS=\"" meta[p, "args"] "\" "
	if (meta[p, "mem"] != "256M")
		c = c "POSIXBENCH_MEM=" meta[p, "mem"] " "
	return "`" c "make bench`"
}

END {
	print "<!-- Made by bench/posix/report.sh from build/bench/posix/{1cpu,2cpu}/results.tsv; regenerate, do not edit. -->"
	print "Time per operation in µs (lower is better), the median over the"
	print "boots of each boot's median (`run.sh`); Linux/ours above 1× means"
	print "this OS is faster. Measured:"
	print ""
	print "- " when(1)
	print "- " when(2)
	p = ((2, "qemu") in meta) ? 2 : 1
	if ((p, "qemu") in meta) {
		print "- " meta[p, "qemu"] ", TCG, `-cpu max`; Linux guest " meta[p, "linux"]
		print "- to reproduce: " reproduce(p) ", then `make bench-docs` to put the" \
		      " table and chart here"
	}
	print ""
	print "| operation | 1 CPU: ours µs | Linux µs | Linux/ours | 2 CPUs: ours µs | Linux µs | Linux/ours | target Linux/ours (1 CPU / 2 CPUs) |"
	print "|---|---:|---:|---:|---:|---:|---:|---|"
	for (i = 1; i <= nrow; i++)
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label[i],
		       us(ours[1, key[i]]), us(linux[1, key[i]]), times(ratio(1, i)),
		       us(ours[2, key[i]]), us(linux[2, key[i]]), times(ratio(2, i)), target(i)
}
