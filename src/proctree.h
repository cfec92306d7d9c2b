/* proctree.h - the lifecycle records a report sink was handed, kept as
 * const pointers (they stay owned by the model), and the process tree
 * over them: each record's birth parent and a depth-first order.
 */
#ifndef ZWATCH_PROCTREE_H
#define ZWATCH_PROCTREE_H

#include <stddef.h>
#include "intmap.h"

struct zw_life;

struct proctree {
	const struct zw_life **recs;	/* in the order they were added */
	size_t len, cap;
	struct intmap latest;		/* pid -> index + 1 of its latest record */
	/* filled by proctree_build: */
	size_t *order;			/* indices into recs, depth first */
	long *parent;			/* index of the birth parent, or -1 */
	unsigned *depth;		/* 0 for a root */
};

void proctree_init(struct proctree *t);
void proctree_free(struct proctree *t);
/* Records must come in order of first appearance (as model_finish hands
 * them out): a parent is then always added before its children. */
void proctree_add(struct proctree *t, const struct zw_life *l);
/* Links each record to its birth parent and orders them depth first,
 * children by first appearance.  No recursion: chains can be deep. */
void proctree_build(struct proctree *t);
/* The index in recs of the latest record of pid, or -1. */
long proctree_index(const struct proctree *t, int pid);
/* The latest record of pid, or NULL. */
const struct zw_life *proctree_find(const struct proctree *t, int pid);

#endif
