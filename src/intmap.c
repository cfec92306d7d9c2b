/* intmap.c - open-addressing hash map keyed by pid. */
#include "config.h"
#include "intmap.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>

static size_t slot_of(const struct intmap *m, int key)
{
	/* Fibonacci hashing: pids are dense and sequential. */
	return (size_t)(((uint32_t)key * 2654435769u) & (m->cap - 1));
}

void intmap_init(struct intmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->len = 0;
}

void intmap_free(struct intmap *m)
{
	free(m->slots);
	intmap_init(m);
}

void *intmap_get(const struct intmap *m, int key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (!m->slots[i].val)
			return NULL;
		if (m->slots[i].key == key)
			return m->slots[i].val;
	}
}

static void grow(struct intmap *m)
{
	struct intmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	m->len = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].val)
			intmap_put(m, old.slots[i].key, old.slots[i].val);
	free(old.slots);
}

void intmap_put(struct intmap *m, int key, void *val)
{
	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	for (size_t i = slot_of(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (!m->slots[i].val) {
			m->slots[i].key = key;
			m->slots[i].val = val;
			m->len++;
			return;
		}
		if (m->slots[i].key == key) {
			m->slots[i].val = val;
			return;
		}
	}
}

void *intmap_del(struct intmap *m, int key)
{
	size_t mask = m->cap - 1, i, j;
	void *val;

	if (!m->cap)
		return NULL;
	for (i = slot_of(m, key);; i = (i + 1) & mask) {
		if (!m->slots[i].val)
			return NULL;
		if (m->slots[i].key == key)
			break;
	}
	val = m->slots[i].val;
	/* Backward-shift the rest of the cluster into the hole. */
	for (j = (i + 1) & mask; m->slots[j].val; j = (j + 1) & mask) {
		size_t home = slot_of(m, m->slots[j].key);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = NULL;
	m->len--;
	return val;
}

int intmap_next(const struct intmap *m, size_t *i, void **val)
{
	for (; *i < m->cap; (*i)++) {
		if (m->slots[*i].val) {
			*val = m->slots[(*i)++].val;
			return 1;
		}
	}
	return 0;
}
