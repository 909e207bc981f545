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
# neither loads nor runs the network code: nm and ldd say what it needs,
# and the same look must find libcurl in amlhosts-azure.
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
# net_libs PROGRAM: what of the network code PROGRAM needs, one a line: the
# libraries ldd lists (also those pulled in by another library) and curl_ or
# SSL_ symbols (a static link has no ldd line). Fails when it cannot tell.
net_libs() {
	nm "$1" > "$tmp/nm" 2>&1 || { echo "FAIL: nm $1: $(head -1 "$tmp/nm")"; return 1; }
	awk '$NF ~ /^(curl|SSL)_/ { print $NF; exit }' "$tmp/nm"
	if ! command -v ldd >/dev/null 2>&1; then
		echo "note: no ldd here: the libraries $1 loads are not checked" >&2
	elif ldd "$1" > "$tmp/ldd" 2>&1; then
		grep -E 'libcurl|libssl|libgnutls|libnss3' "$tmp/ldd" | awk '{ print $1 }'
	elif ! grep -q 'not a dynamic executable' "$tmp/ldd"; then
		echo "FAIL: ldd $1: $(head -1 "$tmp/ldd")"
		return 1
	fi
}
for p in amlhosts amlhosts-azure; do
	[ -f "$build/src/$p" ] || { echo "FAIL: $build/src/$p not built"; exit 1; }
done
if ! net_libs "$build/src/amlhosts" > "$tmp/net"; then
	cat "$tmp/net"
	failed=1
elif [ -s "$tmp/net" ]; then
	echo "FAIL: src/amlhosts needs the network code: $(tr '\n' ' ' < "$tmp/net")"
	failed=1
else
	echo "ok: src/amlhosts needs no libcurl nor libssl (nm, ldd)"
fi
# And the same look sees them where they are: in the helper.
if net_libs "$build/src/amlhosts-azure" > "$tmp/net" && grep -q 'curl' "$tmp/net"; then
	echo "ok: the look finds libcurl in src/amlhosts-azure: $(tr '\n' ' ' < "$tmp/net")"
else
	echo "FAIL: libcurl not found in src/amlhosts-azure, so the look at src/amlhosts proves nothing: $(cat "$tmp/net")"
	failed=1
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
