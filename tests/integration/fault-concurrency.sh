#!/bin/sh
# Concurrency (issue #4): 16 runs at once on one hosts file, 12 applying
# different targets and 4 removing others, with the writes slowed down (when
# the preload library can be used) so that they overlap. Every run must get
# the lock in turn: in the end each applied block is there exactly once,
# each removed one is gone, nothing outside the blocks changed, and the
# journal chains the 16 changes. Then with lock_timeout = 0 runs that find
# the lock taken exit 1 "busy" and change nothing, and a run that waits for
# a held lock gives up after lock_timeout, not before.
#
# ROUNDS (default 3; tests/stress/run uses more) sets how many rounds of
# each kind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fault-lib.sh"

ROUNDS=${ROUNDS:-3}
NAPPLY=12
NREMOVE=4
KEEP=100
slow=
if (need_inject >/dev/null); then
	slow="LD_PRELOAD=$INJECT_LIB INJECT_DELAY_US=${CONC_DELAY_US:-2000}"
fi

# conf TIMEOUT: a configuration with every target.
conf() {
	{
		printf '[global]\nkeep_backups = %d\nlock_timeout = %d\n' "$KEEP" "$1"
		i=0
		while [ $i -lt $NAPPLY ]; do
			printf '[workspace ws%d]\njson_file = %s\n' $i "$T/ws$i.json"
			i=$((i + 1))
		done
		j=0
		while [ $j -lt $NREMOVE ]; do
			printf '[workspace r%d]\njson_file = %s\n' $j "$T/r$j.json"
			j=$((j + 1))
		done
	} > "$W/conf"
}

i=0
while [ $i -lt $NAPPLY ]; do
	own_json "$T/ws$i.json" "ws$i-data.blob.core.windows.net" "10.2.0.$((i + 1))"
	i=$((i + 1))
done
j=0
while [ $j -lt $NREMOVE ]; do
	own_json "$T/r$j.json" "r$j-data.blob.core.windows.net" "10.3.0.$((j + 1))"
	j=$((j + 1))
done

# start_all: the 16 runs at once; their exit codes in $T/rc.NAME.
start_all() {
	pids=
	i=0
	while [ $i -lt $NAPPLY ]; do
		(
			# shellcheck disable=SC2086
			[ -z "$slow" ] || export $slow
			set +e
			"$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state" -q apply "ws$i" \
			    > "$T/out.ws$i" 2> "$T/err.ws$i"
			echo $? > "$T/rc.ws$i"
		) &
		pids="$pids $!"
		i=$((i + 1))
	done
	j=0
	while [ $j -lt $NREMOVE ]; do
		(
			# shellcheck disable=SC2086
			[ -z "$slow" ] || export $slow
			set +e
			"$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state" -q remove "r$j" \
			    > "$T/out.r$j" 2> "$T/err.r$j"
			echo $? > "$T/rc.r$j"
		) &
		pids="$pids $!"
		j=$((j + 1))
	done
	# shellcheck disable=SC2086
	wait $pids
}

# blocks NAME: how many times block NAME is in the hosts file (CRLF or not).
blocks() {
	tr -d '\r' < "$W/hosts" | grep -c "^# BEGIN amlhosts $1\$" || true
}

# setup_round N: a real-world hosts file with blocks r0..r3 already there.
setup_round() {
	sr_timeout=$2
	set -- $(($1 % 4)) debian macos windows prior-entries
	shift $(($1 + 1))
	rm -rf "$W"
	mkdir -p "$W"
	cp "$HOSTS/$1" "$W/hosts"
	cp "$HOSTS/$1" "$T/original"
	conf "$sr_timeout"
	in_w apply r0 r1 r2 r3
	expect_rc 0 "round setup"
}

