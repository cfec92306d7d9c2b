/* uring_waitid.c - children reaped without wait4: by io_uring's
 * IORING_OP_WAITID (Linux 6.7+: no wait system call at all, only
 * io_uring_enter), and by waitid(P_PIDFD) (as Go 1.23+ waits).
 *
 * Child 1 exits 5 after 20 ms and is reaped by an IORING_OP_WAITID
 * request; child 2 exits 6 after 20 ms and is reaped by waitid(P_PIDFD,
 * pidfd).  The ring is set up with raw system calls: the opcode is newer
 * than the headers here.  Both children are the parent's to reap.
 * Output: "reaped pid=P status=exited 5 how=uring" (or "uring
 * unsupported err=E" and then a plain waitpid), "reaped pid=P
 * status=exited 6 how=pidfd".
 */
#define _GNU_SOURCE 1
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "scn.h"

#define OP_WAITID 50		/* IORING_OP_WAITID, Linux 6.7 */
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static pid_t child(int code)
{
	pid_t pid = scn_fork();

	if (pid == 0) {
		scn_msleep(20);
		_exit(code);
	}
	return pid;
}

/* One IORING_OP_WAITID for pid, submitted and waited for; its result
 * (0 or -errno), with *si filled. */
static int uring_waitid(pid_t pid, siginfo_t *si)
{
	struct io_uring_params p = { 0 };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned *sq_tail, *sq_array, *cq_head;
	size_t sq_len, cq_len;
	char *sq, *cq;
	int fd, ret;

	fd = (int)syscall(__NR_io_uring_setup, 1, &p);
	if (fd < 0)
		return -errno;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  IORING_OFF_CQ_RING);
	sqe = mmap(NULL, sizeof(*sqe), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqe == MAP_FAILED)
		scn_die("mmap");
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = OP_WAITID;
	sqe->fd = pid;			/* upid */
	sqe->len = P_PID;		/* which */
	sqe->off = (unsigned long)si;	/* addr2: infop */
	sqe->file_index = WEXITED;	/* options */
	sq_tail = (unsigned *)(sq + p.sq_off.tail);
	sq_array = (unsigned *)(sq + p.sq_off.array);
	sq_array[0] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	do
		ret = (int)syscall(__NR_io_uring_enter, fd, 1, 1,
				   IORING_ENTER_GETEVENTS, NULL, 0);
	while (ret < 0 && errno == EINTR);
	if (ret < 0)
		scn_die("io_uring_enter");
	cq_head = (unsigned *)(cq + p.cq_off.head);
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
	      (*cq_head & *(unsigned *)(cq + p.cq_off.ring_mask));
	ret = cqe->res;
	close(fd);
	return ret;
}

int main(void)
{
	char sbuf[64];
	siginfo_t si;
	pid_t c;
	int fd, ret, st;

	scn_init(20);
	c = child(5);
	memset(&si, 0, sizeof(si));
	ret = uring_waitid(c, &si);
	if (ret == 0 && si.si_pid == c) {
		printf("reaped pid=%d status=exited %d how=uring\n", (int)c,
		       si.si_status);
	} else {
		printf("uring unsupported err=%d\n", -ret);
		if (waitpid(c, &st, 0) != c)
			scn_die("waitpid");
		printf("reaped pid=%d status=%s how=waitpid\n", (int)c,
		       scn_status(st, sbuf, sizeof sbuf));
	}
	c = child(6);
	fd = (int)syscall(SYS_pidfd_open, c, 0);
	if (fd < 0)
		scn_die("pidfd_open");
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)fd, &si, WEXITED) < 0)
		scn_die("waitid");
	printf("reaped pid=%d status=exited %d how=pidfd\n", (int)si.si_pid,
	       si.si_status);
	return 0;
}
