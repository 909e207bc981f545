#!/bin/sh
# Fault injection (issue #4): make each system call apply, remove, uninstall
# and rollback make fail in turn, with each errno that call can return, and
# check after every run that the hosts file holds its old or its new bytes
# exactly, that no temporary file is left, that the journal and the backups
# agree, that a failure exits 1 naming the step and the error, that EINTR is
# retried rather than reported, and that the next normal run succeeds.
#
# make check runs a bounded version: every call on the scenario's own files
# (INJECT_PREFIX) fails once, with an errno that rotates through the kind's
# list, and a sample of the allocations fails. FAULT_FULL=1 (tests/stress/run)
# fails every call of every kind the command makes with every errno listed.
# Where a mount namespace can be made (root, unshare -m), it all runs again
# with the hosts file a bind mount rewritten in place (write_mode = in-place).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fault-lib.sh"

need_inject
if [ "${FAULT_INPLACE:-0}" = 1 ]; then
	# The child run below: the bind mount must go before $T can.
	trap 'umount "$W/hosts" 2>/dev/null || true; rm -rf "$T"' EXIT
fi

FULL=${FAULT_FULL:-0}
COMMANDS=${FAULT_COMMANDS:-apply remove uninstall rollback}
MALLOC_SAMPLES=${FAULT_MALLOC_SAMPLES:-12}
KINDS=${FAULT_KINDS:-open read write fsync rename ftruncate close flock unlink link clone mmap malloc}

# errnos KIND: what each kind of call is made to fail with.
errnos() {
	if [ "$FULL" = 1 ]; then
		case $1 in
		open) echo "EIO ENOSPC EDQUOT EACCES EINTR" ;;
		read) echo "EIO EINTR" ;;
		write) echo "EIO ENOSPC EDQUOT EINTR ENOSPC+" ;;
		fsync) echo "EIO ENOSPC EDQUOT EINTR" ;;
		rename) echo "EIO EXDEV EBUSY ENOSPC EDQUOT" ;;
		ftruncate) echo "EIO EINTR" ;;
		close) echo "EIO ENOSPC EDQUOT EINTR" ;;
		flock) echo "ENOLCK EINTR" ;;
		unlink) echo "EIO EBUSY" ;;
		link) echo "EXDEV EPERM EMLINK EIO ENOSPC" ;;
		clone) echo "EOPNOTSUPP EXDEV EINVAL EIO ENOSPC" ;;
		mmap) echo "ENOMEM EACCES EAGAIN EINVAL" ;;
		malloc) echo "ENOMEM" ;;
		esac
	else
		# One per call, in turn (ENOSPC+: this call and every later one).
		case $1 in
		open) set -- EIO EINTR ENOSPC ;;
		read) set -- EIO EINTR ;;
		write) set -- EIO EINTR ENOSPC+ EDQUOT ;;
		fsync) set -- EIO EINTR ENOSPC ;;
		rename) set -- EIO EXDEV EBUSY ;;
		ftruncate) set -- EIO EINTR ;;
		close) set -- EIO EINTR ;;
		flock) set -- EINTR ENOLCK ;;
		unlink) set -- EIO ;;
		link) set -- EXDEV EPERM EMLINK ;;
		clone) set -- EOPNOTSUPP EXDEV ;;
		# A mapping refused is read instead: the run goes on.
		mmap) set -- ENOMEM EACCES ;;
		malloc) set -- ENOMEM ;;
		esac
		shift $(((ROTATE + N) % $#))
		echo "$1"
	fi
}

# which_n KIND COUNT: the call numbers to fail: all of them, or in the
# bounded run a spread sample of the allocations and of the reads and
# closes (most of which are of files only read), that always has the last
# ones (made while the file is being replaced and read back).
which_n() {
	k=$2
	if [ "$FULL" != 1 ]; then
		case $1 in
		malloc) k=$MALLOC_SAMPLES ;;
		read | close) k=6 ;;
		esac
	fi
	if [ "$2" -gt "$k" ]; then
		awk -v n="$2" -v k="$k" 'BEGIN {
			for (i = 0; i < k - 3; i++) print int(1 + i * (n - 3) / (k - 3))
			for (i = n - 2; i <= n; i++) print i
		}'
	else
		seq 1 "$2"
	fi
}

prefix_env() {
	if [ "$FULL" = 1 ]; then
		echo "INJECT_PREFIX="
	else
		echo "INJECT_PREFIX=$W/"
	fi
}

# Allocations libcrypto and jansson make are not failed: OpenSSL 3.0 can
# crash when one fails during its lazy initialisation, and jansson reports
# one as a syntax error in the input (see docs/RELIABILITY.md). Set
# FAULT_SKIP_CALLERS= to fail them too.
SKIP_CALLERS="INJECT_SKIP_CALLERS=${FAULT_SKIP_CALLERS-libcrypto.so,libjansson.so}"

# next_run WHAT: the next normal run completes the change: the same command
# again when the file is still old; when it is new, again for apply and
# uninstall (nothing to do), a rollback (which undoes the rollback), or,
# after remove (which refuses a block that is gone), status.
next_run() {
	want="$T/new-$cmd"
	if cmp -s "$W/hosts" "$T/new-$cmd"; then
		case $cmd in
		rollback) want="$T/old-$cmd" ;;
		remove)
			in_w status
			[ "$rc" -eq 0 ] || fail "$1: status afterwards: exit $rc: $(cat "$T/err")"
			return 0
			;;
		esac
	fi
	scenario_run "$cmd"
	if [ "$rc" -ne 0 ] || ! cmp -s "$W/hosts" "$want"; then
		fail "$1: the next run: exit $rc, $(cmp -s "$W/hosts" "$want" && echo right || echo wrong) file: $(cat "$T/err")"
	fi
}

