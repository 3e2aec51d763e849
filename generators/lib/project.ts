/**
 * The project's saved state in .yo-rc.json (namespace "generator-kmod"):
 * the answers, the modules it holds and a hash of every file the generator
 * wrote, so that later runs and sub-generators know what is there.
 */
import { findLicense, type License } from './licenses.js';
import type { KindModule } from './kind-module.js';
import { KIND_MODULES } from './modules.js';
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

/** The kind's own facts (generators/<kind>/module.ts). */
const factsOf = (entry: ModuleEntry): KindModule => KIND_MODULES[entry.kind];

/**
 * The test-only modules an entry builds: fake devices for make vmtest (a
 * platform driver's <name>_testdev). Kbuild builds them only with
 * KMOD_TEST_MODULES=1, so DKMS, make install and packages never ship them.
 */
export function testModules(entry: ModuleEntry): string[] {
  return factsOf(entry).testModules?.(entry) ?? [];
}

/** The kernel modules (.ko names) an entry builds: its own and its test-only ones. */
export function builtModules(entry: ModuleEntry): string[] {
  return [entry.name, ...testModules(entry)];
}

/**
 * The kernel options an entry's module cannot be built without (its bus, the
 * frameworks it links against): dkms.conf's BUILD_EXCLUSIVE_CONFIG, so DKMS
 * skips a kernel that lacks one instead of failing on it.
 */
export function kernelConfigs(entry: ModuleEntry): string[] {
  return factsOf(entry).kernelConfigs?.(entry) ?? [];
}

/**
 * The kernel APIs an entry's module uses that differ between kernels: each
 * has probes (templates/app/project/probes/<form>.c.ejs, "kmod-api: NAME")
 * that decide, against the target kernel, which form it has.
 */
export function kernelApis(entry: ModuleEntry): string[] {
  return factsOf(entry).kernelApis?.(entry) ?? [];
}

/** User-space test programs (built by "make tools") an entry comes with. */
export function toolPrograms(entry: ModuleEntry): string[] {
  return factsOf(entry).tool?.(entry) ? [`tools/${entry.name}_test`] : [];
}

/** The KUnit test module (<name>_kunit.ko) an entry comes with, built only for kernels with CONFIG_KUNIT. */
export function kunitModules(entry: ModuleEntry): string[] {
  return factsOf(entry).kunit?.(entry) ? [`${entry.name}_kunit`] : [];
}

/** Headers of an entry's own that its kernel sources include. */
export function moduleHeaders(entry: ModuleEntry): string[] {
  return factsOf(entry).headers?.(entry) ?? [];
}

/** udev rules an entry comes with (udev/99-<name>.rules: a char device's node permissions); packages install them. */
export function udevRules(entry: ModuleEntry): string[] {
  return factsOf(entry).udevRules?.(entry) ?? [];
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
