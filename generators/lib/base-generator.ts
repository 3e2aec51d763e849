/**
 * What every generator-kmod generator shares: an option for every prompt,
 * --yes, validation of options and answers by the same functions, the
 * project state in .yo-rc.json, and rendering through the template chain
 * with the no-clobber rule.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Generator, { type BaseOptions, type PromptQuestions } from 'yeoman-generator';
import { savedModules, withModule, type ModuleEntry, type ProjectAnswers, type ProjectConfig } from './project.js';
import { optionName, type Question, type QuestionContext } from './questions.js';
import { renderFiles, type RenderedFile } from './render.js';
import { BUILTIN_TEMPLATES, userTemplateRoots } from './templates.js';
import { decideWrite, sha256 } from './writer.js';

/** An error caused by the user's input: reported as a message, without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type KmodOptions = BaseOptions & {
  yes?: boolean;
  force?: boolean;
  [option: string]: unknown;
};

export abstract class KmodGenerator extends Generator<Record<string, unknown>, KmodOptions> {
  /** Answers, keyed by question name, filled by resolveAnswers(). */
  protected answers: Record<string, string> = {};

  constructor(args: string[], options: KmodOptions) {
    // No package manager step (a kernel module project has no package.json);
    // sub-generators inherit their tasks from ModuleGenerator.
    super(args, options, { customInstallTask: true, inheritTasks: true });
    // --help appends templates/USAGE (one folder above the source root): how to customise.
    this.sourceRoot(path.join(BUILTIN_TEMPLATES, 'app'));
    this.option('yes', {
      type: Boolean,
      alias: 'y',
      description: 'Accept the default (or saved) answer for every question not given as an option; never prompt',
      default: false,
    });
    this.option('templates', {
      type: String,
      description:
        'Folder of your own templates, first in the lookup (saved in .yo-rc.json); then .kmod/templates/, ' +
        '$XDG_CONFIG_HOME/generator-kmod/templates/, the built-ins. "generator-kmod eject" copies the built-ins to edit',
    });
    quietLogger(this.env.adapter.log as unknown as Logger);
    this.option('force', {
      type: Boolean,
      description: 'Replace files you changed since the generator wrote them (default: keep them and say so)',
      default: false,
    });
  }

  /** Declares one option per question (call from the constructor). */
  protected declareQuestionOptions(questions: readonly Question[]): void {
    for (const q of questions) {
      this.option(optionName(q), { type: String, description: q.description });
    }
  }

  protected get projectConfig(): Partial<ProjectConfig> {
    return this.config.getAll() as Partial<ProjectConfig>;
  }

  /**
   * Resolves `questions` into this.answers: option values are validated first
   * (nothing is asked or written when one is wrong), then each open question
   * is asked in order, or takes its default with --yes. `saved` holds earlier
   * answers, which become the defaults.
   */
  protected async resolveAnswers(questions: readonly Question[], saved: Record<string, unknown> = {}): Promise<void> {
    const ctx: QuestionContext = { gitAuthor: await this.gitAuthor() };
    const errors: string[] = [];
    const given = new Map<string, string>();
    for (const q of questions) {
      const raw = this.options[optionName(q)] as unknown;
      if (raw === undefined || raw === null) continue;
      const value = String(raw);
      const dashed = value === '' ? this.dashedValue(optionName(q)) : undefined;
      const ok = dashed ?? q.validate(value);
      if (ok === true) given.set(q.name, value);
      else errors.push(`--${optionName(q)}: ${ok}`);
    }
    if (errors.length > 0) throw new UsageError(errors.join('\n'));

    const applies = (q: Question) => !q.when || q.when(this.answers);
    const defaultOf = (q: Question): string => {
      const previous = saved[q.name];
      const value = previous === undefined || previous === null ? undefined : String(previous);
      return value !== undefined && q.validate(value) === true ? value : q.default(ctx, this.answers);
    };
    const open = questions.filter((q) => !given.has(q.name));
    if (!this.options.yes && open.length > 0 && !this.canPrompt()) {
      this.log('no terminal to ask on: taking defaults for questions not given as options (as --yes)');
      this.options.yes = true;
    }
    for (const q of questions) {
      if (!applies(q)) {
        if (given.has(q.name)) {
          throw new UsageError(`--${optionName(q)}: ${q.notApplicable ?? 'does not apply with the other answers'}`);
        }
        continue;
      }
      let value = given.get(q.name);
      if (value === undefined && this.options.yes) {
        value = defaultOf(q);
        const ok = q.validate(value);
        if (ok !== true) throw new UsageError(`default for --${optionName(q)} is not valid (${ok}); give --${optionName(q)}`);
      }
      if (value === undefined) {
        const prompted = await this.prompt([promptFor(q, defaultOf(q))] as unknown as PromptQuestions);
        const answer: unknown = prompted[q.name];
        value = Array.isArray(answer) ? answer.join(',') : String(answer);
        const ok = q.validate(value);
        if (ok !== true) throw new UsageError(ok);
      }
      this.answers[q.name] = q.normalize ? q.normalize(value) : value;
    }
  }

  /**
   * An option that arrived empty because its value starts with "-" (the
   * option parser takes that word for an option of its own, and "--" for the
   * end of options): a message that says how to give such a value.
   */
  private dashedValue(option: string): string | undefined {
    const raw = (this as unknown as { _args?: unknown })._args;
    const args = Array.isArray(raw) ? raw.map(String) : [];
    const at = args.indexOf(`--${option}`);
    if (at < 0) return undefined;
    const next = args[at + 1];
    if (next !== undefined && !next.startsWith('-')) return undefined;
    return `no value given; a value that starts with "-" must be written --${option}=VALUE (e.g. --${option}="-- x")`;
  }

  /** Prompts need a terminal, or answers mocked by a test adapter; never wait on a closed stdin. */
  private canPrompt(): boolean {
    return process.stdin.isTTY === true || 'mockedAnswers' in this.env.adapter;
  }

  private async gitAuthor(): Promise<string | undefined> {
    try {
      const [name, email] = await Promise.all([this.git.name(), this.git.email()]);
      if (!name) return undefined;
      const author = email ? `${name} <${email}>` : name;
      return author;
    } catch {
      return undefined;
    }
  }

  /**
   * The user's template roots, in lookup order: --templates (or the folder
   * saved by an earlier run), the project's .kmod/templates, the per-user one.
   */
  protected userTemplateRoots(): string[] {
    const given = this.options.templates ?? this.projectConfig.templates;
    const dir = given === undefined ? undefined : String(given);
    if (dir !== undefined) {
      const abs = path.resolve(this.destinationRoot(), dir);
      let isDir = false;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) throw new UsageError(`--templates: no template folder at ${abs}`);
    }
    return userTemplateRoots(this.destinationRoot(), dir);
  }

  /** Saves the project and its modules in .yo-rc.json and writes the files of `module` and the project. */
  protected writeProject(generator: string, project: ProjectAnswers, module: ModuleEntry): void {
    let modules: ModuleEntry[];
    try {
      modules = withModule(savedModules(this.projectConfig), module);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    // Render everything before anything is written: a failing template leaves the project as it was.
    const files = renderFiles(generator, this.userTemplateRoots(), project, modules, module);
    this.config.set({ ...project, modules });
    if (this.options.templates !== undefined) this.config.set('templates', String(this.options.templates));
    this.writeFiles(files);
  }

  /** Writes rendered files: new, identical and untouched files are handled, user-edited ones are kept (or replaced with --force). */
  protected writeFiles(files: readonly RenderedFile[]): void {
    const recorded = { ...(this.projectConfig.files ?? {}) };
    for (const file of files) {
      const target = this.destinationPath(file.path);
      let onDisk: string | undefined;
      try {
        onDisk = readFileSync(target, 'utf8');
      } catch {
        onDisk = undefined;
      }
      const decision = decideWrite(onDisk, file.contents, recorded[file.path], Boolean(this.options.force));
      if (decision === 'keep') {
        this.log(
          `kept ${file.path}: it was changed after generator-kmod wrote it (or was not written by it); ` +
            'run again with --force to replace it',
        );
        continue;
      }
      if (decision !== 'identical') {
        this.fs.write(target, file.contents);
        if (decision !== 'create') {
          // The rule above already decided: no conflict prompt (which would
          // abort without a TTY). "update" (ours, untouched) or "force".
          const stored = this.env.sharedFs.get(target) as { conflicter?: string };
          stored.conflicter = decision;
        }
      }
      recorded[file.path] = sha256(file.contents);
    }
    this.config.set('files', recorded);
  }
}

