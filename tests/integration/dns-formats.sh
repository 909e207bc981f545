#!/bin/sh
# The DNS-server formats without servers: CoreDNS and PowerShell byte for
# byte (resolve and forwarders), what every format holds, and the command
# line of resolve --format, forwarders and verify (options, errors, help).
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
WSID=fb7e20a0-8891-458b-b969-55ddb3382f51
API="$WSID.workspace.eastus.api.azureml.ms"

# exact WHAT ARGS...: the output of ARGS equals $T/want.
exact() {
	what=$1
	shift
	aml "$@"
	expect_rc 0 "$what" || return 0
	same "$T/want" "$T/out" "$what"
}

cat > "$T/want" <<'EOF'
# amlhosts: Azure Machine Learning private endpoint names for CoreDNS
# (targets: myws). Add this server block to the Corefile: each name is a
# zone of its own, answered by the hosts plugin; other names go to the
# Corefile's other server blocks.
fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.cert.api.azureml.ms ml-myws-eastus-fb7e20a0-8891-458b-b969-55ddb3382f51.eastus.notebooks.azure.net {
	hosts {
		10.1.0.5 fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms
		10.1.0.5 fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.cert.api.azureml.ms
		10.1.0.6 ml-myws-eastus-fb7e20a0-8891-458b-b969-55ddb3382f51.eastus.notebooks.azure.net
		ttl 300
		no_reverse
	}
}
EOF
exact "resolve --format coredns" resolve --format coredns --name myws --from-json "$NIC"

cat > "$T/want" <<'EOF'
# amlhosts: Azure Machine Learning private endpoint names for Windows DNS
# Server (targets: myws). Run in an elevated PowerShell on the DNS server
# (DnsServer module). Each name becomes a primary zone of its own, stored in
# Active Directory and replicated to the forest, with the address at its
# apex ("@"). On a DNS server that is not a domain controller, use
# -ZoneFile "NAME.dns" instead of -ReplicationScope "Forest". Running the
# script again replaces the addresses.
$ErrorActionPreference = 'Stop'

if (-not (Get-DnsServerZone -Name "eastus.inference.ml.azure.com" -ErrorAction SilentlyContinue)) {
	Add-DnsServerPrimaryZone -Name "eastus.inference.ml.azure.com" -ReplicationScope "Forest"
}
Get-DnsServerResourceRecord -ZoneName "eastus.inference.ml.azure.com" -Name "*" -RRType A -ErrorAction SilentlyContinue |
	Remove-DnsServerResourceRecord -ZoneName "eastus.inference.ml.azure.com" -Force
Add-DnsServerResourceRecordA -ZoneName "eastus.inference.ml.azure.com" -Name "*" -IPv4Address "10.1.0.7" -TimeToLive 00:05:00

if (-not (Get-DnsServerZone -Name "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms" -ErrorAction SilentlyContinue)) {
	Add-DnsServerPrimaryZone -Name "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms" -ReplicationScope "Forest"
}
Get-DnsServerResourceRecord -ZoneName "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms" -Name "@" -RRType A -ErrorAction SilentlyContinue |
	Remove-DnsServerResourceRecord -ZoneName "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms" -Force
Add-DnsServerResourceRecordA -ZoneName "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.api.azureml.ms" -Name "@" -IPv4Address "10.1.0.5" -TimeToLive 00:05:00

if (-not (Get-DnsServerZone -Name "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.cert.api.azureml.ms" -ErrorAction SilentlyContinue)) {
	Add-DnsServerPrimaryZone -Name "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.cert.api.azureml.ms" -ReplicationScope "Forest"
}
Get-DnsServerResourceRecord -ZoneName "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.cert.api.azureml.ms" -Name "@" -RRType A -ErrorAction SilentlyContinue |
	Remove-DnsServerResourceRecord -ZoneName "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.cert.api.azureml.ms" -Force
Add-DnsServerResourceRecordA -ZoneName "fb7e20a0-8891-458b-b969-55ddb3382f51.workspace.eastus.cert.api.azureml.ms" -Name "@" -IPv4Address "10.1.0.5" -TimeToLive 00:05:00

