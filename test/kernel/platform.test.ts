/**
 * Kernel suite for `yo kmod:platform`, beyond the kernel matrix (where the
 * drivers are built, checked and probed in QEMU): the device-tree overlays,
 * compiled by dtc (no warning) and read back with fdtget: each at the place
 * on QEMU's virt machine generators/platform/dt.ts gives it; all of them
 * applied together with fdtoverlay to virt's own tree (dumped by QEMU), with
 * no two drivers sharing a register window or an interrupt.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { execOk, which } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { generate, makeOk } from './support/kbuild.js';
import { PLATFORM_VARIANTS } from './support/variants.js';
import { virtPlacements } from '../../generators/platform/dt.js';

withKernelEnv('yo kmod:platform', () => {
  it('the device-tree overlay of every variant compiles with dtc and carries the compatible', () => {
    const dir = generate(['--name', 'hello']);
    for (const [name, features] of PLATFORM_VARIANTS) {
      generate(['platform', '--name', name, '--features', features, '--compatible', `kmod-test,${name.replace(/_/g, '-')}`], dir);
    }
    const r = makeOk(dir, ['dtbo']);
    assert.doesNotMatch(r.stdout + r.stderr, /warning|error/i, r.stdout + r.stderr);
    const placed = virtPlacements(PLATFORM_VARIANTS.map(([name]) => name));
    const nodes = PLATFORM_VARIANTS.map(([name, features]) => {
      const p = placed.get(name);
      assert.ok(p);
      return `/${p.node}${features.includes('mmio') ? `@${p.address}` : ''}`;
    });
    PLATFORM_VARIANTS.forEach(([name], i) => {
      const dtbo = path.join(dir, 'dts', `${name}.dtbo`);
      assert.equal(execOk('fdtget', [dtbo, `/fragment@0/__overlay__${nodes[i]}`, 'compatible']).stdout.trim(), `kmod-test,${name.replace(/_/g, '-')}`);
    });

    // All of them on virt's own tree, as make vmtest ARCH=arm64 applies them.
    const qemu = which('qemu-system-aarch64');
    assert.ok(qemu, 'qemu-system-aarch64 (Debian package qemu-system-arm)');
    const scratch = mkdtempSync(path.join(tmpdir(), 'kmod-virt-dtb-'));
    const base = path.join(scratch, 'virt.dtb');
    const merged = path.join(scratch, 'merged.dtb');
    execOk(qemu, ['-M', `virt,gic-version=3,dumpdtb=${base}`, '-cpu', 'cortex-a57', '-m', '512', '-display', 'none']);
    execOk('fdtoverlay', ['-i', base, '-o', merged, ...PLATFORM_VARIANTS.map(([name]) => path.join(dir, 'dts', `${name}.dtbo`))]);
    const seen = { reg: new Set<string>(), interrupts: new Set<string>() };
    PLATFORM_VARIANTS.forEach(([name, features], i) => {
      const node = nodes[i] as string;
      assert.equal(execOk('fdtget', [merged, node, 'compatible']).stdout.trim(), `kmod-test,${name.replace(/_/g, '-')}`);
      for (const [prop, wanted] of [['reg', 'mmio'], ['interrupts', 'irq']] as const) {
        if (!features.includes(wanted)) continue;
        const value = execOk('fdtget', ['-tx', merged, node, prop]).stdout.trim();
        assert.ok(!seen[prop].has(value), `${name}: ${prop} <${value}> is another driver's too`);
        seen[prop].add(value);
      }
    });
    assert.ok(seen.reg.size >= 2 && seen.interrupts.size >= 2, 'several drivers with windows and interrupts');
  });
});
