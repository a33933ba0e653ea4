import type { AuditRecord } from '../api/client.ts';

export interface ChangeSummary {
  /** The resource's name: a subscription's friendly name, a customer's company name. */
  name?: string;
  status?: { from: string; to: string };
  quantity?: { from: number; to: number };
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
