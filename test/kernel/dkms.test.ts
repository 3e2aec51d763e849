/**
 * DKMS with the real dkms, for every installed (Debian) kernel: the main
 * project of the kernel matrix (hello, both char devices, every platform
 * driver and test device, four PCI and three I2C drivers: 18 modules, version with
 * a "~") is added, built,
 * installed, found by modinfo -k, and removed.
 */
import { it } from 'node:test';
import { dkmsLifecycle } from './support/dkms.js';
import { withKernelEnv } from './support/gate.js';
import { MAIN_VERSION, PROJECTS } from './support/variants.js';

withKernelEnv('DKMS', (env) => {
  const main = PROJECTS.find((p) => p.id === 'main');
  it('the main project: add, build, install, status, remove for every Debian kernel', () => {
    if (!main) throw new Error('no main project');
    dkmsLifecycle(main.create(), { name: 'hello', version: MAIN_VERSION, modules: main.kos }, env.debianKernels);
  });
});
