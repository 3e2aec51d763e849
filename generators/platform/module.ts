/** kmod:platform's module: a test-only companion that instantiates a matching device. */
import type { KindModule } from '../lib/kind-module.js';

export const PLATFORM_MODULE: KindModule = {
  kernelApis: () => ['platform_remove', 'simple_dev_pm_ops'],
  testModules: (e) => [`${e.name}_testdev`],
};
