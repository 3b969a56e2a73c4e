/* posixbench-true: the program posixbench's fork_exec_wait and
 * posix_spawn_wait rows execute. It exits with status 0 at once, so those
 * rows time the exec and the process's start and end, not its work. */
int main(void)
{
	return 0;
}
