/** Every subset of `items` (the empty one first), each in the items' order. */
export function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((acc, item) => [...acc, ...acc.map((s) => [...s, item])], [[]]);
}

/** The on/off states of every pair of `items` that `set` shows ("i,j,on,off"). */
function pairStates<T>(set: readonly T[], items: readonly T[]): string[] {
  const on = items.map((x) => set.includes(x));
  const states: string[] = [];
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) states.push(`${i},${j},${on[i]},${on[j]}`);
  return states;
}

/**
 * Some of `sets` (subsets of `items`) that between them show every pair of
 * items in every on/off state that any of `sets` shows (pairwise coverage),
 * with the first and the last of `sets` among them (none and all, when `sets`
 * come from subsets()). Greedy, in a fixed order: each pick adds the most
 * states not yet shown, the earliest on a tie.
 */
export function pairwise<T>(sets: readonly (readonly T[])[], items: readonly T[]): T[][] {
  const missing = new Set(sets.flatMap((s) => pairStates(s, items)));
  const chosen: (readonly T[])[] = [];
  const take = (s: readonly T[] | undefined): void => {
    if (s === undefined || chosen.includes(s)) return;
    chosen.push(s);
    for (const st of pairStates(s, items)) missing.delete(st);
  };
  take(sets[0]);
  take(sets.at(-1));
  while (missing.size > 0) {
    let best: readonly T[] | undefined;
    let gain = 0;
    for (const s of sets) {
      const g = pairStates(s, items).filter((st) => missing.has(st)).length;
      if (g > gain) [best, gain] = [s, g];
    }
    take(best);
  }
  return sets.filter((s) => chosen.includes(s)).map((s) => [...s]);
}
