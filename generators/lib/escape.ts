/**
 * Escaping of user text for every target language the templates write.
 * Validation (lib/validate.ts) already refuses newlines and control
 * characters; these functions still refuse them so that no caller can
 * produce a broken file by skipping validation.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

function assertPrintable(text: string, where: string): void {
  if (CONTROL.test(text)) {
    throw new Error(`internal error: control character in text for ${where}: ${JSON.stringify(text)}`);
  }
}

/**
 * Body of a C string literal (without the quotes). Escapes backslash and
 * double quote, and breaks "??" so that no trigraph can form (gcc warns about
 * them with -Wall even when it ignores them). UTF-8 passes through: gcc
 * copies it byte for byte, so modinfo shows the text unchanged.
 */
export function cString(text: string): string {
  assertPrintable(text, 'a C string');
  return text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\?(?=\?)/g, '?\\');
}

/**
 * Text inside a C block comment: neither closes it nor opens a nested one
 * (-Wcomment), and no "??/" trigraph can splice lines (-Wtrigraphs).
 */
export function cComment(text: string): string {
  assertPrintable(text, 'a C comment');
  return text
    .replace(/\*\//g, '* /')
    .replace(/\/\*/g, '/ *')
    .replace(/\?(?=\?)/g, '? ');
}

/**
 * Text for a C block comment, escaped and wrapped at spaces so that no line
 * is longer than `width` bytes (checkpatch measures bytes; its limit is 100
 * columns including the " * " prefix); a longer word is cut.
 */
export function cCommentLines(text: string, width = 76): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of cComment(text).split(/ +/).flatMap((w) => splitBytes(w, width))) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && Buffer.byteLength(candidate) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines;
}

/** Cuts a word into pieces of at most `width` bytes, never inside a character. */
function splitBytes(word: string, width: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of word) {
    if (Buffer.byteLength(piece + ch) > width) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  pieces.push(piece);
  return pieces;
}

/** One argument for POSIX sh, single-quoted: nothing inside is expanded. */
export function shellQuote(text: string): string {
  assertPrintable(text, 'a shell word');
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A double-quoted bash value, for files that are sourced by bash (dkms.conf):
 * $, `, " and \ lose their meaning, so nothing executes.
 */
export function shellDoubleQuote(text: string): string {
  assertPrintable(text, 'a shell value');
  return `"${text.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * One shell argument inside a Makefile recipe line: shell-quoted, then every
 * $ doubled so make passes it through. The result ends with a quote, so it
 * cannot end the line with a continuation backslash.
 */
export function makeRecipeArg(text: string): string {
  return shellQuote(text).replace(/\$/g, '$$$$');
}

/** A comment line in a shell or Makefile ("# ..."): only a newline could end it, and those are refused. */
export function hashComment(text: string): string {
  assertPrintable(text, 'a # comment');
  // A trailing backslash would continue a Makefile comment onto the next line.
  return text.endsWith('\\') ? `${text} ` : text;
}

/** Inline Markdown text: no raw HTML, no accidental emphasis or links. */
export function markdownText(text: string): string {
  assertPrintable(text, 'Markdown');
  return text.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`).replace(/&/g, '&amp;');
}

/**
 * A value in a Debian control file (debian/control): one line, and "${"
 * written "${}{", which dpkg's substitution turns back into "${" (a bare
 * "${NAME}" would be replaced by a substitution variable, or by nothing).
 */
export function debControlText(text: string): string {
  assertPrintable(text, 'a Debian control field');
  return text.replaceAll('${', '${}{');
}

/** Text in an RPM spec (a tag value, %description, %changelog): '%' doubled, so no macro (nor %(command)) expands. */
export function rpmSpecText(text: string): string {
  assertPrintable(text, 'an RPM spec');
  return text.replaceAll('%', '%%');
}
