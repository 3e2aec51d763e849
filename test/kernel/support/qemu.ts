/**
 * Boots a real kernel under QEMU (TCG) once, with an initramfs made of
 * busybox, every module and helper under test and one script that runs
 * every scenario in turn, and returns what happened in each.
 *
 * A scenario uses `step NAME command...`; each step prints its exit status
 * and output with markers that the test reads back. Each scenario starts
 * with an empty kernel log and ends by dumping it (dmesg -c), so kernel
 * trouble is attributed to the scenario that caused it. On a kernel with
 * kmemleak, the boot ends with a scan after every module is gone.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KERNEL_TROUBLE } from '../../../generators/lib/trouble.js';
import { execAsync, execOk } from './exec.js';

export interface Step {
  rc: number;
  out: string[];
}

export interface ScenarioResult {
  /** The scenario's part of the console, \r removed. */
  log: string;
  steps: Map<string, Step>;
  /** The kernel log of this scenario alone. */
  dmesg: string;
  /** Its end marker was reached (false: the kernel died or hung in it, or it never started). */
  finished: boolean;
  /** Guest time it took (uptime at its end minus at its start). */
  seconds?: number;
}

export interface BootResult {
  /** The whole console log, \r removed. */
  log: string;
  /** Kernel messages before the first scenario. */
  bootDmesg: string;
  scenarios: Map<string, ScenarioResult>;
  /** kmemleak's report after the last scenario (empty: no leak), or undefined without kmemleak. */
  kmemleak?: string;
  finished: boolean;
  seconds: number;
  /** The console log, kept on disk. */
  logFile?: string;
}

export interface GuestFile {
  /** File on the host. */
  src: string;
  /** Path in the guest, e.g. /modules/main/hello.ko. */
  dest: string;
}

export interface Scenario {
  id: string;
  /** busybox sh script using `step`. */
  script: string;
}

export interface BootOptions {
  image: string;
  busybox: string;
  files: readonly GuestFile[];
  scenarios: readonly Scenario[];
  memoryMb?: number;
  timeoutMs?: number;
  /** The emulated machine beyond the defaults (pc, 1 CPU): its devices, e.g. QEMU's edu. */
  machine?: Machine;
}

/** A QEMU machine: arguments (machine type, devices) and what the kernel command line needs for it. */
export interface Machine {
  id: string;
  args: readonly string[];
  append?: string;
}

const PRELUDE = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
exec </dev/console >/dev/console 2>&1
# Keep the kernel's own messages off the console; each scenario dumps its dmesg.
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
# intree NAME [PARAM=VALUE...]: loads a module of the kernel itself with what
# it depends on (support/intree.ts put them here); nothing if it is built in.
intree() {
  m=$(echo $1 | tr - _)
  shift
  [ -e /modules/intree/$m.builtin ] && return 0
  [ -e /modules/intree/$m.ko ] || { echo "intree: $m was not put in the initramfs"; return 1; }
  for d in $(cat /modules/intree/$m.deps); do
    grep -q "^$d " /proc/modules || insmod /modules/intree/$d.ko || return 1
  done
  insmod /modules/intree/$m.ko "$@"
}
# waitgrep TEXT FILE: up to 30 s for a line with TEXT in FILE (a program
# started in the background says it is ready there); prints that line.
waitgrep() {
  for i in $(seq 300); do
    grep "$1" "$2" 2>/dev/null && return 0
    usleep 100000
  done
  echo "waitgrep: no '$1' in $2 after 30 s"
  cat "$2" 2>/dev/null
  return 1
}
leaks=/sys/kernel/debug/kmemleak
[ -e $leaks ] && echo clear >$leaks
echo
echo KMOD-BEGIN
echo KMOD-BOOT-DMESG-BEGIN
dmesg -c
echo KMOD-BOOT-DMESG-END
`;

const EPILOGUE = `
if [ -e $leaks ]; then
  # kmemleak reports objects older than 5 s that nothing points to.
  sleep 6
  echo scan >$leaks
  echo scan >$leaks
  echo KMOD-KMEMLEAK-BEGIN
  cat $leaks
  echo KMOD-KMEMLEAK-END
fi
echo KMOD-END
# reboot -f does not wait for the serial port: let the last output (up to
# the UART's 4 KiB buffer) reach the host first.
sleep 2
reboot -f
`;

/**
 * The kernel command line's start. no_console_suspend: a suspend test (the
 * platform scenario's pm_test cycle) would otherwise shut the console's UART
 * down and throw away what its FIFO still held when the host had not drained
 * it within 30 ms ("ttyS0: Unable to drain transmitter"; a CI run lost 12
 * characters of a step's output that way).
 */
const CONSOLE_APPEND = 'console=ttyS0 no_console_suspend panic=-1 loglevel=4';

function scenarioBlock(s: Scenario): string {
  return `
