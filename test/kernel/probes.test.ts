/**
 * Kernel API probes against kernels that are not what their version says.
 * (The real kernels of every line and configuration are checked in the
 * matrix: support/probes.ts, with the main project's build.)
 *
 * The suite makes vendor-style trees from its 5.10 tree (a hard-linked copy
 * with some headers rewritten) and from Debian's 6.1 headers:
 * - 5.10 with backports, one tree per kernel API with only that API
 *   backported (class_create(name) and the void platform .remove share one,
 *   as in RHEL 9), each with a project of the kinds that use it: the probe
 *   of the backported form says yes (the old form: skipped, or no where the
 *   backport replaced it), an API the tree left alone keeps 5.10's result,
 *   and the modules build W=1 C=1 clean. Where the change can run on the
 *   5.10 kernel as it was built (macros, inline code, a removed helper), the
 *   modules also pass their make vmtest test in it, one boot per tree:
 *   class_create(name) (the char device), DEFINE_SIMPLE_DEV_PM_OPS and
 *   pm_sleep_ptr (the platform driver, suspended and resumed),
 *   PCI_IRQ_INTX (the PCI driver on INTx), pcim_iomap_region() (an inline
 *   of 5.10's pcim_iomap_regions(): the PCI driver's registers), and
 *   u64_stats_sync.h without the _irq readers (the network device pinged).
 *   Built only, each says why: a changed callback type or struct the 5.10
 *   core still uses its own way (void platform .remove, pci_driver
 *   .dev_groups, the one-argument I2C .probe), constness alone (hwmon's
 *   channel info), a cache 5.10's regmap has not got (REGCACHE_MAPLE);
 * - 5.10 whose version.h claims 6.12, and 6.1 headers claiming 6.11: every
 *   kind builds W=1 clean (a version table took 6.12's APIs, and 6.11's
 *   pcim_iomap_region(), which 6.11 did not export);
 * - 5.10 without any form of an API the PCI driver needs: the build stops
 *   at the probes, naming the API, the forms tried and their first errors;
 * - a compiler that fails everything, or ignores errors: the canaries stop
 *   the build with a message that says probing is broken.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { execAsync, execOk } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { JOBS, assertCleanBuild, copyProject, generate } from './support/kbuild.js';
import type { Kernel } from './support/kernels.js';
import { track } from './support/matrix.js';
import { type Result, probeResults } from './support/probes.js';

/** Rewrites a file of a hard-linked tree without touching the original (a new inode). */
function rewrite(file: string, edit: (text: string) => string): void {
  const text = readFileSync(file, 'utf8');
  const changed = edit(text);
  assert.notEqual(changed, text, `${file} changed`);
  unlinkSync(file);
  writeFileSync(file, changed);
}

/**
 * A copy of the 5.10 source-built tree, hard-linked (cheap), for rewriting
 * some headers; without what a module build never reads (drivers, file
 * systems, networking, sound, the documentation, the other architectures and
 * tools: four fifths of its 82,000 files), which makes linking it about five
 * times faster.
 */
function linkedTree(kdir: string, label: string): string {
  const real = realpathSync(kdir);
  const unread = new Set([
    'Documentation',
    'drivers',
    'fs',
    'net',
    'samples',
    'sound',
    ...readdirSync(path.join(real, 'arch'))
      .filter((a) => !a.startsWith('x86'))
      .map((a) => `arch/${a}`),
    ...readdirSync(path.join(real, 'tools'))
      .filter((t) => t !== 'objtool')
      .map((t) => `tools/${t}`),
  ]);
  const link = (rel: string, to: string): void => {
    mkdirSync(to);
    const whole: string[] = [];
    for (const name of readdirSync(path.join(real, rel))) {
      const r = path.join(rel, name);
      if (unread.has(r)) continue;
      if ([...unread].some((u) => u.startsWith(`${r}/`))) link(r, path.join(to, name));
      else whole.push(path.join(real, r));
    }
    if (whole.length) execOk('cp', ['-al', ...whole, to]);
  };
  const dir = path.join(mkdtempSync(path.join(tmpdir(), `kmod-vendor-${label}-`)), 'src');
  link('', dir);
  return dir;
}

