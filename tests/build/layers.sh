#!/bin/sh
# layers.sh - the layers of src/ are linked only downward.
#
# Every undefined symbol of a layer's library must be defined by that
# library or by a layer below it (or by no layer at all: the C library,
# libcurl, jansson, ...). The programs already link each layer with only
# its own and lower libraries (Makefile.am's *_LIBS), so an upward call
# fails to link there; this test names the symbol and the two layers, and
# also catches a call between siblings (dns -> state, azure -> dns,
# source -> azure).
#
# amlhosts itself must not need libcurl (nor libssl): discovery runs in
# amlhosts-azure (issue 12), so the program that rewrites the hosts file
# neither loads nor runs the network code. ldd says what it needs.
#
# Then it shows once that the check bites: a copy of libhosts.a with one
# more object that calls up into the state layer must be refused.
set -eu
build=${BUILDDIR:-.}
CC=${CC:-cc}
command -v nm >/dev/null 2>&1 || { echo "SKIP: nm (binutils) not found"; exit 77; }

# layer: the layers it may use
below() {
	case $1 in
	base) echo "" ;;
	hosts) echo "base" ;;
	state | dns | source | azure) echo "hosts base" ;;
	esac
}
lib() { echo "$build/src/$1/lib$1.a"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/layers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for l in base hosts state dns source azure; do
	[ -f "$(lib $l)" ] || { echo "FAIL: $(lib $l) not built"; exit 1; }
	nm -g --defined-only "$(lib $l)" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u > "$tmp/def.$l"
done

# check LAYER LIBRARY: prints each upward or sideways call, returns 1 if any.
check() {
	layer=$1 archive=$2 bad=0
	allowed="$tmp/allowed.$layer"
	: > "$allowed"
	cat "$tmp/def.$layer" >> "$allowed"
	for b in $(below "$layer"); do cat "$tmp/def.$b" >> "$allowed"; done
	sort -u -o "$allowed" "$allowed"
	nm -u "$archive" 2>/dev/null | awk '$1 == "U" { print $2 }' | sort -u > "$tmp/undef.$layer"
	for other in base hosts state dns source azure; do
		comm -12 "$tmp/undef.$layer" "$tmp/def.$other" | comm -23 - "$allowed" > "$tmp/up" || true
		while read -r sym; do
			echo "layer violation: $layer ($archive) uses $sym from $other"
			bad=1
		done < "$tmp/up"
	done
	return $bad
}

failed=0
for l in base hosts state dns source azure; do
	if check "$l" "$(lib $l)"; then
		echo "ok: $l uses only $(below "$l" | sed 's/^$/(no other layer)/')"
	else
		failed=1
	fi
done

# No libcurl in amlhosts: neither linked in nor needed at run time.
if nm -u "$(lib source)" 2>/dev/null | grep -q ' curl_'; then
	echo "FAIL: libsource.a calls libcurl: $(nm -u "$(lib source)" | grep -m1 ' curl_')"
	failed=1
fi
if [ ! -f "$build/src/amlhosts" ]; then
	echo "FAIL: $build/src/amlhosts not built"
	failed=1
elif ! command -v ldd >/dev/null 2>&1; then
	echo "note: no ldd here: what src/amlhosts loads is not checked" >&2
elif ldd "$build/src/amlhosts" 2>/dev/null | grep -E 'libcurl|libssl|libgnutls|libnss3' > "$tmp/ldd"; then
	echo "FAIL: src/amlhosts needs the network libraries: $(tr '\n' ' ' < "$tmp/ldd")"
	failed=1
else
	echo "ok: src/amlhosts needs no libcurl nor libssl (ldd)"
fi

# The check must refuse a deliberate upward call: hosts -> state.
cat > "$tmp/upward.c" <<'C'
int hostsedit_upward_probe(void);
extern int journal_read();
int hostsedit_upward_probe(void) { return journal_read() != 0; }
C
if "$CC" -c -o "$tmp/upward.o" "$tmp/upward.c" 2>"$tmp/cc.err"; then
	cp "$(lib hosts)" "$tmp/libhosts.a"
	ar rc "$tmp/libhosts.a" "$tmp/upward.o"
	grep -qx journal_read "$tmp/def.state" || { echo "FAIL: journal_read is no longer in libstate.a: update this probe"; exit 1; }
	if check hosts "$tmp/libhosts.a" > "$tmp/probe.out"; then
		echo "FAIL: an upward call (hosts -> state: journal_read) was not caught"
		failed=1
	else
		echo "ok: a deliberate upward call is refused: $(cat "$tmp/probe.out")"
	fi
	# And the linker refuses it: a program linked as a hosts-layer test is
	# (libhosts.a, libbase.a) cannot reach journal_read in libstate.a.
	cat > "$tmp/probe-main.c" <<'C'
int hostsedit_upward_probe(void);
int main(void) { return hostsedit_upward_probe(); }
C
	if "$CC" -o "$tmp/probe" "$tmp/probe-main.c" "$tmp/upward.o" "$(lib hosts)" "$(lib base)" \
	    > "$tmp/ld.err" 2>&1; then
		echo "FAIL: a hosts-layer program linked although it calls up into state"
		failed=1
	elif grep -q "undefined reference to .journal_read\|journal_read.*undefined\|Undefined symbols.*journal_read" "$tmp/ld.err"; then
		echo "ok: the linker refuses it: $(grep -m1 journal_read "$tmp/ld.err" | sed 's/^.*: //')"
	else
		cat "$tmp/ld.err"
		echo "FAIL: the probe did not link, but not for journal_read"
		failed=1
	fi
else
	cat "$tmp/cc.err"
	echo "FAIL: cannot compile the probe with $CC"
	failed=1
fi
exit $failed
