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
