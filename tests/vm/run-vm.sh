#!/bin/sh
# tests/vm/run-vm.sh ARCH [KERNEL...] - `make check-vm`: the lifecycle
# scenarios under zwatch in qemu VMs (ARCH: x86_64 or aarch64), one per
# KERNEL: 6.1 (Debian 12's) or 6.12 (Debian's, from
# bookworm-backports: pidfd EPOLLHUP at release, 6.9+, and PIDFD_GET_INFO
# are there), checked on the host by the same e2e tests
# (tests/vm/tests.list) as `make check`.
#
#  1. installs what it needs from Debian's archive (as root; else it
#     skips, exit 77, naming what is missing): qemu, cpio, for aarch64 the
#     cross compiler and the arm64 -dev packages;
#  2. downloads (apt-get download, cached in $ZW_VM_CACHE) the newest
#     linux-image-6.1.0-*-cloud-ARCH-unsigned (for 6.12:
#     linux-image-6.12.*-cloud-ARCH-unsigned from bookworm-backports, with
#     a sources list and package lists of its own in the cache: the
#     machine's apt configuration is left as it is) and busybox-static;
#  3. for aarch64, cross-builds zwatch and the scenario programs in
#     tests/vm/build-aarch64 of the build tree;
#  4. runs each test of tests.list on the host with ZWTEST_PLAN: that
#     checks the host and records the commands the test runs;
#  5. packs zwatch (with its shared libraries and ld.so), the scenario
#     programs, busybox, tests/vm/init.sh and those commands into an
#     initramfs and boots it with each kernel (qemu, TCG: no KVM needed),
#     console to a log;
#  6. unpacks the results from the console and runs each test again with
#     ZWTEST_REPLAY: the same assertions on what zwatch wrote in the VM;
#  7. x86_64: boots the host's systemd as PID 1 with
#     contrib/systemd/zwatch-watch.service as shipped and checks what it
#     made of it (test_systemd_unit: tests/vm/systemd/).
#
# Run from the build tree with abs_top_srcdir/abs_top_builddir set (the
# make target does).  Environment: ZW_VM_KERNEL=PATH boots that kernel
# image instead; ZW_VM_CACHE=DIR (default BUILD/tests/vm/cache);
# ZW_VM_TIMEOUT=S (default 1500) bounds each VM run; ZW_VM_TESTS="test_x
# ..." runs only those.
# Exit: 0 all passed, 1 a test failed, 77 skipped, 99 the harness broke.
set -u
arch=${1:?usage: run-vm.sh x86_64|aarch64 [6.1|6.12...]}
shift
# By default aarch64 boots both; x86_64 6.1 only: Debian's 6.12 amd64
# kernel took a double fault in kmem_cache_alloc under qemu's TCG
# (-cpu max) here, 20 s into the scenarios (make check-vm
# CHECK_VM_KERNELS="6.1 6.12" asks for it anyway).
case $arch in
aarch64) kernels=${*:-6.1 6.12} ;;
*) kernels=${*:-6.1} ;;
esac
src=${abs_top_srcdir:?}
build=${abs_top_builddir:?}
work=$build/tests/vm/$arch
cache=${ZW_VM_CACHE:-$build/tests/vm/cache}
vmtimeout=${ZW_VM_TIMEOUT:-1500}

case $arch in
x86_64)
	debarch=amd64 triplet=x86_64-linux-gnu console=ttyS0
	qemu=qemu-system-x86_64 qemupkg=qemu-system-x86
	# -cpu max: TCG's default qemu64 has no XSAVE, and running a call in
	# a tracee (inject.c) saves the vector state as NT_X86_XSTATE, which
	# every x86_64 CPU since 2011 has.  no_timer_check: on a loaded host
	# the emulated IO-APIC timer is too slow for the kernel's boot check
	# ("IO-APIC + timer doesn't work!", a panic; seen at a load of 29).
	machine="-M pc -cpu max" kargs=no_timer_check ;;
aarch64)
	debarch=arm64 triplet=aarch64-linux-gnu console=ttyAMA0
	qemu=qemu-system-aarch64 qemupkg=qemu-system-arm
	machine="-M virt -cpu cortex-a57" kargs= ;;
