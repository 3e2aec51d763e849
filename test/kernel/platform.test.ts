/**
 * Kernel suite for `yo kmod:platform`: platform drivers with every kind of
 * optional part, built, checked and packaged; the overlay compiled with dtc;
 * and the full-featured driver probed, bound, unbound and unloaded in QEMU
 * through its test-only companion device.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkpatch } from './support/checkpatch.js';
import { dkmsLifecycle } from './support/dkms.js';
import { execOk } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { track } from './support/matrix.js';
import { assertCleanBuild, copyProject, generate, kernelArgs, makeOk, modinfo, strictBuild } from './support/kbuild.js';
import { boot, kernelTrouble, stepOf } from './support/qemu.js';

const DRV = 'plat';
/** Drivers that together cover each optional part on and off. */
const VARIANTS: [string, string][] = [
  [DRV, 'mmio,irq,sysfs,pm'],
  ['plat_none', 'none'],
  ['plat_irq_sysfs', 'irq,sysfs'],
  ['plat_mmio_pm', 'mmio,pm'],
];
const KOS = ['hello', ...VARIANTS.flatMap(([n]) => [n, `${n}_testdev`])];

function project(): string {
  const dir = generate(['--name', 'hello', '--author', 'Kernel Test <test@example.org>']);
  for (const [name, features] of VARIANTS) {
    generate(['platform', '--name', name, '--features', features, '--compatible', `kmod-test,${name.replace(/_/g, '-')}`], dir);
  }
  return dir;
}

const dev = `/sys/bus/platform/devices/${DRV}`;
const drv = `/sys/bus/platform/drivers/${DRV}`;
const SCENARIO = `
step load_driver insmod /modules/${DRV}.ko
step driver_registered test -d ${drv}
step probes_before_device sh -c 'dmesg | grep -c "${DRV} ${DRV}: probed" || true'
step device_before_testdev test -e ${dev}
step load_testdev insmod /modules/${DRV}_testdev.ko
step driver_link readlink ${dev}/driver
step probes_after_device sh -c 'dmesg | grep -c "${DRV} ${DRV}: probed"'
step iomem sh -c 'grep " : ${DRV} ${DRV}$" /proc/iomem'
step interrupts sh -c 'grep " ${DRV}$" /proc/interrupts'
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
step b_load_driver insmod /modules/${DRV}.ko
step b_load_testdev insmod /modules/${DRV}_testdev.ko
step b_link readlink ${dev}/driver
step b_rmmod_testdev rmmod ${DRV}_testdev
step b_driver_stays test -d ${drv}
step b_rmmod_driver rmmod ${DRV}
step b_all_gone sh -c 'test -e /sys/module/${DRV} || test -e /sys/module/${DRV}_testdev || test -e ${dev}'
`;

withKernelEnv('yo kmod:platform', (env) => {
  const source = project();

  it('the device-tree overlay compiles with dtc and carries the compatible', () => {
    const dir = copyProject(source, 'platform-dtbo');
    const r = makeOk(dir, ['dtbo']);
    assert.doesNotMatch(r.stdout + r.stderr, /warning|error/i, r.stdout + r.stderr);
    for (const [name, features] of VARIANTS) {
      const dtbo = path.join(dir, 'dts', `${name}.dtbo`);
      const node = `/fragment@0/__overlay__/${name.replace(/_/g, '-')}${features.includes('mmio') ? '@fe000000' : ''}`;
      assert.equal(execOk('fdtget', [dtbo, node, 'compatible']).stdout.trim(), `kmod-test,${name.replace(/_/g, '-')}`);
    }
  });

  it('kernel sources are clean under checkpatch --strict', () => {
    const files = [...KOS.map((k) => `${k}.c`), 'kmod_compat.h'];
    const r = checkpatch(env.checkpatch, source, files);
    assert.ok(r.clean, r.report);
  });

  for (const kernel of env.kernels) {
    describe(`platform on ${kernel.line} (${kernel.release})`, () => {
      const dir = copyProject(source, `platform-${kernel.line}`);

      it('every variant and its test device build with W=1 C=1 and no warning', () =>
        track(kernel.line, 'platform+testdev', 'build', () => {
        const r = strictBuild(dir, kernelArgs(kernel));
        assertCleanBuild(r.stdout + r.stderr, KOS);
        for (const ko of KOS) assert.ok(modinfo('vermagic', path.join(dir, `${ko}.ko`)).startsWith(`${kernel.release} `));
        const aliases = modinfo('alias', path.join(dir, `${DRV}.ko`)).split('\n');
        assert.ok(aliases.includes(`platform:${DRV}`), aliases.join(' '));
        assert.ok(aliases.some((a) => a.startsWith('of:') && a.includes('Ckmod-test,plat')), aliases.join(' '));
      }));

      it('in QEMU: probes only with the device, sysfs, PM, unbind/bind, unload in both orders', () =>
        track(kernel.line, 'platform+testdev', 'qemu', () => {
        const result = boot({
          image: kernel.image,
          busybox: env.busybox,
          modules: [path.join(dir, `${DRV}.ko`), path.join(dir, `${DRV}_testdev.ko`)],
          scenario: SCENARIO,
        });
        assert.ok(result.finished, `scenario finished\n${result.log}`);
        const s = (name: string) => stepOf(result, name);
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
        assert.match(out('interrupts'), new RegExp(`^\\s*7:.* ${DRV}$`), 'IRQ 7 requested');
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
        assert.deepEqual(kernelTrouble(result.log + result.dmesg), [], result.dmesg);
      }));
    });
  }

  describe('DKMS', () => {
    it('hello + platform drivers + test devices: add, build, install, status, remove for every kernel', () => {
      dkmsLifecycle(source, { name: 'hello', version: '0.1.0', modules: KOS }, env.debianKernels);
    });
  });
});
