import { describe, expect, it } from 'vitest';
import { countryName, formatDate, formatMoney } from './format.ts';

// Intl puts narrow no-break spaces in some formats; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('formatting for the locale (SPEC §5)', () => {
  it('formats prices given in minor units as currency in each language', () => {
    expect(formatMoney('en-US', 123456, 'USD')).toBe('$1,234.56');
    expect(plain(formatMoney('fr-FR', 123456, 'EUR'))).toBe('1 234,56 €');
    expect(plain(formatMoney('de-DE', 123456, 'EUR'))).toBe('1.234,56 €');
  });

  it('formats dates in each language', () => {
    const d = '2027-04-15T09:00:00.000Z';
    expect(formatDate('en-US', d, 'UTC')).toBe('April 15, 2027');
    expect(formatDate('fr-FR', d, 'UTC')).toBe('15 avril 2027');
    expect(formatDate('de-DE', d, 'UTC')).toBe('15. April 2027');
  });

  it('names countries in each language', () => {
    expect(countryName('de-DE', 'fr')).toBe('Frankreich');
    expect(countryName('fr-FR', 'DE')).toBe('Allemagne');
  });
});
