#!/bin/sh
# Hostile input, broken files, locks, concurrency and the ways the hosts file
# can resist being replaced: each refused with the file untouched.
. "$(dirname "$0")/lib.sh"

NIC="$EXAMPLES/workspace-nic.json"
WSID=fb7e20a0-8891-458b-b969-55ddb3382f51

own() { # own FQDN IP: a one-entry source in amlhosts' own format
	printf '{"amlhosts": 1, "entries": [{"target": "x", "fqdn": "%s", "ip": "%s"}]}\n' "$1" "$2" > "$T/src.json"
}

cp "$HOSTS/debian" "$T/hosts"
cp "$T/hosts" "$T/orig"
# Injection attempts and foreign names or addresses: exit 2, file untouched.
for bad in \
    "evil\\n10.0.0.1 login.microsoftonline.com.blob.core.windows.net|10.1.0.4" \
    "a#b.blob.core.windows.net|10.1.0.4" \
    "a b.blob.core.windows.net|10.1.0.4" \
    "a\\tb.blob.core.windows.net|10.1.0.4" \
    "login.microsoftonline.com|10.1.0.4" \
    "github.com|10.1.0.4" \
    "x.blob.core.windows.net|8.8.8.8" \
    "x.blob.core.windows.net|127.0.0.1" \
    "x.blob.core.windows.net|169.254.1.1" \
    "x.blob.core.windows.net|224.0.0.1" \
    "x.blob.core.windows.net|0.0.0.0" \
    "x.blob.core.windows.net|::ffff:10.1.0.4" \
    "x.blob.core.windows.net|010.1.0.4" \
    "x.blob.core.windows.net|10.1.0.4\\n1.2.3.4 evil" \
    "-x.blob.core.windows.net|10.1.0.4" \
    "$(printf 'a%.0s' $(seq 64)).blob.core.windows.net|10.1.0.4" \
    "*.blob.core.windows.net.x|10.1.0.4" \
    "x.*.blob.core.windows.net|10.1.0.4"; do
	own "${bad%%|*}" "${bad#*|}"
	aml apply --name x --from-json "$T/src.json"
	expect_rc 2 "hostile entry '$bad'" || true
	same "$T/orig" "$T/hosts" "file changed by hostile entry '$bad'" || true
done
[ ! -e "$STATE/journal" ] || fail "a refused input was journaled"

# Malformed JSON and unknown shapes: exit 2 naming the file.
printf '{"value": [' > "$T/trunc.json"
aml apply --name x --from-json "$T/trunc.json"
expect_rc 2 "truncated json"
expect_err "trunc.json"
printf '{"hello": "world"}' > "$T/shape.json"
aml apply --name x --from-json "$T/shape.json"
expect_rc 2 "unknown shape"
expect_err "shape.json"
aml apply --name x --from-json "$T/missing.json"
expect_rc 2 "missing json file"
expect_err "missing.json"
same "$T/orig" "$T/hosts" "file changed by bad json"

# Broken blocks: exit 1 with line numbers, no write.
printf '127.0.0.1 localhost\n# BEGIN amlhosts myws\n10.1.0.5\ta.api.azureml.ms\n' > "$T/hosts"
cp "$T/hosts" "$T/broken"
aml apply --name myws --from-json "$NIC"
expect_rc 1 "broken block"
expect_err "line 2"
same "$T/broken" "$T/hosts" "broken block file changed"

# Mode and owner kept, symlink followed, no temp file left.
cp "$HOSTS/debian" "$T/real-hosts"
chmod 0644 "$T/real-hosts"
ln -sf "$T/real-hosts" "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply through a symlink"
[ -L "$T/hosts" ] || fail "symlink replaced by a file"
grep -q "$WSID" "$T/real-hosts" || fail "target of the symlink not updated"
[ "$(stat -c %a "$T/real-hosts")" = 644 ] || fail "mode not kept"
[ -z "$(ls -A "$T" | grep amlhosts- || true)" ] || fail "temporary file left: $(ls -A "$T")"
pass
rm -f "$T/hosts"

