/** Building generated projects with kbuild and judging the build log. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../support/cli.js';
import { exec, execOk, type ExecResult } from './exec.js';
import type { Kernel } from './kernels.js';

/**
 * Lines that make a build not clean. W=1 and C=1 never fail a build by
 * themselves, so the log is read; sparse that cannot run only prints a
 * notice, which counts as a failure too.
 */
const BAD_LINE = /warning:|error:|not available or not up to date|\bWARNING\b/i;

export function badLines(log: string): string[] {
  return log.split('\n').filter((line) => BAD_LINE.test(line));
}

/** Copies a project so that each kernel builds in its own tree (objects land next to the sources). */
export function copyProject(src: string, label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `kmod-${label}-`));
  cpSync(src, dir, { recursive: true });
  return dir;
}

/** `make W=1 C=1` through the generated Makefile; returns the whole log. */
export function strictBuild(dir: string, makeArgs: readonly string[], env: NodeJS.ProcessEnv = process.env): ExecResult {
  return execOk('make', ['-C', dir, 'W=1', 'C=1', ...makeArgs], { env });
}

export function modinfo(field: string, ko: string): string {
  return execOk('modinfo', ['-F', field, ko]).stdout.replace(/\n$/, '');
}

export function make(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ExecResult {
  return exec('make', ['-C', dir, ...args], { env });
}

/** Runs the generator (the bin, no terminal) with --yes in `dir`, or in a new folder; returns the folder. */
export function generate(args: readonly string[], dir = mkdtempSync(path.join(tmpdir(), 'kmod-gen-'))): string {
  const r = runCli(dir, [...args, '--yes']);
  assert.equal(r.status, 0, `generator-kmod ${args.join(' ')} failed:\n${r.stderr}`);
  return dir;
}

/** No warning or error in a W=1 C=1 log, and sparse really checked each module. */
export function assertCleanBuild(log: string, modules: readonly string[]): void {
  assert.deepEqual(badLines(log), [], `build not clean:\n${log}`);
  // Paths are absolute before 6.13 and relative to the module since (M= builds run there).
  for (const m of modules) assert.match(log, new RegExp(`CHECK\\s+(\\S*/)?${m}\\.c$`, 'm'), `sparse ran on ${m}.c (C=1)`);
}

/** make arguments that select `kernel` for kbuild (KDIR plus what that kernel needs). */
export function kernelArgs(kernel: Kernel): string[] {
  return [`KDIR=${kernel.kdir}`, ...kernel.makeArgs];
}
