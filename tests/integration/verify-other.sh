#!/bin/sh
# verify-other.sh - verify with -H naming a file other than the system's:
# the system resolver never reads it, so verify says so, compares the
# file's own entries with the targets', explains the resolver's answers
# with the system's file, and never blames nsswitch.conf for the scratch
# file.
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
API=fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms
if getent hosts "$API" > /dev/null 2>&1; then
	echo "SKIP: this machine resolves $API already; the test needs it unknown" >&2
	exit 77
fi
printf '127.0.0.1 localhost\n' > "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply to the scratch file"
aml verify --name myws --from-json "$NIC"
expect_rc 4 "verify: the system resolver does not know the names"
expect_err "note: '$T/hosts' maps 3 of the 3 expected names as the targets do; it is not the system's hosts file, and the system resolver reads '/etc/hosts' instead"
grep -q "nsswitch" "$T/out" && fail "verify blames nsswitch.conf for a scratch file: $(cat "$T/out")"
grep -q "resolver not using" "$T/out" && fail "verify says the resolver ignores a scratch file"
grep -q "'$T/hosts'" "$T/out" && fail "the causes name the scratch file: $(cat "$T/out")"
expect_out "^3 names: 0 ok, 0 wrong, 3 no answer (system resolver)$"
# JSON: the same, machine-readable; the note stays on standard error.
aml --json verify --name myws --from-json "$NIC"
expect_rc 4 "verify --json"
grep -q nsswitch "$T/out" && fail "verify --json blames nsswitch.conf for a scratch file"
expect_err "not the system's hosts file"
# A scratch file that does not exist: still the system's answers.
run "$AMLHOSTS" -c /dev/null -H "$T/nonexistent" verify --name myws --from-json "$NIC"
expect_rc 4 "verify with a missing scratch file"
expect_err "the system resolver reads '/etc/hosts', not '$T/nonexistent'"
finish
