#!/bin/sh
# tests/vm/init.sh - /init of the check-vm initramfs (busybox sh, pid 1).
#
# Runs the commands the host's tests recorded (/plan.sh, made by
# tests/vm/vmtool.py: one `zw_run TEST IDX TIMEOUT KIND -- CMD...` a line)
# and prints each result on the console as gzip+base64 between
# "@@ZW-FILE NAME" and "@@ZW-END NAME MD5", right after the command, so
# that a VM that dies midway still leaves what it did.  The host unpacks
# them (vmtool.py unpack) and the same e2e tests check them
# (ZWTEST_REPLAY).  Ends with "@@ZW-DONE" and powers off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mkdir -p /out
cd /tmp
ulimit -c 0

emit() {	# emit NAME FILE: FILE on the console, if it exists
	[ -f "$2" ] || return 0
	gzip -c < "$2" > /tmp/emit.gz
	echo "@@ZW-FILE $1"
	base64 /tmp/emit.gz
	echo "@@ZW-END $1 $(md5sum < /tmp/emit.gz | cut -d' ' -f1)"
}

uptime_cs() {	# seconds since boot, in hundredths
	read -r up _ < /proc/uptime
	echo "${up%.*}${up#*.}"
}

# zw_run TEST IDX TIMEOUT KIND -- CMD...: runs CMD (stdin /dev/null) with
# a timeout; @JSON@ in CMD is the trace file.  Records its exit status,
# pid (zwatch's own: busybox timeout execs CMD in its own process),
# stdout, stderr, elapsed seconds and the trace.
zw_run() {
	t=$1 i=$2 tmo=$3
	shift 5
	mkdir -p "/out/$t"
	f=/out/$t/$i
	n=$#
	for a; do
		[ "$a" = @JSON@ ] && a=$f.jsonl
		set -- "$@" "$a"
	done
	shift "$n"
	echo "@@ZW-RUN $t $i: $*"
	t0=$(uptime_cs)
	timeout "$tmo" "$@" < /dev/null > "$f.out" 2> "$f.err" &
	pid=$!
	wait "$pid"
	echo $? > "$f.rc"
	t1=$(uptime_cs)
	echo "$pid" > "$f.pid"
	el=$((t1 - t0))
	printf '%d.%02d\n' $((el / 100)) $((el % 100)) > "$f.elapsed"
	for ext in rc pid elapsed out err jsonl; do
		emit "$t/$i.$ext" "$f.$ext"
	done
}

echo "@@ZW-BEGIN"
uname -a > /out/uname
emit uname /out/uname
/bin/zwatch -V > /out/zwatch-V.out 2>&1
emit zwatch-V.out /out/zwatch-V.out
cat /out/zwatch-V.out
. /plan.sh
dmesg > /out/dmesg
emit dmesg /out/dmesg
echo "@@ZW-DONE"
sync
poweroff -f
