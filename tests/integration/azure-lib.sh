# azure-lib.sh - sourced by the azure*.sh scripts after lib.sh: the fake
# Azure server (tests/azure/fake_azure.py, HTTPS with a test CA from
# tests/azure/gen-certs.sh) started per scenario and always stopped, a
# configuration pointing at it, "azrun" running amlhosts with a service
# principal in an otherwise empty environment, and checks on the server's
# log and on the block written. A script may redefine conf or azrun after
# sourcing this (azure.sh does). KEEP=1 keeps $T; AZURE_TEST_LOGS=DIR keeps
# the server logs there.
# shellcheck disable=SC2034  # the values are for the scripts that source this

for tool in python3 openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed (needed for the fake Azure server)" >&2
		exit 77
	fi
done

AZDIR=$(cd "$(dirname "$0")/../azure" && pwd)
FAKE="$AZDIR/fake_azure.py"
PKI="$T/pki"
sh "$AZDIR/gen-certs.sh" "$PKI" >/dev/null 2>&1
# The values the fake server knows (see the top of fake_azure.py).
SUB=00000000-0000-0000-0000-000000000000
WSID=4f1c7e2a-93b5-4d08-b6e1-2a9d5c7f3e10
SECRET=s3cret-value
TAB=$(printf '\t')
# The usual target: workspace myws of rg-ml (conf's LINE arguments).
WS_SECTION="[workspace myws]
subscription = $SUB
resource_group = rg-ml
workspace = myws"
mkdir -p "$T/home"

SERVER_PID=
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill "$SERVER_PID" 2>/dev/null || true
	i=0
	while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}
keep_logs() {
	[ -n "${AZURE_TEST_LOGS:-}" ] || return 0
	mkdir -p "$AZURE_TEST_LOGS"
	cp "$T"/server-*.log "$AZURE_TEST_LOGS"/ 2>/dev/null || true
}
trap 'stop_server; keep_logs; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

# wait_ready FILE PID: wait until FILE exists while process PID lives.
# Python servers write their ready file only once they listen. The bound
# is on the clock, and generous (AZURE_TEST_START_TIMEOUT, 60 s): one starts
# in 2 s on an idle machine but took over 12 s on 2 CPUs under "make check
# -j16".
wait_ready() {
	deadline=$(($(date +%s) + ${AZURE_TEST_START_TIMEOUT:-60}))
	while [ ! -e "$1" ]; do
		kill -0 "$2" 2>/dev/null || return 1
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# start_server SCENARIO [OPTION...]: sets PORT, HTTPPORT and LOG. A script
# may set FAKE (and PYTHON) to another server taking the same options and
# writing the same files; one without a plain-HTTP server (fake_h2.py)
# leaves HTTPPORT empty.
PYTHON=${PYTHON:-python3}
start_server() {
	sc=$1
	shift
	stop_server
	rm -f "$PKI/https.port" "$PKI/http.port"
	LOG="$T/server-$sc.log"
	: > "$LOG"
	LOGMARK=0
	"$PYTHON" "$FAKE" --dir "$PKI" --scenario "$sc" --log "$LOG" \
	    --lifetime "${AZURE_TEST_SERVER_LIFETIME:-120}" "$@" >"$T/server.out" 2>&1 &
	SERVER_PID=$!
	# The server writes http.port, then https.port (each renamed into
	# place whole) once both listen.
	if ! wait_ready "$PKI/https.port" "$SERVER_PID"; then
		fail "the fake Azure server ($sc) did not start within" \
		    "${AZURE_TEST_START_TIMEOUT:-60} s"
		sed 's/^/  server: /' "$T/server.out" >&2
		finish || true
		exit 1
	fi
	PORT=$(cat "$PKI/https.port")
	HTTPPORT=$(cat "$PKI/http.port" 2>/dev/null || true)
}

# conf [LINE...]: $T/conf for the fake server (auth = $AUTH, env unless
# set), LINEs appended (after [global]'s keys: "$WS_SECTION" starts the
# usual target).
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

# Nothing secret in what amlhosts printed, whatever the verbosity.
no_secrets() {
	if grep -n -E "$SECRET|wr0ng-s3cret|fake\.jwt\.assertion|hdr-value|msi-secret|tok-[A-Za-z0-9_-]+" \
	    "$T/out" "$T/err" >"$T/leak"; then
		fail "a secret or token was printed:"
		sed 's/^/  /' "$T/leak" >&2
	else
		pass
	fi
}

# azrun ARG...: amlhosts -c $T/conf ARG... with only $AZENV (NAME=VALUE
# words; a service principal unless set) in its environment; LOGMARK marks
# where this run's server log starts.
AZENV="AZURE_TENANT_ID=tenant-1 AZURE_CLIENT_ID=client-1 AZURE_CLIENT_SECRET=$SECRET"
azrun() {
	LOGMARK=$(wc -l < "$LOG")
	# shellcheck disable=SC2086  # AZENV splits into words on purpose
	run env -i PATH=/usr/bin:/bin HOME="$T/home" $AZENV "$AMLHOSTS" -c "$T/conf" "$@"
	no_secrets
}

# Log lines since the last run (azrun marks the log before each run).
log_new() {
	tail -n +"$((LOGMARK + 1))" "$LOG"
}
# count_log PATTERN: lines of the last run's server log matching PATTERN.
count_log() {
	log_new | grep -c -- "$1" || true
}
# count_req PATTERN: requests of the last run matching PATTERN.
count_req() {
	log_new | grep ' > conn=' | grep -c -- "$1" || true
}
# expect_req PATTERN WHAT: the last run sent a request matching PATTERN.
expect_req() {
	if [ "$(count_req "$1")" -eq 0 ]; then
		fail "$2: the server got no request matching '$1'"
		log_new | sed 's/^/  server: /' >&2
	else
		pass
	fi
}

# expect_notes WHAT PATTERN...: every note of the last run ("amlhosts:
# note:" on stderr) matches one of the PATTERNs (grep's basic regexps); any
# other, such as the 404 of a resource the fake should serve, fails.
expect_notes() {
	what=$1
	shift
	grep '^amlhosts: note: ' "$T/err" > "$T/notes" || true
	for p; do
		grep -v -- "$p" "$T/notes" > "$T/notes.left" || true
		mv "$T/notes.left" "$T/notes"
	done
	if [ -s "$T/notes" ]; then
		fail "$what: unexpected notes"
		sed 's/^/  /' "$T/notes" >&2
	else
		pass
	fi
}

# expect_block WHAT < LINES: the myws block of $T/hosts holds exactly LINES,
# ordered by address, then name. (The addresses used here sort the same as
# text and as numbers, so sort(1) gives the expected order.)
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
