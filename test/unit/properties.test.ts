/**
 * Property tests over every option of every generator, with generated values
 * (fast-check; the seed is printed, KMOD_PROPERTY_SEED replays it). The
 * oracles are independent of the product's escaping: a C compiler reads the
 * strings back, gcc strips the comments, bash sources dkms.conf with xtrace,
 * make parses the Makefile and runs its help, a YAML parser reads the
 * workflow, and the file system shows what a run wrote.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { CHARDEV_QUESTIONS } from '../../generators/chardev/index.js';
import { PLATFORM_FEATURES, PLATFORM_QUESTIONS } from '../../generators/platform/index.js';
import { EJECTABLE } from '../../generators/eject/index.js';
import { I2C_QUESTIONS } from '../../generators/i2c/index.js';
import { NETDEV_QUESTIONS } from '../../generators/netdev/index.js';
import { USB_QUESTIONS } from '../../generators/usb/index.js';
import { BLOCK_QUESTIONS } from '../../generators/block/index.js';
import { validateBlockName } from '../../generators/block/questions.js';
import { validateI2cName } from '../../generators/i2c/questions.js';
import { validateNetdevName } from '../../generators/netdev/questions.js';
import { validatePlatformName } from '../../generators/platform/questions.js';
import { validateUsbName } from '../../generators/usb/questions.js';
import { PCI_FEATURES, PCI_QUESTIONS } from '../../generators/pci/index.js';
import { PROJECT_QUESTIONS, moduleQuestions, optionName, type Question } from '../../generators/lib/questions.js';
import { renderFiles, type RenderedFile } from '../../generators/lib/render.js';
import type { ModuleEntry, ModuleKind, ProjectAnswers } from '../../generators/lib/project.js';
import {
  SEED, anyName, compatibleAllowed, compatibleArb, enumArb, freeText, freeTextAllowed, hexByte, hexByteAllowed, i2cAddressAllowed, i2cAddressArb,
  nameAllowed, numberAllowed, numberText, pciClassAllowed, pciClassArb, pciIdAllowed, pciIdArb, seedNote, subsetAllowed,
  subsetArb, validFreeText, validName, versionAllowed, versionArb,
} from '../support/arbitraries.js';
import { runApp, runChardev, runEject, runI2c, runNetdev, runPci, runPlatform, runUsb } from '../support/run-app.js';
import { runBlock, runHid, runV4l2 } from '../support/run-app.js';
import { HID_BUSES, HID_FEATURE_NAMES, HID_QUESTIONS } from '../../generators/hid/questions.js';
import { V4L2_FEATURE_NAMES, V4L2_FORMAT_NAMES, V4L2_QUESTIONS, validateV4l2Name } from '../../generators/v4l2/questions.js';

const FEATURES = PLATFORM_FEATURES.map((f) => f.value);
const PCI_FEATURE_LIST = PCI_FEATURES.map((f) => f.value);

/** The README's rules for kmod:pci --features: known names, msi needs irq, chardev needs dma. */
function pciFeaturesAllowed(v: string): boolean {
  if (!subsetAllowed(v, PCI_FEATURE_LIST)) return false;
  const has = new Set(v.split(',').map((s) => s.trim()));
  return !(has.has('msi') && !has.has('irq')) && !(has.has('chardev') && !has.has('dma'));
}

/** The README's licence table, restated: SPDX expression -> MODULE_LICENSE() string. */
const MODULE_LICENSE: Record<string, string> = {
  'GPL-2.0-only': 'GPL',
  'GPL-2.0-or-later': 'GPL',
  'GPL-2.0-only OR MIT': 'Dual MIT/GPL',
  'GPL-2.0-only OR BSD-2-Clause': 'Dual BSD/GPL',
  'GPL-2.0-only OR BSD-3-Clause': 'Dual BSD/GPL',
  'GPL-2.0-only OR MPL-1.1': 'Dual MPL/GPL',
};
const SPDX = Object.keys(MODULE_LICENSE);

interface OptionSpec {
  arb: fc.Arbitrary<string>;
  allowed(v: string): boolean;
}

