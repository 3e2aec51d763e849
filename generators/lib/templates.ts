/**
 * Template lookup and rendering: the only place that knows where templates
 * live. Folders form a chain, first match wins; today the chain is the
 * built-in folder of each generator, user folders are put in front of it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';

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

/** Every template (path relative to the folder) of one set in one folder; partials are never listed. */
export function listTemplates(folder: string, set: TemplateSet): string[] {
  return walk(path.join(folder, set), set).filter((rel) => rel.endsWith('.ejs'));
}

/**
 * Renders one template. Includes are absolute ("/partials/x.ejs") and are
 * looked up along the same folder chain, so a user can override a partial alone.
 */
export function renderTemplate(folders: readonly string[], relPath: string, data: object): string {
  const file = findTemplate(folders, relPath);
  try {
    return ejs.render(readFileSync(file, 'utf8'), data as ejs.Data, { filename: file, root: [...folders], async: false });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`template ${file} failed to render:\n${message}`);
  }
}
