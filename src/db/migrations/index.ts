import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_commerce.ts';
import * as m0003 from './0003_webhooks.ts';
import * as m0004 from './0004_lifecycle.ts';
import * as m0005 from './0005_ledger.ts';
import * as m0006 from './0006_customer_users.ts';
import * as m0007 from './0007_activity_by_customer.ts';
import * as m0008 from './0008_offer_cost.ts';
import * as m0009 from './0009_sign_in_throttle.ts';
import * as m0010 from './0010_access_versions.ts';
import * as m0011 from './0011_pricing.ts';
import * as m0012 from './0012_invoices.ts';
import * as m0013 from './0013_event_payload_from_audit.ts';
import * as m0014 from './0014_offer_takes_add_ons.ts';

/** Every migration, in order, bundled in the code so the CLI and the embedded database work from any folder. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_commerce': m0002,
  '0003_webhooks': m0003,
  '0004_lifecycle': m0004,
  '0005_ledger': m0005,
  '0006_customer_users': m0006,
  '0007_activity_by_customer': m0007,
  '0008_offer_cost': m0008,
  '0009_sign_in_throttle': m0009,
  '0010_access_versions': m0010,
  '0011_pricing': m0011,
  '0012_invoices': m0012,
  '0013_event_payload_from_audit': m0013,
  '0014_offer_takes_add_ons': m0014,
};
