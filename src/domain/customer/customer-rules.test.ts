import { describe, expect, it } from 'vitest';
import type { Segment } from '../catalog/offer.ts';
import type { Cloud } from '../cloud.ts';
import { DomainError } from '../errors.ts';
import {
  initialQualifications,
  isCountryAllowed,
  parseQualification,
  qualify,
  readQualifications,
  segmentOf,
  throwIfClosedToNewCustomers,
  throwIfCountryNotAllowed,
  type Qualification,
  type QualificationRecord,
  type Qualifier,
} from './customer-rules.ts';

const NOW = new Date('2027-01-15T09:00:00.000Z');
const ID = '11111111-1111-4111-8111-111111111111';
const has = (...qs: Qualification[]): QualificationRecord[] =>
  qs.map((qualification) => ({
    qualification,
    vettingStatus: 'Approved',
    vettingCreateDate: NOW.toISOString(),
  }));

const codeOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
};

describe('R-CUS-2 qualifications set the segment', () => {
  it.each([
    ['Education', 'Education'],
    ['education', 'Education'],
    ['EDUCATION', 'Education'],
    ['GovernmentCommunityCloud', 'GovernmentCommunityCloud'],
    ['government_community_cloud', 'GovernmentCommunityCloud'],
    ['stateownedentity', 'StateOwnedEntity'],
    ['NonProfit', 'Nonprofit'],
    ['none', 'None'],
    ['Academic', undefined],
    ['', undefined],
  ] as const)('R-CUS-2: "%s" reads as %s, in any case', (input, expected) => {
    expect(parseQualification(input)).toBe(expected);
  });

  it.each([
    [[], 'commercial'],
    [['Education'], 'education'],
    [['GovernmentCommunityCloud'], 'government'],
    [['Nonprofit'], 'nonprofit'],
    [['StateOwnedEntity'], 'commercial'],
    [['StateOwnedEntity', 'Education'], 'education'],
  ] as [Qualification[], Segment][])('R-CUS-2: qualifications %j mean segment %s', (qs, segment) => {
    expect(segmentOf(has(...qs))).toBe(segment);
  });

  // who, qualification, the customer's current qualifications, instance, country → segment or error code
  const cases: [Qualifier, Qualification, Qualification[], Cloud, string, Segment | number][] = [
    ['partner', 'Education', [], 'global', 'FR', 'education'],
    ['partner', 'GovernmentCommunityCloud', [], 'global', 'US', 'government'],
    ['partner', 'StateOwnedEntity', [], 'global', 'FR', 'commercial'],
    ['partner', 'StateOwnedEntity', ['Education'], 'global', 'FR', 'education'],
    ['partner', 'Nonprofit', [], 'global', 'US', 900113],
    ['partner', 'None', ['Education'], 'global', 'US', 900113],
    ['operator', 'Nonprofit', [], 'global', 'US', 'nonprofit'],
    ['operator', 'None', ['Education', 'StateOwnedEntity'], 'global', 'US', 'commercial'],
    ['partner', 'GovernmentCommunityCloud', [], 'global', 'FR', 900115],
    ['partner', 'GovernmentCommunityCloud', ['Education'], 'global', 'US', 900115],
    ['operator', 'Nonprofit', ['Education'], 'global', 'US', 900115],
    ['partner', 'Education', ['Education'], 'global', 'US', 'education'],
    ['partner', 'Education', [], 'germany', 'DE', 900115],
    ['operator', 'Nonprofit', [], 'germany', 'DE', 900115],
    ['partner', 'StateOwnedEntity', [], 'germany', 'DE', 'commercial'],
    ['partner', 'Education', ['GovernmentCommunityCloud'], 'usgov', 'US', 900115],
    ['operator', 'None', ['GovernmentCommunityCloud'], 'usgov', 'US', 900114],
    ['partner', 'StateOwnedEntity', ['GovernmentCommunityCloud'], 'usgov', 'US', 'government'],
  ];
  it.each(cases)(
    'R-CUS-2, SPEC §6: the %s adding %s to %j on %s (%s) → %s',
    (who, q, current, cloud, country, expected) => {
      const customer = { id: ID, country, qualifications: has(...current) };
      if (typeof expected === 'number') {
        expect(codeOf(() => qualify(customer, q, who, cloud, NOW))).toBe(expected);
      } else {
        const result = qualify(customer, q, who, cloud, NOW);
        expect(result.segment).toBe(expected);
        expect(result.record.qualification).toBe(q);
      }
    },
  );

  it('R-CUS-2: adding a qualification the customer has changes nothing; a new one is approved now', () => {
    const customer = { id: ID, country: 'US', qualifications: has('Education') };
    expect(qualify(customer, 'Education', 'partner', 'global', NOW)).toMatchObject({ changed: false });
    const soe = qualify(customer, 'StateOwnedEntity', 'partner', 'global', NOW);
    expect(soe.changed).toBe(true);
    expect(soe.record).toEqual({
      qualification: 'StateOwnedEntity',
      vettingStatus: 'Approved',
      vettingCreateDate: NOW.toISOString(),
    });
    expect(soe.qualifications.map((q) => q.qualification)).toEqual(['Education', 'StateOwnedEntity']);
  });

  it('R-CUS-2: a refusal to a partner names the rule and the customer', () => {
    try {
      qualify({ id: ID, country: 'US', qualifications: [] }, 'Nonprofit', 'partner', 'global', NOW);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        kind: 'not_allowed',
        code: 900113,
        data: [{ field: 'qualification', rule: 'R-CUS-2', customerId: ID, qualification: 'Nonprofit' }],
      });
    }
  });

  it('R-CUS-2: stored qualifications are read defensively', () => {
    expect(readQualifications('[]')).toEqual([]);
    expect(readQualifications([{ qualification: 'bogus' }, { qualification: 'education' }, null])).toEqual([
      { qualification: 'Education', vettingStatus: 'Approved', vettingCreateDate: new Date(0).toISOString() },
    ]);
  });
});

describe('SPEC §6 which customers each instance accepts', () => {
  it.each([
    ['global', 'US', undefined],
    ['global', 'JP', undefined],
    ['usgov', 'US', undefined],
    ['usgov', 'us', undefined],
    ['usgov', 'CA', 900114],
    ['germany', 'DE', undefined],
    ['germany', 'FR', undefined],
    ['germany', 'NO', undefined],
    ['germany', 'CH', undefined],
    ['germany', 'US', 900110],
    ['germany', 'GB', 900110],
  ] as [Cloud, string, number | undefined][])(
    'R-CUS-1, SPEC §6: %s and country %s → %s',
    (cloud, country, code) => {
      expect(codeOf(() => throwIfCountryNotAllowed(cloud, country, 'country'))).toBe(code);
      expect(isCountryAllowed(cloud, country)).toBe(code === undefined);
    },
  );

  it('SPEC §6: an instance closed to new customers refuses them (900112)', () => {
    expect(codeOf(() => throwIfClosedToNewCustomers('germany', false))).toBe(900112);
    expect(codeOf(() => throwIfClosedToNewCustomers('germany', true))).toBeUndefined();
  });

  it('SPEC §6: a usgov customer starts as a government entity with GCC; others with no qualification', () => {
    expect(segmentOf(initialQualifications('usgov', NOW))).toBe('government');
    expect(initialQualifications('usgov', NOW)).toEqual(has('GovernmentCommunityCloud'));
    expect(initialQualifications('global', NOW)).toEqual([]);
    expect(initialQualifications('germany', NOW)).toEqual([]);
  });
});
