#!/bin/sh
# Exit codes as README's table says: input and configuration errors are 2,
# with a hint saying what to do (issue 15).
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
printf '127.0.0.1\tlocalhost\n' > "$T/orig"
cp "$T/orig" "$T/hosts"

# A --from-json file that is not there: input error, and which option.
aml apply --name myws --from-json "$T/missing.json"
expect_rc 2 "--from-json of a missing file" || true
expect_err "cannot open '$T/missing.json': No such file or directory; check the file name (--from-json FILE" || true
same "$T/orig" "$T/hosts" "missing --from-json: hosts file untouched" || true

# remove of a block that is not there: 2, naming the blocks there are.
aml remove nosuch
expect_rc 2 "remove of a block in a file without blocks" || true
expect_err "no block 'nosuch' in '$T/hosts': it has no amlhosts blocks" || true
aml apply --name myws --from-json "$NIC"
aml apply --name other --from-json "$JSON/dns-zone-group.json"
cp "$T/hosts" "$T/applied"
aml remove nosuch
expect_rc 2 "remove of a missing block" || true
expect_err "no block 'nosuch' in '$T/hosts'; its blocks: 'myws', 'other'" || true
same "$T/applied" "$T/hosts" "remove nosuch: hosts file untouched" || true

# A client_secret_file others may read, or that is not there: a
# configuration error, found before any request is made.
printf 's3cret\n' > "$T/secret"
chmod 0644 "$T/secret"
cat > "$T/conf" <<CONF
[global]
auth = env
tenant_id = 00000000-0000-0000-0000-000000000001
client_id = 00000000-0000-0000-0000-000000000002
client_secret_file = $T/secret
arm_endpoint = https://127.0.0.1:9/
login_endpoint = https://127.0.0.1:9/

[workspace ws]
subscription = 00000000-0000-0000-0000-000000000003
resource_group = rg
workspace = ws
CONF
run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" plan
expect_rc 2 "client_secret_file with mode 0644" || true
expect_err "'$T/secret' is readable by group or others; chmod 600 it" || true
rm "$T/secret"
run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" plan
expect_rc 2 "client_secret_file that is not there" || true
expect_err "cannot open '$T/secret'" || true
# A secret file that is fine reaches the network, whose failure is 1.
printf 's3cret\n' > "$T/secret"
chmod 0600 "$T/secret"
run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" plan
expect_rc 1 "client_secret_file fine, login endpoint unreachable" || true

finish
