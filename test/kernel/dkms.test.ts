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
 *
 * Time: DKMS's builds of the main project are most of it. The upgrade runs
 * while the main project is generated and packaged (in a child process),
 * lintian and make rpm while it is purged (depmod, one core): beside one
 * another, never two apt-get or dpkg at once (they cannot).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
  type DkmsPackage,
} from './support/dkms.js';
import { exec, execAsync, execOk, succeeded, which, type ExecResult } from './support/exec.js';
import { IN_CI, withKernelEnv } from './support/gate.js';
import { generate } from './support/kbuild.js';
import type { Kernel } from './support/kernels.js';
import { MAIN_VERSION, PROJECTS } from './support/variants.js';

/** Makes the main project in a child process (so that other work goes on meanwhile); prints its folder. */
const CREATE_MAIN = `const { PROJECTS } = await import(${JSON.stringify(new URL('./support/variants.js', import.meta.url).href)});
process.stdout.write(PROJECTS.find((p) => p.id === 'main').create());`;

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

/** A target of a generated project's Makefile, without blocking; it must succeed. */
async function makeAsync(dir: string, target: string): Promise<ExecResult> {
  return succeeded(await execAsync('make', ['-C', dir, target], { env: { ...process.env, MAKEFLAGS: '' } }));
}

/**
 * The upgrade's hello project at `version`, its dkms.conf limited to `kernel`
 * (BUILD_EXCLUSIVE_KERNEL), as a .deb. One kernel: every dkms install and
 * remove runs depmod, which takes about 6 s on 6.12 (its modules are .ko.xz)
 * and under 1 s on 6.1; the main project proves every kernel.
 */
