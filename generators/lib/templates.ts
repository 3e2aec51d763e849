/**
 * Template lookup and rendering: the only place that knows where templates
 * live. Template roots form a chain, first match wins:
 *   1. the folder given with --templates (saved in .yo-rc.json),
 *   2. the project's .kmod/templates/,
 *   3. the user's $XDG_CONFIG_HOME/generator-kmod/templates/ (~/.config when unset),
 *   4. the built-in templates/.
 * Each root holds one folder per generator (app/, chardev/, platform/) laid
 * out like the built-in one.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import ejs from 'ejs';

/** Project-local template folder, relative to the project root. */
export const PROJECT_TEMPLATES = '.kmod/templates';

/** The per-user template folder. */
export function userTemplatesDir(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir(), '.config');
  return path.join(config, 'generator-kmod', 'templates');
}

/** User template roots in precedence order (the built-in one is added by templateFolders). */
export function userTemplateRoots(projectRoot: string, optionDir?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const roots = [path.join(projectRoot, PROJECT_TEMPLATES), userTemplatesDir(env)];
  return optionDir ? [path.resolve(projectRoot, optionDir), ...roots] : roots;
}

/** templates/ at the package root (this file runs from dist/generators/lib/). */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL('../../../templates/', import.meta.url));

/**
 * The ordered template folders for one generator: user folders first, then the
 * built-in ones. Shared partials live in the "app" generator's folder, so
 * every generator falls back to it after its own.
 */
export function templateFolders(generator: string, userRoots: readonly string[] = []): string[] {
  const generators = generator === 'app' ? ['app'] : [generator, 'app'];
  const roots = [...userRoots, BUILTIN_TEMPLATES];
  return generators.flatMap((g) => roots.map((root) => path.join(root, g)));
}

/** The file that renders `relPath` for `generator`: the first folder in the chain that has it. */
export function findTemplate(folders: readonly string[], relPath: string): string {
  for (const folder of folders) {
    const candidate = path.join(folder, relPath);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no template '${relPath}' in ${folders.join(', ')}`);
}

function walk(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const rel = prefix ? `${prefix}/${entry}` : entry;
      return statSync(path.join(dir, entry)).isDirectory() ? walk(path.join(dir, entry), rel) : [rel];
    });
}

/**
 * The two sets of templates a generator renders: `module/` once per module it
 * adds, `project/` (the files every module shares: Kbuild, Makefile,
 * dkms.conf, README, ...) whenever the module list changes.
 */
export type TemplateSet = 'module' | 'project';

/** Every file under a generator's template folder, partials included (for eject). */
export function listAllTemplateFiles(folder: string): string[] {
  return walk(folder);
}

/** Every template (path relative to the folder) of one set in one folder; partials are never listed. */
export function listTemplates(folder: string, set: TemplateSet): string[] {
  return walk(path.join(folder, set), set).filter((rel) => rel.endsWith('.ejs'));
}

/**
 * Renders one template. Includes are absolute ("/partials/x.ejs") and are
 * looked up along the same folder chain, so a user can override a partial
 * alone. Any failure names the template file, the line and the problem.
 */
export function renderTemplate(folders: readonly string[], relPath: string, data: object): string {
  const file = findTemplate(folders, relPath);
  const text = readFileSync(file, 'utf8');
  const options = { filename: file, root: [...folders], async: false as const };
  try {
    return ejs.render(text, data as ejs.Data, options);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const located = err instanceof SyntaxError ? locateSyntaxError(text, file, folders) : undefined;
    throw new TemplateError(located ?? `template ${file} failed to render:\n${message}`);
  }
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/**
 * EJS reports a JavaScript syntax error without a line. Compile the code EJS
 * generates ourselves: the engine says where the error is in it, and the
 * "__line = N" markers EJS puts in that code say which template line that is.
 */
function locateSyntaxError(text: string, file: string, folders: readonly string[]): string | undefined {
  const template = new ejs.Template(text, { filename: file, root: [...folders] } as ejs.Options) as unknown as {
    generateSource(): void;
    source: string;
  };
  try {
    template.generateSource();
    new vm.Script(`(function () {\n${template.source}\n})`, { filename: 'ejs-source' });
  } catch (err) {
    if (!(err instanceof SyntaxError)) return undefined;
    const at = /ejs-source:(\d+)/.exec(err.stack ?? '');
    const sourceLine = at?.[1] ? Number(at[1]) - 1 : undefined;
    const lines = template.source.split('\n').slice(0, sourceLine);
    const marker = lines.reverse().find((l) => /__line = \d+/.test(l));
    const line = marker ? /__line = (\d+)/.exec(marker)?.[1] : undefined;
    return `template ${file}:${line ?? '?'}: syntax error: ${err.message}`;
  }
  return undefined;
}
