import { expect, onTestFinished } from 'vitest';
import type { RequestContext } from '../../src/app/context.ts';
import type { Seatwise } from '../../src/composition.ts';
import type { Db } from '../../src/db/database.ts';
import type { Cloud } from '../../src/domain/cloud.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { PartnerRole } from '../../src/domain/access/permissions.ts';
import { newCustomer, type CustomerFixture } from './factories.ts';
import { newCore, step, type TestEnv } from './seatwise.ts';

/**
 * The use-case tier (test/app/): a whole Seatwise on a clone of the catalog template, without the HTTP
 * app; the test calls src/app's functions as a route would, as the bootstrap GlobalAdmin unless told
 * otherwise. Rules are checked here; the HTTP tests keep the wire shape (status, body, headers).
 */
export interface UseCaseTest {
  seatwise: Seatwise;
  db: Db;
  partnerId: string;
  /** The bootstrap partner's GlobalAdmin, acting through a token. */
  ctx: RequestContext;
  /** The same partner's first user with `role` as the actor (a GlobalAdmin's is `ctx`). */
  as(role: PartnerRole): Promise<RequestContext>;
  /** What most use cases take besides the context: the database, the instance's cloud, the test clock's now. */
  deps(): { db: Db; cloud: Cloud; now: Date };
  /** A customer written straight into the database, of the bootstrap partner unless the fixture names one. */
  customer(fixture?: CustomerFixture): Promise<string>;
  /** Moves the test clock forward by whole days (no sweep: call the sweeper when the test means it). */
  advanceDays(days: number): Promise<Date>;
}

/** A use-case test's Seatwise, closed when the test finishes, passed or failed. */
export async function buildUseCases(env: TestEnv = {}): Promise<UseCaseTest> {
  const seatwise = await newCore(env);
  onTestFinished(() => seatwise.close());
  const { db } = seatwise;
  const admin = await step(
    'finding the bootstrap GlobalAdmin',
    () =>
      db
        .selectFrom('partner_users')
        .select(['partner_id', 'id', 'user_name'])
        .where('role', '=', 'GlobalAdmin')
        .orderBy('created_at')
        .executeTakeFirstOrThrow(),
    async () => {},
  );
  const contextOf = (user: { partner_id: string; id: string; user_name: string }, role: PartnerRole) => ({
    actor: {
      partnerId: user.partner_id,
      userId: user.id,
      userName: user.user_name,
      role,
      via: 'token' as const,
    },
    correlationId: undefined,
    applicationId: undefined,
  });
  const clock = () => {
    if (!seatwise.testClock) throw new Error('this test needs SEATWISE_TEST_CLOCK=1');
    return seatwise.testClock;
  };
  const t: UseCaseTest = {
    seatwise,
    db,
    partnerId: admin.partner_id,
    ctx: contextOf(admin, 'GlobalAdmin'),
    as: async (role) => {
      if (role === 'GlobalAdmin') return t.ctx;
      // Only the role matters to the use cases' checks; the user is the admin's row under another role.
      return contextOf(admin, role);
    },
    deps: () => ({ db, cloud: seatwise.instance.cloud, now: seatwise.clock.now() }),
    customer: (fixture = {}) => newCustomer({ seatwise }, { partnerId: admin.partner_id, ...fixture }),
    advanceDays: (days) => clock().moveTo(new Date(clock().now().getTime() + days * 86_400_000)),
  };
  return t;
}

/** What a refused use case must say: its code and, in its data, the rule (and the field when there is one). */
export interface Refusal {
  code: number;
  rule?: string;
  field?: string;
  kind?: DomainError['kind'];
}

/** Awaits `work`, which must be refused with a DomainError that matches `expected`; returns the error. */
export async function refused(work: Promise<unknown>, expected: Refusal): Promise<DomainError> {
  const error = await work.then(
    (value) => {
      throw new Error(`expected a refusal (${JSON.stringify(expected)}), got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  const domain = error as DomainError;
  expect(domain.code, domain.message).toBe(expected.code);
  if (expected.kind) expect(domain.kind).toBe(expected.kind);
  const detail: Record<string, string> = {};
  if (expected.rule) detail.rule = expected.rule;
  if (expected.field) detail.field = expected.field;
  if (Object.keys(detail).length > 0)
    expect(domain.data).toEqual(expect.arrayContaining([expect.objectContaining(detail)]));
  return domain;
}
