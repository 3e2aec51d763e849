/**
 * The kinds of module the generators make, without yeoman: their questions
 * (each one a prompt and an option), defaults and the "next steps" a run
 * ends with. The yeoman generators and the bin's direct runner share them.
 */
import { HID_QUESTIONS } from '../hid/questions.js';
import type { ModuleKind } from './project.js';
import type { Question } from './questions.js';
import {
  I2C_NAME_MAX,
  NETDEV_NAME_MAX,
  PLATFORM_NAME_MAX,
  USB_NAME_MAX,
  shown,
  validateCompatible,
  validateIntRange,
  normalizeHex,
  validateIoctlMagic,
  validatePciClass,
  validatePciId,
  validatePciSubId,
  validateI2cAddress,
  validateI2cName,
  validateNetdevName,
  validatePlatformName,
  validateSubset,
  validateUsbClass,
  validateUsbId,
  validateUsbName,
  type Validation,
} from './validate.js';
import { BLOCK_NAME_MAX, BLOCK_QUESTIONS, validateBlockName } from '../block/questions.js';
import { V4L2_NAME_MAX, V4L2_QUESTIONS, validateSizes, validateV4l2Name } from '../v4l2/questions.js';

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

/** Canonical form of a subset of `names`: known names in table order, "none" when empty. */
export function normalizeSubset(value: string, names: readonly string[]): string {
  const set = new Set(value.split(',').map((s) => s.trim()));
  const list = names.filter((f) => set.has(f));
  return list.length ? list.join(',') : 'none';
}

/** Canonical platform feature list. */
export function normalizeFeatures(value: string): string {
  return normalizeSubset(value, FEATURE_NAMES);
}

/** The device-tree compatible of a driver: "kmod,<name with - for _>" unless given. */
const compatibleQuestion = (defaultName: string): Question => ({
  name: 'compatible',
  message: 'Device-tree compatible string (vendor,device)',
  description: "Device-tree compatible 'vendor,device' (default: kmod,<name with - for _>)",
  default: (_ctx, answers) => `kmod,${(answers.name ?? defaultName).replace(/_/g, '-')}`,
  validate: validateCompatible,
});

