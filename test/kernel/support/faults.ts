/**
 * Fault injection for every variant of the main project (make vmtest
 * VMTEST_FAULTS=1, scripts/vmtest-faults.sh). The debug kernel's boot runs
 * the first driver of each kind's own test with faults on (kernels.test.ts);
 * this scenario, on the same boot, gives every other variant's error paths
 * the same treatment where they differ from the first's: its load (init and
 * the probe of a device that is there) and its bind, each with the N-th
 * allocation failing in turn, through the project's own helpers (the
 * scenario is a test of make vmtest, which sources them). Only the debug
 * kernel has the fault-injection options.
 */
import assert from 'node:assert/strict';
import { stepOf, type ScenarioResult } from './qemu.js';
import { BLOCK_BARE } from './block.js';
import { I2C_REG16, I2C_SYSFS } from './i2c.js';
import type { ScenarioSpec } from './variants.js';


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
}

/** Every variant of the main project but the first of each kind (test/kernel/support/variants.ts). */
export function faultVariants(platform: readonly string[], pci: readonly string[], misc: string): Variant[] {
  return [
    { name: misc },
    ...platform.map((n): Variant => ({ name: n, bus: 'platform', before: `load ${n}_testdev`, cleanup: `rmmod ${n}_testdev` })),
    ...pci.map((n): Variant => ({ name: n, bus: 'pci' })),
    // i2c-stub answers at both addresses (SMBus only: the 16-bit variant's probe refuses, by design: load only).
    { name: I2C_SYSFS, bus: 'i2c', after: `echo ${I2C_SYSFS} 0x49 >/sys/bus/i2c/devices/i2c-$BUS/new_device`, cleanup: 'echo 0x49 >/sys/bus/i2c/devices/i2c-$BUS/delete_device' },
    { name: I2C_REG16 },
    { name: BLOCK_BARE },
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
    if (v.bus) {
      lines.push(`step ${n}_load load ${n}`);
      if (v.after) lines.push(`step ${n}_after sh -c '${v.after}'`);
      lines.push(`step ${n}_bind_faults faults_bind "$(bound ${v.bus} ${n})" /sys/bus/${v.bus}/drivers/${n}`);
      lines.push(`step ${n}_unload rmmod ${n}`);
    }
    if (v.cleanup) lines.push(`step ${n}_cleanup sh -c '${v.cleanup}'`);
  }
  return `\n${lines.join('\n')}\n`;
}

/** A faults_* step's figure (its VMTEST-FAULTS line): injections and sites. */
function figure(r: ScenarioResult, step: string): [injections: number, sites: number] {
  const s = stepOf(r, step);
  const out = s.out.join('\n');
  assert.equal(s.rc, 0, `${step}:\n${out}`);
  const m = /^VMTEST-FAULTS injections=(\d+) sites=(\d+) /m.exec(out);
  assert.ok(m, `${step}: no VMTEST-FAULTS line\n${out}`);
  return [Number(m[1]), Number(m[2])];
}

export function faultsScenario(variants: readonly Variant[]): ScenarioSpec {
  return {
    id: 'faults',
    debugOnly: true,
    inTree: ['i2c-stub'],
    variant: 'fault injection (every variant)',
    title: `fault injection: every other variant's load and bind, each allocation on the path failing in turn (${variants.map((v) => v.name).join(', ')})`,
    script: () => script(variants),
    check(r) {
      for (const v of variants) {
        for (const step of [...(v.before ? [`${v.name}_before`] : []), ...(v.bus ? [`${v.name}_load`, ...(v.after ? [`${v.name}_after`] : []), `${v.name}_unload`] : [])]) {
          assert.equal(stepOf(r, step).rc, 0, `${step}:\n${stepOf(r, step).out.join('\n')}`);
        }
        const ops = [`${v.name}_load_faults`, ...(v.bus ? [`${v.name}_bind_faults`] : [])];
        const figures = ops.map((op) => figure(r, op));
        assert.ok(figures.some(([i]) => i > 0), `${v.name}: no fault site reached\n${r.log}`);
        process.stderr.write(`faults: ${v.name}: ${ops.map((op, i) => `${op.slice(v.name.length + 1)} ${figures[i]?.[0]} injected at ${figures[i]?.[1]} sites`).join(', ')}\n`);
      }
    },
  };
}