*)
	echo "run-vm.sh: unknown architecture $arch" >&2; exit 99 ;;
esac

say() { echo "check-vm[$arch]: $*"; }
die() { say "$*"; exit 99; }
now() { date +%s; }
t_start=$(now)

# --- 1. tools from Debian's archive
missing=""
need() {	# need COMMAND PACKAGE
	command -v "$1" > /dev/null 2>&1 || missing="$missing $2"
}
need "$qemu" "$qemupkg"
need cpio cpio
need readelf binutils
if [ "$arch" = aarch64 ]; then
	need aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
	for p in libunwind-dev libelf-dev libdw-dev libjson-c-dev; do
		dpkg -s "$p:arm64" > /dev/null 2>&1 || missing="$missing $p:arm64"
	done
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64 &&
		[ "$arch" = aarch64 ]; then
	[ "$(id -u)" = 0 ] || { say "SKIP: needs 'dpkg --add-architecture arm64' (root)"; exit 77; }
	dpkg --add-architecture arm64 && apt-get update -qq ||
		die "cannot add the arm64 architecture"
fi
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || { say "SKIP: missing$missing (install as root)"; exit 77; }
	say "installing$missing"
	mkdir -p "$build/tests/vm" || die "cannot create $build/tests/vm"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing > "$build/tests/vm/apt-$arch.log" 2>&1 ||
		die "apt-get install$missing failed (see tests/vm/apt-$arch.log)"
fi

# --- 2. kernel and busybox, cached
mkdir -p "$cache" "$work" || die "cannot create $cache or $work"
fetch() {	# fetch PACKAGE:ARCH [APT-OPTIONS]: download, unpack into $cache/PACKAGE_ARCH
	local name=${1%%:*} dir=$cache/${1%%:*}_${1##*:} dl=$cache/download.$$
	[ -d "$dir" ] && return 0
	# A directory per download: no other architecture's .deb matches.
	rm -rf "$dl" "$dir.tmp" && mkdir -p "$dl" &&
		(cd "$dl" && apt-get ${2:-} download -q "$1" > /dev/null 2>&1) &&
		dpkg-deb -x "$dl/${name}"_*.deb "$dir.tmp" && mv "$dir.tmp" "$dir" &&
		rm -rf "$dl" || die "cannot download $1 (apt-get download)"
}
# bookworm-backports, for that download only: its own sources list,
# package lists and no binary caches (apt's global ones stay as they are).
bpo_dir=$cache/apt-backports
bpo_opts="-o Dir::Etc::sourcelist=$bpo_dir/sources.list -o Dir::Etc::sourceparts=-
	-o Dir::State::lists=$bpo_dir/lists -o Dir::Cache::pkgcache=
	-o Dir::Cache::srcpkgcache= -o APT::Get::List-Cleanup=0"
bpo_update() {
	[ -f "$bpo_dir/updated" ] && return 0
	mkdir -p "$bpo_dir/lists/partial" &&
		echo "deb http://deb.debian.org/debian bookworm-backports main" \
			> "$bpo_dir/sources.list" &&
		apt-get $bpo_opts update -qq > "$bpo_dir/update.log" 2>&1 &&
		touch "$bpo_dir/updated" ||
		die "cannot read bookworm-backports' package lists (see $bpo_dir/update.log)"
}
kernel_of() {	# kernel_of SERIES: sets $kernel, that series' newest vmlinuz
	local re aptopts=""
	case $1 in
	6.1) re="^linux-image-6\.1\.0-[0-9]+-cloud-$debarch-unsigned\$" ;;
	6.12) bpo_update; aptopts=$bpo_opts
		re="^linux-image-6\.12\.[0-9a-z.+~-]*-cloud-$debarch-unsigned\$" ;;
	*) die "unknown kernel series $1 (6.1 or 6.12)" ;;
	esac
	kpkg=$(apt-cache $aptopts search --names-only "$re" 2> /dev/null |
		cut -d' ' -f1 | sort -V | tail -n 1)
	[ -n "$kpkg" ] || die "no $re in apt's lists"
	fetch "$kpkg:$debarch" "$aptopts"
	kernel=$(ls "$cache/${kpkg}_$debarch"/boot/vmlinuz-* | head -n 1)
}
[ -n "${ZW_VM_KERNEL:-}" ] && kernels=custom
for k in $kernels; do
	[ "$k" = custom ] || kernel_of "$k"
