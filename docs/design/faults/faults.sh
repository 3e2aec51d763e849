# Prototype of the guest-side fault-injection helpers for vmtest (issue #27).
# Sourced by a test; needs CONFIG_FAULT_INJECTION_DEBUG_FS, FAILSLAB,
# FAULT_INJECTION_STACKTRACE_FILTER (per-task /proc/<pid>/fail-nth).
FI=/sys/kernel/debug
FAULTS_MAX=${FAULTS_MAX:-200}
# The attrs that fail-nth counts through (each should_fail() whose stack filter matches).
FAULT_ATTRS="failslab fail_page_alloc fail_function"

faults_supported() {
	[ -d $FI/failslab ] && [ -e /proc/self/fail-nth ] && [ -e $FI/failslab/require-start ]
}
# faults_range START END: count only calls with a return address in [START, END)
# on the stack (the module's code); every other attr that fail-nth would
# count is turned off with an empty range.
faults_range() {
	local a
	for a in $FAULT_ATTRS; do
		[ -d $FI/$a ] || continue
		echo 0 >$FI/$a/probability
		echo 1000000 >$FI/$a/times
		echo 32 >$FI/$a/stacktrace-depth
		echo 0 >$FI/$a/verbose_ratelimit_interval_ms
		echo 2 >$FI/$a/verbose
		echo 0 >$FI/$a/require-start
		echo 0 >$FI/$a/require-end
	done
	echo N >$FI/failslab/ignore-gfp-wait
	echo 0 >$FI/failslab/reject-start
	echo 0 >$FI/failslab/reject-end
	if [ -n "${FAULTS_REJECT:-}" ]; then
		echo "${FAULTS_REJECT% *}" >$FI/failslab/reject-start
		echo "${FAULTS_REJECT#* }" >$FI/failslab/reject-end
	fi
	echo "$1" >$FI/failslab/require-start
	echo "$2" >$FI/failslab/require-end
	if [ -n "${FAULTS_PAGES:-}" ]; then
		echo N >$FI/fail_page_alloc/ignore-gfp-wait
		echo 0 >$FI/fail_page_alloc/min-order
		echo N >$FI/fail_page_alloc/ignore-gfp-highmem
		echo "$1" >$FI/fail_page_alloc/require-start
		echo "$2" >$FI/fail_page_alloc/require-end
	fi
	if [ -n "${FAULTS_FUNCS:-}" ] && [ -d $FI/fail_function ]; then
		echo "$1" >$FI/fail_function/require-start
		echo "$2" >$FI/fail_function/require-end
	fi
}
# The text of loaded module $1: its lowest and highest symbol (+4 KiB).
module_text() {
	local s e
	s=$(grep -E "^[0-9a-f]+ [tT] .*\[$1\]\$" /proc/kallsyms | cut -d' ' -f1 | sort | sed -n '1p;$p' | tr '\n' ' ')
	set -- $s
	[ $# -ge 1 ] || return 1
	e=${2:-$1}
	printf '0x%s 0x%x\n' "$1" $((0x$e + 4096))
}
faults_used() {
	local a n=0
	for a in $FAULT_ATTRS; do
		[ -d $FI/$a ] && n=$((n + 1000000 - $(cat $FI/$a/times)))
	done
	echo $n
}
faults_reset_times() {
	local a
	for a in $FAULT_ATTRS; do
		[ -d $FI/$a ] && echo 1000000 >$FI/$a/times
	done
}
# Real trouble (not the injection's own stack dump nor the allocation-failure
# warnings it causes).
FAULT_TROUBLE='(^|[^A-Za-z])(Oops|BUG:)|WARNING:|Kernel panic|general protection|UBSAN:|KASAN|ODEBUG:|list_(add|del) corruption|possible (recursive|circular) locking|DEBUG_LOCKS_WARN_ON|refcount_t:'
# faults WHAT UNDO COMMAND...: runs COMMAND with the N-th fallible call made
# (with the module's code on the stack) failing, N = 1, 2, ... until a run
# injects nothing; after each run UNDO must succeed (and restore the state).
faults() {
	local what=$1 undo=$2 n=1 rc out used inj=0 failed=0 absorbed=0 sites= site t0 t1
	shift 2
	t0=$(cut -d. -f1 /proc/uptime)
	dmesg -c >/dev/null
	while [ $n -le $FAULTS_MAX ]; do
		faults_reset_times
		out=$( (echo $n >/proc/self/fail-nth && exec "$@") 2>&1)
		rc=$?
		used=$(faults_used)
		dmesg -c >/tmp/faults.dmesg
		cp /tmp/faults.dmesg /tmp/faults.$n.dmesg; echo "$out" >/tmp/faults.$n.out
		if grep -Eq "$FAULT_TROUBLE" /tmp/faults.dmesg; then
			echo "not ok - $what: fault $n: the kernel reported trouble"
			sed 's/^/#   /' /tmp/faults.dmesg
			return 1
		fi
		site=$(awk '/FAULT_INJECTION: forcing a failure/ { f = 1; next } /<\/TASK>/ { f = 0 } { sub(/^\[[ 0-9.]*\] */, "") } f && /^[^?].*\[[a-z0-9_]+\]$/ { print; exit }' /tmp/faults.dmesg)
		[ -n "$site" ] || site="(silent: __GFP_NOWARN)"
		if ! sh -c "$undo" >/tmp/faults.undo 2>&1; then
			echo "not ok - $what: fault $n: the undo failed after the run: $undo"
			sed 's/^/#   /' /tmp/faults.undo /tmp/faults.dmesg
			return 1
		fi
		[ "$used" -gt 0 ] || break
		inj=$((inj + 1))
		if [ $rc -ne 0 ]; then failed=$((failed + 1)); else absorbed=$((absorbed + 1)); fi
		echo "#   fault $n: rc=$rc at $site"
		case " $sites " in *" $site "*) ;; *) sites="$sites $site" ;; esac
		n=$((n + 1))
	done
	t1=$(cut -d. -f1 /proc/uptime)
	if [ $n -gt $FAULTS_MAX ]; then
		echo "not ok - $what: still injecting after $FAULTS_MAX faults (FAULTS_MAX)"
		return 1
	fi
	if [ $rc -ne 0 ]; then
		echo "not ok - $what: fails with nothing injected (rc=$rc): $out"
		return 1
	fi
	echo "ok - $what: $inj faults ($failed failed, $absorbed absorbed), then it succeeds ($((t1 - t0)) s)"
	echo "VMTEST-FAULTS $what injections=$inj failed=$failed absorbed=$absorbed seconds=$((t1 - t0))"
}

