#!/bin/sh
# run.sh SRCDIR BUILDDIR SECONDS [HARNESS...] - build the libFuzzer
# harnesses with clang (-fsanitize=fuzzer,address,undefined) and run each
# for SECONDS, seeded from the test data. A crash fails the run; its input
# is kept in BUILDDIR/tests/fuzz/ and becomes a regression case under
# tests/fuzz/regressions/HARNESS/, which every later run replays first.
set -eu
src=$1 build=$2 secs=$3
shift 3
[ $# -gt 0 ] || set -- jsonsrc hostsfile conf names
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null 2>&1 || { echo "SKIP: $CC not found"; exit 77; }
out="$build/tests/fuzz"
mkdir -p "$out"
core=""
for f in "$src"/src/*.c; do
	case "$(basename "$f")" in main.c|cmd*.c) ;; *) core="$core $f" ;; esac
done
libs="$(pkg-config --libs libcurl jansson inih libcrypto) ${FUZZ_LIBS:-}"
cflags="$(pkg-config --cflags libcurl jansson inih libcrypto)"
for h in "$@"; do
	bin="$out/fuzz_$h"
	# shellcheck disable=SC2086
	"$CC" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -I"$build" -I"$src/src" $cflags \
	    -o "$bin" "$src/tests/fuzz/fuzz_$h.c" $core $libs
	corpus="$out/corpus-$h"
	mkdir -p "$corpus"
	case $h in
	jsonsrc) seeds="$src/tests/data/json" ;;
	hostsfile) seeds="$src/tests/data/hosts" ;;
	conf) seeds="$src/tests/fuzz/seeds/conf" ;;
	names) seeds="$src/tests/fuzz/seeds/names" ;;
	esac
	reg="$src/tests/fuzz/regressions/$h"
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
		echo "== $h: replaying regressions"
		if ! "$bin" "$reg"/* > "$out/replay-$h.log" 2>&1; then
			tail -40 "$out/replay-$h.log"
			echo "FAIL: $h: a regression input fails again"
			exit 1
		fi
	fi
	echo "== $h: fuzzing for $secs s"
	(cd "$out" && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 "$corpus" "$seeds") 2>&1 | \
	    grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|INFO: Seed)' || true
	for f in "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*; do
		if [ -e "$f" ]; then
			echo "FAIL: $h found a problem; inputs kept in $out"
			exit 1
		fi
	done
done
echo "fuzzing: $# harnesses, no crash"
