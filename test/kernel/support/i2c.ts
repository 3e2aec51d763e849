/**
 * kmod:i2c in the kernel suite: the drivers the main project holds, and the
 * scenario that binds them to chips of the kernel's i2c-stub (an SMBus
 * adapter whose fake chips answer byte and word transfers), sets register
 * values with busybox i2cset and reads them back converted, writes limits
 * and reads the chip register with i2cget.
 */
import assert from 'node:assert/strict';
import { GUEST_KO, GUEST_STRESS, stepOf, type ScenarioResult } from './qemu.js';
import type { Load, ScenarioSpec } from './variants.js';

/** hwmon, 8-bit registers, 16-bit values (the defaults) at 0x48. */
export const I2C_HWMON = 'i2c_hw';
/** sysfs, 8-bit values at 0x49. */
export const I2C_SYSFS = 'i2c_sys';
/** 16-bit register addresses at 0x4a: needs plain I2C, which the stub does not do. */
export const I2C_REG16 = 'i2c_r16';

/** The I2C drivers of the main project: name and generator arguments. */
export const I2C_VARIANTS: readonly [string, readonly string[]][] = [
  [I2C_HWMON, ['--compatible', 'kmod-test,i2c-hw']],
  [I2C_SYSFS, ['--class', 'sysfs', '--val-bits', '8', '--address', '0x49']],
  [I2C_REG16, ['--reg-bits', '16', '--address', '0x4a']],
];
export const I2C_KOS = I2C_VARIANTS.map(([n]) => n);

export function i2cGenerateArgs(): string[][] {
  return I2C_VARIANTS.map(([name, args]) => ['i2c', '--name', name, ...args]);
}

/**
 * 16-bit values: the word i2cset writes (SMBus sends the low byte first),
 * the chip's value (high byte first, as the driver reads it: swapped) and
 * the millidegrees it means (1/256 degree, rounded to the closest).
 */
const WORD_TEMPS: readonly [string, number][] = [
  ['0x0019', 25000], // 0x1900
  ['0x8019', 25500], // 0x1980
  ['0x80f5', -10500], // 0xf580
  ['0x0100', 4], // 0x0001: 3.906 rounds to 4
  ['0xff7f', 127996], // 0x7fff
  ['0x0080', -128000], // 0x8000
  ['0x0000', 0],
];
/** Limits written in millidegrees, and the word i2cget then reads. */
const WORD_LIMITS: readonly [number, string][] = [
  [30000, '0x001e'], // 0x1e00
  [-10500, '0x80f5'],
  [200000, '0xff7f'], // clamped to 127996: 0x7fff
  [-200000, '0x0080'], // clamped to -128000: 0x8000
];
/** 8-bit values: whole degrees. */
const BYTE_TEMPS: readonly [string, number][] = [
  ['0x19', 25000],
  ['0xe7', -25000],
  ['0x7f', 127000],
  ['0x80', -128000],
  ['0x00', 0],
];
const BYTE_LIMITS: readonly [number, string][] = [
  [30000, '0x1e'],
  [-25400, '0xe7'], // rounds to -25
  [999999, '0x7f'], // clamped
];

const M = GUEST_KO;
const STRESS = GUEST_STRESS;

const temps = (addr: string, mode: 'w' | 'b', attr: string, table: readonly [string, number][]) =>
  `sh -c 'for v in ${table.map(([v]) => v).join(' ')}; do i2cset -f -y $BUS ${addr} 0x00 $v ${mode} || exit 1; cat ${attr} || exit 1; done'`;
const limits = (addr: string, mode: 'w' | 'b', attr: string, table: readonly [number, string][]) =>
  `sh -c 'for v in ${table.map(([v]) => v).join(' ')}; do echo $v >${attr} || exit 1; i2cget -f -y $BUS ${addr} 0x03 ${mode} || exit 1; done'`;

/** The value tables a run uses: on a light load the first, a negative and the last entry of each. */
function tables(load: Load) {
  const cut = <T>(t: readonly T[]): readonly T[] => (load.light ? [t[0] as T, t[2] as T, t.at(-1) as T] : t);
  return { wordTemps: cut(WORD_TEMPS), wordLimits: cut(WORD_LIMITS), byteTemps: cut(BYTE_TEMPS), byteLimits: cut(BYTE_LIMITS) };
}