if (-not (Get-DnsServerZone -Name "ml-myws-eastus-fb7e20a0-8891-458b-b969-55ddb3382f51.eastus.notebooks.azure.net" -ErrorAction SilentlyContinue)) {
	Add-DnsServerPrimaryZone -Name "ml-myws-eastus-fb7e20a0-8891-458b-b969-55ddb3382f51.eastus.notebooks.azure.net" -ReplicationScope "Forest"
}
Get-DnsServerResourceRecord -ZoneName "ml-myws-eastus-fb7e20a0-8891-458b-b969-55ddb3382f51.eastus.notebooks.azure.net" -Name "@" -RRType A -ErrorAction SilentlyContinue |
	Remove-DnsServerResourceRecord -ZoneName "ml-myws-eastus-fb7e20a0-8891-458b-b969-55ddb3382f51.eastus.notebooks.azure.net" -Force
Add-DnsServerResourceRecordA -ZoneName "ml-myws-eastus-fb7e20a0-8891-458b-b969-55ddb3382f51.eastus.notebooks.azure.net" -Name "@" -IPv4Address "10.1.0.6" -TimeToLive 00:05:00
EOF
exact "resolve --format powershell" resolve --format powershell --name myws --from-json "$NIC"

cat > "$T/want" <<'EOF'
# amlhosts: conditional forwarders for CoreDNS.
# The Azure Machine Learning zones of AzureCloud go to 168.63.129.16 (Azure DNS).
# Azure DNS answers only inside a virtual network: run this server on
# a VM there, or forward to an Azure DNS Private Resolver inbound endpoint.
# Add this server block to the Corefile.
api.azureml.ms notebooks.azure.net instances.azureml.ms aznbcontent.net inference.ml.azure.com {
	forward . 168.63.129.16
}
EOF
exact "forwarders --format coredns" forwarders --format coredns

cat > "$T/want" <<'EOF'
# amlhosts: conditional forwarders for Windows DNS Server.
# The Azure Machine Learning zones of AzureChinaCloud go to 10.0.0.4.
# Run in an elevated PowerShell on the DNS server (DnsServer module).
# The forwarders are stored in Active Directory and replicated to the
# forest; on a DNS server that is not a domain controller, leave out
# -ReplicationScope "Forest".
$ErrorActionPreference = 'Stop'

if (Get-DnsServerZone -Name "api.ml.azure.cn" -ErrorAction SilentlyContinue) {
	Set-DnsServerConditionalForwarderZone -Name "api.ml.azure.cn" -MasterServers 10.0.0.4
} else {
	Add-DnsServerConditionalForwarderZone -Name "api.ml.azure.cn" -MasterServers 10.0.0.4 -ReplicationScope "Forest"
}

if (Get-DnsServerZone -Name "notebooks.chinacloudapi.cn" -ErrorAction SilentlyContinue) {
	Set-DnsServerConditionalForwarderZone -Name "notebooks.chinacloudapi.cn" -MasterServers 10.0.0.4
} else {
	Add-DnsServerConditionalForwarderZone -Name "notebooks.chinacloudapi.cn" -MasterServers 10.0.0.4 -ReplicationScope "Forest"
}

if (Get-DnsServerZone -Name "instances.azureml.cn" -ErrorAction SilentlyContinue) {
	Set-DnsServerConditionalForwarderZone -Name "instances.azureml.cn" -MasterServers 10.0.0.4
} else {
	Add-DnsServerConditionalForwarderZone -Name "instances.azureml.cn" -MasterServers 10.0.0.4 -ReplicationScope "Forest"
}

if (Get-DnsServerZone -Name "aznbcontent.net" -ErrorAction SilentlyContinue) {
	Set-DnsServerConditionalForwarderZone -Name "aznbcontent.net" -MasterServers 10.0.0.4
} else {
	Add-DnsServerConditionalForwarderZone -Name "aznbcontent.net" -MasterServers 10.0.0.4 -ReplicationScope "Forest"
}

if (Get-DnsServerZone -Name "inference.ml.azure.cn" -ErrorAction SilentlyContinue) {
	Set-DnsServerConditionalForwarderZone -Name "inference.ml.azure.cn" -MasterServers 10.0.0.4
} else {
	Add-DnsServerConditionalForwarderZone -Name "inference.ml.azure.cn" -MasterServers 10.0.0.4 -ReplicationScope "Forest"
}
EOF
exact "forwarders --format powershell" forwarders --format powershell --cloud AzureChinaCloud --to 10.0.0.4

# Every DNS format carries every name, and nothing else of the block.
for f in dnsmasq unbound bind coredns powershell; do
	aml resolve --format "$f" --name myws --from-json "$NIC"
	expect_rc 0 "resolve --format $f"
	expect_out "$API"
	expect_out "ml-myws-eastus-$WSID\.eastus\.notebooks\.azure\.net"
	! grep -q "BEGIN amlhosts" "$T/out" || fail "$f: hosts block in the output"
