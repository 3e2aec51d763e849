#!/usr/bin/env bash
# Builds small bootable kernels from Debian's linux-source packages of other
# releases (5.10 from bullseye, the newest 7.x from trixie-backports) for the
# kernel suite, and caches them. The packages are fetched with a private apt
# configuration: the machine's own apt sources are never touched.
#
# Usage: build.sh [LINE...]   (default: 5.10 7)
# Per line: the boot kernel (tinyconfig + qemu.config) and the configurations
# derived from it (configs/*.config): on 7.x a debug kernel with lockdep,
# KASAN, kmemleak, UBSAN, DEBUG_OBJECTS..., built and booted; PM off, and OF
# on with PM_SLEEP off, prepared only (modules_prepare: modules build against
# them, nothing boots them; see prepared_tree below). On 5.10 also a tree
# configured with clang (LLVM=1), prepared only (see llvm_tree below).
# Cache: $KMOD_CACHE_DIR or ~/.cache/generator-kmod, kernels/<key>/, keyed by
# source package version + config fragments + compiler; prints hits and misses.
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
. "$here/../apt-update.sh"
apt_get_update "${apt_opts[@]}" || true

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(5.10 7)
jobs=$(nproc)
cc_version=$(gcc --version | head -n 1)
entries=()
used=()

# Configurations derived from each line's boot kernel (configs/<name>.config
# merged over its .config): build-only variants on every line, the debug
# kernel (booted too) on 7.x. KMOD_DEBUG_LINES="5.10 7" adds a 5.10 one.
derived_for() {
	echo nopm of
	case " ${KMOD_DEBUG_LINES:-7} " in *" $1 "*) echo debug ;; esac
}
# The build-only ones are prepared, not built: what a module build reads (the
# configuration, generated headers, kbuild's tools) is all there, in about a
# minute instead of a full build (10-15 min each on 2 cores). Without vmlinux
# they have no Module.symvers of their own: the boot tree's is copied in, so
# modpost checks the modules' symbols against the boot configuration's
# exports (their CRCs are the boot kernel's: nothing boots these trees).
prepared_config() {
	case $1 in nopm | of) return 0 ;; *) return 1 ;; esac
}

# Every line of a fragment must have taken after olddefconfig, except
# symbols this kernel does not have (PROC_SYSCTL, for one, is gone in 7.x).
verify_config() { # tree fragment
	local tree=$1 fragment=$2 missing
	missing=$(grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$fragment" | while read -r want; do
		case $want in
		'# '*) sym=${want#\# }; sym=${sym%% *} ;;
		*) sym=${want%%=*} ;;
		esac
		grep -rqsx --include='Kconfig*' "\(menu\)\?config ${sym#CONFIG_}" "$tree" || continue
		case $want in
		'# '*) ! grep -q "^$sym=" "$tree/.config" || echo "$want" ;;
		*) grep -qx "$want" "$tree/.config" || echo "$want" ;;
		esac
	done)
	[ -z "$missing" ] || { echo "build.sh: $tree: config lines that did not take: $missing" >&2; return 1; }
}

