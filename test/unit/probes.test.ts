/**
 * Kernel API differences are decided by probes compiled against the target
 * kernel, never by its version number: the generated code of every kind has
 * no LINUX_VERSION_CODE decision, every KMOD_HAVE_* macro kmod_compat.h
 * tests has its probe, every API has at least two forms (the newest and the
 * one before), and only the probes the project's modules need are written.
 * (That the probes decide right is proven against real and synthetic kernel
 * trees in test/kernel/probes.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

function generate(steps: readonly (readonly string[])[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmod-probes-'));
  for (const args of steps) {
    const r = runCli(dir, [...args, '--yes']);
    assert.equal(r.status, 0, r.stderr);
  }
  return dir;
}

/** Every file of a project, by path (generated folders only). */
function files(dir: string, sub = ''): string[] {
  return readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(sub, e.name);
    if (e.isDirectory()) return e.name === '.git' ? [] : files(dir, rel);
    return [rel];
  });
}

const EVERY_KIND = [
  ['--name', 'every'],
  ['chardev', '--name', 'chr_classic'],
  ['chardev', '--name', 'chr_misc', '--flavor', 'misc'],
  ['platform', '--name', 'plat'],
  ['pci', '--name', 'pcidrv'],
  ['i2c', '--name', 'sens'],
  ['netdev', '--name', 'vnet'],
  ['usb', '--name', 'ub'],
] as const;

describe('kernel API probes', () => {
  const dir = generate(EVERY_KIND);
  const probes = readdirSync(path.join(dir, 'probes')).filter((f) => f.endsWith('.c'));
  const apiOf = (f: string) => /^ \* kmod-api: (\w+) [12]$/m.exec(readFileSync(path.join(dir, 'probes', f), 'utf8'))?.[1];

  it('no generated C decides anything by LINUX_VERSION_CODE or KERNEL_VERSION()', () => {
    const sources = files(dir).filter((f) => /\.[ch]$/.test(f));
    assert.ok(sources.length > 20, `${sources.length} C files`);
    for (const f of sources) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      assert.doesNotMatch(text, /^#\s*(el)?if.*(LINUX_VERSION_CODE|KERNEL_VERSION)|<linux\/version\.h>/m, f);
    }
  });

  it('every KMOD_HAVE_* that kmod_compat.h tests is a probe of this project', () => {
    const compat = readFileSync(path.join(dir, 'kmod_compat.h'), 'utf8');
    const tested = [...new Set([...compat.matchAll(/\b(KMOD_HAVE_\w+)/g)].map((m) => m[1]))];
    assert.ok(tested.length >= 9, tested.join(' '));
    const macros = probes.map((f) => `KMOD_HAVE_${f.replace(/\.c$/, '').toUpperCase()}`);
    for (const m of tested) assert.ok(macros.includes(m), `${m} has probes/${m.slice(10).toLowerCase()}.c`);
    assert.match(compat, /^#include "kmod_probes\.h"$/m);
  });

  it('each probe names its API, its rank and the macro it defines; each API has two forms or more; two canaries', () => {
    const byApi = new Map<string, string[]>();
    for (const f of probes.filter((p) => !p.startsWith('canary-'))) {
      const text = readFileSync(path.join(dir, 'probes', f), 'utf8');
      const api = apiOf(f);
      assert.ok(api, `${f} has a kmod-api line`);
      assert.match(text, new RegExp(`^ \\* KMOD_HAVE_${f.replace(/\.c$/, '').toUpperCase()}: `, 'm'), `${f} documents its macro`);
      byApi.set(api, [...(byApi.get(api) ?? []), f]);
    }
    for (const [api, forms] of byApi) assert.ok(forms.length >= 2, `${api}: ${forms.join(' ')}`);
    assert.deepEqual(
      [...byApi.keys()].sort(),
      ['class_create', 'hwmon_info', 'i2c_probe', 'pci_dev_groups', 'pci_irq_intx', 'pcim_iomap', 'platform_remove', 'regcache', 'simple_dev_pm_ops', 'u64_stats_fetch'],
    );
    assert.deepEqual(probes.filter((p) => p.startsWith('canary-')).sort(), ['canary-compiles.c', 'canary-fails.c']);
  });

  it('a project writes only the probes its modules need: none for hello and a misc device', () => {
    const small = generate([['--name', 'small'], ['chardev', '--name', 'chr', '--flavor', 'misc']]);
    const all = files(small);
    assert.ok(!all.some((f) => f.startsWith('probes') || f === 'scripts/kmod-probes.sh'), all.join(' '));
    assert.doesNotMatch(readFileSync(path.join(small, 'Kbuild'), 'utf8'), /kmod-probe/);
    assert.doesNotMatch(readFileSync(path.join(small, 'kmod_compat.h'), 'utf8'), /#include "kmod_probes\.h"/);
    const classic = generate([['--name', 'cls'], ['chardev', '--name', 'chr']]);
    assert.deepEqual(readdirSync(path.join(classic, 'probes')).sort(), ['canary-compiles.c', 'canary-fails.c', 'class_create_name_only.c', 'class_create_owner.c']);
  });

  it('Kbuild runs the probes before every module object, and DKMS gets the probes and their script', () => {
    const kbuild = readFileSync(path.join(dir, 'Kbuild'), 'utf8');
    assert.match(kbuild, /^\$\(addprefix \$\(obj\)\/,\$\(kmod-objs\)\): \$\(kmod-probe-dir\)\/kmod_probes\.h$/m);
    assert.match(kbuild, /\$\(CC\) \$\(c_flags\) -Werror -c/);
    const makefile = readFileSync(path.join(dir, 'Makefile'), 'utf8');
    assert.match(makefile, /^BUILD_FILES := Kbuild Makefile dkms\.conf \$\(KERNEL_SOURCES\) scripts\/kmod-probes\.sh$/m);
    assert.match(makefile, /^KERNEL_SOURCES := .* \$\(wildcard probes\/\*\.c\)$/m);
  });
});
