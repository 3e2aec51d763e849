import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { LICENSES } from '../../generators/lib/licenses.js';
import { KIND_MODULES } from '../../generators/lib/modules.js';
import { HOSTILE_AUTHOR, HOSTILE_DESCRIPTION } from '../support/hostile.js';
import { everyKindArgs, type AddedKind } from '../support/kinds.js';
import { runCli } from '../support/cli.js';
import { runApp } from '../support/run-app.js';

const PROJECT_FILES = [
  'hello.c', 'kmod_compat.h', 'Kbuild', 'Makefile', 'dkms.conf', '.gitignore', 'README.md', '.yo-rc.json',
  '.clang-format', '.clangd', '.editorconfig', 'scripts/doctor.sh', 'scripts/compile-commands.sh', 'scripts/vmtest.sh', 'tests/hello.sh',
  'scripts/target-modpost.sh', 'scripts/vmtest-faults.sh', 'scripts/vmtest-fi_insmod.c',
  'scripts/vmtest-fi_nth.c',
  'debian/changelog', 'debian/control', 'debian/copyright', 'debian/dkms', 'debian/rules', 'debian/source/format',
  'packaging/rpm/dkms.spec', 'packaging/arch/PKGBUILD',
];

function yoRc(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))['generator-kmod'];
}

describe('yo kmod --yes (defaults)', () => {
  it('writes the whole project for module hello', async () => {
    await runApp({ yes: true, author: 'Jane Doe <jane@example.org>' });
    result.assertFile(PROJECT_FILES);
    result.assertFileContent('hello.c', /^\/\/ SPDX-License-Identifier: GPL-2\.0-only\n/);
    result.assertFileContent('hello.c', '#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt');
    result.assertFileContent('hello.c', 'MODULE_LICENSE("GPL");');
    result.assertFileContent('hello.c', '#define DRIVER_AUTHOR\t"Jane Doe <jane@example.org>"');
    result.assertFileContent('hello.c', '#define DRIVER_DESC\t"Example out-of-tree kernel module"');
    result.assertFileContent('hello.c', '#define DRIVER_VERSION\t"0.1.0"');
    result.assertFileContent('hello.c', /static int __init hello_init\(void\)/);
    result.assertFileContent('hello.c', /module_param_cb\(repeat, &repeat_ops, &repeat, 0644\);/);
    result.assertFileContent('Kbuild', /^obj-m \+= hello\.o$/m);
    result.assertFileContent('Makefile', /^KDIR \?= \/lib\/modules\/\$\(KERNELRELEASE\)\/build$/m);
    result.assertFileContent('Makefile', /^KBUILD := -C '\$\(KDIR\)' M='\$\(CURDIR\)' /m);
    // make hands its jobserver (-jN) only to recipe lines that show $(MAKE) itself.
    result.assertFileContent('Makefile', /^\t\$\(MAKE\) \$\(KBUILD\) modules$/m);
    result.assertNoFileContent('Makefile', /^\t+\$\(KBUILD\)/m);
    result.assertFileContent('dkms.conf', /^PACKAGE_NAME="hello"$/m);
    result.assertFileContent('dkms.conf', /^BUILT_MODULE_NAME\[0\]="hello"$/m);
    result.assertNoFileContent('Makefile', /EXTRA_CFLAGS|\$\(PWD\)/);
  });

  it('saves the answers, the module list and file hashes in .yo-rc.json', async () => {
    await runApp({ yes: true, author: 'A <a@b.c>' });
    const rc = yoRc(result.cwd);
    assert.deepEqual(
      { ...rc, files: undefined },
      {
        name: 'hello',
        description: 'Example out-of-tree kernel module',
        author: 'A <a@b.c>',
        license: 'GPL-2.0-only',
        version: '0.1.0',
        ci: 'none',
        modules: [{ name: 'hello', kind: 'hello', description: 'Example out-of-tree kernel module', settings: {} }],
        files: undefined,
      },
    );
    assert.deepEqual(Object.keys(rc.files as object).sort(), PROJECT_FILES.filter((f) => f !== '.yo-rc.json').sort());
  });
});

