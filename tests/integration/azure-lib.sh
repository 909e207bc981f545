# azure-lib.sh - sourced by azure-net.sh and azure-discover.sh after lib.sh:
# the fake Azure server (tests/azure/fake_azure.py) started per scenario and
# always stopped, a configuration pointing at it, and "azrun" running
# amlhosts with a service principal in an otherwise empty environment.
# shellcheck disable=SC2034  # the values are for the scripts that source this

for tool in python3 openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed (needed for the fake Azure server)" >&2
		exit 77
	fi
done

AZDIR=$(cd "$(dirname "$0")/../azure" && pwd)
PKI="$T/pki"
sh "$AZDIR/gen-certs.sh" "$PKI" >/dev/null 2>&1
SUB=00000000-0000-0000-0000-000000000000
WSID=4f1c7e2a-93b5-4d08-b6e1-2a9d5c7f3e10
SECRET=s3cret-value
TAB=$(printf '\t')
mkdir -p "$T/home"

SERVER_PID=
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}
trap 'stop_server; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

# start_server SCENARIO [OPTION...]: sets PORT and LOG.
start_server() {
	stop_server
	rm -f "$PKI/https.port" "$PKI/http.port"
	LOG="$T/server-$1.log"
	: > "$LOG"
	python3 "$AZDIR/fake_azure.py" --dir "$PKI" --log "$LOG" --lifetime 60 --scenario "$@" \
	    >"$T/server.out" 2>&1 &
	SERVER_PID=$!
	deadline=$(($(date +%s) + ${AZURE_TEST_START_TIMEOUT:-60}))
	while [ ! -s "$PKI/https.port" ]; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
			fail "the fake Azure server ($1) did not start"
			sed 's/^/  server: /' "$T/server.out" >&2
			exit 1
		fi
		sleep 0.1
	done
	PORT=$(cat "$PKI/https.port")
}

# conf [LINE...]: $T/conf for the fake server (auth = $AUTH, env unless
# set), LINEs appended.
conf() {
	{
		printf '[global]\nhosts_file = %s\nstate_dir = %s\n' "$T/hosts" "$STATE"
		printf 'arm_endpoint = https://127.0.0.1:%s\n' "$PORT"
		printf 'login_endpoint = https://127.0.0.1:%s/login\n' "$PORT"
		printf 'ca_file = %s\nauth = %s\nrequest_timeout = 30\n' "$PKI/ca.pem" "${AUTH:-env}"
		printf '%s\n' "$@"
	} > "$T/conf"
	chmod 600 "$T/conf"
}

# azrun ARG...: amlhosts -c $T/conf ARG... with only $AZENV (NAME=VALUE
# words; a service principal unless set) in its environment; LOGMARK marks
# where this run's server log starts.
AZENV="AZURE_TENANT_ID=tenant-1 AZURE_CLIENT_ID=client-1 AZURE_CLIENT_SECRET=$SECRET"
azrun() {
	LOGMARK=$(wc -l < "$LOG")
	# shellcheck disable=SC2086  # AZENV splits into words on purpose
	run env -i PATH=/usr/bin:/bin HOME="$T/home" $AZENV "$AMLHOSTS" -c "$T/conf" "$@"
	if grep -q -E "$SECRET|hdr-value|msi-secret|tok-[A-Za-z0-9_-]+" "$T/out" "$T/err"; then
		fail "a secret or token was printed"
	fi
}

# count_req PATTERN: lines of this run's server log matching PATTERN.
count_req() {
	tail -n +"$((LOGMARK + 1))" "$LOG" | grep -c -- "$1" || true
}
