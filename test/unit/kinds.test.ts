import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KINDS } from '../../generators/lib/kinds.js';
import { KIND_MODULES } from '../../generators/lib/modules.js';
import { ADDED_KINDS, EVERY_KIND, everyKindArgs, type AddedKind } from '../support/kinds.js';

describe("the tests' list of every kind (test/support/kinds.ts)", () => {
  it('has every kind the generator registers, and nothing else', () => {
    const registered = Object.keys(KINDS).filter((g) => g !== 'app').sort();
    assert.deepEqual(Object.keys(EVERY_KIND).sort(), registered, 'EVERY_KIND: one entry per kmod:<kind> generator in generators/lib/kinds.ts');
    assert.deepEqual([...ADDED_KINDS].sort(), registered);
    // With the app's hello, the generators make a module of every kind the project knows (generators/lib/modules.ts).
    const made = [KINDS.app.kind, ...ADDED_KINDS.map((g) => KINDS[g].kind)].sort();
    assert.deepEqual(made, Object.keys(KIND_MODULES).sort());
  });

  it("everyKindArgs: one run of each kind's generator, with the name given and the kind's options", () => {
    const names = Object.fromEntries(ADDED_KINDS.map((g) => [g, `n_${g}`])) as Record<AddedKind, string>;
    const runs = everyKindArgs(names);
    assert.deepEqual(runs.map((r) => r[0]), ADDED_KINDS);
    for (const [g, ...rest] of runs) assert.deepEqual(rest, ['--name', `n_${g}`, ...EVERY_KIND[g as AddedKind]]);
  });
});
