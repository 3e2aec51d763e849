/**
 * The suite's scenarios as tests of the user's own `make vmtest`: each
 * scenario becomes tests/scenario-<id>.sh of the main project's copy and
 * runs in the same boot as the project's tests (one harness: the generated
 * scripts/vmtest.sh). This module writes those test files and reads the
 * results back from vmtest's console log.
 *
 * A scenario uses `step NAME command...`; each step prints its exit status
 * and output with markers that the test reads back, and always succeeds
 * (the checks are the suite's, on the host). vmtest starts each test with an
 * empty kernel log and dumps it after the test, so kernel trouble is
 * attributed to the scenario that caused it; on a kernel with kmemleak it
 * scans after the last test.
 */
import { KERNEL_TROUBLE } from '../../../generators/lib/trouble.js';

export interface Step {
  rc: number;
  out: string[];
}

export interface ScenarioResult {
  /** The scenario's part of the console (its output and its kernel log). */
  log: string;
  steps: Map<string, Step>;
  /** The kernel log of this scenario alone. */
  dmesg: string;
  /** vmtest's end marker of the test was reached (false: the kernel died or hung in it, or it never started). */
  finished: boolean;
  /** Guest time it took (uptime at its end minus at its start). */
  seconds?: number;
}

export interface BootResult {
  /** The whole console log. */
  log: string;
  /** Kernel messages before the first test. */
  bootDmesg: string;
  /** Every test of the boot by name (the scenarios' as scenario-<id>). */
  scenarios: Map<string, ScenarioResult>;
  /** kmemleak's report after the last test (empty: no leak), or undefined without kmemleak. */
  kmemleak?: string;
  finished: boolean;
}

/** A QEMU machine a scenario needs: vmtest's name for it (vmtest-machine) and the devices (vmtest-qemu). */
export interface Machine {
  id: string;
  args: readonly string[];
}

/** Where things are in vmtest's guest: the project's modules, its static test programs, the suite's extras. */
export const GUEST_KO = '/project';
export const GUEST_TOOLS = '/project/tools';
/** The suite's files, in the project's extra/ folder on the host (vmtest-file lines). */
export const EXTRA = 'extra';
export const GUEST_STRESS = `${GUEST_KO}/${EXTRA}/kmodstress`;
export const GUEST_HOUSE = `${GUEST_KO}/${EXTRA}/house`;
export const GUEST_EDGE = `${GUEST_KO}/${EXTRA}/edge`;

/** The vmtest test name of a scenario. */
export const scenarioTest = (id: string): string => `scenario-${id}`;

export interface ScenarioFile {
  id: string;
  /** busybox sh script using `step`. */
  script: string;
  /** The kernel's own modules it loads with `intree`. */
  inTree?: readonly string[];
  /** The machine it needs (x86: vmtest's pc or q35-iommu). */
  machine: Machine;
}

/**
 * tests/scenario-<id>.sh: what it needs (vmtest directives), `step`, a
 * waitgrep that prints the line it found (30 s: the debug kernel is slow),
 * and the scenario between two uptime marks.
 */
export function scenarioFile(s: ScenarioFile): string {
  if (!/^[a-z0-9_.-]+$/.test(s.id)) throw new Error(`bad scenario id ${s.id}`);
  const lines = [
    `# The kernel suite's scenario ${s.id} (test/kernel/support/variants.ts).`,
    `# vmtest-file: ${EXTRA}`,
    ...(s.machine.id === 'pc' ? [] : [`# vmtest-machine: x86=${s.machine.id}`]),
    ...(s.machine.args.length ? [`# vmtest-qemu: ${s.machine.args.join(' ')}`] : []),
    ...(s.inTree?.length ? [`# vmtest-intree: ${s.inTree.join(' ')}`] : []),
  ];
  return `${lines.join('\n')}
step() {
	name=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "KMOD-STEP $name rc=$rc"
	[ -n "$out" ] && echo "$out" | sed "s/^/KMOD-OUT $name: /"
	return 0
}
waitgrep() {
	for i in $(seq 300); do
		grep "$1" "$2" 2>/dev/null && return 0
		usleep 100000
	done
	echo "waitgrep: no '$1' in $2 after 30 s"
	cat "$2" 2>/dev/null
	return 1
}
echo "KMOD-UPTIME $(cut -d' ' -f1 /proc/uptime)"
(
${s.script}
)
echo "KMOD-UPTIME $(cut -d' ' -f1 /proc/uptime)"
`;
}

function between(text: string, begin: RegExp, end: RegExp): string | undefined {
  const b = begin.exec(text);
  if (!b) return undefined;
  const rest = text.slice(b.index + b[0].length);
  const e = end.exec(rest);
  return e ? rest.slice(0, e.index).replace(/^\n/, '') : undefined;
}

/** The leaks in kmemleak's report. */
export function kmemleakLeaks(report: string): string[] {
  return report.split('\n').filter((l) => /unreferenced object/.test(l));
}

/**
 * Test `t`'s own output in make vmtest's console log: from its VMTEST-TEST line
 * (the name, then the guest's uptime) to its kernel log; undefined if it did not run.
 */
export function testOutput(log: string, t: string): string | undefined {
  const start = new RegExp(`^VMTEST-TEST ${t.replace(/[.]/g, '\\.')}( .*)?$`, 'm').exec(log);
  if (!start) return undefined;
  const end = log.indexOf(`\nVMTEST-DMESG ${t}\n`, start.index);
  return log.slice(start.index, end < 0 ? undefined : end + 1);
}

/** make vmtest's console log (.vmtest/console.log), test by test. */
export function parseVmtestConsole(log: string): BootResult {
  const begin = log.search(/^VMTEST-BEGIN /m);
  const body = begin >= 0 ? log.slice(begin) : '';
  const scenarios = new Map<string, ScenarioResult>();
  let current: ScenarioResult | undefined;
  let inDmesg = false;
  for (const line of body.split('\n')) {
    // Markers are matched at the start of a line only: the kernel may print
    // on the console right after them (printk is not ordered with the tests' output).
    const t = /^VMTEST-TEST ([A-Za-z0-9_.-]+)/.exec(line);
    if (t?.[1]) {
      current = { log: '', steps: new Map(), dmesg: '', finished: false };
      scenarios.set(t[1], current);
      inDmesg = false;
      continue;
    }
    if (!current) continue;
    if (/^VMTEST-DMESG /.test(line)) {
      inDmesg = true;
      continue;
    }
    if (/^VMTEST-(RESULT|KUNIT) /.test(line)) {
      current.finished = true;
      current = undefined;
      continue;
    }
    const up = /^KMOD-UPTIME ([\d.]+)/.exec(line);
    if (up?.[1] && !inDmesg) {
      const s = Number(up[1]);
      current.seconds = current.seconds === undefined ? -s : Math.round((current.seconds + s) * 10) / 10;
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
  const kmemleak = between(body, /^VMTEST-KMEMLEAK$/m, /^VMTEST-KMEMLEAK-END$/m);
  return {
    log,
    bootDmesg: between(body, /^VMTEST-BOOT-DMESG$/m, /^VMTEST-(TEST|KMEMLEAK|END)/m) ?? '',
    scenarios,
    ...(kmemleak === undefined ? {} : { kmemleak }),
    finished: /^VMTEST-END/m.test(body),
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
