/**
 * Kernel API probes against kernels that are not what their version says.
 * (The real kernels of every line and configuration are checked in the
 * matrix: support/probes.ts, with the main project's build.)
 *
 * The suite makes vendor-style trees from its 5.10 tree (a hard-linked copy
 * with some headers rewritten) and from Debian's 6.1 headers:
 * - RHEL-style backports of class_create(name) and the void platform
 *   .remove into 5.10: the probes flip, the char device and platform
 *   drivers build W=1 clean, and the char device passes its make vmtest
 *   test in the 5.10 kernel (the class_create change is boot-relevant: the
 *   macro still calls 5.10's __class_create; the .remove one changes a
 *   function's type, so it is built only);
 * - 5.10 whose version.h claims 6.12, and 6.1 headers claiming 6.11: every
 *   kind builds W=1 clean (a version table took 6.12's APIs, and 6.11's
 *   pcim_iomap_region(), which 6.11 did not export);
 * - 5.10 without any form of an API the PCI driver needs: the build stops
 *   at the probes, naming the API, the forms tried and their first errors;
 * - a compiler that fails everything, or ignores errors: the canaries stop
 *   the build with a message that says probing is broken.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { execAsync, execOk } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { JOBS, assertCleanBuild, copyProject, generate } from './support/kbuild.js';
import type { Kernel } from './support/kernels.js';
import { track } from './support/matrix.js';
import { probeResults } from './support/probes.js';

/** Rewrites a file of a hard-linked tree without touching the original (a new inode). */
function rewrite(file: string, edit: (text: string) => string): void {
  const text = readFileSync(file, 'utf8');
  const changed = edit(text);
  assert.notEqual(changed, text, `${file} changed`);
  unlinkSync(file);
  writeFileSync(file, changed);
}

/** A copy of a kernel build tree, hard-linked (cheap), for rewriting some headers. */
function linkedTree(kdir: string, label: string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), `kmod-vendor-${label}-`)), 'src');
  execOk('cp', ['-al', realpathSync(kdir), dir]);
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

/** 6.4's class_create(name), as RHEL 9 backported it: the same __class_create underneath. */
function backportClassCreate(tree: string): void {
  rewrite(path.join(tree, 'include/linux/device/class.h'), (t) =>
    t.replace(/#define class_create\(owner, name\)/, '#define class_create(name)').replace(/__class_create\(owner, name, &__key\)/, '__class_create(THIS_MODULE, name, &__key)'),
  );
}

/** 6.11's void platform_driver .remove. */
function backportPlatformRemove(tree: string): void {
  rewrite(path.join(tree, 'include/linux/platform_device.h'), (t) => t.replace(/\tint \(\*remove\)\(struct platform_device \*\);/, '\tvoid (*remove)(struct platform_device *);'));
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
] as const;
const EVERY_KO = ['vhello', 'vchr', 'vplat', 'vplat_testdev', 'vpci', 'vi2c', 'vnet', 'vusb'];

withKernelEnv('kernel API probes on vendor-style trees', (env) => {
  const every = EVERY_KIND.reduce((dir: string | undefined, args) => generate([...args], dir), undefined) as string;
  const old = env.kernels.find((k) => k.kind === 'source' && k.line === '5.10');
  const debian61 = env.debianKernels.find((k) => k.line === '6.1');

  if (old) {
    describe(`5.10 with backports (${old.release})`, () => {
      const tree = linkedTree(old.kdir, 'backports');
      backportClassCreate(tree);
      backportPlatformRemove(tree);
      const dir = generate(['--name', 'bphello']);
      generate(['chardev', '--name', 'bpchr'], dir);
      generate(['platform', '--name', 'bpplat'], dir);
      const built = build(dir, tree, ['C=1', ...old.makeArgs]);
      built.catch(() => undefined);

      it('the probes find the backported forms, not the version\'s; both drivers build W=1 C=1 clean', () =>
        track(old.label, 'probes', 'backports', async () => {
          const r = await built;
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
          assertCleanBuild(r.stdout + r.stderr, ['bphello', 'bpchr', 'bpplat', 'bpplat_testdev']);
          const got = probeResults(dir);
          assert.equal(got.get('KMOD_HAVE_CLASS_CREATE_NAME_ONLY'), 'yes');
          assert.equal(got.get('KMOD_HAVE_CLASS_CREATE_OWNER'), 'no', 'the old form is gone');
          assert.equal(got.get('KMOD_HAVE_PLATFORM_REMOVE_VOID'), 'yes');
          assert.equal(got.get('KMOD_HAVE_PLATFORM_REMOVE_INT'), 'no');
          assert.equal(got.get('KMOD_HAVE_DEFINE_SIMPLE_DEV_PM_OPS'), 'no', 'what was not backported is still 5.10\'s');
          assert.equal(got.get('KMOD_HAVE_SIMPLE_DEV_PM_OPS'), 'yes');
        }));

      it('the char device built against the backported class_create passes its test in the booted 5.10 kernel', () =>
        track(old.label, 'probes', 'backport boot', async () => {
          assert.equal((await built).status, 0);
          const r = await execAsync(
            'make',
            ['-C', dir, 'vmtest', `KDIR=${tree}`, `VMLINUZ=${old.image}`, `KERNELRELEASE=${old.release}`, `MODDIR=${old.kdir}`],
            { env: { ...process.env, VMTEST_ACCEL: 'tcg', VMTEST_TESTS: 'bpchr' }, timeoutMs: 600_000 },
          );
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
          assert.match(r.stdout, /^PASS bpchr$/m);
        }));
    });

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
          for (const m of ['KMOD_HAVE_PCIM_IOMAP_REGION', 'KMOD_HAVE_PCI_DRIVER_DEV_GROUPS', 'KMOD_HAVE_CLASS_CREATE_NAME_ONLY', 'KMOD_HAVE_REGCACHE_MAPLE']) {
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
