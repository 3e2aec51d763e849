/**
 * What the kernel suite proves on every kernel: the generated projects
 * (each built once per kernel and configuration) and the scenarios that run
 * as tests of the main project's make vmtest, one boot per kernel (and
 * machine), each with the checks of its result.
 *
 * Projects:
 *   main  hello + classic char device (2 minors) + misc char device + four
 *         platform drivers that cover each optional part on and off (with
 *         their test devices) + four PCI drivers for QEMU's edu device
 *         (support/pci.ts), three I2C drivers (support/i2c.ts), a network
 *         device (support/netdev.ts), a USB driver (support/usb.ts), a HID
 *         driver on a uhid device (support/hid.ts) and two block drivers
 *         (support/block.ts);
 *         the DKMS package too
 *   house hello rendered from a user template folder
 *   edge  55-character names (hello, classic with 64 minors, misc) and
 *         hostile free text
 */
import { FORMS, assertProbes } from './probes.js';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HOSTILE_AUTHOR, HOSTILE_DESCRIPTION } from '../../support/hostile.js';
import { HOUSE_TEMPLATES } from '../../support/paths.js';
import { assertCleanBuild, generate, modinfo } from './kbuild.js';
import type { Kernel } from './kernels.js';
import { I2C_HWMON, I2C_KOS, i2cGenerateArgs, i2cScenario } from './i2c.js';
import { NETDEV, NETDEV_KOS, netdevGenerateArgs, netdevScenario } from './netdev.js';
import { USB, USB_KOS, USB_TOOLS, usbGenerateArgs, usbScenario } from './usb.js';
import { HID, HID_KOS, HID_TOOLS, hidGenerateArgs } from './hid.js';
import { faultsScenario, faultVariants } from './faults.js';
import { BLOCK_KOS, BLOCK_TOOLS, blockGenerateArgs } from './block.js';
import { V4L2, V4L2_KOS, V4L2_TOOLS, v4l2GenerateArgs } from './v4l2.js';
import { PCI, PCI_KOS, PCI_TOOLS, pciGenerateArgs, pciIommuScenario, pciScenario } from './pci.js';
import { GUEST_KO, GUEST_TOOLS, GUEST_STRESS, GUEST_HOUSE, GUEST_EDGE, kernelTrouble, stepOf, type Machine, type ScenarioResult } from './qemu.js';

export interface Project {
  id: 'main' | 'house' | 'edge';
  /** Makes the project with the generator (the bin, no terminal); returns its folder. */
  create(): string;
  /** Every .ko it builds. */
  kos: readonly string[];
  /** Kernel sources for checkpatch. */
  kernelSources: readonly string[];
  /** Checks of one build's log and modules (dir: that kernel's copy). */
  checkBuild(log: string, dir: string, kernel: Kernel): void;
  /** User-space programs its `make tools` builds (static) for the guest, relative to the project. */
  guestTools?: readonly string[];
}

export const CLASSIC = 'chr_classic';
const MISC = 'chr_misc';
const DRV = 'plat';
/** Platform drivers that together cover each optional part on and off. */
export const PLATFORM_VARIANTS: readonly [string, string][] = [
  [DRV, 'mmio,irq,sysfs,pm'],
  ['plat_none', 'none'],
  ['plat_irq_sysfs', 'irq,sysfs'],
  ['plat_mmio_pm', 'mmio,pm'],
];
export const MAIN_VERSION = '1.0.0~test';
const LONG = ['a', 'b', 'c'].map((c) => c.repeat(55)) as [string, string, string];

function checkVermagic(dir: string, kos: readonly string[], kernel: Kernel): void {
  for (const ko of kos) {
    const v = modinfo('vermagic', path.join(dir, `${ko}.ko`));
    assert.ok(v.startsWith(`${kernel.release} `), `${ko}.ko vermagic "${v}" is for ${kernel.release}`);
  }
}

/** The KUnit test modules of the main project (built only for kernels with KUnit: the source-built ones). */
export const MAIN_KUNIT_KOS = [...I2C_KOS, NETDEV].map((m) => `${m}_kunit`);

const MAIN_KOS = ['hello', CLASSIC, MISC, ...PLATFORM_VARIANTS.flatMap(([n]) => [n, `${n}_testdev`]), ...PCI_KOS, ...I2C_KOS, ...NETDEV_KOS, ...USB_KOS, ...HID_KOS, ...BLOCK_KOS, ...V4L2_KOS];

