/* Host tests for capability tables and the derivation tree
 * (exokernel/kern/cap.c): lookup errors, rights that only shrink, full
 * tables, deletion that re-parents, revocation across tables, object
 * reference counts and release. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <exo/types.h>

#include "cap.h"
#include "unit.h"

#define NTABLES 4

struct tobj {
	struct kobj k;
	int released; /* kobj_release() calls for this object */
};

static struct cap_table *tab[NTABLES];
static int total_releases;

void kobj_release(struct kobj *obj)
{
	ck_assert_uint_eq(obj->refs, 0);
	((struct tobj *)obj)->released++;
	total_releases++;
}

/* Counts the objects whose last capability went. */
static int total_unnamed;

void kobj_unnamed(struct kobj *obj)
{
	ck_assert_uint_eq(obj->ncaps, 0);
	ck_assert_uint_ge(obj->refs, 1); /* the capability's own reference */
	total_unnamed++;
}

/* An object as the kernel creates it: one reference held by the creator. */
static struct tobj new_obj(uint32_t type)
{
	return (struct tobj){ .k = { .type = type, .refs = 1 } };
}

static void setup(void)
{
	for (int i = 0; i < NTABLES; i++) {
		tab[i] = malloc(sizeof(*tab[i]));
		ck_assert_ptr_nonnull(tab[i]);
		cap_table_init(tab[i]);
		ck_assert_uint_eq(tab[i]->used, 0);
	}
}

static void teardown(void)
{
	for (int i = 0; i < NTABLES; i++) {
		cap_table_release(tab[i]);
		free(tab[i]);
	}
}

static int chunks_live, fail_chunks;

struct cap *cap_chunk_alloc(void)
{
	if (fail_chunks)
		return 0;
	chunks_live++;
	return calloc(CAP_CHUNK, sizeof(struct cap));
}

void cap_chunk_free(struct cap *chunk)
{
	chunks_live--;
	free(chunk);
}

static struct cap *at(int t, long slot)
{
	struct cap *c = cap_at(tab[t], slot);
	ck_assert_ptr_nonnull(c);
	return c;
}

/* Asserts slot is empty in table t. */
static void assert_empty(int t, long slot)
{
	struct cap *c = 0;
	ck_assert_int_eq(cap_lookup(tab[t], slot, 0, 0, &c), -EBADF);
	ck_assert_ptr_null(c);
}

START_TEST(insert_lookup)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	struct cap *c = 0;
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_READ | EXO_R_WRITE),
			 0);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_READ), 1);
	ck_assert_uint_eq(m.k.refs, 3);
	ck_assert_uint_eq(tab[0]->used, 2);

	ck_assert_int_eq(cap_lookup(tab[0], 0, EXO_CAP_MEM,
				    EXO_R_READ | EXO_R_WRITE, &c),
			 0);
	ck_assert_ptr_eq(c, at(0, 0));
	ck_assert_ptr_eq(c->obj, &m.k);
	ck_assert_uint_eq(c->rights, EXO_R_READ | EXO_R_WRITE);
	ck_assert_uint_eq(c->slot, 0);
	ck_assert_ptr_null(c->parent);
	ck_assert_int_eq(cap_lookup(tab[0], 1, 0, 0, &c), 0);
	ck_assert_ptr_eq(c, at(0, 1));
	ck_assert_uint_eq(c->slot, 1);
}
END_TEST

