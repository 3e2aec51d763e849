/**
 * The DKMS lifecycle of a generated project, for several kernels, with the
 * real dkms: by hand (dkmsLifecycle) and through the project's Debian package
 * (aptInstall, assertDkmsInstalled, aptPurge, assertPackageGone).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { exec, execAsync, execOk, succeeded, type ExecResult } from './exec.js';
import type { Kernel } from './kernels.js';

export interface DkmsPackage {
  name: string;
  version: string;
  /** Modules the package builds. */
  modules: readonly string[];
  /** Modules of the project DKMS must neither build nor install (test-only ones). */
  absent?: readonly string[];
}

function srcDir(pkg: DkmsPackage): string {
  return `/usr/src/${pkg.name}-${pkg.version}`;
}

function installedModule(kernel: Kernel, module: string): string | undefined {
  const dir = `/lib/modules/${kernel.release}/updates/dkms`;
  if (!existsSync(dir)) return undefined;
  const file = readdirSync(dir).find((f) => f === `${module}.ko` || f.startsWith(`${module}.ko.`));
  return file ? `${dir}/${file}` : undefined;
}

/** Removes every trace of the package (also after a failed run). */
export function dkmsPurge(pkg: DkmsPackage): void {
  exec('dkms', ['remove', `${pkg.name}/${pkg.version}`, '--all']);
  rmSync(srcDir(pkg), { recursive: true, force: true });
  rmSync(`/var/lib/dkms/${pkg.name}`, { recursive: true, force: true });
}

/** A distribution package of a generated project, as `make deb` / `make rpm` / `make dist` write it. */
export interface BuiltPackages {
  /** The package name (<name>-dkms, '_' as '-'). */
  name: string;
  deb: string;
  rpm?: string;
  tarball?: string;
}

/** The files of dist/ the packaging targets wrote: one of each kind, found by suffix. */
export function builtPackages(project: string, name: string): BuiltPackages {
  const dist = path.join(project, 'dist');
  const one = (suffix: string): string | undefined => {
    const found = readdirSync(dist).filter((f) => f.startsWith(name) && f.endsWith(suffix));
    assert.ok(found.length <= 1, `one ${suffix} in ${dist}: ${found.join(' ')}`);
    return found[0] === undefined ? undefined : path.join(dist, found[0]);
  };
  const deb = one('_all.deb');
  assert.ok(deb, `make deb wrote dist/${name}_*_all.deb`);
  return { name, deb, rpm: one('.noarch.rpm'), tarball: one('.tar.gz') };
}

/**
 * apt-get, as on a Debian machine: no questions, nothing recommended; it must
 * succeed. Without blocking: the suite does other work (lintian, other
 * packages) while DKMS builds.
 */
async function apt(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ExecResult> {
  return succeeded(
    await execAsync('apt-get', ['-y', '-q', '--no-install-recommends', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...env },
      timeoutMs: 900_000,
    }),
  );
}

/**
 * apt-get install ./<pkg>.deb. The package's postinst (dh_dkms) runs Debian's
 * dkms common.postinst, which builds for the running kernel and the newest
 * one; autoinstall_all_kernels (dkms's framework.conf setting, taken from the
 * environment) makes it build for every installed kernel, as the test needs
 * on a machine whose running kernel is not one of them.
 */
export function aptInstall(deb: string): Promise<ExecResult> {
  return apt(['install', path.resolve(deb)], { autoinstall_all_kernels: 'yes' });
}

/** apt-get purge: each package's prerm runs dkms remove --all, dpkg removes the files. */
export function aptPurge(...names: string[]): Promise<ExecResult> {
  return apt(['purge', ...names]);
}

