/**
 * npm run bench: speed figures, measured side by side in one run (medians of
 * alternating runs), printed as ratios against their baselines. It asserts
 * nothing; the targets are printed next to the figures.
 *
 *   generator-kmod --yes (empty folder)  vs node -e 0       target <= 4x
 *   generator-kmod --help                vs node -e 0       target <= 4x
 *   generate + make (hello)              vs make alone      target <= 1.2x
 *   peak memory (max RSS) of generator-kmod --yes
 *
 * The make figures need kernel headers: KDIR (default: the first
 * /lib/modules/<release>/build found); without them they are skipped, and
 * the output says so.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../generators/cli.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 11);

function time(cmd: string, args: readonly string[], options: Omit<SpawnSyncOptions, 'encoding' | 'stdio'> = {}): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return seconds;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (s: number): string => `${s.toFixed(3)} s`;

function line(label: string, value: number, base: number, target: number): void {
  const ratio = value / base;
  const verdict = ratio <= target ? 'meets' : 'MISSES';
  console.log(`${label.padEnd(34)} ${fmt(value).padStart(9)}  = ${ratio.toFixed(2)}x baseline ${fmt(base)}  (target <= ${target}x: ${verdict})`);
}

function paired(runA: () => number, runB: () => number): [number, number] {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(runA());
    b.push(runB());
  }
  return [median(a), median(b)];
}

if (!existsSync(BIN)) {
  throw new Error('bench: build first (npm run build)');
}
const env = { ...process.env, NO_UPDATE_NOTIFIER: '1' };
console.log(`bench: ${RUNS} alternating runs each, medians; node ${process.version}`);

const [node0, yes] = paired(
  () => time(process.execPath, ['-e', '0']),
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-bench-'));
    const t = time(process.execPath, [BIN, '--yes'], { cwd: dir, env });
    rmSync(dir, { recursive: true, force: true });
    return t;
  },
);
line('generator-kmod --yes', yes, node0, 4);
const [node0b, help] = paired(
  () => time(process.execPath, ['-e', '0']),
  () => time(process.execPath, [BIN, '--help'], { env }),
);
line('generator-kmod --help', help, node0b, 4);

const rss = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, '--yes'], {
  cwd: mkdtempSync(path.join(tmpdir(), 'kmod-bench-')),
  encoding: 'utf8',
  env,
});
if (rss.status === 0) console.log(`${'generator-kmod --yes peak memory'.padEnd(34)} ${(Number(rss.stderr.trim().split('\n').at(-1)) / 1024).toFixed(1)} MiB (max RSS)`);

const kdir =
  process.env.KDIR ??
  (existsSync('/lib/modules') ? readdirSync('/lib/modules').map((r) => `/lib/modules/${r}/build`).find((d) => existsSync(`${d}/Makefile`)) : undefined);
if (!kdir) {
  console.log('generate + make: SKIPPED: no kernel headers (set KDIR, or install linux-headers-...)');
} else {
  const jobs = `-j${availableParallelism()}`;
  const makeOnlyDir = mkdtempSync(path.join(tmpdir(), 'kmod-bench-make-'));
  time(process.execPath, [BIN, '--yes'], { cwd: makeOnlyDir, env });
  const [makeAlone, genMake] = paired(
    () => {
      time('make', ['-C', makeOnlyDir, 'clean', `KDIR=${kdir}`]);
      return time('make', [jobs, '-C', makeOnlyDir, `KDIR=${kdir}`]);
    },
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'kmod-bench-gen-'));
      const t = time(process.execPath, [BIN, '--yes'], { cwd: dir, env }) + time('make', [jobs, '-C', dir, `KDIR=${kdir}`]);
      rmSync(dir, { recursive: true, force: true });
      return t;
    },
  );
  line(`generate + make (${path.basename(path.dirname(kdir))})`, genMake, makeAlone, 1.2);
}
