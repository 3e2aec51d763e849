/**
 * LLVM=1 (#21): the generated code and its kernel API probes with a kernel
 * built with clang. Debian's headers hard-code CC=gcc and the suite's other
 * source-built trees are configured for gcc, so build.sh prepares one more
 * tree for this test: Debian's 5.10 sources with the 5.10 boot kernel's
 * configuration (tinyconfig + qemu.config), configured and prepared with
 * LLVM=1 (make modules_prepare only: no vmlinux). A project with one module of every kind is built against it the
 * way users build (make -jN W=1 C=1 LLVM=1), and must come out warning-free,
 * compiled by clang (objects, .cmd files and probe objects say so), with
 * every probe decided as 5.10 has the API.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { execOk, which } from './support/exec.js';
import { IN_CI, withKernelEnv } from './support/gate.js';
import { CONFIG_CLAIMS, llvmKernel, type Kernel } from './support/kernels.js';
import { assertCleanBuild, generate, makeOk, modinfo, strictBuild } from './support/kbuild.js';
import { track } from './support/matrix.js';
import { assertProbes } from './support/probes.js';
import { everyKindArgs, type AddedKind } from '../support/kinds.js';

/** What LLVM=1 runs on 5.10 (its Makefile: clang, ld.lld, llvm-ar, llvm-nm, llvm-objcopy...) and readelf for the checks. */
const TOOLS: readonly [string, string][] = [
  ['clang', 'clang'],
  ['ld.lld', 'lld'],
  ['llvm-ar', 'llvm'],
  ['llvm-nm', 'llvm'],
  ['llvm-objcopy', 'llvm'],
  ['readelf', 'binutils'],
];

/**
 * One module of every kind (hello comes with the project,
 * test/support/kinds.ts): the classic char device, the platform driver with
 * every optional part (and its test device), the PCI driver's edu profile
 * and the I2C driver's hwmon front-end use every probe between them; the I2C
 * and netdev KUnit suites build too (the tree has KUnit).
 */
const NAMES: Readonly<Record<AddedKind, string>> = {
  chardev: 'llvm_chr', platform: 'llvm_plat', pci: 'llvm_pci', i2c: 'llvm_i2c', netdev: 'llvm_net', usb: 'llvm_usb', hid: 'llvm_hid', block: 'llvm_blk', v4l2: 'llvm_v4l2',
};
const KOS = ['hello', ...Object.values(NAMES), 'llvm_plat_testdev', 'llvm_i2c_kunit', 'llvm_net_kunit'];

/**
 * The lines modpost prints for a tree without Module.symvers (the llvm tree):
 * it cannot check the modules' symbols. The only warnings such a build may show.
 */
const PREPARED_TREE_LINES: readonly RegExp[] = [
  /^WARNING: Symbol version dump "Module\.symvers" is missing\.$/,
  /^WARNING: modpost: Symbol info of vmlinux is missing\. Unresolved symbol check will be entirely skipped\.$/,
];

/**
 * The only lines of the log allowed to look like warnings, none of them about
 * the generated code:
 * - modpost's, because the tree is prepared only: without vmlinux there is no
 *   Module.symvers, so modpost says so and cannot check the modules' symbols
 *   (PREPARED_TREE_LINES; the boot and debug trees are complete, and there it does);
 * - sparse's (C=1) on the compiler's own <stdarg.h>: 5.10 still includes it
 *   (5.15 has its own linux/stdarg.h), kbuild compiles 5.10 as gnu89, where
 *   __STDC_VERSION__ is undefined, and clang 14's stdarg.h tests it without
 *   defined() (clang 16's does not): sparse, handed kbuild's -Wundef, reports
 *   that system header; clang itself does not.
 */
function allowedLines(stdarg: string): RegExp[] {
  const quoted = stdarg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [
    ...PREPARED_TREE_LINES,
    new RegExp(`^${quoted}:\\d+:\\d+: warning: undefined preprocessor identifier '(__STDC_VERSION__|__cplusplus)'$`),
  ];
}

/** The .comment section of an object: the compilers that made it. */
function compilers(file: string): string {
  return execOk('readelf', ['-p', '.comment', file]).stdout;
}

function assertClang(file: string): void {
  const comment = compilers(file);
  assert.match(comment, /clang version/, `${file} compiled by clang:\n${comment}`);
  assert.doesNotMatch(comment, /GCC:/, `${file} has no gcc-compiled part:\n${comment}`);
}

