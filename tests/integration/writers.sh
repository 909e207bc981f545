#!/bin/sh
# Other writers (issue "Write path v2", problem 4). Runs with different state
# directories, hence different state locks, on one hosts file still take
# turns: the hosts file's directory is locked too, and every round keeps
# both blocks. A line another program appends between amlhosts' read and its
# rename is kept (the file is read again and the edit redone) and the backup
# holds the bytes that were replaced; a program that keeps changing the file
# makes the run fail with nothing written.
#
# WRITERS_ROUNDS (default 10) sets how many concurrent rounds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fault-lib.sh"

ROUNDS=${WRITERS_ROUNDS:-10}
slow=
if (need_inject >/dev/null); then
	# Slowed writes widen the window between read and rename.
	slow="LD_PRELOAD=$INJECT_LIB INJECT_DELAY_US=2000"
fi
mkdir -p "$W"
own_json "$T/a.json" "a-data.blob.core.windows.net" "10.2.0.1"
own_json "$T/b.json" "b-data.blob.core.windows.net" "10.2.0.2"
printf '[global]\nlock_timeout = 20\n[workspace wa]\njson_file = %s\n[workspace wb]\njson_file = %s\n' \
    "$T/a.json" "$T/b.json" > "$W/conf"

# one NAME: apply workspace wNAME with a state directory of its own.
one() {
	(
		# shellcheck disable=SC2086
		[ -z "$slow" ] || export $slow
		set +e
		"$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state-$1" -q apply "w$1" \
		    > "$T/out.$1" 2> "$T/err.$1"
		echo $? > "$T/rc.$1"
	)
}

lost=0
r=0
while [ $r -lt "$ROUNDS" ]; do
	printf '127.0.0.1 localhost\n' > "$W/hosts"
	rm -rf "$W/state-a" "$W/state-b"
	one a & pa=$!
	one b & pb=$!
	wait $pa $pb || true
	for n in a b; do
		if [ "$(cat "$T/rc.$n")" != 0 ]; then
			fail "round $r: apply w$n exit $(cat "$T/rc.$n")"
			sed 's/^/  stderr: /' "$T/err.$n" >&2
		fi
	done
	if grep -q '^# BEGIN amlhosts wa' "$W/hosts" && grep -q '^# BEGIN amlhosts wb' "$W/hosts"; then
		pass
	else
		lost=$((lost + 1))
	fi
	r=$((r + 1))
done
[ $lost -eq 0 ] || fail "a block was lost in $lost of $ROUNDS rounds (different state directories)"
echo "blocks lost in $lost of $ROUNDS rounds"

# The rest needs the preload library to edit the file at an exact point.
if ! (need_inject); then
	finish
	exit $?
fi

# Appended between the read and the rename: the temporary file's fsync
# (the only fsync on a path starting "$W/.") comes after the read, the
# backup and the journal record, just before the rename.
printf '127.0.0.1 localhost\n' > "$W/hosts"
rm -rf "$W/state"
cp "$W/hosts" "$T/hosts.before"
printf '10.9.9.9 other.example\n' > "$T/line"
cat "$T/hosts.before" "$T/line" > "$T/hosts.replaced"
run env LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$W/." INJECT_APPEND_CALL=fsync \
    INJECT_APPEND_N=1 INJECT_APPEND_FILE="$W/hosts" INJECT_APPEND_TEXT="$(cat "$T/line")
" "$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state" apply wa
expect_rc 0 "apply while another program appends" || true
if grep -qx '10.9.9.9 other.example' "$W/hosts"; then pass; else
	fail "the line another program appended is lost"; cat "$W/hosts" >&2; fi
if grep -q '^# BEGIN amlhosts wa' "$W/hosts"; then pass; else fail "block wa missing"; fi
backups=$(ls "$W/state/backups" 2>/dev/null | wc -l)
[ "$backups" -eq 1 ] && pass || fail "$backups backups, expected 1 (the failed try's is taken back)"
b=$(ls "$W/state/backups"/* 2>/dev/null | head -1)
[ -n "$b" ] && same "$b" "$T/hosts.replaced" "backup holds the bytes replaced (with the appended line)" || true
run "$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state" history
[ "$(grep -c 'apply' "$T/out")" -eq 1 ] && pass || { fail "journal: expected one apply"; cat "$T/out" >&2; }

# A program that appends before every rename: three tries, then exit 1
# with nothing written.
printf '127.0.0.1 localhost\n' > "$W/hosts"
rm -rf "$W/state"
run env LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$W/." INJECT_APPEND_CALL=fsync \
    INJECT_APPEND_N=1 INJECT_APPEND_EVERY=1 INJECT_APPEND_FILE="$W/hosts" \
    INJECT_APPEND_TEXT="# more
" "$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state" apply wa
expect_rc 1 "apply while another program keeps appending" || true
expect_err "kept changing" || true
if grep -q 'amlhosts' "$W/hosts"; then fail "a block was written"; else pass; fi
[ "$(grep -c '^# more$' "$W/hosts")" -eq 3 ] && pass || fail "expected the 3 appended lines kept"
backups=$(ls "$W/state/backups" 2>/dev/null | wc -l)
[ "$backups" -eq 0 ] && pass || fail "$backups backups left after a run that wrote nothing"
ls "$W"/.hosts.amlhosts-* >/dev/null 2>&1 && fail "temporary file left" || pass

finish
