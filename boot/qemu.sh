#!/bin/bash
# Boots an ISO under QEMU: the one place that knows the QEMU command line.
# The machine has two serial ports: COM1, the terminal (programs' own
# output, and all input: this script's stdin), and COM2, the diagnostic log
# (the kernel's messages, exo_debug_write). Both go to stdout, in the order
# they were written, unless --log sends the log to a file. The exit status
# is the code the guest wrote to the isa-debug-exit port (see "Exit status"
# below).
#
# Usage: boot/qemu.sh [options] ISO [-- EXTRA_QEMU_ARGS...]
#   --timeout N   stop the machine after N seconds (0: never, the default;
#                 interactive use only, scripts and tests always pass one)
#   --accel A     tcg (default) or kvm; kvm is probed first and falls back to
#                 tcg with a one-line message if it does not work
#   --cpus N      give the machine N CPUs (default 1; TCG runs each on its
#                 own host thread, so more than the host has only slows it)
#   --gdb         start halted with QEMU's gdbstub on tcp::1234 (-s -S)
#   --log FILE    write the diagnostic log (COM2) to FILE (created or
#                 truncated) and only the terminal (COM1) to stdout
#   --ports N     2 (default) or 1: a machine with COM1 only, where the
#                 kernel finds no COM2 and writes its log to COM1 too
#   --mem SIZE    the machine's memory in QEMU's -m syntax (default 128M;
#                 the POSIX benchmark gives both systems more, see
#                 bench/posix/run.sh)
# Environment: EXO_ACCEL (default for --accel), EXO_TIMEOUT (for --timeout),
# EXO_CPUS (for --cpus), EXO_PORTS (for --ports), EXO_MEM (for --mem),
# EXO_QEMU (the QEMU binary), EXO_QEMU_ARGS (extra arguments, word-split).
#
# Exit status:
#   n     the guest wrote n to port 0xf4 (QEMU exits with (n << 1) | 1):
#         0 success, 1..125 the first program's exit status, 126 it faulted
#         or was destroyed, 127 kernel panic ("exo: kernel panic")
#   124   timed out ("exo: timed out after N s")
#   125   QEMU stopped without a guest status: a triple fault or reset under
#         -no-reboot, a quit from the monitor, or QEMU failing to start
#   130   interrupted (Ctrl-C)
# Codes 124 and 125 can also be guest statuses; the message tells them apart.
set -uo pipefail

die() { echo "exo: $*" >&2; exit 2; }

qemu=${EXO_QEMU:-qemu-system-x86_64}
timeout_s=${EXO_TIMEOUT:-0}
accel=${EXO_ACCEL:-tcg}
cpus=${EXO_CPUS:-1}
ports=${EXO_PORTS:-2}
mem=${EXO_MEM:-128M}
log=
gdb=0
iso=
extra=()
while (($#)); do
	case "$1" in
	--timeout) timeout_s=${2:?--timeout needs a value}; shift 2 ;;
	--accel) accel=${2:?--accel needs a value}; shift 2 ;;
	--cpus) cpus=${2:?--cpus needs a value}; shift 2 ;;
	--gdb) gdb=1; shift ;;
	--log) log=${2:?--log needs a file}; shift 2 ;;
	--ports) ports=${2:?--ports needs a value}; shift 2 ;;
	--mem) mem=${2:?--mem needs a value}; shift 2 ;;
	--) shift; extra=("$@"); break ;;
	-*) die "unknown option $1 (see the top of $0)" ;;
	*) [[ -z "$iso" ]] || die "more than one ISO given"; iso=$1; shift ;;
	esac
done
[[ -n "$iso" ]] || die "usage: $0 [--timeout N] [--accel tcg|kvm] [--cpus N] [--gdb] [--log FILE] [--ports 1|2] [--mem SIZE] ISO [-- QEMU_ARGS...]"
[[ -f "$iso" ]] || die "$iso not found (build it first: make)"
[[ "$timeout_s" =~ ^[0-9]+$ ]] || die "--timeout wants whole seconds, got '$timeout_s'"
[[ "$cpus" =~ ^[1-9][0-9]?$ ]] || die "--cpus wants 1 to 99, got '$cpus'"
[[ "$ports" == [12] ]] || die "--ports wants 1 or 2, got '$ports'"
[[ "$mem" =~ ^[1-9][0-9]*[MG]$ ]] || die "--mem wants a size like 128M or 1G, got '$mem'"
[[ -z "$log" || "$ports" == 2 ]] || die "--log needs the second port (--ports 2)"
command -v "$qemu" >/dev/null || die "$qemu not found (run boot/deps.sh)"

