/**
 * Fault injection for every variant of the main project (make vmtest
 * VMTEST_FAULTS=1, scripts/vmtest-faults.sh). The debug kernel's boots run
 * the first driver of each kind's own test with faults on (kernels.test.ts);
 * this scenario, in one of them, gives every other variant the same: its
 * load (init and the probe of a device that is there), its bind and its
 * operations (a selftest through its node, an attribute write, block I/O),
 * each with the N-th allocation failing in turn, through the project's own
 * helpers (the scenario is a test of make vmtest, which sources them). Only
 * the debug kernel has the fault-injection options.
 */
import assert from 'node:assert/strict';
import { GUEST_TOOLS, stepOf, type ScenarioResult } from './qemu.js';
import { BLOCK_BARE } from './block.js';
import { I2C_REG16, I2C_SYSFS } from './i2c.js';
import type { ScenarioSpec } from './variants.js';

const T = GUEST_TOOLS;

/** A variant: how its device comes to be, the bus its bind goes through (none: load only). */
interface Variant {
  name: string;
  bus?: 'platform' | 'pci' | 'i2c';
  /** A command (a make vmtest helper may be one) run before the load: makes its device (a platform test device). */
  before?: string;
  /** Shell (sh -c) run after the load: a device made once the driver is there (I2C new_device). */
  after?: string;
  /** Shell (sh -c) run after the unload. */
  cleanup?: string;
  /** A command that waits until the module's node is there, before its operations. */
  ready?: string;
  /** Its operations under fault injection while loaded and bound (faults_run, faults_blockio; $DEV: the bound device). */
  ops?: readonly [what: string, command: string][];
}

/** Every variant of the main project but the first of each kind (test/kernel/support/variants.ts). */
export function faultVariants(platform: readonly (readonly [name: string, features: string])[], pci: readonly (readonly [name: string, chardev: boolean])[], misc: string): Variant[] {
  const selftest = (n: string, node: string): [string, string] => ['selftest', `faults_run ${n} "open, ioctl, read, write (selftest)" true ${T}/${n}_test selftest ${node}`];
  return [
    { name: misc, ready: `waitfor /dev/${misc}`, ops: [selftest(misc, `/dev/${misc}`)] },
    ...platform.map(
      ([n, features]): Variant => ({
        name: n,
        bus: 'platform',
        before: `load ${n}_testdev`,
        cleanup: `rmmod ${n}_testdev`,
        ...(features.split(',').includes('sysfs') ? { ops: [['value', `faults_run ${n} "value write" true sh -c "echo 7 >/sys/bus/platform/devices/$DEV/value"`]] } : {}),
      }),
    ),
    ...pci.map(([n, chardev]): Variant => ({ name: n, bus: 'pci', ...(chardev ? { ready: `waitfor /dev/${n}0`, ops: [selftest(n, `/dev/${n}0`)] } : {}) })),
    // i2c-stub answers at both addresses (SMBus only: the 16-bit variant's probe refuses, by design: load only).
    {
      name: I2C_SYSFS,
      bus: 'i2c',
      after: `echo ${I2C_SYSFS} 0x49 >/sys/bus/i2c/devices/i2c-$BUS/new_device`,
      cleanup: 'echo 0x49 >/sys/bus/i2c/devices/i2c-$BUS/delete_device',
      ops: [['limit', `faults_run ${I2C_SYSFS} "limit write" true sh -c "echo 31000 >/sys/bus/i2c/devices/$DEV/limit"`]],
    },
    { name: I2C_REG16 },
    { name: BLOCK_BARE, ready: `waitfor /dev/${BLOCK_BARE}0`, ops: [['blockio', `faults_blockio ${BLOCK_BARE} ${BLOCK_BARE}0`]] },
  ];
}

