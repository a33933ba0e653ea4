import { divideRounded, formatMinorUnits, minorDigitsOf } from '../billing/money.ts';
import { DomainError } from '../errors.ts';

/**
 * The rules of customer invoices (R-INV-1), pure: numbers, tax, the language a document is written in, and
 * how a month's ledger lines are shared between the month's invoice and credit notes.
 */

/** The languages a document can be written in; a customer whose language is none of them gets en-US. */
export const INVOICE_LOCALES = ['en-US', 'fr-FR', 'de-DE'] as const;
export type InvoiceLocale = (typeof INVOICE_LOCALES)[number];

/** The customer's document language, from its billing profile's culture, else its language. */
export function invoiceLocale(culture: string, language: string): InvoiceLocale {
  const lang = (culture.split('-')[0] ?? '').toLowerCase() || language.toLowerCase();
  if (lang === 'fr') return 'fr-FR';
  if (lang === 'de') return 'de-DE';
  return 'en-US';
}

export const DEFAULT_PREFIX = 'INV';
export const PREFIX_PATTERN = /^[A-Z0-9]{1,10}$/;

/** `<prefix>-<year>-<seq>`, the sequence on six digits at least: INV-2027-000042. */
export const invoiceNumber = (prefix: string, year: number, seq: number): string =>
  `${prefix}-${year}-${String(seq).padStart(6, '0')}`;

/** Basis points: 2000 is 20 %. At most 100 %. */
export const MAX_TAX_RATE = 10_000;

/** Tax on a net amount at a rate in basis points, rounded half away from zero once per document. */
export const taxOf = (net: bigint, rateBasisPoints: number): bigint =>
  divideRounded(net * BigInt(rateBasisPoints), 10_000n);

/** A percentage with at most two decimals ("20", "8.5", 19.6) to basis points, or a 400 naming `field`. */
export function percentToBasisPoints(value: string | number, field: string): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text);
  const bp = m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : NaN;
  if (!m || !(bp >= 0 && bp <= MAX_TAX_RATE)) {
    throw new DomainError('invalid_input', 2000, 'invoice.invalidTaxRate', { value: text }, [
      { field, rule: 'R-INV-1' },
    ]);
  }
  return bp;
}

/** Basis points as a percentage string: 2000 → "20", 850 → "8.5". */
export const basisPointsToPercent = (bp: number): string =>
  formatMinorUnits(bp, 2).replace(/\.?0+$/, '') || '0';

/** The rate a customer pays: the partner's rate for its country, 0 when the partner set none. */
export const taxRateFor = (rates: Readonly<Record<string, number>>, country: string): number =>
  rates[country.toUpperCase()] ?? 0;

/** A ledger line as the close sees it. */
export interface CloseLine {
  id: string;
  subscriptionId: string;
  amount: bigint;
  periodStart: Date;
  periodEnd: Date;
}

/** A line already on an issued invoice, for finding which invoice a credit corrects. */
export interface InvoicedLine {
  invoiceId: string;
  issuedAt: Date;
  subscriptionId: string;
  periodStart: Date;
  periodEnd: Date;
}

/**
 * Shares one customer's lines (one currency) between the month's invoice and credit notes (R-INV-1). A credit
 * (amount < 0) for a period that an invoice issued earlier charged for the same subscription corrects that
 * invoice: it goes on a credit note referencing it (the latest such invoice). Every other line, charges and
 * credits for what no issued invoice covered (bought and cancelled in the same month), goes on the invoice.
 */
export function shareLines<L extends CloseLine>(
  lines: readonly L[],
  invoiced: readonly InvoicedLine[],
): { invoice: L[]; creditNotes: Map<string, L[]> } {
  const invoice: L[] = [];
  const creditNotes = new Map<string, L[]>();
  for (const line of lines) {
    const corrected =
      line.amount < 0n
        ? invoiced
            .filter(
              (i) =>
                i.subscriptionId === line.subscriptionId &&
                i.periodStart.getTime() < line.periodEnd.getTime() &&
                i.periodEnd.getTime() > line.periodStart.getTime(),
            )
            .sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime())[0]
        : undefined;
    if (corrected) {
      const list = creditNotes.get(corrected.invoiceId) ?? [];
      list.push(line);
      creditNotes.set(corrected.invoiceId, list);
    } else {
      invoice.push(line);
    }
  }
  return { invoice, creditNotes };
}

/** Net, tax and total of a document, in minor units. */
export function documentTotals(
  amounts: readonly bigint[],
  rateBasisPoints: number,
): { net: bigint; tax: bigint; total: bigint } {
  const net = amounts.reduce((s, a) => s + a, 0n);
  const tax = taxOf(net, rateBasisPoints);
  return { net, tax, total: net + tax };
}

/** An amount in minor units as the customer's language writes money: 1234,56 € in French, $1,234.56 in English. */
export function formatMoney(amount: number | bigint, currency: string, locale: InvoiceLocale): string {
  const digits = minorDigitsOf(currency);
  // Intl takes a decimal string exactly (no binary floating point between the ledger and the page).
  const text = formatMinorUnits(amount, digits);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(text as unknown as number);
}

/** A date (UTC) as the customer's language writes it: 01/31/2027, 31/01/2027, 31.01.2027. */
export const formatDate = (d: Date, locale: InvoiceLocale): string =>
  new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
