#!/bin/sh
# Crash consistency (issue #4): kill -9 apply, remove, uninstall and
# rollback part way, then check that the hosts file holds its old or its new
# bytes, that the journal names no backup that is missing, that the next
# normal run completes (clearing the temporary files and the record of a
# change the killed run never made) and that rollback still works.
#
# First at exact points: the preload library kills the process just before
# each call it makes on the scenario's files (INJECT_KILL). Then at random
# moments: the command is started with every write, fsync and rename slowed
# down (INJECT_DELAY_US), so that the kills land inside the write sequence,
# and killed after a random delay. KILLS (default 100; tests/stress/run
# uses 1000) sets how many random kills, EXACT_KINDS the kinds of call to
# die before. Where a mount namespace can be made (root, unshare -m), kills
# inside an in-place rewrite of a bind-mounted hosts file too (section 4).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fault-lib.sh"

KILLS=${KILLS:-100}
# make check kills before the calls that write; tests/stress/run before all.
EXACT_KINDS=${EXACT_KINDS:-open write fsync rename ftruncate flock unlink link mmap}
COMMANDS="apply remove uninstall rollback"
have_inject=1
(need_inject >/dev/null) || have_inject=0

# after_kill WHAT: the checks after a run that may have been killed.
after_kill() {
	if ! is_one_of "$W/hosts" "$T/old-$cmd" "$T/new-$cmd"; then
		fail "$1: the hosts file is neither old nor new"
		diff "$T/old-$cmd" "$W/hosts" | head -10 >&2 || true
	fi
	# Temporary files may be left: the next run must clear them.
	check_journal "$1" phantom || true
	# The next run completes the change; a change that landed is left as
	# it is (a rollback is undone, remove is not run again: it refuses a
	# block that is gone). Then the file is one of the two, and a rollback
	# must give the other.
	want="$T/new-$cmd"
	if cmp -s "$W/hosts" "$T/new-$cmd"; then
		case $cmd in
		rollback) want="$T/old-$cmd" ;;
		remove) want= ;;
		esac
	fi
	if [ -n "$want" ]; then
		scenario_run "$cmd"
		if [ "$rc" -ne 0 ] || ! cmp -s "$W/hosts" "$want"; then
			fail "$1: the next run: exit $rc, $(cmp -s "$W/hosts" "$want" && echo right || echo wrong) file: $(cat "$T/err")"
			return 0
		fi
	fi
	if cmp -s "$W/hosts" "$T/new-$cmd"; then
		second="$T/old-$cmd"
	else
		second="$T/new-$cmd"
	fi
	no_temps "$1, then a normal run" || true
	# And rollback still works: it undoes the last change, exactly.
	in_w rollback
	if [ "$rc" -ne 0 ] || ! cmp -s "$W/hosts" "$second"; then
		fail "$1: rollback afterwards: exit $rc, $(cmp -s "$W/hosts" "$second" && echo right || echo wrong) file: $(cat "$T/err")"
	fi
	no_temps "$1, then rollback" || true
	check_journal "$1, then rollback" || true
}

