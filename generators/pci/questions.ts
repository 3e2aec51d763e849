/**
 * yo kmod:pci's questions: the device (QEMU's edu or your own IDs), the
 * BAR, the optional parts and the DMA mask, each a prompt and an option.
 */
import { oneOf, someOf, type Question } from '../lib/questions.js';
import { normalizeHex, shown, validateId16, validateIntRange, validateSubset, type Validation } from '../lib/validate.js';

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

/** A 16-bit PCI ID (vendor, device, subsystem) in hex: 0x0001 to 0xfffe (0xffff means "no device"). */
export function validatePciId(value: string, what: string): Validation {
  return validateId16(value, what, `${what} must be a 16-bit PCI ID in hex, 0x0001 to 0xfffe, as lspci -nn shows it, e.g. 0x1234`);
}

/** A PCI subsystem ID, or "any" (PCI_ANY_ID). */
export function validatePciSubId(value: string, what: string): Validation {
  if (value === 'any') return true;
  const id = validatePciId(value, what);
  return id === true ? true : `${id}, or any`;
}

/** A 24-bit PCI class code (base class, subclass, programming interface) in hex, or "any". */
export function validatePciClass(value: string): Validation {
  if (value === 'any' || /^0x[0-9a-fA-F]{6}$/.test(value)) return true;
  return `class ${shown(value)} is not allowed: class must be 'any' or a 24-bit class code in hex with all six digits (base class, subclass, programming interface), e.g. 0x00ff00`;
}

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
    ...oneOf('profile', PCI_PROFILES),
    default: () => 'edu',
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
    ...someOf('feature', PCI_FEATURES),
    validate: validatePciFeatures,
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
