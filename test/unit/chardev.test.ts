import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { runApp, runChardev } from '../support/run-app.js';

const MODULE_FILES = (n: string) => [`${n}.c`, `${n}_ioctl.h`, `tools/${n}_test.c`, `udev/99-${n}.rules`];
const PROJECT_FILES = ['kmod_compat.h', 'Kbuild', 'Makefile', 'dkms.conf', '.gitignore', 'README.md', '.yo-rc.json'];

function read(dir: string, file: string): string {
  return readFileSync(path.join(dir, file), 'utf8');
}

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'kmod-chr-'));
}

describe("yo kmod:chardev: the test program's concurrency checks can see a missing lock", () => {
  it('two_processes writes and reads the whole buffer from both; stalled_writer stalls a write with userfaultfd', async () => {
    await runChardev({ yes: true, name: 'cd' });
    const t = readFileSync(path.join(result.cwd, 'tools/cd_test.c'), 'utf8');
    const two = t.slice(t.indexOf('static void two_processes('), t.indexOf('static int stopped_or_sleeping('));
    assert.doesNotMatch(two, /half/, 'no disjoint halves: the writers overlap');
    assert.match(two, /pwrite\(cfd, buf, size, 0\)/);
    assert.match(two, /pread\(cfd, back, size, 0\) != \(ssize_t\)size \|\| !one_writer\(back, size\)/);
    const stalled = t.slice(t.indexOf('static void stalled_writer('), t.indexOf('static int selftest('));
    assert.match(stalled, /syscall\(__NR_userfaultfd, O_CLOEXEC\)/);
    assert.match(stalled, /UFFDIO_REGISTER_MODE_MISSING/);
    assert.match(stalled, /while \(!stopped_or_sleeping\(second\)\)/, 'the page comes only once the second writer is done or waits');
    assert.match(stalled, /one_writer\(back, size\)/);
    assert.match(t, /\ttwo_processes\(path, size\);\n\tstalled_writer\(path, size\);/);
  });
});

