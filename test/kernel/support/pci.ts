/**
 * kmod:pci in the kernel suite: the drivers the main project holds, and the
 * scenarios that drive QEMU's edu device with them, on the pc machine (every
 * boot) and on q35 behind the Intel IOMMU with interrupt remapping (a boot
 * of its own per kernel).
 *
 * Only one driver can be bound to the edu device at a time: each step loads
 * one, proves what it does, and unloads it.
 */
import assert from 'node:assert/strict';
import { type Machine, GUEST_KO, GUEST_TOOLS, GUEST_STRESS, stepOf, type ScenarioResult } from './qemu.js';
import type { Load, ScenarioSpec } from './variants.js';

/** QEMU's edu device, on the default machine of every boot. */
export const PC_EDU: Machine = { id: 'pc', args: ['-device', 'edu'] };

/**
 * An edu device behind the Intel IOMMU (DMA and interrupt remapping):
 * make vmtest's q35-iommu machine, a boot of its own per kernel.
 */
export const Q35_IOMMU_EDU: Machine = { id: 'q35-iommu', args: ['-device', 'edu'] };

const EDU_ID = '0x1234:0x11e8';
/** edu's subsystem IDs (QEMU's defaults) and class (PCI_CLASS_OTHERS), matched by pci_skel. */
const EDU_SUBSYSTEM = ['0x1af4', '0x1100'] as const;
const EDU_CLASS = '0x00ff00';

export const PCI = 'pci_edu';
/** The PCI drivers of the main project: name and generator arguments. */
export const PCI_VARIANTS: readonly [string, readonly string[]][] = [
  // edu profile, every feature: INTx/MSI, DMA with completion interrupts, sysfs, PM, /dev node.
  [PCI, []],
  // No profile (the skeleton), every feature; matches on subsystem IDs and class too.
  [
    'pci_skel',
    ['--profile', 'none', '--subvendor', EDU_SUBSYSTEM[0], '--subdevice', EDU_SUBSYSTEM[1], '--class', EDU_CLASS, '--dma-bits', '28'],
  ],
  // DMA without interrupts: completion is polled.
  ['pci_poll', ['--features', 'dma,sysfs,chardev']],
  // Nothing optional: enable, map the BAR, check the identification.
  ['pci_bare', ['--profile', 'none', '--features', 'none']],
];
export const PCI_KOS = PCI_VARIANTS.map(([n]) => n);
/** Drivers with a /dev node and its test program. */
export const PCI_TOOLS = ['pci_edu', 'pci_skel', 'pci_poll'].map((n) => `tools/${n}_test`);

/** The generator runs that add the PCI drivers to a project in `dir`. */
export function pciGenerateArgs(): string[][] {
  return PCI_VARIANTS.map(([name, args]) => ['pci', '--name', name, ...args]);
}

const M = GUEST_KO;
const T = GUEST_TOOLS;
/** A PCI address, as the drivers name their interrupts after it (driver:BDF). */
const BDF_RE = '0000:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]';

/**
 * A step that turns the module's debug messages (dev_dbg) on where the
 * kernel has dynamic debug, and says "dyndbg on" or "dyndbg off".
 */
export function dyndbg(module: string): string {
  return `sh -c 'for f in /proc/dynamic_debug/control /sys/kernel/debug/dynamic_debug/control; do [ -w $f ] && echo "module ${module} +p" >$f && echo dyndbg on && exit 0; done; echo dyndbg off'`;
}

/** Whether the step "dyndbg" turned them on. */
export function dyndbgOn(r: ScenarioResult): boolean {
  return stepOf(r, 'dyndbg').out.includes('dyndbg on');
}
const STRESS = GUEST_STRESS;
/** Finds the edu device's sysfs directory (EDU) and its address (BDF) for the steps after it. */
const FIND_EDU = `
EDU=
for d in /sys/bus/pci/devices/*; do
  [ "$(cat $d/vendor):$(cat $d/device)" = "${EDU_ID}" ] && EDU=$d
done
BDF=\${EDU##*/}
export EDU BDF
`;

