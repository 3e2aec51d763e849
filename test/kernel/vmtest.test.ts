/**
 * The user's own proof, proven: `make vmtest` of a generated project (its
 * scripts/vmtest.sh and tests/<module>.sh) on every kernel line. The main
 * project holds every kind (hello, both char device flavours, four platform
 * drivers, four PCI drivers on QEMU's edu, three I2C drivers on i2c-stub, a
 * network device, a USB driver on dummy_hcd): each of its tests must pass,
 * and its KUnit suites too where the kernel has KUnit (the source-built
 * kernels); on Debian's kernels vmtest must say that it did not run them.
 *
 * A broken project shows that vmtest fails as it must: a test that fails, a
 * kernel WARNING in a test that otherwise passes, a KUnit case that fails.
 * Its boot takes VMTEST_ACCEL's default (KVM when usable, else TCG), the
 * others TCG, as the rest of the suite. On Debian's kernels make vmtest runs
 * as a normal account (nobody, a user's PATH without /sbin); on the nopm
 * trees, whose KUnit is a module, the KUnit suites must load after kunit.ko.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { execAsync, limiter, type ExecResult } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { copyProject, generate } from './support/kbuild.js';
import type { Kernel } from './support/kernels.js';
import { track } from './support/matrix.js';
import { I2C_KOS } from './support/i2c.js';
import { unpacker } from './support/intree.js';
import { NETDEV } from './support/netdev.js';
import { BLOCK } from './support/block.js';
import { PROJECTS } from './support/variants.js';

const CANARY_SOURCE = fileURLToPath(new URL('../../../test/kernel/guest/canary/', import.meta.url));
/** The canary module's bugs and what the debug kernel reports for each (see kernels.test.ts). */
const CHECKERS: readonly { trigger: string; expect: RegExp }[] = [
  { trigger: 'lockdep', expect: /WARNING: possible circular locking dependency detected/ },
  { trigger: 'atomic', expect: /BUG: sleeping function called from invalid context/ },
  { trigger: 'ubsan', expect: /UBSAN: shift-out-of-bounds/ },
  { trigger: 'kasan', expect: /BUG: KASAN: slab-out-of-bounds/ },
];