function script(variants: readonly Variant[]): string {
  // The helpers are functions of make vmtest's /init: called by step directly, never through sh -c.
  const lines = [
    // The bound device of a driver: its one link in the driver's folder.
    `bound() { for f in /sys/bus/$1/drivers/$2/*; do [ -L "$f" ] && [ "\${f##*/}" != module ] && echo "\${f##*/}"; done; }`,
    'rmmod i2c-stub 2>/dev/null',
    'step stub intree i2c-stub chip_addr=0x49,0x4a',
    'BUS=',
    'for d in /sys/bus/i2c/devices/i2c-*; do',
    '  [ "$(cat $d/name)" = "SMBus stub driver" ] && BUS=${d##*/i2c-}',
    'done',
    'export BUS',
  ];
  for (const v of variants) {
    const n = v.name;
    if (v.before) lines.push(`step ${n}_before ${v.before}`);
    lines.push(`step ${n}_load_faults faults_load ${n}`);
    if (v.bus || v.ops) {
      lines.push(`step ${n}_load load ${n}`);
      if (v.after) lines.push(`step ${n}_after sh -c '${v.after}'`);
      if (v.bus) {
        lines.push(`DEV=$(bound ${v.bus} ${n})`);
        lines.push(`step ${n}_bind_faults faults_bind "$DEV" /sys/bus/${v.bus}/drivers/${n}`);
      }
      if (v.ready) lines.push(`step ${n}_ready ${v.ready}`);
      for (const [what, command] of v.ops ?? []) lines.push(`step ${n}_${what}_faults ${command}`);
      lines.push(`step ${n}_unload rmmod ${n}`);
    }
    if (v.cleanup) lines.push(`step ${n}_cleanup sh -c '${v.cleanup}'`);
  }
  return `\n${lines.join('\n')}\n`;
}

/** A faults_* step's figure (its VMTEST-FAULTS line): injections and sites. */
function figure(r: ScenarioResult, step: string): [injections: number, sites: number, calls: number] {
  const s = stepOf(r, step);
  const out = s.out.join('\n');
  assert.equal(s.rc, 0, `${step}:\n${out}`);
  const m = /^VMTEST-FAULTS injections=(\d+) sites=(\d+) .*\bcalls=(\d+) /m.exec(out);
  assert.ok(m, `${step}: no VMTEST-FAULTS line\n${out}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function faultsScenario(variants: readonly Variant[]): ScenarioSpec {
  return {
    id: 'faults',
    debugOnly: true,
    inTree: ['i2c-stub'],
    variant: 'fault injection (every variant)',
    title: `fault injection: every other variant's load, bind and operations, allocations on each path failing in turn (${variants.map((v) => v.name).join(', ')})`,
    script: () => script(variants),
    check(r) {
      for (const v of variants) {
        const loaded = Boolean(v.bus || v.ops);
        const plain = [...(v.before ? ['before'] : []), ...(loaded ? ['load', ...(v.after ? ['after'] : []), ...(v.ready ? ['ready'] : []), 'unload'] : []), ...(v.cleanup ? ['cleanup'] : [])];
        for (const step of plain.map((x) => `${v.name}_${x}`)) {
          assert.equal(stepOf(r, step).rc, 0, `${step}:\n${stepOf(r, step).out.join('\n')}`);
        }
        const ops = [`${v.name}_load_faults`, ...(v.bus ? [`${v.name}_bind_faults`] : []), ...(v.ops ?? []).map(([what]) => `${v.name}_${what}_faults`)];
        const figures = ops.map((op) => figure(r, op));
        // Each loads (and binds) through its own code: sites there; an operation may reach none (its data path allocates nothing).
        assert.ok(figures.some(([i]) => i > 0), `${v.name}: no fault site reached\n${r.log}`);
        process.stderr.write(`faults: ${v.name}: ${ops.map((op, i) => `${op.slice(v.name.length + 1)} ${figures[i]?.[0]} injected at ${figures[i]?.[1]} sites of ${figures[i]?.[2]} calls`).join(', ')}\n`);
      }
    },
  };
}