export const PLATFORM_QUESTIONS: readonly Question[] = [
  compatibleQuestion('platdrv'),
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

export const PCI_PROFILES = [
  { value: 'edu', name: "edu: QEMU's edu device (1234:11e8, -device edu): a driver you can run today" },
  { value: 'none', name: 'none: your own device: IDs from --vendor/--device, device-specific parts marked' },
] as const;

export const PCI_FEATURES = [
  { value: 'irq', name: 'irq: an interrupt handler (INTx) that reads and acknowledges the device status' },
  { value: 'msi', name: 'msi: prefer MSI-X/MSI, INTx as fallback (pci_alloc_irq_vectors); needs irq' },
  { value: 'dma', name: 'dma: bus mastering, a DMA mask and a coherent buffer for the DMA engine' },
  { value: 'sysfs', name: 'sysfs: device attributes (registers, interrupt counters)' },
  { value: 'pm', name: 'pm: system suspend/resume callbacks' },
  { value: 'chardev', name: 'chardev: a misc device for user space: read/write/lseek through DMA; needs dma' },
] as const;

const PCI_FEATURE_NAMES = PCI_FEATURES.map((f) => f.value);

/** QEMU's edu device: IDs and the DMA address width it decodes (dma_mask, 28 bits by default). */
export const EDU = { vendor: '0x1234', device: '0x11e8', dmaBits: '28' } as const;

export function validatePciFeatures(value: string): Validation {
  const subset = validateSubset(value, 'feature', PCI_FEATURE_NAMES);
  if (subset !== true) return subset;
  const has = new Set(value.split(',').map((s) => s.trim()));
  if (has.has('msi') && !has.has('irq')) return `features ${shown(value)} not allowed: msi needs irq; give irq too, or leave msi out`;
  if (has.has('chardev') && !has.has('dma')) {
    return `features ${shown(value)} not allowed: chardev moves data by DMA and needs dma; give dma too, or leave chardev out`;
  }
  return true;
}

/** Whether the answers name edu's vendor and device IDs (in any hex spelling). */
const isEdu = (a: Record<string, string | undefined>): boolean =>
  Number.parseInt(a.vendor ?? EDU.vendor, 16) === Number(EDU.vendor) && Number.parseInt(a.device ?? EDU.device, 16) === Number(EDU.device);

const pciIdQuestion = (name: 'vendor' | 'device', what: string): Question => ({
  name,
  message: `PCI ${what} ID (hex, as in lspci -nn)`,
  description: `PCI ${what} ID in hex, 0x0001-0xfffe (default: edu's ${EDU[name]})`,
  default: () => EDU[name],
  validate: (v) => validatePciId(v, `${what} ID`),
  normalize: (v) => normalizeHex(v, 4),
});

const pciSubIdQuestion = (name: 'subvendor' | 'subdevice', what: string): Question => ({
  name,
  message: `PCI subsystem ${what} ID (hex, or any)`,
  description: `PCI subsystem ${what} ID to match, in hex, or any (default: any)`,
  default: () => 'any',
  validate: (v) => validatePciSubId(v, `subsystem ${what} ID`),
  normalize: (v) => normalizeHex(v, 4),
});

export const PCI_QUESTIONS: readonly Question[] = [
  {
    name: 'profile',
    message: 'Device the driver is for',
    description: "edu (QEMU's edu device, runs under QEMU today) or none (your device; device-specific parts marked) (default: edu)",
    choices: PCI_PROFILES,
    default: () => 'edu',
    validate: (v) => PCI_PROFILES.some((p) => p.value === v) || `profile ${shown(v)} is not allowed: use 'edu' or 'none'`,
  },
  pciIdQuestion('vendor', 'vendor'),
  pciIdQuestion('device', 'device'),
  pciSubIdQuestion('subvendor', 'vendor'),
  pciSubIdQuestion('subdevice', 'device'),
  {
    name: 'class',
    message: 'PCI class code to match (hex 0xBBSSPP, or any)',
    description: 'PCI class code to match as well, 24-bit hex 0xBBSSPP, or any (default: any)',
    default: () => 'any',
    validate: validatePciClass,
    normalize: (v) => normalizeHex(v, 6),
  },
  {
    name: 'bar',
    message: 'BAR that holds the registers (0-5)',
    description: 'Memory BAR with the registers, 0-5 (default: 0)',
    default: () => '0',
    validate: (v) => validateIntRange(v, 'BAR', 0, 5, 0),
  },
  {
    name: 'features',
    message: 'Optional parts of the driver',
    description: `Comma-separated optional parts: ${PCI_FEATURE_NAMES.join(',')} or none (default: all)`,
    choices: PCI_FEATURES,
    multiple: true,
    default: () => PCI_FEATURE_NAMES.join(','),
    validate: validatePciFeatures,
    normalize: (v) => normalizeSubset(v, PCI_FEATURE_NAMES),
  },
  {
    name: 'dmaBits',
    option: 'dma-bits',
    message: 'DMA address bits the device decodes',
    description: `DMA mask width in bits, 24-64 (default: 64, with a 32-bit fallback; ${EDU.dmaBits} for edu's IDs or profile)`,
    // edu ignores address bits above its 28: a wider mask there would let it write elsewhere.
    default: (_ctx, answers) => (answers.profile === 'none' && !isEdu(answers) ? '64' : EDU.dmaBits),
    validate: (v) => validateIntRange(v, 'DMA bits', 24, 64, 64),
    when: (a) => (a.features ?? '').split(',').includes('dma'),
    notApplicable: '--dma-bits needs the dma feature',
  },
];

export const I2C_CLASSES = [
  { value: 'hwmon', name: 'hwmon: temp1_input and temp1_max in the hwmon class (sensors(1) shows them)' },
  { value: 'sysfs', name: 'sysfs: temperature and limit attributes on the I2C device itself' },
] as const;

const widthQuestion = (name: 'regBits' | 'valBits', option: string, what: string, example: string, dflt: string): Question => ({
  name,
  option,
  message: `Bits per register ${what}`,
  description: `Register ${what} width in bits, 8 or 16 (default: ${dflt}; ${example})`,
  choices: [
    { value: '8', name: '8 bits' },
    { value: '16', name: '16 bits' },
  ],
  default: () => dflt,
  validate: (v) => v === '8' || v === '16' || `register ${what} width ${shown(v)} is not allowed: give 8 or 16`,
});

/** Whether a module comes with <name>_kunit.c (built only for kernels with CONFIG_KUNIT). */
const KUNIT_QUESTION: Question = {
  name: 'kunit',
  message: 'KUnit tests of the pure logic (<name>_kunit.c, run by make vmtest on kernels with KUnit)',
  description: 'KUnit test module <name>_kunit.c for the pure logic, built only where the kernel has CONFIG_KUNIT: yes or no (default: yes)',
  choices: [
    { value: 'yes', name: 'yes' },
    { value: 'no', name: 'no' },
  ],
  default: () => 'yes',
  validate: (v) => v === 'yes' || v === 'no' || `--kunit ${shown(v)} is not allowed: give yes or no`,
};

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
    choices: I2C_CLASSES,
    default: () => 'hwmon',
    validate: (v) => I2C_CLASSES.some((c) => c.value === v) || `class ${shown(v)} is not allowed: use 'hwmon' or 'sysfs'`,
  },
  widthQuestion('regBits', 'reg-bits', 'address', '16-bit addresses need an adapter that does plain I2C transfers', '8'),
  widthQuestion('valBits', 'val-bits', 'value', '16: two\'s complement in 1/256 degree, high byte first; 8: whole degrees', '16'),
  KUNIT_QUESTION,
];

