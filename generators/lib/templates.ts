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

/** Folders that are included by templates, never rendered as files of their own. */
const PARTIALS_DIR = 'partials';

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

/** Every template file (relative path) that one folder renders into the project, partials excluded. */
export function listTemplates(folder: string): string[] {
  return walk(folder).filter((rel) => rel.endsWith('.ejs') && !rel.startsWith(`${PARTIALS_DIR}/`));
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
