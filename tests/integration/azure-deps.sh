#!/bin/sh
# A workspace's own dependencies (issue 13, SPEC 5.2): with dependencies =
# auto (the default) the names of its storage account (blob, file, dfs),
# key vault and container registry (and the registry's regional data name)
# go into the workspace's block, read from their approved private endpoints
# on the fake ARM server (tests/azure/fake_azure.py, scenarios deps*).
# dependencies = none asks for none of them; a dependency the identity may
# not read is a note, not a failure.
. "$(dirname "$0")/lib.sh"

for tool in python3 openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed (needed for the fake Azure server)" >&2
		exit 77
	fi
done

AZDIR=$(cd "$(dirname "$0")/../azure" && pwd)
PKI="$T/pki"
sh "$AZDIR/gen-certs.sh" "$PKI"
SUB=00000000-0000-0000-0000-000000000000
WSID=4f1c7e2a-93b5-4d08-b6e1-2a9d5c7f3e10
KV=/subscriptions/$SUB/resourceGroups/rg-ml/providers/Microsoft.KeyVault/vaults/kvmyws
ST2=/subscriptions/$SUB/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stmyws2
TAB=$(printf '\t')

SERVER_PID=
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}
trap 'stop_server; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

# start_server SCENARIO: sets PORT and LOG; the config points at the server.
start_server() {
	stop_server
	rm -f "$PKI/https.port" "$PKI/http.port"
	LOG="$T/server-$1.log"
	python3 "$AZDIR/fake_azure.py" --dir "$PKI" --scenario "$1" --log "$LOG" \
	    --lifetime 60 >"$T/server.out" 2>&1 &
	SERVER_PID=$!
	deadline=$(($(date +%s) + ${AZURE_TEST_START_TIMEOUT:-60}))
	while [ ! -s "$PKI/https.port" ]; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
			fail "the fake Azure server ($1) did not start"
			cat "$T/server.out" >&2
			finish || true
			exit 1
		fi
		sleep 0.1
	done
	PORT=$(cat "$PKI/https.port")
}

# conf [LINE...]: the workspace section, with LINEs added to it.
conf() {
	{
		printf '[global]\nhosts_file = %s\nstate_dir = %s\n' "$T/hosts" "$STATE"
		printf 'arm_endpoint = https://127.0.0.1:%s\n' "$PORT"
		printf 'login_endpoint = https://127.0.0.1:%s/login\n' "$PORT"
		printf 'ca_file = %s\nauth = env\n' "$PKI/ca.pem"
		printf '[workspace myws]\nsubscription = %s\nresource_group = rg-ml\n' "$SUB"
		printf 'workspace = myws\ncompute_instances = none\nonline_endpoints = none\n'
		printf 'projects = none\n'
		printf '%s\n' "$@"
	} > "$T/conf"
	chmod 600 "$T/conf"
}

azrun() {
	cp "$HOSTS/debian" "$T/hosts"
	rm -rf "$STATE"
	mark=$(wc -l < "$LOG")
	run env -i PATH=/usr/bin:/bin HOME="$T" AZURE_TENANT_ID=tenant-1 \
	    AZURE_CLIENT_ID=client-1 AZURE_CLIENT_SECRET=s3cret-value \
	    "$AMLHOSTS" -c "$T/conf" apply
}
# requests PATTERN: how many requests of the last run matched.
requests() {
	tail -n +"$((mark + 1))" "$LOG" | grep ' > conn=' | grep -c -- "$1" || true
}

# expect_block WHAT < LINES: the block holds exactly LINES (sorted as the
# tool sorts: by address, then name; these addresses sort the same as text).
expect_block() {
	{
		printf '# BEGIN amlhosts myws\n'
		printf '# Managed by amlhosts. Change the configuration, not these lines.\n'
		sort -t "$TAB" -k1,1 -k2,2
		printf '# END amlhosts myws\n'
	} > "$T/want"
	sed -n '/^# BEGIN amlhosts myws$/,/^# END amlhosts myws$/p' "$T/hosts" > "$T/block"
	same "$T/want" "$T/block" "$1: block" || true
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
conf
azrun
expect_rc 0 "deps" || true
printf '%s\n%s\n%s\n' "$WS_NAMES" "$KV_NAMES" "$DEP_NAMES" | expect_block "deps"
# The pending vault connection is a note, and its address is not used.
expect_err "kvmyws-vault2-pe of $KV is Pending, not Approved" || true
[ "$(requests 'GET .*/Microsoft.KeyVault/vaults/kvmyws?')" -eq 1 ] ||
    fail "deps: the key vault was not read exactly once"

# --- dependencies = none: not one of them is asked for or written.
conf "dependencies = none"
azrun
expect_rc 0 "dependencies = none" || true
printf '%s\n' "$WS_NAMES" | expect_block "dependencies = none"
n=$(requests 'Microsoft\.\(Storage\|KeyVault\|ContainerRegistry\)\|rg-net')
[ "$n" -eq 0 ] || fail "dependencies = none: $n requests for dependencies"

# --- a bad value is the configuration's error.
conf "dependencies = some"
azrun
expect_rc 2 "dependencies = some" || true
expect_err "'dependencies' must be auto or none, not 'some'" || true

# --- a hub: storageAccounts/keyVaults arrays, the single keys null and "".
# Its key vault answers 403: a note naming it; the rest is written, exit 0.
# stmyws2 has no private endpoint: its public name is DNS's.
start_server deps-hub
conf
azrun
expect_rc 0 "deps-hub" || true
printf '%s\n%s\n' "$WS_NAMES" "$DEP_NAMES" | expect_block "deps-hub"
expect_err "cannot read the workspace's key vault $KV (403 AuthorizationFailed" || true
expect_err "storage account $ST2 has no approved private endpoint; its public name is left to DNS" || true
[ "$(requests 'GET .*/Microsoft.KeyVault/vaults/kvmyws?')" -eq 1 ] ||
    fail "deps-hub: the key vault in keyVaults was not asked for"

stop_server
finish
