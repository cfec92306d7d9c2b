/* fuzz_elfsym.c - libFuzzer harness for the ELF/DWARF path: any bytes as
 * an ELF file must give a symbol and a line, or a clean error, never a
 * crash, a leak or undefined behaviour.  This is what the symbolizer
 * helper (symsrv.c) runs on a traced program's files, which their owner
 * writes: symbols (.symtab/.dynsym), build-id, PT_LOAD translation, the
 * separate debug file search (libdwfl) and the DWARF line table (libdw).
 *
 *   tests/fuzz/run_elfsym.sh [SECONDS [JOBS]]   builds with clang, runs it
 */
#include "config.h"
#include "elfsym.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Fresh each time: a cached file would hide its own second read. */
	struct elfsym *es = elfsym_new(ELFSYM_LINES);
	int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
	struct elfsym_info info;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	/* Offsets spread over the file, as frames' pcs would be. */
	for (unsigned long off = 0; off <= size; off += size / 7 + 1)
		elfsym_lookup_fd(es, "/nonexistent/fuzz.elf", fd, off, &info);
	close(fd);
	elfsym_free(es);
	return 0;
}
