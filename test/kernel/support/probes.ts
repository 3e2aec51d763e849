/**
 * What the generated projects' kernel API probes (probes/<form>.c, see
 * templates/app/project/probes/) must find in each kernel the suite has:
 * for every form, the first upstream release that has it and the first
 * that no longer does (the mainline history; a vendor kernel may differ,
 * which is what the probes are for: test/kernel/probes.test.ts makes such
 * trees). The main project of the matrix uses every probe.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Kernel } from './kernels.js';

type Version = readonly [number, number];

interface Form {
  /** First release with the form (undefined: older than any kernel here). */
  since?: Version;
  /** First release without it (undefined: still there in the newest). */
  until?: Version;
}

export const FORMS: Record<string, Form> = {
  KMOD_HAVE_DEFINE_SIMPLE_DEV_PM_OPS: { since: [5, 17] },
  KMOD_HAVE_SIMPLE_DEV_PM_OPS: {},
  KMOD_HAVE_CLASS_CREATE_NAME_ONLY: { since: [6, 4] },
  KMOD_HAVE_CLASS_CREATE_OWNER: { until: [6, 4] },
  KMOD_HAVE_PLATFORM_REMOVE_VOID: { since: [6, 11] },
  KMOD_HAVE_PLATFORM_REMOVE_INT: { until: [6, 11] },
  KMOD_HAVE_PCI_DRIVER_DEV_GROUPS: { since: [5, 14] },
  KMOD_HAVE_PCI_DRIVER_DRIVER_DEV_GROUPS: {},
  KMOD_HAVE_PCI_IRQ_INTX: { since: [6, 8] },
  KMOD_HAVE_PCI_IRQ_LEGACY: { until: [6, 10] },
  KMOD_HAVE_PCIM_IOMAP_REGION: { since: [6, 12] },
  KMOD_HAVE_PCIM_IOMAP_REGIONS: {},
  KMOD_HAVE_I2C_PROBE_CLIENT_ONLY: { since: [6, 3] },
  KMOD_HAVE_I2C_PROBE_NEW: { until: [6, 6] },
  KMOD_HAVE_HWMON_CONST_INFO: { since: [6, 4] },
  KMOD_HAVE_HWMON_INFO: {},
  KMOD_HAVE_REGCACHE_MAPLE: { since: [6, 4] },
  KMOD_HAVE_REGCACHE_RBTREE: {},
  KMOD_HAVE_U64_STATS_FETCH_BEGIN_IRQ: { until: [6, 3] },
  KMOD_HAVE_U64_STATS_FETCH_BEGIN: {},
};

/** "6.12.118+deb12-amd64" -> [6, 12]. */
export function versionOf(release: string): Version {
  const m = /^(\d+)\.(\d+)/.exec(release);
  assert.ok(m, `a version in ${release}`);
  return [Number(m[1]), Number(m[2])];
}

const before = (a: Version, b: Version) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** Whether mainline release `v` has the form. */
export function expected(macro: string, v: Version): boolean {
  const f = FORMS[macro];
  assert.ok(f, `${macro} is a known form`);
  return (!f.since || !before(v, f.since)) && (!f.until || before(v, f.until));
}

/** The project's probe results for one kernel tree: macro -> compiled. */
export function probeResults(dir: string): Map<string, boolean> {
  const root = path.join(dir, '.kmod-probes');
  const keys = readdirSync(root);
  assert.equal(keys.length, 1, `one kernel tree probed in ${root}: ${keys.join(' ')}`);
  const header = readFileSync(path.join(root, keys[0] as string, 'kmod_probes.h'), 'utf8');
  const results = new Map<string, boolean>();
  for (const m of header.matchAll(/^#define (KMOD_HAVE_\w+) 1$/gm)) results.set(m[1] as string, true);
  for (const m of header.matchAll(/^\/\* (KMOD_HAVE_\w+): not in this kernel \*\/$/gm)) results.set(m[1] as string, false);
  return results;
}

/** Every probe of the project decided as the kernel's version says (mainline kernels only). */
export function assertProbes(dir: string, kernel: Kernel): void {
  const results = probeResults(dir);
  assert.deepEqual([...results.keys()].sort(), Object.keys(FORMS).sort(), 'every form was probed');
  const v = versionOf(kernel.release);
  const wrong = [...results].filter(([macro, got]) => got !== expected(macro, v)).map(([m, got]) => `${m}: ${got ? 'found' : 'not found'}`);
  assert.deepEqual(wrong, [], `probes of ${kernel.label} (${kernel.release})`);
}
