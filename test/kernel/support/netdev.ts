/**
 * kmod:netdev in the kernel suite: the driver of the main project, and the
 * scenario that brings its interfaces up with busybox ip, pings addresses
 * routed through them (the driver answers), checks the counters by deltas
 * (a kernel with IPv6 sends frames of its own on link-up: only what this
 * scenario causes is counted), and removes the module while an interface is
 * up and while traffic flows.
 */
import assert from 'node:assert/strict';
import { GUEST_KO, GUEST_STRESS, stepOf, type ScenarioResult } from './qemu.js';
import type { Load, ScenarioSpec } from './variants.js';

export const NETDEV = 'knet';
export const NETDEV_KOS = [NETDEV];

export function netdevGenerateArgs(): string[][] {
  return [['netdev', '--name', NETDEV, '--devices', '2']];
}

const M = GUEST_KO;
const STRESS = GUEST_STRESS;
const PINGS = 3;
/** busybox ping's default: 56 data bytes, 64 of ICMP, 84 of IPv4, 98 with the Ethernet header. */
const FRAME = 98;

const sys = (dev: string, file: string) => `/sys/class/net/${dev}/${file}`;
const counters = (dev: string) =>
  `sh -c 'for c in tx_packets rx_packets rx_bytes rx_dropped; do cat ${sys(dev, 'statistics')}/$c; done'`;
/** Waits (up to 5 s) for the operstate linkwatch sets a moment after a carrier change. */
const operstate = (dev: string, want: string) =>
  `sh -c 'for i in $(seq 50); do [ "$(cat ${sys(dev, 'operstate')})" = ${want} ] && break; usleep 100000; done; cat ${sys(dev, 'operstate')}'`;

function script(load: Load): string {
  const cycles = Math.max(2, Math.round(load.cycles / 10));
  return `
step load insmod ${M}/${NETDEV}.ko
step default_count sh -c 'ls -d /sys/class/net/${NETDEV}*'
step unload_default rmmod ${NETDEV}
step bad_count insmod ${M}/${NETDEV}.ko devices=17
step bad_count_message sh -c 'dmesg | grep -o "${NETDEV}: devices=17: give 1 to 16"'
step load3 insmod ${M}/${NETDEV}.ko devices=3
step links sh -c 'ls -d /sys/class/net/${NETDEV}*; cat ${sys(`${NETDEV}0`, 'address')}'
step down_state cat ${sys(`${NETDEV}0`, 'operstate')}
step up sh -c 'ip addr add 10.11.0.1/24 dev ${NETDEV}0 && ip link set ${NETDEV}0 up'
step up_state ${operstate(`${NETDEV}0`, 'up')}
step carrier cat ${sys(`${NETDEV}0`, 'carrier')}
step ethtool ${STRESS} ethtool ${NETDEV}0
step before ${counters(`${NETDEV}0`)}
step ping ping -c ${PINGS} -w 10 10.11.0.2
step after ${counters(`${NETDEV}0`)}
step ping_other sh -c 'ip addr add 10.12.0.1/24 dev ${NETDEV}1 && ip link set ${NETDEV}1 up && ping -c 2 -w 10 10.12.0.77'
step set_down ip link set ${NETDEV}0 down
step down_again ${operstate(`${NETDEV}0`, 'down')}
step ping_down ping -c 1 -w 2 10.11.0.2
step up_again sh -c 'ip link set ${NETDEV}0 up && ping -c 1 -w 10 10.11.0.2'
step unload_up rmmod ${NETDEV}
step gone sh -c 'ls -d /sys/class/net/${NETDEV}* 2>/dev/null'
step load_busy sh -c 'insmod ${M}/${NETDEV}.ko && ip addr add 10.11.0.1/24 dev ${NETDEV}0 && ip link set ${NETDEV}0 up'
step flood_start sh -c '${STRESS} pingflood 10.11.0.2 3000 >/tmp/flood 2>&1 & echo $! >/tmp/flood.pid'
step unload_busy sh -c 'sleep 1; rmmod ${NETDEV}'
step flood_end sh -c 'while kill -0 $(cat /tmp/flood.pid) 2>/dev/null; do usleep 100000; done; cat /tmp/flood'
step modcycle ${STRESS} modcycle ${M}/${NETDEV}.ko ${NETDEV} ${cycles} devices=16
`;
}