/**
 * Steps for one driver with interrupts, DMA and a /dev node: what pci_edu and
 * pci_skel share. Every edu DMA transfer takes 100 ms of QEMU's clock: the
 * full selftest (about 20 transfers) runs once per driver and machine, quick
 * round trips of the whole buffer elsewhere.
 */
function deviceSteps(p: string, name: string, test: 'selftest' | 'roundtrip'): string {
  return `
step ${p}_load insmod ${M}/${name}.ko
step ${p}_driver sh -c 'readlink $EDU/driver'
step ${p}_ident sh -c 'cat $EDU/ident'
step ${p}_interrupts sh -c 'grep " ${name}:$BDF$" /proc/interrupts'
step ${p}_raise sh -c 'b=$(cat $EDU/irq_count); echo 0x5 >$EDU/raise_irq || exit 1; a=$(cat $EDU/irq_count); echo $((a - b)); cat $EDU/irq_causes'
step ${p}_raise_zero sh -c 'echo 0 >$EDU/raise_irq'
step ${p}_selftest ${T}/${name}_test ${test} /dev/${name}0
step ${p}_unload rmmod ${name}
`;
}

function checkDevice(r: ScenarioResult, p: string, name: string, irq: RegExp): void {
  const s = (step: string) => stepOf(r, `${p}_${step}`);
  const out = (step: string) => s(step).out.join('\n');
  assert.equal(s('load').rc, 0, out('load'));
  assert.match(out('driver'), new RegExp(`/drivers/${name}$`), `${name} bound to the edu device`);
  assert.equal(out('ident'), '0x010000ed', 'identification register: version 1.0, magic 0xed');
  assert.match(out('interrupts'), irq, `${name}'s interrupt in /proc/interrupts`);
  assert.equal(s('raise').rc, 0, out('raise'));
  const [delta, causes] = s('raise').out;
  assert.equal(delta, '1', 'one interrupt handled for one raised');
  assert.equal(Number(causes) & 0x5, 0x5, `the raised causes were acknowledged (${causes})`);
  assert.notEqual(s('raise_zero').rc, 0, 'raising nothing is refused');
  const selftest = out('selftest');
  assert.equal(s('selftest').rc, 0, selftest);
  if (/^INFO /m.test(selftest)) assert.match(selftest, /^INFO size=4095$/m);
  assert.match(selftest, /^PASS round_trip_whole_buffer$/m, selftest);
  assert.match(selftest, /^RESULT PASS \(0 failed\)$/m, selftest);
  assert.equal(s('unload').rc, 0, out('unload'));
}

/** Scenario steps on every machine: INTx and MSI, DMA round trips, unbind with the node open. */
function sharedScript(load: Load): string {
  // Each probe sends a DMA self-test through the device (2 x 100 ms): a twentieth of the cycles.
  const cycles = Math.max(2, Math.round(load.cycles / 20));
  return `${FIND_EDU}
step find sh -c 'echo $BDF'
${deviceSteps('msi', PCI, 'selftest')}
step intx_load insmod ${M}/${PCI}.ko msi=0
step intx_interrupts sh -c 'grep " ${PCI}:$BDF$" /proc/interrupts'
step intx_raise sh -c 'b=$(cat $EDU/irq_count); echo 0x2 >$EDU/raise_irq || exit 1; a=$(cat $EDU/irq_count); echo $((a - b))'
step intx_selftest ${T}/${PCI}_test roundtrip /dev/${PCI}0
step hold_start sh -c '${T}/${PCI}_test hold /dev/${PCI}0 60 >/tmp/pci.hold 2>&1 & echo $! >/tmp/pci.pid'
step hold_ready waitgrep holding /tmp/pci.hold
step unload_busy rmmod ${PCI}
step unbind_busy sh -c 'echo $BDF >/sys/bus/pci/drivers/${PCI}/unbind'
step node_gone test -e /dev/${PCI}0
step hold_end sh -c 'kill -USR1 $(cat /tmp/pci.pid); while kill -0 $(cat /tmp/pci.pid) 2>/dev/null; do usleep 100000; done; cat /tmp/pci.hold'
step bind sh -c 'echo $BDF >/sys/bus/pci/drivers/${PCI}/bind && readlink $EDU/driver'
step rebound_selftest ${T}/${PCI}_test roundtrip /dev/${PCI}0
step bindcycle ${STRESS} bindcycle /sys/bus/pci/drivers/${PCI} $BDF ${cycles} $EDU/ident
step intx_unload rmmod ${PCI}
step modcycle ${STRESS} modcycle ${M}/${PCI}.ko ${PCI} ${cycles}
step all_gone sh -c 'test -e /sys/module/${PCI} || test -e $EDU/driver'
`;
}

