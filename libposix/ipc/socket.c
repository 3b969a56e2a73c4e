/* Sockets: none yet (a later milestone). socket() answers as a Linux
 * built without the asked-for address family does, -EAFNOSUPPORT, so
 * that programs which probe for a service socket and fall back when the
 * family is missing go on: musl's getgrouplist (initgroups) asks nscd
 * over AF_UNIX first and reads /etc/group only after EAFNOSUPPORT. The
 * first call says so once on the diagnostic console. */
#include "lp/lp.h"

/* socket(domain, type, protocol): -EAFNOSUPPORT for every domain. */
long lp_socket(const long *arg)
{
	static int said;
	if (!said) {
		struct lp_msg m = { 0 };
		said = 1;
		lp_msg_str(&m, "libposix: socket(");
		lp_msg_dec(&m, arg[0]);
		lp_msg_str(&m, "): no socket families yet (EAFNOSUPPORT)");
		lp_msg_send(&m);
	}
	return -EAFNOSUPPORT;
}
