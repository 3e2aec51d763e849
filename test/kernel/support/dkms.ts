/** The DKMS lifecycle of a generated project, for several kernels, with the real dkms. */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { exec, execOk } from './exec.js';
import { modinfo } from './kbuild.js';
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

/** add, then build + install + status for each kernel, then remove --all: asserts every step. */
export function dkmsLifecycle(project: string, pkg: DkmsPackage, kernels: readonly Kernel[]): void {
  dkmsPurge(pkg);
  try {
    cpSync(project, srcDir(pkg), { recursive: true });
    execOk('dkms', ['add', `${pkg.name}/${pkg.version}`]);
    for (const k of kernels) {
      execOk('dkms', ['build', `${pkg.name}/${pkg.version}`, '-k', k.release]);
      execOk('dkms', ['install', `${pkg.name}/${pkg.version}`, '-k', k.release]);
      const status = execOk('dkms', ['status', `${pkg.name}/${pkg.version}`, '-k', k.release]).stdout;
      assert.match(status, new RegExp(`${pkg.name}/${pkg.version}, ${k.release.replace(/[.+]/g, '\\$&')}, x86_64: installed`));
      for (const m of pkg.modules) {
        const file = installedModule(k, m);
        assert.ok(file, `${m} installed for ${k.release}`);
        assert.ok(modinfo('vermagic', file).startsWith(`${k.release} `), `${file} vermagic is ${k.release}`);
        const found = execOk('modinfo', ['-k', k.release, '-F', 'filename', m]).stdout.trim();
        assert.equal(found, file, `modinfo -k ${k.release} ${m} finds the DKMS module`);
      }
      const built = readdirSync(`/var/lib/dkms/${pkg.name}/${pkg.version}/${k.release}/x86_64/module`);
      for (const m of pkg.absent ?? []) {
        assert.equal(installedModule(k, m), undefined, `${m} (test-only) is not installed for ${k.release}`);
        assert.ok(!built.some((f) => f.startsWith(`${m}.ko`)), `${m} (test-only) is not built by DKMS for ${k.release}`);
      }
    }
    execOk('dkms', ['remove', `${pkg.name}/${pkg.version}`, '--all']);
    for (const k of kernels) {
      for (const m of pkg.modules) assert.equal(installedModule(k, m), undefined, `${m} removed for ${k.release}`);
    }
    const after = exec('dkms', ['status', `${pkg.name}/${pkg.version}`]).stdout;
    assert.doesNotMatch(after, /installed|built/);
  } finally {
    dkmsPurge(pkg);
  }
}
