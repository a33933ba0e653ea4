import { describe, expect, it } from 'vitest';
import {
  basisPointsToPercent,
  documentTotals,
  formatMoney,
  invoiceLocale,
  invoiceNumber,
  percentToBasisPoints,
  shareLines,
  taxOf,
} from './invoice-rules.ts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { glyphsOf, printable as printableIn } from './pdf.ts';

// The faces src/app gives the PDF: DejaVu Sans from its package.
const FONT_DIR = join(
  dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
);
const canDraw = glyphsOf({
  regular: readFileSync(join(FONT_DIR, 'DejaVuSans.ttf')),
  bold: readFileSync(join(FONT_DIR, 'DejaVuSans-Bold.ttf')),
});
const printable = (text: string) => printableIn(text, canDraw);

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe('invoice rules (R-INV-1)', () => {
  it('R-INV-1: numbers read <prefix>-<year>-<seq>, the sequence on six digits at least', () => {
    expect(invoiceNumber('INV', 2027, 1)).toBe('INV-2027-000001');
    expect(invoiceNumber('SW', 2028, 1234567)).toBe('SW-2028-1234567');
  });

  it('R-INV-1: tax is computed once on the net, in basis points, rounded half away from zero', () => {
    expect(taxOf(1000n, 2000)).toBe(200n);
    expect(taxOf(1n, 5000)).toBe(1n); // 0.5 cent rounds up
    expect(taxOf(-1n, 5000)).toBe(-1n); // and a credit mirrors it
    expect(taxOf(12345n, 0)).toBe(0n);
    expect(documentTotals([1000n, 2345n, -345n], 1960)).toEqual({ net: 3000n, tax: 588n, total: 3588n });
  });

  it('R-INV-1: a tax rate is a percentage from 0 to 100 with at most two decimals; anything else names the field', () => {
    expect(percentToBasisPoints('20', 'f')).toBe(2000);
    expect(percentToBasisPoints(19.6, 'f')).toBe(1960);
    expect(percentToBasisPoints('8.5', 'f')).toBe(850);
    expect(percentToBasisPoints('100', 'f')).toBe(10000);
    for (const bad of ['100.01', '-1', '1.234', '1e2', '', 'x', 'NaN', '20%']) {
      expect(() => percentToBasisPoints(bad, 'taxRates[0].percent'), bad).toThrow(
        expect.objectContaining({
          kind: 'invalid_input',
          data: [{ field: 'taxRates[0].percent', rule: 'R-INV-1' }],
        }),
      );
    }
    expect(basisPointsToPercent(2000)).toBe('20');
    expect(basisPointsToPercent(850)).toBe('8.5');
    expect(basisPointsToPercent(0)).toBe('0');
  });

  it("R-INV-1: the document's language follows the customer's culture, then its language; English otherwise", () => {
    expect(invoiceLocale('fr-FR', 'fr')).toBe('fr-FR');
    expect(invoiceLocale('fr-CA', 'fr')).toBe('fr-FR');
    expect(invoiceLocale('de-DE', 'de')).toBe('de-DE');
    expect(invoiceLocale('', 'de')).toBe('de-DE');
    expect(invoiceLocale('it-IT', 'it')).toBe('en-US');
    expect(invoiceLocale('en-GB', 'en')).toBe('en-US');
  });

  it('R-INV-1: money is written the way the language writes it, exactly from minor units', () => {
    expect(printable(formatMoney(123456, 'EUR', 'fr-FR'))).toBe('1 234,56 €');
    expect(printable(formatMoney(-123456, 'EUR', 'de-DE'))).toBe('-1.234,56 €');
    expect(formatMoney(900719925474099, 'USD', 'en-US')).toBe('$9,007,199,254,740.99');
  });

  it('R-INV-1: a credit for a period an earlier invoice charged goes on a credit note for the latest such invoice; other lines stay on the invoice', () => {
    const invoiced = [
      {
        invoiceId: 'jan',
        issuedAt: d('2027-02-01'),
        subscriptionId: 's1',
        periodStart: d('2027-01-15'),
        periodEnd: d('2028-01-15'),
      },
      {
        invoiceId: 'feb',
        issuedAt: d('2027-03-01'),
        subscriptionId: 's1',
        periodStart: d('2027-02-20'),
        periodEnd: d('2028-01-15'),
      },
      {
        invoiceId: 'jan',
        issuedAt: d('2027-02-01'),
        subscriptionId: 's2',
        periodStart: d('2027-01-15'),
        periodEnd: d('2027-02-15'),
      },
    ];
    const line = (id: string, subscriptionId: string, amount: bigint, from: string, to: string) => ({
      id,
      subscriptionId,
      amount,
      periodStart: d(from),
      periodEnd: d(to),
    });
    const lines = [
      line('credit-s1', 's1', -500n, '2027-03-10', '2028-01-15'), // covered by jan and feb: the latest, feb
      line('credit-s2-later', 's2', -100n, '2027-03-01', '2027-03-15'), // s2's invoiced period ended before
      line('credit-s3', 's3', -100n, '2027-03-01', '2027-04-01'), // nothing invoiced for s3
      line('charge-s1', 's1', 900n, '2027-03-10', '2028-01-15'), // a charge is never on a credit note
    ];
    const shared = shareLines(lines, invoiced);
    expect(shared.invoice.map((l) => l.id)).toEqual(['credit-s2-later', 'credit-s3', 'charge-s1']);
    expect([...shared.creditNotes.entries()].map(([k, v]) => [k, v.map((l) => l.id)])).toEqual([
      ['feb', ['credit-s1']],
    ]);
  });

  it('R-INV-1: the PDF text keeps Latin, Greek and Cyrillic letters and replaces what its font cannot draw', () => {
    expect(printable('Größe café €5 Œuvre')).toBe('Größe café €5 Œuvre');
    expect(printable('Łódź Sp. z o.o.')).toBe('Łódź Sp. z o.o.');
    expect(printable('Ærø ApS, Søndergade 3')).toBe('Ærø ApS, Søndergade 3');
    expect(printable('Οδός Ερμού 12, Αθήνα')).toBe('Οδός Ερμού 12, Αθήνα');
    expect(printable('ООО Ромашка')).toBe('ООО Ромашка');
    expect(printable('1\u202f234,50\u00a0€')).toBe('1 234,50 €');
    expect(printable('株式会社 Ltd\u0007')).toBe('???? Ltd?');
  });
});
