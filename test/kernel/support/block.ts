/**
 * kmod:block in the kernel suite: the two block drivers of the main project
 * (every optional part with 512-byte blocks; none with 4096-byte blocks, two
 * disks and two hardware queues). Their make vmtest tests (tests/blk.sh,
 * tests/blk_bare.sh: file systems, checked by the host's e2fsck and
 * fsck.vfat, included) run in every kernel's boot but the debug kernel's;
 * there, with a fifth of the load, this scenario runs their generated test
 * program: a new disk reads as zeros, random O_DIRECT I/O from several
 * processes checked against a model (seeded from the matrix seed), discard
 * and write-zeroes read back as zeros, fsync reaches the driver as a flush,
 * reads at the end get nothing, rmmod refused during I/O, ext2 and vfat made,
 * filled, checked by the host's e2fsck and fsck.vfat and mounted again where
 * the kernel has them built in, load cycles.
 */
import assert from 'node:assert/strict';
import { GUEST_KO, GUEST_TOOLS, GUEST_STRESS, stepOf, type ScenarioResult } from './qemu.js';
import type { Load, ScenarioSpec } from './variants.js';

export const BLOCK = 'blk';
export const BLOCK_BARE = 'blk_bare';
export const BLOCK_KOS = [BLOCK, BLOCK_BARE];
export const BLOCK_TOOLS = BLOCK_KOS.map((m) => `tools/${m}_test`);

export function blockGenerateArgs(): string[][] {
  return [
    ['block', '--name', BLOCK],
    ['block', '--name', BLOCK_BARE, '--features', 'none', '--block-size', '4096', '--disks', '2', '--queues', '2', '--queue-depth', '4'],
  ];
}

const M = GUEST_KO;
const T = GUEST_TOOLS;
const STRESS = GUEST_STRESS;

function script(seed: number, load: Load): string {
  const cycles = Math.max(2, Math.round(load.cycles / 10));
  const test = (m: string) => `${T}/${m}_test`;
  return `
step load insmod ${M}/${BLOCK}.ko
step zeros ${test(BLOCK)} zeros /dev/${BLOCK}0
step model ${test(BLOCK)} model /dev/${BLOCK}0 ${seed + 11} ${load.model} 4
step pastend ${test(BLOCK)} pastend /dev/${BLOCK}0
step zeroes ${test(BLOCK)} zeroes /dev/${BLOCK}0
step pages_freed sh -c 'blkdiscard /dev/${BLOCK}0 && cat /sys/block/${BLOCK}0/pages'
step flush ${test(BLOCK)} flush /dev/${BLOCK}0
step busy sh -c '${test(BLOCK)} model /dev/${BLOCK}0 ${seed + 12} ${Math.max(400, load.model / 5)} 2 >/tmp/blk.io 2>&1 & p=$!; usleep 300000; rmmod ${BLOCK} && r=1 || r=0; wait $p; s=$?; cat /tmp/blk.io; echo "rmmod refused: $r"; test $s = 0'
step ext2 sh -c 'grep -qw ext2 /proc/filesystems || { echo "no ext2 built in"; exit 0; }; mkdir -p /mnt/blk && mke2fs -q /dev/${BLOCK}0 16384 && mount -t ext2 /dev/${BLOCK}0 /mnt/blk && dd if=/dev/urandom of=/mnt/blk/f bs=1k count=300 2>/dev/null && md5sum /mnt/blk/f >/tmp/blk.md5 && umount /mnt/blk && mount -t ext2 /dev/${BLOCK}0 /mnt/blk && md5sum -c /tmp/blk.md5 && umount /mnt/blk && echo intact'
step ext2_fsck sh -c 'grep -qw ext2 /proc/filesystems || { echo "no ext2 built in"; exit 0; }; e2fsck -fn /dev/${BLOCK}0'
step vfat sh -c 'grep -qw vfat /proc/filesystems || { echo "no vfat built in"; exit 0; }; mkdir -p /mnt/blk && mkfs.fat /dev/${BLOCK}0 16384 >/dev/null && mount -t vfat /dev/${BLOCK}0 /mnt/blk && dd if=/dev/urandom of=/mnt/blk/f bs=1k count=300 2>/dev/null && md5sum /mnt/blk/f >/tmp/blk.md5 && umount /mnt/blk && fsck.vfat -n /dev/${BLOCK}0 && mount -t vfat /dev/${BLOCK}0 /mnt/blk && md5sum -c /tmp/blk.md5 && umount /mnt/blk && echo intact'
step unload rmmod ${BLOCK}
step cycles ${STRESS} modcycle ${M}/${BLOCK}.ko ${BLOCK} ${cycles}
step bare_load insmod ${M}/${BLOCK_BARE}.ko
step bare_disks sh -c 'ls /sys/block | grep ${BLOCK_BARE}; cat /sys/block/${BLOCK_BARE}0/queue/logical_block_size /sys/block/${BLOCK_BARE}0/queue/write_cache'
step bare_model ${test(BLOCK_BARE)} model /dev/${BLOCK_BARE}1 ${seed + 13} ${Math.max(400, load.model / 5)} 4
step bare_unload rmmod ${BLOCK_BARE}
`;
}

function check(r: ScenarioResult): void {
  const s = (name: string) => stepOf(r, name);
  const out = (name: string) => s(name).out.join('\n');
  const ok = (name: string) => assert.equal(s(name).rc, 0, `${name}: ${out(name)}`);
  const passed = (name: string) => {
    ok(name);
    assert.match(out(name), /^RESULT PASS \(0 failed\)$/m, `${name}: ${out(name)}`);
  };
  ok('load');
  passed('zeros');
  passed('model');
  assert.match(out('model'), /^# seed \d+ /m, 'the seed is printed');
  passed('pastend');
  passed('zeroes');
  ok('pages_freed');
  assert.equal(s('pages_freed').out.at(-1), '0', 'a discard of the whole disk gives every page back');
  passed('flush');
  assert.match(out('flush'), /^PASS fsync_sends_a_flush$/m);
  ok('busy');
  assert.match(out('busy'), /^rmmod refused: 0$/m, 'rmmod refused while a disk is open');
  ok('ext2');
  assert.match(out('ext2'), /^(intact|no ext2 built in)$/m);
  ok('ext2_fsck');
  ok('vfat');
  assert.match(out('vfat'), /^(intact|no vfat built in)$/m);
  ok('unload');
  ok('cycles');
  assert.match(out('cycles'), /^RESULT PASS /m, out('cycles'));
  ok('bare_load');
  assert.deepEqual(s('bare_disks').out, [`${BLOCK_BARE}0`, `${BLOCK_BARE}1`, '4096', 'write through']);
  passed('bare_model');
  ok('bare_unload');
}

export const blockScenario: ScenarioSpec = {
  id: 'block',
  // tests/blk.sh and tests/blk_bare.sh do all of it, file systems too, on the other kernels.
  debugOnly: true,
  // The file systems checked as the project's tests check them.
  host: ['e2fsck:e2fsprogs', 'mkfs.fat:dosfstools', 'fsck.vfat:dosfstools'],
  variant: 'block (memory-backed blk-mq disks)',
  title: 'block: zeros when new, model-checked random O_DIRECT I/O from 4 processes, discard/write-zeroes, flush, end of disk, busy rmmod, ext2, cycles',
  script,
  check,
};