describe('yo kmod options', () => {
  it('--name renames the module everywhere', async () => {
    await runApp({ yes: true, name: 'my_drv' });
    result.assertFile('my_drv.c');
    result.assertNoFile('hello.c');
    result.assertFileContent('Kbuild', /^obj-m \+= my_drv\.o$/m);
    result.assertFileContent('dkms.conf', /^PACKAGE_NAME="my_drv"$/m);
    result.assertFileContent('my_drv.c', 'module_init(my_drv_init);');
    result.assertFileContent('README.md', 'sudo modprobe my_drv repeat=3');
  });

  for (const license of LICENSES) {
    it(`--license ${license.spdx} gives MODULE_LICENSE("${license.moduleLicense}") and the SPDX lines`, async () => {
      await runApp({ yes: true, license: license.spdx });
      result.assertFileContent('hello.c', `// SPDX-License-Identifier: ${license.spdx}\n`);
      result.assertFileContent('hello.c', `MODULE_LICENSE("${license.moduleLicense}");`);
      result.assertFileContent('kmod_compat.h', `/* SPDX-License-Identifier: ${license.spdx} */`);
      result.assertFileContent('Kbuild', `# SPDX-License-Identifier: ${license.spdx}\n`);
      result.assertFileContent('Makefile', `# SPDX-License-Identifier: ${license.spdx}\n`);
    });
  }

  it('--version and --description reach MODULE_VERSION, dkms.conf and the README', async () => {
    await runApp({ yes: true, version: '2.1~rc1', description: 'Blinks the LED' });
    result.assertFileContent('hello.c', '#define DRIVER_VERSION\t"2.1~rc1"');
    result.assertFileContent('dkms.conf', /^PACKAGE_VERSION="2\.1~rc1"$/m);
    result.assertFileContent('README.md', /^Blinks the LED$/m);
  });

  it('escapes hostile free text for C, make, dkms.conf and Markdown', async () => {
    await runApp({ yes: true, description: HOSTILE_DESCRIPTION, author: HOSTILE_AUTHOR });
    const c = readFileSync(path.join(result.cwd, 'hello.c'), 'utf8');
    const comment = c.slice(c.indexOf('/*'), c.indexOf('*/') + 2);
    assert.doesNotMatch(comment.slice(2, -2), /\*\/|\/\*/, 'the header comment is closed only once');
    assert.doesNotMatch(c, /\?\?[/=!]/, 'no trigraph');
    const dkms = readFileSync(path.join(result.cwd, 'dkms.conf'), 'utf8');
    assert.equal(dkms.split('\n').filter((l) => !l.startsWith('#') && l.includes('$(')).length, 0);
    const readme = readFileSync(path.join(result.cwd, 'README.md'), 'utf8');
    assert.doesNotMatch(readme, /<bob@example\.com>/);
  });

  it('takes answers from the prompts when not given as options', async () => {
    await runApp().withAnswers({
      name: 'prompted',
      description: 'From the prompt',
      author: 'P <p@q.r>',
      license: 'GPL-2.0-only OR MIT',
      version: '3.0',
    });
    result.assertFileContent('prompted.c', 'MODULE_LICENSE("Dual MIT/GPL");');
    result.assertFileContent('prompted.c', '#define DRIVER_DESC\t"From the prompt"');
    result.assertFileContent('prompted.c', '#define DRIVER_VERSION\t"3.0"');
  });

  it('an option given on the command line is not asked again', async () => {
    const asked: string[] = [];
    await runApp({ name: 'opt_name' })
      .withAnswers({}, { callback: (answer, { question }) => (asked.push(String(question.name)), answer) });
    assert.ok(!asked.includes('name'), `asked: ${asked.join(', ')}`);
    assert.ok(asked.includes('description'));
    result.assertFile('opt_name.c');
  });
});

