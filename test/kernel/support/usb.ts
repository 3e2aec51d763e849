/**
 * kmod:usb in the kernel suite: the driver of the main project, and the
 * scenario that connects it to a real USB device inside the guest: the
 * kernel's dummy_hcd (a host and a device controller in one kernel) with a
 * configfs gadget made of the Loopback function (usb_f_ss_lb, 1a0a:badd),
 * which sends back what it receives. Data moves through the generated
 * test program; the device is unplugged (the gadget's UDC emptied) and
 * de-authorized while the node is open; system sleep; load cycles.
 */
import assert from 'node:assert/strict';
import { dyndbg, dyndbgOn } from './pci.js';
import { GUEST_KO, GUEST_TOOLS, GUEST_STRESS, stepOf, type ScenarioResult } from './qemu.js';
import type { Load, ScenarioSpec } from './variants.js';

export const USB = 'usb_lb';
export const USB_KOS = [USB];
export const USB_TOOLS = [`tools/${USB}_test`];

export function usbGenerateArgs(): string[][] {
  return [['usb', '--name', USB, '--interface-class', '0xff']];
}

const M = GUEST_KO;
const T = GUEST_TOOLS;
const STRESS = GUEST_STRESS;
const G = '/sys/kernel/config/usb_gadget/kmodlb';
const NODE = `/dev/${USB}0`;
/**
 * Plug the gadget in again with a fresh Loopback function: f_loopback copies
 * its descriptors on every bind but frees them only with the function, so
 * binding the same function twice leaks them (kmemleak on the debug kernel
 * reports it, inside libcomposite). Re-linking it into the configuration
 * frees the old function and allocates a new one.
 */
const REPLUG = `sh -c 'rm ${G}/configs/c.1/Loopback.0 && ln -s ${G}/functions/Loopback.0 ${G}/configs/c.1/ && ls /sys/class/udc >${G}/UDC'`;
/**
 * The test program holds the node open until SIGUSR1 (sent once the device
 * is gone; at most 60 s), then writes once and says what it got. A fixed
 * hold raced the steps between on a loaded debug kernel.
 */
const HOLD_START = `sh -c '${T}/${USB}_test hold ${NODE} 60 >/tmp/usb.hold 2>&1 & echo $! >/tmp/usb.pid'`;
const HOLD_END = `sh -c 'kill -USR1 $(cat /tmp/usb.pid); while kill -0 $(cat /tmp/usb.pid) 2>/dev/null; do usleep 100000; done; cat /tmp/usb.hold'`;

/**
 * Steps `p_*`: a program holds the node open while `off` disconnects the
 * device (`during` runs meanwhile); the node goes and the program's write
 * gets ENODEV; `on` connects it again and data moves.
 */
function whileOpen(p: string, during: string, off: string, on: string): string {
  return `step ${p}_hold ${HOLD_START}
step ${p}_held waitgrep holding /tmp/usb.hold
${during}
step ${p}_off ${off}
step ${p}_gone waitfor ${NODE} absent
step ${p}_hold_end ${HOLD_END}
step ${p}_on ${on}
step ${p}_node waitfor ${NODE}
step ${p}_roundtrip ${T}/${USB}_test roundtrip ${NODE}`;
}

function checkWhileOpen(r: ScenarioResult, p: string, what: string): void {
  const s = (name: string) => stepOf(r, `${p}_${name}`);
  const out = (name: string) => s(name).out.join('\n');
  assert.match(out('held'), new RegExp(`holding ${NODE} open`));
  for (const name of ['off', 'gone', 'on', 'node']) assert.equal(s(name).rc, 0, `${p}_${name}: ${out(name)}`);
  assert.match(out('hold_end'), /^write after hold: No such device$/m, `${what} while open: the open file gets ENODEV`);
  assert.match(out('roundtrip'), /^RESULT PASS /m, out('roundtrip'));
}

