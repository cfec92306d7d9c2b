/* tracer.h - the ptrace event loop: classify each stop, hand the facts to
 * the lifecycle model, restart the tracee.
 */
#ifndef ZWATCH_TRACER_H
#define ZWATCH_TRACER_H

struct options;
struct model;

/* Runs opts->argv under trace until every traced process is gone, or a
 * SIGINT/SIGTERM/SIGHUP makes zwatch detach.  Returns zwatch's exit
 * status: PROG's own (128+N if a signal N killed it), 128+N if signal N
 * made zwatch detach, or 1 if tracing could not start. */
int tracer_launch(const struct options *opts, struct model *model);

/* Attaches to opts->pids (and their existing descendants) and traces them
 * until every traced process is gone or a SIGINT/SIGTERM/SIGHUP makes
 * zwatch detach.  Returns 0, or 1 if attaching failed. */
int tracer_attach(const struct options *opts, struct model *model);

#endif