function script(load: Load): string {
  const t = tables(load);
  const hw = '/sys/bus/i2c/devices/$BUS-0048';
  // The hwmon device's folder (hwmonN: N changes with every bind); redirections do not expand globs.
  const hwmon = `$(ls -d ${hw}/hwmon/hwmon*)`;
  const sys = '/sys/bus/i2c/devices/$BUS-0049';
  const r16 = '/sys/bus/i2c/devices/$BUS-004a';
  return `
step stub intree i2c-stub chip_addr=0x48,0x49,0x4a
step dev intree i2c-dev
BUS=
for d in /sys/bus/i2c/devices/i2c-*; do
  [ "$(cat $d/name)" = "SMBus stub driver" ] && BUS=\${d##*/i2c-}
done
export BUS
step find sh -c 'echo $BUS; ls /dev/i2c-$BUS'
step hw_load insmod ${M}/${I2C_HWMON}.ko
step hw_new sh -c 'echo ${I2C_HWMON} 0x48 >/sys/bus/i2c/devices/i2c-$BUS/new_device'
step hw_driver readlink ${hw}/driver
step hw_name sh -c 'cat ${hwmon}/name'
step hw_temps ${temps('0x48', 'w', `${hwmon}/temp1_input`, t.wordTemps)}
step hw_limits ${limits('0x48', 'w', `${hwmon}/temp1_max`, t.wordLimits)}
step hw_limit_read sh -c 'echo 30000 >${hwmon}/temp1_max && cat ${hwmon}/temp1_max'
step hw_cached sh -c 'i2cset -f -y $BUS 0x48 0x03 0x0028 w && cat ${hwmon}/temp1_max'
step hw_bad sh -c 'echo warm >${hwmon}/temp1_max'
step hw_delete sh -c 'echo 0x48 >/sys/bus/i2c/devices/i2c-$BUS/delete_device'
step hw_gone test -e ${hw}
step hw_again sh -c 'echo ${I2C_HWMON} 0x48 >/sys/bus/i2c/devices/i2c-$BUS/new_device && readlink ${hw}/driver'
step hw_again_temp sh -c 'i2cset -f -y $BUS 0x48 0x00 0x8019 w && cat ${hwmon}/temp1_input'
step hw_unload rmmod ${I2C_HWMON}
step hw_unbound readlink ${hw}/driver
step hw_remove sh -c 'echo 0x48 >/sys/bus/i2c/devices/i2c-$BUS/delete_device'
step sys_load insmod ${M}/${I2C_SYSFS}.ko
step sys_new sh -c 'echo ${I2C_SYSFS} 0x49 >/sys/bus/i2c/devices/i2c-$BUS/new_device && readlink ${sys}/driver'
step sys_temps ${temps('0x49', 'b', `${sys}/temperature`, t.byteTemps)}
step sys_limits ${limits('0x49', 'b', `${sys}/limit`, t.byteLimits)}
step sys_bindcycle ${STRESS} bindcycle /sys/bus/i2c/drivers/${I2C_SYSFS} $BUS-0049 ${load.cycles} ${sys}/temperature
step sys_rebound sh -c 'readlink ${sys}/driver && cat ${sys}/temperature'
step sys_unload rmmod ${I2C_SYSFS}
step sys_modcycle ${STRESS} modcycle ${M}/${I2C_SYSFS}.ko ${I2C_SYSFS} ${load.cycles}
step sys_remove sh -c 'echo 0x49 >/sys/bus/i2c/devices/i2c-$BUS/delete_device'
step r16_load insmod ${M}/${I2C_REG16}.ko
step r16_new sh -c 'echo ${I2C_REG16} 0x4a >/sys/bus/i2c/devices/i2c-$BUS/new_device'
step r16_unbound readlink ${r16}/driver
step r16_message sh -c 'dmesg | grep -o "${I2C_REG16} .*: adapter SMBus stub driver cannot do plain I2C transfers"'
step r16_remove sh -c 'echo 0x4a >/sys/bus/i2c/devices/i2c-$BUS/delete_device'
step r16_unload rmmod ${I2C_REG16}
step stub_unload rmmod i2c_stub
`;
}