export const PROJECTS: readonly Project[] = [
  {
    id: 'main',
    create() {
      const dir = generate(['--name', 'hello', '--author', 'Kernel Test <test@example.org>', '--version', MAIN_VERSION]);
      generate(['chardev', '--name', CLASSIC, '--minors', '2'], dir);
      generate(['chardev', '--name', MISC, '--flavor', 'misc', '--buffer-size', '512'], dir);
      for (const [name, features] of PLATFORM_VARIANTS) {
        generate(['platform', '--name', name, '--features', features, '--compatible', `kmod-test,${name.replace(/_/g, '-')}`], dir);
      }
      for (const args of pciGenerateArgs()) generate(args, dir);
      for (const args of i2cGenerateArgs()) generate(args, dir);
      for (const args of netdevGenerateArgs()) generate(args, dir);
      for (const args of usbGenerateArgs()) generate(args, dir);
      for (const args of hidGenerateArgs()) generate(args, dir);
      for (const args of blockGenerateArgs()) generate(args, dir);
      for (const args of v4l2GenerateArgs()) generate(args, dir);
      return dir;
    },
    kos: MAIN_KOS,
    guestTools: [...[CLASSIC, MISC].map((m) => `tools/${m}_test`), ...PCI_TOOLS, ...USB_TOOLS, ...HID_TOOLS, ...BLOCK_TOOLS, ...V4L2_TOOLS],
    kernelSources: [
      ...[...MAIN_KOS, ...MAIN_KUNIT_KOS].map((m) => `${m}.c`),
      `${CLASSIC}_ioctl.h`,
      `${MISC}_ioctl.h`,
      ...I2C_KOS.map((m) => `${m}_temp.h`),
      `${NETDEV}_echo.h`,
      'kmod_compat.h',
      // The kernel API probes: kernel C too.
      ...Object.keys(FORMS).map((m) => `probes/${m.slice('KMOD_HAVE_'.length).toLowerCase()}.c`),
      'probes/canary-compiles.c',
      'probes/canary-fails.c',
    ],
    checkBuild(log, dir, kernel) {
      // Debian's kernels have no KUnit; every source-built configuration has it.
      const kunit = kernel.kind === 'source' ? MAIN_KUNIT_KOS : [];
      assertCleanBuild(log, [...MAIN_KOS, ...kunit]);
      for (const k of MAIN_KUNIT_KOS) assert.equal(existsSync(path.join(dir, `${k}.ko`)), kunit.includes(k), `${k}.ko built only with KUnit`);
      checkVermagic(dir, MAIN_KOS, kernel);
      // Every kernel API probe decided as the kernel has it.
      assertProbes(dir, kernel);
      const hello = path.join(dir, 'hello.ko');
      assert.equal(modinfo('description', hello), 'Example out-of-tree kernel module');
      assert.equal(modinfo('version', hello), MAIN_VERSION);
      assert.equal(modinfo('license', hello), 'GPL');
      assert.equal(modinfo('author', hello), 'Kernel Test <test@example.org>');
      assert.match(modinfo('parm', hello), /^repeat:Times to greet, 1-16 \(default 1\)$/);
      assert.equal(modinfo('description', path.join(dir, `${CLASSIC}.ko`)), `Character device driver ${CLASSIC}`);
      const aliases = modinfo('alias', path.join(dir, `${DRV}.ko`)).split('\n');
      assert.ok(aliases.includes(`platform:${DRV}`), aliases.join(' '));
      assert.ok(aliases.some((a) => a.startsWith('of:') && a.includes('Ckmod-test,plat')), aliases.join(' '));
      const pci = modinfo('alias', path.join(dir, `${PCI}.ko`));
      assert.equal(pci, 'pci:v00001234d000011E8sv*sd*bc*sc*i*', 'the PCI ID table, as modpost exports it');
      const skel = modinfo('alias', path.join(dir, 'pci_skel.ko'));
      assert.equal(skel, 'pci:v00001234d000011E8sv00001AF4sd00001100bc00scFFi00*', 'subsystem IDs and class in the alias');
      assert.equal(modinfo('parm', path.join(dir, `${PCI}.ko`)), 'msi:Use MSI-X or MSI when the device has them (default: Y; N: INTx only) (bool)');
      const i2c = modinfo('alias', path.join(dir, `${I2C_HWMON}.ko`)).split('\n').sort();
      assert.deepEqual(i2c, [`i2c:${I2C_HWMON}`, 'of:N*T*Ckmod-test,i2c-hw', 'of:N*T*Ckmod-test,i2c-hwC*'], 'the I2C and OF ID tables');
      assert.equal(modinfo('parm', path.join(dir, `${NETDEV}.ko`)), 'devices:Network devices to create, 1-16 (default 2) (uint)');
      assert.equal(modinfo('alias', path.join(dir, `${USB}.ko`)), 'usb:v1A0ApBADDd*dc*dsc*dp*icFFisc*ip*in*', 'the USB ID table with the interface class');
      assert.equal(modinfo('alias', path.join(dir, `${HID}.ko`)), 'hid:b0003g*v00001209p00000001', 'the HID ID table: USB bus, any group');
      assert.equal(modinfo('parm', path.join(dir, `${V4L2}.ko`)), 'devices:capture devices, 1-8 (default 1) (uint)');
    },
  },
  {
    id: 'house',
    create: () => generate(['--templates', HOUSE_TEMPLATES, '--author', 'ACME <dev@acme.example>']),
    kos: ['hello'],
    kernelSources: ['hello.c'],
    checkBuild(log, dir, kernel) {
      assertCleanBuild(log, ['hello']);
      checkVermagic(dir, ['hello'], kernel);
      const parms = modinfo('parm', path.join(dir, 'hello.ko')).split('\n');
      assert.ok(parms.some((p) => p.startsWith('shout:Greet in capitals')), parms.join('\n'));
      assert.ok(parms.some((p) => p.startsWith('repeat:')), parms.join('\n'));
    },
  },
  {
    id: 'edge',
    create() {
      const dir = generate(['--name', LONG[0], '--description', HOSTILE_DESCRIPTION, '--author', HOSTILE_AUTHOR]);
      generate(['chardev', '--name', LONG[1], '--minors', '64'], dir);
      generate(['chardev', '--name', LONG[2], '--flavor', 'misc'], dir);
      return dir;
    },
    kos: LONG,
    kernelSources: [...LONG.map((n) => `${n}.c`), `${LONG[1]}_ioctl.h`, `${LONG[2]}_ioctl.h`],
    checkBuild(log, dir, kernel) {
      assertCleanBuild(log, LONG);
      checkVermagic(dir, LONG, kernel);
      const ko = path.join(dir, `${LONG[0]}.ko`);
      assert.equal(modinfo('description', ko), HOSTILE_DESCRIPTION);
      assert.equal(modinfo('author', ko), HOSTILE_AUTHOR);
      assert.ok(!existsSync('/tmp/kmod-pwned'), 'nothing in the text was executed');
    },
  },
];

