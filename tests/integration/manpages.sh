#!/bin/sh
# manpages.sh - the manual pages describe the amlhosts that was built.
#
# amlhosts(1): every command 'amlhosts --help' lists has a section under
# COMMANDS (and no section names a command that does not exist), every long
# option of 'amlhosts --help' and 'amlhosts COMMAND --help' is documented
# (a command's own options in its own section), the global options with
# their short forms under GLOBAL OPTIONS, the exit codes under EXIT STATUS.
# amlhosts.conf(5): every key it documents is accepted by the binary, with
# the default the page gives; the page's examples are accepted; a key it
# does not document is refused, and every key src/hosts/conf.c accepts is
# documented; what it says of the file format holds. Both pages render without warnings where
# groff, mandoc or man are installed.
#
# Environment: AMLHOSTS, the binary under test (set by make check). The
# pages are found next to this script, so it runs from any build directory.
set -eu
LC_ALL=C
export LC_ALL

MANDIR=$(cd "$(dirname "$0")/../../man" 2>/dev/null && pwd) || MANDIR=$(dirname "$0")/../../man
PAGE1=$MANDIR/amlhosts.1
PAGE5=$MANDIR/amlhosts.conf.5
T=$(mktemp -d "${TMPDIR:-/tmp}/amlhosts-man.XXXXXX")
trap 'rm -rf "$T"' EXIT

NPASS=0
NFAIL=0
NSKIP=0

pass() {
	NPASS=$((NPASS + 1))
}

fail() {
	echo "FAIL: $*" >&2
	NFAIL=$((NFAIL + 1))
}

skip() {
	echo "SKIP: $*" >&2
	NSKIP=$((NSKIP + 1))
}

# indent FILE: show a file's lines under a failure.
indent() {
	sed 's/^/    /' "$1" >&2
}

