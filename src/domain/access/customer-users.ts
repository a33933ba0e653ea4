import { CLOUD_POLICIES, type Cloud } from '../cloud.ts';
import { DomainError } from '../errors.ts';
import { CUSTOMER_USER_ROLES, type CustomerUserRole } from './decisions.ts';

/**
 * Rules for customer users and their licences (SPEC §6, R-ACC): who may change them on which
 * instance, what a user principal name looks like, how many licences a subscription holds. Pure.
 */

/**
 * SPEC §6: customer user and licence management is `full` on global, read-only on germany (Partner Center
 * there can read but not write) and absent on usgov (its user and licence APIs do not exist). The operator
 * (directory sync, demo data) may write on germany; nobody may on usgov.
 */
export function throwIfUserManagementUnavailable(
  cloud: Cloud,
  access: 'read' | 'write',
  by: 'partner' | 'operator',
): void {
  const mode = CLOUD_POLICIES[cloud].customerUserManagement;
  if (mode === 'absent') {
    throw new DomainError('not_allowed', 900137, 'customerUser.managementAbsent', { cloud }, [
      { rule: 'SPEC §6', cloud },
    ]);
  }
  if (mode === 'readOnly' && access === 'write' && by === 'partner') {
    throw new DomainError('not_allowed', 900138, 'customerUser.managementReadOnly', { cloud }, [
      { rule: 'SPEC §6', cloud },
    ]);
  }
}

/** `admin` or `user`, any case; Partner Center's role name for an admin is accepted too. */
export function parseCustomerUserRole(value: string, field = 'role'): CustomerUserRole {
  const v = value.trim().toLowerCase().replace(/\s+/g, '');
  if (v === 'companyadministrator' || v === 'globaladministrator') return 'admin';
  const role = CUSTOMER_USER_ROLES.find((r) => r === v);
  if (!role) {
    throw new DomainError('invalid_input', 2000, 'customerUser.invalidRole', { value }, [
      { field, allowed: CUSTOMER_USER_ROLES.join(', ') },
    ]);
  }
  return role;
}

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/**
 * A user principal name is `name@domain`, with the customer's domain (Partner Center requires a domain of the
 * tenant). Stored and compared in lower case.
 */
export function normalizeUserPrincipalName(value: string, customerDomain: string): string {
  const upn = value.trim().toLowerCase();
  const at = upn.lastIndexOf('@');
  const local = upn.slice(0, at);
  const domain = upn.slice(at + 1);
  if (at < 1 || local.length > 64 || !LOCAL_PART.test(local) || domain !== customerDomain.toLowerCase()) {
    throw new DomainError(
      'invalid_input',
      900136,
      'customerUser.upnDomain',
      { userPrincipalName: value, domain: customerDomain },
      [{ field: 'userPrincipalName', domain: customerDomain }],
    );
  }
  return upn;
}

/** Two letters (ISO 3166), upper case, or undefined. */
export function normalizeUsageLocation(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(v)) {
    throw new DomainError(
      'invalid_input',
      2000,
      'request.invalid',
      { detail: 'usageLocation must be two letters' },
      [{ field: 'usageLocation', problem: 'must be an ISO 3166 alpha-2 country code' }],
    );
  }
  return v;
}

/** A licence needs a free seat: never more assigned than the subscription's quantity. */
export function throwIfNoFreeLicense(
  sub: { id: string; quantity: number },
  assigned: number,
  field: string,
): void {
  if (assigned >= sub.quantity) {
    throw new DomainError(
      'conflict',
      900130,
      'license.noSeat',
      { subscriptionId: sub.id, quantity: sub.quantity, assigned },
      [{ field, rule: 'R-ACC', subscriptionId: sub.id, quantity: sub.quantity, assigned }],
    );
  }
}

/** Licences are assigned from active subscriptions only (a suspended one grants no user anything, R-SUS-2). */
export function throwIfCannotAssignFrom(sub: { id: string; status: string }, field: string): void {
  if (sub.status !== 'active') {
    throw new DomainError(
      'conflict',
      900132,
      'license.notActive',
      { subscriptionId: sub.id, status: sub.status },
      [{ field, rule: 'R-ACC', subscriptionId: sub.id, status: sub.status }],
    );
  }
}

/**
 * Seatwise's choice for a quantity decrease below the licences in use: refused, naming how many are assigned
 * (the partner removes licences first). Applies to PATCH and to a trial converted with fewer licences.
 */
export function throwIfBelowAssigned(
  sub: { id: string },
  quantity: number,
  assigned: number,
  field = 'quantity',
): void {
  if (quantity < assigned) {
    throw new DomainError(
      'conflict',
      900131,
      'license.quantityBelowAssigned',
      { subscriptionId: sub.id, quantity, assigned },
      [{ field, rule: 'R-QTY-1', subscriptionId: sub.id, assigned }],
    );
  }
}
