#!/bin/sh
# tests/setup-debian.sh [PACKAGE...] - as root on Debian 12 (or Ubuntu):
# install what building amlhosts and every test of 'make check' need, so
# that none is skipped, plus the packages given as arguments (.ci/run adds
# its own: clang, the packaging tools, mingw-w64, valgrind...). The README's
# Quick start and .ci/run both call it, so their lists cannot drift.
#
# What the tests need beyond the build: python3 and openssl (the fake Azure
# server of azure.sh), python3-h2 (its HTTP/2 twin, azure-h2.sh), dnsmasq,
# unbound, bind9 and bind9-dnsutils (dig) for the dns-*.sh tests, man-db and groff-base (manpages.sh renders the pages),
# util-linux (unshare, setpriv, flock), e2fsprogs (chattr), passwd (useradd:
# trust.sh and statedir.sh run as a real non-root user), libc-bin (getent).
#
# The DNS servers must not be started by their packages, where they would
# take port 53 (and keep running): unless a policy-rc.d is there already,
# one that forbids starting services is put in place for the install
# (invoke-rc.d and deb-systemd-invoke honour it) and removed after, also
# when the install fails.
set -eu

if [ "$(id -u)" -ne 0 ]; then
	echo "$0: run as root (it installs packages with apt-get)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	trap 'rm -f "$policy"' EXIT
	trap 'exit 1' HUP INT TERM
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake pkg-config \
	libcurl4-openssl-dev libjansson-dev libinih-dev libcunit1-dev libssl-dev \
	util-linux e2fsprogs libc-bin passwd ca-certificates python3 python3-h2 openssl \
	dnsmasq unbound bind9 bind9-dnsutils man-db groff-base zsh \
	"$@"