/** A copy of a Debian header folder (the flavour's build directory, 3 MB), its relative links made absolute. */
function copiedHeaders(kdir: string, label: string): string {
  const real = realpathSync(kdir);
  const dir = path.join(mkdtempSync(path.join(tmpdir(), `kmod-vendor-${label}-`)), 'build');
  cpSync(real, dir, { recursive: true, verbatimSymlinks: true });
  for (const link of ['scripts', 'tools']) {
    rmSync(path.join(dir, link));
    symlinkSync(realpathSync(path.join(real, link)), path.join(dir, link));
  }
  return dir;
}

/** version.h claims another release: LINUX_VERSION_CODE (and the parts later kernels define). */
function claimVersion(tree: string, major: number, minor: number): void {
  rewrite(path.join(tree, 'include/generated/uapi/linux/version.h'), (t) =>
    t
      .replace(/^#define LINUX_VERSION_CODE \d+$/m, `#define LINUX_VERSION_CODE ${(major << 16) + (minor << 8)}`)
      .replace(/^#define LINUX_VERSION_MAJOR \d+$/m, `#define LINUX_VERSION_MAJOR ${major}`)
      .replace(/^#define LINUX_VERSION_PATCHLEVEL \d+$/m, `#define LINUX_VERSION_PATCHLEVEL ${minor}`),
  );
}

/**
 * Rewrites a file of a hard-linked tree by replacements, each of which must
 * match exactly once (a pattern that no longer matches the 5.10 sources
 * fails here, not as a puzzling probe result).
 */
function backport(tree: string, file: string, ...edits: readonly (readonly [RegExp, string])[]): void {
  rewrite(path.join(tree, file), (text) =>
    edits.reduce((t, [from, to]) => {
      assert.equal(t.match(new RegExp(from.source, `g${from.flags}`))?.length, 1, `${file}: ${from} matches once`);
      return t.replace(from, to);
    }, text),
  );
}

/** 6.4's class_create(name), as RHEL 9 backported it: the same __class_create underneath. */
function backportClassCreate(tree: string): void {
  backport(tree, 'include/linux/device/class.h', [/#define class_create\(owner, name\)/, '#define class_create(name)'], [/__class_create\(owner, name, &__key\)/, '__class_create(THIS_MODULE, name, &__key)']);
}

/** 6.11's void platform_driver .remove. */
function backportPlatformRemove(tree: string): void {
  backport(tree, 'include/linux/platform_device.h', [/\tint \(\*remove\)\(struct platform_device \*\);/, '\tvoid (*remove)(struct platform_device *);']);
}

/** 5.17's DEFINE_SIMPLE_DEV_PM_OPS() and pm_sleep_ptr(), as mainline defines them (PTR_IF is 5.10's own). */
function backportDefineSimpleDevPmOps(tree: string): void {
  const added = [
    '#define SYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn) \\',
    '\t.suspend = pm_sleep_ptr(suspend_fn), \\',
    '\t.resume = pm_sleep_ptr(resume_fn), \\',
    '\t.freeze = pm_sleep_ptr(suspend_fn), \\',
    '\t.thaw = pm_sleep_ptr(resume_fn), \\',
    '\t.poweroff = pm_sleep_ptr(suspend_fn), \\',
    '\t.restore = pm_sleep_ptr(resume_fn),',
    '',
    '#define DEFINE_SIMPLE_DEV_PM_OPS(name, suspend_fn, resume_fn) \\',
    'const struct dev_pm_ops name = { \\',
    '\tSYSTEM_SLEEP_PM_OPS(suspend_fn, resume_fn) \\',
    '}',
    '',
    '#define pm_sleep_ptr(_ptr) PTR_IF(IS_ENABLED(CONFIG_PM_SLEEP), (_ptr))',
    '',
    '',
  ].join('\n');
  backport(tree, 'include/linux/pm.h', [/^(?=#ifdef CONFIG_PM\n#define pm_ptr\(_ptr\) \(_ptr\)$)/m, added]);
}

/** 5.14's struct pci_driver .dev_groups, where mainline put it. */
function backportPciDevGroups(tree: string): void {
  backport(tree, 'include/linux/pci.h', [/^(\tconst struct attribute_group \*\*groups;\n)(?=\tstruct device_driver\tdriver;)/m, '$1\tconst struct attribute_group **dev_groups;\n']);
}

/** 6.8's PCI_IRQ_INTX, PCI_IRQ_LEGACY's value under its new name (the old one kept as an alias, as 6.8 does). */
function backportPciIrqIntx(tree: string): void {
  backport(tree, 'include/linux/pci.h', [
    /^#define PCI_IRQ_LEGACY\t\t\(1 << 0\) \/\* Allow legacy interrupts \*\/$/m,
    '#define PCI_IRQ_INTX\t\t(1 << 0) /* Allow INTx interrupts */\n#define PCI_IRQ_LEGACY\t\tPCI_IRQ_INTX /* Deprecated! Use PCI_IRQ_INTX */',
  ]);
}

/**
 * 6.12's pcim_iomap_region(), header-only: a static inline made of 5.10's
 * own pcim_iomap_regions() and pcim_iomap_table() (a vendor would backport
 * the function; this one must work at runtime as well).
 */
function backportPcimIomapRegion(tree: string): void {
  const added = [
    '',
    'static inline void __iomem *pcim_iomap_region(struct pci_dev *pdev, int bar,',
    '\t\t\t\t\t      const char *name)',
    '{',
    '\tint ret = pcim_iomap_regions(pdev, 1 << bar, name);',
    '',
    '\tif (ret)',
    '\t\treturn IOMEM_ERR_PTR(ret);',
    '\treturn pcim_iomap_table(pdev)[bar];',
    '}',
    '',
  ].join('\n');
  backport(tree, 'include/linux/pci.h', [/^(int pcim_iomap_regions\(struct pci_dev \*pdev, int mask, const char \*name\);\n)/m, `$1${added}`]);
}

/** 6.3's one-argument i2c_driver .probe (.probe_new stays, as it did until 6.6). */
function backportI2cProbe(tree: string): void {
  backport(tree, 'include/linux/i2c.h', [/\tint \(\*probe\)\(struct i2c_client \*client, const struct i2c_device_id \*id\);/, '\tint (*probe)(struct i2c_client *client);']);
}

/** 6.4's hwmon_chip_info .info: a pointer to const pointers. */
function backportHwmonConstInfo(tree: string): void {
  backport(tree, 'include/linux/hwmon.h', [/\tconst struct hwmon_channel_info \*\*info;/, '\tconst struct hwmon_channel_info * const *info;']);
}

/** 6.4's REGCACHE_MAPLE in enum regcache_type. */
function backportRegcacheMaple(tree: string): void {
  backport(tree, 'include/linux/regmap.h', [/^\tREGCACHE_FLAT,\n/m, '\tREGCACHE_FLAT,\n\tREGCACHE_MAPLE,\n']);
}

/** 6.3's u64_stats_sync.h: without u64_stats_fetch_begin_irq() and u64_stats_fetch_retry_irq(). */
function backportU64StatsWithoutIrq(tree: string): void {
  backport(tree, 'include/linux/u64_stats_sync.h', [/\n\/\*\n \* In case irq handlers can update u64 counters[\s\S]*?u64_stats_fetch_retry_irq\([\s\S]*?\n}\n/, '']);
}

function build(dir: string, tree: string, extra: readonly string[] = []) {
  return execAsync('make', [JOBS, '-C', dir, 'W=1', `KDIR=${tree}`, 'KMOD_TEST_MODULES=1', ...extra], { timeoutMs: 600_000 });
}

/** One module of every kind. */
const EVERY_KIND = [
  ['--name', 'vhello'],
  ['chardev', '--name', 'vchr'],
  ['platform', '--name', 'vplat'],
  ['pci', '--name', 'vpci'],
  ['i2c', '--name', 'vi2c'],
  ['netdev', '--name', 'vnet'],
  ['usb', '--name', 'vusb'],
  ['block', '--name', 'vblk'],
] as const;
const EVERY_KO = ['vhello', 'vchr', 'vplat', 'vplat_testdev', 'vpci', 'vi2c', 'vnet', 'vusb', 'vblk'];

/** A project of these modules (generator arguments, one run each). */
function project(modules: readonly (readonly string[])[]): string {
  return modules.reduce((dir: string | undefined, args) => generate([...args], dir), undefined) as string;
}

/**
 * A vendor tree: the suite's 5.10 tree with one kernel API backported (the
 * first entry: two, as RHEL 9 has them together), and a small project of
 * the kinds that use it.
 */
interface Backport {
  /** The step's name in the matrix, and the tree's folder. */
  name: string;
  /** What was backported, for the test's title. */
  what: string;
  apply: (tree: string) => void;
  /** The project's modules: generator arguments, one run each. */
  modules: readonly (readonly string[])[];
  /** Every .ko the W=1 C=1 build makes (test-only modules too), each checked by sparse. */
  kos: readonly string[];
  /** Probe results: the backported API's forms, and an API the tree left as 5.10 has it. */
  probes: Readonly<Record<string, Result>>;
  /** Modules whose make vmtest test must pass in the booted 5.10 kernel; none: built only (the entry says why). */
  boot?: readonly string[];
}

// The i2c and netdev modules leave their KUnit suites out: those test pure logic, no probed API.
const BACKPORTS: readonly Backport[] = [
  {
    // class_create is boot-relevant: the macro still calls 5.10's __class_create. The .remove
    // change is not: it changes a function's type, which 5.10's platform core, compiled with
    // the int one, still calls for its result.
    name: 'backports',
    what: 'RHEL-style class_create(name) and the void platform .remove',
    apply: (tree) => {
      backportClassCreate(tree);
      backportPlatformRemove(tree);
    },
    modules: [['chardev', '--name', 'bpchr'], ['platform', '--name', 'bpplat']],
    kos: ['bpchr', 'bpplat', 'bpplat_testdev'],
    probes: {
      KMOD_HAVE_CLASS_CREATE_NAME_ONLY: 'yes',
      KMOD_HAVE_CLASS_CREATE_OWNER: 'no', // the macro's old form is gone
      KMOD_HAVE_PLATFORM_REMOVE_VOID: 'yes',
      KMOD_HAVE_PLATFORM_REMOVE_INT: 'no',
      KMOD_HAVE_DEFINE_SIMPLE_DEV_PM_OPS: 'no',
      KMOD_HAVE_SIMPLE_DEV_PM_OPS: 'yes',
    },
    boot: ['bpchr'],
  },
  {
    // Macros only: the platform driver's PM callbacks, no longer __maybe_unused, go through
    // pm_sleep_ptr(); its test suspends and resumes it. The PCI driver uses them too: built.
    name: 'simple_dev_pm_ops',
    what: "5.17's DEFINE_SIMPLE_DEV_PM_OPS() and pm_sleep_ptr()",
    apply: backportDefineSimpleDevPmOps,
    modules: [['platform', '--name', 'bppm'], ['pci', '--name', 'bppmpci']],
    kos: ['bppm', 'bppm_testdev', 'bppmpci'],
    probes: {
      KMOD_HAVE_DEFINE_SIMPLE_DEV_PM_OPS: 'yes',
      KMOD_HAVE_SIMPLE_DEV_PM_OPS: 'skipped',
      KMOD_HAVE_PLATFORM_REMOVE_VOID: 'no',
      KMOD_HAVE_PLATFORM_REMOVE_INT: 'yes',
    },
    boot: ['bppm'],
  },
  {
    // Built only: a field 5.10's PCI core does not know. Its pci_register_driver() does not
    // copy .dev_groups to .driver.dev_groups (5.14's does), so the attributes would not
    // appear, and the field moves .driver, which the core, compiled with 5.10's struct,
    // looks for at its old place: a boot would test this header, not the driver.
    name: 'pci_dev_groups',
    what: "5.14's pci_driver .dev_groups",
    apply: backportPciDevGroups,
    modules: [['pci', '--name', 'bpgrp']],
    kos: ['bpgrp'],
    probes: {
      KMOD_HAVE_PCI_DRIVER_DEV_GROUPS: 'yes',
      KMOD_HAVE_PCI_DRIVER_DRIVER_DEV_GROUPS: 'skipped',
      KMOD_HAVE_PCI_IRQ_INTX: 'no',
      KMOD_HAVE_PCI_IRQ_LEGACY: 'yes',
    },
  },
  {
    // Without MSI, PCI_IRQ_INTX is the driver's only interrupt type: its test raises an
    // interrupt that must reach the handler through INTx. sysfs raises it; no DMA (the
    // edu device's transfers are slow under TCG and use no probed API).
    name: 'pci_irq_intx',
    what: "6.8's PCI_IRQ_INTX",
    apply: backportPciIrqIntx,
    modules: [['pci', '--name', 'bpintx', '--features', 'irq,sysfs']],
    kos: ['bpintx'],
    probes: {
      KMOD_HAVE_PCI_IRQ_INTX: 'yes',
      KMOD_HAVE_PCI_IRQ_LEGACY: 'skipped',
      KMOD_HAVE_PCIM_IOMAP_REGION: 'no',
      KMOD_HAVE_PCIM_IOMAP_REGIONS: 'yes',
    },
    boot: ['bpintx'],
  },
  {
    // The registers the test reads and writes through sysfs are the mapped BAR; unbind and
    // bind again map it again (the region released with the device).
    name: 'pcim_iomap',
    what: "6.12's pcim_iomap_region()",
    apply: backportPcimIomapRegion,
    modules: [['pci', '--name', 'bpiomap', '--features', 'sysfs']],
    kos: ['bpiomap'],
    probes: {
      KMOD_HAVE_PCIM_IOMAP_REGION: 'yes',
      KMOD_HAVE_PCIM_IOMAP_REGIONS: 'skipped',
      KMOD_HAVE_PCI_DRIVER_DEV_GROUPS: 'no',
      KMOD_HAVE_PCI_DRIVER_DRIVER_DEV_GROUPS: 'yes',
    },
    boot: ['bpiomap'],
  },
  {
    // Built only: 5.10's I2C core, compiled as it was, calls .probe with the client and the
    // matched ID when .probe_new is unset (6.3's calls it with the client alone): the driver's
    // one-argument function would get two, which works on x86-64 by its calling convention,
    // not by C; a boot would test that, not the driver.
    name: 'i2c_probe',
    what: "6.3's one-argument i2c_driver .probe",
    apply: backportI2cProbe,
    modules: [['i2c', '--name', 'bpi2cp', '--kunit', 'no']],
    kos: ['bpi2cp'],
    probes: {
      KMOD_HAVE_I2C_PROBE_CLIENT_ONLY: 'yes',
      KMOD_HAVE_I2C_PROBE_NEW: 'skipped',
      KMOD_HAVE_HWMON_CONST_INFO: 'no',
      KMOD_HAVE_HWMON_INFO: 'yes',
    },
  },
  {
    // Built only: constness alone. The const moves the driver's channel list to read-only
    // data, which 5.10's hwmon core only reads, through the same pointers: a boot would run
    // what the 5.10 matrix boot runs, from another section.
    name: 'hwmon_info',
    what: "6.4's const hwmon channel info pointers",
    apply: backportHwmonConstInfo,
    modules: [['i2c', '--name', 'bphwmon', '--class', 'hwmon', '--kunit', 'no']],
    kos: ['bphwmon'],
    probes: {
      KMOD_HAVE_HWMON_CONST_INFO: 'yes',
      KMOD_HAVE_HWMON_INFO: 'skipped',
      KMOD_HAVE_REGCACHE_MAPLE: 'no',
      KMOD_HAVE_REGCACHE_RBTREE: 'yes',
    },
  },
  {
    // Built only: 5.10's regmap has no maple tree cache (regcache_init() looks the type up in
    // its own cache_types[] and fails), so the driver would not bind.
    name: 'regcache',
    what: "6.4's REGCACHE_MAPLE",
    apply: backportRegcacheMaple,
    modules: [['i2c', '--name', 'bpregc', '--kunit', 'no']],
    kos: ['bpregc'],
    probes: {
      KMOD_HAVE_REGCACHE_MAPLE: 'yes',
      KMOD_HAVE_REGCACHE_RBTREE: 'skipped',
      KMOD_HAVE_I2C_PROBE_CLIENT_ONLY: 'no',
      KMOD_HAVE_I2C_PROBE_NEW: 'yes',
    },
  },
  {
    // The netdev driver's statistics reader takes the plain accessors (on x86-64 the same
    // code as the _irq ones): its test pings through it and reads the counters. The classic
    // char device is there for a probe of an API this tree left alone (netdev has no other).
    name: 'u64_stats_fetch',
    what: "6.3's u64_stats_sync.h without the _irq readers",
    apply: backportU64StatsWithoutIrq,
    modules: [['netdev', '--name', 'bpnet', '--kunit', 'no'], ['chardev', '--name', 'bpnetchr']],
    kos: ['bpnet', 'bpnetchr'],
    probes: {
      KMOD_HAVE_U64_STATS_FETCH_BEGIN_IRQ: 'no',
      KMOD_HAVE_U64_STATS_FETCH_BEGIN: 'yes',
      KMOD_HAVE_CLASS_CREATE_NAME_ONLY: 'no',
      KMOD_HAVE_CLASS_CREATE_OWNER: 'yes',
    },
    boot: ['bpnet'],
  },
];

withKernelEnv('kernel API probes on vendor-style trees', (env) => {
  const every = project(EVERY_KIND);
  const old = env.kernels.find((k) => k.kind === 'source' && k.line === '5.10');
  const debian61 = env.debianKernels.find((k) => k.line === '6.1');

  if (old) {
    for (const b of BACKPORTS) {
      describe(`5.10 with ${b.what} backported (${old.release})`, () => {
        const tree = linkedTree(old.kdir, b.name);
        b.apply(tree);
        const dir = project(b.modules);
        const built = build(dir, tree, ['C=1', ...old.makeArgs]);
        built.catch(() => undefined);

        it(`the probes find the backported form, not the version's; ${b.kos.join(', ')} build W=1 C=1 clean`, () =>
          track(old.label, 'probes', b.name, async () => {
            const r = await built;
            assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
            assertCleanBuild(r.stdout + r.stderr, b.kos);
            const got = probeResults(dir);
            assert.deepEqual(Object.fromEntries(Object.keys(b.probes).map((m) => [m, got.get(m)])), b.probes);
          }));

        const boot = b.boot;
        if (boot) {
          it(`the make vmtest test of ${boot.join(' and ')} passes in the booted 5.10 kernel`, () =>
            track(old.label, 'probes', `${b.name} boot`, async () => {
              assert.equal((await built).status, 0);
              // W=1 and the kernel's arguments as built: nothing is compiled again.
              const r = await execAsync(
                'make',
                ['-C', dir, 'vmtest', 'W=1', `KDIR=${tree}`, `VMLINUZ=${old.image}`, `KERNELRELEASE=${old.release}`, `MODDIR=${old.kdir}`, ...old.makeArgs],
                { env: { ...process.env, VMTEST_ACCEL: 'tcg', VMTEST_TESTS: boot.join(' ') }, timeoutMs: 600_000 },
              );
              assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
              for (const t of boot) assert.match(r.stdout, new RegExp(`^PASS ${t}$`, 'm'));
            }));
        }
      });
    }

    describe('5.10 whose version.h claims 6.12', () => {
      const tree = linkedTree(old.kdir, 'claims-6.12');
      claimVersion(tree, 6, 12);
      const dir = copyProject(every, 'vendor-claims');
      const built = build(dir, tree, old.makeArgs);
      built.catch(() => undefined);
      it('every kind builds W=1 clean: the probes go by what the tree has', () =>
        track(old.label, 'probes', 'claims 6.12', async () => {
          const r = await built;
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
          assertCleanBuild(r.stdout + r.stderr, []);
          for (const ko of EVERY_KO) assert.match(execOk('modinfo', ['-F', 'vermagic', path.join(dir, `${ko}.ko`)]).stdout, /^5\.10\./);
          const got = probeResults(dir);
          for (const m of ['KMOD_HAVE_PCIM_IOMAP_REGION', 'KMOD_HAVE_PCI_DRIVER_DEV_GROUPS', 'KMOD_HAVE_CLASS_CREATE_NAME_ONLY', 'KMOD_HAVE_REGCACHE_MAPLE', 'KMOD_HAVE_BLK_MQ_ALLOC_DISK_LIM', 'KMOD_HAVE_BLK_FEAT_WRITE_CACHE', 'KMOD_HAVE_DEVICE_ADD_DISK_INT']) {
            assert.equal(got.get(m), 'no', `${m}: 5.10 has not got it, whatever its version.h says`);
          }
        }));
    });

    describe('5.10 with no form of an API the PCI driver needs', () => {
      const tree = linkedTree(old.kdir, 'no-pcim');
      rewrite(path.join(tree, 'include/linux/pci.h'), (t) => t.replace(/^int pcim_iomap_regions\(.*\);$/m, ''));
      const dir = generate(['pci', '--name', 'nopcim']);
      const built = build(dir, tree, old.makeArgs);
      built.catch(() => undefined);
      it('the build stops at the probes, naming the API, each form tried and its first error', () =>
        track(old.label, 'probes', 'missing API', async () => {
          const r = await built;
          const out = `${r.stdout}${r.stderr}`;
          assert.notEqual(r.status, 0);
          assert.match(out, /kmod-probes: 5\.10\.\S+ has no known form of the kernel API 'pcim_iomap'; tried:\n {2}probes\/pcim_iomap_region\.c: .*error: implicit declaration of function .pcim_iomap_region.*\n {2}probes\/pcim_iomap_regions\.c: .*error: implicit declaration of function .pcim_iomap_regions/);
          assert.doesNotMatch(out, /nopcim\.c/, 'stopped before compiling the driver');
        }));
    });
  }

  if (debian61) {
    describe(`Debian 6.1 headers whose version.h claims 6.11 (${debian61.release})`, () => {
      const tree = copiedHeaders(debian61.kdir, 'claims-6.11');
      claimVersion(tree, 6, 11);
      const dir = copyProject(every, 'vendor-claims-6.11');
      it('every kind builds W=1 clean (6.11 did not export pcim_iomap_region)', () =>
        track(debian61.label, 'probes', 'claims 6.11', async () => {
          const r = await build(dir, tree);
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
          assertCleanBuild(r.stdout + r.stderr, []);
          assert.equal(probeResults(dir).get('KMOD_HAVE_PCIM_IOMAP_REGION'), 'no');
          assert.equal(probeResults(dir).get('KMOD_HAVE_PCIM_IOMAP_REGIONS'), 'yes');
        }));
    });

    describe('a probe the user adds', () => {
      it('one file without a kmod-api line is an API of its own: make probes shows its macro', () =>
        track(debian61.label, 'probes', 'user probe', async () => {
          const dir = generate(['chardev', '--name', 'userchr']);
          writeFileSync(
            path.join(dir, 'probes', 'my_msix.c'),
            '// SPDX-License-Identifier: GPL-2.0-only\n#include <linux/pci.h>\n\nint kmod_probe(void);\nint kmod_probe(void)\n{\n\treturn PCI_IRQ_MSIX;\n}\n',
          );
          const r = await execAsync('make', ['-s', '-C', dir, `KDIR=${debian61.kdir}`, 'probes'], { timeoutMs: 600_000 });
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
          assert.match(r.stdout, /^ {2}yes {2}KMOD_HAVE_MY_MSIX$/m);
        }));
    });

    describe('broken probing is caught by the canaries', () => {
      const kernel = debian61 as Kernel;
      // The compiler kbuild uses, wrapped: one that fails every probe, one that ignores errors.
      const wrappers = mkdtempSync(path.join(tmpdir(), 'kmod-cc-'));
      const failing = path.join(wrappers, 'failing-cc');
      const lenient = path.join(wrappers, 'lenient-cc');
      writeFileSync(failing, '#!/bin/sh\ncase " $* " in *" -c "*probes/*) echo "failing-cc: error: cannot compile" >&2; exit 1 ;; esac\nexec gcc-12 "$@"\n', { mode: 0o755 });
      writeFileSync(lenient, '#!/bin/sh\ncase " $* " in *" -c "*probes/*) gcc-12 "$@" 2>/dev/null; for a; do [ "$prev" = -o ] && : >"$a"; prev=$a; done; exit 0 ;; esac\nexec gcc-12 "$@"\n', { mode: 0o755 });
      for (const [cc, expect] of [
        [failing, /kmod-probes: probing is broken for \S+: probes\/canary-compiles\.c, which compiles on every kernel, did not:\n {2}failing-cc: error: cannot compile/],
        [lenient, /kmod-probes: probing is broken for \S+: probes\/canary-fails\.c, which calls a function no kernel has, compiled: compiler errors are being ignored/],
      ] as const) {
        it(`${path.basename(cc)}: the build stops and says probing is broken`, () =>
          track(kernel.label, 'probes', `canary ${path.basename(cc)}`, async () => {
            const dir = generate(['chardev', '--name', 'canchr']);
            const r = await build(dir, kernel.kdir, [`CC=${cc}`]);
            assert.notEqual(r.status, 0);
            assert.match(`${r.stdout}${r.stderr}`, expect);
          }));
      }
    });
  }
});
