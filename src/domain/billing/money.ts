import type { Currency } from '../catalog/offer.ts';

/**
 * Money is an integer number of minor units (cents) everywhere in Seatwise; nothing is ever held in a
 * floating-point number. Divisions happen once per ledger line, here, in BigInt, and round half away from
 * zero (0.5 → 1, -0.5 → -1): a credit is the exact mirror of the charge it reverses.
 */

/** Digits after the decimal point of each currency's minor unit (ISO 4217). */
export const MINOR_DIGITS: Record<Currency, number> = { USD: 2, EUR: 2 };

export const minorDigitsOf = (currency: string): number => MINOR_DIGITS[currency as Currency] ?? 2;

/** numerator / denominator rounded half away from zero, exactly (denominator > 0). */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('the denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = n / denominator;
  const r = n % denominator;
  const rounded = 2n * r >= denominator ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** A BigInt amount back to a number, refusing what a double cannot hold exactly. */
export function toSafeNumber(amount: bigint): number {
  if (amount > BigInt(Number.MAX_SAFE_INTEGER) || amount < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`amount ${amount} is beyond the exact range of a number`);
  }
  return Number(amount);
}

/** Reads an integer amount as a database driver returns it (number, bigint or numeric string). */
export function amountOf(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (value === null || value === undefined) return 0n;
  throw new TypeError(`not an integer amount: ${JSON.stringify(value)}`);
}

/** Minor units as a decimal string in major units, with a point and no grouping: -1234 → "-12.34". */
export function formatMinorUnits(amount: bigint | number, digits = 2): string {
  const v = typeof amount === 'bigint' ? amount : BigInt(amount);
  const negative = v < 0n;
  const abs = (negative ? -v : v).toString().padStart(digits + 1, '0');
  const whole = abs.slice(0, abs.length - digits);
  const fraction = abs.slice(abs.length - digits);
  return `${negative ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}
