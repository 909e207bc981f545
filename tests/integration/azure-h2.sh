#!/bin/sh
# Connection reuse over HTTP/2 (issue 13): the whole discovery of one
# workspace with its dependencies (workspace, lists, storage account, key
# vault, registry, their private endpoints and a NIC: four rounds of
# requests, most of them concurrent) goes over one connection to the ARM
# host, multiplexed. That takes CURLOPT_PIPEWAIT (the concurrent requests
# of the first round wait for the first connection to say it multiplexes,
# rather than each opening its own) and the multi handle's connection cache
# kept across rounds. fake_azure.py speaks HTTP/1.1, where concurrent
# requests need connections of their own, so this test serves its routes
# and bodies over HTTP/2 with fake_h2.py.
. "$(dirname "$0")/lib.sh"

# A python3 with the h2 package (Debian: python3-h2): the system's may have
# it where the first on PATH does not.
PYTHON=
for py in python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import h2' >/dev/null 2>&1; then
		PYTHON=$py
		break
	fi
done
if [ -z "$PYTHON" ]; then
	echo "SKIP: python3-h2 is not installed (the HTTP/2 fake Azure server needs it;" \
	    "tests/setup-debian.sh installs it)" >&2
	exit 77
fi
. "$(dirname "$0")/azure-lib.sh"
# shellcheck disable=SC2034  # start_server (azure-lib.sh) runs it
FAKE="$AZDIR/fake_h2.py"

start_server deps
cp "$HOSTS/debian" "$T/hosts"
conf "$WS_SECTION
compute_instances = auto
online_endpoints = auto"
# The token from another host name of the same server, so that the ARM
# host's first round finds no connection open: the token's would otherwise
# carry it, with or without PIPEWAIT.
sed -i "s|^login_endpoint = https://127\.0\.0\.1:|login_endpoint = https://localhost:|" "$T/conf"
azrun -v -v apply
expect_rc 0 "discovery over HTTP/2" || true
grep -q "^10\.2\.0\.8${TAB}kvmyws\.vault\.azure\.net\$" "$T/hosts" ||
	fail "discovery over HTTP/2: the key vault's name is not in the hosts file"

# What amlhosts says, request by request: "N new connections" for each ARM
# GET (-v -v) add up to 1, and the total counts the token's besides.
grep 'http: GET https://127\.0\.0\.1:' "$T/err" > "$T/arm" || true
nreq=$(wc -l < "$T/arm")
[ "$nreq" -ge 10 ] || fail "HTTP/2: only $nreq ARM requests traced (-v -v), expected the whole discovery"
nconn=$(sed -n 's/.* \([0-9][0-9]*\) new connections)$/\1/p' "$T/arm" | awk '{ n += $1 } END { print n + 0 }')
if [ "$nconn" -eq 1 ]; then
	pass
else
	fail "HTTP/2: $nreq ARM requests opened $nconn connections, expected 1"
	sed 's/^/  /' "$T/arm" >&2
fi
expect_err "Azure: $((nreq + 1)) requests over 2 connections" || true
# And what the server saw: two connections, every ARM request on one.
[ "$(count_log ' + conn=.* h2 ')" -eq 2 ] || fail "HTTP/2: the server did not see exactly 2 connections"
[ "$(log_new | sed -n 's/.* > conn=\([0-9]*\) https GET \/subscriptions\/.*/\1/p' | sort -u | wc -l)" -eq 1 ] ||
	fail "HTTP/2: the ARM requests came over more than one connection"

stop_server
finish
