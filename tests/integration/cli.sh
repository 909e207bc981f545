#!/bin/sh
# The command line: help, version, usage errors and exit codes.
. "$(dirname "$0")/lib.sh"

run "$AMLHOSTS" --help
expect_rc 0 "--help"
expect_out "^Usage: amlhosts"
cp "$T/out" "$T/help"
# Every command in the command table (one src/cli/cmd-NAME.c each, with its
# cmd_NAME_entry): listed by --help, in amlhosts(1), and with a --help of
# its own. The list comes from the sources, so a new command is covered.
srcdir=$(cd "$TESTDATA/../.." && pwd)
commands=$(sed -n 's/^const struct cmd_entry cmd_\([a-z]*\)_entry = {$/\1/p' "$srcdir"/src/cli/cmd-*.c)
[ "$(echo "$commands" | wc -w)" -ge 10 ] || fail "cannot list the commands from $srcdir/src/cli: got '$commands'"
for c in $commands; do
	grep -q "^  $c " "$T/help" || fail "--help lacks $c"
	grep -q "^\.SS \"\\{0,1\}$c\b" "$srcdir/man/amlhosts.1" ||
		fail "amlhosts(1) lacks the command $c"
	run "$AMLHOSTS" "$c" --help
	expect_rc 0 "$c --help"
	expect_out "^Usage: amlhosts \[OPTIONS\] $c"
