/**
 * DKMS with the real dkms, for every installed (Debian) kernel: the main
 * project of the kernel matrix (every kind and variant, version with a "~")
 * is added, built, installed, found by modinfo -k, and removed; the platform
 * drivers' test-only devices are neither built nor installed.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { dkmsLifecycle } from './support/dkms.js';
import { withKernelEnv } from './support/gate.js';
import { MAIN_VERSION, PROJECTS } from './support/variants.js';

withKernelEnv('DKMS', (env) => {
  const main = PROJECTS.find((p) => p.id === 'main');
  it('the main project: add, build, install, status, remove for every Debian kernel', () => {
    if (!main) throw new Error('no main project');
    const testOnly = main.kos.filter((m) => m.endsWith('_testdev'));
    assert.ok(testOnly.length > 0, 'the main project has test-only modules');
    const modules = main.kos.filter((m) => !testOnly.includes(m));
    dkmsLifecycle(main.create(), { name: 'hello', version: MAIN_VERSION, modules, absent: testOnly }, env.debianKernels);
  });
});