LABEL=fault-inject
[ "${FAULT_INPLACE:-0}" != 1 ] || LABEL="fault-inject: in place"
total=0
ROTATE=0
for cmd in $COMMANDS; do
	ROTATE=$((ROTATE + 1))
	scenario "$cmd"
	scenario_run "$cmd" LD_PRELOAD="$INJECT_LIB" "$(prefix_env)" "$SKIP_CALLERS" INJECT_COUNT="$T/counts"
	expect_rc 0 "$cmd under the preload library, nothing injected"
	same "$T/new-$cmd" "$W/hosts" "$cmd under the preload library" || true
	restore "$cmd"
	injected=0 clean_old=0 late_new=0 absorbed=0 eintr=0
	for kind in $KINDS; do
		count=$(awk -v k="$kind" '$1 == k { print $2 }' "$T/counts")
		[ "${count:-0}" -gt 0 ] || continue
		for n in $(which_n "$kind" "$count"); do
			N=$n
			for e in $(errnos "$kind"); do
				persist=0
				case $e in *+) persist=1; e=${e%+} ;; esac
				what="$cmd: $kind #$n of $count $e$([ $persist = 1 ] && echo ' (and every later one)' || true)"
				rm -f "$T/trace"
				scenario_run "$cmd" LD_PRELOAD="$INJECT_LIB" "$(prefix_env)" "$SKIP_CALLERS" \
				    INJECT_CALL="$kind" INJECT_N="$n" INJECT_ERRNO="$e" \
				    INJECT_PERSIST="$persist" INJECT_TRACE="$T/trace"
				injected=$((injected + 1))
				on=$(sed -n 's/^INJECT [a-z]* [0-9]* [A-Z]* */@/p' "$T/trace" 2>/dev/null)
				if [ -z "$on" ]; then
					fail "$what: the call was never made (the run is not deterministic?)"
					restore "$cmd"
					continue
				fi
				on=${on#@}
				if [ "$e" = EINTR ]; then
					if [ "$rc" -ne 0 ] || ! cmp -s "$W/hosts" "$T/new-$cmd"; then
						fail "$what on $on: EINTR was reported, not retried (exit $rc): $(cat "$T/err")"
					else
						eintr=$((eintr + 1))
					fi
				fi
				case $rc in
				0)
					if cmp -s "$W/hosts" "$T/new-$cmd"; then
						absorbed=$((absorbed + 1))
					else
						fail "$what on $on: exit 0 but the hosts file is not the new one"
					fi
					;;
				1)
					if cmp -s "$W/hosts" "$T/old-$cmd"; then
						clean_old=$((clean_old + 1))
					elif cmp -s "$W/hosts" "$T/new-$cmd"; then
						late_new=$((late_new + 1))
					else
						fail "$what on $on: the hosts file is neither old nor new"
						diff "$T/old-$cmd" "$W/hosts" | head -10 >&2 || true
					fi
					msg=$(strerror_of "$e")
					if [ "$kind" = malloc ]; then
						grep -q -e '^amlhosts: .*out of memory' -e "^amlhosts: .*$msg" "$T/err" ||
						    fail "$what on $on: the message does not say memory ran out: $(cat "$T/err")"
					else
						grep -q "^amlhosts: .*cannot .*$msg" "$T/err" ||
						    fail "$what on $on: the message does not name the step and '$msg': $(cat "$T/err")"
					fi
					;;
				2)
					# The configuration and the sources are input: a
					# failure to read them is exit 2 ("nothing was
					# written"), with the file named.
					case $on in
					"$W/conf" | *.json)
						if cmp -s "$W/hosts" "$T/old-$cmd"; then
							clean_old=$((clean_old + 1))
						else
							fail "$what on $on: exit 2 but the hosts file changed"
						fi
						grep -q "^amlhosts: .*'$on'.*$(strerror_of "$e")" "$T/err" ||
						    fail "$what on $on: the message does not name the file and the error: $(cat "$T/err")"
						;;
					*)
						fail "$what on $on: exit 2 (input error) for a failed write step: $(cat "$T/err")"
						;;
					esac
					;;
				*)
					fail "$what on $on: exit $rc: $(cat "$T/err")"
					;;
				esac
				no_temps "$what on $on" || true
				check_journal "$what on $on" phantom || true
				# The next normal run completes the change (or, for a
				# rollback that landed, undoes it again).
				next_run "$what on $on"

				no_temps "$what on $on, then a normal run" || true
				check_journal "$what on $on, then a normal run" || true
				pass
				restore "$cmd"
			done
		done
	done
	total=$((total + injected))
	line="$LABEL: $cmd: $injected faults injected ($(tr '\n' ' ' < "$T/counts" | sed 's/ $//')): $clean_old failed leaving the old file, $late_new failed after the new file landed, $absorbed absorbed (exit 0, new file; $eintr of them EINTR retried)"
	echo "$line"
	if [ -n "${FAULT_SUMMARY:-}" ]; then
		echo "$line" >> "$FAULT_SUMMARY"
	fi
done
echo "$LABEL: $total faults injected in all"

# The same with the hosts file a bind mount, rewritten in place (as in a
# container), where the test can make a mount namespace of its own: apply
# in make check, every command in the full run.
if [ "${FAULT_INPLACE:-0}" != 1 ]; then
	if [ "$FULL" != 1 ]; then
		COMMANDS=apply
	fi
	if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		set +e
		FAULT_INPLACE=1 FAULT_COMMANDS="$COMMANDS" unshare -m sh "$0" > "$T/in-place.log" 2>&1
		st=$?
		set -e
		cat "$T/in-place.log"
		[ "$st" -eq 0 ] || fail "the in-place run failed"
	else
		echo "SKIP: in-place faults need root and unshare -m"
	fi
fi
finish
