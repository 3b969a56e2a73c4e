/* Console input for the file server: a thread reads the serial port with
 * exo_console_read and hands the bytes to the main loop over a FusionRing,
 * so the loop keeps a single exo_wait_any for everything it waits on. */
#ifndef FS_INPUT_H
#define FS_INPUT_H

#include <libexo.h>

/* Starts the reader thread. Returns 0 or a kernel error. */
long fs_input_start(void);

/* Fills *item so exo_wait_any also wakes when input arrives; returns
 * nonzero if input is already waiting. Pair with fs_input_finish(). */
int fs_input_prepare(struct exo_wait_item *item);
void fs_input_finish(void);

/* Moves waiting input to sink(ctx, bytes, n); returns how many bytes. */
size_t fs_input_drain(void (*sink)(void *ctx, const char *buf, size_t n),
		      void *ctx);

#endif
