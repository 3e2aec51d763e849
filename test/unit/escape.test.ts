import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  cComment,
  cCommentLines,
  cString,
  hashComment,
  makeRecipeArg,
  markdownText,
  shellDoubleQuote,
  shellQuote,
} from '../../generators/lib/escape.js';
import { HOSTILE_AUTHOR, HOSTILE_DESCRIPTION } from '../support/hostile.js';

const SAMPLES = [HOSTILE_DESCRIPTION, HOSTILE_AUTHOR, "it's", 'a\\', '$(x)', '`x`', '"', "'", '???/', 'plain'];

describe('cString', () => {
  it('escapes backslash and double quote', () => {
    assert.equal(cString('a"b\\c'), 'a\\"b\\\\c');
  });
  it('breaks every ?? so no trigraph can form', () => {
    assert.equal(cString('??/'), '?\\?/');
    assert.equal(cString('???'), '?\\?\\?');
    assert.doesNotMatch(cString(HOSTILE_DESCRIPTION), /\?\?/);
  });
  it('keeps UTF-8, $ and % as they are', () => {
    assert.equal(cString('naïve 日本 $x %s'), 'naïve 日本 $x %s');
  });
  it('refuses control characters', () => {
    assert.throws(() => cString('a\nb'), /control character/);
    assert.throws(() => cString('a\u0085b'), /control character/);
  });
  it('round-trips through a C compiler', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-cstr-'));
    const src = path.join(dir, 't.c');
    const body = SAMPLES.map((s) => `\tputs("${cString(s)}");`).join('\n');
    writeFileSync(src, `#include <stdio.h>\nint main(void)\n{\n${body}\n\treturn 0;\n}\n`);
    const cc = spawnSync('cc', ['-Wall', '-Wextra', '-Werror', '-o', path.join(dir, 't'), src], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const run = spawnSync(path.join(dir, 't'), { encoding: 'utf8' });
    assert.equal(run.stdout, SAMPLES.map((s) => `${s}\n`).join(''));
  });
});

describe('cComment and cCommentLines', () => {
  it('never closes or opens a comment', () => {
    assert.equal(cComment('a */ b /* c'), 'a * / b / * c');
    for (const s of SAMPLES) assert.doesNotMatch(cComment(s), /\*\/|\/\*/);
  });
  it('wraps at spaces within the width, measured in bytes, and cuts long words', () => {
    const text = `${'word '.repeat(40)}${'x'.repeat(200)} ${'日本語'.repeat(30)}`;
    const lines = cCommentLines(text, 76);
    for (const line of lines) assert.ok(Buffer.byteLength(line) <= 76, line);
    assert.ok(lines.length >= 8);
    assert.equal(lines.join('').replace(/ /g, ''), text.replace(/ /g, ''));
  });
});

describe('shell quoting', () => {
  for (const s of SAMPLES) {
    it(`sh sees ${JSON.stringify(s)} unchanged`, () => {
      const single = spawnSync('sh', ['-c', `printf '%s' ${shellQuote(s)}`], { encoding: 'utf8' });
      assert.equal(single.stdout, s);
      const double = spawnSync('bash', ['-c', `v=${shellDoubleQuote(s)}; printf '%s' "$v"`], { encoding: 'utf8' });
      assert.equal(double.stdout, s);
    });
  }
});

describe('makeRecipeArg', () => {
  it('passes any text through make and sh unchanged', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmod-make-'));
    const lines = SAMPLES.map((s) => `\t@printf '%s\\n' ${makeRecipeArg(s)}`).join('\n');
    writeFileSync(path.join(dir, 'Makefile'), `# ${hashComment(HOSTILE_DESCRIPTION)}\nall:\n${lines}\n`);
    const r = spawnSync('make', ['-s', '-C', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, SAMPLES.map((s) => `${s}\n`).join(''));
  });
});

describe('hashComment', () => {
  it('does not end in a backslash that would continue a Makefile comment', () => {
    assert.equal(hashComment('a\\'), 'a\\ ');
    assert.equal(hashComment('a'), 'a');
  });
});

describe('markdownText', () => {
  it('escapes HTML and Markdown syntax', () => {
    assert.equal(markdownText('<b>*x*</b> & [l](u)'), '\\<b\\>\\*x\\*\\</b\\> &amp; \\[l\\](u)');
  });
});
