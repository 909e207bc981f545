#!/bin/sh
# As root, paths a non-root user could swap or write are refused (exit 2,
# nothing written), and nothing is created directly in a world-writable
# directory (SPEC 6.3, 7). Needs root and useradd: a real non-root user owns
# the planted files.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (the checks apply to root runs only)"
	exit 77
fi
if ! command -v useradd >/dev/null 2>&1 || ! command -v userdel >/dev/null 2>&1; then
	echo "SKIP: needs useradd and userdel to create a non-root user"
	exit 77
fi
U="amltrust$$"
TMPHOSTS="/tmp/amlhosts-trust.$$.hosts"
TMPSTATE="/tmp/amlhosts-trust.$$.state"
useradd -M -N -r -s /bin/false "$U"
trap 'userdel "$U" >/dev/null 2>&1 || true; rm -rf "$T" "$TMPHOSTS" "$TMPSTATE"' EXIT

NIC="$EXAMPLES/workspace-nic.json"
printf '127.0.0.1\tlocalhost\n' > "$T/orig"

# refused HOSTS STATE WHAT MESSAGE: apply exits 2 naming the culprit and
# leaves the hosts file as it was.
refused() {
	run "$AMLHOSTS" -c /dev/null -H "$1" --state-dir "$2" apply --name myws --from-json "$NIC"
	expect_rc 2 "$3" || true
	expect_err "$4" || true
	same "$T/orig" "$1" "$3: hosts file untouched" || true
}

# The hosts file's directory belongs to the user, who could rename the file
# away and put another in its place: refused for every command that writes.
mkdir "$T/udir"
cp "$T/orig" "$T/udir/hosts"
chown "$U" "$T/udir"
refused "$T/udir/hosts" "$STATE" "user-owned directory" "'$T/udir' is owned by $U"
[ ! -e "$STATE" ] || fail "state directory created before the refusal"
for cmd in "remove myws" "uninstall" "rollback"; do
	# shellcheck disable=SC2086 # the command and its argument
	run "$AMLHOSTS" -c /dev/null -H "$T/udir/hosts" --state-dir "$STATE" $cmd
	expect_rc 2 "$cmd in a user-owned directory" || true
	expect_err "owned by $U" || true
done
same "$T/orig" "$T/udir/hosts" "remove/uninstall/rollback: hosts file untouched"

# The hosts file itself belongs to the user.
mkdir "$T/d1"
cp "$T/orig" "$T/d1/hosts"
chown "$U" "$T/d1/hosts"
refused "$T/d1/hosts" "$STATE" "user-owned hosts file" "'$T/d1/hosts' is owned by $U"

# A parent others (or the group) can write, without the sticky bit.
mkdir -p "$T/gw/sub"
cp "$T/orig" "$T/gw/sub/hosts"
chmod 0775 "$T/gw"
refused "$T/gw/sub/hosts" "$STATE" "group-writable parent" "'$T/gw' (owner root) is writable by its group"
chmod 0777 "$T/gw"
refused "$T/gw/sub/hosts" "$STATE" "world-writable parent" "'$T/gw' (owner root) is writable by others"

# A symbolic link at the hosts path, in a root-owned sticky directory: the
# user's link could point anywhere; the target stays untouched.
mkdir "$T/sticky"
chmod 1777 "$T/sticky"
cp "$T/orig" "$T/real.hosts"
ln -s "$T/real.hosts" "$T/sticky/link"
chown -h "$U" "$T/sticky/link"
run "$AMLHOSTS" -c /dev/null -H "$T/sticky/link" --state-dir "$STATE" apply --name myws --from-json "$NIC"
expect_rc 2 "user-owned symlink" || true
expect_err "'$T/sticky/link' is a symbolic link owned by $U" || true
same "$T/orig" "$T/real.hosts" "user-owned symlink: target untouched" || true
[ -L "$T/sticky/link" ] || fail "the user's link was replaced"
# The same link owned by root is followed: the sticky directory is fine on
# the way, and the temporary file is created beside the target, in $T.
chown -h root "$T/sticky/link"
run "$AMLHOSTS" -c /dev/null -H "$T/sticky/link" --state-dir "$STATE" apply --name myws --from-json "$NIC"
expect_rc 0 "root-owned symlink in a sticky directory" || true
grep -q "amlhosts" "$T/real.hosts" || fail "root-owned symlink: target not updated"
[ -L "$T/sticky/link" ] || fail "the root-owned link was replaced"
rm -rf "$STATE"

# The state directory's parent belongs to the user: refused, nothing created.
mkdir "$T/su"
chown "$U" "$T/su"
cp "$T/orig" "$T/hosts"
refused "$T/hosts" "$T/su/state" "state directory in a user-owned parent" "'$T/su' is owned by $U"
[ ! -e "$T/su/state" ] || fail "state directory created in a user-owned parent"
# Missing parents there too: refused by the walk, nothing made on the way.
refused "$T/hosts" "$T/su/a/b/state" "missing parents in a user-owned parent" "'$T/su' is owned by $U"
[ ! -e "$T/su/a" ] || fail "parents created in a user-owned directory"
# A parent that is the user's symbolic link (to a root-owned directory, or
# dangling): the walk refuses the link, nothing is made behind it.
mkdir "$T/rootd"
ln -s "$T/rootd" "$T/ulink"
ln -s "$T/rootd/new" "$T/udangling"
chown -h "$U" "$T/ulink" "$T/udangling"
refused "$T/hosts" "$T/ulink/x/state" "parent a user's link" "'$T/ulink' is a symbolic link owned by $U"
refused "$T/hosts" "$T/udangling/x/state" "parent a user's dangling link" \
    "'$T/udangling' is a symbolic link owned by $U"
[ -z "$(ls -A "$T/rootd")" ] || fail "directories created behind a user's link"
# Back up ('..') out of a directory not there yet into the user's: the walk
# judges the root-owned place where '..' starts; nothing may be created.
run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$T/rootd/new/../../su/state" \
    apply --name myws --from-json "$NIC"
expect_rc 1 "'..' out of a missing directory" || true
expect_err "give the path without '..'" || true
same "$T/orig" "$T/hosts" "'..' out of a missing directory: hosts file untouched" || true
[ ! -e "$T/su/state" ] && [ ! -e "$T/rootd/new" ] && pass ||
    fail "'..' out of a missing directory created directories"

# Directly in a sticky world-writable directory (/tmp): the temporary file
# or the state directory would be created there.
if [ "$(stat -c %a:%u /tmp 2>/dev/null)" = "1777:0" ]; then
	cp "$T/orig" "$TMPHOSTS"
	refused "$TMPHOSTS" "$STATE" "hosts file directly in /tmp" "'/tmp' (owner root) is writable by others"
	[ ! -e "$STATE" ] || fail "state directory created for a hosts file in /tmp"
	refused "$T/hosts" "$TMPSTATE" "state directory directly in /tmp" "'/tmp' (owner root) is writable by others"
	[ ! -e "$TMPSTATE" ] || fail "state directory created directly in /tmp"
else
	echo "note: /tmp is not a root-owned 1777 directory; its cases are not run"
fi

# The normal case: a root-owned private directory under /tmp.
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply in a root-owned directory under /tmp" || true
grep -q "amlhosts" "$T/hosts" || fail "normal apply did not write"
aml remove myws
expect_rc 0 "remove in a root-owned directory under /tmp" || true
same "$T/orig" "$T/hosts" "normal remove restores the file" || true

finish