/** Every option of every generator: how to generate values, and which are allowed. */
function specFor(q: Question, nameMax: number, generator: string): OptionSpec {
  if (generator === 'pci' && optionName(q) === 'features') {
    return { arb: subsetArb(PCI_FEATURE_LIST), allowed: pciFeaturesAllowed };
  }
  if (generator === 'block') {
    const blockFeatures = ['discard', 'write-zeroes', 'flush', 'partitions', 'sysfs'];
    const ranges: Record<string, [number, number]> = { capacity: [1, 65536], disks: [1, 16], queues: [1, 16], 'queue-depth': [1, 1024] };
    const range = ranges[optionName(q)];
    if (range) return { arb: numberText(...range), allowed: (v) => numberAllowed(v, ...range) };
    if (optionName(q) === 'block-size') return { arb: enumArb(['512', '4096', '1024', '0']), allowed: (v) => v === '512' || v === '4096' };
    if (optionName(q) === 'features') return { arb: subsetArb(blockFeatures), allowed: (v) => subsetAllowed(v, blockFeatures) };
  }
  if (generator === 'hid' && optionName(q) === 'bus') {
    const buses: readonly string[] = HID_BUSES.map((b) => b.value);
    return { arb: enumArb([...buses, 'spi', 'USB', '']), allowed: (v) => buses.includes(v) };
  }
  if (generator === 'hid' && optionName(q) === 'features') {
    return { arb: subsetArb(HID_FEATURE_NAMES), allowed: (v) => subsetAllowed(v, HID_FEATURE_NAMES) };
  }
  if (generator === 'v4l2') {
    const v4l2 = v4l2Spec(optionName(q));
    if (v4l2) return v4l2;
  }
  if (generator === 'i2c' && optionName(q) === 'class') {
    return { arb: enumArb(['hwmon', 'sysfs']), allowed: (v) => v === 'hwmon' || v === 'sysfs' };
  }
  switch (optionName(q)) {
    case 'name':
      return { arb: anyName(nameMax), allowed: (v) => nameAllowed(v, nameMax) };
    case 'description':
    case 'author':
      return { arb: freeText, allowed: freeTextAllowed };
    case 'version':
      return { arb: versionArb, allowed: versionAllowed };
    case 'license':
      return { arb: enumArb(SPDX), allowed: (v) => SPDX.includes(v) };
    case 'ci':
      return { arb: enumArb(['none', 'github']), allowed: (v) => v === 'none' || v === 'github' };
    case 'flavor':
      return { arb: enumArb(['classic', 'misc']), allowed: (v) => v === 'classic' || v === 'misc' };
    case 'minors':
      return { arb: numberText(1, 64), allowed: (v) => numberAllowed(v, 1, 64) };
    case 'buffer-size':
      return { arb: numberText(1, 1048576), allowed: (v) => numberAllowed(v, 1, 1048576) };
    case 'ioctl-magic':
      return { arb: hexByte, allowed: hexByteAllowed };
    case 'compatible':
      return { arb: compatibleArb, allowed: compatibleAllowed };
    case 'features':
      return { arb: subsetArb(FEATURES), allowed: (v) => subsetAllowed(v, FEATURES) };
    case 'profile':
      return { arb: enumArb(['edu', 'none']), allowed: (v) => v === 'edu' || v === 'none' };
    case 'vendor':
    case 'device':
    case 'product':
      return { arb: pciIdArb, allowed: pciIdAllowed };
    case 'subvendor':
    case 'subdevice':
      return { arb: pciIdArb, allowed: (v) => v === 'any' || pciIdAllowed(v) };
    case 'class':
      return { arb: pciClassArb, allowed: pciClassAllowed };
    case 'bar':
      return { arb: numberText(0, 5), allowed: (v) => numberAllowed(v, 0, 5) };
    case 'dma-bits':
      return { arb: numberText(24, 64), allowed: (v) => numberAllowed(v, 24, 64) };
    case 'address':
      return { arb: i2cAddressArb, allowed: i2cAddressAllowed };
    case 'interface-class':
      return { arb: fc.oneof(hexByte, enumArb(['any', '0x00', '0x0', 'ANY', '0x100'])), allowed: (v) => v === 'any' || /^0x[0-9a-fA-F]{1,2}$/.test(v) };
    case 'devices':
      return { arb: numberText(1, 16), allowed: (v) => numberAllowed(v, 1, 16) };
    case 'reg-bits':
    case 'val-bits':
      return { arb: enumArb(['8', '16']), allowed: (v) => v === '8' || v === '16' };
    case 'kunit':
      return { arb: enumArb(['yes', 'no']), allowed: (v) => v === 'yes' || v === 'no' };
    default:
      throw new Error(`no property spec for option --${optionName(q)}: add one`);
  }
}

