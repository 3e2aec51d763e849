/**
 * yo kmod: turns an empty directory into an out-of-tree kernel module project
 * (module source, Kbuild, wrapper Makefile, dkms.conf, compat header,
 * .gitignore, README).
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import type { ProjectAnswers } from '../lib/project.js';
import { PROJECT_QUESTIONS } from '../lib/questions.js';

export default class AppGenerator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options);
    this.description = 'Scaffold an out-of-tree Linux kernel module that builds with kbuild, packages with DKMS and loads';
    this.declareQuestionOptions(PROJECT_QUESTIONS);
  }

  async prompting(): Promise<void> {
    await this.resolveAnswers(PROJECT_QUESTIONS, this.projectConfig);
  }

  writing(): void {
    const project = this.answers as unknown as ProjectAnswers;
    this.writeProject('app', project, { name: project.name, kind: 'hello', description: project.description, settings: {} });
  }

  end(): void {
    this.log(`\nYour module ${this.answers.name} is ready. Next:`);
    this.log('  make                       # build against the running kernel (KDIR=... for other headers)');
    this.log(`  sudo insmod ${this.answers.name}.ko repeat=3 && sudo dmesg | tail`);
    this.log('  make help                  # every target and variable');
  }
}
