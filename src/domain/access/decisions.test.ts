import { describe, expect, it } from 'vitest';
import type { SubscriptionStatus } from '../subscription/subscription-rules.ts';
import { settled } from '../subscription/schedule.ts';
import {
  accessPhase,
  accessPhases,
  decideAccess,
  type AccessDecision,
  type SubscriptionAccessFacts,
  type UserAccessFacts,
} from './decisions.ts';

const NOW = new Date('2027-01-15T09:00:00.000Z');
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000);

function sub(overrides: Partial<SubscriptionAccessFacts> = {}): SubscriptionAccessFacts {
  return {
    id: 's1',
    offerId: 'CN-365-E3',
    status: 'active',
    isTrial: false,
    autoRenewEnabled: true,
    parentAutoRenewEnabled: null,
    commitmentEndDate: day(200),
    statusChangedAt: day(-10),
    dataRetentionEndDate: null,
    dataPurgedAt: null,
    servicePlans: ['mail', 'chat', 'office-apps'],
    suspensionReasons: [],
    ...overrides,
  };
}
const user = (role: 'admin' | 'user', subscriptionIds: string[] = ['s1']): UserAccessFacts => ({
  id: 'u1',
  userPrincipalName: 'ada@contoso.example',
  role,
  licenses: subscriptionIds.map((subscriptionId) => ({ subscriptionId, excludedPlans: [] })),
});
const tenant = (...subs: SubscriptionAccessFacts[]) => new Map(subs.map((s) => [s.id, s]));
const allowed = (d: AccessDecision) => [d.signIn.allowed, d.service.allowed, d.data.allowed];

// The R-ACC table, one row per subscription state: what a user with a licence and an admin get, and the rule.
const ROWS: {
  name: string;
  facts: Partial<SubscriptionAccessFacts>;
  user: boolean[];
  admin: boolean[];
  rule: string;
  reason: string;
}[] = [
  {
    name: 'active',
    facts: {},
    user: [true, true, true],
    admin: [true, true, true],
    rule: 'R-ACC',
    reason: 'active',
  },
  {
    name: 'expired within its 30 days (R-REN-2)',
    facts: { status: 'expired', statusChangedAt: day(-10), dataRetentionEndDate: day(110) },
    user: [true, true, true],
    admin: [true, true, true],
    rule: 'R-REN-2',
    reason: 'expired',
  },
  {
    name: 'suspended (R-SUS-2)',
    facts: { status: 'suspended', dataRetentionEndDate: day(80) },
    user: [false, false, false],
    admin: [true, false, true],
    rule: 'R-SUS-2',
    reason: 'suspended',
  },
  {
    name: 'disabled (R-REN-2)',
    facts: { status: 'disabled', statusChangedAt: day(-40), dataRetentionEndDate: day(50) },
    user: [false, false, false],
    admin: [true, false, true],
    rule: 'R-REN-2',
    reason: 'disabled',
  },
  {
    name: 'trial expired (R-TRI-4)',
    facts: { status: 'expired', isTrial: true, dataRetentionEndDate: day(60) },
    user: [false, false, false],
    admin: [true, false, true],
    rule: 'R-TRI-4',
    reason: 'trialExpired',
  },
  {
    name: 'cancelled before purge (R-CAN-1)',
    facts: { status: 'deleted', statusChangedAt: day(-5), dataRetentionEndDate: day(85) },
    user: [false, false, false],
    admin: [true, false, true],
    rule: 'R-CAN-1',
    reason: 'cancelled',
  },
  {
    name: 'deleted and purged (R-RET-2)',
    facts: { status: 'deleted', dataRetentionEndDate: day(-1), dataPurgedAt: day(-1) },
    user: [false, false, false],
    admin: [false, false, false],
    rule: 'R-RET-2',
    reason: 'purged',
  },
];

describe('R-ACC: the access table, row by row', () => {
  for (const row of ROWS) {
    it(`R-ACC ${row.name}: user with a licence ${JSON.stringify(row.user)}, admin ${JSON.stringify(row.admin)}`, () => {
      const subs = tenant(sub(row.facts));
      const u = decideAccess(user('user'), subs, 'mail', NOW);
      const a = decideAccess(user('admin', []), subs, 'mail', NOW);
      expect(allowed(u)).toEqual(row.user);
      expect(allowed(a)).toEqual(row.admin);
      for (const answer of [u.signIn, u.service, u.data, a.signIn, a.service, a.data]) {
        expect(answer).toMatchObject({ subscriptionId: 's1', rule: row.rule, reason: row.reason });
      }
    });
  }

  it('R-ACC: the dates say when an answer ends by itself (30 days after expiry; the retention date for admins)', () => {
    const expired = tenant(
      sub({ status: 'expired', statusChangedAt: day(-10), dataRetentionEndDate: day(110) }),
    );
    expect(decideAccess(user('user'), expired, undefined, NOW).signIn.until).toEqual(day(20));
    const suspended = tenant(sub({ status: 'suspended', dataRetentionEndDate: day(80) }));
    const admin = decideAccess(user('admin', []), suspended, undefined, NOW);
    expect(admin.data.until).toEqual(day(80));
    expect(admin.signIn.until).toEqual(day(80));
    expect(decideAccess(user('user'), tenant(sub()), undefined, NOW).signIn.until).toBeNull();
  });
});

