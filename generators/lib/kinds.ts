/**
 * The kinds of module the generators make, without yeoman: their questions
 * (each one a prompt and an option), defaults and the "next steps" a run
 * ends with. The yeoman generators and the bin's direct runner share them.
 */
import type { ModuleKind } from './project.js';
import type { Question } from './questions.js';
import {
  shown,
  validateCompatible,
  validateIntRange,
  validateIoctlMagic,
  validatePlatformName,
  validateSubset,
  type Validation,
} from './validate.js';

export const CHARDEV_FLAVORS = [
  { value: 'classic', name: 'classic: alloc_chrdev_region + cdev + class, one /dev node per minor' },
  { value: 'misc', name: 'misc: misc_register, one /dev node, major 10, least code' },
] as const;

export const BUFFER_SIZE_MAX = 1024 * 1024;
export const MINORS_MAX = 64;

export const CHARDEV_QUESTIONS: readonly Question[] = [
  {
    name: 'flavor',
    message: 'Kind of character device',
    description: 'classic (cdev + class, several minors) or misc (misc_register) (default: classic)',
    choices: CHARDEV_FLAVORS,
    default: () => 'classic',
    validate: (v) =>
      CHARDEV_FLAVORS.some((f) => f.value === v) || `flavor ${shown(v)} is not allowed: use 'classic' or 'misc'`,
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

export const PLATFORM_FEATURES = [
  { value: 'mmio', name: 'mmio: map a memory resource (devm_platform_ioremap_resource)' },
  { value: 'irq', name: 'irq: request an interrupt (devm_request_irq)' },
  { value: 'sysfs', name: 'sysfs: a read/write device attribute' },
  { value: 'pm', name: 'pm: suspend/resume callbacks (DEFINE_SIMPLE_DEV_PM_OPS)' },
] as const;

const FEATURE_NAMES = PLATFORM_FEATURES.map((f) => f.value);

/** Canonical feature list: known names in table order, "none" when empty. */
export function normalizeFeatures(value: string): string {
  const set = new Set(value.split(',').map((s) => s.trim()));
  const list = FEATURE_NAMES.filter((f) => set.has(f));
  return list.length ? list.join(',') : 'none';
}

export const PLATFORM_QUESTIONS: readonly Question[] = [
  {
    name: 'compatible',
    message: 'Device-tree compatible string (vendor,device)',
    description: "Device-tree compatible 'vendor,device' (default: kmod,<name with - for _>)",
    default: (_ctx, answers) => `kmod,${(answers.name ?? 'platdrv').replace(/_/g, '-')}`,
    validate: validateCompatible,
  },
  {
    name: 'features',
    message: 'Optional parts of the driver',
    description: `Comma-separated optional parts: ${FEATURE_NAMES.join(',')} or none (default: all)`,
    choices: PLATFORM_FEATURES,
    multiple: true,
    default: () => FEATURE_NAMES.join(','),
    validate: (v) => validateSubset(v, 'feature', FEATURE_NAMES),
    normalize: normalizeFeatures,
  },
];

/** What a generator makes: app makes the project with hello; the others add a module. */
export interface KindSpec {
  generator: 'app' | 'chardev' | 'platform';
  kind: ModuleKind;
  /** One line for --help. */
  description: string;
  defaultName: string;
  defaultDescription(name: string): string;
  validateName?: (value: string) => Validation;
  /** Questions of this kind only (their answers become the module's settings). */
  kindQuestions: readonly Question[];
  /** What to do next, printed at the end of a run. */
  nextSteps(answers: Readonly<Record<string, string>>): string[];
}

export const KINDS: Readonly<Record<KindSpec['generator'], KindSpec>> = {
  app: {
    generator: 'app',
    kind: 'hello',
    description: 'Scaffold an out-of-tree Linux kernel module that builds with kbuild, packages with DKMS and loads',
    defaultName: 'hello',
    defaultDescription: () => 'Example out-of-tree kernel module',
    kindQuestions: [],
    nextSteps: (a) => [
      `\nYour module ${a.name} is ready. Next:`,
      '  make                       # build against the running kernel (KDIR=... for other headers)',
      `  sudo insmod ${a.name}.ko repeat=3 && sudo dmesg | tail`,
      '  make help                  # every target and variable',
    ],
  },
  chardev: {
    generator: 'chardev',
    kind: 'chardev',
    description: 'Add a character-device driver (classic cdev or misc device) to the kmod project',
    defaultName: 'chardev',
    defaultDescription: (name) => `Character device driver ${name}`,
    kindQuestions: CHARDEV_QUESTIONS,
    nextSteps: (a) => [
      `\nCharacter device ${a.name} added. Next:`,
      `  make && make tools          # module and tools/${a.name}_test`,
      `  sudo insmod ${a.name}.ko && sudo tools/${a.name}_test selftest /dev/${a.name}${a.flavor === 'classic' ? '0' : ''}`,
    ],
  },
  platform: {
    generator: 'platform',
    kind: 'platform',
    description: 'Add a platform driver (with a test device module and a DT overlay) to the kmod project',
    defaultName: 'platdrv',
    defaultDescription: (name) => `Platform driver ${name}`,
    validateName: validatePlatformName,
    kindQuestions: PLATFORM_QUESTIONS,
    nextSteps: (a) => [
      `\nPlatform driver ${a.name} added. Next:`,
      `  make && sudo insmod ${a.name}.ko && sudo insmod ${a.name}_testdev.ko   # test device, no DT needed`,
      `  ls -l /sys/bus/platform/devices/${a.name}/driver`,
    ],
  },
};
