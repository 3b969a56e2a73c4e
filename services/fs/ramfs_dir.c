/* ramfs directories: the entries of one directory in insertion order (the
 * getdents order, with resumable cookies) and a hash index over their
 * names, so lookup, insertion and removal cost O(1) expected whatever the
 * directory's size. The index is a power-of-two array of chains, doubled
 * when the entries outnumber the buckets, keyed by a per-directory seed
 * drawn from the server's (a client cannot aim its names at one chain
 * without knowing it). Entries and index are charged to the byte budget.
 */
#include <string.h>

#include <exo/errno.h>

#include "ramfs.h"

#define DIR_MIN_BUCKETS 8

uint64_t ramfs_dir_steps;

/* A keyed 64-bit FNV-1a with a final avalanche (MurmurHash3's fmix64). */
static uint32_t name_hash(uint64_t seed, const char *name, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

static uint64_t index_cost(uint32_t nbuckets)
{
	return (uint64_t)nbuckets * sizeof(struct ramfs_dirent *);
}

static void chain_push(struct ramfs_inode *dir, struct ramfs_dirent *d)
{
	struct ramfs_dirent **b = &dir->buckets[d->hash & (dir->nbuckets - 1)];
	d->hnext = *b;
	*b = d;
}

/* Doubles the index (or creates it) when the entries would outnumber the
 * buckets. Best effort: without budget or memory the chains just grow
 * longer, which the budget itself keeps short (each entry costs far more
 * than the buckets it would need). */
static void index_grow(struct ramfs *fs, struct ramfs_inode *dir)
{
	if (dir->nentries < dir->nbuckets)
		return;
	uint32_t n = dir->nbuckets ? dir->nbuckets * 2 : DIR_MIN_BUCKETS;
	if (n == 0 || index_cost(n) - index_cost(dir->nbuckets) >
			      ramfs_bytes_free(fs))
		return;
	struct ramfs_dirent **b = fs_malloc(&fs->alloc, index_cost(n));
	if (!b)
		return;
	memset(b, 0, index_cost(n));
	if (!dir->nbuckets)
		dir->hseed = (uint32_t)(fs->hash_seed ^ (fs->hash_seed >> 32) ^
					(dir->ino * 0x9e3779b97f4a7c15ULL));
	fs_free(&fs->alloc, dir->buckets);
	fs->meta_used += index_cost(n) - index_cost(dir->nbuckets);
	dir->buckets = b;
	dir->nbuckets = n;
	for (struct ramfs_dirent *d = dir->first; d; d = d->next) {
		d->hash = name_hash(dir->hseed, d->name, d->namelen);
		chain_push(dir, d);
	}
}

/* Drops the index of a directory that has become empty. */
static void index_free(struct ramfs *fs, struct ramfs_inode *dir)
{
	fs_free(&fs->alloc, dir->buckets);
	fs->meta_used -= index_cost(dir->nbuckets);
	dir->buckets = 0;
	dir->nbuckets = 0;
}

struct ramfs_dirent *ramfs_dir_find(struct ramfs_inode *dir, const char *name,
				    size_t len)
{
	struct ramfs_dirent *d = dir->first;
	uint32_t h = 0;
	if (dir->nbuckets) {
		h = name_hash(dir->hseed, name, len);
		d = dir->buckets[h & (dir->nbuckets - 1)];
	}
	for (; d; d = dir->nbuckets ? d->hnext : d->next) {
		ramfs_dir_steps++;
		if ((!dir->nbuckets || d->hash == h) && d->namelen == len &&
		    memcmp(d->name, name, len) == 0)
			return d;
	}
	return 0;
}

void ramfs_dir_set(struct ramfs_dirent *d, struct ramfs_inode *i)
{
	d->inode = i;
	if (ramfs_is(i, FS_S_IFDIR))
		i->dentry = d;
}

long ramfs_dir_add(struct ramfs *fs, struct ramfs_inode *dir,
		   const char *name, size_t len, struct ramfs_inode *i)
{
	uint64_t cost = ramfs_dirent_cost(len);
	if (cost > ramfs_bytes_free(fs))
		return -ENOSPC;
	struct ramfs_dirent *d = fs_malloc(&fs->alloc, cost);
	if (!d)
		return -ENOMEM;
	fs->meta_used += cost;
	*d = (struct ramfs_dirent){ .prev = dir->last,
				    .cookie = dir->next_cookie++,
				    .namelen = (uint16_t)len };
	memcpy(d->name, name, len);
	d->name[len] = 0;
	ramfs_dir_set(d, i);
	index_grow(fs, dir);
	if (dir->last)
		dir->last->next = d;
	else
		dir->first = d;
	dir->last = d;
	dir->nentries++;
	if (dir->nbuckets) {
		d->hash = name_hash(dir->hseed, name, len);
		chain_push(dir, d);
	}
	return 0;
}

/* Takes d out of its hash chain. */
static void chain_remove(struct ramfs_inode *dir, struct ramfs_dirent *d)
{
	struct ramfs_dirent **p = &dir->buckets[d->hash & (dir->nbuckets - 1)];
	while (*p != d)
		p = &(*p)->hnext;
	*p = d->hnext;
}

void ramfs_dir_remove(struct ramfs *fs, struct ramfs_inode *dir,
		      struct ramfs_dirent *d)
{
	if (dir->nbuckets)
		chain_remove(dir, d);
	if (d->prev)
		d->prev->next = d->next;
	else
		dir->first = d->next;
	if (d->next)
		d->next->prev = d->prev;
	else
		dir->last = d->prev;
	if (dir->seek_hint == d)
		dir->seek_hint = d->prev; /* still before any later position */
	if (d->inode->dentry == d)
		d->inode->dentry = 0;
	dir->nentries--;
	fs->meta_used -= ramfs_dirent_cost(d->namelen);
	fs_free(&fs->alloc, d);
	if (!dir->nentries)
		index_free(fs, dir);
}

void ramfs_dir_free(struct ramfs *fs, struct ramfs_inode *dir)
{
	struct ramfs_dirent *d = dir->first;
	while (d) {
		struct ramfs_dirent *next = d->next;
		fs->meta_used -= ramfs_dirent_cost(d->namelen);
		fs_free(&fs->alloc, d);
		d = next;
	}
	dir->first = dir->last = dir->seek_hint = 0;
	dir->nentries = 0;
	index_free(fs, dir);
}

struct ramfs_dirent *ramfs_find_child(struct ramfs_inode *dir,
				      const struct ramfs_inode *child)
{
	if (ramfs_is(child, FS_S_IFDIR))
		return child->parent == dir ? child->dentry : 0;
	for (struct ramfs_dirent *d = dir->first; d; d = d->next)
		if (d->inode == child)
			return d;
	return 0;
}

struct ramfs_dirent *ramfs_dir_seek(struct ramfs_inode *dir, uint64_t pos)
{
	struct ramfs_dirent *d = dir->seek_hint;
	if (!d || d->cookie > pos)
		d = dir->first;
	for (; d && d->cookie < pos; d = d->next)
		ramfs_dir_steps++;
	if (d)
		dir->seek_hint = d;
	return d;
}
