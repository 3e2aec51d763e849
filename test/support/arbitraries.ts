/**
 * fast-check generators for every kind of value a user can give the
 * generators, and oracles for them that do not reuse the product's code:
 * what the README promises, written down again independently.
 */
import fc from 'fast-check';

/** One seed per test run: printed, and taken from KMOD_PROPERTY_SEED to replay a failure. */
export const SEED = process.env.KMOD_PROPERTY_SEED ? Number(process.env.KMOD_PROPERTY_SEED) : Date.now() % 2 ** 31;

export function seedNote(): string {
  return `property seed ${SEED} (replay: KMOD_PROPERTY_SEED=${SEED} npm run test:unit)`;
}

/** Pieces that break C, make, shell, YAML or Markdown when they are not escaped. */
const NASTY = [
  '"', "'", '\\', '$', '`', '%', '%s', '%n', '$(id)', '${HOME}', '$$', '`id`', '$(shell id)', '#', ';', '&&',
  '|', '>', '<', '*/', '/*', '//', '??/', '??=', '??', ':=', '=', '+=', '\\n', '\\', ' ', '  ', '-', '--', '[', ']',
  '{', '}', '(', ')', '*', '_', '~', '!', '@', ':', ',', 'é', '日本', '🙂', 'ß', 'İ', '\u00a0', '\u200b', '\ufeff',
  // refused: line breaks, other controls, bidi controls, a lone surrogate
  '\n', '\r', '\t', '\0', '\u0007', '\u007f', '\u0085', '\u2028', '\u2029', '\u202e', '\u202a', '\u2066', '\u2069',
  '\u200f', '\u061c', '\ud800',
];

/** Free text: hostile pieces, arbitrary Unicode, and lengths at and past the 200-character limit. */
export const freeText: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 40 }).map((a) => a.join('')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 210 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
  fc.integer({ min: 197, max: 203 }).chain((n) => fc.string({ unit: fc.constantFrom('a', 'é', '日', '$', '"', '🙂'), minLength: n, maxLength: n })),
  fc.constantFrom('', ' ', 'x ', ' x', '-- x', '-x'),
);

/**
 * The README's rule for free text, restated with Unicode properties: one
 * line, no control characters (Cc), no line or paragraph separators, no
 * bidirectional controls, well-formed, 1-200 code points, no surrounding
 * spaces.
 */
export function freeTextAllowed(v: string): boolean {
  return (
    v.trim() !== '' &&
    v === v.trim() &&
    !/[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u.test(v) &&
    v.isWellFormed() &&
    [...v].length <= 200
  );
}

export const validFreeText = freeText.filter(freeTextAllowed);

/** Names the README reserves: C keywords (a few) and names kbuild uses itself. */
const KEYWORDS = ['int', 'static', 'return', 'struct', 'kmod_compat', 'modules', 'built_in', 'vmlinux'];

/** Module names: valid ones (never a keyword: they start with "m"), and every way to get one wrong. */
export const validName = (max: number): fc.Arbitrary<string> =>
  fc.stringMatching(new RegExp(`^m[a-z0-9_]{0,${max - 1}}$`)).filter((s) => s.length <= max && !KEYWORDS.includes(s));

export const anyName = (max: number): fc.Arbitrary<string> =>
  fc.oneof(
    validName(max),
    fc.integer({ min: max - 1, max: max + 2 }).map((n) => `m${'a'.repeat(n - 1)}`),
    fc.constantFrom(...KEYWORDS, '', 'Hello', 'my-mod', '1abc', '_x', 'a b', 'ä', 'x$', 'x;rm', 'a\n'),
    freeText,
  );

/** The README's rule for names: a lower-case C identifier of at most `max` characters. */
export function nameAllowed(v: string, max: number): boolean {
  return /^[a-z][a-z0-9_]*$/.test(v) && v.length <= max && !KEYWORDS.includes(v);
}

export const versionArb: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[0-9][0-9A-Za-z.+~-]{0,31}$/),
  fc.constantFrom('', '1.0 beta', 'v1', '1$', '1;2', '1/2', `1${'0'.repeat(32)}`, '1:2', '1"'),
  freeText,
);

