/**
 * Kernel suite for the generated project's build-environment support: the
 * Makefile targets (compile_commands.json, check, sign, doctor, install,
 * dkms-install), kernel selection (KERNEL_SRC, LLVM detection, cross
 * variables), paths with spaces, and the optional CI workflow.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { dkmsPurge } from './support/dkms.js';
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
  // A platform driver (and its test-only device) for the install tests.
  const yoctoSource = generate(['--name', 'yoc']);
  generate(['platform', '--name', 'yocplat'], yoctoSource);

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

      // Yocto's module.bbclass: do_compile and do_install with the variables it
      // passes. A Debian header folder is such a split tree: the flavour's
      // build directory (O=) over the common sources (KERNEL_SRC).
      it('Yocto module.bbclass: KERNEL_SRC + O= build, modules_install into MODLIB with DEPMOD=echo; no test-only module', () => {
        const yocto = copyProject(yoctoSource, `env-yocto-${kernel.line}`);
        const common = /^include (\/\S+)\/Makefile$/m.exec(readFileSync(path.join(kernel.kdir, 'Makefile'), 'utf8'))?.[1];
        assert.ok(common, `${kernel.kdir}/Makefile includes the common tree`);
        const build = realpathSync(kernel.kdir);
        makeOk(yocto, [`KERNEL_SRC=${common}`, `KERNEL_PATH=${common}`, `KERNEL_VERSION=${kernel.release}`, `O=${build}`, 'CC=gcc-12']);
        assert.ok(modinfo('vermagic', path.join(yocto, 'yoc.ko')).startsWith(`${kernel.release} `));
        const image = mkdtempSync(path.join(tmpdir(), 'kmod-yocto-image-'));
        const modlib = path.join(image, 'lib/modules', kernel.release);
        const r = makeOk(yocto, ['DEPMOD=echo', `MODLIB=${modlib}`, `INSTALL_FW_PATH=${image}/lib/firmware`, 'CC=gcc-12', `O=${build}`, `KERNEL_SRC=${common}`, 'modules_install']);
        const installed = execOk('find', [image, '-name', '*.ko*']).stdout.split('\n').filter(Boolean).map((f) => path.basename(f)).sort();
        assert.deepEqual(installed.map((f) => f.replace(/\.ko.*$/, '')), ['yoc', 'yocplat'], `${r.stdout}${r.stderr}`);
        assert.ok(installed.every((f) => execOk('find', [modlib, '-name', f]).stdout.trim() !== ''), 'under MODLIB');
        // make install is the same plus depmod, into INSTALL_MOD_PATH: the test device stays out there too.
        const root = mkdtempSync(path.join(tmpdir(), 'kmod-install-root-'));
        makeOk(yocto, [kdir, `INSTALL_MOD_PATH=${root}`, 'install']);
        const files = execOk('find', [root, '-name', '*.ko*']).stdout;
        assert.match(files, /\/yocplat\.ko/);
        assert.doesNotMatch(files, /_testdev/);
        assert.ok(existsSync(path.join(root, 'lib/modules', kernel.release, 'modules.dep')), 'depmod ran on the staging root');
      });

      it('KERNEL_SRC selects the kernel like KDIR', () => {
        make(dir, [kdir, 'clean']);
        makeOk(dir, [`KERNEL_SRC=${kernel.kdir}`]);
        assert.ok(modinfo('vermagic', path.join(dir, 'envmod.ko')).startsWith(`${kernel.release} `));
      });

      it('dkms-install installs for the kernel, modinfo -k finds it; again after an edit, the edited module; dkms-remove removes it', () => {
        try {
          makeOk(dir, [kdir, 'dkms-install']);
          const found = execOk('modinfo', ['-k', kernel.release, '-F', 'filename', 'chr']).stdout.trim();
          assert.match(found, new RegExp(`^/lib/modules/${kernel.release.replace(/[.+]/g, '\\$&')}/updates/dkms/chr\\.ko`));
          // The same version again, edited: DKMS alone would say "already installed" and keep the old one.
          const edited = copyProject(dir, `env-edited-${kernel.line}`);
          const file = path.join(edited, 'chr.c');
          const text = readFileSync(file, 'utf8');
          assert.match(text, /^MODULE_DESCRIPTION\(.*\);$/m);
          writeFileSync(file, text.replace(/^MODULE_DESCRIPTION\(.*\);$/m, 'MODULE_DESCRIPTION("edited after the first install");'));
          makeOk(edited, [kdir, 'dkms-install']);
          assert.equal(execOk('modinfo', ['-k', kernel.release, '-F', 'description', 'chr']).stdout.trim(), 'edited after the first install');
        } finally {
          makeOk(dir, [kdir, 'dkms-remove']);
        }
        assert.notEqual(exec('modinfo', ['-k', kernel.release, 'chr']).status, 0, 'gone after dkms-remove');
      });
    });
  }

  describe('DKMS skips a kernel without the bus a module needs (BUILD_EXCLUSIVE_CONFIG)', () => {
    const kernel = env.debianKernels[0];
    const pkg = { name: 'exclmod', version: '1.0', modules: ['exclmod', 'exclpci'] };
    it(`a copy of ${kernel?.line} headers without CONFIG_PCI: dkms build says so and skips it; with CONFIG_PCI it builds`, () => {
      assert.ok(kernel);
      const project = generate(['--name', pkg.name, '--version', pkg.version]);
      generate(['pci', '--name', 'exclpci'], project);
      assert.match(readFileSync(path.join(project, 'dkms.conf'), 'utf8'), /^BUILD_EXCLUSIVE_CONFIG="CONFIG_PCI"$/m);
      // The flavour folder, its relative links made absolute.
      const copy = path.join(mkdtempSync(path.join(tmpdir(), 'kmod-nopci-')), 'build');
      const real = realpathSync(kernel.kdir);
      cpSync(real, copy, { recursive: true, verbatimSymlinks: true });
      for (const link of ['scripts', 'tools']) {
        rmSync(path.join(copy, link));
        symlinkSync(realpathSync(path.join(real, link)), path.join(copy, link));
      }
      const config = path.join(copy, '.config');
      const withPci = readFileSync(config, 'utf8');
      assert.match(withPci, /^CONFIG_PCI=y$/m);
      writeFileSync(config, withPci.replace(/^CONFIG_PCI=y$/m, '# CONFIG_PCI is not set'));
      dkmsPurge(pkg);
      try {
        cpSync(project, `/usr/src/${pkg.name}-${pkg.version}`, { recursive: true });
        execOk('dkms', ['add', `${pkg.name}/${pkg.version}`]);
        const skipped = exec('dkms', ['build', `${pkg.name}/${pkg.version}`, '-k', kernel.release, '--kernelsourcedir', copy]);
        assert.equal(skipped.status, 77, `${skipped.stdout}${skipped.stderr}`);
        assert.match(skipped.stdout + skipped.stderr, /BUILD_EXCLUSIVE directive which does not match this kernel/);
        writeFileSync(config, withPci);
        const built = exec('dkms', ['build', `${pkg.name}/${pkg.version}`, '-k', kernel.release, '--kernelsourcedir', copy]);
        assert.equal(built.status, 0, `${built.stdout}${built.stderr}`);
      } finally {
        dkmsPurge(pkg);
      }
    });
  });

  describe('kernel selection without building', () => {
    it('compile_commands.json through a distribution header folder whose Makefile includes the kernel\'s', () => {
      // Debian's per-flavour folder: a one-line Makefile including the common
      // one. Kbuild compiles in the module folder when that one has
      // KBUILD_EXTMOD_OUTPUT (6.13 and later), else in the build tree.
      const dir = copyProject(source, 'env-compile-commands');
      writeFileSync(path.join(dir, '.envmod.o.cmd'), 'savedcmd_envmod.o := gcc -c -o envmod.o envmod.c\n');
      for (const [marker, expected] of [[true, dir], [false, 'build']] as const) {
        const trees = mkdtempSync(path.join(tmpdir(), 'kmod-flavour-'));
        mkdirSync(path.join(trees, 'common'));
        mkdirSync(path.join(trees, 'build'));
        writeFileSync(path.join(trees, 'common', 'Makefile'), `VERSION = ${marker ? 7 : 6}\n${marker ? 'KBUILD_EXTMOD_OUTPUT := $(KBUILD_EXTMOD)\n' : ''}`);
        writeFileSync(path.join(trees, 'build', 'Makefile'), `include ${trees}/common/Makefile\n`);
        const out = execOk('sh', [path.join(dir, 'scripts/compile-commands.sh'), path.join(trees, 'build'), dir]).stdout;
        const db = JSON.parse(out) as CompileCommand[];
        assert.equal(db.length, 1, out);
        assert.equal(db[0]?.directory, marker ? realpathSync(dir) : realpathSync(path.join(trees, expected)), out);
      }
    });

    it('make tools with CROSS_COMPILE builds the test programs for the target', () => {
      const dir = copyProject(source, 'env-cross-tools');
      const r = makeOk(dir, ['CROSS_COMPILE=aarch64-linux-gnu-', 'tools']);
      assert.match(r.stdout, /^aarch64-linux-gnu-gcc .* -o tools\/chr_test /m);
      assert.match(execOk('readelf', ['-h', path.join(dir, 'tools/chr_test')]).stdout, /Machine: +AArch64/);
    });

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
      const line = `make -C '${kernel.kdir}' M='${source}' ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- `;
      assert.ok(dry.stdout.split('\n').some((l) => l.startsWith(line) && /^\s+modules$/.test(l.slice(line.length))), dry.stdout);
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
