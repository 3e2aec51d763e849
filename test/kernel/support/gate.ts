/**
 * The kernel suite is mandatory in CI: a missing tool or kernel fails it
 * there. Only outside CI may it be skipped, and then it says so loudly.
 */
import { existsSync } from 'node:fs';
import { it } from 'node:test';
import { which } from './exec.js';
import { resolveKernels, type Kernel } from './kernels.js';
import { findCheckpatch } from './checkpatch.js';

export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

const TOOLS: [string, string][] = [
  ['make', 'make'],
  ['gcc', 'gcc'],
  ['sparse', 'sparse'],
  ['perl', 'perl'],
  ['modinfo', 'kmod'],
  ['depmod', 'kmod'],
  ['dkms', 'dkms'],
  ['qemu-system-x86_64', 'qemu-system-x86'],
  ['cpio', 'cpio'],
  ['gzip', 'gzip'],
  ['xz', 'xz-utils'],
  ['zstd', 'zstd'],
  ['dtc', 'device-tree-compiler'],
  ['openssl', 'openssl'],
  ['fdtget', 'device-tree-compiler'],
];

export interface KernelEnv {
  /** Every kernel line's boot kernel: builds and QEMU scenarios run on all of them. */
  kernels: Kernel[];
  /** Debug kernels (lockdep, KASAN, kmemleak, UBSAN...): builds and every QEMU scenario too. */
  debugKernels: Kernel[];
  /** Other configurations of the source-built lines (PM off, OF on...): builds only. */
  buildOnlyKernels: Kernel[];
  /** The installed Debian kernels: DKMS, install and build-environment tests. */
  debianKernels: Kernel[];
  checkpatch: string;
  busybox: string;
}

/** What the kernel suite needs, or the list of what is missing. */
export function probeKernelEnv(): { env?: KernelEnv; missing: string[] } {
  const missing: string[] = [];
  for (const [tool, pkg] of TOOLS) if (!which(tool)) missing.push(`${tool} (Debian package ${pkg})`);
  const busybox = '/bin/busybox';
  if (!existsSync(busybox)) missing.push(`${busybox} (Debian package busybox-static)`);
  const { kernels, missing: missingKernels } = resolveKernels();
  missing.push(...missingKernels);
  let checkpatch: string | undefined;
  try {
    checkpatch = findCheckpatch();
  } catch (err) {
    missing.push(err instanceof Error ? err.message : String(err));
  }
  if (missing.length > 0 || !checkpatch) return { missing };
  return {
    env: {
      kernels: kernels.filter((k) => k.config === 'boot'),
      debugKernels: kernels.filter((k) => k.config === 'debug'),
      buildOnlyKernels: kernels.filter((k) => k.config !== 'boot' && k.config !== 'debug'),
      debianKernels: kernels.filter((k) => k.kind === 'debian'),
      checkpatch,
      busybox,
    },
    missing,
  };
}

/**
 * Calls `suite` with the kernel environment, or, when something is missing,
 * registers one test that fails (in CI) or is skipped with a loud warning.
 */
export function withKernelEnv(name: string, suite: (env: KernelEnv) => void): void {
  const { env, missing } = probeKernelEnv();
  if (env) {
    for (const k of [...env.kernels, ...env.debugKernels, ...env.buildOnlyKernels]) {
      process.stderr.write(`kernel ${k.label}: ${k.release} [${k.kind}, ${k.config}] (${k.kdir}, ${k.image})\n`);
    }
    suite(env);
    return;
  }
  const why = `kernel suite "${name}" cannot run; missing:\n  - ${missing.join('\n  - ')}\nInstall them with: sudo bash test/kernel/install-deps.sh`;
  if (IN_CI) {
    it(`${name}: prerequisites`, () => {
      throw new Error(`CI requires the kernel suite: ${why}`);
    });
    return;
  }
  const banner = '!'.repeat(78);
  process.stderr.write(`\n${banner}\n!!! SKIPPED (not in CI): ${why}\n${banner}\n\n`);
  it(`${name}: SKIPPED, prerequisites missing (not in CI)`, { skip: `missing: ${missing.join('; ')}` }, () => {});
}