# kvm_works: /dev/kvm is usable and a bounded QEMU start with KVM, run for a
# moment and quit from the monitor, exits cleanly. Nested KVM here has been
# seen to fail only later (emulation failures), which no probe can rule out.
kvm_works() {
	[[ -r /dev/kvm && -w /dev/kvm ]] || { why="/dev/kvm is not readable and writable"; return 1; }
	local out
	out=$(printf 'cont\nquit\n' | timeout -k 2 10 "$qemu" -accel kvm \
		-machine q35 -cpu max -m 16M -display none -nodefaults -S \
		-monitor stdio 2>&1 >/dev/null)
	local rc=$?
	if ((rc != 0)) || grep -qi error <<<"$out"; then
		why="probe exited with status $rc${out:+: ${out%%$'\n'*}}"
		return 1
	fi
}

case "$accel" in
tcg) ;;
kvm)
	why=
	if ! kvm_works; then
		echo "exo: KVM unusable ($why); using TCG" >&2
		accel=tcg
	fi
	;;
*) die "--accel wants tcg or kvm, got '$accel'" ;;
esac

# serial_args: the ports. Sharing stdout goes through one multiplexed
# chardev, which keeps the order of the two ports' bytes; QEMU sends a mux's
# input to the front end attached last, so COM2's device is created before
# COM1's (and Ctrl-A is the mux's escape key: Ctrl-A x quits).
# shellcheck disable=SC2054 # the commas are QEMU's.
serial_args() {
	if ((ports == 1)); then
		serial=(-serial stdio)
	elif [[ -n "$log" ]]; then
		serial=(-serial stdio -chardev "file,id=exolog,path=${log//,/,,}"
			-serial chardev:exolog)
	else
		serial=(-chardev stdio,id=exocon,mux=on -serial none
			-device isa-serial,chardev=exocon,index=1
			-device isa-serial,chardev=exocon,index=0)
	fi
}
serial_args

# -cpu max: under TCG every feature QEMU emulates (SYSCALL, NX, xAPIC,
# ...); under KVM the host CPU. QEMU 7.2's TCG has no x2APIC,
# TSC-deadline or invariant TSC: the kernel must use the xAPIC (MMIO) timer
# and calibrate the TSC itself.
# shellcheck disable=SC2054 # the commas are QEMU's.
cmd=("$qemu"
	-cdrom "$iso"
	-m "$mem"
	-accel "$accel" -cpu max -smp "$cpus"
	"${serial[@]}" -display none -monitor none
	-no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-nic none)
((gdb)) && cmd+=(-s -S)
[[ -n "$log" && -t 2 ]] && echo "exo: the diagnostic log (kernel and system messages) is in $log" >&2
# shellcheck disable=SC2206 # EXO_QEMU_ARGS is word-split on purpose.
cmd+=(${EXO_QEMU_ARGS:-} "${extra[@]}")
((timeout_s > 0)) && cmd=(timeout --foreground -k 5 "$timeout_s" "${cmd[@]}")

# QEMU's own stderr is kept to tell a guest status from QEMU stopping for
# its own reasons; tee -i survives the Ctrl-C that stops QEMU.
errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT
interrupted=0
trap 'interrupted=1' INT
{ "${cmd[@]}" 2>&1 1>&3 3>&- | tee -i "$errfile" >&2; } 3>&1
rc=${PIPESTATUS[0]}

if ((timeout_s > 0 && (rc == 124 || rc == 137))); then
	echo "exo: timed out after $timeout_s s" >&2
	exit 124
fi
if ((interrupted)); then
	echo "exo: interrupted" >&2
	exit 130
fi
qemu_msg=$(grep -v ': warning: ' "$errfile" | grep -m1 "^${qemu##*/}: ")
if [[ -n "$qemu_msg" ]]; then
	echo "exo: QEMU stopped without a guest status (status $rc): $qemu_msg" >&2
	exit 125
fi
if ((rc == 0)); then
	echo "exo: machine reset without a status (triple fault?)" >&2
	exit 125
fi
if ((rc % 2 == 0)); then
	echo "exo: QEMU stopped without a guest status (status $rc)" >&2
	exit 125
fi
code=$((rc >> 1))
case "$code" in
0) ;;
126) echo "exo: first program faulted (status 126)${log:+; see $log}" >&2 ;;
127) echo "exo: kernel panic${log:+; see $log}" >&2 ;;
*) echo "exo: guest exit status $code" >&2 ;;
esac
exit "$code"
