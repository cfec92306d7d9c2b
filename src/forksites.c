/* forksites.c - spawn stacks and diagnoses by record, interned: see
 * forksites.h.  Two open-addressing indexes, of strings and of stacks,
 * map a content hash to an id; ids index plain arrays.
 */
#include "config.h"
#include "forksites.h"
#include "lifecycle.h"
#include "sink.h"
#include "stack.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint32_t id;		/* index + 1; 0: empty */
	uint32_t hash;
};

struct index {
	struct slot *slots;
	size_t cap, len;	/* cap: a power of two, or 0 */
};

struct span {
	uint32_t first, n;	/* frames[first .. first + n) */
};

/* What is known of one record. */
struct by_seq {
	uint32_t spawn;		/* stack id, 0: none */
	uint32_t diag;		/* index + 1 into diags, 0: none */
	const char *argv;	/* interned, NULL: no exec seen */
};

struct forksites {
	struct index str_ix, stack_ix;
	char **strs;
	size_t nstrs, strs_cap;
	struct zw_frame *frames;
	size_t nframes, frames_cap;
	struct span *stacks;
	size_t nstacks, stacks_cap;
	struct forksite_diag *diags;
	size_t ndiags, diags_cap;
	struct by_seq *seq;
	size_t nseq;
};

struct forksites *forksites_new(void)
{
	return xcalloc(1, sizeof(struct forksites));
}

void forksites_free(struct forksites *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->nstrs; i++)
		free(fs->strs[i]);
	for (size_t i = 0; i < fs->ndiags; i++)
		free((char *)fs->diags[i].text);
	free(fs->strs);
	free(fs->frames);
	free(fs->stacks);
	free(fs->diags);
	free(fs->seq);
	free(fs->str_ix.slots);
	free(fs->stack_ix.slots);
	free(fs);
}

/* Room for one more of n in *arr (of cap), by doubling. */
static void *grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? 2 * *cap : 64;
	return xrealloc(arr, *cap * size);
}

/* ------------------------------------------------------------ index */

static uint32_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return (uint32_t)(h ^ (h >> 32));
}

static void index_grow(struct index *ix)
{
	size_t cap = ix->cap ? 2 * ix->cap : 256;
	struct slot *s = xcalloc(cap, sizeof(*s));

	for (size_t i = 0; i < ix->cap; i++) {
		size_t j = ix->slots[i].hash & (cap - 1);

		if (!ix->slots[i].id)
			continue;
		while (s[j].id)
			j = (j + 1) & (cap - 1);
		s[j] = ix->slots[i];
	}
	free(ix->slots);
	ix->slots = s;
	ix->cap = cap;
}

/* The slot holding a match for hash (eq says which id matches), or the
 * empty slot where it goes.  Keeps the table at most half full. */
static struct slot *index_find(struct index *ix, uint32_t hash,
			       bool (*eq)(const struct forksites *, uint32_t,
					  const void *),
			       const struct forksites *fs, const void *key)
{
	size_t j;

	if (2 * (ix->len + 1) > ix->cap)
		index_grow(ix);
	for (j = hash & (ix->cap - 1); ix->slots[j].id;
	     j = (j + 1) & (ix->cap - 1))
		if (ix->slots[j].hash == hash && eq(fs, ix->slots[j].id - 1, key))
			break;
	return &ix->slots[j];
}

/* ---------------------------------------------------------- strings */

static bool str_eq(const struct forksites *fs, uint32_t id, const void *key)
{
	return !strcmp(fs->strs[id], key);
}

