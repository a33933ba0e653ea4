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

/** What the edit page lets a partner do in each status (the transition table, R-SUS/R-CAN/R-QTY). */
export function allowedEdits(s: Subscription) {
  const live = s.status === 'active' || s.status === 'suspended';
  return {
    form: live,
    quantity: s.status === 'active' && !s.isTrial,
    autoRenew: live && !s.isTrial,
    suspend: s.status === 'active',
    reactivate: s.status === 'suspended',
    cancel: live,
    convert: s.isTrial && s.status === 'active',
    addOns: s.status === 'active' && !s.isTrial && s.parentSubscriptionId === null,
  };
}

/**
 * A subscription's price per licence for its billing term, as the partner pays it: prices are kept per
 * licence per month, and an annual term costs twelve months (R-BIL-1).
 */
export const termPrice = (s: { unitPrice: number; billingCycle: string }): number =>
  s.billingCycle === 'annual' ? s.unitPrice * 12 : s.unitPrice;
