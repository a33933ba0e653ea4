/** A month as the API names it (`2027-01`), from an instant, in UTC as statements count (R-BIL-6). */
export const monthOf = (iso: string): string => iso.slice(0, 7);

/** `2027-01` plus `n` months (n may be negative), across year ends. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;
}
