/**
 * generator-kmod eject [--generator NAME]: copies the built-in templates into
 * the project's .kmod/templates/ for editing. Files already there are never
 * overwritten. Unedited, the copies render exactly what the built-ins do.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { UsageError } from '../lib/base-generator.js';
import { BUILTIN_TEMPLATES, PROJECT_TEMPLATES, listAllTemplateFiles } from '../lib/templates.js';
import { shown } from '../lib/validate.js';

export const EJECTABLE = ['app', 'chardev', 'platform', 'pci', 'i2c', 'netdev', 'usb', 'hid', 'block', 'v4l2'] as const;

type EjectOptions = BaseOptions & { generator?: string };

export default class EjectGenerator extends Generator<Record<string, unknown>, EjectOptions> {
  constructor(args: string[], options: EjectOptions) {
    super(args, options, { customInstallTask: true });
    this.sourceRoot(path.join(BUILTIN_TEMPLATES, 'app'));
    this.description = `Copy the built-in templates into ${PROJECT_TEMPLATES}/ to customise them (existing files are kept)`;
    this.option('generator', {
      type: String,
      description: `Which generator's templates: ${EJECTABLE.join(', ')} or all (default: all)`,
    });
  }

  writing(): void {
    const which = this.options.generator === undefined ? 'all' : String(this.options.generator);
    if (which !== 'all' && !(EJECTABLE as readonly string[]).includes(which)) {
      throw new UsageError(`--generator: ${shown(which)} is not a generator with templates: use ${EJECTABLE.join(', ')} or all`);
    }
    const generators = which === 'all' ? [...EJECTABLE] : [which];
    let copied = 0;
    for (const g of generators) {
      for (const rel of listAllTemplateFiles(path.join(BUILTIN_TEMPLATES, g))) {
        const target = this.destinationPath(PROJECT_TEMPLATES, g, rel);
        if (existsSync(target)) {
          this.log(`kept ${path.join(PROJECT_TEMPLATES, g, rel)}: it is already there`);
          continue;
        }
        this.fs.write(target, readFileSync(path.join(BUILTIN_TEMPLATES, g, rel)));
        copied++;
      }
    }
    this.log(`${copied} template file(s) copied to ${PROJECT_TEMPLATES}/; edit them and run the generators again`);
  }
}
