#!/bin/sh
# Issue 11, paths resolved and opened once: the hosts file's directory is
# held as a descriptor from the read to the directory fsync, and the state
# directory from the start of the run, so a directory swapped for a
# symbolic link after the trust walk cannot misdirect the write. The preload library plays the attacker at exact points of the
# write: at the creation of the temporary file it renames the directory
# away and puts a link to another root-owned directory in its place, puts
# the directory back when the temporary file is closed (so that a check by
# path before the rename sees the file it read), and swaps again just
# before the rename. Path-based code then creates the temporary file in
# the other directory and renames it over the other directory's hosts
# file; the held descriptor keeps every step in the original directory.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fault-lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (the other directory must be root's, as in the attack)" >&2
	exit 77
fi
need_inject

mkdir -p "$T/a/etc" "$T/b/etc"
printf '127.0.0.1\tlocalhost\n' > "$T/orig"
printf '10.9.9.9\tother.example\n' > "$T/other"
cp "$T/orig" "$T/a/etc/etchosts"
cp "$T/other" "$T/b/etc/etchosts"

# swap_run STEPS [MATCH DIR AWAY LINK]: apply on a/etc/etchosts, a
# directory (a/etc) swapped for a link (to b/etc) at STEPS.
swap_run() {
	run env LD_PRELOAD="$INJECT_LIB" INJECT_SWAP_STEPS="$1" \
	    INJECT_SWAP_MATCH="${2:-.etchosts.amlhosts-}" INJECT_SWAP_DIR="${3:-$T/a/etc}" \
	    INJECT_SWAP_AWAY="${4:-$T/a/moved}" INJECT_SWAP_LINK="${5:-$T/b/etc}" \
	    "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$T/s/state" \
	    apply --name myws --from-json "$NIC"
}

# checks WHAT: the other directory's file is untouched and nothing was
# left there; the run either failed with the original file as it was, or
# wrote the original file (now in a/moved, where the descriptor leads).
# One apply of the test's hosts file, in state directory $1, of target $2.
apply_in() {
	run "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$1" \
	    apply --name "$2" --from-json "$NIC"
}

checks() {
	same "$T/other" "$T/b/etc/etchosts" "$1: the link's target is untouched" || true
	left=$(find "$T/b/etc" -mindepth 1 ! -name etchosts)
	[ -z "$left" ] && pass || fail "$1: files left in the link's target: $left"
	if [ "$rc" -eq 0 ]; then
		grep -q "^# BEGIN amlhosts myws" "$T/a/moved/etchosts" && pass ||
		    fail "$1: exit 0 but the original file (in $T/a/moved) has no block"
	else
		same "$T/orig" "$T/a/moved/etchosts" "$1: exit $rc, original file untouched" || true
	fi
}

# The full dance: out at the temporary file's creation, back at its close,
# out again at the rename.
swap_run "open,close,rename"
[ -L "$T/a/etc" ] && [ -d "$T/a/moved" ] ||
    fail "the preload library did not swap the directory (exit $rc: $(cat "$T/err"))"
checks "swapped at create and rename"

# Swapped once, at the creation of the temporary file, and left so.
rm -rf "$T/a/etc" "$T/a/moved" "$T/s"
mkdir "$T/a/etc"
cp "$T/orig" "$T/a/etc/etchosts"
cp "$T/other" "$T/b/etc/etchosts"
swap_run "open"
[ -L "$T/a/etc" ] || fail "the preload library did not swap the directory"
checks "swapped at create"

# The state directory's parent swapped for a link (to a root-owned
# directory with a state directory of its own) when the backup is linked:
# the backup and the journal record go to the state directory held, and
# nothing is created behind the link.
rm -rf "$T/a/etc" "$T/a/moved" "$T/s"
mkdir "$T/a/etc"
cp "$T/orig" "$T/a/etc/etchosts"
mkdir -p "$T/s2/state/backups"
chmod 0700 "$T/s2/state" "$T/s2/state/backups"
swap_run "link" "1.hosts" "$T/s" "$T/s.moved" "$T/s2"
[ -L "$T/s" ] || fail "the preload library did not swap the state directory's parent"
expect_rc 0 "state directory swapped at the backup" || true
left=$(find "$T/s2/state" -mindepth 1 ! -name backups)
[ -z "$left" ] && pass || fail "files created behind the link: $left"
[ -f "$T/s.moved/state/backups/1.hosts" ] && [ -s "$T/s.moved/state/journal" ] && pass ||
    fail "the backup or the journal is not in the state directory held"
