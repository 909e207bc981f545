#!/bin/sh
# rollback: managed parts by default (unrelated edits survive), exact bytes
# with --whole-file, --to ID, history.
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
cp "$HOSTS/debian" "$T/hosts"
cp "$T/hosts" "$T/v0"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply 1"
cp "$T/hosts" "$T/v1"
aml apply --name st --from-json "$JSON/dns-zone-group.json"
expect_rc 0 "apply 2"
cp "$T/hosts" "$T/v2"

aml history
expect_rc 0 "history"
expect_out "^1 .*apply .*myws"
expect_out "^2 .*apply .*st"
aml --json history
expect_out '"id": 2'

# An unrelated edit after the last change.
printf '192.168.7.7\tprinter\n' >> "$T/hosts"
aml rollback
expect_rc 0 "rollback"
expect_out "rolled back change 2"
grep -q "^192\.168\.7\.7	printer$" "$T/hosts" || fail "rollback lost an unrelated edit"
! grep -q "BEGIN amlhosts st" "$T/hosts" || fail "rollback left block st"
grep -q "BEGIN amlhosts myws" "$T/hosts" || fail "rollback removed block myws"
{ cat "$T/v1"; printf '192.168.7.7\tprinter\n'; } > "$T/want"
same "$T/want" "$T/hosts" "rollback result"

# The rollback is itself a change; rolling it back re-does change 2.
aml rollback
expect_rc 0 "rollback of the rollback"
grep -q "BEGIN amlhosts st" "$T/hosts" || fail "block st not back"
grep -q "^192\.168\.7\.7	printer$" "$T/hosts" || fail "edit lost"

# --whole-file gives the exact old bytes; --to 1 goes back before change 1.
aml rollback --to 1 --whole-file
expect_rc 0 "rollback --to 1 --whole-file"
same "$T/v0" "$T/hosts" "--whole-file bytes"
aml rollback --to 2 --whole-file
same "$T/v1" "$T/hosts" "--to 2 --whole-file bytes"

aml rollback --to 99
expect_rc 1 "rollback to an unknown id"
expect_err "no change 99"
run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" rollback --to x
expect_rc 2 "rollback --to x"

# keep_backups: old backups pruned, history says so, rollback explains.
cat > "$T/conf" <<CONF
[global]
hosts_file = $T/hosts
state_dir = $T/state2
keep_backups = 2
CONF
cp "$HOSTS/debian" "$T/hosts"
for i in 1 2 3 4; do
	printf '# edit %s\n' "$i" >> "$T/hosts"
	run "$AMLHOSTS" -c "$T/conf" apply --name "ws$i" --from-json "$NIC"
	expect_rc 0 "apply ws$i"
done
[ "$(ls "$T/state2/backups" | wc -l)" -eq 2 ] || fail "keep_backups=2 kept $(ls "$T/state2/backups" | wc -l)"
run "$AMLHOSTS" -c "$T/conf" history
expect_out "pruned"
run "$AMLHOSTS" -c "$T/conf" rollback --to 1
expect_rc 1 "rollback to a pruned backup"
expect_err "gone"

# Untouched since the change: rollback gives the exact earlier bytes, even
# a prior line that apply had disabled.
rm -rf "$STATE"
printf '127.0.0.1 localhost\n10.9.9.9 fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms alias.example\n' > "$T/hosts"
cp "$T/hosts" "$T/v0"
aml apply --name myws --from-json "$NIC"
grep -q '^#amlhosts:myws# 10\.9\.9\.9' "$T/hosts" || fail "prior line not disabled"
aml rollback
expect_rc 0 "rollback of an untouched change"
same "$T/v0" "$T/hosts" "rollback of an untouched change"

# No history yet.
rm -rf "$STATE"
cp "$HOSTS/debian" "$T/hosts"
aml rollback
expect_rc 1 "rollback with no history"
expect_err "no recorded change"

