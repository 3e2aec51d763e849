/** The combination helpers the tests pick --features values with (test/support/subsets.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PCI_FEATURES, validatePciFeatures } from '../../generators/pci/questions.js';
import { pairwise, subsets } from '../support/subsets.js';

/** Every on/off state of every pair of `items` in `sets`, as text. */
function states(sets: readonly (readonly string[])[], items: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const s of sets) {
    for (const a of items) for (const b of items) if (a < b) out.add(`${a}=${s.includes(a)} ${b}=${s.includes(b)}`);
  }
  return out;
}

describe('pairwise', () => {
  const names = PCI_FEATURES.map((f) => f.value);
  const accepted = subsets(names).filter((s) => validatePciFeatures(s.length ? s.join(',') : 'none') === true);

  it("shows every pair of pci's parts in every on/off state its accepted combinations show, with fewer of them", () => {
    const chosen = pairwise(accepted, names);
    assert.deepEqual(states(chosen, names), states(accepted, names));
    assert.ok(chosen.length < accepted.length / 2, `${chosen.length} of ${accepted.length}`);
    for (const s of chosen) assert.ok(accepted.some((a) => a.join() === s.join()), `${s.join()} is accepted`);
  });

  it('keeps the first and the last (none and all) and the given order', () => {
    const all = subsets(['a', 'b', 'c', 'd']);
    const chosen = pairwise(all, ['a', 'b', 'c', 'd']);
    assert.deepEqual(chosen[0], []);
    assert.deepEqual(chosen.at(-1), ['a', 'b', 'c', 'd']);
    const at = chosen.map((s) => all.findIndex((a) => a.join() === s.join()));
    assert.deepEqual(at, [...at].sort((x, y) => x - y));
  });

  it('takes a combination that alone shows a state', () => {
    // Only {b} shows a off with b on.
    const sets = [[], ['a'], ['a', 'b'], ['b']];
    assert.ok(pairwise(sets, ['a', 'b']).some((s) => s.join() === 'b'));
  });
});
