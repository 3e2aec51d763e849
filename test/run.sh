#!/usr/bin/env bash
# Runs node's test runner on the given test files (npm test, npm run
# test:kernel) with one scratch folder for the run: TMPDIR points into it, so
# every project, kernel copy and QEMU root the tests make lands there (and
# the matrix file, KMOD_MATRIX_FILE). A run that passes removes it; a run
# that fails keeps it for a look and says where (KMOD_KEEP_TMP=1 keeps it
# always). The files start in the order given (a file given twice runs
# once, where it came first): the longest first, so that the short ones
# fill the cores around them instead of the longest running alone at the
# end. node --test itself starts them in the order of their paths: each is
# linked into the scratch folder as NNN-<its path>.
set -uo pipefail
scratch=$(mktemp -d "${TMPDIR:-/tmp}/kmod-run.XXXXXX") || exit 1
# The vmtest runs as a normal account (nobody) reach their projects through it.
chmod 755 "$scratch"
export TMPDIR=$scratch KMOD_MATRIX_FILE=$scratch/matrix.jsonl
mkdir "$scratch/order"
files=()
for f in "$@"; do
	case " ${files[*]} " in *" $f "*) continue ;; esac
	files+=("$f")
done
links=()
for i in "${!files[@]}"; do
	links+=("$(printf '%s/order/%03d-%s' "$scratch" "$i" "$(basename "$(dirname "${files[$i]}")")-$(basename "${files[$i]}")")")
	ln -s "$(realpath "${files[$i]}")" "${links[$i]}" || exit 1
done
node --test --test-concurrency=2 "${links[@]}"
rc=$?
if [ "$rc" -ne 0 ] || [ -n "${KMOD_KEEP_TMP:-}" ]; then
	echo "test/run.sh: the run's files are kept in $scratch" >&2
else
	rm -rf "$scratch"
fi
exit "$rc"
