/**
 * yo kmod:platform: a platform driver (OF and platform_device_id matching,
 * devm_ resources, optional MMIO, IRQ, sysfs attribute and PM callbacks),
 * a test-only companion module that instantiates a matching device without
 * a device tree, and a device-tree overlay for boards.
 */
import type { KmodOptions } from '../lib/base-generator.js';
import { ModuleGenerator } from '../lib/module-generator.js';
import type { Question } from '../lib/questions.js';
import { validateCompatible, validatePlatformName, validateSubset } from '../lib/validate.js';

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

export default class PlatformGenerator extends ModuleGenerator {
  protected readonly generator = 'platform';
  protected readonly kind = 'platform' as const;
  protected readonly kindQuestions = PLATFORM_QUESTIONS;

  constructor(args: string[], options: KmodOptions) {
    super(args, options, 'platdrv', (name) => `Platform driver ${name}`, validatePlatformName);
    this.description = 'Add a platform driver (with a test device module and a DT overlay) to the kmod project';
    this.declareKindOptions();
  }

  end(): void {
    const name = this.answers.name;
    this.log(`\nPlatform driver ${name} added. Next:`);
    this.log(`  make && sudo insmod ${name}.ko && sudo insmod ${name}_testdev.ko   # test device, no DT needed`);
    this.log(`  ls -l /sys/bus/platform/devices/${name}/driver`);
  }
}