done
fetch "busybox-static:$debarch"
say "kernels: $kernels"

# --- 3. zwatch and the scenario programs for ARCH
if [ "$arch" = aarch64 ]; then
	bin=$build/tests/vm/build-aarch64
	mkdir -p "$bin"
	t0=$(now)
	if [ ! -f "$bin/Makefile" ]; then
		(cd "$bin" && PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
			"$src/configure" --quiet --host=aarch64-linux-gnu \
			CFLAGS="-g -O2") > "$bin/configure.log" 2>&1 ||
			die "cross configure failed (see $bin/configure.log)"
	fi
	(cd "$bin" && make -j2 > make.log 2>&1 && make -j2 check TESTS= >> make.log 2>&1) ||
		die "cross build failed (see $bin/make.log)"
	say "cross build: $(($(now) - t0)) s"
else
	bin=$build
fi

# Shared libraries: DT_NEEDED, recursively, from ARCH's multiarch dirs;
# ld.so at the path PT_INTERP names.
libdirs="/lib/$triplet /usr/lib/$triplet"
copy_needed() {	# copy_needed ELF...
	local f lib d
	for f in "$@"; do
		for lib in $(readelf -d "$f" 2> /dev/null |
				sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -e "$root/lib/$lib" ] && continue
			for d in $libdirs; do
				if [ -e "$d/$lib" ]; then
					cp -L "$d/$lib" "$root/lib/$lib" &&
						copy_needed "$root/lib/$lib"
					break
				fi
			done
			[ -e "$root/lib/$lib" ] || die "$lib (needed by $f) not in $libdirs"
		done
	done
}
# --- 7 (run last). x86_64: contrib/systemd/zwatch-watch.service under systemd as
# PID 1 (the host's systemd, Debian 12's 252, in an initramfs of its
# own; /usr is / there, so the unit's /usr/local/bin/zwatch is
# /local/bin/zwatch), checked by tests/vm/systemd/check.py.
systemd_unit_vm() {	# systemd_unit_vm KERNEL-SERIES
	local sd=$work/systemd t0 r root
	if [ ! -x /lib/systemd/systemd ] || ! command -v systemctl > /dev/null; then
		echo "SKIP: test_systemd_unit [$arch]: no systemd on the host (apt-get install systemd)"
		systemd_rc=77
		return 0
	fi
	[ "$1" = custom ] && kernel=$ZW_VM_KERNEL || kernel_of "$1"
	root=$sd/root
	rm -rf "$sd" && mkdir -p "$root/bin" "$root/lib/systemd" "$root/local/bin" \
		"$root/scn" "$root/etc" "$root/proc" "$root/sys" "$root/dev" \
		"$root/run" "$root/tmp" "$root/var" || die "cannot make $root"
	ln -s . "$root/usr" && ln -s bin "$root/sbin" &&
		cp "$cache/busybox-static_$debarch/bin/busybox" "$root/bin/" &&
		for a in sh wget sleep cat grep poweroff; do
			ln -s busybox "$root/bin/$a" || die "cannot link $a"
		done &&
		cp /lib/systemd/systemd "$root/lib/systemd/" &&
		cp "$(command -v systemctl)" "$root/bin/" &&
		cp "$bin/zwatch" "$root/local/bin/" &&
		cp "$bin/tests/scn/watch_leaker" "$root/scn/" &&
		cp "$src/tests/vm/systemd/run.sh" "$root/zwtest-run.sh" &&
		printf 'NAME="zwatch test"\nID=zwtest\n' > "$root/etc/os-release" &&
		: > "$root/etc/machine-id" &&
		printf 'root:x:0:0::/:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n' \
			> "$root/etc/passwd" &&
		printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group" &&
		sh "$src/tests/vm/systemd/units.sh" "$root" \
			"$src/contrib/systemd/zwatch-watch.service" ||
		die "cannot fill $root"
	local libdirs="$libdirs /usr/lib/$triplet/systemd"
	copy_needed "$root/lib/systemd/systemd" "$root/bin/systemctl" \
		"$root/local/bin/zwatch" "$root/scn/watch_leaker"
	interp=$(readelf -l "$root/local/bin/zwatch" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
	mkdir -p "$root$(dirname "$interp")" && cp -L "$interp" "$root$interp" ||
		die "cannot copy $interp"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$sd/initrd.gz" ||
		die "cpio failed"
	t0=$(now)
	nice -n 10 timeout 600 "$qemu" $machine -m 1024 -smp 1 -nographic \
		-no-reboot -kernel "$kernel" -initrd "$sd/initrd.gz" \
		-append "console=$console panic=-1 quiet $kargs rdinit=/lib/systemd/systemd systemd.unit=zwtest.target systemd.log_target=console" \
		< /dev/null > "$sd/console.log" 2>&1
	say "systemd VM: qemu exit $? after $(($(now) - t0)) s (console: $sd/console.log)"
	if python3 "$src/tests/vm/systemd/check.py" "$sd/console.log" > "$sd/check.log" 2>&1; then
		r=PASS
	else
		r=FAIL
		systemd_rc=1
	fi
	echo "$r: test_systemd_unit [$arch, $1]"
	[ "$r" = PASS ] || sed 's/^/    /' "$sd/check.log" | grep -E '^    (FAIL|#)' | head -n 20
}
# --- 4. the plan: each test once on the host, recording its commands
# "only=ARCH,..." in tests.list: that test runs on those architectures only.
if [ -n "${ZW_VM_TESTS:-}" ]; then
	tests=$(echo $ZW_VM_TESTS | tr ' ' '\n' | grep -vx test_systemd_unit)
else
	tests=$( (sed -e 's/#.*//' "$src/tests/vm/tests.list" | grep -vE "only=";
		sed -e 's/#.*//' "$src/tests/vm/tests.list" |
		grep -E "only=([a-z0-9_,]*,)?$arch([^a-z0-9_]|\$)") | sed 's/ .*//')
fi
systemd_rc=0	# 0 passed or not asked for, 1 failed, 77 skipped
systemd_last() {	# step 7, if asked for (by default it is)
	case " ${ZW_VM_TESTS:-test_systemd_unit} " in
	*" test_systemd_unit "*)
		if [ "$arch" = x86_64 ]; then
			systemd_unit_vm "${kernels%% *}"
		elif [ -n "${ZW_VM_TESTS:-}" ]; then
			echo "SKIP: test_systemd_unit [$arch]: x86_64 only"
			systemd_rc=77
		fi ;;
	esac
}
if [ -z "$tests" ]; then	# test_systemd_unit alone
	systemd_last
	exit $systemd_rc
