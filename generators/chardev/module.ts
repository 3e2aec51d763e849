/** kmod:chardev's module: an ioctl header, a test program, udev rules for its nodes. */
import type { KindModule } from '../lib/kind-module.js';

export const CHARDEV_MODULE: KindModule = {
  kernelApis: (e) => (e.settings.flavor === 'misc' ? [] : ['class_create']),
  tool: () => true,
  headers: (e) => [`${e.name}_ioctl.h`],
  udevRules: (e) => [`udev/99-${e.name}.rules`],
};
