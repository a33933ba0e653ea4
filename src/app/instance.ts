import type { Cloud } from '../domain/cloud.ts';
import { CLOUD_POLICIES } from '../domain/cloud.ts';
import { newId } from '../domain/ids.ts';
import type { Db } from '../db/database.ts';

export interface Instance {
  cloud: Cloud;
  instanceId: string;
  createdAt: Date;
  testClockNow: Date | null;
  newCustomersOpen: boolean;
}

export class InstanceMismatchError extends Error {
  constructor(
    readonly recorded: string,
    readonly configured: string,
  ) {
    super(
      `This database belongs to the ${recorded} instance; SEATWISE_CLOUD is ${configured}. Instances share ` +
        `nothing (SPEC §6): start with SEATWISE_CLOUD=${recorded}, or point at another database.`,
    );
    this.name = 'InstanceMismatchError';
  }
}

/**
 * Records which cloud instance this database is, at first start, and refuses to serve it as another one
 * afterwards (SPEC §6).
 */
export async function ensureInstance(db: Db, cloud: Cloud, now: Date): Promise<Instance> {
  await db
    .insertInto('instance_settings')
    .values({
      id: 1,
      cloud,
      instance_id: newId(),
      created_at: now,
      test_clock_now: null,
      new_customers_open: CLOUD_POLICIES[cloud].newCustomersOpenByDefault,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const row = await db
    .selectFrom('instance_settings')
    .selectAll()
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  if (row.cloud !== cloud) throw new InstanceMismatchError(row.cloud, cloud);
  return {
    cloud,
    instanceId: row.instance_id,
    createdAt: row.created_at,
    testClockNow: row.test_clock_now,
    newCustomersOpen: row.new_customers_open,
  };
}
