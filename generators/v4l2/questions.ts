/**
 * kmod:v4l2's questions: the pixel formats, the frame sizes (limits and
 * default), the devices, the buffer allocator and the optional parts, each
 * a prompt and an option, each refused with what is allowed.
 */
import { oneOf, someOf, type Question } from '../lib/questions.js';
import { shown, validateIntRange, validateModuleName, validateSubset, type Validation } from '../lib/validate.js';

/** The pixel formats the driver can produce, in the order it enumerates them. */
export const V4L2_FORMATS = [
  { value: 'yuyv', name: 'yuyv: V4L2_PIX_FMT_YUYV, packed 4:2:2 Y Cb Y Cr (BT.601, limited range)', fourcc: 'V4L2_PIX_FMT_YUYV', bytes: 2 },
  { value: 'uyvy', name: 'uyvy: V4L2_PIX_FMT_UYVY, packed 4:2:2 Cb Y Cr Y', fourcc: 'V4L2_PIX_FMT_UYVY', bytes: 2 },
  { value: 'rgb24', name: 'rgb24: V4L2_PIX_FMT_RGB24, 8-bit R, G, B', fourcc: 'V4L2_PIX_FMT_RGB24', bytes: 3 },
  { value: 'bgr24', name: 'bgr24: V4L2_PIX_FMT_BGR24, 8-bit B, G, R', fourcc: 'V4L2_PIX_FMT_BGR24', bytes: 3 },
  { value: 'grey', name: 'grey: V4L2_PIX_FMT_GREY, 8-bit luma', fourcc: 'V4L2_PIX_FMT_GREY', bytes: 1 },
] as const;

export const V4L2_FORMAT_NAMES: readonly string[] = V4L2_FORMATS.map((f) => f.value);

export const V4L2_FEATURES = [
  { value: 'controls', name: 'controls: brightness and a test pattern menu (v4l2_ctrl_handler, control events)' },
  { value: 'checkers', name: 'checkers: a second test pattern, moving checkers (in the pattern menu; needs controls)' },
] as const;

export const V4L2_FEATURE_NAMES: readonly string[] = V4L2_FEATURES.map((f) => f.value);

export const V4L2_ALLOCATORS = [
  { value: 'vmalloc', name: 'vmalloc: videobuf2-vmalloc, MMAP, USERPTR, DMABUF and read() (a device without DMA)' },
  { value: 'dma-contig', name: 'dma-contig: videobuf2-dma-contig, MMAP, DMABUF and read() (what a DMA engine needs)' },
] as const;

/**
 * Frame size bounds. The width is even (4:2:2 formats carry two pixels in
 * four bytes) and at least 64: the sequence number is drawn in the image as
 * 32 blocks of at least 2 pixels; the height holds those blocks (8 lines)
 * and some pattern below them.
 */
export const V4L2_WIDTH = { min: 64, max: 8192 } as const;
export const V4L2_HEIGHT = { min: 32, max: 4320 } as const;
export const V4L2_DEVICES_MAX = 8;
/** The name is VIDIOC_QUERYCAP's driver, a char[16] with its NUL: at most 15 characters. */
export const V4L2_NAME_MAX = 15;

export function validateV4l2Name(value: string): Validation {
  const base = validateModuleName(value, 'v4l2 driver name');
  if (base !== true) return base;
  if (value.length > V4L2_NAME_MAX) {
    return `v4l2 driver name ${shown(value)} is ${value.length} characters long: it is what VIDIOC_QUERYCAP reports as the driver, a char[16] with its NUL, so at most ${V4L2_NAME_MAX}`;
  }
  return true;
}

/** "WxH" within the bounds, the width even; `what` names it in the message. */
export function validateFrameSize(value: string, what: string): Validation {
  const m = /^([1-9][0-9]{0,4})x([1-9][0-9]{0,4})$/.exec(value);
  const allowed = `WIDTHxHEIGHT with an even width ${V4L2_WIDTH.min}-${V4L2_WIDTH.max} and a height ${V4L2_HEIGHT.min}-${V4L2_HEIGHT.max}, e.g. 640x480`;
  if (!m) return `${what} ${shown(value)} is not allowed: give ${allowed}`;
  const w = Number(m[1]);
  const h = Number(m[2]);
  if (w < V4L2_WIDTH.min || w > V4L2_WIDTH.max || w % 2 !== 0 || h < V4L2_HEIGHT.min || h > V4L2_HEIGHT.max) {
    return `${what} ${shown(value)} is not allowed: give ${allowed}`;
  }
  return true;
}

