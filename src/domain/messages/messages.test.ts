import { describe, expect, it } from 'vitest';
import { formatMessage, LOCALES, MESSAGE_AREAS, MESSAGES, pickLocale } from './index.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('R-API-4 localized messages', () => {
  for (const [key, translations] of Object.entries(MESSAGES)) {
    it(`${key} exists in every locale with the same placeholders`, () => {
      const expected = placeholders(translations['en-US']);
      for (const locale of LOCALES) {
        expect(translations[locale].trim().length).toBeGreaterThan(0);
        expect(placeholders(translations[locale])).toEqual(expected);
      }
    });
  }

  it('no key is defined in two areas', () => {
    const keys = Object.values(MESSAGE_AREAS).flatMap((area) => Object.keys(area));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('R-API-4: X-Locale picks the language, case-insensitively, with en-US as the default', () => {
    expect(pickLocale('fr-FR')).toBe('fr-FR');
    expect(pickLocale('DE-de')).toBe('de-DE');
    expect(pickLocale('fr-CA,fr;q=0.9')).toBe('fr-FR');
    expect(pickLocale('ja-JP')).toBe('en-US');
    expect(pickLocale(undefined)).toBe('en-US');
    expect(formatMessage('rate.limited', { seconds: 5 }, 'de-DE')).toContain('5 Sekunden');
  });
});
