#!/bin/sh
# amlhosts discover (issue 13): the workspaces of a subscription or resource
# group with an approved private endpoint, each printed as a section that
# can be pasted into the configuration as it is. The fake server's
# "discover" scenario pages its workspace list two at a time (nextLink).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/azure-lib.sh"

start_server discover
conf
PES=/subscriptions/$SUB/resourceGroups
NET=providers/Microsoft.Network/privateEndpoints

# The subscription: three of its four workspaces (ws-open has no private
# endpoint), over both pages of the list.
azrun -v discover --subscription "$SUB"
expect_rc 0 "discover (subscription)" || true
cat > "$T/want" <<EOT
[workspace myws]
subscription = $SUB
resource_group = rg-ml
workspace = myws

[workspace ws-dr]
subscription = $SUB
resource_group = rg-ml
workspace = ws-dr
; 2 approved private endpoints; keep the one this machine reaches:
;   ws-dr-pe-hub  $PES/rg-net/$NET/ws-dr-pe-hub
;   ws-dr-pe-spoke  $PES/rg-net-dr/$NET/ws-dr-pe-spoke
private_endpoint = $PES/rg-net/$NET/ws-dr-pe-hub

[workspace ws_other]
subscription = $SUB
resource_group = rg-other
workspace = ws_other
EOT
same "$T/want" "$T/out" "discover (subscription): output" || true
expect_err "1 workspace without an approved private endpoint left out" || true
[ "$(count_log "> conn=.* GET /subscriptions/$SUB/providers/Microsoft.MachineLearningServices/workspaces?")" -eq 2 ] ||
	fail "discover (subscription): the list's two pages were not both read"

# A resource group: only its workspaces.
azrun discover --subscription "$SUB" --resource-group rg-other
expect_rc 0 "discover (resource group)" || true
printf '[workspace ws_other]\nsubscription = %s\nresource_group = rg-other\nworkspace = ws_other\n' \
    "$SUB" > "$T/want"
same "$T/want" "$T/out" "discover (resource group): output" || true
[ "$(count_log "GET /subscriptions/$SUB/resourceGroups/rg-other/providers/Microsoft.MachineLearningServices/workspaces?")" -eq 1 ] ||
	fail "discover (resource group): not listed at resource group scope"

# What it prints is a configuration amlhosts takes: the single-endpoint
# sections apply as they are.
cp "$HOSTS/debian" "$T/hosts"
azrun discover --subscription "$SUB" --resource-group rg-ml
sed '/^\[workspace ws-dr\]/,$d' "$T/out" > "$T/sections"
conf "$(cat "$T/sections")"
azrun apply myws
expect_rc 0 "discover: the printed section applies" || true
grep -q "^10\.1\.0\.5${TAB}$WSID\.workspace\.eastus\.api\.azureml\.ms\$" "$T/hosts" ||
	fail "discover: applying the printed section did not write myws's names"

# Usage: a subscription is needed; names are checked before any request.
conf
azrun discover
expect_rc 2 "discover without --subscription" || true
expect_err "discover needs --subscription" || true
azrun discover --subscription "$SUB" --resource-group 'rg/../x'
expect_rc 2 "discover with a bad resource group" || true
[ "$(count_log "> conn=")" -eq 0 ] || fail "discover with a bad resource group: Azure was asked"
azrun discover --subscription "$SUB" --name x
expect_rc 2 "discover --name" || true

# An identity without read on the scope: exit 1 naming it.
azrun discover --subscription 11111111-1111-1111-1111-111111111111
expect_rc 1 "discover (unknown subscription)" || true
expect_err "for the workspaces of subscription 11111111-1111-1111-1111-111111111111" || true

stop_server
finish
