/** kmod:usb's module: a test program for its /dev node. */
import type { KindModule } from '../lib/kind-module.js';

export const USB_MODULE: KindModule = {
  kernelConfigs: () => ['CONFIG_USB'],
  tool: () => true,
};
