#!/bin/sh
# Hostile input matrix (issue #4, item 5): every case is refused with one
# clear message, and leaves the hosts file byte-identical, no temporary file
# next to it and no new journal record.
#
# The exit status follows SPEC §3:
#   2  the input is bad: a name, an address, a JSON source, the
#      configuration (what the user or a tampered export handed in);
#   1  the hosts file itself cannot be read or replaced: a directory, a
#      FIFO, unreadable, on a read-only filesystem, immutable or
#      append-only. That is not input but the machine's state (an I/O
#      failure in §3's words), like a full disk; the message names the file
#      and the reason, and never suggests the tool will clear a flag.
#
# safety.sh already refuses, the same way: newline, '#', space and tab in
# names, a newline in an address, login.microsoftonline.com, github.com,
# 8.8.8.8, 127.0.0.1, 169.254.1.1, 224.0.0.1, 0.0.0.0, ::ffff:10.1.0.4, an
# octal 010.1.0.4, a leading hyphen, a 64-character label, misplaced '*'
# (two forms), a truncated JSON file, an unrecognised shape, and a hosts file
# that is a directory, a FIFO or immutable (apply only). cli.sh has an
# unknown [global] key. tests/unit/test_entries.c and test_jsonsrc.c check
# the validators' messages one by one. This file adds the rest of the
# matrix, end to end through the command line.
#
# Trailing dot: one trailing dot is the absolute form of the same name and
# is accepted and stripped (entries.c, name_normalize); two are refused.
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
NCASES=0

cleanup() {
	# Flags and mounts first, or rm cannot remove the directory.
	chattr -i -a "$T/hosts" "$T/imm" "$T/imm/hosts" 2>/dev/null || true
	rm -rf "$T" "${U:-}"
}
trap cleanup EXIT

fresh() {
	rm -rf "$STATE" "$T/hosts"
	cp "$HOSTS/debian" "$T/hosts"
	cp "$T/hosts" "$T/orig"
}

# snapshot: what a refused run must leave as it was.
snapshot() {
	cp "$T/hosts" "$T/orig" 2>/dev/null || true
	if [ -f "$STATE/journal" ]; then
		cp "$STATE/journal" "$T/journal.orig"
	else
		rm -f "$T/journal.orig"
	fi
}

# refused RC PATTERN WHAT [HOSTS]: the last run exited RC with one error line
# matching PATTERN, and left the hosts file (default $T/hosts), the journal
# and the directory as they were.
refused() {
	want=$1 pat=$2 what=$3 h=${4:-$T/hosts}
	NCASES=$((NCASES + 1))
	if [ "$rc" -ne "$want" ]; then
		fail "$what: exit $rc, expected $want"
		sed 's/^/  stderr: /' "$T/err" >&2
	else
		pass
	fi
	nerr=$(grep -v -c -e '^amlhosts: note: ' -e '^amlhosts: warning: ' "$T/err" || true)
	if [ "$nerr" -ne 1 ] || ! grep -q -- "$pat" "$T/err"; then
		fail "$what: wanted one error line matching '$pat'"
		sed 's/^/  stderr: /' "$T/err" >&2
	else
		pass
	fi
	if [ -f "$h" ] && ! cmp -s "$T/orig" "$h"; then
		fail "$what: the hosts file changed"
	fi
	if [ -f "$T/journal.orig" ]; then
		cmp -s "$T/journal.orig" "$STATE/journal" || fail "$what: the journal changed"
	elif [ -e "$STATE/journal" ]; then
		fail "$what: a refused run was journaled"
	fi
	if [ -n "$(find "$(dirname "$h")" "$STATE" -maxdepth 2 -name '*.amlhosts-*' 2>/dev/null)" ]; then
		fail "$what: a temporary file was left"
	fi
	pass
}

# own FQDN IP: a one-entry source in amlhosts' own format (printf escapes in
# FQDN and IP are expanded: \r, \t, \xff, and \\u0000 for a JSON escape).
own() {
	f=$(printf '%s' "$1" | sed 's/%/%%/g')
	a=$(printf '%s' "$2" | sed 's/%/%%/g')
	printf '{"amlhosts": 1, "entries": [{"target": "x", "fqdn": "'"$f"'", "ip": "'"$a"'"}]}\n' > "$T/src.json"
}