grep -q "^# BEGIN amlhosts myws" "$T/a/etc/etchosts" && pass ||
    fail "state directory swapped: the hosts file was not written"

# The hosts file's directory swapped, just after it was locked, for
# another directory of the same name (renamed into its place: no link for
# O_NOFOLLOW to catch, the same path): the lock is on the directory moved
# away, so the file now at the path is not written under it. Told by the
# directory's identity, not its name: nothing is written anywhere.
rm -rf "$T/a/etc" "$T/a/moved" "$T/s" "$T/c"
mkdir "$T/a/etc" "$T/c"
cp "$T/orig" "$T/a/etc/etchosts"
cp "$T/other" "$T/c/etchosts"
run env LD_PRELOAD="$INJECT_LIB" INJECT_SWAP_STEPS=flock INJECT_SWAP_RENAME=1 \
    INJECT_SWAP_MATCH="$T/a/etc" INJECT_SWAP_DIR="$T/a/etc" INJECT_SWAP_AWAY="$T/a/moved" \
    INJECT_SWAP_LINK="$T/c" \
    "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$T/s/state" \
    apply --name myws --from-json "$NIC"
[ -d "$T/a/moved" ] && [ ! -e "$T/c" ] ||
    fail "the preload library did not swap the locked directory (exit $rc: $(cat "$T/err"))"
expect_rc 1 "locked directory swapped for another of its name" || true
expect_err "now leads to another directory" || true
same "$T/other" "$T/a/etc/etchosts" "the directory swapped in, not locked: untouched" || true
same "$T/orig" "$T/a/moved/etchosts" "the directory locked and moved away: untouched" || true

# Links inside the state directory are never followed, by the commands
# that read it without the lock (history) and by those that hold it
# (rollback's backup).
rm -rf "$T/a/etc" "$T/a/moved" "$T/s"
mkdir "$T/a/etc"
cp "$T/orig" "$T/a/etc/etchosts"
apply_in "$T/s/state" myws
expect_rc 0 "apply before the links" || true
mv "$T/s/state/journal" "$T/journal.real"
ln -s "$T/journal.real" "$T/s/state/journal"
run "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$T/s/state" history
[ "$rc" -ne 0 ] && pass || fail "history read the journal through a link (exit 0)"
expect_err "symbolic link" || true
rm "$T/s/state/journal"
mv "$T/journal.real" "$T/s/state/journal"
cp "$T/s/state/backups/1.hosts" "$T/backup.real"
rm "$T/s/state/backups/1.hosts"
ln -s "$T/backup.real" "$T/s/state/backups/1.hosts"
cp "$T/a/etc/etchosts" "$T/applied"
run "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$T/s/state" rollback
[ "$rc" -ne 0 ] && pass || fail "rollback read the backup through a link (exit 0)"
expect_err "symbolic link" || true
same "$T/applied" "$T/a/etc/etchosts" "rollback refused: the hosts file untouched" || true
# history's kept column: a link in the backup's place (to a real file) is
# no kept backup, plain or --json.
run "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$T/s/state" history
expect_rc 0 "history with a link in the backup's place" || true
grep -q '^1 .* pruned$' "$T/out" && pass ||
    fail "history lists a link in the backup's place as kept:" $(cat "$T/out")
run "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$T/s/state" --json history
expect_rc 0 "history --json with a link in the backup's place" || true
grep -q '"id": *1,' "$T/out" && grep -q '"backup": *null' "$T/out" && pass ||
    fail "history --json lists a link in the backup's place as kept:" $(cat "$T/out")

