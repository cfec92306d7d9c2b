/* intmap.h - an open-addressing hash map from int keys (pids) to pointers.
 * Grows by doubling; deletion uses backward shift, so no tombstones pile up
 * when tens of thousands of short-lived processes come and go.
 */
#ifndef ZWATCH_INTMAP_H
#define ZWATCH_INTMAP_H

#include <stddef.h>

struct intmap {
	struct intmap_slot *slots;
	size_t cap;		/* power of two, or 0 */
	size_t len;
};

struct intmap_slot {
	int key;
	void *val;		/* NULL marks an empty slot */
};

void intmap_init(struct intmap *m);
void intmap_free(struct intmap *m);
void *intmap_get(const struct intmap *m, int key);
/* Inserts or replaces; val must not be NULL. */
void intmap_put(struct intmap *m, int key, void *val);
/* Returns the removed value, or NULL. */
void *intmap_del(struct intmap *m, int key);

/* Iterate: for (size_t i = 0; intmap_next(m, &i, &val);) - no changes inside. */
int intmap_next(const struct intmap *m, size_t *i, void **val);

#endif