START_TEST(lookup_errors)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	struct cap *c = 0;
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_READ), 0);
	ck_assert_int_eq(cap_lookup(tab[0], -1, 0, 0, &c), -EBADF);
	ck_assert_int_eq(cap_lookup(tab[0], EXO_SELF, 0, 0, &c), -EBADF);
	ck_assert_int_eq(cap_lookup(tab[0], CAP_SLOTS, 0, 0, &c), -EBADF);
	ck_assert_int_eq(cap_lookup(tab[0], CAP_SLOTS + 1L, 0, 0, &c), -EBADF);
	ck_assert_int_eq(cap_lookup(tab[0], 1L << 40, 0, 0, &c), -EBADF);
	ck_assert_int_eq(cap_lookup(tab[0], 1, 0, 0, &c), -EBADF);
	ck_assert_int_eq(cap_lookup(tab[0], CAP_SLOTS - 1, 0, 0, &c), -EBADF);
	ck_assert_int_eq(cap_lookup(tab[0], 0, EXO_CAP_RING, 0, &c), -EINVAL);
	ck_assert_int_eq(cap_lookup(tab[0], 0, EXO_CAP_ENV, EXO_R_WRITE, &c),
			 -EINVAL);
	ck_assert_int_eq(cap_lookup(tab[0], 0, EXO_CAP_MEM, EXO_R_WRITE, &c),
			 -EPERM);
	ck_assert_int_eq(cap_lookup(tab[0], 0, 0, EXO_R_READ | EXO_R_GRANT,
				    &c),
			 -EPERM);
	ck_assert_ptr_null(c); /* untouched on failure */
	ck_assert_int_eq(cap_lookup(tab[0], 0, EXO_CAP_MEM, EXO_R_READ, &c), 0);
	ck_assert_ptr_eq(c, at(0, 0));
}
END_TEST

START_TEST(derive_rights)
{
	struct tobj m = new_obj(EXO_CAP_RING);
	const uint32_t rwg = EXO_R_READ | EXO_R_WRITE | EXO_R_GRANT;
	ck_assert_int_eq(cap_insert(tab[0], &m.k, rwg), 0);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[1], rwg), 0);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[0], EXO_R_READ), 1);
	ck_assert_int_eq(cap_derive(tab[0], 1, tab[0], EXO_R_READ | EXO_R_WRITE),
			 -EPERM);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[1], rwg | EXO_R_EXEC),
			 -EPERM);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[1], EXO_R_ALL), -EPERM);
	ck_assert_int_eq(cap_derive(tab[0], 1, tab[1], EXO_R_READ), 1);
	ck_assert_int_eq(cap_derive(tab[0], 1, tab[1], 0), 2);
	ck_assert_int_eq(cap_derive(tab[0], 2, tab[1], 0), -EBADF);
	ck_assert_int_eq(cap_derive(tab[0], -1, tab[1], 0), -EBADF);
	ck_assert_int_eq(cap_derive(tab[0], CAP_SLOTS, tab[1], 0), -EBADF);
	ck_assert_int_eq(cap_derive(tab[0], 5, tab[1], EXO_R_ALL), -EBADF);
	ck_assert_uint_eq(m.k.refs, 6);
	ck_assert_uint_eq(tab[0]->used, 2);
	ck_assert_uint_eq(tab[1]->used, 3);

	ck_assert_uint_eq(at(1, 0)->rights, rwg);
	ck_assert_uint_eq(at(0, 1)->rights, EXO_R_READ);
	ck_assert_uint_eq(at(1, 1)->rights, EXO_R_READ);
	ck_assert_uint_eq(at(1, 2)->rights, 0);
	ck_assert_ptr_eq(at(1, 0)->parent, at(0, 0));
	ck_assert_ptr_eq(at(0, 1)->parent, at(0, 0));
	ck_assert_ptr_eq(at(1, 1)->parent, at(0, 1));
	ck_assert_ptr_eq(at(1, 2)->parent, at(0, 1));
	ck_assert_ptr_eq(at(1, 1)->obj, &m.k);

	struct cap *c;
	ck_assert_int_eq(cap_lookup(tab[1], 1, EXO_CAP_RING, EXO_R_WRITE, &c),
			 -EPERM);
	ck_assert_int_eq(cap_lookup(tab[1], 1, EXO_CAP_RING, EXO_R_READ, &c),
			 0);
}
END_TEST

START_TEST(table_full)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	for (long i = 0; i < CAP_SLOTS; i++)
		ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_READ), i);
	ck_assert_uint_eq(tab[0]->used, CAP_SLOTS);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_READ), -ENOSPC);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[0], EXO_R_READ), -ENOSPC);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[0], EXO_R_WRITE), -EPERM);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[1], EXO_R_READ), 0);
	ck_assert_uint_eq(m.k.refs, 1 + CAP_SLOTS + 1);

	ck_assert_int_eq(cap_delete(tab[0], 300), 0);
	ck_assert_int_eq(cap_delete(tab[0], 7), 0);
	ck_assert_uint_eq(tab[0]->used, CAP_SLOTS - 2);
	ck_assert_int_eq(cap_derive(tab[1], 0, tab[0], EXO_R_READ), 7);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_READ), 300);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_READ), -ENOSPC);
	ck_assert_uint_eq(m.k.refs, 1 + CAP_SLOTS + 1);
	ck_assert_int_eq(m.released, 0);
}
END_TEST