/** A normal account (nobody), with the PATH a login shell gives it: no sbin directories. */
const USER_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * make vmtest in `dir` for `kernel`; VMTEST_ACCEL=tcg unless `accel` says
 * otherwise. asUser: as a normal account with its own PATH, in a folder it
 * owns, as users run it (root's PATH has /sbin, where modinfo is).
 */
function vmtest(
  dir: string,
  kernel: Kernel,
  accel: string | undefined = 'tcg',
  extra: Record<string, string> = {},
  makeVars: readonly string[] = [],
  asUser = false,
): Promise<ExecResult> {
  const base: Record<string, string> = asUser ? { PATH: USER_PATH, HOME: dir, LANG: 'C.UTF-8' } : (process.env as Record<string, string>);
  const env: Record<string, string> = { ...base, ...extra };
  if (accel) env.VMTEST_ACCEL = accel;
  else delete env.VMTEST_ACCEL;
  const make = ['make', '-C', dir, `-j${availableParallelism()}`, 'vmtest', `KDIR=${kernel.kdir}`, `KERNELRELEASE=${kernel.release}`, `VMLINUZ=${kernel.image}`, ...makeVars];
  if (asUser) {
    execFileSync('chown', ['-R', '65534:65534', dir]);
    return execAsync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', ...make], { env, timeoutMs: 900_000 });
  }
  return execAsync(make[0] as string, make.slice(1), { env, timeoutMs: 900_000 });
}

/** How the repacked tree stores modules, in turn: zstd, gzip, not at all, xz. */
const PACKINGS = ['.zst', '.gz', '', '.xz'] as const;

/** A module file's contents, unpacked. */
function unpacked(file: string): Buffer {
  const tool = unpacker(file);
  return tool ? execFileSync(tool[0], [tool[1], file], { maxBuffer: 1 << 28 }) : readFileSync(file);
}

/**
 * A module tree with modules.builtin and modules.dep of `source`, in which the
 * `modules` (canonical names) exist, each packed in turn as PACKINGS says.
 */
function repackedModuleTree(source: string, modules: readonly string[]): { moddir: string; formats: Record<string, string>; plain: Record<string, Buffer>; files: Record<string, string> } {
  const moddir = mkdtempSync(path.join(tmpdir(), 'kmod-moddir-'));
  cpSync(path.join(source, 'modules.builtin'), path.join(moddir, 'modules.builtin'));
  const formats: Record<string, string> = {};
  const plain: Record<string, Buffer> = {};
  const files: Record<string, string> = {};
  const canonical = (rel: string) => path.basename(rel).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
  const lines = readFileSync(path.join(source, 'modules.dep'), 'utf8').split('\n').map((line) => {
    const [rel, deps] = line.split(':');
    const m = rel ? canonical(rel) : '';
    if (!rel || !modules.includes(m) || m in formats) return line;
    const packing = PACKINGS[modules.indexOf(m) % PACKINGS.length] as string;
    const contents = unpacked(path.join(source, rel));
    const target = rel.replace(/\.ko(\.(xz|zst|gz))?$/, `.ko${packing}`);
    mkdirSync(path.dirname(path.join(moddir, target)), { recursive: true });
    const packer = { '.zst': ['zstd', '-q', '-c'], '.gz': ['gzip', '-c'], '.xz': ['xz', '-c'] }[packing];
    writeFileSync(path.join(moddir, target), packer ? execFileSync(packer[0] as string, packer.slice(1), { input: contents, maxBuffer: 1 << 28 }) : contents);
    formats[m] = packing;
    plain[m] = contents;
    files[m] = path.join(moddir, target);
    return `${target}:${deps ?? ''}`;
  });
  writeFileSync(path.join(moddir, 'modules.dep'), lines.join('\n'));
  const lost = modules.filter((m) => !(m in formats));
  assert.deepEqual(lost, [], `modules.dep of ${source} lists every module needed`);
  return { moddir, formats, plain, files };
}

const testsOf = (dir: string): string[] =>
  readdirSync(path.join(dir, 'tests'))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => f.replace(/\.sh$/, ''))
    .sort();