/** How much stress a scenario applies: full on the boot kernels, lighter on the (slow) debug kernel. */
export interface Load {
  /** Random char-device operations, model-checked (split over the minors) and shared, per flavour. */
  model: number;
  shared: number;
  procs: number;
  /** Load/unload and unbind/bind cycles. */
  cycles: number;
  /** Value tables cut to a few entries (every code path still runs once): where every process costs. */
  light: boolean;
}

export const FULL_LOAD: Load = { model: 10_000, shared: 10_000, procs: 4, cycles: 100, light: false };
/** The debug kernel (KASAN, lockdep, kmemleak...) under TCG is about 10x slower: a tenth of the load. */
export const DEBUG_LOAD: Load = { model: 2_000, shared: 2_000, procs: 4, cycles: 10, light: true };

export interface ScenarioSpec {
  id: string;
  /** The machine it needs when not the one every boot has (a boot of its own per kernel). */
  machine?: Machine;
  /** Which variant of the matrix table it proves. */
  variant: string;
  /** Only on the debug kernel: it needs what only that kernel has (fault injection). */
  debugOnly?: boolean;
  /** Modules of the kernel itself it loads with `intree` (vmtest-intree), e.g. i2c-stub. */
  inTree?: readonly string[];
  title: string;
  script(seed: number, load: Load): string;
  check(r: ScenarioResult, load: Load): void;
}

/** A kmodstress step passed: exit 0 and its RESULT PASS line (the output carries the seed). */
function assertStress(r: ScenarioResult, step: string): void {
  const s = stepOf(r, step);
  const out = s.out.join('\n');
  assert.equal(s.rc, 0, `${step}:\n${out}`);
  assert.match(out, /^RESULT PASS /m, `${step}:\n${out}`);
  assert.doesNotMatch(out, /^RESULT FAIL|^FAIL /m, `${step}:\n${out}`);
}

const M = GUEST_KO;
const T = GUEST_TOOLS;
const STRESS = GUEST_STRESS;

const hello: ScenarioSpec = {
  id: 'hello',
  variant: 'hello',
  title: 'hello: parameter at load and through sysfs, refusals, unload; load/unload cycles',
  script: (_seed, load) => `
step load_bad insmod ${M}/hello.ko repeat=99
step absent_after_bad test -e /sys/module/hello
step load insmod ${M}/hello.ko repeat=3
step param cat /sys/module/hello/parameters/repeat
step version cat /sys/module/hello/version
step set_param sh -c 'echo 5 >/sys/module/hello/parameters/repeat'
step param_after_set cat /sys/module/hello/parameters/repeat
step set_bad sh -c 'echo 0 >/sys/module/hello/parameters/repeat'
step param_after_bad cat /sys/module/hello/parameters/repeat
step unload rmmod hello
step absent_after_unload test -e /sys/module/hello
step messages sh -c 'dmesg | grep "hello: "'
step cycles ${STRESS} modcycle ${M}/hello.ko hello ${load.cycles} repeat=2
`,
  check(r) {
    const s = (name: string) => stepOf(r, name);
    assert.notEqual(s('load_bad').rc, 0, 'repeat=99 is refused at load');
    assert.notEqual(s('absent_after_bad').rc, 0, 'nothing loaded after the refused load');
    assert.equal(s('load').rc, 0, s('load').out.join('\n'));
    assert.deepEqual(s('param').out, ['3']);
    assert.deepEqual(s('version').out, [MAIN_VERSION]);
    assert.equal(s('set_param').rc, 0);
    assert.deepEqual(s('param_after_set').out, ['5']);
    assert.notEqual(s('set_bad').rc, 0, 'repeat=0 is refused through sysfs');
    assert.deepEqual(s('param_after_bad').out, ['5']);
    assert.equal(s('unload').rc, 0, s('unload').out.join('\n'));
    assert.notEqual(s('absent_after_unload').rc, 0, 'module gone after rmmod');
    const messages = s('messages').out.join('\n');
    for (let i = 1; i <= 3; i++) assert.match(messages, new RegExp(`hello: hello, world \\(${i}/3\\)`));
    assert.match(messages, /hello: goodbye/);
    assertStress(r, 'cycles');
  },
};

