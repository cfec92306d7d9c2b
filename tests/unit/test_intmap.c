/* Unit test: the pid hash map survives growth and deletion in bulk. */
#include "config.h"
#include "intmap.h"
#include "check.h"

#include <stdint.h>

int main(void)
{
	struct intmap m;
	size_t i, n = 0;
	void *val;

	intmap_init(&m);
	CHECK(intmap_get(&m, 1) == NULL);
	CHECK(intmap_del(&m, 1) == NULL);
	for (int k = 1; k <= 50000; k++)
		intmap_put(&m, k, (void *)(intptr_t)k);
	CHECK_INT(m.len, 50000);
	for (int k = 1; k <= 50000; k += 2)
		CHECK(intmap_del(&m, k) == (void *)(intptr_t)k);
	CHECK_INT(m.len, 25000);
	for (int k = 1; k <= 50000; k++)
		CHECK(intmap_get(&m, k) == (k % 2 ? NULL : (void *)(intptr_t)k));
	intmap_put(&m, 2, (void *)(intptr_t)7);
	CHECK(intmap_get(&m, 2) == (void *)(intptr_t)7);
	CHECK_INT(m.len, 25000);
	for (i = 0; intmap_next(&m, &i, &val);)
		n++;
	CHECK_INT(n, 25000);
	intmap_free(&m);
	return CHECK_DONE();
}
