import type { Locale } from './locale.ts';

/** How many minor units make one unit of a currency (100 for EUR and USD), from Intl itself. */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits as number;
}

/** An amount in minor units (cents, as the API gives prices) in the locale's currency format. */
export function formatMoney(locale: Locale, minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** digits);
}

/** A date (no time) in the locale's long format, in the browser's time zone unless one is given. */
export function formatDate(locale: Locale, iso: string | Date, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'long',
    ...(timeZone ? { timeZone } : {}),
  }).format(typeof iso === 'string' ? new Date(iso) : iso);
}

export function formatDateTime(locale: Locale, iso: string | Date, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(typeof iso === 'string' ? new Date(iso) : iso);
}

export function formatNumber(locale: Locale, n: number): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A country's name in the locale, from its ISO 3166 code (`FR` → `France`, `Frankreich`). */
export function countryName(locale: Locale, code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** A month (`2027-01`) as the locale names it (`January 2027`, `janvier 2027`), in UTC as statements count. */
export function formatMonth(locale: Locale, month: string): string {
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00Z`),
  );
}
