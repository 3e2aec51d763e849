/**
 * checkpatch.pl from the kernel sources. No Debian package ships it alone: it
 * is extracted once from linux-source-*.tar.xz into a cache folder.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { exec, execOk } from './exec.js';

export const CHECKPATCH_FLAGS = [
  '--no-tree',
  '--strict',
  '--terse',
  '--show-types',
  '--ignore',
  'LINUX_VERSION_CODE,CONSTANT_COMPARISON',
  '-f',
];

export function cacheDir(): string {
  return process.env.KMOD_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'generator-kmod');
}

function newestSourceTarball(): string | undefined {
  if (!existsSync('/usr/src')) return undefined;
  const tarballs = readdirSync('/usr/src')
    .filter((f) => /^linux-source-[\d.]+\.tar\.xz$/.test(f))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const newest = tarballs.at(-1);
  return newest ? path.join('/usr/src', newest) : undefined;
}

/** Path of checkpatch.pl: $CHECKPATCH, the cache, or extracted from the newest linux-source tarball. */
export function findCheckpatch(): string {
  if (process.env.CHECKPATCH) return process.env.CHECKPATCH;
  const tarball = newestSourceTarball();
  if (!tarball) throw new Error('checkpatch.pl (Debian package linux-source-6.12 provides it, or set CHECKPATCH)');
  const dir = path.join(cacheDir(), path.basename(tarball, '.tar.xz'));
  const script = path.join(dir, 'scripts', 'checkpatch.pl');
  if (!existsSync(script)) {
    mkdirSync(dir, { recursive: true });
    execOk('tar', [
      '-xJf', tarball, '-C', dir, '--strip-components=1', '--wildcards',
      '*/scripts/checkpatch.pl', '*/scripts/spelling.txt', '*/scripts/const_structs.checkpatch',
    ]);
  }
  return script;
}

/** Runs checkpatch on kernel source files; returns its report and whether it was clean. */
export function checkpatch(script: string, cwd: string, files: readonly string[]): { clean: boolean; report: string } {
  const r = exec('perl', [script, ...CHECKPATCH_FLAGS, ...files], { cwd });
  return { clean: r.status === 0, report: r.stdout + r.stderr };
}
