#!/bin/sh
# Turns the function symbols of a linked kernel into ksyms.S: a sorted
# address table plus a string table, read by backtrace.c.
# Usage: gen-ksyms.sh NM KERNEL_ELF OUT_S
set -eu
nm="$1"; elf="$2"; out="$3"
"$nm" -n --defined-only "$elf" | awk '
$2 ~ /^[tT]$/ { addr[n] = $1; name[n] = $3; n++ }
END {
	print "\t.section .note.GNU-stack, \"\", @progbits"
	print "\t.section .ksyms, \"a\""
	print "\t.balign 8"
	print "\t.global ksyms_count"
	print "ksyms_count:\t.quad " n
	print "\t.global ksyms_table"
	print "ksyms_table:"
	off = 0
	for (i = 0; i < n; i++) {
		print "\t.quad 0x" addr[i] ", " off
		off += length(name[i]) + 1
	}
	print "\t.global ksyms_names"
	print "ksyms_names:"
	for (i = 0; i < n; i++)
		print "\t.asciz \"" name[i] "\""
}' > "$out.tmp"
mv "$out.tmp" "$out"