fi
xfail_of() {	# xfail_of TEST: "xfail" if tests.list expects it to fail on $arch
	grep -E "^$1 .*xfail=([a-z0-9_,]*,)?$arch([^a-z0-9_]|\$)" "$src/tests/vm/tests.list" > /dev/null &&
		echo xfail
}
plan=$work/plan.jsonl
rm -f "$plan" && mkdir -p "$work/host"
t0=$(now)
for t in $tests; do
	ZWTEST_PLAN=$plan python3 "$src/tests/e2e/$t.py" > "$work/host/$t.log" 2>&1
	rc=$?
	[ "$rc" = 0 ] || say "note: $t on the host: exit $rc (see $work/host/$t.log)"
done
python3 "$src/tests/vm/vmtool.py" script "$plan" "$work/plan.sh" ||
	die "no plan"
say "plan: $(wc -l < "$plan") commands from $(echo $tests | wc -w) tests ($(($(now) - t0)) s on the host)"

# --- 5. the initramfs
root=$work/root
rm -rf "$root" && mkdir -p "$root/bin" "$root/scn" "$root/lib" "$root/proc" \
	"$root/sys" "$root/dev" "$root/tmp" "$root/etc" || die "cannot make $root"
cp "$cache/busybox-static_$debarch/bin/busybox" "$root/bin/busybox" &&
	ln -s busybox "$root/bin/sh" &&
	ln "$root/bin/busybox" "$root/bin/true" &&
	cp "$src/tests/vm/init.sh" "$root/init" && chmod +x "$root/init" &&
	cp "$work/plan.sh" "$root/plan.sh" &&
	cp "$bin/zwatch" "$root/bin/zwatch" || die "cannot fill $root"
