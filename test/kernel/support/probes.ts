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
  /** The API, and the form's place among the API's forms (1: tried first). */
  api: string;
  rank: number;
  /** First release with the form (undefined: older than any kernel here). */
  since?: Version;
  /** First release without it (undefined: still there in the newest). */
  until?: Version;
}

export const FORMS: Record<string, Form> = {
  KMOD_HAVE_DEFINE_SIMPLE_DEV_PM_OPS: { api: 'simple_dev_pm_ops', rank: 1, since: [5, 17] },
  KMOD_HAVE_SIMPLE_DEV_PM_OPS: { api: 'simple_dev_pm_ops', rank: 2 },
  KMOD_HAVE_CLASS_CREATE_NAME_ONLY: { api: 'class_create', rank: 1, since: [6, 4] },
  KMOD_HAVE_CLASS_CREATE_OWNER: { api: 'class_create', rank: 2, until: [6, 4] },
  KMOD_HAVE_PLATFORM_REMOVE_VOID: { api: 'platform_remove', rank: 1, since: [6, 11] },
  KMOD_HAVE_PLATFORM_REMOVE_INT: { api: 'platform_remove', rank: 2, until: [6, 11] },
  KMOD_HAVE_PCI_DRIVER_DEV_GROUPS: { api: 'pci_dev_groups', rank: 1, since: [5, 14] },
  KMOD_HAVE_PCI_DRIVER_DRIVER_DEV_GROUPS: { api: 'pci_dev_groups', rank: 2 },
  KMOD_HAVE_PCI_IRQ_INTX: { api: 'pci_irq_intx', rank: 1, since: [6, 8] },
  KMOD_HAVE_PCI_IRQ_LEGACY: { api: 'pci_irq_intx', rank: 2, until: [6, 10] },
  KMOD_HAVE_PCIM_IOMAP_REGION: { api: 'pcim_iomap', rank: 1, since: [6, 12] },
  KMOD_HAVE_PCIM_IOMAP_REGIONS: { api: 'pcim_iomap', rank: 2 },
  KMOD_HAVE_I2C_PROBE_CLIENT_ONLY: { api: 'i2c_probe', rank: 1, since: [6, 3] },
  KMOD_HAVE_I2C_PROBE_NEW: { api: 'i2c_probe', rank: 2, until: [6, 6] },
  KMOD_HAVE_HWMON_CONST_INFO: { api: 'hwmon_info', rank: 1, since: [6, 4] },
  KMOD_HAVE_HWMON_INFO: { api: 'hwmon_info', rank: 2 },
  KMOD_HAVE_REGCACHE_MAPLE: { api: 'regcache', rank: 1, since: [6, 4] },
  KMOD_HAVE_REGCACHE_RBTREE: { api: 'regcache', rank: 2 },
  KMOD_HAVE_U64_STATS_FETCH_BEGIN_IRQ: { api: 'u64_stats_fetch', rank: 1, until: [6, 3] },
  KMOD_HAVE_U64_STATS_FETCH_BEGIN: { api: 'u64_stats_fetch', rank: 2 },
  KMOD_HAVE_HID_REPORT_FIXUP_CONST: { api: 'hid_report_fixup', rank: 1, since: [6, 12] },
  KMOD_HAVE_HID_REPORT_FIXUP: { api: 'hid_report_fixup', rank: 2, until: [6, 12] },
  KMOD_HAVE_LINUX_UNALIGNED_H: { api: 'unaligned', rank: 1, since: [6, 12] },
  KMOD_HAVE_ASM_UNALIGNED_H: { api: 'unaligned', rank: 2, until: [6, 12] },
  // The block driver's (kmod:block).
  KMOD_HAVE_BLK_MQ_ALLOC_DISK_LIM: { api: 'blk_mq_alloc_disk', rank: 1, since: [6, 9] },
  KMOD_HAVE_BLK_MQ_ALLOC_DISK: { api: 'blk_mq_alloc_disk', rank: 2, since: [5, 14], until: [6, 9] },
  KMOD_HAVE_BLK_MQ_INIT_QUEUE_ALLOC_DISK: { api: 'blk_mq_alloc_disk', rank: 3, until: [5, 15] },
  KMOD_HAVE_BLK_CLEANUP_DISK: { api: 'blk_cleanup_disk', rank: 1, since: [5, 14], until: [6, 0] },
  KMOD_HAVE_PUT_DISK: { api: 'blk_cleanup_disk', rank: 2 },
  KMOD_HAVE_DEVICE_ADD_DISK_INT: { api: 'add_disk', rank: 1, since: [5, 15] },
  KMOD_HAVE_DEVICE_ADD_DISK_VOID: { api: 'add_disk', rank: 2, until: [5, 15] },
  KMOD_HAVE_BLK_FEAT_WRITE_CACHE: { api: 'blk_features', rank: 1, since: [6, 11] },
  KMOD_HAVE_BLK_QUEUE_WRITE_CACHE: { api: 'blk_features', rank: 2, until: [6, 11] },
  KMOD_HAVE_QUEUE_FLAG_DISCARD: { api: 'queue_flag_discard', rank: 1, until: [5, 19] },
  KMOD_HAVE_MAX_HW_DISCARD_SECTORS: { api: 'queue_flag_discard', rank: 2 },
  KMOD_HAVE_GENHD_FL_NO_PART: { api: 'genhd_no_part', rank: 1, since: [5, 17] },
  KMOD_HAVE_GENHD_FL_NO_PART_SCAN: { api: 'genhd_no_part', rank: 2, until: [5, 17] },
  KMOD_HAVE_KMAP_LOCAL_PAGE: { api: 'kmap_local', rank: 1, since: [5, 11] },
  KMOD_HAVE_KMAP_ATOMIC: { api: 'kmap_local', rank: 2 },
  // The V4L2 driver's (kmod:v4l2): videobuf2 drops vb2_queue.lock itself since 6.11; the callbacks went in 6.16.
  KMOD_HAVE_VB2_OPS_WAIT_PREPARE: { api: 'vb2_wait_prepare', rank: 1, until: [6, 16] },
  KMOD_HAVE_VB2_QUEUE_LOCK: { api: 'vb2_wait_prepare', rank: 2 },
};

