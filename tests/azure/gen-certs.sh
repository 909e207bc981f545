#!/bin/sh
# gen-certs.sh DIR - the TLS material of the fake Azure server (fake_azure.py):
#
#   ca.pem, ca.key          a test CA (what amlhosts trusts: ca_file = DIR/ca.pem)
#   server.pem, server.key  the server's certificate, signed by that CA, for
#                           IP 127.0.0.1 and DNS localhost (CN 127.0.0.1)
#   other-ca.pem            an unrelated CA, for the wrong-CA case
#
# EC P-256 keys, so it takes a few milliseconds. Quiet unless something fails.
# Idempotent: when DIR already holds a set whose server certificate verifies
# against its CA and stays valid for another day, nothing is done; otherwise
# a whole new set replaces it.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
command -v openssl >/dev/null 2>&1 || { echo "$0: openssl is not installed" >&2; exit 1; }
mkdir -p "$dir"

if [ -s "$dir/ca.pem" ] && [ -s "$dir/ca.key" ] && [ -s "$dir/server.pem" ] &&
    [ -s "$dir/server.key" ] && [ -s "$dir/other-ca.pem" ] &&
    openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem" >/dev/null 2>&1 &&
    openssl x509 -checkend 86400 -noout -in "$dir/server.pem" >/dev/null 2>&1; then
	exit 0
fi

work=$(mktemp -d "$dir/.gen.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/openssl.log"

ossl() {
	if ! openssl "$@" >>"$log" 2>&1; then
		echo "$0: openssl $1 failed:" >&2
		cat "$log" >&2
		exit 1
	fi
}

# A self-signed CA: $1 = file stem, $2 = common name.
make_ca() {
	ossl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -keyout "$work/$1.key" -out "$work/$1.pem" -days 3650 -subj "/CN=$2" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    -addext "subjectKeyIdentifier=hash"
}

make_ca ca "amlhosts test CA"
make_ca other-ca "amlhosts unrelated CA"

cat > "$work/server.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$work/server.key" -out "$work/server.csr" -subj "/CN=127.0.0.1"
ossl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
    -set_serial "0x$(openssl rand -hex 8)" -days 825 -extfile "$work/server.ext" \
    -out "$work/server.pem"
ossl verify -CAfile "$work/ca.pem" "$work/server.pem"

chmod 600 "$work/ca.key" "$work/other-ca.key" "$work/server.key"
for f in ca.key ca.pem server.key server.pem other-ca.pem; do
	mv -f "$work/$f" "$dir/$f"
done
