#!/bin/sh
# resolve's formats, every JSON shape a user may hand in, and the JSON
# round trip.
. "$(dirname "$0")/lib.sh"

WSID=fb7e20a0-8891-458b-b969-55ddb3382f51
NIC="$EXAMPLES/workspace-nic.json"
API="$WSID.workspace.eastus.api.azureml.ms"

aml resolve --name myws --from-json "$NIC"
expect_rc 0 "resolve hosts"
expect_out "^# BEGIN amlhosts myws$"
expect_out "^10\.1\.0\.5	$API$"
aml resolve --format csv --name myws --from-json "$NIC"
expect_rc 0 "resolve csv"
head -1 "$T/out" | grep -qx 'fqdn,ip,target' || fail "csv header"
expect_out "^$API,10\.1\.0\.5,myws$"
aml resolve --format json --name myws --from-json "$NIC"
expect_rc 0 "resolve json"
cp "$T/out" "$T/r1.json"
# Round trip: the json output is a source that resolves to the same bytes.
aml resolve --format json --name myws --from-json "$T/r1.json"
same "$T/r1.json" "$T/out" "json round trip"
aml --json resolve --name myws --from-json "$NIC"
same "$T/r1.json" "$T/out" "--json is --format json"
aml resolve --format yaml --name myws --from-json "$NIC"
expect_rc 2 "unknown format"

# Every accepted shape yields the API name at its address.
for f in az-nic-query.json az-nic-show.json arm-nic.json az-pe-show.json arm-pe.json \
    ps-pe.json ps-pe-utf16le.json ps-pe-utf16be.json az-pe-utf8bom-crlf.json \
    amlhosts.json mixed-array.json arm-list.json; do
	aml resolve --format csv --name myws --from-json "$JSON/$f"
	expect_rc 0 "shape $f" || continue
	grep -q "^$API,10\.1\.0\.5,myws$" "$T/out" || fail "shape $f: api name missing"
	grep -q "^$WSID\.workspace\.eastus\.cert\.api\.azureml\.ms,10\.1\.0\.5,myws$" "$T/out" \
	    || fail "shape $f: cert name missing"
done
aml resolve --format csv --name st --from-json "$JSON/dns-zone-group.json"
expect_rc 0 "dns zone group"
! grep -q privatelink "$T/out" || fail "privatelink label kept"

# PowerShell's default depth: a clear hint.
aml resolve --name myws --from-json "$JSON/ps-pe-depth2.json"
expect_rc 2 "depth-2 PowerShell output"
expect_err "Depth"
# A private endpoint without customDnsConfigs: export the NIC.
aml resolve --name myws --from-json "$JSON/pe-empty-dns.json"
expect_rc 2 "PE without customDnsConfigs"
expect_err "nic"

# Azure's own example responses (their bodies).
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["responses"]["200"]["body"], sys.stdout)' \
	    "$FIXTURES/azure-rest-api-specs/network/2025-03-01/PrivateEndpointGet.json" > "$T/pe.json"
	printf '[global]\nallowed_suffixes = cosmos.com\nallowed_networks = 192.168.0.0/16\n' > "$T/conf"
	run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" resolve --format csv --name pe --from-json "$T/pe.json"
	expect_rc 0 "ARM example private endpoint"
	expect_out "^abc\.cosmos\.com,192\.168\.0\.4,pe$"
	expect_err "'abc\.cosmos\.com' (192\.168\.0\.4) is not an Azure private-link name of AzureCloud known to amlhosts; kept because allowed_suffixes names 'cosmos\.com'"
fi

# A name only allowed_suffixes admits is written, with a note saying so;
# the workspace's own names, in the cloud's zones, need none (issue 13).
cat > "$T/corp.json" <<EOF
[{"IPAddress": "10.1.0.5", "FQDNs": ["$API"]},
 {"IPAddress": "10.1.0.9", "FQDNs": ["db.privatelink.corp.example"]}]
EOF
printf '[global]\nallowed_suffixes = corp.example\n' > "$T/conf"
run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" resolve --format csv --name myws --from-json "$T/corp.json"
expect_rc 0 "a name under allowed_suffixes"
expect_out "^db\.corp\.example,10\.1\.0\.9,myws$"
expect_err "'db\.corp\.example' (10\.1\.0\.9) is not an Azure private-link name of AzureCloud known to amlhosts; kept because allowed_suffixes names 'corp\.example'"
[ "$(grep -c 'kept because' "$T/err")" -eq 1 ] || fail "one note, for the one name outside the cloud's zones"
finish
