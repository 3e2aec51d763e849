/**
 * Renders the files of one generator run: the module set of `generator` for
 * `module`, and the project set (shared files) for all modules, through the
 * template folder chain. Pure: nothing is written here.
 */
import path from 'node:path';
import { templateContext } from './context.js';
import { outputPathFor } from './naming.js';
import type { ModuleEntry, ProjectAnswers } from './project.js';
import { listTemplates, renderTemplate, templateFolders, type TemplateSet } from './templates.js';

export interface RenderedFile {
  path: string;
  contents: string;
}

export function renderFiles(
  generator: string,
  userRoots: readonly string[],
  project: ProjectAnswers,
  modules: readonly ModuleEntry[],
  module: ModuleEntry,
  now?: Date,
): RenderedFile[] {
  const folders = templateFolders(generator, userRoots);
  const own = folders.filter((f) => path.basename(f) === generator);
  const data = templateContext(project, modules, module, now);
  const render = (set: TemplateSet, from: readonly string[]): RenderedFile[] => {
    const rels = [...new Set(from.flatMap((f) => listTemplates(f, set)))];
    // A template that renders to nothing (an optional file that is switched off) is not written.
    return rels
      .map((rel) => ({ path: outputPathFor(rel, module.name), contents: renderTemplate(folders, rel, data) }))
      .filter((file) => file.contents.trim() !== '');
  };
  return [...render('module', own), ...render('project', folders)];
}
