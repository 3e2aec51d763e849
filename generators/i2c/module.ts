/** kmod:i2c's module: regmap, hwmon or sysfs, a KUnit module for its conversions. */
import type { KindModule } from '../lib/kind-module.js';

export const I2C_MODULE: KindModule = {
  kernelConfigs: (e) => ['CONFIG_I2C', 'CONFIG_REGMAP_I2C', ...(e.settings.class === 'hwmon' ? ['CONFIG_HWMON'] : [])],
  kernelApis: () => ['i2c_probe', 'hwmon_info', 'regcache'],
  kunit: (e) => e.settings.kunit !== 'no',
  headers: (e) => [`${e.name}_temp.h`],
};
