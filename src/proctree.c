/* proctree.c - records and their tree, for the report sinks. */
#include "config.h"
#include "proctree.h"
#include "lifecycle.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void proctree_init(struct proctree *t)
{
	memset(t, 0, sizeof(*t));
	intmap_init(&t->latest);
}

void proctree_free(struct proctree *t)
{
	free(t->recs);
	free(t->order);
	free(t->parent);
	free(t->depth);
	intmap_free(&t->latest);
	proctree_init(t);
}

long proctree_index(const struct proctree *t, int pid)
{
	return (long)(uintptr_t)intmap_get(&t->latest, pid) - 1;
}

void proctree_add(struct proctree *t, const struct zw_life *l)
{
	if (t->len == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->recs = xrealloc(t->recs, t->cap * sizeof(*t->recs));
	}
	t->recs[t->len++] = l;
	intmap_put(&t->latest, l->pid, (void *)(uintptr_t)t->len);
}

const struct zw_life *proctree_find(const struct proctree *t, int pid)
{
	long i = proctree_index(t, pid);

	return i >= 0 ? t->recs[i] : NULL;
}

/* parent[i] is the latest record of recs[i]->ppid added before i. */
static void link_parents(struct proctree *t)
{
	struct intmap seen;

	intmap_init(&seen);
	for (size_t i = 0; i < t->len; i++) {
		const struct zw_life *l = t->recs[i];
		uintptr_t p = (uintptr_t)intmap_get(&seen, l->ppid);

		t->parent[i] = l->ppid != l->pid && p ? (long)p - 1 : -1;
		intmap_put(&seen, l->pid, (void *)(uintptr_t)(i + 1));
	}
	intmap_free(&seen);
}

/* Depth-first with an explicit stack; parent[i] < i, so no cycles. */
static void order_depth_first(struct proctree *t)
{
	size_t *first = xmalloc((t->len + 1) * sizeof(*first));
	size_t *next = xmalloc((t->len + 1) * sizeof(*next));
	size_t *stack = xmalloc((t->len + 1) * sizeof(*stack));
	size_t none = (size_t)-1, sp = 0, n = 0;

	for (size_t i = 0; i < t->len; i++)
		first[i] = next[i] = none;
	/* Backwards, so that each child list ends up in forward order. */
	for (size_t i = t->len; i-- > 0;) {
		if (t->parent[i] >= 0) {
			next[i] = first[t->parent[i]];
			first[t->parent[i]] = i;
		}
	}
	for (size_t r = t->len; r-- > 0;)
		if (t->parent[r] < 0)
			stack[sp++] = r;
	while (sp) {
		size_t i = stack[--sp], top = sp, k = 0, c;

		t->order[n++] = i;
		t->depth[i] = t->parent[i] < 0 ? 0 : t->depth[t->parent[i]] + 1;
		/* push the children reversed, so that the first pops first */
		for (c = first[i]; c != none; c = next[c])
			k++;
		sp += k;
		for (c = first[i]; c != none; c = next[c])
			stack[top + --k] = c;
	}
	free(first);
	free(next);
	free(stack);
}

void proctree_build(struct proctree *t)
{
	free(t->order);
	free(t->parent);
	free(t->depth);
	t->order = xmalloc((t->len + 1) * sizeof(*t->order));
	t->parent = xmalloc((t->len + 1) * sizeof(*t->parent));
	t->depth = xmalloc((t->len + 1) * sizeof(*t->depth));
	link_parents(t);
	order_depth_first(t);
}
