import { describe, expect, it } from 'vitest';
import { termEnd } from './terms.ts';

describe('R-ORD-5 term end', () => {
  it.each([
    ['2027-01-15T09:00:00.000Z', 'monthly', '2027-02-15T09:00:00.000Z'],
    ['2027-01-31T09:00:00.000Z', 'monthly', '2027-02-28T09:00:00.000Z'],
    ['2028-01-31T09:00:00.000Z', 'monthly', '2028-02-29T09:00:00.000Z'],
    ['2027-03-15T09:00:00.000Z', 'annual', '2028-03-15T09:00:00.000Z'],
    ['2028-02-29T09:00:00.000Z', 'annual', '2029-02-28T09:00:00.000Z'],
    ['2027-01-15T09:00:00.000Z', 'none', '2027-02-14T09:00:00.000Z'],
  ] as const)('R-ORD-5: %s %s ends %s', (start, cycle, end) => {
    expect(termEnd(new Date(start), cycle).toISOString()).toBe(end);
  });
});
