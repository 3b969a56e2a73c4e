#!/bin/bash
# The POSIX call benchmark, side by side: bench/posix/posixbench.c runs
#   - on this OS under QEMU (BUILD_DIR/bench/posix/posixbench-exo, built
#     with exo-cc, booted with its arguments by BUILD_DIR/bin/exo-run),
#   - on Debian's Linux kernel (linux-image-amd64) with a busybox-static
#     initramfs, booted by GRUB2 from an ISO through boot/qemu.sh: the very
#     QEMU command line this OS runs under (TCG, 128 MiB, -cpu max, ...),
#   - on the host, as the same static musl binary,
# then prints one table (ns per op; Linux-in-QEMU / ours) and the issue's
# targets, each met or not, from the numbers just measured. The results of
# a run on N CPUs go to BUILD_DIR/bench/posix/Ncpu/ (results.txt, the same
# as a table of tab-separated values in results.tsv, and every console
# log); at the end bench/posix/report.sh makes the Markdown table and the
# SVG chart of the process rows from the last 1-CPU and 2-CPU results.
#
# Usage: bench/posix/run.sh BUILD_DIR
# Environment:
#   POSIXBENCH_ARGS      arguments for posixbench in every run (e.g. "-r 9")
#   POSIXBENCH_TIMEOUT   bound for each QEMU boot, seconds (default 300)
#   POSIXBENCH_APPEND    extra Linux command-line words (e.g. mitigations=off)
#   POSIXBENCH_REPEAT    runs per column (default 3); cells are their median
#   POSIXBENCH_CPUS      CPUs of both QEMU machines (default 2, this OS's
#                        file server then polls on one while the program
#                        runs on the other; 1 shows the one-CPU path)
#   POSIXBENCH_MEM       memory of both QEMU machines (default 256M: Linux
#                        cannot touch fork_64m_exit_wait's 64 MiB in 128M)
#   POSIXBENCH_REFETCH=1 fetch the Debian kernel and busybox again
#   POSIXBENCH_SKIP_HOST=1, POSIXBENCH_SKIP_LINUX=1 skip that column
# Everything fetched or built lives in BUILD_DIR/bench/posix/: nothing is
# built at configure or `make` time, and the Debian packages are fetched
# once (cache/) and reused until POSIXBENCH_REFETCH=1.
set -euo pipefail

die() { echo "posixbench: $*" >&2; exit 1; }
say() { echo "posixbench: $*" >&2; }

