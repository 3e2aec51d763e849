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

/**
 * Every form: its macro, the API, its place among the API's forms (1: tried
 * first), the first release with it ('': older than any kernel here) and the
 * first without it ('': still there in the newest).
 */
const FORM_TABLE: readonly (readonly [macro: string, api: string, rank: number, since: string, until: string])[] = [
  ['KMOD_HAVE_DEFINE_SIMPLE_DEV_PM_OPS', 'simple_dev_pm_ops', 1, '5.17', ''],
  ['KMOD_HAVE_SIMPLE_DEV_PM_OPS', 'simple_dev_pm_ops', 2, '', ''],
  ['KMOD_HAVE_CLASS_CREATE_NAME_ONLY', 'class_create', 1, '6.4', ''],
  ['KMOD_HAVE_CLASS_CREATE_OWNER', 'class_create', 2, '', '6.4'],
  ['KMOD_HAVE_PLATFORM_REMOVE_VOID', 'platform_remove', 1, '6.11', ''],
  ['KMOD_HAVE_PLATFORM_REMOVE_INT', 'platform_remove', 2, '', '6.11'],
  ['KMOD_HAVE_PCI_DRIVER_DEV_GROUPS', 'pci_dev_groups', 1, '5.14', ''],
  ['KMOD_HAVE_PCI_DRIVER_DRIVER_DEV_GROUPS', 'pci_dev_groups', 2, '', ''],
  ['KMOD_HAVE_PCI_IRQ_INTX', 'pci_irq_intx', 1, '6.8', ''],
  ['KMOD_HAVE_PCI_IRQ_LEGACY', 'pci_irq_intx', 2, '', '6.10'],
  ['KMOD_HAVE_PCIM_IOMAP_REGION', 'pcim_iomap', 1, '6.12', ''],
  ['KMOD_HAVE_PCIM_IOMAP_REGIONS', 'pcim_iomap', 2, '', ''],
  ['KMOD_HAVE_I2C_PROBE_CLIENT_ONLY', 'i2c_probe', 1, '6.3', ''],
  ['KMOD_HAVE_I2C_PROBE_NEW', 'i2c_probe', 2, '', '6.6'],
  ['KMOD_HAVE_HWMON_CONST_INFO', 'hwmon_info', 1, '6.4', ''],
  ['KMOD_HAVE_HWMON_INFO', 'hwmon_info', 2, '', ''],
  ['KMOD_HAVE_REGCACHE_MAPLE', 'regcache', 1, '6.4', ''],
  ['KMOD_HAVE_REGCACHE_RBTREE', 'regcache', 2, '', ''],
  ['KMOD_HAVE_U64_STATS_FETCH_BEGIN_IRQ', 'u64_stats_fetch', 1, '', '6.3'],
  ['KMOD_HAVE_U64_STATS_FETCH_BEGIN', 'u64_stats_fetch', 2, '', ''],
  ['KMOD_HAVE_HID_REPORT_FIXUP_CONST', 'hid_report_fixup', 1, '6.12', ''],
  ['KMOD_HAVE_HID_REPORT_FIXUP', 'hid_report_fixup', 2, '', '6.12'],
  ['KMOD_HAVE_LINUX_UNALIGNED_H', 'unaligned', 1, '6.12', ''],
  ['KMOD_HAVE_ASM_UNALIGNED_H', 'unaligned', 2, '', '6.12'],
  // The block driver's (kmod:block).
  ['KMOD_HAVE_BLK_MQ_ALLOC_DISK_LIM', 'blk_mq_alloc_disk', 1, '6.9', ''],
  ['KMOD_HAVE_BLK_MQ_ALLOC_DISK', 'blk_mq_alloc_disk', 2, '5.14', '6.9'],
  ['KMOD_HAVE_BLK_MQ_INIT_QUEUE_ALLOC_DISK', 'blk_mq_alloc_disk', 3, '', '5.15'],
  ['KMOD_HAVE_BLK_CLEANUP_DISK', 'blk_cleanup_disk', 1, '5.14', '6.0'],
  ['KMOD_HAVE_PUT_DISK', 'blk_cleanup_disk', 2, '', ''],
  ['KMOD_HAVE_DEVICE_ADD_DISK_INT', 'add_disk', 1, '5.15', ''],
  ['KMOD_HAVE_DEVICE_ADD_DISK_VOID', 'add_disk', 2, '', '5.15'],
  ['KMOD_HAVE_BLK_FEAT_WRITE_CACHE', 'blk_features', 1, '6.11', ''],
  ['KMOD_HAVE_BLK_QUEUE_WRITE_CACHE', 'blk_features', 2, '', '6.11'],
  ['KMOD_HAVE_QUEUE_FLAG_DISCARD', 'queue_flag_discard', 1, '', '5.19'],
  ['KMOD_HAVE_MAX_HW_DISCARD_SECTORS', 'queue_flag_discard', 2, '', ''],
  ['KMOD_HAVE_GENHD_FL_NO_PART', 'genhd_no_part', 1, '5.17', ''],
  ['KMOD_HAVE_GENHD_FL_NO_PART_SCAN', 'genhd_no_part', 2, '', '5.17'],
  ['KMOD_HAVE_KMAP_LOCAL_PAGE', 'kmap_local', 1, '5.11', ''],
  ['KMOD_HAVE_KMAP_ATOMIC', 'kmap_local', 2, '', ''],
  // The V4L2 driver's (kmod:v4l2): videobuf2 drops vb2_queue.lock itself since 6.11; the callbacks went in 6.16.
  ['KMOD_HAVE_VB2_OPS_WAIT_PREPARE', 'vb2_wait_prepare', 1, '', '6.16'],
  ['KMOD_HAVE_VB2_QUEUE_LOCK', 'vb2_wait_prepare', 2, '', ''],
];

const release = (v: string): Version | undefined => (v ? (v.split('.').map(Number) as unknown as Version) : undefined);

export const FORMS: Record<string, Form> = Object.fromEntries(
  FORM_TABLE.map(([macro, api, rank, since, until]) => {
    const [s, u] = [release(since), release(until)];
    return [macro, { api, rank, ...(s ? { since: s } : {}), ...(u ? { until: u } : {}) }];
  }),
);

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
