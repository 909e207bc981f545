# lib.sh - sourced by every integration test: a private temporary directory,
# the binary under test, and assertions that print what differed.
set -eu
LC_ALL=C
export LC_ALL
: "${AMLHOSTS:?run through make check, or set AMLHOSTS to the built binary}"
: "${TESTDATA:=$(cd "$(dirname "$0")/../data" && pwd)}"
: "${EXAMPLES:=$(cd "$(dirname "$0")/../../examples" && pwd)}"
JSON="$TESTDATA/json"
HOSTS="$TESTDATA/hosts"
T=$(mktemp -d "${TMPDIR:-/tmp}/amlhosts-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
STATE="$T/state"
NTEST=0
NFAIL=0

# A failure is also noted in a file: an assertion that runs in a subshell
# (the end of a pipe, "( ... )") cannot change this shell's counters.
fail() {
	echo "FAIL: $*" >&2
	NFAIL=$((NFAIL + 1))
	echo "$*" >> "$T/.failures"
}

pass() {
	NTEST=$((NTEST + 1))
}

# run CMD...: run, keeping stdout in $T/out, stderr in $T/err, status in $rc.
run() {
	set +e
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
}

# aml ARGS...: the binary against the scratch hosts file and state dir.
aml() {
	run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" "$@"
}

expect_rc() {
	want=$1; shift
	if [ "$rc" -ne "$want" ]; then
		fail "$*: exit $rc, expected $want"
		sed 's/^/  stderr: /' "$T/err" >&2
		return 1
	fi
	pass
}

expect_err() {
	if ! grep -q -- "$1" "$T/err"; then
		fail "stderr lacks '$1'"
		sed 's/^/  stderr: /' "$T/err" >&2
		return 1
	fi
	pass
}

expect_out() {
	if ! grep -q -- "$1" "$T/out"; then
		fail "stdout lacks '$1'"
		sed 's/^/  stdout: /' "$T/out" >&2
		return 1
	fi
	pass
}

# same FILE1 FILE2 WHAT: byte-for-byte equality.
same() {
	if ! cmp -s "$1" "$2"; then
		fail "$3: files differ"
		diff -u "$1" "$2" | head -20 >&2 || true
		return 1
	fi
	pass
}

# outside_blocks FILE: the file without managed blocks, disabled prefixes
# and kept lines, i.e. what amlhosts does not own.
outside_blocks() {
	awk '/^(\xef\xbb\xbf)?# BEGIN amlhosts /{inb=1} !inb{print} /^# END amlhosts /{inb=0}' "$1"
}

inode_mtime() {
	stat -c '%i %Y.%y' "$1"
}

# need_root_useradd WHY: skip (exit 77, saying why) unless the test runs as
# root with useradd and userdel, to make a real non-root user of its own.
need_root_useradd() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: $1" >&2
		exit 77
	fi
	for tool in useradd userdel; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "SKIP: $tool is not installed" >&2
			exit 77
		fi
	done
}

finish() {
	if [ -f "$T/.failures" ]; then
		NFAIL=$(wc -l < "$T/.failures")
	fi
	echo "$NTEST passed, $NFAIL failed"
	[ "$NFAIL" -eq 0 ]
}