# 4. In place (a bind mount, write_mode = in-place: the live inode is
# rewritten), run in a mount namespace of its own. A kill before the
# rewrite, in the middle of its write (a short write, then the kill), before
# the ftruncate and before the fsync: the next run that takes the lock
# (an unchanged apply here) says what it recovered and leaves the old bytes
# (the rewrite had not begun: the change is taken back) or the new ones
# (it had: the change is completed), exactly; status works; then the
# checks after any kill (the change, then a rollback).
in_place_kills() {
	FAULT_INPLACE=1
	trap 'umount "$W/hosts" 2>/dev/null || true; rm -rf "$T"' EXIT
	for cmd in apply remove; do
		scenario "$cmd"
		rm -f "$T/trace"
		scenario_run "$cmd" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$W/" INJECT_TRACE="$T/trace"
		expect_rc 0 "$cmd in place under the preload library"
		restore "$cmd"
		# The calls on the hosts file itself, by number within their kind.
		on_hosts() {
			awk -v k="$1" -v h="$W/hosts" '$1 == k && $3 == h { print $2; exit }' "$T/trace"
		}
		w=$(on_hosts write) t=$(on_hosts ftruncate) f=$(on_hosts fsync)
		if [ -z "$w" ] || [ -z "$t" ] || [ -z "$f" ]; then
			fail "$cmd in place: no write, ftruncate and fsync on the hosts file: $(tr '\n' ';' < "$T/trace")"
			continue
		fi
		# Torn just past the first byte that differs (one past the end
		# of the old bytes when they are a prefix of the new): before
		# it, the file still holds its old bytes, which is no torn write.
		torn=$(cmp "$T/old-$cmd" "$T/new-$cmd" 2>&1 | sed -n \
		    -e 's/.* differ: [a-z]* \([0-9]*\),.*/\1/p' \
		    -e 's/.*EOF on .* after byte \([0-9]*\).*/\1 + 1/p')
		torn=$((${torn:-0}))
		for point in "before the rewrite:write:$w:" "in the middle of its write:write:$w:$torn" \
		    "before its ftruncate:ftruncate:$t:" "before its fsync:fsync:$f:"; do
			what="$cmd in place: killed ${point%%:*}"
			rest=${point#*:} kind=${rest%%:*} rest=${rest#*:} n=${rest%%:*} torn=${rest#*:}
			scenario_run "$cmd" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$W/" \
			    INJECT_CALL="$kind" INJECT_N="$n" INJECT_KILL=1 ${torn:+INJECT_TORN=$torn}
			if [ "$rc" -ne 137 ]; then
				fail "$what: exit $rc, not killed: $(cat "$T/err")"
			fi
			if [ -n "$torn" ] && is_one_of "$W/hosts" "$T/old-$cmd" "$T/new-$cmd"; then
				fail "$what: the kill left no torn file to recover"
			fi
			if [ "$kind:$torn" = write: ]; then
				want="$T/old-$cmd" said="its in-place write was interrupted before it began"
			else
				want="$T/new-$cmd" said="the in-place write of change [0-9]* to '$W/hosts' was interrupted: it is completed"
			fi
			in_w status
			grep -q "an in-place change to the hosts file was interrupted" "$T/err" ||
			    fail "$what: status does not say an in-place change was interrupted: $(cat "$T/err")"
			in_w apply --name data --from-json "$T/data.json"
			if [ "$rc" -ne 0 ] || ! cmp -s "$W/hosts" "$want"; then
				fail "$what: the next run: exit $rc, $(cmp -s "$W/hosts" "$want" && echo right || echo wrong) file: $(cat "$T/err")"
			fi
			grep -q "$said" "$T/err" || fail "$what: the next run does not say \"$said\": $(cat "$T/err")"
			[ ! -e "$W/state/in-place" ] || fail "$what: the next run left the in-place marker"
			in_w status
			expect_rc 0 "$what: status afterwards"
			if grep -q "in-place change" "$T/err"; then
				fail "$what: status still warns once recovered"
			fi
			after_kill "$what"
			pass
			restore "$cmd"
		done
	done
}
if [ "${FAULT_KILL_INPLACE:-0}" = 1 ]; then
	in_place_kills
	finish
	exit
fi

# 1. A kill just before each call on the scenario's files.
exact=0 exact_old=0 exact_new=0
if [ "$have_inject" = 1 ]; then
	for cmd in $COMMANDS; do
		scenario "$cmd"
		scenario_run "$cmd" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$W/" INJECT_COUNT="$T/counts"
		expect_rc 0 "$cmd under the preload library"
		restore "$cmd"
		for kind in $EXACT_KINDS; do
			count=$(awk -v k="$kind" '$1 == k { print $2 }' "$T/counts")
			n=1
			while [ "$n" -le "${count:-0}" ]; do
				rm -f "$T/trace"
				scenario_run "$cmd" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$W/" \
				    INJECT_CALL="$kind" INJECT_N="$n" INJECT_KILL=1 INJECT_TRACE="$T/trace"
				on=$(sed -n 's/^INJECT [a-z]* [0-9]* KILL //p' "$T/trace" 2>/dev/null)
				what="$cmd: killed before $kind #$n of $count on $on"
				if [ "$rc" -ne 137 ]; then
					fail "$what: exit $rc, not killed: $(cat "$T/err")"
				fi
				exact=$((exact + 1))
				if cmp -s "$W/hosts" "$T/old-$cmd"; then
					exact_old=$((exact_old + 1))
				else
					exact_new=$((exact_new + 1))
				fi
				after_kill "$what"
				pass
				restore "$cmd"
				n=$((n + 1))
			done
		done
	done
	echo "fault-kill: $exact kills just before a call: $exact_old left the old file, $exact_new the new one"
else
	echo "SKIP: kills at exact points need the preload library (not usable here)"
fi

# 2. Random kills, the write sequence slowed down where the library allows.
for cmd in $COMMANDS; do
	scenario "$cmd"
done
slow=
if [ "$have_inject" = 1 ]; then
	slow="LD_PRELOAD=$INJECT_LIB INJECT_DELAY_US=${KILL_DELAY_US:-3000}"
fi
# The run's length under the slowdown: kills are spread over it.
restore apply
start=$(date +%s%N)
# shellcheck disable=SC2086
scenario_run apply $slow
span=$((($(date +%s%N) - start) / 1000))
killed=0 finished=0 k_old=0 k_new=0 i=0
while [ "$i" -lt "$KILLS" ]; do
	set -- $COMMANDS
	shift $((i % 4))
	cmd=$1
	restore "$cmd"
	delay=$(awk -v s="$i" -v span="$span" 'BEGIN { srand(s); printf "%.6f", rand() * span * 1.1 / 1e6 }')
	eval "args=\$args_$cmd"
	(
		# shellcheck disable=SC2086
		[ -z "$slow" ] || export $slow
		IFS='
'
		# shellcheck disable=SC2086
		exec "$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state" $args
	) >"$T/out" 2>"$T/err" &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	set +e
	wait "$pid"
	rc=$?
	set -e
	what="$cmd: kill -9 after ${delay}s (kill $i)"
	case $rc in
	137) killed=$((killed + 1))
		if cmp -s "$W/hosts" "$T/old-$cmd"; then k_old=$((k_old + 1)); else k_new=$((k_new + 1)); fi ;;
	0) finished=$((finished + 1)) ;;
	*) fail "$what: exit $rc: $(cat "$T/err")" ;;
	esac
	after_kill "$what"
	pass
	i=$((i + 1))
