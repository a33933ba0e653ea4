import { sql } from 'kysely';
import type { Cloud } from '../domain/cloud.ts';
import { inTransaction, type Db } from '../db/database.ts';
import { systemContext } from './audit.ts';
import { createPartner, createPartnerUser, issueApiToken } from './partners.ts';
import { newSecret } from './secrets.ts';

const BOOTSTRAP_LOCK = 7_270_001;

export interface BootstrapResult {
  partnerId: string;
  adminUserId: string;
  userName: string;
  /** Set only when generated: the operator must be told once, since only hashes are kept. */
  generatedPassword?: string;
  generatedToken?: string;
}

/**
 * R-API-8: on an empty database, creates the first partner and its GlobalAdmin `admin`, with the token and
 * password from the configuration or generated ones. Does nothing when a partner exists.
 */
export async function bootstrapIfEmpty(
  db: Db,
  options: { cloud: Cloud; token: string | undefined; password: string | undefined },
  now: Date,
): Promise<BootstrapResult | undefined> {
  return inTransaction(db, async (trx) => {
    // Several processes may start at once on one PostgreSQL: only one bootstraps.
    await sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(trx);
    const existing = await trx.selectFrom('partners').select('id').limit(1).executeTakeFirst();
    if (existing) return undefined;
    return bootstrap(trx, options, now);
  });
}

async function bootstrap(
  db: Db,
  options: { cloud: Cloud; token: string | undefined; password: string | undefined },
  now: Date,
): Promise<BootstrapResult> {
  const ctx = systemContext('bootstrap');
  const partner = await createPartner(db, { name: 'Seatwise Partner', partnerType: 'direct' }, now);
  const password = options.password ?? newSecret().slice(0, 20);
  const admin = await createPartnerUser(
    db,
    partner.id,
    ctx,
    { userName: 'admin', displayName: 'Administrator', role: 'GlobalAdmin', password },
    now,
  );
  const issued = await issueApiToken(
    db,
    partner.id,
    ctx,
    {
      userId: admin.id,
      name: 'bootstrap',
      cloud: options.cloud,
      ...(options.token === undefined ? {} : { value: options.token }),
    },
    now,
  );
  return {
    partnerId: partner.id,
    adminUserId: admin.id,
    userName: admin.userName,
    ...(options.password === undefined ? { generatedPassword: password } : {}),
    ...(options.token === undefined ? { generatedToken: issued.token } : {}),
  };
}
