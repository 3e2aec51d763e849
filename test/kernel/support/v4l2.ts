/**
 * kmod:v4l2 in the kernel suite: the V4L2 capture driver of the main project
 * (every format and optional part, vb2_vmalloc). Its make vmtest test
 * (tests/vcap.sh: v4l2-compliance -s in every I/O mode, measured against the
 * kernel's own vivid on the same boot, frames checked pixel by pixel by
 * tools/vcap_test, controls, rmmod refused while open or streaming, load
 * cycles) is its proof in every kernel's boot.
 */
import assert from 'node:assert/strict';
export const V4L2 = 'vcap';
export const V4L2_KOS = [V4L2];
export const V4L2_TOOLS = V4L2_KOS.map((m) => `tools/${m}_test`);

export function v4l2GenerateArgs(): string[][] {
  return [['v4l2', '--name', V4L2]];
}

/** What the suite requires of the test's run: the measure against vivid taken, every I/O mode streamed, the frames checked. */
const V4L2_CHECKS = (name: string): string[] => [
  'v4l2-compliance ran on vivid, the measure',
  `v4l2-compliance ran on ${name} \\(/dev/video\\d+ exporting DMABUFs\\)`,
  `${name}: every I/O mode streamed \\(MMAP, USERPTR, DMABUF, read\\)`,
  `no v4l2-compliance failure or warning on ${name} that vivid does not show too`,
  '30 frames captured, every pixel checked',
  '3 frames in each format',
  'rmmod is refused while a device streams',
  '10 load, capture, unload cycles',
];

/**
 * The console part of a boot's v4l2 test (its output) has the checks above
 * (the kernels the suite boots all have vivid); with `clean`, the driver has
 * no v4l2-compliance failure or warning at all but dropped frames (a tool
 * newer than Debian 12's: the 7.x kernels boot with Debian 13's). Returns v4l2-compliance's
 * totals for vivid and the driver, for the log.
 */
export function checkV4l2(log: string | undefined, name = V4L2, clean = false): string {
  assert.ok(log, `test ${name} ran to its end`);
  for (const c of V4L2_CHECKS(name)) assert.match(log, new RegExp(`^ *ok - ${c}$`, 'm'), `${c}\n${log}`);
  const totals = [...log.matchAll(/^#\s+(\w+): Total for .*?: (\d+), Succeeded: (\d+), Failed: (\d+), Warnings: (\d+)$/gm)];
  assert.equal(totals.length, 2, `v4l2-compliance's totals for vivid and ${name}\n${log}`);
  if (clean) {
    // Its failures and warnings follow the totals; a dropped frame's sequence gap is not among them (the host's load).
    const m = new RegExp(`^#\\s+${name}: Total for ${name} device /dev/video\\d+: \\d+, Succeeded: \\d+, Failed: 0, Warnings: \\d+\\n((?:#.*\\n)*)`, 'm').exec(log);
    assert.ok(m, `no failure\n${log}`);
    assert.doesNotMatch(m[1] as string, /^#\s+(fail|warn):/m, `no warning but dropped frames\n${log}`);
  }
  return totals.map((t) => `${t[1]} ${t[4]} failed, ${t[5]} warnings of ${t[2]}`).join('; ');
}