# A journal whose last change ID is the largest a long holds (tampered or
# corrupt): the next change is refused before the ID could wrap, nothing is
# written, and history still reads the journal.
rm -rf "$STATE"
cp "$HOSTS/debian" "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply before the ID test"
max=9223372036854775807
[ "$(getconf LONG_BIT)" = 64 ] || max=2147483647
sed "s/^1	/$max	/" "$STATE/journal" > "$T/journal.new"
cat "$T/journal.new" > "$STATE/journal"
mv "$STATE/backups/1.hosts" "$STATE/backups/$max.hosts"
cp "$T/hosts" "$T/before-max"
cp "$STATE/journal" "$T/journal-max"
aml apply --name st --from-json "$JSON/dns-zone-group.json"
expect_rc 1 "apply after the largest ID"
expect_err "change ID $max, the largest there can be"
cmp -s "$T/hosts" "$T/before-max" || fail "apply after the largest ID changed the hosts file"
cmp -s "$STATE/journal" "$T/journal-max" || fail "apply after the largest ID changed the journal"
[ "$(ls "$STATE/backups")" = "$max.hosts" ] || fail "apply after the largest ID left a backup: $(ls "$STATE/backups")"
aml history
expect_rc 0 "history after the largest ID"
expect_out "^$max .*apply .*myws"

# Backups without copying (issue 11): replaced by rename, the old inode is
# never written again, so the backup is that inode, read-only once the
# change landed; the hosts file keeps its mode. With write_mode = in-place
# the live inode is rewritten, so the backup must be a separate inode.
rm -rf "$STATE"
cp "$HOSTS/debian" "$T/hosts"
chmod 644 "$T/hosts"
cp "$T/hosts" "$T/v0"
ino=$(stat -c %i "$T/hosts")
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply with a linked backup"
[ "$(stat -c %i "$STATE/backups/1.hosts")" = "$ino" ] || fail "the backup is not the old inode"
[ "$(stat -c %a "$STATE/backups/1.hosts")" = 400 ] || fail "the linked backup is not read-only"
[ "$(stat -c %a.%h "$T/hosts")" = 644.1 ] || fail "the new hosts file: mode.links $(stat -c %a.%h "$T/hosts")"
same "$T/v0" "$STATE/backups/1.hosts" "linked backup bytes"
aml rollback --whole-file
expect_rc 0 "rollback --whole-file from a linked backup"
same "$T/v0" "$T/hosts" "rollback --whole-file from a linked backup"
[ "$(stat -c %a "$T/hosts")" = 644 ] || fail "rollback gave the hosts file the backup's mode"

# A hosts file with a second name stays live under it after the rename:
# its backup is a copy, and the other name keeps its bytes and mode.
rm -rf "$STATE"
cp "$T/v0" "$T/hosts"
chmod 644 "$T/hosts"
ln "$T/hosts" "$T/other-name"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply to a file with two names"
[ "$(stat -c %i "$STATE/backups/1.hosts")" != "$(stat -c %i "$T/other-name")" ] ||
    fail "the backup is linked to a file still in use under another name"
[ "$(stat -c %a "$T/other-name")" = 644 ] || fail "the other name's mode changed"
same "$T/v0" "$T/other-name" "the other name's bytes"
same "$T/v0" "$STATE/backups/1.hosts" "backup of a file with two names"
rm -f "$T/other-name"

# A bind mount (as in a container) is what write_mode = in-place rewrites.
rm -rf "$STATE"
cp "$T/v0" "$T/hosts"
printf '[global]\nwrite_mode = in-place\n' > "$T/in-place.conf"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	cp "$T/v0" "$T/bound"
	ino=$(stat -c %i "$T/bound")
	set +e
	unshare -m sh -c 'mount --bind "$1/bound" "$1/hosts" && exec "$2" -c "$1/in-place.conf" \
	    -H "$1/hosts" --state-dir "$1/state" apply --name myws --from-json "$3"' \
	    sh "$T" "$AMLHOSTS" "$NIC" > "$T/out" 2> "$T/err"
	rc=$?
	set -e
	expect_rc 0 "in-place apply"
	[ "$(stat -c %i "$T/bound")" = "$ino" ] || fail "in-place apply replaced the inode"
	[ "$(stat -c %i "$STATE/backups/1.hosts")" != "$ino" ] ||
	    fail "in-place apply linked its backup to the live file"
	[ "$(stat -c %a "$STATE/backups/1.hosts")" = 400 ] || fail "the copied backup is not read-only"
	same "$T/v0" "$STATE/backups/1.hosts" "in-place backup bytes"
	cmp -s "$T/v0" "$T/bound" && fail "in-place apply did not change the file"
	pass
else
	echo "SKIP: the in-place backup test needs root and unshare -m" >&2
fi

finish
