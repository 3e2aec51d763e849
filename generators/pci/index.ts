/**
 * yo kmod:pci: a PCI driver (ID table, managed enable and BAR mapping, and
 * optionally INTx/MSI interrupts, DMA, sysfs attributes, PM callbacks and a
 * misc device for user space), with a profile for QEMU's edu device.
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export { PCI_FEATURES, PCI_QUESTIONS } from './questions.js';

export default class PciGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.pci);
  }
}
