/**
 * Validation of user-supplied values: the validators that the project's
 * questions and several kinds share. A validator that only one kind uses
 * lives with that kind's questions (generators/<kind>/questions.ts). Each
 * validator returns true or a message that says what is allowed; the same
 * function serves prompts and command-line options, so both refuse the same
 * input in the same words.
 */
import { LICENSES, findLicense } from './licenses.js';

export type Validation = true | string;

/** The kernel's MODULE_NAME_LEN is 64 - sizeof(unsigned long): 55 characters plus NUL on 64-bit. */
export const MODULE_NAME_MAX = 55;
export const FREE_TEXT_MAX = 200;
export const VERSION_MAX = 32;

/**
 * A refused value as messages show it: quoted, long values cut, and control,
 * separator and bidirectional characters written as \uXXXX, so that a
 * message can neither rewrite the terminal nor hide what was refused.
 */
export function shown(value: string): string {
  const cut = [...value].length > 80 ? `${[...value].slice(0, 80).join('')}...` : value;
  const safe = cut.replace(/[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/gu, (c) => `\\u${c.codePointAt(0)?.toString(16).padStart(4, '0') ?? ''}`);
  return `'${safe}'`;
}

/** C keywords and names that would clash with files or symbols kbuild creates. */
const RESERVED_NAMES = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extern',
  'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return', 'short', 'signed',
  'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while',
  'kmod_compat', 'modules', 'built_in', 'vmlinux',
]);

export function validateModuleName(value: string, what = 'module name'): Validation {
  const allowed =
    `a ${what} must be a lower-case C identifier: a letter first, then letters, digits or '_' ` +
    `(at most ${MODULE_NAME_MAX} characters), e.g. hello or my_driver`;
  if (value.length === 0) return `${what} is empty: ${allowed}`;
  if (value.length > MODULE_NAME_MAX) return `${what} ${shown(value)} is ${value.length} characters long: ${allowed}`;
  if (value.includes('-')) return `${what} ${shown(value)} contains '-': use '_' instead; ${allowed}`;
  if (!/^[a-z][a-z0-9_]*$/.test(value)) return `${what} ${shown(value)} is not allowed: ${allowed}`;
  if (RESERVED_NAMES.has(value)) return `${what} ${shown(value)} is reserved (C keyword or kbuild/generator file name): ${allowed}`;
  return true;
}

// Control characters (C0, DEL, C1) and Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// Bidirectional controls (embeddings, overrides, isolates, marks): they can
// make source read differently from how it compiles ("Trojan Source"), and
// gcc's -Wbidi-chars warns about them in a W=1 build.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Free text (description, author). Quotes, backslashes, $, backticks, % and
 * non-ASCII are fine (the templates escape them per language); line breaks,
 * other control characters and bidirectional controls are refused.
 */
export function validateFreeText(value: string, what: string): Validation {
  const allowed = `${what} must be one line of printable text, 1 to ${FREE_TEXT_MAX} characters`;
  if (value.trim().length === 0) return `${what} is empty: ${allowed}`;
  if (CONTROL.test(value)) return `${what} contains a line break or control character: ${allowed}`;
  if (BIDI.test(value)) return `${what} contains a bidirectional control character (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C): ${allowed}`;
  if (!value.isWellFormed()) return `${what} is not valid Unicode: ${allowed}`;
  if ([...value].length > FREE_TEXT_MAX) return `${what} is too long: ${allowed}`;
  if (value !== value.trim()) return `${what} starts or ends with spaces: ${allowed}`;
  return true;
}

export function validateVersion(value: string): Validation {
  const allowed =
    `version must start with a digit and contain only letters, digits, '.', '+', '~' or '-' ` +
    `(at most ${VERSION_MAX} characters), e.g. 0.1.0 or 1.2~rc1`;
  if (value.length === 0) return `version is empty: ${allowed}`;
  if (value.length > VERSION_MAX) return `version ${shown(value)} is too long: ${allowed}`;
  if (!/^[0-9][0-9A-Za-z.+~-]*$/.test(value)) return `version ${shown(value)} is not allowed: ${allowed}`;
  return true;
}

