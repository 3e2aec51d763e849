/**
 * The kernels the suite proves the generated code on: Debian 12's 6.1 and
 * 6.12 (headers and images installed from the archive; the ABI part of the
 * release changes with every security update, so it is read from the
 * installed metapackages at run time), and, when KMOD_SOURCE_KERNELS is not
 * "0", small kernels built from Debian's 5.10 and newest 7.x sources by
 * test/kernel/source-kernels/build.sh (listed in its manifest). The same
 * manifest lists a 5.10 tree configured with clang and only prepared
 * (llvmKernel(): test/kernel/llvm.test.ts alone uses it, never the matrix).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from './checkpatch.js';
import { exec } from './exec.js';

export interface Kernel {
  /** Kernel line, e.g. "6.1". */
  line: string;
  /** The line and, for a derived configuration, its name: "7.3", "7.3-debug", "5.10-nopm". */
  label: string;
  /**
   * boot: the kernel a line boots; debug: with lockdep/KASAN/kmemleak/UBSAN...; nopm, of: build
   * only, prepared only; llvm: built with clang, prepared only, for test/kernel/llvm.test.ts alone.
   */
  config: 'boot' | 'debug' | 'nopm' | 'of' | 'llvm';
  /**
   * Prepared only (make modules_prepare): no vmlinux, no image. nopm and of carry
   * their boot tree's Module.symvers; llvm has none (llvm.test.ts allows modpost's two notices).
   */
  prepared?: boolean;
  /** Release as in uname -r, e.g. "6.1.0-56-amd64". */
  release: string;
  /** Prepared build tree (headers). */
  kdir: string;
  /** Bootable image for QEMU ('' for a prepared tree: it has none). */
  image: string;
  /** "debian": installed headers (DKMS and install tests too); "source": built by the suite. */
  kind: 'debian' | 'source';
  /** Extra make arguments for kbuild with this kernel (e.g. a sparse wrapper). */
  makeArgs: string[];
  /**
   * The user-space tools of the release the kernel belongs with, for make
   * vmtest's VMTEST_SYSROOT (7.x: Debian 13's, whose v4l2-compliance knows
   * its API); none: the host's (Debian 12's).
   */
  sysroot?: string;
}

/** sparse 0.6.4 (Debian's only one) fails kbuild's checker probe on 7.x without this wrapper. */
export const SPARSE_WRAPPER = fileURLToPath(new URL('../../../../test/kernel/source-kernels/sparse-wrapper.sh', import.meta.url));

/** Lines the source-built kernels must cover. */
export const SOURCE_KERNEL_LINES = ['5.10', '7'] as const;

/** Lines with a debug kernel: KMOD_DEBUG_LINES, as for build.sh (default: 7). */
export function debugLines(): string[] {
  return (process.env.KMOD_DEBUG_LINES ?? '7').split(/\s+/).filter(Boolean);
}

export function sourceKernelsWanted(): boolean {
  return process.env.KMOD_SOURCE_KERNELS !== '0';
}

/** What a build-only configuration changes, for messages and the README. */
export const DERIVED_CONFIGS = {
  nopm: "PM and PM_SLEEP off, KUnit a module, prepared only: no vmlinux, the boot tree's Module.symvers",
  of: "OF on, PM on, PM_SLEEP off, prepared only: no vmlinux, the boot tree's Module.symvers",
  llvm: 'the boot configuration built with clang (LLVM=1), prepared only: no vmlinux, no Module.symvers',
} as const;

