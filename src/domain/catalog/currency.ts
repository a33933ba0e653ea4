import type { Cloud } from '../cloud.ts';
import type { Currency } from './offer.ts';

/** Countries that pay in euro; the global instance bills them in EUR and everyone else in USD. */
export const EUROZONE: readonly string[] = [
  ...['AT', 'BE', 'CY', 'DE', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR'],
  ...['IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PT', 'SI', 'SK'],
];

/** The currency a customer is billed in: the instance's, or per country on the global one (SPEC §6). */
export function currencyFor(country: string, cloud: Cloud): Currency {
  switch (cloud) {
    case 'usgov':
      return 'USD';
    case 'germany':
      return 'EUR';
    case 'global':
      return EUROZONE.includes(country.toUpperCase()) ? 'EUR' : 'USD';
  }
}
