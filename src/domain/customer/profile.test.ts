import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import {
  normalizeAddress,
  normalizeBillingProfile,
  normalizeCulture,
  normalizeDomain,
  normalizeLanguage,
  throwIfRegistrationNumberMissing,
} from './profile.ts';

describe('R-API-1 customer profiles: enum-like values in any case', () => {
  it.each([
    ['EN-US', 'en-US'],
    ['fr-fr', 'fr-FR'],
    ['De-dE', 'de-DE'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['en_gb', 'en-GB'],
    ['fr', 'fr'],
  ])('R-API-1: culture %s is stored %s', (input, expected) => {
    expect(normalizeCulture(input)).toBe(expected);
  });

  it('R-API-1: language and country are stored in one case; domains in lower case (R-CUS-1)', () => {
    expect(normalizeLanguage('En')).toBe('en');
    expect(normalizeAddress({ country: 'us', city: ' Redmond ', postalCode: '' })).toEqual({
      country: 'US',
      city: 'Redmond',
    });
    expect(normalizeDomain('Contoso.OnMicrosoft.com.')).toBe('contoso.onmicrosoft.com');
  });

  const base = {
    email: 'x@y.com',
    culture: 'EN-US',
    language: 'En',
    companyName: 'Contoso',
  };

  it.each([
    ['in the billing profile', { firstName: 'A', lastName: 'B' }, {}, ['A', 'B']],
    ['in the default address', {}, { firstName: 'C', lastName: 'D' }, ['C', 'D']],
    [
      'in both: the profile wins',
      { firstName: 'A', lastName: 'B' },
      { firstName: 'C', lastName: 'D' },
      ['A', 'B'],
    ],
    ['split between them', { firstName: 'A' }, { lastName: 'D' }, ['A', 'D']],
  ])('R-API-4: the contact name may be %s', (_, profile, address, [first, last]) => {
    const p = normalizeBillingProfile({ ...base, ...profile, defaultAddress: { country: 'us', ...address } });
    expect([p.firstName, p.lastName]).toEqual([first, last]);
    expect(p).toMatchObject({ culture: 'en-US', language: 'en', defaultAddress: { country: 'US' } });
  });

  it('R-API-4: a missing contact name is a 2000 that names each missing field', () => {
    try {
      normalizeBillingProfile({ ...base, firstName: 'A', defaultAddress: { country: 'US' } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect(e).toMatchObject({ code: 2000, data: [{ field: 'billingProfile.lastName' }] });
    }
  });

  it('R-API-1: Partner Center requires the registration number in some countries only', () => {
    expect(() => throwIfRegistrationNumberMissing('IN', undefined)).toThrow(DomainError);
    expect(() => throwIfRegistrationNumberMissing('IN', '12345')).not.toThrow();
    expect(() => throwIfRegistrationNumberMissing('US', undefined)).not.toThrow();
  });
});