/** Removes the package and every trace of its DKMS module (also after a failed run); what is not there costs nothing. */
export function packagePurge(name: string, pkg: DkmsPackage): void {
  const status = exec('dpkg-query', ['-W', '-f', '${db:Status-Status}', name]).stdout.trim();
  if (status !== '' && status !== 'not-installed') {
    exec('dpkg', ['--purge', name], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  if (existsSync(`/var/lib/dkms/${pkg.name}/${pkg.version}`)) exec('dkms', ['remove', `${pkg.name}/${pkg.version}`, '--all']);
  rmSync(srcDir(pkg), { recursive: true, force: true });
  rmSync(`/var/lib/dkms/${pkg.name}`, { recursive: true, force: true });
}

/** The files (not folders) a package installed, from dpkg's list. */
export function packageFiles(name: string): string[] {
  return execOk('dpkg-query', ['-L', name])
    .stdout.split('\n')
    .filter((f) => f && existsSync(f) && !statSync(f).isDirectory());
}

/**
 * What DKMS did for the package on each kernel: status "installed", every
 * module in /lib/modules/<release>/updates/dkms built for that release and
 * found there by modinfo -k, and none of the test-only modules built or
 * installed. Returns the installed module files.
 */
export function assertDkmsInstalled(pkg: DkmsPackage, kernels: readonly Kernel[]): string[] {
  const files: string[] = [];
  for (const k of kernels) {
    const status = execOk('dkms', ['status', `${pkg.name}/${pkg.version}`, '-k', k.release]).stdout;
    assert.match(status, new RegExp(`^${pkg.name}/${escapeRe(pkg.version)}, ${escapeRe(k.release)}, x86_64: installed`, 'm'), status);
    for (const m of pkg.modules) {
      const file = installedModule(k, m);
      assert.ok(file, `${m} installed for ${k.release}`);
      // One modinfo for both fields: 6.12's modules are .ko.xz, unpacked by each call.
      const info = execOk('modinfo', [file]).stdout;
      assert.match(info, new RegExp(`^vermagic: +${escapeRe(k.release)} `, 'm'), `${file} vermagic is ${k.release}`);
      assert.match(info, new RegExp(`^version: +${escapeRe(pkg.version)}$`, 'm'), `${file} is version ${pkg.version}`);
      const found = execOk('modinfo', ['-k', k.release, '-F', 'filename', m]).stdout.trim();
      assert.equal(found, file, `modinfo -k ${k.release} ${m} finds the DKMS module`);
      files.push(file);
    }
    const built = readdirSync(`/var/lib/dkms/${pkg.name}/${pkg.version}/${k.release}/x86_64/module`);
    for (const m of pkg.absent ?? []) {
      assert.equal(installedModule(k, m), undefined, `${m} (test-only) is not installed for ${k.release}`);
      assert.ok(!built.some((f) => f.startsWith(`${m}.ko`)), `${m} (test-only) is not built by DKMS for ${k.release}`);
    }
  }
  return files;
}

/** Nothing of the package is left: its files, its DKMS tree and source, its modules for every kernel. */
export function assertPackageGone(name: string, pkg: DkmsPackage, files: readonly string[], kernels: readonly Kernel[]): void {
  assert.notEqual(exec('dpkg-query', ['-W', '-f', '${Status}', name]).stdout, 'install ok installed', `${name} is not installed`);
  assert.deepEqual(files.filter((f) => existsSync(f)), [], 'every file the package installed is gone');
  assert.deepEqual(readdirSync('/usr/src').filter((d) => d.startsWith(`${pkg.name}-`)), [], `nothing of ${pkg.name} under /usr/src`);
  assert.equal(existsSync(`/var/lib/dkms/${pkg.name}`), false, `no DKMS tree /var/lib/dkms/${pkg.name}`);
  for (const k of kernels) {
    for (const m of [...pkg.modules, ...(pkg.absent ?? [])]) {
      assert.deepEqual(findModule(`/lib/modules/${k.release}/updates`, m), [], `${m} left nowhere under /lib/modules/${k.release}/updates`);
      assert.notEqual(exec('modinfo', ['-k', k.release, m]).status, 0, `modinfo -k ${k.release} ${m} finds nothing`);
    }
  }
}

/** Every <module>.ko[.xz|.zst|.gz] below `dir`. */
function findModule(dir: string, module: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => {
    const base = path.basename(f);
    return base === `${module}.ko` || base.startsWith(`${module}.ko.`);
  });
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
