#!/bin/sh
# A 200,000-line ad-block hosts file: apply, no-change apply and remove stay
# correct (and fast; the figures live in tests/bench).
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
sh "$HOSTS/make-adblock.sh" 200000 "$T/orig"
cp "$T/orig" "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply on 200,000 lines"
outside_blocks "$T/hosts" > "$T/outside"
same "$T/orig" "$T/outside" "outside bytes of the big file"
before=$(inode_mtime "$T/hosts")
aml apply --name myws --from-json "$NIC"
expect_rc 0 "no-change apply"
[ "$(inode_mtime "$T/hosts")" = "$before" ] || fail "no-change apply wrote"
aml plan --exit-code --name myws --from-json "$NIC"
expect_rc 0 "plan"
aml remove myws
expect_rc 0 "remove"
same "$T/orig" "$T/hosts" "remove on the big file"
finish
