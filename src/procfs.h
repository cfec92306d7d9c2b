/* procfs.h - the few /proc facts zwatch needs, read on demand. */
#ifndef ZWATCH_PROCFS_H
#define ZWATCH_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc_stat {
	char comm[16];
	char state;		/* R, S, D, Z, T, t, X ... */
	int ppid;
	int exit_code;		/* field 52: wait status of a zombie */
	unsigned flags;		/* field 9: PF_* */
	unsigned long long sig_pending;	/* field 31: the thread's pending */
	unsigned long long sig_blocked;	/* field 32: blocked signals */
	int num_threads;	/* field 20 */
	unsigned long long sig_ignore;	/* field 33: ignored signals */
	int processor;		/* field 39: the CPU it last ran on */
};

/* A whole small /proc file, NUL-terminated; its length or -errno. */
ssize_t procfs_read(const char *path, char *buf, size_t len);

/* /proc/PID/stat; 0 or -errno. */
int procfs_stat(int pid, struct proc_stat *st);
/* The same through a descriptor kept open (procfs_open_stat: fd or
 * -errno), which saves the path lookup; it fails with ESRCH once the
 * process is gone, and is never fooled by a reused pid. */
int procfs_open_stat(int pid);
int procfs_stat_fd(int fd, struct proc_stat *st);

struct proc_status {
	int tgid;
	int ppid;
	int tracer;		/* TracerPid */
	int uid;		/* real uid */
	int nspid_inner;	/* last NSpid field: pid in its own namespace */
	int nspid_depth;	/* how many NSpid fields: 1 in ours, more nested */
	unsigned long long cap_eff;
	unsigned long long sig_ign, sig_blk, sig_cgt, sig_pnd, shd_pnd;
	int seccomp;		/* Seccomp: 0 off, 1 strict, 2 filter */
	bool shadow_stack;	/* x86_Thread_features has shstk */
};

/* /proc/PID/status (or /proc/PID/task/TID/status with tid); 0 or -errno. */
int procfs_status(int pid, int tid, struct proc_status *st);

/* Calls fn(tid, arg) for each entry of /proc/PID/task; returns how many
 * there were, or -errno. */
int procfs_each_task(int pid, void (*fn)(int tid, void *arg), void *arg);

/* Calls fn(child, arg) for each pid in /proc/PID/task/ * /children. */
int procfs_each_child(int pid, void (*fn)(int child, void *arg), void *arg);

/* Its pid inside its own pid namespace if that is nested in ours (NSpid),
 * 0 if it is ours or unknown.  Works for zombies too. */
int procfs_nested_pid(int pid);

/* /proc/PID/comm without the newline; 0 or -errno. */
int procfs_comm(int pid, char *buf, size_t len);

/* The target of the link /proc/PID/NAME ("exe", "ns/pid"); 0 or -errno. */
int procfs_link(int pid, const char *name, char *buf, size_t len);

/* /proc/PID/exe; 0 or -errno. */
int procfs_exe(int pid, char *buf, size_t len);

/* /proc/PID/cmdline into buf (NUL-separated arguments, NUL-terminated,
 * at most len - 1 bytes); returns its length, 0 if unreadable. */
size_t procfs_cmdline(int pid, char *buf, size_t len);

#endif
