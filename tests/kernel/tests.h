/* Every kernel test function, grouped by file; runner.c lists them. */
#ifndef TESTS_KERNEL_TESTS_H
#define TESTS_KERNEL_TESTS_H

/* t_info.c */
void test_info_page(void);
void test_null_and_console(void);
/* t_ring.c */
void test_pingpong_wait(void);
void test_pingpong_spin(void);
void test_ring_create(void);
void test_ring_wait(void);
void test_wait_any(void);
void test_wait_any_limits(void);
void test_wait_any_env_ended(void);
/* t_env.c */
void test_preemption(void);
void test_env_exit_status(void);
void test_env_destroy(void);
void test_destroy_before_run(void);
void test_env_states(void);
void test_env_gs(void);
void test_env_self_cap(void);
void test_env_rights(void);
void test_faulting_child(void);
/* t_upcall.c */
void test_pf_map(void);
void test_pf_write_protect(void);
void test_pf_exec(void);
void test_exceptions(void);
void test_fault_in_handler(void);
/* t_ceiling.c */
void test_ceiling_map(void);
void test_ceiling_map_copy(void);
void test_ceiling_ring_map(void);
/* t_revoke.c */
void test_slice_args(void);
void test_slice_window(void);
void test_slice_read_only(void);
void test_revoke_everywhere(void);
void test_revoke_running(void);
void test_mem_resize(void);
/* t_cow.c */
void test_cow_protect(void);
void test_cow_protect_copy(void);
void test_cow_kernel_write(void);
void test_cow_spreads(void);
void test_copy_eager(void);
/* t_watch.c */
void test_env_watch(void);
void test_env_stat(void);
void test_timer_mono(void);
void test_timer_run(void);
void test_console_write(void);
/* t_reclaim.c */
void test_pt_stride(void);
void test_pt_partial_unmap(void);
void test_orphan_reclaimed(void);
void test_orphan_spinner(void);
/* t_isolation.c */
void test_map_caps(void);
void test_ring_caps(void);
void test_child_touch(void);
void test_bad_pointers(void);
void test_bad_slots(void);
void test_bad_addresses(void);
void test_unknown_calls(void);
/* t_caps.c */
void test_cap_info(void);
void test_cap_copy_rights(void);
void test_cap_delete(void);
void test_cap_revoke(void);
void test_cap_table_full(void);
void test_domain_grant_order(void);
void test_domain_give(void);
void test_cap_take(void);
void test_cap_take_revoke(void);
void test_cap_take_domain(void);
/* t_loader.c */
void test_loader_rejects(void);
void test_loader_overlap_and_copy(void);
/* t_mem.c */
void test_frames_exhaust(void);
void test_map_batch(void);
void test_map_copy(void);
void test_map_whole_space(void);
void test_unmap_running_thread(void);
/* t_futex.c */
void test_futex_cross_domain(void);
void test_futex_wake_count(void);
void test_futex_errors(void);
void test_futex_guard(void);
void test_futex_fifo_bitset(void);
void test_futex_requeue(void);
void test_futex_wake_op(void);
void test_futex_private_cow(void);
void test_futex_destroyed_waiter(void);
/* t_notify.c */
void test_notify_interrupts_waits(void);
void test_notify_pending(void);
void test_notify_upcall(void);
/* t_sched.c */
void test_sched_defaults(void);
void test_sched_errors(void);
void test_sched_ceiling(void);
void test_sched_pinning(void);
void test_sched_wake_preempts(void);
void test_sched_fifo_rr(void);
void test_sched_rt_throttle(void);
/* t_fuzz.c */
void test_fuzz(void);

#endif
