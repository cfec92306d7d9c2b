#!/bin/sh
# tests/vm/systemd/run.sh - runs in the systemd VM (make check-vm,
# x86_64) as zwtest-run.service, after zwatch-watch.service has started:
# reads what systemd made of contrib/systemd/zwatch-watch.service, makes
# zombies, scrapes /metrics, stops the service, prints it all between
# "ZWTEST <part>" lines on the console for tests/vm/systemd/check.py,
# and powers the VM off.
part() { echo "ZWTEST $1"; }
part begin
for i in 1 2 3 4 5 6 7 8 9 10; do
	wget -qO /tmp/m0 http://127.0.0.1:9731/metrics && break
	sleep 1
done
part show
systemctl show zwatch-watch -p ActiveState -p MainPID -p User -p NRestarts
pid=$(systemctl show zwatch-watch -p MainPID --value)
part status
grep -E "^(Uid|Gid|CapEff|CapAmb|CapBnd|NoNewPrivs|Seccomp):" "/proc/$pid/status"
/scn/watch_leaker 3 1500 200 7 > /tmp/leak &
sleep 1
part metrics-during
wget -qO- http://127.0.0.1:9731/metrics
wait
sleep 1
part metrics-after
wget -qO- http://127.0.0.1:9731/metrics
part leaker
cat /tmp/leak
systemctl stop zwatch-watch
part stopped
systemctl show zwatch-watch -p ActiveState -p Result -p ExecMainStatus
part log
cat /run/zwatch-watch.log
part end
poweroff -f
