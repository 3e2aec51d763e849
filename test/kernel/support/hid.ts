/**
 * kmod:hid in the kernel suite: the driver of the main project (every
 * optional part, USB IDs of the generated test device). Its proof is the
 * project's own make vmtest test (tests/hid_vnd.sh) on every kernel, the
 * debug kernel's too (where KASAN sees every read of the hostile reports):
 * a HID device made inside the guest with uhid by the generated test
 * program, the selftest (binding instead of hid-generic, the fixed
 * descriptor, evdev events, hwmon readings, the limit as a feature report,
 * hostile reports, removal while a limit read waits), then a held device
 * while the driver is unbound, bound, unloaded (hid-generic takes it) and
 * loaded again, in cycles. The suite checks that the selftest ran every one
 * of its checks.
 */
import assert from 'node:assert/strict';
import type { ScenarioResult } from './qemu.js';

export const HID = 'hid_vnd';
export const HID_KOS = [HID];
export const HID_TOOLS = [`tools/${HID}_test`];

export function hidGenerateArgs(): string[][] {
  return [['hid', '--name', HID]];
}

/** Every check of the generated selftest with the default parts: each must print PASS. */
export const HID_SELFTEST_CHECKS = [
  `bound_to_${HID}_and_opened`, 'descriptor_fixed', 'input_device', 'hwmon_device', 'hwmon_name',
  'no_reading_before_a_report', 'events_of_a_report', 'temperature', 'events_of_another_report',
  'negative_temperature', 'limit_read_from_the_device', 'limit_sent_as_feature_report', 'limit_read_back',
  'limit_clamped', 'short_limit_answer_refused', 'reports_counted', 'none_dropped', 'hostile_reports_no_events',
  'hostile_reports_reading_unchanged', 'hostile_reports_not_counted', 'hostile_reports_dropped',
  'hostile_reports_log_nothing', 'events_after_hostile_reports', 'reading_after_hostile_reports',
  'removed_while_a_limit_read_waits', 'device_gone',
];

/** The selftest ran every check and each passed: the test's section of vmtest's console (check prints its output). */
export function checkHidSelftest(r: ScenarioResult | undefined): void {
  assert.ok(r?.finished, `test ${HID} ran to its end`);
  for (const c of HID_SELFTEST_CHECKS) assert.match(r.log, new RegExp(`^#   PASS ${c}$`, 'm'), `${c}\n${r.log}`);
  assert.match(r.log, /^#   RESULT PASS \(0 failed\)$/m, r.log);
}