/** The selftest's PASS lines that must all be there (the program also exits non-zero on any FAIL). */
const SELFTEST_CHECKS = [
  'ioctl_clear', 'ioctl_get_len_empty', 'write', 'ioctl_get_len', 'read_back', 'read_at_end_is_eof',
  'lseek_within', 'lseek_end', 'lseek_cur', 'lseek_past_data', 'write_after_hole', 'hole_reads_zero',
  'lseek_past_buffer', 'lseek_negative', 'lseek_to_buffer_end', 'oversize_write_is_short',
  'write_at_end_enospc', 'full_length', 'full_read_back', 'unknown_ioctl_enotty', 'foreign_ioctl_enotty',
  'ioctl_bad_pointer_efault', 'read_bad_pointer_efault', 'write_bad_pointer_efault', 'clear_needs_write',
  'o_trunc_clears', 'two_processes',
];

/** The scenario for one char device: node, numbers, selftest, busy unload, clean unload. */
function deviceScenario(name: string, node: string, sysfs: string): string {
  return `
step ${name}_load insmod ${M}/${name}.ko
step ${name}_sysfs_dev cat ${sysfs}/dev
step ${name}_node_numbers stat -c '%t:%T %F' ${node}
step ${name}_proc_devices sh -c 'grep " ${name}$" /proc/devices || true'
step ${name}_selftest ${T}/${name}_test selftest ${node}
step ${name}_info ${T}/${name}_test info ${node}
step ${name}_hold_start sh -c '${T}/${name}_test hold ${node} 120 >/tmp/${name}.hold 2>&1 & echo $! >/tmp/${name}.pid'
step ${name}_held waitgrep holding /tmp/${name}.hold
step ${name}_unload_busy rmmod ${name}
step ${name}_loaded_while_busy test -e /sys/module/${name}
step ${name}_hold_stop sh -c 'p=$(cat /tmp/${name}.pid); kill $p; for i in $(seq 300); do kill -0 $p 2>/dev/null || exit 0; usleep 100000; done; exit 1'
step ${name}_unload rmmod ${name}
step ${name}_gone sh -c 'test -e ${node} || test -e /sys/module/${name}'
`;
}

function checkDevice(r: ScenarioResult, name: string, size: number, expectMajor?: number): void {
  const s = (step: string) => stepOf(r, `${name}_${step}`);
  assert.equal(s('load').rc, 0, s('load').out.join('\n'));
  const [major, minor] = (s('sysfs_dev').out[0] ?? '').split(':').map(Number);
  assert.ok(Number.isInteger(major) && Number.isInteger(minor), `sysfs dev: ${s('sysfs_dev').out.join(' ')}`);
  if (expectMajor !== undefined) assert.equal(major, expectMajor);
  const [numbers, ...type] = (s('node_numbers').out[0] ?? '').split(' ');
  assert.equal(type.join(' '), 'character special file', 'the /dev node is a char device');
  const [hexMajor, hexMinor] = (numbers ?? '').split(':').map((h) => parseInt(h, 16));
  assert.deepEqual([hexMajor, hexMinor], [major, minor], '/dev node has the major/minor the driver registered');
  const selftest = s('selftest');
  const lines = selftest.out.join('\n');
  assert.equal(selftest.rc, 0, lines);
  assert.match(lines, new RegExp(`^INFO size=${size}$`, 'm'));
  for (const check of SELFTEST_CHECKS) assert.match(lines, new RegExp(`^PASS ${check}$`, 'm'), `${check}\n${lines}`);
  assert.match(lines, /^RESULT PASS \(0 failed\)$/m);
  assert.match(s('info').out.join('\n'), new RegExp(`^size ${size}$`, 'm'));
  assert.match(s('held').out.join('\n'), /holding .* open/);
  assert.notEqual(s('unload_busy').rc, 0, 'rmmod refused while the device is open');
  assert.equal(s('loaded_while_busy').rc, 0, 'module still loaded after the refused rmmod');
  assert.equal(s('hold_stop').rc, 0, 'the holder ended');
  assert.equal(s('unload').rc, 0, `rmmod after close: ${s('unload').out.join('\n')}`);
  assert.notEqual(s('gone').rc, 0, 'node and module gone after rmmod');
}

