#!/bin/bash
# Runs the kernel microbenchmarks: boots <builddir>/exo-bench.iso BOOTS
# times (default 3) through boot/qemu.sh and prints one table of medians
# across boots: each "BENCH <metric> <ns> <cycles>" line of the guest (a
# median of 7 runs itself), plus the boot time, measured on the host from
# just before QEMU starts to the arrival of the guest's first user output
# (its BENCH-FIRST-USER line).
#
# Usage: bench/run.sh <builddir> [--boots N] [--accel tcg|kvm]
# Environment: EXO_ACCEL (default tcg) and EXO_CPUS (default 1), as for
# boot/qemu.sh; `make bench` runs it with 1 and with 2 CPUs.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: $0 <builddir> [--boots N] [--accel tcg|kvm]}
shift
boots=3
accel=${EXO_ACCEL:-tcg}
while (($#)); do
	case "$1" in
	--boots) boots=${2:?}; shift 2 ;;
	--accel) accel=${2:?}; shift 2 ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
done
iso="$build/exo-bench.iso"
[[ -f "$iso" ]] || { echo "bench: $iso not found (build first: make)" >&2; exit 2; }

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# boot_once N: runs one boot, writing the guest log to $logs/N.log and the
# boot time in ms to $logs/N.boot; returns qemu.sh's status.
boot_once() {
	local n=$1 start
	start=$(date +%s%N)
	"$here/../boot/qemu.sh" --accel "$accel" --timeout 300 "$iso" </dev/null \
		2>"$logs/$n.err" |
		while IFS= read -r line; do
			if [[ "$line" == *BENCH-FIRST-USER* && ! -e "$logs/$n.boot" ]]; then
				echo $((($(date +%s%N) - start) / 1000000)) >"$logs/$n.boot"
			fi
			printf '%s\n' "$line"
		done >"$logs/$n.log"
	return "${PIPESTATUS[0]}"
}

# median: the middle value of the numbers on stdin.
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

for ((i = 1; i <= boots; i++)); do
	boot_once "$i"
	rc=$?
	if ((rc != 0)); then
		echo "bench: boot $i failed (qemu.sh status $rc); its log:" >&2
		cat "$logs/$i.log" "$logs/$i.err" >&2
		exit 1
	fi
done

# The accelerator that really ran: qemu.sh says so when KVM falls back.
used=$accel
if grep -qs "using TCG" "$logs"/*.err; then
	used=tcg
fi

printf '%-22s %12s %12s\n' metric ns cycles
metrics=$(grep -h '^BENCH [a-z]' "$logs"/*.log | awk '{ print $2 }' | awk '!seen[$0]++')
for m in $metrics; do
	ns=$(grep -h "^BENCH $m " "$logs"/*.log | awk '{ print $3 }' | median)
	cyc=$(grep -h "^BENCH $m " "$logs"/*.log | awk '{ print $4 }' | median)
	printf '%-22s %12s %12s\n' "$m" "$ns" "$cyc"
done
boot_ms=$(cat "$logs"/*.boot 2>/dev/null | median)
printf '%-22s %12s %12s\n' "boot_to_user_ms" "${boot_ms:-?}" "-"
echo "(medians over $boots boots; QEMU accelerator: $used, ${EXO_CPUS:-1} CPU(s);" \
	"boot_to_user_ms is host time from starting QEMU to the first user output)"
