import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { result } from 'yeoman-test';
import { V4L2_QUESTIONS } from '../../generators/v4l2/index.js';
import { runCli } from '../support/cli.js';
import { emptyDir, runV4l2 } from '../support/run-app.js';

const tmp = (): string => emptyDir('v4l2');

const read = (file: string) => readFileSync(path.join(result.cwd, file), 'utf8');

describe('yo kmod:v4l2', () => {
  it('defaults: a vb2_vmalloc capture device, 5 formats, controls and both patterns, a frame thread stopped before the buffers go', async () => {
    await runV4l2({ yes: true, name: 'cam' });
    const c = read('cam.c');
    assert.match(c, /^\/\/ SPDX-License-Identifier: GPL-2.0-only\n/, 'SPDX first');
    assert.match(c, /^#define pr_fmt\(fmt\) KBUILD_MODNAME ": " fmt$/m);
    for (const [macro, value] of [['CAM_MAX_DEVICES', '8'], ['CAM_MIN_WIDTH', '64'], ['CAM_MIN_HEIGHT', '32'], ['CAM_MAX_WIDTH', '1920'], ['CAM_MAX_HEIGHT', '1080'], ['CAM_DEF_WIDTH', '640'], ['CAM_DEF_HEIGHT', '480']]) {
      assert.match(c, new RegExp(`^#define ${macro}\\t${value}$`, 'm'), macro);
    }
    assert.match(c, /^static unsigned int devices = 1;\nmodule_param\(devices, uint, 0444\);$/m);
    for (const f of ['YUYV', 'UYVY', 'RGB24', 'BGR24', 'GREY']) assert.match(c, new RegExp(`\\{ \\.fourcc = V4L2_PIX_FMT_${f}, \\.bytes = \\d \\},`), f);
    assert.match(c, /q->io_modes = VB2_MMAP \| VB2_USERPTR \| VB2_DMABUF \| VB2_READ;/);
    assert.match(c, /q->mem_ops = &vb2_vmalloc_memops;/);
    assert.match(c, /q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;/);
    assert.match(c, /q->lock = &dev->lock;/);
    assert.match(c, /#ifdef KMOD_HAVE_VB2_OPS_WAIT_PREPARE\n[\s\S]*\.wait_prepare = vb2_ops_wait_prepare,/, 'the probe decides, not the version');
    assert.match(c, /\.open = v4l2_fh_open,\n\t\.release = vb2_fop_release,/);
    assert.match(c, /\t\.owner = THIS_MODULE,/, 'the module is held while a node is open');
    assert.match(c, /\.suppress_bind_attrs = true,/);
    assert.match(c, /kthread_stop\(dev->thread\);\n\tdev->thread = NULL;\n\tcam_return_buffers\(dev, VB2_BUF_STATE_ERROR\);/, 'the thread stops before the buffers are returned');
    assert.match(c, /cam_return_buffers\(dev, VB2_BUF_STATE_QUEUED\);/, 'a failed start gives the buffers back queued');
    assert.match(c, /buf->vb\.sequence = seq;/);
    assert.match(c, /buf->vb\.vb2_buf\.timestamp = ktime_get_ns\(\);/);
    assert.match(c, /if \(vb2_is_busy\(&dev->queue\)\)\n\t\treturn -EBUSY;/);
    assert.match(c, /V4L2_FRMSIZE_TYPE_STEPWISE/);
    assert.match(c, /V4L2_FRMIVAL_TYPE_DISCRETE/);
    assert.match(c, /v4l2_ctrl_new_std\(hdl, &cam_ctrl_ops, V4L2_CID_BRIGHTNESS, 0, 255, 1, 128\);/);
    assert.match(c, /V4L2_CID_TEST_PATTERN/);
    assert.match(c, /"Moving Checkers",/);
    assert.match(c, /\.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,/);
    assert.match(c, /vb2_video_unregister_device\(&dev->vdev\);\n\tv4l2_device_put\(&dev->v4l2_dev\);/);
    assert.match(c, /err_ctrls:\n\tv4l2_ctrl_handler_free\(&dev->ctrl_handler\);\nerr_v4l2:\n\tv4l2_device_unregister\(&dev->v4l2_dev\);\nerr_free:\n\tmutex_destroy\(&dev->lock\);\n\tkfree\(dev\);/, 'errors unwound with goto');
    assert.match(c, /KMOD_PLATFORM_REMOVE_WRAPPER\(cam_remove\);/);
    for (const m of ['MODULE_LICENSE("GPL")', 'MODULE_AUTHOR(DRIVER_AUTHOR)', 'MODULE_DESCRIPTION(DRIVER_DESC)', 'MODULE_VERSION(DRIVER_VERSION)']) assert.ok(c.includes(m), m);
    assert.doesNotMatch(c, /LINUX_VERSION_CODE|min_buffers_needed|del_timer|file->private_data/);
    assert.doesNotMatch(c, /^(?!static|module_|MODULE_|KMOD_)[a-z].*\(.*\)\n\{/m, 'every function static');
    const compat = read('kmod_compat.h');
    assert.match(compat, /vb2 waits/);
    for (const probe of ['vb2_ops_wait_prepare', 'vb2_queue_lock', 'platform_remove_void', 'platform_remove_int']) {
      assert.match(read(`probes/${probe}.c`), /^ \* kmod-api: \w+ \d$/m, probe);
    }
    assert.match(read('Makefile'), /^TOOLS := tools\/cam_test$/m);
    assert.match(read('dkms.conf'), /^BUILD_EXCLUSIVE_CONFIG="CONFIG_VIDEO_DEV CONFIG_VIDEOBUF2_VMALLOC"$/m);
    const t = read('tests/cam.sh');
    assert.match(t, /^# vmtest-intree: vivid\?$/m);
    assert.match(t, /^# vmtest-host: v4l2-compliance:v4l-utils v4l2-ctl:v4l-utils$/m);
    assert.match(t, /timeout 240 v4l2-compliance -d \$2 -e \$3 -s 10/, 'streaming, DMABUF from the second device');
    assert.match(t, /for t in 'test MMAP' 'test USERPTR' 'test DMABUF' 'test read\/write'; do/);
    assert.match(t, /only_vivids$/m, 'vivid side by side');
    assert.match(t, /\.\/tools\/cam_test capture \$V 30 YUYV 160x120$/m, 'a small frame under emulation');
    assert.match(t, /test_pattern=1/);
    assert.match(t, /refused_while \.\/tools\/cam_test capture \$V 40$/m);
    assert.match(t, /cycles 10$/m);
    const tool = read('tools/cam_test.c');
    assert.match(tool, /decode_seq/);
    assert.match(tool, /V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC/);
    assert.match(read('README.md'), /### cam \(V4L2 capture device\)[\s\S]*v4l2-compliance/);
    const rc = JSON.parse(read('.yo-rc.json')) as Record<string, { modules: { kind: string; settings: unknown }[] }>;
    assert.equal(rc['generator-kmod']?.modules[0]?.kind, 'v4l2');
    assert.deepEqual(rc['generator-kmod']?.modules[0]?.settings, {
      formats: 'yuyv,uyvy,rgb24,bgr24,grey', minSize: '64x32', maxSize: '1920x1080', size: '640x480', devices: '1', allocator: 'vmalloc', features: 'controls,checkers',
    });
  });

  it('--allocator dma-contig, --features none, two formats, sizes: no USERPTR, no controls, the formats in the order given by the table', async () => {
    await runV4l2({ yes: true, name: 'dc', allocator: 'dma-contig', features: 'none', formats: 'rgb24,yuyv', 'min-size': '128x96', 'max-size': '640x480', size: '320x240', devices: '3' });
    const c = read('dc.c');
    assert.match(c, /q->io_modes = VB2_MMAP \| VB2_DMABUF \| VB2_READ;/);
    assert.match(c, /q->mem_ops = &vb2_dma_contig_memops;/);
    assert.match(c, /dma_coerce_mask_and_coherent\(&pdev->dev, DMA_BIT_MASK\(32\)\)/);
    assert.match(c, /#include <media\/videobuf2-dma-contig\.h>/);
    assert.match(c, /^static unsigned int devices = 3;$/m);
    assert.match(c, /^#define DC_MIN_WIDTH\t128$/m);
    assert.match(c, /^#define DC_DEF_HEIGHT\t240$/m);
    assert.match(c, /\{ \.fourcc = V4L2_PIX_FMT_YUYV, \.bytes = 2 \},\n\t\{ \.fourcc = V4L2_PIX_FMT_RGB24, \.bytes = 3 \},\n\};/);
    assert.doesNotMatch(c, /v4l2_ctrl|V4L2_PIX_FMT_GREY|CHECKERS|videobuf2-vmalloc/);
    assert.match(read('dkms.conf'), /CONFIG_VIDEOBUF2_DMA_CONTIG/);
    const t = read('tests/dc.sh');
    assert.match(t, /for t in 'test MMAP' 'test DMABUF' 'test read\/write'; do/);
    assert.match(t, /capture \$V 30 YUYV 160x120$/m);
    assert.doesNotMatch(t, /brightness|test_pattern/);
    const rc = JSON.parse(read('.yo-rc.json')) as Record<string, { modules: { settings: Record<string, string> }[] }>;
    assert.equal(rc['generator-kmod']?.modules[0]?.settings.formats, 'yuyv,rgb24', 'saved in table order');
  });

  it('a test frame within the limits: 160x120 clamped to --min-size', async () => {
    await runV4l2({ yes: true, name: 'big', 'min-size': '320x240', size: '640x480' });
    assert.match(read('tests/big.sh'), /capture \$V 30 YUYV 320x240$/m);
  });

  it('an edit survives a re-run; the same run twice changes nothing', () => {
    const dir = tmp();
    assert.equal(runCli(dir, ['v4l2', '--yes', '--name', 'ed']).status, 0);
    const file = path.join(dir, 'ed.c');
    const before = readFileSync(path.join(dir, 'tests', 'ed.sh'), 'utf8');
    const edited = `${readFileSync(file, 'utf8')}/* mine */\n`;
    writeFileSync(file, edited);
    const r = runCli(dir, ['v4l2', '--yes', '--name', 'ed']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(file, 'utf8'), edited, 'the user edit is kept');
    assert.equal(readFileSync(path.join(dir, 'tests', 'ed.sh'), 'utf8'), before, 'the rest unchanged');
  });

  it('adds to an existing project next to its other modules', () => {
    const dir = tmp();
    assert.equal(runCli(dir, ['--yes', '--name', 'proj']).status, 0);
    assert.equal(runCli(dir, ['v4l2', '--yes', '--name', 'cap']).status, 0);
    assert.match(readFileSync(path.join(dir, 'Kbuild'), 'utf8'), /obj-m \+= proj\.o[\s\S]*obj-m \+= cap\.o/);
  });

  it('--help lists every option with what is allowed', () => {
    const r = runCli(tmp(), ['v4l2', '--help']);
    assert.equal(r.status, 0, r.stderr);
    for (const q of V4L2_QUESTIONS) assert.match(r.stdout, new RegExp(`--${q.option ?? q.name}`), q.name);
    assert.match(r.stdout, /yuyv,uyvy,rgb24,bgr24,grey/);
    assert.match(r.stdout, /controls,checkers/);
    assert.match(r.stdout, /vmalloc .* dma-contig/);
  });

  const cases: [string[], RegExp][] = [
    [['--name', 'a'.repeat(16)], /--name: v4l2 driver name 'a{16}' is 16 characters long: .*char\[16\].*at most 15/],
    [['--formats', 'yuyv,mjpeg'], /--formats: format 'mjpeg' not known: give a comma-separated list of yuyv, uyvy, rgb24, bgr24, grey, or none/],
    [['--formats', 'none'], /--formats: formats 'none' not allowed: give at least one of yuyv,uyvy,rgb24,bgr24,grey/],
    [['--size', '641x480'], /--size: default frame size '641x480' is not allowed: give WIDTHxHEIGHT with an even width 64-8192/],
    [['--max-size', '1920'], /--max-size: largest frame size '1920' is not allowed/],
    [['--min-size', '32x32'], /--min-size: smallest frame size '32x32' is not allowed/],
    [['--size', '4000x100'], /--size: 4000x100 is not within --min-size 64x32 and --max-size 1920x1080: give a default frame size within them/],
    [['--min-size', '640x480', '--max-size', '320x240', '--size', '320x240'], /--min-size: 640x480 is larger than --max-size 320x240: give a smallest frame size within the largest/],
    [['--devices', '9'], /--devices: number of devices 9 is out of range: number of devices must be a whole number from 1 to 8/],
    [['--allocator', 'dma-sg'], /--allocator: allocator 'dma-sg' is not allowed: use 'vmalloc' or 'dma-contig'/],
    [['--features', 'checkers'], /--features: features 'checkers' not allowed: checkers is chosen in the pattern menu of controls/],
    [['--features', 'controls,loopback'], /--features: feature 'loopback' not known/],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${args.join(' ')} and writes nothing`, () => {
      const dir = tmp();
      const r = runCli(dir, ['v4l2', '--yes', ...args]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    });
  }

  it('a description with C and shell metacharacters stays a string', async () => {
    await runV4l2({ yes: true, name: 'inj', description: 'x" */ #include <evil> $(reboot) `id`' });
    const c = read('inj.c');
    assert.match(c, /^#define DRIVER_DESC\t"x\\" \*\/ #include <evil> \$\(reboot\) `id`"$/m, 'a C string');
    assert.match(c, /^ \* x" \* \/ #include/m, 'the comment not closed');
    assert.doesNotMatch(read('dkms.conf').replace(/^#.*$/gm, ''), /\$\(reboot\)|`id`/, 'only in comments of dkms.conf');
  });
});
