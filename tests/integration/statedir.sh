#!/bin/sh
# The state directory: its missing parents are created (0755) and it is
# 0700 (issue 15: the default /usr/local/var/lib/amlhosts of a plain
# ./configure has no parents on a fresh machine); a user who may not create
# it is told to run as root. The second part needs root and useradd: a real
# non-root user runs amlhosts.
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
printf '127.0.0.1\tlocalhost\n' > "$T/hosts"

deep="$T/usr/local/var/lib/amlhosts"
run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$deep" apply --name myws --from-json "$NIC"
expect_rc 0 "apply with a state directory whose parents are missing" || true
[ "$(stat -c %a "$deep")" = 700 ] && pass || fail "state directory is $(stat -c %a "$deep"), expected 700"
[ "$(stat -c %a "$T/usr/local/var")" = 755 ] && pass || fail "parent is $(stat -c %a "$T/usr/local/var"), expected 755"
grep -q '^# BEGIN amlhosts myws' "$T/hosts" && pass || fail "apply wrote no block"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root to run amlhosts as another, non-root user"
	exit 77
fi
if ! command -v useradd >/dev/null 2>&1 || ! command -v userdel >/dev/null 2>&1 ||
    ! command -v setpriv >/dev/null 2>&1; then
	echo "SKIP: needs useradd, userdel and setpriv (util-linux) to run as a non-root user"
	exit 77
fi
U="amlstate$$"
useradd -M -N -r -s /bin/false "$U"
trap 'userdel "$U" >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
uid=$(id -u "$U")
gid=$(id -g "$U")
chmod 0755 "$T"
printf '127.0.0.1\tlocalhost\n' > "$T/hosts2"
chmod 0644 "$T/hosts2"
mkdir -m 0755 "$T/rootonly"
# as_user ARGS...: amlhosts as the non-root user.
as_user() {
	run setpriv --reuid "$uid" --regid "$gid" --clear-groups \
	    "$AMLHOSTS" -c /dev/null -H "$T/hosts2" "$@"
}
as_user --state-dir "$T/rootonly/lib/amlhosts" apply --name myws --from-json "$NIC"
expect_rc 1 "non-root: parent of the state directory not writable" || true
expect_err "cannot create the parent directory '$T/rootonly/lib': Permission denied; run as root" || true
as_user --state-dir "$T/rootonly/amlhosts" apply --name myws --from-json "$NIC"
expect_rc 1 "non-root: state directory not creatable" || true
expect_err "cannot create state directory '$T/rootonly/amlhosts': Permission denied; run as root" || true
[ ! -e "$T/rootonly/lib" ] && [ ! -e "$T/rootonly/amlhosts" ] && pass ||
	fail "a refused run created something in $T/rootonly"

finish
