import { describe, expect, it } from 'vitest';
import {
  changeLines,
  openingLine,
  prorate,
  renewalLine,
  type Billable,
  type BillingTerm,
} from '../../src/domain/billing/billing-rules.ts';
import { divideRounded, formatMinorUnits } from '../../src/domain/billing/money.ts';
import { monthsBetween, parseMonth } from '../../src/domain/billing/statement-month.ts';
import { termEnd } from '../../src/domain/subscription/terms.ts';

// Every expected amount below is worked out by hand in its comment, not by the code under test.
const D = 86_400_000;
const at = (iso: string) => new Date(iso);
const plus = (d: Date, days: number, hours = 0) => new Date(d.getTime() + days * D + hours * 3_600_000);
const sub = (over: Partial<Billable> = {}): Billable => ({
  status: 'active',
  isTrial: false,
  cycle: 'annual',
  quantity: 10,
  unitPrice: 3600,
  ...over,
});
const term = (
  start: string,
  cycle: 'monthly' | 'annual',
  charged: number,
  openedAt?: string,
): BillingTerm => ({
  start: at(start),
  end: termEnd(at(start), cycle),
  openedAt: at(openedAt ?? start),
  charged,
});
const amounts = (lines: { reason: string; amount: number }[]) => lines.map((l) => [l.reason, l.amount]);

describe('money: integer minor units, rounded half away from zero once per line', () => {
  it.each([
    [5n, 10n, 1n], // 0.5 → 1
    [-5n, 10n, -1n], // -0.5 → -1
    [4n, 10n, 0n],
    [-4n, 10n, 0n],
    [15n, 10n, 2n], // 1.5 → 2
    [-15n, 10n, -2n],
    [14n, 10n, 1n],
    [71_280_000n, 365n, 195_288n], // 195287.67…
  ])('%s / %s rounds to %s', (n, d, q) => {
    expect(divideRounded(n, d)).toBe(q);
  });

  it.each([
    [-1234, '-12.34'],
    [5, '0.05'],
    [-5, '-0.05'],
    [0, '0.00'],
    [100, '1.00'],
    [123_456_789_012_345n, '1234567890123.45'],
  ] as const)('%s minor units print as %s', (minor, text) => {
    expect(formatMinorUnits(minor)).toBe(text);
  });
});

describe('R-BIL-1: monthly charges one month in advance, annual twelve months at once (monthly × 12)', () => {
  it.each([
    // start, cycle, quantity, unit, amount, period end
    ['2027-01-15T09:00:00Z', 'monthly', 5, 600, 3000, '2027-02-15T09:00:00.000Z'], // 600 × 5
    ['2027-01-15T09:00:00Z', 'annual', 10, 3600, 432000, '2028-01-15T09:00:00.000Z'], // 3600 × 12 × 10
    ['2027-01-29T09:00:00Z', 'monthly', 5, 600, 3000, '2027-02-28T09:00:00.000Z'], // the 29th: a whole month
    ['2027-01-30T09:00:00Z', 'monthly', 5, 600, 3000, '2027-02-28T09:00:00.000Z'], // the 30th
    ['2027-01-31T09:00:00Z', 'monthly', 5, 600, 3000, '2027-02-28T09:00:00.000Z'], // the 31st
    ['2028-01-31T09:00:00Z', 'monthly', 1, 600, 600, '2028-02-29T09:00:00.000Z'], // leap February
    ['2028-02-29T09:00:00Z', 'annual', 2, 2200, 52800, '2029-02-28T09:00:00.000Z'], // 2200 × 12 × 2
  ] as const)(
    'R-BIL-1: bought %s %s, %i licences at %i: %i',
    (start, cycle, quantity, unitPrice, amount, end) => {
      const t = term(start, cycle, 0);
      const lines = openingLine(sub({ cycle, quantity, unitPrice }), at(start), t);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        reason: 'purchase',
        rule: 'R-BIL-1',
        amount,
        quantity,
        unitPrice,
        days: null,
      });
      expect(lines[0]?.periodEnd.toISOString()).toBe(end);
    },
  );

  it('R-REN-1: a renewed term is charged whole at the then-current price', () => {
    const start = at('2028-01-15T09:00:00Z');
    const l = renewalLine(sub({ unitPrice: 3900 }), { start, end: termEnd(start, 'annual') });
    expect(l).toMatchObject({ reason: 'renewal', rule: 'R-REN-1', amount: 468000, unitPrice: 3900 }); // 3900 × 12 × 10
  });
});