runs=0 busy=0 landed=0
round=0
while [ $round -lt "$ROUNDS" ]; do
	# Everyone waits its turn.
	setup_round $round 60
	start_all
	i=0
	while [ $i -lt $NAPPLY ]; do
		[ "$(cat "$T/rc.ws$i")" = 0 ] || fail "round $round: apply ws$i: exit $(cat "$T/rc.ws$i"): $(cat "$T/err.ws$i")"
		[ "$(blocks "ws$i")" = 1 ] || fail "round $round: block ws$i is there $(blocks "ws$i") times"
		[ "$(grep -c "^10\.2\.0\.$((i + 1))	ws$i-data\.blob\.core\.windows\.net" "$W/hosts")" = 1 ] ||
		    fail "round $round: the entry of ws$i is not there exactly once"
		i=$((i + 1))
	done
	j=0
	while [ $j -lt $NREMOVE ]; do
		[ "$(cat "$T/rc.r$j")" = 0 ] || fail "round $round: remove r$j: exit $(cat "$T/rc.r$j"): $(cat "$T/err.r$j")"
		[ "$(blocks "r$j")" = 0 ] || fail "round $round: removed block r$j is still there"
		j=$((j + 1))
	done
	outside_blocks "$W/hosts" > "$T/outside"
	same "$T/original" "$T/outside" "round $round: bytes outside the blocks" || true
	no_temps "round $round" || true
	check_journal "round $round" || true
	[ "$(grep -c . "$W/state/journal")" = $((1 + NAPPLY + NREMOVE)) ] ||
	    fail "round $round: $(grep -c . "$W/state/journal") journal records, expected $((1 + NAPPLY + NREMOVE))"
	in_w uninstall
	same "$T/original" "$W/hosts" "round $round: uninstall afterwards" || true
	runs=$((runs + NAPPLY + NREMOVE))
	landed=$((landed + NAPPLY + NREMOVE))
	pass

	# No waiting: a run that finds the lock taken exits 1 "busy" and
	# changes nothing; the others land.
	setup_round $round 0
	start_all
	for name in $(i=0; while [ $i -lt $NAPPLY ]; do echo "ws$i"; i=$((i + 1)); done) \
	    $(j=0; while [ $j -lt $NREMOVE ]; do echo "r$j"; j=$((j + 1)); done); do
		r=$(cat "$T/rc.$name")
		case $name in ws*) want_done=1 ;; *) want_done=0 ;; esac
		case $r in
		0)
			landed=$((landed + 1))
			[ "$(blocks "$name")" = "$want_done" ] || fail "busy round $round: $name exited 0 but its block count is $(blocks "$name")"
			;;
		1)
			busy=$((busy + 1))
			grep -q '^amlhosts: busy: ' "$T/err.$name" || fail "busy round $round: $name: exit 1 without 'busy': $(cat "$T/err.$name")"
			[ "$(blocks "$name")" = $((1 - want_done)) ] || fail "busy round $round: $name was busy but its block count is $(blocks "$name")"
			;;
		*)
			fail "busy round $round: $name: exit $r: $(cat "$T/err.$name")"
			;;
		esac
	done
	outside_blocks "$W/hosts" > "$T/outside"
	same "$T/original" "$T/outside" "busy round $round: bytes outside the blocks" || true
	no_temps "busy round $round" || true
	check_journal "busy round $round" || true
	runs=$((runs + NAPPLY + NREMOVE))
	pass
	round=$((round + 1))
done

# A run that waits for a lock held longer than lock_timeout gives up after
# lock_timeout (not before) with "busy", and changes nothing.
if command -v flock >/dev/null 2>&1; then
	setup_round 0 1
	cp "$W/hosts" "$T/before"
	flock -x "$W/state/lock" sleep 3 &
	holder=$!
	sleep 0.3
	start=$(date +%s%N)
	in_w apply ws0
	waited=$((($(date +%s%N) - start) / 1000000))
	expect_rc 1 "apply while the lock is held"
	expect_err "busy"
	same "$T/before" "$W/hosts" "hosts file changed by a busy run"
	if [ "$waited" -lt 950 ] || [ "$waited" -gt 2500 ]; then
		fail "a busy run with lock_timeout = 1 gave up after $waited ms"
	fi
	wait "$holder" || true
	# Once the lock is free, the same run goes through.
	in_w apply ws0
	expect_rc 0 "apply once the lock is free"
else
	echo "SKIP: flock(1) not found: no held-lock test"
fi

line="fault-concurrency: $ROUNDS rounds of $((NAPPLY + NREMOVE)) runs waiting their turn and $ROUNDS with lock_timeout = 0: $runs concurrent runs, $landed landed, $busy busy (exit 1, nothing changed)"
echo "$line"
if [ -n "${FAULT_SUMMARY:-}" ]; then
	echo "$line" >> "$FAULT_SUMMARY"
fi
finish