function check(r: ScenarioResult): void {
  const s = (name: string) => stepOf(r, name);
  const out = (name: string) => s(name).out.join('\n');
  const ok = (name: string) => assert.equal(s(name).rc, 0, `${name}: ${out(name)}`);
  ok('load');
  assert.deepEqual(s('default_count').out, [0, 1].map((i) => `/sys/class/net/${NETDEV}${i}`), 'the generated default (--devices 2)');
  ok('unload_default');
  assert.notEqual(s('bad_count').rc, 0, 'devices=17 is refused');
  assert.equal(s('bad_count_message').rc, 0, `and the kernel log says why:\n${r.dmesg}`);
  ok('load3');
  assert.deepEqual(s('links').out.slice(0, 3), [0, 1, 2].map((i) => `/sys/class/net/${NETDEV}${i}`), 'devices=3: three interfaces');
  assert.match(s('links').out[3] ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'an Ethernet address');
  assert.ok(!(parseInt((s('links').out[3] ?? '').slice(0, 2), 16) & 1), 'unicast address (eth_hw_addr_random)');
  assert.deepEqual(s('down_state').out, ['down'], 'no carrier before ip link set up');
  ok('up');
  assert.deepEqual(s('up_state').out, ['up'], 'carrier on when up');
  assert.deepEqual(s('carrier').out, ['1']);
  ok('ethtool');
  assert.match(out('ethtool'), new RegExp(`^driver=${NETDEV} version=\\S+ link=1$`, 'm'), 'ethtool -i and link');
  ok('ping');
  assert.match(out('ping'), new RegExp(`${PINGS} packets transmitted, ${PINGS} packets received, 0% packet loss`), out('ping'));
  const [txBefore, rxBefore, rxBytesBefore, dropBefore] = s('before').out.map(Number);
  const [txAfter, rxAfter, rxBytesAfter, dropAfter] = s('after').out.map(Number);
  assert.ok(txAfter !== undefined && txBefore !== undefined && txAfter - txBefore >= PINGS, `tx counted: ${txBefore} -> ${txAfter}`);
  assert.equal((rxAfter ?? 0) - (rxBefore ?? 0), PINGS, 'one received frame per reply');
  assert.equal((rxBytesAfter ?? 0) - (rxBytesBefore ?? 0), PINGS * FRAME, 'rx bytes: the reply frames');
  assert.equal(dropAfter, dropBefore, 'nothing dropped');
  ok('ping_other');
  assert.match(out('ping_other'), /2 packets transmitted, 2 packets received/, 'the second interface answers on its own subnet');
  ok('set_down');
  assert.deepEqual(s('down_again').out, ['down'], 'carrier off when down');
  assert.notEqual(s('ping_down').rc, 0, 'no answer while down');
  ok('up_again');
  ok('unload_up');
  assert.equal(out('gone'), '', 'rmmod while up removed the interfaces');
  ok('load_busy');
  ok('flood_start');
  ok('unload_busy');
  assert.match(out('flood_end'), /^pingflood 10\.11\.0\.2: \d+ sent, [1-9]\d* replies/m, out('flood_end'));
  ok('modcycle');
  assert.match(out('modcycle'), /^RESULT PASS /m, out('modcycle'));
}

export const netdevScenario: ScenarioSpec = {
  id: 'netdev',
  variant: 'netdev',
  title: 'netdev: interfaces up with ip, ping answered by the driver, counters by deltas, carrier, ethtool, rmmod while up and under a ping flood',
  script: (_seed, load) => script(load),
  check,
};
