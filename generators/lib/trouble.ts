/**
 * Lines of a kernel log that mean the kernel is in trouble: an Oops, a BUG
 * (KASAN's reports are "BUG: KASAN"), a WARNING (lockdep's reports are
 * warnings), UBSAN, debugobjects, list corruption, hung or locked-up tasks,
 * a panic. One pattern for the generated make vmtest (scripts/vmtest.sh,
 * in awk) and for this repository's kernel suite (a JavaScript RegExp):
 * written in the syntax both share (POSIX ERE: no \b, no lookarounds, no
 * "/" or "'" so that it sits in an awk program in single quotes).
 */
export const KERNEL_TROUBLE =
  '(^|[^A-Za-z])(Oops|BUG:)|WARNING:|Call Trace|Kernel panic|general protection|UBSAN:|ODEBUG:|' +
  'list_(add|del) corruption|blocked for more than|soft lockup|hard LOCKUP|DEBUG_LOCKS_WARN_ON|' +
  'possible (recursive|circular) locking';