# The text of kmemleak's entry points (kmemleak_alloc() and its neighbours,
# one block of the kernel's text): its own metadata allocations, made inside
# the module's allocation, are not the module's: START END.
kmemleak_text() {
	awk '{ a[NR] = $1; n[NR] = $3; t[NR] = $2 } $3 == "kmemleak_alloc" && $2 ~ /^[tT]$/ { k = NR }
		END { if (!k) exit 1; s = k; while (s > 1 && n[s - 1] ~ /^kmemleak_/) s--; e = k; while (n[e] ~ /^kmemleak_/) e++; print "0x" a[s], "0x" a[e] }' /proc/kallsyms
}

# The text of kernel function $1 (from it to the next symbol): START END.
function_text() {
	awk -v f="$1" '$2 ~ /^[tT]$/ && $3 == f { a = $1; next } a != "" { print "0x" a, "0x" $1; exit }' /proc/kallsyms
}

# kmemleak's metadata allocation for each of the module's (absorbed by its
# mem_pool fallback, so noise): reject stacks through the function that makes it.
kmemleak_reject() {
	local f r
	[ -e /sys/kernel/debug/kmemleak ] || return 0
	for f in __alloc_object mem_pool_alloc; do
		r=$(function_text $f)
		[ -n "$r" ] && echo "$r" && return 0
	done
}
