/**
 * The generated tests catch the bugs they claim to catch. One project holds
 * clean drivers and their mutants, each the same driver with one bug put in
 * by an exact replacement (asserted to match, so that a template change
 * cannot turn a mutant into a clean twin unnoticed):
 *
 *   pci_nodma   read() copies out the bounce buffer without a DMA transfer
 *   pci_nogone  read() does not check that the device was removed
 *   chr_nolock  write() without the device's lock
 *   usb_nodisc  write() does not check that the interface was disconnected
 *   plat_claims the interrupt handler claims what the device did not raise
 *   hid_nolen   raw_event() reads a report without checking its length
 *   hid_be16    raw_event() reads the X axis big-endian
 *   blk_seg     a write copies from the start of its segment's page, not its offset
 *   blk_nozero  a read of sectors never written leaves the buffer as it was
 *   v4l2_seq    a frame is drawn with the next frame's sequence number
 *
 * One `make vmtest` boot runs every test: each clean one passes, each
 * mutant's fails at the check that catches its bug. One kernel (Debian's
 * 6.12 where installed), TCG as the rest of the suite.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { execAsync, type ExecResult } from './support/exec.js';
import { withKernelEnv } from './support/gate.js';
import { generate } from './support/kbuild.js';
import { track } from './support/matrix.js';

interface Mutant {
  name: string;
  /** Generator arguments after the kind and name. */
  kind: 'pci' | 'chardev' | 'usb' | 'platform' | 'hid' | 'block' | 'v4l2';
  /** The bug: exact text of the clean driver (with NAME for the module name) and its replacement. */
  from: string;
  to: string;
  /** The check of its tests/<name>.sh that must fail, and what its output must show. */
  failing: string;
  shows?: RegExp;
}

const MUTANTS: readonly Mutant[] = [
  {
    // v4l2-compliance does not look into the image: the test program does. First of the mutants:
    // its test measures vivid with none of the project's modules loaded, and a failed test may leave its own.
    name: 'v4l2_seq',
    kind: 'v4l2',
    from: '\tNAME_fill(dev, vaddr, seq);',
    to: '\tNAME_fill(dev, vaddr, dev->sequence);',
    failing: '30 frames captured, every pixel checked',
    shows: /^ {4}# {3}frame 0: sequence 0 after -1, 1 in the image$/m,
  },
  {
    name: 'pci_nodma',
    kind: 'pci',
    from: '\tret = NAME_dma(priv, pos, len, false);\n\tif (ret)\n\t\tgoto out_unlock;\n\tif (copy_to_user(ubuf, priv->buf, len)) {',
    to: '\tif (copy_to_user(ubuf, priv->buf, len)) {',
    failing: "the test program's selftest passes (DMA round trips through /dev/pci_nodma0)",
    shows: /^ {4}# {3}FAIL round_trip_\d+_\d+: .* \(the byte written elsewhere since: the read did not reach the device\)$/m,
  },
  {
    name: 'pci_nogone',
    kind: 'pci',
    from: '\tmutex_lock(&priv->lock);\n\tif (priv->gone) {\n\t\tret = -ENODEV;\n\t\tgoto out_unlock;\n\t}\n\tret = NAME_dma(priv, pos, len, false);',
    to: '\tmutex_lock(&priv->lock);\n\tret = NAME_dma(priv, pos, len, false);',
    // Its read reaches the unmapped registers: an Oops, or a transfer that never ends.
    failing: 'the open file gets ENODEV',
  },
  {
    name: 'chr_nolock',
    kind: 'chardev',
    from: '\tif (!count)\n\t\treturn 0;\n\tif (mutex_lock_interruptible(&dev->lock))\n\t\treturn -ERESTARTSYS;\n',
    to: '\tif (!count)\n\t\treturn 0;\n',
    failing: "the test program's selftest passes",
    shows: /^ {4}# {3}FAIL stalled_writer: a write landed in the middle of another/m,
  },
  {
    name: 'usb_nodisc',
    kind: 'usb',
    from: '\tif (dev->disconnected) {\n\t\tret = -ENODEV;\n\t\tgoto out_unlock;\n\t}\n\tif (copy_from_user(dev->out_buf, buf, len)) {',
    to: '\tif (copy_from_user(dev->out_buf, buf, len)) {',
    failing: 'the open file gets ENODEV',
    // The core fails the transfer to an unplugged device, with another error.
    shows: /^ {4}# {3}write after hold: (?!No such device)/m,
  },
  {
    name: 'plat_claims',
    kind: 'platform',
    from: '\tif (!status || status == U32_MAX)\n\t\treturn IRQ_NONE;\n',
    to: '',
    failing: 'the driver does not claim it',
  },
  {
    name: 'hid_nolen',
    kind: 'hid',
    from: '\tif (size != HID_NOLEN_STATUS_LEN) {\n\t\tspin_lock_irqsave(&dev->lock, flags);\n\t\tdev->dropped++;\n\t\tspin_unlock_irqrestore(&dev->lock, flags);\n\t\treturn -EINVAL;\n\t}\n',
    to: '',
    failing: "the test program's selftest passes",
    // Short and long reports become events (a short one's missing bytes read from whatever the buffer held).
    shows: /^ {4}# {3}FAIL hostile_reports_no_events: events \[\d/m,
  },
  {
    name: 'hid_be16',
    kind: 'hid',
    from: 'input_report_abs(dev->input, ABS_X, get_unaligned_le16(&data[2]));',
    to: 'input_report_abs(dev->input, ABS_X, get_unaligned_be16(&data[2]));',
    failing: "the test program's selftest passes",
    shows: /^ {4}# {3}FAIL events_of_a_report: events \[1 256 1, 1 258 1, 3 0 13330\], expected \[1 256 1, 1 258 1, 3 0 4660\]$/m,
  },
  {
    name: 'blk_seg',
    kind: 'block',
    from: '\t\t\tmemcpy(mem + in_page, io + off, chunk);',
    to: '\t\t\tmemcpy(mem + in_page, io, chunk);',
    failing: 'random O_DIRECT I/O from 4 processes matches the model (10000 operations, seed printed)',
    shows: /^ {4}# {3}# op \d+: read of \d+ bytes at \d+: byte \d+ is 0x[0-9a-f]{2}, the model says 0x[0-9a-f]{2}$/m,
  },
  {
    name: 'blk_nozero',
    kind: 'block',
    from: '\t\t} else {\n\t\t\tmemset(io + off, 0, chunk);\n\t\t}\n',
    to: '\t\t}\n',
    failing: 'a new disk reads as zeros',
    shows: /^ {4}# {3}# start: byte 0 is 0xa5, not 0$/m,
  },
];

