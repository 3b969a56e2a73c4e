/* Virtual memory layout shared by the kernel and user programs.
 *
 *   0xFFFFFFFFFFFFFFFF +--------------------------------+
 *                      | kernel image (-mcmodel=kernel)  |  KERN_BASE + phys
 *   0xFFFFFFFF80000000 +--------------------------------+  EXO_KERN_BASE
 *                      | unused                          |
 *   0xFFFF8000xxxxxxxx +--------------------------------+
 *                      | direct map of physical memory   |
 *   0xFFFF800000000000 +--------------------------------+  EXO_PHYS_MAP
 *                      | non-canonical hole              |
 *   0x0000800000000000 +--------------------------------+
 *                      | kernel info page (read-only)    |
 *   0x00007FFFFFFF0000 +--------------------------------+  EXO_USER_TOP
 *                      | user memory: anything the       |
 *                      | domain maps with exo_map()      |
 *   0x0000000000001000 +--------------------------------+  EXO_USER_BASE
 *                      | page 0: never mapped            |
 *   0x0000000000000000 +--------------------------------+
 *
 * The kernel half (PML4 entries 256..511) is the same in every domain and
 * has no user bit. The first program gets its boot information at
 * EXO_BOOTINFO_VA and a stack just below EXO_STACK_TOP.
 */
#ifndef EXO_LAYOUT_H
#define EXO_LAYOUT_H

#define EXO_PAGE_SIZE 4096UL
#define EXO_PAGE_SHIFT 12

#define EXO_USER_BASE 0x0000000000001000UL
#define EXO_USER_TOP 0x00007FFFFFFF0000UL
#define EXO_INFO_VA EXO_USER_TOP

#define EXO_BOOTINFO_VA 0x00007FFFFFF00000UL
#define EXO_STACK_TOP 0x00007FFFFFE00000UL
#define EXO_STACK_PAGES 32

#define EXO_PHYS_MAP 0xFFFF800000000000UL
#define EXO_KERN_BASE 0xFFFFFFFF80000000UL

#endif
