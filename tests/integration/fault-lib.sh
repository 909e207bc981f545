# fault-lib.sh - sourced after lib.sh by the fault-*.sh tests (and by
# tests/stress/run through them): the preload library, scenarios that set a
# hosts file and a state directory up for one command, and the checks made
# after every injected fault, kill or race.

NIC="$EXAMPLES/workspace-nic.json"
: "${INJECT_LIB:=$(cd "$(dirname "$AMLHOSTS")/.." && pwd)/tests/fault/libinject.so}"
# Every scenario runs in this directory, so that the journal's record of the
# hosts file's path stays true when a saved state is copied back.
W="$T/w"
KEEP=2

# need_inject: skip (77) when the preload library cannot be used. An
# AddressSanitizer build refuses a library preloaded before its runtime, and
# its malloc must not be bypassed, so it is skipped rather than half-tested.
need_inject() {
	if grep -q __asan_init "$AMLHOSTS" 2>/dev/null; then
		echo "SKIP: $AMLHOSTS is built with AddressSanitizer, which must come" \
		    "first and owns malloc; fault injection needs a build without it"
		exit 77
	fi
	if [ ! -f "$INJECT_LIB" ]; then
		echo "SKIP: $INJECT_LIB is not built (make check builds it)"
		exit 77
	fi
	if ! LD_PRELOAD="$INJECT_LIB" INJECT_COUNT="$T/probe" "$AMLHOSTS" --version >/dev/null 2>&1 ||
	    ! grep -q '^malloc [1-9]' "$T/probe"; then
		echo "SKIP: $INJECT_LIB cannot be preloaded into $AMLHOSTS here"
		exit 77
	fi
}

# own_json FILE FQDN IP: a one-entry source in amlhosts' own format.
own_json() {
	printf '{"amlhosts": 1, "entries": [{"target": "x", "fqdn": "%s", "ip": "%s"}]}\n' \
	    "$2" "$3" > "$1"
}

# in_w ARGS...: the binary on the scenario's files, output in $T/out, $T/err.
in_w() {
	run "$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state" "$@"
}

# Each scenario leaves in $T/base-CMD the files before CMD, $T/old-CMD and
# $T/new-CMD the hosts file before and after it, and in $args_CMD the
# command's arguments (one per line).
#
# With FAULT_INPLACE=1 (in a mount namespace of its own: unshare -m), the
# hosts file is a bind mount, as in a container, and write_mode = in-place.
scenario() {
	sc=$1
	[ "${FAULT_INPLACE:-0}" != 1 ] || umount "$W/hosts" 2>/dev/null || true
	rm -rf "$W"
	mkdir -p "$W"
	printf '[global]\nkeep_backups = %d\nlock_timeout = 5\n' "$KEEP" > "$W/conf"
	if [ "${FAULT_INPLACE:-0}" = 1 ]; then
		printf 'write_mode = in-place\n' >> "$W/conf"
		: > "$T/bind-source"
		: > "$W/hosts"
		mount --bind "$T/bind-source" "$W/hosts"
	fi
	own_json "$T/data.json" "datalake7f3a.blob.core.windows.net" 10.1.0.8
	own_json "$T/vault.json" "myws-kv-7f3a.vault.azure.net" 10.1.0.9
	case $sc in
	apply)
		cat "$HOSTS/prior-entries" > "$W/hosts"
		in_w apply --name data --from-json "$T/data.json"
		in_w apply --name vault --from-json "$T/vault.json"
		args_apply=$(printf '%s\n' apply --name myws --from-json "$NIC")
		;;
	remove)
		cat "$HOSTS/windows" > "$W/hosts"
		in_w apply --name myws --from-json "$NIC"
		in_w apply --name data --from-json "$T/data.json"
		args_remove=$(printf '%s\n' remove myws)
		;;
	uninstall)
		cat "$HOSTS/bom-crlf" > "$W/hosts"
		in_w apply --name myws --from-json "$NIC"
		in_w apply --name data --from-json "$T/data.json"
		args_uninstall=$(printf '%s\n' uninstall)
		;;
	rollback)
		cat "$HOSTS/macos" > "$W/hosts"
		in_w apply --name myws --from-json "$NIC"
		in_w apply --name data --from-json "$T/data.json"
		args_rollback=$(printf '%s\n' rollback)
		;;
	*)
		echo "unknown scenario $sc" >&2
		exit 99
		;;
	esac
	expect_rc 0 "scenario $sc: setting up"
	rm -rf "$T/base-$sc"
	cp -a "$W" "$T/base-$sc"
	cp "$W/hosts" "$T/old-$sc"
	scenario_run "$sc"
	expect_rc 0 "scenario $sc: the command itself"
	cp "$W/hosts" "$T/new-$sc"
	if cmp -s "$T/old-$sc" "$T/new-$sc"; then
		fail "scenario $sc: the command changed nothing"
	fi
	restore "$sc"
}

restore() {
	if [ "${FAULT_INPLACE:-0}" = 1 ]; then
		# The mount point stays; its bytes and the state go back.
		cat "$T/base-$1/hosts" > "$W/hosts"
		rm -rf "$W/state"
		cp -a "$T/base-$1/state" "$W/state"
		return 0
	fi
	rm -rf "$W"
	cp -a "$T/base-$1" "$W"
}