for f in "$bin"/tests/scn/*; do
	[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$root/scn/"
done
# /bin/true is a file, not a symlink: exec events name the path the
# kernel ran, and the tests expect /bin/true's (a hard link to busybox).
copy_needed "$root/bin/zwatch" "$root"/scn/*
interp=$(readelf -l "$root/bin/zwatch" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
[ -n "$interp" ] || die "no interpreter in zwatch"
mkdir -p "$root$(dirname "$interp")" &&
	cp -L "$interp" "$root$interp" 2> /dev/null ||
	cp -L "/usr/lib/$triplet/$(basename "$interp")" "$root$interp" ||
	die "cannot copy $interp"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz" ||
	die "cpio failed"
say "initramfs: $(du -k "$work/initrd.gz" | cut -f1) KiB"

# --- 6. boot, once per kernel: results in $work/KERNEL
rc_all=0
boot_and_check() {	# boot_and_check KERNEL-SERIES
	local kw=$work/$1 res t0 qrc boot_s vmok pass=0 fail=0 skip=0 xfail=0 t rc r
	if [ "$1" = custom ]; then
		kernel=$ZW_VM_KERNEL
	else
		kernel_of "$1"
	fi
	say "kernel $kernel"
	rm -rf "$kw" && mkdir -p "$kw/vm" || die "cannot make $kw"
	t0=$(now)
	nice -n 10 timeout "$vmtimeout" "$qemu" $machine -m 1024 -smp 1 -nographic \
		-no-reboot -kernel "$kernel" -initrd "$work/initrd.gz" \
		-append "console=$console panic=-1 quiet loglevel=1 $kargs" \
		< /dev/null > "$kw/console.log" 2>&1
	qrc=$?
	boot_s=$(($(now) - t0))
	say "VM: qemu exit $qrc after $boot_s s (console: $kw/console.log)"
	res=$kw/results
	mkdir -p "$res"
	python3 "$src/tests/vm/vmtool.py" unpack "$kw/console.log" "$res"
	vmok=$?
	[ -f "$res/uname" ] && say "VM kernel: $(cat "$res/uname")"

	# the same tests on the VM's results
	for t in $tests; do
		ZWTEST_REPLAY=$res python3 "$src/tests/e2e/$t.py" > "$kw/vm/$t.log" 2>&1
		rc=$?
		case $rc,$(xfail_of "$t") in
		0,) pass=$((pass + 1)); r=PASS ;;
		0,xfail) pass=$((pass + 1)); r="XPASS (tests.list expects a failure)" ;;
		77,*) skip=$((skip + 1)); r=SKIP ;;
		1,xfail) xfail=$((xfail + 1)); r="XFAIL (known, see tests.list)" ;;
		*) fail=$((fail + 1)); r="FAIL (exit $rc)" ;;
		esac
		echo "$r: $t [$arch, $(cut -d' ' -f3 "$res/uname" 2> /dev/null)]"
		[ "$rc" = 0 ] || [ "$rc" = 77 ] || [ "$r" != "FAIL (exit $rc)" ] || sed 's/^/    /' "$kw/vm/$t.log" | grep -E '^    (FAIL|ERROR|#   )' | head -n 20
	done
	say "$1: $pass passed, $fail failed, $xfail expected failures, $skip skipped; VM $boot_s s"
	[ "$vmok" = 0 ] || { say "$1: the VM run was incomplete"; rc_all=1; }
	[ "$fail" = 0 ] || rc_all=1
}
for k in $kernels; do
	boot_and_check "$k"
done

systemd_last
say "total $(($(now) - t_start)) s"
[ "$systemd_rc" = 1 ] && rc_all=1
exit $rc_all
