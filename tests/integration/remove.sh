#!/bin/sh
# Prior lines: disabled by apply, names of others kept alive, and restored
# exactly by remove and uninstall.
. "$(dirname "$0")/lib.sh"

WSID=fb7e20a0-8891-458b-b969-55ddb3382f51
NIC="$EXAMPLES/workspace-nic.json"
API="$WSID.workspace.eastus.api.azureml.ms"

printf '127.0.0.1\tlocalhost\n10.9.9.9 %s myalias.internal   # old manual line\n192.168.1.4\tnas\n10.9.9.8\t%s\n' \
    "$API" "$WSID.workspace.eastus.cert.api.azureml.ms" > "$T/orig"
cp "$T/orig" "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply over prior lines"
grep -q "^#amlhosts:myws# 10\.9\.9\.9 $API myalias\.internal   # old manual line$" "$T/hosts" \
    || fail "prior line not disabled with the exact prefix"
grep -q "^#amlhosts:myws# 10\.9\.9\.8	" "$T/hosts" || fail "second prior line not disabled"
grep -q "^10\.9\.9\.9	myalias\.internal	#amlhosts-kept:myws$" "$T/hosts" \
    || fail "alias not kept alive"
grep -q "^192\.168\.1\.4	nas$" "$T/hosts" || fail "unrelated line touched"
pass
aml status
expect_rc 0 "status"
expect_out "myws"

aml remove myws
expect_rc 0 "remove"
same "$T/orig" "$T/hosts" "remove restores the original bytes"

# uninstall restores everything, for every target.
cp "$T/orig" "$T/hosts"
aml apply --name myws --from-json "$NIC"
aml apply --name other --from-json "$JSON/dns-zone-group.json"
expect_rc 0 "apply second target"
aml uninstall
expect_rc 0 "uninstall"
same "$T/orig" "$T/hosts" "uninstall restores the original bytes"
aml uninstall
expect_rc 0 "uninstall with nothing to do"
[ -d "$STATE" ] || fail "state dir gone without --purge"
aml uninstall --purge
expect_rc 0 "uninstall --purge"
[ ! -e "$STATE" ] || fail "--purge left the state directory"
pass

# remove of a block that is not there
cp "$T/orig" "$T/hosts"
aml remove nosuch
expect_rc 2 "remove of a missing block"
expect_err "no block 'nosuch'"
same "$T/orig" "$T/hosts" "remove of a missing block changed the file"
aml remove
expect_rc 2 "remove without a target"

# CRLF file: prior line restored with its CR.
printf '127.0.0.1 localhost\r\n10.9.9.9 %s\r\n' "$API" > "$T/orig"
cp "$T/orig" "$T/hosts"
aml apply --name myws --from-json "$NIC"
grep -q "^#amlhosts:myws# 10\.9\.9\.9 $API$(printf '\r')$" "$T/hosts" || fail "CRLF prior line"
aml remove myws
same "$T/orig" "$T/hosts" "CRLF remove"

# A changed source re-enables a line whose name is no longer managed.
printf '{"amlhosts": 1, "entries": [{"target": "st", "fqdn": "myws-blob.blob.core.windows.net", "ip": "10.1.0.9"}]}\n' > "$T/st1.json"
printf '{"amlhosts": 1, "entries": [{"target": "st", "fqdn": "myws-file.file.core.windows.net", "ip": "10.1.0.9"}]}\n' > "$T/st2.json"
printf '127.0.0.1 localhost\n10.9.9.7 myws-blob.blob.core.windows.net\n' > "$T/orig"
cp "$T/orig" "$T/hosts"
aml apply --name st --from-json "$T/st1.json"
expect_rc 0 "apply st1"
grep -q "^#amlhosts:st# 10\.9\.9\.7 myws-blob" "$T/hosts" || fail "storage prior line not disabled"
aml apply --name st --from-json "$T/st2.json"
expect_rc 0 "apply st2"
! grep -q "^#amlhosts:st# 10\.9\.9\.7" "$T/hosts" || fail "line still disabled after its name left the block"
grep -q "^10\.9\.9\.7 myws-blob" "$T/hosts" || fail "line not restored"
pass

