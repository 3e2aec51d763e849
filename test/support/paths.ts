/** Paths of the built package, as seen from dist/test/. */
import { fileURLToPath } from 'node:url';

export const APP_GENERATOR = fileURLToPath(new URL('../../generators/app/index.js', import.meta.url));
export const BIN = fileURLToPath(new URL('../../generators/cli.js', import.meta.url));
export const CHARDEV_GENERATOR = fileURLToPath(new URL('../../generators/chardev/index.js', import.meta.url));
export const PLATFORM_GENERATOR = fileURLToPath(new URL('../../generators/platform/index.js', import.meta.url));
export const PCI_GENERATOR = fileURLToPath(new URL('../../generators/pci/index.js', import.meta.url));
export const I2C_GENERATOR = fileURLToPath(new URL('../../generators/i2c/index.js', import.meta.url));
export const NETDEV_GENERATOR = fileURLToPath(new URL('../../generators/netdev/index.js', import.meta.url));
export const USB_GENERATOR = fileURLToPath(new URL('../../generators/usb/index.js', import.meta.url));
export const BLOCK_GENERATOR = fileURLToPath(new URL('../../generators/block/index.js', import.meta.url));
export const HID_GENERATOR = fileURLToPath(new URL('../../generators/hid/index.js', import.meta.url));
export const V4L2_GENERATOR = fileURLToPath(new URL('../../generators/v4l2/index.js', import.meta.url));
export const EJECT_GENERATOR = fileURLToPath(new URL('../../generators/eject/index.js', import.meta.url));
/** A user template folder (house style) used by the customisation tests; sources, not build output. */
export const HOUSE_TEMPLATES = fileURLToPath(new URL('../../../test/fixtures/house-templates/', import.meta.url));
