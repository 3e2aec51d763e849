/** Every kind's module facts (generators/<kind>/module.ts), by kind. */
import { BLOCK_MODULE } from '../block/module.js';
import { CHARDEV_MODULE } from '../chardev/module.js';
import { HID_MODULE } from '../hid/module.js';
import { I2C_MODULE } from '../i2c/module.js';
import { NETDEV_MODULE } from '../netdev/module.js';
import { PCI_MODULE } from '../pci/module.js';
import { PLATFORM_MODULE } from '../platform/module.js';
import { USB_MODULE } from '../usb/module.js';
import { V4L2_MODULE } from '../v4l2/module.js';
import type { KindModule } from './kind-module.js';
import type { ModuleKind } from './project.js';

export const KIND_MODULES: Readonly<Record<ModuleKind, KindModule>> = {
  // The app's hello module: nothing besides its source.
  hello: {},
  chardev: CHARDEV_MODULE,
  platform: PLATFORM_MODULE,
  pci: PCI_MODULE,
  i2c: I2C_MODULE,
  netdev: NETDEV_MODULE,
  usb: USB_MODULE,
  hid: HID_MODULE,
  block: BLOCK_MODULE,
  v4l2: V4L2_MODULE,
};
