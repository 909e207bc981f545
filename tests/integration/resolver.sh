#!/bin/sh
# The system resolver reads what apply wrote: in a private mount namespace,
# bind-mount the result over /etc/hosts and ask getent.
. "$(dirname "$0")/lib.sh"

WSID=fb7e20a0-8891-458b-b969-55ddb3382f51
NIC="$EXAMPLES/workspace-nic.json"

if ! command -v unshare >/dev/null 2>&1 || ! command -v getent >/dev/null 2>&1 ||
   ! unshare -m true 2>/dev/null; then
	echo "SKIP: unshare -m is not allowed here (needs root or user namespaces)"
	exit 77
fi
cp "$HOSTS/debian" "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply"
# Only this process's namespace sees the bind mount; /etc/hosts stays.
unshare -m sh -c '
	mount --make-rprivate / 2>/dev/null || true
	mount --bind "$1" /etc/hosts || exit 3
	getent ahostsv4 "$2.workspace.eastus.api.azureml.ms"
' sh "$T/hosts" "$WSID" > "$T/out" 2> "$T/err" && rc=0 || rc=$?
if [ "$rc" -eq 3 ]; then
	echo "SKIP: cannot bind-mount over /etc/hosts here"
	exit 77
fi
expect_rc 0 "getent"
expect_out "^10\.1\.0\.5 "
finish
