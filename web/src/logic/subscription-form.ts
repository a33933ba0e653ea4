import type { Subscription, SubscriptionPatchBody } from '../api/client.ts';

/** R-SUS-1: the reasons the console asks for when suspending. */
export const SUSPENSION_REASONS = ['customerRequest', 'nonPayment', 'fraud', 'other'] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];

/** What the edit page's form holds (the seed's edit page: licences, status, and the rest). */
export interface SubscriptionForm {
  friendlyName: string;
  quantity: string;
  autoRenewEnabled: boolean;
  status: 'active' | 'suspended';
  reason: SuspensionReason | '';
  comment: string;
}

export type FormProblem =
  | { field: 'friendlyName'; key: 'subscription.nameRequired' }
  | { field: 'quantity'; key: 'subscription.quantityRange'; min: number; max: number }
  | { field: 'reason'; key: 'subscription.reasonRequired' }
  | { field: 'comment'; key: 'subscription.commentRequired' };

export const formOf = (s: Subscription): SubscriptionForm => ({
  friendlyName: s.friendlyName,
  quantity: String(s.quantity),
  autoRenewEnabled: s.autoRenewEnabled,
  status: s.status === 'suspended' ? 'suspended' : 'active',
  reason: '',
  comment: '',
});

/**
 * The PATCH body for what the partner changed: Partner Center's way, the full resource with the new values
 * (R-API-1), or the problems to show first. `undefined` body when nothing changed.
 */
export function patchFor(
  s: Subscription,
  form: SubscriptionForm,
  bounds: { minimumQuantity: number; maximumQuantity: number },
): { body: SubscriptionPatchBody | undefined; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const name = form.friendlyName.trim();
  if (!name) problems.push({ field: 'friendlyName', key: 'subscription.nameRequired' });
  const quantity = /^\d+$/.test(form.quantity.trim()) ? Number(form.quantity) : NaN;
  const quantityChanged = quantity !== s.quantity;
  if (
    quantityChanged &&
    !(quantity >= bounds.minimumQuantity && quantity <= bounds.maximumQuantity && Number.isInteger(quantity))
  ) {
    problems.push({
      field: 'quantity',
      key: 'subscription.quantityRange',
      min: bounds.minimumQuantity,
      max: bounds.maximumQuantity,
    });
  }
  const suspending = form.status === 'suspended' && s.status !== 'suspended';
  if (suspending && !form.reason) problems.push({ field: 'reason', key: 'subscription.reasonRequired' });
  if (suspending && form.reason === 'other' && !form.comment.trim())
    problems.push({ field: 'comment', key: 'subscription.commentRequired' });
  if (problems.length > 0) return { body: undefined, problems };

  const reactivating = form.status === 'active' && s.status === 'suspended';
  const changed =
    name !== s.friendlyName ||
    quantityChanged ||
    form.autoRenewEnabled !== s.autoRenewEnabled ||
    suspending ||
    reactivating;
  if (!changed) return { body: undefined, problems };
  return {
    body: {
      ...s,
      friendlyName: name,
      quantity,
      autoRenewEnabled: form.autoRenewEnabled,
      status: form.status,
      ...(suspending
        ? {
            suspensionReasons: [form.reason],
            ...(form.comment.trim() ? { suspensionComment: form.comment.trim() } : {}),
          }
        : {}),
    },
    problems,
  };
}

/**
 * What the edit page offers: the moves the API lists in `allowedActions` (the server's transition table and
 * guards), never a copy of them. Converting a trial (R-TRI-3) and buying an add-on (R-ADD-1) are not PATCH
 * moves: they need an active subscription, which is one that may be suspended.
 */
export function allowedEdits(s: Subscription) {
  const can = (a: Subscription['allowedActions'][number]) => s.allowedActions.includes(a);
  const active = can('suspend');
  return {
    form: can('suspend') || can('reactivate') || can('changeQuantity'),
    quantity: can('changeQuantity'),
    autoRenew: can('setAutoRenew'),
    suspend: can('suspend'),
    reactivate: can('reactivate'),
    cancel: can('cancel'),
    convert: s.isTrial && active,
    addOns: active && !s.isTrial && s.parentSubscriptionId === null,
  };
}

/**
 * A subscription's price per licence for its billing term, as the partner pays it: prices are kept per
 * licence per month, and an annual term costs twelve months (R-BIL-1).
 */
export const termPrice = (s: { unitPrice: number; billingCycle: string }): number =>
  s.billingCycle === 'annual' ? s.unitPrice * 12 : s.unitPrice;