START_TEST(delete_errors)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_READ), 0);
	ck_assert_int_eq(cap_delete(tab[0], -1), -EBADF);
	ck_assert_int_eq(cap_delete(tab[0], 1), -EBADF);
	ck_assert_int_eq(cap_delete(tab[0], CAP_SLOTS), -EBADF);
	ck_assert_int_eq(cap_delete(tab[0], 0), 0);
	ck_assert_int_eq(cap_delete(tab[0], 0), -EBADF);
	ck_assert_uint_eq(tab[0]->used, 0);
	ck_assert_uint_eq(m.k.refs, 1);
	assert_empty(0, 0);
}
END_TEST

/* a (T0) -> b (T1) -> {c (T2), d (T1)}; deleting b hands c and d to a. */
START_TEST(delete_reparents)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	long a = cap_insert(tab[0], &m.k, EXO_R_ALL);
	long b = cap_derive(tab[0], a, tab[1], EXO_R_ALL);
	long c = cap_derive(tab[1], b, tab[2], EXO_R_READ);
	long d = cap_derive(tab[1], b, tab[1], EXO_R_WRITE);
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(c, 0);
	ck_assert_int_eq(d, 1);
	ck_assert_int_eq(cap_delete(tab[1], b), 0);
	ck_assert_uint_eq(m.k.refs, 4);
	assert_empty(1, b);
	ck_assert_ptr_eq(at(2, c)->parent, at(0, a));
	ck_assert_ptr_eq(at(1, d)->parent, at(0, a));
	ck_assert_uint_eq(at(2, c)->rights, EXO_R_READ);
	ck_assert_uint_eq(at(1, d)->rights, EXO_R_WRITE);

	/* Both children are still reached by a's revoke. */
	ck_assert_int_eq(cap_revoke(tab[0], a), 2);
	assert_empty(2, c);
	assert_empty(1, d);
	ck_assert_ptr_null(at(0, a)->first_child);
	ck_assert_uint_eq(m.k.refs, 2);
}
END_TEST

/* Deleting a root makes its children roots. */
START_TEST(delete_root)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_ALL), 0);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[1], EXO_R_READ), 0);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[1], EXO_R_WRITE), 1);
	ck_assert_int_eq(cap_derive(tab[1], 1, tab[2], EXO_R_WRITE), 0);
	ck_assert_int_eq(cap_delete(tab[0], 0), 0);
	ck_assert_ptr_null(at(1, 0)->parent);
	ck_assert_ptr_null(at(1, 1)->parent);
	ck_assert_ptr_eq(at(2, 0)->parent, at(1, 1));
	ck_assert_int_eq(cap_revoke(tab[1], 0), 0);
	ck_assert_int_eq(cap_revoke(tab[1], 1), 1);
	assert_empty(2, 0);
	struct cap *c;
	ck_assert_int_eq(cap_lookup(tab[1], 0, EXO_CAP_MEM, EXO_R_READ, &c), 0);
	ck_assert_int_eq(cap_lookup(tab[1], 1, EXO_CAP_MEM, EXO_R_WRITE, &c), 0);
	ck_assert_uint_eq(m.k.refs, 3);
}
END_TEST

/* The copy tree, with T0:o the original:
 *   o -> T1:a -> T2:b -> T3:c -> T1:d
 *             -> T1:e
 *        b -> T0:f
 *   o -> T0:g -> T3:h -> T2:i
 * plus an unrelated root T1:u of the same object and a second object's
 * tree. Then the intermediate copy b is deleted, so c and f hang off a. */