function checkShared(r: ScenarioResult, msi: RegExp, intx: RegExp): void {
  const s = (name: string) => stepOf(r, name);
  const out = (name: string) => s(name).out.join('\n');
  assert.match(out('find'), /^0000:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/, 'the edu device is on the PCI bus');
  checkDevice(r, 'msi', PCI, msi);
  assert.equal(s('intx_load').rc, 0, out('intx_load'));
  assert.match(out('intx_interrupts'), intx, 'msi=0: an INTx line');
  assert.deepEqual(s('intx_raise').out, ['1'], 'the INTx interrupt reached the handler once');
  assert.match(out('intx_selftest'), /^RESULT PASS \(0 failed\)$/m, out('intx_selftest'));
  assert.match(out('hold_ready'), /holding \/dev\/pci_edu0 open/);
  assert.notEqual(s('unload_busy').rc, 0, 'rmmod refused while /dev/pci_edu0 is open');
  assert.equal(s('unbind_busy').rc, 0, `unbind with the node open: ${out('unbind_busy')}`);
  assert.notEqual(s('node_gone').rc, 0, '/dev/pci_edu0 gone after the unbind');
  assert.match(out('hold_end'), /^read after hold: No such device$/m, 'the open file gets ENODEV after the unbind');
  assert.equal(s('bind').rc, 0, out('bind'));
  assert.match(out('bind'), /\/drivers\/pci_edu$/);
  assert.match(out('rebound_selftest'), /^RESULT PASS \(0 failed\)$/m, out('rebound_selftest'));
  const bindcycle = out('bindcycle');
  assert.equal(s('bindcycle').rc, 0, bindcycle);
  assert.match(bindcycle, /^RESULT PASS /m, bindcycle);
  assert.equal(s('intx_unload').rc, 0, out('intx_unload'));
  assert.equal(s('modcycle').rc, 0, out('modcycle'));
  assert.match(out('modcycle'), /^RESULT PASS /m, out('modcycle'));
  assert.notEqual(s('all_gone').rc, 0, 'module and binding gone');
}

const FACTORIALS: readonly [number, number][] = [
  [0, 1],
  [1, 1],
  [5, 120],
  [10, 3628800],
  [12, 479001600],
];

