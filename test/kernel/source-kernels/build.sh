#!/usr/bin/env bash
# Builds small bootable kernels from Debian's linux-source packages of other
# releases (5.10 from bullseye, the newest 7.x from trixie-backports) for the
# kernel suite, and caches them. The packages are fetched with a private apt
# configuration: the machine's own apt sources are never touched.
#
# Usage: build.sh [LINE...]   (default: 5.10 7)
# Cache: $KMOD_CACHE_DIR or ~/.cache/generator-kmod, kernels/<key>/, keyed by
# source package version + config fragment + compiler; prints hits and misses.
# Writes kernels/manifest.json for the tests.
set -euo pipefail

# --if-wanted: from npm test. KMOD_SOURCE_KERNELS=0 skips the source kernels;
# outside CI a failure only warns (the kernel suite then skips loudly).
if [ "${1:-}" = --if-wanted ]; then
	shift
	[ "${KMOD_SOURCE_KERNELS:-1}" != 0 ] || { echo "build.sh: KMOD_SOURCE_KERNELS=0: source-built kernels not used"; exit 0; }
	if [ -z "${CI:-}" ] || [ "${CI:-}" = false ]; then
		"$0" "$@" || echo "build.sh: WARNING: could not build the 5.10/7.x kernels; their kernel tests will be skipped (not in CI)" >&2
		exit 0
	fi
fi

here=$(cd "$(dirname "$0")" && pwd)
cache=${KMOD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/generator-kmod}
apt_dir=$cache/apt
kernels=$cache/kernels
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$kernels"
cat >"$apt_dir/sources.list" <<'LIST'
deb http://deb.debian.org/debian bullseye main
deb http://deb.debian.org/debian trixie-backports main
LIST
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::Archives=$apt_dir/archives"
	-o APT::Sandbox::User=root -q)
apt-get "${apt_opts[@]}" update >/dev/null

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(5.10 7)
jobs=$(nproc)
cc_version=$(gcc --version | head -n 1)
entries=()

for line in "${lines[@]}"; do
	# The package for the line: exact for 5.10, the newest linux-source-7.* for "7".
	if [ "$line" = 7 ]; then
		pkg=$(apt-cache "${apt_opts[@]}" pkgnames linux-source-7. | sort -V | tail -n 1)
	else
		pkg=linux-source-$line
	fi
	version=$(apt-cache "${apt_opts[@]}" policy "$pkg" | awk '/Candidate:/ { print $2 }')
	[ -n "$version" ] && [ "$version" != "(none)" ] || { echo "build.sh: $pkg not found in the archive" >&2; exit 1; }
	key=$(printf '%s\n%s\n%s\n' "$pkg=$version" "$(cat "$here/qemu.config")" "$cc_version" | sha256sum | cut -c1-16)
	dir=$kernels/$pkg-$key
	if [ -f "$dir/ok" ]; then
		echo "build.sh: cache hit  $pkg $version ($dir)"
	else
		echo "build.sh: cache miss $pkg $version: building (several minutes)"
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$apt_dir/archives" && apt-get "${apt_opts[@]}" download "$pkg=$version" >/dev/null)
		deb=$(ls "$apt_dir/archives/${pkg}_"*.deb | head -n 1)
		dpkg-deb --fsys-tarfile "$deb" | tar -x -O --wildcards './usr/src/linux-source-*.tar.xz' | tar -xJ -C "$dir"
		src=$(ls -d "$dir"/linux-source-*)
		mv "$src" "$dir/src"
		start=$(date +%s)
		make -C "$dir/src" -s tinyconfig >/dev/null
		"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$dir/src" "$dir/src/.config" "$here/qemu.config" >/dev/null
		make -C "$dir/src" -s olddefconfig >/dev/null
		# Every line must have taken, except symbols this kernel does not have
		# (PROC_SYSCTL, for one, is gone in 7.x, where SYSCTL covers it).
		missing=$(grep -v '^#' "$here/qemu.config" | grep . | while read -r want; do
			sym=${want%%=*}
			grep -rqsx --include='Kconfig*' "config ${sym#CONFIG_}" "$dir/src" || continue
			grep -qx "$want" "$dir/src/.config" || echo "$want"; done)
		[ -z "$missing" ] || { echo "build.sh: $pkg: config lines that did not take: $missing" >&2; exit 1; }
		make -C "$dir/src" -s -j"$jobs" bzImage modules >"$dir/build.log" 2>&1 ||
			{ tail -n 30 "$dir/build.log" >&2; exit 1; }
		echo "build.sh: built $pkg in $(($(date +%s) - start)) s"
		touch "$dir/ok"
	fi
	release=$(make -C "$dir/src" -s kernelrelease)
	entries+=("{\"line\":\"${release%.*}\",\"release\":\"$release\",\"kdir\":\"$dir/src\",\"image\":\"$dir/src/arch/x86/boot/bzImage\",\"source\":\"$pkg $version\"}")
done

(IFS=,; echo "[${entries[*]}]") >"$kernels/manifest.json"
echo "build.sh: wrote $kernels/manifest.json"
