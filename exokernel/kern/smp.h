/* Starting the application processors. */
#ifndef KERN_SMP_H
#define KERN_SMP_H

struct bootparams;

/* Starts the CPUs the ACPI MADT lists, up to max in all (counting the boot
 * CPU), and sets ncpus. Called by the boot CPU with the kernel lock held;
 * the started CPUs wait for it. Failing to start one is reported and
 * leaves the others running. */
void smp_start(const struct bootparams *bp, unsigned max);

#endif
