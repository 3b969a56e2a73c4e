/* Pipe buffers' memory from the kernel (pipemem.c), for the real server;
 * host builds of the server leave it out and get heap buffers. */
#ifndef FS_PIPEMEM_H
#define FS_PIPEMEM_H

#include "server.h"

/* Makes s's pipes use kernel page memory, grantable to clients. */
void fs_pipemem_install(struct fs_server *s);

#endif