export function validateLicense(value: string): Validation {
  if (findLicense(value)) return true;
  const list = LICENSES.map((l) => `'${l.spdx}'`).join(', ');
  return `license ${shown(value)} is not one the kernel's MODULE_LICENSE() accepts; use one of: ${list}`;
}

/** A whole decimal number in [min, max]; `what` names it and `unit` says what it counts. */
export function validateIntRange(value: string, what: string, min: number, max: number, example: number): Validation {
  const allowed = `${what} must be a whole number from ${min} to ${max}, e.g. ${example}`;
  if (!/^[0-9]+$/.test(value)) return `${what} ${shown(value)} is not a whole number: ${allowed}`;
  const n = Number(value);
  if (n < min || n > max) return `${what} ${value} is out of range: ${allowed}`;
  return true;
}

/**
 * A module name that is also a device name in an ID table of `max` characters
 * (`macro` + NUL): the driver names of several kinds (platform, i2c, usb).
 */
export function validateDeviceName(value: string, what: string, devices: string, max: number, macro: string): Validation {
  const base = validateModuleName(value, what);
  if (base !== true) return base;
  if (value.length > max) return `${what} ${shown(value)} is ${value.length} characters long: ${devices} are limited to ${max} (${macro})`;
  return true;
}

/** A device-tree compatible string "vendor,device" (lower case, as in the kernel's bindings). */
export function validateCompatible(value: string): Validation {
  const allowed =
    "compatible must be 'vendor,device': lower-case letters, digits and '-' (the device part may " +
    "also use '.', '_', '+'), at most 100 characters, e.g. acme,widget";
  if (value.length > 100 || !/^[a-z0-9][a-z0-9-]*,[a-z0-9][a-z0-9._+-]*$/.test(value)) {
    return `compatible ${shown(value)} is not allowed: ${allowed}`;
  }
  return true;
}

/** A comma-separated subset of `choices`, or "none" (or nothing) for the empty set. */
export function validateSubset(value: string, what: string, choices: readonly string[]): Validation {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s && s !== 'none');
  const unknown = items.filter((i) => !choices.includes(i));
  if (unknown.length === 0) return true;
  return `${what} ${shown(unknown.join(','))} not known: give a comma-separated list of ${choices.join(', ')}, or none`;
}

/** A 16-bit ID in hex, 0x0001 to 0xfffe; `allowed` says so in the words of its bus (PCI, USB). */
export function validateId16(value: string, what: string, allowed: string): Validation {
  if (!/^0x[0-9a-fA-F]{1,4}$/.test(value)) return `${what} ${shown(value)} is not allowed: ${allowed}`;
  const n = Number(value);
  if (n === 0 || n === 0xffff) return `${what} ${value} is not a valid ID: ${allowed}`;
  return true;
}

/** A 16-bit USB vendor or product ID in hex, 0x0001 to 0xfffe: usb's, and hid's (a HID device's IDs are its USB IDs). */
export function validateUsbId(value: string, what: string): Validation {
  return validateId16(value, what, `${what} must be a 16-bit USB ID in hex, 0x0001 to 0xfffe, as lsusb shows it, e.g. 0x1a0a`);
}

/** Canonical form of a valid hex ID or byte: lower-case hex, `digits` digits. */
export function normalizeHex(value: string, digits: number): string {
  return /^0x[0-9a-fA-F]+$/.test(value) ? `0x${Number(value).toString(16).padStart(digits, '0')}` : value;
}

/** A value that must be one of a question's choices: refused with them ("use 'a', 'b' or 'c'"). */
export function validateChoice(value: string, what: string, choices: readonly { value: string }[]): Validation {
  if (choices.some((c) => c.value === value)) return true;
  const quoted = choices.map((c) => `'${c.value}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : quoted.join('');
  return `${what} ${shown(value)} is not allowed: use ${list}`;
}