# No final newline (issue 11, problem 7): apply adds one before the block it
# appends; remove and uninstall take it back, whatever blocks came and went.
printf '127.0.0.1 localhost\n10.9.9.9 %s myalias.internal' "$API" > "$T/orig"
cp "$T/orig" "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply to a file without a final newline"
tail -n 1 "$T/hosts" | grep -q "^# END amlhosts myws	#amlhosts-no-final-newline$" \
    || fail "END line lacks the no-final-newline mark"
cp "$T/hosts" "$T/applied"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "unchanged apply"
same "$T/applied" "$T/hosts" "unchanged apply rewrote the mark"
aml remove myws
expect_rc 0 "remove"
same "$T/orig" "$T/hosts" "remove gives back the missing final newline"
aml apply --name myws --from-json "$NIC"
aml apply --name other --from-json "$JSON/dns-zone-group.json"
expect_rc 0 "apply a second block after the first"
aml remove other
expect_rc 0 "remove the last block"
tail -n 1 "$T/hosts" | grep -q "^# END amlhosts myws	#amlhosts-no-final-newline$" \
    || fail "the mark did not move back to the block now last"
aml apply --name other --from-json "$JSON/dns-zone-group.json"
aml remove myws
aml remove other
same "$T/orig" "$T/hosts" "removing two blocks in turn gives back the original bytes"
aml apply --name myws --from-json "$NIC"
aml apply --name other --from-json "$JSON/dns-zone-group.json"
aml uninstall
expect_rc 0 "uninstall"
same "$T/orig" "$T/hosts" "uninstall gives back the missing final newline"
# CRLF, and a line appended after the block: that line's ending is the user's.
printf '127.0.0.1 localhost\r\n10.9.9.9 %s' "$API" > "$T/orig"
cp "$T/orig" "$T/hosts"
aml apply --name myws --from-json "$NIC"
aml remove myws
same "$T/orig" "$T/hosts" "CRLF remove without a final newline"
aml apply --name myws --from-json "$NIC"
printf '10.0.0.1 added.later\n' >> "$T/hosts"
aml remove myws
expect_rc 0 "remove with a line after the block"
printf '127.0.0.1 localhost\r\n10.9.9.9 %s\r\n10.0.0.1 added.later\n' "$API" > "$T/want"
same "$T/want" "$T/hosts" "a line after the block keeps its own line ending"
pass

# No final newline after the block (issue 11, the fuzzer's case): a last
# line disabled with a kept line below it gets a line ending, the kept line
# none; remove and uninstall give back the exact bytes, LF and CRLF.
for nl in '\n' '\r\n'; do
	printf "127.0.0.1 localhost$nl" > "$T/hosts"
	aml apply --name myws --from-json "$NIC"
	expect_rc 0 "apply to a file with a final newline"
	printf '10.9.9.9 %s myalias.internal' "$API" >> "$T/hosts"
	printf "127.0.0.1 localhost$nl"'10.9.9.9 %s myalias.internal' "$API" > "$T/orig"
	for undo in remove uninstall; do
		cp "$T/hosts" "$T/before"
		aml apply --name myws --from-json "$NIC"
		expect_rc 0 "apply disabling a last line without a line ending"
		[ "$(tail -c 19 "$T/hosts")" = "#amlhosts-kept:myws" ] \
		    || fail "the kept line does not end the file without a line ending"
		if [ "$undo" = remove ]; then aml remove myws; else aml uninstall; fi
		expect_rc 0 "$undo after the kept line"
		same "$T/orig" "$T/hosts" "$undo gives back the last line without a line ending"
		cp "$T/before" "$T/hosts"
	done
done
pass

# Two targets on one line (issue 11, "Kept lines"): applied in one run the
# line is disabled for "a", its kept line holding only what no block
# manages. Removing "b" brings b's name back alive on that kept line, and no
# later step takes the kept line for one edited by hand; every order of
# remove and uninstall gives back the exact bytes, with and without a final
# newline, LF and CRLF.
BLOB=myws-blob.blob.core.windows.net FILE=myws-file.file.core.windows.net
printf '{"amlhosts": 1, "entries": [{"target": "a", "fqdn": "%s", "ip": "10.1.0.9"}]}\n' \
    "$BLOB" > "$T/a.json"
