/**
 * yo kmod:usb's questions: the IDs to match (the kernel's Loopback gadget by
 * default) and an interface class, each a prompt and an option.
 */
import type { Question } from '../lib/questions.js';
import { normalizeHex, shown, validateDeviceName, validateUsbId, type Validation } from '../lib/validate.js';

/** The kernel's Loopback gadget function (usb_f_ss_lb): it sends back what it receives. */
export const USB_LOOPBACK = { vendor: '0x1a0a', product: '0xbadd' } as const;

/** usb_register_dev() formats the node name into 20 bytes: <name>, the number (up to 3 digits), NUL. */
export const USB_NAME_MAX = 16;

export function validateUsbName(value: string): Validation {
  return validateDeviceName(value, 'USB driver name', 'USB device node names (<name>N)', USB_NAME_MAX, '20 bytes with the number and the NUL in usb_register_dev');
}

/** A USB interface class byte in hex, or "any". */
export function validateUsbClass(value: string): Validation {
  if (value === 'any' || /^0x[0-9a-fA-F]{1,2}$/.test(value)) return true;
  return `interface class ${shown(value)} is not allowed: give 'any' or one byte in hex, 0x00 to 0xff (0xff: vendor-specific), e.g. 0xff`;
}

const usbIdQuestion = (name: 'vendor' | 'product'): Question => ({
  name,
  message: `USB ${name} ID (hex, as in lsusb)`,
  description: `USB ${name} ID in hex, 0x0001-0xfffe (default: the Loopback gadget's ${USB_LOOPBACK[name]})`,
  default: () => USB_LOOPBACK[name],
  validate: (v) => validateUsbId(v, `${name} ID`),
  normalize: (v) => normalizeHex(v, 4),
});

export const USB_QUESTIONS: readonly Question[] = [
  usbIdQuestion('vendor'),
  usbIdQuestion('product'),
  {
    name: 'interfaceClass',
    option: 'interface-class',
    message: 'Interface class to match as well (hex byte, or any)',
    description: 'Bind only to interfaces of this class, one byte in hex (0xff: vendor-specific), or any (default: any)',
    default: () => 'any',
    validate: validateUsbClass,
    normalize: (v) => normalizeHex(v, 2),
  },
];
