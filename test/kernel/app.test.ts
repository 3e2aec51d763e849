/**
 * Kernel suite for `yo kmod`: the generated project, built, checked,
 * packaged and loaded on each Debian kernel with the real tools.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HOSTILE_AUTHOR, HOSTILE_DESCRIPTION } from '../support/hostile.js';
import { checkpatch } from './support/checkpatch.js';
import { dkmsLifecycle } from './support/dkms.js';
import { execOk } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { track } from './support/matrix.js';
import { assertCleanBuild, copyProject, generate, kernelArgs, make, makeOk, modinfo, strictBuild } from './support/kbuild.js';
import { boot, kernelTrouble, stepOf } from './support/qemu.js';


withKernelEnv('yo kmod', (env) => {
  const project = generate(['--author', 'Kernel Test <test@example.org>']);

  for (const kernel of env.kernels) {
    describe(`hello on ${kernel.line} (${kernel.release})`, () => {
      const dir = copyProject(project, `hello-${kernel.line}`);
      const ko = path.join(dir, 'hello.ko');

      it('builds with W=1 C=1 and no warning, for the named kernel', () =>
        track(kernel.line, 'hello', 'build', () => {
        const r = strictBuild(dir, kernelArgs(kernel));
        assertCleanBuild(r.stdout + r.stderr, ['hello']);
        assert.ok(modinfo('vermagic', ko).startsWith(`${kernel.release} `), 'vermagic matches the kernel');
        assert.equal(modinfo('description', ko), 'Example out-of-tree kernel module');
        assert.equal(modinfo('version', ko), '0.1.0');
        assert.equal(modinfo('license', ko), 'GPL');
        assert.equal(modinfo('author', ko), 'Kernel Test <test@example.org>');
        assert.match(modinfo('parm', ko), /^repeat:Times to greet, 1-16 \(default 1\)$/);
      }));

      it('is clean under checkpatch --strict', () => {
        const r = checkpatch(env.checkpatch, dir, ['hello.c', 'kmod_compat.h']);
        assert.ok(r.clean, r.report);
      });

      // KERNELRELEASE selects /lib/modules/<release>/build: installed (Debian) kernels only.
      if (kernel.kind === 'debian') it('takes the kernel from KERNELRELEASE or from KDIR in the environment', () => {
        make(dir, ['clean', `KDIR=${kernel.kdir}`]);
        makeOk(dir, [`KERNELRELEASE=${kernel.release}`]);
        assert.ok(modinfo('vermagic', ko).startsWith(`${kernel.release} `));
        make(dir, ['clean', `KDIR=${kernel.kdir}`]);
        assert.ok(!existsSync(ko), 'make clean removes the module');
        makeOk(dir, [], { ...process.env, KDIR: kernel.kdir });
        assert.ok(modinfo('vermagic', ko).startsWith(`${kernel.release} `));
      });

      it('make install puts the module where modinfo -k finds it (scratch root)', () => {
        const root = mkdtempSync(path.join(tmpdir(), 'kmod-root-'));
        makeOk(dir, ['install', `KDIR=${kernel.kdir}`, `INSTALL_MOD_PATH=${root}`]);
        const found = execOk('modinfo', ['-b', root, '-k', kernel.release, '-F', 'filename', 'hello']).stdout.trim();
        assert.ok(found.startsWith(`${root}/lib/modules/${kernel.release}/`), found);
        assert.ok(existsSync(found), found);
      });

      it('loads in QEMU with a parameter, validates it, and unloads cleanly', () =>
        track(kernel.line, 'hello', 'qemu', () => {
        const result = boot({
          image: kernel.image,
          busybox: env.busybox,
          modules: [ko],
          scenario: `
step load_bad insmod /modules/hello.ko repeat=99
step absent_after_bad test -e /sys/module/hello
step load insmod /modules/hello.ko repeat=3
step param cat /sys/module/hello/parameters/repeat
step version cat /sys/module/hello/version
step set_param sh -c 'echo 5 >/sys/module/hello/parameters/repeat'
step param_after_set cat /sys/module/hello/parameters/repeat
step set_bad sh -c 'echo 0 >/sys/module/hello/parameters/repeat'
step param_after_bad cat /sys/module/hello/parameters/repeat
step unload rmmod hello
step absent_after_unload test -e /sys/module/hello
step messages sh -c 'dmesg | grep "hello: "'
`,
        });
        const s = (name: string) => stepOf(result, name);
        assert.ok(result.finished, `scenario finished\n${result.log}`);
        assert.notEqual(s('load_bad').rc, 0, 'repeat=99 is refused at load');
        assert.notEqual(s('absent_after_bad').rc, 0, 'nothing loaded after the refused load');
        assert.equal(s('load').rc, 0, s('load').out.join('\n'));
        assert.deepEqual(s('param').out, ['3']);
        assert.deepEqual(s('version').out, ['0.1.0']);
        assert.equal(s('set_param').rc, 0);
        assert.deepEqual(s('param_after_set').out, ['5']);
        assert.notEqual(s('set_bad').rc, 0, 'repeat=0 is refused through sysfs');
        assert.deepEqual(s('param_after_bad').out, ['5']);
        assert.equal(s('unload').rc, 0, s('unload').out.join('\n'));
        assert.notEqual(s('absent_after_unload').rc, 0, 'module gone after rmmod');
        const messages = s('messages').out.join('\n');
        for (let i = 1; i <= 3; i++) assert.match(messages, new RegExp(`hello: hello, world \\(${i}/3\\)`));
        assert.match(messages, /hello: goodbye/);
        assert.deepEqual(kernelTrouble(result.log + result.dmesg), [], result.dmesg);
      }));
    });
  }

  describe('Makefile without headers', () => {
    it('says which headers package to install', () => {
      const r = make(project, ['KDIR=/nonexistent/kernel', 'KERNELRELEASE=9.9.9-test']);
      assert.notEqual(r.status, 0);
      const out = r.stdout + r.stderr;
      assert.match(out, /No kernel build tree at KDIR=\/nonexistent\/kernel/);
      assert.match(out, /sudo apt install linux-headers-9\.9\.9-test/);
      assert.match(out, /kernel headers not found/);
    });
  });

  describe('hostile free text through the whole chain', () => {
    const hostile = generate(['--name', 'hostile_text', '--description', HOSTILE_DESCRIPTION, '--author', HOSTILE_AUTHOR]);
    for (const kernel of env.kernels) {
      it(`builds clean and modinfo shows the text unchanged on ${kernel.line}`, () => {
        const dir = copyProject(hostile, `hostile-${kernel.line}`);
        const r = strictBuild(dir, kernelArgs(kernel));
        assertCleanBuild(r.stdout + r.stderr, ['hostile_text']);
        const ko = path.join(dir, 'hostile_text.ko');
        assert.equal(modinfo('description', ko), HOSTILE_DESCRIPTION);
        assert.equal(modinfo('author', ko), HOSTILE_AUTHOR);
        const cp = checkpatch(env.checkpatch, dir, ['hostile_text.c']);
        assert.ok(cp.clean, cp.report);
        assert.ok(!existsSync('/tmp/kmod-pwned'), 'nothing in the text was executed');
      });
    }
    it('make help prints the text unchanged and executes nothing', () => {
      const r = make(hostile, ['-s', 'help', 'KDIR=/nonexistent']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.split('\n')[0], `hostile_text 0.1.0: ${HOSTILE_DESCRIPTION}`);
      assert.ok(!existsSync('/tmp/kmod-pwned'));
    });
    it('dkms.conf sourced by bash yields the literal values and executes nothing', () => {
      const r = execOk('bash', ['-c', 'set -eu; source ./dkms.conf; printf "%s|%s|%s" "$PACKAGE_NAME" "$PACKAGE_VERSION" "${BUILT_MODULE_NAME[0]}"'], { cwd: hostile });
      assert.equal(r.stdout, 'hostile_text|0.1.0|hostile_text');
      assert.ok(!existsSync('/tmp/kmod-pwned'));
    });
  });

  describe('DKMS', () => {
    it('add, build, install, status and remove for every kernel', () => {
      const pkgDir = generate(['--name', 'kmod_dkms_test', '--version', '1.0.0~test']);
      dkmsLifecycle(pkgDir, { name: 'kmod_dkms_test', version: '1.0.0~test', modules: ['kmod_dkms_test'] }, env.debianKernels);
      assert.ok(readdirSync(pkgDir).includes('dkms.conf'));
    });
  });
});
