#!/bin/sh
# resolve --format dnsmasq|unbound|bind loaded by the real servers: each one
# runs on 127.0.0.1 with the generated configuration and answers every name
# with its address (A, and AAAA for IPv6 entries), checked with dig and with
# "verify --server". BIND's files pass named-checkconf and named-checkzone.
# The inference wildcards become each server's wildcard record: a name below
# one (an online endpoint nobody named) answers with the wildcard's address.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns-lib.sh"

need dig bind9-dnsutils
NIC="$EXAMPLES/workspace-nic.json"
V6ID=0d3c5a2e-1f7d-4c1e-9a57-2d8f1c6a9b10

# Two targets: the example NIC (IPv4) and one at IPv6 addresses.
cat > "$T/v6.json" <<EOF
{"amlhosts": 1, "entries": [
  {"target": "v6", "fqdn": "$V6ID.workspace.westus.api.azureml.ms", "ip": "fd00:1::5"},
  {"target": "v6", "fqdn": "$V6ID.workspace.westus.api.azureml.ms", "ip": "10.2.0.5"},
  {"target": "v6", "fqdn": "ml-v6-westus-$V6ID.westus.notebooks.azure.net", "ip": "fd00:1::6"},
  {"target": "v6", "fqdn": "*.westus.inference.ml.azure.com", "ip": "fd00:1::7"}
]}
EOF
cat > "$T/conf" <<EOF
[workspace myws]
json_file = $NIC

[workspace v6]
json_file = $T/v6.json
EOF
amlc() {
	run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" "$@"
}

amlc resolve --format csv
expect_rc 0 "resolve csv"
tail -n +2 "$T/out" | cut -d, -f1,2 | sort -u > "$T/expected"
[ "$(wc -l < "$T/expected")" -ge 6 ] || fail "expected at least 6 names"
grep -q ':' "$T/expected" || fail "no IPv6 entry"
# Its api name (and the cert name derived from it) has an A and an AAAA record.
cut -d, -f1 "$T/expected" | sort | uniq -d | grep -qx "$V6ID.workspace.westus.api.azureml.ms" ||
	fail "expected a name with an IPv4 and an IPv6 address"

# The wildcards (the example NIC's at 10.1.0.7, v6's at fd00:1::7) and their
# zones, which BIND holds as zones of their own.
WZ4=eastus.inference.ml.azure.com
WZ6=westus.inference.ml.azure.com

# check_wildcards NAME PORT: names below the wildcards answer.
check_wildcards() {
	for q in "myendpoint.$WZ4 A 10.1.0.7" "churn-scoring.$WZ4 A 10.1.0.7" \
	    "myendpoint.$WZ6 AAAA fd00:1::7"; do
		set -- "$1" "$2" $q
		got=$(ask "$2" "$3" "$4")
		if [ "$got" != "$5" ]; then
			fail "$1: wildcard: $3 $4: got '$got', expected $5"
		else
			pass
		fi
	done
}

# check_server NAME PORT: every name answers with its address, AAAA for
# IPv6 and A for IPv4, and no address of the other family.
check_server() {
	check_wildcards "$1" "$2"
	while IFS=, read -r fqdn ip; do
		case $ip in
		*:*) want=AAAA other=A ;;
		*) want=A other=AAAA ;;
		esac
		got=$(ask "$2" "$fqdn" "$want")
		if [ "$got" != "$ip" ]; then
			fail "$1: $fqdn $want: got '$got', expected $ip"
		else
			pass
		fi
		# A name with both (A and AAAA) is checked once per family.
		grep -q "^$fqdn,$(case $other in A) echo '[0-9.]*$' ;; *) echo '.*:' ;; esac)" \
		    "$T/expected" && continue
		got=$(ask "$2" "$fqdn" "$other")
		[ -z "$got" ] || fail "$1: $fqdn $other: got '$got', expected none"
	done < "$T/expected"
	# verify asks the server itself (IPv4 server, A and AAAA per entry).
	run timeout 60 "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" \
	    verify --server "127.0.0.1:$2"
	expect_rc 0 "$1: verify --server" || sed 's/^/  out: /' "$T/out" >&2
	expect_out "^$(wc -l < "$T/expected" | tr -d ' ') names: $(wc -l < "$T/expected" | tr -d ' ') ok, 0 wrong, 0 no answer (asked 127\.0\.0\.1:$2)$"
}

