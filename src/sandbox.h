/* sandbox.h - confining a helper process that parses hostile input:
 * no privileges (nobody when root, no capabilities, no_new_privs), no
 * way to reach other processes or the system (a seccomp filter), and
 * bounded CPU time, memory and files.  Without libseccomp, no filter.
 */
#ifndef ZWATCH_SANDBOX_H
#define ZWATCH_SANDBOX_H

#include <stdbool.h>

#ifdef HAVE_SECCOMP
#define SANDBOX_FILTER 1	/* sandbox_enter() loads a seccomp filter */
#else
#define SANDBOX_FILTER 0
#endif

/* Confines the calling process for good.  network: it may open
 * sockets and write files (debuginfod downloads into its cache).
 * 0 or -errno; on failure the caller must not go on. */
int sandbox_enter(bool network);

#endif
