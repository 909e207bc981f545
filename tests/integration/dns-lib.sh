# dns-lib.sh - sourced by the dns-*.sh tests after lib.sh: real DNS servers
# (dnsmasq, unbound, named from Debian's packages) on 127.0.0.1 at free
# ports, asked with dig, and stopped when the test ends, whatever happens.
#
# The servers bind 127.0.0.1 only and never send a query anywhere else:
# dnsmasq has no upstream but the ones a test gives it, Unbound forwards
# everything it does not hold to a dead port on 127.0.0.1, named does not
# recurse. Every wait is bounded.
PATH="$PATH:/usr/sbin:/sbin"
export PATH
DNS_PIDS=""
DNS_PORT=""

dns_stop() {
	for pid in $DNS_PIDS; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $DNS_PIDS; do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	DNS_PIDS=""
}
trap 'dns_stop; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

skip() {
	echo "SKIP: $*"
	exit 77
}

# need CMD PACKAGE: skip the test when a server or tool is missing.
need() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 not found: install the Debian package '$2'"
}

# skip_part WHY: a part of the test cannot run here; the others still do,
# and the test ends with status 77 (skipped) unless one of them failed.
SKIPPED=""
skip_part() {
	echo "note: $*: not tested"
	SKIPPED="$SKIPPED
  $*"
}

# finish_dns: as finish, but a test with skipped parts and no failure is
# reported as skipped, so that a missing package never passes unseen.
finish_dns() {
	if [ "$NFAIL" -eq 0 ] && [ -n "$SKIPPED" ]; then
		echo "$NTEST passed, $NFAIL failed"
		echo "SKIP: parts of this test could not run:$SKIPPED"
		exit 77
	fi
	finish
}

# have CMD: is it there (for optional parts)?
have() {
	command -v "$1" >/dev/null 2>&1
}

port_in_use() {
	hex=$(printf ':%04X' "$1")
	cat /proc/net/tcp /proc/net/udp /proc/net/tcp6 /proc/net/udp6 2>/dev/null |
	    awk -v p="$hex" '$2 ~ p"$" { f = 1 } END { exit !f }'
}

# free_port: a port nothing on this machine uses now.
free_port() {
	i=0
	while [ $i -lt 100 ]; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000))
		if ! port_in_use "$p"; then
			echo "$p"
			return 0
		fi
		i=$((i + 1))
	done
	return 1
}

# ask PORT NAME TYPE: the addresses a server answers, one per line.
ask() {
	dig @127.0.0.1 -p "$1" +time=2 +tries=1 +short "$2" "$3" 2>/dev/null |
	    grep -E '^[0-9a-fA-F:.]+$' || true
}

# answers PORT NAME TYPE: did the server send any reply (any rcode)?
answers() {
	dig @127.0.0.1 -p "$1" +time=1 +tries=1 "$2" "$3" >/dev/null 2>&1
}

# wait_ready NAME PID PORT: until the server answers on PORT (10 s at most).
wait_ready() {
	i=0
	while [ $i -lt 50 ]; do
		if answers "$3" localhost. A; then
			return 0
		fi
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# start NAME CONF-WRITER CMD...: pick a free port, let CONF-WRITER (a shell
# function, called with the port) write the configuration, start CMD in
# the background and wait until it answers. Another test may take the port
# between the choice and the bind: then try another one. Sets DNS_PORT.
start() {
	name=$1 writer=$2
	shift 2
	tries=0
	while [ $tries -lt 3 ]; do
		DNS_PORT=$(free_port) || break
		"$writer" "$DNS_PORT"
		"$@" >"$T/$name.log" 2>&1 &
		pid=$!
		DNS_PIDS="$DNS_PIDS $pid"
		if wait_ready "$name" "$pid" "$DNS_PORT"; then
			return 0
		fi
		kill "$pid" 2>/dev/null || true
		tries=$((tries + 1))
	done
	fail "$name did not start on 127.0.0.1"
	sed 's/^/  log: /' "$T/$name.log" >&2
	return 1
}

# A port nothing listens on, for "forward everything else nowhere".
DEAD_PORT=$(free_port)

# dnsmasq NAME EXTRA-CONF: a dnsmasq with no upstream, logging queries to
# $T/NAME.queries, loading the file EXTRA-CONF.
dnsmasq_conf() {
	cat > "$T/$dnsmasq_name.conf" <<EOF
port=$1
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
no-poll
user=root
pid-file=
log-queries
log-facility=$T/$dnsmasq_name.queries
conf-file=$dnsmasq_extra
EOF
}
start_dnsmasq() {
	dnsmasq_name=$1 dnsmasq_extra=$2
	: > "$T/$1.queries"
	start "$1" dnsmasq_conf dnsmasq -k -C "$T/$1.conf"
}

# start_unbound NAME EXTRA-CONF: an Unbound (no validator) that includes
# EXTRA-CONF and forwards everything else to a dead local port.
unbound_conf() {
	cat > "$T/$unbound_name.conf" <<EOF
server:
	interface: 127.0.0.1
	port: $1
	do-ip6: no
	do-daemonize: no
	username: ""
	chroot: ""
	directory: "$T"
	pidfile: ""
	use-syslog: no
	verbosity: 1
	log-queries: yes
	num-threads: 1
	so-reuseport: no
	outgoing-interface: 127.0.0.1
	do-not-query-localhost: no
	module-config: "iterator"
	access-control: 127.0.0.0/8 allow
	private-address: 10.0.0.0/8
	private-address: fd00::/8
	include: "$unbound_extra"
forward-zone:
	name: "."
	forward-addr: 127.0.0.1@$DEAD_PORT
EOF
}
start_unbound() {
	unbound_name=$1 unbound_extra=$2
	unbound_conf 53
	if ! unbound-checkconf "$T/$1.conf" >"$T/$1.check" 2>&1; then
		fail "unbound-checkconf refuses $2"
		sed 's/^/  /' "$T/$1.check" >&2
		return 1
	fi
	pass
	start "$1" unbound_conf unbound -d -c "$T/$1.conf"
}

# start_named NAME FRAGMENT: an authoritative-only named that includes
# FRAGMENT.
named_conf() {
	mkdir -p "$T/$named_name.d"
	cat > "$T/$named_name.conf" <<EOF
options {
	directory "$T/$named_name.d";
	pid-file none;
	session-keyfile "$T/$named_name.d/session.key";
	managed-keys-directory "$T/$named_name.d";
	listen-on port $1 { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	allow-query { 127.0.0.1; };
	notify no;
	querylog yes;
};
controls { };
include "$named_fragment";
EOF
}
start_named() {
	named_name=$1 named_fragment=$2
	start "$1" named_conf named -g -4 -c "$T/$1.conf"
}

# queried NAME FQDN: did the server NAME get a query for FQDN?
queried() {
	grep -qi -- "$2" "$T/$1.queries" "$T/$1.log" 2>/dev/null
}