describe('R-BIL-2, R-QTY-3: quantity changes prorated by day to the term end', () => {
  it.each([
    // term start, cycle, unit, change at, from → to, expected lines
    // Jan 31 → Feb 28 is 28 days; Feb 10 09:00 leaves 18: 600 × 3 × 18 / 28 = 1157.14
    ['2027-01-31T09:00:00Z', 'monthly', 600, '2027-02-10T09:00:00Z', 5, 8, [['quantityIncrease', 1157]]],
    // leap year: Jan 31 → Feb 29 is 29 days; the last day leaves 1: 600 / 29 = 20.69
    ['2028-01-31T09:00:00Z', 'monthly', 600, '2028-02-28T12:00:00Z', 5, 6, [['quantityIncrease', 21]]],
    // Apr 15 → May 15 is 30 days; the last day: 15 / 30 = 0.5, half away from zero
    ['2027-04-15T09:00:00Z', 'monthly', 15, '2027-05-14T10:00:00Z', 1, 2, [['quantityIncrease', 1]]],
    ['2027-04-15T09:00:00Z', 'monthly', 15, '2027-05-14T10:00:00Z', 2, 1, [['quantityDecrease', -1]]],
    // annual, 100 days in, 265 left: 3600 × 12 × 6 × 265 / 365 = 188186.30
    ['2027-01-15T09:00:00Z', 'annual', 3600, '2027-04-25T09:00:00Z', 10, 4, [['quantityDecrease', -188186]]],
    // the last day of an annual term: 3600 × 12 / 365 = 118.36
    ['2027-01-15T09:00:00Z', 'annual', 3600, '2028-01-14T20:00:00Z', 10, 11, [['quantityIncrease', 118]]],
    // a 366-day term (it holds Feb 29 2028), on its first day: 366 days would be 86636.71, more than the
    // whole term, so the whole term: 3600 × 12 × 2 = 86400
    ['2027-03-01T09:00:00Z', 'annual', 3600, '2027-03-01T10:00:00Z', 10, 12, [['quantityIncrease', 86400]]],
  ] as const)(
    'R-BIL-2: term from %s (%s, %i), change at %s from %i to %i',
    (start, cycle, unitPrice, when, from, to, expected) => {
      const t = term(start, cycle, 0);
      const lines = changeLines(
        sub({ cycle, unitPrice, quantity: from }),
        sub({ cycle, unitPrice, quantity: to }),
        at(when),
        t,
      );
      expect(amounts(lines)).toEqual(expected);
      expect(lines.every((l) => l.rule === 'R-QTY-3' && l.quantity === Math.abs(to - from))).toBe(true);
    },
  );

  it('R-BIL-2: annual proration is price × 12 / 365 × days in any term', () => {
    const t = { start: at('2027-03-01T09:00:00Z'), end: at('2028-03-01T09:00:00Z') };
    expect(prorate(3600, 'annual', 10, 166, t)).toBe(196471); // 71,712,000 / 365 = 196471.23
    expect(prorate(3600, 'annual', 10, 365, t)).toBe(432000);
  });
});

describe('R-BIL-3, R-CAN-2: suspension or cancellation credits 100% within 30 days, then prorated', () => {
  const annual = (charged = 432000) => term('2027-01-15T09:00:00Z', 'annual', charged);
  const monthly = () => term('2027-01-15T09:00:00Z', 'monthly', 3000); // Jan 15 → Feb 15, 31 days
  const start = at('2027-01-15T09:00:00Z');
  it.each([
    // what, before, after status, when, term, expected
    [
      'monthly suspended on day 30',
      sub({ cycle: 'monthly', unitPrice: 600, quantity: 5 }),
      'suspended',
      plus(start, 29, 23),
      monthly(),
      [['suspension', -3000]],
    ],
    // day 31 of a 31-day month: 1 day left, 600 × 5 × 1 / 31 = 96.77
    [
      'monthly suspended on day 31',
      sub({ cycle: 'monthly', unitPrice: 600, quantity: 5 }),
      'suspended',
      plus(start, 30),
      monthly(),
      [['suspension', -97]],
    ],
    [
      'annual suspended on day 30',
      sub(),
      'suspended',
      plus(start, 29, 23),
      annual(),
      [['suspension', -432000]],
    ],
    // day 31: 335 days left, 3600 × 12 × 10 × 335 / 365 = 396493.15
    ['annual suspended on day 31', sub(), 'suspended', plus(start, 30), annual(), [['suspension', -396493]]],
    // after 200 days: 165 left, 3600 × 12 × 10 × 165 / 365 = 195287.67
    [
      'annual cancelled after 200 days',
      sub(),
      'deleted',
      plus(start, 200),
      annual(),
      [['cancellation', -195288]],
    ],
    [
      'annual cancelled on its first day',
      sub(),
      'deleted',
      plus(start, 0, 1),
      annual(),
      [['cancellation', -432000]],
    ],
    // the 100% is what the term charged, here the purchase and an increase (432000 + 84033)
    [
      'annual cancelled on day 20 after an increase',
      sub({ quantity: 12 }),
      'deleted',
      plus(start, 19),
      annual(516033),
      [['cancellation', -516033]],
    ],
    // a credit never exceeds what the term still holds: 1000 left after earlier credits
    [
      'annual suspended late with little left',
      sub(),
      'suspended',
      plus(start, 40),
      annual(1000),
      [['suspension', -1000]],
    ],
    [
      'a suspended subscription cancelled',
      sub({ status: 'suspended' }),
      'deleted',
      plus(start, 50),
      annual(),
      [],
    ],
    ['annual suspended after its term end', sub(), 'suspended', plus(start, 400), annual(), []],
  ] as const)('R-BIL-3: %s', (_what, before, status, when, t, expected) => {
    const lines = changeLines(before, { ...before, status }, when, t);
    expect(amounts(lines)).toEqual(expected);
    for (const l of lines) expect(l.rule).toBe(status === 'deleted' ? 'R-CAN-2' : 'R-BIL-3');
  });

  it('R-BIL-3: a leap term cancelled after 200 days credits 166 days', () => {
    const t = term('2027-03-01T09:00:00Z', 'annual', 432000); // 366 days
    const lines = changeLines(sub(), sub({ status: 'deleted' }), plus(at('2027-03-01T09:00:00Z'), 200), t);
    expect(amounts(lines)).toEqual([['cancellation', -196471]]); // 3600 × 12 × 10 × 166 / 365 = 196471.23
    expect(lines[0]?.days).toBe(166);
  });

  it('R-BIL-3: the 30 days of an add-on bought mid-term run from its purchase', () => {
    const t = term('2027-01-15T09:00:00Z', 'annual', 5000, '2027-03-01T09:00:00Z');
    const lines = changeLines(
      sub({ quantity: 1 }),
      sub({ quantity: 1, status: 'suspended' }),
      at('2027-03-20T09:00:00Z'),
      t,
    );
    expect(amounts(lines)).toEqual([['suspension', -5000]]);
  });
});

