/* Regular files' pages in kernel memory objects, lent to clients
 * (filemem.c), for the real server; host builds leave it out and keep
 * files in heap buffers that cannot be lent. */
#ifndef FS_FILEMEM_H
#define FS_FILEMEM_H

#include "server.h"

/* Makes s's regular files live in memory objects. Call before anything
 * creates a file (the initrd). */
void fs_filemem_install(struct fs_server *s);

#endif
