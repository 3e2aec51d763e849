#!/usr/bin/env bash
# Fetches Debian 12's arm64 and armhf (armmp) kernels, 6.1 and 6.12, for the
# kernel suite's ARM tests: per architecture and line the image, the headers
# (flavour and -common), the in-tree modules and a static busybox, unpacked
# with dpkg -x. The packages come through a private apt configuration (its own
# sources list, state and cache; APT::Architectures set for it alone): the
# machine's apt sources, architectures and dpkg database are never touched.
#
# Usage: fetch.sh [--if-wanted]
# The versions are the host's linux-kbuild-6.1 and linux-kbuild-6.12.* ones
# (installed with the amd64 headers): Debian's ARM headers run kbuild's host
# programs from the host's linux-kbuild (Multi-Arch: foreign), which must be
# the same version. Fix-ups after unpacking:
# - the flavour Makefile includes its -common tree by absolute path
#   (/usr/src/...): rewritten to the unpacked one;
# - the headers' scripts/ and tools/ link to ../../lib/linux-kbuild-<v>:
#   that is linked to the host's /usr/lib/linux-kbuild-<v>;
# - depmod -b writes modules.dep (the package leaves it to its postinst).
# Cache: $KMOD_CACHE_DIR or ~/.cache/generator-kmod, arm/<arch>-<line>_<version>/,
# keyed by architecture, line and package version; prints hits and misses.
# Writes arm/manifest.json for the tests (test/kernel/support/arm.ts) and
# removes the kernels of other versions. A hit needs no network.
set -euo pipefail

# --if-wanted: from npm test. KMOD_ARM_KERNELS=0 leaves the ARM kernels out;
# outside CI a failure only warns (the ARM tests then skip loudly).
if [ "${1:-}" = --if-wanted ]; then
	shift
	[ "${KMOD_ARM_KERNELS:-1}" != 0 ] || { echo "fetch.sh: KMOD_ARM_KERNELS=0: ARM kernels not used"; exit 0; }
	if [ -z "${CI:-}" ] || [ "${CI:-}" = false ]; then
		"$0" "$@" || echo "fetch.sh: WARNING: could not fetch Debian's ARM kernels; the ARM tests will be skipped (not in CI)" >&2
		exit 0
	fi
fi

cache=${KMOD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/generator-kmod}/arm
apt_dir=$cache/apt
mkdir -p "$cache"

# The lines and the host's kbuild version of each.
v61=$(dpkg-query -W -f='${Version}' linux-kbuild-6.1 2>/dev/null) ||
	{ echo "fetch.sh: linux-kbuild-6.1 is not installed (it comes with linux-headers-amd64: test/kernel/install-deps.sh)" >&2; exit 1; }
