/**
 * One generator run, without yeoman: which questions a run asks, how option
 * values and answers become the project and module, and what is written
 * where under the no-clobber rule. The yeoman generators (yo kmod) and the
 * bin's direct runner both call these; only prompting and the file system
 * layer differ between them.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gitAuthor } from './git.js';
import { KINDS, type KindSpec } from './kinds.js';
import { savedModules, withModule, type ModuleEntry, type ModuleSettings, type ProjectAnswers, type ProjectConfig } from './project.js';
import { PROJECT_ONLY_QUESTIONS, PROJECT_QUESTIONS, moduleQuestions, optionName, type Question, type QuestionContext } from './questions.js';
import { renderFiles } from './render.js';
import { userTemplateRoots } from './templates.js';
import { decideWrite, sha256, type WriteDecision } from './writer.js';

/** An error caused by the user's input: reported as a message, without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The options every generator has besides its questions. */
export interface CommonOptions {
  yes?: boolean;
  force?: boolean;
  templates?: string;
  [option: string]: unknown;
}

/** The questions of a run, in the order they are asked. */
export function questionsOf(spec: KindSpec, hasProject: boolean): Question[] {
  if (spec.generator === 'app') return [...PROJECT_QUESTIONS];
  return [
    ...moduleQuestions(spec.defaultName, spec.defaultDescription, spec.validateName, spec.nameMax),
    ...(hasProject ? [] : PROJECT_ONLY_QUESTIONS),
    ...spec.kindQuestions,
  ];
}

/** Every question that has an option (--help lists them, the parser knows them): those of a new project. */
export function optionQuestionsOf(spec: KindSpec): Question[] {
  return questionsOf(spec, false);
}

/**
 * An option that arrived empty because its value starts with "-" (the
 * option parser takes that word for an option of its own, and "--" for the
 * end of options): a message that says how to give such a value.
 */
export function dashedValue(option: string, rawArgs: readonly string[]): string | undefined {
  const at = rawArgs.indexOf(`--${option}`);
  if (at < 0) return undefined;
  const next = rawArgs[at + 1];
  if (next !== undefined && !next.startsWith('-')) return undefined;
  return `no value given; a value that starts with "-" must be written --${option}=VALUE (e.g. --${option}="-- x")`;
}

/** How a run gets answers to open questions. */
export interface AskIO {
  /** A terminal (or a test's mocked answers) is there to ask on. */
  canPrompt: boolean;
  prompt(q: Question, defaultValue: string): Promise<string>;
  log(message: string): void;
}

/**
 * Resolves `questions` into answers: option values are validated first
 * (nothing is asked or written when one is wrong), then each open question
 * is asked in order, or takes its default with --yes or without a terminal.
 * `saved` holds earlier answers, which become the defaults.
 */
export async function resolveAnswers(
  questions: readonly Question[],
  options: CommonOptions,
  rawArgs: readonly string[],
  saved: Readonly<Record<string, unknown>>,
  ctx: QuestionContext,
  io: AskIO,
): Promise<Record<string, string>> {
  const errors: string[] = [];
  const given = new Map<string, string>();
  for (const q of questions) {
    const raw = options[optionName(q)];
    if (raw === undefined || raw === null) continue;
    const value = String(raw);
    const dashed = value === '' ? dashedValue(optionName(q), rawArgs) : undefined;
    const ok = dashed ?? q.validate(value);
    if (ok === true) given.set(q.name, value);
    else errors.push(`--${optionName(q)}: ${ok}`);
  }
  if (errors.length > 0) throw new UsageError(errors.join('\n'));

  const answers: Record<string, string> = {};
  const applies = (q: Question) => !q.when || q.when(answers);
  const defaultOf = (q: Question): string => {
    const previous = saved[q.name];
    const value = previous === undefined || previous === null ? undefined : String(previous);
    return value !== undefined && q.validate(value) === true ? value : q.default(ctx, answers);
  };
  let yes = Boolean(options.yes);
  const open = questions.filter((q) => !given.has(q.name));
  if (!yes && open.length > 0 && !io.canPrompt) {
    io.log('no terminal to ask on: taking defaults for questions not given as options (as --yes)');
    yes = true;
  }
  for (const q of questions) {
    if (!applies(q)) {
      if (given.has(q.name)) throw new UsageError(`--${optionName(q)}: ${q.notApplicable ?? 'does not apply with the other answers'}`);
      continue;
    }
    let value = given.get(q.name);
    if (value === undefined && yes) {
      value = defaultOf(q);
      const ok = q.validate(value);
      if (ok !== true) throw new UsageError(`default for --${optionName(q)} is not valid (${ok}); give --${optionName(q)}`);
    }
    if (value === undefined) {
      value = await io.prompt(q, defaultOf(q));
      const ok = q.validate(value);
      if (ok !== true) throw new UsageError(ok);
    }
    answers[q.name] = q.normalize ? q.normalize(value) : value;
  }
  return answers;
}

/** Saved answers that are defaults for this run (a module's own when it is generated again). */
export function savedAnswersFor(spec: KindSpec, config: Partial<ProjectConfig>, options: CommonOptions): Record<string, unknown> {
  if (spec.generator === 'app') return config;
  const named = options.name === undefined ? undefined : String(options.name);
  const previous = savedModules(config).find((m) => m.name === named && m.kind === spec.kind);
  return previous ? { description: previous.description, ...previous.settings } : {};
}