done
# And --help lists no command that the table lacks.
for c in $(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$T/help"); do
	echo "$commands" | grep -qx "$c" || fail "--help lists $c, which is no command"
done
run "$AMLHOSTS" -V
expect_rc 0 "-V"
expect_out "^amlhosts [0-9]"
run "$AMLHOSTS"
expect_rc 2 "no command"
run "$AMLHOSTS" frobnicate
expect_rc 2 "unknown command"
expect_err "unknown command 'frobnicate'"
run "$AMLHOSTS" rem x
expect_rc 2 "no prefix matching"
run "$AMLHOSTS" --bogus status
expect_rc 2 "unknown option"
expect_err "unknown option '--bogus'"
run "$AMLHOSTS" apply --purge
expect_rc 2 "option of another command"
expect_err "does not apply to 'apply'"
# Did you mean: commands and long options, never run for the user.
run "$AMLHOSTS" aply
expect_rc 2 "misspelt command"
expect_err "unknown command 'aply'; did you mean 'apply'?"
run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" rem x
expect_rc 2 "a prefix is suggested, not run"
expect_err "did you mean 'remove'?"
run "$AMLHOSTS" re
expect_rc 2 "ambiguous prefix"
expect_err "did you mean one of 'resolve', 'remove'?"
run "$AMLHOSTS" --jsno status
expect_rc 2 "misspelt option"
expect_err "unknown option '--jsno'; did you mean '--json'?"
run "$AMLHOSTS" --dry-runn=1 apply
expect_rc 2 "misspelt option with a value"
expect_err "unknown option '--dry-runn'; did you mean '--dry-run'?"
run "$AMLHOSTS" --zzzzzz status
expect_rc 2 "nothing close"
expect_err "unknown option '--zzzzzz'; see 'amlhosts --help'"
# help [COMMAND] is --help and COMMAND --help.
"$AMLHOSTS" plan --help > "$T/plan.help"
run "$AMLHOSTS" help plan
expect_rc 0 "help plan"
cmp -s "$T/out" "$T/plan.help" || fail "help plan differs from plan --help"
expect_out "^Usage: amlhosts \[OPTIONS\] plan"
expect_out "--exit-code"
run "$AMLHOSTS" help
expect_rc 0 "help"
cmp -s "$T/out" "$T/help" || fail "help differs from --help"
# help COMMAND is COMMAND --help for the commands outside the table too.
for c in help completion; do
	"$AMLHOSTS" "$c" --help > "$T/$c.help"
	run "$AMLHOSTS" help "$c"
	expect_rc 0 "help $c"
	cmp -s "$T/out" "$T/$c.help" || fail "help $c differs from $c --help"
done
cmp -s "$T/help.help" "$T/help" || fail "help --help differs from --help"
run "$AMLHOSTS" complet bash
expect_rc 2 "a prefix of completion"
expect_err "did you mean 'completion'?"
run "$AMLHOSTS" help aply
expect_rc 2 "help of an unknown command"
expect_err "did you mean 'apply'?"
run "$AMLHOSTS" help plan apply
expect_rc 2 "help of two commands"
# An option a command does not take is exit 2 for every kind of option,
# naming the option and the command.
for args in "--json apply" "apply --json" "--dry-run status" "-n history" \
    "resolve --exit-code" "status --online-endpoint x" "forwarders --allow-empty" \
    "history --cloud AzureCloud" "status --in-place" "verify --format csv"; do
	# shellcheck disable=SC2086 # the words are the arguments
	run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" $args
	expect_rc 2 "$args"
	cmd=$(echo "$args" | tr ' ' '\n' | grep -Ex 'apply|status|history|resolve|forwarders|remove|verify')
	opt=$(echo "$args" | tr ' ' '\n' | grep -E '^-' | sed 's/^-n$/--dry-run/')
	expect_err "option $opt does not apply to '$cmd'"
done
# Every option a command's help lists under "Options:" is one it takes: the
# help text (cmd-*.c) and the option table (options.c) say the same.
for c in $commands; do
	"$AMLHOSTS" "$c" --help | sed -n '/^Options:/,/^$/p' |
	    sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' > "$T/opts"
	while read -r opt; do
		run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" "$c" "$opt"
		if grep -q "does not apply" "$T/err"; then
			fail "'amlhosts $c --help' lists $opt, which $c refuses: $(cat "$T/err")"
		else
			pass
		fi
	done < "$T/opts"
done
# A target that fails after one with wildcards, with more selected after
# it: exit 2 naming the file (under --enable-asan, without leaking the first
# target's wildcards).
NIC="$EXAMPLES/workspace-nic.json"
printf '[workspace a]\njson_file = %s\n[workspace b]\njson_file = %s\n[workspace c]\njson_file = %s\n[workspace d]\njson_file = %s\n' \
    "$NIC" "$T/missing.json" "$NIC" "$NIC" > "$T/four.conf"
run "$AMLHOSTS" -c "$T/four.conf" resolve
expect_rc 2 "the second of four targets fails"
expect_err "cannot open '$T/missing.json'"
# The ad-hoc target's keys as options need --name.
run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" plan --allow-empty
expect_rc 2 "--allow-empty without --name"
expect_err "give --name with them"
run "$AMLHOSTS" status extra
expect_rc 2 "status takes no targets"
run "$AMLHOSTS" -c "$T/nonexistent.conf" status
expect_rc 2 "missing -c file"
expect_err "nonexistent.conf"
run "$AMLHOSTS" -c /dev/null apply --name myws
expect_rc 2 "--name without --from-json"
run "$AMLHOSTS" -c /dev/null apply --name 'bad name' --from-json /dev/null
expect_rc 2 "bad ad-hoc name"
printf '[global]\nbogus = 1\n' > "$T/conf"
run "$AMLHOSTS" -c "$T/conf" status
expect_rc 2 "unknown config key"
expect_err "conf:2: unknown key 'bogus'"
# No targets configured at all.
cp "$HOSTS/debian" "$T/hosts"
aml apply
expect_rc 2 "apply with no targets"
expect_err "no targets"
# Output to a full disk is an error, not silence.
if [ -w /dev/full ]; then
	"$AMLHOSTS" --help > /dev/full 2>"$T/err" && rc=0 || rc=$?
	expect_rc 1 "--help to a full disk"
	expect_err "cannot write to standard output"
	# Every kind of output goes through one writer: the text table, JSON,
	# the version line; the error is said once.
	for args in "status" "--json status" "--json history" "-V"; do
		# shellcheck disable=SC2086 # the words are the arguments
		"$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" $args \
		    > /dev/full 2>"$T/err" && rc=0 || rc=$?
		expect_rc 1 "$args to a full disk"
		[ "$(grep -c 'cannot write to standard output' "$T/err")" -eq 1 ] ||
			fail "$args to a full disk: not one message: $(cat "$T/err")"
	done
fi
finish