describe('R-SUS-2: a suspension says why (R-SUS-1 reasons)', () => {
  it('R-SUS-2: every answer on a suspended subscription carries its reasons, for users and admins alike', () => {
    const subs = tenant(
      sub({ status: 'suspended', dataRetentionEndDate: day(80), suspensionReasons: ['nonPayment', 'fraud'] }),
    );
    const u = decideAccess(user('user'), subs, undefined, NOW);
    const a = decideAccess(user('admin', []), subs, undefined, NOW);
    for (const answer of [u.signIn, u.service, u.data, a.signIn, a.service, a.data]) {
      expect(answer.suspensionReasons).toEqual(['nonPayment', 'fraud']);
    }
  });

  it('R-SUS-2: no reasons once the subscription is anything but suspended (reasons kept after a cancel, a purge)', () => {
    const kept = ['nonPayment'];
    const rows: Partial<SubscriptionAccessFacts>[] = [
      {},
      { status: 'deleted', dataRetentionEndDate: day(85), suspensionReasons: kept },
      { status: 'suspended', dataRetentionEndDate: day(0), suspensionReasons: kept }, // R-SUS-5: purged
    ];
    for (const facts of rows) {
      const d = decideAccess(user('admin', []), tenant(sub(facts)), undefined, NOW);
      expect([d.signIn, d.service, d.data].map((x) => x.suspensionReasons)).toEqual([[], [], []]);
    }
    expect(decideAccess(user('user', []), tenant(sub()), undefined, NOW).signIn.suspensionReasons).toEqual(
      [],
    );
  });

  it('R-SUS-2: an answer decided by another subscription does not carry the suspended one’s reasons', () => {
    const subs = tenant(
      sub({ id: 'old', status: 'suspended', dataRetentionEndDate: day(80), suspensionReasons: ['fraud'] }),
      sub({ id: 'new' }),
    );
    const d = decideAccess(user('user', ['old', 'new']), subs, undefined, NOW);
    expect(d.signIn).toMatchObject({ subscriptionId: 'new', suspensionReasons: [] });
  });
});

describe('R-ACC: dates the sweeper has not reached yet count as reached', () => {
  const phase = (facts: Partial<SubscriptionAccessFacts>) => accessPhase(sub(facts), NOW);

  it('R-TRI-4: an active trial past its 30 days is expired: admins only, until 90 days after', () => {
    expect(phase({ isTrial: true, commitmentEndDate: day(-1), autoRenewEnabled: false })).toMatchObject({
      state: 'trialExpired',
      full: false,
      adminData: true,
      dataUntil: day(89),
    });
    expect(phase({ isTrial: true, commitmentEndDate: day(-91) }).state).toBe('purged');
  });

  it('R-REN-2: a term that ended without renewal: full for 30 days, admins only for 90 more, then purged', () => {
    const ended = (ago: number) => phase({ autoRenewEnabled: false, commitmentEndDate: day(-ago) }).state;
    expect(ended(10)).toBe('expired');
    expect(ended(31)).toBe('disabled');
    expect(ended(121)).toBe('purged');
    expect(phase({ autoRenewEnabled: true, commitmentEndDate: day(-10) }).state).toBe('active');
    // An add-on renews only with its base.
    expect(
      phase({ autoRenewEnabled: true, parentAutoRenewEnabled: false, commitmentEndDate: day(-31) }).state,
    ).toBe('disabled');
  });

  it('R-REN-2: an expired subscription older than 30 days is disabled; R-SUS-5: a suspension past its date is purged', () => {
    expect(phase({ status: 'expired', statusChangedAt: day(-31), dataRetentionEndDate: day(89) }).state).toBe(
      'disabled',
    );
    expect(phase({ status: 'suspended', dataRetentionEndDate: day(0) }).state).toBe('purged');
    expect(phase({ status: 'deleted', dataRetentionEndDate: day(-1) }).state).toBe('purged');
  });

  it('a pending subscription grants nothing yet', () => {
    const pending: SubscriptionStatus = 'pending';
    expect(
      allowed(decideAccess(user('admin', []), tenant(sub({ status: pending })), undefined, NOW)),
    ).toEqual([false, false, false]);
  });
});