function check(r: ScenarioResult, load: Load): void {
  const t = tables(load);
  const s = (name: string) => stepOf(r, name);
  const out = (name: string) => s(name).out.join('\n');
  const ok = (name: string) => assert.equal(s(name).rc, 0, `${name}: ${out(name)}`);
  ok('stub');
  ok('dev');
  assert.match(out('find'), /^\d+\n\/dev\/i2c-\d+$/, 'the stub adapter and its /dev/i2c-N node');
  ok('hw_load');
  ok('hw_new');
  assert.match(out('hw_driver'), new RegExp(`/drivers/${I2C_HWMON}$`), `${I2C_HWMON} bound by new_device`);
  assert.equal(out('hw_name'), I2C_HWMON, 'the hwmon device and its name');
  ok('hw_temps');
  assert.deepEqual(s('hw_temps').out, t.wordTemps.map(([, v]) => String(v)), 'words set with i2cset, read converted from temp1_input');
  ok('hw_limits');
  assert.deepEqual(s('hw_limits').out, t.wordLimits.map(([, w]) => w), 'temp1_max written, the chip register read back with i2cget');
  assert.deepEqual(s('hw_limit_read').out, ['30000'], 'temp1_max reads back what was written');
  assert.deepEqual(s('hw_cached').out, ['30000'], 'the limit is served from the register cache (a change behind the driver is not seen)');
  assert.notEqual(s('hw_bad').rc, 0, 'a limit that is not a number is refused');
  ok('hw_delete');
  assert.notEqual(s('hw_gone').rc, 0, 'delete_device removed the client');
  ok('hw_again');
  assert.match(out('hw_again'), new RegExp(`/drivers/${I2C_HWMON}$`), 'bound again');
  assert.deepEqual(s('hw_again_temp').out, ['25500'], 'the re-bound driver reads the chip');
  ok('hw_unload');
  assert.notEqual(s('hw_unbound').rc, 0, 'rmmod with the client bound unbinds it');
  ok('hw_remove');
  ok('sys_load');
  assert.match(out('sys_new'), new RegExp(`/drivers/${I2C_SYSFS}$`));
  ok('sys_temps');
  assert.deepEqual(s('sys_temps').out, t.byteTemps.map(([, v]) => String(v)), 'bytes set with i2cset, read converted from the temperature attribute');
  ok('sys_limits');
  assert.deepEqual(s('sys_limits').out, t.byteLimits.map(([, b]) => b), 'limit written, the chip register read back with i2cget');
  ok('sys_bindcycle');
  assert.match(out('sys_bindcycle'), /^RESULT PASS /m, out('sys_bindcycle'));
  ok('sys_rebound');
  assert.match(out('sys_rebound'), new RegExp(`/drivers/${I2C_SYSFS}\\n0$`), 'bound after the cycles; the last value written was 0');
  ok('sys_unload');
  ok('sys_modcycle');
  assert.match(out('sys_modcycle'), /^RESULT PASS /m, out('sys_modcycle'));
  ok('sys_remove');
  ok('r16_load');
  ok('r16_new');
  assert.notEqual(s('r16_unbound').rc, 0, '16-bit register addresses: the SMBus-only stub is refused');
  assert.equal(s('r16_message').rc, 0, `the refusal says why: ${out('r16_message')}\n${r.dmesg}`);
  ok('r16_remove');
  ok('r16_unload');
  ok('stub_unload');
}

export const i2cScenario: ScenarioSpec = {
  id: 'i2c',
  variant: 'i2c (i2c-stub)',
  inTree: ['i2c-stub', 'i2c-dev'],
  title: 'i2c: on i2c-stub, register values set with i2cset read converted (hwmon, sysfs), limits land in the chip, delete/new_device, rmmod bound, cycles',
  script: (_seed, load) => script(load),
  check,
};
