#!/bin/sh
# --syslog: every change is logged with the file, the change ID and the
# blocks it changed with their entries, and every failure too, also with
# --quiet (the documented timer and cron line) (issue 15), as syslog
# receives it (syslog-lib.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/syslog-lib.sh"

if ! syslog_usable; then
	echo "SKIP: needs root, unshare -m (util-linux) and python3 to give the runs a private /dev/log" >&2
	exit 77
fi

NIC="$EXAMPLES/workspace-nic.json"
syslog_start || { fail "the syslog listener did not start"; finish; }

# logged ARGS...: amlhosts --quiet --syslog ARGS with /dev/log the listener's.
logged() {
	run "$T/syslog-run" "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" \
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

syslog_stop

# expect_logged LINE: syslog received exactly this line.
expect_logged() {
	if grep -qxF -- "$1" "$T/syslog.msgs"; then
		pass
	else
		fail "syslog lacks '$1'"
		sed 's/^/  syslog: /' "$T/syslog.msgs" >&2
	fi
}
expect_logged "apply: changed '$T/hosts' (change 1): myws: 3 entries (new)"
expect_logged "apply: changed '$T/hosts' (change 2): other: 4 entries (new)"
expect_logged "remove: changed '$T/hosts' (change 3): myws: removed"
expect_logged "cannot open '$T/missing.json': No such file or directory; check the file name (--from-json FILE, or json_file in the configuration)"
expect_logged "apply: changed '$T/hosts' (change 4): other: 3 entries (was 4)"
expect_logged "uninstall: changed '$T/hosts' (change 5): other: removed"
# The second apply of myws changed nothing: nothing logged for it.
[ "$(grep -c 'changed' "$T/syslog.msgs")" -eq 5 ] && pass || fail "expected 5 changes in syslog: $(cat "$T/syslog.msgs")"

finish
