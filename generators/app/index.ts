/**
 * yo kmod: turns an empty directory into an out-of-tree kernel module project
 * (module source, Kbuild, wrapper Makefile, dkms.conf, compat header,
 * .gitignore, README).
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';
import { optionQuestionsOf } from '../lib/session.js';

export default class AppGenerator extends KmodGenerator {
  protected readonly spec = KINDS.app;

  constructor(args: string[], options: KmodOptions) {
    super(args, options);
    this.description = KINDS.app.description;
    this.declareQuestionOptions(optionQuestionsOf(KINDS.app));
  }
}
