/**
 * What every generator-kmod generator shares on the yeoman side: an option
 * for every prompt, --yes, the project state in .yo-rc.json, prompting
 * through yeoman, and writing through yeoman's file system with the
 * no-clobber rule. The decisions themselves are in lib/session.ts, shared
 * with the bin's direct runner.
 */
import path from 'node:path';
import Generator, { type BaseOptions, type PromptQuestions } from 'yeoman-generator';
import type { KindSpec } from './kinds.js';
import type { ProjectConfig } from './project.js';
import { optionName, type Question } from './questions.js';
import { UsageError, answersFor, keptMessage, optionQuestionsOf, writesFor } from './session.js';
import { BUILTIN_TEMPLATES } from './templates.js';
import { COMMON_OPTIONS } from './options.js';

export { UsageError };

export type KmodOptions = BaseOptions & {
  yes?: boolean;
  force?: boolean;
  [option: string]: unknown;
};

/** A generator that makes one kind of module (app: the project with hello). */
export abstract class KmodGenerator extends Generator<Record<string, unknown>, KmodOptions> {
  /** Answers, keyed by question name, filled in prompting. */
  protected answers: Record<string, string> = {};

  constructor(
    args: string[],
    options: KmodOptions,
    protected readonly spec: KindSpec,
  ) {
    // No package manager step (a kernel module project has no package.json);
    // the generators inherit their tasks (prompting, writing, end) from here.
    super(args, options, { customInstallTask: true, inheritTasks: true });
    // --help appends templates/USAGE (one folder above the source root): how to customise.
    this.sourceRoot(path.join(BUILTIN_TEMPLATES, 'app'));
    quietLogger(this.env.adapter.log as unknown as Logger);
    for (const o of COMMON_OPTIONS) {
      this.option(o.name, {
        type: o.type === 'boolean' ? Boolean : String,
        description: o.description,
        ...(o.alias ? { alias: o.alias } : {}),
        ...(o.type === 'boolean' ? { default: false } : {}),
      });
    }
    // One option per question.
    for (const q of optionQuestionsOf(spec)) this.option(optionName(q), { type: String, description: q.description });
    this.description = spec.description;
  }

  protected get projectConfig(): Partial<ProjectConfig> {
    return this.config.getAll() as Partial<ProjectConfig>;
  }

  async prompting(): Promise<void> {
    const rawArgs = (this as unknown as { _args?: unknown })._args;
    this.answers = await answersFor(this.spec, this.destinationRoot(), this.projectConfig, this.options, Array.isArray(rawArgs) ? rawArgs.map(String) : [], {
      canPrompt: this.canPrompt(),
      prompt: async (q, defaultValue) => {
        const prompted = await this.prompt([promptFor(q, defaultValue)] as unknown as PromptQuestions);
        const answer: unknown = prompted[q.name];
        return Array.isArray(answer) ? answer.join(',') : String(answer);
      },
      log: (message) => this.log(message),
    });
  }

  /** Saves the project and its modules in .yo-rc.json and writes the module's and the project's files. */
  writing(): void {
    const writes = writesFor(this.spec, this.answers, this.destinationRoot(), this.projectConfig, this.options);
    this.config.set(writes.config);
    for (const op of writes.ops) {
      if (op.decision === 'keep') {
        this.log(keptMessage(op.path));
        continue;
      }
      if (op.decision === 'identical') continue;
      const target = this.destinationPath(op.path);
      this.fs.write(target, op.contents);
      if (op.decision !== 'create') {
        // The rule already decided: no conflict prompt (which would abort
        // without a TTY). "update" (ours, untouched) or "force".
        const stored = this.env.sharedFs.get(target) as { conflicter?: string };
        stored.conflicter = op.decision;
      }
    }
  }

  end(): void {
    for (const line of this.spec.nextSteps(this.answers)) this.log(line);
  }

  /** Prompts need a terminal, or answers mocked by a test adapter; never wait on a closed stdin. */
  private canPrompt(): boolean {
    return process.stdin.isTTY === true || 'mockedAnswers' in this.env.adapter;
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
