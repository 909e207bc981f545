#!/bin/sh
# apply and plan on real-world hosts files: bytes outside the block kept,
# deterministic blocks, idempotence, plan's diff and exit codes.
. "$(dirname "$0")/lib.sh"

WSID=fb7e20a0-8891-458b-b969-55ddb3382f51
NIC="$EXAMPLES/workspace-nic.json"

for f in debian macos windows container no-final-newline bom-crlf; do
	cp "$HOSTS/$f" "$T/hosts"
	cp "$HOSTS/$f" "$T/orig"
	rm -rf "$STATE"
	aml apply --name myws --from-json "$NIC"
	expect_rc 0 "apply on $f" || continue
	grep -q "^# BEGIN amlhosts myws" "$T/hosts" || fail "$f: no block"
	# Outside the block nothing changed, except a newline appended to a
	# last line that had none.
	outside_blocks "$T/hosts" > "$T/outside"
	if [ "$f" = no-final-newline ]; then
		{ cat "$T/orig"; echo; } > "$T/orig-nl"
		same "$T/orig-nl" "$T/outside" "$f: outside bytes"
	else
		same "$T/orig" "$T/outside" "$f: outside bytes"
	fi
	# The block uses the file's line endings.
	if head -c 4096 "$T/orig" | grep -q "$(printf '\r')"; then
		grep -a "^# END amlhosts myws" "$T/hosts" | grep -q "$(printf '\r')$" \
		    || fail "$f: block is not CRLF"
	else
		! grep -q "$(printf '\r')" "$T/hosts" || fail "$f: CR in an LF file"
	fi
	# Idempotent: the second run writes nothing.
	before=$(inode_mtime "$T/hosts")
	sleep 1
	aml apply --name myws --from-json "$NIC"
	expect_rc 0 "second apply on $f"
	expect_out "up to date"
	[ "$(inode_mtime "$T/hosts")" = "$before" ] || fail "$f: second apply rewrote the file"
	pass
	# plan: nothing pending now
	aml plan --exit-code --name myws --from-json "$NIC"
	expect_rc 0 "plan with nothing pending on $f"
done

# The block bytes are exactly the documented format.
cp "$HOSTS/debian" "$T/hosts"
rm -rf "$STATE"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply"
sed -n '/^# BEGIN amlhosts myws$/,/^# END amlhosts myws$/p' "$T/hosts" > "$T/block"
head -2 "$T/block" > "$T/head"
printf '# BEGIN amlhosts myws\n# Managed by amlhosts. Change the configuration, not these lines.\n' > "$T/want"
same "$T/want" "$T/head" "block header"
grep -q "^10\.1\.0\.5	$WSID\.workspace\.eastus\.api\.azureml\.ms$" "$T/block" || fail "api line"
grep -q "^10\.1\.0\.5	$WSID\.workspace\.eastus\.cert\.api\.azureml\.ms$" "$T/block" || fail "cert line"
! grep -q '\*' "$T/block" || fail "wildcard written into the hosts file"
pass

# plan shows a unified diff and --exit-code says 3.
cp "$HOSTS/debian" "$T/hosts"
cp "$T/hosts" "$T/orig"
aml plan --exit-code --name myws --from-json "$NIC"
expect_rc 3 "plan with changes pending"
expect_out "^+# BEGIN amlhosts myws"
expect_out "^@@ "
same "$T/orig" "$T/hosts" "plan changed the file"
# The diff applies with patch(1) to give what apply writes.
if command -v patch >/dev/null 2>&1; then
	cp "$T/hosts" "$T/patched"
	patch -s "$T/patched" < "$T/out" || fail "plan's diff does not apply"
	aml apply --name myws --from-json "$NIC"
	same "$T/hosts" "$T/patched" "plan diff vs apply result"
fi

# --dry-run prints the diff and changes nothing.
cp "$HOSTS/debian" "$T/hosts"
aml -n apply --name myws --from-json "$NIC"
expect_rc 0 "apply --dry-run"
expect_out "^+# BEGIN amlhosts myws"
same "$HOSTS/debian" "$T/hosts" "dry run changed the file"

# stdin source
cp "$HOSTS/debian" "$T/hosts"
run "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" apply --name myws --from-json - < "$NIC"
expect_rc 0 "apply from stdin"
grep -q "$WSID" "$T/hosts" || fail "stdin entries missing"

# Configured targets, derived names and two blocks.
cp "$HOSTS/debian" "$T/hosts"
cat > "$T/conf" <<CONF
[global]
hosts_file = $T/hosts
state_dir = $STATE
[workspace myws]
json_file = $NIC
compute_instances = alice-ci, Bob-CI
ssh_names = yes
online_endpoints = churn
[workspace storage]
json_file = $JSON/dns-zone-group.json
CONF
run "$AMLHOSTS" -c "$T/conf" apply
expect_rc 0 "apply configured targets"
for n in alice-ci.eastus.instances.azureml.ms bob-ci.eastus.instances.azureml.ms \
    alice-ci-22.eastus.instances.azureml.ms churn.eastus.inference.ml.azure.com; do
	grep -q "	$n$" "$T/hosts" || fail "derived name $n missing"
done
grep -q "^10\.1\.0\.5	alice-ci\.eastus\.instances\.azureml\.ms$" "$T/hosts" || fail "instance not at the API IP"
grep -q "^# BEGIN amlhosts storage" "$T/hosts" || fail "second block missing"
! grep -q privatelink "$T/hosts" || fail "privatelink label written"
pass
# Only one target
run "$AMLHOSTS" -c "$T/conf" plan --exit-code myws
expect_rc 0 "plan one target"
run "$AMLHOSTS" -c "$T/conf" plan nosuch
expect_rc 2 "plan unknown target"
expect_err "no target 'nosuch'"

# A kept line edited by hand is kept as the user wrote it, with a warning,
# where it used to be regenerated without a word.
cp "$HOSTS/prior-entries" "$T/hosts"
rm -rf "$STATE"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply on prior-entries"
grep -q "^10\.9\.9\.9	myalias\.internal	#amlhosts-kept:myws$" "$T/hosts" || fail "no kept line"
sed 's/^\(10\.9\.9\.9	myalias\.internal\)\(	#amlhosts-kept:myws\)$/\1 extra.internal\2/' \
    "$T/hosts" > "$T/edited"
cp "$T/edited" "$T/hosts"
grep -q "extra\.internal" "$T/hosts" || fail "sed did not edit the kept line"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply after editing the kept line"
same "$T/edited" "$T/hosts" "edited kept line"
expect_err "kept line 6 for 'myws' was edited by hand; it is kept as it is"
pass

finish
