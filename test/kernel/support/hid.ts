/**
 * kmod:hid in the kernel suite: the driver of the main project (every
 * optional part, USB IDs of the generated test device), and the scenario
 * that runs it on a HID device made inside the guest with uhid by the
 * generated test program: the selftest (binding instead of hid-generic, the
 * fixed descriptor, evdev events, hwmon readings, the limit as a feature
 * report, hostile reports, removal while a limit read waits), then a held
 * device while the driver is unbound, bound, unloaded (hid-generic takes
 * the device) and loaded again, in cycles. On the debug kernel KASAN sees
 * every read of the hostile reports.
 */
import assert from 'node:assert/strict';
import { GUEST_KO, GUEST_TOOLS, stepOf, type ScenarioResult } from './qemu.js';
import type { Load, ScenarioSpec } from './variants.js';

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

const M = GUEST_KO;
const T = GUEST_TOOLS;
const DRV = `/sys/bus/hid/drivers/${HID}`;

function cyclesOf(load: Load): number {
  return Math.max(2, Math.round(load.cycles / 10));
}

function script(load: Load): string {
  const dev = '/sys/bus/hid/devices/$D';
  return `
step uhid intree uhid
step generic intree hid-generic
step evdev intree evdev
step load insmod ${M}/${HID}.ko
step selftest ${T}/${HID}_test selftest
step hold sh -c '${T}/${HID}_test hold 300 >/tmp/hid.hold 2>&1 & echo $! >/tmp/hid.pid'
step held waitgrep holding /tmp/hid.hold
export D=$(sed -n 's/^holding //p' /tmp/hid.hold)
step rebind sh -c 'echo $D >${DRV}/unbind && test ! -e ${dev}/driver && echo $D >${DRV}/bind && readlink ${dev}/driver'
step unload_bound rmmod ${HID}
step generic_took_it readlink ${dev}/driver
step reload sh -c 'insmod ${M}/${HID}.ko && readlink ${dev}/driver'
step cycles sh -c 'for i in $(seq ${cyclesOf(load)}); do echo $D >${DRV}/unbind && echo $D >${DRV}/bind && rmmod ${HID} && insmod ${M}/${HID}.ko && readlink ${dev}/driver | grep -q /${HID}$ || exit 1; done'
step hold_end sh -c 'kill -USR1 $(cat /tmp/hid.pid); while kill -0 $(cat /tmp/hid.pid) 2>/dev/null; do usleep 100000; done; cat /tmp/hid.hold'
step unload rmmod ${HID}
step uhid_unload rmmod uhid
`;
}

function check(r: ScenarioResult, load: Load): void {
  const s = (name: string) => stepOf(r, name);
  const out = (name: string) => s(name).out.join('\n');
  const ok = (name: string) => assert.equal(s(name).rc, 0, `${name}: ${out(name)}`);
  for (const name of ['uhid', 'generic', 'evdev', 'load']) ok(name);
  ok('selftest');
  for (const c of HID_SELFTEST_CHECKS) assert.match(out('selftest'), new RegExp(`^PASS ${c}$`, 'm'), `${c}\n${out('selftest')}`);
  assert.match(out('selftest'), /^RESULT PASS \(0 failed\)$/m);
  ok('held');
  ok('rebind');
  assert.match(out('rebind'), new RegExp(`/${HID}$`), 'bound again after unbind and bind');
  ok('unload_bound');
  assert.match(out('generic_took_it'), /\/hid-generic$/, 'rmmod with the device bound: hid-generic takes it');
  ok('reload');
  assert.match(out('reload'), new RegExp(`/${HID}$`), 'loaded again, it takes the device back from hid-generic');
  ok('cycles');
  // Each bind opens the device, each unbind closes it: one open left at the end.
  const cycles = cyclesOf(load);
  assert.match(out('hold_end'), new RegExp(`^bound to ${HID} at the end; opened ${3 + 2 * cycles} closed ${2 + 2 * cycles}$`, 'm'), out('hold_end'));
  ok('unload');
  ok('uhid_unload');
}

export const hidScenario: ScenarioSpec = {
  id: 'hid',
  variant: 'hid (uhid test device)',
  inTree: ['uhid', 'hid-generic', 'evdev'],
  title: 'hid: on a uhid device, binds over hid-generic, events, hwmon, limit, hostile reports, removal while waiting, unbind/rmmod/load cycles',
  script: (_seed, load) => script(load),
  check,
};
