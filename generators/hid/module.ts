/** kmod:hid's module: the APIs its chosen parts use, a test program (a uhid device). */
import { featuresOf, type KindModule } from '../lib/kind-module.js';

export const HID_MODULE: KindModule = {
  kernelConfigs: (e) => ['CONFIG_HID', ...(featuresOf(e).includes('hwmon') ? ['CONFIG_HWMON'] : [])],
  kernelApis: (e) => {
    const features = featuresOf(e);
    const raw = ['input', 'hwmon', 'sysfs'].some((x) => features.includes(x));
    return [
      ...(raw ? ['unaligned'] : []),
      ...(features.includes('fixup') ? ['hid_report_fixup'] : []),
      ...(features.includes('hwmon') ? ['hwmon_info'] : []),
    ];
  },
  tool: () => true,
};
