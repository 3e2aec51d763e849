/**
 * Boots a real kernel under QEMU (TCG) with an initramfs made of busybox,
 * the modules under test and a scenario script, and returns what happened.
 * The scenario uses `step NAME command...`; each step prints its exit status
 * and output with markers that the test reads back.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execOk } from './exec.js';

export interface Step {
  rc: number;
  out: string[];
}

export interface BootResult {
  /** The whole console log, \r removed. */
  log: string;
  steps: Map<string, Step>;
  /** dmesg as dumped at the end of the scenario. */
  dmesg: string;
  finished: boolean;
}

const PRELUDE = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
# Keep the kernel's own messages off the console; the scenario reads dmesg.
echo 1 >/proc/sys/kernel/printk
step() {
  name=$1
  shift
  out=$("$@" 2>&1)
  rc=$?
  echo "KMOD-STEP $name rc=$rc"
  [ -n "$out" ] && echo "$out" | sed "s/^/KMOD-OUT $name: /"
  return 0
}
echo
echo KMOD-BEGIN
`;

const EPILOGUE = `
echo KMOD-DMESG-BEGIN
dmesg
echo KMOD-DMESG-END
echo KMOD-END
reboot -f
`;

export interface BootOptions {
  image: string;
  busybox: string;
  /** Files copied to /modules/ in the guest. */
  modules: readonly string[];
  /** Scenario script body (busybox sh). */
  scenario: string;
  timeoutMs?: number;
}

export function boot(options: BootOptions): BootResult {
  const work = mkdtempSync(path.join(tmpdir(), 'kmod-qemu-'));
  const root = path.join(work, 'root');
  for (const d of ['bin', 'proc', 'sys', 'dev', 'modules', 'tmp']) mkdirSync(path.join(root, d), { recursive: true });
  copyFileSync(options.busybox, path.join(root, 'bin', 'busybox'));
  chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  for (const m of options.modules) copyFileSync(m, path.join(root, 'modules', path.basename(m)));
  writeFileSync(path.join(root, 'init'), PRELUDE + options.scenario + EPILOGUE, { mode: 0o755 });
  const initrd = path.join(work, 'initrd.gz');
  execOk('sh', ['-c', 'cd "$1" && find . | cpio -o -H newc --quiet | gzip -1 >"$2"', 'sh', root, initrd]);
  const qemu = execOk(
    'timeout',
    [
      String(Math.ceil((options.timeoutMs ?? 240_000) / 1000)),
      'qemu-system-x86_64', '-accel', 'tcg', '-m', '512', '-smp', '1',
      '-kernel', options.image, '-initrd', initrd,
      '-append', 'console=ttyS0 panic=-1 loglevel=4',
      '-nographic', '-no-reboot', '-monitor', 'none', '-serial', 'stdio', '-display', 'none',
    ],
    { timeoutMs: (options.timeoutMs ?? 240_000) + 10_000 },
  );
  return parseConsole(qemu.stdout.replace(/\r/g, ''));
}

export function parseConsole(log: string): BootResult {
  const steps = new Map<string, Step>();
  const begin = log.indexOf('KMOD-BEGIN');
  const body = begin >= 0 ? log.slice(begin) : '';
  for (const line of body.split('\n')) {
    const s = /^KMOD-STEP (\S+) rc=(\d+)$/.exec(line);
    if (s?.[1] && s[2]) steps.set(s[1], { rc: Number(s[2]), out: [] });
    const o = /^KMOD-OUT (\S+): (.*)$/.exec(line);
    if (o?.[1] && o[2] !== undefined) steps.get(o[1])?.out.push(o[2]);
  }
  const d0 = body.indexOf('KMOD-DMESG-BEGIN\n');
  const d1 = body.indexOf('KMOD-DMESG-END');
  const dmesg = d0 >= 0 && d1 > d0 ? body.slice(d0 + 'KMOD-DMESG-BEGIN\n'.length, d1) : '';
  return { log, steps, dmesg, finished: body.includes('KMOD-END') };
}

/** Signs of a kernel in trouble, in the console log or dmesg. */
export function kernelTrouble(text: string): string[] {
  return text.split('\n').filter((l) => /\bOops\b|\bBUG:|WARNING:|Call Trace|Kernel panic|general protection/.test(l));
}

/** The step of that name; fails with the whole console log when it did not run. */
export function stepOf(result: BootResult, name: string): Step {
  const step = result.steps.get(name);
  if (!step) throw new Error(`scenario step ${name} did not run; console:\n${result.log}`);
  return step;
}