# uninstall --purge never deletes through a link: backups/ is swapped for
# a link to a directory of decoy backups at the lock of state/lock (the
# only one: the purge follows the removal under its lock, in the state
# directory opened before it). The descriptor held empties the real
# backups/ and no directory is removed through the link. Path-based code
# deleted the decoys: root removing files wherever someone's link leads.
purge_swapped() {
	rm -rf "$T/a/etc" "$T/s" "$T/decoys"
	mkdir "$T/a/etc" "$T/decoys"
	cp "$T/orig" "$T/a/etc/etchosts"
	printf 'decoy\n' > "$T/decoys/1.hosts"
	printf 'decoy\n' > "$T/decoys/other.hosts"
	apply_in "$T/s/state" myws
	expect_rc 0 "apply before the purge" || true
	run env LD_PRELOAD="$INJECT_LIB" INJECT_SWAP_STEPS="$1" INJECT_SWAP_MATCH="$T/s/state/lock" \
	    INJECT_SWAP_DIR="$T/s/state/backups" INJECT_SWAP_AWAY="$T/s/backups.moved" \
	    INJECT_SWAP_LINK="$T/decoys" \
	    "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$T/s/state" uninstall --purge
	[ -L "$T/s/state/backups" ] && [ -d "$T/s/backups.moved" ] ||
	    fail "$1: the preload library did not swap backups/ (exit $rc: $(cat "$T/err"))"
	[ -f "$T/decoys/1.hosts" ] && [ -f "$T/decoys/other.hosts" ] && pass ||
	    fail "$1: uninstall --purge deleted files behind a link put in backups/' place"
	expect_rc 1 "$1: backups/ swapped for a link" || true
	same "$T/orig" "$T/a/etc/etchosts" "$1: uninstall removed the block before the purge" || true
}
purge_swapped flock@1
[ -z "$(ls -A "$T/s/backups.moved")" ] && pass ||
    fail "the backups held were not deleted:" $(ls -A "$T/s/backups.moved")
expect_err "cannot remove '$T/s/state/backups'" || true

# The purge is made under the lock the removal took, before it is let go
# (issue 11): another run that comes between the removal and the purge
# waits, and its change keeps its record and backup (rollback undoes it).
# The uninstall is slowed (1.5 s) before each call of kind $1 on paths
# under $2, and an apply of another workspace is started once the removal
# has landed. Before each flock of the state lock: the purge that took the
# lock again after the removal let it go deleted the apply's backup, made
# in between. Before each unlink in backups/: the apply waits on the lock
# file the purge deletes, then takes the state directory up again, where
# it failed to write its backup in the deleted one.
printf '[global]\nlock_timeout = 8\n' > "$T/wait.conf"
purge_between() {
	rm -rf "$T/a/etc" "$T/s"
	mkdir "$T/a/etc"
	cp "$T/orig" "$T/a/etc/etchosts"
	apply_in "$T/s/state" myws
	expect_rc 0 "$1: apply before the purge" || true
	env LD_PRELOAD="$INJECT_LIB" INJECT_DELAY_US=1500000 INJECT_DELAY_CALLS="$1" \
	    INJECT_PREFIX="$2" "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" \
	    --state-dir "$T/s/state" uninstall --purge >"$T/purge.out" 2>"$T/purge.err" &
	pid=$!
	i=0
	while grep -q "BEGIN amlhosts myws" "$T/a/etc/etchosts" && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	run "$AMLHOSTS" -c "$T/wait.conf" -H "$T/a/etc/etchosts" --state-dir "$T/s/state" \
	    apply --name otherws --from-json "$NIC"
	wait $pid && prc=0 || prc=$?
	[ "$prc" -eq 0 ] && grep -q "deleted state directory '$T/s/state' (2 backups and the journal of changes)" \
	    "$T/purge.out" "$T/purge.err" && pass ||
	    fail "$1: uninstall --purge: exit $prc:" $(cat "$T/purge.out" "$T/purge.err")
	expect_rc 0 "$1: the apply between the removal and the purge" || true
	grep -q "BEGIN amlhosts otherws" "$T/a/etc/etchosts" &&
	    ! grep -q "BEGIN amlhosts myws" "$T/a/etc/etchosts" && pass ||
	    fail "$1: the hosts file lacks the apply's block"
	[ "$(ls "$T/s/state/backups" 2>&1)" = 1.hosts ] && same "$T/orig" "$T/s/state/backups/1.hosts" \
	    "$1: the apply's backup" && pass ||
	    fail "$1: the apply's backup is gone:" $(ls -R "$T/s" 2>&1)
	[ "$(wc -l < "$T/s/state/journal")" -eq 1 ] && grep -q "apply.*otherws" "$T/s/state/journal" &&
	    pass || fail "$1: the apply's record is gone"
	run "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$T/s/state" rollback
	expect_rc 0 "$1: rollback of the apply" || true
	same "$T/orig" "$T/a/etc/etchosts" "$1: the apply rolled back" || true
}
purge_between flock "$T/s/state/lock"
purge_between unlink "$T/s/state/backups"

