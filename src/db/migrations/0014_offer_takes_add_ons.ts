import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.ts';

// Frozen: never edit a migration that has shipped; add the next one instead.
// Whether some add-on of the catalog can be bought on an offer (R-ADD-1): a fact of the whole catalog, worked
// out when a catalog is imported (importCatalog) and kept beside the offer, so that a subscription's view
// (hasPurchasableAddons) needs only its own offer, in an order's audit record as in a GET.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    ALTER TABLE offers ADD COLUMN takes_add_ons boolean NOT NULL DEFAULT false;
    UPDATE offers o SET takes_add_ons = EXISTS (
      SELECT 1 FROM offers a
       WHERE (a.definition ->> 'isAddOn')::boolean
         AND (a.definition ->> 'isAvailableForPurchase')::boolean
         AND a.definition -> 'prerequisiteOffers' ? o.id);
  `,
  );
}
