/** Template customisation: user folders, precedence, partials, extra files, eject, errors. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EJECTABLE } from '../../generators/eject/index.js';
import { BUILTIN_TEMPLATES } from '../../generators/lib/templates.js';
import { HOUSE_TEMPLATES } from '../support/paths.js';
import { runApp, runChardev, runEject } from '../support/run-app.js';

function tmp(prefix = 'kmod-tpl-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function put(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

function read(dir: string, rel: string): string {
  return readFileSync(path.join(dir, rel), 'utf8');
}

/** Every file of a folder (relative path -> contents), for before/after comparisons. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d)) {
      const rel = prefix ? `${prefix}/${e}` : e;
      if (statSync(path.join(d, e)).isDirectory()) walk(path.join(d, e), rel);
      else out[rel] = readFileSync(path.join(d, e), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

// The per-user folder is looked up under XDG_CONFIG_HOME: point it at a scratch folder.
let xdg: string;
const savedXdg = process.env.XDG_CONFIG_HOME;
before(() => {
  xdg = tmp('kmod-xdg-');
  process.env.XDG_CONFIG_HOME = xdg;
});
after(() => {
  if (savedXdg === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = savedXdg;
});
beforeEach(() => rmSync(path.join(xdg, 'generator-kmod'), { recursive: true, force: true }));

const userRoot = () => path.join(xdg, 'generator-kmod', 'templates');

describe('overriding templates', () => {
  it('a project-local file replaces the built-in one; the others still come from the built-ins', async () => {
    const dir = tmp();
    put(dir, '.kmod/templates/app/project/Kbuild.ejs', '# house Kbuild for <%- name %>\nobj-m += <%- name %>.o\n');
    await runApp({ yes: true }, dir);
    assert.equal(read(dir, 'Kbuild'), '# house Kbuild for hello\nobj-m += hello.o\n');
    assert.match(read(dir, 'Makefile'), /Wrapper around the kernel's build system/);
  });

  it('a partial can be overridden on its own', async () => {
    const dir = tmp();
    put(dir, '.kmod/templates/app/partials/c-file-header.ejs', '// SPDX-License-Identifier: <%- spdx %>\n/* house header */\n');
    await runApp({ yes: true }, dir);
    const c = read(dir, 'hello.c');
    assert.match(c, /^\/\/ SPDX-License-Identifier: GPL-2\.0-only\n\/\* house header \*\/\n\n#define pr_fmt/);
    assert.match(c, /module_param_cb\(repeat/, 'the rest of hello.c is the built-in template');
  });

  it('a sub-generator sees an overridden shared partial too', async () => {
    const dir = tmp();
    put(dir, '.kmod/templates/app/partials/c-file-header.ejs', '// SPDX-License-Identifier: <%- spdx %>\n/* house header */\n');
    await runChardev({ yes: true, name: 'chr' }, dir);
    assert.match(read(dir, 'chr.c'), /\/\* house header \*\//);
  });

  it('a file with no built-in counterpart is rendered into the project', async () => {
    const dir = tmp();
    put(dir, '.kmod/templates/app/project/CONTRIBUTING.md.ejs', '# Contributing to <%- name %>\n');
    put(dir, '.kmod/templates/app/module/__name___regs.h.ejs', '/* SPDX-License-Identifier: <%- spdx %> */\n/* registers of <%- module.name %> */\n');
    await runApp({ yes: true, name: 'extra' }, dir);
    assert.equal(read(dir, 'CONTRIBUTING.md'), '# Contributing to extra\n');
    assert.equal(read(dir, 'extra_regs.h'), '/* SPDX-License-Identifier: GPL-2.0-only */\n/* registers of extra */\n');
  });
});

