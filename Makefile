# The user interface: every target first makes sure the Debian packages are
# there (boot/deps.sh), then drives CMake in build/. See README.md.
#
#   make            install missing packages, configure and build
#   make run        build, boot build/exo.iso under QEMU (its terminal on stdio,
#                   its diagnostic log in build/exo.diag.log; V=1 shows both):
#                   the POSIX demo; ISO=build/exo-kdemo.iso boots the raw-ABI demo
#   make test       build, run every test (host Check tests and in-QEMU) with CTest
#   make bench      build, run the benchmarks (bench/run.sh, then
#                   bench/posix/run.sh on 1 and on 2 CPUs, which ends with
#                   bench/posix/report.sh: build/bench/posix/posix.{md,svg})
#   make bench-docs put the last bench's process table and chart into
#                   docs/performance.md and docs/performance-posix.svg
#   make debug      boot halted, waiting for gdb on :1234 (see make gdb)
#   make gdb        attach gdb with the kernel's symbols to a `make debug`
#   make clean      remove build/
#
# Variables: ACCEL=tcg|kvm for run/debug (or EXO_ACCEL; kvm is probed and
# falls back to tcg; tests always use tcg), TIMEOUT=<s> for run/debug (default: none),
# CPUS=<n> for run/debug (or EXO_CPUS; default 1),
# V=1 for run/debug (the diagnostic log on stdio with the terminal, not in
# <ISO minus .iso>.diag.log), CTEST_ARGS (e.g. CTEST_ARGS="-j2 -R qemu"),
# QEMU_ARGS (extra QEMU options).

BUILD      := build
ISO        := $(BUILD)/exo.iso
ACCEL      ?= $(or $(EXO_ACCEL),tcg)
TIMEOUT    ?= 0
CPUS       ?= $(or $(EXO_CPUS),1)
CTEST_ARGS ?=
QEMU_ARGS  ?=
V          ?= 0
# Where run and debug put the machine's diagnostic log (COM2): a file, or
# with V=1 stdout, in order with the terminal.
DIAG_LOG    = $(ISO:.iso=.diag.log)
LOG_OPT     = $(if $(filter 1,$(V)),,--log $(DIAG_LOG))
MAKEFLAGS  += --no-print-directory
JOBS       := $(shell nproc 2>/dev/null || echo 2)
# The kernel ELF with symbols, as exokernel/CMakeLists.txt names it.
KERNEL_ELF  = $(or $(shell sed -n 's/^EXO_KERNEL_ELF:[A-Z]*=//p' \
                $(BUILD)/CMakeCache.txt 2>/dev/null),$(BUILD)/exokernel/kernel.elf)
GDB_CMD     = gdb $(KERNEL_ELF) -ex 'target remote :1234'

.PHONY: all deps build run test bench bench-docs debug gdb clean

all: build

deps:
	@bash boot/deps.sh

build: deps
	@cmake -S . -B $(BUILD)
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	@bash boot/qemu.sh --accel $(ACCEL) --cpus $(CPUS) --timeout $(TIMEOUT) $(LOG_OPT) $(ISO) -- $(QEMU_ARGS)

test: build
	@EXO_ACCEL=tcg ctest --test-dir $(BUILD) --output-on-failure $(CTEST_ARGS)

bench: build
	@EXO_CPUS=1 bash bench/run.sh $(BUILD)
	@EXO_CPUS=2 bash bench/run.sh $(BUILD)
	@rc=0; \
	POSIXBENCH_CPUS=1 bash bench/posix/run.sh $(BUILD) || rc=1; \
	POSIXBENCH_CPUS=2 bash bench/posix/run.sh $(BUILD) || rc=1; \
	exit $$rc

# No new measurement: refuses unless both CPU counts measured every row.
bench-docs:
	@bash bench/posix/report.sh $(BUILD) --docs

debug: build
	@echo "exo: QEMU is waiting for gdb; in another terminal run"
	@echo "  make gdb"
	@echo "or"
	@echo "  $(GDB_CMD)"
	@bash boot/qemu.sh --gdb --accel $(ACCEL) --cpus $(CPUS) --timeout $(TIMEOUT) $(LOG_OPT) $(ISO) -- $(QEMU_ARGS)

gdb:
	@bash boot/deps.sh gdb
	@$(GDB_CMD)

clean:
	rm -rf $(BUILD)
