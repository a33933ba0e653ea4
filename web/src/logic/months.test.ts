import { describe, expect, it } from 'vitest';
import { addMonths, monthOf } from './months.ts';

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
});
