#!/bin/sh
# A workspace's own dependencies (issue 13, SPEC 5.2): with dependencies =
# auto (the default) the names of its storage account (blob, file, dfs),
# key vault and container registry (and the registry's regional data name)
# go into the workspace's block, read from their approved private endpoints
# on the fake ARM server (tests/azure/fake_azure.py, scenarios deps*).
# dependencies = none asks for none of them; a dependency the identity may
# not read is a note, not a failure.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/azure-lib.sh"

KV=/subscriptions/$SUB/resourceGroups/rg-ml/providers/Microsoft.KeyVault/vaults/kvmyws
ST2=/subscriptions/$SUB/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stmyws2

# ws_conf [LINE...]: the workspace section, with LINEs added to it.
ws_conf() {
	conf "$WS_SECTION" "compute_instances = none" "online_endpoints = none" \
	    "projects = none" "$@"
}

# apply [OPTION...]: amlhosts apply on a fresh hosts file and state.
apply() {
	cp "$HOSTS/debian" "$T/hosts"
	rm -rf "$STATE"
	azrun apply "$@"
}

WS_NAMES="10.1.0.5	$WSID.workspace.eastus.api.azureml.ms
10.1.0.5	$WSID.workspace.eastus.cert.api.azureml.ms
10.1.0.6	ml-myws-eastus-$WSID.eastus.notebooks.azure.net"
KV_NAMES="10.2.0.8	kvmyws.vault.azure.net"
DEP_NAMES="10.2.0.2	crmyws.azurecr.io
10.2.0.3	crmyws.eastus.data.azurecr.io
10.2.0.4	stmyws.blob.core.windows.net
10.2.0.5	stmyws.file.core.windows.net
10.2.0.6	stmyws.dfs.core.windows.net"

# --- dependencies = auto (the default): all of them, in at most 4 rounds.
start_server deps
ws_conf
apply
expect_rc 0 "deps" || true
printf '%s\n%s\n%s\n' "$WS_NAMES" "$KV_NAMES" "$DEP_NAMES" | expect_block "deps"
# The pending vault connection is a note, and its address is not used.
expect_err "kvmyws-vault2-pe of $KV is Pending, not Approved" || true
[ "$(count_req 'GET .*/Microsoft.KeyVault/vaults/kvmyws?')" -eq 1 ] ||
    fail "deps: the key vault was not read exactly once"

# --- dependencies = none: not one of them is asked for or written.
ws_conf "dependencies = none"
apply
expect_rc 0 "dependencies = none" || true
printf '%s\n' "$WS_NAMES" | expect_block "dependencies = none"
n=$(count_req 'Microsoft\.\(Storage\|KeyVault\|ContainerRegistry\)\|rg-net')
[ "$n" -eq 0 ] || fail "dependencies = none: $n requests for dependencies"

# --- a bad value is the configuration's error.
ws_conf "dependencies = some"
apply
expect_rc 2 "dependencies = some" || true
expect_err "'dependencies' must be auto or none, not 'some'" || true

# --- a hub: storageAccounts/keyVaults arrays, the single keys null and "".
# Its key vault answers 403: a note naming it; the rest is written, exit 0.
# stmyws2 has no private endpoint: its public name is DNS's.
start_server deps-hub
ws_conf
apply
expect_rc 0 "deps-hub" || true
printf '%s\n%s\n' "$WS_NAMES" "$DEP_NAMES" | expect_block "deps-hub"
expect_err "cannot read the workspace's key vault $KV (403 AuthorizationFailed" || true
expect_err "storage account $ST2 has no approved private endpoint; its public name is left to DNS" || true
[ "$(count_req 'GET .*/Microsoft.KeyVault/vaults/kvmyws?')" -eq 1 ] ||
    fail "deps-hub: the key vault in keyVaults was not asked for"

# An unreadable dependency is an optional read refused: --strict fails the
# run (exit 1) and writes nothing, as for any other (SPEC: strict).
apply --strict
expect_rc 1 "deps-hub, --strict" || true
expect_err "cannot read the workspace's key vault $KV (403 AuthorizationFailed" || true
expect_err "strict is set; the hosts file was left as it was" || true
same "$HOSTS/debian" "$T/hosts" "deps-hub, --strict: nothing written" || true

stop_server
finish
