/* schedclock.h - when a process last ran, from the scheduler's clock, in
 * CLOCK_MONOTONIC seconds.  For a zombie that is its exit: /proc has no
 * exit time, but a zombie never runs again.
 *
 * se.exec_start in /proc/PID/sched is the task clock of the CPU it last
 * ran on (field 39 of its stat), which runs behind CLOCK_MONOTONIC by the
 * steal and IRQ time that CPU has accounted: nothing on bare metal, but
 * 28 s on one CPU and 30 s on the other of a VM here, twenty minutes
 * after boot.  So each CPU's offset is measured (zwatch's own thread run
 * anew on it: its exec_start is then) and reused for a second.  What the
 * offset cannot know is the steal accounted on that CPU between the exit
 * and now: by so much the exit reads later and the age shorter (seen: up
 * to 9% of the age while the host was busy; none on bare metal).  NAN without CONFIG_SCHED_DEBUG (no
 * sched file) or if the process is gone. */
#ifndef ZWATCH_SCHEDCLOCK_H
#define ZWATCH_SCHEDCLOCK_H

double schedclock_last_run(int pid);

#endif