/** A frame size as the README says: WIDTHxHEIGHT, even width 64-8192, height 32-4320. */
function frameSizeAllowed(v: string): boolean {
  const m = /^([1-9][0-9]{0,4})x([1-9][0-9]{0,4})$/.exec(v);
  if (!m) return false;
  const [w, h] = [Number(m[1]), Number(m[2])];
  return w >= 64 && w <= 8192 && w % 2 === 0 && h >= 32 && h <= 4320;
}

const frameSizeArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 9000 }), fc.integer({ min: 0, max: 5000 })).map(([w, h]) => `${w}x${h}`),
  fc.constantFrom('640x480', '64x32', '8192x4320', '63x32', '65x480', '8194x4320', '640x31', '640x4321', '640X480', '640*480', ' 640x480', '0640x480', '640x', 'x480', ''),
  freeText,
);

/** kmod:v4l2's own options (its --devices is 1-8; the others are its alone). */
function v4l2Spec(option: string): OptionSpec | undefined {
  const items = (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'none');
  switch (option) {
    case 'formats':
      return { arb: subsetArb(V4L2_FORMAT_NAMES), allowed: (v) => subsetAllowed(v, V4L2_FORMAT_NAMES) && items(v).length > 0 };
    case 'features':
      return {
        arb: subsetArb(V4L2_FEATURE_NAMES),
        allowed: (v) => subsetAllowed(v, V4L2_FEATURE_NAMES) && (!items(v).includes('checkers') || items(v).includes('controls')),
      };
    case 'allocator':
      return { arb: enumArb(['vmalloc', 'dma-contig', 'dma_contig', 'sg']), allowed: (v) => v === 'vmalloc' || v === 'dma-contig' };
    case 'devices':
      return { arb: numberText(1, 8), allowed: (v) => numberAllowed(v, 1, 8) };
    case 'min-size':
    case 'max-size':
    case 'size':
      return { arb: frameSizeArb, allowed: frameSizeAllowed };
    default:
      return undefined;
  }
}

/** The default frame size within the limits (the defaults of those not given: 64x32, 640x480, 1920x1080). */
function v4l2SizesAllowed(o: Record<string, string>): boolean {
  const [lo, s, hi] = [o['min-size'] ?? '64x32', o.size ?? '640x480', o['max-size'] ?? '1920x1080'].map((v) => v.split('x').map(Number)) as [number[], number[], number[]];
  const within = (a: number[], b: number[]) => (a[0] as number) <= (b[0] as number) && (a[1] as number) <= (b[1] as number);
  return within(lo, hi) && within(lo, s) && within(s, hi);
}

const GENERATORS: { name: string; questions: readonly Question[]; nameMax: number }[] = [
  { name: 'app', questions: PROJECT_QUESTIONS, nameMax: 55 },
  { name: 'chardev', questions: [...moduleQuestions('chardev', (n) => n), ...CHARDEV_QUESTIONS], nameMax: 55 },
  {
    name: 'platform',
    questions: [...moduleQuestions('platdrv', (n) => n, validatePlatformName), ...PLATFORM_QUESTIONS],
    nameMax: 19,
  },
  { name: 'pci', questions: [...moduleQuestions('pcidrv', (n) => n), ...PCI_QUESTIONS], nameMax: 55 },
  { name: 'i2c', questions: [...moduleQuestions('i2cdrv', (n) => n, validateI2cName), ...I2C_QUESTIONS], nameMax: 19 },
  { name: 'netdev', questions: [...moduleQuestions('knet', (n) => n, validateNetdevName), ...NETDEV_QUESTIONS], nameMax: 13 },
  { name: 'usb', questions: [...moduleQuestions('usbdrv', (n) => n, validateUsbName), ...USB_QUESTIONS], nameMax: 16 },
  { name: 'block', questions: [...moduleQuestions('kblk', (n) => n, validateBlockName), ...BLOCK_QUESTIONS], nameMax: 26 },
  { name: 'hid', questions: [...moduleQuestions('hiddrv', (n) => n), ...HID_QUESTIONS], nameMax: 55 },
  { name: 'v4l2', questions: [...moduleQuestions('vcap', (n) => n, validateV4l2Name), ...V4L2_QUESTIONS], nameMax: 15 },
];