function script(load: Load): string {
  const cycles = Math.max(2, Math.round(load.cycles / 10));
  return `
# waitfor PATH [absent]: up to 10 s for PATH to appear (or to go).
waitfor() {
  for i in $(seq 100); do
    if [ "$2" = absent ]; then [ -e "$1" ] || return 0; else [ -e "$1" ] && return 0; fi
    usleep 100000
  done
  echo "waitfor: $1 $2 timed out"
  return 1
}
# usbdev: the Loopback gadget's device folder (a new one after each re-enumeration).
usbdev() {
  for d in /sys/bus/usb/devices/*; do
    [ "$(cat $d/idVendor 2>/dev/null):$(cat $d/idProduct 2>/dev/null)" = 1a0a:badd ] && echo $d
  done
}
step hcd intree dummy_hcd
step composite intree libcomposite
step loopback intree usb_f_ss_lb
step configfs sh -c 'grep -q configfs /proc/mounts || mount -t configfs none /sys/kernel/config'
step gadget sh -c 'mkdir ${G} && echo 0x1a0a >${G}/idVendor && echo 0xbadd >${G}/idProduct && mkdir ${G}/strings/0x409 && echo kmod >${G}/strings/0x409/manufacturer && echo loopback >${G}/strings/0x409/product && mkdir ${G}/configs/c.1 ${G}/functions/Loopback.0 && ln -s ${G}/functions/Loopback.0 ${G}/configs/c.1/ && ls /sys/class/udc'
step load insmod ${M}/${USB}.ko
step plug sh -c 'ls /sys/class/udc >${G}/UDC'
step node waitfor ${NODE}
export USBDEV=$(usbdev)
step bound sh -c 'readlink $USBDEV:1.0/driver; cat $USBDEV/speed'
step selftest ${T}/${USB}_test selftest ${NODE}
${whileOpen('plug', `step unload_busy rmmod ${USB}`, `sh -c 'echo >${G}/UDC'`, REPLUG)}
USBDEV=$(usbdev)
${whileOpen('auth', '', `sh -c 'echo 0 >$USBDEV/authorized'`, `sh -c 'echo 1 >$USBDEV/authorized'`)}
step dyndbg ${dyndbg(USB)}
step pm_cycle sh -c 'echo 0 >/sys/module/suspend/parameters/pm_test_delay; echo devices >/sys/power/pm_test && echo freeze >/sys/power/state; rc=$?; echo none >/sys/power/pm_test; exit $rc'
step pm_messages sh -c 'dmesg | grep -E "${USB} [0-9-]+:1\\.0: (suspend|resume)$"'
step pm_roundtrip ${T}/${USB}_test roundtrip ${NODE}
step unload rmmod ${USB}
step unbound sh -c 'test -e $USBDEV:1.0/driver'
step modcycle ${STRESS} modcycle ${M}/${USB}.ko ${USB} ${cycles}
step final_load insmod ${M}/${USB}.ko
step final_node waitfor ${NODE}
step final_roundtrip ${T}/${USB}_test roundtrip ${NODE}
step unplug sh -c 'echo >${G}/UDC'
step final_unload rmmod ${USB}
step teardown sh -c 'rm ${G}/configs/c.1/Loopback.0 && rmdir ${G}/configs/c.1 ${G}/functions/Loopback.0 ${G}/strings/0x409 ${G}'
step gadget_unload sh -c 'rmmod usb_f_ss_lb; rmmod dummy_hcd'
`;
}

function check(r: ScenarioResult): void {
  const s = (name: string) => stepOf(r, name);
  const out = (name: string) => s(name).out.join('\n');
  const ok = (name: string) => assert.equal(s(name).rc, 0, `${name}: ${out(name)}`);
  for (const name of ['hcd', 'composite', 'loopback', 'configfs']) ok(name);
  ok('gadget');
  assert.match(out('gadget'), /^dummy_udc\.\d+$/m, 'the dummy UDC');
  ok('load');
  ok('plug');
  ok('node');
  ok('bound');
  assert.match(s('bound').out[0] ?? '', new RegExp(`/drivers/${USB}$`), `the Loopback interface bound to ${USB}`);
  assert.equal(s('bound').out[1], '480', 'a high-speed device');
  ok('selftest');
  assert.match(out('selftest'), /^PASS round_trip_4096$/m);
  assert.match(out('selftest'), /^PASS read_times_out$/m);
  assert.match(out('selftest'), /^RESULT PASS \(0 failed\)$/m, out('selftest'));
  checkWhileOpen(r, 'plug', 'unplugged (UDC emptied)');
  assert.notEqual(s('unload_busy').rc, 0, 'rmmod refused while the node is open');
  checkWhileOpen(r, 'auth', 'authorized=0');
  ok('pm_cycle');
  // Debug messages: there where the kernel has dynamic debug (turned on for the module), else not at all.
  assert.deepEqual(
    s('pm_messages').out.map((l) => l.replace(/^\[[^\]]*\]\s*/, '').replace(/ \S+: /, ' INTF: ')),
    dyndbgOn(r) ? [`${USB} INTF: suspend`, `${USB} INTF: resume`] : [],
  );
  assert.match(out('pm_roundtrip'), /^RESULT PASS /m, 'data moves after resume');
  ok('unload');
  assert.notEqual(s('unbound').rc, 0, 'rmmod with the device plugged unbinds it');
  ok('modcycle');
  assert.match(out('modcycle'), /^RESULT PASS /m, out('modcycle'));
  ok('final_load');
  ok('final_node');
  assert.match(out('final_roundtrip'), /^RESULT PASS /m);
  ok('unplug');
  ok('final_unload');
  ok('teardown');
  ok('gadget_unload');
}

export const usbScenario: ScenarioSpec = {
  id: 'usb',
  variant: 'usb (dummy_hcd + Loopback gadget)',
  inTree: ['dummy_hcd', 'libcomposite', 'usb_f_ss_lb'],
  title: 'usb: on dummy_hcd with a configfs Loopback gadget, round trips through /dev, unplug and authorized=0 while open, system sleep, cycles',
  script: (_seed, load) => script(load),
  check,
};