const chardev: ScenarioSpec = {
  id: 'chardev',
  variant: 'chardev classic+misc',
  title: 'chardev: nodes, numbers, selftest (read/write/lseek/ioctl, two processes), busy unload',
  script: () =>
    deviceScenario(CLASSIC, `/dev/${CLASSIC}0`, `/sys/class/${CLASSIC}/${CLASSIC}0`) +
    `
step classic_reload insmod ${M}/${CLASSIC}.ko
step classic_minor1 cat /sys/class/${CLASSIC}/${CLASSIC}1/dev
step classic_separate sh -c 'echo zero >/dev/${CLASSIC}0 && echo one >/dev/${CLASSIC}1 && cat /dev/${CLASSIC}0 /dev/${CLASSIC}1'
step classic_major grep " ${CLASSIC}$" /proc/devices
step classic_unload rmmod ${CLASSIC}
` +
    deviceScenario(MISC, `/dev/${MISC}`, `/sys/class/misc/${MISC}`),
  check(r) {
    checkDevice(r, CLASSIC, 4096);
    checkDevice(r, MISC, 512, 10);
    const s = (step: string) => stepOf(r, step);
    const classicMajor = Number((s(`${CLASSIC}_sysfs_dev`).out[0] ?? '').split(':')[0]);
    assert.ok(classicMajor > 0);
    assert.equal(s('classic_reload').rc, 0);
    assert.match(s('classic_minor1').out[0] ?? '', /^\d+:1$/, 'second minor registered');
    assert.deepEqual(s('classic_separate').out, ['zero', 'one'], 'each minor has its own buffer');
    assert.match(s('classic_major').out[0] ?? '', new RegExp(`^\\s*\\d+ ${CLASSIC}$`));
    assert.equal(s('classic_unload').rc, 0);
  },
};

const chardevStress: ScenarioSpec = {
  id: 'chardev-stress',
  variant: 'chardev classic+misc',
  title: 'chardev stress: model-checked and shared random ops per flavour, several processes, unload during I/O, load cycles',
  script: (seed, load) => `
step classic_load insmod ${M}/${CLASSIC}.ko
step classic_model sh -c '${STRESS} chardev-model /dev/${CLASSIC}0 4096 0xbe ${seed + 1} ${load.model / 2} >/tmp/m0 2>&1 & p=$!; ${STRESS} chardev-model /dev/${CLASSIC}1 4096 0xbe ${seed + 2} ${load.model / 2} >/tmp/m1 2>&1; r1=$?; wait $p; r0=$?; cat /tmp/m0 /tmp/m1; [ $r0 = 0 ] && [ $r1 = 0 ]'
step classic_shared ${STRESS} chardev-shared /dev/${CLASSIC}0 4096 0xbe ${seed + 3} ${load.shared} ${load.procs}
step classic_unload_busy ${STRESS} unload-busy /dev/${CLASSIC}1 ${CLASSIC} 1500
step classic_cycles ${STRESS} modcycle ${M}/${CLASSIC}.ko ${CLASSIC} ${load.cycles}
step misc_load insmod ${M}/${MISC}.ko
step misc_model ${STRESS} chardev-model /dev/${MISC} 512 0xbe ${seed + 4} ${load.model}
step misc_shared ${STRESS} chardev-shared /dev/${MISC} 512 0xbe ${seed + 5} ${load.shared} ${load.procs}
step misc_unload_busy ${STRESS} unload-busy /dev/${MISC} ${MISC} 1500
step misc_cycles ${STRESS} modcycle ${M}/${MISC}.ko ${MISC} ${load.cycles}
step all_gone sh -c 'test -e /sys/module/${CLASSIC} || test -e /sys/module/${MISC}'
`,
  check(r) {
    for (const flavour of ['classic', 'misc']) {
      assert.equal(stepOf(r, `${flavour}_load`).rc, 0, stepOf(r, `${flavour}_load`).out.join('\n'));
      for (const step of ['model', 'shared', 'unload_busy', 'cycles']) assertStress(r, `${flavour}_${step}`);
    }
    assert.equal((stepOf(r, 'classic_model').out.join('\n').match(/^RESULT PASS/gm) ?? []).length, 2, 'both minors at once');
    assert.notEqual(stepOf(r, 'all_gone').rc, 0, 'both modules removed');
  },
};

const dev = `/sys/bus/platform/devices/${DRV}`;
const drv = `/sys/bus/platform/drivers/${DRV}`;

