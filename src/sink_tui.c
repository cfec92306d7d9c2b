/* sink_tui.c - zwatch --tui: a full-screen live view drawn with ncurses.
 *
 * It is a sink like the others: the model hands it const events in the
 * tracer's thread, and it copies what it shows into its own table
 * (tui_model.c) under a mutex.  A thread of its own draws that table
 * every 200 ms (so a zombie's age ticks while nothing happens) and reads
 * the keys: the tracer's loop is not touched and never waits for the
 * screen, and its thread stays the only one that ptraces.  That thread
 * blocks every signal, so that SIGCHLD and the stop signals still reach
 * the tracer's thread (signalfd and the handler that interrupts a
 * tracee rely on it).  'q' sends SIGINT to the tracer's thread, which
 * then does what it does on Ctrl-C: detach (-p) or end the trace.
 *
 * Every string a tracee controls reaches the screen through clean(),
 * which replaces control bytes: the one place to sanitise.
 */
#include "config.h"
#include "sink_tui.h"
#include "decode.h"
#include "event.h"
#include "lifecycle.h"
#include "sink.h"
#include "term.h"
#include "tui_model.h"
#include "util.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 200
#define FILTER_MAX 48
#define STATE_W 44	/* columns of the state: "reaped 1.2 s ago by PID comm (kind)" */

