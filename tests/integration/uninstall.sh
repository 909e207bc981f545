#!/bin/sh
# uninstall with nothing to do writes nothing (no state directory, the hosts
# file untouched) and says so; --purge says what it deleted and names no
# backup it then deletes (issue 15).
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
printf '127.0.0.1\tlocalhost\n' > "$T/orig"
cp "$T/orig" "$T/hosts"
before=$(inode_mtime "$T/hosts")

aml uninstall
expect_rc 0 "uninstall with nothing to do" || true
expect_out "has no amlhosts lines: nothing to uninstall" || true
[ ! -e "$STATE" ] && pass || fail "uninstall with nothing to do created the state directory"
[ "$(inode_mtime "$T/hosts")" = "$before" ] && pass || fail "uninstall with nothing to do rewrote the hosts file"

aml uninstall --purge
expect_rc 0 "uninstall --purge with nothing at all" || true
expect_out "no state directory '$STATE': nothing to delete" || true
[ ! -e "$STATE" ] && pass || fail "uninstall --purge created the state directory"

# Two changes: two backups, then uninstall --purge is a third change whose
# backup goes with the directory, so the message must not name it.
aml apply --name myws --from-json "$NIC"
aml apply --name other --from-json "$JSON/dns-zone-group.json"
aml uninstall --purge
expect_rc 0 "uninstall --purge" || true
same "$T/orig" "$T/hosts" "uninstall --purge restores the original bytes" || true
expect_out "removed every amlhosts block from '$T/hosts' (change 3)" || true
expect_out "deleted state directory '$STATE' (3 backups and the journal of changes)" || true
grep -q 'backups/' "$T/out" && fail "uninstall --purge names a backup it deleted: $(cat "$T/out")" || pass
[ ! -e "$STATE" ] && pass || fail "--purge left the state directory"

# A state directory that exists: the usual run (nothing to change), then
# --purge deletes it, and says it had no backups.
aml apply --name myws --from-json "$NIC"
aml remove myws
aml uninstall
expect_rc 0 "uninstall with a state directory and nothing to do" || true
expect_out "is up to date: nothing to change" || true
aml uninstall --purge
expect_out "deleted state directory '$STATE' (2 backups and the journal of changes)" || true

finish
