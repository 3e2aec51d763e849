/**
 * The project's saved state in .yo-rc.json (namespace "generator-kmod"):
 * the answers, the modules it holds and a hash of every file the generator
 * wrote, so that later runs and sub-generators know what is there.
 */
import { findLicense, type License } from './licenses.js';

export type ModuleKind = 'hello' | 'chardev' | 'platform';

export interface ModuleEntry {
  /** Module name: <name>.ko, built from <name>.c. */
  name: string;
  kind: ModuleKind;
}

export interface ProjectAnswers {
  name: string;
  description: string;
  author: string;
  license: string;
  version: string;
}

export interface ProjectConfig extends ProjectAnswers {
  modules: ModuleEntry[];
  /** sha256 of each generated file as last written, by path relative to the project. */
  files: Record<string, string>;
}

export function licenseOf(answers: ProjectAnswers): License {
  const license = findLicense(answers.license);
  if (!license) throw new Error(`unknown license ${answers.license}`);
  return license;
}

/** Adds a module to the list, once; keeps the order modules were added in. */
export function withModule(modules: readonly ModuleEntry[], entry: ModuleEntry): ModuleEntry[] {
  return modules.some((m) => m.name === entry.name) ? [...modules] : [...modules, entry];
}
