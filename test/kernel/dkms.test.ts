/**
 * The project's distribution packages with the real tools, for every
 * installed (Debian) kernel. The main project of the kernel matrix (every
 * kind and variant, version with a "~") is built with make deb, checked by
 * lintian, installed with apt-get install ./<pkg>.deb (its postinst has DKMS
 * build and install the modules for both Debian kernels: found by modinfo -k,
 * the platform drivers' test-only devices neither built nor installed) and
 * purged (nothing left of it: files, DKMS tree, modules). make rpm's package
 * and the PKGBUILD install the same files. A hello-only project proves an
 * upgrade (version 1 to 2 replaces the modules).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  aptInstall,
  aptPurge,
  assertDkmsInstalled,
  assertPackageGone,
  builtPackages,
  packageFiles,
  packagePurge,
  type BuiltPackages,
  type DkmsPackage,
} from './support/dkms.js';
import { exec, execOk, which } from './support/exec.js';
import { IN_CI, withKernelEnv } from './support/gate.js';
import { generate, makeOk } from './support/kbuild.js';
import { MAIN_VERSION, PROJECTS } from './support/variants.js';

/** What building and checking the packages needs (test/kernel/install-deps.sh installs it). */
const PACKAGING_TOOLS: [string, string][] = [
  ['dpkg-buildpackage', 'dpkg-dev'],
  ['dh', 'debhelper'],
  ['dh_dkms', 'dh-dkms'],
  ['lintian', 'lintian'],
  ['rpmbuild', 'rpm'],
];

/** The files (not folders) in a .deb, as absolute paths, without its /usr/share/doc. */
function debFiles(deb: string): string[] {
  return execOk('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -tvf -', 'sh', deb])
    .stdout.split('\n')
    .filter((l) => l.startsWith('-'))
    .map((l) => (l.split(/\s+/).pop() ?? '').replace(/^\./, ''))
    .filter((f) => !f.startsWith('/usr/share/doc/'))
    .sort();
}

