/**
 * yo kmod:block: a blk-mq block device driver backed by memory (pages
 * allocated on first write, as drivers/block/brd.c does), with discard,
 * write-zeroes, a volatile write cache, partitions and a sysfs attribute as
 * optional parts; its test makes file systems on it and checks random
 * O_DIRECT I/O against a model.
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export { BLOCK_QUESTIONS } from './questions.js';

export default class BlockGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.block);
  }
}
