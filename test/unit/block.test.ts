import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { runCli } from '../support/cli.js';
import { runBlock } from '../support/run-app.js';

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'kmod-block-'));
}

const read = (file: string) => readFileSync(path.join(result.cwd, file), 'utf8');

describe('yo kmod:block', () => {
  it('defaults: one 16 MiB disk of 512-byte blocks, blk-mq, pages on first write, every optional part', async () => {
    await runBlock({ yes: true, name: 'rd' });
    const c = read('rd.c');
    assert.match(c, /^\/\/ SPDX-License-Identifier: GPL-2.0-only\n/, 'SPDX first');
    assert.match(c, /^#define pr_fmt\(fmt\) KBUILD_MODNAME ": " fmt$/m);
    for (const [macro, value] of [['RD_DISKS', '1'], ['RD_CAPACITY_MB', '16'], ['RD_BLOCK_SIZE', '512'], ['RD_HW_QUEUES', '1'], ['RD_QUEUE_DEPTH', '128'], ['RD_MINORS', '16']]) {
      assert.match(c, new RegExp(`^#define ${macro}\\t${value}$`, 'm'), macro);
    }
    assert.match(c, /rd_tag_set\.flags = BLK_MQ_F_BLOCKING;/, 'queue_rq may sleep: it allocates pages');
    assert.match(c, /ret = blk_mq_alloc_tag_set\(&rd_tag_set\);/);
    assert.match(c, /disk = kmod_blk_mq_alloc_disk\(&rd_tag_set, &lim, true, dev\);/, 'through the compat helper, with the write cache');
    assert.match(c, /rq_for_each_segment\(bvec, rq, iter\) \{/);
    assert.match(c, /kmod_kmap_local_page\(page\)/);
    assert.match(c, /fresh = alloc_page\(GFP_NOIO \| __GFP_ZERO \| __GFP_HIGHMEM\);/, 'a zeroed page on first write');
    assert.match(c, /store = __xa_cmpxchg\(&dev->pages, index, NULL, fresh, GFP_NOIO\);/);
    assert.match(c, /\} else \{\n\t\t\tmemset\(io \+ off, 0, chunk\);/, 'unwritten sectors read as zeros');
    assert.match(c, /blk_mq_start_request\(rq\);/);
    assert.match(c, /blk_mq_end_request\(rq, status\);\n\treturn BLK_STS_OK;/, 'the status goes with the request');
    assert.match(c, /\tcase REQ_OP_FLUSH:\n/);
    assert.match(c, /\tcase REQ_OP_DISCARD:\n\tcase REQ_OP_WRITE_ZEROES:\n/);
    assert.match(c, /\.max_hw_discard_sectors = RD_MAX_ZERO_SECTORS,/);
    assert.match(c, /\.max_write_zeroes_sectors = RD_MAX_ZERO_SECTORS,/);
    assert.match(c, /ret = kmod_add_disk\(disk, rd_groups\);/, 'the sysfs attribute with the disk');
    assert.match(c, /static DEVICE_ATTR_RO\(pages\);/);
    assert.doesNotMatch(c, /KMOD_GENHD_FL_NO_PART/, 'partitions on');
    assert.match(c, /\t\.owner = THIS_MODULE,/, 'the module is held while a disk is open');
    assert.match(c, /err_put:\n\tkmod_blk_put_disk\(disk\);\nerr_free:\n\tkfree\(dev\);/, 'errors unwound with goto');
    assert.match(c, /err_destroy:\n\twhile \(i--\)\n\t\trd_destroy\(rd_devs\[i\]\);\n\tblk_mq_free_tag_set\(&rd_tag_set\);\nerr_unregister:\n\tunregister_blkdev\(rd_major, KBUILD_MODNAME\);/);
    for (const m of ['MODULE_LICENSE("GPL")', 'MODULE_AUTHOR(DRIVER_AUTHOR)', 'MODULE_DESCRIPTION(DRIVER_DESC)', 'MODULE_VERSION(DRIVER_VERSION)']) assert.ok(c.includes(m), m);
    assert.doesNotMatch(c, /LINUX_VERSION_CODE|BLK_MQ_F_SHOULD_MERGE|kmap_atomic/);
    const compat = read('kmod_compat.h');
    assert.match(compat, /#ifdef KMOD_HAVE_BLK_MQ_ALLOC_DISK_LIM\n/);
    assert.match(compat, /blk_queue_flag_set\(QUEUE_FLAG_DISCARD, q\);/);
    for (const probe of ['blk_mq_alloc_disk_lim', 'blk_mq_alloc_disk', 'blk_mq_init_queue_alloc_disk', 'device_add_disk_int', 'device_add_disk_void', 'kmap_local_page', 'kmap_atomic', 'genhd_fl_no_part']) {
      assert.match(read(`probes/${probe}.c`), /^ \* kmod-api: \w+ \d$/m, probe);
    }
    assert.match(read('Makefile'), /^TOOLS := tools\/rd_test$/m);
    assert.match(read('dkms.conf'), /^BUILD_EXCLUSIVE_CONFIG="CONFIG_BLOCK"$/m);
    const t = read('tests/rd.sh');
    assert.match(t, /^# vmtest-intree: ext4\? crc32c_generic\? vfat nls_cp437 nls_ascii\?$/m);
    assert.match(t, /\.\/tools\/rd_test model \/dev\/rd0 0 10000 4$/m, 'at least 10,000 model-checked operations, 4 processes');
    assert.match(t, /check_fails "rmmod is refused while mounted" rmmod rd$/m);
    assert.match(t, /mke2fs -q \/dev\/rd0 16384$/m);
    assert.match(t, /\$mkfat \/dev\/rd0p1 15360$/m, 'vfat on the partition');
    assert.match(t, /fsync reaches the driver as a flush/);
    assert.match(read('tools/rd_test.c'), /BLKDISCARD/);
    assert.match(read('README.md'), /### rd \(block device\)[\s\S]*write back/);
  });

  it('--features none, 4096-byte blocks, 3 disks: no partitions, no write cache, no discard', async () => {
    await runBlock({ yes: true, name: 'bare', features: 'none', 'block-size': '4096', disks: '3', queues: '2', 'queue-depth': '8', capacity: '1' });
    const c = read('bare.c');
    assert.match(c, /^#define BARE_DISKS\t3$/m);
    assert.match(c, /^#define BARE_MINORS\t1$/m);
    assert.match(c, /disk->flags \|= KMOD_GENHD_FL_NO_PART;/);
    assert.match(c, /kmod_blk_mq_alloc_disk\(&bare_tag_set, &lim, false, dev\);/);
    assert.match(c, /ret = kmod_add_disk\(disk, NULL\);/);
    assert.doesNotMatch(c, /REQ_OP_FLUSH|REQ_OP_DISCARD|REQ_OP_WRITE_ZEROES|_zero\(|DEVICE_ATTR/);
    const t = read('tests/bare.sh');
    assert.match(t, /check "3 disks"/);
    assert.match(t, /mke2fs -q -b 4096 \/dev\/bare0 1024$/m);
    assert.match(t, /\$mkfat \/dev\/bare0 1024$/m);
    assert.match(t, /no write cache/);
    assert.doesNotMatch(t, /mbr|blkdiscard|\/pages/);
    const rc = JSON.parse(read('.yo-rc.json')) as Record<string, { modules: { settings: unknown }[] }>;
    assert.deepEqual(rc['generator-kmod']?.modules[0]?.settings, { capacity: '1', blockSize: '4096', disks: '3', queues: '2', queueDepth: '8', features: 'none' });
  });

  it('features are saved in canonical order', async () => {
    await runBlock({ yes: true, name: 'rd', features: 'sysfs,flush' });
    const rc = JSON.parse(read('.yo-rc.json')) as Record<string, { modules: { settings: Record<string, string> }[] }>;
    assert.equal(rc['generator-kmod']?.modules[0]?.settings.features, 'flush,sysfs');
  });

  const cases: [string[], RegExp][] = [
    [['--name', 'a'.repeat(27)], /--name: block driver name 'a{27}' is 27 characters long: .*DISK_NAME_LEN.*at most 26/],
    [['--capacity', '65537'], /--capacity: capacity in MiB 65537 is out of range: capacity in MiB must be a whole number from 1 to 65536/],
    [['--capacity', '0'], /--capacity: capacity in MiB 0 is out of range/],
    [['--capacity', '1G'], /--capacity: capacity in MiB '1G' is not a whole number/],
    [['--block-size', '1024'], /--block-size: logical block size '1024' is not allowed: use '512' or '4096'/],
    [['--disks', '17'], /--disks: number of disks 17 is out of range: number of disks must be a whole number from 1 to 16/],
    [['--queues', '0'], /--queues: number of hardware queues 0 is out of range: .* from 1 to 16/],
    [['--queue-depth', '1025'], /--queue-depth: queue depth 1025 is out of range: queue depth must be a whole number from 1 to 1024/],
    [['--features', 'discard,trim'], /--features: feature 'trim' not known: give a comma-separated list of discard, write-zeroes, flush, partitions, sysfs, or none/],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${args.join(' ')} and writes nothing`, () => {
      const dir = tmp();
      const r = runCli(dir, ['block', '--yes', ...args]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    });
  }

  it('--help lists every question with what is allowed', () => {
    const r = runCli(tmp(), ['block', '--help']);
    assert.equal(r.status, 0);
    for (const o of ['--capacity', '--block-size', '--disks', '--queues', '--queue-depth', '--features']) assert.match(r.stdout, new RegExp(`${o} VALUE`), o);
    assert.match(r.stdout, /1-65536/);
    assert.match(r.stdout, /512 or 4096/);
  });
});
