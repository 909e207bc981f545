#!/bin/sh
# The discovery helper (amlhosts-azure) as amlhosts sees it: a copy of
# amlhosts in a temporary directory runs the stand-in script beside it (the
# beside-the-binary rule), so each case swaps the helper. Whatever the helper
# does (crash, hang, garbage, hostile names, a bad-input verdict), amlhosts
# ends with exit 1 or 2 and the hosts file is byte for byte as it was; what
# it hands over carries the secret on stdin only; as root, a helper another
# user owns or can write is refused.
. "$(dirname "$0")/lib.sh"

WS=4f1c7e2a-93b5-4d08-b6e1-2a9d5c7f3e10
mkdir "$T/bin"
cp "$AMLHOSTS" "$T/bin/amlhosts"
printf '127.0.0.1\tlocalhost\n' > "$T/orig"
cp "$T/orig" "$T/hosts"
printf 's3cr3t-VALUE\n' > "$T/secret"
chmod 600 "$T/secret"
cat > "$T/conf" <<EOF
[global]
hosts_file = $T/hosts
state_dir = $T/state
request_timeout = 1
# The stand-ins live in this root-only directory: they run as root here.
# Who the real helper runs as is tested by runas.sh and helper-user.sh.
discovery_user = root
tenant_id = tenant-1
client_id = client-1
client_secret_file = $T/secret
[workspace myws]
subscription = 00000000-0000-0000-0000-000000000000
resource_group = rg-ml
workspace = myws
EOF

# helper BODY: the stand-in amlhosts-azure runs this shell text.
helper() {
	printf '#!/bin/sh\n%s\n' "$1" > "$T/bin/amlhosts-azure"
	chmod 755 "$T/bin/amlhosts-azure"
}

# refused WHAT RC MESSAGE: apply exits RC saying MESSAGE; hosts untouched.
refused() {
	run env PRIVATE_THING=p1 "$T/bin/amlhosts" -c "$T/conf" apply
	expect_rc "$2" "$1" || true
	expect_err "$3" || true
	same "$T/orig" "$T/hosts" "$1: hosts file untouched" || true
}

ANSWER="{\"amlhosts\":1,\"entries\":[{\"target\":\"myws\",\"fqdn\":\"$WS.workspace.eastus.api.azureml.ms\",\"ip\":\"10.1.0.5\"}]}"

# A helper that works: its answer is written, its notes shown as ours.
helper "cat > '$T/stdin'; env > '$T/env'; printf '%s\n' \"\$0\" \"\$@\" > '$T/argv'
printf 'note\tmyws\thello from the helper\n' >&2
printf '%s' '$ANSWER'"
run env PRIVATE_THING=p1 AZURE_SOMETHING=a1 "$T/bin/amlhosts" -c "$T/conf" apply
expect_rc 0 "working helper" || true
expect_err "amlhosts: note: hello from the helper" || true
grep -q "^10.1.0.5	$WS.workspace.eastus.api.azureml.ms$" "$T/hosts" ||
	fail "working helper: its entry is not in the hosts file"
cp "$T/orig" "$T/hosts"

# What it was given: the secret on stdin, not in argv or the environment;
# the environment is the allowlist (AZURE_* passes, the rest does not).
grep -q '"client_secret":"s3cr3t-VALUE"' "$T/stdin" || fail "the client secret is not on stdin"
grep -q '"name":"myws"' "$T/stdin" || fail "the target is not on stdin"
if grep -q s3cr3t "$T/env" "$T/argv"; then fail "the secret is in argv or the environment"; fi
grep -q '^AZURE_SOMETHING=a1$' "$T/env" || fail "AZURE_* did not reach the helper"
if grep -q PRIVATE_THING "$T/env"; then fail "a variable outside the allowlist reached the helper"; fi
[ "$(wc -l < "$T/argv")" -eq 1 ] || fail "the helper got arguments: $(cat "$T/argv")"

