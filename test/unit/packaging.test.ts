/**
 * The distribution packages every project carries (debian/, packaging/rpm/dkms.spec,
 * packaging/arch/PKGBUILD): names and versions mapped by one rule for the
 * three formats, the maintainer from --author, hostile text carried literally
 * (read back by the formats' own tools where the machine has them), the
 * files make package-files installs, and the no-clobber rule for them.
 * The packages themselves are built and installed in test/kernel/dkms.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LICENSES } from '../../generators/lib/licenses.js';
import { PLACEHOLDER_EMAIL, maintainerOf, packageName, packageVersions } from '../../generators/lib/naming.js';
import { validateModuleName, validateVersion } from '../../generators/lib/validate.js';
import { versionArb } from '../support/arbitraries.js';
import { runCli } from '../support/cli.js';
import { HOSTILE_AUTHOR, HOSTILE_DESCRIPTION } from '../support/hostile.js';

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status === 0;
}

function project(args: readonly string[], more: readonly (readonly string[])[] = []): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmod-pkg-'));
  for (const a of [args, ...more]) {
    const r = runCli(dir, [...a, '--yes']);
    assert.equal(r.status, 0, r.stderr);
  }
  return dir;
}

const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), 'utf8');

function run(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

// The formats' own rules, restated: Debian policy 5.6.7 (upstream version
// and revision), RPM's Version tag, makepkg's pkgver lint; package names.
const DEBIAN_VERSION = /^[0-9][A-Za-z0-9.+~-]*-[A-Za-z0-9.+~]+$/;
const RPM_VERSION = /^[A-Za-z0-9._+~^]+$/;
const ARCH_PKGVER = /^[^\s:/-]+$/;
const DEBIAN_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

describe('package names and versions: one mapping for the three formats', () => {
  it('the name: <name>-dkms with _ as -, for every valid module name', () => {
    assert.equal(packageName('hello'), 'hello-dkms');
    assert.equal(packageName('my_drv_2'), 'my-drv-2-dkms');
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9_]{0,54}$/), (name) => {
        fc.pre(validateModuleName(name) === true);
        assert.match(packageName(name), DEBIAN_NAME);
      }),
      { numRuns: 300 },
    );
  });

  it('the versions: Debian keeps the version and adds -1; RPM and Arch write - as _', () => {
    assert.deepEqual(packageVersions('2.0-3'), { dkms: '2.0-3', debian: '2.0-3-1', rpm: '2.0_3', arch: '2.0_3' });
    assert.deepEqual(packageVersions('1.2~rc1+git5'), { dkms: '1.2~rc1+git5', debian: '1.2~rc1+git5-1', rpm: '1.2~rc1+git5', arch: '1.2~rc1+git5' });
    fc.assert(
      fc.property(versionArb, (v) => {
        fc.pre(validateVersion(v) === true);
        const p = packageVersions(v);
        assert.equal(p.dkms, v);
        assert.match(p.debian, DEBIAN_VERSION);
        assert.match(p.rpm, RPM_VERSION);
        assert.match(p.arch, ARCH_PKGVER);
      }),
      { numRuns: 500 },
    );
  });

  it('dpkg accepts every mapped Debian version and orders a ~ pre-release before its release', { skip: has('dpkg') ? false : 'no dpkg here' }, () => {
    const versions = fc.sample(versionArb, 200).filter((v) => validateVersion(v) === true);
    for (const v of [...versions, '1.0~rc1', '2.0-3']) {
      const r = spawnSync('dpkg', ['--validate-version', packageVersions(v).debian], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${packageVersions(v).debian}: ${r.stderr}`);
    }
    assert.equal(spawnSync('dpkg', ['--compare-versions', packageVersions('1.0~rc1').debian, 'lt', packageVersions('1.0').debian]).status, 0);
  });
});

describe('the maintainer, from --author', () => {
  it('"Name <email>" as it is', () => {
    assert.deepEqual(maintainerOf('Jane Doe <jane@example.org>'), { name: 'Jane Doe', email: 'jane@example.org', placeholder: false, contact: 'Jane Doe <jane@example.org>' });
  });
  it('a name with RFC 5322 specials is quoted; text after the address is left out', () => {
    assert.equal(maintainerOf('Doe, J. <j@x.org> (team)').contact, '"Doe, J." <j@x.org>');
    assert.equal(maintainerOf(HOSTILE_AUTHOR).contact, '"Zoë O\'Brien-\\"Bob\\"" <bob@example.com>');
  });
  it('no e-mail address: the whole author is the name, the address a placeholder', () => {
    assert.deepEqual(maintainerOf('Alice'), { name: 'Alice', email: PLACEHOLDER_EMAIL, placeholder: true, contact: `Alice <${PLACEHOLDER_EMAIL}>` });
    assert.equal(maintainerOf('Bob <not an address>').contact, `"Bob <not an address>" <${PLACEHOLDER_EMAIL}>`);
  });
});

describe('the packaging files of a project', () => {
  it('name, versions and the project\'s own dkms.conf in each format', () => {
    const dir = project(['--name', 'my_drv', '--version', '2.0-3', '--author', 'Jane Doe <jane@example.org>']);
    assert.match(read(dir, 'debian/control'), /^Source: my-drv-dkms$/m);
    assert.match(read(dir, 'debian/control'), /^Package: my-drv-dkms\nArchitecture: all\nDepends: \$\{misc:Depends\}$/m);
    assert.match(read(dir, 'debian/control'), /^Build-Depends: debhelper-compat \(= 13\), dh-sequence-dkms$/m);
    assert.match(read(dir, 'debian/control'), /^Maintainer: Jane Doe <jane@example\.org>$/m);
    assert.equal(read(dir, 'debian/dkms'), 'dkms.conf\n', 'dh_dkms installs the project\'s dkms.conf: no second copy');
    assert.match(read(dir, 'debian/changelog'), /^my-drv-dkms \(2\.0-3-1\) unstable; urgency=medium$/m);
    assert.match(read(dir, 'debian/changelog'), /^ -- Jane Doe <jane@example\.org> {2}\w{3}, \d{2} \w{3} \d{4} 00:00:00 \+0000$/m);
    assert.match(read(dir, 'debian/rules'), /^\t\$\(MAKE\) package-files DESTDIR=\$\(CURDIR\)\/debian\/my-drv-dkms$/m);
    const spec = read(dir, 'packaging/rpm/dkms.spec');
    assert.match(spec, /^Name: +my-drv-dkms$/m);
    assert.match(spec, /^Version: +2\.0_3$/m);
    assert.match(spec, /^BuildArch: +noarch$/m);
    assert.match(spec, /^%global dkms_version 2\.0-3$/m);
    assert.match(spec, /^dkms add -m %\{dkms_name\} -v %\{dkms_version\} /m);
    assert.match(spec, /^dkms remove -m %\{dkms_name\} -v %\{dkms_version\} -q --all /m);
    const pkgbuild = read(dir, 'packaging/arch/PKGBUILD');
    assert.match(pkgbuild, /^pkgname='my-drv-dkms'$/m);
    assert.match(pkgbuild, /^pkgver='2\.0_3'$/m);
    assert.match(pkgbuild, /^arch=\('any'\)$/m);
    assert.match(pkgbuild, /^depends=\('dkms'\)$/m);
    assert.match(read(dir, 'Makefile'), /^PKG := my-drv-dkms$/m);
    assert.match(read(dir, '.gitignore'), /^\/dist\/\n\/\.kmod-pkg\/$/m, 'the packages and their build copies are not committed');
  });

  for (const license of LICENSES) {
    it(`--license ${license.spdx}: debian/copyright says ${license.debian}, with a paragraph for each`, () => {
      const dir = project(['--license', license.spdx]);
      const copyright = read(dir, 'debian/copyright');
      assert.match(copyright, /^Format: https:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/$/m);
      assert.ok(copyright.includes(`\nFiles: *\n`), copyright);
      assert.ok(copyright.includes(`\nLicense: ${license.debian}\n`), copyright);
      for (const part of license.debian.split(' or ')) assert.match(copyright, new RegExp(`^License: ${part.replace(/[+.]/g, '\\$&')}\\n [A-Z]`, 'm'));
      assert.match(read(dir, 'packaging/rpm/dkms.spec'), new RegExp(`^License: +${license.spdx}$`, 'm'));
    });
  }

  it('an author without an e-mail address: the placeholder maintainer, the same in the three formats', () => {
    const dir = project(['--author', 'Alice Example']);
    const contact = `Alice Example <${PLACEHOLDER_EMAIL}>`;
    assert.ok(read(dir, 'debian/control').includes(`\nMaintainer: ${contact}\n`));
    assert.ok(read(dir, 'debian/changelog').includes(` -- ${contact}  `));
    assert.ok(read(dir, 'packaging/rpm/dkms.spec').includes(` ${contact} - 0.1.0-1\n`));
    assert.ok(read(dir, 'packaging/arch/PKGBUILD').startsWith(`# Maintainer: ${contact}\n`));
  });

  it('hostile text is carried literally: bash reads the PKGBUILD, dpkg-parsechangelog and rpmspec read theirs, nothing runs', () => {
    const dir = project(['--description', HOSTILE_DESCRIPTION, '--author', HOSTILE_AUTHOR], [['chardev', '--name', 'chr']]);
    const pkgbuild = run('bash', ['-c', 'set -eu; source packaging/arch/PKGBUILD; printf "%s\\n%s" "$pkgdesc" "${license[0]}"'], dir);
    assert.equal(pkgbuild, `${HOSTILE_DESCRIPTION}\nGPL-2.0-only`);
    // dpkg substitutes ${NAME} in control fields: "${" is written "${}{", which it turns back.
    assert.ok(read(dir, 'debian/control').includes(HOSTILE_DESCRIPTION.replaceAll('${', '${}{').split(' ').slice(0, 5).join(' ')));
    assert.doesNotMatch(read(dir, 'debian/control').replaceAll('${}{', '').replace('${misc:Depends}', ''), /\$\{/);
    if (has('dpkg-parsechangelog')) {
      const maintainer = run('dpkg-parsechangelog', ['-l', 'debian/changelog', '-S', 'Maintainer'], dir).trim();
      assert.equal(maintainer, maintainerOf(HOSTILE_AUTHOR).contact);
    }
    if (has('rpmspec')) {
      const description = run('rpmspec', ['-q', '--srpm', '--qf', '%{DESCRIPTION}', 'packaging/rpm/dkms.spec'], dir);
      assert.ok(description.startsWith(`${HOSTILE_DESCRIPTION}\n`), description);
      const changelog = run('rpmspec', ['-q', '--srpm', '--qf', '[%{CHANGELOGNAME}]', 'packaging/rpm/dkms.spec'], dir);
      assert.equal(changelog, `${maintainerOf(HOSTILE_AUTHOR).contact} - 0.1.0-1`);
    }
    assert.ok(!existsSync('/tmp/kmod-pwned'), 'nothing in the text was executed');
  });

  it('make package-files installs the DKMS source without the test-only modules, and the udev rules', { skip: has('make') ? false : 'no make here' }, () => {
    const dir = project(['--name', 'pf'], [['platform', '--name', 'plat'], ['chardev', '--name', 'chr']]);
    const root = mkdtempSync(path.join(tmpdir(), 'kmod-root-'));
    run('make', ['-s', 'package-files', `DESTDIR=${root}`], dir);
    const files = run('find', ['.', '-type', 'f'], root).split('\n').filter(Boolean).sort();
    const src = './usr/src/pf-0.1.0/';
    for (const f of ['dkms.conf', 'Kbuild', 'Makefile', 'kmod_compat.h', 'pf.c', 'plat.c', 'chr.c', 'chr_ioctl.h', 'scripts/kmod-probes.sh']) {
      assert.ok(files.includes(src + f), `${src}${f} in ${files.join(' ')}`);
    }
    assert.ok(!files.includes(`${src}plat_testdev.c`), 'the platform test device is not packaged');
    assert.ok(files.includes('./usr/lib/udev/rules.d/99-chr.rules'));
    assert.equal(read(root, `${src}dkms.conf`), read(dir, 'dkms.conf'));
  });

  it('make package-files refuses a dkms.conf whose version is not the Makefile\'s, and DESTDIR unset', { skip: has('make') ? false : 'no make here' }, () => {
    const dir = project(['--name', 'pv']);
    const nodest = spawnSync('make', ['-s', 'package-files'], { cwd: dir, encoding: 'utf8' });
    assert.notEqual(nodest.status, 0);
    assert.match(nodest.stdout, /give DESTDIR=/);
    writeFileSync(path.join(dir, 'dkms.conf'), read(dir, 'dkms.conf').replace('PACKAGE_VERSION="0.1.0"', 'PACKAGE_VERSION="0.2.0"'));
    const r = spawnSync('make', ['-s', 'package-files', `DESTDIR=${mkdtempSync(path.join(tmpdir(), 'kmod-root-'))}`], { cwd: dir, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /dkms\.conf does not say PACKAGE_NAME="pv" and PACKAGE_VERSION="0\.1\.0"/);
  });

  it('make deb says which Debian packages it needs when they are missing', { skip: has('make') ? false : 'no make here' }, () => {
    const dir = project(['--name', 'md']);
    const make = spawnSync('sh', ['-c', 'command -v make'], { encoding: 'utf8' }).stdout.trim();
    const r = spawnSync(make, ['-s', 'deb'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /^deb: needs the Debian packages dpkg-dev debhelper dh-dkms: sudo apt install dpkg-dev debhelper dh-dkms$/m);
  });

  const debTools = ['make', 'dpkg-buildpackage', 'dh', 'dh_dkms'].every(has);
  it('make deb stops when debian/changelog and dkms.conf name different versions', { skip: debTools ? false : 'no dpkg-dev, debhelper or dh-dkms here' }, () => {
    const dir = project(['--name', 'mv', '--version', '1.0']);
    writeFileSync(path.join(dir, 'debian/changelog'), read(dir, 'debian/changelog').replace('(1.0-1)', '(0.9-1)'));
    const r = spawnSync('make', ['deb'], { cwd: dir, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /^debian\/changelog is at 0\.9, dkms\.conf at 1\.0:$/m);
  });

  it('a re-run with another --version rewrites every packaging file; one the user edited is kept', () => {
    const dir = project(['--name', 'rv', '--version', '1.0']);
    const edited = `${read(dir, 'debian/control')}# my edit\n`;
    writeFileSync(path.join(dir, 'debian/control'), edited);
    const r = runCli(dir, ['--version', '1.1', '--yes']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /kept debian\/control/);
    assert.equal(read(dir, 'debian/control'), edited);
    assert.match(read(dir, 'debian/changelog'), /^rv-dkms \(1\.1-1\) /);
    assert.match(read(dir, 'packaging/rpm/dkms.spec'), /^Version: +1\.1$/m);
    assert.match(read(dir, 'packaging/arch/PKGBUILD'), /^pkgver='1\.1'$/m);
    assert.match(read(dir, 'dkms.conf'), /^PACKAGE_VERSION="1\.1"$/m);
  });
});
