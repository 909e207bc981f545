#!/bin/sh
# adhoc.sh - the keys a message may suggest have ad-hoc equivalents
# (--cloud, --online-endpoint, --allow-empty), and messages suggest the
# form the user is using: the option for an ad-hoc target, the key for a
# section. The wildcard note: once, and not with online_endpoints = none.
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
CN=0d3c5a2e-1f7d-4c1e-9a57-2d8f1c6a9b10.workspace.chinaeast2.api.ml.azure.cn
printf '{"amlhosts": 1, "entries": [{"target": "cn", "fqdn": "%s", "ip": "10.3.0.5"}]}\n' \
    "$CN" > "$T/cn.json"
printf '{"amlhosts": 1, "entries": []}\n' > "$T/empty.json"
printf '127.0.0.1 localhost\n' > "$T/hosts"

# --cloud: an Azure China export, without a configuration file.
aml resolve --name cn --from-json "$T/cn.json"
expect_rc 2 "a China name in the default cloud"
aml resolve --name cn --from-json "$T/cn.json" --cloud AzureChinaCloud
expect_rc 0 "--cloud AzureChinaCloud"
expect_out "^10\.3\.0\.5	$CN$"

# --online-endpoint: repeatable, and NAME,NAME.
aml resolve --name myws --from-json "$NIC"
expect_rc 0 "resolve without online endpoints"
expect_err "note: '\*\.eastus\.inference\.ml\.azure\.com' (10\.1\.0\.7) is a wildcard.*--online-endpoint NAME$"
[ "$(grep -c wildcard "$T/err")" -eq 1 ] || fail "the wildcard note is not said once"
aml resolve --name myws --from-json "$NIC" --online-endpoint ep1 --online-endpoint ep2,ep3
expect_rc 0 "--online-endpoint"
for ep in ep1 ep2 ep3; do
	expect_out "^10\.1\.0\.7	$ep\.eastus\.inference\.ml\.azure\.com$"
done
grep -q wildcard "$T/err" && fail "wildcard note with online endpoints named"

# The same with a configuration file suggests the key; "none" silences it.
printf '[workspace myws]\njson_file = %s\n' "$NIC" > "$T/conf"
run "$AMLHOSTS" -c "$T/conf" resolve
expect_rc 0 "configured target"
expect_err "'online_endpoints = NAME, ...' in the target's section$"
printf 'online_endpoints = none\n' >> "$T/conf"
run "$AMLHOSTS" -c "$T/conf" resolve
expect_rc 0 "online_endpoints = none"
grep -q wildcard "$T/err" && fail "wildcard note with online_endpoints = none: $(cat "$T/err")"

# --allow-empty, and the hint that names it.
aml apply --name myws --from-json "$T/empty.json"
expect_rc 2 "an empty source"
expect_err "(give --allow-empty if that is intended)"
aml apply --name myws --from-json "$T/empty.json" --allow-empty
expect_rc 0 "--allow-empty"
grep -q '^# BEGIN amlhosts myws$' "$T/hosts" || fail "--allow-empty wrote no empty block"
printf '[workspace e]\njson_file = %s\n' "$T/empty.json" > "$T/conf"
run "$AMLHOSTS" -c "$T/conf" resolve
expect_rc 2 "an empty configured source"
expect_err "(set allow_empty = yes in its section if that is intended)"
finish
