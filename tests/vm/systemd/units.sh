#!/bin/sh
# tests/vm/systemd/units.sh ROOT UNIT: the units of the systemd VM under
# ROOT/lib/systemd/system: UNIT (contrib/systemd/zwatch-watch.service,
# as shipped), a drop-in that only sends its output to a file and asks
# for zombie_age lines at 500 ms (so that the /proc reads of its
# diagnosis are tried under the unit's sandbox), the test runner, and
# empty targets for the default dependencies.
set -e
u=$1/lib/systemd/system
mkdir -p "$u/zwatch-watch.service.d"
cp "$2" "$u/zwatch-watch.service"
cat > "$u/zwatch-watch.service.d/test.conf" <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/local/bin/zwatch watch --listen 127.0.0.1:9731 --max-zombie-age=500ms
StandardOutput=append:/run/zwatch-watch.log
StandardError=append:/run/zwatch-watch.log
UNIT
for t in sysinit basic shutdown network multi-user sockets paths timers \
		slices local-fs; do
	printf '[Unit]\nDescription=%s\n' "$t" > "$u/$t.target"
done
cat > "$u/zwtest.target" <<'UNIT'
[Unit]
Description=zwatch's systemd test
Wants=zwatch-watch.service zwtest-run.service
UNIT
cat > "$u/zwtest-run.service" <<'UNIT'
[Unit]
Description=zwatch's systemd test: the checks
After=zwatch-watch.service

[Service]
Type=oneshot
ExecStart=/bin/sh /zwtest-run.sh
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
UNIT
