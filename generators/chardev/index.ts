/**
 * yo kmod:chardev: a character-device driver module (classic cdev with a
 * class and /dev nodes, or a misc device), added to the current project or
 * created with the project around it.
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export { CHARDEV_FLAVORS, CHARDEV_QUESTIONS, BUFFER_SIZE_MAX, MINORS_MAX } from './questions.js';

export default class ChardevGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.chardev);
  }
}
