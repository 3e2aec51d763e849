/**
 * The kernel matrix: every generated project built W=1 C=1 with -jN on every
 * kernel and configuration (boot kernels of four lines, the debug kernel, and
 * the build-only configurations: PM off, OF on with PM_SLEEP off), then one
 * QEMU boot per bootable kernel that runs every scenario, each reported as a
 * test of its own with its own log. Builds and boots run side by side (one
 * more job than cores), as soon as what they need is ready, the longest boot
 * first; the tests wait for their results in order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { checkpatch } from './support/checkpatch.js';
import { execAsync, limiter, succeeded as ok } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { CONFIG_CLAIMS, DERIVED_CONFIGS, type Kernel } from './support/kernels.js';
import { copyProject, strictBuild } from './support/kbuild.js';
import { MATRIX_FILE, formatMatrix, readMatrix, track } from './support/matrix.js';
import { inTreeModules } from './support/intree.js';
import { PC_EDU } from './support/pci.js';
import { bootScenarios, kernelTrouble, kmemleakLeaks, type BootResult, type GuestFile, type Machine } from './support/qemu.js';
import { DEBUG_LOAD, FULL_LOAD, PROJECTS, SCENARIOS, checkScenario, type Project, type ScenarioSpec } from './support/variants.js';

const KMODSTRESS_SOURCE = fileURLToPath(new URL('../../../test/kernel/guest/kmodstress.c', import.meta.url));
const CANARY_SOURCE = fileURLToPath(new URL('../../../test/kernel/guest/canary/', import.meta.url));

/**
 * The canary boot of a debug kernel: a deliberately broken module commits
 * one bug per scenario, and the suite's own detectors (kernelTrouble on the
 * scenario's kernel log, the kmemleak scan at the end) must report each.
 */
const CANARIES: readonly { trigger: string; expect: RegExp }[] = [
  // lockdep first: a KASAN report turns lockdep off for the rest of the boot.
  { trigger: 'lockdep', expect: /WARNING: possible circular locking dependency detected/ },
  { trigger: 'atomic', expect: /BUG: sleeping function called from invalid context/ },
  { trigger: 'ubsan', expect: /UBSAN: shift-out-of-bounds/ },
  { trigger: 'leak', expect: /unreferenced object/ },
  { trigger: 'kasan', expect: /BUG: KASAN: slab-out-of-bounds/ },
];

/** Settles a promise now (no unhandled rejection) and keeps it for the test that awaits it. */
function held<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** Every boot has an edu device on the pc machine; a scenario that needs another machine gets a boot of its own. */
const machineOf = (spec: ScenarioSpec): Machine => spec.machine ?? PC_EDU;
const MACHINES: readonly Machine[] = [...new Map(SCENARIOS.map((s) => [machineOf(s).id, machineOf(s)])).values()];
/** The debug kernel boots only the default machine (it is the suite's critical path). */
const bootsOn = (k: Kernel, m: Machine): boolean => k.config !== 'debug' || m === PC_EDU;
/** The scenarios a kernel runs on a machine. */
const specsFor = (m: Machine): ScenarioSpec[] => SCENARIOS.filter((s) => machineOf(s) === m);
/**
 * How a kernel boots a machine. The debug kernel routes PCI interrupts by the
 * BIOS's MP table (acpi=noirq): with ACPI, each pci_enable_device() evaluates
 * the pc machine's _PRT method so slowly there (KASAN under TCG) that ACPICA's
 * 30 s loop timeout ends it (AE_AML_LOOP_TIMEOUT) and INTx has no route.
 */
const bootOf = (k: Kernel, m: Machine): Machine =>
  k.config === 'debug' ? { ...m, append: [m.append, 'acpi=noirq'].filter(Boolean).join(' ') } : m;

interface Built {
  dir: string;
  log: string;
}

