/* The program file a client's process runs (its text, which execve
 * shares from this server's frames): while any process runs a file, an
 * open of it for writing and a truncate by path are ETXTBSY, and an
 * exec of a file open for writing is ETXTBSY, as Linux's
 * deny_write_access keeps them; otherwise a write would reach the
 * running text and a truncate take its pages away. The process
 * manager, loading a set-ID program itself, borrows the text's pages
 * read-only (fs_client_text_lend). Pure logic. */
#include <exo/errno.h>
#include <exo/types.h>

#include "server_impl.h"

/* Whether description flags give write access. */
static int text_writes(uint32_t flags)
{
	return (flags & FS_O_ACCMODE) != FS_O_RDONLY;
}

void text_desc_opened(struct fd_desc *d)
{
	struct ramfs_inode *i = d->obj;
	if (i && ramfs_is(i, FS_S_IFREG) && text_writes(d->flags))
		i->writers++;
}

void text_desc_gone(struct fd_desc *d)
{
	struct ramfs_inode *i = d->obj;
	if (i && ramfs_is(i, FS_S_IFREG) && text_writes(d->flags) &&
	    i->writers)
		i->writers--;
}

long text_may_write(const struct ramfs_inode *i)
{
	return ramfs_is(i, FS_S_IFREG) && i->exec_users ? -ETXTBSY : 0;
}

/* Makes i client c's text (the one it had, if any, let go). */
static void text_set(struct fs_client *c, struct ramfs_inode *i)
{
	if (i) {
		ramfs_iget(i);
		i->exec_users++;
	}
	text_drop(c);
	c->text = i;
}

long fs_client_exec(struct fs_client *c, long handle)
{
	struct fd_desc *d = fd_get(&c->handles, handle);
	if (!d || d->pipe || !d->obj)
		return -EBADF;
	struct ramfs_inode *i = d->obj;
	if (!ramfs_is(i, FS_S_IFREG))
		return -EACCES;
	if (i->writers)
		return -ETXTBSY;
	text_set(c, i);
	return 0;
}

long fs_client_text_lend(struct fs_client *c)
{
	const struct ramfs_inode *i = c->text;
	if (!i)
		return -ENOENT;
	if (c->domain < 0)
		return -ENODEV;
	uint64_t pages = (i->size + RAMFS_PAGE - 1) / RAMFS_PAGE;
	return ramfs_pages_lend(&c->srv->fs, c->text, 0, pages ? pages : 1,
				c->domain,
				EXO_R_READ | EXO_R_EXEC | EXO_R_GRANT);
}

void text_inherit(struct fs_client *child, const struct fs_client *parent)
{
	text_set(child, parent->text);
}

void text_drop(struct fs_client *c)
{
	struct ramfs_inode *i = c->text;
	if (!i)
		return;
	c->text = 0;
	i->exec_users--;
	ramfs_iput(&c->srv->fs, i);
}