echo "KMOD-SCENARIO-BEGIN ${s.id}"
echo "KMOD-UPTIME $(cut -d' ' -f1 /proc/uptime)"
(
${s.script}
)
echo "KMOD-SCENARIO-DMESG-BEGIN ${s.id}"
dmesg -c
echo "KMOD-UPTIME $(cut -d' ' -f1 /proc/uptime)"
echo "KMOD-SCENARIO-END ${s.id}"
`;
}

/** Builds the initramfs and boots it; resolves when the VM has powered off (or timed out). */
export async function bootScenarios(options: BootOptions): Promise<BootResult> {
  const work = mkdtempSync(path.join(tmpdir(), 'kmod-qemu-'));
  const root = path.join(work, 'root');
  for (const d of ['bin', 'proc', 'sys', 'dev', 'modules', 'tmp']) mkdirSync(path.join(root, d), { recursive: true });
  copyFileSync(options.busybox, path.join(root, 'bin', 'busybox'));
  chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  for (const f of options.files) {
    const dest = path.join(root, f.dest);
    mkdirSync(path.dirname(dest), { recursive: true });
    copyFileSync(f.src, dest);
  }
  const ids = new Set<string>();
  for (const s of options.scenarios) {
    if (!/^[a-z0-9_.-]+$/.test(s.id) || ids.has(s.id)) throw new Error(`bad or duplicate scenario id ${s.id}`);
    ids.add(s.id);
  }
  writeFileSync(path.join(root, 'init'), PRELUDE + options.scenarios.map(scenarioBlock).join('') + EPILOGUE, { mode: 0o755 });
  const initrd = path.join(work, 'initrd.gz');
  execOk('sh', ['-c', 'cd "$1" && find . | cpio -o -H newc --quiet | gzip -1 >"$2"', 'sh', root, initrd]);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const rawConsole = path.join(work, 'console.raw');
  if (rawConsole.includes(',')) throw new Error(`QEMU cannot take a console path with a comma: ${rawConsole} (set TMPDIR)`);
  const start = Date.now();
  const qemu = await execAsync(
    'timeout',
    [
      String(Math.ceil(timeoutMs / 1000)),
      'qemu-system-x86_64', '-accel', 'tcg', '-m', String(options.memoryMb ?? 512), '-smp', '1',
      ...(options.machine?.args ?? []),
      '-kernel', options.image, '-initrd', initrd,
      '-append', [CONSOLE_APPEND, options.machine?.append].filter(Boolean).join(' '),
      // The console goes to a file, not a pipe to this process: QEMU never
      // waits on a reader that is busy elsewhere, so the UART keeps draining.
      '-nographic', '-no-reboot', '-monitor', 'none', '-serial', `file:${rawConsole}`, '-display', 'none',
    ],
    { timeoutMs: timeoutMs + 10_000 },
  );
  const console = (existsSync(rawConsole) ? readFileSync(rawConsole, 'utf8') : '').replace(/\r/g, '');
  const logFile = path.join(work, 'console.log');
  writeFileSync(logFile, `${console}\n--- qemu stderr (exit ${qemu.status})\n${qemu.stderr}`);
  return { ...parseConsole(console), seconds: Math.round((Date.now() - start) / 1000), logFile };
}

function between(text: string, begin: string, end: string): string | undefined {
  const b = text.indexOf(begin);
  if (b < 0) return undefined;
  const e = text.indexOf(end, b + begin.length);
  return e < 0 ? undefined : text.slice(b + begin.length, e).replace(/^\n/, '');
}

/** The leaks in kmemleak's report (kernel messages may be interleaved with it on the console). */
export function kmemleakLeaks(report: string): string[] {
  return report.split('\n').filter((l) => /unreferenced object/.test(l));
}

export function parseConsole(log: string): BootResult {
  const begin = log.indexOf('KMOD-BEGIN');
  const body = begin >= 0 ? log.slice(begin) : '';
  const scenarios = new Map<string, ScenarioResult>();
  let current: ScenarioResult | undefined;
  let inDmesg = false;
  for (const line of body.split('\n')) {
    // Markers are matched at the start of a line only: the kernel may print
    // on the console right after them (printk is not ordered with our output).
    const sb = /^KMOD-SCENARIO-BEGIN ([a-z0-9_.-]+)/.exec(line);
    if (sb?.[1]) {
      current = { log: '', steps: new Map(), dmesg: '', finished: false };
      scenarios.set(sb[1], current);
      inDmesg = false;
      continue;
    }
    if (!current) continue;
    const up = /^KMOD-UPTIME ([\d.]+)/.exec(line);
    if (up?.[1]) {
      const t = Number(up[1]);
      current.seconds = current.seconds === undefined ? -t : Math.round((current.seconds + t) * 10) / 10;
      continue;
    }
    if (/^KMOD-SCENARIO-DMESG-BEGIN /.test(line)) {
      inDmesg = true;
      continue;
    }
    if (/^KMOD-SCENARIO-END /.test(line)) {
      current.finished = true;
      current = undefined;
      continue;
    }
    current.log += `${line}\n`;
    if (inDmesg) {
      current.dmesg += `${line}\n`;
      continue;
    }
    const s = /^KMOD-STEP ([a-z0-9_]+) rc=(\d+)/.exec(line);
    if (s?.[1] && s[2]) current.steps.set(s[1], { rc: Number(s[2]), out: [] });
    const o = /^KMOD-OUT (\S+): (.*)$/.exec(line);
    if (o?.[1] && o[2] !== undefined) current.steps.get(o[1])?.out.push(o[2]);
  }
  const kmemleak = between(body, 'KMOD-KMEMLEAK-BEGIN', 'KMOD-KMEMLEAK-END');
  return {
    log,
    bootDmesg: between(body, 'KMOD-BOOT-DMESG-BEGIN', 'KMOD-BOOT-DMESG-END') ?? '',
    scenarios,
    ...(kmemleak === undefined ? {} : { kmemleak }),
    finished: body.includes('KMOD-END'),
    seconds: 0,
  };
}

const TROUBLE = new RegExp(KERNEL_TROUBLE);

/** Signs of a kernel in trouble (the pattern the generated make vmtest uses too). */
export function kernelTrouble(text: string): string[] {
  return text.split('\n').filter((l) => TROUBLE.test(l));
}

/** The step of that name; fails with the scenario's log when it did not run. */
export function stepOf(result: ScenarioResult, name: string): Step {
  const step = result.steps.get(name);
  if (!step) throw new Error(`scenario step ${name} did not run; scenario console:\n${result.log}`);
  return step;
}