export const NETDEV_MAX_DEVICES = 16;

export const NETDEV_QUESTIONS: readonly Question[] = [
  {
    name: 'devices',
    message: 'Network devices the module creates by default',
    description: `Default of the devices= module parameter: interfaces <name>0.., 1-${NETDEV_MAX_DEVICES} (default: 1)`,
    default: () => '1',
    validate: (v) => validateIntRange(v, 'number of devices', 1, NETDEV_MAX_DEVICES, 2),
  },
  KUNIT_QUESTION,
];

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

/** What a generator makes: app makes the project with hello; the others add a module. */
export interface KindSpec {
  generator: 'app' | 'chardev' | 'platform' | 'pci' | 'i2c' | 'netdev' | 'usb' | 'hid' | 'block' | 'v4l2';
  kind: ModuleKind;
  /** One line for --help. */
  description: string;
  defaultName: string;
  defaultDescription(name: string): string;
  validateName?: (value: string) => Validation;
  /** The longest name validateName accepts, for --help (default: the module name limit). */
  nameMax?: number;
  /** Questions of this kind only (their answers become the module's settings). */
  kindQuestions: readonly Question[];
  /** Answers each allowed but not together: what is wrong, checked before anything is written. */
  validateAnswers?: (answers: Readonly<Record<string, string>>) => Validation;
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
    nameMax: PLATFORM_NAME_MAX,
    kindQuestions: PLATFORM_QUESTIONS,
    nextSteps: (a) => [
      `\nPlatform driver ${a.name} added. Next:`,
      `  make KMOD_TEST_MODULES=1 && sudo insmod ${a.name}.ko && sudo insmod ${a.name}_testdev.ko   # test device, no DT needed`,
      `  ls -l /sys/bus/platform/devices/${a.name}/driver`,
    ],
  },
  pci: {
    generator: 'pci',
    kind: 'pci',
    description: 'Add a PCI driver (MMIO, INTx/MSI, DMA, sysfs, PM, a misc device; QEMU edu profile) to the kmod project',
    defaultName: 'pcidrv',
    defaultDescription: (name) => `PCI driver ${name}`,
    kindQuestions: PCI_QUESTIONS,
    nextSteps: (a) => [
      `\nPCI driver ${a.name} added. Next:`,
      `  make${a.features?.split(',').includes('chardev') ? ' && make tools' : ''} && sudo insmod ${a.name}.ko`,
      `  lspci -nn -d ${a.vendor?.slice(2)}:${a.device?.slice(2)} -k      # bound to "${a.name}"?`,
      ...(a.profile === 'edu' ? ['  # no edu device here? run QEMU with -device edu (see the README)'] : []),
    ],
  },
  i2c: {
    generator: 'i2c',
    kind: 'i2c',
    description: 'Add an I2C client driver (regmap; hwmon or sysfs; OF and I2C ID tables, a DT overlay) to the kmod project',
    defaultName: 'i2cdrv',
    defaultDescription: (name) => `I2C temperature sensor driver ${name}`,
    validateName: validateI2cName,
    nameMax: I2C_NAME_MAX,
    kindQuestions: I2C_QUESTIONS,
    nextSteps: (a) => [
      `\nI2C driver ${a.name} added. Next:`,
      `  make && sudo insmod ${a.name}.ko`,
      `  echo ${a.name} ${a.address} | sudo tee /sys/bus/i2c/devices/i2c-N/new_device   # N: the chip's bus`,
      '  # no chip? the README shows how to try it on i2c-stub',
    ],
  },
  netdev: {
    generator: 'netdev',
    kind: 'netdev',
    description: 'Add a virtual network device driver (answers ping, 64-bit stats, ethtool, carrier) to the kmod project',
    defaultName: 'knet',
    defaultDescription: (name) => `Virtual network device ${name}`,
    validateName: validateNetdevName,
    nameMax: NETDEV_NAME_MAX,
    kindQuestions: NETDEV_QUESTIONS,
    nextSteps: (a) => [
      `\nNetwork device driver ${a.name} added. Next:`,
      `  make && sudo insmod ${a.name}.ko && ip link show ${a.name}0`,
      `  sudo ip addr add 10.11.0.1/24 dev ${a.name}0 && sudo ip link set ${a.name}0 up && ping -c 3 10.11.0.2`,
    ],
  },
  usb: {
    generator: 'usb',
    kind: 'usb',
    description: 'Add a USB interface driver (bulk endpoints, a char device, disconnect-safe) to the kmod project',
    defaultName: 'usbdrv',
    defaultDescription: (name) => `USB driver ${name}`,
    validateName: validateUsbName,
    nameMax: USB_NAME_MAX,
    kindQuestions: USB_QUESTIONS,
    nextSteps: (a) => [
      `\nUSB driver ${a.name} added. Next:`,
      `  make && make tools && sudo insmod ${a.name}.ko`,
      `  lsusb -d ${a.vendor?.slice(2)}:${a.product?.slice(2)} && sudo tools/${a.name}_test selftest /dev/${a.name}0`,
      '  # no device? the README shows the Loopback gadget on dummy_hcd',
    ],
  },
  hid: {
    generator: 'hid',
    kind: 'hid',
    description: 'Add a HID driver (descriptor fixup, input events, hwmon, sysfs; a uhid test device) to the kmod project',
    defaultName: 'hiddrv',
    defaultDescription: (name) => `HID driver ${name}`,
    // A getter: kmod:hid's questions live in its own folder, which imports from here.
    get kindQuestions() {
      return HID_QUESTIONS;
    },
    nextSteps: (a) => [
      `\nHID driver ${a.name} added. Next:`,
      `  make && make tools && sudo insmod ${a.name}.ko`,
      `  sudo tools/${a.name}_test selftest      # a uhid device with the driver's IDs: binds, events, readings`,
    ],
  },
  block: {
    generator: 'block',
    kind: 'block',
    description: 'Add a blk-mq block device driver backed by memory (discard, write-zeroes, flush, partitions) to the kmod project',
    defaultName: 'kblk',
    defaultDescription: (name) => `Memory-backed block device ${name}`,
    // Getters and a wrapper: kmod:block's questions live in its own folder, which imports from here.
    validateName: (v) => validateBlockName(v),
    get nameMax() {
      return BLOCK_NAME_MAX;
    },
    get kindQuestions() {
      return BLOCK_QUESTIONS;
    },
    nextSteps: (a) => [
      `\nBlock device driver ${a.name} added. Next:`,
      `  make && make tools && sudo insmod ${a.name}.ko && lsblk /dev/${a.name}0`,
      `  sudo tools/${a.name}_test model /dev/${a.name}0    # random O_DIRECT I/O checked against a model`,
    ],
  },
  v4l2: {
    generator: 'v4l2',
    kind: 'v4l2',
    description: 'Add a V4L2 video capture driver (videobuf2, test pattern, controls; passes v4l2-compliance) to the kmod project',
    defaultName: 'vcap',
    defaultDescription: (name) => `V4L2 test pattern capture device ${name}`,
    // Getters and a wrapper: kmod:v4l2's questions live in its own folder, which imports from here.
    validateName: (v) => validateV4l2Name(v),
    get nameMax() {
      return V4L2_NAME_MAX;
    },
    get kindQuestions() {
      return V4L2_QUESTIONS;
    },
    validateAnswers: (a) => validateSizes(a.minSize ?? '', a.size ?? '', a.maxSize ?? ''),
    nextSteps: (a) => [
      `\nV4L2 capture driver ${a.name} added. Next:`,
      `  make && make tools && sudo modprobe videobuf2-${a.allocator === 'dma-contig' ? 'dma-contig' : 'vmalloc'} && sudo insmod ${a.name}.ko`,
      `  v4l2-ctl --list-devices; sudo tools/${a.name}_test capture /dev/videoN 30   # 30 frames checked pixel by pixel`,
      '  v4l2-compliance -d /dev/videoN -s 10     # Debian package v4l-utils',
    ],
  },
};
