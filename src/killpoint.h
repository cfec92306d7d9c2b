/* killpoint.h - a test hook: zwatch kills itself (SIGKILL) at a named
 * point, so that tests can check what a tracer's sudden death does to
 * the programs it traces, at every kind of stop, deterministically.
 *
 *	ZWATCH_TEST_KILL_AT=name	the first time zwatch passes name
 *	ZWATCH_TEST_KILL_AT=name:N	the Nth time
 *
 * Names: fork-event, exec-event, exit, sigchld-stop, syscall-stop,
 * detach, and the steps of an injection (inject.c): inject-move,
 * inject-entry, inject-frame, inject-regs, inject-call, inject-exit,
 * inject-restored, inject-back; on aarch64 (inject_aarch64.c) also
 * inject-args, inject-nr and inject-nonr.  The variable is read once.
 */
#ifndef ZWATCH_KILLPOINT_H
#define ZWATCH_KILLPOINT_H

void killpoint(const char *name);

#endif