done
aml --json resolve --format dnsmasq --name myws --from-json "$NIC"
expect_rc 2 "--json with --format dnsmasq"
expect_err "--json and --format dnsmasq disagree"
aml resolve --format csv --output-dir "$T/d" --name myws --from-json "$NIC"
expect_rc 2 "--output-dir without bind"
expect_err "is for --format bind"
[ ! -e "$T/d" ] || fail "--output-dir created for another format"
echo x > "$T/file"
aml resolve --format bind --output-dir "$T/file" --name myws --from-json "$NIC"
expect_rc 2 "--output-dir is a file"
aml resolve --format yaml --name myws --from-json "$NIC"
expect_rc 2 "unknown format"
expect_err "dnsmasq, unbound, bind, coredns, powershell"

# forwarders: needs no configuration and no target; every cloud's zones.
aml forwarders --format dnsmasq
expect_rc 0 "forwarders dnsmasq"
for z in api.azureml.ms notebooks.azure.net instances.azureml.ms aznbcontent.net \
    inference.ml.azure.com; do
	expect_out "^server=/$z/168\.63\.129\.16$"
done
aml forwarders --format unbound --cloud AzureUSGovernment --to 10.20.0.4:5353
expect_rc 0 "forwarders unbound US Gov"
expect_out "^	forward-addr: 10\.20\.0\.4@5353$"
expect_out "^	name: \"notebooks\.usgovcloudapi\.net\.\"$"
! grep -q "azureml\.ms" "$T/out" || fail "US Gov forwarders name AzureCloud zones"
printf '[global]\ncloud = AzureChinaCloud\n' > "$T/china.conf"
run "$AMLHOSTS" -c "$T/china.conf" -H "$T/hosts" --state-dir "$STATE" forwarders --format bind
expect_rc 0 "forwarders: the configuration's cloud"
expect_out '^zone "api\.ml\.azure\.cn" {$'
aml forwarders --format bind --to '[fd00::53]:5353'
expect_out "forwarders { fd00::53 port 5353; };"
aml forwarders
expect_rc 2 "forwarders without --format"
expect_err "needs --format"
aml forwarders --format hosts
expect_rc 2 "forwarders --format hosts"
aml forwarders --format dnsmasq --cloud Mars
expect_rc 2 "forwarders: unknown cloud"
expect_err "unknown cloud 'Mars'"
for bad in 010.1.1.1 dns.example.com 1.2.3.4:0 0.0.0.0 224.0.0.1 '::' '[fd00::1]'; do
	aml forwarders --format dnsmasq --to "$bad"
	expect_rc 2 "forwarders --to $bad"
	expect_err "^amlhosts: --to: "
done
aml forwarders --format powershell --to 127.0.0.1:5353
expect_rc 2 "powershell with a port"
expect_err "port 53 only"
aml forwarders --format dnsmasq myws
expect_rc 2 "forwarders takes no target"
aml --json forwarders --format dnsmasq
expect_rc 2 "forwarders takes no --json, as no command takes an option it ignores"
expect_err "option --json does not apply to 'forwarders'"
aml forwarders --format dnsmasq --name myws --from-json "$NIC"
expect_rc 2 "forwarders takes no ad-hoc target"

# --to stays a change ID for rollback.
aml rollback --to 127.0.0.1
expect_rc 2 "rollback --to an address"
expect_err "change ID"
# --cloud is the ad-hoc target's cloud: an export of a workspace in
# another cloud is refused unless it is named.
aml resolve --cloud AzureCloud --name myws --from-json "$NIC"
expect_rc 0 "--cloud of an ad-hoc target"
aml resolve --cloud AzureChinaCloud --name myws --from-json "$NIC"
expect_rc 2 "--cloud AzureChinaCloud with an AzureCloud export"
aml resolve --cloud Nowhere --name myws --from-json "$NIC"
expect_rc 2 "--cloud unknown"
expect_err "unknown cloud 'Nowhere'"
aml resolve --cloud AzureCloud
expect_rc 2 "--cloud without --name"
expect_err "give --name"

# Help names the commands and their options.
aml --help
expect_out "^  forwarders "
expect_out "^  verify "
expect_out "4 verify found a problem"
aml forwarders --help
expect_out "--to IP\[:PORT\]"
expect_out "--cloud NAME"
aml verify --help
expect_out "--server IP\[:PORT\]"
expect_out "--from-json FILE"
aml resolve --help
expect_out "--output-dir DIR"
finish