describe('R-ACC: licences, service plans and several subscriptions', () => {
  it('R-ACC: a user may sign in when at least one licence grants it, and the answer names that subscription', () => {
    const subs = tenant(
      sub({ id: 'old', status: 'suspended', dataRetentionEndDate: day(80) }),
      sub({ id: 'new', offerId: 'CN-MAIL-P1', servicePlans: ['mail'] }),
    );
    const d = decideAccess(user('user', ['old', 'new']), subs, undefined, NOW);
    expect(d.signIn).toMatchObject({
      allowed: true,
      subscriptionId: 'new',
      offerId: 'CN-MAIL-P1',
      rule: 'R-ACC',
    });
    // The suspended licence alone grants office-apps: refused, and the suspension says why.
    const apps = decideAccess(user('user', ['old', 'new']), subs, 'office-apps', NOW);
    expect(apps.service).toMatchObject({
      allowed: false,
      subscriptionId: 'old',
      rule: 'R-SUS-2',
      reason: 'suspended',
    });
  });

  it('R-ACC: a user without a licence, or without one that grants the plan, gets nothing, and says so', () => {
    const subs = tenant(sub());
    expect(decideAccess(user('user', []), subs, undefined, NOW).signIn).toMatchObject({
      allowed: false,
      reason: 'noLicence',
      subscriptionId: null,
    });
    const d = decideAccess(user('user'), subs, 'phone-system', NOW);
    expect(d.signIn.allowed).toBe(true);
    expect(d.service).toMatchObject({ allowed: false, reason: 'noLicence' });
  });

  it('R-ACC: a plan excluded from the licence is not granted', () => {
    const u: UserAccessFacts = {
      ...user('user'),
      licenses: [{ subscriptionId: 's1', excludedPlans: ['chat'] }],
    };
    expect(decideAccess(u, tenant(sub()), 'chat', NOW).service.allowed).toBe(false);
    expect(decideAccess(u, tenant(sub()), 'mail', NOW).service.allowed).toBe(true);
  });

  it('R-ACC: an admin signs in while any subscription is not purged; none left is "noSubscription" or purged', () => {
    const mixed = tenant(
      sub({ id: 'gone', status: 'deleted', dataRetentionEndDate: day(-1), dataPurgedAt: day(-1) }),
      sub({ id: 'kept', status: 'deleted', dataRetentionEndDate: day(30) }),
    );
    expect(decideAccess(user('admin', []), mixed, undefined, NOW).signIn).toMatchObject({
      allowed: true,
      subscriptionId: 'kept',
      rule: 'R-CAN-1',
      until: day(30),
    });
    expect(decideAccess(user('admin', []), new Map(), undefined, NOW).signIn).toMatchObject({
      allowed: false,
      reason: 'noSubscription',
    });
  });

  it('R-ACC: an allowed answer prefers the subscription that allows for longest', () => {
    const subs = tenant(
      sub({ id: 'ending', autoRenewEnabled: false, commitmentEndDate: day(5) }),
      sub({ id: 'renewing' }),
    );
    expect(
      decideAccess(user('user', ['ending', 'renewing']), subs, undefined, NOW).signIn.subscriptionId,
    ).toBe('renewing');
  });
});

describe('phases worked out once', () => {
  it('R-RET-3: the phase at a date, from phases worked out at load, is the phase of the facts a sweep at that date leaves', () => {
    const statuses: SubscriptionStatus[] = [
      'active',
      'expired',
      'suspended',
      'disabled',
      'deleted',
      'pending',
    ];
    for (const status of statuses)
      for (const isTrial of [false, true])
        for (const autoRenewEnabled of [false, true])
          for (const changed of [-200, -40, -5])
            for (const end of [-100, -31, -1, 3, 40]) {
              const facts = sub({
                status,
                isTrial,
                autoRenewEnabled,
                statusChangedAt: day(changed),
                commitmentEndDate: day(end),
                dataRetentionEndDate: status === 'deleted' ? day(changed + 90) : null,
              });
              const carried = { ...facts, phases: accessPhases(facts) };
              for (const at of [-50, 0, 1, 29, 31, 60, 91, 121, 400]) {
                const swept = { ...facts, ...settled(facts, day(at)) };
                expect(accessPhase(carried, day(at)), `${status} ${end} ${at}`).toEqual(
                  accessPhase(swept, day(at)),
                );
              }
            }
  });
});
