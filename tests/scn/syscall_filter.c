/* syscall_filter.c - runs a command under a system call filter built as
 * systemd builds one for a unit's SystemCallFilter= (an allow list, every
 * other call failing with SystemCallErrorNumber=EPERM, native
 * architecture only) and RestrictAddressFamilies= (socket() of another
 * family fails with EAFNOSUPPORT), so that tests/e2e/test_watch_unit.py
 * can run zwatch watch as its systemd unit would, without systemd as
 * PID 1.  The allow list comes expanded (the test asks
 * `systemd-analyze syscall-filter` for the groups).  Sets no_new_privs,
 * as a filter needs without CAP_SYS_ADMIN.
 * Usage: syscall_filter ALLOW_FILE FAMILY[,FAMILY...] CMD [ARGS...]
 * (ALLOW_FILE: one system call name a line; FAMILY: a number).
 * Exit status 77 without libseccomp, 99 if the filter cannot be built. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>

#define FAMILY_LIMIT 64	/* above AF_MAX (46 in Linux 6.18) */

/* SCMP_A0() leaves datum_b to the compiler: clang's
 * -Wmissing-field-initializers objects. */
static struct scmp_arg_cmp family_is(enum scmp_compare op, scmp_datum_t v)
{
	struct scmp_arg_cmp c = { .arg = 0, .op = op, .datum_a = v, .datum_b = 0 };

	return c;
}

/* As systemd does it: each family by itself (an unconditional rule
 * would win over the conditional ones). */
static int allow_families(scmp_filter_ctx ctx, const char *list)
{
	char allowed[FAMILY_LIMIT] = { 0 }, *copy = strdup(list), *save = NULL;
	int err;

	for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save))
		if (strtoul(f, NULL, 10) < FAMILY_LIMIT)
			allowed[strtoul(f, NULL, 10)] = 1;
	free(copy);
	err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket),
			       1, family_is(SCMP_CMP_GE, FAMILY_LIMIT));
	for (unsigned f = 0; f < FAMILY_LIMIT && !err; f++)
		err = seccomp_rule_add(ctx, allowed[f] ? SCMP_ACT_ALLOW :
				       SCMP_ACT_ERRNO(EAFNOSUPPORT),
				       SCMP_SYS(socket), 1, family_is(SCMP_CMP_EQ, f));
	return err;
}

static int allow_list(scmp_filter_ctx ctx, const char *path)
{
	char line[128];
	FILE *fp = fopen(path, "r");
	int err = 0;

	if (!fp)
		return -errno;
	while (!err && fgets(line, sizeof(line), fp)) {
		int nr;

		line[strcspn(line, "\n")] = '\0';
		nr = seccomp_syscall_resolve_name(line);
		/* names of other architectures, socket (done by family) */
		if (nr == __NR_SCMP_ERROR || nr < 0 || nr == SCMP_SYS(socket))
			continue;
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	fclose(fp);
	return err;
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;

	if (argc < 4) {
		fprintf(stderr, "usage: syscall_filter ALLOW_FILE FAMILIES CMD...\n");
		return 99;
	}
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx || allow_list(ctx, argv[1]) || allow_families(ctx, argv[2]) ||
	    seccomp_load(ctx)) {
		fprintf(stderr, "syscall_filter: cannot build the filter\n");
		return 99;
	}
	seccomp_release(ctx);
	execvp(argv[3], argv + 3);
	fprintf(stderr, "syscall_filter: %s: %s\n", argv[3], strerror(errno));
	return 127;
}
#else
int main(void)
{
	fprintf(stderr, "syscall_filter: built without libseccomp\n");
	return 77;
}
#endif
