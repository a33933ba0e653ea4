import { DomainError } from '../errors.ts';

/** Partner roles (R-ROLE). */
export const PARTNER_ROLES = [
  'GlobalAdmin',
  'AdminAgent',
  'SalesAgent',
  'HelpdeskAgent',
  'BillingAdmin',
] as const;
export type PartnerRole = (typeof PARTNER_ROLES)[number];

/** Everything a partner user can be allowed or refused, one per row of SPEC §1's matrix. */
export const PERMISSIONS = [
  'customers.view',
  'customers.create',
  'customers.edit',
  'subscriptions.buy',
  'subscriptions.manage',
  'customerUsers.manage',
  'billing.view',
  'partnerUsers.manage',
  'webhooks.manage',
  'pricing.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL: readonly PartnerRole[] = PARTNER_ROLES;

/**
 * The permission matrix (R-ROLE), the only place that says who may do what. The switch is exhaustive:
 * adding an action without deciding its roles does not compile.
 */
export function rolesAllowed(action: Permission): readonly PartnerRole[] {
  switch (action) {
    case 'customers.view':
      return ALL; // customers, subscriptions, catalog and the activity log
    case 'customers.create':
      return ['GlobalAdmin', 'AdminAgent', 'SalesAgent'];
    case 'customers.edit':
      return ['GlobalAdmin', 'AdminAgent', 'SalesAgent', 'HelpdeskAgent'];
    case 'subscriptions.buy':
      return ALL; // subscriptions, add-ons, trial conversions
    case 'subscriptions.manage':
      return ALL; // quantity, suspend, reactivate, cancel
    case 'customerUsers.manage':
      return ['GlobalAdmin', 'AdminAgent', 'HelpdeskAgent'];
    case 'billing.view':
      return ['GlobalAdmin', 'AdminAgent', 'BillingAdmin'];
    case 'partnerUsers.manage':
      return ['GlobalAdmin'];
    case 'webhooks.manage':
      return ['GlobalAdmin']; // register, read, remove webhooks and read their delivery logs (R-SEC-2)
    case 'pricing.manage':
      return ['GlobalAdmin', 'AdminAgent']; // price rules (R-PRC-2), with billing.view
  }
}

export const can = (role: PartnerRole, action: Permission): boolean => rolesAllowed(action).includes(role);

/** The permissions a role holds (the `/v1/me` answer); `requirePermission` checks one. */
export const permissionsOf = (role: PartnerRole): Permission[] => PERMISSIONS.filter((a) => can(role, a));

export function requirePermission(role: PartnerRole, action: Permission): void {
  if (!can(role, action)) {
    throw new DomainError('not_allowed', 403, 'auth.forbidden', { role, action }, [
      { rule: 'R-ROLE', role, action },
    ]);
  }
}