export function versionAllowed(v: string): boolean {
  return /^[0-9][0-9A-Za-z.+~-]*$/.test(v) && v.length <= 32;
}

/** Whole numbers as text, and what only looks like one. */
export const numberText = (min: number, max: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer({ min: min - 2, max: max + 2 }).map(String),
    fc.integer({ min, max }).map(String),
    fc.constantFrom(String(min), String(max), String(min - 1), String(max + 1)),
    fc.constantFrom('', ' 1', '1 ', '0x10', '1e3', '+4', '٣', '4.0', 'four', '-0', '99999999999999999999'),
  );

export function numberAllowed(v: string, min: number, max: number): boolean {
  return /^[0-9]+$/.test(v) && Number(v) >= min && Number(v) <= max;
}

export const hexByte: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 0x1ff }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 1, max: 255 }).map((n) => `0x${n.toString(16).toUpperCase()}`),
  fc.constantFrom('', '0x', '0x00', '0x0', 'be', '190', '0xgg', '0x1 ', '0x100'),
);

export function hexByteAllowed(v: string): boolean {
  return /^0x[0-9a-fA-F]{1,2}$/.test(v) && Number(v) > 0;
}

export const compatibleArb: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20},[a-z0-9][a-z0-9._+-]{0,30}$/),
  fc.constantFrom('', 'acme', 'Acme,x', 'acme,', ',x', 'acme,x y', 'acme,x,y', 'acme;x', `a,${'b'.repeat(99)}`),
  freeText,
);

export function compatibleAllowed(v: string): boolean {
  return v.length <= 100 && /^[a-z0-9][a-z0-9-]*,[a-z0-9][a-z0-9._+-]*$/.test(v);
}

/** An enum option: its values and some that are not. */
export const enumArb = (values: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(...values), fc.constantFrom('', 'none ', 'GPL', 'Classic', 'all', 'x'), freeText);

/** A comma-separated subset, "none", and junk. */
export const subsetArb = (values: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.subarray([...values]).map((a) => (a.length ? a.join(',') : 'none')),
    fc.array(fc.constantFrom(...values, 'x', 'MMIO', ' irq', ''), { maxLength: 5 }).map((a) => a.join(',')),
    freeText,
  );

export function subsetAllowed(v: string, values: readonly string[]): boolean {
  const items = v.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'none');
  return items.every((i) => values.includes(i));
}

/** A 16-bit PCI ID in hex, and near misses. */
export const pciIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 0x1ffff }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 1, max: 0xfffe }).map((n) => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`),
  fc.constantFrom('', '0x', '0x0000', '0xffff', '0xFFFF', '1234', '0x12345', '0xgggg', '0x1234 ', 'any', '-1'),
);

export function pciIdAllowed(v: string): boolean {
  return /^0x[0-9a-fA-F]{1,4}$/.test(v) && Number(v) > 0 && Number(v) < 0xffff;
}

/** A 24-bit PCI class code (all six digits) or "any", and near misses. */
export const pciClassArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 0xffffff }).map((n) => `0x${n.toString(16).padStart(6, '0')}`),
  fc.integer({ min: 0, max: 0xffff }).map((n) => `0x${n.toString(16)}`),
  fc.constantFrom('any', 'ANY', '', '0x', '0x0200', '0x1000000', '020000', '0xgg0000'),
);

export function pciClassAllowed(v: string): boolean {
  return v === 'any' || /^0x[0-9a-fA-F]{6}$/.test(v);
}

/** A 7-bit I2C address in hex, and near misses (reserved ranges, 10-bit, no prefix). */
export const i2cAddressArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 0x08, max: 0x77 }).map((n) => `0x${n.toString(16).toUpperCase().padStart(2, '0')}`),
  fc.constantFrom('', '0x', '48', '0x080', '0x100', '0x3ff', '0xgg', '0x48 ', 'any', '-1'),
);

export function i2cAddressAllowed(v: string): boolean {
  return /^0x[0-9a-fA-F]{1,2}$/.test(v) && Number(v) >= 0x08 && Number(v) <= 0x77;
}