# scenario_run CMD [ENV=VALUE...]: run the scenario's command, with the
# environment given (for the preload library).
scenario_run() {
	sr=$1
	shift
	eval "sr_args=\$args_$sr"
	set +e
	(
		[ $# -eq 0 ] || export "$@"
		# The arguments are split on newlines only.
		IFS='
'
		# shellcheck disable=SC2086
		exec "$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state" $sr_args
	) >"$T/out" 2>"$T/err"
	rc=$?
	set -e
}

# no_temps: no temporary file next to the hosts file, among the backups or
# beside the journal (the in-place marker's and its bytes').
no_temps() {
	left=$(ls -A "$W" "$W/state" "$W/state/backups" 2>/dev/null | grep '^\..*\.amlhosts-' || true)
	if [ -n "$left" ]; then
		fail "$1: temporary files left: $left"
		return 1
	fi
}

# check_journal WHAT [phantom]: the journal, the backups and the hosts file
# agree. Every record's backup exists (unless pruned: KEEP newer backups do)
# with the record's "before" hash; every backup has its record; each record
# starts where the one before it ended, and the last ends where the file is.
# With "phantom" (right after a failed or killed run), the last record may
# name a change that never landed (killed between journal and rename): it
# must then start where the file is; and the backup the killed run was
# about to record may be there without its record (the next change's backup,
# with the same id, replaces it).
check_journal() {
	cj_what=$1
	cj_phantom=${2:-}
	cj_state="$W/state"
	# "SHA  hosts" first, then "SHA  N.hosts" for each backup.
	(cd "$cj_state/backups" 2>/dev/null && sha256sum ../../hosts ./*.hosts 2>/dev/null) > "$T/cj-backups" || true
	: > "$T/cj-journal"
	if [ -f "$cj_state/journal" ]; then
		# Complete lines only: a partial last line names no change.
		head -n "$(wc -l < "$cj_state/journal")" "$cj_state/journal" > "$T/cj-journal"
	fi
	if ! awk -F '\t' -v keep="$KEEP" -v phantom="$cj_phantom" '
		FNR == NR {
			split($0, f, " ")
			if (f[2] == "../../hosts") { hosts = f[1]; next }
			b = f[2]; sub(/^\.\//, "", b); sub(/\.hosts$/, "", b)
			bsha[b] = f[1]; nb++; bids[nb] = b + 0; next
		}
		{
			if (NF != 8 || $1 !~ /^[0-9]+$/) { print "malformed journal line " FNR; bad = 1; next }
			n++; id[n] = $1 + 0; before[n] = $6; after[n] = $7
			if (n > 1 && id[n] <= id[n - 1]) { print "journal ids not increasing at " $1; bad = 1 }
		}
		END {
			for (i = 1; i <= n; i++) {
				seen[id[i]] = 1
				if (id[i] in bsha) {
					if (bsha[id[i]] != before[i]) { print "backup " id[i] " has the wrong sha256"; bad = 1 }
				} else {
					newer = 0
					for (k = 1; k <= nb; k++) if (bids[k] > id[i]) newer++
					if (newer < keep) { print "backup of change " id[i] " is missing"; bad = 1 }
				}
				if (i > 1 && before[i] != after[i - 1]) {
					print "change " id[i] " does not start where change " id[i - 1] " ended"; bad = 1
				}
			}
			for (k = 1; k <= nb; k++)
				if (!(bids[k] in seen) && !(phantom != "" && bids[k] == id[n] + 1)) {
					print "backup " bids[k] " has no journal record"; bad = 1
				}
			if (n > 0 && after[n] != hosts) {
				if (phantom == "" || before[n] != hosts) {
					print "the last change (" id[n] ") does not end where the hosts file is"; bad = 1
				}
			}
			exit bad
		}' "$T/cj-backups" "$T/cj-journal" > "$T/cj-out"; then
		fail "$cj_what: journal inconsistent: $(tr '\n' ';' < "$T/cj-out")"
		return 1
	fi
	[ "$cj_phantom" = phantom ] && return 0
	run "$AMLHOSTS" -c "$W/conf" -H "$W/hosts" --state-dir "$W/state" history
	if [ "$rc" -ne 0 ]; then
		fail "$cj_what: history fails: $(cat "$T/err")"
		return 1
	fi
}

# is_one_of FILE A B: FILE holds exactly A's or B's bytes.
is_one_of() {
	cmp -s "$1" "$2" || cmp -s "$1" "$3"
}

strerror_of() {
	case $1 in
	EIO) echo "Input/output error" ;;
	ENOSPC) echo "No space left on device" ;;
	EDQUOT) echo "Disk quota exceeded" ;;
	ENOMEM) echo "Cannot allocate memory" ;;
	EBUSY) echo "Device or resource busy" ;;
	EXDEV) echo "Invalid cross-device link" ;;
	EACCES) echo "Permission denied" ;;
	EPERM) echo "Operation not permitted" ;;
	EROFS) echo "Read-only file system" ;;
	ENOLCK) echo "No locks available" ;;
	EINTR) echo "Interrupted system call" ;;
	*) echo "$1" ;;
	esac
}