/** The inquirer question for one of ours: a checkbox, a list or free input. */
function promptFor(q: Question, defaultValue: string): Record<string, unknown> {
  if (q.choices && q.multiple) {
    const selected = new Set(defaultValue.split(','));
    const choices = q.choices.map((c) => ({ ...c, checked: selected.has(c.value) }));
    return { type: 'checkbox', name: q.name, message: q.message, choices };
  }
  if (q.choices) return { type: 'select', name: q.name, message: q.message, choices: [...q.choices], default: defaultValue };
  return { type: 'input', name: q.name, message: q.message, default: defaultValue, validate: q.validate };
}

/** The part of yeoman's logger (the adapter's log) that quietLogger changes. */
interface Logger {
  (...args: unknown[]): unknown;
  write(...args: unknown[]): Logger;
  error?: (...args: unknown[]) => Logger;
  force?: (...args: unknown[]) => Logger;
  update?: (...args: unknown[]) => Logger;
}

const QUIET = Symbol.for('generator-kmod.quiet-logger');

/**
 * One clear message per event, nothing else. Changes yeoman's logger once:
 * - no "An error occured while running kmod:x#task" line before our own
 *   message (the error itself is still reported, by the bin or by yo);
 * - no "force .yo-rc.json" line: the answers file is bookkeeping;
 * - a file the generator wrote before and nobody edited since is logged as
 *   "update" ("force" stays for --force over a user's edit).
 */
function quietLogger(log: Logger | undefined): void {
  if (typeof log !== 'function' || (log as unknown as Record<symbol, boolean>)[QUIET]) return;
  (log as unknown as Record<symbol, boolean>)[QUIET] = true;
  const { error, force } = log;
  if (error) {
    log.error = function (this: Logger, ...args: unknown[]) {
      return /^An error occured while running kmod:/.test(String(args[0])) ? this : error.apply(this, args);
    };
  }
  if (force) {
    log.force = function (this: Logger, ...args: unknown[]) {
      return /(^|\/)\.yo-rc\.json$/.test(String(args[0])) ? this : force.apply(this, args);
    };
  }
  log.update = function (this: Logger, ...args: unknown[]) {
    return this.write(`   update ${args.map(String).join(' ')}\n`);
  };
}
