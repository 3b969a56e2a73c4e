/* Upcall helpers: an upcall stack per env and the resume path. The handler
 * itself is the program's: a C function entered with the frame pointer as
 * its argument, as if called, which ends with exo_upcall_resume(). */
#include <libexo.h>

#define UPCALL_STACK_PAGES 4

long exo_upcall_install(struct exo_region *stack,
			void (*entry)(struct exo_upcall_frame *))
{
	long r = exo_region_alloc(stack, UPCALL_STACK_PAGES,
				  EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	unsigned long top = (unsigned long)stack->base +
			    UPCALL_STACK_PAGES * EXO_PAGE_SIZE;
	r = exo_upcall_set(EXO_SELF, (unsigned long)(uintptr_t)entry, top);
	if (r < 0)
		exo_region_free(stack);
	return r;
}

void exo_upcall_remove(struct exo_region *stack)
{
	exo_upcall_set(EXO_SELF, 0, 0);
	exo_region_free(stack);
}

void exo_upcall_resume(const struct exo_upcall_frame *f)
{
	long r = exo_upcall_return(f);
	exo_fatal("exo_upcall_return refused the frame: %ld", r);
}
