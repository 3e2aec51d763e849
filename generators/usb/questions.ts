/**
 * yo kmod:usb's questions: the IDs to match (the kernel's Loopback gadget by
 * default) and an interface class, each a prompt and an option.
 */
import type { Question } from '../lib/questions.js';
import { normalizeHex, validateUsbClass, validateUsbId } from '../lib/validate.js';

/** The kernel's Loopback gadget function (usb_f_ss_lb): it sends back what it receives. */
export const USB_LOOPBACK = { vendor: '0x1a0a', product: '0xbadd' } as const;

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
