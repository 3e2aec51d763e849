/**
 * The project's saved state in .yo-rc.json (namespace "generator-kmod"):
 * the answers, the modules it holds and a hash of every file the generator
 * wrote, so that later runs and sub-generators know what is there.
 */
import { findLicense, type License } from './licenses.js';
import { maintainerOf, packageName, packageVersions, type Maintainer, type PackageVersions } from './naming.js';

export type ModuleKind = 'hello' | 'chardev' | 'platform' | 'pci' | 'i2c' | 'netdev' | 'usb' | 'hid' | 'block' | 'v4l2';

/** Settings of one module, by kind (strings and numbers only: they are saved as JSON). */
export type ModuleSettings = Record<string, string | number | boolean>;

export interface ModuleEntry {
  /** Module name: <name>.ko, built from <name>.c. */
  name: string;
  kind: ModuleKind;
  /** MODULE_DESCRIPTION of this module. */
  description: string;
  /** Kind-specific answers (e.g. chardev flavor and buffer size). */
  settings: ModuleSettings;
}

export interface ProjectAnswers {
  /** Project and DKMS package name (the first module's name). */
  name: string;
  description: string;
  author: string;
  license: string;
  version: string;
  /** CI workflow for the generated repository: 'none' or 'github'. */
  ci: string;
}

export interface ProjectConfig extends ProjectAnswers {
  modules: ModuleEntry[];
  /** sha256 of each generated file as last written, by path relative to the project. */
  files: Record<string, string>;
  /** --templates folder, relative to the project (or absolute), when one was given. */
  templates?: string;
}

export function licenseOf(answers: ProjectAnswers): License {
  const license = findLicense(answers.license);
  if (!license) throw new Error(`unknown license ${answers.license}`);
  return license;
}

/**
 * Adds a module to the list or replaces the entry of the same name (a re-run
 * with new answers); keeps the order modules were added in. A name already
 * used by a module of another kind is refused.
 */
export function withModule(modules: readonly ModuleEntry[], entry: ModuleEntry): ModuleEntry[] {
  const existing = modules.find((m) => m.name === entry.name);
  if (existing && existing.kind !== entry.kind) {
    throw new Error(
      `module name '${entry.name}' is already used by a ${existing.kind} module of this project: choose another --name`,
    );
  }
  return existing ? modules.map((m) => (m.name === entry.name ? entry : m)) : [...modules, entry];
}

/** Reads saved modules, tolerating entries saved before a field existed. */
export function savedModules(config: Partial<ProjectConfig>): ModuleEntry[] {
  return (config.modules ?? []).map((m) => ({
    name: m.name,
    kind: m.kind,
    description: m.description ?? config.description ?? m.name,
    settings: m.settings ?? {},
  }));
}

/**
 * The kernel modules (.ko names) an entry builds: a platform driver comes
 * with its test-only companion that instantiates a matching device.
 */
export function builtModules(entry: ModuleEntry): string[] {
  return entry.kind === 'platform' ? [entry.name, `${entry.name}_testdev`] : [entry.name];
}

/**
 * The test-only modules among builtModules(): fake devices for make vmtest
 * (a platform driver's <name>_testdev). Kbuild builds them only with
 * KMOD_TEST_MODULES=1, so DKMS, make install and packages never ship them.
 */
export function testModules(entry: ModuleEntry): string[] {
  return builtModules(entry).filter((ko) => ko !== entry.name);
}

/**
 * The kernel options an entry's module cannot be built without (its bus, the
 * frameworks it links against): dkms.conf's BUILD_EXCLUSIVE_CONFIG, so DKMS
 * skips a kernel that lacks one instead of failing on it.
 */
export function kernelConfigs(entry: ModuleEntry): string[] {
  switch (entry.kind) {
    case 'pci':
      return ['CONFIG_PCI'];
    case 'usb':
      return ['CONFIG_USB'];
    case 'hid':
      return ['CONFIG_HID', ...(String(entry.settings.features).split(',').includes('hwmon') ? ['CONFIG_HWMON'] : [])];
    case 'netdev':
      return ['CONFIG_NET'];
    case 'block':
      return ['CONFIG_BLOCK'];
    case 'v4l2':
      return ['CONFIG_VIDEO_DEV', entry.settings.allocator === 'dma-contig' ? 'CONFIG_VIDEOBUF2_DMA_CONTIG' : 'CONFIG_VIDEOBUF2_VMALLOC'];
    case 'i2c':
      return ['CONFIG_I2C', 'CONFIG_REGMAP_I2C', ...(entry.settings.class === 'hwmon' ? ['CONFIG_HWMON'] : [])];
    default:
      return [];
  }
}