const RUNS_PER_OPTION = 250;
const RENDER_CASES = 150;
const GENERATOR_RUNS = 40;

const ALLOWED_HINT = /must|allowed|use |one of|limited|give |characters|from \d+ to|whole number|e\.g\./;

before(() => process.stderr.write(`${seedNote()}\n`));

function check<T>(arb: fc.Arbitrary<T>, runs: number, predicate: (value: T) => void): void {
  fc.assert(fc.property(arb, predicate), { seed: SEED, numRuns: runs });
}

describe(`property: every option of every generator is accepted or refused as the README says (${seedNote()})`, () => {
  let count = 0;
  after(() => process.stderr.write(`property: ${count} option values checked against the validators\n`));
  for (const g of GENERATORS) {
    for (const q of g.questions) {
      const spec = specFor(q, g.nameMax, g.name);
      it(`${g.name} --${optionName(q)}: ${RUNS_PER_OPTION} values`, () => {
        check(spec.arb, RUNS_PER_OPTION, (v) => {
          count++;
          const verdict = q.validate(v);
          assert.equal(verdict === true, spec.allowed(v), `--${optionName(q)} ${JSON.stringify(v)}: validator says ${String(verdict)}`);
          if (verdict !== true) {
            assert.match(verdict, ALLOWED_HINT, `the refusal says what is allowed: ${verdict}`);
            assert.doesNotMatch(verdict, /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u, `the message shows the value inert: ${JSON.stringify(verdict)}`);
          }
        });
      });
    }
  }
});

interface RenderCase {
  kind: ModuleKind;
  project: ProjectAnswers;
  module: ModuleEntry;
}

