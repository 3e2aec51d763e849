/**
 * The user's own proof, proven to fail when it must and to work where the
 * kernel matrix does not reach. The main project's make vmtest on every
 * kernel (its tests, KUnit, the suite's scenarios, compressed in-tree
 * modules; KUnit as a module on the debug kernel) is the kernel matrix's
 * boot (kernels.test.ts); here:
 *
 * - a broken project: a test that fails, a kernel WARNING in a test that
 *   otherwise passes (and the same in a reference run: a note), a KUnit case
 *   that fails;
 * - the debug kernel's checkers and kmemleak's scan through make vmtest: the
 *   suite's canary module, one bug per test;
 * - fault injection (VMTEST_FAULTS=1) on the debug kernel: a canary with a
 *   missing unwind step caught by kmemleak (each kind's driver under fault
 *   injection is the kernel matrix's debug boot);
 * - what is missing (QEMU, a static busybox, the image, a test's host
 *   program) is named with its package.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { execAsync, limiter } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { generate } from './support/kbuild.js';
import { testOutput } from './support/qemu.js';
import { PROJECTS } from './support/variants.js';
import { testsOf, vmtest } from './support/vmtest.js';

const CANARY_SOURCE = fileURLToPath(new URL('../../../test/kernel/guest/canary/', import.meta.url));
/** The canary module's bugs (test/kernel/guest/canary) and what the debug kernel reports for each; its leak is kmemleak's. */
const CHECKERS: readonly { trigger: string; expect: RegExp }[] = [
  { trigger: 'lockdep', expect: /WARNING: possible circular locking dependency detected/ },
  { trigger: 'atomic', expect: /BUG: sleeping function called from invalid context/ },
  { trigger: 'ubsan', expect: /UBSAN: shift-out-of-bounds/ },
  { trigger: 'kasan', expect: /BUG: KASAN: slab-out-of-bounds/ },
];

withKernelEnv('make vmtest of generated projects', (env) => {
  const main = PROJECTS.find((p) => p.id === 'main');
  assert.ok(main, 'the main project');
  const source = main.create();
  const tests = testsOf(source);
  // One boot at a time here: the kernel matrix runs beside this file.
  const run = limiter(1);

  it(`the main project has a test for every module it installs (${tests.length})`, () => {
    const kos = readFileSync(path.join(source, 'Makefile'), 'utf8').match(/^MODULES := (.*)$/m)?.[1]?.split(' ') ?? [];
    assert.deepEqual(tests, [...kos].sort(), 'tests/<module>.sh for each module make load inserts');
  });

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
      // Trouble in a reference run (the kernel's own module as the measure, as vivid for V4L2) is a note, not a failure.
      writeFileSync(
        path.join(dir, 'tests', 'reference.sh'),
        [
          'loaded() { load canary && reference other true; r=$?; rmmod canary; return $r; }',
          'check_fails "reference refuses while a project module is loaded" loaded',
          `check "trouble in a reference run" reference other sh -c 'echo "WARNING: reference canary" >/dev/kmsg'`,
          '',
        ].join('\n'),
      );
      // One known value of the KUnit suite made wrong.
      const kunit = path.join(dir, 'canary_kunit.c');
      const text = readFileSync(kunit, 'utf8');
      assert.match(text, /\{ 0x1900, 25000, /);
      writeFileSync(kunit, text.replace('{ 0x1900, 25000, ', '{ 0x1900, 25001, '));
      const result = run(() => vmtest(dir, broken, { accel: undefined }));
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
      it('kernel trouble in a reference run is a note under the PASS, and reference refuses while a project module is loaded', async () => {
        const out = (await result).stdout;
        assert.match(out, /^PASS reference\n {2}note: the kernel reported trouble in the reference run of other \(none of the project modules loaded\), not counted:\n(?: {4}.*\n)*? {4}\[[ \d.]+\] WARNING: reference canary$/m, out);
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
      const triggers = [...CHECKERS.map((c) => c.trigger), 'leak'];
      for (const t of triggers) {
        writeFileSync(path.join(dir, 'tests', `${t}.sh`), `check "loads" load kmod_canary trigger=${t}\ncheck "unloads" rmmod kmod_canary\n`);
      }
      // Fault injection (VMTEST_FAULTS=1): an init whose second allocation's failure leaks the first.
      cpSync(path.join(CANARY_SOURCE, 'kmod_fault_canary.c'), path.join(dir, 'kmod_fault_canary.c'));
      appendFileSync(path.join(dir, 'Kbuild'), 'obj-m += kmod_fault_canary.o\n');
      writeFileSync(path.join(dir, 'tests', 'fault.sh'), 'faults_load kmod_fault_canary\ncheck "loads" load kmod_fault_canary\ncheck "unloads" rmmod kmod_fault_canary\n');
      // lockdep first: a KASAN report turns lockdep off for the rest of the boot.
      const result = run(() =>
        vmtest(dir, debug, {
          env: { VMTEST_TESTS: [...triggers, 'fault', 'hello'].join(' '), VMTEST_MEM: '1024', VMTEST_FAULTS: '1', FAULTS_MAX: '0' },
          // The Makefile's module list, with the canaries (a command-line variable overrides it).
          makeVars: ['MODULES=hello kmod_canary kmod_fault_canary'],
        }),
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
      it("leak: the test passes, and kmemleak's scan after the last test fails make vmtest with the leaked buffers", async () => {
        const r = await result;
        assert.match(r.stdout, /^PASS leak$/m, r.stdout);
        assert.match(r.stdout, /^FAIL kmemleak: \d+ objects leaked \(a scan after the tests\):\n(.*\n)*? +unreferenced object /m, r.stdout);
      });
      it("fault injection (FAULTS_MAX=0, no bound): the canary's missing unwind step leaks from one injected failure, which kmemleak's scan names by the attempt's pid", async () => {
        const r = await result;
        // Its test passes (each injected failure a clean error, the load then succeeds); the leak is the scan's.
        const figure = /^PASS fault\n {2}faults: (\d+) injected failures at (\d+) sites of (\d+) calls in 1 operations/m.exec(r.stdout);
        assert.ok(figure, r.stdout);
        assert.ok(Number(figure[1]) >= 2, `at least its two allocations failed once each:\n${r.stdout}`);
        const log = readFileSync(path.join(dir, '.vmtest', 'console.log'), 'utf8');
        const test = testOutput(log, 'fault') ?? '';
        const pids = [...test.matchAll(/^# {3}fault \d+ of \d+ \(pid (\d+)\): failed .* at canary_init\+/gm)].map((m) => m[1]);
        assert.ok(pids.length >= 2, `failures injected into canary_init:\n${test}`);
        // FAULTS_MAX=0: no bound; the load ran until a run hit nothing.
        assert.match(test, /^ok - .*: \d+ injected failures at \d+ sites \(\d+ failed, \d+ absorbed\) of \d+ calls on its path, then it succeeds/m, test);
        const leaked = [...r.stdout.matchAll(/unreferenced object 0x[0-9a-f]+ \(size 128\):\n +comm "fi_insmod", pid (\d+)/g)].map((m) => m[1]);
        assert.equal(leaked.length, 1, `one 128-byte object (A) leaked by an attempt to load it:\n${r.stdout}`);
        assert.ok(pids.includes(leaked[0] as string), `the leak is an injected attempt's (pids ${pids.join(' ')}):\n${r.stdout}`);
      });
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
