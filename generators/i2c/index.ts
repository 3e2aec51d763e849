/**
 * yo kmod:i2c: an I2C client driver for a temperature sensor (I2C and OF ID
 * tables, a regmap with a register cache, hwmon or sysfs front-end) and a
 * device-tree overlay that places the chip on a bus.
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export { I2C_CLASSES, I2C_QUESTIONS } from './questions.js';

export default class I2cGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.i2c);
  }
}
