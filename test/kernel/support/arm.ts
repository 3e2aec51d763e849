/**
 * Debian 12's ARM kernels (#22): arm64 and armhf (armmp), lines 6.1 and
 * 6.12, fetched by test/kernel/arm/fetch.sh (npm test's pretest) from the
 * archive with a private apt configuration and unpacked with dpkg -x into the
 * kernel cache (arm/<arch>-<line>_<version>/, listed in arm/manifest.json):
 * image, headers ready for kbuild (their host programs are the host's own
 * linux-kbuild), the in-tree modules with modules.dep, and the
 * architecture's static busybox. Nothing is built: these are the
 * distribution's packages, as a board developer gets them.
 *
 * armKernels() describes them for tests: a cross build is
 * `make KDIR=<kdir> ARCH=<makeArch> CROSS_COMPILE=<crossCompile>`, a boot is
 * `make vmtest` with the same plus VMLINUZ=<image> MODDIR=<moddir>
 * BUSYBOX=<busybox> (see vmtestArgs()).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from './checkpatch.js';
import { which } from './exec.js';

export type ArmArch = 'arm64' | 'armhf';

export interface ArmKernel {
  /** Debian architecture: "arm64" or "armhf" (32-bit, the armmp flavour). */
  arch: ArmArch;
  /** Kernel line: "6.1" or "6.12". */
  line: string;
  /** For messages and the matrix: "arm64-6.1", "armhf-6.12". */
  label: string;
  /** Release as in uname -r (and the modules' vermagic): "6.1.0-57-arm64", "6.12.118+deb12-armmp". */
  release: string;
  /** Debian package version of the image and headers (the host's linux-kbuild version): "6.1.192-3". */
  version: string;
  /** kbuild's ARCH=: "arm64" or "arm". */
  makeArch: 'arm64' | 'arm';
  /** CROSS_COMPILE=: "aarch64-linux-gnu-" or "arm-linux-gnueabihf-" (Debian's 6.12 headers force it anyway). */
  crossCompile: string;
  /** Headers (KDIR=): <root>/usr/src/linux-headers-<release>, Makefile and kbuild links fixed up. */
  kdir: string;
  /** Kernel image (VMLINUZ=): <root>/boot/vmlinuz-<release>; arm64: an uncompressed Image, armhf: a zImage. */
  image: string;
  /** In-tree modules with modules.dep (MODDIR=): <root>/lib/modules/<release>. */
  moddir: string;
  /** The architecture's static busybox (BUSYBOX=): <root>/bin/busybox. */
  busybox: string;
  /** Where the packages were unpacked (dpkg -x); the device trees are under usr/lib/linux-image-<release>/. */
  root: string;
  /** The architecture's programs for the tests' vmtest-host lines, with their libraries (VMTEST_SYSROOT=). */
  sysroot: string;
}

interface ManifestEntry {
  arch: ArmArch;
  line: string;
  version: string;
  release: string;
  root: string;
  kdir: string;
  image: string;
  moddir: string;
  busybox: string;
  sysroot: string;
}

/** The kernels fetch.sh must provide, in this order. */
export const ARM_KERNELS: readonly { arch: ArmArch; line: string }[] = [
  { arch: 'arm64', line: '6.1' },
  { arch: 'arm64', line: '6.12' },
  { arch: 'armhf', line: '6.1' },
  { arch: 'armhf', line: '6.12' },
];

/** The cross compiler of each architecture and its Debian packages. */
export const ARM_TOOLCHAINS: Record<ArmArch, { makeArch: 'arm64' | 'arm'; crossCompile: string; packages: string }> = {
  arm64: { makeArch: 'arm64', crossCompile: 'aarch64-linux-gnu-', packages: 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross' },
  armhf: { makeArch: 'arm', crossCompile: 'arm-linux-gnueabihf-', packages: 'gcc-arm-linux-gnueabihf libc6-dev-armhf-cross' },
};

export const ARM_MANIFEST = (): string => path.join(cacheDir(), 'arm', 'manifest.json');
const HINT = 'run bash test/kernel/arm/fetch.sh (npm test does; KMOD_ARM_KERNELS=0 leaves them out outside CI)';

export function armKernelsWanted(): boolean {
  return process.env.KMOD_ARM_KERNELS !== '0';
}

/**
 * The ARM kernels of the manifest, with what is missing (the manifest, a
 * kernel, a file of one, a cross compiler: `<triplet>-gcc` and the
 * `<triplet>-gcc-12` Debian's 6.12 headers call by name).
 */
export function resolveArmKernels(): { kernels: ArmKernel[]; missing: string[] } {
  if (!armKernelsWanted()) return { kernels: [], missing: ['the ARM kernels (KMOD_ARM_KERNELS=0)'] };
  const manifest = ARM_MANIFEST();
  if (!existsSync(manifest)) return { kernels: [], missing: [`${manifest}: Debian's ARM kernels; ${HINT}`] };
  const entries = JSON.parse(readFileSync(manifest, 'utf8')) as ManifestEntry[];
  const kernels: ArmKernel[] = [];
  const missing: string[] = [];
  for (const { arch, line } of ARM_KERNELS) {
    const e = entries.find((k) => k.arch === arch && k.line === line);
    if (!e) {
      missing.push(`the ${arch} ${line} kernel in ${manifest}; ${HINT}`);
      continue;
    }
    const absent = [path.join(e.kdir, 'Makefile'), e.image, path.join(e.moddir, 'modules.dep'), e.busybox, path.join(e.sysroot ?? 'no-sysroot', 'ok')].filter(
      (f) => !existsSync(f),
    );
    if (absent.length > 0) {
      missing.push(`${absent.join(', ')} (the ${arch} ${line} kernel); ${HINT}`);
      continue;
    }
    const tc = ARM_TOOLCHAINS[arch];
    kernels.push({ ...e, label: `${arch}-${line}`, makeArch: tc.makeArch, crossCompile: tc.crossCompile });
  }
  for (const arch of new Set(kernels.map((k) => k.arch))) {
    const tc = ARM_TOOLCHAINS[arch];
    for (const cc of [`${tc.crossCompile}gcc`, `${tc.crossCompile}gcc-12`]) {
      if (!which(cc)) missing.push(`${cc} (Debian packages ${tc.packages})`);
    }
  }
  return { kernels, missing };
}

/** The ARM kernels, every one of ARM_KERNELS; throws naming what is missing. */
export function armKernels(): ArmKernel[] {
  const { kernels, missing } = resolveArmKernels();
  if (missing.length > 0) throw new Error(`Debian's ARM kernels are not all there:\n  - ${missing.join('\n  - ')}`);
  return kernels;
}

/** make arguments for a cross build against `k`. */
export function crossArgs(k: ArmKernel): string[] {
  return [`KDIR=${k.kdir}`, `ARCH=${k.makeArch}`, `CROSS_COMPILE=${k.crossCompile}`];
}

/** make arguments for `make vmtest` on `k`: the cross build's and the image, module tree, busybox and sysroot. */
export function vmtestArgs(k: ArmKernel): string[] {
  return [...crossArgs(k), `VMLINUZ=${k.image}`, `MODDIR=${k.moddir}`, `BUSYBOX=${k.busybox}`, `VMTEST_SYSROOT=${k.sysroot}`];
}

/** readelf -h's Machine and Class of the modules built for `k`. */
export function elfMachine(k: ArmKernel): { machine: string; elfClass: string } {
  return k.arch === 'arm64' ? { machine: 'AArch64', elfClass: 'ELF64' } : { machine: 'ARM', elfClass: 'ELF32' };
}
