/**
 * The kernel matrix: every generated project built W=1 C=1 with -jN on every
 * kernel and configuration (boot kernels of four lines, the debug kernel, and
 * the build-only configurations: PM off, OF on with PM_SLEEP off), then, per
 * bootable kernel, the user's own `make vmtest` of the main project (no
 * second harness): every module's test, the KUnit suites, and the suite's
 * scenarios as tests of their own (tests/scenario-<id>.sh, support/qemu.ts),
 * each reported as a test of the suite with its own log. On Debian's kernels
 * make vmtest runs as a normal user; on 6.1 from a module tree packed every
 * way a distribution packs modules. The debug kernel (its boots are the
 * suite's critical path) boots twice side by side: the scenarios (but those
 * of a kind whose test runs there), and one test of each kind with fault
 * injection on plus the other variants' faults; kmemleak scans after both.
 * Builds and boots run side by side (one more job than cores), as soon as
 * what they need is ready, the debug kernel first; the tests wait for their
 * results in order.
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { checkpatch } from './support/checkpatch.js';
import { execAsync, limiter, succeeded as ok, type ExecResult } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { CONFIG_CLAIMS, DERIVED_CONFIGS, type Kernel } from './support/kernels.js';
import { copyProject, strictBuild } from './support/kbuild.js';
import { MATRIX_FILE, formatMatrix, readMatrix, track } from './support/matrix.js';
import { PACKINGS, intreeNeeds, repackedModuleTree } from './support/intree.js';
import { PC_EDU, PCI } from './support/pci.js';
import { I2C_HWMON, I2C_KOS } from './support/i2c.js';
import { NETDEV } from './support/netdev.js';
import { USB } from './support/usb.js';
import { BLOCK } from './support/block.js';
import { HID, HID_SELFTEST_CHECKS, checkHidSelftest } from './support/hid.js';
import { V4L2, checkV4l2 } from './support/v4l2.js';
import { EXTRA, parseVmtestConsole, scenarioFile, scenarioTest, type BootResult, type Machine, type ScenarioResult } from './support/qemu.js';
import { CLASSIC, DEBUG_LOAD, FULL_LOAD, PLATFORM_VARIANTS, PROJECTS, SCENARIOS, checkScenario, type Project, type ScenarioSpec } from './support/variants.js';
import { testsOf, vmtest } from './support/vmtest.js';

const KMODSTRESS_SOURCE = fileURLToPath(new URL('../../../test/kernel/guest/kmodstress.c', import.meta.url));

/** Settles a promise now (no unhandled rejection) and keeps it for the test that awaits it. */
function held<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * The project's own tests the debug kernel runs besides the scenarios: the first driver of each
 * kind, with fault injection on (VMTEST_FAULTS=1, at most DEBUG_FAULTS_MAX failures per operation,
 * for time), in two boots side by side (the debug kernel's boot is the suite's critical path),
 * with the debug-only scenario of the other variants' faults.
 */
const DEBUG_PROJECT_TESTS: readonly [kind: string, test: string][] = [
  ['chardev', CLASSIC],
  ['platform', (PLATFORM_VARIANTS[0] as [string, string])[0]],
  ['pci', PCI],
  ['i2c', I2C_HWMON],
  ['netdev', NETDEV],
  ['usb', USB],
  ['block', BLOCK],
  ['hid', HID],
  ['v4l2', V4L2],
];
const DEBUG_TESTS = DEBUG_PROJECT_TESTS.map(([, t]) => t);
/**
 * Four of them run in the scenarios' boot, so that the two boots take about as long (measured:
 * with only USB and V4L2 there, the faults boot took ~1750 s against ~960 s).
 */
const WITH_SCENARIOS: ReadonlySet<string> = new Set([USB, V4L2, HID, PCI]);
const DEBUG_FAULTS_MAX = '2';
/** Every boot has an edu device on the pc machine; a scenario that needs another machine gets a boot of its own (vmtest-machine). */
const machineOf = (spec: ScenarioSpec): Machine => spec.machine ?? PC_EDU;
/**
 * The scenarios a kernel runs: the debug kernel only those of the default machine and none of a
 * kind whose own test runs there (DEBUG_PROJECT_TESTS: the scenario would repeat it), the others
 * none that is debug-only.
 */
const specsOn = (k: Kernel): ScenarioSpec[] =>
  SCENARIOS.filter((s) => (k.config === 'debug' ? machineOf(s) === PC_EDU && !DEBUG_PROJECT_TESTS.some(([kind]) => kind === s.id) : !s.debugOnly));
