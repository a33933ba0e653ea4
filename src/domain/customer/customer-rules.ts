import { EU_EFTA_COUNTRIES, type Segment } from '../catalog/offer.ts';
import type { Cloud } from '../cloud.ts';
import { DomainError } from '../errors.ts';

/**
 * Customer rules with no I/O: where a customer may be created (SPEC §6, R-CUS-1) and how qualifications set
 * its segment (R-CUS-2). Use cases load the customer and the instance, call these, and write the result.
 */

/** Partner Center's qualification names (NET-SDK `CustomerQualification`). */
export const QUALIFICATIONS = [
  'None',
  'Education',
  'Nonprofit',
  'GovernmentCommunityCloud',
  'StateOwnedEntity',
] as const;
export type Qualification = (typeof QUALIFICATIONS)[number];

/** Partner Center's vetting states; Seatwise has no vetting team, so it approves at once. */
export type VettingStatus = 'Approved' | 'InReview' | 'Denied';

/** One qualification as stored and returned (Partner Center's V2 CustomerQualification). */
export interface QualificationRecord {
  qualification: Qualification;
  vettingStatus: VettingStatus;
  vettingReason?: string;
  vettingCreateDate: string;
}

/** Who is qualifying: a partner user (API, console) or the platform operator (CLI). */
export type Qualifier = 'partner' | 'operator';

const key = (v: string) => v.replace(/[^a-z0-9]/gi, '').toLowerCase();
const BY_KEY = new Map<string, Qualification>(QUALIFICATIONS.map((q) => [key(q), q]));

/**
 * Reads a qualification in any case and in Partner Center's older spelling
 * (`education`, `GOVERNMENTCOMMUNITYCLOUD`, `government_community_cloud`); undefined if it is none of them.
 */
export const parseQualification = (value: string): Qualification | undefined => BY_KEY.get(key(value));

/**
 * R-CUS-2: the segment each qualification puts the customer in. `StateOwnedEntity` is a mark that leaves the
 * segment alone; `None` clears every qualification (operator only).
 */
export const SEGMENT_OF: Record<Qualification, Segment | undefined> = {
  None: undefined,
  Education: 'education',
  Nonprofit: 'nonprofit',
  GovernmentCommunityCloud: 'government',
  StateOwnedEntity: undefined,
};

/** R-CUS-2: what each qualifier may set. Nonprofit is vetted outside Partner Center, so only the operator. */
export const QUALIFIABLE_BY: Record<Qualifier, readonly Qualification[]> = {
  partner: ['Education', 'GovernmentCommunityCloud', 'StateOwnedEntity'],
  operator: QUALIFICATIONS,
};

/** R-CUS-2: no segment-setting qualification means `commercial`. */
export function segmentOf(qualifications: readonly { qualification: Qualification }[]): Segment {
  for (const q of qualifications) {
    const segment = SEGMENT_OF[q.qualification];
    if (segment) return segment;
  }
  return 'commercial';
}

/** SPEC §6: the customers each instance accepts. `countries: undefined` means any country. */
export const INSTANCE_CUSTOMERS: Record<
  Cloud,
  { countries: readonly string[] | undefined; segments: readonly Segment[] }
> = {
  global: { countries: undefined, segments: ['commercial', 'education', 'government', 'nonprofit'] },
  usgov: { countries: ['US'], segments: ['government'] },
  germany: { countries: EU_EFTA_COUNTRIES, segments: ['commercial'] },
};

/** Government Community Cloud serves US government entities only. */
const GCC_COUNTRIES: readonly string[] = ['US'];

export const isCountryAllowed = (cloud: Cloud, country: string): boolean => {
  const allowed = INSTANCE_CUSTOMERS[cloud].countries;
  return allowed === undefined || allowed.includes(country.toUpperCase());
};

/**
 * R-CUS-1, SPEC §6: refuses a country the instance does not serve; `field` names the input that carried it.
 * The usgov instance says why in its own words (900114): it serves US government entities only.
 */
export function throwIfCountryNotAllowed(cloud: Cloud, country: string, field: string): void {
  if (isCountryAllowed(cloud, country)) return;
  if (cloud === 'usgov') {
    throw new DomainError('refused', 900114, 'customer.usgovRequiresGovernment', { country }, [
      { field, rule: 'SPEC §6', cloud, country },
    ]);
  }
  throw new DomainError('refused', 900110, 'customer.countryNotAllowed', { country, cloud }, [
    { field, rule: 'R-CUS-1', cloud, country },
  ]);
}

