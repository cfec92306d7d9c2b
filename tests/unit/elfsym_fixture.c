/* elfsym_fixture.c - an ELF file with known functions, for
 * tests/unit/test_elfsym.c.  Built by make check as a PIE, a non-PIE, a
 * shared object, and the PIE and the shared object linked with -s (no
 * .symtab).  It is never run by the test, only read.
 */
#include <stdio.h>

/* Two functions of exact sizes, back to back, so the test knows where one
 * ends and the next begins without trusting the compiler: fx_after
 * starts at fx_sized + 48.  Filler bytes; never called. */
__asm__(".text\n"
	".p2align 6\n"
	".globl fx_sized\n"
	".type fx_sized, %function\n"
	"fx_sized:\n"
	".fill 48, 1, 0\n"
	".size fx_sized, 48\n"
	".type fx_after, %function\n"
	"fx_after:\n"
	".fill 16, 1, 0\n"
	".size fx_after, 16\n");

/* Read-only data: a file offset in no function. */
const char fx_rodata[256] = "not code";

/* Calls go through this table, so that no optimisation level inlines,
 * clones (fx_static_a.constprop.0) or drops a function: each is in the
 * symbol table once, under its own name. */
extern int (*volatile fx_table[3])(int);

static int fx_static_a(int x)
{
	int r = 0;

	for (int i = 0; i < x; i++)
		r += i * i ^ x;
	return r;
}

static int fx_static_b(int x)
{
	return fx_table[0](x + 1) * 3 + (int)fx_rodata[x & 7];
}

__attribute__((noinline)) int fx_global(int x)
{
	return fx_table[1](x) - fx_table[0](x - 1);
}

int (*volatile fx_table[3])(int) = { fx_static_a, fx_static_b, fx_global };

int main(int argc, char **argv)
{
	(void)argv;
	printf("%d\n", fx_table[2](argc));
	return 0;
}
