/**
 * Kernel API differences are decided by probes compiled against the target
 * kernel, never by its version number: the generated code of every kind has
 * no LINUX_VERSION_CODE decision, every KMOD_HAVE_* macro kmod_compat.h
 * tests has its probe, every API has at least two forms (the newest and the
 * one before), and only the probes the project's modules need are written.
 * How scripts/kmod-probes.sh decides is checked here with the host's C
 * compiler on small forms: all forms in one unit, then the forms an error
 * names left out and the rest compiled again, each form on its own when the
 * errors cannot be told apart. (That the probes decide right is proven
 * against real and synthetic kernel trees in test/kernel/probes.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
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

  describe('scripts/kmod-probes.sh --batch (host gcc, small forms)', () => {
    const script = path.join(dir, 'scripts', 'kmod-probes.sh');
    const form = (api: string, rank: number, body: string) => `/*\n * kmod-api: ${api} ${rank}\n */\n#include <string.h>\n\nint kmod_probe(void);\nint kmod_probe(void)\n{\n${body}\n}\n`;
    /** Probes from {name: text}; the batch's result lines (sorted) and what the header says. */
    function decide(probes: Record<string, string>) {
      const root = mkdtempSync(path.join(tmpdir(), 'kmod-batch-'));
      const [src, res] = [path.join(root, 'probes'), path.join(root, 'res')];
      mkdirSync(src);
      mkdirSync(res);
      const all = { 'canary-compiles.c': 'int kmod_probe(void);\nint kmod_probe(void)\n{\n\treturn 0;\n}\n', ...probes };
      for (const [f, text] of Object.entries(all)) writeFileSync(path.join(src, f), text);
      const batch = spawnSync('sh', [script, '--batch', res, src, 'gcc', '-Wall', '-Werror'], { encoding: 'utf8' });
      assert.equal(batch.status, 0, batch.stderr);
      const lines = batch.stdout.split('\n').filter(Boolean).sort();
      writeFileSync(path.join(res, 'batch.res'), batch.stdout);
      // What Kbuild does next: each form the batch left out, on its own.
      for (const f of Object.keys(all)) {
        const name = f.slice(0, -2);
        const decided = lines.find((l) => l.startsWith(`${name} `));
        const ok = decided ? decided.slice(-1) : String(Number(spawnSync('gcc', ['-Wall', '-Werror', '-c', '-o', path.join(res, `${name}.o`), path.join(src, f)], { stdio: 'ignore' }).status === 0));
        writeFileSync(path.join(res, `${name}.ok`), `${ok}\n`);
      }
      const header = spawnSync('sh', [script, res, src, 'host'], { encoding: 'utf8' });
      return { lines, units: readdirSync(res).filter((f) => /^batch.*\.c$/.test(f)).sort(), header: header.stdout, stderr: header.stderr, status: header.status };
    }

    it('all forms compile: one unit decides them all; the first form of each API is used', () => {
      const r = decide({ 'mem_new.c': form('mem', 1, '\treturn (int)strlen("a");'), 'mem_old.c': form('mem', 2, '\treturn 0;') });
      assert.deepEqual(r.units, ['batch.c']);
      assert.deepEqual(r.lines, ['canary-compiles 1', 'mem_new 1', 'mem_old 1']);
      assert.match(r.header, /^#define KMOD_HAVE_MEM_NEW 1$/m);
      assert.match(r.header, /^\/\* KMOD_HAVE_MEM_OLD: not used, a form before it is there \*\/$/m);
    });

    it('a form that does not compile is named by the error; the others are proven by a second unit', () => {
      const r = decide({ 'mem_new.c': form('mem', 1, '\treturn no_such_function();'), 'mem_old.c': form('mem', 2, '\treturn 0;'), 'str_x.c': form('str', 1, '\treturn (int)strlen("x");') });
      assert.deepEqual(r.units, ['batch-rest.c', 'batch.c']);
      assert.deepEqual(r.lines, ['canary-compiles 1', 'mem_new 0', 'mem_old 1', 'str_x 1']);
      assert.match(r.header, /^\/\* KMOD_HAVE_MEM_NEW: not in this kernel \*\/$/m);
      assert.match(r.header, /^#define KMOD_HAVE_MEM_OLD 1$/m);
      assert.match(r.header, /^#define KMOD_HAVE_STR_X 1$/m);
    });

    it('a form that breaks the unit for the others (unbalanced braces) is not trusted: each form on its own', () => {
      const r = decide({ 'mem_new.c': form('mem', 1, '\tif (1) {\n\t\treturn 1;'), 'mem_old.c': form('mem', 2, '\treturn 0;'), 'str_x.c': form('str', 1, '\treturn (int)strlen("x");') });
      assert.deepEqual(r.lines, [], 'the batch decides nothing');
      assert.match(r.header, /^\/\* KMOD_HAVE_MEM_NEW: not in this kernel \*\/$/m);
      assert.match(r.header, /^#define KMOD_HAVE_MEM_OLD 1$/m);
      assert.match(r.header, /^#define KMOD_HAVE_STR_X 1$/m);
    });

    it('two forms defining the same name: each on its own, both found', () => {
      const clash = (api: string) => `/*\n * kmod-api: ${api} 1\n */\nstatic int helper(void)\n{\n\treturn 0;\n}\n\nint kmod_probe(void);\nint kmod_probe(void)\n{\n\treturn helper();\n}\n`;
      const r = decide({ 'a_one.c': clash('a'), 'b_one.c': clash('b') });
      assert.deepEqual(r.lines, []);
      assert.match(r.header, /^#define KMOD_HAVE_A_ONE 1$/m);
      assert.match(r.header, /^#define KMOD_HAVE_B_ONE 1$/m);
    });

    it('no form of an API compiles: the header script stops, naming the API, the forms and their first errors', () => {
      const r = decide({ 'mem_new.c': form('mem', 1, '\treturn no_such_function();'), 'mem_old.c': form('mem', 2, '\treturn other_missing();') });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /kmod-probes: host has no known form of the kernel API 'mem'; tried:\n {2}probes\/mem_new\.c: .*mem_new\.c:\d+:\d+: error: implicit declaration of function .no_such_function.*\n {2}probes\/mem_old\.c: .*error: implicit declaration of function .other_missing/);
    });
  });
});