# roff_to_text: roff escapes to the characters they print, fonts dropped.
# \e goes last, so the backslash it gives starts no new escape.
roff_to_text() {
	sed -e 's/\\-/-/g' -e 's/\\(hy/-/g' -e 's/\\(mi/-/g' -e 's/\\(en/-/g' \
	    -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\(lq/"/g' -e 's/\\(rq/"/g' \
	    -e 's/\\(bu/*/g' -e 's/\\~/ /g' -e 's/\\[&%]//g' \
	    -e 's/\\f[BIRP1-4]//g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\f\[[^]]*\]//g' \
	    -e 's/\\e/\\/g'
}

# strip_comments: a page's source without roff comments.
strip_comments() {
	sed -e '/^\.\\"/d' -e '/^'"'"'\\"/d' -e 's/\\".*$//'
}

# options: the option words (-x, --long-name) of standard input, one a line.
options() {
	tr -c 'A-Za-z0-9-' '\n' | grep -E '^--?[A-Za-z][A-Za-z0-9-]*$' | sort -u || true
}

# long_options: the same, long ones only.
long_options() {
	options | grep -E '^--' || true
}

# has_word WORD FILE: is WORD one of the option words of FILE?
has_word() {
	options < "$2" | grep -Fqx -- "$1"
}

for p in "$PAGE1" "$PAGE5"; do
	[ -f "$p" ] || fail "manual page '$p' is missing"
done
[ -f "$PAGE1" ] && [ -f "$PAGE5" ] || {
	echo "$NPASS passed, $NFAIL failed"
	exit 1
}

# The pages as text: comments out, escapes resolved.
strip_comments < "$PAGE1" | roff_to_text > "$T/page1.txt"
strip_comments < "$PAGE5" | roff_to_text > "$T/page5.txt"

# amlhosts(1) cut into its parts: sec.<command> for each .SS under COMMANDS
# (their names, in order, in commands.doc), sh.<SECTION> for each .SH.
mkdir "$T/parts"
awk -v dir="$T/parts" '
function clean(s) {
	sub(/^\.S[HS][ \t]*/, "", s)
	gsub(/"/, "", s)
	return s
}
/^\.SH/ {
	sh = clean($0)
	shfile = sh
	gsub(/[^A-Za-z0-9]/, "_", shfile)
	shfile = dir "/sh." shfile
	cur = ""
	next
}
/^\.SS/ {
	cur = ""
	if (sh == "COMMANDS") {
		t = clean($0)
		split(t, w, /[ \t]+/)
		print w[1] > (dir "/commands.doc")
		if (w[1] ~ /^[a-z][a-z0-9-]*$/) {
			cur = dir "/sec." w[1]
			printf "" > cur
		}
	}
}
cur != "" { print > cur }
shfile != "" { print > shfile }
' "$T/page1.txt"
touch "$T/parts/commands.doc"

# --- Rendering --------------------------------------------------------------
# Warnings from groff and mandoc fail the test; the rendered text of
# amlhosts(1) is kept for the option checks below (wide, not hyphenated, so
# no option is split across lines).
RENDERED=
bs=$(printf '\b')
for p in "$PAGE1" "$PAGE5"; do
	name=$(basename "$p")
	if command -v groff >/dev/null 2>&1; then
		if groff -man -ww -z "$p" > "$T/groff.out" 2>&1 && [ ! -s "$T/groff.out" ]; then
			pass
		else
			fail "groff -man -ww -z $name warns:"
			indent "$T/groff.out"
		fi
	fi
	if command -v mandoc >/dev/null 2>&1; then
		if mandoc -T lint -W warning "$p" > "$T/mandoc.out" 2>&1 && [ ! -s "$T/mandoc.out" ]; then
			pass
		else
			fail "mandoc -T lint $name warns:"
			indent "$T/mandoc.out"
		fi
	fi
	if command -v man >/dev/null 2>&1; then
		if MANPAGER=cat PAGER=cat MANWIDTH=80 man -l "$p" > "$T/man.out" 2> "$T/man.err" &&
		    [ -s "$T/man.out" ] && [ ! -s "$T/man.err" ]; then
			pass
		else
			fail "man -l $name does not render cleanly:"
			indent "$T/man.err"
		fi
	fi
done
if command -v groff >/dev/null 2>&1 &&
    groff -man -Tascii -rLL=250n -rHY=0 -P-c -P-b -P-o -P-u "$PAGE1" > "$T/rendered.raw" 2>/dev/null; then
	RENDERED=$T/rendered.txt
elif command -v mandoc >/dev/null 2>&1 &&
    mandoc -T ascii -O width=250 "$PAGE1" > "$T/rendered.raw" 2>/dev/null; then
	RENDERED=$T/rendered.txt
elif command -v man >/dev/null 2>&1 &&
    MANPAGER=cat PAGER=cat MANWIDTH=250 man -l "$PAGE1" > "$T/rendered.raw" 2>/dev/null; then
	RENDERED=$T/rendered.txt
else
	skip "neither groff, mandoc nor man is installed: the pages were not rendered"
fi
if [ -n "$RENDERED" ]; then
	sed -e "s/.$bs//g" -e 's/\x1b\[[0-9;]*m//g' "$T/rendered.raw" > "$RENDERED"
fi

# doc_has_option OPTION WHAT: documented in the source, and in the rendered
# page when there is one.
doc_has_option() {
	if has_word "$1" "$T/page1.txt"; then
		pass
	else
		fail "$2 '$1' is not in amlhosts(1)"
		return 0
	fi
	if [ -n "$RENDERED" ]; then
		if has_word "$1" "$RENDERED"; then
			pass
		else
			fail "$2 '$1' is in the source of amlhosts(1) but not in the rendered page"
		fi
	fi
}

# --- amlhosts.conf(5): its keys, its defaults, its examples -----------------
# Keys: the .TP items '.BI "key = " value' under GLOBAL KEYS and WORKSPACE
# KEYS, as "global key" or "workspace key".
awk '
/^\.SH/ { sec = ""; if ($0 ~ /GLOBAL/) sec = "global"; else if ($0 ~ /WORKSPACE/) sec = "workspace"; next }
/^\.T[PQ]/ { tag = 1; next }
tag {
	tag = 0
	if (sec == "" || $0 !~ /^\.B[IR]? /)
		next
	l = $0
	sub(/^\.B[IR]? +/, "", l)
	gsub(/"/, "", l)
	if (match(l, /^[a-z][a-z0-9_]* *=/)) {
		k = substr(l, 1, RLENGTH)
		sub(/ *=$/, "", k)
		print sec, k
	}
}' "$T/page5.txt" | sort -u > "$T/keys.doc"
if grep -q '^global ' "$T/keys.doc" && grep -q '^workspace ' "$T/keys.doc"; then
	pass
else
	fail "no keys found under GLOBAL KEYS and WORKSPACE KEYS in amlhosts.conf(5)"
fi

# The literal blocks after '.\" test: defaults' and '.\" test: config'.
awk -v dir="$T" '
index($0, ".\\\" test: ") == 1 { kind = substr($0, 11); next }
kind != "" && $0 == ".EX" { n++; out = dir "/listing." n "." kind; printf "" > out; next }
out != "" && $0 == ".EE" { out = ""; kind = ""; next }
out != "" && $0 !~ /^[.'"'"']/ { print > out }
' "$PAGE5"
for f in "$T"/listing.*; do
	[ -f "$f" ] || continue
	roff_to_text < "$f" > "$f.conf"
done
DEFAULTS=$(ls "$T"/listing.*.defaults.conf 2>/dev/null | head -n 1)
if [ -n "$DEFAULTS" ]; then
	pass
else
	fail "no listing of defaults ('.\\\" test: defaults' before .EX) in amlhosts.conf(5)"
	DEFAULTS=/dev/null
fi

# The defaults listing as "section key value" lines.
awk '
/^[ \t]*[;#]/ || /^[ \t]*$/ { next }
/^\[/ { s = $0; gsub(/[][]/, "", s); sec = (s == "global") ? "global" : "workspace"; hdr = $0; next }
{
	line = $0
	k = line
	sub(/[ \t]*=.*/, "", k)
	print sec "\t" k "\t" hdr "\t" line
}' "$DEFAULTS" > "$T/defaults"
tab=$(printf '\t')

# Documented keys and the defaults listing name the same keys.
while read -r sec key; do
	if awk -F "$tab" -v s="$sec" -v k="$key" '$1 == s && $2 == k { f = 1 } END { exit !f }' "$T/defaults"; then
		pass
	else
		fail "key '$key' of [$sec] is not in the defaults listing of amlhosts.conf(5)"
	fi
done < "$T/keys.doc"
while IFS=$tab read -r sec key hdr line; do
	if grep -Fqx -- "$sec $key" "$T/keys.doc"; then
		pass
	else
		fail "the defaults listing of amlhosts.conf(5) has a key '$key' of [$sec] that is not documented"
	fi
done < "$T/defaults"
if ls "$T"/listing.*.config.conf > /dev/null 2>&1; then
	pass
else
	fail "no example configuration ('.\\\" test: config' before .EX) in amlhosts.conf(5)"
fi

# --- The binary -------------------------------------------------------------
if [ -z "${AMLHOSTS:-}" ] || [ ! -x "$AMLHOSTS" ]; then
	skip "AMLHOSTS is not set to the built binary: options, commands and keys not checked"
	echo "$NPASS passed, $NFAIL failed"
	[ "$NFAIL" -eq 0 ] || exit 1
	[ "$NPASS" -gt 0 ] || exit 77
	exit 0
fi

if "$AMLHOSTS" --help > "$T/help" 2> "$T/help.err" && [ -s "$T/help" ]; then
	pass
else
	fail "'amlhosts --help' failed"
	indent "$T/help.err"
fi

# Commands: the first word of each line of the "Commands:" list.
awk '/^Commands:/ { f = 1; next } f && /^[ \t]*$/ { exit } f { print $1 }' "$T/help" > "$T/commands"
if [ -s "$T/commands" ]; then
	pass
else
	fail "no commands found in 'amlhosts --help'"
fi

# Every command has a section; every section is a command.
while read -r c; do
	if grep -Fqx -- "$c" "$T/parts/commands.doc"; then
		pass
	else
		fail "command '$c' has no .SS section under COMMANDS in amlhosts(1)"
	fi
done < "$T/commands"
while read -r c; do
	if grep -Fqx -- "$c" "$T/commands"; then
		pass
	else
		fail "amlhosts(1) documents a command '$c' that 'amlhosts --help' does not list"
	fi
done < "$T/parts/commands.doc"

# Long options of the general help.
long_options < "$T/help" > "$T/options.all"
[ -s "$T/options.all" ] || fail "no long options found in 'amlhosts --help'"
while read -r o; do
	doc_has_option "$o" "option"
done < "$T/options.all"

# Global options, short and long forms, under GLOBAL OPTIONS.
awk '/^Global options:/ { f = 1; next } f && /^[ \t]*$/ { exit } f' "$T/help" > "$T/help.global"
if [ -s "$T/help.global" ] && [ -f "$T/parts/sh.GLOBAL_OPTIONS" ]; then
	pass
	# "  -c, --config FILE      text": the words before the text.
	sed -e 's/^ *//' -e 's/  .*//' "$T/help.global" | options > "$T/options.global"
	while read -r o; do
		if has_word "$o" "$T/parts/sh.GLOBAL_OPTIONS"; then
			pass
		else
			fail "global option '$o' is not under GLOBAL OPTIONS in amlhosts(1)"
		fi
	done < "$T/options.global"
else
	fail "no 'Global options:' in 'amlhosts --help', or no GLOBAL OPTIONS section in amlhosts(1)"
fi

# Each command's help: all its long options documented, and its own options
# (the "Options:" list) in its own section.
while read -r c; do
	if ! "$AMLHOSTS" "$c" --help > "$T/help.$c" 2> "$T/help.err"; then
		fail "'amlhosts $c --help' failed"
		indent "$T/help.err"
		continue
	fi
	pass
	long_options < "$T/help.$c" > "$T/options.$c"
	while read -r o; do
		grep -Fqx -- "$o" "$T/options.all" && continue
		doc_has_option "$o" "option of '$c'"
		echo "$o" >> "$T/options.all"
	done < "$T/options.$c"
	awk '/^Options:/ { f = 1; next } /^Global options:/ { exit } f' "$T/help.$c" |
	    long_options > "$T/own.$c"
	touch "$T/parts/sec.$c"
	awk '/^\.T[PQ]/ { tag = 1; next } tag { print; tag = 0 }' "$T/parts/sec.$c" > "$T/tags.$c"
	while read -r o; do
		if has_word "$o" "$T/tags.$c"; then
			pass
		else
			fail "option '$o' of '$c' is not an item (.TP) in the section of '$c' in amlhosts(1)"
		fi
	done < "$T/own.$c"
done < "$T/commands"

# No option documented as an item (.TP tag) that amlhosts does not have.
awk '/^\.T[PQ]/ { tag = 1; next } tag { print; tag = 0 }' "$T/page1.txt" | long_options > "$T/options.doc"
while read -r o; do
	if grep -Fqx -- "$o" "$T/options.all"; then
		pass
	else
		fail "amlhosts(1) documents an option '$o' that no 'amlhosts --help' lists"
	fi
done < "$T/options.doc"

# Exit codes: those 'amlhosts --help' names are items under EXIT STATUS.
sed -n '/^Exit status:/,$p' "$T/help" | tr -c '0-9' '\n' | grep -E '^[0-9]$' | sort -u > "$T/codes" || true
if [ -s "$T/codes" ] && [ -f "$T/parts/sh.EXIT_STATUS" ]; then
	while read -r n; do
		if awk -v n="$n" '/^\.TP/ { tag = 1; next } tag && $0 == ".B " n { found = 1 } { tag = 0 }
		    END { exit !found }' "$T/parts/sh.EXIT_STATUS"; then
			pass
		else
			fail "exit status $n is not an item under EXIT STATUS in amlhosts(1)"
		fi
	done < "$T/codes"
else
	fail "no exit codes in 'amlhosts --help', or no EXIT STATUS section in amlhosts(1)"
fi

# --- amlhosts.conf(5) against the binary ------------------------------------
printf '127.0.0.1\tlocalhost\n' > "$T/hosts"

# accepts CONF: does 'amlhosts status' run with CONF?
accepts() {
	chmod 0600 "$1"
	"$AMLHOSTS" -c "$1" -H "$T/hosts" --state-dir "$T/state" status > "$T/out" 2> "$T/err"
}

# Every documented key is accepted with the default the page gives, on its
# own.
n=0
while IFS=$tab read -r sec key hdr line; do
	n=$((n + 1))
	grep -Fqx -- "$sec $key" "$T/keys.doc" || continue
	printf '%s\n%s\n' "$hdr" "$line" > "$T/one.$n.conf"
	if accepts "$T/one.$n.conf"; then
		pass
	else
		fail "amlhosts refuses the documented '$line' in $hdr:"
		indent "$T/err"
	fi
done < "$T/defaults"

# The whole listing, and every example configuration, is accepted.
for f in "$T"/listing.*.conf; do
	[ -f "$f" ] || continue
	cp "$f" "$T/example.conf"
	if accepts "$T/example.conf"; then
		pass
	else
		fail "amlhosts refuses a configuration listed in amlhosts.conf(5):"
		indent "$T/err"
		indent "$f"
	fi
done

# A key the page does not document is refused, naming the file, line and key.
bad=undocumented_key
while grep -q " $bad\$" "$T/keys.doc"; do
	bad=${bad}_x
done
for hdr in '[global]' '[workspace w]'; do
	printf '%s\njson_file = w.json\n%s = 1\n' "$hdr" "$bad" |
	    sed '/^\[global\]$/{n;s/^json_file = .*/keep_backups = 20/;}' > "$T/bad.conf"
	set +e
	accepts "$T/bad.conf"
	rc=$?
	set -e
	if [ "$rc" -eq 2 ] && grep -Fq "$T/bad.conf:3:" "$T/err" && grep -Fq "'$bad'" "$T/err"; then
		pass
	else
		fail "the undocumented key '$bad' in $hdr gives exit $rc, not 2 with file:line and key:"
		indent "$T/err"
	fi
done

# Every key the code accepts (the strcmp(key, "...") of src/hosts/conf.c) is
# documented, so the page cannot fall behind a new key.
CONF_C=$(dirname "$0")/../../src/hosts/conf.c
if [ -f "$CONF_C" ]; then
	sed -n 's/.*strcmp(key, "\([a-z_]*\)").*/\1/p' "$CONF_C" | sort -u > "$T/keys.code"
	[ "$(wc -l < "$T/keys.code")" -ge 20 ] && pass ||
		fail "cannot list the keys of $CONF_C: got $(tr '\n' ' ' < "$T/keys.code")"
	while read -r key; do
		if grep -q " $key\$" "$T/keys.doc"; then
			pass
		else
			fail "key '$key', which amlhosts accepts, is not documented in amlhosts.conf(5)"
		fi
	done < "$T/keys.code"
else
	skip "$CONF_C not found: the keys the code accepts were not checked"
fi

# What the pages say of the file format holds (issue 15), and the sentences
# that did not are gone.
# expect_conf WHAT RC TEXT: the configuration in $T/fmt.conf gives exit RC
# (and, for a refusal, names the file and says TEXT).
expect_conf() {
	set +e
	accepts "$T/fmt.conf"
	rc=$?
	set -e
	if [ "$rc" -eq "$2" ] && { [ "$2" -eq 0 ] ||
	    { grep -Fq "$T/fmt.conf:" "$T/err" && grep -Fq -- "$3" "$T/err"; }; }; then
		pass
	else
		fail "$1: exit $rc, expected $2${3:+ and '$3'}:"
		indent "$T/err"
	fi
}
printf '\357\273\277[workspace w]\njson_file = w.json\n' > "$T/fmt.conf"
expect_conf "a UTF-8 BOM before a section header is skipped (amlhosts.conf(5))" 0 ""
printf 'keep_backups = 3\n[global]\n' > "$T/fmt.conf"
expect_conf "a key before any section (every key belongs to a section)" 2 "before any section"
printf '[workspace w]\nsubscription = s\nresource_group = r\nworkspace = w\ncompute_instances = auto, ci1\n' > "$T/fmt.conf"
expect_conf "auto in a list (auto and none stand alone)" 2 "must stand alone"
printf '[global]\nallowed_networks = 10.0.0.0/8\nallowed_networks = 192.168.0.0/16\n' > "$T/fmt.conf"
expect_conf "allowed_networks given twice (the lists are merged)" 0 ""
# sentence PAGE TEXT: a sentence that was untrue must not come back.
no_sentence() {
	if grep -Fq -- "$2" "$1"; then
		fail "$(basename "$1") still says '$2'"
	else
		pass
	fi
}
no_sentence "$T/page1.txt" "This version has no"
no_sentence "$T/page5.txt" "This list is one value"
# The bind-mount error suggests --in-place to every command that writes the
# hosts file: each of them accepts it.
for c in apply remove uninstall rollback; do
	if "$AMLHOSTS" "$c" --help 2>/dev/null | long_options | grep -Fqx -- --in-place; then
		pass
	else
		fail "'amlhosts $c' does not accept --in-place, which a bind-mounted hosts file needs"
	fi
done

echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
