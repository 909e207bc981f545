#!/bin/sh
# Who the Azure helper runs as (issue 12, base/runas.h), through the
# runas-probe driver: the sudo, doas and pkexec user with their groups and
# the HOME of the password database; discovery_user; nobody; root only by
# name; no way back to root, no inherited descriptor. And, as root, an
# input file the configuration names must be root's (exit 2, hosts file
# untouched). Needs root, useradd and groupadd: a real user is created and
# removed.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (switching users is what is tested)" >&2
	exit 77
fi
for c in useradd userdel groupadd groupdel; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "SKIP: needs $c to create a test user" >&2
		exit 77
	fi
done
PROBE="${BUILDDIR:-$(dirname "$AMLHOSTS")/..}/tests/helpers/runas-probe"
if [ ! -x "$PROBE" ]; then
	echo "SKIP: $PROBE is not built" >&2
	exit 77
fi
U="amlrun$$"
G="amlrg$$"
UHOME="/tmp/amlhosts-runas.$$.home"
groupadd "$G"
useradd -M -N -d "$UHOME" -G "$G" -s /bin/false "$U"
trap 'userdel "$U" >/dev/null 2>&1 || true; groupdel "$G" >/dev/null 2>&1 || true; rm -rf "$T" "$UHOME"' EXIT
mkdir -m 0700 "$UHOME"
chown "$U" "$UHOME"
UID_U=$(id -u "$U")
GID_U=$(id -g "$U")
GID_G=$(getent group "$G" | cut -d: -f3)

# What the child reports about itself, one fact a line.
cat > "$T/report.sh" <<'SH'
set -u
echo "uid=$(id -u) gid=$(id -g)"
echo "groups=$(id -G)"
echo "home=$HOME"
echo "cwd=$(pwd)"
echo "fds=$(ls /proc/self/fd | tr '\n' ' ')"
grep '^NoNewPrivs:' /proc/self/status | tr -d ' \t'
if command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import os; os.setuid(0)' 2>/dev/null; then echo "setuid0=ok"; else echo "setuid0=refused"; fi
fi
SH
chmod 0755 "$T/report.sh"
cp "$T/report.sh" /tmp/amlhosts-runas.$$.sh
trap 'userdel "$U" >/dev/null 2>&1 || true; groupdel "$G" >/dev/null 2>&1 || true; rm -rf "$T" "$UHOME" /tmp/amlhosts-runas.$$.sh' EXIT
REPORT=/tmp/amlhosts-runas.$$.sh

# probe WHAT DISCOVERY_USER VAR=VALUE...: run the report as runas_pick()
# decides, with a clean environment plus the variables given (HOME=/root
# among them: the child's HOME must come from the password database), and
# descriptor 7 left open, not close-on-exec.
probe() {
	what=$1 du=$2
	shift 2
	run env -i PATH="$PATH" HOME=/root "$@" "$PROBE" "$du" /bin/sh "$REPORT" 7</dev/null
	expect_rc 0 "$what" || true
}

# sees USER_UID WHAT: the report shows a full switch to the test user.
sees_user() {
	expect_out "^uid=$UID_U gid=$GID_U\$" || fail "$1: not the test user"
	expect_out "^groups=.*\\b$GID_G\\b" || fail "$1: supplementary group missing"
	expect_out "^home=$UHOME\$" || fail "$1: HOME not from passwd"
	expect_out "^cwd=$UHOME\$" || fail "$1: not started in the home"
}

# hardened WHAT: no way back to root, nothing inherited beyond 0-2 (3 is
# ls's own directory).
hardened() {
	expect_out '^NoNewPrivs:1$' || fail "$1: no_new_privs not set"
	expect_out '^fds=0 1 2 3 $' || fail "$1: a descriptor leaked into the child"
	if command -v python3 >/dev/null 2>&1; then
		expect_out '^setuid0=refused$' || fail "$1: setuid(0) worked"
	fi
}

probe "sudo" _amlhosts SUDO_UID="$UID_U" SUDO_GID="$GID_U" SUDO_USER="$U"
expect_out "^runas: $U (uid $UID_U) how=1\$" || true
sees_user "sudo"
hardened "sudo"

probe "doas" _amlhosts DOAS_USER="$U"
expect_out "how=2\$" || true
sees_user "doas"
hardened "doas"

probe "pkexec" _amlhosts PKEXEC_UID="$UID_U"
expect_out "how=3\$" || true
sees_user "pkexec"
hardened "pkexec"

probe "discovery_user" "$U"
expect_out "how=4\$" || true
sees_user "discovery_user"
hardened "discovery_user"

# sudo run by root: no sudo user, discovery_user decides.
probe "SUDO_UID=0" "$U" SUDO_UID=0 SUDO_USER=root
sees_user "SUDO_UID=0"

if getent passwd nobody >/dev/null; then
	probe "missing discovery_user" "nosuchuser$$"
	expect_out "^uid=$(id -u nobody) " || fail "missing discovery_user: not nobody"
	expect_err "note: discovery_user 'nosuchuser$$' does not exist; discovery runs as 'nobody'" || true
	hardened "nobody"
fi

probe "discovery_user = root" root
expect_out '^uid=0 gid=0$' || fail "discovery_user = root: not root"
expect_out '^NoNewPrivs:1$' || fail "root: no_new_privs not set"

# Never root otherwise; bad sudo variables are errors, not root.
run env -i PATH="$PATH" SUDO_UID=abc "$PROBE" _amlhosts /bin/true
expect_rc 2 "SUDO_UID=abc" || true
expect_err "SUDO_UID='abc' is not a user id" || true
run env -i PATH="$PATH" SUDO_UID=3999999 "$PROBE" _amlhosts /bin/true
expect_rc 2 "SUDO_UID of no user" || true
expect_err "SUDO_UID=3999999 names no user" || true

# --- as root, json_file must be root's and not writable by others ---------
NIC="$EXAMPLES/workspace-nic.json"
printf '127.0.0.1\tlocalhost\n' > "$T/orig"
cp "$T/orig" "$T/hosts"
cp "$NIC" "$T/nic.json"
chmod 0644 "$T/nic.json"
printf '[workspace ws]\njson_file = %s\n' "$T/nic.json" > "$T/conf"
chmod 0644 "$T/conf"

chown "$U" "$T/nic.json"
run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" apply
expect_rc 2 "json_file owned by a user" || true
expect_err "json_file '$T/nic.json' of target 'ws' is refused" || true
expect_err "'$T/nic.json' is owned by $U (uid $UID_U), not root" || true
same "$T/orig" "$T/hosts" "json_file owned by a user: hosts file untouched" || true

chown root "$T/nic.json"
chmod 0666 "$T/nic.json"
run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" apply
expect_rc 2 "json_file mode 0666" || true
expect_err "'$T/nic.json' (owner root) is writable by others (mode 0666)" || true
same "$T/orig" "$T/hosts" "json_file mode 0666: hosts file untouched" || true

# The caller's own choice on the command line is theirs to make.
run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" apply --name ws --from-json "$T/nic.json"
expect_rc 0 "--from-json of a file others can write, given by root" || true

chmod 0644 "$T/nic.json"
cp "$T/orig" "$T/hosts"
run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" apply
expect_rc 0 "json_file owned by root, mode 0644" || true

finish
