#!/usr/bin/env bash
# Fetches Debian 12's arm64 and armhf (armmp) kernels, 6.1 and 6.12, for the
# kernel suite's ARM tests: per architecture and line the image, the headers
# (flavour and -common), the in-tree modules and a static busybox, unpacked
# with dpkg -x. The packages come through a private apt configuration per
# architecture (its own sources list, state and cache; APT::Architectures set
# for it alone): the machine's apt sources, architectures and dpkg database
# are never touched. A suite whose index the mirror serves out of step with
# its signed Release (mid-sync) is read from that index, with a warning (see
# field below).
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
mkdir -p "$cache"
rm -rf "$cache/apt" # the one configuration for both architectures of earlier versions

# The lines and the host's kbuild version of each.
v61=$(dpkg-query -W -f='${Version}' linux-kbuild-6.1 2>/dev/null) ||
	{ echo "fetch.sh: linux-kbuild-6.1 is not installed (it comes with linux-headers-amd64: test/kernel/install-deps.sh)" >&2; exit 1; }
v612=$(dpkg-query -W -f='${Version}\n' 'linux-kbuild-6.12*' 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$v612" ] || { echo "fetch.sh: linux-kbuild-6.12.* is not installed (it comes with linux-headers-6.12-amd64: test/kernel/install-deps.sh)" >&2; exit 1; }

# One private apt configuration per architecture (apt keeps or drops a suite's
# indexes as a whole: a failed armhf index must not cost arm64 its own).
declare -A apt_ready
apt_opts() {
	local d=$cache/apt-$1
	opts=(-q -o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State=$d" -o "Dir::State::Lists=$d/lists" -o "Dir::State::status=$d/status"
		-o "Dir::Cache=$d" -o "Dir::Cache::Archives=$d/archives"
		-o "APT::Architecture=$1" -o "APT::Architectures::=$1" -o APT::Sandbox::User=root)
}
. "$(dirname "$0")/../apt-update.sh"
MIRROR=http://deb.debian.org
SUITES=("debian bookworm" "debian-security bookworm-security")
apt_update() {
	local arch=$1 d=$cache/apt-$1 opts suite
	[ -z "${apt_ready[$arch]:-}" ] || return 0
	apt_opts "$arch"
	mkdir -p "$d/lists/partial" "$d/archives/partial"
	rm -f "$d"/raw-* # a raw index is read for one run only
	: >"$d/status"
	for suite in "${SUITES[@]}"; do echo "deb [arch=$arch] $MIRROR/${suite% *} ${suite#* } main"; done >"$d/sources.list"
	apt_get_update "${opts[@]}" || true
	apt_ready[$arch]=1
}

# known ARCH PACKAGE VERSION: whether apt's indexes have it (apt-cache show
# succeeds with nothing to show when they have not); sets opts.
known() {
	apt_opts "$1"
	[ -n "$(apt-cache "${opts[@]}" show "$2:$1=$3" 2>/dev/null)" ]
}

# field ARCH PACKAGE VERSION FIELD: a field of one package's entry. From apt's
# verified indexes; when apt does not know the package and a suite's index is
# missing from apt's lists (a mirror mid-sync served one that does not match
# its signed Release, and apt dropped the suite), from that suite's index as
# the mirror serves it, loudly: such a package's hash is then the unsigned
# index's.
field() {
	local arch=$1 p=$2 v=$3 f=$4 raw suite opts
	if known "$arch" "$p" "$v"; then
		apt-cache "${opts[@]}" show "$p:$arch=$v" | sed -n "s/^$f: //p" | head -n 1
		return
	fi
	for suite in "${SUITES[@]}"; do
		# apt has this suite's index: what it has not, the suite has not.
		compgen -G "$cache/apt-$arch/lists/*_${suite% *}_dists_${suite#* }_main_binary-${arch}_Packages*" >/dev/null && continue
		raw=$cache/apt-$arch/raw-${suite#* }.Packages
		if [ ! -s "$raw" ]; then
			echo "fetch.sh: WARNING: $arch: reading ${suite#* }'s index as the mirror serves it, unverified (apt refused it)" >&2
			/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$MIRROR/${suite% *}/dists/${suite#* }/main/binary-$arch/Packages.xz" "$raw.xz" >/dev/null &&
				xz -dc "$raw.xz" >"$raw" && rm -f "$raw.xz" || { rm -f "$raw" "$raw.xz"; continue; }
		fi
		awk -v p="$p" -v v="$v" -v f="$f" -v base="$MIRROR/${suite% *}/" '
			/^$/ { if (pk == p && ve == v && val != "") { print val; found = 1; exit } pk = ve = val = "" }
			/^Package: / { pk = $2 } /^Version: / { ve = $2 }
			index($0, f ": ") == 1 { val = substr($0, length(f) + 3); if (f == "Filename") val = base val }
			END { if (!found && pk == p && ve == v && val != "") print val }' "$raw" | grep . && return
	done
	return 0
}

# download ARCH DIR PACKAGE=VERSION...: the packages' .debs into DIR, each
# checked against its index's SHA256 (apt's own download when apt has the
# package, apt-helper otherwise).
download() {
	local arch=$1 dir=$2 pv p v url sha opts
	shift 2
	for pv in "$@"; do
		p=${pv%%=*} v=${pv#*=}
		if known "$arch" "$p" "$v"; then
			(cd "$dir" && apt-get "${opts[@]}" download "$p:$arch=$v" >/dev/null)
			continue
		fi
		url=$(field "$arch" "$p" "$v" Filename)
		sha=$(field "$arch" "$p" "$v" SHA256)
		[ -n "$url" ] && [ -n "$sha" ] || { echo "fetch.sh: no $p:$arch=$v in ${SUITES[*]}" >&2; return 1; }
		/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$url" "$dir/${p}_$arch.deb" "SHA256:$sha" >/dev/null
	done
}

# newest ARCH PACKAGE: the candidate version apt would install.
newest() {
	local opts
	apt_opts "$1"
	apt-cache "${opts[@]}" policy "$2:$1" | sed -n 's/^  Candidate: //p'
}

# fetch ARCH LINE VERSION METAPACKAGE FLAVOUR: one kernel, unpacked into its
# cache folder; prints its manifest entry.
entries=()
used=()
fetch() {
	local arch=$1 line=$2 version=$3 meta=$4 flavour=$5
	local key=$arch-${line}_$version root abi start debs kdir link k tmp
	root=$cache/$key
	used+=("$key")
	if [ -f "$root/ok" ]; then
		echo "fetch.sh: cache hit  $arch $line $version ($root)" >&2
	else
		start=$(date +%s)
		echo "fetch.sh: cache miss $arch $line $version: downloading and unpacking (about 15 s)" >&2
		apt_update "$arch"
		abi=$(field "$arch" "$meta" "$version" Depends | sed -n "s/^linux-headers-\([^ ]*\)-$flavour .*/\1/p")
		[ -n "$abi" ] || { echo "fetch.sh: no $meta:$arch=$version in ${SUITES[*]}" >&2; return 1; }
		tmp=$cache/apt-$arch/debs
		rm -rf "$root" "$tmp"
		mkdir -p "$tmp"
		download "$arch" "$tmp" "busybox-static=$(newest "$arch" busybox-static)" "linux-image-$abi-$flavour=$version" \
			"linux-headers-$abi-$flavour=$version" "linux-headers-$abi-common=$version"
		mkdir -p "$root"
		for debs in "$tmp"/*.deb; do dpkg -x "$debs" "$root"; done
		rm -rf "$tmp"
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
	local arch=$1 key root start p opts
	key=sysroot-${arch}_$(echo "${SYSROOT_PACKAGES[*]}" | md5sum | cut -c1-8)
	root=$cache/$key
	used+=("$key")
	if [ -f "$root/ok" ]; then
		echo "fetch.sh: cache hit  $arch sysroot ($root)" >&2
	else
		start=$(date +%s)
		echo "fetch.sh: cache miss $arch sysroot (${SYSROOT_PACKAGES[*]}): downloading and unpacking" >&2
		apt_update "$arch"
		apt_opts "$arch"
		rm -rf "$root" "$cache/apt-$arch/archives"/*.deb
		apt-get "${opts[@]}" -y -d --no-install-recommends -o Debug::NoLocking=1 install $(printf "%s:$arch " "${SYSROOT_PACKAGES[@]}") >/dev/null
		mkdir -p "$root"
		for p in "$cache/apt-$arch/archives"/*.deb; do dpkg -x "$p" "$root"; done
		rm -f "$cache/apt-$arch/archives"/*.deb
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
