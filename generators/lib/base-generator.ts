/**
 * What every generator-kmod generator shares: an option for every prompt,
 * --yes, validation of options and answers by the same functions, the
 * project state in .yo-rc.json, and rendering through the template chain
 * with the no-clobber rule.
 */
import { readFileSync } from 'node:fs';
import Generator, { type BaseOptions, type PromptQuestions } from 'yeoman-generator';
import { templateContext } from './context.js';
import { outputPathFor } from './naming.js';
import type { ModuleEntry, ProjectAnswers, ProjectConfig } from './project.js';
import { type Question, type QuestionContext } from './questions.js';
import { listTemplates, renderTemplate, templateFolders } from './templates.js';
import { decideWrite, sha256, type WriteDecision } from './writer.js';

/** An error caused by the user's input: reported as a message, without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RenderedFile {
  path: string;
  contents: string;
}

export type KmodOptions = BaseOptions & {
  yes?: boolean;
  force?: boolean;
  [option: string]: unknown;
};

export abstract class KmodGenerator extends Generator<Record<string, unknown>, KmodOptions> {
  /** Answers, keyed by question name, filled by resolveAnswers(). */
  protected answers: Record<string, string> = {};

  /** The decisions taken for each file in the last write, for logging and tests. */
  protected decisions: Record<string, WriteDecision> = {};

  constructor(args: string[], options: KmodOptions) {
    // No package manager step: a kernel module project has no package.json.
    super(args, options, { customInstallTask: true });
    this.option('yes', {
      type: Boolean,
      alias: 'y',
      description: 'Accept the default (or saved) answer for every question not given as an option; never prompt',
      default: false,
    });
    this.option('force', {
      type: Boolean,
      description: 'Replace files you changed since the generator wrote them (default: keep them and say so)',
      default: false,
    });
  }

  /** Declares one option per question (call from the constructor). */
  protected declareQuestionOptions(questions: readonly Question[]): void {
    for (const q of questions) {
      this.option(q.name, { type: String, description: q.description });
    }
  }

  protected get projectConfig(): Partial<ProjectConfig> {
    return this.config.getAll() as Partial<ProjectConfig>;
  }

  /** Validates option values first (nothing is asked or written when one is wrong), then prompts for the rest. */
  protected async resolveAnswers(questions: readonly Question[]): Promise<void> {
    const saved = this.projectConfig as Record<string, unknown>;
    const ctx: QuestionContext = { gitAuthor: await this.gitAuthor() };
    const errors: string[] = [];
    for (const q of questions) {
      const raw = this.options[q.name] as unknown;
      if (raw === undefined) continue;
      const value = String(raw);
      const ok = q.validate(value);
      if (ok === true) this.answers[q.name] = value;
      else errors.push(`--${q.name}: ${ok}`);
    }
    if (errors.length > 0) throw new UsageError(errors.join('\n'));

    const defaultOf = (q: Question): string => {
      const previous = saved[q.name];
      return typeof previous === 'string' && q.validate(previous) === true ? previous : q.default(ctx);
    };
    const open = questions.filter((q) => this.answers[q.name] === undefined);
    if (!this.options.yes && open.length > 0 && !this.canPrompt()) {
      this.log('no terminal to ask on: taking defaults for questions not given as options (as --yes)');
      this.options.yes = true;
    }
    if (this.options.yes) {
      for (const q of open) {
        const value = defaultOf(q);
        const ok = q.validate(value);
        if (ok !== true) throw new UsageError(`default for --${q.name} is not valid (${ok}); give --${q.name}`);
        this.answers[q.name] = value;
      }
      return;
    }
    if (open.length === 0) return;
    const questionsToAsk = open.map((q) =>
        q.choices
          ? { type: 'list' as const, name: q.name, message: q.message, choices: [...q.choices], default: defaultOf(q) }
          : { type: 'input' as const, name: q.name, message: q.message, default: defaultOf(q), validate: q.validate },
    ) as unknown as PromptQuestions;
    const prompted = await this.prompt(questionsToAsk);
    for (const q of open) {
      const value = String(prompted[q.name]);
      const ok = q.validate(value);
      if (ok !== true) throw new UsageError(ok);
      this.answers[q.name] = value;
    }
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
   * Renders every template of `generator` for one module and writes the
   * results under the no-clobber rule. `only` limits the output to the given
   * output paths (used when adding a module to an existing project).
   */
  protected renderFiles(
    generator: string,
    project: ProjectAnswers,
    modules: readonly ModuleEntry[],
    module: ModuleEntry,
  ): RenderedFile[] {
    const folders = templateFolders(generator);
    const data = templateContext(project, modules, module);
    const ownFolder = folders[0];
    if (ownFolder === undefined) throw new Error(`no template folder for ${generator}`);
    return listTemplates(ownFolder).map((rel) => ({
      path: outputPathFor(rel, module.name),
      contents: renderTemplate(folders, rel, data),
    }));
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
      this.decisions[file.path] = decision;
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
          // The rule above already decided: no conflict prompt (which would abort without a TTY).
          const stored = this.env.sharedFs.get(target) as { conflicter?: string };
          stored.conflicter = 'force';
        }
      }
      recorded[file.path] = sha256(file.contents);
    }
    this.config.set('files', recorded);
  }
}
