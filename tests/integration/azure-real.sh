#!/bin/sh
# Azure discovery against what real tenants answer (issue 13): several
# approved private endpoints, an identity that may not read everything, and
# names Azure hands out in its own fields. The fake ARM server
# (tests/azure/fake_azure.py, scenarios two-pe, partial and real) answers with
# the shapes of recorded ARM answers. Each case checks the exit code, the
# message and the hosts file, byte for byte where nothing may be written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/azure-lib.sh"

LEAN=a6b7c8d9-e0f1-4a2b-9c3d-4e5f60718293
ML=Microsoft.MachineLearningServices

# ws_conf GLOBAL_LINE TARGET_LINE: the configuration, with one extra line in
# [global] and one in [workspace myws] (either may be empty).
ws_conf() {
	conf "$1" "$WS_SECTION" "$2"
}

fresh_hosts() {
	rm -rf "$STATE"
	printf '127.0.0.1 localhost\n' > "$T/hosts"
	cp "$T/hosts" "$T/hosts.orig"
}

# has "IP NAME" WHAT: the block has that line (amlhosts writes a tab).
has() {
	line=$(printf '%s' "$1" | tr ' ' '\t')
	if ! grep -q -x -F -- "$line" "$T/hosts"; then
		fail "$2: the hosts file lacks '$1'"
		sed 's/^/  hosts: /' "$T/hosts" >&2
		sed 's/^/  stderr: /' "$T/err" >&2
		return 1
	fi
	pass
}

lacks() {
	if grep -q -F -- "$1" "$T/hosts"; then
		fail "$2: the hosts file has '$1'"
		return 1
	fi
	pass
}

# --- Two approved endpoints in two VNets --------------------------------------
start_server two-pe
fresh_hosts
ws_conf "" ""
azrun apply
expect_rc 2 "two endpoints that disagree, no private_endpoint" || true
expect_err "the workspace has 2 approved private endpoints that give its names different addresses" || true
expect_err "myws-pe (VNet vnet-ml, subnet snet-pe: 10.1.0.5, 10.1.0.6, 10.1.0.7)" || true
expect_err "myws-pe-dr (VNet vnet-dr, subnet snet-pe-dr: 10.9.0.5, 10.9.0.6, 10.9.0.7)" || true
expect_err "'private_endpoint = myws-pe' (or another's name) in \[workspace myws\]" || true
same "$T/hosts.orig" "$T/hosts" "two endpoints, exit 2: nothing written" || true

ws_conf "" "private_endpoint = myws-pe-dr"
azrun apply
expect_rc 0 "private_endpoint = myws-pe-dr" || true
has "10.9.0.5 $WSID.workspace.eastus.api.azureml.ms" "the chosen endpoint's address" || true
has "10.9.0.7 churn-scoring.eastus.inference.ml.azure.com" "the chosen endpoint's inference address" || true
lacks "10.1.0.5" "the other endpoint's address" || true

fresh_hosts
ws_conf "" "private_endpoint = /subscriptions/$SUB/resourceGroups/rg-ml/providers/Microsoft.Network/privateEndpoints/myws-pe"
azrun apply
expect_rc 0 "private_endpoint by resource id" || true
has "10.1.0.5 $WSID.workspace.eastus.api.azureml.ms" "the endpoint named by id" || true
lacks "10.9.0.5" "the endpoint not named" || true

fresh_hosts
ws_conf "" "private_endpoint = nope-pe"
azrun apply
expect_rc 2 "private_endpoint naming no endpoint" || true
expect_err "private_endpoint = nope-pe names none of the workspace's approved private endpoints" || true
same "$T/hosts.orig" "$T/hosts" "unknown private_endpoint: nothing written" || true

# --- 403 on the project list and the compute list -----------------------------
start_server partial
fresh_hosts
ws_conf "" ""
azrun apply
expect_rc 0 "403 on optional lists" || true
expect_err "no read on /subscriptions/$SUB/providers/$ML/workspaces (needs Reader or AzureML Data Scientist at that scope): projects not discovered" || true
expect_err "/workspaces/myws/computes (needs Reader or AzureML Data Scientist at that scope): compute instance names not discovered" || true
has "10.1.0.5 $WSID.workspace.eastus.api.azureml.ms" "the hub's own names" || true
has "10.1.0.7 fraud-v2.eastus.inference.ml.azure.com" "the names that could be read" || true
lacks "alice-ci" "compute names not read" || true

fresh_hosts
azrun apply --strict
expect_rc 1 "--strict with refused optional reads" || true
expect_err "strict is set; the hosts file was left as it was" || true
same "$T/hosts.orig" "$T/hosts" "--strict: nothing written" || true

ws_conf "strict = yes" ""
azrun apply
expect_rc 1 "strict = yes with refused optional reads" || true
same "$T/hosts.orig" "$T/hosts" "strict = yes: nothing written" || true

# --- 403 on the private endpoint (the network team's resource group) --------
# The one read besides the workspace that is required: a failure naming the
# endpoint's scope and the role, nothing written, also without --strict.
start_server pe-denied
fresh_hosts
ws_conf "" ""
azrun apply
expect_rc 1 "403 on the workspace's private endpoint" || true
expect_err "403 AuthorizationFailed: .* perform action 'Microsoft.Network/privateEndpoints/read'" || true
expect_err "for /subscriptions/$SUB/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/myws-pe (the identity needs read access: Reader on the workspace's resource group, and on the private endpoint's if it lives in another)" || true
same "$T/hosts.orig" "$T/hosts" "403 on the private endpoint: nothing written" || true

# --- Names from Azure's own fields; a Lean project; odd wildcards -------------
start_server real
fresh_hosts
ws_conf "" ""
azrun apply
expect_rc 0 "real shapes" || true
has "10.1.0.5 $LEAN.workspace.eastus.api.azureml.ms" "a project of kind Lean" || true
has "10.1.0.6 ml-e2etesttest86533-eastus-$LEAN.eastus.notebooks.azure.net" "the Lean project's notebooks name" || true
has "10.1.0.5 alice-ci-8787.eastus.instances.azureml.ms" "an application's endpointUri" || true
has "10.1.0.5 alice-ci.eastus.instances.ml.azure.ms" "the newer instance zone" || true
has "10.1.0.5 alice-ci.eastus.instances.azureml.ms" "the derived instance name" || true
has "10.1.0.7 churn-scoring-v2.eastus.inference.ml.azure.com" "a scoringUri" || true
lacks "k8s-scoring" "a Kubernetes endpoint" || true
expect_err "online endpoint 'k8s-scoring' is of kind Kubernetes, not Managed" || true
expect_err "'\*.$WSID.eastus.inference.ml.azure.com' (10.1.0.7) is a wildcard" || true

stop_server
finish
