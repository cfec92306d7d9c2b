/* sink_filter.h - a sink in front of other sinks that passes on only the
 * processes a report selected (select.h).
 *
 * Records are decided at the end (a zombie time, a subtree are known only
 * then), so events can be filtered only with the answer of an earlier
 * pass over the same trace: by_seq[seq] for each record's seq.  Without
 * it, events pass when nothing is selected and are dropped otherwise.
 * The summary passed on is the whole trace's; the report sinks compute
 * their figures from the records they are given.
 */
#ifndef ZWATCH_SINK_FILTER_H
#define ZWATCH_SINK_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct sink;
struct select_opts;

/* inner and opts must outlive the filter; it does not close them.
 * events: pass events on at all (false: records only). */
struct sink *sink_filter_new(const struct select_opts *opts,
			     struct sink *const *inner, size_t ninner,
			     bool events, const bool *by_seq, size_t nseq);
/* After model_finish: the selection by record seq, *n entries; owned by
 * the filter. */
const bool *sink_filter_selection(const struct sink *s, size_t *n);

#endif
