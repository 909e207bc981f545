#!/bin/sh
# --syslog: every change is logged with the file, the change ID and the
# blocks it changed with their entries, and every failure too, also with
# --quiet (the documented timer and cron line) (issue 15). glibc's syslog()
# writes to /dev/log: the runs get their own in a mount namespace (/dev
# replaced by a directory with the devices they need and a socket that a
# listener copies to $T/syslog).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1 ||
    ! unshare -m sh -c 'mount --bind "$1" /dev' sh "$T" 2>/dev/null; then
	echo "SKIP: needs root and unshare -m (util-linux) to give the runs a private /dev/log"
	exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: needs python3 for the /dev/log listener (Debian package 'python3')"
	exit 77
fi

NIC="$EXAMPLES/workspace-nic.json"
mkdir -p "$T/dev"
for d in null zero full random urandom; do
	: > "$T/dev/$d"
done
cat > "$T/listen.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)  # never outlives the test
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
python3 "$T/listen.py" "$T/dev/log" "$T/syslog" &
listener=$!
i=0
while [ ! -e "$T/dev/log.ready" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e "$T/dev/log.ready" ] || { kill "$listener"; fail "the syslog listener did not start"; finish; }

# logged ARGS...: amlhosts --quiet --syslog ARGS with /dev/log the listener's.
logged() {
	run unshare -m sh -c 'for d in null zero full random urandom; do
		mount --bind "/dev/$d" "$1/dev/$d" || exit 125
	done
	mount --bind "$1/dev" /dev || exit 125
	shift
	exec "$@"' sh "$T" "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" \
	    --quiet --syslog "$@"
}

printf '127.0.0.1\tlocalhost\n' > "$T/hosts"
logged apply --name myws --from-json "$NIC"
expect_rc 0 "apply --quiet --syslog" || true
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] && pass || fail "--quiet printed: $(cat "$T/out" "$T/err")"
logged apply --name other --from-json "$JSON/dns-zone-group.json"
logged apply --name myws --from-json "$NIC"
logged remove myws
expect_rc 0 "remove --quiet --syslog" || true
logged apply --name other --from-json "$NIC"
logged apply --name bad --from-json "$T/missing.json"
expect_rc 2 "apply of a missing file" || true
logged uninstall
expect_rc 0 "uninstall --quiet --syslog" || true

python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"\0end", sys.argv[1])' "$T/dev/log" || kill "$listener" 2>/dev/null || true
wait "$listener" 2>/dev/null || true
# "<13>Nov 26 01:02:03 amlhosts[42]: MESSAGE" -> MESSAGE
sed 's/^<[0-9]*>.\{15\} amlhosts\[[0-9]*\]: //' "$T/syslog" > "$T/msgs"

# expect_logged LINE: syslog received exactly this line.
expect_logged() {
	if grep -qxF -- "$1" "$T/msgs"; then
		pass
	else
		fail "syslog lacks '$1'"
		sed 's/^/  syslog: /' "$T/msgs" >&2
	fi
}
expect_logged "apply: changed '$T/hosts' (change 1): myws: 3 entries (new)"
expect_logged "apply: changed '$T/hosts' (change 2): other: 4 entries (new)"
expect_logged "remove: changed '$T/hosts' (change 3): myws: removed"
expect_logged "cannot open '$T/missing.json': No such file or directory; check the file name (--from-json FILE, or json_file in the configuration)"
expect_logged "apply: changed '$T/hosts' (change 4): other: 3 entries (was 4)"
expect_logged "uninstall: changed '$T/hosts' (change 5): other: removed"
# The second apply of myws changed nothing: nothing logged for it.
[ "$(grep -c 'changed' "$T/msgs")" -eq 5 ] && pass || fail "expected 5 changes in syslog: $(cat "$T/msgs")"

finish
