/**
 * Every combination of a kind's optional parts, not only the ones the QEMU
 * scenarios use: a helper that only one part calls is unused (a warning)
 * when that part is off. The generator's own rules say which combinations it
 * accepts (36 for kmod:pci, 16 for kmod:platform, 32 for kmod:block, 16 for kmod:hid); each
 * becomes a module of one project, built the way users build (make -jN W=1
 * C=1) against the newest installed Debian kernel, and every source passes
 * checkpatch --strict.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PCI_FEATURES, validatePciFeatures } from '../../generators/pci/questions.js';
import { PLATFORM_FEATURES } from '../../generators/platform/questions.js';
import { BLOCK_FEATURE_NAMES } from '../../generators/block/questions.js';
import { HID_FEATURE_NAMES } from '../../generators/hid/questions.js';
import { checkpatch } from './support/checkpatch.js';
import { withKernelEnv } from './support/gate.js';
import { assertCleanBuild, generate, strictBuild } from './support/kbuild.js';
import { subsets } from '../support/subsets.js';

/** --features values for every subset of `names` that `accepts` allows. */
function combinations(names: readonly string[], accepts: (value: string) => boolean): string[] {
  return subsets(names)
    .map((s) => (s.length ? s.join(',') : 'none'))
    .filter(accepts);
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
    const modules = k.values.map((features, i) => {
      const name = `${k.prefix}${i}`;
      generate([k.kind, '--name', name, '--features', features], dir);
      return name;
    });
    return { ...k, modules, sources: modules.flatMap((m) => [m, ...k.extra.map((e) => `${m}${e}`)]) };
  });
  const build = strictBuild(dir, kernel);
  build.catch(() => undefined);

  for (const k of kinds) {
    it(`${k.kind}: all ${k.values.length} accepted --features combinations build with make -jN W=1 C=1 on ${kernel.line}, no warning`, async () => {
      const b = await build;
      const log = `${b.stdout}${b.stderr}`;
      assert.equal(b.status, 0, log);
      assertCleanBuild(log, k.sources);
    });
    it(`${k.kind}: every combination passes checkpatch --strict`, () => {
      const r = checkpatch(env.checkpatch, dir, k.sources.map((s) => `${s}.c`));
      assert.ok(r.clean, r.report);
    });
  }
});
