/** yeoman-test runs of the generators, with the options a user would give. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import helpers from 'yeoman-test';
import { BLOCK_GENERATOR, HID_GENERATOR, V4L2_GENERATOR } from './paths.js';
import { APP_GENERATOR, CHARDEV_GENERATOR, EJECT_GENERATOR, I2C_GENERATOR, NETDEV_GENERATOR, PCI_GENERATOR, PLATFORM_GENERATOR, USB_GENERATOR } from './paths.js';

/**
 * yeoman-test passes force: true by default; a user does not, so it is off
 * unless a test asks for it.
 */
function run(generator: string, options: Record<string, unknown>, dir?: string) {
  const context = helpers.run(generator).withOptions({ force: false, ...options } as never);
  return dir === undefined ? context : context.cd(dir);
}

export function runApp(options: Record<string, unknown> = {}, dir?: string) {
  return run(APP_GENERATOR, options, dir);
}

export function runChardev(options: Record<string, unknown> = {}, dir?: string) {
  return run(CHARDEV_GENERATOR, options, dir);
}

export function runPlatform(options: Record<string, unknown> = {}, dir?: string) {
  return run(PLATFORM_GENERATOR, options, dir);
}

export function runPci(options: Record<string, unknown> = {}, dir?: string) {
  return run(PCI_GENERATOR, options, dir);
}

export function runI2c(options: Record<string, unknown> = {}, dir?: string) {
  return run(I2C_GENERATOR, options, dir);
}

export function runNetdev(options: Record<string, unknown> = {}, dir?: string) {
  return run(NETDEV_GENERATOR, options, dir);
}

export function runUsb(options: Record<string, unknown> = {}, dir?: string) {
  return run(USB_GENERATOR, options, dir);
}

export function runBlock(options: Record<string, unknown> = {}, dir?: string) {
  return run(BLOCK_GENERATOR, options, dir);
}

export function runHid(options: Record<string, unknown> = {}, dir?: string) {
  return run(HID_GENERATOR, options, dir);
}

export function runV4l2(options: Record<string, unknown> = {}, dir?: string) {
  return run(V4L2_GENERATOR, options, dir);
}

/** An empty folder for a run (kmod-<label>-XXXXXX in the temporary folder). */
export function emptyDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `kmod-${label}-`));
}

export function runEject(options: Record<string, unknown> = {}, dir?: string) {
  return run(EJECT_GENERATOR, options, dir);
}
