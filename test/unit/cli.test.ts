/**
 * The package's own bin (npx generator-kmod), run as a separate process with
 * no terminal, the way CI and scripts run it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { KINDS } from '../../generators/lib/kinds.js';
import { PROJECT_QUESTIONS, optionName } from '../../generators/lib/questions.js';
import { runCli } from '../support/cli.js';
import { BIN, HOUSE_TEMPLATES } from '../support/paths.js';

function tmp(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

describe('generator-kmod (bin)', () => {
  it('without a terminal takes the defaults instead of hanging, and says so', () => {
    const dir = tmp('kmod-cli-');
    const r = runCli(dir, []);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /no terminal to ask on: taking defaults/);
    assert.ok(readdirSync(dir).includes('hello.c'));
  });

  it('--help lists every question as an option, plus --yes and --force', () => {
    const r = runCli(tmp('kmod-help-'), ['--help']);
    assert.equal(r.status, 0, r.stderr);
    for (const q of PROJECT_QUESTIONS) assert.match(r.stdout, new RegExp(`--${q.name}\\b`));
    assert.match(r.stdout, /-y,\s+--yes/);
    assert.match(r.stdout, /--force/);
  });

  for (const { generator: sub, kindQuestions: questions } of Object.values(KINDS).filter((k) => k.generator !== 'app')) {
    it(`${sub} --help lists its own options and the project ones`, () => {
      const r = runCli(tmp('kmod-help-'), [sub, '--help']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`yo kmod:${sub}`));
      for (const q of [...PROJECT_QUESTIONS, ...questions]) assert.match(r.stdout, new RegExp(`--${optionName(q)}\\b`));
    });
  }

  it('chardev runs as a sub-command and adds to the project', () => {
    const dir = tmp('kmod-cli-chr-');
    assert.equal(runCli(dir, ['--yes']).status, 0);
    const r = runCli(dir, ['chardev', '--yes', '--name', 'cli_chr', '--flavor', 'misc']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readdirSync(dir).includes('cli_chr.c'));
    assert.match(readFileSync(path.join(dir, 'Kbuild'), 'utf8'), /obj-m \+= hello\.o\nobj-m \+= cli_chr\.o/);
  });

  it('an invalid name exits non-zero with what is allowed, and writes nothing', () => {
    const dir = tmp('kmod-cli-bad-');
    const r = runCli(dir, ['--yes', '--name', 'Bad-Name']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--name: .*contains '-': use '_' instead; .*lower-case C identifier/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace for a usage error');
    assert.deepEqual(readdirSync(dir), []);
  });

  it('an unknown sub-generator is refused', () => {
    const r = runCli(tmp('kmod-cli-sub-'), ['nosuch']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown generator 'nosuch'/);
  });

  it('a re-run with no terminal keeps an edited file, says so, and updates the rest', () => {
    const dir = tmp('kmod-cli-rerun-');
    assert.equal(runCli(dir, ['--yes']).status, 0);
    const edited = `${readFileSync(path.join(dir, 'hello.c'), 'utf8')}/* mine */\n`;
    writeFileSync(path.join(dir, 'hello.c'), edited);
    const r = runCli(dir, ['--yes', '--description', 'Second run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /kept hello\.c: it was changed after generator-kmod wrote it.*--force/);
    assert.equal(readFileSync(path.join(dir, 'hello.c'), 'utf8'), edited);
    assert.match(readFileSync(path.join(dir, 'Makefile'), 'utf8'), /Second run/);
    const forced = runCli(dir, ['--yes', '--force']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(readFileSync(path.join(dir, 'hello.c'), 'utf8'), /#define DRIVER_DESC\t"Second run"/);
  });

  it('a refused option prints one clear message: no yeoman task line, no stack', () => {
    for (const sub of Object.keys(KINDS)) {
      const dir = tmp('kmod-cli-one-');
      const r = runCli(dir, [...(sub === 'app' ? [] : [sub]), '--yes', '--name', 'Bad-Name']);
      assert.equal(r.status, 1);
      assert.doesNotMatch(r.stdout + r.stderr, /error occured|while running kmod:/);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', /^generator-kmod: --name: /);
    }
  });

  it('a value that starts with "-": --author=VALUE works; --author VALUE says how to give it', () => {
    const dir = tmp('kmod-cli-dash-');
    const refused = runCli(dir, ['--yes', '--author', '-- x']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /--author: no value given; a value that starts with "-" must be written --author=VALUE/);
    assert.deepEqual(readdirSync(dir), []);
    const ok = runCli(dir, ['--yes', '--author=-- x', '--description=-x- y']);
    assert.equal(ok.status, 0, ok.stderr);
    const rc = JSON.parse(readFileSync(path.join(dir, '.yo-rc.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    assert.equal(rc['generator-kmod']?.author, '-- x');
    assert.equal(rc['generator-kmod']?.description, '-x- y');
    const help = runCli(dir, ['--help']);
    assert.match(help.stdout, /--option=VALUE/);
  });

  it('the file list names what happened to each file, and not the answers file', () => {
    const dir = tmp('kmod-cli-log-');
    const first = runCli(dir, ['--yes']);
    assert.match(first.stdout + first.stderr, /^ +create hello\.c$/m);
    const second = runCli(dir, ['platform', '--yes']);
    const out = second.stdout + second.stderr;
    assert.match(out, /^ +create platdrv\.c$/m);
    assert.match(out, /^ +update Kbuild$/m);
    assert.doesNotMatch(out, /\.yo-rc\.json/);
    assert.doesNotMatch(out, /^ +force /m, 'nothing was forced: no user edit was replaced');
  });

  it('the direct runner and yeoman (KMOD_DIRECT=0) write the same files and print the same lines', () => {
    const direct = tmp('kmod-parity-direct-');
    const yeoman = tmp('kmod-parity-yeoman-');
    const steps: string[][] = [
      [],
      ['chardev', '--yes', '--name', 'c1', '--flavor', 'misc', '--description', 'Says "hi" $(x) `y` %s \\'],
      ['platform', '--features', 'irq,pm', '--compatible', 'acme,widget'],
      ['--yes', '--name', 'Bad-Name'],
      ['chardev', '--yes', '--minors', '3', '--flavor', 'misc'],
      ['--yes', '--author', '-- x'],
      ['--yes', '--author=-- x', '--ci', 'github', '--license', 'GPL-2.0-only OR MIT', '--version', '2.0~rc1'],
      ['--yes', '--templates', HOUSE_TEMPLATES],
      ['eject', '--generator', 'app'],
      ['platform', '--yes', '--name', 'p2', '--features', 'none'],
      ['pci', '--yes', '--name', 'pci1', '--features', 'irq,dma,chardev', '--vendor', '0xABCD'],
      ['pci', '--yes', '--name', 'pci2', '--features', 'msi'],
    ];
    const snapshot = (dir: string): Record<string, string> => {
      const out: Record<string, string> = {};
      const walk = (rel: string) => {
        for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
          const r = path.join(rel, e.name);
          if (e.isDirectory()) walk(r);
          else out[r] = readFileSync(path.join(dir, r), 'utf8');
        }
      };
      walk('.');
      return out;
    };
    for (const [i, args] of steps.entries()) {
      if (i === 3) {
        for (const dir of [direct, yeoman]) appendFileSync(path.join(dir, 'hello.c'), '/* my edit */\n');
      }
      const a = runCli(direct, args);
      const b = runCli(yeoman, args, { KMOD_DIRECT: '0' });
      const norm = (t: string) => t.replaceAll(direct, '<dir>').replaceAll(yeoman, '<dir>');
      assert.equal(a.status, b.status, `step ${i} ${args.join(' ')}: exit\n${a.stderr}\n---\n${b.stderr}`);
      assert.equal(norm(a.stdout + a.stderr), norm(b.stdout + b.stderr), `step ${i} ${args.join(' ')}: output`);
      assert.deepEqual(snapshot(direct), snapshot(yeoman), `step ${i} ${args.join(' ')}: files`);
    }
  });

  it('--help of the direct runner lists the same options as yeoman\'s', () => {
    for (const sub of Object.keys(KINDS)) {
      const args = sub === 'app' ? ['--help'] : [sub, '--help'];
      const direct = runCli(tmp('kmod-help-d-'), args);
      const yeoman = runCli(tmp('kmod-help-y-'), args, { KMOD_DIRECT: '0' });
      const opts = (t: string) => [...new Set(t.match(/--[a-z][a-z-]*/g))].filter((o) => !/^--(skip|force-install|ask-answered|option)/.test(o)).sort();
      assert.deepEqual(opts(direct.stdout), opts(yeoman.stdout), sub);
      assert.match(direct.stdout, /Customising the generated files/);
    }
  });

  it('on a terminal (a pty from script(1)) it asks through yeoman: select prompts, no deprecation or task noise', async () => {
    const dir = tmp('kmod-pty-');
    const child = spawn('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} chardev`, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('utf8')));
    // Enter for every question: the defaults.
    const keys = setInterval(() => child.stdin.write('\r'), 400);
    const status = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        clearInterval(keys);
        resolve(code);
      });
    });
    assert.equal(status, 0, out);
    assert.match(out, /Kind of character device/, 'the flavor question was asked');
    assert.match(out, /ioctl magic number/, 'every question was asked');
    assert.doesNotMatch(out, /deprecated|error occured/i, out);
    assert.ok(readdirSync(dir).includes('chardev.c'), out);
  });
});