/** A probe's result: compiled and used, did not compile, or compiled but not used because a form before it compiled. */
export type Result = 'yes' | 'no' | 'skipped';

/** "6.12.118+deb12-amd64" -> [6, 12]. */
export function versionOf(release: string): Version {
  const m = /^(\d+)\.(\d+)/.exec(release);
  assert.ok(m, `a version in ${release}`);
  return [Number(m[1]), Number(m[2])];
}

const before = (a: Version, b: Version) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** Whether mainline release `v` has the form. */
function has(macro: string, v: Version): boolean {
  const f = FORMS[macro];
  assert.ok(f, `${macro} is a known form`);
  return (!f.since || !before(v, f.since)) && (!f.until || before(v, f.until));
}

/** The probe's result on mainline release `v`: skipped when it is there but a form before it is too. */
export function expected(macro: string, v: Version): Result {
  const f = FORMS[macro] as Form;
  if (!has(macro, v)) return 'no';
  const earlier = Object.keys(FORMS).filter((m) => FORMS[m]?.api === f.api && (FORMS[m]?.rank ?? 0) < f.rank);
  return earlier.some((m) => has(m, v)) ? 'skipped' : 'yes';
}

/** The project's probe results for one kernel tree. */
export function probeResults(dir: string): Map<string, Result> {
  const root = path.join(dir, '.kmod-probes');
  const keys = readdirSync(root);
  assert.equal(keys.length, 1, `one kernel tree probed in ${root}: ${keys.join(' ')}`);
  const header = readFileSync(path.join(root, keys[0] as string, 'kmod_probes.h'), 'utf8');
  const results = new Map<string, Result>();
  for (const m of header.matchAll(/^#define (KMOD_HAVE_\w+) 1$/gm)) results.set(m[1] as string, 'yes');
  for (const m of header.matchAll(/^\/\* (KMOD_HAVE_\w+): not in this kernel \*\/$/gm)) results.set(m[1] as string, 'no');
  for (const m of header.matchAll(/^\/\* (KMOD_HAVE_\w+): not used, a form before it is there \*\/$/gm)) results.set(m[1] as string, 'skipped');
  return results;
}

/** Every probe of the project decided as the kernel's version says (mainline kernels only; a Kernel or an ArmKernel). */
export function assertProbes(dir: string, kernel: Pick<Kernel, 'label' | 'release'>): void {
  const results = probeResults(dir);
  assert.deepEqual([...results.keys()].sort(), Object.keys(FORMS).sort(), 'every form was probed');
  const v = versionOf(kernel.release);
  const wrong = [...results].filter(([macro, got]) => got !== expected(macro, v)).map(([m, got]) => `${m}: ${got}, not ${expected(m, v)}`);
  assert.deepEqual(wrong, [], `probes of ${kernel.label} (${kernel.release})`);
}
