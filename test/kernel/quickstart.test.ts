/**
 * The README's quick start, as a new user types it: its first command, read
 * from README.md, run in a copy of this repository with a scratch HOME and a
 * scratch npm global prefix; the module it scaffolds in ~/hello must then
 * build with make (KDIR: an installed Debian kernel's headers).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { execAsync } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The quick start's commands: the lines after "# 1." and "# 2." in its first sh block. */
function quickStart(readme: string): { scaffold: string; test: string } {
  const section = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const after = (n: number) => {
    const lines = block.split('\n');
    const i = lines.findIndex((l) => l.startsWith(`# ${n}.`));
    return i >= 0 ? (lines[i + 1] ?? '').trim() : '';
  };
  return { scaffold: after(1), test: after(2) };
}

withKernelEnv("the README's quick start", (env) => {
  const { scaffold, test } = quickStart(readFileSync(path.join(REPO, 'README.md'), 'utf8'));

  it('its test command is the one CI runs (.ci/run)', () => {
    assert.ok(test, 'the quick start has a second command');
    assert.match(readFileSync(path.join(REPO, '.ci', 'run'), 'utf8'), new RegExp(`^${test.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('its first command installs the generator and scaffolds ~/hello, which builds, and leaves the shell in the clone', async () => {
    assert.ok(scaffold, 'the quick start has a first command');
    const work = mkdtempSync(path.join(tmpdir(), 'kmod-quickstart-'));
    const clone = path.join(work, 'generator-kmod');
    const skip = new Set(['node_modules', 'dist', '.git'].map((d) => path.join(REPO, d)));
    cpSync(REPO, clone, { recursive: true, filter: (src) => !skip.has(path.resolve(src)) });
    const home = path.join(work, 'home');
    const prefix = path.join(work, 'prefix');
    mkdirSync(home);
    // The second command runs in the clone too: the first one must leave the shell there.
    const r = await execAsync('bash', ['-c', `${scaffold}\necho "quickstart: now in $PWD"`], {
      cwd: clone,
      env: {
        ...process.env,
        HOME: home,
        // The user's own global prefix, and npm's cache where it already is (no second download).
        npm_config_prefix: prefix,
        npm_config_cache: process.env.npm_config_cache ?? path.join(homedir(), '.npm'),
        PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
      },
      timeoutMs: 600_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^quickstart: now in ${clone}$`, 'm'), 'the shell is still in the clone');
    const bin = path.join(prefix, 'bin', 'generator-kmod');
    assert.ok(existsSync(bin), 'generator-kmod is on the PATH of the global prefix');
    assert.equal(realpathSync(bin), path.join(clone, 'dist', 'generators', 'cli.js'));
    const hello = path.join(home, 'hello');
    for (const f of ['hello.c', 'Kbuild', 'Makefile', 'dkms.conf', 'README.md']) assert.ok(existsSync(path.join(hello, f)), `~/hello/${f}`);
    const kernel = env.debianKernels[0];
    assert.ok(kernel, 'an installed Debian kernel');
    const m = await execAsync('make', ['-C', hello, `KDIR=${kernel.kdir}`], { timeoutMs: 300_000 });
    assert.equal(m.status, 0, `${m.stdout}\n${m.stderr}`);
    assert.ok(existsSync(path.join(hello, 'hello.ko')), 'hello.ko built');
  });
});
