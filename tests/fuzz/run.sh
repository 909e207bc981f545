#!/bin/sh
# run.sh SRCDIR BUILDDIR SECONDS [HARNESS...] - build the libFuzzer
# harnesses with clang (-fsanitize=fuzzer,address,undefined) and run each
# for SECONDS, seeded from the test data. A crash fails the run; its input
# is kept in BUILDDIR/tests/fuzz/ and becomes a regression case under
# tests/fuzz/regressions/HARNESS/, which every later run replays first.
# FUZZ_JOBS harnesses run at once (default: one per CPU).
set -eu
src=$1 build=$2 secs=$3
shift 3
[ $# -gt 0 ] || set -- jsonsrc hostsfile conf names
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null 2>&1 || { echo "SKIP: $CC not found"; exit 77; }
out="$build/tests/fuzz"
mkdir -p "$out"
# Each harness is linked with the layers it exercises and nothing above
# them (all four are in the hosts layer, which sits on base): the sources of
# src/hosts/libhosts.a and src/base/libbase.a as Makefile.am lists them
# (FUZZ_SOURCES, from "make fuzz"), never a glob, so that a file of another
# layer cannot slip in. No libcurl: a hosts-layer module that called up
# into azure would not link.
: "${FUZZ_SOURCES:?run through make fuzz, which passes the hosts and base sources}"
layer_src=""
for f in $FUZZ_SOURCES; do
	case $f in
	*platform-win32.c) ;;
	*.c) layer_src="$layer_src $src/$f" ;;
	esac
done
sources_of() {
	case $1 in
	jsonsrc | hostsfile | conf | names) echo "$layer_src" ;;
	*) echo "run.sh: no link list for harness '$1'" >&2; exit 2 ;;
	esac
}
libs="$(pkg-config --libs jansson inih libcrypto) ${FUZZ_LIBS:-}"
cflags="$(pkg-config --cflags jansson inih libcrypto)"
seeds_of() {
	case $1 in
	jsonsrc) echo "$src/tests/data/json" ;;
	hostsfile) echo "$src/tests/data/hosts" ;;
	conf) echo "$src/tests/fuzz/seeds/conf" ;;
	names) echo "$src/tests/fuzz/seeds/names" ;;
	esac
}

# Build every harness and replay its regressions first: a known crash
# fails at once, without waiting for the fuzzing.
for h in "$@"; do
	bin="$out/fuzz_$h"
	core=$(sources_of "$h")
	# shellcheck disable=SC2086
	"$CC" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined -I"$build" -I"$src/src" $cflags \
	    -o "$bin" "$src/tests/fuzz/fuzz_$h.c" $core $libs
	mkdir -p "$out/corpus-$h"
	rm -f "$out/$h"-crash-* "$out/$h"-leak-* "$out/$h"-timeout-* "$out/$h"-oom-*
	reg="$src/tests/fuzz/regressions/$h"
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
		echo "== $h: replaying regressions"
		if ! "$bin" "$reg"/* > "$out/replay-$h.log" 2>&1; then
			tail -40 "$out/replay-$h.log"
			echo "FAIL: $h: a regression input fails again"
			exit 1
		fi
	fi
done

# Then fuzz, FUZZ_JOBS harnesses at once (default: one per CPU), each for
# SECONDS; a crash's input is kept as BUILDDIR/tests/fuzz/HARNESS-crash-*.
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
running=0
for h in "$@"; do
	echo "== $h: fuzzing for $secs s"
	# The regression cases seed the fuzzing too: their shapes (disabled,
	# kept and no-final-newline lines) are the ones that found bugs.
	reg="$src/tests/fuzz/regressions/$h"
	[ -d "$reg" ] || reg=$(seeds_of "$h")
	"$out/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/$h-" \
	    "$out/corpus-$h" "$(seeds_of "$h")" "$reg" > "$out/fuzz-$h.log" 2>&1 &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
failed=0
for h in "$@"; do
	echo "== $h:"
	grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY|INFO: Seed)' \
	    "$out/fuzz-$h.log" || true
	for f in "$out/$h"-crash-* "$out/$h"-leak-* "$out/$h"-timeout-* "$out/$h"-oom-*; do
		if [ -e "$f" ]; then
			tail -40 "$out/fuzz-$h.log"
			echo "FAIL: $h found a problem; its input is $f"
			failed=1
		fi
	done
done
[ "$failed" -eq 0 ] || exit 1
echo "fuzzing: $# harnesses, no crash"
