import { describe, expect, it } from 'vitest';
import { subscriptionLabel } from './names.ts';

describe('a subscription as the console names it', () => {
  it('is its product when never renamed, and the given name with the product when renamed', () => {
    const product = 'Contoso 365 Business Standard';
    expect(subscriptionLabel({ friendlyName: product, offerName: product })).toBe(product);
    expect(subscriptionLabel({ friendlyName: '  ', offerName: product })).toBe(product);
    expect(subscriptionLabel({ friendlyName: 'Sales team', offerName: product })).toBe(
      'Sales team (Contoso 365 Business Standard)',
    );
  });
});
