/** kmod:netdev's module: a KUnit module for its echo logic. */
import type { KindModule } from '../lib/kind-module.js';

export const NETDEV_MODULE: KindModule = {
  kernelConfigs: () => ['CONFIG_NET'],
  kernelApis: () => ['u64_stats_fetch'],
  kunit: (e) => e.settings.kunit !== 'no',
  headers: (e) => [`${e.name}_echo.h`],
};
