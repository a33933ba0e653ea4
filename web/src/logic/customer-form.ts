import type { NewCustomerBody } from '../api/client.ts';

/** Qualifications a partner may give a new customer (R-CUS-2); none means a commercial customer. */
export const QUALIFICATIONS = ['Education', 'GovernmentCommunityCloud', 'StateOwnedEntity'] as const;
export type Qualification = (typeof QUALIFICATIONS)[number];

/** Billing cultures offered in the form; the language is the culture's first part (`fr-FR` → `fr`). */
export const CULTURES = ['en-US', 'en-GB', 'fr-FR', 'de-DE', 'es-ES', 'it-IT', 'nl-NL', 'pt-BR', 'ja-JP'];

export interface CustomerForm {
  companyName: string;
  domain: string;
  firstName: string;
  lastName: string;
  email: string;
  culture: string;
  country: string;
  addressLine1: string;
  city: string;
  postalCode: string;
  state: string;
  qualification: Qualification | '';
}

export type CustomerField = keyof CustomerForm;

export const EMPTY_CUSTOMER: CustomerForm = {
  companyName: '',
  domain: '',
  firstName: '',
  lastName: '',
  email: '',
  culture: 'en-US',
  country: '',
  addressLine1: '',
  city: '',
  postalCode: '',
  state: '',
  qualification: '',
};

export type CustomerProblemKey = 'form.required' | 'customer.domainInvalid' | 'customer.emailInvalid';

// The same shapes the API checks (src/http/routes/customers.ts), so most mistakes show before sending.
const DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function customerProblems(f: CustomerForm): Partial<Record<CustomerField, CustomerProblemKey>> {
  const problems: Partial<Record<CustomerField, CustomerProblemKey>> = {};
  // The API needs the billing contact's first and last name (src/domain/customer/profile.ts).
  const required = [
    'companyName',
    'domain',
    'firstName',
    'lastName',
    'email',
    'country',
    'addressLine1',
    'city',
  ] as const;
  for (const field of required) {
    if (!f[field].trim()) problems[field] = 'form.required';
  }
  if (!problems.domain && !DOMAIN.test(f.domain.trim())) problems.domain = 'customer.domainInvalid';
  if (!problems.email && !EMAIL.test(f.email.trim())) problems.email = 'customer.emailInvalid';
  return problems;
}

const optional = (key: string, value: string) => (value.trim() ? { [key]: value.trim() } : {});

/** Partner Center's customer body (R-API-1) from the form. */
export function customerBody(f: CustomerForm): NewCustomerBody {
  return {
    companyProfile: { domain: f.domain.trim(), companyName: f.companyName.trim() },
    billingProfile: {
      ...optional('firstName', f.firstName),
      ...optional('lastName', f.lastName),
      email: f.email.trim(),
      culture: f.culture,
      language: f.culture.slice(0, 2),
      companyName: f.companyName.trim(),
      defaultAddress: {
        country: f.country,
        ...optional('addressLine1', f.addressLine1),
        ...optional('city', f.city),
        ...optional('postalCode', f.postalCode),
        ...optional('state', f.state),
        ...optional('firstName', f.firstName),
        ...optional('lastName', f.lastName),
      },
    },
  };
}

const FIELD_OF_PATH: Record<string, CustomerField> = {
  'companyProfile.domain': 'domain',
  'companyProfile.companyName': 'companyName',
  'billingProfile.companyName': 'companyName',
  'billingProfile.email': 'email',
  'billingProfile.culture': 'culture',
  'billingProfile.firstName': 'firstName',
  'billingProfile.lastName': 'lastName',
  'billingProfile.defaultAddress.country': 'country',
  'billingProfile.defaultAddress.addressLine1': 'addressLine1',
  'billingProfile.defaultAddress.city': 'city',
  'billingProfile.defaultAddress.postalCode': 'postalCode',
  'billingProfile.defaultAddress.state': 'state',
  qualification: 'qualification',
};

/** The form field a refusal's `data` names (`body.billingProfile.email` → `email`), if any. */
export function fieldOfError(data: readonly unknown[], code: number): CustomerField | undefined {
  if (code === 900111) return 'domain'; // domain already claimed on this instance (R-CUS-1)
  if (code === 900110 || code === 900114) return 'country';
  for (const item of data) {
    const path = (item as { field?: unknown } | null)?.field;
    if (typeof path !== 'string') continue;
    const field =
      FIELD_OF_PATH[
        path
          .replace(/^body\./, '')
          .replace(/\.$/, '')
          .replace(/^qualifications\.\d+$/, 'qualification')
      ];
    if (field) return field;
  }
  return undefined;
}