# Rollback reads the journal and the backup it restores through the state
# directory held, not by path: the state directory's parent swapped, just
# before the lock is taken (the directory is open by then), for a link to a
# root-owned directory whose state directory has a decoy journal and
# backup (changes of its own to the same hosts file, the last one's backup
# holding a block "decoyws"). The decoy's bytes never reach the hosts
# file: the real backup lands (exit 0), or the run fails with the file as
# it was.
rm -rf "$T/a/etc" "$T/a/moved" "$T/s" "$T/s.moved" "$T/s2"
mkdir "$T/a/etc"
cp "$T/orig" "$T/a/etc/etchosts"
for name in decoyws myws; do
	apply_in "$T/s2/state" "$name"
	expect_rc 0 "the decoy's change ($name)" || true
done
cp "$T/orig" "$T/a/etc/etchosts"
apply_in "$T/s/state" myws
expect_rc 0 "apply before the rollback" || true
cp "$T/a/etc/etchosts" "$T/applied"
cp -a "$T/s" "$T/s.saved"
for how in "" --whole-file; do
	rm -rf "$T/s" "$T/s.moved"
	cp -a "$T/s.saved" "$T/s"
	cp "$T/applied" "$T/a/etc/etchosts"
	run env LD_PRELOAD="$INJECT_LIB" INJECT_SWAP_STEPS=flock \
	    INJECT_SWAP_MATCH="$T/s/state/lock" INJECT_SWAP_DIR="$T/s" \
	    INJECT_SWAP_AWAY="$T/s.moved" INJECT_SWAP_LINK="$T/s2" \
	    "$AMLHOSTS" -c /dev/null -H "$T/a/etc/etchosts" --state-dir "$T/s/state" \
	    rollback $how
	[ -L "$T/s" ] && [ -d "$T/s.moved" ] ||
	    fail "rollback $how: the preload library did not swap the state directory's parent (exit $rc: $(cat "$T/err"))"
	if grep -q "decoyws" "$T/a/etc/etchosts"; then
		fail "rollback $how: the decoy backup behind the link was written (exit $rc)"
	elif [ "$rc" -eq 0 ]; then
		same "$T/orig" "$T/a/etc/etchosts" "rollback $how: the real backup restored" || true
	else
		same "$T/applied" "$T/a/etc/etchosts" "rollback $how: exit $rc, file untouched" || true
	fi
	# The rollback is recorded where the journal was read.
	[ "$(wc -l < "$T/s2/state/journal")" -eq 2 ] && pass ||
	    fail "rollback $how: a record was added to the decoy journal"
done
rm -rf "$T/s.saved"

# Held, not read: a user who may search the hosts file's directory but not
# list it (mode 0711) can still run status on the file in it.
if command -v runuser >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	chmod 0711 "$T"
	mkdir -m 0711 "$T/x"
	cp "$T/orig" "$T/x/hosts"
	chmod 0644 "$T/x/hosts"
	run runuser -u nobody -- "$AMLHOSTS" -c /dev/null -H "$T/x/hosts" \
	    --state-dir "$T/x/nostate" status
	expect_rc 0 "status as a user in a directory it cannot read" || true
	expect_out "no amlhosts blocks in '$T/x/hosts'" || true
else
	echo "note: no runuser or no user nobody: the 0711 directory case is not run" >&2
fi

finish
