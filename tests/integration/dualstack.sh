#!/bin/sh
# dualstack.sh - a name may have one IPv4 and one IPv6 address (its A and
# AAAA records), in one target or across two; two of one family stay a
# conflict.
. "$(dirname "$0")/lib.sh"

API=fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms
CERT=fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.cert.api.azureml.ms
# json FILE TARGET IP...: an amlhosts JSON source mapping API to each IP.
json() {
	f=$1 t=$2
	shift 2
	{
		printf '{"amlhosts": 1, "entries": ['
		sep=
		for ip in "$@"; do
			printf '%s{"target": "%s", "fqdn": "%s", "ip": "%s"}' "$sep" "$t" "$API" "$ip"
			sep=,
		done
		printf ']}\n'
	} > "$f"
}

printf '127.0.0.1 localhost\n' > "$T/hosts"
json "$T/ds.json" myws 10.1.0.5 fd00:1::5
aml apply --name myws --from-json "$T/ds.json"
expect_rc 0 "apply a name with an IPv4 and an IPv6 address"
tab=$(printf '\t')
for line in "10.1.0.5 $API" "fd00:1::5 $API" "10.1.0.5 $CERT" "fd00:1::5 $CERT"; do
	grep -qx "${line% *}$tab${line#* }" "$T/hosts" || fail "the hosts file lacks '$line'"
done
aml apply --name myws --from-json "$T/ds.json"
expect_rc 0 "apply again"
expect_out "up to date"
aml verify --name myws --from-json "$T/ds.json" --json
grep -q '"fd00:1::5"' "$T/out" || fail "verify does not check the AAAA address"

# Two IPv4 addresses: a conflict, nothing written.
cp "$T/hosts" "$T/hosts.before"
json "$T/two.json" myws 10.1.0.5 10.1.0.9
aml apply --name myws --from-json "$T/two.json"
expect_rc 2 "two IPv4 addresses"
expect_err "maps to both 10.1.0.5 and 10.1.0.9"
cmp -s "$T/hosts" "$T/hosts.before" || fail "a conflict changed the hosts file"
json "$T/two6.json" myws fd00:1::5 fd00:1::9 10.1.0.5
aml resolve --format dnsmasq --name myws --from-json "$T/two6.json"
expect_rc 2 "two IPv6 addresses"
expect_err "maps to both fd00:1::5 and fd00:1::9"

# Across targets: one target's A and another's AAAA are one name's records;
# two A records of two targets stay a conflict.
json "$T/a.json" wsa 10.1.0.5
json "$T/b.json" wsb fd00:1::5
json "$T/c.json" wsc 10.1.0.7
printf '[workspace wsa]\njson_file = %s\n[workspace wsb]\njson_file = %s\n' \
    "$T/a.json" "$T/b.json" > "$T/conf"
run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" resolve --format dnsmasq
expect_rc 0 "A in one target, AAAA in another"
expect_out "^host-record=$API,10.1.0.5,fd00:1::5$"
printf '[workspace wsc]\njson_file = %s\n' "$T/c.json" >> "$T/conf"
run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" resolve --format dnsmasq
expect_rc 2 "two targets, two A records"
expect_err "maps to 10.1.0.5 in target 'wsa' and to 10.1.0.7 in target 'wsc'"
finish
