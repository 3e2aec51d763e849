#!/usr/bin/env bash
# Benchmark: what the kernel API probes cost. A project with one module of
# every kind is built against each installed Debian kernel (or KDIR=...)
# with its probes, and a twin without probing (the same sources, the probe
# results given as a plain header, the probe part of Kbuild removed): the
# first build from clean and a rebuild after one source changed, the median
# of RUNS (default 5) alternating runs of each. Prints the figures and the
# ratios (targets: first build <= 1.3x, rebuild <= 1.05x); asserts nothing.
# Usage: npm run bench:probes   [KDIR=/lib/modules/<release>/build] [RUNS=5]
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build >/dev/null
gen="node $PWD/dist/generators/cli.js"
runs=${RUNS:-5}
jobs=-j$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

probing=$work/probing
mkdir -p "$probing"
(
	cd "$probing"
	$gen --name bhello --yes
	for kind in chardev platform pci i2c netdev usb; do $gen "$kind" --name "b$kind" --yes; done
) >/dev/null 2>&1

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
# seconds DIR KDIR TARGETS...: wall time of make in DIR.
seconds() {
	local dir=$1 kdir=$2 t0
	shift 2
	t0=$(now)
	make -s -C "$dir" "$jobs" KDIR="$kdir" KMOD_TEST_MODULES=1 "$@" >/dev/null 2>&1
	echo "$(now) - $t0" | bc
}

kdirs=${KDIR:-$(ls -d /lib/modules/*/build 2>/dev/null)}
for kdir in $kdirs; do
	# The twin: the probe results of this kernel as a plain header, no probing.
	plain=$work/plain
	rm -rf "$plain"
	cp -a "$probing" "$plain"
	rm -rf "$plain/.kmod-probes"
	make -s -C "$plain" "$jobs" KDIR="$kdir" KMOD_TEST_MODULES=1 >/dev/null 2>&1
	cp "$plain"/.kmod-probes/*/kmod_probes.h "$plain/kmod_probes.h"
	sed -i '/^# Kernel API probes/,$d' "$plain/Kbuild"
	rm -rf "$plain/probes" "$plain/.kmod-probes"
	make -s -C "$plain" "$jobs" KDIR="$kdir" clean >/dev/null 2>&1
	first_p=() first_n=() re_p=() re_n=()
	for _ in $(seq "$runs"); do
		for dir in "$probing" "$plain"; do
			make -s -C "$dir" KDIR="$kdir" clean >/dev/null 2>&1
			rm -rf "$dir/.kmod-probes"
			f=$(seconds "$dir" "$kdir")
			touch "$dir/bchardev.c"
			r=$(seconds "$dir" "$kdir")
			if [ "$dir" = "$probing" ]; then first_p+=("$f") re_p+=("$r"); else first_n+=("$f") re_n+=("$r"); fi
		done
	done
	fp=$(printf '%s\n' "${first_p[@]}" | median) fn=$(printf '%s\n' "${first_n[@]}" | median)
	rp=$(printf '%s\n' "${re_p[@]}" | median) rn=$(printf '%s\n' "${re_n[@]}" | median)
	# Compiler runs: the batch units, and the forms the batch left to be compiled on their own.
	res=$(echo "$probing"/.kmod-probes/*)
	printf '%s (%d probe files, %d compiler runs for this kernel, %s, median of %d)\n' "$kdir" \
		"$(ls "$probing"/probes/*.c | wc -l)" \
		"$(($(ls "$res"/batch*.c | wc -l) + $(ls "$probing"/probes/*.c | wc -l) - $(wc -l <"$res/batch.res")))" "$jobs" "$runs"
	printf '  first build: %6.2f s with probes, %6.2f s without: %.2fx (target <= 1.3x)\n' "$fp" "$fn" "$(echo "$fp / $fn" | bc -l)"
	printf '  rebuild:     %6.2f s with probes, %6.2f s without: %.2fx (target <= 1.05x)\n' "$rp" "$rn" "$(echo "$rp / $rn" | bc -l)"
done
