/**
 * The kernel's own modules, as make vmtest finds them: in a Debian module
 * tree (modules.dep, modules.builtin), packed as the distribution chose
 * (.ko.xz, .ko.zst, .ko.gz) or not. For the suite's proof that vmtest
 * unpacks each packing: a copy of a module tree holding the modules a
 * project's tests need, each packed another way.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The kernel's name for a module: '-' and '_' are the same to it. */
const canonical = (name: string): string => name.replace(/-/g, '_');

function baseName(rel: string): string {
  return canonical(path.basename(rel).replace(/\.ko(\.(xz|zst|gz))?$|\.o$/, ''));
}

/** The command that writes a packed module file to stdout, by its name (.ko.xz, .ko.zst, .ko.gz), or none for a plain .ko. */
export function unpacker(file: string): [string, string] | undefined {
  if (file.endsWith('.xz')) return ['xz', '-dc'];
  if (file.endsWith('.zst')) return ['zstd', '-qdc'];
  if (file.endsWith('.gz')) return ['gzip', '-dc'];
  return undefined;
}

/** How the repacked tree stores modules, in turn: zstd, gzip, not at all, xz. */
export const PACKINGS = ['.zst', '.gz', '', '.xz'] as const;

/** A module file's contents, unpacked. */
export function unpacked(file: string): Buffer {
  const tool = unpacker(file);
  return tool ? execFileSync(tool[0], [tool[1], file], { maxBuffer: 1 << 28 }) : readFileSync(file);
}

/**
 * The kernel's modules that `tests` of project `dir` name (their vmtest-intree
 * lines for `machine`, "NAME?" too) or its built modules depend on, and
 * `moddir` has as modules, with every
 * module each depends on (modules.dep lists them all): canonical names.
 */
export function intreeNeeds(dir: string, moddir: string, tests: readonly string[], machine = 'pc'): string[] {
  const names = new Set<string>();
  for (const t of tests) {
    const text = readFileSync(path.join(dir, 'tests', `${t}.sh`), 'utf8');
    for (const m of text.matchAll(new RegExp(`^# vmtest-intree(?:@${machine})?:(.*)$`, 'gm'))) {
      for (const w of (m[1] ?? '').split(/\s+/).filter(Boolean)) names.add(canonical(w.replace(/\?$/, '')));
    }
  }
  // And what the project's own modules depend on (vmtest packs those from the tree too).
  for (const ko of readdirSync(dir).filter((f) => f.endsWith('.ko'))) {
    const deps = execFileSync('modinfo', ['-F', 'depends', path.join(dir, ko)], { encoding: 'utf8' }).trim();
    for (const d of deps.split(',').filter(Boolean)) names.add(canonical(d));
  }
  const needs = new Set<string>();
  for (const line of readFileSync(path.join(moddir, 'modules.dep'), 'utf8').split('\n')) {
    const [rel, deps] = line.split(':');
    if (!rel || !names.has(baseName(rel))) continue;
    needs.add(baseName(rel));
    for (const d of (deps ?? '').split(/\s+/).filter(Boolean)) needs.add(baseName(d));
  }
  return [...needs].sort();
}

/**
 * A module tree with modules.builtin and modules.dep of `source`, in which the
 * `modules` (canonical names) exist, each packed in turn as PACKINGS says.
 */
export function repackedModuleTree(
  source: string,
  modules: readonly string[],
): { moddir: string; formats: Record<string, string>; plain: Record<string, Buffer>; files: Record<string, string> } {
  const moddir = mkdtempSync(path.join(tmpdir(), 'kmod-moddir-'));
  cpSync(path.join(source, 'modules.builtin'), path.join(moddir, 'modules.builtin'));
  const formats: Record<string, string> = {};
  const plain: Record<string, Buffer> = {};
  const files: Record<string, string> = {};
  const lines = readFileSync(path.join(source, 'modules.dep'), 'utf8').split('\n').map((line) => {
    const [rel, deps] = line.split(':');
    const m = rel ? baseName(rel) : '';
    if (!rel || !modules.includes(m) || m in formats) return line;
    const packing = PACKINGS[modules.indexOf(m) % PACKINGS.length] as string;
    const contents = unpacked(path.join(source, rel));
    const target = rel.replace(/\.ko(\.(xz|zst|gz))?$/, `.ko${packing}`);
    mkdirSync(path.dirname(path.join(moddir, target)), { recursive: true });
    const packer = { '.zst': ['zstd', '-q', '-c'], '.gz': ['gzip', '-c'], '.xz': ['xz', '-c'] }[packing];
    writeFileSync(path.join(moddir, target), packer ? execFileSync(packer[0] as string, packer.slice(1), { input: contents, maxBuffer: 1 << 28 }) : contents);
    formats[m] = packing;
    plain[m] = contents;
    files[m] = path.join(moddir, target);
    return `${target}:${deps ?? ''}`;
  });
  writeFileSync(path.join(moddir, 'modules.dep'), lines.join('\n'));
  const lost = modules.filter((m) => !(m in formats));
  assert.deepEqual(lost, [], `modules.dep of ${source} lists every module needed`);
  return { moddir, formats, plain, files };
}
