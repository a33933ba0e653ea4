import type { CatalogEntry, OrderBody } from '../api/client.ts';

/** The console's catalog tabs (R-CAT-1): two paid cycles and the trial tab (R-TRI-1). */
export const BILLING_TYPES = ['monthly', 'annual', 'trial'] as const;
export type BillingType = (typeof BILLING_TYPES)[number];

/** A trial has exactly this many licences (R-TRI-1). */
export const TRIAL_LICENSES = 25;

/** What the partner ticked: offer id → licence count as typed (a string until it is a valid number). */
export type Selection = Readonly<Record<string, string>>;

export interface Line {
  entry: CatalogEntry;
  quantity: number;
  /** Minor units for the cycle: unit price × licences. */
  total: number;
  /** Why the typed count cannot be ordered, before asking the server (R-ORD-2). */
  problem?: { key: 'order.quantityRange'; min: number; max: number };
}

export const defaultQuantity = (entry: CatalogEntry, type: BillingType): number =>
  type === 'trial' ? TRIAL_LICENSES : Math.max(1, entry.offer.minimumQuantity);

/** The ticked, purchasable entries as order lines, in catalog order, with each line's total and problem. */
export function orderLines(
  entries: readonly CatalogEntry[],
  selection: Selection,
  type: BillingType,
): Line[] {
  return entries
    .filter((e) => e.purchasable && selection[e.offer.id] !== undefined)
    .map((entry) => {
      const typed = selection[entry.offer.id] ?? '';
      const quantity = type === 'trial' ? TRIAL_LICENSES : /^\d+$/.test(typed.trim()) ? Number(typed) : NaN;
      const { minimumQuantity: min, maximumQuantity: max } = entry.offer;
      const valid = Number.isInteger(quantity) && quantity >= min && quantity <= max;
      return {
        entry,
        quantity,
        total: valid ? entry.unitPrice * quantity : 0,
        ...(valid ? {} : { problem: { key: 'order.quantityRange' as const, min, max } }),
      };
    });
}

/** The review's total, in minor units of the catalog's currency. */
export const orderTotal = (lines: readonly Line[]): number => lines.reduce((sum, l) => sum + l.total, 0);

/** The Order to POST (R-ORD-1): one line item per ticked offer, numbered from 0; trials as cycle `none`. */
export function orderBody(lines: readonly Line[], type: BillingType): OrderBody {
  return {
    billingCycle: type === 'trial' ? 'none' : type,
    lineItems: lines.map((l, i) => ({ lineItemNumber: i, offerId: l.entry.offer.id, quantity: l.quantity })),
  };
}

/** One refused line of an order (R-ORD-1): the server's `data` items, keyed back to the offer. */
export interface LineRefusal {
  offerId: string;
  code: number;
  rule: string;
  description: string;
  subscriptionId?: string;
}

/** Maps a refused order's `data` (one item per failing line, by lineItemNumber) to the offers it names. */
export function lineRefusals(data: readonly unknown[], lines: readonly Line[]): Map<string, LineRefusal> {
  const byOffer = new Map<string, LineRefusal>();
  for (const item of data) {
    if (typeof item !== 'object' || item === null) continue;
    const d = item as Record<string, unknown>;
    const line = typeof d.lineItemNumber === 'number' ? lines[d.lineItemNumber] : undefined;
    if (!line) continue;
    byOffer.set(line.entry.offer.id, {
      offerId: line.entry.offer.id,
      code: typeof d.code === 'number' ? d.code : 0,
      rule: typeof d.rule === 'string' ? d.rule : '',
      description: typeof d.description === 'string' ? d.description : '',
      ...(typeof d.subscriptionId === 'string' ? { subscriptionId: d.subscriptionId } : {}),
    });
  }
  return byOffer;
}