START_TEST(revoke_transitive)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	struct tobj other = new_obj(EXO_CAP_ENV);
	long o = cap_insert(tab[0], &m.k, EXO_R_ALL);
	long u = cap_insert(tab[1], &m.k, EXO_R_READ);
	long x = cap_insert(tab[2], &other.k, EXO_R_ALL);
	long y = cap_derive(tab[2], x, tab[3], EXO_R_READ);
	long a = cap_derive(tab[0], o, tab[1], EXO_R_ALL);
	long b = cap_derive(tab[1], a, tab[2], EXO_R_READ | EXO_R_GRANT);
	long c = cap_derive(tab[2], b, tab[3], EXO_R_READ | EXO_R_GRANT);
	long d = cap_derive(tab[3], c, tab[1], EXO_R_READ);
	long e = cap_derive(tab[1], a, tab[1], EXO_R_WRITE);
	long f = cap_derive(tab[2], b, tab[0], EXO_R_GRANT);
	long g = cap_derive(tab[0], o, tab[0], EXO_R_ALL);
	long h = cap_derive(tab[0], g, tab[3], EXO_R_READ);
	long i = cap_derive(tab[3], h, tab[2], EXO_R_READ);
	ck_assert_int_eq(o, 0);
	ck_assert_int_eq(u, 0);
	ck_assert_int_eq(x, 0);
	ck_assert_int_eq(y, 0);
	ck_assert_int_eq(a, 1);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(c, 1);
	ck_assert_int_eq(d, 2);
	ck_assert_int_eq(e, 3);
	ck_assert_int_eq(f, 1);
	ck_assert_int_eq(g, 2);
	ck_assert_int_eq(h, 2);
	ck_assert_int_eq(i, 2);
	ck_assert_uint_eq(m.k.refs, 1 + 11);

	ck_assert_int_eq(cap_delete(tab[2], b), 0);
	ck_assert_ptr_eq(at(3, c)->parent, at(1, a));
	ck_assert_ptr_eq(at(0, f)->parent, at(1, a));
	ck_assert_uint_eq(m.k.refs, 1 + 10);

	ck_assert_int_eq(cap_revoke(tab[0], o), 8);
	long gone[][2] = { { 1, a }, { 3, c }, { 1, d }, { 1, e },
			   { 0, f }, { 0, g }, { 3, h }, { 2, i } };
	for (size_t k = 0; k < sizeof(gone) / sizeof(gone[0]); k++)
		assert_empty((int)gone[k][0], gone[k][1]);
	struct cap *cp;
	ck_assert_int_eq(cap_lookup(tab[0], o, EXO_CAP_MEM, EXO_R_ALL, &cp), 0);
	ck_assert_ptr_null(cp->first_child);
	ck_assert_int_eq(cap_lookup(tab[1], u, EXO_CAP_MEM, EXO_R_READ, &cp),
			 0);
	ck_assert_int_eq(cap_lookup(tab[3], y, EXO_CAP_ENV, EXO_R_READ, &cp),
			 0);
	ck_assert_uint_eq(m.k.refs, 3);
	ck_assert_uint_eq(other.k.refs, 3);
	ck_assert_uint_eq(tab[0]->used, 1);
	ck_assert_uint_eq(tab[1]->used, 1);
	ck_assert_uint_eq(tab[2]->used, 1);
	ck_assert_uint_eq(tab[3]->used, 1);
	ck_assert_int_eq(total_releases, 0);

	/* Slots freed by the revoke are reused lowest first. */
	ck_assert_int_eq(cap_derive(tab[0], o, tab[1], EXO_R_READ), 1);
	ck_assert_int_eq(cap_revoke(tab[0], o), 1);
	ck_assert_int_eq(cap_revoke(tab[0], o), 0);
}
END_TEST

START_TEST(revoke_errors)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	ck_assert_int_eq(cap_revoke(tab[0], 0), -EBADF);
	ck_assert_int_eq(cap_revoke(tab[0], -1), -EBADF);
	ck_assert_int_eq(cap_revoke(tab[0], CAP_SLOTS), -EBADF);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_READ), 0);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[1], EXO_R_READ), 0);
	ck_assert_int_eq(cap_revoke(tab[1], 0), 0); /* a leaf */
	ck_assert_int_eq(cap_revoke(tab[0], 0), 1);
	ck_assert_uint_eq(m.k.refs, 2);
}
END_TEST

