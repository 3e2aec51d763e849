/**
 * What one kind's module is made of besides its C source, said by the
 * kind's own folder (generators/<kind>/module.ts): the kernel options it
 * needs, the kernel APIs probed for it, its test program, KUnit module,
 * headers, udev rules and test-only modules. What a kind leaves out, it
 * does not have. The registry of every kind is lib/modules.ts.
 */
import type { ModuleEntry } from './project.js';

export interface KindModule {
  /** Kernel options it cannot be built without: dkms.conf's BUILD_EXCLUSIVE_CONFIG. */
  kernelConfigs?(entry: ModuleEntry): string[];
  /** Kernel APIs that differ between kernels, each decided by a probe (templates/app/project/probes/). */
  kernelApis?(entry: ModuleEntry): string[];
  /** Whether it comes with a user-space test program, tools/<name>_test ("make tools"). */
  tool?(entry: ModuleEntry): boolean;
  /** Whether it comes with a KUnit test module, <name>_kunit.ko. */
  kunit?(entry: ModuleEntry): boolean;
  /** Headers of its own that its kernel sources include. */
  headers?(entry: ModuleEntry): string[];
  /** udev rules files it comes with (packages install them). */
  udevRules?(entry: ModuleEntry): string[];
  /** Test-only modules built beside it (KMOD_TEST_MODULES=1): a fake device for make vmtest. */
  testModules?(entry: ModuleEntry): string[];
}

/** The optional parts chosen (the "features" setting), as a list. */
export const featuresOf = (entry: ModuleEntry): string[] => String(entry.settings.features ?? '').split(',');