/** SPEC §6: an instance closed to new customers (germany, by default) refuses to create one. */
export function throwIfClosedToNewCustomers(cloud: Cloud, newCustomersOpen: boolean): void {
  if (newCustomersOpen) return;
  throw new DomainError('not_allowed', 900112, 'customer.instanceClosed', { cloud }, [
    { rule: 'SPEC §6', cloud, setting: 'newCustomersOpen' },
  ]);
}

/** Where a new customer starts: usgov customers are government entities, with the GCC qualification. */
export function initialQualifications(cloud: Cloud, now: Date): QualificationRecord[] {
  return cloud === 'usgov' ? [approved('GovernmentCommunityCloud', now)] : [];
}

const approved = (qualification: Qualification, now: Date): QualificationRecord => ({
  qualification,
  vettingStatus: 'Approved',
  vettingCreateDate: now.toISOString(),
});

export interface QualificationTarget {
  id: string;
  country: string;
  qualifications: readonly QualificationRecord[];
}

export interface Qualified {
  qualifications: QualificationRecord[];
  segment: Segment;
  /** The record the request asked for (the existing one when the customer already had it). */
  record: QualificationRecord;
  changed: boolean;
}

/**
 * R-CUS-2: adds a qualification to a customer, or refuses it. Checks, in order: who may set it, that the
 * resulting segment fits the instance (SPEC §6), that GCC goes to a US customer, and that it does not
 * contradict a segment the customer already has. Adding one the customer already has changes nothing.
 * The operator's `None` clears every qualification (back to commercial).
 */
export function qualify(
  customer: QualificationTarget,
  qualification: Qualification,
  who: Qualifier,
  cloud: Cloud,
  now: Date,
): Qualified {
  if (!QUALIFIABLE_BY[who].includes(qualification)) {
    throw new DomainError('not_allowed', 900113, 'customer.qualificationNotAllowed', { qualification }, [
      {
        field: 'qualification',
        rule: 'R-CUS-2',
        customerId: customer.id,
        qualification,
        allowed: QUALIFIABLE_BY[who],
      },
    ]);
  }
  const existing = customer.qualifications.find((q) => q.qualification === qualification);
  const record = existing ?? approved(qualification, now);
  const next =
    qualification === 'None'
      ? []
      : existing
        ? [...customer.qualifications]
        : [...customer.qualifications, record];
  const segment = segmentOf(next);
  if (!INSTANCE_CUSTOMERS[cloud].segments.includes(segment)) {
    if (cloud === 'usgov') {
      throw new DomainError(
        'refused',
        900114,
        'customer.usgovRequiresGovernment',
        { country: customer.country },
        [{ field: 'qualification', rule: 'SPEC §6', customerId: customer.id, cloud, segment }],
      );
    }
    throw new DomainError('refused', 900115, 'customer.segmentNotAllowed', { segment, cloud }, [
      { field: 'qualification', rule: 'SPEC §6', customerId: customer.id, cloud, segment },
    ]);
  }
  if (qualification === 'GovernmentCommunityCloud' && !GCC_COUNTRIES.includes(customer.country)) {
    throw new DomainError('refused', 900115, 'customer.gccRequiresUs', { country: customer.country }, [
      { field: 'qualification', rule: 'R-CUS-2', customerId: customer.id, country: customer.country },
    ]);
  }
  const wanted = SEGMENT_OF[qualification];
  const current = segmentOf(customer.qualifications);
  if (wanted && current !== 'commercial' && current !== wanted) {
    throw new DomainError(
      'refused',
      900115,
      'customer.segmentConflict',
      { qualification, segment: current },
      [{ field: 'qualification', rule: 'R-CUS-2', customerId: customer.id, qualification, segment: current }],
    );
  }
  return {
    qualifications: next,
    segment,
    record,
    changed: qualification === 'None' ? customer.qualifications.length > 0 : existing === undefined,
  };
}

/** Reads stored qualifications defensively: unknown names are dropped, not trusted. */
export function readQualifications(stored: unknown): QualificationRecord[] {
  if (!Array.isArray(stored)) return [];
  const out: QualificationRecord[] = [];
  for (const item of stored as unknown[]) {
    if (item === null || typeof item !== 'object') continue;
    const r = item as Record<string, unknown>;
    const qualification =
      typeof r.qualification === 'string' ? parseQualification(r.qualification) : undefined;
    if (!qualification || qualification === 'None') continue;
    out.push({
      qualification,
      vettingStatus:
        r.vettingStatus === 'InReview' || r.vettingStatus === 'Denied' ? r.vettingStatus : 'Approved',
      ...(typeof r.vettingReason === 'string' ? { vettingReason: r.vettingReason } : {}),
      vettingCreateDate:
        typeof r.vettingCreateDate === 'string' ? r.vettingCreateDate : new Date(0).toISOString(),
    });
  }
  return out;
}