export const pciScenario: ScenarioSpec = {
  id: 'pci',
  variant: 'pci (edu)',
  title: 'pci: edu registers, factorial unit, MSI and INTx interrupts, DMA round trips, PM, unbind while open, every variant',
  script: (_seed, load) => `${sharedScript(load)}
step regs_load insmod ${M}/${PCI}.ko
step liveness sh -c 'echo 0x12345678 >$EDU/liveness && cat $EDU/liveness'
step factorial sh -c 'for n in ${FACTORIALS.map(([n]) => n).join(' ')}; do echo $n >$EDU/factorial || exit 1; cat $EDU/factorial; done'
step factorial_range sh -c 'echo 13 >$EDU/factorial'
step dyndbg ${dyndbg(PCI)}
step pm_cycle sh -c 'echo 0 >/sys/module/suspend/parameters/pm_test_delay; echo devices >/sys/power/pm_test && echo freeze >/sys/power/state; rc=$?; echo none >/sys/power/pm_test; exit $rc'
step pm_messages sh -c 'dmesg | grep -E "${PCI} $BDF: (suspend|resume)$"'
step pm_selftest ${T}/${PCI}_test roundtrip /dev/${PCI}0
step regs_unload rmmod ${PCI}
${deviceSteps('skel', 'pci_skel', 'roundtrip')}
step poll_load insmod ${M}/pci_poll.ko
step poll_no_irq sh -c 'grep -c " pci_poll:" /proc/interrupts || true'
step poll_selftest ${T}/pci_poll_test roundtrip /dev/pci_poll0
step poll_unload rmmod pci_poll
step bare_load insmod ${M}/pci_bare.ko
step bare_driver sh -c 'readlink $EDU/driver'
step bare_unload rmmod pci_bare
`,
  check(r) {
    const s = (name: string) => stepOf(r, name);
    const out = (name: string) => s(name).out.join('\n');
    checkShared(r, new RegExp(`^\\s*\\d+:\\s+\\d+\\s+PCI-MSI\\b.* pci_edu:${BDF_RE}$`), new RegExp(`^\\s*\\d+:\\s+\\d+\\s+IO-APIC\\b.*fasteoi\\s+pci_edu:${BDF_RE}$`));
    assert.equal(s('regs_load').rc, 0, out('regs_load'));
    assert.deepEqual(s('liveness').out, ['0xedcba987'], 'the liveness register inverts what was written');
    assert.deepEqual(s('factorial').out, FACTORIALS.map(([, f]) => String(f)), 'the factorial unit');
    assert.notEqual(s('factorial_range').rc, 0, '13! does not fit: refused');
    assert.equal(s('pm_cycle').rc, 0, out('pm_cycle'));
    // Debug messages: there where the kernel has dynamic debug (turned on for the module), else not at all.
    assert.deepEqual(
      s('pm_messages').out.map((l) => l.replace(/^\[[^\]]*\]\s*/, '').replace(/ \S+: /, ' BDF: ')),
      dyndbgOn(r) ? [`${PCI} BDF: suspend`, `${PCI} BDF: resume`] : [],
    );
    assert.match(out('pm_selftest'), /^RESULT PASS \(0 failed\)$/m, 'DMA works after resume');
    assert.equal(s('regs_unload').rc, 0);
    checkDevice(r, 'skel', 'pci_skel', new RegExp(`PCI-MSI\\b.* pci_skel:${BDF_RE}$`));
    assert.equal(s('poll_load').rc, 0, out('poll_load'));
    assert.equal(out('poll_no_irq'), '0', 'pci_poll requests no interrupt');
    assert.match(out('poll_selftest'), /^RESULT PASS \(0 failed\)$/m, out('poll_selftest'));
    assert.equal(s('poll_unload').rc, 0);
    assert.equal(s('bare_load').rc, 0, out('bare_load'));
    assert.match(out('bare_driver'), /\/drivers\/pci_bare$/);
    assert.equal(s('bare_unload').rc, 0);
  },
};

export const pciIommuScenario: ScenarioSpec = {
  id: 'pci-iommu',
  variant: 'pci (edu) behind an IOMMU',
  title: 'pci behind the Intel IOMMU (q35): DMA through translation, remapped MSI and INTx, unbind while open',
  machine: Q35_IOMMU_EDU,
  script: (_seed, load) => `${sharedScript(load)}
step iommu sh -c 'ls /sys/class/iommu; basename $(readlink $EDU/iommu_group)'
step iommu_domain sh -c 'cat $EDU/iommu_group/type 2>/dev/null || echo unknown'
`,
  check(r) {
    // IR-: the interrupt goes through the remapping table.
    checkShared(r, new RegExp(`^\\s*\\d+:\\s+\\d+\\s+IR-PCI-MSI\\b.* pci_edu:${BDF_RE}$`), new RegExp(`^\\s*\\d+:\\s+\\d+\\s+IR-IO-APIC\\b.*fasteoi\\s+pci_edu:${BDF_RE}$`));
    const iommu = stepOf(r, 'iommu');
    assert.equal(iommu.rc, 0, iommu.out.join('\n'));
    assert.match(iommu.out[0] ?? '', /^dmar\d+$/, 'an Intel IOMMU (DMAR unit) is active');
    assert.match(iommu.out.at(-1) ?? '', /^\d+$/, 'the edu device is in an IOMMU group');
    // Translated DMA (not identity/passthrough) where the kernel says which (5.10 may not).
    assert.match(stepOf(r, 'iommu_domain').out.join(''), /^(DMA|DMA-FQ|unknown)$/);
  },
};