printf '{"amlhosts": 1, "entries": [{"target": "b", "fqdn": "%s", "ip": "10.1.0.8"}]}\n' \
    "$FILE" > "$T/b.json"
printf '[workspace a]\njson_file = %s\n[workspace b]\njson_file = %s\n' \
    "$T/a.json" "$T/b.json" > "$T/two.conf"
two() {
	run "$AMLHOSTS" -c "$T/two.conf" -H "$T/hosts" --state-dir "$STATE" "$@"
	expect_rc 0 "$*"
	! grep -q 'edited by hand' "$T/err" || fail "$*: a kept line amlhosts wrote taken as edited"
}
for end in '\n' '' '\r\n'; do
	nl='\n'
	[ "$end" != '\r\n' ] || nl='\r\n'
	printf "127.0.0.1 localhost$nl"'10.9.9.9 %s %s alias'"$end" "$BLOB" "$FILE" > "$T/orig"
	cp "$T/orig" "$T/hosts"
	two apply
	grep -q "^10\.9\.9\.9	alias	#amlhosts-kept:a" "$T/hosts" || fail "kept line of a"
	two remove b
	grep -q "^10\.9\.9\.9	$FILE alias	#amlhosts-kept:a" "$T/hosts" \
	    || fail "removing b left its name disabled"
	cp "$T/hosts" "$T/left"
	two apply a
	same "$T/left" "$T/hosts" "apply of a after removing b"
	two remove a
	same "$T/orig" "$T/hosts" "apply a+b, remove b, remove a"
	for order in "a b" "b a" uninstall; do
		two apply
		if [ "$order" = uninstall ]; then two uninstall; else
			# shellcheck disable=SC2086
			set -- $order
			two remove "$1"
			two remove "$2"
		fi
		same "$T/orig" "$T/hosts" "apply a+b, then $order"
	done
	two apply b
	two apply a
	two remove b
	two remove a
	same "$T/orig" "$T/hosts" "apply b, apply a, remove b, remove a"
done
pass

# Three targets on one line, one per run (issue 11, "Kept lines"): one
# disabled line and one kept line, as in one run; the no-final-newline mark
# on the last END line only; removing the last target and applying it
# again gives the same bytes; every removal order gives back the exact bytes.
WEB=myws-web.web.core.windows.net
printf '{"amlhosts": 1, "entries": [{"target": "c", "fqdn": "%s", "ip": "10.1.0.7"}]}\n' \
    "$WEB" > "$T/c.json"
printf '[workspace c]\njson_file = %s\n' "$T/c.json" >> "$T/two.conf"
for end in '' '\r\n'; do
	printf '127.0.0.1 localhost\r\n10.9.9.9 %s %s %s alias'"$end" "$BLOB" "$FILE" "$WEB" > "$T/orig"
	cp "$T/orig" "$T/hosts"
	two apply a
	two apply b
	two apply c
	[ "$(grep -c -e '^#amlhosts:' -e '#amlhosts-kept:' "$T/hosts")" = 2 ] || fail "three runs: not one disabled and one kept line"
	grep -q "^10\.9\.9\.9	alias	#amlhosts-kept:a" "$T/hosts" || fail "three runs: kept line of a"
	marks=0
	[ -n "$end" ] || marks=1
	[ "$(grep -c 'no-final-newline' "$T/hosts")" = "$marks" ] || fail "three runs: the mark on more than the last line"
	cp "$T/hosts" "$T/all"
	two remove c
	two apply c
	same "$T/all" "$T/hosts" "remove c and apply it again"
	for order in "a b c" "b c a" "c a b"; do
		cp "$T/all" "$T/hosts"
		# shellcheck disable=SC2086
		set -- $order
		two remove "$1"
		two remove "$2"
		two remove "$3"
		same "$T/orig" "$T/hosts" "three runs, then remove $order"
	done
done
pass

finish