/** A test's part of the console, when it ran to its end. */
const finishedLog = (s?: ScenarioResult): string | undefined => (s?.finished ? s.log : undefined);
/** The machines a kernel boots, its own (pc) first, as vmtest does. */
const machinesOn = (k: Kernel): string[] => [...new Set([PC_EDU.id, ...specsOn(k).map((s) => machineOf(s).id)])];

/**
 * The debug kernel routes PCI interrupts by the BIOS's MP table (acpi=noirq):
 * with ACPI, each pci_enable_device() evaluates the pc machine's _PRT method
 * so slowly there (KASAN under TCG) that ACPICA's 30 s loop timeout ends it
 * (AE_AML_LOOP_TIMEOUT) and INTx has no route.
 */
const DEBUG_APPEND = 'acpi=noirq';

interface Built {
  dir: string;
  log: string;
}

/** One make vmtest of the main project on a kernel: its result and each machine's boot. */
interface Run {
  r: ExecResult;
  dir: string;
  boots: Map<string, BootResult>;
  /** The compressed module tree it used (the 6.1 run). */
  packed?: ReturnType<typeof repackedModuleTree>;
}

withKernelEnv('kernel matrix', (env) => {
  const seed = process.env.KMOD_STRESS_SEED ? Number(process.env.KMOD_STRESS_SEED) : Math.floor(Math.random() * 1e9);
  process.stderr.write(`kernel matrix: stress seed ${seed} (replay: KMOD_STRESS_SEED=${seed})\n`);
  const sources = new Map(PROJECTS.map((p) => [p.id, p.create()] as const));
  const mainSource = sources.get('main') as string;
  const projectTests = testsOf(mainSource);
  // Boots are single-threaded (TCG), builds use make -jN: one job more than cores keeps both busy.
  const run = limiter(availableParallelism() + 1);
  // The debug kernel's boot is the longest: its builds and boot go first, then boots before builds.
  const priority = (k: Kernel, boot: boolean) => (k.config === 'debug' ? 2 : 0) + (boot ? 1 : 0);

  // kmodstress, the suite's load generator for the guest: static.
  const guestTools = mkdtempSync(path.join(tmpdir(), 'kmod-guest-'));
  const kmodstress = path.join(guestTools, 'kmodstress');
  const tools = held(run(async () => ok(await execAsync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-static', '-o', kmodstress, KMODSTRESS_SOURCE]))));

  const booting = [...env.kernels, ...env.debugKernels];
  const buildOnly = env.buildOnlyKernels;
  process.stderr.write(
    `kernel matrix: ${booting.length} kernels booted by make vmtest, ${projectTests.length} tests of the main project and ${SCENARIOS.length} scenarios, ${booting.length + buildOnly.length} kernel configurations; ` +
      `${FULL_LOAD.model + FULL_LOAD.shared} random char-device ops per flavour, ${FULL_LOAD.cycles} load and bind cycles ` +
      `(debug kernel: ${DEBUG_LOAD.model + DEBUG_LOAD.shared} and ${DEBUG_LOAD.cycles})\n`,
  );
  // The build-only configurations change what the kernel offers (PM, OF): the main project holds
  // every kind with its features off and all on; names and templates do not depend on them.
  const projectsFor = (k: Kernel): readonly Project[] => (buildOnly.includes(k) ? PROJECTS.filter((p) => p.id === 'main') : PROJECTS);

  const builds = new Map<string, Promise<Built>>();
  for (const kernel of [...env.debugKernels, ...env.kernels, ...buildOnly]) {
    for (const project of projectsFor(kernel)) {
      const dir = copyProject(sources.get(project.id) as string, `${project.id}-${kernel.label}`);
      builds.set(
        `${kernel.label}/${project.id}`,
        held(
          run(async () => {
            const r = await strictBuild(dir, kernel);
            return { dir, log: `${r.stdout}${r.stderr}`, status: r.status };
          }, priority(kernel, false)).then(({ dir: d, log, status }) => {
            if (status !== 0) throw new Error(`make failed for ${project.id} on ${kernel.label}:\n${log}`);
            return { dir: d, log };
          }),
        ),
      );
    }
  }

  // make vmtest modules packed every way (.ko.zst, .ko.gz, .ko, .ko.xz) on a Debian kernel: 6.1's.
  const packedKernel = env.kernels.find((k) => k.kind === 'debian');

  /**
   * One make vmtest of the main project as built for a kernel: every test and scenario ('all'),
   * or on the debug kernel two boots side by side, fault injection on in both: the scenarios with
   * the tests of WITH_SCENARIOS ('scenarios'), and the other tests of DEBUG_PROJECT_TESTS with the
   * debug-only (fault) scenarios in a copy of the built project ('faults').
   */
  async function boot(kernel: Kernel, part: 'all' | 'scenarios' | 'faults', faultsCopy?: Promise<string>): Promise<Run> {
    const debug = kernel.config === 'debug';
    const faults = part === 'faults';
    const specs = specsOn(kernel).filter((s) => part === 'all' || Boolean(s.debugOnly) === faults);
    await tools;
    const built = new Map<string, Built>();
    for (const p of PROJECTS) built.set(p.id, await (builds.get(`${kernel.label}/${p.id}`) as Promise<Built>));
    // The main project's copy built for this kernel (the faults boot's copy of it), with the suite's extras and scenarios.
    const copy = await faultsCopy;
    const dir = faults ? (copy as string) : (built.get('main') as Built).dir;
    const extra = path.join(dir, EXTRA);
    for (const p of PROJECTS.filter((x) => x.id !== 'main')) {
      mkdirSync(path.join(extra, p.id), { recursive: true });
      for (const ko of p.kos) copyFileSync(path.join((built.get(p.id) as Built).dir, `${ko}.ko`), path.join(extra, p.id, `${ko}.ko`));
    }
    copyFileSync(kmodstress, path.join(extra, 'kmodstress'));
    const load = debug ? DEBUG_LOAD : FULL_LOAD;
    for (const spec of specs) {
      const file = scenarioFile({ id: spec.id, script: spec.script(seed, load), machine: machineOf(spec), ...(spec.inTree ? { inTree: spec.inTree } : {}) });
      writeFileSync(path.join(dir, 'tests', `${scenarioTest(spec.id)}.sh`), file);
    }
    const own = part === 'all' ? projectTests : DEBUG_TESTS.filter((t) => WITH_SCENARIOS.has(t) !== faults);
    const tests = [...own, ...specs.map((s) => scenarioTest(s.id))];
    const packed = kernel === packedKernel ? repackedModuleTree(`/lib/modules/${kernel.release}`, intreeNeeds(dir, `/lib/modules/${kernel.release}`, tests)) : undefined;
    const asUser = kernel.kind === 'debian';
    const r = await run(
      () =>
        vmtest(dir, kernel, {
          env: {
            VMTEST_TESTS: tests.join(' '),
            // Only against a hung boot. TCG's guest runs at what the host's cores leave it: the debug
            // kernel's faults boot takes ~9 min alone and ran to ~1500 s among the suite on 2 cores.
            VMTEST_TIMEOUT: debug ? '2700' : '1200',
            ...(debug ? { VMTEST_MEM: '1024', VMTEST_APPEND: DEBUG_APPEND, VMTEST_FAULTS: '1', FAULTS_MAX: DEBUG_FAULTS_MAX } : {}),
            // The KUnit suites run in the scenarios' boot.
            ...(faults ? { VMTEST_NO_KUNIT: '1' } : {}),
            ...(packed ? { MODDIR: packed.moddir } : {}),
          },
          // The build's own flags: nothing is compiled again.
          makeVars: ['W=1', 'C=1', 'KMOD_TEST_MODULES=1', ...kernel.makeArgs],
          asUser,
          own: packed ? [packed.moddir] : [],
          timeoutMs: debug ? 1_900_000 : 1_300_000,
        }),
      priority(kernel, true),
    );
    const boots = new Map<string, BootResult>();
    for (const [i, m] of (faults ? [PC_EDU.id] : machinesOn(kernel)).entries()) {
      try {
        boots.set(m, parseVmtestConsole(readFileSync(path.join(dir, '.vmtest', i === 0 ? '' : m, 'console.log'), 'utf8')));
      } catch {
        // No console: the run's output says why.
      }
    }
    return { r, dir, boots, ...(packed ? { packed } : {}) };
  }

  const runs = new Map<string, Promise<Run>>();
  /** The debug kernel's fault-injection boot, by kernel label. */
  const faultRuns = new Map<string, Promise<Run>>();
  for (const kernel of booting) {
    if (kernel.config !== 'debug') {
      runs.set(kernel.label, held(boot(kernel, 'all')));
      continue;
    }
    // A copy of the main project as built (timestamps kept: nothing is compiled again), taken before the scenarios go in.
    const copy = held(
      (builds.get(`${kernel.label}/main`) as Promise<Built>).then((b) => {
        const dir = mkdtempSync(path.join(tmpdir(), `kmod-main-${kernel.label}-faults-`));
        cpSync(b.dir, dir, { recursive: true, preserveTimestamps: true });
        return dir;
      }),
    );
    runs.set(kernel.label, held(boot(kernel, 'scenarios', copy.then(() => ''))));
    faultRuns.set(kernel.label, held(boot(kernel, 'faults', copy)));
  }

  for (const p of PROJECTS) {
    it(`${p.id}: kernel sources clean under checkpatch --strict`, () => {
      const r = checkpatch(env.checkpatch, sources.get(p.id) as string, p.kernelSources);
      assert.ok(r.clean, r.report);
    });
  }

  it('kmodstress, the guest load generator, builds static with -Wall -Wextra -Werror', async () => {
    await tools;
  });

  for (const kernel of [...booting, ...buildOnly]) {
    const what =
      kernel.config === 'debug'
        ? 'debug kernel: lockdep, KASAN, kmemleak, UBSAN, DEBUG_OBJECTS, DEBUG_LIST, DEBUG_ATOMIC_SLEEP'
        : kernel.config === 'boot'
          ? kernel.kind
          : `build only: ${DERIVED_CONFIGS[kernel.config]}`;
    describe(`${kernel.label} (${kernel.release}; ${what})`, () => {
      if (kernel.kind === 'source') {
        it('the kernel has the configuration the matrix says', () => {
          const config = readFileSync(path.join(kernel.kdir, '.config'), 'utf8');
          for (const [symbol, want] of Object.entries(CONFIG_CLAIMS[kernel.config])) {
            const on = new RegExp(`^CONFIG_${symbol}=y$`, 'm').test(config);
            assert.equal(on, want, `CONFIG_${symbol} is ${on ? 'on' : 'off'} in ${kernel.kdir}/.config`);
          }
        });
      }
      for (const project of projectsFor(kernel)) {
        it(`${project.id}: builds with make -jN W=1 C=1, no warning; vermagic and modinfo right`, () =>
          track(kernel.label, project.id, 'build', async () => {
            const b = await (builds.get(`${kernel.label}/${project.id}`) as Promise<Built>);
            project.checkBuild(b.log, b.dir, kernel);
          }));
      }
      if (!booting.includes(kernel)) return;
      const debug = kernel.config === 'debug';
      const specs = specsOn(kernel);
      const result = () => runs.get(kernel.label) as Promise<Run>;
      /** The debug kernel's second boot (the copy of the project). */
      const faultsResult = () => faultRuns.get(kernel.label) as Promise<Run>;
      /** The boot that ran a test of the project. */
      const testsResult = (t: string) => (debug && !WITH_SCENARIOS.has(t) ? faultsResult() : result());
      const resultOf = (spec: ScenarioSpec) => (debug && spec.debugOnly ? faultsResult() : result());
      const who = kernel.kind === 'debian' ? ', as a normal user' : '';

      const booted = debug
        ? `two boots side by side, faults on: ${WITH_SCENARIOS.size} tests of the project and ${specs.filter((x) => !x.debugOnly).length} scenarios, ${DEBUG_TESTS.length - WITH_SCENARIOS.size} tests and ${specs.filter((x) => x.debugOnly).length} scenario(s)`
        : `${machinesOn(kernel).length} boot(s) (${machinesOn(kernel).join(', ')}), ${projectTests.length} tests of the project and ${specs.length} scenarios`;
      it(`make vmtest${who}: ${booted}; nothing compiled again; PASSED`, () =>
        track(kernel.label, 'make vmtest', 'boot', async () => {
          for (const { r, dir } of debug ? [await result(), await faultsResult()] : [await result()]) {
            const out = `${r.stdout}${r.stderr}`;
            process.stderr.write(`kernel ${kernel.label}: make vmtest (${dir}):\n${r.stdout.split('\n').filter((l) => /^(vmtest|SKIP|KUnit|kmemleak)/.test(l)).join('\n')}\n`);
            assert.equal(r.status, 0, out);
            assert.doesNotMatch(r.stdout, /^ +CC \[M\] /m, `the modules of the W=1 C=1 build are the ones booted:\n${out}`);
            assert.match(r.stdout, /^vmtest: PASSED /m, out);
          }
        }));

      if (!debug) {
        it(`every module's test passes in the booted kernel; KUnit ${kernel.kind === 'source' ? 'suites pass' : 'said to be absent'}; nothing in the kernel log`, () =>
          track(kernel.label, 'make vmtest', 'tests+kunit', async () => {
            const { r } = await result();
            const out = `${r.stdout}${r.stderr}`;
            for (const t of projectTests) assert.match(out, new RegExp(`^PASS ${t}$`, 'm'), `test ${t} passed\n${out}`);
            const config = readFileSync(path.join(kernel.kdir, '.config'), 'utf8');
            if (/^CONFIG_KUNIT=[ym]$/m.test(config)) {
              for (const m of I2C_KOS) assert.match(out, new RegExp(`^PASS ${m}_kunit \\(KUnit\\): 5 passed, 0 failed$`, 'm'), `${m}_kunit ran`);
              assert.match(out, new RegExp(`^PASS ${NETDEV}_kunit \\(KUnit\\): 3 passed, 0 failed$`, 'm'), `${NETDEV}_kunit ran`);
            } else {
              assert.ok(kernel.kind === 'debian', `${kernel.label}: the source-built kernels have KUnit`);
              assert.match(out, /^KUnit: not run: .* is built without CONFIG_KUNIT/m);
            }
          }));
        it("the block test's file systems checked by the host's e2fsck and fsck.vfat (vmtest-host: copied with their libraries)", async () => {
          const { boots } = await result();
          const section = boots.get(PC_EDU.id)?.scenarios.get(BLOCK)?.log ?? '';
          for (const check of ['vfat made with mkfs.fat', `e2fsck -fn /dev/${BLOCK}0 finds nothing to repair`, `fsck.vfat -n /dev/${BLOCK}0p1 finds nothing to repair`]) {
            assert.match(section, new RegExp(`^ok - ${check}$`, 'm'), section);
          }
        });
      }

      if (kernel === packedKernel) {
        it('the kernel\'s modules packed as .ko.zst, .ko.gz, .ko and .ko.xz: each found through modules.dep and unpacked byte for byte; a missing one is named', () =>
          track(kernel.label, 'make vmtest', 'compressed in-tree modules', async () => {
            const { r, dir, packed } = await result();
            assert.equal(r.status, 0, 'make vmtest passed with them');
            assert.ok(packed, 'a packed module tree');
            const { formats, plain, files, moddir } = packed;
            const needed = Object.keys(formats);
            assert.ok(needed.length >= 4, `modules ${needed.join(' ')}`);
            for (const f of PACKINGS) assert.ok(Object.values(formats).includes(f), `a module is packed as ${f || '.ko'}`);
            const intree = path.join(dir, '.vmtest', 'root', 'intree');
            for (const m of needed) {
              assert.ok(readFileSync(path.join(intree, `${m}.ko`)).equals(plain[m] as Buffer), `${m} (${formats[m] || '.ko'}) unpacked as it was built`);
            }
            // They came from MODDIR: without one of its files vmtest stops, naming it (before any boot).
            const zst = needed.find((m) => formats[m] === '.zst') as string;
            const file = files[zst] as string;
            rmSync(file);
            const gone = await vmtest(dir, kernel, { env: { MODDIR: moddir, VMTEST_TESTS: projectTests.join(' ') }, makeVars: ['W=1', 'C=1', 'KMOD_TEST_MODULES=1'] });
            assert.equal(gone.status, 2, `${gone.stdout}${gone.stderr}`);
            assert.match(gone.stderr, new RegExp(`cannot unpack ${file.replace(/[.+]/g, '\\$&')}$`, 'm'));
          }));
      }

      it(`hid: the project's test ran every check of its selftest (${HID_SELFTEST_CHECKS.length})${debug ? ', under KASAN' : ''}`, () =>
        track(kernel.label, 'hid (uhid test device)', 'hid', async () => {
          const { boots } = await testsResult(HID);
          checkHidSelftest(boots.get(PC_EDU.id)?.scenarios.get(HID));
        }));
      if (DEBUG_TESTS.includes(V4L2) || !debug) {
        const tool = kernel.sysroot ? "Debian 13's v4l2-compliance: no failure, no warning" : "Debian 12's v4l2-compliance, older than the kernel: nothing vivid does not show too";
        it(`v4l2: the project's test measured ${V4L2} against vivid (${tool}), streamed every I/O mode and checked the frames${debug ? ', under KASAN' : ''}`, () =>
          track(kernel.label, 'v4l2 (vivid beside)', 'v4l2', async () => {
            const { boots } = await testsResult(V4L2);
            const totals = checkV4l2(finishedLog(boots.get(PC_EDU.id)?.scenarios.get(V4L2)), V4L2, Boolean(kernel.sysroot));
            process.stderr.write(`kernel ${kernel.label}: v4l2-compliance ${totals}\n`);
          }));
      }
      for (const spec of specs) {
        it(`in QEMU: ${spec.title}`, () =>
          track(kernel.label, spec.variant, spec.id, async () => {
            const { boots, r } = await resultOf(spec);
            const boot = boots.get(machineOf(spec).id);
            const scenario = boot?.scenarios.get(scenarioTest(spec.id));
            checkScenario(spec, scenario, boot?.log ?? `${r.stdout}${r.stderr}`, debug ? DEBUG_LOAD : FULL_LOAD);
            process.stderr.write(`kernel ${kernel.label}: scenario ${spec.id} ${scenario?.seconds ?? '?'} s\n`);
          }));
      }
      if (debug) {
        it(`fault injection (VMTEST_FAULTS=1, at most ${DEBUG_FAULTS_MAX} per operation, spread over its path): one test of each kind (${DEBUG_TESTS.join(', ')}) reaches fault sites, every injected failure clean`, () =>
          track(kernel.label, 'make vmtest', 'fault injection', async () => {
            const both = [await result(), await faultsResult()];
            const rows = DEBUG_PROJECT_TESTS.map(([kind, t]) => {
              const { r } = both[WITH_SCENARIOS.has(t) ? 0 : 1] as Run;
              const m = new RegExp(`^PASS ${t}\\n {2}faults: (\\d+) injected failures at (\\d+) sites of (\\d+) calls in (\\d+) operations \\((\\d+) s\\)$`, 'm').exec(r.stdout);
              assert.ok(m, `${kind} (${t}): no fault figure\n${r.stdout}`);
              const [injections, sites, calls, operations, seconds] = m.slice(1).map(Number) as [number, number, number, number, number];
              assert.ok(injections > 0 && sites > 0, `${kind} (${t}) reached no fault site\n${r.stdout}`);
              return `  ${kind.padEnd(9)} ${t.padEnd(12)} ${String(injections).padStart(4)} injected failures at ${String(sites).padStart(3)} sites of ${String(calls).padStart(4)} calls in ${operations} operations, ${seconds} s`;
            });
            const totals = both.map(({ r }) => /^faults: .*$/m.exec(r.stdout)?.[0] ?? '').join('\n');
            process.stdout.write(`\nFault injection on ${kernel.label} (FAULTS_MAX=${DEBUG_FAULTS_MAX}):\n${rows.join('\n')}\n${totals}\n\n`);
          }));
        it('KUnit as a module (CONFIG_KUNIT=m, as Fedora and RHEL have it): kunit.ko packed and loaded before the suites, every suite passes', () =>
          track(kernel.label, 'make vmtest', 'KUnit module', async () => {
            assert.match(readFileSync(path.join(kernel.kdir, '.config'), 'utf8'), /^CONFIG_KUNIT=m$/m, 'KUnit is a module there');
            const { r, dir } = await result();
            assert.ok(existsSync(path.join(dir, '.vmtest', 'root', 'intree', 'kunit.ko')), 'kunit.ko packed');
            for (const m of I2C_KOS) assert.match(r.stdout, new RegExp(`^PASS ${m}_kunit \\(KUnit\\): 5 passed, 0 failed$`, 'm'), `${m}_kunit ran\n${r.stdout}`);
            assert.match(r.stdout, new RegExp(`^PASS ${NETDEV}_kunit \\(KUnit\\): 3 passed, 0 failed$`, 'm'), `${NETDEV}_kunit ran\n${r.stdout}`);
          }));
        it("kmemleak: no leak after every scenario, test and unload, in both boots (make vmtest's scan)", async () => {
          for (const { r, boots } of [await result(), await faultsResult()]) {
            assert.ok(boots.get(PC_EDU.id)?.kmemleak !== undefined, `kmemleak did not report (no /sys/kernel/debug/kmemleak?)\n${r.stdout}`);
            assert.match(r.stdout, /^kmemleak: no leak after the tests$/m, r.stdout);
          }
        });
      }
    });
  }

  // The kernel x variant table, after every test of this file.
  after(() => {
    const rows = readMatrix();
    process.stdout.write(`\nKernel matrix (${MATRIX_FILE}):\n${formatMatrix(rows)}\n\n`);
  });
});
