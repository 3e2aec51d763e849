/**
 * What the sub-generators (kmod:chardev, kmod:platform) share: they add one
 * module to the project in the current directory, or create the project
 * around it when there is none, and re-render the shared project files.
 */
import { KmodGenerator, UsageError, type KmodOptions } from './base-generator.js';
import { savedModules, type ModuleEntry, type ModuleKind, type ModuleSettings, type ProjectAnswers } from './project.js';
import { PROJECT_ONLY_QUESTIONS, moduleQuestions, optionName, type Question } from './questions.js';
import type { Validation } from './validate.js';

export abstract class ModuleGenerator extends KmodGenerator {
  /** Generator name: its templates/<generator>/ folder and its namespace kmod:<generator>. */
  protected abstract readonly generator: string;
  protected abstract readonly kind: ModuleKind;
  /** Questions of this kind of module; their answers become the module's settings. */
  protected abstract readonly kindQuestions: readonly Question[];

  private moduleEntry?: ModuleEntry;
  private project?: ProjectAnswers;

  constructor(
    args: string[],
    options: KmodOptions,
    defaultName: string,
    defaultDescription: (name: string) => string,
    validateName?: (value: string) => Validation,
  ) {
    super(args, options);
    this.nameQuestions = moduleQuestions(defaultName, defaultDescription, validateName);
    this.declareQuestionOptions([...this.nameQuestions, ...PROJECT_ONLY_QUESTIONS]);
  }

  private readonly nameQuestions: readonly Question[];

  /** Call from the subclass constructor, after kindQuestions is set. */
  protected declareKindOptions(): void {
    this.declareQuestionOptions(this.kindQuestions);
  }

  private get hasProject(): boolean {
    return typeof this.projectConfig.name === 'string';
  }

  async prompting(): Promise<void> {
    const existing = this.hasProject;
    const named = this.options.name === undefined ? undefined : String(this.options.name);
    const previous = savedModules(this.projectConfig).find((m) => m.name === named && m.kind === this.kind);
    const saved: Record<string, unknown> = previous ? { description: previous.description, ...previous.settings } : {};
    const projectQuestions = existing ? [] : PROJECT_ONLY_QUESTIONS;
    await this.resolveAnswers([...this.nameQuestions, ...projectQuestions, ...this.kindQuestions], saved);

    const a = this.answers;
    const name = a.name as string;
    const description = a.description as string;
    const settings: ModuleSettings = {};
    for (const q of this.kindQuestions) {
      const value = a[q.name];
      if (value !== undefined) settings[q.name] = value;
    }
    this.moduleEntry = { name, kind: this.kind, description, settings };
    // Project answers: saved ones for an existing project (an option given now
    // changes the whole project), the answers just given for a new one.
    const cfg = this.projectConfig as Record<string, unknown>;
    const project: Record<string, string> = existing
      ? { name: String(cfg.name), description: String(cfg.description) }
      : { name, description };
    for (const q of PROJECT_ONLY_QUESTIONS) {
      const raw = this.options[optionName(q)];
      if (existing && raw !== undefined) {
        const ok = q.validate(String(raw));
        if (ok !== true) throw new UsageError(`--${optionName(q)}: ${ok}`);
      }
      const saved = cfg[q.name];
      project[q.name] = existing
        ? String(raw ?? (saved === undefined ? q.default({}, {}) : saved))
        : String(a[q.name]);
    }
    this.project = project as unknown as ProjectAnswers;
  }

  writing(): void {
    if (!this.project || !this.moduleEntry) throw new Error('prompting did not run');
    this.writeProject(this.generator, this.project, this.moduleEntry);
  }
}