/**
 * The kernel APIs an entry's module uses that differ between kernels: each
 * has probes (templates/app/project/probes/<form>.c.ejs, "kmod-api: NAME")
 * that decide, against the target kernel, which form it has.
 */
export function kernelApis(entry: ModuleEntry): string[] {
  switch (entry.kind) {
    case 'chardev':
      return entry.settings.flavor === 'misc' ? [] : ['class_create'];
    case 'platform':
      return ['platform_remove', 'simple_dev_pm_ops'];
    case 'pci':
      return ['simple_dev_pm_ops', 'pci_dev_groups', 'pci_irq_intx', 'pcim_iomap'];
    case 'i2c':
      return ['i2c_probe', 'hwmon_info', 'regcache'];
    case 'netdev':
      return ['u64_stats_fetch'];
    case 'hid': {
      const features = String(entry.settings.features).split(',');
      const raw = ['input', 'hwmon', 'sysfs'].some((x) => features.includes(x));
      return [
        ...(raw ? ['unaligned'] : []),
        ...(features.includes('fixup') ? ['hid_report_fixup'] : []),
        ...(features.includes('hwmon') ? ['hwmon_info'] : []),
      ];
    }
    case 'block':
      return BLOCK_APIS;
    case 'v4l2':
      return ['platform_remove', 'vb2_wait_prepare'];
    default:
      return [];
  }
}

/** The block driver's probed APIs (templates/app/project/probes/, kmod_compat.h). */
const BLOCK_APIS = ['blk_mq_alloc_disk', 'blk_cleanup_disk', 'add_disk', 'blk_features', 'queue_flag_discard', 'genhd_no_part', 'kmap_local'];

/** User-space test programs (built by "make tools") an entry comes with. */
export function toolPrograms(entry: ModuleEntry): string[] {
  const features = String(entry.settings.features ?? '').split(',');
  const has = entry.kind === 'chardev' || entry.kind === 'usb' || entry.kind === 'hid' || entry.kind === 'block' || entry.kind === 'v4l2' || (entry.kind === 'pci' && features.includes('chardev'));
  return has ? [`tools/${entry.name}_test`] : [];
}

/** The KUnit test module (<name>_kunit.ko) an entry comes with, built only for kernels with CONFIG_KUNIT. */
export function kunitModules(entry: ModuleEntry): string[] {
  const has = entry.kind === 'i2c' || entry.kind === 'netdev';
  return has && entry.settings.kunit !== 'no' ? [`${entry.name}_kunit`] : [];
}

/** Headers of an entry's own that its kernel sources include. */
export function moduleHeaders(entry: ModuleEntry): string[] {
  if (entry.kind === 'chardev') return [`${entry.name}_ioctl.h`];
  if (entry.kind === 'i2c') return [`${entry.name}_temp.h`];
  if (entry.kind === 'netdev') return [`${entry.name}_echo.h`];
  return [];
}

/** udev rules an entry comes with (udev/99-<name>.rules: a char device's node permissions); packages install them. */
export function udevRules(entry: ModuleEntry): string[] {
  return entry.kind === 'chardev' ? [`udev/99-${entry.name}.rules`] : [];
}

/** What the distribution packages (debian/, packaging/) are made of, from the project's answers. */
export interface Packaging {
  /** The binary package, the same in every format: naming.ts packageName(). */
  name: string;
  versions: PackageVersions;
  maintainer: Maintainer;
  /** The license expression of debian/copyright (DEP-5 short names). */
  debianLicense: string;
  /** Every udev rules file of the modules, installed in /usr/lib/udev/rules.d. */
  udevRules: readonly string[];
  /** The day the files were generated (their changelog entry): Debian's format, "Fri, 04 Dec 2026 00:00:00 +0000". */
  debianDate: string;
  /** The same day in RPM's %changelog format, "Fri Dec 04 2026". */
  rpmDate: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function packagingOf(answers: ProjectAnswers, modules: readonly ModuleEntry[], now: Date): Packaging {
  const day = DAYS[now.getUTCDay()] ?? '';
  const month = MONTHS[now.getUTCMonth()] ?? '';
  const dd = String(now.getUTCDate()).padStart(2, '0');
  const year = now.getUTCFullYear();
  return {
    name: packageName(answers.name),
    versions: packageVersions(answers.version),
    maintainer: maintainerOf(answers.author),
    debianLicense: licenseOf(answers).debian,
    udevRules: modules.flatMap(udevRules),
    debianDate: `${day}, ${dd} ${month} ${year} 00:00:00 +0000`,
    rpmDate: `${day} ${month} ${dd} ${year}`,
  };
}
