#!/bin/sh
# The system resolver reads what apply wrote: in a private mount namespace,
# bind-mount the result over /etc/hosts and ask getent. And amlhosts reads a
# hosts line as glibc does (src/hosts/hostsline.h): a prior line whose fields
# are split by a VT, an FF or a CR is disabled by apply, given back byte for
# byte by remove, and read the same way by verify.
. "$(dirname "$0")/lib.sh"

WSID=fb7e20a0-8891-458b-b969-55ddb3382f51
NIC="$EXAMPLES/workspace-nic.json"
API="$WSID.workspace.eastus.api.azureml.ms"
CERT="$WSID.workspace.eastus.cert.api.azureml.ms"
NB="ml-myws-eastus-$WSID.eastus.notebooks.azure.net"

# Prior lines for every managed name, separated as only glibc's isspace()
# separates them; one also carries a name amlhosts does not manage.
printf '127.0.0.1\tlocalhost\n10.9.9.9\v%s\n10.9.9.8\f%s other.example\n10.9.9.7\r%s\r\r\n' \
    "$API" "$CERT" "$NB" > "$T/seps"
{
	printf '127.0.0.1\tlocalhost\n'
	printf '#amlhosts:myws# 10.9.9.9\v%s\n' "$API"
	printf '#amlhosts:myws# 10.9.9.8\f%s other.example\n' "$CERT"
	printf '10.9.9.8\tother.example\t#amlhosts-kept:myws\n'
	printf '#amlhosts:myws# 10.9.9.7\r%s\r\r\n' "$NB"
	printf '# BEGIN amlhosts myws\n'
	printf '# Managed by amlhosts. Change the configuration, not these lines.\n'
	printf '10.1.0.5\t%s\n10.1.0.5\t%s\n10.1.0.6\t%s\n' "$API" "$CERT" "$NB"
	printf '# END amlhosts myws\n'
} > "$T/seps-applied"
cp "$T/seps" "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply over VT/FF/CR-separated prior lines"
same "$T/seps-applied" "$T/hosts" "VT/FF/CR-separated prior lines disabled"
aml status
expect_rc 0 "status"
expect_out "^myws  *3  *3  "
cp "$T/hosts" "$T/applied"
aml remove myws
expect_rc 0 "remove"
same "$T/seps" "$T/hosts" "remove restores VT/FF/CR-separated lines byte for byte"

if ! command -v unshare >/dev/null 2>&1 || ! command -v getent >/dev/null 2>&1 ||
   ! unshare -m true 2>/dev/null; then
	echo "unshare -m is not allowed here (needs root or user namespaces): getent not asked"
	finish
	exit $?
fi

# in_ns HOSTS-FILE CMD...: run CMD in a private mount namespace whose
# /etc/hosts is HOSTS-FILE and whose nsswitch.conf reads files only; only
# this namespace sees the bind mounts, /etc stays as it is.
printf 'hosts: files\n' > "$T/nsswitch.conf"
in_ns() {
	hf=$1
	shift
	set +e
	unshare -m sh -c '
		mount --make-rprivate / 2>/dev/null || true
		mount --bind "$1" /etc/hosts || exit 99
		mount --bind "$2" /etc/nsswitch.conf || exit 99
		shift 2
		exec "$@"
	' sh "$hf" "$T/nsswitch.conf" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	if [ "$rc" -eq 99 ]; then
		echo "SKIP: cannot bind-mount over /etc/hosts here"
		exit 77
	fi
}

cp "$HOSTS/debian" "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply"
in_ns "$T/hosts" getent ahostsv4 "$API"
expect_rc 0 "getent"
expect_out "^10\.1\.0\.5 "

# glibc reads the VT-separated line as mapping the name: before apply it
# answers, after apply the block does.
in_ns "$T/seps" getent hosts "$API"
expect_out "^10\.9\.9\.9 "
in_ns "$T/applied" getent hosts "$API"
expect_out "^10\.1\.0\.5 "
in_ns "$T/applied" getent hosts other.example
expect_out "^10\.9\.9\.8 "

# verify reads each file as glibc and apply do: before apply, the file
# maps all three names elsewhere; after, it maps them right.
in_ns "$T/seps" "$AMLHOSTS" -c /dev/null -H "$T/seps" --state-dir "$STATE" \
    --json verify --name myws --from-json "$NIC"
expect_rc 4 "verify before apply"
[ "$(grep -c '"hosts_file": "other"' "$T/out")" -eq 3 ] && pass ||
    fail "verify before apply: the file does not map 3 names elsewhere"
[ "$(grep -c '"status": "wrong"' "$T/out")" -eq 3 ] && pass ||
    fail "verify before apply: 3 names not wrong"
in_ns "$T/applied" "$AMLHOSTS" -c /dev/null -H "$T/applied" --state-dir "$STATE" \
    --json verify --name myws --from-json "$NIC"
expect_rc 0 "verify after apply"
[ "$(grep -c '"hosts_file": "right"' "$T/out")" -eq 3 ] && pass ||
    fail "verify after apply: the file does not map 3 names right"
finish