const renderCase: fc.Arbitrary<RenderCase> = fc
  .record({
    kind: fc.constantFrom<ModuleKind>('hello', 'chardev', 'platform', 'pci', 'i2c', 'netdev', 'usb', 'hid'),
    name: validName(19),
    description: validFreeText,
    moduleDescription: validFreeText,
    author: validFreeText,
    version: versionArb.filter(versionAllowed),
    license: fc.constantFrom(...SPDX),
    ci: fc.constantFrom('none', 'github'),
    flavor: fc.constantFrom('classic', 'misc'),
    minors: fc.integer({ min: 1, max: 64 }),
    bufferSize: fc.integer({ min: 1, max: 1048576 }),
    ioctlMagic: fc.integer({ min: 1, max: 255 }).map((n) => `0x${n.toString(16)}`),
    compatible: compatibleArb.filter(compatibleAllowed),
    features: fc.subarray(FEATURES).map((a) => (a.length ? a.join(',') : 'none')),
    pci: fc.record({
      profile: fc.constantFrom('edu', 'none'),
      vendor: pciIdArb.filter(pciIdAllowed).map((v) => `0x${Number(v).toString(16).padStart(4, '0')}`),
      device: pciIdArb.filter(pciIdAllowed).map((v) => `0x${Number(v).toString(16).padStart(4, '0')}`),
      subvendor: fc.constantFrom('any', '0x1af4'),
      subdevice: fc.constantFrom('any', '0x1100'),
      class: fc.constantFrom('any', '0x00ff00'),
      bar: fc.integer({ min: 0, max: 5 }).map(String),
      dmaBits: fc.integer({ min: 24, max: 64 }).map(String),
      features: fc.subarray(PCI_FEATURE_LIST).filter((a) => pciFeaturesAllowed(a.join(','))).map((a) => (a.length ? a.join(',') : 'none')),
    }),
    hid: fc.record({
      bus: fc.constantFrom(...HID_BUSES.map((b) => b.value)),
      features: fc.subarray([...HID_FEATURE_NAMES]).map((a) => (a.length ? a.join(',') : 'none')),
    }),
    i2c: fc.record({
      address: fc.integer({ min: 0x08, max: 0x77 }).map((n) => `0x${n.toString(16).padStart(2, '0')}`),
      class: fc.constantFrom('hwmon', 'sysfs'),
      regBits: fc.constantFrom('8', '16'),
      valBits: fc.constantFrom('8', '16'),
      kunit: fc.constantFrom('yes', 'no'),
    }),
  })
  .map((r) => {
    const settings: ModuleEntry['settings'] =
      r.kind === 'chardev'
        ? { flavor: r.flavor, ...(r.flavor === 'classic' ? { minors: String(r.minors) } : {}), bufferSize: String(r.bufferSize), ioctlMagic: r.ioctlMagic }
        : r.kind === 'platform'
          ? { compatible: r.compatible, features: r.features }
          : r.kind === 'pci'
            ? r.pci
            : r.kind === 'i2c'
              ? { compatible: r.compatible, ...r.i2c }
              : r.kind === 'netdev'
                ? { devices: String(r.minors % 16 + 1) }
                : r.kind === 'usb'
                  ? { vendor: r.pci.vendor, product: r.pci.device, interfaceClass: r.flavor === 'misc' ? 'any' : r.ioctlMagic.replace(/^0x(.)$/, '0x0$1') }
                  : r.kind === 'hid'
                    ? { vendor: r.pci.vendor, product: r.pci.device, ...r.hid }
                    : {};
    // Interface names limit a network driver's name to 13 characters.
    if (r.kind === 'netdev') r.name = r.name.slice(0, 13);
    if (r.kind === 'usb') r.name = r.name.slice(0, 16);
    const module: ModuleEntry = { name: r.name, kind: r.kind, description: r.kind === 'hello' ? r.description : r.moduleDescription, settings };
    const project: ProjectAnswers = { name: r.name, description: r.description, author: r.author, license: r.license, version: r.version, ci: r.ci };
    return { kind: r.kind, project, module };
  });

function render(c: RenderCase, texts?: { description: string; author: string; version: string }): RenderedFile[] {
  const project = texts ? { ...c.project, ...texts } : c.project;
  const module = texts ? { ...c.module, description: texts.description } : c.module;
  return renderFiles(c.kind === 'hello' ? 'app' : c.kind, [], project, [module], module, new Date(2026, 0, 1));
}

