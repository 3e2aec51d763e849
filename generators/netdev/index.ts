/**
 * yo kmod:netdev: a virtual Ethernet device driver that answers ICMP echo
 * requests sent through it (ping), with 64-bit statistics, ethtool basics,
 * carrier handling and a module parameter for the number of devices.
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export { NETDEV_QUESTIONS } from './questions.js';

export default class NetdevGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.netdev);
  }
}
