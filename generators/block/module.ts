/** kmod:block's module: the blk-mq APIs probed for it (kmod_compat.h), a test program. */
import type { KindModule } from '../lib/kind-module.js';

export const BLOCK_MODULE: KindModule = {
  kernelConfigs: () => ['CONFIG_BLOCK'],
  kernelApis: () => ['blk_mq_alloc_disk', 'blk_cleanup_disk', 'add_disk', 'blk_features', 'queue_flag_discard', 'genhd_no_part', 'kmap_local'],
  tool: () => true,
};