adhoc() { # adhoc FILE: apply an ad-hoc target from FILE
	aml apply --name x --from-json "$1"
}

# mkname LEN: a name of exactly LEN characters under blob.core.windows.net,
# in labels of at most 63.
mkname() {
	s=blob.core.windows.net
	while [ ${#s} -lt "$1" ]; do
		need=$(($1 - ${#s} - 1))
		n=$need
		if [ "$need" -gt 63 ]; then
			n=63
			[ $((need - 64)) -ge 1 ] || n=61
		fi
		s="$(printf "%${n}s" | tr ' ' a).$s"
	done
	echo "$s"
}

# ---------------------------------------------------------------- names
fresh
snapshot
n253=$(mkname 253)
n254=$(mkname 254)
[ ${#n253} -eq 253 ] && [ ${#n254} -eq 254 ] || fail "mkname is wrong: ${#n253} ${#n254}"
while IFS='|' read -r fqdn ip pat; do
	own "$fqdn" "$ip"
	adhoc "$T/src.json"
	refused 2 "$pat" "name '$fqdn'"
done <<EOF
a\\\\u000db.blob.core.windows.net|10.1.0.4|contains the byte \\\\x0d
x.blob.core.windows.net\\\\u000d|10.1.0.4|contains the byte \\\\x0d
a\rb.blob.core.windows.net|10.1.0.4|control character 0xd
a\\\\u0000b.blob.core.windows.net|10.1.0.4|NUL character
a\\\\u000ab.blob.core.windows.net|10.1.0.4|contains the byte \\\\x0a
a\\\\u0009b.blob.core.windows.net|10.1.0.4|contains the byte \\\\x09
a\\\\u001b[31mb.blob.core.windows.net|10.1.0.4|contains the byte \\\\x1b
x.blob.core.windows.net |10.1.0.4|contains a space
x.blob.core.windows.net#|10.1.0.4|contains '#'
caf\303\251.blob.core.windows.net|10.1.0.4|contains the byte \\\\xc3
caf\\\\u00e9.blob.core.windows.net|10.1.0.4|contains the byte \\\\xc3
x\\\\u3002blob.core.windows.net|10.1.0.4|contains the byte \\\\xe3
x\\\\u200b.blob.core.windows.net|10.1.0.4|contains the byte \\\\xe2
$n254|10.1.0.4|longer than 253
x-.blob.core.windows.net|10.1.0.4|starts or ends with a hyphen
x.-blob.core.windows.net|10.1.0.4|starts or ends with a hyphen
x.blob.core.windows.net..|10.1.0.4|empty label
.x.blob.core.windows.net|10.1.0.4|empty label
x..blob.core.windows.net|10.1.0.4|empty label
.|10.1.0.4|empty
*x.blob.core.windows.net|10.1.0.4|whole first label
x*.blob.core.windows.net|10.1.0.4|whole first label
*.*.blob.core.windows.net|10.1.0.4|whole first label
*.blob.core.windows.net|10.1.0.4|wildcard where Azure lists none
management.azure.com|10.1.0.4|not an Azure private-link name
xblob.core.windows.net|10.1.0.4|not an Azure private-link name
x.blob.core.windows.net.evil.com|10.1.0.4|not an Azure private-link name
EOF

# Accepted at the limits, to show the refusals above are about the limit:
# a 253-character name, and one with a trailing dot, written without it.
for fqdn in "$n253" "$n253." x.Blob.Core.Windows.Net.; do
	fresh
	own "$fqdn" 10.1.0.4
	adhoc "$T/src.json"
	expect_rc 0 "name '$fqdn' (accepted)" || continue
	want=$(echo "${fqdn%.}" | tr A-Z a-z)
	grep -q "^10\.1\.0\.4	$want\$" "$T/hosts" || fail "'$fqdn' not written as '$want'"
done

# ------------------------------------------------------------ addresses
fresh
snapshot
while IFS='|' read -r ip pat; do
	own x.blob.core.windows.net "$ip"
	adhoc "$T/src.json"
	refused 2 "$pat" "address '$ip'"
done <<EOF
::1|a loopback address
127.0.0.53|a loopback address
fe80::1|a link-local address
fe80::1%eth0|not an IP address
ff02::1|a multicast address
239.255.255.250|a multicast address
::|an unspecified address
0.1.2.3|an unspecified address
255.255.255.255|the broadcast address
::ffff:8.8.8.8|an IPv4-mapped address
::10.1.0.4|an IPv4-compatible address
2001:db8::1|outside allowed_networks
2603:1030::1|outside allowed_networks
172.32.0.1|outside allowed_networks
1.1.1.1|outside allowed_networks
0x0a.1.0.4|not an IP address
10.1.4|not an IP address
167837700|not an IP address
 10.1.0.4|not an IP address
10.1.0.4\\\\u0009|not an IP address
10.1.0.4\t|control character 0x9
10.1.0.256|not an IP address
10.1.0.4/33|bad prefix length
|not an IP address
EOF

# A unique local address is private: accepted, written canonically.
for ip in fd00::5 FD00:0:0::5; do
	fresh
	own x.blob.core.windows.net "$ip"
	adhoc "$T/src.json"
	expect_rc 0 "address '$ip' (a ULA, accepted)" || continue
	grep -q '^fd00::5	x\.blob\.core\.windows\.net$' "$T/hosts" || fail "'$ip' not written as fd00::5"
done

# ------------------------------------------------------------ JSON sources
fresh
snapshot
# Cut in the middle of a value (safety.sh cuts after an opening bracket).
head -c 300 "$NIC" > "$T/cut.json"
adhoc "$T/cut.json"
refused 2 "cut.json' line" "JSON cut in the middle"
: > "$T/empty.json"
adhoc "$T/empty.json"
refused 2 "empty.json' line" "empty JSON file"
# 10,000 levels, of arrays and of objects: jansson stops at 2048.
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "["; for (i = 0; i < 10000; i++) printf "]"; print "" }' > "$T/deep.json"
adhoc "$T/deep.json"
refused 2 "maximum parsing depth" "10,000 nested arrays"
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "{\"a\":"; printf "1"; for (i = 0; i < 10000; i++) printf "}"; print "" }' > "$T/deep2.json"
adhoc "$T/deep2.json"
refused 2 "maximum parsing depth" "10,000 nested objects"
# 100 MB, over the 16 MiB limit (JSONSRC_MAX_BYTES): refused before reading,
# and from a pipe (which has no size) after reading 16 MiB, not 100 MB.
# Made here rather than committed.
{ printf '{"value": ['; head -c 100000000 /dev/zero | tr '\0' ' '; printf ']}\n'; } > "$T/big.json"
adhoc "$T/big.json"
refused 2 "larger than 16777216 bytes" "100 MB JSON file"
rm -f "$T/big.json"
set +e
{ printf '{"value": ['; head -c 100000000 /dev/zero | tr '\0' ' '; } 2>/dev/null |
    timeout 60 "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" \
    apply --name x --from-json - >"$T/out" 2>"$T/err"
rc=$?
set -e
refused 2 "standard input' is larger than 16777216 bytes" "100 MB of JSON on standard input"
# Not UTF-8: a stray byte, an overlong form, an encoded surrogate, a NUL
# byte, UTF-16 with a bad surrogate.
own x.blob.core.windows.net '10.1.0.4\377'
adhoc "$T/src.json"
refused 2 "is not UTF-8 text: byte 0xff" "JSON with a 0xff byte"
printf '[{"IPAddress": "10.1.0.4", "FQDNs": ["\300\256x.blob.core.windows.net"]}]' > "$T/overlong.json"
adhoc "$T/overlong.json"
refused 2 "is not UTF-8 text: byte 0xc0" "JSON with an overlong UTF-8 '.'"
printf '[{"IPAddress": "10.1.0.4", "FQDNs": ["\355\240\200.blob.core.windows.net"]}]' > "$T/surrogate.json"
adhoc "$T/surrogate.json"
refused 2 "is not UTF-8 text: byte 0xed" "JSON with a UTF-8-encoded surrogate"
printf '[{"IPAddress": "10.1.0.4", "FQDNs": ["x.blob.core.windows.net\000evil"]}]' > "$T/nul.json"
adhoc "$T/nul.json"
refused 2 "a NUL byte at offset" "JSON with a NUL byte"
printf '\377\376[\000\000\330' > "$T/utf16.json"
adhoc "$T/utf16.json"
refused 2 "not UTF-16 text" "UTF-16 JSON with an unpaired surrogate"
# Duplicate keys, and keys that differ only in case: which one wins would
# depend on the parser.
printf '[{"IPAddress": "10.1.0.4", "IPAddress": "10.1.0.5", "FQDNs": ["x.blob.core.windows.net"]}]' > "$T/dup.json"
adhoc "$T/dup.json"
refused 2 "duplicate object key" "JSON with a duplicate key"
printf '[{"IPAddress": "10.1.0.4", "ipaddress": "10.1.0.5", "FQDNs": ["x.blob.core.windows.net"]}]' > "$T/dupcase.json"
adhoc "$T/dupcase.json"
refused 2 "differ only in case" "JSON with keys differing in case"
# Numbers, and other types, where strings belong.
printf '{"amlhosts": 1, "entries": [{"target": "x", "fqdn": "x.blob.core.windows.net", "ip": 167837700}]}' > "$T/num.json"
adhoc "$T/num.json"
refused 2 "'ip' is a number, not a string" "a number for an address"
printf '[{"IPAddress": "10.1.0.4", "FQDNs": [1e5]}]' > "$T/num2.json"
adhoc "$T/num2.json"
refused 2 "is a number, not a string" "a number for a name"
printf '[{"IPAddress": "10.1.0.4", "FQDNs": [{"fqdn": "x.blob.core.windows.net"}]}]' > "$T/obj.json"
adhoc "$T/obj.json"
refused 2 "is an object, not a string" "an object for a name"
printf '[{"IPAddress": 1e999, "FQDNs": ["x.blob.core.windows.net"]}]' > "$T/inf.json"
adhoc "$T/inf.json"
refused 2 "real number overflow" "a number too large for a double"
printf '[]' > "$T/none.json"
adhoc "$T/none.json"
refused 2 "lists no names" "a JSON source with no entries"
# A source that is not a regular file is the input's fault too (exit 2);
# a FIFO must not hang waiting for a writer.
mkfifo "$T/fifo.json"
set +e
timeout 10 "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" \
    apply --name x --from-json "$T/fifo.json" >"$T/out" 2>"$T/err"
rc=$?
set -e
refused 2 "fifo.json' is not a regular file" "a FIFO as JSON source"
mkdir "$T/dir.json"
adhoc "$T/dir.json"
refused 2 "dir.json' is a directory" "a directory as JSON source"

# Ad-hoc names on the command line that would end up in the file or a URL.
aml apply --name "$(printf 'a\nb')" --from-json "$NIC"
refused 2 "'a\\\\x0ab' is not a valid target name" "a newline in --name"
aml plan --name w --subscription ../../x --resource-group rg --workspace ws
refused 2 "without '/'" "a path in --subscription"

# --------------------------------------------------------- configuration
fresh
snapshot
confcase() { # confcase PATTERN WHAT: $T/conf is refused with exit 2
	run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" apply
	refused 2 "$1" "configuration: $2"
}
tgt="[workspace w]
json_file = $NIC"
printf '[global\nkeep_backups = 2\n' > "$T/conf"
confcase "conf:1: syntax error" "a section without ']'"
printf '[global]\nkeep_backups\n' > "$T/conf"
confcase "conf:2: syntax error" "a key without a value"
printf '%s\nfrobnicate = 1\n' "$tgt" > "$T/conf"
confcase "conf:3: unknown key 'frobnicate' in \[workspace w\]" "an unknown key in a target"
printf '%s\n[frob]\n' "$tgt" > "$T/conf"
confcase "conf:3: unknown section \[frob\]" "an unknown section"
printf '[workspace bad name]\njson_file = %s\n' "$NIC" > "$T/conf"
confcase "not a valid workspace name" "a section name with a space"
printf '%s\njson_file = /dev/null\n' "$tgt" > "$T/conf"
confcase "is set more than once" "a key given twice"
printf '%s\n%s\n' "$tgt" "$tgt" > "$T/conf"
confcase "appears twice" "a section given twice"
printf '[global]\nkeep_backups = 99999999999999999999\n%s\n' "$tgt" > "$T/conf"
confcase "'keep_backups' must be a number" "a number that overflows"
printf '[global]\nlock_timeout = -1\n%s\n' "$tgt" > "$T/conf"
confcase "'lock_timeout' must be a number" "a negative timeout"
printf '[global]\nallowed_networks = 0.0.0.0/33\n%s\n' "$tgt" > "$T/conf"
confcase "bad prefix length" "a network with a bad prefix"
printf '[global]\nallowed_networks = 10.1.0.5/8\n%s\n' "$tgt" > "$T/conf"
confcase "host bits set" "a network with host bits set"
printf '[global]\nallowed_suffixes = corp.example, bad name.example\n%s\n' "$tgt" > "$T/conf"
confcase "allowed_suffixes: 'bad name.example' is not a valid host name" "a suffix with a space"
printf '[global]\nallowed_suffixes = com\n%s\n' "$tgt" > "$T/conf"
confcase "allowed_suffixes: 'com' is not a valid host name" "a whole top-level domain as a suffix"
printf '[global]\ncloud = Mars\n%s\n' "$tgt" > "$T/conf"
confcase "unknown cloud 'Mars'" "an unknown cloud"
# A 1 MB line: inih would cut it at 200 bytes and read the rest as lines
# of their own; refused with its line number instead.
{ printf '[global]\nallowed_suffixes = '; head -c 1000000 /dev/zero | tr '\0' a; printf '\n%s\n' "$tgt"; } > "$T/conf"
confcase "conf:2: line is longer than" "a 1 MB line"
{ printf '[global]\n; '; head -c 2000000 /dev/zero | tr '\0' a; printf '\n'; } > "$T/conf"
confcase "larger than 1048576 bytes" "a 2 MB configuration file"
printf '[global]\nkeep_backups = 2\000\n%s\n' "$tgt" > "$T/conf"
confcase "holds a NUL byte" "a NUL byte"
# UTF-16 with a BOM is read as text (issue 14): its sections are checked.
printf '\377\376[\000g\000]\000' > "$T/conf"
confcase "conf:1: unknown section \[g\]" "UTF-16 (decoded)"
printf '\377\376[\000\000\330' > "$T/conf"
confcase "is not UTF-16 text: an unpaired surrogate" "UTF-16 with an unpaired surrogate"
# As root, a json_file not there yet in a directory anyone may create in
# (sticky, as /tmp) is refused: another user could create it after the
# check. Where only root can create it, it is the reader's "not found".
mkdir "$T/sticky"
chmod 1777 "$T/sticky"
printf '[workspace w]\njson_file = %s\n' "$T/sticky/nic.json" > "$T/conf"
confcase "json_file '$T/sticky/nic.json' of target 'w' is refused.*'$T/sticky' (owner root) is writable by others" \
    "a missing json_file in a sticky world-writable directory"
printf '[workspace w]\njson_file = %s\n' "$T/nothere/nic.json" > "$T/conf"
confcase "$T/nothere/nic.json.*check the file name" "a missing json_file where only root may create it"
rmdir "$T/sticky"
rm -f "$T/conf"
mkdir "$T/conf"
confcase "'$T/conf' is not a regular file" "a directory"
rmdir "$T/conf"
mkfifo "$T/conf"
set +e
timeout 10 "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" apply >"$T/out" 2>"$T/err"
rc=$?
set -e
refused 2 "'$T/conf' is not a regular file" "configuration: a FIFO (no hang)"
rm -f "$T/conf"

# ------------------------------------------------ the hosts file itself
# Exit 1 (see the header): what every command says when the file cannot be
# used. A FIFO must not hang any of them.
cmds="status plan remove uninstall rollback apply"
hostcase() { # hostcase HOSTS PATTERN WHAT: each of $cmds refuses HOSTS
	for c in $cmds; do
		case $c in
		plan | apply) args="--name myws --from-json $NIC" ;;
		remove) args=myws ;;
		*) args= ;;
		esac
		set +e
		# shellcheck disable=SC2086
		timeout 10 "$AMLHOSTS" -c /dev/null -H "$1" --state-dir "$STATE" $c $args \
		    >"$T/out" 2>"$T/err"
		rc=$?
		set -e
		refused 1 "$2" "$c with $3" "$1"
	done
}
fresh
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply before the hosts-file cases"
snapshot
mkdir "$T/hostsdir"
hostcase "$T/hostsdir" "is a directory" "a directory as hosts file"
mkfifo "$T/hostsfifo"
hostcase "$T/hostsfifo" "not a regular file" "a FIFO as hosts file"
ln -s "$T/loop2" "$T/loop1"
ln -s "$T/loop1" "$T/loop2"
hostcase "$T/loop1" "Too many levels of symbolic links" "a symlink loop as hosts file"
hostcase "$T/hosts/x" "Not a directory" "a path through a file as hosts file"
cmp -s "$T/orig" "$T/hosts" || fail "the hosts file changed"

# Unreadable: chmod 000 stops anyone but root; root gets the same from
# setpriv as nobody, in a directory of its own.
if [ "$(id -u)" -ne 0 ]; then
	cp "$T/hosts" "$T/noread"
	chmod 000 "$T/noread"
	cmds="status plan apply"
	hostcase "$T/noread" "Permission denied" "an unreadable hosts file"
	chmod 644 "$T/noread"
elif command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1 &&
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
    "$AMLHOSTS" --version >/dev/null 2>&1; then
	U=$(mktemp -d "${TMPDIR:-/tmp}/amlhosts-hostile.XXXXXX")
	chmod 755 "$U"
	cp "$T/hosts" "$U/hosts"
	cp "$NIC" "$U/nic.json"
	chmod 644 "$U/nic.json"
	chmod 000 "$U/hosts"
	mkdir "$U/state"
	chown nobody "$U/state"
	saved_state=$STATE
	STATE="$U/state"
	rm -f "$T/journal.orig"
	for c in status apply; do
		set -- "$c"
		[ "$c" = status ] || set -- apply --name myws --from-json "$U/nic.json"
		run setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		    "$AMLHOSTS" -c /dev/null -H "$U/hosts" --state-dir "$U/state" "$@"
		refused 1 "Permission denied" "$c with an unreadable hosts file" "$U/hosts"
	done
	STATE=$saved_state
	snapshot
else
	echo "SKIP: unreadable hosts file: running as root, and nobody cannot run $AMLHOSTS through setpriv"
fi

# A read-only filesystem: the directory, then the file alone, bind-mounted
# read-only in a mount namespace of the test's own.
mkdir -p "$T/ro"
if [ "$(id -u)" -eq 0 ] && unshare -m sh -c 'mount --bind "$1" "$1" &&
    mount -o remount,bind,ro "$1"' sh "$T/ro" 2>/dev/null; then
	cp "$T/hosts" "$T/ro/hosts"
	cp "$T/hosts" "$T/orig"
	for how in dir file; do
		for opt in "" --in-place; do
			m="$T/ro"
			[ "$how" = dir ] || m="$T/ro/hosts"
			set +e
			unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift &&
			    exec "$@"' sh "$m" "$AMLHOSTS" -c /dev/null -H "$T/ro/hosts" --state-dir "$STATE" \
			    $opt apply --name myws2 --from-json "$NIC" >"$T/out" 2>"$T/err"
			rc=$?
			set -e
			refused 1 "mounted read-only" "apply $opt on a read-only $how mount" "$T/ro/hosts"
		done
	done
else
	echo "SKIP: read-only filesystem: needs root, unshare -m and a read-only bind mount"
fi

# Immutable and append-only (chattr +i/+a): never cleared by the tool. The
# block is there, so remove, uninstall and rollback would change the file.
if chattr +i "$T/hosts" 2>/dev/null; then
	for c in "apply --name myws2 --from-json $NIC" "--in-place apply --name myws2 --from-json $NIC" \
	    "remove myws" uninstall rollback; do
		# shellcheck disable=SC2086
		aml $c
		refused 1 "immutable or append-only" "$c on an immutable file"
	done
	lsattr "$T/hosts" | cut -d' ' -f1 | grep -q i || fail "the immutable flag was cleared"
	chattr -i "$T/hosts"
	chattr +a "$T/hosts"
	aml remove myws
	refused 1 "immutable or append-only" "remove on an append-only file"
	chattr -a "$T/hosts"
	# An immutable directory: no temporary file can be made next to the file.
	mkdir "$T/imm"
	cp "$T/hosts" "$T/imm/hosts"
	chattr +i "$T/imm"
	run "$AMLHOSTS" -c /dev/null -H "$T/imm/hosts" --state-dir "$STATE" apply --name myws2 --from-json "$NIC"
	refused 1 "cannot create a temporary file in '$T/imm'" "apply in an immutable directory" "$T/imm/hosts"
	chattr -i "$T/imm"
else
	echo "SKIP: immutable files: chattr +i not supported on $T's filesystem"
fi

echo "hostile: $NCASES hostile inputs refused"
finish
