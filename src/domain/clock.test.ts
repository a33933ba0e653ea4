import { describe, expect, it } from 'vitest';
import { DAY_MS, ManualClock, parseDuration } from './clock.ts';

describe('clock (R-API-7)', () => {
  it.each([
    ['P30D', 30 * DAY_MS],
    ['P1DT12H', 1.5 * DAY_MS],
    ['PT90M', 90 * 60_000],
    ['P2W', 14 * DAY_MS],
    ['pt1.5s', 1500],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'P', 'PT', '30D', 'P1M', 'P1Y', 'P-1D', 'tomorrow'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('R-API-7: the manual clock moves forward only', () => {
    const clock = new ManualClock(new Date('2027-01-01T00:00:00Z'));
    clock.advance(31 * DAY_MS);
    expect(clock.now().toISOString()).toBe('2027-02-01T00:00:00.000Z');
    expect(() => clock.set(new Date('2027-01-15T00:00:00Z'))).toThrow(RangeError);
    expect(clock.now().toISOString()).toBe('2027-02-01T00:00:00.000Z');
  });
});