const platform: ScenarioSpec = {
  id: 'platform',
  variant: 'platform+testdev',
  title: 'platform: probes only with the device, sysfs, PM, unbind/bind, unload in both orders',
  script: () => `
step load_driver insmod ${M}/${DRV}.ko
step driver_registered test -d ${drv}
step probes_before_device sh -c 'dmesg | grep -c "${DRV} ${DRV}: probed" || true'
step device_before_testdev test -e ${dev}
step load_testdev insmod ${M}/${DRV}_testdev.ko
step driver_link readlink ${dev}/driver
step probes_after_device sh -c 'dmesg | grep -c "${DRV} ${DRV}: probed"'
step iomem sh -c 'grep " : ${DRV} ${DRV}$" /proc/iomem'
step interrupts sh -c 'grep " ${DRV}$" /proc/interrupts'
step irq_raise sh -c 'i=$(awk "/ ${DRV}\\$/ { print \\$1 + 0 }" /proc/interrupts); echo 1 >/sys/module/${DRV}_testdev/parameters/raise_irq && cat /proc/irq/$i/spurious'
step value_initial cat ${dev}/value
step value_write sh -c 'echo 42 >${dev}/value'
step value_after_write cat ${dev}/value
step value_bad sh -c 'echo nope >${dev}/value'
step value_after_bad cat ${dev}/value
step pm_cycle sh -c 'echo devices >/sys/power/pm_test && echo freeze >/sys/power/state; rc=$?; echo none >/sys/power/pm_test; exit $rc'
step pm_messages sh -c 'dmesg | grep -E "${DRV} ${DRV}: (suspend|resume)$"'
step unbind sh -c 'echo ${DRV} >${drv}/unbind'
step link_after_unbind test -e ${dev}/driver
step removed sh -c 'dmesg | grep -c "${DRV} ${DRV}: removed"'
step interrupts_after_unbind sh -c 'grep -c " ${DRV}$" /proc/interrupts || true'
step iomem_after_unbind sh -c 'grep -c " : ${DRV} ${DRV}$" /proc/iomem || true'
step bind sh -c 'echo ${DRV} >${drv}/bind'
step link_after_bind readlink ${dev}/driver
step probes_after_bind sh -c 'dmesg | grep -c "${DRV} ${DRV}: probed"'
step value_after_bind cat ${dev}/value
step a_rmmod_driver rmmod ${DRV}
step a_device_stays test -e ${dev}
step a_link_gone test -e ${dev}/driver
step a_rmmod_testdev rmmod ${DRV}_testdev
step a_device_gone test -e ${dev}
step b_load_driver insmod ${M}/${DRV}.ko
step b_load_testdev insmod ${M}/${DRV}_testdev.ko
step b_link readlink ${dev}/driver
step b_rmmod_testdev rmmod ${DRV}_testdev
step b_driver_stays test -d ${drv}
step b_rmmod_driver rmmod ${DRV}
step b_all_gone sh -c 'test -e /sys/module/${DRV} || test -e /sys/module/${DRV}_testdev || test -e ${dev}'
`,
  check(r) {
    const s = (name: string) => stepOf(r, name);
    const out = (name: string) => s(name).out.join('\n');
    assert.equal(s('load_driver').rc, 0, out('load_driver'));
    assert.equal(s('driver_registered').rc, 0);
    assert.equal(out('probes_before_device'), '0', 'loading the driver alone probes nothing');
    assert.notEqual(s('device_before_testdev').rc, 0, 'no device before the test module');
    assert.equal(s('load_testdev').rc, 0, out('load_testdev'));
    assert.match(out('driver_link'), new RegExp(`/bus/platform/drivers/${DRV}$`));
    assert.equal(out('probes_after_device'), '1');
    // The device's resource is "plat"; the region the driver requested and mapped is "plat plat".
    assert.match(out('iomem'), new RegExp(`^\\s*fe000000-fe000fff : ${DRV} ${DRV}$`), 'register window requested');
    assert.match(out('interrupts'), new RegExp(`^\\s*\\d+:.* ${DRV}$`), "the test device's interrupt requested");
    assert.equal(s('irq_raise').rc, 0, out('irq_raise'));
    assert.match(out('irq_raise'), /^unhandled 1$/m, 'the interrupt the test device raised (its registers never say so) is not claimed');
    assert.equal(out('value_initial'), '0');
    assert.equal(s('value_write').rc, 0);
    assert.equal(out('value_after_write'), '42');
    assert.notEqual(s('value_bad').rc, 0, 'a non-number is refused');
    assert.equal(out('value_after_bad'), '42');
    assert.equal(s('pm_cycle').rc, 0, out('pm_cycle'));
    assert.deepEqual(
      s('pm_messages').out.map((l) => l.replace(/^\[[^\]]*\]\s*/, '')),
      [`${DRV} ${DRV}: suspend`, `${DRV} ${DRV}: resume`],
    );
    assert.equal(s('unbind').rc, 0, out('unbind'));
    assert.notEqual(s('link_after_unbind').rc, 0, 'driver link gone after unbind');
    assert.equal(out('removed'), '1');
    assert.equal(out('interrupts_after_unbind'), '0', 'IRQ freed by devm on unbind');
    assert.equal(out('iomem_after_unbind'), '0', 'register window released on unbind');
    assert.equal(s('bind').rc, 0, out('bind'));
    assert.match(out('link_after_bind'), new RegExp(`/drivers/${DRV}$`));
    assert.equal(out('probes_after_bind'), '2');
    assert.equal(out('value_after_bind'), '0', 'fresh state after a new probe');
    assert.equal(s('a_rmmod_driver').rc, 0, out('a_rmmod_driver'));
    assert.equal(s('a_device_stays').rc, 0, 'the device outlives its driver');
    assert.notEqual(s('a_link_gone').rc, 0);
    assert.equal(s('a_rmmod_testdev').rc, 0, out('a_rmmod_testdev'));
    assert.notEqual(s('a_device_gone').rc, 0);
    assert.equal(s('b_load_driver').rc, 0);
    assert.equal(s('b_load_testdev').rc, 0);
    assert.match(out('b_link'), new RegExp(`/drivers/${DRV}$`));
    assert.equal(s('b_rmmod_testdev').rc, 0, out('b_rmmod_testdev'));
    assert.equal(s('b_driver_stays').rc, 0);
    assert.equal(s('b_rmmod_driver').rc, 0, out('b_rmmod_driver'));
    assert.notEqual(s('b_all_gone').rc, 0, 'both modules and the device gone');
  },
};