describe('yo kmod:chardev in an empty directory', () => {
  it('creates the whole project around a classic char device', async () => {
    await runChardev({ yes: true, author: 'A <a@b.c>' });
    result.assertFile([...MODULE_FILES('chardev'), ...PROJECT_FILES]);
    result.assertNoFile('hello.c');
    result.assertFileContent('Kbuild', /^obj-m \+= chardev\.o$/m);
    result.assertFileContent('dkms.conf', /^PACKAGE_NAME="chardev"$/m);
    result.assertFileContent('dkms.conf', /^BUILT_MODULE_NAME\[0\]="chardev"$/m);
    result.assertFileContent('chardev.c', 'alloc_chrdev_region(&devbuf_devt, 0, DEVBUF_MINORS, KBUILD_MODNAME)');
    result.assertFileContent('chardev.c', 'kmod_class_create(KBUILD_MODNAME)');
    result.assertFileContent('chardev.c', '#define DEVBUF_MINORS\t1');
    result.assertFileContent('chardev.c', '#define DEVBUF_SIZE\t4096');
    result.assertFileContent('chardev.c', '.owner = THIS_MODULE,');
    result.assertFileContent('chardev.c', 'dev->cdev.owner = THIS_MODULE;');
    result.assertFileContent('chardev.c', '.compat_ioctl = compat_ptr_ioctl,');
    result.assertNoFileContent('chardev.c', /misc_register|class_create\(THIS_MODULE|LINUX_VERSION_CODE/);
    result.assertFileContent('chardev_ioctl.h', /^#define CHARDEV_IOC_MAGIC\t0xbe$/m);
    result.assertFileContent('chardev_ioctl.h', '_IOR(CHARDEV_IOC_MAGIC, 1, __u64)');
    result.assertFileContent('chardev_ioctl.h', '/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */');
    result.assertFileContent('udev/99-chardev.rules', 'SUBSYSTEM=="chardev", KERNEL=="chardev[0-9]*", MODE="0660", TAG+="uaccess"');
    result.assertFileContent('Makefile', /^TOOLS := tools\/chardev_test$/m);
    result.assertFileContent('.gitignore', /^\/tools\/chardev_test$/m);
    result.assertFileContent('README.md', 'classic cdev');
  });

  it('misc flavor uses misc_register and no class', async () => {
    await runChardev({ yes: true, name: 'mymisc', flavor: 'misc', 'buffer-size': '512', 'ioctl-magic': '0xb9' });
    result.assertFileContent('mymisc.c', 'misc_register(&dev->misc)');
    result.assertFileContent('mymisc.c', '#define DEVBUF_SIZE\t512');
    result.assertNoFileContent('mymisc.c', /alloc_chrdev_region|class_create|cdev_add/);
    result.assertFileContent('mymisc_ioctl.h', /^#define MYMISC_IOC_MAGIC\t0xb9$/m);
    result.assertFileContent('udev/99-mymisc.rules', 'SUBSYSTEM=="misc", KERNEL=="mymisc"');
    result.assertFileContent('README.md', 'misc device');
  });

  it('--minors sets the number of devices', async () => {
    await runChardev({ yes: true, minors: '8' });
    result.assertFileContent('chardev.c', '#define DEVBUF_MINORS\t8');
  });

  it('a dual licence gives the UAPI header the syscall note on the GPL part', async () => {
    await runChardev({ yes: true, license: 'GPL-2.0-only OR MIT' });
    result.assertFileContent('chardev_ioctl.h', 'SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */');
    result.assertFileContent('chardev.c', 'MODULE_LICENSE("Dual MIT/GPL");');
  });

  it('takes every answer from the prompts', async () => {
    await runChardev().withAnswers({
      name: 'asked',
      description: 'Asked device',
      author: 'P <p@q.r>',
      license: 'GPL-2.0-only',
      version: '1.0',
      flavor: 'classic',
      minors: '3',
      bufferSize: '100',
      ioctlMagic: '0xba',
    });
    result.assertFileContent('asked.c', '#define DEVBUF_MINORS\t3');
    result.assertFileContent('asked.c', '#define DEVBUF_SIZE\t100');
    result.assertFileContent('asked.c', '#define DRIVER_DESC\t"Asked device"');
    result.assertFileContent('asked_ioctl.h', /^#define ASKED_IOC_MAGIC\t0xba$/m);
  });

  it('a misc device is not asked for minors', async () => {
    const asked: string[] = [];
    await runChardev({ yes: false }).withAnswers(
      { flavor: 'misc' },
      { callback: (answer, { question }) => (asked.push(String(question.name)), answer) },
    );
    assert.ok(asked.includes('flavor'));
    assert.ok(!asked.includes('minors'), asked.join(','));
  });
});

describe('yo kmod:chardev in an existing project', () => {
  it('adds the module next to hello, keeping the project answers and every hello file', async () => {
    const dir = tmp();
    await runApp({ yes: true, author: 'Owner <o@x.y>', version: '2.0' }, dir);
    const hello = read(dir, 'hello.c');
    await runChardev({ yes: true, name: 'chr' }, dir);
    assert.equal(read(dir, 'hello.c'), hello);
    const kbuild = read(dir, 'Kbuild');
    assert.match(kbuild, /^obj-m \+= hello\.o\nobj-m \+= chr\.o$/m);
    assert.match(read(dir, 'dkms.conf'), /^PACKAGE_NAME="hello"$/m);
    assert.match(read(dir, 'dkms.conf'), /^BUILT_MODULE_NAME\[1\]="chr"$/m);
    assert.match(read(dir, 'chr.c'), /#define DRIVER_AUTHOR\t"Owner <o@x\.y>"/);
    assert.match(read(dir, 'chr.c'), /#define DRIVER_VERSION\t"2\.0"/);
    const readme = read(dir, 'README.md');
    assert.match(readme, /### hello\n/);
    assert.match(readme, /### chr \(character device, classic cdev\)/);
    const rc = JSON.parse(read(dir, '.yo-rc.json'))['generator-kmod'];
    assert.deepEqual(
      rc.modules.map((m: { name: string; kind: string }) => `${m.name}:${m.kind}`),
      ['hello:hello', 'chr:chardev'],
    );
  });

  it('running it twice for the same name duplicates nothing and changes nothing', async () => {
    const dir = tmp();
    await runApp({ yes: true }, dir);
    await runChardev({ yes: true, name: 'chr', flavor: 'misc' }, dir);
    const before = Object.fromEntries(['Kbuild', 'dkms.conf', 'README.md', 'Makefile', 'chr.c'].map((f) => [f, read(dir, f)]));
    await runChardev({ yes: true, name: 'chr' }, dir);
    for (const [f, text] of Object.entries(before)) assert.equal(read(dir, f), text, f);
    assert.equal((read(dir, 'Kbuild').match(/chr\.o/g) ?? []).length, 1);
    assert.equal((read(dir, 'dkms.conf').match(/BUILT_MODULE_NAME/g) ?? []).length, 2);
  });

  it('re-running the app generator keeps the char device in the shared files', async () => {
    const dir = tmp();
    await runApp({ yes: true }, dir);
    await runChardev({ yes: true, name: 'chr' }, dir);
    await runApp({ yes: true, description: 'Changed' }, dir);
    assert.match(read(dir, 'Kbuild'), /obj-m \+= chr\.o/);
    assert.match(read(dir, 'Makefile'), /TOOLS := tools\/chr_test/);
  });

  it('keeps a user-edited shared file while adding the module, and says how to get the new one', async () => {
    const dir = tmp();
    await runApp({ yes: true }, dir);
    writeFileSync(path.join(dir, 'Kbuild'), `${read(dir, 'Kbuild')}ccflags-y += -DMY_FLAG\n`);
    await runChardev({ yes: true, name: 'chr' }, dir);
    assert.match(read(dir, 'Kbuild'), /-DMY_FLAG/);
    assert.doesNotMatch(read(dir, 'Kbuild'), /chr\.o/);
    await runChardev({ yes: true, name: 'chr', force: true }, dir);
    assert.match(read(dir, 'Kbuild'), /chr\.o/);
  });

  it('refuses a name already used by a module of another kind, writing nothing', async () => {
    const dir = tmp();
    await runApp({ yes: true }, dir);
    const before = readdirSync(dir).sort();
    await assert.rejects(runChardev({ yes: true, name: 'hello' }, dir), /'hello' is already used by a hello module/);
    assert.deepEqual(readdirSync(dir).sort(), before);
  });
});

describe('yo kmod:chardev refuses invalid input and writes nothing', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ name: 'Bad-Dev' }, /--name: .*lower-case C identifier/],
    [{ flavor: 'block' }, /--flavor: flavor 'block' is not allowed: use 'classic' or 'misc'/],
    [{ minors: '0' }, /--minors: number of minors 0 is out of range: .*from 1 to 64/],
    [{ minors: '65' }, /--minors: .*from 1 to 64/],
    [{ minors: 'two' }, /--minors: .*not a whole number/],
    [{ 'buffer-size': '0' }, /--buffer-size: buffer size 0 is out of range: .*from 1 to 1048576/],
    [{ 'buffer-size': '1048577' }, /--buffer-size: .*from 1 to 1048576/],
    [{ 'buffer-size': '4k' }, /--buffer-size: .*not a whole number/],
    [{ 'ioctl-magic': '0x100' }, /--ioctl-magic: .*one byte in hex/],
    [{ 'ioctl-magic': '0x00' }, /--ioctl-magic: .*0x01 to 0xff/],
    [{ flavor: 'misc', minors: '2' }, /--minors: a misc device has exactly one minor/],
  ];
  for (const [options, message] of cases) {
    it(JSON.stringify(options), async () => {
      const dir = tmp();
      await assert.rejects(runChardev({ yes: true, ...options }, dir), message);
      assert.deepEqual(readdirSync(dir), []);
    });
  }
});