# (a) it crashes
helper 'kill -SEGV $$'
refused "crash" 1 "killed by signal 11"
# (b) it hangs: request_timeout = 1 gives it 4 s
helper 'sleep 30'
started=$(date +%s)
refused "hang" 1 "did not finish within 4 s"
[ $(($(date +%s) - started)) -lt 8 ] || fail "hang: the time limit was not kept"
# (c) garbage on stdout, or an answer for a target it was not asked about
helper 'echo hello'
refused "garbage" 1 "not JSON"
helper "printf '%s' '{\"amlhosts\":1,\"entries\":[{\"target\":\"other\",\"fqdn\":\"$WS.workspace.eastus.api.azureml.ms\",\"ip\":\"10.1.0.5\"}]}'"
refused "another target" 1 "not asked about"
# (d) a name outside the allowed suffixes, an address outside the networks:
# refused as a JSON file's would be
helper "printf '%s' '{\"amlhosts\":1,\"entries\":[{\"target\":\"myws\",\"fqdn\":\"login.example.com\",\"ip\":\"10.1.0.5\"}]}'"
refused "foreign name" 2 "login.example.com"
helper "printf '%s' '{\"amlhosts\":1,\"entries\":[{\"target\":\"myws\",\"fqdn\":\"$WS.workspace.eastus.api.azureml.ms\",\"ip\":\"8.8.8.8\"}]}'"
refused "public address" 2 "8.8.8.8"
# (e) its verdicts: 2 is bad input, 1 a failure, with its words
helper "printf 'error\tbad-input\tworkspace is not a name\n' >&2; exit 2"
refused "exit 2" 2 "amlhosts: workspace is not a name"
helper "printf 'error\tfailed\t403 AuthorizationFailed\n' >&2; exit 1"
refused "exit 1" 1 "amlhosts: 403 AuthorizationFailed"

# (f) what the request carries besides the settings: a ca_file that is not
# text is the configuration's fault (exit 2; the helper never runs), and a
# client secret that cannot be read reaches the helper as the reason why.
cp "$T/conf" "$T/conf.orig"
printf 'caf\351\n' > "$T/ca.pem"
sed -i "s|^request_timeout = 1\$|&\nca_file = $T/ca.pem|" "$T/conf"
helper "touch '$T/ran'; printf '%s' '$ANSWER'"
refused "ca_file not UTF-8" 2 "is not text"
[ ! -e "$T/ran" ] || fail "ca_file not UTF-8: the helper was run"
cp "$T/conf.orig" "$T/conf"
mkdir "$T/secret.d"
sed -i "s|^client_secret_file = .*|client_secret_file = $T/secret.d|" "$T/conf"
helper "cat > '$T/stdin'; printf '%s' '$ANSWER'"
run "$T/bin/amlhosts" -c "$T/conf" apply
expect_rc 0 "unreadable client secret: the helper decides" || true
grep -q '"client_secret_error":"[^"]*secret.d[^"]*not a regular file' "$T/stdin" ||
	fail "unreadable client secret: no client_secret_error in the request: $(cat "$T/stdin")"
if grep -q '"client_secret":' "$T/stdin"; then fail "unreadable client secret: a client_secret was sent"; fi
cp "$T/conf.orig" "$T/conf"
cp "$T/orig" "$T/hosts"

# (g) as root: a helper another user owns, or that group or others can
# write, is refused before it runs.
if [ "$(id -u)" -ne 0 ]; then
	echo "note: not root: the helper's owner and mode are not checked (skipped)" >&2
elif ! command -v useradd >/dev/null 2>&1; then
	echo "note: no useradd: the helper owned by another user is not tried (skipped)" >&2
else
	U="amlhelp$$"
	useradd -M -N -r -s /bin/false "$U"
	trap 'userdel "$U" >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
	helper "touch '$T/ran'; printf '%s' '$ANSWER'"
	chown "$U" "$T/bin/amlhosts-azure"
	refused "helper owned by $U" 2 "is owned by $U"
	chown root "$T/bin/amlhosts-azure"
	chmod 775 "$T/bin/amlhosts-azure"
	refused "group-writable helper" 2 "amlhosts-azure' (owner root) is writable by"
	[ ! -e "$T/ran" ] || fail "an untrusted helper was run"
	userdel "$U" >/dev/null 2>&1 || true
fi
finish