const platformStress: ScenarioSpec = {
  id: 'platform-stress',
  variant: 'platform+testdev',
  title: 'platform stress: unbind/bind cycles under sysfs reads; every variant probed, rebound and load-cycled',
  script: (_seed, load) => {
    const others = PLATFORM_VARIANTS.filter(([n]) => n !== DRV).map(
      ([n]) => `
step ${n}_driver insmod ${M}/${n}.ko
step ${n}_testdev insmod ${M}/${n}_testdev.ko
step ${n}_link readlink /sys/bus/platform/devices/${n}/driver
step ${n}_rebind sh -c 'echo ${n} >/sys/bus/platform/drivers/${n}/unbind && echo ${n} >/sys/bus/platform/drivers/${n}/bind'
step ${n}_rmmod_testdev rmmod ${n}_testdev
step ${n}_testdev_cycles ${STRESS} modcycle ${M}/${n}_testdev.ko ${n}_testdev ${load.cycles}
step ${n}_probes sh -c 'dmesg | grep -c "${n} ${n}: probed"'
step ${n}_rmmod rmmod ${n}
step ${n}_driver_cycles ${STRESS} modcycle ${M}/${n}.ko ${n} ${load.cycles}
step ${n}_gone sh -c 'test -e /sys/module/${n} || test -e /sys/module/${n}_testdev'
`,
    );
    return `
step load_driver insmod ${M}/${DRV}.ko
step load_testdev insmod ${M}/${DRV}_testdev.ko
step bindcycle ${STRESS} bindcycle ${drv} ${DRV} ${load.cycles} ${dev}/value
step bound readlink ${dev}/driver
step probes sh -c 'dmesg | grep -c "${DRV} ${DRV}: probed"'
step iomem sh -c 'grep -c " : ${DRV} ${DRV}$" /proc/iomem'
step rmmod_testdev rmmod ${DRV}_testdev
step testdev_cycles sh -c 'b=$(dmesg | grep -c "${DRV} ${DRV}: probed"); ${STRESS} modcycle ${M}/${DRV}_testdev.ko ${DRV}_testdev ${load.cycles} || exit 1; a=$(dmesg | grep -c "${DRV} ${DRV}: probed"); echo "probes $((a - b))"'
step rmmod_driver rmmod ${DRV}
step driver_cycles ${STRESS} modcycle ${M}/${DRV}.ko ${DRV} ${load.cycles}
${others.join('')}`;
  },
  check(r, load) {
    const s = (name: string) => stepOf(r, name);
    assert.equal(s('load_driver').rc, 0, s('load_driver').out.join('\n'));
    assert.equal(s('load_testdev').rc, 0, s('load_testdev').out.join('\n'));
    assertStress(r, 'bindcycle');
    assert.match(s('bindcycle').out.join('\n'), /the reader read the attribute [1-9]\d* times/);
    assert.match(s('bound').out.join(''), new RegExp(`/drivers/${DRV}$`), 'still bound after the cycles');
    assert.deepEqual(s('probes').out, [String(load.cycles + 1)], 'one probe per bind');
    assert.deepEqual(s('iomem').out, ['1'], 'exactly one register window held');
    assert.equal(s('rmmod_testdev').rc, 0);
    assertStress(r, 'testdev_cycles');
    assert.match(s('testdev_cycles').out.join('\n'), new RegExp(`^probes ${load.cycles}$`, 'm'), 'each device load probes the driver');
    assert.equal(s('rmmod_driver').rc, 0, s('rmmod_driver').out.join('\n'));
    assertStress(r, 'driver_cycles');
    for (const [n] of PLATFORM_VARIANTS.filter(([v]) => v !== DRV)) {
      assert.equal(s(`${n}_driver`).rc, 0, s(`${n}_driver`).out.join('\n'));
      assert.equal(s(`${n}_testdev`).rc, 0, s(`${n}_testdev`).out.join('\n'));
      assert.match(s(`${n}_link`).out.join(''), new RegExp(`/drivers/${n}$`), `${n} probes its device`);
      assert.equal(s(`${n}_rebind`).rc, 0, s(`${n}_rebind`).out.join('\n'));
      assert.equal(s(`${n}_rmmod_testdev`).rc, 0, s(`${n}_rmmod_testdev`).out.join('\n'));
      assertStress(r, `${n}_testdev_cycles`);
      assert.deepEqual(s(`${n}_probes`).out, [String(load.cycles + 2)], `${n}: probe, rebind, then one per load`);
      assert.equal(s(`${n}_rmmod`).rc, 0);
      assertStress(r, `${n}_driver_cycles`);
      assert.notEqual(s(`${n}_gone`).rc, 0);
    }
  },
};

