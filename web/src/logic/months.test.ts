import { describe, expect, it } from 'vitest';
import { addMonths, fromFirstBilledMonth, monthOf } from './months.ts';

describe('months for statements (R-BIL-6)', () => {
  it('R-BIL-6: a statement month is the UTC month of an instant', () => {
    expect(monthOf('2027-01-31T23:30:00.000Z')).toBe('2027-01');
  });
  it('R-BIL-6: the chart range counts months across year ends, both ways', () => {
    expect(addMonths('2027-01', -11)).toBe('2026-02');
    expect(addMonths('2027-01', -1)).toBe('2026-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2027-03', 0)).toBe('2027-03');
    expect(addMonths('2027-01', -25)).toBe('2024-12');
  });
  it('R-BIL-6: the monthly table starts at the first month with a line, and keeps quiet months after it', () => {
    const row = (month: string, lineCount: number) => ({ month, totals: { lineCount } });
    const rows = [
      row('2026-01', 0),
      row('2026-02', 0),
      row('2026-03', 4),
      row('2026-04', 0),
      row('2026-05', 2),
    ];
    expect(fromFirstBilledMonth(rows).map((r) => r.month)).toEqual(['2026-03', '2026-04', '2026-05']);
    expect(fromFirstBilledMonth([row('2026-01', 0)])).toEqual([]);
  });
});