export function parseFrameSize(value: string): { width: number; height: number } {
  const [w, h] = value.split('x').map(Number);
  return { width: w as number, height: h as number };
}

/** The default size must lie within the limits (each given as WxH). */
export function validateSizes(min: string, size: string, max: string): Validation {
  const lo = parseFrameSize(min);
  const s = parseFrameSize(size);
  const hi = parseFrameSize(max);
  if (lo.width > hi.width || lo.height > hi.height) return `--min-size: ${min} is larger than --max-size ${max}: give a smallest frame size within the largest`;
  if (s.width < lo.width || s.height < lo.height || s.width > hi.width || s.height > hi.height) {
    return `--size: ${size} is not within --min-size ${min} and --max-size ${max}: give a default frame size within them`;
  }
  return true;
}

export function validateV4l2Features(value: string): Validation {
  const subset = validateSubset(value, 'feature', V4L2_FEATURE_NAMES);
  if (subset !== true) return subset;
  const has = new Set(value.split(',').map((s) => s.trim()));
  if (has.has('checkers') && !has.has('controls')) {
    return `features ${shown(value)} not allowed: checkers is chosen in the pattern menu of controls; give controls too, or leave checkers out`;
  }
  return true;
}

export function validateV4l2Formats(value: string): Validation {
  const subset = validateSubset(value, 'format', V4L2_FORMAT_NAMES);
  if (subset !== true) return subset;
  if (!value.split(',').some((s) => s.trim() !== '' && s.trim() !== 'none')) return `formats ${shown(value)} not allowed: give at least one of ${V4L2_FORMAT_NAMES.join(',')}`;
  return true;
}

const sizeQuestion = (name: 'minSize' | 'maxSize' | 'size', option: string, what: string, dflt: string): Question => ({
  name,
  option,
  message: `${what} (WIDTHxHEIGHT)`,
  description: `${what}: WIDTHxHEIGHT, even width ${V4L2_WIDTH.min}-${V4L2_WIDTH.max}, height ${V4L2_HEIGHT.min}-${V4L2_HEIGHT.max} (default: ${dflt})`,
  default: () => dflt,
  validate: (v) => validateFrameSize(v, what.toLowerCase()),
});

export const V4L2_QUESTIONS: readonly Question[] = [
  {
    name: 'formats',
    message: 'Pixel formats the device offers',
    description: `Comma-separated pixel formats, the first the default: ${V4L2_FORMAT_NAMES.join(',')} (default: all)`,
    ...someOf('format', V4L2_FORMATS),
    validate: validateV4l2Formats,
  },
  sizeQuestion('minSize', 'min-size', 'Smallest frame size', `${V4L2_WIDTH.min}x${V4L2_HEIGHT.min}`),
  sizeQuestion('maxSize', 'max-size', 'Largest frame size', '1920x1080'),
  sizeQuestion('size', 'size', 'Default frame size', '640x480'),
  {
    name: 'devices',
    message: 'Capture devices the module creates by default',
    description: `Default of the devices= module parameter: capture devices (/dev/videoN each), 1-${V4L2_DEVICES_MAX} (default: 1)`,
    default: () => '1',
    validate: (v) => validateIntRange(v, 'number of devices', 1, V4L2_DEVICES_MAX, 2),
  },
  {
    name: 'allocator',
    message: 'videobuf2 memory allocator',
    description: "Buffer memory: vmalloc (MMAP, USERPTR, DMABUF, read) or dma-contig (MMAP, DMABUF, read) (default: vmalloc)",
    ...oneOf('allocator', V4L2_ALLOCATORS),
    default: () => 'vmalloc',
  },
  {
    name: 'features',
    message: 'Optional parts of the driver',
    description: `Comma-separated optional parts: ${V4L2_FEATURE_NAMES.join(',')} or none (default: all)`,
    ...someOf('feature', V4L2_FEATURES),
    validate: validateV4l2Features,
  },
];
