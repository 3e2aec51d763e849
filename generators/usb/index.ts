/**
 * yo kmod:usb: a USB interface driver (bulk-in and bulk-out endpoints, a
 * character device per interface through usb_register_dev, reference-
 * counted state that survives disconnect while open, suspend/resume), with
 * the IDs of the kernel's Loopback gadget function by default.
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export { USB_QUESTIONS } from './questions.js';

export default class UsbGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.usb);
  }
}
