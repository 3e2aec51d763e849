/**
 * ARM (#22, and #21's "probes under cross ARCH=/CROSS_COMPILE="): cross builds,
 * then the user's own `make vmtest ARCH=...` on QEMU's virt machine.
 *
 * Cross builds:
 * one project with every kind built the way a board developer builds it,
 * `make -jN W=1 C=1 KMOD_TEST_MODULES=1 KDIR=... ARCH=... CROSS_COMPILE=...`,
 * against Debian 12's arm64 and armhf headers, 6.1 and 6.12
 * (test/kernel/arm/fetch.sh, support/arm.ts). Each build must be warning-free,
 * every .ko an ELF of the target's machine with the kernel's vermagic, and
 * every kernel API probe decided as the version has the API.
 *
 * armhf: Debian's armhf headers run the host's (amd64) linux-kbuild, whose
 * modpost has 64-bit pointers in its device-table layouts, so a module with
 * an OF match table (platform, I2C) stops at modpost. Proven here, with the
 * user's fix: the build fails with modpost's of_device_id message, `make
 * doctor` names the problem and `make target-modpost`, that target builds a
 * modpost for the target from the same version's sources
 * (/usr/src/linux-source-<line>.tar.xz, install-deps.sh), and the same build
 * then passes, with no MODPOST given (the Makefile finds it). `make doctor`
 * also names a modpost and host tools built for another machine (Exec format
 * error), and target-modpost names the package when the sources are missing.
 *
 * Boots: the same builds (nothing is compiled again) are tested by
 * `make vmtest` with Debian's image, module tree and busybox (VM_KERNELS):
 * every module's test passes, the platform driver bound from the device tree
 * (virt's own, dumped by QEMU, with the project's overlay applied) with its
 * register window, interrupt and system sleep. On 32-bit ARM the I2C test
 * boots its own machine (its vmtest-machine line): vexpress-a15, the
 * kernel's own device tree with the project's overlay, QEMU's TMP105 on the
 * board's I2C controller, the driver bound from the device tree and the
 * temperature set through QEMU's monitor. Broken drivers fail there: a
 * platform driver whose OF match table misses the board's compatible, an I2C
 * driver that reads the chip's registers little-endian. Skipped by vmtest
 * itself, which must say so (the tests' vmtest-machine lines): on arm64 the
 * I2C test (no QEMU arm64 board has an I2C controller Debian's kernel
 * drives), on 32-bit ARM the PCI test (edu decodes 28-bit DMA addresses,
 * virt's RAM starts at 1 GiB, and 32-bit virt has no IOMMU).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { execAsync, execOk, limiter, which, type ExecResult } from './support/exec.js';
import { IN_CI } from './support/gate.js';
import { crossArgs, elfMachine, resolveArmKernels, vmtestArgs, type ArmKernel } from './support/arm.js';
import { JOBS, assertCleanBuild, badLines, copyProject, generate, make, makeOk, modinfo } from './support/kbuild.js';
import { testOutput } from './support/qemu.js';
import { checkV4l2 } from './support/v4l2.js';
import { track } from './support/matrix.js';
import { assertProbes } from './support/probes.js';
import { everyKindArgs, type AddedKind } from '../support/kinds.js';

const TOOLS: readonly [string, string][] = [
  ['make', 'make'],
  ['sparse', 'sparse'],
  ['readelf', 'binutils'],
  ['modinfo', 'kmod'],
  ['xz', 'xz-utils'],
];

/** One module of every kind (hello comes with the project, test/support/kinds.ts), named so. */
const NAMES: Readonly<Record<AddedKind, string>> = {
  chardev: 'x_cdev', platform: 'x_plat', pci: 'x_edu', i2c: 'x_i2c', netdev: 'x_net', usb: 'x_usb', hid: 'x_hid', block: 'x_blk', v4l2: 'x_v4l2',
};
/** Those and a misc char device besides the classic one: between them they use every probe. */
const KINDS: readonly (readonly string[])[] = [...everyKindArgs(NAMES), ['chardev', '--name', 'x_misc', '--flavor', 'misc']];
/** The KUnit modules are not among them: Debian's kernels have no KUnit, so Kbuild leaves them out. */
const KOS = ['hello', ...Object.values(NAMES), 'x_misc', 'x_plat_testdev'];

