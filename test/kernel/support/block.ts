/**
 * kmod:block in the kernel suite: the two block drivers of the main project
 * (every optional part with 512-byte blocks; none with 4096-byte blocks, two
 * disks and two hardware queues). Their make vmtest tests (tests/blk.sh,
 * tests/blk_bare.sh: file systems, checked by the host's e2fsck and
 * fsck.vfat, included) run in every kernel's boot; tests/blk.sh in the debug
 * kernel's too, with fault injection.
 */

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
