/**
 * Kernel suite for `yo kmod:platform`, beyond the kernel matrix (where the
 * drivers are built, checked and probed in QEMU): the device-tree overlays,
 * compiled by dtc (no warning) and read back with fdtget: each at the place
 * on QEMU's virt machine generators/platform/dt.ts gives it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { it } from 'node:test';
import { execOk } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { generate, makeOk } from './support/kbuild.js';
import { PLATFORM_VARIANTS } from './support/variants.js';
import { virtPlacement } from '../../generators/platform/dt.js';

withKernelEnv('yo kmod:platform', () => {
  it('the device-tree overlay of every variant compiles with dtc and carries the compatible', () => {
    const dir = generate(['--name', 'hello']);
    for (const [name, features] of PLATFORM_VARIANTS) {
      generate(['platform', '--name', name, '--features', features, '--compatible', `kmod-test,${name.replace(/_/g, '-')}`], dir);
    }
    const r = makeOk(dir, ['dtbo']);
    assert.doesNotMatch(r.stdout + r.stderr, /warning|error/i, r.stdout + r.stderr);
    for (const [name, features] of PLATFORM_VARIANTS) {
      const dtbo = path.join(dir, 'dts', `${name}.dtbo`);
      const p = virtPlacement(name);
      const node = `/fragment@0/__overlay__/${p.node}${features.includes('mmio') ? `@${p.address}` : ''}`;
      assert.equal(execOk('fdtget', [dtbo, node, 'compatible']).stdout.trim(), `kmod-test,${name.replace(/_/g, '-')}`);
    }
  });
});
