/**
 * yo kmod:platform: a platform driver (OF and platform_device_id matching,
 * devm_ resources, optional MMIO, IRQ, sysfs attribute and PM callbacks),
 * a test-only companion module that instantiates a matching device without
 * a device tree, and a device-tree overlay for boards.
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export { PLATFORM_FEATURES, PLATFORM_QUESTIONS, normalizeFeatures } from './questions.js';

export default class PlatformGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.platform);
  }
}
