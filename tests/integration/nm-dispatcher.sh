#!/bin/sh
# packaging/networkmanager/90-amlhosts, the NetworkManager dispatcher script:
# run with a stand-in systemctl first in PATH that records what it is asked
# to start, and says whether amlhosts.timer is enabled.
. "$(dirname "$0")/lib.sh"

srcdir=$(cd "$TESTDATA/../.." && pwd)
script="$srcdir/packaging/networkmanager/90-amlhosts"
mkdir -p "$T/bin"
cat > "$T/bin/systemctl" <<'STUB'
#!/bin/sh
case "$1" in
is-enabled) cat "$STUB_DIR/timer-state"; [ "$(cat "$STUB_DIR/timer-state")" = enabled ] ;;
*) echo "$*" >> "$STUB_DIR/calls" ;;
esac
STUB
chmod 755 "$T/bin/systemctl"
STUB_DIR=$T
AMLHOSTS_RUN_DIR="$T/run"
export STUB_DIR AMLHOSTS_RUN_DIR

# dispatch ACTION: run the script as NetworkManager would; $T/calls holds
# what it started.
dispatch() {
	rm -f "$T/calls"
	PATH="$T/bin:$PATH" sh "$script" tun0 "$1" >"$T/out" 2>"$T/err" || fail "$1: exit $?"
	touch "$T/calls"
}
expect_calls() {
	if [ "$(cat "$T/calls")" != "$1" ]; then
		fail "$2: systemctl was asked '$(cat "$T/calls")', expected '$1'"
	else
		pass
	fi
}

echo disabled > "$T/timer-state"
dispatch vpn-up
expect_calls "" "vpn-up with the timer disabled"
[ ! -e "$T/run" ] && pass || fail "a disabled dispatcher created $T/run"

echo enabled > "$T/timer-state"
dispatch down
expect_calls "" "down"
dispatch vpn-down
expect_calls "" "vpn-down"
dispatch vpn-up
expect_calls "--no-block start amlhosts.service" "vpn-up"
dispatch up
expect_calls "" "up within 30 s of the last start"
dispatch vpn-up
expect_calls "" "vpn-up within 30 s of the last start"

# The last start 31 s ago: the next one starts the service again.
echo $(( $(date +%s) - 31 )) > "$T/run/nm-dispatcher.last"
dispatch up
expect_calls "--no-block start amlhosts.service" "up 31 s after the last start"
# A stamp that is not a number does not stop the refresh.
echo garbage > "$T/run/nm-dispatcher.last"
dispatch up
expect_calls "--no-block start amlhosts.service" "up after an unreadable stamp"

finish
