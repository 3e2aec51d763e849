/**
 * yo kmod:block's questions: the disk's geometry (capacity, logical block
 * size, disks), the blk-mq queues and the optional parts of the driver,
 * each a prompt and an option, each refused with what is allowed.
 */
import { oneOf, someOf, type Question } from '../lib/questions.js';
import { shown, validateIntRange, validateModuleName, type Validation } from '../lib/validate.js';

/**
 * Disk names are char[DISK_NAME_LEN] = 32 bytes with the NUL: <name>, the disk
 * number (up to 2 digits), and for a partition "p" and its number (up to 2).
 */
export const BLOCK_NAME_MAX = 26;
/** Capacity per disk in MiB: memory is allocated page by page as written, so this bounds what a disk can hold. */
export const BLOCK_CAPACITY_MAX = 65536;
export const BLOCK_DISKS_MAX = 16;
export const BLOCK_QUEUES_MAX = 16;
export const BLOCK_DEPTH_MAX = 1024;
/** The minors a disk reserves with the partitions part: the disk and 15 partitions. */
export const BLOCK_PARTITION_MINORS = 16;

/** The logical block sizes a disk can have, in bytes. */
const BLOCK_SIZES = [
  { value: '512', name: '512 bytes' },
  { value: '4096', name: '4096 bytes (4Kn)' },
] as const;

export const BLOCK_FEATURES = [
  { value: 'discard', name: 'discard: REQ_OP_DISCARD frees the pages of the range (reads give zeros)' },
  { value: 'write-zeroes', name: 'write-zeroes: REQ_OP_WRITE_ZEROES without moving zeros (pages freed)' },
  { value: 'flush', name: 'flush: a volatile write cache: REQ_OP_FLUSH and FUA writes honoured' },
  { value: 'partitions', name: `partitions: ${BLOCK_PARTITION_MINORS - 1} partitions per disk (an MS-DOS or GPT table is read)` },
  { value: 'sysfs', name: 'sysfs: a read-only attribute with the memory a disk holds (pages)' },
] as const;

export const BLOCK_FEATURE_NAMES: readonly string[] = BLOCK_FEATURES.map((f) => f.value);

export function validateBlockName(value: string): Validation {
  const base = validateModuleName(value, 'block driver name');
  if (base !== true) return base;
  if (value.length > BLOCK_NAME_MAX) {
    return `block driver name ${shown(value)} is ${value.length} characters long: it names the disks and their partitions (<name>15p15), which are limited to 31 characters (DISK_NAME_LEN), so at most ${BLOCK_NAME_MAX}`;
  }
  return true;
}

export const BLOCK_QUESTIONS: readonly Question[] = [
  {
    name: 'capacity',
    message: 'Capacity of each disk in MiB',
    description: `Capacity of each disk in MiB, 1-${BLOCK_CAPACITY_MAX} (64 GiB); memory is taken only as sectors are written (default: 16)`,
    default: () => '16',
    validate: (v) => validateIntRange(v, 'capacity in MiB', 1, BLOCK_CAPACITY_MAX, 16),
  },
  {
    name: 'blockSize',
    option: 'block-size',
    message: 'Logical block size in bytes',
    description: 'Logical block size in bytes: 512 or 4096, the smallest unit of I/O (default: 512)',
    ...oneOf('logical block size', BLOCK_SIZES),
    default: () => '512',
  },
  {
    name: 'disks',
    message: 'Number of disks the module creates',
    description: `Disks the module creates (<name>0 ...), 1-${BLOCK_DISKS_MAX} (default: 1)`,
    default: () => '1',
    validate: (v) => validateIntRange(v, 'number of disks', 1, BLOCK_DISKS_MAX, 1),
  },
  {
    name: 'queues',
    message: 'Hardware queues (blk-mq) per disk',
    description: `blk-mq hardware queues, 1-${BLOCK_QUEUES_MAX}; more than the CPUs are cut to their number (default: 1)`,
    default: () => '1',
    validate: (v) => validateIntRange(v, 'number of hardware queues', 1, BLOCK_QUEUES_MAX, 2),
  },
  {
    name: 'queueDepth',
    option: 'queue-depth',
    message: 'Requests in flight per hardware queue (queue depth)',
    description: `Queue depth: requests in flight per hardware queue, 1-${BLOCK_DEPTH_MAX} (default: 128)`,
    default: () => '128',
    validate: (v) => validateIntRange(v, 'queue depth', 1, BLOCK_DEPTH_MAX, 128),
  },
  {
    name: 'features',
    message: 'Optional parts of the driver',
    description: `Comma-separated optional parts: ${BLOCK_FEATURE_NAMES.join(',')} or none (default: all)`,
    ...someOf('feature', BLOCK_FEATURES),
  },
];