/* The stored copy of s (NULL stays NULL): one per distinct string. */
static const char *intern(struct forksites *fs, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	struct slot *sl;

	if (!s)
		return NULL;
	for (const char *c = s; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
	sl = index_find(&fs->str_ix, mix(h, 0), str_eq, fs, s);
	if (!sl->id) {
		fs->strs = grow(fs->strs, fs->nstrs, &fs->strs_cap,
				sizeof(*fs->strs));
		fs->strs[fs->nstrs] = xstrdup(s);
		sl->id = (uint32_t)++fs->nstrs;
		sl->hash = mix(h, 0);
		fs->str_ix.len++;
	}
	return fs->strs[sl->id - 1];
}

/* ----------------------------------------------------------- stacks */

/* Frames are equal when they print the same: a mapped frame shows its
 * offset, not the pc.  Strings are interned, so pointers compare. */
static bool frame_eq(const struct zw_frame *a, const struct zw_frame *b)
{
	return a->binary == b->binary && a->function == b->function &&
	       a->build_id == b->build_id && a->func_offset == b->func_offset &&
	       a->file == b->file && a->line == b->line &&
	       (a->binary ? a->offset == b->offset : a->pc == b->pc);
}

static uint32_t stack_hash(const struct zw_stack *st)
{
	uint64_t h = st->n;

	for (size_t i = 0; i < st->n; i++) {
		const struct zw_frame *f = &st->frames[i];

		h = mix(h, (uintptr_t)f->binary);
		h = mix(h, f->binary ? f->offset : f->pc);
		h = mix(h, (uintptr_t)f->function ^ f->func_offset);
		h = mix(h, (uintptr_t)f->file ^ f->line);
	}
	return mix(h, 0);
}

static bool stack_eq(const struct forksites *fs, uint32_t id, const void *key)
{
	const struct zw_stack *st = key;
	const struct span *sp = &fs->stacks[id];

	if (sp->n != st->n)
		return false;
	for (size_t i = 0; i < st->n; i++)
		if (!frame_eq(&fs->frames[sp->first + i], &st->frames[i]))
			return false;
	return true;
}

/* Stores st (its strings interned first) once; returns its id. */
static uint32_t add_stack(struct forksites *fs, const struct zw_stack *in)
{
	struct zw_stack st;
	struct slot *sl;
	uint32_t h;

	st.n = in->n < ZW_STACK_MAX ? in->n : ZW_STACK_MAX;
	for (size_t i = 0; i < st.n; i++) {
		st.frames[i] = in->frames[i];
		st.frames[i].binary = intern(fs, in->frames[i].binary);
		st.frames[i].function = intern(fs, in->frames[i].function);
		st.frames[i].build_id = intern(fs, in->frames[i].build_id);
		st.frames[i].file = intern(fs, in->frames[i].file);
	}
	h = stack_hash(&st);
	sl = index_find(&fs->stack_ix, h, stack_eq, fs, &st);
	if (sl->id)
		return sl->id;
	fs->stacks = grow(fs->stacks, fs->nstacks, &fs->stacks_cap,
			  sizeof(*fs->stacks));
	fs->stacks[fs->nstacks] = (struct span){ (uint32_t)fs->nframes,
						 (uint32_t)st.n };
	for (size_t i = 0; i < st.n; i++) {
		fs->frames = grow(fs->frames, fs->nframes, &fs->frames_cap,
				  sizeof(*fs->frames));
		fs->frames[fs->nframes++] = st.frames[i];
	}
	sl->id = (uint32_t)++fs->nstacks;
	sl->hash = h;
	fs->stack_ix.len++;
	return sl->id;
}

void forksites_stack(const struct forksites *fs, unsigned id,
		     struct zw_stack *out)
{
	const struct span *sp = &fs->stacks[id - 1];

	out->n = sp->n;
	memcpy(out->frames, fs->frames + sp->first, sp->n * sizeof(*out->frames));
}

/* ----------------------------------------------------------- by seq */

/* Only records that have something get a slot, and those are few
 * without -k: the array grows to the highest such seq. */
static struct by_seq *seq_slot(struct forksites *fs, unsigned seq)
{
	if (seq >= fs->nseq) {
		size_t n = fs->nseq ? fs->nseq : 64;

		while (n <= seq)
			n *= 2;
		fs->seq = xrealloc(fs->seq, n * sizeof(*fs->seq));
		memset(fs->seq + fs->nseq, 0, (n - fs->nseq) * sizeof(*fs->seq));
		fs->nseq = n;
	}
	return &fs->seq[seq];
}

static const struct by_seq *seq_get(const struct forksites *fs,
				    const struct zw_life *l)
{
	return l && l->seq < fs->nseq ? &fs->seq[l->seq] : NULL;
}

bool forksites_any(const struct forksites *fs)
{
	return fs && (fs->nstacks || fs->ndiags);
}

unsigned forksites_spawn(const struct forksites *fs, const struct zw_life *l)
{
	const struct by_seq *b = fs ? seq_get(fs, l) : NULL;

	return b ? b->spawn : 0;
}

const struct forksite_diag *forksites_diag(const struct forksites *fs,
					   const struct zw_life *l)
{
	const struct by_seq *b = fs ? seq_get(fs, l) : NULL;

	return b && b->diag ? &fs->diags[b->diag - 1] : NULL;
}

const char *forksites_argv(const struct forksites *fs,
			   const struct zw_life *l)
{
	const struct by_seq *b = fs ? seq_get(fs, l) : NULL;

	return b ? b->argv : NULL;
}

/* The words of an exec joined by spaces, cut to FORKSITE_ARGV_MAX. */
static const char *add_argv(struct forksites *fs, const struct zw_event *ev)
{
	char buf[FORKSITE_ARGV_MAX + 1];
	size_t n = 0;

	for (int i = 0; i < ev->exec.argc && ev->exec.argv && ev->exec.argv[i];
	     i++) {
		const char *a = ev->exec.argv[i];
		size_t len = strlen(a);

		if (i && n < FORKSITE_ARGV_MAX)
			buf[n++] = ' ';
		if (len > FORKSITE_ARGV_MAX - n)
			len = FORKSITE_ARGV_MAX - n;
		memcpy(buf + n, a, len);
		n += len;
	}
	buf[n] = '\0';
	return n ? intern(fs, buf) : NULL;
}

/* A zombie may be diagnosed again as it lingers: the latest says most. */
static void add_diag(struct forksites *fs, const struct zw_event *ev,
		     struct by_seq *b)
{
	struct forksite_diag *d;

	if (!b->diag) {
		fs->diags = grow(fs->diags, fs->ndiags, &fs->diags_cap,
				 sizeof(*fs->diags));
		b->diag = (uint32_t)++fs->ndiags;
	} else {
		free((char *)fs->diags[b->diag - 1].text);
	}
	d = &fs->diags[b->diag - 1];
	d->t = ev->t;
	d->parent = ev->diagnosis.parent;
	d->text = strndup(ev->diagnosis.text ? ev->diagnosis.text : "",
			  FORKSITE_TEXT_MAX);
	if (!d->text)
		die("out of memory");
	d->stack = ev->diagnosis.stack ? add_stack(fs, ev->diagnosis.stack) : 0;
}

/* ------------------------------------------------------------- sink */

struct fs_sink {
	struct sink base;	/* first: sink_close frees the whole */
	struct forksites *fs;
};

static void fs_event(struct sink *s, const struct zw_event *ev,
		     const struct zw_life *subject)
{
	struct forksites *fs = ((struct fs_sink *)s)->fs;

	if (!subject)
		return;
	if (ev->type == ZW_EV_SPAWN && ev->spawn.stack)
		seq_slot(fs, subject->seq)->spawn = add_stack(fs, ev->spawn.stack);
	else if (ev->type == ZW_EV_DIAGNOSIS)
		add_diag(fs, ev, seq_slot(fs, subject->seq));
	else if (ev->type == ZW_EV_EXEC && ev->exec.argc > 0)
		seq_slot(fs, subject->seq)->argv = add_argv(fs, ev);
}

static void fs_lifecycle(struct sink *s, const struct zw_life *l, double t_end)
{
	(void)s;
	(void)l;
	(void)t_end;
}

static void fs_summary(struct sink *s, const struct zw_summary *sum)
{
	(void)s;
	(void)sum;
}

static int fs_close(struct sink *s)
{
	(void)s;
	return 0;
}

static const struct sink_ops fs_ops = {
	.event = fs_event,
	.lifecycle = fs_lifecycle,
	.summary = fs_summary,
	.close = fs_close,
};

struct sink *forksites_sink_new(struct forksites *fs)
{
	struct fs_sink *s = xcalloc(1, sizeof(*s));

	s->base.ops = &fs_ops;
	s->fs = fs;
	return &s->base;
}
