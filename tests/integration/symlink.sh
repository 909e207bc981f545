#!/bin/sh
# symlink: a hosts file reached through symbolic links, as on macOS, where
# /etc is a link to private/etc. The target is replaced, every link stays a
# link pointing where it did, and backups, history, rollback and uninstall
# work through the link; a dangling link or a loop is refused and nothing
# changes.
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
WSID=fb7e20a0-8891-458b-b969-55ddb3382f51

# through LINK ARGS...: the binary against the hosts file at LINK.
through() {
	link=$1
	shift
	run "$AMLHOSTS" -c /dev/null -H "$link" --state-dir "$STATE" "$@"
}

# is_link LINK TARGET WHAT: LINK is still a symbolic link to TARGET.
is_link() {
	if [ ! -L "$1" ]; then
		fail "$3: '$1' is no longer a symbolic link"
		return 1
	fi
	if [ "$(readlink "$1")" != "$2" ]; then
		fail "$3: '$1' points to '$(readlink "$1")', not '$2'"
		return 1
	fi
	pass
}

# no_temp DIR WHAT: no temporary file of amlhosts left in DIR.
no_temp() {
	if ls -A "$1" | grep -q 'amlhosts-'; then
		fail "$2: temporary file left in $1: $(ls -A "$1")"
		return 1
	fi
	pass
}

# macOS: the directory link /etc -> private/etc.
R="$T/root"
mkdir -p "$R/private/etc"
cp "$HOSTS/debian" "$R/private/etc/hosts"
chmod 0644 "$R/private/etc/hosts"
ln -s private/etc "$R/etc"
cp "$R/private/etc/hosts" "$T/v0"

through "$R/etc/hosts" apply --name myws --from-json "$NIC"
expect_rc 0 "apply through the /etc -> private/etc link"
is_link "$R/etc" private/etc "after apply"
grep -q "^# BEGIN amlhosts myws$" "$R/private/etc/hosts" || fail "target lacks the block"
grep -q "$WSID" "$R/private/etc/hosts" || fail "target lacks the names"
[ "$(stat -c %a "$R/private/etc/hosts")" = 644 ] || fail "target's mode not kept"
no_temp "$R/private/etc" "apply through the directory link"
same "$T/v0" "$STATE/backups/1.hosts" "backup of the target's bytes"
cp "$R/private/etc/hosts" "$T/v1"

# The journal names the real file: the link and the target share history.
through "$R/etc/hosts" history
expect_rc 0 "history through the link"
expect_out "^1 .*apply .*myws"
through "$R/private/etc/hosts" history
expect_rc 0 "history by the real path"
expect_out "^1 .*apply .*myws"
through "$R/etc/hosts" status
expect_rc 0 "status through the link"
expect_out "myws"

# Nothing to do: no write, same inode.
before=$(inode_mtime "$R/private/etc/hosts")
through "$R/etc/hosts" apply --name myws --from-json "$NIC"
expect_rc 0 "second apply through the link"
[ "$(inode_mtime "$R/private/etc/hosts")" = "$before" ] || fail "a no-change apply wrote"

# Rollback through the link, keeping an edit made since.
printf '192.168.7.7\tprinter\n' >> "$R/private/etc/hosts"
through "$R/etc/hosts" rollback
expect_rc 0 "rollback through the link"
is_link "$R/etc" private/etc "after rollback"
{ cat "$T/v0"; printf '192.168.7.7\tprinter\n'; } > "$T/want"
same "$T/want" "$R/private/etc/hosts" "rollback through the link"
through "$R/etc/hosts" rollback --to 2 --whole-file
expect_rc 0 "rollback --whole-file through the link"
{ cat "$T/v1"; printf '192.168.7.7\tprinter\n'; } > "$T/want"
same "$T/want" "$R/private/etc/hosts" "rollback --whole-file through the link"
no_temp "$R/private/etc" "rollback through the link"