/** The chardev mutant's write() also loses its unlock: the exact tail of write(). */
const CHR_UNLOCK = { from: 'out:\n\tmutex_unlock(&dev->lock);\n\treturn ret;\n}\n\n/* SEEK_SET', to: 'out:\n\treturn ret;\n}\n\n/* SEEK_SET' };

/** The clean twins, first in the boot; the mutants after them (a failed test may leave its modules and gadget behind). */
const CLEAN: readonly [string, Mutant['kind']][] = [
  ['chr_ok', 'chardev'],
  ['pci_ok', 'pci'],
  ['usb_ok', 'usb'],
  ['plat_ok', 'platform'],
  ['hid_ok', 'hid'],
  ['blk_ok', 'block'],
  ['v4l2_ok', 'v4l2'],
];

function replaceOnce(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  const count = text.split(from).length - 1;
  assert.equal(count, 1, `${path.basename(file)}: the mutation's text is there exactly once:\n${from}`);
  writeFileSync(file, text.replace(from, to));
}

/** The lines of a test's verdict in vmtest's output: its FAIL or PASS line and the indented lines under it. */
function verdict(out: string, test: string): string {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`FAIL ${test} `) || l.startsWith(`FAIL ${test}:`) || l === `PASS ${test}`);
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && !l.startsWith(' '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

withKernelEnv('the generated tests fail on broken drivers', (env) => {
  const kernel = env.debianKernels.find((k) => k.line === '6.12') ?? env.debianKernels[0] ?? env.kernels[0];
  if (!kernel) return;
  const dir = generate(['chardev', '--name', CLEAN[0][0]]);
  for (const [name, kind] of CLEAN.slice(1)) generate([kind, '--name', name], dir);
  for (const m of MUTANTS) generate([m.kind, '--name', m.name], dir);
  for (const m of MUTANTS) {
    const file = path.join(dir, `${m.name}.c`);
    replaceOnce(file, m.from.replaceAll('NAME', m.name), m.to.replaceAll('NAME', m.name));
    if (m.kind === 'chardev') replaceOnce(file, CHR_UNLOCK.from, CHR_UNLOCK.to);
    // A PCI mutant that fails leaves its driver bound to the one edu device, a HID one its driver
    // loaded for the next test's device of the same IDs: unload it for the next test.
    if (m.kind === 'pci' || m.kind === 'hid') {
      const test = path.join(dir, 'tests', `${m.name}.sh`);
      writeFileSync(test, `trap 'rmmod ${m.name} 2>/dev/null' EXIT\n${readFileSync(test, 'utf8')}`);
    }
  }
  const order = [...CLEAN.map(([n]) => n), ...MUTANTS.map((m) => m.name)];
  let result: Promise<ExecResult> | undefined;
  const boot = (): Promise<ExecResult> =>
    (result ??= execAsync(
      'make',
      ['-C', dir, `-j${availableParallelism()}`, 'vmtest', `KDIR=${kernel.kdir}`, `KERNELRELEASE=${kernel.release}`, `VMLINUZ=${kernel.image}`],
      { env: { ...(process.env as Record<string, string>), VMTEST_ACCEL: 'tcg', VMTEST_TESTS: order.join(' ') }, timeoutMs: 900_000 },
    ));

  describe(`make vmtest of clean drivers and their mutants, one boot (${kernel.label}, ${kernel.release})`, () => {
    it(`the clean twins pass (${CLEAN.map(([n]) => n).join(', ')}); make vmtest fails`, () =>
      track(kernel.label, 'mutants', 'clean twins pass', async () => {
        const r = await boot();
        const out = `${r.stdout}${r.stderr}`;
        // A PASS may carry notes under it (vivid's trouble in v4l2_ok's reference run).
        for (const [name] of CLEAN) assert.equal(verdict(out, name).split('\n')[0], `PASS ${name}`, out);
        assert.notEqual(r.status, 0, 'the mutants fail it');
        assert.match(out, /^vmtest: FAILED /m);
      }));
    for (const m of MUTANTS) {
      it(`${m.name} fails at "${m.failing}"`, () =>
        track(kernel.label, 'mutants', m.name, async () => {
          const r = await boot();
          const out = `${r.stdout}${r.stderr}`;
          const v = verdict(out, m.name);
          assert.match(v, new RegExp(`^FAIL ${m.name}[ :]`), `${m.name} failed:\n${out}`);
          assert.ok(v.split('\n').includes(`    not ok - ${m.failing}`), `the failing check is "${m.failing}":\n${v}`);
          if (m.shows) assert.match(v, m.shows);
        }));
    }
  });
});