struct tui {
	struct sink base;		/* first: sink_close frees the whole */
	pthread_mutex_t lock;
	pthread_t thread, tracer;
	bool running;			/* the thread was started */
	SCREEN *scr;
	FILE *tty;
	char title[160], log[200];
	const char *const *glyph;
	struct tui_model model;
	double mono0;			/* monotonic clock at trace time 0 */
	bool have_mono0;
	double t_ended;			/* trace time when it ended */
	/* under lock: */
	bool ended, quit_sent, paused, editing;
	char filter[FILTER_MAX];
	size_t cursor, top;
	struct zw_summary sum;
	bool have_sum;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Trace time now, from the clock and the first event's time. */
static double trace_now(const struct tui *t)
{
	if (t->ended)
		return t->t_ended;
	return t->have_mono0 ? mono_now() - t->mono0 : 0;
}

/* Seconds since trace time t.  The view's clock is set from the first
 * event it gets, a moment after that event happened, so it runs a
 * little behind the tracer's: an event of the last instant would be
 * "-0.0 s ago". */
static double ago(double now, double t)
{
	return now > t ? now - t : 0;
}

/* The one place a string a tracee controls is made fit for the screen:
 * at most n - 1 bytes of src, each control byte a '?'. */
static void clean(char *dst, size_t n, const char *src)
{
	size_t i = 0;

	for (; src && src[i] && i + 1 < n; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? '?' : src[i];
	dst[i] = '\0';
}

/* A tracee's string at most max columns wide. */
static void put_str(const char *s, int max)
{
	char buf[512];

	if (max <= 0)
		return;
	clean(buf, max + 1 < (int)sizeof(buf) ? (size_t)max + 1 : sizeof(buf), s);
	addstr(buf);
}

/* ---- drawing ----------------------------------------------------------- */

static void draw_header(struct tui *t, double now)
{
	struct tui_counts c;
	const struct tui_model *m = &t->model;

	tui_model_count(m, now, &c);
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 0, " zwatch --tui  %.1f s  ", now);
	put_str(t->title, COLS / 2);
	if (t->paused)
		printw("  [PAUSED]");
	if (t->ended)
		printw("  [TRACE ENDED: press any key]");
	attroff(A_REVERSE);
	mvprintw(1, 0, "alive %zu  zombies ", c.alive);
	if (c.zombies)
		attron(A_BOLD | COLOR_PAIR(1));
	printw("%zu", c.zombies);
	if (c.oldest) {
		printw(" (oldest %.2f s: %d ", ago(now, c.oldest->exited), c.oldest->pid);
		put_str(c.oldest->comm, 15);
		printw(")");
	}
	attroff(A_BOLD | COLOR_PAIR(1));
	printw("  reaped at once %zu", m->reaped_at_once);
	printw("  reaped: parent %zu, subreaper %zu, init %zu, autoreap %zu"
	       "  exits %zu", m->by_reaper[ZW_REAPER_PARENT],
	       m->by_reaper[ZW_REAPER_SUBREAPER], m->by_reaper[ZW_REAPER_INIT],
	       m->by_reaper[ZW_REAPER_AUTOREAP], m->exits);
	clrtoeol();
	attron(A_BOLD);
	mvprintw(2, 0, "%7s  %-*s %s", "PID", STATE_W, "STATE", "PROCESS");
	attroff(A_BOLD);
	clrtoeol();
}

/* "ZOMBIE 1.23 s", "reaped 0.4 s ago by 12 sh (parent)", ..., cut to
 * STATE_W columns.  A zombie younger than the threshold is no alarm
 * (yet): most are reaped in microseconds. */
static void draw_state(struct tui *t, const struct tui_proc *p, double now)
{
	char buf[128], comm[16];
	int attr = 0;

	switch (p->state) {
	case TUI_ZOMBIE:
		if (!tui_model_zombie_counts(&t->model, p, now)) {
			snprintf(buf, sizeof(buf), "exited %.3f s ago",
				 ago(now, p->exited));
			break;
		}
		attr = A_BOLD | COLOR_PAIR(1);
		snprintf(buf, sizeof(buf), "ZOMBIE %.2f s", ago(now, p->exited));
		break;
	case TUI_REAPED:
		attr = COLOR_PAIR(2);
		clean(comm, sizeof(comm), p->by_comm);
		if (p->reaper == ZW_REAPER_AUTOREAP)
			snprintf(buf, sizeof(buf), "autoreaped %.1f s ago",
				 ago(now, p->reaped));
		else
			snprintf(buf, sizeof(buf), "reaped %.1f s ago by %d%s%s (%s)",
				 ago(now, p->reaped), p->reaped_by, comm[0] ? " " : "",
				 comm, event_reaper_text(p->reaper));
		break;
	case TUI_DETACHED:
		snprintf(buf, sizeof(buf), "detached");
		break;
	default:
		snprintf(buf, sizeof(buf), "running");
		break;
	}
	attron(attr);
	addnstr(buf, STATE_W);
	attroff(attr);
}

static void draw_row(struct tui *t, const struct tui_row *r, int y,
		     bool cursor, double now)
{
	const struct tui_proc *p = r->p;
	int w;

	if (cursor)
		attron(A_REVERSE);
	move(y, 0);
	clrtoeol();
	printw("%7d  ", p->pid);
	draw_state(t, p, now);
	move(y, 9 + STATE_W + 1);
	for (unsigned d = 1; d < r->depth && d < 24; d++)
		addstr(t->glyph[r->pipes & (1UL << d) ? 2 : 3]);
	if (r->depth)
		addstr(t->glyph[r->last ? 1 : 0]);
	if (r->has_kids)
		addstr(p->folded ? "+ " : "- ");
	put_str(p->comm, 15);
	w = COLS - getcurx(stdscr) - 2;
	if (p->argv[0] && w > 4) {
		addstr("  ");
		attron(A_DIM);
		put_str(p->argv, w);
		attroff(A_DIM);
	}
	if (cursor)
		attroff(A_REVERSE);
}

static void draw_recent(struct tui *t, int y0, int n)
{
	attron(A_BOLD);
	mvprintw(y0, 0, "recent events");
	attroff(A_BOLD);
	clrtoeol();
	for (int i = 0; i < n; i++) {
		const struct tui_line *l = tui_model_recent(&t->model, (size_t)i);

		move(y0 + 1 + i, 0);
		clrtoeol();
		if (!l)
			continue;
		printw("%10.3f %7d %-8s ", l->t, l->pid, event_type_name(l->type));
		put_str(l->comm, 15);
		addstr("  ");
		put_str(l->text, COLS - 50 > 8 ? COLS - 50 : 8);
	}
}

static void draw_footer(struct tui *t)
{
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	if (t->editing)
		mvprintw(LINES - 1, 0, " filter (comm, argv, pid; Enter: done, "
			 "Esc: clear): %s_", t->filter);
	else
		mvprintw(LINES - 1, 0, " q quit  p pause  / filter%s%s  space "
			 "fold  e/c expand/collapse all  arrows move   program "
			 "output: %s", t->filter[0] ? ": " : "", t->filter, t->log);
	attroff(A_REVERSE);
}

static void draw(struct tui *t)
{
	double now = trace_now(t);
	int recent = LINES >= 24 ? 8 : LINES >= 14 ? 3 : 0;
	int y0 = 3, rows_h = LINES - y0 - 1 - (recent ? recent + 1 : 0);
	struct tui_row *rows;
	size_t n;

	if (!t->paused)
		tui_model_prune(&t->model, now);
	rows = xmalloc((t->model.n + 1) * sizeof(*rows));
	n = tui_model_rows(&t->model, t->filter, rows, t->model.n);
	if (t->cursor >= n)
		t->cursor = n ? n - 1 : 0;
	if (rows_h < 1)
		rows_h = 1;
	if (t->cursor < t->top)
		t->top = t->cursor;
	if (t->cursor >= t->top + (size_t)rows_h)
		t->top = t->cursor - (size_t)rows_h + 1;
	draw_header(t, now);
	for (int i = 0; i < rows_h; i++) {
		size_t k = t->top + (size_t)i;

		if (k < n) {
			draw_row(t, &rows[k], y0 + i, k == t->cursor, now);
		} else {
			move(y0 + i, 0);
			clrtoeol();
		}
	}
	if (recent)
		draw_recent(t, y0 + rows_h, recent);
	draw_footer(t);
	refresh();
	free(rows);
}

/* ---- keys -------------------------------------------------------------- */

static void fold_all(struct tui_model *m, bool fold)
{
	for (size_t i = 0; i < m->n; i++)
		m->procs[i].folded = fold;
}

/* The process under the cursor, from the rows as drawn last. */
static void toggle_cursor(struct tui *t)
{
	struct tui_row *rows = xmalloc((t->model.n + 1) * sizeof(*rows));
	size_t n = tui_model_rows(&t->model, t->filter, rows, t->model.n);

	if (t->cursor < n && rows[t->cursor].has_kids) {
		struct tui_proc *p = tui_model_find(&t->model, rows[t->cursor].p->pid);

		if (p)
			p->folded = !p->folded;
	}
	free(rows);
}

static void edit_filter(struct tui *t, int ch)
{
	size_t len = strlen(t->filter);

	if (ch == '\n' || ch == KEY_ENTER) {
		t->editing = false;
	} else if (ch == 27) {
		t->filter[0] = '\0';
		t->editing = false;
	} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len) {
		t->filter[len - 1] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && len + 1 < FILTER_MAX) {
		t->filter[len] = (char)ch;
		t->filter[len + 1] = '\0';
	}
	t->cursor = t->top = 0;
}

