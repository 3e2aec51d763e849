import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LICENSES } from '../../generators/lib/licenses.js';
import { validateFreeText, validateLicense, validateModuleName, validateVersion } from '../../generators/lib/validate.js';

describe('validateModuleName', () => {
  for (const ok of ['hello', 'my_driver', 'a', 'x9', 'a'.repeat(55)]) {
    it(`accepts ${ok.length > 20 ? `${ok.length} characters` : ok}`, () => assert.equal(validateModuleName(ok), true));
  }
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['Hello', /lower-case C identifier/],
    ['my-driver', /contains '-': use '_'/],
    ['9lives', /not allowed/],
    ['_hidden', /not allowed/],
    ['a b', /not allowed/],
    ['héllo', /not allowed/],
    ['a'.repeat(56), /56 characters long.*at most 55/],
    ['int', /reserved/],
    ['kmod_compat', /reserved/],
    ['x;rm', /not allowed/],
  ];
  for (const [value, message] of bad) {
    it(`refuses ${JSON.stringify(value.length > 20 ? `${value.length} characters` : value)} saying what is allowed`, () => {
      const r = validateModuleName(value);
      assert.notEqual(r, true);
      assert.match(String(r), message);
      assert.match(String(r), /a letter first, then letters, digits or '_'/);
    });
  }
});

describe('validateFreeText', () => {
  it('accepts quotes, backslashes, $, backticks, % and non-ASCII', () => {
    assert.equal(validateFreeText('He said "hi" \\ $(x) `y` 100% naïve 日本', 'description'), true);
  });
  for (const [value, message] of [
    ['', /empty/],
    ['   ', /empty/],
    ['a\nb', /line break or control character/],
    ['a\rb', /line break or control character/],
    ['a\tb', /line break or control character/],
    ['a\u0000b', /line break or control character/],
    ['a\u2028b', /line break or control character/],
    ['a\ud800b', /not valid Unicode/],
    ['x'.repeat(201), /too long/],
    [' padded', /spaces/],
  ] as const) {
    it(`refuses ${JSON.stringify(value.slice(0, 12))}`, () => {
      const r = validateFreeText(value, 'description');
      assert.match(String(r), message);
      assert.match(String(r), /one line of printable text, 1 to 200 characters/);
    });
  }
});

describe('validateVersion', () => {
  for (const ok of ['0.1.0', '1', '1.2~rc1', '2.0-3', '1.0+git20261123']) {
    it(`accepts ${ok}`, () => assert.equal(validateVersion(ok), true));
  }
  for (const bad of ['', 'v1.0', '1.0 beta', '1:2.0', '1/2', '$(id)', '1"', '9'.repeat(33)]) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.match(String(validateVersion(bad)), /start with a digit/));
  }
});

describe('validateLicense', () => {
  it('accepts every listed SPDX identifier', () => {
    for (const l of LICENSES) assert.equal(validateLicense(l.spdx), true);
  });
  it('refuses others and lists the allowed ones', () => {
    const r = String(validateLicense('Apache-2.0'));
    assert.match(r, /MODULE_LICENSE/);
    for (const l of LICENSES) assert.ok(r.includes(`'${l.spdx}'`));
  });
  it('maps only to strings the kernel accepts', () => {
    const accepted = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);
    for (const l of LICENSES) assert.ok(accepted.has(l.moduleLicense), l.moduleLicense);
  });
});
