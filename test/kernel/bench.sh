#!/usr/bin/env bash
# Benchmark: wall time of the kernel suite with a cold kernel cache (the 5.10
# and 7.x kernels built from source) and a warm one. Prints the figures; it
# asserts nothing. Usage: bash test/kernel/bench.sh [--warm-only]   (root)
set -euo pipefail
cd "$(dirname "$0")/../.."
cache=${KMOD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/generator-kmod}
npm run build >/dev/null

measure() {
	local label=$1 t0 t1 t2 status=pass log
	log=$(mktemp)
	t0=$(date +%s)
	bash test/kernel/source-kernels/build.sh >>"$log" 2>&1
	t1=$(date +%s)
	KMOD_MATRIX_FILE=$(mktemp) node --test --test-concurrency=2 dist/test/kernel/*.test.js >>"$log" 2>&1 || status=FAIL
	t2=$(date +%s)
	printf '%-5s kernels %4d s + kernel suite %4d s = %4d s (%s; log %s)\n' \
		"$label" $((t1 - t0)) $((t2 - t1)) $((t2 - t0)) "$status" "$log"
	grep -E '^build.sh: cache (hit|miss)' "$log" | sed 's/^/      /'
}

if [ "${1:-}" != --warm-only ]; then
	if [ -d "$cache/kernels" ]; then
		aside=$cache/kernels.bench-$$
		mv "$cache/kernels" "$aside"
		trap 'rm -rf "$cache/kernels"; mv "$aside" "$cache/kernels"' EXIT
	fi
	measure cold
fi
measure warm