/* Returns false when the view should end. */
static bool on_key(struct tui *t, int ch)
{
	if (t->ended && ch != KEY_RESIZE)
		return false;
	if (t->editing) {
		edit_filter(t, ch);
		return true;
	}
	switch (ch) {
	case 'q': case 'Q':
		if (!t->quit_sent)
			pthread_kill(t->tracer, SIGINT);
		t->quit_sent = true;
		break;
	case 'p': case 'P':
		t->paused = !t->paused;
		break;
	case '/':
		t->editing = true;
		break;
	case ' ': case '\n': case KEY_ENTER: case '+': case '-':
		toggle_cursor(t);
		break;
	case 'e':
		fold_all(&t->model, false);
		break;
	case 'c':
		fold_all(&t->model, true);
		break;
	case KEY_UP: case 'k':
		t->cursor -= t->cursor > 0;
		break;
	case KEY_DOWN: case 'j':
		t->cursor++;
		break;
	case KEY_PPAGE:
		t->cursor = t->cursor > 10 ? t->cursor - 10 : 0;
		break;
	case KEY_NPAGE:
		t->cursor += 10;
		break;
	case KEY_HOME: case 'g':
		t->cursor = 0;
		break;
	default:
		break;
	}
	return true;
}

static void *view_thread(void *arg)
{
	struct tui *t = arg;
	bool go = true;

	while (go) {
		int ch = getch();	/* waits TICK_MS at most */

		pthread_mutex_lock(&t->lock);
		if (ch != ERR)
			go = on_key(t, ch);
		/* asked to quit and the tracer is done: nothing to wait for */
		if (t->ended && t->quit_sent)
			go = false;
		if (go)
			draw(t);
		pthread_mutex_unlock(&t->lock);
	}
	return NULL;
}

/* ---- the sink ---------------------------------------------------------- */

