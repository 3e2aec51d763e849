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
