/**
 * yo kmod: turns an empty directory into an out-of-tree kernel module project
 * (module source, Kbuild, wrapper Makefile, dkms.conf, compat header,
 * .gitignore, README).
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export default class AppGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.app);
  }
}