const H = GUEST_HOUSE;

const house: ScenarioSpec = {
  id: 'house',
  variant: 'custom template',
  title: 'house template: the extra parameter visible and working; load cycles',
  script: (_seed, load) => `
step load insmod ${H}/hello.ko repeat=2 shout=1
step shout cat /sys/module/hello/parameters/shout
step greetings sh -c 'dmesg | grep -c "hello: HELLO FROM ACME"'
step unload rmmod hello
step bye sh -c 'dmesg | grep -c "hello: bye from acme"'
step cycles ${STRESS} modcycle ${H}/hello.ko hello ${load.cycles} shout=1
`,
  check(r) {
    const s = (n: string) => stepOf(r, n);
    assert.equal(s('load').rc, 0, s('load').out.join('\n'));
    assert.deepEqual(s('shout').out, ['Y']);
    assert.deepEqual(s('greetings').out, ['2']);
    assert.equal(s('unload').rc, 0);
    assert.deepEqual(s('bye').out, ['1']);
    assertStress(r, 'cycles');
  },
};

const E = GUEST_EDGE;

const edge: ScenarioSpec = {
  id: 'edge',
  variant: 'long names+hostile text',
  title: '55-character names load (64 minors), hostile text in modinfo; load cycles each',
  script: (_seed, load) => `
step load_all sh -c 'insmod ${E}/${LONG[0]}.ko && insmod ${E}/${LONG[1]}.ko && insmod ${E}/${LONG[2]}.ko'
step nodes sh -c 'ls /dev | grep -c "^${LONG[1]}[0-9]*$"; test -c /dev/${LONG[2]} && echo misc'
step version cat /sys/module/${LONG[0]}/version
step unload_all sh -c 'rmmod ${LONG[2]} && rmmod ${LONG[1]} && rmmod ${LONG[0]}'
${LONG.map((n, i) => `step cycles_${i} ${STRESS} modcycle ${E}/${n}.ko ${n} ${load.cycles}`).join('\n')}
`,
  check(r) {
    const s = (n: string) => stepOf(r, n);
    assert.equal(s('load_all').rc, 0, s('load_all').out.join('\n'));
    assert.deepEqual(s('nodes').out, ['64', 'misc']);
    assert.deepEqual(s('version').out, ['0.1.0']);
    assert.equal(s('unload_all').rc, 0, s('unload_all').out.join('\n'));
    for (let i = 0; i < LONG.length; i++) assertStress(r, `cycles_${i}`);
  },
};

export const SCENARIOS: readonly ScenarioSpec[] = [
  hello,
  chardev,
  chardevStress,
  platform,
  platformStress,
  house,
  edge,
  pciScenario,
  pciIommuScenario,
  i2cScenario,
  netdevScenario,
  usbScenario,
  faultsScenario(faultVariants(PLATFORM_VARIANTS.slice(1), PCI_KOS.slice(1).map((n) => [n, PCI_TOOLS.includes(`tools/${n}_test`)] as const), MISC)),
];

/** Every check a scenario's result gets: it finished, its own checks, and a clean kernel log. */
export function checkScenario(spec: ScenarioSpec, r: ScenarioResult | undefined, bootLog: string, load: Load): void {
  assert.ok(r, `scenario ${spec.id} never started; console:\n${bootLog.slice(-8000)}`);
  assert.ok(r.finished, `scenario ${spec.id} did not finish (kernel died or hung in it); its console:\n${r.log}`);
  try {
    spec.check(r, load);
  } catch (err) {
    // An assertion names what it expected; the scenario's console shows what the guest printed.
    if (err instanceof Error) err.message += `\nscenario ${spec.id} console:\n${r.log.length > 20000 ? `[...]${r.log.slice(-20000)}` : r.log}`;
    throw err;
  }
  assert.deepEqual(kernelTrouble(r.log + r.dmesg), [], `kernel trouble in ${spec.id}:\n${r.dmesg}`);
}
