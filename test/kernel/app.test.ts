/**
 * Kernel suite for `yo kmod`: how the generated Makefile selects a kernel and
 * installs (builds, checkpatch, DKMS and QEMU are in kernels.test.ts and
 * dkms.test.ts), and hostile free text through make and bash.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HOSTILE_AUTHOR, HOSTILE_DESCRIPTION } from '../support/hostile.js';
import { execOk } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { copyProject, generate, make, makeOk, modinfo } from './support/kbuild.js';

withKernelEnv('yo kmod', (env) => {
  const project = generate(['--author', 'Kernel Test <test@example.org>']);

  for (const kernel of env.kernels) {
    describe(`hello on ${kernel.label} (${kernel.release})`, () => {
      const dir = copyProject(project, `hello-${kernel.line}`);
      const ko = path.join(dir, 'hello.ko');

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
});
