import type { AuditRecord } from '../api/client.ts';

export interface ChangeSummary {
  /** The resource's name: a subscription's friendly name, a customer's company name. */
  name?: string;
  status?: { from: string; to: string };
  quantity?: { from: number; to: number };
  /** A customer's user the record is about (its sign-in name), for user and licence records. */
  user?: string;
  /** The user's id, when the record names no sign-in name (licence records): the page may know it. */
  userId?: string;
  role?: { from?: string; to: string };
  /** Subscriptions whose licence the user got, and lost (licence records). */
  licensesAdded?: string[];
  licensesRemoved?: string[];
  /** A price rule version (R-PRC-2): its target and terms as the version written says them. */
  priceRule?: PriceRuleChange;
}

export interface PriceRuleChange {
  scope: string;
  /** The category or offer the rule names, if its scope names one. */
  target?: string;
  kind: string;
  percent: number | null;
  prices: Record<string, number>;
  allowBelowCost: boolean;
  effectiveFrom: string;
  retired: boolean;
}

/** A price rule version as the server records it, or undefined for any other record. */
function priceRuleOf(v: Record<string, unknown> | undefined): PriceRuleChange | undefined {
  if (!v || typeof v.ruleId !== 'string' || typeof v.scope !== 'string' || typeof v.kind !== 'string')
    return undefined;
  const prices: Record<string, number> = {};
  if (typeof v.prices === 'object' && v.prices !== null) {
    for (const [currency, amount] of Object.entries(v.prices)) {
      if (typeof amount === 'number') prices[currency] = amount;
    }
  }
  const target = [v.category, v.offerId].find((x): x is string => typeof x === 'string' && x !== '');
  return {
    scope: v.scope,
    ...(target !== undefined ? { target } : {}),
    kind: v.kind,
    percent: typeof v.percent === 'number' ? v.percent : null,
    prices,
    allowBelowCost: v.allowBelowCost === true,
    effectiveFrom: typeof v.effectiveFrom === 'string' ? v.effectiveFrom : '',
    retired: v.retired === true,
  };
}

const parse = (v: string | null): Record<string, unknown> | undefined => {
  if (!v) return undefined;
  try {
    const o: unknown = JSON.parse(v);
    return typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** What an audit record changed, read from its before and after values (R-AUD). */
export function describeChange(r: Pick<AuditRecord, 'resourceOldValue' | 'resourceNewValue'>): ChangeSummary {
  const before = parse(r.resourceOldValue);
  const after = parse(r.resourceNewValue);
  const summary: ChangeSummary = {};
  const name = after?.friendlyName ?? after?.companyName ?? before?.friendlyName;
  if (typeof name === 'string') summary.name = name;
  if (
    typeof before?.status === 'string' &&
    typeof after?.status === 'string' &&
    before.status !== after.status
  )
    summary.status = { from: before.status, to: after.status };
  if (
    typeof before?.quantity === 'number' &&
    typeof after?.quantity === 'number' &&
    before.quantity !== after.quantity
  )
    summary.quantity = { from: before.quantity, to: after.quantity };
  const upn = after?.userPrincipalName ?? before?.userPrincipalName;
  if (typeof upn === 'string') summary.user = upn;
  else if (typeof after?.userId === 'string') summary.userId = after.userId;
  if (typeof after?.role === 'string' && after.role !== before?.role)
    summary.role = { ...(typeof before?.role === 'string' ? { from: before.role } : {}), to: after.role };
  const ids = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
  const had = ids(before?.subscriptionIds);
  const has = ids(after?.subscriptionIds);
  if (had && has) {
    const added = has.filter((id) => !had.includes(id));
    const removed = had.filter((id) => !has.includes(id));
    if (added.length) summary.licensesAdded = added;
    if (removed.length) summary.licensesRemoved = removed;
  }
  const rule = priceRuleOf(after);
  if (rule) summary.priceRule = rule;
  return summary;
}

/**
 * An audit record's reason as the server writes it for subscriptions (`nonPayment, fraud`, `… (with its
 * base)`, `with its base`), split into reason codes the console can translate; undefined for other text.
 */
export function parseReason(reason: string): { codes: string[]; withBase: boolean } | undefined {
  const m = /^([A-Za-z]+(?:, [A-Za-z]+)*)?(?:\s*\(?with its base\)?)?$/.exec(reason.trim());
  if (!m) return undefined;
  const withBase = /with its base/.test(reason);
  const codes = m[1] && !(withBase && m[1] === 'with') ? m[1].split(', ') : [];
  return { codes, withBase };
}
