/**
 * yo kmod:platform's questions: the device-tree compatible and the optional
 * parts of the driver, each a prompt and an option.
 */
import { compatibleQuestion, normalizeSubset, someOf, type Question } from '../lib/questions.js';
import { validateDeviceName, type Validation } from '../lib/validate.js';

export const PLATFORM_FEATURES = [
  { value: 'mmio', name: 'mmio: map a memory resource (devm_platform_ioremap_resource)' },
  { value: 'irq', name: 'irq: request an interrupt (devm_request_irq)' },
  { value: 'sysfs', name: 'sysfs: a read/write device attribute' },
  { value: 'pm', name: 'pm: suspend/resume callbacks (DEFINE_SIMPLE_DEV_PM_OPS)' },
] as const;

const FEATURE_NAMES = PLATFORM_FEATURES.map((f) => f.value);

/** platform_device_id names are char[PLATFORM_NAME_SIZE] = 20 bytes including the NUL. */
export const PLATFORM_NAME_MAX = 19;

export function validatePlatformName(value: string): Validation {
  return validateDeviceName(value, 'platform driver name', 'platform device names', PLATFORM_NAME_MAX, 'PLATFORM_NAME_SIZE');
}

/** Canonical platform feature list. */
export function normalizeFeatures(value: string): string {
  return normalizeSubset(value, FEATURE_NAMES);
}

export const PLATFORM_QUESTIONS: readonly Question[] = [
  compatibleQuestion('platdrv'),
  {
    name: 'features',
    message: 'Optional parts of the driver',
    description: `Comma-separated optional parts: ${FEATURE_NAMES.join(',')} or none (default: all)`,
    ...someOf('feature', PLATFORM_FEATURES),
  },
];