withKernelEnv('DKMS packages', (env) => {
  const missing = PACKAGING_TOOLS.filter(([tool]) => !which(tool)).map(([tool, pkg]) => `${tool} (Debian package ${pkg})`);
  if (missing.length > 0) {
    const why = `the packaging tools are missing: ${missing.join(', ')}; install them with: sudo bash test/kernel/install-deps.sh`;
    if (IN_CI) it('DKMS packages: prerequisites', () => assert.fail(`CI requires them: ${why}`));
    else it('DKMS packages: SKIPPED (not in CI)', { skip: why }, () => {});
    return;
  }
  const kernels = env.debianKernels;
  const running = execOk('uname', ['-r']).stdout.trim();

  describe('the main project as a Debian package: make deb, lintian, apt-get install through DKMS for every Debian kernel, purge', () => {
    const main = PROJECTS.find((p) => p.id === 'main');
    const testOnly = (main?.kos ?? []).filter((m) => m.endsWith('_testdev'));
    const pkg: DkmsPackage = { name: 'hello', version: MAIN_VERSION, modules: (main?.kos ?? []).filter((m) => !testOnly.includes(m)), absent: testOnly };
    let project = '';
    let built: BuiltPackages | undefined;
    let installed: string[] = [];
    let modules: string[] = [];

    before(() => {
      if (!main) throw new Error('no main project');
      assert.ok(testOnly.length > 0, 'the main project has test-only modules');
      packagePurge('hello-dkms', pkg);
      project = main.create();
      makeOk(project, ['deb']);
      makeOk(project, ['rpm']);
      built = builtPackages(project, 'hello-dkms');
    });
    after(() => packagePurge('hello-dkms', pkg));

    it('lintian finds no error in the .deb', () => {
      assert.ok(built);
      const r = exec('lintian', ['--fail-on', 'error', built.deb]);
      assert.equal(r.status, 0, `lintian:\n${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout, /^E: /m, r.stdout);
    });

    it('the .deb holds the DKMS source without the test-only modules: dkms.conf, Kbuild, the modules', () => {
      assert.ok(built);
      const files = debFiles(built.deb);
      const src = `/usr/src/hello-${MAIN_VERSION}/`;
      for (const f of ['dkms.conf', 'Kbuild', 'Makefile', 'kmod_compat.h', ...pkg.modules.map((m) => `${m}.c`)]) assert.ok(files.includes(src + f), `${src}${f} in the .deb`);
      for (const m of testOnly) assert.ok(!files.includes(`${src}${m}.c`), `${m}.c (test-only) is not packaged`);
      assert.deepEqual(
        files.filter((f) => f.startsWith('/usr/lib/udev/rules.d/')),
        ['/usr/lib/udev/rules.d/99-chr_classic.rules', '/usr/lib/udev/rules.d/99-chr_misc.rules'],
        'the char devices\' udev rules',
      );
      assert.match(execOk('dpkg-deb', ['-f', built.deb, 'Depends']).stdout, /^dkms \(>= /, 'Depends: dkms (dh_dkms)');
      assert.equal(execOk('dpkg-deb', ['-f', built.deb, 'Architecture']).stdout.trim(), 'all');
    });

    it(`apt-get install ./hello-dkms_*.deb: DKMS builds and installs every module for ${kernels.map((k) => k.release).join(' and ')}; the test-only ones neither`, () => {
      assert.ok(built);
      aptInstall(built.deb);
      installed = packageFiles('hello-dkms');
      modules = assertDkmsInstalled(pkg, kernels);
    });

    const runningKernel = kernels.find((k) => k.release === running);
    it(`the modules modprobe and rmmod on the running kernel`, { skip: runningKernel ? false : `the running kernel ${running} is not one the package was built for (${kernels.map((k) => k.release).join(', ')})` }, () => {
      for (const m of pkg.modules) {
        execOk('modprobe', [m]);
        execOk('rmmod', [m]);
      }
    });

    it('apt-get purge removes every file it installed, the DKMS tree and the modules of every kernel', () => {
      assert.ok(installed.length > 0 && modules.length > 0, 'the install test ran');
      aptPurge('hello-dkms');
      assertPackageGone('hello-dkms', pkg, [...installed, ...modules], kernels);
    });

    it('make rpm: a noarch hello-dkms whose files are the .deb\'s, with the dkms add/build/install and remove scriptlets', () => {
      assert.ok(built?.rpm);
      const q = (format: string) => execOk('rpm', ['-qp', '--qf', format, built?.rpm ?? '']).stdout;
      assert.equal(q('%{NAME} %{VERSION} %{RELEASE} %{ARCH}'), `hello-dkms ${MAIN_VERSION} 1 noarch`);
      const files = q('[%{FILEMODES:perms} %{FILENAMES}\\n]')
        .split('\n')
        .filter((l) => l.startsWith('-'))
        .map((l) => l.slice(l.indexOf(' ') + 1))
        .sort();
      assert.deepEqual(files, debFiles(built.deb));
      const listed = execOk('rpm', ['-qlp', built.rpm]).stdout;
      assert.match(listed, new RegExp(`^/usr/src/hello-${MAIN_VERSION}/dkms\\.conf$`, 'm'));
      const scripts = execOk('rpm', ['-qp', '--scripts', built.rpm]).stdout;
      const id = `-m hello -v ${MAIN_VERSION}`;
      const post = scripts.slice(scripts.indexOf('postinstall scriptlet'), scripts.indexOf('preuninstall scriptlet'));
      for (const step of ['add', 'build', 'install']) assert.ok(post.includes(`dkms ${step} ${id}`), `%post runs dkms ${step}:\n${scripts}`);
      assert.ok(scripts.slice(scripts.indexOf('preuninstall scriptlet')).includes(`dkms remove ${id} -q --all`), `%preun removes every kernel's build:\n${scripts}`);
      assert.match(execOk('rpm', ['-qpR', built.rpm]).stdout, /^dkms$/m, 'Requires: dkms');
    });

    it('packaging/arch/PKGBUILD sources cleanly in bash and its package() installs the same files from make dist\'s tarball', () => {
      assert.ok(built?.tarball);
      const work = mkdtempSync(path.join(tmpdir(), 'kmod-pkgbuild-'));
      execOk('tar', ['-xzf', built.tarball, '-C', work]);
      const script = [
        'set -euo pipefail',
        'source "$1"',
        'printf "%s\\n" "$pkgname" "$pkgver" "$pkgrel" "${arch[*]}" "${depends[*]}" "${source[*]}" "$_dkmsname" "$_dkmsver"',
        'srcdir="$2"; pkgdir="$2/pkg"; cd "$srcdir"; package >/dev/null',
      ].join('\n');
      const vars = execOk('bash', ['-c', script, 'bash', path.join(project, 'packaging/arch/PKGBUILD'), work]).stdout.split('\n');
      const version = MAIN_VERSION.replaceAll('-', '_');
      assert.deepEqual(vars.slice(0, 8), ['hello-dkms', version, '1', 'any', 'dkms', `hello-dkms-${version}.tar.gz`, 'hello', MAIN_VERSION]);
      assert.equal(path.basename(built.tarball), `hello-dkms-${version}.tar.gz`, 'the PKGBUILD names make dist\'s tarball');
      const files = execOk('find', ['.', '-type', 'f'], { cwd: path.join(work, 'pkg') })
        .stdout.split('\n')
        .filter(Boolean)
        .map((f) => f.replace(/^\./, ''))
        .sort();
      assert.deepEqual(files, debFiles(built.deb));
    });
  });

  describe('an upgrade: hello-only project, version 1 then 2', () => {
    // One kernel: every dkms install and remove runs depmod, which takes about
    // 6 s on 6.12 (its modules are .ko.xz) and under 1 s on 6.1. The packages
    // of the main project above prove every kernel; this one proves the upgrade.
    const kernel = kernels.find((k) => k.line === '6.1') ?? kernels[0];
    const v1: DkmsPackage = { name: 'pkgup', version: '1', modules: ['pkgup'] };
    const v2: DkmsPackage = { ...v1, version: '2' };
    after(() => {
      packagePurge('pkgup-dkms', v1);
      packagePurge('pkgup-dkms', v2);
    });

    /** The project at `version`, its dkms.conf limited to `kernel` (BUILD_EXCLUSIVE_KERNEL), as a .deb. */
    function pkgupDeb(version: string): string {
      assert.ok(kernel);
      const project = generate(['--name', 'pkgup', '--version', version]);
      const conf = path.join(project, 'dkms.conf');
      writeFileSync(conf, `${readFileSync(conf, 'utf8')}BUILD_EXCLUSIVE_KERNEL="^${kernel.release.replace(/[.+]/g, '\\$&')}$"\n`);
      makeOk(project, ['deb']);
      return builtPackages(project, 'pkgup-dkms').deb;
    }

    it(`apt-get install of version 2 over 1 replaces the modules (${kernel?.release}) and the DKMS source; purge leaves nothing`, () => {
      assert.ok(kernel);
      packagePurge('pkgup-dkms', v1);
      packagePurge('pkgup-dkms', v2);
      const [first, second] = [pkgupDeb('1'), pkgupDeb('2')];
      aptInstall(first);
      const oldFiles = packageFiles('pkgup-dkms');
      assert.ok(oldFiles.includes('/usr/src/pkgup-1/dkms.conf'), 'version 1 has its source in /usr/src/pkgup-1');
      assertDkmsInstalled(v1, [kernel]);

      aptInstall(second);
      const modules = assertDkmsInstalled(v2, [kernel]);
      assert.equal(exec('dkms', ['status', 'pkgup/1']).stdout.trim(), '', 'version 1 is gone from DKMS');
      assert.deepEqual(readdirSync('/usr/src').filter((d) => d.startsWith('pkgup-')), ['pkgup-2'], 'only version 2 in /usr/src');
      const files = packageFiles('pkgup-dkms');
      aptPurge('pkgup-dkms');
      assertPackageGone('pkgup-dkms', v2, [...oldFiles, ...files, ...modules], kernels);
    });
  });
});
