#!/bin/sh
# wildcard.sh - the inference wildcard "*.<region>.inference.<zone>": a
# hosts file cannot hold it, so one note per run lists every target's
# wildcards, and only where they are lost (apply, plan, resolve --format
# hosts/json/csv/coredns); DNS-server formats that can hold a wildcard write
# it as their wildcard record instead, with no note.
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
G2=2c0a3e5b-6d7f-4a8b-9c1d-3e5f7a9b1c2d
printf '{"amlhosts": 1, "entries": [
  {"target": "w2", "fqdn": "%s.workspace.westus.api.azureml.ms", "ip": "10.2.0.5"},
  {"target": "w2", "fqdn": "*.westus.inference.ml.azure.com", "ip": "10.2.0.7"}]}\n' \
    "$G2" > "$T/w2.json"
printf '127.0.0.1 localhost\n' > "$T/hosts"
printf '[workspace myws]\njson_file = %s\n[workspace w2]\njson_file = %s\n' \
    "$NIC" "$T/w2.json" > "$T/conf"
W1="'\*\.eastus\.inference\.ml\.azure\.com' (10\.1\.0\.7)"
W2="'\*\.westus\.inference\.ml\.azure\.com' (10\.2\.0\.7)"

# c ARGS...: run with the two-target configuration.
c() {
	run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" "$@"
}

# once WHAT WHERE: one wildcard line, naming both targets' wildcards.
once() {
	[ "$(grep -c wildcard "$T/err")" -eq 1 ] ||
	    fail "$1: the wildcard note is not said once: $(cat "$T/err")"
	expect_err "^amlhosts: note: $W1, $W2 are each a wildcard, which $2 cannot hold; name your online endpoints with 'online_endpoints = NAME, \.\.\.' in the target's section$"
}

c plan
expect_rc 0 "plan, two targets"
once plan "a hosts file"
c apply
expect_rc 0 "apply, two targets"
once apply "a hosts file"
! grep -q '\*' "$T/hosts" || fail "a wildcard in the hosts file"
for f in hosts csv coredns; do
	c resolve --format "$f"
	expect_rc 0 "resolve --format $f"
	[ "$f" = hosts ] && where="a hosts file" || where="--format $f"
	once "resolve --format $f" "$where"
	! grep -q '\*' "$T/out" || fail "resolve --format $f writes a wildcard"
done

# The DNS-server formats hold it: no note, the server's wildcard record.
for f in json dnsmasq unbound bind powershell; do
	c resolve --format "$f"
	expect_rc 0 "resolve --format $f"
	! grep -q wildcard "$T/err" || fail "$f: a wildcard note: $(cat "$T/err")"
done
c resolve --format json
expect_out '^      "fqdn": "\*\.westus\.inference\.ml\.azure\.com",$'
expect_out '^      "wildcard": true$'
# ... which --from-json reads back as the wildcard: the same output.
aml resolve --format json --name myws --from-json "$NIC"
cp "$T/out" "$T/myws.json"
aml resolve --format json --name myws --from-json "$T/myws.json"
expect_rc 0 "resolve --format json of its own output"
same "$T/myws.json" "$T/out" "json round trip with wildcards"
c resolve --format dnsmasq
expect_out '^address=/eastus\.inference\.ml\.azure\.com/10\.1\.0\.7$'
expect_out '^address=/westus\.inference\.ml\.azure\.com/10\.2\.0\.7$'
c resolve --format unbound
expect_out '^	local-zone: "westus\.inference\.ml\.azure\.com\." redirect$'
expect_out '^	local-data: "westus\.inference\.ml\.azure\.com\. 300 IN A 10\.2\.0\.7"$'
c resolve --format bind
expect_out '^zone "eastus\.inference\.ml\.azure\.com" {$'
expect_out '^\*	IN	A	10\.1\.0\.7$'
c resolve --format powershell
expect_out '-ZoneName "westus\.inference\.ml\.azure\.com" -Name "\*" -IPv4Address "10\.2\.0\.7"'

# online_endpoints = none: that target's wildcard is neither noted nor
# written; the other's still is.
printf '[workspace myws]\njson_file = %s\nonline_endpoints = none\n[workspace w2]\njson_file = %s\n' \
    "$NIC" "$T/w2.json" > "$T/conf"
c plan
expect_rc 0 "plan, one target with online_endpoints = none"
expect_err "^amlhosts: note: $W2 is a wildcard, which a hosts file cannot hold"
! grep -q eastus.inference "$T/err" || fail "a note for online_endpoints = none"
c resolve --format dnsmasq
! grep -q 'address=/eastus' "$T/out" || fail "a wildcard record with online_endpoints = none"
expect_out '^address=/westus\.inference\.ml\.azure\.com/10\.2\.0\.7$'

# Named online endpoints replace the wildcard: neither note nor record.
aml resolve --format dnsmasq --name myws --from-json "$NIC" --online-endpoint ep1
expect_rc 0 "an online endpoint named"
! grep -q 'address=' "$T/out" || fail "a wildcard record with endpoints named"
expect_out '^host-record=ep1\.eastus\.inference\.ml\.azure\.com,10\.1\.0\.7$'

# An Azure target: amlhosts-azure's answer carries the wildcards no online
# endpoint replaced (as resolve --format json does); the writer notes them
# once and the DNS-server formats write them. A stand-in helper beside a
# copy of the binary (the beside-the-binary rule) gives the answer.
mkdir "$T/bin"
cp "$AMLHOSTS" "$T/bin/amlhosts"
cat > "$T/bin/amlhosts-azure" <<EOF
#!/bin/sh
cat > /dev/null
printf '%s\n' '{"amlhosts": 1, "entries": [
  {"target": "az", "fqdn": "$G2.workspace.westus.api.azureml.ms", "ip": "10.2.0.5"},
  {"target": "az", "fqdn": "*.westus.inference.ml.azure.com", "ip": "10.2.0.7", "wildcard": true}]}'
EOF
chmod 755 "$T/bin/amlhosts-azure"
# (discovery_user = root: the stand-in lives in this root-only directory)
printf '[global]\ndiscovery_user = root\n[workspace az]\nsubscription = 00000000-0000-0000-0000-000000000000\nresource_group = rg\nworkspace = az\n' \
    > "$T/az.conf"
run "$T/bin/amlhosts" -c "$T/az.conf" -H "$T/hosts" --state-dir "$STATE" plan
expect_rc 0 "plan, an Azure target"
[ "$(grep -c wildcard "$T/err")" -eq 1 ] || fail "Azure target: not one wildcard note: $(cat "$T/err")"
expect_err "^amlhosts: note: $W2 is a wildcard, which a hosts file cannot hold"
run "$T/bin/amlhosts" -c "$T/az.conf" -H "$T/hosts" --state-dir "$STATE" resolve --format dnsmasq
expect_rc 0 "resolve --format dnsmasq, an Azure target"
expect_out '^address=/westus\.inference\.ml\.azure\.com/10\.2\.0\.7$'
finish