describe('R-BIL-4: reactivation charges the days from reactivation to the term end', () => {
  const t = term('2027-01-15T09:00:00Z', 'annual', 0);
  it('R-BIL-4: 100 days in, 265 left: 3600 × 12 × 10 × 265 / 365 = 313643.84', () => {
    const lines = changeLines(sub({ status: 'suspended' }), sub(), at('2027-04-25T09:00:00Z'), t);
    expect(amounts(lines)).toEqual([['reactivation', 313644]]);
    expect(lines[0]).toMatchObject({ rule: 'R-BIL-4', days: 265 });
  });
  it('R-BIL-4: reactivated with 3 more licences: 5 reactivated (156821.92) and 3 added (94093.15)', () => {
    const lines = changeLines(
      sub({ status: 'suspended', quantity: 5 }),
      sub({ quantity: 8 }),
      at('2027-04-25T09:00:00Z'),
      t,
    );
    expect(amounts(lines)).toEqual([
      ['reactivation', 156822],
      ['quantityIncrease', 94093],
    ]);
  });
  it('R-BIL-4: reactivated after the term ended: nothing left to charge', () => {
    expect(changeLines(sub({ status: 'suspended' }), sub(), at('2028-02-01T09:00:00Z'), t)).toEqual([]);
  });
});

describe('R-BIL-5, R-ADD-2: trials never charge; conversion starts paid billing; add-ons prorated', () => {
  it('R-BIL-5: a trial opens nothing and its changes bill nothing', () => {
    const trial = sub({ isTrial: true, cycle: 'none', quantity: 25, unitPrice: 0 });
    const t = term('2027-01-15T09:00:00Z', 'annual', 0);
    expect(openingLine(trial, t.start, t)).toEqual([]);
    expect(changeLines(trial, { ...trial, status: 'deleted' }, plus(t.start, 3), t)).toEqual([]);
  });
  it('R-BIL-5: conversion charges the whole first paid term', () => {
    const t = term('2027-02-01T09:00:00Z', 'annual', 0);
    const lines = openingLine(sub({ quantity: 60 }), t.start, t, true);
    expect(lines).toMatchObject([{ reason: 'conversion', rule: 'R-BIL-5', amount: 2592000 }]); // 3600 × 12 × 60
  });
  it("R-ADD-2: an add-on bought on day 11 of its base's 31-day month: 400 × 40 × 21 / 31 = 10838.71", () => {
    const t = term('2027-01-15T09:00:00Z', 'monthly', 0, '2027-01-25T09:00:00Z');
    const lines = openingLine(sub({ cycle: 'monthly', unitPrice: 400, quantity: 40 }), t.openedAt, t);
    expect(lines).toMatchObject([{ reason: 'addOnPurchase', rule: 'R-ADD-2', amount: 10839, days: 21 }]);
  });
});

describe('R-BIL-6: statement months', () => {
  it('R-BIL-6: YYYY-MM is a UTC month; a range lists every month; bad input names the field', () => {
    const m = parseMonth('2028-02');
    expect([m.start.toISOString(), m.end.toISOString()]).toEqual([
      '2028-02-01T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
    ]);
    expect(monthsBetween(parseMonth('2027-11'), parseMonth('2028-02')).map((x) => x.text)).toEqual([
      '2027-11',
      '2027-12',
      '2028-01',
      '2028-02',
    ]);
    expect(() => parseMonth('2027-13', 'from')).toThrow(
      expect.objectContaining({ code: 2000, data: [{ field: 'from', rule: 'R-BIL-6' }] }),
    );
    expect(() => monthsBetween(parseMonth('2028-02'), parseMonth('2027-11'))).toThrow();
  });
});
