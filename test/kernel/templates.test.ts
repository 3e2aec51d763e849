/**
 * Kernel suite for template customisation: a project rendered from a user
 * template folder (house header comment and a second module parameter)
 * still builds warning-free and loads with the extra parameter visible.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { HOUSE_TEMPLATES } from '../support/paths.js';
import { checkpatch } from './support/checkpatch.js';
import { withKernelEnv } from './support/gate.js';
import { track } from './support/matrix.js';
import { assertCleanBuild, copyProject, generate, kernelArgs, modinfo, strictBuild } from './support/kbuild.js';
import { boot, kernelTrouble, stepOf } from './support/qemu.js';

withKernelEnv('custom templates', (env) => {
  const source = generate(['--templates', HOUSE_TEMPLATES, '--author', 'ACME <dev@acme.example>']);

  it('the overridden source is clean under checkpatch --strict', () => {
    const r = checkpatch(env.checkpatch, source, ['hello.c']);
    assert.ok(r.clean, r.report);
  });

  for (const kernel of env.kernels) {
    describe(`house template on ${kernel.line} (${kernel.release})`, () => {
      const dir = copyProject(source, `house-${kernel.line}`);
      const ko = path.join(dir, 'hello.ko');

      it('builds with W=1 C=1 and no warning; both parameters in modinfo', () =>
        track(kernel.line, 'custom template', 'build', () => {
        const r = strictBuild(dir, kernelArgs(kernel));
        assertCleanBuild(r.stdout + r.stderr, ['hello']);
        assert.ok(modinfo('vermagic', ko).startsWith(`${kernel.release} `));
        const parms = modinfo('parm', ko).split('\n');
        assert.ok(parms.some((p) => p.startsWith('shout:Greet in capitals')), parms.join('\n'));
        assert.ok(parms.some((p) => p.startsWith('repeat:')), parms.join('\n'));
      }));

      it('loads in QEMU with the extra parameter visible and working', () =>
        track(kernel.line, 'custom template', 'qemu', () => {
        const result = boot({
          image: kernel.image,
          busybox: env.busybox,
          modules: [ko],
          scenario: `
step load insmod /modules/hello.ko repeat=2 shout=1
step shout cat /sys/module/hello/parameters/shout
step greetings sh -c 'dmesg | grep -c "hello: HELLO FROM ACME"'
step unload rmmod hello
step bye sh -c 'dmesg | grep -c "hello: bye from acme"'
`,
        });
        assert.ok(result.finished, result.log);
        const s = (n: string) => stepOf(result, n);
        assert.equal(s('load').rc, 0, s('load').out.join('\n'));
        assert.deepEqual(s('shout').out, ['Y']);
        assert.deepEqual(s('greetings').out, ['2']);
        assert.equal(s('unload').rc, 0);
        assert.deepEqual(s('bye').out, ['1']);
        assert.deepEqual(kernelTrouble(result.log + result.dmesg), [], result.dmesg);
      }));
    });
  }
});
