/* metrics.c - the store behind /metrics: counters per series, gauges
 * refreshed before each scrape, rendering.  Nothing here knows where the
 * numbers come from. */
#include "config.h"
#include "metrics.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Zombie lifetimes: from "reaped at once" to "leaked for an hour". */
static const double lifetime_bounds[] = {
	0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 3600,
};
#define NBOUNDS (sizeof(lifetime_bounds) / sizeof(lifetime_bounds[0]))

struct series {
	char parent[METRICS_LABEL_MAX + 1];	/* escaped */
	char cgroup[METRICS_LABEL_MAX + 1];
	uint64_t exits[EXIT_CLASSES];
	uint64_t reaps[REAPER_KINDS];
	uint64_t buckets[NBOUNDS];		/* not cumulative */
	uint64_t lifetimes;
	double lifetime_sum;
	unsigned zombies;			/* gauges */
	double oldest;
};

struct metrics {
	struct series *series;	/* [0] is the overflow series */
	size_t n, max;
	uint64_t overflows, lost, censuses;
	const char *source;
};

static const char *const reaper_names[REAPER_KINDS] = {
	"parent", "subreaper", "init", "autoreap",
};
static const char *const exit_names[EXIT_CLASSES] = {
	"success", "failure", "signal", "coredump",
};

const char *reaper_kind_name(enum reaper_kind k)
{
	return reaper_names[k];
}

enum exit_class exit_class_of(int status)
{
	if ((status & 0x7f) == 0)
		return (status >> 8) & 0xff ? EXIT_FAILURE : EXIT_SUCCESS;
	return status & 0x80 ? EXIT_COREDUMP : EXIT_SIGNAL;
}

struct metrics *metrics_new(size_t max_series)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->max = max_series + 1;
	m->series = xcalloc(m->max, sizeof(*m->series));
	strcpy(m->series[0].parent, "_overflow");
	strcpy(m->series[0].cgroup, "_overflow");
	m->n = 1;
	m->source = "connector";
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->series);
	free(m);
}

void metrics_escape_label(char *dst, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;
		/* The format knows only \\ \" \n: a stray byte becomes the
		 * text "\xNN", its backslash escaped. */
		size_t need = (c < 0x20 || c >= 0x7f) ? 5 :
			      (c == '\\' || c == '"') ? 2 : 1;

		if (n + need > METRICS_LABEL_MAX)
			break;
		if (need == 5) {
			dst[n++] = '\\';
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 15];
			continue;
		}
		if (need == 2)
			dst[n++] = '\\';
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
}

int metrics_series(struct metrics *m, const char *parent_comm,
		   const char *cgroup)
{
	char p[METRICS_LABEL_MAX + 1], c[METRICS_LABEL_MAX + 1];

	metrics_escape_label(p, parent_comm);
	metrics_escape_label(c, cgroup);
	/* A linear search: the table is small (the documented limit) and
	 * the caller caches the answer per parent. */
	for (size_t i = 1; i < m->n; i++)
		if (!strcmp(m->series[i].parent, p) &&
		    !strcmp(m->series[i].cgroup, c))
			return (int)i;
	if (m->n == m->max)
		return 0;
	strcpy(m->series[m->n].parent, p);
	strcpy(m->series[m->n].cgroup, c);
	return (int)m->n++;
}

void metrics_exit(struct metrics *m, int series, int wait_status)
{
	m->series[series].exits[exit_class_of(wait_status)]++;
}

void metrics_release(struct metrics *m, int series, enum reaper_kind k,
		     double lifetime)
{
	struct series *s = &m->series[series];
	size_t b = 0;

	if (!(lifetime >= 0))
		lifetime = 0;
	while (b < NBOUNDS && lifetime > lifetime_bounds[b])
		b++;
	if (b < NBOUNDS)
		s->buckets[b]++;
	s->lifetimes++;
	s->lifetime_sum += lifetime;
	s->reaps[k]++;
}

void metrics_overflow(struct metrics *m)
{
	m->overflows++;
}

void metrics_set_lost(struct metrics *m, uint64_t events)
{
	m->lost = events;
}

void metrics_census(struct metrics *m)
{
	m->censuses++;
}

void metrics_set_source(struct metrics *m, const char *source)
{
	m->source = source;
}

void metrics_gauges_reset(struct metrics *m)
{
	for (size_t i = 0; i < m->n; i++) {
		m->series[i].zombies = 0;
		m->series[i].oldest = 0;
	}
}

void metrics_gauge_zombie(struct metrics *m, int series, double age)
{
	struct series *s = &m->series[series];

	s->zombies++;
	if (age > s->oldest)
		s->oldest = age;
}