withKernelEnv('make vmtest of generated projects', (env) => {
  const main = PROJECTS.find((p) => p.id === 'main');
  assert.ok(main, 'the main project');
  const source = main.create();
  const tests = testsOf(source);
  // One boot at a time here: the kernel matrix runs beside this file.
  const run = limiter(1);
  const runs = new Map<string, Promise<ExecResult>>();
  const dirs = new Map<string, string>();
  // On Debian's kernels as a normal account does it (a user's PATH, no root).
  for (const kernel of env.kernels) {
    const dir = copyProject(source, `vmtest-${kernel.label}`);
    const r = run(() => vmtest(dir, kernel, 'tcg', {}, [], kernel.kind === 'debian'));
    r.catch(() => undefined);
    runs.set(kernel.label, r);
    dirs.set(kernel.label, dir);
  }

  it(`the main project has a test for every module it installs (${tests.length})`, () => {
    const kos = readFileSync(path.join(source, 'Makefile'), 'utf8').match(/^MODULES := (.*)$/m)?.[1]?.split(' ') ?? [];
    assert.deepEqual(tests, [...kos].sort(), 'tests/<module>.sh for each module make load inserts');
  });

  for (const kernel of env.kernels) {
    describe(`make vmtest on ${kernel.label} (${kernel.release})${kernel.kind === 'debian' ? ', as a normal user' : ''}`, () => {
      it(`every module's test passes in the booted kernel; KUnit ${kernel.kind === 'source' ? 'suites pass' : 'said to be absent'}; nothing in the kernel log`, () =>
        track(kernel.label, 'make vmtest', 'tests+kunit', async () => {
          const r = (await runs.get(kernel.label)) as ExecResult;
          const out = `${r.stdout}${r.stderr}`;
          assert.equal(r.status, 0, out);
          for (const t of tests) assert.match(out, new RegExp(`^PASS ${t}$`, 'm'), `test ${t} passed`);
          const config = readFileSync(path.join(kernel.kdir, '.config'), 'utf8');
          if (/^CONFIG_KUNIT=[ym]$/m.test(config)) {
            for (const m of I2C_KOS) assert.match(out, new RegExp(`^PASS ${m}_kunit \\(KUnit\\): 5 passed, 0 failed$`, 'm'), `${m}_kunit ran`);
            assert.match(out, new RegExp(`^PASS ${NETDEV}_kunit \\(KUnit\\): 3 passed, 0 failed$`, 'm'), `${NETDEV}_kunit ran`);
          } else {
            assert.ok(kernel.kind === 'debian', `${kernel.label}: the source-built kernels have KUnit`);
            assert.match(out, /^KUnit: not run: .* is built without CONFIG_KUNIT/m);
          }
          assert.match(out, /^vmtest: PASSED /m);
        }));
      it("the block test's file systems checked by the host's e2fsck and fsck.vfat (vmtest-host: copied with their libraries)", async () => {
        assert.equal(((await runs.get(kernel.label)) as ExecResult).status, 0);
        const log = readFileSync(path.join(dirs.get(kernel.label) as string, '.vmtest', 'console.log'), 'utf8');
        const section = log.slice(log.indexOf(`VMTEST-TEST ${BLOCK}\n`), log.indexOf(`VMTEST-DMESG ${BLOCK}\n`));
        for (const check of ['vfat made with mkfs.fat', `e2fsck -fn /dev/${BLOCK}0 finds nothing to repair`, `fsck.vfat -n /dev/${BLOCK}0p1 finds nothing to repair`]) {
          assert.match(section, new RegExp(`^ok - ${check}$`, 'm'), section);
        }
      });
    });
  }

  // KUnit built as a module (Fedora, RHEL; the nopm trees here): the suites
  // load after kunit.ko. Only hello's test besides (these kernels have no PM).
  const kunitModular = env.buildOnlyKernels.filter((k) => k.config === 'nopm');
  if (kunitModular.length) {
    const dir = generate(['--name', 'kmhello']);
    generate(['i2c', '--name', 'kmi2c'], dir);
    generate(['netdev', '--name', 'kmnet'], dir);
    for (const kernel of kunitModular) {
      describe(`make vmtest with KUnit as a module (${kernel.label})`, () => {
        const copy = copyProject(dir, `vmtest-kunit-${kernel.label}`);
        const result = run(() => vmtest(copy, kernel, 'tcg', { VMTEST_TESTS: 'kmhello' }));
        result.catch(() => undefined);
        it('kunit.ko is loaded first, and every KUnit suite passes', () =>
          track(kernel.label, 'make vmtest', 'KUnit module', async () => {
            assert.match(readFileSync(path.join(kernel.kdir, '.config'), 'utf8'), /^CONFIG_KUNIT=m$/m, 'KUnit is a module there');
            const r = await result;
            const out = `${r.stdout}${r.stderr}`;
            assert.equal(r.status, 0, out);
            assert.ok(existsSync(path.join(copy, '.vmtest', 'root', 'intree', 'kunit.ko')), 'kunit.ko packed');
            assert.match(out, /^PASS kmi2c_kunit \(KUnit\): 5 passed, 0 failed$/m);
            assert.match(out, /^PASS kmnet_kunit \(KUnit\): 3 passed, 0 failed$/m);
            assert.match(out, /^PASS kmhello$/m);
          }));
      });
    }
  }

  // The kernel's own modules come compressed as the distribution chose: a copy
  // of a Debian module tree holding the ones the main project's tests need as
  // .ko.zst, .ko.gz, .ko and .ko.xz (MODDIR points vmtest at it).
  const packed = env.kernels.find((k) => k.kind === 'debian' && existsSync(`/lib/modules/${k.release}/modules.dep`));
  if (packed) {
    describe(`make vmtest unpacks the kernel's modules however they are compressed (${packed.label})`, () => {
      it('.ko.zst, .ko.gz, .ko and .ko.xz: each found through modules.dep, unpacked byte for byte, and the tests that load them pass', () =>
        track(packed.label, 'make vmtest', 'compressed in-tree modules', async () => {
          const first = (await runs.get(packed.label)) as ExecResult;
          assert.equal(first.status, 0, 'the main project passed here first');
          const dir = dirs.get(packed.label) as string;
          const intree = path.join(dir, '.vmtest', 'root', 'intree');
          const needed = readdirSync(intree).filter((f) => f.endsWith('.ko')).map((f) => f.slice(0, -3)).sort();
          const testsWithIntree = tests.filter((t) => /^# vmtest-intree:/m.test(readFileSync(path.join(dir, 'tests', `${t}.sh`), 'utf8')));
          assert.ok(needed.length >= 4 && testsWithIntree.length > 0, `modules ${needed.join(' ')}; tests ${testsWithIntree.join(' ')}`);
          const { moddir, formats, plain, files } = repackedModuleTree(`/lib/modules/${packed.release}`, needed);
          for (const f of PACKINGS) assert.ok(Object.values(formats).includes(f), `a module is packed as ${f || '.ko'}`);
          const r = await run(() => vmtest(dir, packed, 'tcg', { MODDIR: moddir, VMTEST_TESTS: testsWithIntree.join(' ') }));
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
          for (const t of testsWithIntree) assert.match(r.stdout, new RegExp(`^PASS ${t}$`, 'm'));
          for (const m of needed) {
            assert.ok(readFileSync(path.join(intree, `${m}.ko`)).equals(plain[m] as Buffer), `${m} (${formats[m] || '.ko'}) unpacked as it was built`);
          }
          // They came from MODDIR: without one of its files vmtest stops, naming it.
          const zst = Object.keys(formats).find((m) => formats[m] === '.zst') as string;
          const file = files[zst] as string;
          rmSync(file);
          const gone = await vmtest(dir, packed, 'tcg', { MODDIR: moddir, VMTEST_TESTS: testsWithIntree.join(' ') });
          assert.equal(gone.status, 2, `${gone.stdout}${gone.stderr}`);
          assert.match(gone.stderr, new RegExp(`cannot unpack ${file.replace(/[.+]/g, '\\$&')}$`, 'm'));
        }));
    });
  }

  const broken = env.kernels.find((k) => k.kind === 'source' && k.line !== '5.10') ?? env.kernels[0];
  if (broken) {
    describe(`make vmtest fails when it must (${broken.label})`, () => {
      const dir = generate(['--name', 'hello']);
      generate(['i2c', '--name', 'canary'], dir);
      // hello WARNs when loaded with repeat=7, and its test does that (and passes otherwise).
      const hello = path.join(dir, 'hello.c');
      const helloText = readFileSync(hello, 'utf8');
      assert.match(helloText, /\n\treturn 0;\n\}\n\nstatic void __exit/);
      writeFileSync(hello, helloText.replace(/(\n\treturn 0;\n\}\n\nstatic void __exit)/, '\n\tWARN(repeat == 7, "vmtest canary\\n");$1'));
      writeFileSync(path.join(dir, 'tests', 'hello.sh'), 'check "loads with repeat=7" load hello repeat=7\ncheck "unloads" rmmod hello\n');
      writeFileSync(path.join(dir, 'tests', 'broken.sh'), 'check "true" true\ncheck "false succeeds" false\n');
      // One known value of the KUnit suite made wrong.
      const kunit = path.join(dir, 'canary_kunit.c');
      const text = readFileSync(kunit, 'utf8');
      assert.match(text, /\{ 0x1900, 25000, /);
      writeFileSync(kunit, text.replace('{ 0x1900, 25000, ', '{ 0x1900, 25001, '));
      const result = run(() => vmtest(dir, broken, undefined));
      result.catch(() => undefined);

      it('a failing check fails its test, with the check and the command', async () => {
        const out = (await result).stdout;
        assert.notEqual((await result).status, 0);
        assert.match(out, /^FAIL broken \(exit 1\):\n {4}ok - true\n {4}not ok - false succeeds\n {4}# {3}failed: false$/m, out);
        assert.match(out, /^vmtest: FAILED /m);
      });
      it('a kernel WARNING fails the test that caused it, though its checks pass', async () => {
        const out = (await result).stdout;
        assert.match(out, /^FAIL hello: the kernel reported trouble:\n.*WARNING: .*hello/m, out);
        assert.match(out, /^PASS canary$/m, 'the other tests still run and pass');
      });
      // Only a source-built kernel has KUnit (CI always has them; a run without them says so).
      const needsKunit = broken.kind === 'source' ? {} : { skip: `SKIPPED: ${broken.label} has no KUnit (the source-built kernels are off)` };
      it('a failing KUnit case fails the KUnit module, with the case', needsKunit, async () => {
        const out = (await result).stdout;
        assert.match(out, /^FAIL canary_kunit \(KUnit\): 4 passed, 1 failed\n {4}\s*not ok 1 -? ?canary_reg_to_mdeg_known$/m, out);
      });
    });
  }

  // The debug kernel's checkers through the user's tool: the suite's canary module, one bug per test.
  const debug = env.debugKernels[0];
  if (debug) {
    describe(`make vmtest fails on what the debug kernel's checkers report (${debug.label})`, () => {
      const dir = generate(['--name', 'hello']);
      cpSync(path.join(CANARY_SOURCE, 'kmod_canary.c'), path.join(dir, 'kmod_canary.c'));
      appendFileSync(path.join(dir, 'Kbuild'), 'obj-m += kmod_canary.o\n');
      for (const c of CHECKERS) {
        writeFileSync(path.join(dir, 'tests', `${c.trigger}.sh`), `check "loads" load kmod_canary trigger=${c.trigger}\ncheck "unloads" rmmod kmod_canary\n`);
      }
      // lockdep first: a KASAN report turns lockdep off for the rest of the boot.
      const result = run(() =>
        vmtest(dir, debug, 'tcg', { VMTEST_TESTS: [...CHECKERS.map((c) => c.trigger), 'hello'].join(' '), VMTEST_MEM: '1024' }, [
          // The Makefile's module list, with the canary (a command-line variable overrides it).
          'MODULES=hello kmod_canary',
        ]),
      );
      result.catch(() => undefined);
      for (const c of CHECKERS) {
        it(`${c.trigger}: the test fails with the report (${c.expect.source})`, async () => {
          const r = await result;
          assert.notEqual(r.status, 0, r.stdout);
          const report = new RegExp(`^FAIL ${c.trigger}: the kernel reported trouble:\\n(.*\\n)*?.*${c.expect.source}`, 'm');
          assert.match(r.stdout, report, r.stdout);
        });
      }
      it('a clean module passes on the same boot', async () => {
        assert.match((await result).stdout, /^PASS hello$/m);
      });
    });
  }

  describe('missing tools are named with their package', () => {
    const dir = generate(['--name', 'hello']);
    const plain = (extra: Record<string, string>) =>
      execAsync('sh', ['scripts/vmtest.sh'], { cwd: dir, env: { ...(process.env as Record<string, string>), MODULES: 'hello', ...extra } });
    it('QEMU', async () => {
      const r = await plain({ QEMU: path.join(mkdtempSync(path.join(tmpdir(), 'kmod-none-')), 'qemu-system-x86_64') });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /qemu-system-x86_64 not found: install it \(Debian\/Ubuntu: sudo apt install qemu-system-x86\)/);
    });
    it('a static busybox', async () => {
      const r = await plain({ BUSYBOX: '/bin/ls' });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /\/bin\/ls is linked dynamically .* sudo apt install busybox-static/);
    });
    it("a test's host program that is not installed: named with its package", async () => {
      writeFileSync(path.join(dir, 'tests', 'hello.sh'), '# vmtest-host: kmod-no-such-tool:kmod-tools cpio\ncheck "true" true\n');
      const r = await plain({ MODULES: '', KERNELRELEASE: '0.0.0-any', VMLINUZ: '/dev/null' });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^vmtest: tests\/hello\.sh needs kmod-no-such-tool, which is not on this host: install it \(Debian\/Ubuntu: sudo apt install kmod-tools\)$/m);
    });
    it('the kernel image', async () => {
      const r = await plain({ KERNELRELEASE: '0.0.0-none', KDIR: dir });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /no kernel image for 0\.0\.0-none: install it \(Debian: sudo apt install linux-image-0\.0\.0-none\) or set VMLINUZ=/);
    });
  });
});
