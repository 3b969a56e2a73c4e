/* exotest: the kernel test suite's runner, booted as the first program.
 * It runs every test below in its own env (see <exotest.h>), prints one
 * PASS/FAIL line each and a summary, and exits with the number of
 * failures, which becomes the machine's exit status. Helper programs
 * (exohelper) come as further boot modules. */
#include "common.h"
#include "tests.h"

#define T(name) { #name, test_##name, 0 }
#define T_SLOW(name, s) { #name, test_##name, s }

static const struct exotest tests[] = {
	T(info_page),
	T(null_and_console),
	T(unknown_calls),
	T(bad_slots),
	T(bad_pointers),
	T(bad_addresses),
	T(map_caps),
	T(ring_caps),
	T(cap_info),
	T(cap_copy_rights),
	T(cap_delete),
	T(cap_revoke),
	T(cap_table_full),
	T(domain_grant_order),
	T(domain_give),
	T(cap_take),
	T(cap_take_revoke),
	T(cap_take_domain),
	T(env_states),
	T(env_gs),
	T(env_self_cap),
	T(env_exit_status),
	T(env_destroy),
	T(destroy_before_run),
	T(env_rights),
	T(faulting_child),
	T(child_touch),
	T(loader_rejects),
	T(loader_overlap_and_copy),
	T(pf_map),
	T(pf_write_protect),
	T(pf_exec),
	T(exceptions),
	T(fault_in_handler),
	T(map_batch),
	T(map_whole_space),
	T(map_copy),
	T(unmap_running_thread),
	T(ceiling_map),
	T(ceiling_map_copy),
	T(ceiling_ring_map),
	T(slice_args),
	T(slice_window),
	T(slice_read_only),
	T(revoke_everywhere),
	T(revoke_running),
	T(mem_resize),
	T(cow_protect),
	T(cow_protect_copy),
	T(cow_kernel_write),
	T(cow_spreads),
	T(copy_eager),
	T_SLOW(pt_stride, 120),
	T(pt_partial_unmap),
	T(orphan_reclaimed),
	T(orphan_spinner),
	T_SLOW(frames_exhaust, 120),
	T(ring_create),
	T(ring_wait),
	T(wait_any),
	T(wait_any_limits),
	T(wait_any_env_ended),
	T_SLOW(pingpong_wait, 120),
	T_SLOW(pingpong_spin, 120),
	T(preemption),
	T(futex_cross_domain),
	T(futex_wake_count),
	T(futex_errors),
	T(futex_guard),
	T(futex_fifo_bitset),
	T(futex_requeue),
	T(futex_wake_op),
	T(futex_private_cow),
	T(futex_destroyed_waiter),
	T(notify_interrupts_waits),
	T(notify_pending),
	T(notify_upcall),
	T(env_watch),
	T(env_stat),
	T(timer_mono),
	T(timer_run),
	T(console_write),
	T(sched_defaults),
	T(sched_errors),
	T(sched_ceiling),
	T(sched_pinning),
	T(sched_wake_preempts),
	T(sched_fifo_rr),
	T(sched_rt_throttle),
	T_SLOW(fuzz, 240),
};

long exo_main(unsigned long arg)
{
	test_bootinfo = (const struct exo_bootinfo *)arg;
	if (test_bootinfo->magic != EXO_BOOTINFO_MAGIC) {
		exo_printf("exotest: FAIL boot: bad bootinfo magic\n");
		return 1;
	}
	exo_printf("exotest: %u tests, command line '%s', %lu modules\n",
		   (unsigned)EXO_ARRAY_SIZE(tests), test_bootinfo->cmdline,
		   (unsigned long)test_bootinfo->nmodules);
	return exotest_run(tests, EXO_ARRAY_SIZE(tests));
}
