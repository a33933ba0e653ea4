/** A month as the API names it (`2027-01`), from an instant, in UTC as statements count (R-BIL-6). */
export const monthOf = (iso: string): string => iso.slice(0, 7);

/** `2027-01` plus `n` months (n may be negative), across year ends. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/**
 * The months of a range from the first one that has a line: the months before a partner's first sale would
 * only be rows of zeros. Months without lines after it stay, so a quiet month is seen as one.
 */
export function fromFirstBilledMonth<T extends { totals: { lineCount: number } }>(rows: readonly T[]): T[] {
  const first = rows.findIndex((r) => r.totals.lineCount > 0);
  return first < 0 ? [] : rows.slice(first);
}
