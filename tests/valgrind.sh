#!/bin/sh
# valgrind.sh [BUILDDIR] - the unit tests and the integration tests that
# exercise every code path (files, sources, Azure over libcurl, DNS checks,
# hostile input) under valgrind memcheck: zero errors and zero definite or
# indirect leaks, or exit 1 with the reports (issue #4, item 7).
#
# "make check-valgrind" runs it on the build directory. The binary is
# replaced, through $AMLHOSTS (tests/integration/lib.sh), by a wrapper that
# execs valgrind on it; each process writes its report to a file of its own,
# and any non-empty report fails the run, whatever the test itself made of
# the exit status (a test that expects exit 1 cannot tell valgrind's
# --error-exitcode from the tool's, so 97 is used and the reports decide).
#
# Left out: fault-inject.sh, fault-kill.sh and fault-concurrency.sh (they
# LD_PRELOAD their own allocator and syscall wrappers, or kill -9 at random
# and time runs against each other), bigfile.sh (200,000 lines: minutes
# under valgrind, and no path the others miss), manpages.sh (no binary),
# and the dns-*.sh tests but dns-verify.sh (the outputs are plain text
# formatting that formats.sh and the unit tests cover), and hostile.sh
# (400 refusals, two minutes under valgrind: the same script runs under
# AddressSanitizer + UBSan in CI, and the fuzzers drive the same parsers;
# VALGRIND_TESTS=hostile.sh runs it here on demand).
#
# VALGRIND_TESTS="apply.sh cli.sh" runs only those; VALGRIND_JOBS (default
# 2) scripts run at once.
set -eu
build=$(cd "${1:-.}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed"
	exit 77
fi
if [ ! -x "$build/src/amlhosts" ]; then
	echo "valgrind.sh: no $build/src/amlhosts; build first" >&2
	exit 2
fi
if nm "$build/src/amlhosts" 2>/dev/null | grep -q __asan_init; then
	echo "SKIP: an AddressSanitizer build cannot run under valgrind"
	exit 77
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/amlhosts-valgrind.XXXXXX")
trap 'rm -rf "$W"' EXIT
# hostile.sh runs the binary as nobody too: the wrapper and the report
# directory must be reachable by it.
chmod 755 "$W"
mkdir "$W/logs"
chmod 1777 "$W/logs"

# By its path: azure.sh runs the binary with a PATH of its own.
VG="$(command -v valgrind) -q --read-inline-info=no --leak-check=full --errors-for-leak-kinds=definite,indirect \
--show-leak-kinds=definite,indirect --error-exitcode=97 --num-callers=30 \
--suppressions=$src/tests/valgrind.supp"

cat > "$W/amlhosts" <<EOF
#!/bin/sh
exec $VG --log-file=$W/logs/amlhosts.%p.log "$build/src/amlhosts" "\$@"
EOF
chmod 755 "$W/amlhosts"

export AMLHOSTS="$W/amlhosts"
# TLS handshakes run some fifty times slower: azure.sh's 2 s connect timeout
# would fail them, and its fake server's 120 s lifetime would end mid-way.
export AZURE_TEST_CONNECT_TIMEOUT=30 AZURE_TEST_REQUEST_TIMEOUT=60 AZURE_TEST_SERVER_LIFETIME=1800
export TESTDATA="$src/tests/data" EXAMPLES="$src/examples" FIXTURES="$src/tests/data/fixtures"

start=$(date +%s)
failed=0

# The unit tests, each under valgrind directly.
nunit=0
for t in "$build"/tests/unit/*/test_*; do
	case $t in *.o | *.log | *.trs | *.c) continue ;; esac
	[ -x "$t" ] || continue
	nunit=$((nunit + 1))
	name=$(basename "$t")
	set +e
	# A test's own forked children are not checked: some are meant to
	# die of a signal (test_filemap's SIGBUS not its own), which valgrind
	# reports; the code under test runs in the parent.
	(cd "$build" && $VG --child-silent-after-fork=yes --log-file="$W/logs/unit-$name.%p.log" "$t") > "$W/$name.out" 2>&1
	st=$?
	set -e
	if [ "$st" -ne 0 ]; then
		echo "FAIL: $name under valgrind: exit $st"
		tail -20 "$W/$name.out"
		failed=1
	fi
done
echo "valgrind: $nunit unit test programs run"

# The integration tests, VALGRIND_JOBS at a time.
TESTS=${VALGRIND_TESTS:-"apply.sh remove.sh rollback.sh safety.sh cli.sh formats.sh azure.sh dns-verify.sh"}
for t in $TESTS; do
	echo "$t"
done | xargs -P "${VALGRIND_JOBS:-2}" -I{} sh -c '
	t=$1 W=$2 src=$3
	s=$(date +%s)
	sh "$src/tests/integration/$t" > "$W/$t.out" 2>&1
	st=$?
	echo "$t $st $(( $(date +%s) - s ))" >> "$W/status"
' sh {} "$W" "$src"

while read -r t st secs; do
	case $st in
	0) echo "valgrind: $t: ok (${secs}s): $(tail -1 "$W/$t.out")" ;;
	77) echo "valgrind: $t: skipped (${secs}s): $(grep -m1 SKIP "$W/$t.out" || true)" ;;
	*)
		echo "FAIL: valgrind: $t: exit $st (${secs}s)"
		grep -e '^FAIL' -e '^  ' "$W/$t.out" | head -30
		failed=1
		;;
	esac
done < "$W/status"

# Every report must be empty.
nproc=$(find "$W/logs" -name '*.log' | wc -l)
nbad=0
for f in "$W"/logs/*.log; do
	[ -s "$f" ] || continue
	nbad=$((nbad + 1))
	if [ "$nbad" -le 5 ]; then
		echo "---- valgrind report $(basename "$f"):"
		head -60 "$f"
	fi
done
echo "valgrind: $nproc processes checked, $nbad with errors or leaks, $(( $(date +%s) - start ))s"
if [ "$nbad" -ne 0 ] || [ "$failed" -ne 0 ]; then
	exit 1
fi