through "$R/etc/hosts" uninstall
expect_rc 0 "uninstall through the link"
is_link "$R/etc" private/etc "after uninstall"
! grep -q "BEGIN amlhosts" "$R/private/etc/hosts" || fail "uninstall left a block"
{ cat "$T/v0"; printf '192.168.7.7\tprinter\n'; } > "$T/want"
same "$T/want" "$R/private/etc/hosts" "uninstall restores the original lines"

# A relative file link into another directory, through a second link: the
# temporary file goes next to the target, never next to a link.
rm -rf "$STATE"
mkdir "$T/a" "$T/b" "$T/c"
cp "$HOSTS/debian" "$T/b/hosts.real"
ln -s ../b/hosts.real "$T/c/hosts"
ln -s ../c/hosts "$T/a/hosts"
through "$T/a/hosts" apply --name myws --from-json "$NIC"
expect_rc 0 "apply through a chain of two file links"
is_link "$T/a/hosts" ../c/hosts "first link of the chain"
is_link "$T/c/hosts" ../b/hosts.real "second link of the chain"
[ -f "$T/b/hosts.real" ] && [ ! -L "$T/b/hosts.real" ] || fail "target is no longer a regular file"
grep -q "$WSID" "$T/b/hosts.real" || fail "target of the chain not updated"
no_temp "$T/a" "chain, first link's directory"
no_temp "$T/b" "chain, target's directory"
no_temp "$T/c" "chain, second link's directory"
through "$T/a/hosts" remove myws
expect_rc 0 "remove through the chain"
same "$HOSTS/debian" "$T/b/hosts.real" "remove through the chain"
is_link "$T/a/hosts" ../c/hosts "first link after remove"

# refused PATH WHAT PATTERN: every command that reads the hosts file fails
# with exit 1 or 2 and PATTERN on stderr.
refused() {
	for c in apply plan status remove uninstall rollback; do
		case $c in
		apply | plan) args="--name myws --from-json $NIC" ;;
		remove) args=myws ;;
		*) args= ;;
		esac
		set +e
		# shellcheck disable=SC2086 # args are words
		timeout 10 "$AMLHOSTS" -c /dev/null -H "$1" --state-dir "$STATE" $c $args \
		    >"$T/out" 2>"$T/err"
		rc=$?
		set -e
		if [ "$rc" -ne 1 ] && [ "$rc" -ne 2 ]; then
			fail "$c with $2: exit $rc, expected 1 or 2"
			sed 's/^/  stderr: /' "$T/err" >&2
		else
			pass
		fi
		expect_err "$3" || true
	done
}

rm -rf "$STATE"
ln -s no-such-hosts "$T/dangling"
refused "$T/dangling" "a dangling link" "symbolic link to a file that does not exist"
is_link "$T/dangling" no-such-hosts "the dangling link"
[ ! -e "$T/no-such-hosts" ] && [ ! -L "$T/no-such-hosts" ] || fail "the missing target was created"

# Dangling at the end of a chain.
ln -s dangling "$T/to-dangling"
refused "$T/to-dangling" "a link to a dangling link" "symbolic link to a file that does not exist"
is_link "$T/to-dangling" dangling "the link to the dangling link"
is_link "$T/dangling" no-such-hosts "the dangling link in the chain"

ln -s loop2 "$T/loop1"
ln -s loop1 "$T/loop2"
refused "$T/loop1" "a link loop" "Too many levels of symbolic links"
is_link "$T/loop1" loop2 "one link of the loop"
is_link "$T/loop2" loop1 "the other link of the loop"

# A directory link loop on the way to the file.
ln -s dirloop2 "$T/dirloop1"
ln -s dirloop1 "$T/dirloop2"
refused "$T/dirloop1/hosts" "a directory link loop" "Too many levels of symbolic links"
is_link "$T/dirloop1" dirloop2 "the directory loop"

no_temp "$T" "refused links"
if [ -d "$STATE/backups" ] && [ -n "$(ls -A "$STATE/backups")" ]; then
	fail "a refused link left a backup: $(ls -A "$STATE/backups")"
fi
if [ -s "$STATE/journal" ]; then
	fail "a refused link left a journal record"
fi
pass

finish
