/** Layout helpers for generated C, so that long user-chosen names still pass checkpatch. */

/** Columns a line takes with tabs expanded to 8, as checkpatch counts them (bytes). */
export function columns(line: string): number {
  let col = 0;
  for (const byte of Buffer.from(line)) col = byte === 9 ? col + 8 - (col % 8) : col + 1;
  return col;
}

/**
 * "#define NAME<TAB>VALUE", or, when that is wider than `width` columns, the
 * value on a continuation line.
 */
export function cDefine(name: string, value: string, width = 100): string {
  const line = `#define ${name}\t${value}`;
  return columns(line) <= width ? line : `#define ${name} \\\n\t${value}`;
}

/**
 * "head(arg, arg, ...)tail" on one line when it fits in `width` columns
 * (after `indent` tabs), else broken after commas with the continuation
 * aligned to the opening parenthesis, as checkpatch --strict wants.
 */
export function cCall(indent: number, head: string, args: readonly string[], tail = '', width = 100): string {
  const lead = '\t'.repeat(indent);
  const one = `${lead}${head}(${args.join(', ')})${tail}`;
  if (columns(one) <= width) return one;
  const align = columns(`${lead}${head}(`);
  const pad = '\t'.repeat(Math.floor(align / 8)) + ' '.repeat(align % 8);
  const lines: string[] = [];
  let line = `${lead}${head}(`;
  args.forEach((arg, i) => {
    const piece = i < args.length - 1 ? `${arg},` : `${arg})${tail}`;
    const candidate = line.endsWith('(') ? `${line}${piece}` : `${line} ${piece}`;
    if (!line.endsWith('(') && columns(candidate) > width) {
      lines.push(line);
      line = `${pad}${piece}`;
    } else {
      line = candidate;
    }
  });
  lines.push(line);
  return lines.join('\n');
}
