/**
 * The Debian kernels the suite proves the generated code on. The ABI part of
 * the release (6.1.0-NN) changes with every security update, so it is read
 * from the installed metapackages at run time, never written down.
 */
import { existsSync } from 'node:fs';
import { exec } from './exec.js';

export interface Kernel {
  /** Kernel line, e.g. "6.1". */
  line: string;
  /** Release as in uname -r, e.g. "6.1.0-56-amd64". */
  release: string;
  /** Prepared build tree (headers). */
  kdir: string;
  /** Bootable image for QEMU. */
  image: string;
}

/** Debian 12 kernel lines and the headers metapackage that pulls in each one. */
export const DEBIAN_KERNEL_LINES = [
  { line: '6.1', headers: 'linux-headers-amd64' },
  { line: '6.12', headers: 'linux-headers-6.12-amd64' },
] as const;

/** Resolves each kernel line from its installed headers metapackage; lists what is missing. */
export function resolveKernels(): { kernels: Kernel[]; missing: string[] } {
  const kernels: Kernel[] = [];
  const missing: string[] = [];
  for (const { line, headers } of DEBIAN_KERNEL_LINES) {
    const q = exec('dpkg-query', ['-W', '-f=${Depends}', headers]);
    const match = /linux-headers-(\S+)/.exec(q.stdout);
    if (q.status !== 0 || !match?.[1]) {
      missing.push(`${headers} (kernel ${line} headers) is not installed`);
      continue;
    }
    const release = match[1];
    const kernel = { line, release, kdir: `/lib/modules/${release}/build`, image: `/boot/vmlinuz-${release}` };
    if (!existsSync(`${kernel.kdir}/Makefile`)) missing.push(`${kernel.kdir} (linux-headers-${release})`);
    if (!existsSync(kernel.image)) missing.push(`${kernel.image} (linux-image-${release})`);
    kernels.push(kernel);
  }
  return { kernels, missing };
}
