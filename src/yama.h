/* yama.h - may we ptrace here?  Yama's ptrace_scope and the other reasons
 * a PTRACE_SEIZE is refused, explained in words a user can act on.
 */
#ifndef ZWATCH_YAMA_H
#define ZWATCH_YAMA_H

#include <stdbool.h>

/* /proc/sys/kernel/yama/ptrace_scope, or -1 without Yama. */
int yama_scope(void);
bool yama_have_cap_sys_ptrace(void);

/* Before tracing anything: refuses (returns -EPERM, explained on stderr)
 * what Yama would refuse anyway.  attach: tracing a non-child. */
int yama_precheck(bool attach);

/* Explains why seizing pid failed with -err. */
void yama_explain(int pid, int err);

#endif
