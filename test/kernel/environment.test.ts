/**
 * Kernel suite for the generated project's build-environment support: the
 * Makefile targets (compile_commands.json, check, sign, doctor, install,
 * dkms-install), kernel selection (KERNEL_SRC, LLVM detection, cross
 * variables), paths with spaces, and the optional CI workflow.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { exec, execOk } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { JOBS, copyProject, generate, make, makeOk, modinfo } from './support/kbuild.js';

interface CompileCommand {
  directory: string;
  file: string;
  command: string;
}

/** The shell of the workflow step whose name starts with `name` (the block under "run: |"). */
function workflowStep(yml: string, name: string): string {
  const lines = yml.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith(`- name: ${name}`));
  assert.ok(start >= 0, `no step ${name}`);
  const run = lines.findIndex((l, i) => i > start && l.trim() === 'run: |');
  const body: string[] = [];
  for (const l of lines.slice(run + 1)) {
    if (!l.startsWith('          ')) break;
    body.push(l.slice(10));
  }
  return body.join('\n');
}

withKernelEnv('generated build environment', (env) => {
  // Its own names (DKMS package envmod, modules envmod and chr): it may run beside dkms.test.ts.
  const source = generate(['--name', 'envmod', '--ci', 'github', '--author', 'Env Test <env@example.org>']);
  generate(['chardev', '--name', 'chr'], source);

  for (const kernel of env.debianKernels) {
    describe(`Makefile targets on ${kernel.line} (${kernel.release})`, () => {
      const dir = copyProject(source, `env-${kernel.line}`);
      const kdir = `KDIR=${kernel.kdir}`;

      it('compile_commands.json names each module source with the kernel include paths', () => {
        makeOk(dir, [kdir, 'compile_commands.json']);
        const db = JSON.parse(readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as CompileCommand[];
        assert.deepEqual(db.map((e) => path.basename(e.file)).sort(), ['chr.c', 'envmod.c']);
        for (const e of db) {
          assert.equal(path.dirname(e.file), dir);
          assert.ok(e.command.includes(' -nostdinc '), e.command);
          assert.match(e.command, /-I\S*\/arch\/x86\/include /);
          assert.match(e.command, /-include \S*include\/linux\/kconfig\.h/);
          assert.ok(e.command.includes(e.file), 'the command compiles that file');
          assert.equal(execOk('test', ['-d', e.directory]).status, 0);
        }
      });

      it('check runs checkpatch, sparse and a W=1 build, and is clean', () => {
        const r = makeOk(dir, [kdir, `CHECKPATCH=${env.checkpatch}`, 'check']);
        const out = r.stdout + r.stderr;
        assert.match(out, /checkpatch\.pl' --no-tree --strict/);
        assert.match(out, /CHECK .*\/envmod\.c/, 'sparse ran');
        assert.match(out, /check: clean/);
        assert.doesNotMatch(out, /skipped/);
      });

      it('make -jN as users type it: clean and build in one call, check; no jobserver warning', () => {
        const ko = path.join(dir, 'envmod.ko');
        makeOk(dir, [JOBS, kdir, 'clean', 'all']);
        assert.ok(existsSync(ko), 'make -jN clean all ends with the module built');
        const r = makeOk(dir, [JOBS, kdir, `CHECKPATCH=${env.checkpatch}`, 'check']);
        assert.match(r.stdout + r.stderr, /check: clean/);
      });

      it('check fails on a warning it should find', () => {
        const broken = copyProject(dir, `env-broken-${kernel.line}`);
        const file = path.join(broken, 'envmod.c');
        writeFileSync(file, readFileSync(file, 'utf8').replace('\tunsigned int i;\n', '\tunsigned int i;\n\tint unused_var;\n'));
        const r = make(broken, [kdir, 'CHECKPATCH=', 'check']);
        assert.notEqual(r.status, 0);
        assert.match(r.stdout + r.stderr, /unused variable .unused_var/);
        assert.match(r.stdout, /check: skipped checkpatch: not found/);
        assert.match(r.stdout, /check: FAILED/);
      });

      it('sign produces modules modinfo reports as signed', () => {
        const keys = mkdtempSync(path.join(tmpdir(), 'kmod-keys-'));
        execOk('openssl', [
          'req', '-new', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=generator-kmod test key/',
          '-keyout', path.join(keys, 'key.pem'), '-outform', 'DER', '-out', path.join(keys, 'cert.der'),
        ]);
        makeOk(dir, [kdir, `SIGN_KEY=${keys}/key.pem`, `SIGN_CERT=${keys}/cert.der`, 'sign']);
        for (const m of ['envmod', 'chr']) {
          assert.equal(modinfo('signer', path.join(dir, `${m}.ko`)), 'generator-kmod test key');
          assert.equal(modinfo('sig_hashalgo', path.join(dir, `${m}.ko`)), 'sha256');
        }
        const r = make(dir, [kdir, 'SIGN_KEY=/nonexistent/key', 'sign']);
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /sign: no key: set SIGN_KEY and SIGN_CERT/);
      });

      it('doctor passes on the real headers', () => {
        const r = make(dir, ['-s', kdir, 'doctor']);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.ok(r.stdout.includes(`ok:    kernel build tree at ${kernel.kdir}\n`), r.stdout);
        assert.match(r.stdout, /ok: +compiler \S+ matches the one that built the kernel/);
        assert.match(r.stdout, /doctor: ready to build/);
        assert.doesNotMatch(r.stdout, /FAIL/);
      });

      it('KERNEL_SRC selects the kernel like KDIR', () => {
        make(dir, [kdir, 'clean']);
        makeOk(dir, [`KERNEL_SRC=${kernel.kdir}`]);
        assert.ok(modinfo('vermagic', path.join(dir, 'envmod.ko')).startsWith(`${kernel.release} `));
      });

      it('dkms-install installs for the kernel, modinfo -k finds it; dkms-remove removes it', () => {
        try {
          makeOk(dir, [kdir, 'dkms-install']);
          const found = execOk('modinfo', ['-k', kernel.release, '-F', 'filename', 'chr']).stdout.trim();
          assert.match(found, new RegExp(`^/lib/modules/${kernel.release.replace(/[.+]/g, '\\$&')}/updates/dkms/chr\\.ko`));
        } finally {
          makeOk(dir, [kdir, 'dkms-remove']);
        }
        assert.notEqual(exec('modinfo', ['-k', kernel.release, 'chr']).status, 0, 'gone after dkms-remove');
      });
    });
  }

  describe('kernel selection without building', () => {
    it('doctor reports missing headers clearly', () => {
      const r = make(source, ['-s', 'KDIR=/nonexistent/build', 'KERNELRELEASE=9.9.9-test', 'doctor']);
      assert.notEqual(r.status, 0);
      assert.match(r.stdout, /FAIL: +no kernel build tree at KDIR=\/nonexistent\/build/);
      assert.match(r.stdout, /sudo apt install linux-headers-9\.9\.9-test/);
    });

    it('LLVM=1 when the target kernel was built with clang, unless LLVM is given', () => {
      const clang = mkdtempSync(path.join(tmpdir(), 'kmod-clang-kdir-'));
      writeFileSync(path.join(clang, '.config'), 'CONFIG_CC_VERSION_TEXT="Debian clang version 16.0.6"\nCONFIG_CC_IS_CLANG=y\n');
      writeFileSync(path.join(clang, 'Makefile'), '# stands in for a kernel tree\n');
      const gcc = mkdtempSync(path.join(tmpdir(), 'kmod-gcc-kdir-'));
      writeFileSync(path.join(gcc, '.config'), 'CONFIG_CC_VERSION_TEXT="gcc-12 (Debian 12.2.0-14) 12.2.0"\nCONFIG_CC_IS_GCC=y\n');
      const llvmOf = (args: string[]) => /\(LLVM=(\S*)\)/.exec(makeOk(source, ['-s', 'help', ...args]).stdout)?.[1];
      assert.equal(llvmOf([`KDIR=${clang}`]), '1');
      assert.equal(llvmOf([`KDIR=${clang}`, 'LLVM=']), '');
      assert.equal(llvmOf([`KDIR=${gcc}`]), '');
      const dry = exec('make', ['-n', '-C', source, `KDIR=${clang}`, 'modules']);
      assert.match(dry.stdout, / LLVM=1 +modules/);
    });

    it('a cross build passes ARCH and CROSS_COMPILE to kbuild (dry run)', () => {
      const kernel = env.debianKernels[0];
      assert.ok(kernel);
      const dry = exec('make', ['-n', '-C', source, `KDIR=${kernel.kdir}`, 'ARCH=arm64', 'CROSS_COMPILE=aarch64-linux-gnu-', 'modules']);
      const line = `make -C '${kernel.kdir}' M='${source}' ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-  modules`;
      assert.ok(dry.stdout.includes(line), dry.stdout);
    });

    it('a path with spaces stops with a clear message', () => {
      const parent = mkdtempSync(path.join(tmpdir(), 'kmod space-'));
      const dir = path.join(parent, 'my project');
      mkdirSync(dir);
      cpSync(source, dir, { recursive: true });
      const r = make(dir, ['KDIR=/nonexistent']);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /contains spaces, which kbuild cannot handle: move the project/);
    });
  });

  describe('the generated CI workflow', () => {
    it('its build step runs clean against the installed Debian headers', () => {
      const yml = readFileSync(path.join(source, '.github/workflows/build.yml'), 'utf8');
      const script = workflowStep(yml, 'Build against every installed kernel');
      assert.match(script, /make check KDIR="\$kdir"/);
      const dir = copyProject(source, 'env-ci');
      const r = execOk('sh', ['-c', script], { cwd: dir });
      const out = r.stdout + r.stderr;
      for (const k of env.debianKernels) assert.ok(out.includes(k.kdir) || out.includes(k.release), `built for ${k.release}`);
      assert.equal((out.match(/check: clean/g) ?? []).length >= env.debianKernels.length, true, out);
    });

    it('its vmtest step boots the installed Debian kernel and passes the tests', () => {
      const yml = readFileSync(path.join(source, '.github/workflows/build.yml'), 'utf8');
      const script = workflowStep(yml, 'Boot the kernel under QEMU');
      assert.match(script, /make vmtest KERNELRELEASE="\$release"/);
      const dir = copyProject(source, 'env-ci-vmtest');
      // TCG straight away: this machine may have a /dev/kvm that cannot run a guest (as GitHub's container has none).
      const r = exec('sh', ['-c', script], { cwd: dir, env: { ...process.env, VMTEST_ACCEL: 'tcg' }, timeoutMs: 600_000 });
      const out = r.stdout + r.stderr;
      assert.equal(r.status, 0, out);
      assert.match(out, /^PASS envmod$/m);
      assert.match(out, /^PASS chr$/m);
      assert.match(out, /^vmtest: PASSED /m);
    });
  });
});