done
# 3. A torn journal line (a crash or a full disk in the middle of an
# append): it names no change, and the next record must not run into it.
cmd=apply
restore apply
printf '3\t1764000000\tapply\tmy' >> "$W/state/journal"
scenario_run apply
expect_rc 0 "apply after a torn journal line"
same "$T/new-apply" "$W/hosts" "apply after a torn journal line" || true
check_journal "apply after a torn journal line" || true
in_w rollback
expect_rc 0 "rollback after a torn journal line"
same "$T/old-apply" "$W/hosts" "rollback after a torn journal line" || true

# 4. In place, in a mount namespace of its own (in_place_kills above).
if [ "$have_inject" = 1 ] && [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	set +e
	FAULT_KILL_INPLACE=1 unshare -m sh "$0" > "$T/in-place.log" 2>&1
	st=$?
	set -e
	cat "$T/in-place.log"
	[ "$st" -eq 0 ] || fail "the in-place kills failed"
else
	echo "SKIP: kills during an in-place write need root, unshare -m and the preload library" >&2
fi

line="fault-kill: $KILLS random kill -9 over ${span} us runs: $killed killed ($k_old left the old file, $k_new the new one), $finished finished first; every one survived"
[ "$NFAIL" -eq 0 ] || line="fault-kill: $KILLS random kills: $NFAIL FAILURES"
echo "$line"
if [ -n "${FAULT_SUMMARY:-}" ]; then
	[ "$have_inject" = 0 ] || echo "fault-kill: $exact kills just before a call: $exact_old left the old file, $exact_new the new one" >> "$FAULT_SUMMARY"
	echo "$line" >> "$FAULT_SUMMARY"
fi
finish
