/**
 * The kinds of module the generators make, without yeoman: each kind's
 * questions (each one a prompt and an option, in generators/<kind>/questions.ts
 * with the validators that only that kind uses), defaults and the "next
 * steps" a run ends with. The yeoman generators and the bin's direct runner
 * share them.
 */
import { BLOCK_NAME_MAX, BLOCK_QUESTIONS, validateBlockName } from '../block/questions.js';
import { CHARDEV_QUESTIONS } from '../chardev/questions.js';
import { HID_QUESTIONS } from '../hid/questions.js';
import { I2C_NAME_MAX, I2C_QUESTIONS, validateI2cName } from '../i2c/questions.js';
import { NETDEV_NAME_MAX, NETDEV_QUESTIONS, validateNetdevName } from '../netdev/questions.js';
import { PCI_QUESTIONS } from '../pci/questions.js';
import { PLATFORM_NAME_MAX, PLATFORM_QUESTIONS, validatePlatformName } from '../platform/questions.js';
import { USB_NAME_MAX, USB_QUESTIONS, validateUsbName } from '../usb/questions.js';
import { V4L2_NAME_MAX, V4L2_QUESTIONS, validateSizes, validateV4l2Name } from '../v4l2/questions.js';
import type { ModuleKind } from './project.js';
import type { Question } from './questions.js';
import type { Validation } from './validate.js';

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
    kindQuestions: HID_QUESTIONS,
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
    validateName: validateBlockName,
    nameMax: BLOCK_NAME_MAX,
    kindQuestions: BLOCK_QUESTIONS,
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
    validateName: validateV4l2Name,
    nameMax: V4L2_NAME_MAX,
    kindQuestions: V4L2_QUESTIONS,
    validateAnswers: (a) => validateSizes(a.minSize ?? '', a.size ?? '', a.maxSize ?? ''),
    nextSteps: (a) => [
      `\nV4L2 capture driver ${a.name} added. Next:`,
      `  make && make tools && sudo modprobe videobuf2-${a.allocator === 'dma-contig' ? 'dma-contig' : 'vmalloc'} && sudo insmod ${a.name}.ko`,
      `  v4l2-ctl --list-devices; sudo tools/${a.name}_test capture /dev/videoN 30   # 30 frames checked pixel by pixel`,
      '  v4l2-compliance -d /dev/videoN -s 10     # Debian package v4l-utils',
    ],
  },
};