describe('template folder precedence: --templates, project, user, built-in', () => {
  it('first match wins, and --templates is remembered', async () => {
    const dir = tmp();
    const optionDir = tmp('kmod-opt-');
    const file = 'app/project/Kbuild.ejs';
    put(optionDir, file, '# from --templates\n');
    put(path.join(dir, '.kmod/templates'), file, '# from the project\n');
    put(userRoot(), file, '# from the user folder\n');

    await runApp({ yes: true, templates: optionDir }, dir);
    assert.equal(read(dir, 'Kbuild'), '# from --templates\n');
    const rc = JSON.parse(read(dir, '.yo-rc.json'))['generator-kmod'];
    assert.equal(rc.templates, optionDir);

    await runApp({ yes: true }, dir);
    assert.equal(read(dir, 'Kbuild'), '# from --templates\n', 'the saved folder is used again');

    const cfg = JSON.parse(read(dir, '.yo-rc.json'));
    delete cfg['generator-kmod'].templates;
    writeFileSync(path.join(dir, '.yo-rc.json'), JSON.stringify(cfg));
    await runApp({ yes: true }, dir);
    assert.equal(read(dir, 'Kbuild'), '# from the project\n');

    rmSync(path.join(dir, '.kmod'), { recursive: true });
    await runApp({ yes: true }, dir);
    assert.equal(read(dir, 'Kbuild'), '# from the user folder\n');

    rmSync(userRoot(), { recursive: true });
    await runApp({ yes: true }, dir);
    assert.match(read(dir, 'Kbuild'), /^obj-m \+= hello\.o$/m, 'back to the built-in');
  });

  it('a --templates folder that does not exist is refused, nothing written', async () => {
    const dir = tmp();
    await assert.rejects(runApp({ yes: true, templates: '/no/such/folder' }, dir), /--templates: no template folder at \/no\/such\/folder/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a house template folder (test fixture) renders its own module source', async () => {
    const dir = tmp();
    await runApp({ yes: true, templates: HOUSE_TEMPLATES }, dir);
    assert.match(read(dir, 'hello.c'), /ACME Corp house header/);
    assert.match(read(dir, 'hello.c'), /module_param\(shout, bool, 0644\);/);
  });
});

describe('eject', () => {
  it('copies every built-in template; unedited, the project renders byte-identical', async () => {
    const dir = tmp();
    await runApp({ yes: true }, dir);
    await runChardev({ yes: true, name: 'chr' }, dir);
    const before = snapshot(dir);
    await runEject({}, dir);
    for (const g of EJECTABLE) {
      const builtin = snapshot(path.join(BUILTIN_TEMPLATES, g));
      const ejected = snapshot(path.join(dir, '.kmod/templates', g));
      assert.deepEqual(ejected, builtin, `${g} ejected as is`);
    }
    await runApp({ yes: true }, dir);
    await runChardev({ yes: true, name: 'chr' }, dir);
    const afterRun = snapshot(dir);
    for (const [rel, text] of Object.entries(before)) assert.equal(afterRun[rel], text, rel);
  });

  it('--generator limits it to one generator and never overwrites', async () => {
    const dir = tmp();
    put(dir, '.kmod/templates/chardev/module/__name__.c.ejs', 'mine\n');
    await runEject({ generator: 'chardev' }, dir);
    assert.equal(read(dir, '.kmod/templates/chardev/module/__name__.c.ejs'), 'mine\n');
    assert.ok(readdirSync(path.join(dir, '.kmod/templates')).every((g) => g === 'chardev'));
    assert.ok(statSync(path.join(dir, '.kmod/templates/chardev/module/__name___ioctl.h.ejs')).isFile());
  });

  it('refuses an unknown generator', async () => {
    await assert.rejects(runEject({ generator: 'nosuch' }, tmp()), /--generator: 'nosuch' is not a generator with templates/);
  });
});

describe('a broken user template fails clearly and writes nothing', () => {
  async function failing(rel: string, text: string, message: RegExp) {
    const dir = tmp();
    await runApp({ yes: true }, dir);
    put(dir, `.kmod/templates/${rel}`, text);
    const before = snapshot(dir);
    await assert.rejects(runApp({ yes: true, description: 'Would change everything' }, dir), message);
    assert.deepEqual(snapshot(dir), before);
  }

  it('syntax error: file, line and problem', () =>
    failing(
      'app/project/Kbuild.ejs',
      '# line 1\n# line 2\n<% if (name) { } } %>\nobj-m += x.o\n',
      /template \S+\.kmod\/templates\/app\/project\/Kbuild\.ejs:3: syntax error: /,
    ));

  it('unknown variable: file, line and problem', () =>
    failing(
      'app/project/Makefile.ejs',
      'all:\n\techo <%- nosuchvariable %>\n',
      /\.kmod\/templates\/app\/project\/Makefile\.ejs:2[\s\S]*nosuchvariable is not defined/,
    ));

  it('error inside an overridden partial names the partial', () =>
    failing(
      'app/partials/c-file-header.ejs',
      '// SPDX-License-Identifier: <%- spdx %>\n<%- c.nohelper(name) %>\n',
      /partials\/c-file-header\.ejs:2[\s\S]*c\.nohelper is not a function/,
    ));
});
