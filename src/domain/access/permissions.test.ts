import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, PARTNER_ROLES, requirePermission, type Permission } from './permissions.ts';

// SPEC §1's matrix, written out again here so that a change to the code's matrix must be made on purpose.
// Columns: GlobalAdmin, AdminAgent, SalesAgent, HelpdeskAgent, BillingAdmin.
const SPEC_MATRIX: Record<Permission, [boolean, boolean, boolean, boolean, boolean]> = {
  'customers.view': [true, true, true, true, true],
  'customers.create': [true, true, true, false, false],
  'customers.edit': [true, true, true, true, false],
  'subscriptions.buy': [true, true, true, true, true],
  'subscriptions.manage': [true, true, true, true, true],
  'customerUsers.manage': [true, true, false, true, false],
  'billing.view': [true, true, false, false, true],
  'partnerUsers.manage': [true, false, false, false, false],
  // Webhooks reach out of the instance and their logs show what answered: GlobalAdmin only (R-SEC-2).
  'webhooks.manage': [true, false, false, false, false],
  // Price rules set what customers pay (R-PRC-2): GlobalAdmin and AdminAgent, who also hold billing.view.
  'pricing.manage': [true, true, false, false, false],
};

describe('R-ROLE permission matrix', () => {
  for (const action of PERMISSIONS) {
    PARTNER_ROLES.forEach((role, i) => {
      const expected = SPEC_MATRIX[action][i];
      it(`R-ROLE: ${role} ${expected ? 'may' : 'may not'} ${action}`, () => {
        expect(can(role, action)).toBe(expected);
        if (expected) expect(() => requirePermission(role, action)).not.toThrow();
        else
          expect(() => requirePermission(role, action)).toThrow(
            expect.objectContaining({ kind: 'not_allowed' }),
          );
      });
    });
  }

  it('covers every action in the SPEC matrix and nothing else', () => {
    expect(Object.keys(SPEC_MATRIX).sort()).toEqual([...PERMISSIONS].sort());
  });
});