withKernelEnv('kernel matrix', (env) => {
  const seed = process.env.KMOD_STRESS_SEED ? Number(process.env.KMOD_STRESS_SEED) : Math.floor(Math.random() * 1e9);
  process.stderr.write(`kernel matrix: stress seed ${seed} (replay: KMOD_STRESS_SEED=${seed})\n`);
  const sources = new Map(PROJECTS.map((p) => [p.id, p.create()] as const));
  // Boots are single-threaded (TCG), builds use make -jN: one job more than cores keeps both busy.
  const run = limiter(availableParallelism() + 1);
  // The debug kernel's boot is the longest: its builds and boot go first, then boots before builds.
  const priority = (k: Kernel, boot: boolean) => (k.config === 'debug' ? 2 : 0) + (boot ? 1 : 0);

  // Host-side helpers for the guest, static: the chardev test programs and kmodstress.
  const guestTools = mkdtempSync(path.join(tmpdir(), 'kmod-guest-'));
  const tools = held(
    run(async () => {
      for (const p of PROJECTS.filter((x) => x.guestTools?.length)) {
        ok(await execAsync('make', ['-C', sources.get(p.id) as string, 'tools', 'TOOLS_CFLAGS=-O2 -Wall -Wextra -Werror', 'TOOLS_LDFLAGS=-static']));
      }
      ok(await execAsync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-static', '-o', path.join(guestTools, 'kmodstress'), KMODSTRESS_SOURCE]));
    }),
  );

  const booting = [...env.kernels, ...env.debugKernels];
  const buildOnly = env.buildOnlyKernels;
  process.stderr.write(
    `kernel matrix: ${booting.length} kernels booted on ${MACHINES.map((m) => m.id).join(' and ')}, ${SCENARIOS.length} scenarios, ${booting.length + buildOnly.length} kernel configurations; ` +
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

  const boots = new Map<string, Promise<BootResult>>();
  for (const kernel of booting) {
    const files = held(
      (async () => {
        await tools;
        const built = new Map<string, Built>();
        for (const p of PROJECTS) built.set(p.id, await (builds.get(`${kernel.label}/${p.id}`) as Promise<Built>));
        const list: GuestFile[] = [{ src: path.join(guestTools, 'kmodstress'), dest: '/modules/kmodstress' }];
        for (const p of PROJECTS) {
          const b = built.get(p.id) as Built;
          for (const ko of p.kos) list.push({ src: path.join(b.dir, `${ko}.ko`), dest: `/modules/${p.id}/${ko}.ko` });
        }
        for (const p of PROJECTS) {
          for (const t of p.guestTools ?? []) list.push({ src: path.join(sources.get(p.id) as string, t), dest: `/modules/${p.id}/${path.basename(t)}` });
        }
        list.push(...inTreeModules(kernel, [...new Set(SCENARIOS.flatMap((s) => s.inTree ?? []))]));
        return list;
      })(),
    );
    const debug = kernel.config === 'debug';
    for (const machine of MACHINES.filter((m) => bootsOn(kernel, m))) {
      const specs = specsFor(machine);
      boots.set(
        `${kernel.label}/${machine.id}`,
        held(
          files.then((list) =>
            run(
              () =>
                bootScenarios({
                  image: kernel.image,
                  busybox: env.busybox,
                  files: list,
                  scenarios: specs.map((s) => ({ id: s.id, script: s.script(seed, debug ? DEBUG_LOAD : FULL_LOAD) })),
                  memoryMb: debug ? 1024 : 512,
                  // Only against a hung boot: the debug boot took 730-890 s in dry runs on 2 cores.
                  timeoutMs: debug ? 1_800_000 : 600_000,
                  machine: bootOf(kernel, machine),
                }),
              priority(kernel, true),
            ),
          ),
        ),
      );
    }
  }

  const canaryBoots = new Map<string, Promise<BootResult>>();
  for (const kernel of env.debugKernels) {
    const dir = copyProject(CANARY_SOURCE, `canary-${kernel.label}`);
    canaryBoots.set(
      kernel.label,
      held(
        run(async () => ok(await execAsync('make', ['-C', kernel.kdir, `M=${dir}`, 'modules'])), priority(kernel, false)).then(() =>
          run(
            () =>
              bootScenarios({
                image: kernel.image,
                busybox: env.busybox,
                files: [{ src: path.join(dir, 'kmod_canary.ko'), dest: '/modules/canary/kmod_canary.ko' }],
                scenarios: CANARIES.map((c) => ({
                  id: `canary-${c.trigger}`,
                  script: `step load insmod /modules/canary/kmod_canary.ko trigger=${c.trigger}\nstep unload rmmod kmod_canary\n`,
                })),
                memoryMb: 1024,
              }),
            priority(kernel, true),
          ),
        ),
      ),
    );
  }

  for (const p of PROJECTS) {
    it(`${p.id}: kernel sources clean under checkpatch --strict`, () => {
      const r = checkpatch(env.checkpatch, sources.get(p.id) as string, p.kernelSources);
      assert.ok(r.clean, r.report);
    });
  }

  it('guest programs (chardev test programs, kmodstress) build static with -Wall -Wextra -Werror', async () => {
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

      for (const machine of MACHINES.filter((m) => bootsOn(kernel, m))) {
        const specs = specsFor(machine);
        const boot = () => boots.get(`${kernel.label}/${machine.id}`) as Promise<BootResult>;
        it(`boots once (${machine.id}: ${machine.args.join(' ')}) and runs its ${specs.length} scenarios to the end; nothing wrong at boot`, async () => {
          const result = await boot();
          process.stderr.write(`kernel ${kernel.label}: one boot on ${machine.id}, ${specs.length} scenarios, ${result.seconds} s\n`);
          assert.ok(result.finished, `boot did not reach its end (whole console: ${result.logFile}); tail:\n${result.log.slice(-8000)}`);
          assert.deepEqual(kernelTrouble(result.bootDmesg), [], result.bootDmesg);
        });
        for (const spec of specs) {
          it(`in QEMU: ${spec.title}`, () =>
            track(kernel.label, spec.variant, spec.id, async () => {
              const result = await boot();
              const scenario = result.scenarios.get(spec.id);
              checkScenario(spec, scenario, result.log, kernel.config === 'debug' ? DEBUG_LOAD : FULL_LOAD);
              process.stderr.write(`kernel ${kernel.label}: scenario ${spec.id} ${scenario?.seconds ?? '?'} s\n`);
            }));
        }
      }
      if (kernel.config === 'debug') {
        for (const c of CANARIES) {
          it(`canary: a module with a ${c.trigger} bug is caught (${c.expect.source})`, async () => {
            const result = await (canaryBoots.get(kernel.label) as Promise<BootResult>);
            const r = result.scenarios.get(`canary-${c.trigger}`);
            assert.ok(r?.finished, `canary ${c.trigger} did not run to its end (${result.logFile})`);
            // The same detectors as for the real modules: the kmemleak scan at the end, kernelTrouble() on the log.
            const found = c.trigger === 'leak' ? kmemleakLeaks(result.kmemleak ?? '') : kernelTrouble(r.dmesg);
            assert.ok(
              found.some((l) => c.expect.test(l)),
              `the suite's detector did not report the ${c.trigger} bug; found ${JSON.stringify(found)}\n${r.dmesg}\n${result.kmemleak ?? ''}`,
            );
          });
        }
        it('kmemleak: no leak after every scenario and unload', async () => {
          const result = await (boots.get(`${kernel.label}/${PC_EDU.id}`) as Promise<BootResult>);
          assert.ok(result.kmemleak !== undefined, `kmemleak did not report (no /sys/kernel/debug/kmemleak?)\n${result.log.slice(-4000)}`);
          assert.deepEqual(kmemleakLeaks(result.kmemleak), [], `kmemleak found leaks:\n${result.kmemleak}`);
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
