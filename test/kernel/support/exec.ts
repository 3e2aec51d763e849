/** Running the real tools: every command's output is kept for the failure message. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

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

/** Runs a command that must succeed; a failure throws with its whole output. */
export function execOk(cmd: string, args: readonly string[], options: Parameters<typeof exec>[2] = {}): ExecResult {
  const r = exec(cmd, args, options);
  if (r.status !== 0) {
    throw new Error(`${r.command} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}

export function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', tool], { encoding: 'utf8' });
  const found = r.stdout.trim();
  return r.status === 0 && found ? found : undefined;
}