static void tui_event(struct sink *s, const struct zw_event *ev,
		      const struct zw_life *subject)
{
	struct tui *t = (struct tui *)s;

	pthread_mutex_lock(&t->lock);
	if (!t->have_mono0) {
		t->mono0 = mono_now() - ev->t;
		t->have_mono0 = true;
	}
	tui_model_event(&t->model, ev, subject ? subject->comm : NULL);
	pthread_mutex_unlock(&t->lock);
}

static void tui_lifecycle(struct sink *s, const struct zw_life *l, double t_end)
{
	(void)s;
	(void)l;
	(void)t_end;
}

static void tui_summary(struct sink *s, const struct zw_summary *sum)
{
	struct tui *t = (struct tui *)s;

	pthread_mutex_lock(&t->lock);
	t->sum = *sum;
	t->have_sum = true;
	pthread_mutex_unlock(&t->lock);
}

/* Leaves the screen as it was, and says in a line what the run was. */
static int tui_close(struct sink *s)
{
	struct tui *t = (struct tui *)s;

	pthread_mutex_lock(&t->lock);
	t->t_ended = trace_now(t);
	t->ended = true;
	pthread_mutex_unlock(&t->lock);
	if (t->running)
		pthread_join(t->thread, NULL);
	endwin();
	delscreen(t->scr);
	if (t->have_sum)
		fprintf(t->tty, "zwatch: %zu processes, at most %zu zombies at "
			"once, %zu still zombies at the end; program output: "
			"%s\n", t->sum.processes, t->sum.max_concurrent_zombies,
			t->sum.leaked, t->log);
	fclose(t->tty);
	tui_model_free(&t->model);
	pthread_mutex_destroy(&t->lock);
	return 0;
}

static const struct sink_ops tui_ops = {
	.event = tui_event,
	.lifecycle = tui_lifecycle,
	.summary = tui_summary,
	.close = tui_close,
};

static const char *const glyph_utf8[] = {
	"\u251c\u2500 ", "\u2514\u2500 ", "\u2502  ", "   " };
static const char *const glyph_ascii[] = { "|- ", "`- ", "|  ", "   " };

/* The thread blocks every signal: they are the tracer thread's. */
static int start_thread(struct tui *t)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t->thread, NULL, view_thread, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	t->running = err == 0;
	return -err;
}

struct sink *sink_tui_new(FILE *tty, const char *title, const char *log,
			  double min_zombie)
{
	struct tui *t = xcalloc(1, sizeof(*t));
	int err;

	t->base.ops = &tui_ops;
	t->tty = tty;
	t->tracer = pthread_self();
	pthread_mutex_init(&t->lock, NULL);
	tui_model_init(&t->model, min_zombie);
	snprintf(t->title, sizeof(t->title), "%s", title);
	snprintf(t->log, sizeof(t->log), "%s", log ? log : "/dev/null");
	setlocale(LC_CTYPE, "");
	t->glyph = term_utf8() ? glyph_utf8 : glyph_ascii;
	t->scr = newterm(NULL, tty, tty);
	if (!t->scr) {
		warnx_("--tui: cannot use the terminal (TERM=%s)",
		       getenv("TERM") ? getenv("TERM") : "");
		fclose(tty);
		free(t);
		return NULL;
	}
	cbreak();		/* Ctrl-C stays a signal, as without --tui */
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);	/* Esc ends a filter at once, not after 1 s */
	curs_set(0);
	timeout(TICK_MS);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_GREEN, -1);
	}
	err = start_thread(t);
	if (err < 0) {
		warn_errno(-err, "--tui: cannot start the view");
		t->base.ops->close(&t->base);
		free(t);
		return NULL;
	}
	return &t->base;
}

int tui_take_terminal(const char *log, FILE **tty)
{
	int fd, in;

	*tty = fopen("/dev/tty", "r+e");
	if (!*tty) {
		warn_errno(errno, "--tui needs a terminal: /dev/tty");
		return -1;
	}
	fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		warn_errno(errno, "--tui: cannot open %s", log);
		fclose(*tty);
		return -1;
	}
	in = open("/dev/null", O_RDONLY);
	fflush(stdout);
	fflush(stderr);
	/* The program reads no keys meant for the view, and writes where it
	 * cannot scribble over it. */
	if (in >= 0 && in != 0) {
		dup2(in, 0);
		close(in);
	}
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return 0;
}
