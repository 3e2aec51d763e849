/**
 * The user's `make vmtest` of a generated project, as the suite runs it: on
 * Debian's kernels as a normal account (nobody, a user's PATH without /sbin,
 * in a folder it owns), elsewhere as root; TCG unless told otherwise. The
 * 7.x kernels boot with Debian 13's programs for the tests (build.sh's
 * tools, VMTEST_SYSROOT), the others with the host's (Debian 12's).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { execAsync, type ExecResult } from './exec.js';
import type { Kernel } from './kernels.js';

/** A normal account (nobody), with the PATH a login shell gives it: no sbin directories. */
export const USER_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface VmtestOptions {
  /** VMTEST_ACCEL (default tcg); undefined: vmtest's own default. */
  accel?: string | undefined;
  /** More environment (VMTEST_TESTS, VMTEST_MEM, MODDIR, ...). */
  env?: Record<string, string>;
  /** More make arguments (W=1 C=1 of the build, MODULES=...). */
  makeVars?: readonly string[];
  /** As a normal account; `own` are more paths it must own (a MODDIR). */
  asUser?: boolean;
  own?: readonly string[];
  timeoutMs?: number;
}

/** make vmtest in `dir` for `kernel`, with the tests' host programs from the kernel's release where it has its own (VMTEST_SYSROOT). */
export function vmtest(dir: string, kernel: Kernel, o: VmtestOptions = {}): Promise<ExecResult> {
  const base: Record<string, string> = o.asUser ? { PATH: USER_PATH, HOME: dir, LANG: 'C.UTF-8' } : (process.env as Record<string, string>);
  const env: Record<string, string> = { ...base, ...(kernel.sysroot ? { VMTEST_SYSROOT: kernel.sysroot } : {}), ...(o.env ?? {}) };
  const accel = 'accel' in o ? o.accel : 'tcg';
  if (accel) env.VMTEST_ACCEL = accel;
  else delete env.VMTEST_ACCEL;
  const make = ['make', '-C', dir, `-j${availableParallelism()}`, 'vmtest', `KDIR=${kernel.kdir}`, `KERNELRELEASE=${kernel.release}`, `VMLINUZ=${kernel.image}`, ...(o.makeVars ?? [])];
  const timeoutMs = o.timeoutMs ?? 900_000;
  if (o.asUser) {
    execFileSync('chown', ['-R', '65534:65534', dir, ...(o.own ?? [])]);
    return execAsync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', ...make], { env, timeoutMs });
  }
  return execAsync(make[0] as string, make.slice(1), { env, timeoutMs });
}

/** The tests of a project (tests/<name>.sh), by name. */
export const testsOf = (dir: string): string[] =>
  readdirSync(path.join(dir, 'tests'))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => f.replace(/\.sh$/, ''))
    .sort();
