/**
 * Where a platform driver's device sits in the device-tree overlay the
 * generator writes (dts/<name>.dtso): as generated it fits QEMU's virt
 * machine (arm64 and 32-bit ARM), which `make vmtest ARCH=arm64|arm` boots.
 * Each driver gets its own 4 KiB register window in the last 2 MiB of
 * virt's RAM at 512 MiB (one reserved-memory region, no-map, shared by every
 * overlay) and its own GIC SPI, both taken from a hash of its name, so the
 * overlays of several drivers apply together. Within a project no two
 * drivers share a window or an SPI (virtPlacements): a slot a driver added
 * earlier holds is passed over, so adding a driver never moves another.
 */

/** The last 2 MiB of virt's RAM with 512 MiB (RAM starts at 1 GiB): 2 MiB so 32-bit ARM can unmap it. */
export const VIRT_WINDOWS_BASE = 0x5fe00000;
export const VIRT_WINDOWS_SIZE = 0x200000;
/** GIC SPIs virt leaves free (its own devices use 0-15 and 74-77, its platform bus 112-175). */
const FREE_SPIS = { first: 80, count: 32 };

export interface VirtPlacement {
  /** The node's name: the driver's name with '-' for '_'. */
  node: string;
  /** The register window's physical address, in hex without 0x. */
  address: string;
  /** The GIC SPI (shared peripheral interrupt number). */
  spi: number;
  /** The platform device's name the kernel gives it: "<address>.<node>" with a window, "<node>" without. */
  deviceName(withWindow: boolean): string;
}

/** 32-bit FNV-1a of the name. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(s, 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const WINDOWS = VIRT_WINDOWS_SIZE / 0x1000;

/** The first of `count` slots from `start` on, in turn, that `used` does not hold (all taken: `start`). */
function freeSlot(start: number, count: number, used: Set<number>): number {
  for (let i = 0; i < count; i++) {
    const slot = (start + i) % count;
    if (!used.has(slot)) return slot;
  }
  return start;
}

function placement(name: string, window: number, spi: number): VirtPlacement {
  const node = name.replace(/_/g, '-');
  const address = (VIRT_WINDOWS_BASE + window * 0x1000).toString(16);
  return { node, address, spi: FREE_SPIS.first + spi, deviceName: (withWindow) => (withWindow ? `${address}.${node}` : node) };
}

/** A driver's place by its name alone (a driver alone in its project). */
export function virtPlacement(name: string): VirtPlacement {
  const h = fnv1a(name);
  return placement(name, h % WINDOWS, (h >>> 16) % FREE_SPIS.count);
}

/**
 * The places of a project's platform drivers, in the order they were added:
 * each takes its name's window and SPI, or the next free ones when a driver
 * before it holds them (32 SPIs: from the 33rd driver on, SPIs are shared).
 */
export function virtPlacements(names: readonly string[]): Map<string, VirtPlacement> {
  const windows = new Set<number>();
  const spis = new Set<number>();
  const placed = new Map<string, VirtPlacement>();
  for (const name of names) {
    const h = fnv1a(name);
    const window = freeSlot(h % WINDOWS, WINDOWS, windows);
    const spi = freeSlot((h >>> 16) % FREE_SPIS.count, FREE_SPIS.count, spis);
    windows.add(window);
    spis.add(spi);
    placed.set(name, placement(name, window, spi));
  }
  return placed;
}
