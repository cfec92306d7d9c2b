/* event.c - names of event types and reaper kinds, as the JSON contract
 * spells them. */
#include "config.h"
#include "event.h"

#include <stddef.h>

static const char *const type_names[ZW_EV_NTYPES] = {
	[ZW_EV_SPAWN] = "spawn", [ZW_EV_EXEC] = "exec", [ZW_EV_EXIT] = "exit",
	[ZW_EV_SIGNAL] = "signal", [ZW_EV_WAIT] = "wait",
	[ZW_EV_REPARENT] = "reparent", [ZW_EV_REAP] = "reap",
	[ZW_EV_ATTACH] = "attach", [ZW_EV_DETACH] = "detach",
	[ZW_EV_DIAGNOSIS] = "diagnosis",
};

static const char *const reaper_names[] = {
	[ZW_REAPER_NONE] = NULL, [ZW_REAPER_PARENT] = "parent",
	[ZW_REAPER_SUBREAPER] = "subreaper", [ZW_REAPER_INIT] = "init",
	[ZW_REAPER_AUTOREAP] = "autoreap",
};

const char *event_type_name(enum zw_event_type type)
{
	return (unsigned)type < ZW_EV_NTYPES ? type_names[type] : "unknown";
}

const char *event_reaper_name(enum zw_reaper reaper)
{
	return (unsigned)reaper <= ZW_REAPER_AUTOREAP ? reaper_names[reaper] : NULL;
}

const char *event_reaper_text(enum zw_reaper reaper)
{
	const char *name = event_reaper_name(reaper);

	return name ? name : "unknown";
}

void event_put_reaper_counts(FILE *fp, const size_t by_reaper[5])
{
	fprintf(fp, "reaped: %zu by parent, %zu by subreaper, %zu by init, "
		"%zu autoreaped, %zu unknown\n", by_reaper[ZW_REAPER_PARENT],
		by_reaper[ZW_REAPER_SUBREAPER], by_reaper[ZW_REAPER_INIT],
		by_reaper[ZW_REAPER_AUTOREAP], by_reaper[ZW_REAPER_NONE]);
}
