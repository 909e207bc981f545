#!/bin/sh
# Who Azure discovery runs as (issue 12), end to end through the real
# amlhosts and amlhosts-azure against the fake ARM server:
# - as root through sudo (SUDO_UID, SUDO_GID, SUDO_USER), 'az' runs as that
#   user, with the HOME of the password database, not the one in the
#   environment, so a laptop user's own 'az login' is the one used;
# - as root without sudo, every connection to Azure comes from the
#   discovery_user (the fake server logs the uid that owns the client's
#   socket, from /proc/net/tcp), never from uid 0;
# - discovery_user = root is the one way back to root;
# - under sudo, a token file the environment names is read with the
#   caller's rights, not root's.
# The build tree may sit where the user cannot reach it (a clone under
# /root): amlhosts runs the helper through a descriptor it opened itself
# (case 1 runs copies in the test's own directory, which is root's, 0700).
. "$(dirname "$0")/lib.sh"

need_root_useradd "helper-user.sh switches users: run as root"
if [ ! -r /proc/net/tcp ]; then
	echo "SKIP: no /proc/net/tcp: the fake server cannot tell who connected" >&2
	exit 77
fi

# The fake server (start_server), SUB; conf is redefined below.
. "$(dirname "$0")/azure-lib.sh"
U=amlhu$$
# Where the test user may look: the stand-in az and its record.
W=$(mktemp -d "${TMPDIR:-/tmp}/amlhosts-hu.XXXXXX")
chmod 755 "$W"
cleanup() {
	stop_server
	userdel -r "$U" >/dev/null 2>&1 || userdel "$U" >/dev/null 2>&1 || true
	rm -rf "$T" "$W"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

useradd -m -d "/home/$U" -s /bin/sh "$U"
UID_U=$(id -u "$U")
GID_U=$(id -g "$U")

start_server plain
# Copies where the test user cannot reach them (mktemp -d: 0700).
mkdir "$T/bin"
cp "$AMLHOSTS" "$AMLHOSTS-azure" "$T/bin/"

mkdir "$W/bin" "$W/rec"
chmod 1777 "$W/rec"
cat > "$W/bin/az" <<EOF
#!/bin/sh
{ echo "uid=\$(id -u)"; echo "gid=\$(id -g)"; echo "home=\$HOME"; echo "user=\${USER:-}"; } > "$W/rec/az.rec"
cat <<JSON
{ "accessToken": "tok-cli-fixed", "expiresOn": "2099-01-01 00:00:00.000000",
  "expires_on": 4070908800, "subscription": "$SUB", "tenant": "tenant-1", "tokenType": "Bearer" }
JSON
EOF
chmod 755 "$W/bin" "$W/bin/az"

printf '127.0.0.1\tlocalhost\n' > "$T/orig"
# conf [LINE...]: the configuration, with extra [global] lines.
conf() {
	{
		echo "[global]"
		echo "hosts_file = $T/hosts"
		echo "state_dir = $T/state"
		echo "arm_endpoint = https://127.0.0.1:$PORT"
		echo "login_endpoint = https://127.0.0.1:$PORT/login"
		echo "ca_file = $PKI/ca.pem"
		for l in "$@"; do echo "$l"; done
		echo "[workspace myws]"
		echo "subscription = $SUB"
		echo "resource_group = rg-ml"
		echo "workspace = myws"
	} > "$T/conf"
	chmod 600 "$T/conf"
	cp "$T/orig" "$T/hosts"
	rm -f "$W/rec/az.rec"
	MARK=$(wc -l < "$LOG")
}
# uids: the uids that owned the connections since conf().
uids() {
	tail -n +"$((MARK + 1))" "$LOG" | sed -n 's/.* + conn=.* uid=\([0-9?]*\).*/\1/p' | sort -u
}

# 1. sudo: az runs as the caller, HOME from passwd.
conf "auth = cli"
run env -i PATH="$W/bin:/usr/bin:/bin" HOME=/root SUDO_UID="$UID_U" SUDO_GID="$GID_U" \
    SUDO_USER="$U" "$T/bin/amlhosts" -c "$T/conf" apply
if expect_rc 0 "sudo: apply with the caller's az"; then
	grep -q '^# BEGIN amlhosts myws' "$T/hosts" && pass ||
	    fail "sudo: the workspace's names are not in the hosts file"
fi
if [ -f "$W/rec/az.rec" ]; then
	grep -qx "uid=$UID_U" "$W/rec/az.rec" && pass || fail "sudo: az ran as $(grep uid= "$W/rec/az.rec"), not uid $UID_U"
	grep -qx "gid=$GID_U" "$W/rec/az.rec" && pass || fail "sudo: az ran with $(grep gid= "$W/rec/az.rec"), not gid $GID_U"
	grep -qx "home=/home/$U" "$W/rec/az.rec" && pass || fail "sudo: az's $(grep home= "$W/rec/az.rec"), not /home/$U from passwd"
	grep -qx "user=$U" "$W/rec/az.rec" && pass || fail "sudo: az's $(grep user= "$W/rec/az.rec"), not $U"
else
	fail "sudo: az was not run"
fi
[ "$(uids)" = "$UID_U" ] && pass || fail "sudo: connections from uid(s) '$(uids | tr '\n' ' ')', expected only $UID_U"

# 2. root without sudo: discovery_user; the service principal's secret
#    travels on the helper's stdin.
conf "discovery_user = $U" "tenant_id = tenant-1" "client_id = client-1"
run env -i PATH=/usr/bin:/bin AZURE_CLIENT_SECRET=s3cret-value "$AMLHOSTS" -c "$T/conf" apply
expect_rc 0 "discovery_user: apply"
[ "$(uids)" = "$UID_U" ] && pass || fail "discovery_user: connections from uid(s) '$(uids | tr '\n' ' ')', expected only $UID_U"

# 3. the default, _amlhosts (or nobody where it does not exist): not root.
conf "tenant_id = tenant-1" "client_id = client-1"
run env -i PATH=/usr/bin:/bin AZURE_CLIENT_SECRET=s3cret-value "$AMLHOSTS" -c "$T/conf" apply
expect_rc 0 "default discovery_user: apply"
case $(uids) in
'' | *'?'* | 0 | *"
0"* | "0
"*) fail "default discovery_user: connections from uid(s) '$(uids | tr '\n' ' ')'" ;;
*) pass ;;
esac
if ! id _amlhosts >/dev/null 2>&1; then
	expect_err "nobody"
