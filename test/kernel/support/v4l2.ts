/**
 * kmod:v4l2 in the kernel suite: the V4L2 capture driver of the main project
 * (every format and optional part, vb2_vmalloc). Its make vmtest test
 * (tests/vcap.sh: v4l2-compliance -s in every I/O mode next to vivid's on the
 * same boot, frames checked pixel by pixel by tools/vcap_test, controls,
 * rmmod refused while open or streaming, load cycles) is its proof in every
 * kernel's boot.
 */
export const V4L2 = 'vcap';
export const V4L2_KOS = [V4L2];
export const V4L2_TOOLS = V4L2_KOS.map((m) => `tools/${m}_test`);

export function v4l2GenerateArgs(): string[][] {
  return [['v4l2', '--name', V4L2]];
}
