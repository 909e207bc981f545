#!/bin/sh
# json-encoding.sh - JSON holds only UTF-8: a hosts file path or a hosts
# file line in another encoding (Latin-1 here) makes plan, status and
# history --json fail with an encoding error, not "out of memory"; the same
# commands without --json still work.
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
H=$(printf '%s/h\351sts' "$T")
printf '127.0.0.1 localhost\n' > "$H"
lat() { run "$AMLHOSTS" -c /dev/null -H "$H" --state-dir "$STATE" "$@"; }

lat apply --name myws --from-json "$NIC"
expect_rc 0 "apply to a Latin-1 path"
for cmd in "plan --name myws --from-json $NIC" status history; do
	# shellcheck disable=SC2086
	lat --json $cmd
	expect_rc 1 "$cmd --json with a Latin-1 path"
	expect_err "cannot write JSON: .* is not UTF-8 text"
	grep -q "out of memory" "$T/err" && fail "$cmd --json: taken for out of memory"
	# shellcheck disable=SC2086
	lat $cmd
	expect_rc 0 "$cmd without --json"
done

# A UTF-8 path is fine; a Latin-1 line in the diff is not.
printf '127.0.0.1 localhost\n# caf\351\n' > "$T/hosts"
aml --json plan --name myws --from-json "$NIC"
expect_rc 1 "plan --json with a Latin-1 line in the diff"
expect_err "cannot write JSON: the hosts file's path or a line of it is not UTF-8 text"
aml plan --name myws --from-json "$NIC"
expect_rc 0 "plan without --json"

# verify --json names the hosts file in its causes when it is the system's:
# a Latin-1 name for it (a hard link of a scratch file bind-mounted over
# /etc/hosts, in a mount namespace of its own) is an encoding error too.
printf '127.0.0.1 localhost\n' > "$T/sys"
L=$(printf '%s/sys-h\351sts' "$T")
ln "$T/sys" "$L"
if [ "$(id -u)" -eq 0 ] && unshare -m sh -c 'mount --bind "$1" /etc/hosts' sh "$T/sys" 2>/dev/null; then
	run unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$T/sys" \
	    "$AMLHOSTS" -c /dev/null -H "$L" --json verify --name myws --from-json "$NIC"
	expect_rc 1 "verify --json, the system's hosts file under a Latin-1 name"
	expect_err "cannot write JSON: .* is not UTF-8 text"
	grep -q "out of memory" "$T/err" && fail "verify --json: taken for out of memory"
else
	echo "SKIP: verify --json with a Latin-1 system hosts path needs root and unshare -m" >&2
fi
finish
