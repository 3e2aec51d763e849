/**
 * Kernel suite for `yo kmod:chardev`: a project holding hello, a classic char
 * device with two minors and a misc device, built, checked, packaged and
 * exercised by its own user-space test program in a real kernel.
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
import { boot, kernelTrouble, stepOf, type BootResult } from './support/qemu.js';

const CLASSIC = 'chr_classic';
const MISC = 'chr_misc';
const MODULES = ['hello', CLASSIC, MISC];

/** The selftest's PASS lines that must all be there (the program also exits non-zero on any FAIL). */
const SELFTEST_CHECKS = [
  'ioctl_clear', 'ioctl_get_len_empty', 'write', 'ioctl_get_len', 'read_back', 'read_at_end_is_eof',
  'lseek_within', 'lseek_end', 'lseek_cur', 'lseek_past_data', 'write_after_hole', 'hole_reads_zero',
  'lseek_past_buffer', 'lseek_negative', 'lseek_to_buffer_end', 'oversize_write_is_short',
  'write_at_end_enospc', 'full_length', 'full_read_back', 'unknown_ioctl_enotty', 'foreign_ioctl_enotty',
  'ioctl_bad_pointer_efault', 'read_bad_pointer_efault', 'write_bad_pointer_efault', 'clear_needs_write',
  'o_trunc_clears', 'two_processes',
];

function project(): string {
  const dir = generate(['--name', 'hello', '--author', 'Kernel Test <test@example.org>']);
  generate(['chardev', '--name', CLASSIC, '--minors', '2'], dir);
  generate(['chardev', '--name', MISC, '--flavor', 'misc', '--buffer-size', '512'], dir);
  return dir;
}

/** The scenario for one char device: node, numbers, selftest, busy unload, clean unload. */
function deviceScenario(name: string, node: string, sysfs: string): string {
  return `
step ${name}_load insmod /modules/${name}.ko
step ${name}_sysfs_dev cat ${sysfs}/dev
step ${name}_node_numbers stat -c '%t:%T %F' ${node}
step ${name}_proc_devices sh -c 'grep " ${name}$" /proc/devices || true'
step ${name}_selftest /modules/${name}_test selftest ${node}
step ${name}_info /modules/${name}_test info ${node}
step ${name}_hold_start sh -c '/modules/${name}_test hold ${node} 120 >/tmp/${name}.hold 2>&1 & echo $! >/tmp/${name}.pid; sleep 1; cat /tmp/${name}.hold'
step ${name}_unload_busy rmmod ${name}
step ${name}_loaded_while_busy test -e /sys/module/${name}
step ${name}_hold_stop sh -c 'kill $(cat /tmp/${name}.pid); sleep 1'
step ${name}_unload rmmod ${name}
step ${name}_gone sh -c 'test -e ${node} || test -e /sys/module/${name}'
`;
}

function checkDevice(result: BootResult, name: string, size: number, expectMajor?: number): void {
  const s = (step: string) => stepOf(result, `${name}_${step}`);
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
  assert.match(s('hold_start').out.join('\n'), /holding .* open/);
  assert.notEqual(s('unload_busy').rc, 0, 'rmmod refused while the device is open');
  assert.equal(s('loaded_while_busy').rc, 0, 'module still loaded after the refused rmmod');
  assert.equal(s('unload').rc, 0, `rmmod after close: ${s('unload').out.join('\n')}`);
  assert.notEqual(s('gone').rc, 0, 'node and module gone after rmmod');
}

