/** Building generated projects with kbuild and judging the build log. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../support/cli.js';
import { exec, execAsync, execOk, type ExecResult } from './exec.js';
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

/**
 * The suite builds the way users do, in parallel: builds with -j$(nproc) on
 * the command line, every other target with MAKEFLAGS=-j2 in the
 * environment. A jobserver make cannot pass on (a recipe that hides
 * $(MAKE)) shows up as this warning, and fails the test.
 */
export const JOBS = `-j${availableParallelism()}`;
const JOBSERVER_TROUBLE = /jobserver unavailable|warning: -j\d+ forced in submake|Add '\+' to parent make rule/;

function parallelEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, MAKEFLAGS: env.MAKEFLAGS ?? '-j2' };
}

function guardJobserver(r: ExecResult): ExecResult {
  const bad = (r.stdout + r.stderr).split('\n').filter((l) => JOBSERVER_TROUBLE.test(l));
  assert.deepEqual(bad, [], `${r.command}: make's jobserver did not reach kbuild:\n${r.stdout}\n${r.stderr}`);
  return r;
}

export function modinfo(field: string, ko: string): string {
  return execOk('modinfo', ['-F', field, ko]).stdout.replace(/\n$/, '');
}

/**
 * `make -jN W=1 C=1` through the generated Makefile, without blocking (builds
 * run side by side); resolves with the whole log, also when make fails.
 */
export async function strictBuild(dir: string, kernel: Kernel): Promise<ExecResult> {
  return guardJobserver(await execAsync('make', [JOBS, '-C', dir, 'W=1', 'C=1', ...kernelArgs(kernel)], { timeoutMs: 600_000 }));
}

/** A target of the generated Makefile, MAKEFLAGS=-j2 in the environment; may fail. */
export function make(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ExecResult {
  return guardJobserver(exec('make', ['-C', dir, ...args], { env: parallelEnv(env) }));
}

/** The same, and it must succeed. */
export function makeOk(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ExecResult {
  return guardJobserver(execOk('make', ['-C', dir, ...args], { env: parallelEnv(env) }));
}

/** Runs the generator (the bin, no terminal) with --yes in `dir`, or in a new folder; returns the folder. */
export function generate(args: readonly string[], dir = mkdtempSync(path.join(tmpdir(), 'kmod-gen-'))): string {
  const r = runCli(dir, [...args, '--yes']);
  assert.equal(r.status, 0, `generator-kmod ${args.join(' ')} failed:\n${r.stderr}`);
  return dir;
}

/**
 * No warning or error in a W=1 C=1 log, and sparse really checked each module.
 * `allowed`: lines that may look like warnings (a prepared tree's modpost notice).
 */
export function assertCleanBuild(log: string, modules: readonly string[], allowed: readonly RegExp[] = []): void {
  assert.deepEqual(
    badLines(log).filter((line) => !allowed.some((re) => re.test(line))),
    [],
    `build not clean:\n${log}`,
  );
  // Paths are absolute before 6.13 and relative to the module since (M= builds run there).
  for (const m of modules) assert.match(log, new RegExp(`CHECK\\s+(\\S*/)?${m}\\.c$`, 'm'), `sparse ran on ${m}.c (C=1)`);
}

/**
 * make arguments that select `kernel` for kbuild (KDIR plus what that kernel
 * needs); the test-only modules are built too (KMOD_TEST_MODULES=1), to be
 * held to the same standard.
 */
export function kernelArgs(kernel: Kernel): string[] {
  return [`KDIR=${kernel.kdir}`, 'KMOD_TEST_MODULES=1', ...kernel.makeArgs];
}