async function pkgupDeb(version: string, kernel: Kernel): Promise<string> {
  const project = generate(['--name', 'pkgup', '--version', version]);
  const conf = path.join(project, 'dkms.conf');
  writeFileSync(conf, `${readFileSync(conf, 'utf8')}BUILD_EXCLUSIVE_KERNEL="^${kernel.release.replace(/[.+]/g, '\\$&')}$"\n`);
  await makeAsync(project, 'deb');
  return builtPackages(project, 'pkgup-dkms').deb;
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
  const upgradeKernel = kernels.find((k) => k.line === '6.1') ?? kernels[0];
  const running = execOk('uname', ['-r']).stdout.trim();
  const main = PROJECTS.find((p) => p.id === 'main');
  const testOnly = (main?.kos ?? []).filter((m) => m.endsWith('_testdev'));
  const pkg: DkmsPackage = { name: 'hello', version: MAIN_VERSION, modules: (main?.kos ?? []).filter((m) => !testOnly.includes(m)), absent: testOnly };
  const v1: DkmsPackage = { name: 'pkgup', version: '1', modules: ['pkgup'] };
  const v2: DkmsPackage = { ...v1, version: '2' };
  let project = '';
  let deb = '';
  // Beside the other work: the upgrade (while the main project is made), lintian and make rpm (while the main package is purged).
  let upgrade: Promise<void> | undefined;
  let lintian: Promise<ExecResult> | undefined;
  let rpm: Promise<ExecResult> | undefined;

  // What the upgrade installed (version 1's files and version 2's files and modules): purged with the main package.
  const upgraded: string[] = [];

  /** Version 1 of a hello project installed, then 2 over it (purged with the main package): asserted on the way. */
  async function runUpgrade(kernel: Kernel): Promise<void> {
    const [first, second] = await Promise.all([pkgupDeb('1', kernel), pkgupDeb('2', kernel)]);
    await aptInstall(first);
    const oldFiles = packageFiles('pkgup-dkms');
    assert.ok(oldFiles.includes('/usr/src/pkgup-1/dkms.conf'), 'version 1 has its source in /usr/src/pkgup-1');
    assertDkmsInstalled(v1, [kernel]);

    await aptInstall(second);
    const modules = assertDkmsInstalled(v2, [kernel]);
    assert.equal(exec('dkms', ['status', 'pkgup/1']).stdout.trim(), '', 'version 1 is gone from DKMS');
    assert.deepEqual(readdirSync('/usr/src').filter((d) => d.startsWith('pkgup-')), ['pkgup-2'], 'only version 2 in /usr/src');
    upgraded.push(...oldFiles, ...packageFiles('pkgup-dkms'), ...modules);
  }

  before(async () => {
    if (!main) throw new Error('no main project');
    assert.ok(testOnly.length > 0, 'the main project has test-only modules');
    assert.ok(upgradeKernel, 'a Debian kernel for the upgrade');
    for (const [name, p] of [['hello-dkms', pkg], ['pkgup-dkms', v1], ['pkgup-dkms', v2]] as const) packagePurge(name, p);
    upgrade = runUpgrade(upgradeKernel);
    upgrade.catch(() => {}); // reported by its test
    project = succeeded(await execAsync(process.execPath, ['--input-type=module', '-e', CREATE_MAIN], { timeoutMs: 600_000 })).stdout.trim();
    await makeAsync(project, 'deb');
    deb = builtPackages(project, 'hello-dkms').deb;
    await upgrade.catch(() => {}); // apt-get and dpkg are free again
  });
  after(() => {
    packagePurge('hello-dkms', pkg);
    packagePurge('pkgup-dkms', v1);
    packagePurge('pkgup-dkms', v2);
  });

  describe('the main project as a Debian package: make deb, lintian, apt-get install through DKMS for every Debian kernel, purge', () => {
    let installed: string[] = [];
    let modules: string[] = [];

    it('the .deb holds the DKMS source without the test-only modules: dkms.conf, Kbuild, the modules, the udev rules', () => {
      const files = debFiles(deb);
      const src = `/usr/src/hello-${MAIN_VERSION}/`;
      for (const f of ['dkms.conf', 'Kbuild', 'Makefile', 'kmod_compat.h', ...pkg.modules.map((m) => `${m}.c`)]) assert.ok(files.includes(src + f), `${src}${f} in the .deb`);
      for (const m of testOnly) assert.ok(!files.includes(`${src}${m}.c`), `${m}.c (test-only) is not packaged`);
      assert.deepEqual(
        files.filter((f) => f.startsWith('/usr/lib/udev/rules.d/')),
        ['/usr/lib/udev/rules.d/99-chr_classic.rules', '/usr/lib/udev/rules.d/99-chr_misc.rules'],
        "the char devices' udev rules",
      );
      assert.match(execOk('dpkg-deb', ['-f', deb, 'Depends']).stdout, /^dkms \(>= /, 'Depends: dkms (dh_dkms)');
      assert.equal(execOk('dpkg-deb', ['-f', deb, 'Architecture']).stdout.trim(), 'all');
    });

    it(`apt-get install ./hello-dkms_*.deb: DKMS builds and installs every module for ${kernels.map((k) => k.release).join(' and ')}; the test-only ones neither`, async () => {
      await aptInstall(deb);
      installed = packageFiles('hello-dkms');
      modules = assertDkmsInstalled(pkg, kernels);
    });

    const runningKernel = kernels.find((k) => k.release === running);
    const booted = kernels.at(-1) as Kernel;
    if (runningKernel) {
      it('the modules modprobe and rmmod on the running kernel', () => {
        for (const m of pkg.modules) {
          execOk('modprobe', [m]);
          execOk('rmmod', [m]);
        }
      });
    } else {
      // Not a kernel of the package here (a CI machine's own): the installed module tree boots instead.
      it(`the installed modules load and unload in ${booted.release} booted by make vmtest, from its module tree (the running kernel ${running} is not Debian's)`, async () => {
        assert.ok(modules.length > 0, 'the install test ran');
        const dir = mkdtempSync(path.join(tmpdir(), 'kmod-pkgboot-'));
        mkdirSync(path.join(dir, 'scripts'));
        mkdirSync(path.join(dir, 'tests'));
        for (const f of ['vmtest.sh', 'vmtest-faults.sh', 'vmtest-fi_insmod.c', 'vmtest-fi_nth.c']) copyFileSync(path.join(project, 'scripts', f), path.join(dir, 'scripts', f));
        writeFileSync(
          path.join(dir, 'tests', 'pkg.sh'),
          [`# vmtest-intree: ${pkg.modules.join(' ')}`, ...pkg.modules.flatMap((m) => [`check "${m} loads" intree ${m}`, `check "${m} unloads" rmmod ${m}`]), ''].join('\n'),
        );
        const r = await execAsync('sh', ['scripts/vmtest.sh'], {
          cwd: dir,
          env: { ...(process.env as Record<string, string>), KERNELRELEASE: booted.release, MODULES: '', VMTEST_ACCEL: 'tcg', VMTEST_VERBOSE: '1' },
          timeoutMs: 600_000,
        });
        const out = `${r.stdout}${r.stderr}`;
        assert.equal(r.status, 0, out);
        assert.match(r.stdout, /^PASS pkg$/m, out);
        // The modules packed are DKMS's, from updates/ of the installed tree.
        const dep = readFileSync(`/lib/modules/${booted.release}/modules.dep`, 'utf8');
        for (const m of pkg.modules) assert.match(dep, new RegExp(`^updates/(dkms/)?${m}\\.ko(\\.(xz|zst|gz))?:`, 'm'), `${m} in modules.dep from updates/`);
      });
    }

    it('apt-get purge removes every file it installed, the DKMS tree and the modules of every kernel (and the upgraded hello project\'s)', async () => {
      // lintian and make rpm meanwhile: the removal is mostly depmod, on one core.
      lintian = execAsync('lintian', ['--fail-on', 'error', deb]);
      rpm = lintian.then(() => makeAsync(project, 'rpm'));
      rpm.catch(() => {}); // reported by its tests
      assert.ok(installed.length > 0 && modules.length > 0, 'the install test ran');
      await aptPurge('hello-dkms', 'pkgup-dkms');
      assertPackageGone('hello-dkms', pkg, [...installed, ...modules], kernels);
      assertPackageGone('pkgup-dkms', v2, upgraded, kernels);
    });

    it('lintian finds no error in the .deb', async () => {
      lintian ??= execAsync('lintian', ['--fail-on', 'error', deb]);
      const r = await lintian;
      assert.equal(r.status, 0, `lintian:\n${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout, /^E: /m, r.stdout);
    });

    it("make rpm: a noarch hello-dkms whose files are the .deb's, with the dkms add/build/install and remove scriptlets", async () => {
      await (rpm ??= makeAsync(project, 'rpm'));
      const file = builtPackages(project, 'hello-dkms').rpm;
      assert.ok(file, 'make rpm wrote dist/hello-dkms-*.noarch.rpm');
      const q = (format: string) => execOk('rpm', ['-qp', '--qf', format, file]).stdout;
      assert.equal(q('%{NAME} %{VERSION} %{RELEASE} %{ARCH}'), `hello-dkms ${MAIN_VERSION} 1 noarch`);
      const files = q('[%{FILEMODES:perms} %{FILENAMES}\\n]')
        .split('\n')
        .filter((l) => l.startsWith('-'))
        .map((l) => l.slice(l.indexOf(' ') + 1))
        .sort();
      assert.deepEqual(files, debFiles(deb));
      assert.match(execOk('rpm', ['-qlp', file]).stdout, new RegExp(`^/usr/src/hello-${MAIN_VERSION}/dkms\\.conf$`, 'm'));
      const scripts = execOk('rpm', ['-qp', '--scripts', file]).stdout;
      const id = `-m hello -v ${MAIN_VERSION}`;
      const post = scripts.slice(scripts.indexOf('postinstall scriptlet'), scripts.indexOf('preuninstall scriptlet'));
      for (const step of ['add', 'build', 'install']) assert.ok(post.includes(`dkms ${step} ${id}`), `%post runs dkms ${step}:\n${scripts}`);
      assert.ok(scripts.slice(scripts.indexOf('preuninstall scriptlet')).includes(`dkms remove ${id} -q --all`), `%preun removes every kernel's build:\n${scripts}`);
      assert.match(execOk('rpm', ['-qpR', file]).stdout, /^dkms$/m, 'Requires: dkms');
    });

    it("packaging/arch/PKGBUILD sources cleanly in bash and its package() installs the same files from make dist's tarball", async () => {
      await (rpm ??= makeAsync(project, 'rpm'));
      const tarball = builtPackages(project, 'hello-dkms').tarball;
      assert.ok(tarball, 'make dist wrote dist/hello-dkms-*.tar.gz');
      const work = mkdtempSync(path.join(tmpdir(), 'kmod-pkgbuild-'));
      execOk('tar', ['-xzf', tarball, '-C', work]);
      const script = [
        'set -euo pipefail',
        'source "$1"',
        'printf "%s\\n" "$pkgname" "$pkgver" "$pkgrel" "${arch[*]}" "${depends[*]}" "${source[*]}" "$_dkmsname" "$_dkmsver"',
        'srcdir="$2"; pkgdir="$2/pkg"; cd "$srcdir"; package >/dev/null',
      ].join('\n');
      const vars = execOk('bash', ['-c', script, 'bash', path.join(project, 'packaging/arch/PKGBUILD'), work]).stdout.split('\n');
      const version = MAIN_VERSION.replaceAll('-', '_');
      assert.deepEqual(vars.slice(0, 8), ['hello-dkms', version, '1', 'any', 'dkms', `hello-dkms-${version}.tar.gz`, 'hello', MAIN_VERSION]);
      assert.equal(path.basename(tarball), `hello-dkms-${version}.tar.gz`, "the PKGBUILD names make dist's tarball");
      const files = execOk('find', ['.', '-type', 'f'], { cwd: path.join(work, 'pkg') })
        .stdout.split('\n')
        .filter(Boolean)
        .map((f) => f.replace(/^\./, ''))
        .sort();
      assert.deepEqual(files, debFiles(deb));
    });
  });

  it(`an upgrade: apt-get install of a hello project's version 2 over 1 replaces the modules (${upgradeKernel?.release}) and the DKMS source; purge leaves nothing`, async () => {
    assert.ok(upgrade);
    await upgrade;
    assert.ok(upgraded.length > 0, 'the upgrade ran');
    assertPackageGone('pkgup-dkms', v2, upgraded, kernels);
  });
});