/** What each source-built configuration has on (true) and off (false): checked in its .config. */
export const CONFIG_CLAIMS: Record<Kernel['config'], Record<string, boolean>> = {
  boot: {
    MODULES: true,
    POSIX_TIMERS: true,
    PM: true,
    PM_SLEEP: true,
    OF: false,
    DETECT_HUNG_TASK: true,
    PCI_MSI: true,
    ZONE_DMA: true,
    ACPI: true,
    INTEL_IOMMU: true,
    IRQ_REMAP: true,
    I2C_CHARDEV: true,
    REGMAP_I2C: true,
    HWMON: true,
    KUNIT: true,
    KUNIT_DEBUGFS: true,
    IIO: true,
    USB: true,
    USB_GADGET: true,
    USB_CONFIGFS_F_LB_SS: true,
    INET: true,
    // For the HID, block and V4L2 kinds (uhid and vivid are modules).
    INPUT_EVDEV: true,
    HID: true,
    HID_GENERIC: true,
    BLOCK: true,
    EXT2_FS: true,
    VFAT_FS: true,
    MEDIA_SUPPORT: true,
    VIDEO_DEV: true,
  },
  nopm: { PM: false, PM_SLEEP: false, OF: false, KUNIT: false },
  of: { OF: true, PM: true, PM_SLEEP: false },
  // The compiler and linker kbuild found with LLVM=1, and what every generated kind needs.
  llvm: {
    CC_IS_CLANG: true,
    CC_IS_GCC: false,
    LD_IS_LLD: true,
    MODULES: true,
    MODVERSIONS: true,
    PM: true,
    PM_SLEEP: true,
    PCI: true,
    PCI_MSI: true,
    I2C: true,
    REGMAP_I2C: true,
    HWMON: true,
    NET: true,
    INET: true,
    USB: true,
    USB_GADGET: true,
    KUNIT: true,
    OF: false,
  },
  debug: {
    // KUnit as a module (=m), as Fedora and RHEL have it: make vmtest must load kunit.ko.
    KUNIT: false,
    PROVE_LOCKING: true,
    DEBUG_ATOMIC_SLEEP: true,
    KASAN: true,
    DEBUG_KMEMLEAK: true,
    DEBUG_OBJECTS: true,
    UBSAN: true,
    DEBUG_LIST: true,
    DMA_API_DEBUG: true,
    PM_SLEEP: true,
    FAULT_INJECTION: true,
    FAILSLAB: true,
    FAIL_PAGE_ALLOC: true,
    FAULT_INJECTION_DEBUG_FS: true,
    FAULT_INJECTION_STACKTRACE_FILTER: true,
    FAIL_FUNCTION: true,
    FAIL_MAKE_REQUEST: true,
  },
};

interface ManifestEntry {
  line: string;
  config?: Kernel['config'];
  release: string;
  kdir: string;
  image: string;
  /** make arguments the tree was configured with (the llvm tree: LLVM=1). */
  makeArgs?: string[];
  /** Prepared only (build.sh's prepared_tree): no image; the boot tree's Module.symvers. */
  prepared?: boolean;
  /** build.sh's tools of the line's release (7.x). */
  sysroot?: string;
}

function sourceKernel(e: ManifestEntry): Kernel {
  const config = e.config ?? 'boot';
  const makeArgs = [...(e.makeArgs ?? []), ...(Number(e.line.split('.')[0]) >= 7 ? [`CHECK=${SPARSE_WRAPPER}`] : [])];
  return {
    line: e.line,
    label: config === 'boot' ? e.line : `${e.line}-${config}`,
    config,
    release: e.release,
    kdir: e.kdir,
    image: e.image,
    kind: 'source',
    makeArgs,
    ...(e.prepared || e.config === 'llvm' ? { prepared: true } : {}),
    ...(e.sysroot ? { sysroot: e.sysroot } : {}),
  };
}

const manifestPath = (): string => path.join(cacheDir(), 'kernels', 'manifest.json');
const SOURCE_HINT = 'run test/kernel/source-kernels/build.sh (or set KMOD_SOURCE_KERNELS=0 outside CI)';

/**
 * The source-built kernels the matrix and the other tests use: per line the
 * configurations below, looked up by name, so the manifest's llvm tree is
 * never among them (it has no image and no Module.symvers; see llvmKernel()).
 */
