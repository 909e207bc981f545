#!/bin/sh
# Issue 11, the engine maps the hosts file (base/filemap.h). Another program
# that ignores amlhosts' locks can cut the file short while it is mapped; a
# read past the new end then raises SIGBUS, which must not kill the run nor
# let anything computed from the missing bytes land. The preload library
# plays that program: right after amlhosts maps the file, it rewrites it in
# place (the same inode) with a few bytes of its own. The run reads again
# and adds its block to those bytes, or fails with them untouched. When
# mmap fails, the file is read instead, to the same result.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fault-lib.sh"

need_inject

H="$T/h/hosts"
mkdir -p "$T/h" "$T/ref"
# Bigger than a page, so the cut leaves whole pages past the new end.
{
	printf '127.0.0.1\tlocalhost\n'
	i=0
	while [ $i -lt 400 ]; do
		printf '10.1.%d.%d\thost%d.example\n' $((i / 250)) $((i % 250)) "$i"
		i=$((i + 1))
	done
} > "$T/orig"
OTHER='10.9.9.9	other.example
'
printf '%s' "$OTHER" > "$T/other"

# apply_to FILE [ENV...]: apply myws to FILE (state beside it).
apply_to() {
	f=$1
	shift
	run env "$@" "$AMLHOSTS" -c /dev/null -H "$f" --state-dir "$(dirname "$f")/state" \
	    apply --name myws --from-json "$NIC"
}

# want FROM: what applying to a file holding FROM's bytes gives, unhindered.
want() {
	rm -rf "$T/ref"
	mkdir -p "$T/ref"
	cp "$1" "$T/ref/hosts"
	apply_to "$T/ref/hosts"
	expect_rc 0 "the reference apply on $1"
	cp "$T/ref/hosts" "$T/want"
}

# fresh FROM: the test's hosts file holds FROM's bytes, no state.
fresh() {
	rm -rf "$T/h"
	mkdir -p "$T/h"
	cp "$1" "$H"
}

# cut_checks WHAT: not killed, and the other program's bytes are kept:
# with the block added (exit 0), or as they were (exit 1).
cut_checks() {
	if [ "$rc" -ge 128 ]; then
		fail "$1: killed by signal $((rc - 128)): $(cat "$T/err")"
		return
	fi
	pass
	echo "$1: exit $rc" >&2
	case $rc in
	0) same "$T/want" "$H" "$1: exit 0, the other program's bytes and the block" || true ;;
	1) same "$T/other" "$H" "$1: exit 1, the other program's bytes untouched" || true ;;
	*) fail "$1: exit $rc: $(cat "$T/err")" ;;
	esac
}

# The file is mapped: one mmap of it at least (a read would make none).
fresh "$T/orig"
apply_to "$H" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$T/h/" INJECT_COUNT="$T/counts"
expect_rc 0 "apply under the preload library" || true
maps=$(awk '$1 == "mmap" { print $2 }' "$T/counts")
[ "${maps:-0}" -ge 1 ] && pass || fail "the hosts file was not mapped (mmap count '${maps:-}')"
want "$T/orig"
same "$T/want" "$H" "apply of a mapped file" || true

# Cut under a changing apply: the first try read zeros past the cut.
want "$T/other"
fresh "$T/orig"
apply_to "$H" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$T/h/" INJECT_CUT_MMAP_N=1 \
    INJECT_CUT_FILE="$H" INJECT_CUT_TEXT="$OTHER"
cut_checks "cut under a changing apply"

# Cut under an unchanged apply (the block already there): its in-place
# comparison met zeros and must not answer "unchanged".
fresh "$T/orig"
apply_to "$H"
expect_rc 0 "the first apply" || true
apply_to "$H" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$T/h/" INJECT_CUT_MMAP_N=1 \
    INJECT_CUT_FILE="$H" INJECT_CUT_TEXT="$OTHER"
cut_checks "cut under an unchanged apply"

# Cut to nothing: the retry writes the block alone.
printf '' > "$T/other"
want "$T/other"
fresh "$T/orig"
apply_to "$H" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$T/h/" INJECT_CUT_MMAP_N=1 \
    INJECT_CUT_FILE="$H" INJECT_CUT_TEXT=""
cut_checks "cut to nothing"

# status reads (issue 11's leftovers): cut under its mapping, it reads again
# and reports what the file holds now; before, it reported from the zeros
# past the cut. The new bytes end in a block's END line without a newline,
# so zeros after it make the line no END: the old status failed with
# "does not name a valid block". status_cut WHAT: run status with the cut
# to "$CUT", then compare with a plain status of what the file holds.
status_cut() {
	run env LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$T/h/" INJECT_CUT_MMAP_N=1 \
	    INJECT_CUT_FILE="$H" INJECT_CUT_TEXT="$CUT" \
	    "$AMLHOSTS" -c /dev/null -H "$H" --state-dir "$T/h/state" status
	expect_rc 0 "$1" || true
	cp "$T/out" "$T/status-cut"
	run "$AMLHOSTS" -c /dev/null -H "$H" --state-dir "$T/h/state" status
	expect_rc 0 "$1: status afterwards" || true
	expect_out "^myws " || true
	same "$T/out" "$T/status-cut" "$1: status reports the bytes the file holds now" || true
}
printf '%s' "$OTHER" > "$T/other"
want "$T/other"
CUT=$(cat "$T/want")
fresh "$T/orig"
apply_to "$H"
expect_rc 0 "apply before status" || true
status_cut "status, the file cut under its mapping"
# Cut within the mapping's last page (one byte less): no fault, no torn
# mapping, only a smaller size; a zero in place of the last newline.
cp "$T/want" "$H"
status_cut "status, the file cut within its last page"

# mmap fails (every time): the file is read instead, the same result.
want "$T/orig"
fresh "$T/orig"
rm -f "$T/trace"
apply_to "$H" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$T/h/" INJECT_CALL=mmap INJECT_N=1 \
    INJECT_PERSIST=1 INJECT_ERRNO=ENOMEM INJECT_TRACE="$T/trace"
expect_rc 0 "apply with mmap failing" || true
grep -q '^INJECT mmap 1 ENOMEM' "$T/trace" && pass || fail "mmap was not made to fail"
same "$T/want" "$H" "apply with mmap failing, read instead" || true
apply_to "$H" LD_PRELOAD="$INJECT_LIB" INJECT_PREFIX="$T/h/" INJECT_CALL=mmap INJECT_N=1 \
    INJECT_PERSIST=1 INJECT_ERRNO=ENOMEM
expect_rc 0 "an unchanged apply with mmap failing" || true
same "$T/want" "$H" "an unchanged apply with mmap failing" || true
run "$AMLHOSTS" -c /dev/null -H "$H" --state-dir "$T/h/state" status
expect_rc 0 "status" || true
expect_out myws || true

finish
