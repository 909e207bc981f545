# trust.sh - sourced by packaging/windows/build and test.
#
# trusted_build_dir DIR: as root, fail (exit 1, saying why) unless DIR and
# its deps/ and deps-src/ are real directories that root owns and no one
# else may write. The default BUILDDIR is under /tmp, where any user may
# create it first: build would link their deps/ libraries into amlhosts.exe
# (which runs as SYSTEM), and build and test run their programs as root
# (Wine runs Windows programs with our Unix rights). Not root: nothing to
# check, the directory can only be one's own or shared by choice.
trusted_build_dir() {
	local d
	[ "$(id -u)" = 0 ] || return 0
	for d in "$1" "$1/deps" "$1/deps-src"; do
		[ -e "$d" ] || [ -L "$d" ] || continue
		if [ -L "$d" ] || [ ! -d "$d" ] ||
		    [ -n "$(find "$d" -maxdepth 0 \( ! -user 0 -o -perm /002 -o \( -perm /020 ! -group 0 \) \))" ]; then
			printf '%s: FAIL: %s is not a directory of root'"'"'s that only root may write (a symbolic link, another user'"'"'s, or writable by others); as root, give a build directory of your own\n' \
				"$(basename "$0")" "$d" >&2
			exit 1
		fi
	done
}
