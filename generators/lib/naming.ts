/** Names derived from validated module names. */

/** hello_world -> HELLO_WORLD, for macros and include guards. */
export function upperIdent(name: string): string {
  return name.toUpperCase();
}

/**
 * Output path of a template: drops the set folder ("module/" or "project/")
 * and ".ejs", puts the module name where the template path says "__name__",
 * and turns a leading "dot-" into "." (npm drops dotfiles such as .gitignore
 * from published packages).
 */
export function outputPathFor(templatePath: string, moduleName: string): string {
  return templatePath
    .replace(/\.ejs$/, '')
    .split('/')
    .slice(1)
    .map((part) => part.replace(/^dot-/, '.').replaceAll('__name__', moduleName))
    .join('/');
}

/**
 * Distribution packages (debian/, packaging/rpm/dkms.spec, packaging/arch/PKGBUILD)
 * carry the project's DKMS source. Their names and versions come from the
 * project's validated name and version by the rules below, the same for the
 * three formats; docs/generators/app.md ("Distribution packages") states them.
 */

/**
 * The binary package: "<name>-dkms" with each '_' written '-' (Debian package
 * names are lower-case letters, digits, '+', '-' and '.': no '_'). RPM and
 * Arch take the same name, so one project has one package name everywhere.
 */
export function packageName(name: string): string {
  return `${name.replaceAll('_', '-')}-dkms`;
}

export interface PackageVersions {
  /** The DKMS version (dkms.conf's PACKAGE_VERSION, /usr/src/<name>-<dkms>): the project's version unchanged. */
  dkms: string;
  /** Debian: "<version>-1". The upstream part keeps every character (a '-' is allowed there because a revision follows). */
  debian: string;
  /** RPM's Version: (and Release 1). RPM allows no '-' in a version: each becomes '_'. */
  rpm: string;
  /** Arch's pkgver (and pkgrel=1). makepkg allows no '-' either: each becomes '_', as for RPM. */
  arch: string;
}

/**
 * A validated project version (validateVersion: a digit, then letters,
 * digits, '.', '+', '~', '-') in each format. '~' sorts before the release in
 * dpkg, RPM and pacman alike: write pre-releases with it (1.0~rc1). A '-'
 * sorts after in dpkg, and '_' keeps that in RPM (a separator, like '.').
 */
export function packageVersions(version: string): PackageVersions {
  const noDash = version.replaceAll('-', '_');
  return { dkms: version, debian: `${version}-1`, rpm: noDash, arch: noDash };
}

/** The maintainer's address when the author names none: a reserved domain (RFC 2606), never delivered. */
export const PLACEHOLDER_EMAIL = 'maintainer@example.invalid';

export interface Maintainer {
  /** The name, as written in the author text. */
  name: string;
  email: string;
  /** The author named no e-mail address: PLACEHOLDER_EMAIL stands in (edit the packaging files before publishing). */
  placeholder: boolean;
  /** "Name <email>" as an RFC 5322 contact: the name quoted when it holds specials (Debian's Maintainer field, RPM's changelog). */
  contact: string;
}

// A conservative address: what the Debian and RPM tools and Email::Address::XS (lintian) all read.
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
// RFC 5322 specials: a name holding one is written as a quoted string.
const SPECIALS = /[()<>[\]:;@\\,."]/;

/**
 * The packages' maintainer from --author: the text before the first '<' is
 * the name and the address between it and the next '>' the e-mail (text
 * after the '>' is left out: "Name <email> (team)" gives "Name <email>"; no
 * name: the address is the name too). Without a valid address the whole
 * author text is the name and PLACEHOLDER_EMAIL the address.
 */
export function maintainerOf(author: string): Maintainer {
  const at = author.indexOf('<');
  const end = at < 0 ? -1 : author.indexOf('>', at);
  const email = end < 0 ? '' : author.slice(at + 1, end).trim();
  const placeholder = !EMAIL.test(email);
  const name = placeholder ? author.trim() : author.slice(0, at).trim() || email;
  const address = placeholder ? PLACEHOLDER_EMAIL : email;
  const phrase = SPECIALS.test(name) ? `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"` : name;
  return { name, email: address, placeholder, contact: `${phrase} <${address}>` };
}
