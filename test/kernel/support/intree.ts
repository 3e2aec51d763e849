/**
 * The kernel's own modules a scenario needs in the guest (i2c-stub, i2c-dev,
 * ...), taken from the kernel that boots: nothing for a module built into
 * it; else its .ko (decompressed: busybox insmod cannot) and, in load order,
 * the modules it depends on (modinfo's "depends", followed recursively).
 *
 * In the guest, `intree NAME [PARAM=VALUE...]` (from the QEMU prelude)
 * loads them: a no-op for a built-in module (<name>.builtin), an error for
 * one that was not asked for here.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execOk } from './exec.js';
import type { Kernel } from './kernels.js';
import type { GuestFile } from './qemu.js';

/** Where the guest finds them: <name>.ko and <name>.deps (the names to load first, in order), or <name>.builtin. */
export const INTREE_DIR = '/modules/intree';

/** The kernel's name for a module: '-' and '_' are the same to it. */
const canonical = (name: string): string => name.replace(/-/g, '_');

interface ModuleTree {
  root: string;
  /** Canonical name -> path relative to root, for every modular module. */
  modular: Map<string, string>;
  builtin: Set<string>;
}

function baseName(rel: string): string {
  return canonical(path.basename(rel).replace(/\.ko(\.(xz|zst|gz))?$|\.o$/, ''));
}

/**
 * Installed kernels (Debian): /lib/modules/<release> with modules.dep and
 * modules.builtin. Source-built trees: modules.order (".ko" up to 6.1, ".o"
 * since) and modules.builtin at the top of the tree, the .ko next to its source.
 */
function moduleTree(kernel: Kernel): ModuleTree {
  const installed = kernel.kind === 'debian';
  const root = installed ? `/lib/modules/${kernel.release}` : kernel.kdir;
  const list = installed ? 'modules.dep' : 'modules.order';
  const modular = new Map<string, string>();
  for (const line of readFileSync(path.join(root, list), 'utf8').split('\n')) {
    const rel = line.split(':')[0]?.trim();
    if (!rel) continue;
    const file = installed ? rel : rel.replace(/^kernel\//, '').replace(/\.o$/, '.ko');
    modular.set(baseName(file), file);
  }
  const builtin = new Set(
    readFileSync(path.join(root, 'modules.builtin'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(baseName),
  );
  return { root, modular, builtin };
}

/** The command that writes a packed module file to stdout, by its name (.ko.xz, .ko.zst, .ko.gz), or none for a plain .ko. */
export function unpacker(file: string): [string, string] | undefined {
  if (file.endsWith('.xz')) return ['xz', '-dc'];
  if (file.endsWith('.zst')) return ['zstd', '-qdc'];
  if (file.endsWith('.gz')) return ['gzip', '-dc'];
  return undefined;
}

/** A module as a plain .ko on the host (decompressed into `work` when it is not). */
function plainKo(tree: ModuleTree, rel: string, work: string): string {
  const file = path.join(tree.root, rel);
  if (!existsSync(file)) throw new Error(`${file}: listed by the kernel's module list but missing`);
  const tool = unpacker(rel);
  if (!tool) return file;
  const out = path.join(work, `${baseName(rel)}.ko`);
  execOk('sh', ['-c', '"$1" "$2" "$3" >"$4"', 'sh', ...tool, file, out]);
  return out;
}

/** Guest files for `names` on `kernel`: each modular one with its dependencies and its .deps list. */
export function inTreeModules(kernel: Kernel, names: readonly string[]): GuestFile[] {
  const tree = moduleTree(kernel);
  const work = mkdtempSync(path.join(tmpdir(), 'kmod-intree-'));
  const files = new Map<string, string>();
  /** Load order of `name`'s dependencies (deepest first), each once. */
  const resolve = (name: string, seen: string[]): string[] => {
    const c = canonical(name);
    if (tree.builtin.has(c)) return [];
    const rel = tree.modular.get(c);
    if (!rel) throw new Error(`module ${name} is neither built into ${kernel.label} (${kernel.release}) nor a module of it`);
    if (seen.includes(c)) throw new Error(`module dependency cycle: ${[...seen, c].join(' -> ')}`);
    const ko = files.get(c) ?? plainKo(tree, rel, work);
    files.set(c, ko);
    const depends = execOk('modinfo', ['-F', 'depends', ko]).stdout.trim();
    const order: string[] = [];
    for (const d of depends.split(',').filter(Boolean)) {
      for (const x of [...resolve(d, [...seen, c]), canonical(d)]) if (!order.includes(x) && !tree.builtin.has(x)) order.push(x);
    }
    return order;
  };
  const out: GuestFile[] = [];
  for (const name of names) {
    const c = canonical(name);
    const deps = resolve(name, []);
    if (!files.has(c)) {
      const marker = path.join(work, `${c}.builtin`);
      writeFileSync(marker, '');
      out.push({ src: marker, dest: `${INTREE_DIR}/${c}.builtin` });
      continue;
    }
    const list = path.join(work, `${c}.deps`);
    writeFileSync(list, deps.map((d) => `${d}\n`).join(''));
    out.push({ src: list, dest: `${INTREE_DIR}/${c}.deps` });
  }
  for (const [c, ko] of files) out.push({ src: ko, dest: `${INTREE_DIR}/${c}.ko` });
  return out;
}
