/**
 * yo kmod:chardev's questions: the flavor (classic cdev or misc), minors,
 * buffer size and ioctl magic, each a prompt and an option.
 */
import { oneOf, type Question } from '../lib/questions.js';
import { shown, validateIntRange, type Validation } from '../lib/validate.js';

export const CHARDEV_FLAVORS = [
  { value: 'classic', name: 'classic: alloc_chrdev_region + cdev + class, one /dev node per minor' },
  { value: 'misc', name: 'misc: misc_register, one /dev node, major 10, least code' },
] as const;

export const BUFFER_SIZE_MAX = 1024 * 1024;
export const MINORS_MAX = 64;

/** An ioctl "type" (magic) byte written as hex, 0x01 to 0xff. */
export function validateIoctlMagic(value: string): Validation {
  const allowed =
    "ioctl magic must be one byte in hex from 0x01 to 0xff, e.g. 0xbe (pick one that " +
    'Documentation/userspace-api/ioctl/ioctl-number.rst does not list)';
  if (!/^0x[0-9a-fA-F]{1,2}$/.test(value) || Number(value) === 0) return `ioctl magic ${shown(value)} is not allowed: ${allowed}`;
  return true;
}

export const CHARDEV_QUESTIONS: readonly Question[] = [
  {
    name: 'flavor',
    message: 'Kind of character device',
    description: 'classic (cdev + class, several minors) or misc (misc_register) (default: classic)',
    ...oneOf('flavor', CHARDEV_FLAVORS),
    default: () => 'classic',
  },
  {
    name: 'minors',
    message: 'Number of devices (minor numbers)',
    description: `Number of devices (minors), 1-${MINORS_MAX}, classic flavor only (default: 1)`,
    default: () => '1',
    validate: (v) => validateIntRange(v, 'number of minors', 1, MINORS_MAX, 4),
    when: (a) => a.flavor === 'classic',
    notApplicable: 'a misc device has exactly one minor: --minors needs --flavor classic',
  },
  {
    name: 'bufferSize',
    option: 'buffer-size',
    message: 'Buffer size per device in bytes',
    description: `Bytes of storage per device, 1-${BUFFER_SIZE_MAX} (default: 4096)`,
    default: () => '4096',
    validate: (v) => validateIntRange(v, 'buffer size', 1, BUFFER_SIZE_MAX, 4096),
  },
  {
    name: 'ioctlMagic',
    option: 'ioctl-magic',
    message: 'ioctl magic number (hex byte)',
    description: 'ioctl type byte for the UAPI header, 0x01-0xff (default: 0xbe, unassigned in ioctl-number.rst)',
    default: () => '0xbe',
    validate: validateIoctlMagic,
  },
];
