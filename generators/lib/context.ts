/**
 * The variables and helpers every template sees. This is the stable
 * interface for template authors (documented in the README): add to it,
 * do not rename or remove.
 */
import { cComment, cCommentLines, cString, debControlText, hashComment, makeRecipeArg, markdownText, rpmSpecText, shellDoubleQuote, shellQuote } from './escape.js';
import { cCall, cDefine } from './cformat.js';
import { uapiSpdx } from './licenses.js';
import { builtModules, kernelApis, kernelConfigs, kunitModules, testModules, licenseOf, moduleHeaders, packagingOf, toolPrograms, type ModuleEntry, type Packaging, type ProjectAnswers } from './project.js';
import { KERNEL_TROUBLE } from './trouble.js';
import { upperIdent } from './naming.js';
import { VIRT_WINDOWS_BASE, VIRT_WINDOWS_SIZE, virtPlacement, virtPlacements, type VirtPlacement } from '../platform/dt.js';

export interface TemplateContext {
  /** Project (DKMS package) name; also the first module's name. */
  name: string;
  /** Upper-case form of name, for macros. */
  NAME: string;
  description: string;
  author: string;
  version: string;
  /** CI workflow choice: 'none' or 'github'. */
  ci: string;
  /** SPDX license expression for SPDX-License-Identifier lines. */
  spdx: string;
  /** SPDX expression for UAPI headers (GPL with the Linux-syscall-note). */
  uapiSpdx: string;
  /** String for MODULE_LICENSE(). */
  moduleLicense: string;
  /** Year for copyright lines. */
  year: number;
  /** Every module of the project, in build order. */
  modules: readonly ModuleEntry[];
  /** Every .ko the project builds, in order (a platform driver adds its test device). */
  kos: readonly string[];
  /** The test-only modules among kos (a platform driver's fake device): built for make vmtest, never installed. */
  testKos: readonly string[];
  /** Kernel options the modules need (CONFIG_PCI, ...), each once, in module order: dkms.conf's BUILD_EXCLUSIVE_CONFIG. */
  kernelConfigs: readonly string[];
  /** Kernel APIs the modules use that differ between kernels (probes/ decide their form), each once. */
  apis: readonly string[];
  /** KUnit test modules (<module>_kunit), built only for kernels with CONFIG_KUNIT; not installed. */
  kunitKos: readonly string[];
  /** Headers of the modules' own (chardev ioctl, i2c temperature format, netdev echo reply), in module order. */
  headers: readonly string[];
  /** User-space test programs "make tools" builds (tools/<module>_test), in module order. */
  tools: readonly string[];
  /** The kernel-log pattern of trouble (Oops, BUG, WARNING, ...) make vmtest fails on, in POSIX ERE. */
  kernelTrouble: string;
  /** A platform driver's place on QEMU's virt machine (its overlay and test), generators/platform/dt.ts. */
  virt: { placement: (name: string) => VirtPlacement; windowsBase: string; windowsSize: string };
  /** The distribution packages (debian/, packaging/): package name, versions per format, maintainer, udev rules. */
  pkg: Packaging;
  /** The module this template is rendered for (module templates only; else the first module). */
  module: ModuleEntry;
  /** Escaping helpers, one per target language. */
  c: { string: typeof cString; comment: typeof cComment; commentLines: typeof cCommentLines; define: typeof cDefine; call: typeof cCall };
  sh: { quote: typeof shellQuote; dquote: typeof shellDoubleQuote; comment: typeof hashComment };
  make: { recipeArg: typeof makeRecipeArg; comment: typeof hashComment };
  md: { text: typeof markdownText };
  /** Debian control fields (substitution variables escaped), RPM spec text ('%' escaped). */
  deb: { text: typeof debControlText };
  rpm: { text: typeof rpmSpecText };
}

export function templateContext(
  answers: ProjectAnswers,
  modules: readonly ModuleEntry[],
  module: ModuleEntry,
  now: Date = new Date(),
): TemplateContext {
  const license = licenseOf(answers);
  const placed = virtPlacements(modules.filter((m) => m.kind === 'platform').map((m) => m.name));
  return {
    name: answers.name,
    NAME: upperIdent(answers.name),
    description: answers.description,
    author: answers.author,
    version: answers.version,
    ci: answers.ci ?? 'none',
    spdx: license.spdx,
    uapiSpdx: uapiSpdx(license.spdx),
    moduleLicense: license.moduleLicense,
    year: now.getFullYear(),
    modules,
    kos: modules.flatMap(builtModules),
    testKos: modules.flatMap(testModules),
    kernelConfigs: [...new Set(modules.flatMap(kernelConfigs))],
    apis: [...new Set(modules.flatMap(kernelApis))],
    kunitKos: modules.flatMap(kunitModules),
    headers: modules.flatMap(moduleHeaders),
    tools: modules.flatMap(toolPrograms),
    kernelTrouble: KERNEL_TROUBLE,
    virt: { placement: (name) => placed.get(name) ?? virtPlacement(name), windowsBase: VIRT_WINDOWS_BASE.toString(16), windowsSize: VIRT_WINDOWS_SIZE.toString(16) },
    pkg: packagingOf(answers, modules, now),
    module,
    c: { string: cString, comment: cComment, commentLines: cCommentLines, define: cDefine, call: cCall },
    sh: { quote: shellQuote, dquote: shellDoubleQuote, comment: hashComment },
    make: { recipeArg: makeRecipeArg, comment: hashComment },
    md: { text: markdownText },
    deb: { text: debControlText },
    rpm: { text: rpmSpecText },
  };
}