v612=$(dpkg-query -W -f='${Version}\n' 'linux-kbuild-6.12*' 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$v612" ] || { echo "fetch.sh: linux-kbuild-6.12.* is not installed (it comes with linux-headers-6.12-amd64: test/kernel/install-deps.sh)" >&2; exit 1; }

apt_ready=
apt_opts=(-q -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
	-o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::status=$apt_dir/status"
	-o "Dir::Cache=$apt_dir" -o "Dir::Cache::Archives=$apt_dir/archives"
	-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o APT::Architectures::=armhf
	-o APT::Sandbox::User=root)
. "$(dirname "$0")/../apt-update.sh"
apt_update() {
	[ -z "$apt_ready" ] || return 0
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
	: >"$apt_dir/status"
	cat >"$apt_dir/sources.list" <<-'LIST'
	deb [arch=arm64,armhf] http://deb.debian.org/debian bookworm main
	deb [arch=arm64,armhf] http://deb.debian.org/debian-security bookworm-security main
	LIST
	apt_get_update "${apt_opts[@]}"
	apt_ready=1
}

# fetch ARCH LINE VERSION METAPACKAGE FLAVOUR: one kernel, unpacked into its
# cache folder; prints its manifest entry.
entries=()
used=()
fetch() {
	local arch=$1 line=$2 version=$3 meta=$4 flavour=$5
	local key=$arch-${line}_$version root abi q start debs kdir link k
	root=$cache/$key
	used+=("$key")
	if [ -f "$root/ok" ]; then
		echo "fetch.sh: cache hit  $arch $line $version ($root)" >&2
	else
		start=$(date +%s)
		echo "fetch.sh: cache miss $arch $line $version: downloading and unpacking (about 15 s)" >&2
		apt_update
		q=$meta:$arch=$version
		abi=$(apt-cache "${apt_opts[@]}" show "$q" | sed -n "s/^Depends: linux-headers-\([^ ]*\)-$flavour .*/\1/p" | head -n 1)
		[ -n "$abi" ] || { echo "fetch.sh: no $q in bookworm or bookworm-security" >&2; return 1; }
		rm -rf "$root" "$apt_dir/archives"/*.deb
		(cd "$apt_dir/archives" && apt-get "${apt_opts[@]}" download "busybox-static:$arch" \
			"linux-image-$abi-$flavour:$arch" "linux-headers-$abi-$flavour:$arch" "linux-headers-$abi-common" >/dev/null)
		mkdir -p "$root"
		for debs in "$apt_dir/archives"/*.deb; do dpkg -x "$debs" "$root"; done
		rm -f "$apt_dir/archives"/*.deb
		kdir=$root/usr/src/linux-headers-$abi-$flavour
		sed -i "s#^include /usr/src/#include $root/usr/src/#" "$kdir/Makefile"
		link=$(readlink "$kdir/scripts")
		k=/usr/lib/${link#../../lib/}
		k=${k%/scripts}
		[ -d "$k" ] || { echo "fetch.sh: $kdir/scripts links to $k, which the host does not have" >&2; return 1; }
		mkdir -p "$root/usr/lib"
		ln -sfn "$k" "$root$k"
		depmod -b "$root" -a "$abi-$flavour"
		echo "$abi" >"$root/abi"
		touch "$root/ok"
		echo "fetch.sh: $arch $line $version ($abi-$flavour) in $(($(date +%s) - start)) s, $(du -sh "$root" | cut -f 1)" >&2
	fi
	abi=$(cat "$root/abi")
	local release=$abi-$flavour
	entries+=("{\"arch\":\"$arch\",\"sysroot\":\"${sysroot_of[$arch]}\",\"line\":\"$line\",\"version\":\"$version\",\"release\":\"$release\",\"root\":\"$root\",\"kdir\":\"$root/usr/src/linux-headers-$release\",\"image\":\"$root/boot/vmlinuz-$release\",\"moddir\":\"$root/lib/modules/$release\",\"busybox\":\"$root/bin/busybox\"}")
}

# sysroot ARCH: the programs of the tests' vmtest-host lines for ARCH (the
# host's are x86) with every library they need, unpacked into one folder
# (make vmtest's VMTEST_SYSROOT). apt resolves the dependencies against an
# empty package state and only downloads.
SYSROOT_PACKAGES=(e2fsprogs dosfstools v4l-utils)
declare -A sysroot_of
sysroot() {
	local arch=$1 key root start p
	key=sysroot-${arch}_$(echo "${SYSROOT_PACKAGES[*]}" | md5sum | cut -c1-8)
	root=$cache/$key
	used+=("$key")
	if [ -f "$root/ok" ]; then
		echo "fetch.sh: cache hit  $arch sysroot ($root)" >&2
	else
		start=$(date +%s)
		echo "fetch.sh: cache miss $arch sysroot (${SYSROOT_PACKAGES[*]}): downloading and unpacking" >&2
		apt_update
		rm -rf "$root" "$apt_dir/archives"/*.deb
		apt-get "${apt_opts[@]}" -y -d --no-install-recommends -o Debug::NoLocking=1 install $(printf "%s:$arch " "${SYSROOT_PACKAGES[@]}") >/dev/null
		mkdir -p "$root"
		for p in "$apt_dir/archives"/*.deb; do dpkg -x "$p" "$root"; done
		rm -f "$apt_dir/archives"/*.deb
		touch "$root/ok"
		echo "fetch.sh: $arch sysroot in $(($(date +%s) - start)) s, $(du -sh "$root" | cut -f 1)" >&2
	fi
	sysroot_of[$arch]=$root
}
sysroot arm64
sysroot armhf

fetch arm64 6.1 "$v61" linux-headers-arm64 arm64
fetch arm64 6.12 "$v612" linux-headers-6.12-arm64 arm64
fetch armhf 6.1 "$v61" linux-headers-armmp armmp
fetch armhf 6.12 "$v612" linux-headers-6.12-armmp armmp

# Kernels of other versions (an earlier security update) go.
for old in "$cache"/arm64-* "$cache"/armhf-* "$cache"/sysroot-*; do
	[ -d "$old" ] || continue
	case " ${used[*]} " in *" ${old##*/} "*) ;; *) echo "fetch.sh: removing $old (not used)" >&2; rm -rf "$old" ;; esac
done

manifest=$cache/manifest.json
(IFS=,; echo "[${entries[*]}]") >"$manifest.tmp"
mv "$manifest.tmp" "$manifest"
echo "fetch.sh: ${#entries[@]} ARM kernels in $manifest" >&2
