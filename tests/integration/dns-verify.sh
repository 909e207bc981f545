#!/bin/sh
# verify: the system resolver, in a private mount namespace whose
# /etc/hosts is a scratch file with a right, a wrong (public) and a missing
# name and whose nsswitch.conf reads files only; then verify --server
# against a dnsmasq holding right, wrong and missing names, and against a
# port where no server listens.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns-lib.sh"

WSID=fb7e20a0-8891-458b-b969-55ddb3382f51
NIC="$EXAMPLES/workspace-nic.json"
API="$WSID.workspace.eastus.api.azureml.ms"
CERT="$WSID.workspace.eastus.cert.api.azureml.ms"
NB="ml-myws-eastus-$WSID.eastus.notebooks.azure.net"
RE_API=$(echo "$API" | sed 's/\./\\./g')
RE_CERT=$(echo "$CERT" | sed 's/\./\\./g')
RE_NB=$(echo "$NB" | sed 's/\./\\./g')

# Usage errors come first and need nothing.
aml verify --server fd00::53 --name myws --from-json "$NIC"
expect_rc 2 "verify --server IPv6"
expect_err "IPv4"
aml verify --server dns.example.com --name myws --from-json "$NIC"
expect_rc 2 "verify --server NAME"
aml verify --server 127.0.0.1:99999 --name myws --from-json "$NIC"
expect_rc 2 "verify --server bad port"
aml resolve --server 127.0.0.1 --name myws --from-json "$NIC"
expect_rc 2 "--server does not apply to resolve"

# A server that is not there: exit 4 at once, not after minutes.
start_s=$(date +%s)
run timeout 60 "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" \
    verify --server "127.0.0.1:$DEAD_PORT" --name myws --from-json "$NIC"
expect_rc 4 "verify --server (nothing listening)"
expect_out "^no answer  *$RE_API  *.*refused the connection"
expect_out "not asked"
expect_out "did not answer: check the address and port"
[ $(($(date +%s) - start_s)) -lt 20 ] || fail "verify against a dead port took too long"

# verify_ns HOSTS-FILE ARGS...: run verify in a private mount namespace
# with HOSTS-FILE as /etc/hosts and "hosts: files" as nsswitch.conf.
printf 'hosts: files\n' > "$T/nsswitch.conf"
verify_ns() {
	hf=$1
	shift
	set +e
	unshare -m sh -c '
		mount --make-rprivate / 2>/dev/null
		mount --bind "$1" /etc/hosts || exit 99
		mount --bind "$2" /etc/nsswitch.conf || exit 99
		shift 2
		exec "$@"
	' sh "$hf" "$T/nsswitch.conf" timeout 60 "$AMLHOSTS" -c /dev/null -H "$hf" \
	    --state-dir "$STATE" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	if [ "$rc" -eq 99 ]; then
		echo "SKIP: cannot bind-mount over /etc/hosts here"
		exit 77
	fi
}

if have unshare && unshare -m true 2>/dev/null; then
	# right, wrong (a public address), missing
	cat > "$T/hosts.mixed" <<EOF
127.0.0.1	localhost
10.1.0.5	$API
20.42.1.7	$CERT
EOF
	verify_ns "$T/hosts.mixed" verify --name myws --from-json "$NIC"
	expect_rc 4 "verify: right, wrong, missing"
	expect_out "^ok  *$RE_API  *10\.1\.0\.5$"
	expect_out "^wrong  *$RE_CERT  *20\.42\.1\.7 (a public address), expected 10\.1\.0\.5$"
	expect_out "^no answer  *$RE_NB  *name not found, expected 10\.1\.0\.6$"
	expect_out "^3 names: 1 ok, 1 wrong, 1 no answer (system resolver)$"
	expect_out "^likely causes:$"
	expect_out "^  - hosts file not applied: '$T/hosts\.mixed' lacks 1 of these names and maps 1 to another address"
	! grep -q "public answers" "$T/out" || fail "the hosts file's own public address blamed on DNS"
	expect_out "^  - DNS server lacks the zone"
	! grep -q "resolver not using" "$T/out" || fail "the hosts file is used here"

	verify_ns "$T/hosts.mixed" --json verify --name myws --from-json "$NIC"
	expect_rc 4 "verify --json"
	expect_out '"resolver": "system"'
	expect_out '"status": "wrong"'
	expect_out '"addresses": \['
	expect_out '"public": true'
	expect_out '"hosts_file": "absent"'
	expect_out '"no_answer": 1'
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]=={"total":3,"ok":1,"wrong":1,"no_answer":1}, d["summary"]; assert [n["status"] for n in d["names"]]==["ok","wrong","no answer"]; assert d["names"][1]["addresses"]==["20.42.1.7"]; assert len(d["causes"])==2' "$T/out" && pass || fail "verify --json content"
	fi

	verify_ns "$T/hosts.mixed" -q verify --name myws --from-json "$NIC"
	expect_rc 4 "verify -q"
	! grep -q "^ok " "$T/out" || fail "-q lists ok names"
	expect_out "^wrong "

	# The file is applied by amlhosts itself: everything is ok.
	cp "$T/hosts.mixed" "$T/hosts"
	aml apply --name myws --from-json "$NIC"
	expect_rc 0 "apply"
	verify_ns "$T/hosts" verify --name myws --from-json "$NIC"
	expect_rc 0 "verify after apply"
	expect_out "^3 names: 3 ok, 0 wrong, 0 no answer (system resolver)$"
	! grep -q "likely causes" "$T/out" || fail "causes listed when all is ok"

	# The file is right but the resolver does not read it.
	printf 'hosts: dns\n' > "$T/nsswitch.conf"
	cat > "$T/resolv.conf" <<EOF
