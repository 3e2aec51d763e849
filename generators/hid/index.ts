/**
 * yo kmod:hid: a HID driver for one vendor:product on USB, Bluetooth or I2C
 * (a descriptor fixup, its own input device fed from raw reports, hwmon
 * readings with a limit set as a feature report, sysfs counters), with a
 * uhid test device (tools/<name>_test) that proves it in a booted kernel.
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export { HID_QUESTIONS } from './questions.js';

export default class HidGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.hid);
  }
}