static void put_head(FILE *fp, const char *name, const char *type,
		     const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The overflow series is shown only once it is used. */
static bool shown(const struct metrics *m, size_t i)
{
	const struct series *s = &m->series[i];

	if (i > 0)
		return true;
	for (int k = 0; k < EXIT_CLASSES; k++)
		if (s->exits[k])
			return true;
	return s->lifetimes || s->zombies;
}

#define LABELS "parent=\"%s\",cgroup=\"%s\""

/* A gauge per series; value() gives it, fmt prints it. */
static void render_gauge(const struct metrics *m, FILE *fp, const char *name,
			 const char *help, double (*value)(const struct series *),
			 const char *fmt)
{
	put_head(fp, name, "gauge", help);
	for (size_t i = 0; i < m->n; i++) {
		if (!shown(m, i))
			continue;
		fprintf(fp, "%s{" LABELS "} ", name, m->series[i].parent,
			m->series[i].cgroup);
		fprintf(fp, fmt, value(&m->series[i]));
		fputc('\n', fp);
	}
}

static double zombies_of(const struct series *s)
{
	return s->zombies;
}

static double oldest_of(const struct series *s)
{
	return s->oldest;
}

static void render_gauges(const struct metrics *m, FILE *fp)
{
	render_gauge(m, fp, "zwatch_zombies",
		     "Current zombies, by their parent's command and cgroup.",
		     zombies_of, "%.0f");
	render_gauge(m, fp, "zwatch_oldest_zombie_seconds",
		     "Age of the oldest current zombie (0: none).",
		     oldest_of, "%.6f");
}

static void render_histogram(const struct metrics *m, FILE *fp)
{
	put_head(fp, "zwatch_zombie_lifetime_seconds", "histogram",
		 "Time from exit to release of released zombies.");
	for (size_t i = 0; i < m->n; i++) {
		const struct series *s = &m->series[i];
		uint64_t cum = 0;

		if (!shown(m, i))
			continue;
		for (size_t b = 0; b < NBOUNDS; b++) {
			cum += s->buckets[b];
			fprintf(fp, "zwatch_zombie_lifetime_seconds_bucket{" LABELS
				",le=\"%g\"} %llu\n", s->parent, s->cgroup,
				lifetime_bounds[b], (unsigned long long)cum);
		}
		fprintf(fp, "zwatch_zombie_lifetime_seconds_bucket{" LABELS
			",le=\"+Inf\"} %llu\n", s->parent, s->cgroup,
			(unsigned long long)s->lifetimes);
		fprintf(fp, "zwatch_zombie_lifetime_seconds_sum{" LABELS "} %.6f\n",
			s->parent, s->cgroup, s->lifetime_sum);
		fprintf(fp, "zwatch_zombie_lifetime_seconds_count{" LABELS "} %llu\n",
			s->parent, s->cgroup, (unsigned long long)s->lifetimes);
	}
}

/* A counter per series and kind: its counts are the uint64_t array at
 * offset in struct series, one per name. */
struct kind_counter {
	const char *name, *help, *label;
	const char *const *kinds;
	int nkinds;
	size_t offset;
};

static const struct kind_counter kind_counters[] = {
	{ "zwatch_reaps_total", "Released zombies, by who released them.",
	  "reaper", reaper_names, REAPER_KINDS, offsetof(struct series, reaps) },
	{ "zwatch_exits_total", "Process exits, by exit status class.",
	  "status", exit_names, EXIT_CLASSES, offsetof(struct series, exits) },
};

static void render_counters(const struct metrics *m, FILE *fp)
{
	for (size_t c = 0; c < ARRAY_SIZE(kind_counters); c++) {
		const struct kind_counter *kc = &kind_counters[c];

		put_head(fp, kc->name, "counter", kc->help);
		for (size_t i = 0; i < m->n; i++) {
			const struct series *s = &m->series[i];
			const uint64_t *v = (const uint64_t *)
				((const char *)s + kc->offset);

			for (int k = 0; k < kc->nkinds && shown(m, i); k++)
				fprintf(fp, "%s{" LABELS ",%s=\"%s\"} %llu\n",
					kc->name, s->parent, s->cgroup, kc->label,
					kc->kinds[k], (unsigned long long)v[k]);
		}
	}
}

/* One unlabelled sample. */
static void put_one(FILE *fp, const char *name, const char *type,
		    const char *help, unsigned long long v)
{
	put_head(fp, name, type, help);
	fprintf(fp, "%s %llu\n", name, v);
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static unsigned long long rss_bytes(void)
{
	long pages = 0;
	FILE *statm = fopen("/proc/self/statm", "re");

	if (statm) {
		if (fscanf(statm, "%*d %ld", &pages) != 1)
			pages = 0;
		fclose(statm);
	}
	return (unsigned long long)pages * (unsigned long long)sysconf(_SC_PAGESIZE);
}

static void render_self(const struct metrics *m, FILE *fp)
{
	put_one(fp, "zwatch_event_overflows_total", "counter",
		"Times the kernel dropped process events (ENOBUFS); each is "
		"followed by a /proc census.", m->overflows);
	put_one(fp, "zwatch_lost_events_total", "counter",
		"Process events the kernel dropped, from the gaps in each "
		"CPU's event numbers.", m->lost);
	put_one(fp, "zwatch_censuses_total", "counter",
		"Full /proc scans (at start, after lost events, periodic "
		"without the connector).", m->censuses);
	put_one(fp, "zwatch_series", "gauge",
		"Label pairs in use; the limit is --max-series.", m->n - 1);
	put_head(fp, "zwatch_info", "gauge",
		 "1; source says how exits are learnt: connector or scan.");
	fprintf(fp, "zwatch_info{version=\"%s\",source=\"%s\"} 1\n",
		PACKAGE_VERSION, m->source);
	put_head(fp, "process_cpu_seconds_total", "counter",
		 "zwatch's own user and system CPU time.");
	fprintf(fp, "process_cpu_seconds_total %.6f\n", cpu_seconds());
	put_one(fp, "process_resident_memory_bytes", "gauge",
		"zwatch's own resident memory.", rss_bytes());
}

int metrics_render(const struct metrics *m, FILE *fp)
{
	render_gauges(m, fp);
	render_histogram(m, fp);
	render_counters(m, fp);
	render_self(m, fp);
	return ferror(fp) ? -EIO : 0;
}
