/* kfeatures.h - the kernel features zwatch relies on that are newer
 * than some kernels it runs on, probed once at start.  Each has a
 * fallback; README's support matrix says what it costs in precision.
 */
#ifndef ZWATCH_KFEATURES_H
#define ZWATCH_KFEATURES_H

#include <stdbool.h>
#include <stdio.h>

struct kfeatures {
	bool pidfd;		/* pidfd_open() (5.3) */
	bool pidfd_release;	/* a pidfd reports EPOLLHUP at release (6.9);
				 * without it a zombie another process reaps
				 * is polled with kill(pid, 0) every 20 ms.
				 * Probed with a child, except as pid 1 (of a
				 * new pid namespace): there the child would
				 * take the program's pid, so the kernel
				 * release decides */
	bool pidfd_info;	/* PIDFD_GET_INFO (6.13), PIDFD_INFO_EXIT
				 * (6.15): probed for -V, not used yet */
};

/* The features of the running kernel (probed on the first call).  The
 * environment variable ZWATCH_KFEATURES_OFF (names separated by commas,
 * e.g. "pidfd_release") turns found ones off: the tests run the old-kernel
 * paths on a new kernel with it. */
const struct kfeatures *kfeatures(void);

/* "kernel: RELEASE ARCH" and "kernel-features: ..." lines for -V; the
 * missing ones are listed with a leading '-'. */
void kfeatures_print(FILE *out);

#endif