/* A chain 2047 copies deep across all tables, and a 511-wide fan, are
 * revoked without recursion. */
START_TEST(revoke_deep_and_wide)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_ALL), 0);
	long prev = 0;
	for (int k = 1; k < NTABLES * CAP_SLOTS; k++) {
		long s = cap_derive(tab[(k - 1) % NTABLES], prev,
				    tab[k % NTABLES], EXO_R_ALL);
		ck_assert_int_eq(s, k / NTABLES);
		prev = s;
	}
	ck_assert_uint_eq(m.k.refs, 1 + NTABLES * CAP_SLOTS);
	ck_assert_int_eq(cap_revoke(tab[0], 0), NTABLES * CAP_SLOTS - 1);
	ck_assert_uint_eq(m.k.refs, 2);
	for (int t = 0; t < NTABLES; t++)
		ck_assert_uint_eq(tab[t]->used, t == 0 ? 1 : 0);

	for (int k = 0; k < CAP_SLOTS; k++)
		ck_assert_int_eq(cap_derive(tab[0], 0, tab[1], EXO_R_READ), k);
	ck_assert_int_eq(cap_revoke(tab[0], 0), CAP_SLOTS);
	ck_assert_uint_eq(m.k.refs, 2);
	ck_assert_int_eq(m.released, 0);
}
END_TEST

START_TEST(refs_and_release)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	struct tobj n = new_obj(EXO_CAP_DOMAIN);
	kobj_get(&n.k);
	ck_assert_uint_eq(n.k.refs, 2);
	kobj_put(&n.k);
	ck_assert_int_eq(n.released, 0);
	kobj_put(&n.k);
	ck_assert_int_eq(n.released, 1);

	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_ALL), 0);
	kobj_put(&m.k); /* the creator's reference */
	ck_assert_uint_eq(m.k.refs, 1);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[1], EXO_R_ALL), 0);
	ck_assert_int_eq(cap_derive(tab[1], 0, tab[2], EXO_R_ALL), 0);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[3], EXO_R_ALL), 0);
	ck_assert_uint_eq(m.k.refs, 4);
	ck_assert_int_eq(cap_revoke(tab[0], 0), 3);
	ck_assert_uint_eq(m.k.refs, 1);
	ck_assert_int_eq(m.released, 0);
	ck_assert_int_eq(cap_delete(tab[0], 0), 0);
	ck_assert_uint_eq(m.k.refs, 0);
	ck_assert_int_eq(m.released, 1);
	ck_assert_int_eq(total_releases, 2);
}
END_TEST

/* Clearing T0 empties it; copies elsewhere survive as roots (or under
 * their own surviving parent), and objects are released exactly when their
 * last capability goes. */
START_TEST(table_clear)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	struct tobj n = new_obj(EXO_CAP_RING);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_ALL), 0);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[0], EXO_R_ALL), 1);
	ck_assert_int_eq(cap_derive(tab[0], 1, tab[1], EXO_R_READ), 0);
	ck_assert_int_eq(cap_derive(tab[1], 0, tab[2], EXO_R_READ), 0);
	ck_assert_int_eq(cap_insert(tab[0], &n.k, EXO_R_ALL), 2);
	ck_assert_int_eq(cap_derive(tab[0], 2, tab[0], EXO_R_READ), 3);
	kobj_put(&m.k);
	kobj_put(&n.k);

	cap_table_clear(tab[0]);
	ck_assert_uint_eq(tab[0]->used, 0);
	for (long s = 0; s < CAP_SLOTS; s++)
		assert_empty(0, s);
	ck_assert_int_eq(n.released, 1);
	ck_assert_int_eq(m.released, 0);
	ck_assert_uint_eq(m.k.refs, 2);
	ck_assert_ptr_null(at(1, 0)->parent);
	ck_assert_ptr_eq(at(2, 0)->parent, at(1, 0));

	cap_table_clear(tab[1]);
	ck_assert_ptr_null(at(2, 0)->parent);
	cap_table_clear(tab[2]);
	ck_assert_int_eq(m.released, 1);
	ck_assert_int_eq(total_releases, 2);

	cap_table_clear(tab[0]); /* already empty */
	ck_assert_int_eq(total_releases, 2);
	struct tobj p = new_obj(EXO_CAP_MEM);
	ck_assert_int_eq(cap_insert(tab[0], &p.k, EXO_R_READ), 0);
}
END_TEST