describe('yo kmod refuses invalid input and writes nothing', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ name: 'My-Driver' }, /--name: .*lower-case C identifier/],
    [{ name: 'x'.repeat(56) }, /--name: .*at most 55 characters/],
    [{ license: 'MIT' }, /--license: .*MODULE_LICENSE/],
    [{ version: 'v1' }, /--version: .*start with a digit/],
    [{ description: 'two\nlines' }, /--description: .*line break/],
    [{ author: 'tab\there' }, /--author: .*control character/],
  ];
  for (const [options, message] of cases) {
    it(`${JSON.stringify(options).slice(0, 60)}`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'kmod-bad-'));
      await assert.rejects(runApp({ yes: true, ...options }, dir), message);
      assert.deepEqual(readdirSync(dir), []);
    });
  }

  it('a prompt answer goes through the same validator', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-badprompt-'));
    await assert.rejects(
      runApp({}, dir).withAnswers({ name: 'Bad-Name' }),
      /lower-case C identifier/,
    );
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('yo kmod re-run', () => {
  async function generate(dir: string, options: Record<string, unknown> = {}) {
    return runApp({ yes: true, author: 'A <a@b.c>', ...options }, dir);
  }

  it('with the same answers changes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-rerun-'));
    await generate(dir);
    const before = readFileSync(path.join(dir, 'hello.c'), 'utf8');
    await generate(dir);
    assert.equal(readFileSync(path.join(dir, 'hello.c'), 'utf8'), before);
  });

  it('reuses the saved answers as defaults', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-saved-'));
    await generate(dir, { description: 'Saved description', version: '4.2' });
    await runApp({ yes: true }, dir);
    assert.match(readFileSync(path.join(dir, 'hello.c'), 'utf8'), /#define DRIVER_DESC\t"Saved description"/);
    assert.equal(yoRc(dir).version, '4.2');
  });

  it('updates files the user did not touch', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-update-'));
    await generate(dir);
    await generate(dir, { description: 'New description' });
    assert.match(readFileSync(path.join(dir, 'hello.c'), 'utf8'), /#define DRIVER_DESC\t"New description"/);
  });

  it('keeps a file the user edited; --force replaces it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-edit-'));
    await generate(dir);
    const edited = `${readFileSync(path.join(dir, 'hello.c'), 'utf8')}/* my change */\n`;
    writeFileSync(path.join(dir, 'hello.c'), edited);
    await generate(dir, { description: 'Changed' });
    assert.equal(readFileSync(path.join(dir, 'hello.c'), 'utf8'), edited);
    assert.match(readFileSync(path.join(dir, 'Makefile'), 'utf8'), /Changed/, 'untouched files are still updated');
    await generate(dir, { description: 'Changed', force: true });
    assert.match(readFileSync(path.join(dir, 'hello.c'), 'utf8'), /#define DRIVER_DESC\t"Changed"/);
    assert.doesNotMatch(readFileSync(path.join(dir, 'hello.c'), 'utf8'), /my change/);
  });

  it('keeps a file that was there before the generator', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-pre-'));
    writeFileSync(path.join(dir, 'Makefile'), 'all:\n\techo mine\n');
    await generate(dir);
    assert.equal(readFileSync(path.join(dir, 'Makefile'), 'utf8'), 'all:\n\techo mine\n');
    assert.ok(existsSync(path.join(dir, 'hello.c')));
  });
});

