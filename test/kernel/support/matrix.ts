/**
 * The kernel x variant result matrix: each tracked step records its outcome
 * (one JSON line per step, in $KMOD_MATRIX_FILE), a failure names kernel,
 * variant and step, and zz-matrix.test.ts prints the table at the end.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const MATRIX_FILE = process.env.KMOD_MATRIX_FILE ?? path.join(tmpdir(), 'kmod-matrix.jsonl');

export interface MatrixRow {
  kernel: string;
  variant: string;
  step: string;
  ok: boolean;
}

function record(kernel: string, variant: string, step: string, ok: boolean): void {
  appendFileSync(MATRIX_FILE, `${JSON.stringify({ kernel, variant, step, ok })}\n`);
}

function located(kernel: string, variant: string, step: string, err: unknown): Error {
  record(kernel, variant, step, false);
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`[kernel ${kernel} / ${variant} / ${step}] ${message}`, { cause: err });
}

/** Runs one step of the matrix: records its outcome, and names kernel, variant and step in a failure. */
export async function track<T>(kernel: string, variant: string, step: string, fn: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    throw located(kernel, variant, step, err);
  }
  record(kernel, variant, step, true);
  return result;
}

export function readMatrix(): MatrixRow[] {
  if (!existsSync(MATRIX_FILE)) return [];
  return readFileSync(MATRIX_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as MatrixRow);
}

/** A text table: one row per kernel, one column per variant, each cell its steps' outcome. */
export function formatMatrix(rows: readonly MatrixRow[]): string {
  const kernels = [...new Set(rows.map((r) => r.kernel))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const variants = [...new Set(rows.map((r) => r.variant))];
  const cell = (k: string, v: string) => {
    const steps = rows.filter((r) => r.kernel === k && r.variant === v);
    if (steps.length === 0) return '-';
    const failed = steps.filter((s) => !s.ok).map((s) => s.step);
    return failed.length ? `FAIL ${failed.join(',')}` : `ok (${steps.map((s) => s.step).join('+')})`;
  };
  const table = [['kernel', ...variants], ...kernels.map((k) => [k, ...variants.map((v) => cell(k, v))])];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? [];
  return table.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')).join('\n');
}
