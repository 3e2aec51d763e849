/**
 * Combinations of a kind's optional parts, not only the ones the QEMU
 * scenarios use: a helper that only one part calls is unused (a warning)
 * when that part is off, one that two parts share when both are. The
 * generator's own rules say which combinations it accepts (36 for kmod:pci,
 * 16 for kmod:platform, 32 for kmod:block, 16 for kmod:hid); of those, the
 * ones that between them show every pair of parts in every on/off state
 * (pairwise, test/support/subsets.ts), none and all among them, each become
 * a module of one project, built the way users build (make -jN W=1 C=1)
 * against the newest installed Debian kernel; every accepted combination
 * passes checkpatch --strict (the unit suite renders them all).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { PCI_FEATURES, validatePciFeatures } from '../../generators/pci/questions.js';
import { PLATFORM_FEATURES } from '../../generators/platform/questions.js';
import { BLOCK_FEATURE_NAMES } from '../../generators/block/questions.js';
import { HID_FEATURE_NAMES } from '../../generators/hid/questions.js';
import { checkpatch } from './support/checkpatch.js';
import { withKernelEnv } from './support/gate.js';
import { assertCleanBuild, generate, strictBuild } from './support/kbuild.js';
import { pairwise, subsets } from '../support/subsets.js';

const feature = (s: readonly string[]): string => (s.length ? s.join(',') : 'none');

/** --features values for every subset of `names` that `accepts` allows, and the pairwise few of them that are built. */
function combinations(names: readonly string[], accepts: (value: string) => boolean): { all: string[]; built: string[] } {
  const accepted = subsets(names).filter((s) => accepts(feature(s)));
  return { all: accepted.map(feature), built: pairwise(accepted, names).map(feature) };
}

withKernelEnv('every combination of optional parts', (env) => {
  const kernel = [...env.debianKernels].sort((a, b) => a.line.localeCompare(b.line, undefined, { numeric: true })).at(-1);
  assert.ok(kernel, 'an installed Debian kernel');
  const dir = generate(['--name', 'hello']);
  const kinds = [
    { kind: 'pci', prefix: 'pcif', values: combinations(PCI_FEATURES.map((f) => f.value), (v) => validatePciFeatures(v) === true), extra: [] as string[] },
    { kind: 'platform', prefix: 'platf', values: combinations(PLATFORM_FEATURES.map((f) => f.value), () => true), extra: ['_testdev'] },
    { kind: 'block', prefix: 'blkf', values: combinations(BLOCK_FEATURE_NAMES, () => true), extra: [] as string[] },
    { kind: 'hid', prefix: 'hidf', values: combinations(HID_FEATURE_NAMES, () => true), extra: [] as string[] },
  ].map((k) => {
    const modules = k.values.all.map((features, i) => {
      const name = `${k.prefix}${i}`;
      generate([k.kind, '--name', name, '--features', features], dir);
      return { name, built: k.values.built.includes(features) };
    });
    const sources = (ms: typeof modules) => ms.flatMap((m) => [m.name, ...k.extra.map((e) => `${m.name}${e}`)]);
    return { ...k, sources: sources(modules), builtSources: sources(modules.filter((m) => m.built)) };
  });
  // Only the pairwise few are built (Kbuild's obj-m lists every module the generator added).
  const kbuild = path.join(dir, 'Kbuild');
  const unbuilt = new Set(kinds.flatMap((k) => k.sources.filter((m) => !k.builtSources.includes(m))));
  writeFileSync(kbuild, readFileSync(kbuild, 'utf8').split('\n').filter((l) => !unbuilt.has(/^obj-\S* \+= (\w+)\.o$/.exec(l)?.[1] ?? '')).join('\n'));
  const build = strictBuild(dir, kernel);
  build.catch(() => undefined);

  for (const k of kinds) {
    it(`${k.kind}: ${k.values.built.length} of the ${k.values.all.length} accepted --features combinations (every pair of parts on and off; none, all) build with make -jN W=1 C=1 on ${kernel.line}, no warning`, async () => {
      const b = await build;
      const log = `${b.stdout}${b.stderr}`;
      assert.equal(b.status, 0, log);
      assertCleanBuild(log, k.builtSources);
    });
    it(`${k.kind}: all ${k.values.all.length} accepted combinations pass checkpatch --strict`, () => {
      const r = checkpatch(env.checkpatch, dir, k.sources.map((s) => `${s}.c`));
      assert.ok(r.clean, r.report);
    });
  }
});