export interface RunPlan {
  project: ProjectAnswers;
  module: ModuleEntry;
}

/**
 * The project and the module of a run. app: the answers are the project and
 * its hello module. The others: the module from the answers; the project
 * from the saved answers when there is one (an option given now changes the
 * whole project), else from the answers.
 */
export function planRun(spec: KindSpec, answers: Readonly<Record<string, string>>, config: Partial<ProjectConfig>, options: CommonOptions): RunPlan {
  if (spec.generator === 'app') {
    const project = answers as unknown as ProjectAnswers;
    return { project, module: { name: project.name, kind: 'hello', description: project.description, settings: {} } };
  }
  const existing = typeof config.name === 'string';
  const settings: ModuleSettings = {};
  for (const q of spec.kindQuestions) {
    const value = answers[q.name];
    if (value !== undefined) settings[q.name] = value;
  }
  const module: ModuleEntry = { name: answers.name as string, kind: spec.kind, description: answers.description as string, settings };
  const cfg = config as Record<string, unknown>;
  const project: Record<string, string> = existing
    ? { name: String(cfg.name), description: String(cfg.description) }
    : { name: module.name, description: module.description };
  for (const q of PROJECT_ONLY_QUESTIONS) {
    const raw = options[optionName(q)];
    if (existing && raw !== undefined) {
      const ok = q.validate(String(raw));
      if (ok !== true) throw new UsageError(`--${optionName(q)}: ${ok}`);
    }
    const saved = cfg[q.name];
    project[q.name] = existing ? String(raw ?? (saved === undefined ? q.default({}, {}) : saved)) : String(answers[q.name]);
  }
  return { project: project as unknown as ProjectAnswers, module };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The user's template roots, in lookup order: --templates (or the saved folder), .kmod/templates, the per-user one. */
export function templateRootsFor(root: string, options: CommonOptions, config: Partial<ProjectConfig>): string[] {
  const given = options.templates ?? config.templates;
  const dir = given === undefined ? undefined : String(given);
  if (dir !== undefined) {
    const abs = path.resolve(root, dir);
    if (!isDirectory(abs)) throw new UsageError(`--templates: no template folder at ${abs}`);
  }
  return userTemplateRoots(root, dir);
}

/** Reads a project file as it is on disk now (undefined: there is none). */
export function projectFileReader(root: string): (relPath: string) => string | undefined {
  return (relPath) => {
    try {
      return readFileSync(path.join(root, relPath), 'utf8');
    } catch {
      return undefined;
    }
  };
}

export interface WriteOp {
  path: string;
  contents: string;
  decision: WriteDecision;
}

export interface WritePlan {
  /** What to merge into the project's .yo-rc.json namespace, in this key order. */
  config: Record<string, unknown>;
  ops: WriteOp[];
}

/**
 * Everything a run writes, decided before anything is written: the saved
 * project and modules, and each rendered file with the no-clobber decision
 * (a template that fails stops the run here, with the project as it was).
 */
export function planWrites(
  plan: RunPlan,
  generator: string,
  userRoots: readonly string[],
  config: Partial<ProjectConfig>,
  options: CommonOptions,
  readFile: (relPath: string) => string | undefined,
): WritePlan {
  let modules: ModuleEntry[];
  try {
    modules = withModule(savedModules(config), plan.module);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const files = renderFiles(generator, userRoots, plan.project, modules, plan.module);
  const recorded = { ...(config.files ?? {}) };
  const ops: WriteOp[] = [];
  for (const file of files) {
    const decision = decideWrite(readFile(file.path), file.contents, recorded[file.path], Boolean(options.force));
    ops.push({ ...file, decision });
    if (decision !== 'keep') recorded[file.path] = sha256(file.contents);
  }
  return {
    config: {
      ...plan.project,
      modules,
      ...(options.templates === undefined ? {} : { templates: String(options.templates) }),
      files: recorded,
    },
    ops,
  };
}

/** A run's answers in project `root` (the questions of a new project or of an existing one). */
export function answersFor(
  spec: KindSpec,
  root: string,
  config: Partial<ProjectConfig>,
  options: CommonOptions,
  rawArgs: readonly string[],
  io: AskIO,
): Promise<Record<string, string>> {
  const questions = questionsOf(spec, typeof config.name === 'string');
  return resolveAnswers(questions, options, rawArgs, savedAnswersFor(spec, config, options), { gitAuthor: gitAuthor(root) }, io).then((answers) => {
    // Answers that are each allowed but not together (kmod:v4l2's default size outside its limits).
    const ok = spec.validateAnswers?.(answers) ?? true;
    if (ok !== true) throw new UsageError(ok);
    return answers;
  });
}

/** What a run with these answers writes in project `root`, decided before anything is written. */
export function writesFor(
  spec: KindSpec,
  answers: Readonly<Record<string, string>>,
  root: string,
  config: Partial<ProjectConfig>,
  options: CommonOptions,
): WritePlan {
  const plan = planRun(spec, answers, config, options);
  return planWrites(plan, spec.generator, templateRootsFor(root, options, config), config, options, projectFileReader(root));
}

/** The message for a file the user changed, which the run keeps. */
export function keptMessage(relPath: string): string {
  return `kept ${relPath}: it was changed after generator-kmod wrote it (or was not written by it); run again with --force to replace it`;
}

export function kindOf(generator: string): KindSpec | undefined {
  return Object.hasOwn(KINDS, generator) ? KINDS[generator as KindSpec['generator']] : undefined;
}
