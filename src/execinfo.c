/* execinfo.c - what a process has just exec'd, read from its new stack at
 * the PTRACE_EVENT_EXEC stop rather than from /proc/PID/{cmdline,comm}:
 * those cost an open, a read and a close each, and a path lookup in a
 * /proc/PID nobody looked at yet; a shell loop pays that at every command.
 *
 * At that stop the registers hold the new program's entry state.  The
 * stack pointer points at argc, then argv[], NULL, envp[], NULL and the
 * auxiliary vector; the argument strings lie together further up (what
 * /proc/PID/cmdline shows), and AT_EXECFN points at the file name
 * execve() was given, whose basename the kernel made the comm.
 */
#include "config.h"
#include "execinfo.h"
#include "sanitize.h"

#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAX_IOV 8

/* Reads what it can of [addr, addr + len) of pid, stopping at the first
 * unmapped page (the top of the stack): iovecs split at page boundaries
 * make process_vm_readv() return the readable prefix.  Returns its
 * length, or -errno. */
static ssize_t read_prefix(int pid, unsigned long addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote[MAX_IOV];
	size_t n = 0, done = 0;
	ssize_t got;

	while (done < len && n < MAX_IOV) {
		size_t chunk = PAGE - (addr + done) % PAGE;

		if (chunk > len - done)
			chunk = len - done;
		remote[n].iov_base = (void *)(uintptr_t)(addr + done);
		remote[n++].iov_len = chunk;
		done += chunk;
	}
	local.iov_len = done;
	got = process_vm_readv(pid, &local, 1, remote, n, 0);
	return got < 0 ? -errno : got;
}

struct entry_stack {
	unsigned long argc;
	unsigned long arg0;	/* address of the first argument string */
	unsigned long execfn;	/* AT_EXECFN */
};

/* Walks argc, argv, envp and the auxiliary vector in words[0..n). */
static int parse_entry_stack(const unsigned long *w, size_t n,
			     struct entry_stack *es)
{
	size_t i;

	if (n < 3 || w[0] > n)
		return -E2BIG;
	es->argc = w[0];
	es->arg0 = w[0] ? w[1] : 0;
	i = 1 + es->argc + 1;		/* argv[] and its NULL */
	while (i < n && w[i])		/* envp[] */
		i++;
	for (i++; i + 1 < n && w[i] != AT_NULL; i += 2)
		if (w[i] == AT_EXECFN) {
			es->execfn = w[i + 1];
			return es->arg0 ? 0 : -ENOENT;
		}
	return -E2BIG;
}

/* The comm the kernel gave: the file name's basename, cut like comm.
 * name is the file name execve() was given, or NULL (then it is read). */
static int comm_from_execfn(int pid, unsigned long execfn, const char *name,
			    char *comm, size_t len)
{
	char buf[256];
	const char *base;

	if (!name) {
		ssize_t n = read_prefix(pid, execfn, buf, sizeof(buf) - 1);

		if (n <= 0)
			return -EFAULT;
		buf[n] = '\0';
		if (strlen(buf) == (size_t)n)
			return -E2BIG;	/* cut short: no way to know its end */
		name = buf;
	}
	/* fexecve: since Linux 6.13 comm is the file's name, not the fd's. */
	if (!strncmp(name, "/dev/fd/", 8))
		return -ENOENT;
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (len > EXECINFO_COMM_LEN)
		len = EXECINFO_COMM_LEN;
	snprintf(comm, len, "%s", base);
	return 0;
}

int execinfo_read(int pid, unsigned long sp, struct exec_info *out)
{
	unsigned long words[512];
	char strings[3 * PAGE];
	struct entry_stack es = { 0 };
	const char *name = NULL;
	ssize_t n, i, nargs;

	out->argc_total = -1;
	n = read_prefix(pid, sp, words, sizeof(words));
	if (n < 0)
		return (int)n;
	/* argc, even where argv[] is longer than words: /proc has the rest */
	if (n >= (ssize_t)sizeof(words[0]))
		out->argc_total = words[0] > INT_MAX ? INT_MAX : (int)words[0];
	i = parse_entry_stack(words, (size_t)n / sizeof(words[0]), &es);
	if (i < 0)
		return (int)i;
	/* Upwards from the arguments: the environment, then (with a small
	 * environment, in the same read) the file name. */
	n = read_prefix(pid, es.arg0, strings, sizeof(strings) - 1);
	if (n <= 0)
		return n < 0 ? (int)n : -EFAULT;
	strings[n] = '\0';
	if (es.execfn >= es.arg0 && es.execfn - es.arg0 < (unsigned long)n &&
	    memchr(strings + (es.execfn - es.arg0), '\0', n - (es.execfn - es.arg0)))
		name = strings + (es.execfn - es.arg0);
	i = comm_from_execfn(pid, es.execfn, name, out->comm, sizeof(out->comm));
	if (i < 0)
		return (int)i;
	nargs = n < (ssize_t)sizeof(out->args) - 1 ? n : (ssize_t)sizeof(out->args) - 1;
	memcpy(out->args, strings, nargs);
	out->args[nargs] = '\0';
	execinfo_split(out, nargs, es.argc > INT_MAX ? INT_MAX : (int)es.argc);
	return 0;
}

void execinfo_split(struct exec_info *xi, size_t len, int argc_total)
{
	size_t i, n;

	xi->argc = 0;
	xi->argc_total = argc_total;
	xi->truncated = false;
	for (i = 0; i < len && xi->argc < ZW_ARGV_MAX &&
	     (argc_total < 0 || xi->argc < argc_total); i += n + 1) {
		n = strlen(xi->args + i);
		xi->argv[xi->argc++] = xi->args + i;
		/* the buffer ended inside this one: cut it between
		 * characters, and say so */
		if (i + n >= len) {
			xi->args[i + utf8_cut(xi->args + i, n)] = '\0';
			xi->truncated = true;
			break;
		}
	}
	if (argc_total >= 0 ? xi->argc < argc_total : i < len)
		xi->truncated = true;
}
