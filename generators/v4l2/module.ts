/** kmod:v4l2's module: its videobuf2 allocator's option, a test program. */
import type { KindModule } from '../lib/kind-module.js';

export const V4L2_MODULE: KindModule = {
  kernelConfigs: (e) => ['CONFIG_VIDEO_DEV', e.settings.allocator === 'dma-contig' ? 'CONFIG_VIDEOBUF2_DMA_CONTIG' : 'CONFIG_VIDEOBUF2_VMALLOC'],
  kernelApis: () => ['platform_remove', 'vb2_wait_prepare'],
  tool: () => true,
};