(($# == 1)) || die "usage: $0 BUILD_DIR"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
mkdir -p "$1"
build=$(cd "$1" && pwd)
out=$build/bench/posix
cache=$out/cache
mkdir -p "$out" "$cache"

bench_args=${POSIXBENCH_ARGS:-}
qemu_timeout=${POSIXBENCH_TIMEOUT:-300}
repeat=${POSIXBENCH_REPEAT:-3}
cpus=${POSIXBENCH_CPUS:-2}
mem=${POSIXBENCH_MEM:-256M}
[[ "$cpus" =~ ^[1-9]$ ]] || die "POSIXBENCH_CPUS wants 1..9, got '$cpus'"
[[ "$mem" =~ ^[1-9][0-9]*[MG]$ ]] || die "POSIXBENCH_MEM wants a size like 256M, got '$mem'"
cpu_out=$out/${cpus}cpu
mkdir -p "$cpu_out"
[[ "$repeat" =~ ^[1-9][0-9]?$ ]] || die "POSIXBENCH_REPEAT wants 1..99, got '$repeat'"
[[ "$qemu_timeout" =~ ^[1-9][0-9]*$ ]] || die "POSIXBENCH_TIMEOUT wants whole seconds, got '$qemu_timeout'"
[[ "$bench_args" =~ ^[-a-zA-Z0-9_\ ]*$ ]] || die "POSIXBENCH_ARGS may hold only options, numbers and metric names"
[[ "${POSIXBENCH_APPEND:-}" =~ ^[-a-zA-Z0-9_.,=\ ]*$ ]] || die "POSIXBENCH_APPEND: plain words only (no quotes, ';' or '\$')"

load_start=$(cut -d' ' -f1 /proc/loadavg)
# Phase timing: phase NAME starts a phase (ending the previous one).
declare -a phase_names=() phase_secs=()
phase_t0=
phase_name=
phase() {
	local now=$EPOCHREALTIME
	if [[ -n "$phase_name" ]]; then
		phase_names+=("$phase_name")
		phase_secs+=("$(awk -v a="$phase_t0" -v b="$now" 'BEGIN { printf "%.1f", b - a }')")
	fi
	phase_name=${1:-}
	phase_t0=$now
	[[ -z "$phase_name" ]] || say "== $phase_name"
}

# --- dependencies -----------------------------------------------------------
phase "dependencies"
# musl-tools for musl-gcc; grub and QEMU are in the project's own list.
bash "$top/boot/deps.sh" musl-tools musl-dev gzip
for tool in musl-gcc apt-get apt-cache dpkg-deb tar gzip grub-mkrescue timeout awk; do
	command -v "$tool" >/dev/null || die "$tool not found"
done

# --- the Linux (and host) binaries --------------------------------------------
# musl_build OUT SOURCE...: a static musl binary, rebuilt when a source or
# posixbench.h is newer.
musl_build() {
	local bin=$1 src
	shift
	for src in "$@" "$here/posixbench.h"; do
		[[ -x "$bin" && ! "$src" -nt "$bin" ]] || {
			musl-gcc -static -O2 -Wall -Wextra -Werror -o "$bin.tmp" "$@"
			mv "$bin.tmp" "$bin"
			return
		}
	done
}
phase "build the static musl binaries"
linux_bin=$out/posixbench-linux
linux_true=$out/posixbench-true-linux
musl_build "$linux_bin" "$here/posixbench.c" "$here/procbench.c" \
	"$here/threadbench.c" "$here/mmapbench.c"
musl_build "$linux_true" "$here/posixbench-true.c"

# --- Debian's kernel and busybox ----------------------------------------------
# apt-get download (no root needed) into the cache; only /boot/vmlinuz-* and
# /bin/busybox are kept, the .debs are removed. A stale package list (the
# security archive drops superseded kernels) gets one `apt-get update` when
# we are root, then one retry.
apt_download() { # DIR PACKAGE...
	local dir=$1 log
	shift
	log=$(cd "$dir" && apt-get download "$@" 2>&1) && return 0
	printf '%s\n' "$log" >&2
	if [[ "$(id -u)" == 0 ]]; then
		say "apt-get download failed; running apt-get update once and retrying"
		apt-get update -q >&2 || true
		(cd "$dir" && apt-get download "$@" >&2) && return 0
	fi
	die "cannot fetch $* from the Debian archive (a stale package list? try apt-get update)"
}

phase "fetch Debian's kernel and busybox (cached)"
if [[ "${POSIXBENCH_REFETCH:-0}" == 1 ]]; then
	rm -f "$cache/vmlinuz" "$cache/kernel-package" "$cache/busybox" "$cache/busybox-package"
fi
if [[ ! -s "$cache/vmlinuz" || ! -s "$cache/kernel-package" ]]; then
	# linux-image-amd64 is a metapackage: its one Depends names the kernel.
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ { print $2; exit }')
	[[ -n "$kpkg" ]] || die "apt-cache cannot resolve linux-image-amd64 (run apt-get update)"
	say "fetching $kpkg (about 70 MB, once)"
	dl=$(mktemp -d "$cache/dl.XXXXXX")
	apt_download "$dl" "$kpkg"
	deb=$(echo "$dl"/linux-image-*.deb)
	[[ -f "$deb" ]] || die "apt-get download left no .deb in $dl"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dl" --wildcards './boot/vmlinuz-*'
	vmlinuz=$(echo "$dl"/boot/vmlinuz-*)
	[[ -f "$vmlinuz" ]] || die "no /boot/vmlinuz-* in $deb"
	mv "$vmlinuz" "$cache/vmlinuz"
	echo "$kpkg $(dpkg-deb -f "$deb" Version) ${vmlinuz##*/vmlinuz-}" >"$cache/kernel-package"
	rm -rf "$dl"
fi
if [[ ! -s "$cache/busybox" || ! -s "$cache/busybox-package" ]]; then
	dl=$(mktemp -d "$cache/dl.XXXXXX")
	apt_download "$dl" busybox-static
	deb=$(echo "$dl"/busybox-static_*.deb)
	[[ -f "$deb" ]] || die "apt-get download left no busybox-static .deb in $dl"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dl" ./bin/busybox
	mv "$dl/bin/busybox" "$cache/busybox"
	echo "busybox-static $(dpkg-deb -f "$deb" Version)" >"$cache/busybox-package"
	rm -rf "$dl"
fi
read -r kpkg kver krelease <"$cache/kernel-package"
say "guest kernel: $kpkg $kver ($krelease); $(cat "$cache/busybox-package")"

# --- initramfs and the Linux ISO ------------------------------------------------
# Rebuilt every run (a second or two): it bakes in POSIXBENCH_ARGS. The
# ISO boots like this OS's: GRUB2 from a grub-mkrescue CD, serial console,
# same QEMU flags; only GRUB's command is `linux` + `initrd` instead of
# `multiboot2` + `module2`.
phase "initramfs and Linux ISO"
rd=$out/initramfs.root
rm -rf "$rd"
mkdir -p "$rd"/{bin,dev,proc,sys,tmp}
cp "$cache/busybox" "$rd/bin/busybox"
cp "$linux_bin" "$rd/posixbench"
cp "$linux_true" "$rd/bin/posixbench-true"
cat >"$rd/init" <<EOF
#!/bin/busybox sh
# PID 1 in the Linux guest: report the setup, run posixbench once, hand its
# exit status to QEMU through isa-debug-exit (port 0xf4, via /dev/port) like
# this OS's own programs do, and power off if that did not stop the machine.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "POSIXBENCH-INFO guest_kernel \$(uname -r) \$(uname -v)"
echo "POSIXBENCH-INFO guest_cmdline \$(cat /proc/cmdline)"
echo "POSIXBENCH-INFO guest_cpu \$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
echo "POSIXBENCH-INFO guest_thp \$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
echo "POSIXBENCH-INFO guest_mem_before \$(grep -E '^(MemTotal|MemAvailable)' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
for v in /sys/devices/system/cpu/vulnerabilities/*; do
	echo "POSIXBENCH-INFO guest_vuln \${v##*/}: \$(cat "\$v")"
done
# Steady state first: Linux starts on "tsc-early" and switches to "tsc"
# once the refined calibration is done (about a second after boot under
# TCG); both are read in the vDSO, but the switch should not land inside a
# measurement. Bounded: if the TSC is found unstable it never comes.
i=0
while [ "\$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" = tsc-early ] && [ \$i -lt 50 ]; do
	sleep 0.1
	i=\$((i + 1))
done
echo "POSIXBENCH-INFO guest_clocksource \$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
cd /tmp
echo "POSIXBENCH-INFO guest_uptime_start \$(cut -d' ' -f1 /proc/uptime) s"
/posixbench $bench_args
rc=\$?
echo "POSIXBENCH-INFO guest_uptime_end \$(cut -d' ' -f1 /proc/uptime) s"
echo "POSIXBENCH-INFO guest_clocksource_end \$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "POSIXBENCH-INFO guest_mem_after \$(grep -E '^(MemTotal|MemAvailable)' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
echo "POSIXBENCH-EXIT \$rc"
printf "\\\\\$(printf %03o "\$rc")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
EOF
chmod 755 "$rd/init"
initrd=$out/linux-initramfs.cpio.gz
(cd "$rd" && find . -mindepth 1 | LC_ALL=C sort |
	"$cache/busybox" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -6 >"$initrd.tmp"
mv "$initrd.tmp" "$initrd"
rm -rf "$rd"

linux_cfg=$out/linux-grub.cfg
# With several vCPUs under TCG, Linux's TSC synchronization check fails
# (each vCPU is a host thread) and it falls back to the HPET, which makes
# its clock_gettime a system call plus an emulated MMIO read (1-2 us
# measured). This OS reads the TSC on every CPU without such a check; to
# compare like with like, Linux is told to trust the TSC too, which keeps
# its vDSO clock_gettime (and favors Linux, not us).
linux_tsc=
((cpus == 1)) || linux_tsc=tsc=reliable
cat >"$linux_cfg" <<EOF
# Generated by bench/posix/run.sh: boots Debian's kernel like boot/grub.cfg.in
# boots this OS (serial console, no menu, power off if booting fails).
serial --unit=0 --speed=115200
terminfo serial dumb
terminal_input serial
terminal_output serial
set timeout=0
linux /boot/kernel.elf console=ttyS0,115200 quiet panic=-1 $linux_tsc ${POSIXBENCH_APPEND:-}
initrd /boot/${initrd##*/}
boot
echo "posixbench: GRUB could not boot Linux (see the errors above)"
halt
EOF
linux_iso=$out/linux-posixbench.iso
# mkiso.sh names the kernel /boot/kernel.elf whatever it is; GRUB's `linux`
# command does not care about the name.
bash "$top/boot/mkiso.sh" "$linux_iso" "$linux_cfg" "$cache/vmlinuz" "$initrd"

# --- runs -------------------------------------------------------------------------
# run_qemu NAME ISO LOG: boots ISO with boot/qemu.sh, console to LOG.
# shellcheck disable=SC2317 # called through timed().
run_qemu() {
	local name=$1 iso=$2 log=$3 rc=0
	say "booting $name under QEMU (TCG, $cpus CPUs, bound ${qemu_timeout} s); console in $log"
	bash "$top/boot/qemu.sh" --accel tcg --cpus "$cpus" --mem "$mem" --timeout "$qemu_timeout" "$iso" \
		</dev/null >"$log" 2>&1 || rc=$?
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	return "$rc"
}

# finished LOG: the run printed every line and said it succeeded.
finished() { grep -q '^POSIXBENCH-DONE failures=0$' "$1"; }

# report_failure WHAT STATUS LOG
report_failure() {
	say "$1 failed (status $2); the end of $3:"
	tail -n 25 "$3" >&2
	failed=1
}

# This OS: posixbench built with exo-cc, run by exo-run (an ISO with it
# in the initrd, booted through boot/qemu.sh like every ISO here, with
# the arguments on the kernel command line).
ours_prog=$build/bench/posix/posixbench-exo
ours_true=$build/bench/posix/posixbench-true
exo_run=$build/bin/exo-run
rm -f "$cpu_out"/host-*.log "$cpu_out"/linux-qemu-*.log "$cpu_out"/ours-qemu-*.log
host_logs=() linux_logs=() ours_logs=()
failed=0
do_host=1 do_linux=1 do_ours=1
[[ "${POSIXBENCH_SKIP_HOST:-0}" != 1 ]] || do_host=0
[[ "${POSIXBENCH_SKIP_LINUX:-0}" != 1 ]] || do_linux=0
if [[ ! -x "$ours_prog" || ! -x "$ours_true" || ! -x "$exo_run" ]]; then
	do_ours=0
	say "ours: not available (no $ours_prog, $ours_true or $exo_run: run make first)"
fi

# The columns take turns (host, Linux, ours, host, ...) so that a change
# in the machine's load during the benchmark hits them alike.
declare -A col_secs=([host]=0 [linux]=0 [ours]=0)
timed() { # COLUMN COMMAND...: runs COMMAND, adds its duration to COLUMN
	local col=$1 t0=$EPOCHREALTIME rc=0
	shift
	"$@" || rc=$?
	col_secs[$col]=$(awk -v s="${col_secs[$col]}" -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", s + b - a }')
	return "$rc"
}
# shellcheck disable=SC2317 # called through timed().
run_ours() { # NAME LOG
	local rc=0
	say "booting $1 under QEMU (TCG, $cpus CPUs, bound ${qemu_timeout} s); console in $2"
	# shellcheck disable=SC2086 # bench_args is word-split on purpose.
	EXO_ACCEL=tcg EXO_CPUS=$cpus EXO_MEM=$mem EXO_RUN_TIMEOUT=$qemu_timeout \
		"$exo_run" -v -f "$ours_true" "$ours_prog" \
		$bench_args </dev/null >"$2" 2>&1 || rc=$?
	tr -d '\r' <"$2" >"$2.tmp" && mv "$2.tmp" "$2"
	return "$rc"
}
# shellcheck disable=SC2317 # called through timed().
run_host() { # LOG
	# shellcheck disable=SC2086 # bench_args is word-split on purpose.
	(cd "${TMPDIR:-/tmp}" && timeout -k 5 300 "$linux_bin" -x "$linux_true" $bench_args) >"$1" 2>&1
}

phase "runs (${repeat}x, interleaved)"
for ((k = 1; k <= repeat; k++)); do
	if ((do_host)); then
		log=$cpu_out/host-$k.log rc=0
		say "host run $k of $repeat"
		timed host run_host "$log" || rc=$?
		if ((rc == 0)) && finished "$log"; then
			host_logs+=("$log")
		else
			report_failure "host run $k" "$rc" "$log"
		fi
	fi
	if ((do_linux)); then
		log=$cpu_out/linux-qemu-$k.log rc=0
		timed linux run_qemu "Linux $krelease ($k of $repeat)" "$linux_iso" "$log" || rc=$?
		if ((rc == 0)) && grep -q '^POSIXBENCH-EXIT 0$' "$log" && finished "$log"; then
			linux_logs+=("$log")
		else
			report_failure "Linux-in-QEMU run $k" "$rc" "$log"
		fi
	fi
	if ((do_ours)); then
		log=$cpu_out/ours-qemu-$k.log rc=0
		timed ours run_ours "this OS ($k of $repeat)" "$log" || rc=$?
		if ((rc == 0)) && finished "$log"; then
			ours_logs+=("$log")
		else
			report_failure "this OS's run $k" "$rc" "$log"
		fi
	fi
done
phase ""
((do_host)) && phase_names+=("  of which on the host") && phase_secs+=("${col_secs[host]}")
((do_linux)) && phase_names+=("  of which Linux in QEMU (boot + run)") && phase_secs+=("${col_secs[linux]}")
((do_ours)) && phase_names+=("  of which this OS in QEMU (boot + run)") && phase_secs+=("${col_secs[ours]}")

# --- the table ----------------------------------------------------------------------
# Each cell is the median over the runs of that column (each run's number
# is already the median of its own RUNS timed loops).
# The same cells also go to results.tsv for bench/posix/report.sh: "#"
# lines KEY<TAB>VALUE about the run, then one line per metric: metric,
# ours, Linux-in-QEMU, host (medians, ns per op), then the lowest and
# highest run median of ours and of Linux ("-" where there is none).
results=$cpu_out/results.txt
tsv=$cpu_out/results.tsv
join_logs() { local IFS=,; echo "$*"; }
when=$(date -u '+%Y-%m-%d %H:%M UTC')
qemu_version=$(qemu-system-x86_64 --version | head -n1)
{
	printf '# date\t%s\n# cpus\t%s\n# mem\t%s\n# repeat\t%s\n# args\t%s\n' \
		"$when" "$cpus" "$mem" "$repeat" "$bench_args"
	printf '# load_start\t%s\n# qemu\t%s\n# linux\t%s\n# runs\tours %s, Linux %s, host %s\n' \
		"$load_start" "$qemu_version" "$kpkg $kver ($krelease)" \
		"${#ours_logs[@]}" "${#linux_logs[@]}" "${#host_logs[@]}"
} >"$tsv"
{
	echo "posixbench results, $when; ns per op (median), $repeat run(s) per column"
	echo "host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr), load average at start: $load_start"
	echo "QEMU: $qemu_version; both machines: TCG, $cpus CPU(s), $mem, -cpu max"
	echo "Linux guest: $kpkg $kver ($krelease), $(cat "$cache/busybox-package")"
	if ((${#linux_logs[@]})); then
		sed -n 's/^POSIXBENCH-INFO guest_\(clocksource\|clocksource_end\|cmdline\|thp\|mem_before\|mem_after\|uptime_start\|uptime_end\) /Linux guest \1: /p' "${linux_logs[0]}"
	fi
	echo
	# shellcheck disable=SC2016 # awk's own $ fields.
	awk -v ours="$(join_logs "${ours_logs[@]}")" -v linux="$(join_logs "${linux_logs[@]}")" \
		-v host="$(join_logs "${host_logs[@]}")" -v tsv="$tsv" '
	function load(col, files,    nf, fl, i, line, f, n) {
		nf = split(files, fl, ",")
		for (i = 1; i <= nf; i++) {
			have[col] = 1
			while ((getline line < fl[i]) > 0) {
				n = split(line, f, " ")
				if (f[1] == "POSIXBENCH" && n == 3 && f[3] != "NA")
					vals[col, f[2]] = vals[col, f[2]] " " f[3]
			}
			close(fl[i])
		}
	}
	function spread(s,    a, n, i, lo, hi) {
		n = split(s, a, " ")
		if (n < 2)
			return ""
		lo = hi = a[1] + 0
		for (i = 2; i <= n; i++) {
			if (a[i] + 0 < lo) lo = a[i] + 0
			if (a[i] + 0 > hi) hi = a[i] + 0
		}
		return sprintf("%.1f-%.1f", lo, hi)
	}
	function lohi(s,    a, n, i, lo, hi) {
		n = split(s, a, " ")
		if (n < 1)
			return "-\t-"
		lo = hi = a[1] + 0
		for (i = 2; i <= n; i++) {
			if (a[i] + 0 < lo) lo = a[i] + 0
			if (a[i] + 0 > hi) hi = a[i] + 0
		}
		return lo "\t" hi
	}
	function cell(col, m) {
		return ((col, m) in v) ? sprintf("%.1f", v[col, m]) : "-"
	}
	function write_tsv(    i, m) {
		for (i = 1; i <= nm; i++) {
			m = order[i]
			printf "%s\t%s\t%s\t%s\t%s\t%s\n", m, cell("ours", m), cell("linux", m),
				cell("host", m), lohi(vals["ours", m]), lohi(vals["linux", m]) >> tsv
		}
		close(tsv)
	}
	function median(s,    a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	BEGIN {
		nm = split("getpid gettid getppid clock_gettime null_call read_devnull_1B write_devnull_1B stat open_close read_4k_cached mmap_munmap_64k brk fcntl_lock_unlock sigaction signal_catch signal_rtt pipe_rtt_1B pipe_bw_64k fork_exit_wait fork_exec_wait posix_spawn_wait fork_64m_exit_wait cow_fault mmap_file_private_1m mmap_file_shared_1m mmap_file_fault pthread_create_join futex_rtt mutex_uncontended mutex_contended cond_pingpong", order, " ")
		load("ours", ours); load("linux", linux); load("host", host)
		for (k in vals) v[k] = median(vals[k])
		write_tsv()
		fmt = "%-18s %12s %16s %12s %14s\n"
		printf fmt, "metric", "ours ns", "Linux-QEMU ns", "host ns", "Linux/ours"
		printf fmt, "------", "-------", "-------------", "-------", "----------"
		for (i = 1; i <= nm; i++) {
			m = order[i]
			o = (("ours", m) in v) ? sprintf("%.1f", v["ours", m]) : ""
			l = (("linux", m) in v) ? sprintf("%.1f", v["linux", m]) : ""
			h = (("host", m) in v) ? sprintf("%.1f", v["host", m]) : ""
			r = (o != "" && l != "" && o > 0) ? sprintf("%.1fx", l / o) : ""
			printf fmt, m, o, l, h, r
		}
		if (split(vals["ours", "getpid"], tmp, " ") > 1 || split(vals["linux", "getpid"], tmp, " ") > 1) {
			print ""
			print "Spread over the runs (lowest-highest run median; a wide range means a noisy host):"
			fmt2 = "%-18s %22s %22s\n"
			printf fmt2, "metric", "ours ns", "Linux-QEMU ns"
			for (i = 1; i <= nm; i++) {
				m = order[i]
				printf fmt2, m, spread(vals["ours", m]), spread(vals["linux", m])
			}
		}
		print ""
		print "Targets (issue 3; benchmarks, not tests):"
		if (!have["ours"] || !have["linux"]) {
			print "  not evaluated: needs this OS and Linux in QEMU both measured" (have["ours"] ? "" : " (ours: not available yet)")
			exit
		}
		split("getpid gettid getppid clock_gettime", fast, " ")
		for (i = 1; i <= 4; i++) {
			m = fast[i]
			t = "fast path: " m " >= 20x faster than Linux getpid"
			if (!(("ours", m) in v) || !(("linux", "getpid") in v)) { printf "  %-58s not measured\n", t; continue }
			x = v["linux", "getpid"] / v["ours", m]
			printf "  %-58s %s (%.1fx)\n", t, (x >= 20 ? "MET" : "NOT MET"), x
		}
		split("clock_gettime stat open_close", same, " ")
		for (i = 1; i <= 3; i++) {
			m = same[i]
			t = m " no slower than Linux"
			if (!(("ours", m) in v) || !(("linux", m) in v)) { printf "  %-58s not measured\n", t; continue }
			printf "  %-58s %s (ours %.1f ns, Linux %.1f ns)\n", t, (v["ours", m] <= v["linux", m] ? "MET" : "NOT MET"), v["ours", m], v["linux", m]
		}
	}'
	echo
	echo "Phases:"
	for i in "${!phase_names[@]}"; do
		printf '  %-44s %6s s\n' "${phase_names[$i]}" "${phase_secs[$i]}"
	done
	echo "Logs: $cpu_out/{host,linux-qemu,ours-qemu}-N.log; these results also in $tsv"
} | tee "$results"
cp "$results" "$out/results.txt"

# The process rows of this run and of the last run on the other CPU
# count: one table and one chart (BUILD_DIR/bench/posix/posix.{md,svg}).
echo
bash "$here/report.sh" "$build" || failed=1
exit "$failed"
