# syslog-lib.sh - sourced after lib.sh by a test that checks what syslog
# receives (syslog.sh, azure.sh).
# glibc's syslog() writes to /dev/log: the runs get their own in a mount
# namespace (/dev replaced by $T/dev, with the devices they need and a
# socket that a listener copies to $T/syslog, a datagram a line).

# syslog_usable: root, unshare -m and python3 are here to do that.
syslog_usable() {
	[ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 &&
	    command -v python3 >/dev/null 2>&1 &&
	    unshare -m sh -c 'mount --bind "$1" /dev' sh "$T" 2>/dev/null
}

# syslog_start: the listener, ready; then "$T/syslog-run PROGRAM ARG..."
# runs PROGRAM with /dev/log the listener's socket. 1 if it did not start.
syslog_start() {
	mkdir -p "$T/dev"
	for d in null zero full random urandom; do
		: > "$T/dev/$d"
	done
	rm -f "$T/dev/log" "$T/dev/log.ready" "$T/syslog"
	cat > "$T/syslog-listen.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)  # never outlives the test
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if d == b"\0end":  # sent after the runs: all their lines came before it
            break
        f.write(d.replace(b"\n", b"\\n") + b"\n")
PY
	cat > "$T/syslog-run" <<'SH'
#!/bin/sh
exec unshare -m sh -c 'for d in null zero full random urandom; do
	mount --bind "/dev/$d" "$1/dev/$d" || exit 125
done
mount --bind "$1/dev" /dev || exit 125
shift
exec "$@"' sh "$(dirname "$0")" "$@"
SH
	chmod 755 "$T/syslog-run"
	python3 "$T/syslog-listen.py" "$T/dev/log" "$T/syslog" &
	SYSLOG_LISTENER=$!
	# On the clock, and generous: a Python start took over 12 s on 2 busy
	# CPUs (azure.sh's wait_ready).
	deadline=$(($(date +%s) + 60))
	while [ ! -e "$T/dev/log.ready" ] && kill -0 "$SYSLOG_LISTENER" 2>/dev/null &&
	    [ "$(date +%s)" -lt "$deadline" ]; do
		sleep 0.1
	done
	[ -e "$T/dev/log.ready" ] || { kill "$SYSLOG_LISTENER" 2>/dev/null; return 1; }
}

# syslog_stop: the listener has written every line of the runs, and
# $T/syslog.msgs holds their messages ("<13>Nov 26 01:02:03 amlhosts[42]:
# MESSAGE" -> MESSAGE). Not a sleep and a kill: a listener short of CPU
# would lose what is still queued; the datagrams arrive in order, so once
# it reads this one it has written the others.
syslog_stop() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"\0end", sys.argv[1])' "$T/dev/log" || kill "$SYSLOG_LISTENER" 2>/dev/null || true
	wait "$SYSLOG_LISTENER" 2>/dev/null || true
	sed 's/^<[0-9]*>.\{15\} amlhosts\[[0-9]*\]: //' "$T/syslog" > "$T/syslog.msgs"
}