withKernelEnv('LLVM=1 (clang-built kernel)', () => {
  const { kernel, missing } = llvmKernel();
  for (const [tool, pkg] of TOOLS) if (!which(tool)) missing.push(`${tool} (Debian package ${pkg})`);
  if (!kernel || missing.length > 0) {
    const why = `the LLVM=1 test cannot run; missing:\n  - ${missing.join('\n  - ')}`;
    if (IN_CI) {
      it('LLVM=1: prerequisites', () => {
        throw new Error(`CI requires the clang-built tree: ${why}`);
      });
      return;
    }
    const banner = '!'.repeat(78);
    process.stderr.write(`\n${banner}\n!!! SKIPPED (not in CI): ${why}\n${banner}\n\n`);
    it('LLVM=1: SKIPPED, prerequisites missing (not in CI)', { skip: `missing: ${missing.join('; ')}` }, () => {});
    return;
  }
  const k: Kernel = kernel;
  const stdarg = path.join(execOk('clang', ['-print-file-name=include']).stdout.trim(), 'stdarg.h');
  const dir = generate(['--name', 'hello']);
  for (const args of everyKindArgs(NAMES)) generate(args, dir);
  const build = strictBuild(dir, k);
  build.catch(() => undefined);

  describe(`${k.label} (${k.release}; ${k.makeArgs.join(' ')}, prepared only, ${k.kdir})`, () => {
    it('the tree is configured with clang and lld, with the subsystems of every kind', () =>
      track(k.label, 'llvm', 'config', async () => {
        assert.ok(k.makeArgs.includes('LLVM=1'), `the manifest gives LLVM=1: ${k.makeArgs.join(' ')}`);
        const config = readFileSync(path.join(k.kdir, '.config'), 'utf8');
        for (const [symbol, want] of Object.entries(CONFIG_CLAIMS.llvm)) {
          const on = new RegExp(`^CONFIG_${symbol}=y$`, 'm').test(config);
          assert.equal(on, want, `CONFIG_${symbol} is ${on ? 'on' : 'off'} in ${k.kdir}/.config`);
        }
      }));

    it('the generated Makefile finds LLVM=1 in that tree by itself', () =>
      track(k.label, 'llvm', 'detect', async () => {
        assert.match(makeOk(dir, ['-s', 'help', `KDIR=${k.kdir}`]).stdout, /\(LLVM=1\)/);
      }));

    it('every kind builds with make -jN W=1 C=1 LLVM=1 KMOD_TEST_MODULES=1, no warning', () =>
      track(k.label, 'llvm', 'build', async () => {
        const b = await build;
        const log = `${b.stdout}${b.stderr}`;
        assert.equal(b.status, 0, `${b.command} failed:\n${log}`);
        assertCleanBuild(log, KOS, allowedLines(stdarg));
        for (const ko of KOS) {
          const v = modinfo('vermagic', path.join(dir, `${ko}.ko`));
          assert.ok(v.startsWith(`${k.release} `), `${ko}.ko vermagic "${v}" is for ${k.release}`);
        }
      }));

    it('the modules and the probes were compiled by clang', () =>
      track(k.label, 'llvm', 'clang', async () => {
        assert.equal((await build).status, 0, 'the build succeeded');
        for (const ko of KOS) {
          const cmd = readFileSync(path.join(dir, `.${ko}.o.cmd`), 'utf8');
          assert.match(cmd, /^(saved)?cmd_\S+ := clang /, `.${ko}.o.cmd: ${cmd.slice(0, 200)}`);
          assertClang(path.join(dir, `${ko}.o`));
          assertClang(path.join(dir, `${ko}.ko`));
        }
        const [key, ...others] = readdirSync(path.join(dir, '.kmod-probes'));
        assert.ok(key && others.length === 0, 'one probed kernel tree');
        const results = path.join(dir, '.kmod-probes', key);
        const objects = readdirSync(results).filter((f) => f.endsWith('.o'));
        assert.ok(objects.length > 0, `probe objects in ${results}`);
        for (const o of objects) assertClang(path.join(results, o));
      }));

    it('every kernel API probe is decided as 5.10 has the API', () =>
      track(k.label, 'llvm', 'probes', async () => {
        assert.equal((await build).status, 0, 'the build succeeded');
        assertProbes(dir, k);
      }));
  });
});