/* kobj_unnamed() runs exactly once, when the last capability naming an
 * object goes (however it goes), while kernel references may remain. */
START_TEST(unnamed_with_last_cap)
{
	struct tobj m = new_obj(EXO_CAP_DOMAIN);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_ALL), 0);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[0], EXO_R_READ), 1);
	ck_assert_int_eq(cap_derive(tab[0], 1, tab[1], EXO_R_READ), 0);
	ck_assert_uint_eq(m.k.ncaps, 3);
	ck_assert_int_eq(cap_delete(tab[0], 0), 0);
	ck_assert_int_eq(cap_revoke(tab[0], 1), 1);
	ck_assert_uint_eq(m.k.ncaps, 1);
	ck_assert_int_eq(total_unnamed, 0);
	cap_table_clear(tab[0]);
	ck_assert_uint_eq(m.k.ncaps, 0);
	ck_assert_int_eq(total_unnamed, 1);
	ck_assert_uint_eq(m.k.refs, 1); /* the creator's: not released */
	ck_assert_int_eq(m.released, 0);
	ck_assert_int_eq(cap_insert(tab[2], &m.k, EXO_R_ALL), 0);
	ck_assert_int_eq(cap_delete(tab[2], 0), 0);
	ck_assert_int_eq(total_unnamed, 2);
	kobj_put(&m.k);
	ck_assert_int_eq(m.released, 1);
}
END_TEST

/* Chunks come as slots are needed, lowest slot first; a chunk that cannot
 * be had is -ENOMEM with nothing changed; release frees them all. */
START_TEST(chunks)
{
	struct tobj m = new_obj(EXO_CAP_MEM);
	ck_assert_int_eq(chunks_live, 0);
	ck_assert_ptr_null(cap_at(tab[0], 0));
	for (long i = 0; i < CAP_CHUNK; i++)
		ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_ALL), i);
	ck_assert_int_eq(chunks_live, 1);
	fail_chunks = 1;
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_ALL), -ENOMEM);
	ck_assert_int_eq(cap_derive(tab[0], 0, tab[0], EXO_R_READ), -ENOMEM);
	ck_assert_uint_eq(tab[0]->used, CAP_CHUNK);
	ck_assert_int_eq(cap_delete(tab[0], 5), 0);
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_ALL), 5); /* no chunk */
	fail_chunks = 0;
	ck_assert_int_eq(cap_insert(tab[0], &m.k, EXO_R_ALL), CAP_CHUNK);
	ck_assert_int_eq(chunks_live, 2);
	ck_assert_ptr_null(cap_at(tab[0], 2 * CAP_CHUNK));
	ck_assert_ptr_null(cap_at(tab[0], CAP_SLOTS));
	ck_assert_ptr_null(cap_at(tab[0], -1));
	cap_table_clear(tab[0]);
	ck_assert_uint_eq(tab[0]->used, 0);
	cap_table_release(tab[0]);
	ck_assert_int_eq(chunks_live, 0);
	ck_assert_uint_eq(m.k.refs, 1);
}
END_TEST

static Suite *cap_suite(void)
{
	Suite *s = suite_create("cap");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, insert_lookup);
	tcase_add_test(tc, lookup_errors);
	tcase_add_test(tc, derive_rights);
	tcase_add_test(tc, table_full);
	tcase_add_test(tc, delete_errors);
	tcase_add_test(tc, delete_reparents);
	tcase_add_test(tc, delete_root);
	tcase_add_test(tc, revoke_transitive);
	tcase_add_test(tc, revoke_errors);
	tcase_add_test(tc, revoke_deep_and_wide);
	tcase_add_test(tc, refs_and_release);
	tcase_add_test(tc, table_clear);
	tcase_add_test(tc, unnamed_with_last_cap);
	tcase_add_test(tc, chunks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(cap_suite());
}
