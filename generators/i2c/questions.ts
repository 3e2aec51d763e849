/**
 * yo kmod:i2c's questions: compatible, address, hwmon or sysfs front-end,
 * register widths and KUnit, each a prompt and an option.
 */
import { compatibleQuestion, KUNIT_QUESTION, oneOf, type Question } from '../lib/questions.js';
import { normalizeHex, shown, validateDeviceName, type Validation } from '../lib/validate.js';

export const I2C_CLASSES = [
  { value: 'hwmon', name: 'hwmon: temp1_input and temp1_max in the hwmon class (sensors(1) shows them)' },
  { value: 'sysfs', name: 'sysfs: temperature and limit attributes on the I2C device itself' },
] as const;

/** i2c_device_id names (and so I2C client names) are char[I2C_NAME_SIZE] = 20 bytes including the NUL. */
export const I2C_NAME_MAX = 19;

export function validateI2cName(value: string): Validation {
  return validateDeviceName(value, 'I2C driver name', 'I2C device names', I2C_NAME_MAX, 'I2C_NAME_SIZE');
}

/** A 7-bit I2C address in hex, outside the reserved 0x00-0x07 and 0x78-0x7f. */
export function validateI2cAddress(value: string): Validation {
  const allowed = 'I2C address must be a 7-bit address in hex from 0x08 to 0x77 (0x00-0x07 and 0x78-0x7f are reserved), e.g. 0x48';
  if (!/^0x[0-9a-fA-F]{1,2}$/.test(value)) return `address ${shown(value)} is not allowed: ${allowed}`;
  const n = Number(value);
  if (n < 0x08 || n > 0x77) return `address ${value} is reserved: ${allowed}`;
  return true;
}

const WIDTHS = [
  { value: '8', name: '8 bits' },
  { value: '16', name: '16 bits' },
] as const;

const widthQuestion = (name: 'regBits' | 'valBits', option: string, what: string, example: string, dflt: string): Question => ({
  name,
  option,
  message: `Bits per register ${what}`,
  description: `Register ${what} width in bits, 8 or 16 (default: ${dflt}; ${example})`,
  ...oneOf(`register ${what} width`, WIDTHS),
  default: () => dflt,
});

export const I2C_QUESTIONS: readonly Question[] = [
  compatibleQuestion('i2cdrv'),
  {
    name: 'address',
    message: 'I2C address of the chip (7-bit, hex)',
    description: 'The chip\'s 7-bit I2C address in hex, 0x08-0x77, for the examples, the DT overlay and i2c-stub (default: 0x48)',
    default: () => '0x48',
    validate: validateI2cAddress,
    normalize: (v) => normalizeHex(v, 2),
  },
  {
    name: 'class',
    message: 'How user space sees the sensor',
    description: 'Front-end: hwmon (temp1_input, temp1_max) or sysfs (temperature, limit attributes) (default: hwmon)',
    ...oneOf('class', I2C_CLASSES),
    default: () => 'hwmon',
  },
  widthQuestion('regBits', 'reg-bits', 'address', '16-bit addresses need an adapter that does plain I2C transfers', '8'),
  widthQuestion('valBits', 'val-bits', 'value', '16: two\'s complement in 1/256 degree, high byte first; 8: whole degrees', '16'),
  KUNIT_QUESTION,
];
