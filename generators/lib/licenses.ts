/**
 * The licences a generated module can carry: each pairs an SPDX identifier
 * (first line of every file) with the string the kernel's MODULE_LICENSE()
 * accepts for it (include/linux/license.h, Documentation/process/license-rules.rst).
 */
export interface License {
  /** SPDX license expression written into the SPDX-License-Identifier lines. */
  spdx: string;
  /** The exact string for MODULE_LICENSE(). */
  moduleLicense: string;
  /** Short human description shown in prompts and --help. */
  title: string;
  /**
   * debian/copyright (DEP-5): the License expression, in DEP-5's short names
   * (GPL-2, GPL-2+, Expat, BSD-2-clause, BSD-3-clause, MPL-1.1); each name
   * gets a stand-alone License paragraph (templates/app/project/debian/copyright.ejs).
   */
  debian: string;
}

export const LICENSES: readonly License[] = [
  { spdx: 'GPL-2.0-only', moduleLicense: 'GPL', title: 'GNU GPL version 2 only (like the kernel itself)', debian: 'GPL-2' },
  { spdx: 'GPL-2.0-or-later', moduleLicense: 'GPL', title: 'GNU GPL version 2 or any later version', debian: 'GPL-2+' },
  { spdx: 'GPL-2.0-only OR MIT', moduleLicense: 'Dual MIT/GPL', title: 'dual GPL-2.0 / MIT', debian: 'GPL-2 or Expat' },
  { spdx: 'GPL-2.0-only OR BSD-2-Clause', moduleLicense: 'Dual BSD/GPL', title: 'dual GPL-2.0 / BSD 2-clause', debian: 'GPL-2 or BSD-2-clause' },
  { spdx: 'GPL-2.0-only OR BSD-3-Clause', moduleLicense: 'Dual BSD/GPL', title: 'dual GPL-2.0 / BSD 3-clause', debian: 'GPL-2 or BSD-3-clause' },
  { spdx: 'GPL-2.0-only OR MPL-1.1', moduleLicense: 'Dual MPL/GPL', title: 'dual GPL-2.0 / Mozilla Public License 1.1', debian: 'GPL-2 or MPL-1.1' },
];

export const DEFAULT_LICENSE = 'GPL-2.0-only';

export function findLicense(spdx: string): License | undefined {
  return LICENSES.find((l) => l.spdx === spdx);
}

/**
 * SPDX expression for UAPI headers (included by user space): the GPL part
 * carries the Linux-syscall-note, as in the kernel's include/uapi/.
 */
export function uapiSpdx(spdx: string): string {
  const parts = spdx.split(' OR ').map((p) => (p.startsWith('GPL-') ? `${p} WITH Linux-syscall-note` : p));
  return parts.length === 1 ? (parts[0] ?? spdx) : parts.map((p) => (p.includes(' WITH ') ? `(${p})` : p)).join(' OR ');
}
