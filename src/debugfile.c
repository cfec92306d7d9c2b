/* debugfile.c - finding an ELF file's separate debug file with libdwfl.
 *
 * libdwfl knows every place gdb looks (build-id directory, debuglink
 * with its CRC check, debuginfod through libdebuginfod), so none of that
 * is written here: the file is reported to a Dwfl of its own as an
 * offline module, and the module's Dwarf is asked for.  When that Dwarf
 * lives in another file than the main one, it is the debug file; the
 * Dwfl is kept for as long as its Elf is used.
 */
#include "config.h"
#include "debugfile.h"
#include "util.h"

#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

struct debugfile {
	Dwfl *dwfl;
	Elf *elf;
};

/* NULL: the default path, ":.debug:/usr/lib/debug". */
static char *debuginfo_path;

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

struct debugfile *debugfile_find(const char *path, int fd)
{
	Dwfl *dwfl = dwfl_begin(&callbacks);
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwarf *dw;
	Elf *main_elf, *dbg;
	struct debugfile *df;
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);	/* libdwfl closes it */

	if (!dwfl || own < 0)
		goto fail;
	dwfl_report_begin(dwfl);
	mod = dwfl_report_elf(dwfl, path, path, own, 0, false);
	own = -1;
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod || !(main_elf = dwfl_module_getelf(mod, &bias)) ||
	    !(dw = dwfl_module_getdwarf(mod, &bias)) ||
	    !(dbg = dwarf_getelf(dw)) || dbg == main_elf)
		goto fail;
	df = xmalloc(sizeof(*df));
	df->dwfl = dwfl;
	df->elf = dbg;
	return df;
fail:
	if (own >= 0)
		close(own);
	if (dwfl)
		dwfl_end(dwfl);
	return NULL;
}

struct Elf *debugfile_elf(const struct debugfile *df)
{
	return df->elf;
}

void debugfile_close(struct debugfile *df)
{
	if (!df)
		return;
	dwfl_end(df->dwfl);
	free(df);
}
