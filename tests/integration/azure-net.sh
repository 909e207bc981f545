#!/bin/sh
# Azure discovery over a network that drops connections (SPEC 5.2): GETs
# whose connection closed without an answer are retried like 429/5xx (at
# most 3 tries), a server that always drops fails the run with exit 1 and
# the hosts file untouched (nextLinks with ":443": tests/unit/azure,
# url_under; with the server's own port: azure-discover.sh). The fake
# server's --drop closes connections unanswered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/azure-lib.sh"

WS_PATH=/subscriptions/$SUB/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/myws
WS_CONF="$WS_SECTION
compute_instances = auto
online_endpoints = auto"

# The first two tries of every ARM request are dropped (libcurl itself may
# make the second, on a fresh connection): each succeeds on its third.
start_server plain --drop 2
cp "$HOSTS/debian" "$T/hosts"
conf "$WS_CONF"
azrun -v apply
expect_rc 0 "dropped first tries" || true
[ "$(count_log "x conn=.* dropped GET $WS_PATH?")" -eq 2 ] ||
	fail "dropped first tries: the workspace GET was not dropped twice"
[ "$(count_log "> conn=.* GET $WS_PATH?")" -eq 3 ] ||
	fail "dropped first tries: the workspace GET was not tried exactly 3 times"
# The second round (endpoint and lists) was dropped and retried as well.
[ "$(count_log "> conn=.* GET .*/computes?")" -eq 3 ] ||
	fail "dropped first tries: the compute list was not tried exactly 3 times"
grep -q "^10\.1\.0\.5${TAB}$WSID\.workspace\.eastus\.api\.azureml\.ms\$" "$T/hosts" ||
	fail "dropped first tries: the workspace name is not in the hosts file"
grep -q "^10\.1\.0\.5${TAB}alice-ci\.eastus\.instances\.azureml\.ms\$" "$T/hosts" ||
	fail "dropped first tries: the compute instance is not in the hosts file"
grep -q 'retrying' "$T/err" || fail "dropped first tries: -v does not say it retried"

# A server that drops every request: three tries, then exit 1 naming the
# failure, the hosts file as it was.
start_server plain --drop always
cp "$HOSTS/debian" "$T/hosts"
cp "$T/hosts" "$T/before"
conf "$WS_CONF"
started=$(date +%s)
azrun apply
elapsed=$(($(date +%s) - started))
expect_rc 1 "always dropped" || true
same "$T/before" "$T/hosts" "always dropped: hosts file changed" || true
expect_err "Empty reply from server" || true
# 3 tries; libcurl itself tries once more on a fresh connection when a
# reused one (the token's) closes unanswered.
n=$(count_log "> conn=.* GET $WS_PATH?")
[ "$n" -ge 3 ] && [ "$n" -le 4 ] || fail "always dropped: $n workspace GETs, expected 3 (or 4)"
[ "$elapsed" -le 15 ] || fail "always dropped: took ${elapsed}s"

# Managed identity (issue 13, item 7). Azure Automation serves App Service's
# protocol but refuses a request without "Metadata: true".
start_server plain
cp "$HOSTS/debian" "$T/hosts"
AUTH=managed-identity
conf "$WS_CONF"
AZENV="IDENTITY_ENDPOINT=http://127.0.0.1:$HTTPPORT/automation/token IDENTITY_HEADER=hdr-value"
azrun apply
expect_rc 0 "managed identity (Azure Automation)" || true
[ "$(count_log "GET /subscriptions/.* auth=automation")" -ge 1 ] ||
	fail "managed identity (Azure Automation): no ARM request with its token"
# Azure ML compute: the system identity is DEFAULT_IDENTITY_CLIENT_ID's,
# sent as clientid when no client id is configured; a configured one wins.
ML_ID=5e1d9c2b-7a3f-4b6e-9c8d-1a2b3c4d5e6f
AZENV="MSI_ENDPOINT=http://127.0.0.1:$HTTPPORT/mlmsi/token MSI_SECRET=msi-secret DEFAULT_IDENTITY_CLIENT_ID=$ML_ID"
azrun apply
expect_rc 0 "managed identity (Azure ML compute)" || true
[ "$(count_log "http GET /mlmsi/token?.*&clientid=$ML_ID")" -eq 1 ] ||
	fail "managed identity (Azure ML compute): DEFAULT_IDENTITY_CLIENT_ID not sent as clientid"
conf "client_id = client-2" "$WS_CONF"
azrun apply
expect_rc 0 "managed identity (Azure ML compute, client_id)" || true
[ "$(count_log "http GET /mlmsi/token?.*&clientid=client-2\$")" -eq 1 ] ||
	fail "managed identity (Azure ML compute): the configured client_id was not the one sent"

stop_server
finish
