import { DomainError } from '../errors.ts';

/**
 * A customer's profiles as Partner Center shapes them (CustomerCompanyProfile, CustomerBillingProfile,
 * Address), and the normalizing of what a client sends: Partner Center's samples write enum-like values in
 * any case (`"Culture": "EN-US"`, `"Language": "En"`, `"Country": "us"`), which are stored in one spelling.
 */

/** Partner Center's Address fields, all strings; `country` is ISO 3166 alpha-2, upper case. */
export const ADDRESS_FIELDS = [
  'id',
  'country',
  'region',
  'city',
  'state',
  'district',
  'addressLine1',
  'addressLine2',
  'addressLine3',
  'postalCode',
  'firstName',
  'middleName',
  'lastName',
  'emailAddress',
  'phoneNumber',
] as const;
type AddressField = (typeof ADDRESS_FIELDS)[number];

export type Address = { country: string } & Partial<Record<Exclude<AddressField, 'country'>, string>>;

export interface BillingProfile {
  firstName: string;
  lastName: string;
  email: string;
  culture: string;
  language: string;
  companyName: string;
  defaultAddress: Address;
}

/** What a client sends for a billing profile: the contact name may sit in the profile or in the address. */
export interface BillingProfileInput {
  firstName?: string | undefined;
  lastName?: string | undefined;
  email: string;
  culture: string;
  language: string;
  companyName: string;
  defaultAddress: Partial<Record<AddressField, unknown>> & { country: string };
}

/** `EN-US` → `en-US`, `zh-hant-tw` → `zh-Hant-TW`: BCP 47 casing (language lower, script title, region upper). */
export function normalizeCulture(value: string): string {
  return value
    .trim()
    .split(/[-_]/)
    .map((part, i) => {
      if (i === 0) return part.toLowerCase();
      if (part.length === 2) return part.toUpperCase();
      if (part.length === 4) return part.charAt(0).toUpperCase() + part.slice(1).toLowerCase();
      return part.toLowerCase();
    })
    .join('-');
}

export const normalizeLanguage = (value: string): string => value.trim().toLowerCase();
export const normalizeCountry = (value: string): string => value.trim().toUpperCase();

/** Domains compare without case (R-CUS-1), so they are stored in lower case, without a trailing dot. */
export const normalizeDomain = (value: string): string => value.trim().toLowerCase().replace(/\.$/, '');

/** Keeps Partner Center's Address fields that are strings, trimmed, with the country in upper case. */
export function normalizeAddress(
  input: Partial<Record<AddressField, unknown>> & { country: string },
): Address {
  const out: Partial<Record<AddressField, string>> = {};
  for (const field of ADDRESS_FIELDS) {
    const v = input[field];
    if (typeof v === 'string' && v.trim() !== '') out[field] = v.trim();
  }
  return { ...out, country: normalizeCountry(input.country) };
}

/**
 * Normalizes a billing profile and checks what the schema cannot: the contact's first and last name are
 * required, in the billing profile or in its default address (Partner Center's samples put them there).
 */
export function normalizeBillingProfile(
  input: BillingProfileInput,
  fieldPrefix = 'billingProfile.',
): BillingProfile {
  const defaultAddress = normalizeAddress(input.defaultAddress);
  const firstName = input.firstName?.trim() || defaultAddress.firstName;
  const lastName = input.lastName?.trim() || defaultAddress.lastName;
  const missing = [
    ...(firstName ? [] : [`${fieldPrefix}firstName`]),
    ...(lastName ? [] : [`${fieldPrefix}lastName`]),
  ];
  if (!firstName || !lastName) {
    throw new DomainError(
      'invalid_input',
      2000,
      'customer.contactNameRequired',
      { fields: missing.join(', ') },
      missing.map((field) => ({ field, problem: 'is required here or in defaultAddress' })),
    );
  }
  return {
    firstName,
    lastName,
    email: input.email.trim(),
    culture: normalizeCulture(input.culture),
    language: normalizeLanguage(input.language),
    companyName: input.companyName.trim(),
    defaultAddress,
  };
}

/**
 * Countries where Partner Center requires the company's registration number at creation
 * (SDK-DOCS customer-resources.md, CustomerCompanyProfile.organizationRegistrationNumber).
 */
export const REGISTRATION_NUMBER_COUNTRIES: readonly string[] = [
  ...['AM', 'AZ', 'BY', 'HU', 'KZ', 'KG', 'MD', 'RU', 'TJ', 'UZ', 'UA', 'IN'],
  ...['BR', 'ZA', 'PL', 'AE', 'SA', 'TR', 'TH', 'VN', 'MM', 'IQ', 'SS', 'VE'],
];

export function throwIfRegistrationNumberMissing(
  country: string,
  registrationNumber: string | undefined,
): void {
  if (registrationNumber?.trim() || !REGISTRATION_NUMBER_COUNTRIES.includes(country)) return;
  throw new DomainError('invalid_input', 2000, 'customer.registrationNumberRequired', { country }, [
    {
      field: 'companyProfile.organizationRegistrationNumber',
      problem: 'is required in this country',
      country,
    },
  ]);
}