withKernelEnv('yo kmod:chardev', (env) => {
  const source = project();

  it('the generated project lists all three modules for kbuild and DKMS', () => {
    const kbuild = execOk('cat', [path.join(source, 'Kbuild')]).stdout;
    for (const m of MODULES) assert.match(kbuild, new RegExp(`^obj-m \\+= ${m}\\.o$`, 'm'));
  });

  for (const kernel of env.kernels) {
    describe(`chardev on ${kernel.line} (${kernel.release})`, () => {
      const dir = copyProject(source, `chardev-${kernel.line}`);

      it('builds with W=1 C=1 and no warning; vermagic and modinfo right', () =>
        track(kernel.line, 'chardev classic+misc', 'build', () => {
        const r = strictBuild(dir, kernelArgs(kernel));
        assertCleanBuild(r.stdout + r.stderr, MODULES);
        for (const m of MODULES) {
          const ko = path.join(dir, `${m}.ko`);
          assert.ok(modinfo('vermagic', ko).startsWith(`${kernel.release} `));
          assert.equal(modinfo('license', ko), 'GPL');
        }
        assert.equal(modinfo('description', path.join(dir, `${CLASSIC}.ko`)), `Character device driver ${CLASSIC}`);
      }));

      it('kernel sources are clean under checkpatch --strict', () => {
        const files = [...MODULES.map((m) => `${m}.c`), `${CLASSIC}_ioctl.h`, `${MISC}_ioctl.h`, 'kmod_compat.h'];
        const r = checkpatch(env.checkpatch, dir, files);
        assert.ok(r.clean, r.report);
      });

      it('the test programs build with -Wall -Wextra -Werror (static)', () => {
        makeOk(dir, ['tools', 'TOOLS_CFLAGS=-O2 -Wall -Wextra -Werror', 'TOOLS_LDFLAGS=-static']);
      });

      it('in QEMU: nodes, numbers, read/write/lseek/ioctl, two processes, busy unload', () =>
        track(kernel.line, 'chardev classic+misc', 'qemu', () => {
        const result = boot({
          image: kernel.image,
          busybox: env.busybox,
          modules: [
            ...[CLASSIC, MISC].map((m) => path.join(dir, `${m}.ko`)),
            ...[CLASSIC, MISC].map((m) => path.join(dir, 'tools', `${m}_test`)),
          ],
          scenario:
            deviceScenario(CLASSIC, `/dev/${CLASSIC}0`, `/sys/class/${CLASSIC}/${CLASSIC}0`) +
            `
step classic_reload insmod /modules/${CLASSIC}.ko
step classic_minor1 cat /sys/class/${CLASSIC}/${CLASSIC}1/dev
step classic_separate sh -c 'echo zero >/dev/${CLASSIC}0 && echo one >/dev/${CLASSIC}1 && cat /dev/${CLASSIC}0 /dev/${CLASSIC}1'
step classic_major grep " ${CLASSIC}$" /proc/devices
step classic_unload rmmod ${CLASSIC}
` +
            deviceScenario(MISC, `/dev/${MISC}`, `/sys/class/misc/${MISC}`),
        });
        assert.ok(result.finished, `scenario finished\n${result.log}`);
        checkDevice(result, CLASSIC, 4096);
        checkDevice(result, MISC, 512, 10);
        const s = (step: string) => stepOf(result, step);
        const classicMajor = Number((s(`${CLASSIC}_sysfs_dev`).out[0] ?? '').split(':')[0]);
        assert.equal(s('classic_reload').rc, 0);
        assert.match(s('classic_minor1').out[0] ?? '', /^\d+:1$/, 'second minor registered');
        assert.deepEqual(s('classic_separate').out, ['zero', 'one'], 'each minor has its own buffer');
        assert.match(s('classic_major').out[0] ?? '', new RegExp(`^\\s*\\d+ ${CLASSIC}$`));
        assert.equal(s('classic_unload').rc, 0);
        assert.ok(classicMajor > 0);
        assert.deepEqual(kernelTrouble(result.log + result.dmesg), [], result.dmesg);
      }));
    });
  }

  describe('longest allowed names (55 characters)', () => {
    const long = (c: string) => c.repeat(55);
    const names = [long('a'), long('b'), long('c')];
    const dir = generate(['--name', names[0] as string]);
    generate(['chardev', '--name', names[1] as string, '--minors', '64'], dir);
    generate(['chardev', '--name', names[2] as string, '--flavor', 'misc'], dir);
    it('pass checkpatch --strict', () => {
      const files = [...names.map((n) => `${n}.c`), `${names[1]}_ioctl.h`, `${names[2]}_ioctl.h`];
      const r = checkpatch(env.checkpatch, dir, files);
      assert.ok(r.clean, r.report);
    });
    for (const kernel of env.kernels) {
      it(`build with W=1 C=1 and no warning on ${kernel.line}`, () => {
        const copy = copyProject(dir, `long-${kernel.line}`);
        const r = strictBuild(copy, kernelArgs(kernel));
        assertCleanBuild(r.stdout + r.stderr, names);
      });
    }
  });

  describe('DKMS', () => {
    it('hello + both char devices: add, build, install, status, remove for every kernel', () => {
      dkmsLifecycle(source, { name: 'hello', version: '0.1.0', modules: MODULES }, env.debianKernels);
    });
  });
});
