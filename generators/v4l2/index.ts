/**
 * yo kmod:v4l2: a V4L2 video capture driver (v4l2_device + video_device,
 * videobuf2 with MMAP, USERPTR, DMABUF and read(), a moving test pattern
 * with the frame's sequence number in it, controls, formats, frame sizes
 * and intervals) that passes v4l2-compliance, with a capture test program
 * (tools/<name>_test) that checks every frame it gets.
 */
import { KmodGenerator, type KmodOptions } from '../lib/base-generator.js';
import { KINDS } from '../lib/kinds.js';

export { V4L2_QUESTIONS } from './questions.js';

export default class V4l2Generator extends KmodGenerator {
  constructor(args: string[], options: KmodOptions) {
    super(args, options, KINDS.v4l2);
  }
}
