import { describe, expect, it } from 'vitest';
import { customerBody, customerProblems, EMPTY_CUSTOMER, fieldOfError } from './customer-form.ts';

const filled = {
  ...EMPTY_CUSTOMER,
  companyName: ' Fabrikam ',
  domain: 'fabrikam.onmicrosoft.com',
  firstName: 'Dana',
  lastName: 'Smith',
  email: 'it@fabrikam.fr',
  culture: 'fr-FR',
  country: 'FR',
  addressLine1: '1 rue de la Paix',
  city: 'Paris',
};

describe('the new-customer form (SPEC §5: customer creation)', () => {
  it('names each missing or malformed field before sending', () => {
    expect(customerProblems(EMPTY_CUSTOMER)).toMatchObject({
      companyName: 'form.required',
      domain: 'form.required',
    });
    expect(customerProblems({ ...filled, domain: 'not a domain', email: 'x@' })).toEqual({
      domain: 'customer.domainInvalid',
      email: 'customer.emailInvalid',
    });
    expect(customerProblems(filled)).toEqual({});
  });

  it("builds Partner Center's body, the language taken from the culture", () => {
    expect(customerBody(filled)).toEqual({
      companyProfile: { domain: 'fabrikam.onmicrosoft.com', companyName: 'Fabrikam' },
      billingProfile: {
        firstName: 'Dana',
        lastName: 'Smith',
        email: 'it@fabrikam.fr',
        culture: 'fr-FR',
        language: 'fr',
        companyName: 'Fabrikam',
        defaultAddress: {
          country: 'FR',
          addressLine1: '1 rue de la Paix',
          city: 'Paris',
          firstName: 'Dana',
          lastName: 'Smith',
        },
      },
    });
  });

  it('puts a refusal on the field it names (R-API-4), a claimed domain on the domain (R-CUS-1)', () => {
    expect(fieldOfError([{ field: 'body.billingProfile.email', problem: 'x' }], 2000)).toBe('email');
    expect(fieldOfError([], 900111)).toBe('domain');
    expect(fieldOfError([{ field: 'elsewhere' }], 2000)).toBeUndefined();
  });
});