# Not a regular file.
mkdir "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 1 "hosts file is a directory"
expect_err "is a directory"
rmdir "$T/hosts"
mkfifo "$T/hosts"
aml apply --name myws --from-json "$NIC"
expect_rc 1 "hosts file is a FIFO"
expect_err "not a regular file"
rm -f "$T/hosts"

# Kubernetes-managed file refused with the hostAliases hint.
cp "$HOSTS/kubernetes" "$T/hosts"
cp "$T/hosts" "$T/orig"
aml apply --name myws --from-json "$NIC"
expect_rc 1 "kubernetes hosts file"
expect_err "hostAliases"
same "$T/orig" "$T/hosts" "kubernetes file changed"

# Hand-edited block: replaced with a warning.
cp "$HOSTS/debian" "$T/hosts"
rm -rf "$STATE"
aml apply --name myws --from-json "$NIC"
sed -i 's/^10\.1\.0\.5\t/10.1.0.99\t/' "$T/hosts"
aml status
expect_out "yes"
aml apply --name myws --from-json "$NIC"
expect_rc 0 "apply over a hand-edited block"
expect_err "edited by hand"
! grep -q "10\.1\.0\.99" "$T/hosts" || fail "hand edit not replaced"
pass

# Lock: a run that cannot get the lock in lock_timeout exits 1 "busy".
if command -v flock >/dev/null 2>&1; then
	cp "$HOSTS/debian" "$T/hosts"
	cp "$T/hosts" "$T/orig"
	printf '[global]\nlock_timeout = 1\n' > "$T/conf"
	mkdir -p "$STATE"
	# Held until released through a FIFO, not for a fixed time: a slow run
	# (valgrind, a loaded machine) must still find it held.
	mkfifo "$T/release"
	flock -x "$STATE/lock" sh -c 'read x < "$1"' sh "$T/release" &
	holder=$!
	i=0
	while flock -n "$STATE/lock" true && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" apply --name myws --from-json "$NIC"
	expect_rc 1 "apply while locked" || true
	expect_err "busy" || true
	same "$T/orig" "$T/hosts" "locked file changed" || true
	echo > "$T/release"
	wait "$holder" || true
fi

# Concurrency: parallel applies of different targets all land, once each.
cp "$HOSTS/debian" "$T/hosts"
rm -rf "$STATE"
i=0
while [ $i -lt 8 ]; do
	own "ws$i.blob.core.windows.net" "10.2.0.$((i + 1))"
	cp "$T/src.json" "$T/src$i.json"
	i=$((i + 1))
done
i=0
while [ $i -lt 8 ]; do
	"$AMLHOSTS" -c /dev/null -H "$T/hosts" --state-dir "$STATE" -q apply --name "ws$i" --from-json "$T/src$i.json" > "$T/par$i.out" 2>&1 &
	i=$((i + 1))
done
wait
i=0
while [ $i -lt 8 ]; do
	[ "$(grep -c "^# BEGIN amlhosts ws$i\$" "$T/hosts")" -eq 1 ] || fail "block ws$i not present exactly once"
	i=$((i + 1))
done
outside_blocks "$T/hosts" > "$T/outside"
same "$HOSTS/debian" "$T/outside" "concurrent applies changed outside bytes"

# Configuration owned by someone else is refused when run as root.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	printf '[global]\n' > "$T/conf"
	chown nobody "$T/conf"
	run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" status
	expect_rc 2 "config not owned by root"
	expect_err "owned by root"
	chown 0 "$T/conf"
	chmod 0666 "$T/conf"
	run "$AMLHOSTS" -c "$T/conf" -H "$T/hosts" --state-dir "$STATE" status
	expect_rc 2 "config writable by others"
fi

# Immutable file (where the filesystem supports chattr +i).
cp "$HOSTS/debian" "$T/hosts"
if chattr +i "$T/hosts" 2>/dev/null; then
	aml apply --name myws --from-json "$NIC"
	expect_rc 1 "immutable hosts file"
	expect_err "immutable"
	chattr -i "$T/hosts"
	same "$HOSTS/debian" "$T/hosts" "immutable file changed"
else
	echo "SKIP: chattr +i not supported here"
fi

finish