# A tree of an earlier configuration of the same sources (a finished one,
# with its "ok" file and the same package version in its "source" file, or
# for older trees without one the same upstream version; the glob matches
# the keys, 16 hex digits, not the derived trees), if any: when the
# fragments change, building over it skips the download and extraction and
# rebuilds only what uses a changed option (kbuild tracks that per file):
# little for a driver option, most of the tree for one that core headers
# use (POSIX timers in <linux/sched.h>).
hex16=$(printf '[0-9a-f]%.0s' $(seq 16))
reusable_tree() { # glob source
	local old upstream=${2#*=}
	upstream=${upstream%%-*}
	for old in $1; do
		[ -f "$old/ok" ] || continue
		if [ -f "$old/source" ]; then
			[ "$(cat "$old/source")" = "$2" ] && { echo "$old"; return; }
		# Trees built before "source" files were written: the same upstream version.
		elif [ "$(make -s -C "$old/src" kernelversion 2>/dev/null)" = "$upstream" ]; then
			echo "$old"
			return
		fi
	done
}

build_tree() { # tree log
	local start
	start=$(date +%s)
	make -C "$1" -s -j"$jobs" bzImage modules >"$2" 2>&1 || { tail -n 30 "$2" >&2; return 1; }
	echo "build.sh: built $1 in $(($(date +%s) - start)) s"
}

add_entry() { # config dir source [image [more JSON members]]
	local release
	release=$(make -C "$2/src" -s kernelrelease)
	entries+=("{\"line\":\"${release%.*}\",\"config\":\"$1\",\"release\":\"$release\",\"kdir\":\"$2/src\",\"image\":\"${4-$2/src/arch/x86/boot/bzImage}\",\"source\":\"$3\"${5:+,$5}}")
}

# The package's kernel sources, from the private apt cache, as DIR/src.
extract_source() { # pkg version dir
	local deb src
	(cd "$apt_dir/archives" && apt-get "${apt_opts[@]}" download "$1=$2" >/dev/null)
	deb=$(ls "$apt_dir/archives/${1}_"*.deb | head -n 1)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -O --wildcards './usr/src/linux-source-*.tar.xz' | tar -xJ -C "$3"
	src=$(ls -d "$3"/linux-source-*)
	mv "$src" "$3/src"
}

# A cache miss: DIR made from the earlier tree of the same kind and sources
# (GLOB, see reusable_tree), or else by COMMAND (DIR exists, empty).
miss_tree() { # dir glob pkg version kind what-a-fresh-one-takes command...
	local old
	rm -rf "$1"
	old=$(reusable_tree "$2" "$3=$4")
	if [ -n "$old" ]; then
		echo "build.sh: cache miss $3 $4 $5: rebuilding $old for the new configuration"
		mv "$old" "$1"
		rm -f "$1/ok"
	else
		echo "build.sh: cache miss $3 $4 $5: $6"
		mkdir -p "$1"
		"${@:7}"
	fi
	echo "$3=$4" >"$1/source"
}

# The line whose clang-configured tree proves LLVM=1 (test/kernel/llvm.test.ts):
# 5.10, because 7.x needs clang 17 (its Documentation/process/changes.rst) and
# Debian 12 has 14 to 16; 5.10 wants 10.0.1 and its LLVM=1 means the plain
# clang, ld.lld, llvm-ar... names, which Debian 12's clang, lld and llvm
# packages (14) provide.
llvm_line=5.10

# That tree: the line's boot configuration (its .config: tinyconfig +
# qemu.config) taken again by olddefconfig with LLVM=1, so only what depends
# on the compiler changes, and nothing built but what external modules need
# (modules_prepare: no vmlinux, no Module.symvers; about a minute from a cold
# cache on 2 cores, a third of it the extraction). Modules build against it;
# modpost cannot check their symbols. Keyed by the boot tree's key and the
# clang and lld versions. Without clang, lld and llvm it is left out with a
# warning (the test then fails in CI and skips elsewhere).
llvm_tree() { # pkg version boot-dir boot-key
	local pkg=$1 version=$2 tool lkey ldir start
	for tool in clang ld.lld llvm-ar llvm-nm llvm-objcopy; do
		command -v "$tool" >/dev/null || {
			echo "build.sh: WARNING: $tool not found (test/kernel/install-deps.sh installs clang, lld, llvm): no clang-built $pkg tree" >&2
			return 0
		}
	done
	lkey=$(printf '%s\n%s\n%s\n%s\n' "$4" "$(clang --version | head -n 1)" "$(ld.lld --version | head -n 1)" \
		'LLVM=1 olddefconfig modules_prepare' | sha256sum | cut -c1-16)
	ldir=$kernels/$pkg-llvm-$lkey
	if [ -f "$ldir/ok" ]; then
		echo "build.sh: cache hit  $pkg $version llvm ($ldir)"
	else
		start=$(date +%s)
		miss_tree "$ldir" "$kernels/$pkg-llvm-$hex16" "$pkg" "$version" llvm 'preparing (about a minute)' \
			extract_source "$pkg" "$version" "$ldir"
		cp "$3/src/.config" "$ldir/src/.config"
		make -C "$ldir/src" -s LLVM=1 olddefconfig >/dev/null
		verify_config "$ldir/src" "$here/qemu.config"
		grep -qx CONFIG_CC_IS_CLANG=y "$ldir/src/.config" || { echo "build.sh: $ldir/src: not configured for clang" >&2; return 1; }
		make -C "$ldir/src" -s -j"$jobs" LLVM=1 modules_prepare >"$ldir/build.log" 2>&1 || { tail -n 30 "$ldir/build.log" >&2; return 1; }
		touch "$ldir/ok"
		echo "build.sh: prepared $ldir in $(($(date +%s) - start)) s"
	fi
	add_entry llvm "$ldir" "$pkg $version" '' '"makeArgs":["LLVM=1"]'
	used+=("$ldir")
}

# The newest line's user-space tools: Debian 13's (trixie: the release the
# 7.x kernels are backports for) programs of the tests' vmtest-host lines
# with every library they need, unpacked with dpkg -x (apt resolves them
# against an empty package state and only downloads), for make vmtest's
# VMTEST_SYSROOT: a v4l2-compliance that knows the kernel's API, where
# Debian 12's is older than every kernel tested. Keyed by release and
# package list; listed as the 7.x entries' "sysroot".
TOOLS_RELEASE=trixie
TOOLS_PACKAGES=(v4l-utils e2fsprogs dosfstools)
tools_sysroot() {
	local key root tools_apt start p
	key=tools-$TOOLS_RELEASE-amd64_$(echo "${TOOLS_PACKAGES[*]}" | md5sum | cut -c1-8)
	root=$kernels/$key
	if [ -f "$root/ok" ]; then
		echo "build.sh: cache hit  $TOOLS_RELEASE tools ($root)"
	else
		start=$(date +%s)
		echo "build.sh: cache miss $TOOLS_RELEASE tools (${TOOLS_PACKAGES[*]}): downloading and unpacking"
		tools_apt=$cache/apt-$TOOLS_RELEASE
		rm -rf "$root" "$tools_apt"
		mkdir -p "$tools_apt/lists/partial" "$tools_apt/archives/partial"
		: >"$tools_apt/status"
		echo "deb [arch=amd64] http://deb.debian.org/debian $TOOLS_RELEASE main" >"$tools_apt/sources.list"
		local opts=(-q -o "Dir::Etc::SourceList=$tools_apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
			-o "Dir::State=$tools_apt" -o "Dir::State::Lists=$tools_apt/lists" -o "Dir::State::status=$tools_apt/status"
			-o "Dir::Cache=$tools_apt" -o "Dir::Cache::Archives=$tools_apt/archives" -o APT::Sandbox::User=root
			-o APT::Architecture=amd64 -o APT::Architectures=amd64)
		apt_get_update "${opts[@]}" || true
		apt-get "${opts[@]}" -y -d --no-install-recommends -o Debug::NoLocking=1 install "${TOOLS_PACKAGES[@]}" >/dev/null
		mkdir -p "$root"
		for p in "$tools_apt/archives"/*.deb; do dpkg -x "$p" "$root"; done
		rm -rf "$tools_apt"
		touch "$root/ok"
		echo "build.sh: $TOOLS_RELEASE tools in $(($(date +%s) - start)) s, $(du -sh "$root" | cut -f 1)"
	fi
	tools_root=$root
	for p in "$kernels"/tools-*; do
		[ "$p" = "$root" ] || { echo "build.sh: removing unused $p"; rm -rf "$p"; }
	done
}
# A build-only configuration (prepared_config): the line's boot configuration
# with the fragment merged, from fresh sources, and only modules_prepare.
# Keyed by the boot tree's key, the fragment and the way it is made.
prepared_tree() { # pkg version boot-dir boot-key name fragment
	local pkg=$1 version=$2 name=$5 fragment=$6 pkey pdir start
	pkey=$(printf '%s\n%s\n%s\n' "$4" "$(cat "$fragment")" 'olddefconfig modules_prepare' | sha256sum | cut -c1-16)
	pdir=$kernels/$pkg-$name-$pkey
	if [ -f "$pdir/ok" ]; then
		echo "build.sh: cache hit  $pkg $version $name ($pdir)"
	else
		start=$(date +%s)
		miss_tree "$pdir" "$kernels/$pkg-$name-$hex16" "$pkg" "$version" "$name" 'preparing (about a minute)' \
			extract_source "$pkg" "$version" "$pdir"
		cp "$3/src/.config" "$pdir/src/.config"
		"$pdir/src/scripts/kconfig/merge_config.sh" -m -O "$pdir/src" "$pdir/src/.config" "$fragment" >/dev/null
		make -C "$pdir/src" -s olddefconfig >/dev/null
		verify_config "$pdir/src" "$fragment"
		# A tree reused from a full build: no stale image.
		rm -f "$pdir/src/vmlinux" "$pdir/src/arch/x86/boot/bzImage"
		make -C "$pdir/src" -s -j"$jobs" modules_prepare >"$pdir/build.log" 2>&1 || { tail -n 30 "$pdir/build.log" >&2; return 1; }
		touch "$pdir/ok"
		echo "build.sh: prepared $pdir in $(($(date +%s) - start)) s"
	fi
	cp "$3/src/Module.symvers" "$pdir/src/Module.symvers"
	add_entry "$name" "$pdir" "$pkg $version" '' "\"prepared\":true${tools:+,$tools}"
	used+=("$pdir")
}

tools_root=
case " ${lines[*]} " in *" 7 "*) tools_sysroot ;; esac

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
		echo "build.sh: cache hit  $pkg $version boot ($dir)"
	else
		miss_tree "$dir" "$kernels/$pkg-$hex16" "$pkg" "$version" boot 'building (several minutes)' \
			extract_source "$pkg" "$version" "$dir"
		make -C "$dir/src" -s tinyconfig >/dev/null
		"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$dir/src" "$dir/src/.config" "$here/qemu.config" >/dev/null
		make -C "$dir/src" -s olddefconfig >/dev/null
		verify_config "$dir/src" "$here/qemu.config"
		build_tree "$dir/src" "$dir/build.log"
		touch "$dir/ok"
	fi
	tools=
	[ "$line" != 7 ] || tools="\"sysroot\":\"$tools_root\""
	add_entry boot "$dir" "$pkg $version" "$dir/src/arch/x86/boot/bzImage" "$tools"
	used+=("$dir")

	# Derived configurations start from a copy of the built boot tree (an
	# in-tree build holds no absolute paths), so kbuild rebuilds only what the
	# changed options touch (everything, for the debug kernel's compiler flags).
	for name in $(derived_for "$line"); do
		fragment=$here/configs/$name.config
		if prepared_config "$name"; then
			prepared_tree "$pkg" "$version" "$dir" "$key" "$name" "$fragment"
			continue
		fi
		dkey=$(printf '%s\n%s\n' "$key" "$(cat "$fragment")" | sha256sum | cut -c1-16)
		ddir=$kernels/$pkg-$name-$dkey
		if [ -f "$ddir/ok" ]; then
			echo "build.sh: cache hit  $pkg $version $name ($ddir)"
		else
			# Its own earlier tree (only what changed since is rebuilt), else a
			# copy of the boot tree; either way from the boot configuration.
			miss_tree "$ddir" "$kernels/$pkg-$name-$hex16" "$pkg" "$version" "$name" building \
				cp -a "$dir/src" "$ddir/src"
			cp "$dir/src/.config" "$ddir/src/.config"
			"$ddir/src/scripts/kconfig/merge_config.sh" -m -O "$ddir/src" "$ddir/src/.config" "$fragment" >/dev/null
			make -C "$ddir/src" -s olddefconfig >/dev/null
			verify_config "$ddir/src" "$fragment"
			build_tree "$ddir/src" "$ddir/build.log"
			touch "$ddir/ok"
		fi
		add_entry "$name" "$ddir" "$pkg $version" "$ddir/src/arch/x86/boot/bzImage" "$tools"
		used+=("$ddir")
	done
	if [ "$line" = "$llvm_line" ]; then llvm_tree "$pkg" "$version" "$dir" "$key"; fi

	# Trees of this line that this run does not use (an older key or package
	# version, a configuration no longer wanted): removed, each is 1-2 GB.
	if [ "$line" = 7 ]; then prefix=linux-source-7.; else prefix=linux-source-$line-; fi
	for old in "$kernels/$prefix"*; do
		[ -d "$old" ] || continue
		case " ${used[*]} " in *" $old "*) continue ;; esac
		echo "build.sh: removing unused $old"
		rm -rf "$old"
	done
done

(IFS=,; echo "[${entries[*]}]") >"$kernels/manifest.json"
echo "build.sh: wrote $kernels/manifest.json"