/** modpost's complaint with the host's layouts: FATAL: on 6.1, ERROR: on 6.12. */
const OF_LAYOUT = /^(FATAL|ERROR): modpost: .*sizeof\(struct of_device_id\)=200 is not a modulo of the size of section __mod_of__\S*_device_table=\d+\.?$/m;
/** The lines that complaint brings: modpost's own and make's error trail. */
const MODPOST_FAILURE = [OF_LAYOUT, /^Fix definition of struct of_device_id in mod_devicetable\.h$/, /^make(\[\d+\])?: \*\*\* /];

/**
 * The kernels make vmtest boots: one line per architecture (the cross builds
 * cover both lines; the x86 matrix boots 6.1 and 6.12 alike).
 */
const VM_KERNELS = ['arm64-6.12', 'armhf-6.12'];
/** Tests vmtest skips on `k` by itself, saying so (their vmtest-machine lines; see the top). */
const notOnArm = (k: ArmKernel): string[] => (k.arch === 'armhf' ? ['x_edu'] : ['x_i2c']);
/** The kernel on which broken drivers must fail. */
const SABOTAGED = 'armhf-6.12';
/** The bugs: the platform driver's compatible (as generated) made another; the I2C chip's values read little-endian. */
const PLAT_COMPATIBLE = /(\{ \.compatible = ")([^"]+)(" \})/;
const I2C_BIG_ENDIAN = '.val_format_endian = REGMAP_ENDIAN_BIG,';

/**
 * make vmtest of `dir` on `k`, with the build's own flags (W=1 C=1
 * KMOD_TEST_MODULES=1, so kbuild finds nothing to compile again), TCG.
 */
function vmtest(dir: string, k: ArmKernel, tests: readonly string[]): Promise<ExecResult> {
  return execAsync('make', ['-C', dir, 'W=1', 'C=1', 'vmtest', ...vmtestArgs(k)], {
    env: { ...process.env, VMTEST_ACCEL: 'tcg', VMTEST_TESTS: tests.join(' ') },
    timeoutMs: 900_000,
  });
}

/** The lines of test `t` in the console log of the last make vmtest in `dir` (of `machine`'s boot: its own folder). */
function testLog(dir: string, t: string, machine = ''): string {
  const log = readFileSync(path.join(dir, '.vmtest', machine, 'console.log'), 'utf8');
  const out = testOutput(log, t);
  assert.ok(out !== undefined, `test ${t} ran`);
  return out;
}

/** The linux-source tarball target-modpost takes by default (install-deps.sh installs them). */
const sourceTarball = (k: ArmKernel) => `/usr/src/linux-source-${k.line}.tar.xz`;

function crossBuild(dir: string, k: ArmKernel): Promise<ExecResult> {
  return execAsync('make', [JOBS, '-C', dir, 'W=1', 'C=1', 'KMOD_TEST_MODULES=1', ...crossArgs(k)], { timeoutMs: 600_000 });
}

function assertElf(dir: string, k: ArmKernel): void {
  const want = elfMachine(k);
  for (const ko of KOS) {
    const h = execOk('readelf', ['-h', path.join(dir, `${ko}.ko`)]).stdout;
    assert.match(h, new RegExp(`^\\s*Machine:\\s+${want.machine}$`, 'm'), `${ko}.ko is for ${want.machine}:\n${h}`);
    assert.match(h, new RegExp(`^\\s*Class:\\s+${want.elfClass}$`, 'm'), `${ko}.ko is ${want.elfClass}:\n${h}`);
    const v = modinfo('vermagic', path.join(dir, `${ko}.ko`));
    assert.ok(v.startsWith(`${k.release} `), `${ko}.ko vermagic "${v}" is for ${k.release}`);
  }
}

/** A copy of `k`'s headers whose host tools are ARM programs (its busybox), as in a board's cross-built headers package. */
function foreignToolsTree(k: ArmKernel): string {
  const tree = mkdtempSync(path.join(tmpdir(), 'kmod-foreign-kdir-'));
  copyFileSync(path.join(k.kdir, 'Makefile'), path.join(tree, 'Makefile'));
  copyFileSync(path.join(k.kdir, '.config'), path.join(tree, '.config'));
  symlinkSync(path.join(k.kdir, 'include'), path.join(tree, 'include'));
  for (const tool of ['scripts/basic/fixdep', 'scripts/mod/modpost']) {
    mkdirSync(path.dirname(path.join(tree, tool)), { recursive: true });
    copyFileSync(k.busybox, path.join(tree, tool));
  }
  return tree;
}

/** Whether this machine runs 32-bit ARM programs anyway (binfmt_misc with qemu-user): then nothing is foreign. */
function runsArm(): boolean {
  const entry = '/proc/sys/fs/binfmt_misc/qemu-arm';
  return existsSync(entry) && readFileSync(entry, 'utf8').startsWith('enabled');
}

function gate(): { kernels: ArmKernel[] } | undefined {
  const { kernels, missing } = resolveArmKernels();
  for (const [tool, pkg] of TOOLS) if (!which(tool)) missing.push(`${tool} (Debian package ${pkg})`);
  for (const k of kernels) {
    if (k.arch === 'armhf' && !existsSync(sourceTarball(k))) missing.push(`${sourceTarball(k)} (Debian package linux-source-${k.line}; make target-modpost's sources)`);
  }
  if (missing.length === 0) return { kernels };
  const why = `the ARM cross-build test cannot run; missing:\n  - ${missing.join('\n  - ')}\nInstall with: sudo bash test/kernel/install-deps.sh && bash test/kernel/arm/fetch.sh`;
  if (IN_CI) {
    it('cross ARM: prerequisites', () => {
      throw new Error(`CI requires Debian's ARM kernels: ${why}`);
    });
    return undefined;
  }
  const banner = '!'.repeat(78);
  process.stderr.write(`\n${banner}\n!!! SKIPPED (not in CI): ${why}\n${banner}\n\n`);
  it('cross ARM: SKIPPED, prerequisites missing (not in CI)', { skip: `missing: ${missing.join('; ')}` }, () => {});
  return undefined;
}

describe('ARM: cross builds and make vmtest (Debian 12 arm64 and armhf kernels)', () => {
  const ready = gate();
  if (!ready) return;
  const project = generate(['--name', 'hello']);
  for (const args of KINDS) generate(args, project);
  // One kernel's builds at a time (each with -jN): the machine's cores are the limit.
  const serial = limiter(1);
  // One boot at a time, each after its kernel's build (TCG takes one core).
  const boots = limiter(1);
  const tests = readdirSync(path.join(project, 'tests')).map((f) => f.replace(/\.sh$/, '')).sort();

  for (const k of ready.kernels) {
    const dir = copyProject(project, k.label);
    const cross = crossArgs(k);

    if (k.arch === 'arm64') {
      const build = serial(() => crossBuild(dir, k));
      build.catch(() => undefined);
      describe(`${k.label} (${k.release}, ${cross.slice(1).join(' ')})`, () => {
        it('every kind builds with make -jN W=1 C=1 KMOD_TEST_MODULES=1, no warning; ELF AArch64 modules for the release', () =>
          track(k.label, 'cross', 'build', async () => {
            const b = await build;
            const log = `${b.stdout}${b.stderr}`;
            assert.equal(b.status, 0, `${b.command} failed:\n${log}`);
            assertCleanBuild(log, KOS);
            assertElf(dir, k);
          }));
        it('every kernel API probe is decided as the version has the API', () =>
          track(k.label, 'cross', 'probes', async () => {
            assert.equal((await build).status, 0, 'the build succeeded');
            assertProbes(dir, k);
          }));
      });
      if (VM_KERNELS.includes(k.label)) bootTests(k, dir, build.then((b) => b.status === 0));
      continue;
    }

    // armhf: the build without the fix, doctor, the fix, the same build again, doctor again.
    const steps = serial(async () => {
      const broken = await crossBuild(dir, k);
      const doctorBefore = make(dir, ['-s', 'doctor', ...cross]);
      const fix = make(dir, ['-s', 'target-modpost', ...cross]);
      const fixed = await crossBuild(dir, k);
      const doctorAfter = make(dir, ['-s', 'doctor', ...cross]);
      return { broken, doctorBefore, fix, fixed, doctorAfter };
    });
    steps.catch(() => undefined);
    describe(`${k.label} (${k.release}, ${cross.slice(1).join(' ')})`, () => {
      it("without the fix: the build stops at modpost's of_device_id size, and only there", () =>
        track(k.label, 'cross', 'host-modpost', async () => {
          const { broken } = await steps;
          const log = `${broken.stdout}${broken.stderr}`;
          assert.notEqual(broken.status, 0, `${broken.command} must fail with the host's modpost:\n${log}`);
          assert.match(log, OF_LAYOUT, "modpost's of_device_id message");
          // Everything else was compiled W=1 C=1 and is clean: the OF layout is the only problem.
          const rest = log.split('\n').filter((l) => !MODPOST_FAILURE.some((re) => re.test(l)));
          assertCleanBuild(rest.join('\n'), KOS);
        }));

      it("make doctor names the problem and make target-modpost", () =>
        track(k.label, 'cross', 'doctor', async () => {
          const { doctorBefore: d } = await steps;
          const out = d.stdout + d.stderr;
          assert.notEqual(d.status, 0, `doctor fails:\n${out}`);
          assert.match(out, /^FAIL: +modpost \(\S+\/scripts\/mod\/modpost\) has another word size's device-table layouts: .*sizeof\(struct of_device_id\)=200 is not a modulo/m, out);
          assert.match(out, /run 'make target-modpost': it builds modpost for this 32-bit target/, out);
          assert.match(out, /linux-source-<version>/, out);
        }));

      it(`make target-modpost builds modpost for the target from ${sourceTarball(k)}`, () =>
        track(k.label, 'cross', 'target-modpost', async () => {
          const { fix } = await steps;
          const out = fix.stdout + fix.stderr;
          assert.equal(fix.status, 0, `${fix.command} failed:\n${out}`);
          assert.match(out, new RegExp(`scripts/mod from ${sourceTarball(k).replace(/\./g, '\\.')} \\(Linux ${k.line.replace('.', '\\.')}\\.\\d+, arm,`), out);
          assert.match(out, /the target's layouts: sizeof\(struct of_device_id\)=196, ELFCLASS32/, out);
          const help = makeOk(dir, ['-s', 'help', ...cross]).stdout;
          assert.match(help, /MODPOST +kbuild's modpost \(now: \S+\/\.kmod-modpost\/\S+\/scripts\/mod\/modpost;/, help);
        }));

      it('then the same build (no MODPOST given) passes: every kind W=1 C=1 clean, ELF ARM modules for the release', () =>
        track(k.label, 'cross', 'build', async () => {
          const { broken, fixed } = await steps;
          const log = `${fixed.stdout}${fixed.stderr}`;
          assert.equal(fixed.status, 0, `${fixed.command} failed:\n${log}`);
          assert.deepEqual(badLines(log), [], `build not clean:\n${log}`);
          assert.match(log, /MODPOST\s+\S*Module\.symvers/, `modpost ran:\n${log}`);
          // The objects are those of the build above (compiled there with W=1 C=1, clean); modpost and the link are new.
          const first = `${broken.stdout}${broken.stderr}`.split('\n').filter((l) => !MODPOST_FAILURE.some((re) => re.test(l)));
          assertCleanBuild([...first, log].join('\n'), KOS);
          assertElf(dir, k);
        }));

      it('make doctor is content after the fix', () =>
        track(k.label, 'cross', 'doctor-after', async () => {
          const { doctorAfter: d } = await steps;
          const out = d.stdout + d.stderr;
          assert.equal(d.status, 0, `doctor passes:\n${out}`);
          assert.match(out, /^ok: +the tree's host tools run on \S+ \(modpost: \S+\/\.kmod-modpost\//m, out);
          assert.match(out, /^ok: +modpost knows the 32-bit target's device-table layouts/m, out);
        }));

      it('every kernel API probe is decided as the version has the API', () =>
        track(k.label, 'cross', 'probes', async () => {
          assert.equal((await steps).fixed.status, 0, 'the build succeeded');
          assertProbes(dir, k);
        }));

      if (VM_KERNELS.includes(k.label)) bootTests(k, dir, steps.then((s) => s.fixed.status === 0));

      if (k.line === '6.1') {
        it('make target-modpost without the sources names the package to install', () =>
          track(k.label, 'cross', 'no-source', async () => {
            await steps;
            const r = make(dir, ['-s', 'target-modpost', ...cross, 'KSRC=/nonexistent/linux.tar.xz']);
            const out = r.stdout + r.stderr;
            assert.notEqual(r.status, 0, out);
            assert.match(out, /needs the sources of Linux 6\.1\.\d+ \(its scripts\/mod\), not found at KSRC=\/nonexistent\/linux\.tar\.xz/, out);
            assert.match(out, /sudo apt install linux-source-6\.1 +\(then \/usr\/src\/linux-source-6\.1\.tar\.xz is used\)/, out);
          }));

        it('make doctor names host tools built for another machine (Exec format error) and the fix for each', { skip: runsArm() ? 'this machine runs ARM programs (binfmt_misc qemu-arm)' : false }, () =>
          track(k.label, 'cross', 'doctor-foreign', async () => {
            await steps;
            // modpost alone foreign (MODPOST= an ARM program): target-modpost is the fix.
            const m = make(dir, ['-s', 'doctor', ...cross, `MODPOST=${k.busybox}`]);
            const mout = m.stdout + m.stderr;
            assert.notEqual(m.status, 0, mout);
            assert.match(mout, new RegExp(`^FAIL: +modpost \\(${k.busybox.replace(/[.+]/g, '\\$&')}\\) was built for another machine \\(Exec format error\\): run 'make target-modpost'`, 'm'), mout);
            // fixdep and modpost foreign (a board's headers cross-built on another machine).
            const tree = foreignToolsTree(k);
            const f = make(dir, ['-s', 'doctor', `KDIR=${tree}`, `ARCH=${k.makeArch}`, `CROSS_COMPILE=${k.crossCompile}`]);
            const fout = f.stdout + f.stderr;
            assert.notEqual(f.status, 0, fout);
            assert.match(fout, /^FAIL: +the host tools in \S+\/scripts were built for another machine \(Exec format error: \S+\/scripts\/basic\/fixdep \S+\/scripts\/mod\/modpost\)$/m, fout);
            assert.match(fout, /olddefconfig modules_prepare/, fout);
          }));
      }
    });
  }

  /** make vmtest in `dir` once `built` says the cross build passed; the broken drivers on SABOTAGED. */
  function bootTests(k: ArmKernel, dir: string, built: Promise<boolean>): void {
    const passing = tests.filter((t) => !notOnArm(k).includes(t));
    const boot = built.then((ok) => (ok ? boots(() => vmtest(dir, k, tests)) : undefined));
    boot.catch(() => undefined);
    const booted = async (): Promise<ExecResult> => {
      const r = await boot;
      assert.ok(r, 'the cross build passed');
      return r;
    };
    describe(`make vmtest ARCH=${k.makeArch} on ${k.label}: QEMU's virt machine`, () => {
      it(`every test passes: ${passing.join(' ')}; vmtest skips ${notOnArm(k).join(' ')}, saying why`, () =>
        track(k.label, 'arm vmtest', 'tests', async () => {
          const r = await booted();
          const out = `${r.stdout}${r.stderr}`;
          assert.equal(r.status, 0, out);
          assert.doesNotMatch(r.stdout, /^ +CC \[M\] /m, `the modules of the cross build are the ones booted:\n${out}`);
          assert.match(r.stdout, new RegExp(`^vmtest: ${k.release.replace(/[.+]/g, '\\$&')} \\(.*\\), ${k.makeArch}, QEMU tcg`, 'm'), out);
          for (const t of passing) assert.match(r.stdout, new RegExp(`^PASS ${t}$`, 'm'), out);
          for (const t of notOnArm(k)) {
            assert.match(r.stdout, new RegExp(`^SKIP ${t}: not on ARCH=${k.makeArch} \\(tests/${t}\\.sh: vmtest-machine ${k.makeArch}=none; it says why\\)$`, 'm'), out);
            assert.doesNotMatch(out, new RegExp(`^(PASS|FAIL) ${t}`, 'm'), out);
          }
          if (k.arch === 'armhf') {
            assert.match(r.stdout, /, tests: x_i2c, machine vexpress-a15$/m, out);
            assert.match(r.stdout, /^vmtest: PASSED \(2 boots: \S+\/\.vmtest\/console\.log \S+\/\.vmtest\/vexpress-a15\/console\.log\)$/m, out);
          }
          assert.match(r.stdout, /^vmtest: PASSED /m, out);
        }));
      it('the platform driver is bound from the device tree: its window, interrupt and system sleep', () =>
        track(k.label, 'arm vmtest', 'device tree', async () => {
          assert.equal((await booted()).status, 0);
          const log = testLog(dir, 'x_plat');
          for (const check of ['the device comes from the device tree', 'the driver is bound to it', 'its memory region is claimed', 'its interrupt is requested', 'system sleep suspends and resumes it', 'bind again']) {
            assert.match(log, new RegExp(`^ok - ${check}$`, 'm'), log);
          }
          assert.doesNotMatch(log, /test device/, `the x86 test device is not used:\n${log}`);
        }));
      it("the block test's file systems checked by the arch's own e2fsck and fsck.vfat (vmtest-host, from VMTEST_SYSROOT)", () =>
        track(k.label, 'arm vmtest', 'host programs', async () => {
          assert.equal((await booted()).status, 0);
          const log = testLog(dir, 'x_blk');
          for (const check of ['vfat made with mkfs.fat', 'e2fsck -fn /dev/x_blk0 finds nothing to repair', 'fsck.vfat -n /dev/x_blk0p1 finds nothing to repair']) {
            assert.match(log, new RegExp(`^ok - ${check}$`, 'm'), log);
          }
        }));
      it('the V4L2 test measured x_v4l2 with v4l2-compliance against vivid, streamed every I/O mode and checked the frames (vmtest-host, from VMTEST_SYSROOT)', () =>
        track(k.label, 'arm vmtest', 'v4l2', async () => {
          assert.equal((await booted()).status, 0);
          process.stderr.write(`${k.label}: v4l2-compliance ${checkV4l2(testLog(dir, 'x_v4l2'), 'x_v4l2')}\n`);
        }));
      if (k.arch === 'armhf') {
        it('the I2C driver is bound from the device tree to QEMU\'s TMP105 on vexpress-a15, readings set through the monitor', () =>
          track(k.label, 'arm vmtest', 'i2c device tree', async () => {
            assert.equal((await booted()).status, 0);
            const log = testLog(dir, 'x_i2c', 'vexpress-a15');
            for (const check of ["its node is the overlay's", 'bound to it', 'the temperature QEMU was given: 25000', "the chip's power-on limit, 0x5000 high byte first: 80000", 'QEMU sets -10500: it reads so', 'QEMU sets 125000: it reads so', 'a limit of 30000 reaches the chip as 0x1e00', 'bind again']) {
              assert.match(log, new RegExp(`^ok - ${check.replace(/[.+()]/g, '\\$&')}$`, 'm'), log);
            }
          }));
      }
      if (k.label === VM_KERNELS[0]) {
        it('what is missing is named with its package: the arch\'s QEMU, a busybox for the arch', () =>
          track(k.label, 'arm vmtest', 'missing tools', async () => {
            await booted();
            const script = (extra: Record<string, string>) =>
              execAsync('sh', ['scripts/vmtest.sh'], {
                cwd: dir,
                env: { ...(process.env as Record<string, string>), ARCH: k.makeArch, KDIR: k.kdir, KERNELRELEASE: k.release, MODULES: 'hello', VMLINUZ: k.image, MODDIR: k.moddir, BUSYBOX: k.busybox, ...extra },
              });
            const qemu = await script({ QEMU: '/nonexistent/qemu-system-aarch64' });
            assert.equal(qemu.status, 2, qemu.stderr);
            assert.match(qemu.stderr, /qemu-system-aarch64 not found: install it \(Debian\/Ubuntu: sudo apt install qemu-system-arm\)/);
            const host = which('busybox');
            assert.ok(host, "the host's busybox (install-deps.sh installs busybox-static)");
            const bb = await script({ BUSYBOX: host });
            assert.equal(bb.status, 2, bb.stderr);
            assert.match(bb.stderr, /is not a busybox for arm64: set BUSYBOX to a static one for arm64 \(Debian: apt-get download busybox-static:arm64, then dpkg -x it: bin\/busybox\)/);
            // A test's host programs come from a VMTEST_SYSROOT for a foreign ARCH, not from the host.
            writeFileSync(path.join(dir, 'tests', 'zz_host.sh'), '# vmtest-host: kmod-no-such-tool? cpio:cpio\ncheck "true" true\n');
            const host2 = await script({ VMTEST_TESTS: 'zz_host', QEMU: 'true' });
            rmSync(path.join(dir, 'tests', 'zz_host.sh'));
            assert.equal(host2.status, 2, host2.stderr);
            assert.match(host2.stdout, /^vmtest: kmod-no-such-tool \(optional in tests\/zz_host\.sh\) left out: ARCH=arm64 takes it from a VMTEST_SYSROOT$/m);
            assert.match(
              host2.stderr,
              /^vmtest: tests\/zz_host\.sh needs cpio for ARCH=arm64: set VMTEST_SYSROOT to a root file system of arm64 with it \(Debian: apt-get download cpio:arm64 and its libraries, dpkg -x each into that folder\)$/m,
            );
          }));
      }
      if (k.label !== SABOTAGED) return;
      it("broken drivers fail: a platform driver that misses the board's compatible, an I2C driver that reads little-endian", () =>
        track(k.label, 'arm vmtest', 'sabotaged', async () => {
          await booted();
          // In the booted copy (the tests above have read its logs): only these two are compiled again.
          const plat = path.join(dir, 'x_plat.c');
          const i2c = path.join(dir, 'x_i2c.c');
          const platText = readFileSync(plat, 'utf8');
          const i2cText = readFileSync(i2c, 'utf8');
          assert.match(platText, PLAT_COMPATIBLE);
          assert.ok(i2cText.includes(I2C_BIG_ENDIAN), I2C_BIG_ENDIAN);
          writeFileSync(plat, platText.replace(PLAT_COMPATIBLE, '$1$2-not-this-board$3'));
          writeFileSync(i2c, i2cText.replace(I2C_BIG_ENDIAN, '.val_format_endian = REGMAP_ENDIAN_LITTLE,'));
          const r = await boots(() => vmtest(dir, k, ['x_plat', 'x_i2c']));
          writeFileSync(plat, platText);
          writeFileSync(i2c, i2cText);
          assert.notEqual(r.status, 0, r.stdout);
          assert.match(r.stdout, /^FAIL x_plat \(exit 1\):\n(.*\n)*? {4}not ok - the driver is bound to it$/m, r.stdout);
          assert.match(testLog(dir, 'x_plat'), /^ok - the device comes from the device tree$/m);
          assert.match(r.stdout, /^FAIL x_i2c \(exit 1\):\n(.*\n)*? {4}not ok - the temperature QEMU was given: 25000$/m, r.stdout);
          assert.match(r.stdout, /^vmtest: FAILED \(2 boots: /m, r.stdout);
        }));
    });
  }
});