fi

# 4. discovery_user = root: the documented last resort.
conf "discovery_user = root" "tenant_id = tenant-1" "client_id = client-1"
run env -i PATH=/usr/bin:/bin AZURE_CLIENT_SECRET=s3cret-value "$AMLHOSTS" -c "$T/conf" apply
expect_rc 0 "discovery_user = root: apply"
[ "$(uids)" = 0 ] && pass || fail "discovery_user = root: connections from uid(s) '$(uids | tr '\n' ' ')', expected 0"

# 5. sudo: a file the caller's environment names (AZURE_FEDERATED_TOKEN_FILE,
#    kept by sudo -E or env_keep) is opened by the helper with the caller's
#    rights, never by root on the caller's say: a root-only file stays root's,
#    the caller's own is used.
printf 'fake.jwt.assertion\n' > "$T/root-token"
chmod 600 "$T/root-token"
printf 'fake.jwt.assertion\n' > "$W/rec/own-token"
chown "$U" "$W/rec/own-token"
chmod 600 "$W/rec/own-token"
for tok in "$T/root-token" "$W/rec/own-token"; do
	conf "auth = workload-identity" "tenant_id = tenant-1" "client_id = client-1"
	run env -i PATH=/usr/bin:/bin SUDO_UID="$UID_U" SUDO_GID="$GID_U" SUDO_USER="$U" \
	    AZURE_FEDERATED_TOKEN_FILE="$tok" "$AMLHOSTS" -c "$T/conf" apply
	case $tok in
	"$T"/*)
		expect_rc 1 "sudo: a root-only token file the caller names"
		expect_err "root-token"
		same "$T/orig" "$T/hosts" "sudo: a root-only token file: hosts file untouched" ;;
	*)
		expect_rc 0 "sudo: the caller's own token file" ;;
	esac
done

# 6. sudo with a client_secret_file: the secret is root's, and the caller
#    could read it out of a process of theirs, so the helper that gets it
#    runs as discovery_user, not as the caller (nor as root).
printf 's3cret-value\n' > "$T/client-secret"
chmod 600 "$T/client-secret"
conf "tenant_id = tenant-1" "client_id = client-1" "client_secret_file = $T/client-secret"
run env -i PATH=/usr/bin:/bin SUDO_UID="$UID_U" SUDO_GID="$GID_U" SUDO_USER="$U" \
    "$AMLHOSTS" -c "$T/conf" apply
expect_rc 0 "sudo with a client_secret_file: apply"
case $(uids) in
'' | *'?'* | 0 | *"
0"* | "0
"* | "$UID_U" | *"
$UID_U"* | "$UID_U
"*) fail "sudo with a client_secret_file: connections from uid(s) '$(uids | tr '\n' ' ')', expected neither $UID_U nor 0" ;;
*) pass ;;
esac

finish