function resolveSourceKernels(): { kernels: Kernel[]; missing: string[] } {
  const manifest = manifestPath();
  const hint = SOURCE_HINT;
  if (!existsSync(manifest)) return { kernels: [], missing: [`${manifest}: source-built kernels; ${hint}`] };
  const entries = JSON.parse(readFileSync(manifest, 'utf8')) as ManifestEntry[];
  const kernels: Kernel[] = [];
  const missing: string[] = [];
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
  if (ci && !debugLines().includes('7')) missing.push(`the 7.x debug kernel (KMOD_DEBUG_LINES="${process.env.KMOD_DEBUG_LINES}" leaves it out; CI needs it)`);
  for (const want of SOURCE_KERNEL_LINES) {
    const ofLine = entries.filter((k) => k.line === want || k.line.startsWith(`${want}.`));
    // Every line has its boot kernel and the build-only configurations; 7.x its debug kernel too.
    const configs: Kernel['config'][] = ['boot', 'nopm', 'of', ...(debugLines().includes(want) ? (['debug'] as const) : [])];
    for (const config of configs) {
      const e = ofLine.find((k) => (k.config ?? 'boot') === config);
      if (!e) {
        missing.push(`source-built kernel ${want}.x (${config}) in ${manifest}; ${hint}`);
        continue;
      }
      const absent = [...(e.prepared ? preparedFiles(e.kdir) : [e.image]), path.join(e.kdir, 'Module.symvers')].filter((f) => !existsSync(f));
      if (absent.length > 0) {
        missing.push(`${absent.join(', ')} (the ${e.prepared ? 'prepared' : 'built'} ${e.line} ${config} tree); ${hint}`);
        continue;
      }
      if (want === '7' && !existsSync(path.join(e.sysroot ?? 'no-sysroot', 'ok'))) {
        missing.push(`the Debian 13 tools of the 7.x kernels (the manifest's sysroot, ${e.sysroot ?? 'none'}); ${hint}`);
        continue;
      }
      kernels.push(sourceKernel(e));
    }
  }
  return { kernels, missing };
}

/** What make modules_prepare leaves in a tree, for module builds. */
function preparedFiles(kdir: string): string[] {
  return ['.config', 'include/generated/autoconf.h', 'scripts/mod/modpost'].map((f) => path.join(kdir, f));
}

/** The line of the clang-built tree (build.sh's llvm_line: 7.x needs clang 17, Debian 12 has 14-16). */
export const LLVM_LINE = '5.10';

/**
 * The tree build.sh configured and prepared with LLVM=1 (make modules_prepare
 * only: no vmlinux, so no Module.symvers and no image), or what is missing.
 */
export function llvmKernel(): { kernel?: Kernel; missing: string[] } {
  if (!sourceKernelsWanted()) return { missing: ['the clang-built source kernel (KMOD_SOURCE_KERNELS=0)'] };
  const manifest = manifestPath();
  if (!existsSync(manifest)) return { missing: [`${manifest}: source-built kernels; ${SOURCE_HINT}`] };
  const entries = JSON.parse(readFileSync(manifest, 'utf8')) as ManifestEntry[];
  const e = entries.find((k) => k.config === 'llvm' && (k.line === LLVM_LINE || k.line.startsWith(`${LLVM_LINE}.`)));
  const hint = `${SOURCE_HINT}, with clang, lld and llvm installed (test/kernel/install-deps.sh)`;
  if (!e) return { missing: [`the clang-built ${LLVM_LINE} tree (llvm) in ${manifest}; ${hint}`] };
  const absent = preparedFiles(e.kdir).filter((f) => !existsSync(f));
  if (absent.length > 0) return { missing: [`${absent.join(', ')} (the prepared llvm tree); ${hint}`] };
  return { kernel: sourceKernel(e), missing: [] };
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
    const kernel: Kernel = {
      line,
      label: line,
      config: 'boot',
      release,
      kdir: `/lib/modules/${release}/build`,
      image: `/boot/vmlinuz-${release}`,
      kind: 'debian',
      makeArgs: [],
    };
    if (!existsSync(`${kernel.kdir}/Makefile`)) missing.push(`${kernel.kdir} (linux-headers-${release})`);
    if (!existsSync(kernel.image)) missing.push(`${kernel.image} (linux-image-${release})`);
    kernels.push(kernel);
  }
  if (sourceKernelsWanted()) {
    const source = resolveSourceKernels();
    kernels.push(...source.kernels);
    missing.push(...source.missing);
  }
  kernels.sort((a, b) => a.line.localeCompare(b.line, undefined, { numeric: true }));
  return { kernels, missing };
}