# dnsmasq
if have dnsmasq; then
	amlc resolve --format dnsmasq
	expect_rc 0 "resolve dnsmasq"
	cp "$T/out" "$T/amlhosts.dnsmasq"
	if start_dnsmasq dnsmasq "$T/amlhosts.dnsmasq"; then
		check_server dnsmasq "$DNS_PORT"
	fi
	dns_stop
else
	skip_part "dnsmasq is not installed (Debian package 'dnsmasq')"
fi

# Unbound
if have unbound && have unbound-checkconf; then
	amlc resolve --format unbound
	expect_rc 0 "resolve unbound"
	cp "$T/out" "$T/amlhosts.unbound"
	if start_unbound unbound "$T/amlhosts.unbound"; then
		check_server unbound "$DNS_PORT"
		# transparent: a name below the zone is not answered from it.
		first=$(head -1 "$T/expected" | cut -d, -f1)
		[ -z "$(ask "$DNS_PORT" "x.$first" A)" ] || fail "unbound: a name below a zone answered"
	fi
	dns_stop
else
	skip_part "unbound is not installed (Debian package 'unbound')"
fi

# BIND: files in a directory, checked and loaded.
if have named && have named-checkconf && have named-checkzone; then
	amlc resolve --format bind --output-dir "$T/bind"
	expect_rc 0 "resolve bind --output-dir"
	expect_out "add 'include \"$T/bind/named.conf.amlhosts\";' to named.conf"
	[ -f "$T/bind/named.conf.amlhosts" ] || fail "no named.conf.amlhosts"
	nzones=0
	cut -d, -f1 "$T/expected" | uniq | while read -r fqdn; do echo "$fqdn,"; done > "$T/zones"
	printf '%s,\n' "$WZ4" "$WZ6" >> "$T/zones"
	grep -q '^\*	IN	A	10\.1\.0\.7$' "$T/bind/db.$WZ4" || fail "bind: no wildcard record"
	while IFS=, read -r fqdn ip; do
		nzones=$((nzones + 1))
		if named-checkzone "$fqdn" "$T/bind/db.$fqdn" > "$T/checkzone" 2>&1; then
			pass
		else
			fail "named-checkzone $fqdn"
			sed 's/^/  /' "$T/checkzone" >&2
		fi
		grep -q "^zone \"$fqdn\" {" "$T/bind/named.conf.amlhosts" || fail "no zone $fqdn"
	done < "$T/zones"
	[ "$(ls "$T/bind" | grep -c '^db\.')" -eq "$nzones" ] || fail "zone file count"
	named_name=named named_fragment="$T/bind/named.conf.amlhosts" named_conf 53
	if named-checkconf -z "$T/named.conf" > "$T/checkconf" 2>&1; then
		pass
	else
		fail "named-checkconf -z"
		sed 's/^/  /' "$T/checkconf" >&2
	fi
	if start_named named "$T/bind/named.conf.amlhosts"; then
		check_server named "$DNS_PORT"
	fi
	dns_stop

	# The stream on stdout holds the same zone files under separators.
	amlc resolve --format bind
	expect_rc 0 "resolve bind (stream)"
	mkdir "$T/split"
	awk -v dir="$T/split" '/^(\/\/|;) ---- file [^ ]+ ----$/ { f = dir "/" $4; next }
	    { print > f }' "$T/out"
	for f in "$T"/bind/db.*; do
		same "$f" "$T/split/$(basename "$f")" "stream $(basename "$f")"
	done
	grep -q "file \"db\." "$T/split/named.conf.amlhosts" || fail "stream: relative file names"

	# Again with one target: the other target's zone files go, the
	# directory is otherwise left alone.
	echo keep > "$T/bind/db.not-ours"
	amlc resolve myws --format bind --output-dir "$T/bind"
	expect_rc 0 "resolve bind again"
	[ ! -e "$T/bind/db.$V6ID.workspace.westus.api.azureml.ms" ] || fail "stale zone file kept"
	[ ! -e "$T/bind/db.$WZ6" ] || fail "stale wildcard zone file kept"
	[ -e "$T/bind/db.$WZ4" ] || fail "the wildcard zone file of myws removed"
	[ -e "$T/bind/db.not-ours" ] || fail "a file amlhosts did not write was removed"
	! grep -q "$V6ID" "$T/bind/named.conf.amlhosts" || fail "stale zone in the fragment"
else
	skip_part "named is not installed (Debian package 'bind9')"
fi

# Deterministic: the same entries give the same bytes.
for f in dnsmasq unbound bind coredns powershell; do
	amlc resolve --format "$f"
	cp "$T/out" "$T/one"
	amlc resolve --format "$f"
	same "$T/one" "$T/out" "$f output twice"
done
finish_dns
