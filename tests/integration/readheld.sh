#!/bin/sh
# Issue 11, "still by path": history, status and a rollback dry run take no
# lock and write nothing, but what they read must still be the state
# directory's. They open it once, without creating it and never through a
# link, trust it (as root) only when it is root's, and read the journal
# and the backups relative to it. Before, each read resolved the path
# anew: a user who could put a link (or a directory of their own) at the
# state directory's path had root show the user's journal as the file's
# history, and a backups/ swapped between the two reads of a rollback dry
# run brought in another backup.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fault-lib.sh"

need_root_useradd "readheld.sh needs root (the forged state is another user's)"
U=amlrh$$
useradd -M -N -r -s /bin/false "$U"
trap 'userdel "$U" >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

NIC="$EXAMPLES/workspace-nic.json"
mkdir "$T/etc"
printf '127.0.0.1\tlocalhost\n' > "$T/orig"
cp "$T/orig" "$T/etc/hosts"

# on STATE ARGS...: the command against the test's hosts file.
on() {
	s=$1
	shift
	run "$AMLHOSTS" -c /dev/null -H "$T/etc/hosts" --state-dir "$s" "$@"
}

# The forged state: changes of its own to the same hosts file, the last
# one's backup holding a block "decoyws" (made by amlhosts, so every hash
# in it is right), then handed to the user.
mkdir -m 0755 "$T/u"
for name in decoyws myws; do
	on "$T/u/forged" apply --name "$name" --from-json "$NIC"
	expect_rc 0 "the forged state's change ($name)" || true
done
# The real state: one apply, from the original file.
cp "$T/orig" "$T/etc/hosts"
on "$T/state" apply --name myws --from-json "$NIC"
expect_rc 0 "apply" || true
cp "$T/etc/hosts" "$T/applied"
# and the marker of an in-place change that never ended: status, which
# only looks for it, warned of it by path (issue 11's leftovers).
printf '2 1 2 3\n' > "$T/u/forged/in-place"
chown -R "$U" "$T/u"

# what_it_reads WHAT: history, status and rollback --dry-run on the state
# directory $T/u/state refuse it (history and rollback: exit 1, naming it
# with $REASON) or do without it (status: "edited" unknown), and never show
# the forged records; nothing is written.
what_it_reads() {
	on "$T/u/state" history
	expect_rc 1 "$1: history" || true
	expect_err "state directory '$T/u/state' $REASON" || true
	grep -q decoyws "$T/out" && fail "$1: history shows the forged records" || pass
	on "$T/u/state" --json status
	expect_rc 0 "$1: status" || true
	grep -q '"edited": *"unknown"' "$T/out" && ! grep -q last_change_time "$T/out" && pass ||
	    fail "$1: status judged the block by the forged journal:" $(cat "$T/out")
	grep -q "in-place change" "$T/err" &&
	    fail "$1: status warns of the forged state's in-place change:" $(cat "$T/err") || pass
	on "$T/u/state" --dry-run rollback
	expect_rc 1 "$1: rollback --dry-run" || true
	expect_err "state directory '$T/u/state' $REASON" || true
	grep -q decoyws "$T/out" && fail "$1: rollback --dry-run shows the forged backup" || pass
	same "$T/applied" "$T/etc/hosts" "$1: the hosts file untouched" || true
}

# The last component a link (the user's) to the forged state directory.
ln -s "$T/u/forged" "$T/u/state"
chown -h "$U" "$T/u/state"
REASON="is not a directory"
what_it_reads "a link at the state directory"
rm "$T/u/state"
# The forged state directory itself at the path: the user's, not root's.
mv "$T/u/forged" "$T/u/state"
REASON="is not owned by the user running amlhosts"
what_it_reads "a state directory of another user's"

# The same commands on root's own state directory read it as before, and a
# missing one is no change yet (and is not created).
on "$T/state" history
expect_rc 0 "history" || true
grep -q '^1 .* apply .* myws .* kept$' "$T/out" && pass || fail "history:" $(cat "$T/out")
on "$T/state" --dry-run rollback
expect_rc 0 "rollback --dry-run" || true
expect_out "^-# BEGIN amlhosts myws" || true
# root's own marker is still told of (and left: status repairs nothing).
printf '2 1 2 3\n' > "$T/state/in-place"
on "$T/state" status
expect_rc 0 "status with an in-place marker" || true
expect_err "an in-place change to the hosts file was interrupted" || true
[ -e "$T/state/in-place" ] && pass || fail "status removed the in-place marker"
rm "$T/state/in-place"
on "$T/none" history
expect_rc 0 "history without a state directory" || true
expect_out "no recorded changes" || true
on "$T/none" --json status
expect_rc 0 "status without a state directory" || true
on "$T/none" --dry-run rollback
expect_rc 1 "rollback --dry-run without a state directory" || true
expect_err "no recorded change to '$T/etc/hosts' to roll back" || true
[ ! -e "$T/none" ] && pass || fail "a read-only command created the state directory"

# backups/ swapped for a link to decoys (a 1.hosts of other bytes) between
# the dry run's read of the journal and its read of the backup (at the
# backup's open): the backups directory held is read, and the dry run
# shows the real rollback. By path, the decoy was read and refused
# (exit 1, "does not match the journal").
# (Under AddressSanitizer, which the preload library cannot run with, only
# this part is left out, and said so.)
if (need_inject) >"$T/skip" 2>&1; then
	mkdir "$T/decoys"
	printf '10.6.6.6\tdecoy.example\n' > "$T/decoys/1.hosts"
	run env LD_PRELOAD="$INJECT_LIB" INJECT_SWAP_STEPS=open INJECT_SWAP_MATCH=1.hosts \
	    INJECT_SWAP_DIR="$T/state/backups" INJECT_SWAP_AWAY="$T/backups.moved" \
	    INJECT_SWAP_LINK="$T/decoys" \
	    "$AMLHOSTS" -c /dev/null -H "$T/etc/hosts" --state-dir "$T/state" --dry-run rollback
	[ -L "$T/state/backups" ] && [ -d "$T/backups.moved" ] ||
	    fail "the preload library did not swap backups/ (exit $rc: $(cat "$T/err"))"
	expect_rc 0 "rollback --dry-run, backups/ swapped after the journal was read" || true
	expect_out "^-# BEGIN amlhosts myws" || true
	grep -q decoy "$T/out" "$T/err" && fail "the decoy backup was read:" $(cat "$T/out" "$T/err") ||
	    pass
	same "$T/applied" "$T/etc/hosts" "swapped backups/: the hosts file untouched" || true
else
	echo "note: backups/ swapped in a dry run not tried: $(cat "$T/skip")" >&2
fi

finish
