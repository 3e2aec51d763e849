/**
 * One module of every kind: the yo kmod:<kind> runs that add one module of
 * each kind the generator registers (generators/lib/kinds.ts) to a project
 * (hello comes with the project, made by yo kmod). The tests that want every
 * kind in one project (make vmtest's files in the unit tests, the cross and
 * LLVM=1 kernel builds) take their runs from here, each naming the modules
 * its own way. A kind registered but missing here does not compile (the
 * records below are keyed by the registry's generators), and
 * test/unit/kinds.test.ts fails.
 */
import { KINDS, type KindSpec } from '../../generators/lib/kinds.js';

/** The generators that add a module to a project: every registered one but app, which makes the project. */
export type AddedKind = Exclude<KindSpec['generator'], 'app'>;

/** The registered generators that add a module, in the registry's order. */
export const ADDED_KINDS: readonly AddedKind[] = (Object.keys(KINDS) as KindSpec['generator'][]).filter(
  (g): g is AddedKind => g !== 'app',
);

/**
 * Each kind's options besides --name: its defaults, spelled out where the
 * kernel tests rely on them. The classic char device and the platform
 * driver with every optional part (and its test device), beside the others'
 * defaults (the PCI driver's edu profile, the I2C driver's hwmon front-end
 * and KUnit suite, netdev's KUnit suite), use every kernel API probe
 * between them.
 */
export const EVERY_KIND: Readonly<Record<AddedKind, readonly string[]>> = {
  chardev: ['--flavor', 'classic'],
  platform: ['--features', 'mmio,irq,sysfs,pm'],
  pci: [],
  i2c: [],
  netdev: [],
  usb: [],
  hid: [],
  block: [],
  v4l2: [],
};

/**
 * The generator arguments (without --yes) that add one module of every
 * kind, kind k's named names[k], in the registry's order.
 */
export function everyKindArgs(names: Readonly<Record<AddedKind, string>>): string[][] {
  return ADDED_KINDS.map((k) => [k, '--name', names[k], ...EVERY_KIND[k]]);
}
