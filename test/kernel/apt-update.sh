# shellcheck shell=bash
# Sourced by source-kernels/build.sh and arm/fetch.sh (their private apt
# configurations). apt_get_update OPTIONS...: apt-get update, again after a
# pause when it fails (an index caught while the mirror syncs has the wrong
# size for a while). When an index still fails, apt has dropped that suite's
# indexes (a suite's are kept or dropped together) and kept the others:
# apt_get_update says so and returns 1; the caller goes on with what apt has
# (a package that only the dropped suite had is then not found, and that step
# fails, naming it) or, arm/fetch.sh, reads the suite's index unverified.
apt_get_update() {
	local i
	for i in 1 2; do
		apt-get "$@" update >/dev/null && return 0
		echo "$(basename "$0"): apt-get update failed (a mirror syncing?): again in 20 s" >&2
		sleep 20
	done
	apt-get "$@" update >/dev/null && return 0
	echo "$(basename "$0"): WARNING: apt-get update still fails: going on with the indexes that did download" >&2
	return 1
}
