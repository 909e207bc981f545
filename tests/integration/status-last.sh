#!/bin/sh
# status's LAST CHANGE is the change that last touched the block, as
# amlhosts(1) says: not an apply of another target that merely found the
# block in the file (issue 15).
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
printf '127.0.0.1\tlocalhost\n# BEGIN amlhosts old\n10.0.0.9\told.example.com\n# END amlhosts old\n' > "$T/hosts"

# last_change TARGET: the "(#ID)" of its row, or "unknown".
last_change() {
	awk -v t="$1" '$1 == t { if (match($0, /\(#[0-9]+\)/)) print substr($0, RSTART, RLENGTH); else print "unknown" }' "$T/out"
}
expect_last() {
	got=$(last_change "$1")
	[ "$got" = "$2" ] && pass || fail "$3: status shows '$got' for $1, expected '$2'"
}

aml apply --name myws --from-json "$NIC"
aml status
expect_rc 0 "status" || true
expect_last old unknown "a block no change touched"
expect_last myws "(#1)" "the applied block"
aml apply --name other --from-json "$JSON/dns-zone-group.json"
aml status
expect_last myws "(#1)" "after an apply of another target"
expect_last other "(#2)" "the second applied block"
aml remove old
aml rollback
aml status
expect_last old "(#4)" "a block a rollback brought back"
expect_last myws "(#1)" "after a rollback that did not touch it"

finish
