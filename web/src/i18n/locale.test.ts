import { describe, expect, it } from 'vitest';
import { matchLocale, pickLocale } from './locale.ts';

describe('the console language (SPEC §5: en-US, fr-FR, de-DE)', () => {
  it('matches a tag to the closest console language, or none', () => {
    expect(matchLocale('fr-FR')).toBe('fr-FR');
    expect(matchLocale('FR_ca')).toBe('fr-FR');
    expect(matchLocale('de')).toBe('de-DE');
    expect(matchLocale('en-GB')).toBe('en-US');
    expect(matchLocale('es-ES')).toBeUndefined();
    expect(matchLocale(null)).toBeUndefined();
  });

  it("takes the language chosen in the menu, then the user's setting, then the browser's, then English", () => {
    expect(pickLocale({ chosen: 'de-DE', user: 'fr-FR', browser: ['en-US'] })).toBe('de-DE');
    expect(pickLocale({ chosen: null, user: 'fr-FR', browser: ['de-DE'] })).toBe('fr-FR');
    expect(pickLocale({ user: null, browser: ['es-ES', 'de-AT', 'fr-FR'] })).toBe('de-DE');
    expect(pickLocale({ browser: ['ja-JP'] })).toBe('en-US');
    expect(pickLocale({})).toBe('en-US');
  });
});
