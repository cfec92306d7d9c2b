/* hostile_names.c - a traced program that names itself and its program
 * with bytes meant for the terminal of whoever watches it (issue 12).
 *
 * Usage: hostile_names DIR   (DIR: a scratch directory)
 *
 * It sets its comm with prctl(PR_SET_NAME) to "\033]0;OWNED\007\033[2J\n"
 * (set the terminal's title, clear the screen, fake a line), copies
 * itself into DIR under a name made of every byte value 1..255 but '/',
 * and runs that copy with an argument holding every byte value 1..255.
 * The copy names itself with a C1 CSI (the single byte 0x9b and the
 * UTF-8 U+009B) and DEL, then forks a child with the first name that
 * exits at once and lingers as a zombie for 300 ms, long enough for a
 * --diagnose=100ms line about it and its parent.  Then it runs the
 * copy under 17 more names, 15 bytes of that name each, so that the
 * comms the kernel derives from them hold every byte value but '/'.
 * Prints "copy pid=P" and "child pid=P"; exits 0 if all went as planned.
 */
#define _GNU_SOURCE 1
#include "scn.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

static const char evil_comm[] = "\033]0;OWNED\007\033[2J\n";
static const char csi_comm[] = "\x9b" "31m\xc2\x9b" "2J\x7f\xff";

static void copy_self(const char *to)
{
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	struct stat st;

	if (in < 0 || out < 0 || fstat(in, &st) < 0)
		scn_die("copy");
	for (off_t off = 0; off < st.st_size;)
		if (sendfile(out, in, &off, st.st_size - off) <= 0)
			scn_die("sendfile");
	close(in);
	close(out);
}

/* The copy: another name, and a zombie child with the first one. */
static int copy_main(void)
{
	pid_t child;
	int status;

	prctl(PR_SET_NAME, csi_comm);
	printf("copy pid=%d\n", getpid());
	child = scn_fork();
	if (child == 0) {
		prctl(PR_SET_NAME, evil_comm);
		_exit(3);
	}
	printf("child pid=%d\n", child);
	scn_msleep(300);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 3)
		return 1;
	return 0;
}

/* Runs path (a hard link of the copy) as "NAME quit"; 0 if it exited 0. */
static int run_quit(const char *path)
{
	char *args[] = { (char *)path, "quit", NULL };
	pid_t pid = scn_fork();
	int status;

	if (pid == 0) {
		execv(path, args);
		scn_die("execv");
	}
	if (waitpid(pid, &status, 0) != pid)
		scn_die("waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* The copy under names of 15 bytes of name each (the comm's length). */
static int run_as_chunks(const char *dir, const char *copy, const char *name)
{
	char path[4096];
	int bad = 0;

	for (size_t off = 0; off < strlen(name); off += 15) {
		snprintf(path, sizeof(path), "%s/%.15s", dir, name + off);
		unlink(path);	/* from an earlier run in the same DIR */
		if (link(copy, path) < 0)
			scn_die("link");
		bad |= run_quit(path);
	}
	return bad;
}

int main(int argc, char **argv)
{
	char name[256], every[256], path[4096];
	char *args[4];
	size_t n = 0;
	pid_t pid;
	int status;

	scn_init(20);
	if (argc == 2 && !strcmp(argv[1], "quit"))
		return 0;
	if (argc == 3 && !strcmp(argv[1], "copy"))
		return copy_main();
	if (argc != 2)
		return SCN_BROKEN;
	for (int c = 1; c < 256; c++)
		if (c != '/')
			name[n++] = (char)c;
	name[n] = '\0';
	for (int c = 1; c < 256; c++)
		every[c - 1] = (char)c;
	every[255] = '\0';
	snprintf(path, sizeof(path), "%s/%s", argv[1], name);
	copy_self(path);
	prctl(PR_SET_NAME, evil_comm);
	args[0] = path;
	args[1] = "copy";
	args[2] = every;
	args[3] = NULL;
	pid = scn_fork();
	if (pid == 0) {
		execv(path, args);
		scn_die("execv");
	}
	if (waitpid(pid, &status, 0) != pid)
		scn_die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	return run_as_chunks(argv[1], path, name);
}