describe('yo kmod build-environment files', () => {
  it('writes the editor and tool files, and no CI workflow by default', async () => {
    await runApp({ yes: true });
    result.assertFileContent('.clang-format', /^UseTab: Always$/m);
    result.assertFileContent('.clang-format', /^IndentWidth: 8$/m);
    result.assertFileContent('.clangd', /- -mrecord-mcount/);
    result.assertFileContent('.editorconfig', /\[\*\.\{c,h,dts,dtsi,dtso\}\]\nindent_style = tab/);
    result.assertFileContent('scripts/doctor.sh', /^#!\/bin\/sh$/m);
    result.assertFileContent('scripts/target-modpost.sh', /^#!\/bin\/sh$/m);
    // The modpost make target-modpost built for KDIR reaches every kbuild call.
    result.assertFileContent('Makefile', /^\t  \$\(if \$\(MODPOST\),MODPOST=\$\(MODPOST\)\)$/m);
    result.assertFileContent('.gitignore', /^\/\.kmod-modpost\/$/m);
    result.assertNoFile('.github/workflows/build.yml');
    for (const target of ['load', 'unload', 'reload', 'check', 'compile_commands.json', 'format', 'sign', 'doctor', 'target-modpost', 'dkms-install', 'dkms-remove', 'help']) {
      result.assertFileContent('Makefile', new RegExp(`^${target.replace('.', '\\.')}:`, 'm'));
      result.assertFileContent('Makefile', new RegExp(`@echo '  (\\S+, )*${target.replace('.', '\\.')}[ ,]`));
    }
  });

  it('--ci github adds a workflow that builds against Debian headers', async () => {
    await runApp({ yes: true, ci: 'github' });
    result.assertFileContent('.github/workflows/build.yml', 'container: debian:bookworm');
    result.assertFileContent('.github/workflows/build.yml', 'make check KDIR="$kdir"');
    result.assertFileContent('README.md', '.github/workflows/build.yml');
  });

  it('refuses an unknown CI', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-ci-'));
    await assert.rejects(runApp({ yes: true, ci: 'gitlab' }, dir), /--ci: ci 'gitlab' is not allowed: use 'none' or 'github'/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

/** The vmtest tests' modules: one of every kind (test/support/kinds.ts), besides hello. */
const VMTEST_NAMES: Readonly<Record<AddedKind, string>> = {
  chardev: 'chr', platform: 'plat', pci: 'edu', i2c: 'sens', netdev: 'kn', usb: 'ub', hid: 'hd', block: 'bk', v4l2: 'vc',
};

describe('make vmtest files', () => {
  // One project for the tests below: hello, a module of every kind, and a PCI driver for a device QEMU does not have.
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kmod-vmtest-'));
    const runs = [
      ['--name', 'hello'],
      ...everyKindArgs(VMTEST_NAMES),
      ['pci', '--name', 'mine', '--profile', 'none', '--vendor', '0x8086', '--device', '0x1234', '--features', 'none'],
    ];
    for (const args of runs) assert.equal(runCli(dir, [...args, '--yes']).status, 0, args.join(' '));
  });
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');

  it('the project holds a module of every kind the generator knows', () => {
    const modules = yoRc(dir).modules as { kind: string }[];
    assert.deepEqual([...new Set(modules.map((m) => m.kind))].sort(), Object.keys(KIND_MODULES).sort());
  });
  it('every module gets tests/<module>.sh; every script is valid sh; the Makefile and Kbuild know vmtest and KUnit', () => {
    const tests = readdirSync(path.join(dir, 'tests')).sort();
    assert.deepEqual(tests, ['hello', ...Object.values(VMTEST_NAMES), 'mine'].map((m) => `${m}.sh`).sort());
    for (const f of ['scripts/vmtest.sh', 'scripts/vmtest-faults.sh', ...tests.map((t) => `tests/${t}`)]) {
      const r = spawnSync('sh', ['-n', path.join(dir, f)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    }
    assert.match(read('tests/edu.sh'), /^# vmtest-qemu: -device edu$/m, 'the edu profile asks QEMU for the device');
    assert.doesNotMatch(read('tests/mine.sh'), /^# vmtest-qemu:/m, 'a device QEMU does not have is not asked for');
    assert.match(read('tests/mine.sh'), /no PCI device 0x8086:0x1234 in this VM: only loading and unloading are tested/);
    assert.match(read('tests/sens.sh'), /^# vmtest-intree@pc: i2c-stub\n# vmtest-intree: i2c-dev$/m);
    assert.match(read('tests/sens.sh'), /^# vmtest-machine: arm=vexpress-a15 arm64=none$/m);
    assert.match(read('tests/ub.sh'), /^# vmtest-intree: dummy_hcd libcomposite usb_f_ss_lb$/m);
    assert.match(read('Makefile'), /^vmtest: kdir\n\t\$\(MAKE\) \$\(KBUILD\) KMOD_TEST_MODULES=1 modules\n\tARCH='\$\(ARCH\)' CROSS_COMPILE='\$\(CROSS_COMPILE\)' \\\n\tKERNELRELEASE='\$\(KERNELRELEASE\)' KDIR='\$\(KOUT\)' MODULES='\$\(MODULES\)( \$\(TEST_MODULES\))?' sh scripts\/vmtest\.sh$/m);
    assert.match(read('Kbuild'), /^obj-\$\(if \$\(CONFIG_KUNIT\),m\) \+= sens_kunit\.o\nobj-\$\(if \$\(CONFIG_KUNIT\),m\) \+= kn_kunit\.o$/m);
    assert.match(read('.gitignore'), /^\/\.vmtest\/$/m);
  });
  it('every driver test calls the fault-injection helpers, which without VMTEST_FAULTS=1 say they are skipped and succeed', () => {
    // Every kind's test loads its module with failures injected; the V4L2 one with its parameter (below).
    for (const [kind, t] of Object.entries(VMTEST_NAMES)) {
      if (kind === 'v4l2') continue;
      assert.match(read(`tests/${t}.sh`), new RegExp(`^faults_load ${t}$`, 'm'), `tests/${t}.sh loads ${t} with failures injected`);
    }
    assert.match(read('tests/plat.sh'), /^faults_bind \$DEV \/sys\/bus\/platform\/drivers\/plat$/m);
    assert.match(read('tests/bk.sh'), /^faults_blockio bk bk0$/m);
    assert.match(read('tests/vc.sh'), /^faults_load vc devices=2$/m);
    assert.match(read('tests/vc.sh'), /^faults_run vc "open, format, stream \(2 frames\)" true \.\/tools\/vc_test capture \$V 2$/m);
    // The guest's insmod that tries once and its fail-nth runner: C that the host's compiler takes without a warning.
    for (const c of ['vmtest-fi_insmod.c', 'vmtest-fi_nth.c']) {
      const cc = spawnSync('gcc', ['-Wall', '-Wextra', '-Werror', '-fsyntax-only', path.join(dir, 'scripts', c)], { encoding: 'utf8' });
      assert.equal(cc.status, 0, `${c}: ${cc.stderr}`);
    }
    // fi_nth -t: a command that has not ended in time is left behind (a task stuck in the
    // kernel cannot be killed), reported as "PID timeout" with status 124; N = 0 touches no
    // fail-nth, so this runs on a host without fault injection.
    const fiNth = path.join(dir, 'fi_nth');
    const built = spawnSync('gcc', ['-O2', '-o', fiNth, path.join(dir, 'scripts', 'vmtest-fi_nth.c')], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const nthFile = path.join(dir, 'nth');
    const hung = spawnSync(fiNth, ['-t', '1', '0', nthFile, 'sleep', '30'], { encoding: 'utf8', timeout: 20000 });
    assert.equal(hung.status, 124, `fi_nth -t 1 on sleep 30: ${hung.stderr}`);
    const [stuck, state] = readFileSync(nthFile, 'utf8').trim().split(' ');
    assert.equal(state, 'timeout');
    process.kill(Number(stuck));
    const ended = spawnSync(fiNth, ['-t', '10', '0', nthFile, 'sh', '-c', 'exit 3'], { encoding: 'utf8' });
    assert.equal(ended.status, 3, 'the command\'s own status');
    assert.match(readFileSync(nthFile, 'utf8'), /^\d+ 0\n$/);
    assert.equal(spawnSync(fiNth, ['-t', 'soon', '0', nthFile, 'true'], { encoding: 'utf8' }).status, 2, '-t takes seconds');
    assert.match(read('scripts/vmtest.sh'), /^\. \/vmtest-faults\.sh$/m, "the guest's /init sources the helpers");
    // No marker file (/project/faults): each call says so and succeeds.
    const calls = ['faults_load chr', 'faults_bind plat /sys/bus/platform/drivers/plat', 'faults_run chr "selftest" true false', 'faults_blockio bk bk0'];
    const r = spawnSync('sh', ['-c', `. ./scripts/vmtest-faults.sh && ${calls.join(' && ')} && echo done`], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${'# faults: skipped (VMTEST_FAULTS=1 turns them on)\n'.repeat(calls.length)}done\n`);
    // A path longer than FAULTS_MAX: its failures spread over it, the first and the last call among them.
    const plan = (k: number, m: number) => spawnSync('sh', ['-c', `. ./scripts/vmtest-faults.sh && faults_plan ${k} ${m}`], { cwd: dir, encoding: 'utf8' }).stdout;
    assert.equal(plan(10, 2), '1 10\n');
    assert.equal(plan(10, 4), '1 4 7 10\n');
    assert.equal(plan(41, 40).split(' ').length, 40);
    assert.equal(plan(7, 1), '7\n');
  });
});