function run(cmd: string, args: string[], options: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(cmd, args, { ...options, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** At most four child processes at a time. */
let running = 0;
const waiting: (() => void)[] = [];
async function slot(): Promise<void> {
  if (running < 4) {
    running++;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve));
}
function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

function runAsync(cmd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function writeProject(dir: string, files: readonly RenderedFile[]): void {
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
  }
}

describe(`property: accepted values come out byte-exact and inert in every file (${RENDER_CASES} projects; ${seedNote()})`, () => {
  const cases = fc.sample(renderCase, { seed: SEED, numRuns: RENDER_CASES });
  const root = mkdtempSync(path.join(tmpdir(), 'kmod-prop-'));
  const rendered = cases.map((c, i) => {
    const dir = path.join(root, String(i));
    const files = render(c);
    writeProject(dir, files);
    return { c, dir, files };
  });
  const caseNote = (i: number) => `case ${i} of ${seedNote()}: ${JSON.stringify(cases[i])}`;

  it('C: every DRIVER_* string and MODULE_LICENSE compiled into a program prints the exact bytes', () => {
    const calls: string[] = [];
    const expected: Buffer[] = [];
    const owner: number[] = [];
    rendered.forEach(({ c, files }, i) => {
      const want: Record<string, string> = { DRIVER_AUTHOR: c.project.author, DRIVER_DESC: c.module.description, DRIVER_VERSION: c.project.version };
      let found = 0;
      for (const f of files.filter((x) => x.path.endsWith('.c') && !x.path.includes('/'))) {
        for (const line of f.contents.split('\n')) {
          const d = /^#define (DRIVER_AUTHOR|DRIVER_DESC|DRIVER_VERSION)\t(".*")$/.exec(line);
          const l = /^MODULE_LICENSE\((".*")\);$/.exec(line);
          if (d?.[1] && d[2]) {
            calls.push(`\tout(${d[2]});`);
            expected.push(Buffer.from(want[d[1]] ?? '', 'utf8'));
            owner.push(i);
            found++;
          }
          if (l?.[1]) {
            calls.push(`\tout(${l[1]});`);
            expected.push(Buffer.from(MODULE_LICENSE[c.project.license] ?? '', 'utf8'));
            owner.push(i);
          }
        }
      }
      assert.equal(found, 3, `three DRIVER_* strings in the module source: ${caseNote(i)}`);
    });
    const src = path.join(root, 'strings.c');
    writeFileSync(
      src,
      '#include <stdio.h>\n#include <string.h>\n' +
        'static void out(const char *s)\n{\n\tprintf("%zu:", strlen(s));\n\tfwrite(s, 1, strlen(s), stdout);\n\tputchar(\'\\n\');\n}\n' +
        `int main(void)\n{\n${calls.join('\n')}\n\treturn 0;\n}\n`,
    );
    const cc = run('cc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-Wtrigraphs', '-Wbidi-chars=any', '-o', path.join(root, 'strings'), src]);
    assert.equal(cc.status, 0, `${cc.stderr}\n${seedNote()}`);
    const outBuf = run(path.join(root, 'strings'), []).stdout;
    let at = 0;
    expected.forEach((want, k) => {
      const colon = outBuf.indexOf(0x3a, at);
      const len = Number(outBuf.subarray(at, colon).toString());
      const got = outBuf.subarray(colon + 1, colon + 1 + len);
      assert.deepEqual(got.toString('utf8'), want.toString('utf8'), caseNote(owner[k] ?? -1));
      assert.ok(got.equals(want), `bytes differ: ${caseNote(owner[k] ?? -1)}`);
      at = colon + 1 + len + 1;
    });
    assert.equal(at, outBuf.length);
  });

  it('C: with comments stripped by gcc, every source is the same as with plain text (text stays in comments and literals)', () => {
    const plain = { description: 'X', author: 'X', version: '1' };
    const strip = (texts: string[]): string[] => {
      const sep = (k: number) => `@@kmod_sep_${k}@@`;
      const file = path.join(root, `strip-${texts.length}-${Math.random().toString(36).slice(2)}.c`);
      writeFileSync(file, texts.map((t, k) => `${sep(k)}\n${t}\n`).join(''));
      const r = run('gcc', ['-fpreprocessed', '-E', '-P', '-x', 'c', file]);
      assert.equal(r.status, 0, r.stderr);
      const parts = r.stdout.toString('utf8').split(/@@kmod_sep_\d+@@/).slice(1);
      assert.equal(parts.length, texts.length, 'a comment swallowed a separator');
      // String literals may differ (they hold the text): compare the code around them.
      return parts.map((p) => p.replace(/"(?:\\.|[^"\\\n])*"/g, '""').replace(/\s+/g, ' ').trim());
    };
    const sources: string[] = [];
    const twins: string[] = [];
    const who: number[] = [];
    rendered.forEach(({ c, files }, i) => {
      const twin = new Map(render(c, plain).map((f) => [f.path, f.contents]));
      for (const f of files.filter((x) => /\.[ch]$/.test(x.path) && !x.path.startsWith('tools/'))) {
        sources.push(f.contents);
        twins.push(twin.get(f.path) ?? '');
        who.push(i);
      }
    });
    const a = strip(sources);
    const b = strip(twins);
    a.forEach((s, k) => assert.equal(s, b[k], caseNote(who[k] ?? -1)));
  });

  it('dkms.conf: bash sources it, runs nothing (xtrace shows only assignments) and reads back name, version, modules', () => {
    const script = rendered
      .map(({ dir }) => `( PS4='+ '; BASH_XTRACEFD=3; set -x; . '${dir}/dkms.conf'; set +x; printf '%s\\0' "$PACKAGE_NAME" "$PACKAGE_VERSION" "\${BUILT_MODULE_NAME[@]}" >'${dir}/dkms.vals' ) 3>'${dir}/dkms.trace'`)
      .join('\n');
    const r = run('bash', ['--noprofile', '--norc', '-c', script]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'sourcing printed nothing (no command ran, none was missing)');
    rendered.forEach(({ c, dir }, i) => {
      const trace = readFileSync(path.join(dir, 'dkms.trace'), 'utf8').split('\n').filter(Boolean);
      // "+ . file" sources it, "++ NAME=value" is an assignment in it; a
      // command substitution would show as "+++ command".
      assert.equal(trace[0], `+ . ${dir}/dkms.conf`);
      assert.equal(trace.at(-1), '+ set +x');
      for (const line of trace.slice(1, -1)) {
        assert.match(line, /^\+\+ [A-Z_]+(\[\d+\])?=/, `only assignments ran: ${line}\n${caseNote(i)}`);
      }
      // The test-only device of a platform driver is never a DKMS module.
      const kos = [c.module.name];
      const vals = readFileSync(path.join(dir, 'dkms.vals'), 'utf8').split('\0').slice(0, -1);
      assert.deepEqual(vals, [c.project.name, c.project.version, ...kos], caseNote(i));
    });
  });

  it('Makefile: make parses it (make -n -p runs nothing), and its help prints the text exactly', async () => {
    const version = (db: string, i: number) =>
      assert.match(db, new RegExp(`^PACKAGE_VERSION := ${cases[i]?.project.version.replace(/[.+~]/g, '\\$&')}$`, 'm'), caseNote(i));
    await Promise.all(
      rendered.map(async ({ c, dir }, i) => {
        await slot();
        try {
          // The help recipe runs, and make prints its database (-p) after it.
          const r = await runAsync('make', ['-p', '-s', '-C', dir, 'help', 'KDIR=/nonexistent']);
          assert.equal(r.status, 0, `${r.stderr}\n${caseNote(i)}`);
          assert.equal(r.stdout.split('\n')[0], `${c.project.name} ${c.project.version}: ${c.project.description}`, caseNote(i));
          version(r.stdout, i);
          if (i % 5 === 0) {
            const dry = await runAsync('make', ['-n', '-p', '-C', dir, 'help', 'KDIR=/nonexistent']);
            assert.equal(dry.status, 0, `${dry.stderr}\n${caseNote(i)}`);
            version(dry.stdout, i);
          }
        } finally {
          release();
        }
      }),
    );
  });

  it('the CI workflow is YAML that parses, with its build job and steps', () => {
    const withCi = rendered.filter(({ c }) => c.project.ci === 'github');
    assert.ok(withCi.length > 0, 'some cases have --ci github');
    for (const { dir } of withCi) {
      const doc = parseYaml(readFileSync(path.join(dir, '.github/workflows/build.yml'), 'utf8')) as {
        jobs?: { build?: { steps?: unknown[] } };
      };
      assert.ok(Array.isArray(doc.jobs?.build?.steps) && doc.jobs.build.steps.length >= 3);
    }
  });
});

type Runner = typeof runApp;
const RUNNERS: Record<string, Runner> = { app: runApp, chardev: runChardev, platform: runPlatform, pci: runPci, i2c: runI2c, netdev: runNetdev, usb: runUsb, block: runBlock, hid: runHid, v4l2: runV4l2 };

/** One generator run with generated options: which generator, and an optional value per option. */
/** --templates: a folder that exists (relative to the project or absolute), or anything else. */
const templatesArb = fc.oneof(fc.constantFrom('.', '..', '/tmp', '/nonexistent', 'no/such/dir', ''), freeText);

/*
 * Half of the runs draw only allowed values (they may still be refused for a
 * combination): with several options, a sample of free draws alone can come
 * out all refused (a dry run had 40 of 40), and then nothing is re-run.
 */
const generatorRun = fc.tuple(fc.constantFrom(...GENERATORS), fc.boolean()).chain(([g, allowedOnly]) =>
  fc
    .tuple(
      fc.tuple(
        ...g.questions.map((q) => {
          const spec = specFor(q, g.nameMax, g.name);
          return fc.option(allowedOnly ? spec.arb.filter(spec.allowed) : spec.arb, { freq: 2, nil: undefined });
        }),
      ),
      fc.option(allowedOnly ? fc.constantFrom('.', '/tmp') : templatesArb, { freq: 6, nil: undefined }),
    )
    .map(([values, templates]) => ({
      g,
      options: {
        ...Object.fromEntries(g.questions.flatMap((q, k) => (values[k] === undefined ? [] : [[optionName(q), values[k]]]))),
        ...(templates === undefined ? {} : { templates }),
      } as Record<string, string>,
    })),
);

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function expectedAccepted(g: (typeof GENERATORS)[number], options: Record<string, string>, dir: string): boolean {
  if (g.name === 'chardev' && options.minors !== undefined && options.flavor === 'misc') return false;
  // --dma-bits needs the dma feature (all features, dma included, when --features is not given).
  if (g.name === 'pci' && options['dma-bits'] !== undefined && options.features !== undefined && !options.features.split(',').map((f) => f.trim()).includes('dma')) return false;
  if (options.templates !== undefined && !isDirectory(path.resolve(dir, options.templates))) return false;
  const each = g.questions.every((q) => {
    const v = options[optionName(q)];
    return v === undefined || specFor(q, g.nameMax, g.name).allowed(v);
  });
  // kmod:v4l2: the default size lies within the limits (checked once each is valid).
  return each && (g.name !== 'v4l2' || v4l2SizesAllowed(options));
}

describe(`property: generator runs refuse bad values and write nothing, and re-runs keep edits (${GENERATOR_RUNS} runs; ${seedNote()})`, () => {
  it('refused: exit with a message naming the option, nothing written; accepted: edit kept on re-run', async () => {
    const runs = fc.sample(generatorRun, { seed: SEED, numRuns: GENERATOR_RUNS });
    let refused = 0;
    for (const [i, { g, options }] of runs.entries()) {
      const note = `run ${i} of ${seedNote()}: ${g.name} ${JSON.stringify(options)}`;
      const dir = mkdtempSync(path.join(tmpdir(), 'kmod-prop-run-'));
      const runner = RUNNERS[g.name] as Runner;
      const accepted = expectedAccepted(g, options, dir);
      const outcome = await runner({ ...options, yes: true }, dir).then(
        () => undefined,
        (err: unknown) => err,
      );
      if (!accepted) {
        refused++;
        assert.ok(outcome instanceof Error, `refused: ${note}`);
        assert.match(outcome.message, /^--[a-z-]+: /, note);
        assert.deepEqual(readdirSync(dir), [], `nothing written: ${note}`);
        continue;
      }
      assert.equal(outcome, undefined, `accepted: ${String(outcome)}\n${note}`);
      const written = readdirSync(dir).filter((f) => /\.(c|h)$|^Makefile$|^Kbuild$|^dkms\.conf$|^README\.md$/.test(f));
      assert.ok(written.length >= 4, note);
      const victim = written[i % written.length] as string;
      const edit = `\n# ${i}: my own line\n`;
      appendFileSync(path.join(dir, victim), edit);
      const before = readFileSync(path.join(dir, victim), 'utf8');
      await runner({ yes: true, description: `Re-run ${i}` }, dir);
      assert.equal(readFileSync(path.join(dir, victim), 'utf8'), before, `edit to ${victim} kept: ${note}`);
    }
    assert.ok(refused > 0 && refused < runs.length, `both outcomes occur (${refused} of ${runs.length} refused)`);
  });

  it('eject --generator: a generator with templates or all; anything else refused with the list', async () => {
    const values = fc.sample(enumArb([...EJECTABLE, 'all']), { seed: SEED, numRuns: 30 });
    for (const v of values) {
      const dir = mkdtempSync(path.join(tmpdir(), 'kmod-prop-eject-'));
      const ok = [...EJECTABLE, 'all'].includes(v);
      const outcome = await runEject({ generator: v }, dir).then(() => undefined, (err: unknown) => err);
      if (ok) assert.equal(outcome, undefined, `${JSON.stringify(v)}: ${String(outcome)}`);
      else {
        assert.ok(outcome instanceof Error, JSON.stringify(v));
        assert.match(outcome.message, new RegExp(`^--generator: '.*' is not a generator with templates: use ${EJECTABLE.join(', ')} or all$`));
        assert.deepEqual(readdirSync(dir), []);
      }
    }
  });
});
