/** Prints the kernel x variant table of the kernel suite (runs last: files run in name order). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatMatrix, MATRIX_FILE, readMatrix } from './support/matrix.js';
import { IN_CI } from './support/gate.js';

it('kernel matrix', () => {
  const rows = readMatrix();
  if (rows.length === 0) {
    assert.ok(!IN_CI, `CI ran no tracked kernel step (${MATRIX_FILE} is empty)`);
    process.stderr.write('kernel matrix: no kernel steps ran (kernel suite skipped outside CI)\n');
    return;
  }
  process.stdout.write(`\nKernel matrix (${MATRIX_FILE}):\n${formatMatrix(rows)}\n\n`);
  const failed = rows.filter((r) => !r.ok);
  assert.deepEqual(failed, [], 'every tracked step passed');
});
