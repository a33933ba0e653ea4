import { describe, expect, it } from 'vitest';
import { citedRules, lineReasons, partnerText } from './partner-text.ts';

describe('server text as a partner reads it', () => {
  it('drops rule citations and keeps the sentence', () => {
    expect(partnerText('The order was refused: 1 line item(s) failed; nothing was created (R-ORD-1).')).toBe(
      'The order was refused: 1 line item(s) failed; nothing was created.',
    );
    expect(partnerText('The role SalesAgent may not do this (billing.view, R-ROLE).')).toBe(
      'The role SalesAgent may not do this.',
    );
    expect(partnerText('Not on this instance (SPEC §6)')).toBe('Not on this instance');
    expect(partnerText('Purchase (R-BIL-1)')).toBe('Purchase');
    expect(partnerText('Contoso (Canada) Ltd')).toBe('Contoso (Canada) Ltd');
    expect(
      partnerText('The quantity of CN-ADD-STORAGE must be between 1 and 10000.', {
        'CN-ADD-STORAGE': 'Extra Storage',
      }),
    ).toBe('The quantity of Extra Storage must be between 1 and 10000.');
  });

  it('lists the cited rules and the refused lines’ reasons', () => {
    expect(citedRules('a (R-ORD-1) b (SPEC §6)')).toEqual(['R-ORD-1', 'SPEC §6']);
    expect(lineReasons([{ lineItemNumber: 0, description: 'At least 1 licence' }, { field: 'x' }])).toEqual([
      'At least 1 licence',
    ]);
  });
});