nameserver 127.0.0.1
options timeout:1 attempts:1
EOF
	set +e
	unshare -m sh -c '
		mount --make-rprivate / 2>/dev/null
		mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/nsswitch.conf &&
		    mount --bind "$3" /etc/resolv.conf || exit 99
		shift 3
		exec "$@"
	' sh "$T/hosts" "$T/nsswitch.conf" "$T/resolv.conf" timeout 60 "$AMLHOSTS" -c /dev/null \
	    -H "$T/hosts" --state-dir "$STATE" verify --name myws --from-json "$NIC" \
	    >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	if [ "$rc" -ne 99 ]; then
		expect_rc 4 "verify, resolver ignores the hosts file"
		expect_out "^  - resolver not using the hosts file: '$T/hosts' maps 3 names correctly"
		expect_out "nsswitch\.conf"
	fi
else
	skip_part "unshare -m is not allowed here (needs root or user namespaces): the system resolver"
fi

# verify --server against a dnsmasq with a right, a wrong and no record.
if have dnsmasq && have dig; then
	cat > "$T/server.records" <<EOF
host-record=$API,10.1.0.5
host-record=$CERT,20.42.1.7
EOF
	if start_dnsmasq server "$T/server.records"; then
		run timeout 60 "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" \
		    verify --server "127.0.0.1:$DNS_PORT" --name myws --from-json "$NIC"
		expect_rc 4 "verify --server: right, wrong, missing"
		expect_out "^ok  *$RE_API  *10\.1\.0\.5$"
		expect_out "^wrong  *$RE_CERT  *20\.42\.1\.7 (a public address), expected 10\.1\.0\.5$"
		# dnsmasq without upstream refuses what it does not hold.
		expect_out "^no answer  *$RE_NB  *REFUSED, expected 10\.1\.0\.6$"
		expect_out "^3 names: 1 ok, 1 wrong, 1 no answer (asked 127\.0\.0\.1:$DNS_PORT)$"
		expect_out "^  - public answers: 127\.0\.0\.1:$DNS_PORT answers 1 name with a public address"
		expect_out "^  - server errors"
		! grep -q "hosts file" "$T/out" || fail "--server blames the hosts file"
	fi
	dns_stop
	# NXDOMAIN: the server holds the zone apex's neighbour, not the name.
	echo "host-record=$API,10.1.0.5" > "$T/server2.records"
	echo "auth-zone=eastus.notebooks.azure.net" >> "$T/server2.records"
	echo "auth-server=ns.example.test" >> "$T/server2.records"
	if start_dnsmasq server2 "$T/server2.records"; then
		run timeout 60 "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" \
		    verify --server "127.0.0.1:$DNS_PORT" --name myws --from-json "$NIC"
		expect_rc 4 "verify --server: NXDOMAIN"
		expect_out "^no answer  *$RE_NB  *NXDOMAIN, expected 10\.1\.0\.6$"
		expect_out "^  - DNS server lacks the zone: 127\.0\.0\.1:$DNS_PORT has no record for"
	fi
else
	skip_part "dnsmasq or dig is missing (Debian packages 'dnsmasq', 'bind9-dnsutils'): verify --server against a server"
fi
finish_dns
