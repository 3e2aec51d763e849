/**
 * The bin's direct runner: runs a generator without loading yeoman when
 * nothing has to be asked (--yes, every question given, or no terminal) and
 * for --help. It makes the same decisions as the yeoman generators, through
 * the same code (lib/session.ts); only the file system layer and the log are
 * its own. When a question must be asked on a terminal, it hands the run to
 * yeoman (the bin then loads yeoman-environment), so prompts look and work
 * exactly as under `yo kmod`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import minimist from 'minimist';
import type { KindSpec } from './kinds.js';
import { COMMON_OPTIONS } from './options.js';
import type { ProjectConfig } from './project.js';
import { optionName } from './questions.js';
import { answersFor, keptMessage, optionQuestionsOf, questionsOf, writesFor, type CommonOptions } from './session.js';
import { BUILTIN_TEMPLATES } from './templates.js';

/** The namespace of the project state in .yo-rc.json (the package name, as yeoman keys it). */
const CONFIG_KEY = 'generator-kmod';

/** Parses argv the way yeoman-generator does (minimist; string options as strings, booleans). */
function parseOptions(spec: KindSpec, argv: readonly string[]): CommonOptions & { help?: boolean } {
  const strings = [...COMMON_OPTIONS.filter((o) => o.type === 'string').map((o) => o.name), ...optionQuestionsOf(spec).map(optionName)];
  const booleans = ['help', ...COMMON_OPTIONS.filter((o) => o.type === 'boolean').map((o) => o.name)];
  const alias: Record<string, string> = { h: 'help' };
  for (const o of COMMON_OPTIONS) if (o.alias) alias[o.alias] = o.name;
  const parsed = minimist([...argv], { string: strings, boolean: booleans, alias });
  const options: CommonOptions & { help?: boolean } = {};
  for (const name of strings) if (parsed[name] !== undefined) options[name] = String(parsed[name]);
  for (const name of booleans) options[name] = Boolean(parsed[name]);
  return options;
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

/** --help: usage, every option with its description, and how to customise the templates. */
function helpText(spec: KindSpec): string {
  const ns = spec.generator === 'app' ? 'kmod' : `kmod:${spec.generator}`;
  const bin = spec.generator === 'app' ? 'generator-kmod' : `generator-kmod ${spec.generator}`;
  const rows: [string, string][] = [['-h, --help', "Print the generator's options and usage"]];
  for (const o of COMMON_OPTIONS) rows.push([`${o.alias ? `-${o.alias}, ` : '    '}--${o.name}${o.type === 'string' ? ' DIR' : ''}`, o.description]);
  for (const q of optionQuestionsOf(spec)) rows.push([`    --${optionName(q)} VALUE`, q.description]);
  const width = Math.max(...rows.map(([o]) => o.length)) + 2;
  const indent = ' '.repeat(width + 2);
  const options = rows.map(([o, d]) => `  ${o.padEnd(width)}${wrap(d, 100 - indent.length, indent)}`).join('\n');
  const usage = readFileSync(path.join(BUILTIN_TEMPLATES, 'USAGE'), 'utf8');
  return `Usage:\n  yo ${ns} [options]\n  ${bin} [options]\n\n${spec.description}\n\nOptions:\n${options}\n\n${usage}`;
}

function readConfig(root: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // no project yet (or no readable .yo-rc.json): as yeoman, start from nothing
  }
  return {};
}

const STATUS_WIDTH = 'identical'.length;

/**
 * Runs the generator `spec` for `argv` in `root`. Returns the exit status, or
 * 'yeoman' when a question has to be asked on a terminal.
 */
export async function runDirect(spec: KindSpec, argv: readonly string[], root: string, stdinIsTTY: boolean): Promise<number | 'yeoman'> {
  const options = parseOptions(spec, argv);
  if (options.help) {
    process.stdout.write(helpText(spec));
    return 0;
  }
  const full = readConfig(root);
  const stored = full[CONFIG_KEY];
  const config = (stored && typeof stored === 'object' ? stored : {}) as Partial<ProjectConfig>;
  const questions = questionsOf(spec, typeof config.name === 'string');
  const open = questions.filter((q) => options[optionName(q)] === undefined);
  if (stdinIsTTY && !options.yes && open.length > 0) return 'yeoman';

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const answers = await answersFor(spec, root, config, options, argv, {
    canPrompt: false,
    prompt: () => Promise.reject(new Error('internal error: the direct runner does not prompt')),
    log,
  });
  const writes = writesFor(spec, answers, root, config, options);
  const statuses: string[] = [];
  for (const op of writes.ops) {
    if (op.decision === 'keep') log(keptMessage(op.path));
    if (op.decision === 'keep' || op.decision === 'identical') continue;
    const target = path.join(root, op.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, op.contents);
    statuses.push(`${op.decision.padStart(STATUS_WIDTH)} ${op.path}`);
  }
  // .yo-rc.json as yeoman's storage writes it: the namespace merged, two-space JSON.
  full[CONFIG_KEY] = Object.assign({ ...config }, writes.config);
  writeFileSync(path.join(root, '.yo-rc.json'), `${JSON.stringify(full, null, 2)}\n`);
  for (const s of statuses) log(s);
  for (const line of spec.nextSteps(answers)) log(line);
  return 0;
}
