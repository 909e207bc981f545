#!/bin/sh
# forwarders: a dnsmasq and an Unbound load "amlhosts forwarders" output
# that sends the cloud's zones to a second local server standing in for
# Azure DNS. The workspace names resolve through them; a name outside the
# zones never reaches the stand-in. The BIND output passes named-checkconf.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns-lib.sh"

need dig bind9-dnsutils
need dnsmasq dnsmasq
NIC="$EXAMPLES/workspace-nic.json"
DECOY=decoy.example.org

# The stand-in for Azure DNS: the workspace's records and one name outside
# the zones, which must never be asked.
aml resolve --format dnsmasq --name myws --from-json "$NIC"
expect_rc 0 "resolve dnsmasq"
cp "$T/out" "$T/azure.records"
echo "host-record=$DECOY,10.9.9.9" >> "$T/azure.records"
start_dnsmasq azure "$T/azure.records" || { finish; exit 1; }
AZURE_PORT=$DNS_PORT
[ "$(ask "$AZURE_PORT" "$DECOY" A)" = 10.9.9.9 ] || fail "the stand-in does not hold $DECOY"
: > "$T/azure.queries"

aml resolve --format csv --name myws --from-json "$NIC"
tail -n +2 "$T/out" | cut -d, -f1,2 > "$T/expected"

# check_forwarder NAME PORT: the names resolve through it, the decoy does
# not, and the stand-in never saw the decoy.
check_forwarder() {
	while IFS=, read -r fqdn ip; do
		got=$(ask "$2" "$fqdn" A)
		if [ "$got" = "$ip" ]; then
			pass
		else
			fail "$1: $fqdn: got '$got', expected $ip"
		fi
		queried azure "$fqdn" || fail "$1: the stand-in was not asked for $fqdn"
	done < "$T/expected"
	[ -z "$(ask "$2" "$DECOY" A)" ] || fail "$1: $DECOY was answered"
	if queried azure "$DECOY"; then
		fail "$1: $DECOY went to the stand-in"
	else
		pass
	fi
	run timeout 60 "$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" \
	    verify --server "127.0.0.1:$2" --name myws --from-json "$NIC"
	expect_rc 0 "$1: verify --server"
	: > "$T/azure.queries"
}

# dnsmasq, with rebind protection on: the private answers still pass.
aml forwarders --format dnsmasq --to "127.0.0.1:$AZURE_PORT"
expect_rc 0 "forwarders dnsmasq"
expect_out "^server=/api\.azureml\.ms/127\.0\.0\.1#$AZURE_PORT$"
cp "$T/out" "$T/fwd.dnsmasq"
echo "stop-dns-rebind" >> "$T/fwd.dnsmasq"
if start_dnsmasq fwd-dnsmasq "$T/fwd.dnsmasq"; then
	check_forwarder dnsmasq "$DNS_PORT"
	# Without the rebind exception, the same answers are dropped.
	grep -v '^rebind-domain-ok=' "$T/fwd.dnsmasq" > "$T/fwd-norebind.dnsmasq"
	if start_dnsmasq fwd-norebind "$T/fwd-norebind.dnsmasq"; then
		first=$(head -1 "$T/expected" | cut -d, -f1)
		[ -z "$(ask "$DNS_PORT" "$first" A)" ] ||
		    fail "dnsmasq: stop-dns-rebind did not drop a private answer (the test above proves nothing)"
		grep -q "rebind" "$T/fwd-norebind.queries" && pass ||
		    fail "dnsmasq: no rebind warning in its log"
	fi
	: > "$T/azure.queries"
fi

# Unbound, with private-address filtering on: private-domain lets the
# answers through.
if have unbound && have unbound-checkconf; then
	aml forwarders --format unbound --to "127.0.0.1:$AZURE_PORT"
	expect_rc 0 "forwarders unbound"
	expect_out "forward-addr: 127\.0\.0\.1@$AZURE_PORT$"
	cp "$T/out" "$T/fwd.unbound"
	if start_unbound fwd-unbound "$T/fwd.unbound"; then
		check_forwarder unbound "$DNS_PORT"
	fi
else
	skip_part "unbound is not installed (Debian package 'unbound')"
fi

# BIND: the fragment is valid configuration (named itself would recurse
# for other names, so it is checked, not run).
if have named-checkconf; then
	aml forwarders --format bind --to "127.0.0.1:$AZURE_PORT"
	expect_rc 0 "forwarders bind"
	cp "$T/out" "$T/fwd.bind"
	printf 'options { directory "%s"; };\ninclude "%s";\n' "$T" "$T/fwd.bind" > "$T/fwd-named.conf"
	if named-checkconf "$T/fwd-named.conf" > "$T/checkconf" 2>&1; then
		pass
	else
		fail "named-checkconf forwarders"
		sed 's/^/  /' "$T/checkconf" >&2
	fi
	expect_out "forwarders { 127\.0\.0\.1 port $AZURE_PORT; };"
	aml forwarders --format bind --cloud AzureUSGovernment
	cp "$T/out" "$T/fwd.bind"
	named-checkconf "$T/fwd-named.conf" >/dev/null 2>&1 || fail "named-checkconf AzureUSGovernment"
else
	skip_part "named-checkconf is not installed (Debian package 'bind9')"
fi
finish_dns
