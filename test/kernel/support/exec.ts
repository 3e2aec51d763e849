/** Running the real tools: every command's output is kept for the failure message. */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';

export interface ExecResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Command line, for messages. */
  command: string;
}

export function exec(
  cmd: string,
  args: readonly string[],
  options: Omit<SpawnSyncOptions, 'encoding'> & { timeoutMs?: number } = {},
): ExecResult {
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 300_000,
    ...options,
    encoding: 'utf8',
  });
  const command = [cmd, ...args].join(' ');
  if (r.error) throw new Error(`${command}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, command };
}

/** The result of a command that must have succeeded; a failure throws with its whole output. */
export function succeeded(r: ExecResult): ExecResult {
  if (r.status !== 0) {
    throw new Error(`${r.command} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}

/** Runs a command that must succeed; a failure throws with its whole output. */
export function execOk(cmd: string, args: readonly string[], options: Parameters<typeof exec>[2] = {}): ExecResult {
  return succeeded(exec(cmd, args, options));
}

export function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', tool], { encoding: 'utf8' });
  const found = r.stdout.trim();
  return r.status === 0 && found ? found : undefined;
}

/** The same as exec, without blocking: for builds and boots that run side by side. */
export function execAsync(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ExecResult> {
  const command = [cmd, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${e.message}`));
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), command });
    });
  });
}

/**
 * Runs async jobs with at most `n` at a time; a waiting job with a higher
 * priority starts first (the longest boot first, then boots before builds).
 */
export function limiter(n: number): <T>(job: () => Promise<T>, priority?: number) => Promise<T> {
  let running = 0;
  const queue: { priority: number; start: () => void }[] = [];
  return async <T>(job: () => Promise<T>, priority = 0): Promise<T> => {
    if (running >= n) {
      await new Promise<void>((start) => {
        const at = queue.findIndex((q) => q.priority < priority);
        queue.splice(at < 0 ? queue.length : at, 0, { priority, start });
      });
    } else running++;
    try {
      return await job();
    } finally {
      const next = queue.shift();
      if (next) next.start();
      else running--;
    }
  };
}
