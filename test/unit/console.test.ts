/**
 * Reading make vmtest's console back for the kernel suite's scenarios
 * (test/kernel/support/qemu.ts): tests, steps, kernel logs and kmemleak's
 * report, also when kernel messages land right after our markers, and when
 * the guest stopped early; and the scenario test files it writes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { KERNEL_TROUBLE } from '../../generators/lib/trouble.js';
import { kernelTrouble, kmemleakLeaks, parseVmtestConsole, scenarioFile, testOutput } from '../kernel/support/qemu.js';

const CONSOLE = `SeaBIOS junk\x1b[2J
VMTEST-BEGIN 7.3.4
VMTEST-BOOT-DMESG
[    0.000000] Linux version 7.3.4
VMTEST-TEST hello
ok - loads
VMTEST-DMESG hello
VMTEST-RESULT hello 0
VMTEST-TEST scenario-hello
KMOD-UPTIME 10.50
KMOD-STEP load rc=0
KMOD-STEP param rc=0
KMOD-OUT param: 3
KMOD-STEP bad rc=1
KMOD-OUT bad: insmod: can't insert 'x.ko': invalid parameters
KMOD-UPTIME 12.00
VMTEST-DMESG scenario-hello
[   11.000000] hello: hello, world (1/3)
VMTEST-RESULT scenario-hello 0
VMTEST-TEST scenario-edge[   12.5] kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
KMOD-UPTIME 12.60
KMOD-STEP cycles rc=0
KMOD-UPTIME 13.10
VMTEST-DMESG scenario-edge
VMTEST-RESULT scenario-edge 0
VMTEST-KMEMLEAK
unreferenced object 0xffff888005075400 (size 32):
  comm "insmod", pid 37, jiffies 4294895032
VMTEST-KMEMLEAK-END
VMTEST-END
`;

describe('parseVmtestConsole', () => {
  it('splits tests, steps, outputs, kernel logs and times', () => {
    const r = parseVmtestConsole(CONSOLE);
    assert.equal(r.finished, true);
    assert.match(r.bootDmesg, /Linux version 7\.3\.4/);
    assert.ok(r.scenarios.get('hello')?.finished, "the project's own test is there too");
    const hello = r.scenarios.get('scenario-hello');
    assert.ok(hello?.finished);
    assert.deepEqual(hello.steps.get('param'), { rc: 0, out: ['3'] });
    assert.equal(hello.steps.get('bad')?.rc, 1);
    assert.match(hello.dmesg, /hello, world \(1\/3\)/);
    assert.equal(hello.seconds, 1.5);
  });

  it('keeps a marker that a kernel message was printed right after', () => {
    const r = parseVmtestConsole(CONSOLE);
    const edge = r.scenarios.get('scenario-edge');
    assert.ok(edge?.finished, 'the test is found although a kernel message follows its marker');
    assert.equal(edge.steps.get('cycles')?.rc, 0);
    assert.deepEqual(kmemleakLeaks(r.kmemleak ?? ''), ['unreferenced object 0xffff888005075400 (size 32):']);
  });

  it('reports a guest that stopped in a test as not finished, and no kmemleak report without one', () => {
    const cut = CONSOLE.slice(0, CONSOLE.indexOf('VMTEST-DMESG scenario-edge'));
    const r = parseVmtestConsole(cut);
    assert.equal(r.finished, false);
    assert.equal(r.scenarios.get('scenario-hello')?.finished, true);
    assert.equal(r.scenarios.get('scenario-edge')?.finished, false);
    assert.equal(r.kmemleak, undefined);
  });
});

describe('testOutput', () => {
  it("is a test's own lines, from its VMTEST-TEST line (with or without the guest's uptime) to its kernel log", () => {
    const log = 'VMTEST-TEST x_i2c 12.50\nok - a\nVMTEST-DMESG x_i2c\n[ 1.0] k\nVMTEST-RESULT x_i2c 0\nVMTEST-TEST x_i 13.1\nok - b\nVMTEST-DMESG x_i\n';
    assert.equal(testOutput(log, 'x_i2c'), 'VMTEST-TEST x_i2c 12.50\nok - a\n');
    assert.equal(testOutput(log, 'x_i'), 'VMTEST-TEST x_i 13.1\nok - b\n');
    assert.equal(testOutput('VMTEST-TEST old\nok - c\nVMTEST-DMESG old\n', 'old'), 'VMTEST-TEST old\nok - c\n');
    assert.equal(testOutput(log, 'x'), undefined);
  });
});

describe('scenarioFile', () => {
  it("says what the scenario needs in vmtest's directives and wraps it in step and uptime marks", () => {
    const f = scenarioFile({ id: 'pci-iommu', script: 'step a true', machine: { id: 'q35-iommu', args: ['-device', 'edu'] }, inTree: ['i2c-stub'] });
    assert.match(f, /^# vmtest-machine: x86=q35-iommu$/m);
    assert.match(f, /^# vmtest-qemu: -device edu$/m);
    assert.match(f, /^# vmtest-intree: i2c-stub$/m);
    assert.match(f, /^# vmtest-file: extra$/m);
    assert.match(f, /^step\(\) \{$/m);
    assert.match(f, /KMOD-UPTIME[^]*\nstep a true\n[^]*KMOD-UPTIME/);
    assert.doesNotMatch(scenarioFile({ id: 'hello', script: '', machine: { id: 'pc', args: [] } }), /vmtest-(machine|qemu|intree)/);
    assert.throws(() => scenarioFile({ id: 'a b', script: '', machine: { id: 'pc', args: [] } }), /bad scenario id/);
  });
});

describe('kernelTrouble', () => {
  it('finds what the debug kernel reports and ignores ordinary messages', () => {
    const log = [
      '[ 1.0] hello: hello, world (1/1)',
      '[ 2.0] BUG: KASAN: slab-out-of-bounds in canary_init+0xa5/0x1000 [kmod_canary]',
      '[ 3.0] UBSAN: shift-out-of-bounds in kmod_canary.c:51:3',
      '[ 4.0] WARNING: possible circular locking dependency detected',
      '[ 5.0] BUG: sleeping function called from invalid context at kmod_canary.c:63',
      '[ 6.0] ODEBUG: free active (active state 0) object: 000000001 object type: timer_list',
      '[ 7.0] list_add corruption. prev->next should be next',
      '[ 8.0] INFO: task insmod:37 blocked for more than 20 seconds.',
      '[ 9.0] plat plat: probed',
    ].join('\n');
    assert.equal(kernelTrouble(log).length, 7);
    assert.deepEqual(kernelTrouble('[ 1.0] plat plat: removed\n[ 2.0] chr_misc: misc device, minor 63'), []);
    assert.deepEqual(kernelTrouble('[ 1.0] Oops: 0002 [#1] SMP\n[ 2.0] mydrv: DEBUG: state 3\n[ 3.0] NOOPS: fine'), ['[ 1.0] Oops: 0002 [#1] SMP']);
  });

  it('the generated make vmtest matches the same lines with the same pattern in awk', () => {
    const lines = [
      '[ 1.0] hello: hello, world (1/1)',
      '[ 2.0] BUG: KASAN: slab-out-of-bounds in canary_init+0xa5/0x1000 [kmod_canary]',
      '[ 3.0] WARNING: possible circular locking dependency detected',
      '[ 4.0] Oops: 0002 [#1] SMP',
      '[ 5.0] mydrv: DEBUG: state 3',
      '[ 6.0] INFO: task insmod:37 blocked for more than 20 seconds.',
      '[ 7.0] Call Trace:',
    ];
    assert.doesNotMatch(KERNEL_TROUBLE, /['/]/, 'fits in a single-quoted awk program');
    const awk = spawnSync('awk', [`/${KERNEL_TROUBLE}/`], { input: lines.join('\n'), encoding: 'utf8' });
    assert.equal(awk.status, 0, awk.stderr);
    assert.deepEqual(awk.stdout.trim().split('\n'), kernelTrouble(lines.join('\n')));
  });
});
