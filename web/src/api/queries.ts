import type { Query, QueryClient } from '@tanstack/react-query';
import { api, ok, type AuditRecord } from './client.ts';

const DAY_MS = 86_400_000;

/** Query keys in one place, so a change can refresh exactly what it affects. */
export const keys = {
  customers: (search: string, size: number, token: string | undefined) =>
    ['customers', search, size, token ?? ''] as const,
  customer: (id: string) => ['customer', id] as const,
  subscriptions: (customerId: string) => ['customer', customerId, 'subscriptions'] as const,
  subscription: (customerId: string, id: string) => ['customer', customerId, 'subscription', id] as const,
  catalog: (customerId: string, cycle: string) => ['customer', customerId, 'catalog', cycle] as const,
  statement: (customerId: string | undefined, month: string) =>
    ['statement', customerId ?? 'partner', month] as const,
  statements: (from: string, to: string) => ['statements', from, to] as const,
  activity: (customerId: string | undefined, days: number) =>
    ['activity', customerId ?? 'all', days] as const,
};

/**
 * The activity log (R-AUD) of the last `days` days, newest first, for one customer or the whole partner.
 * The window is counted back from the server's clock (the test clock's, when on), not the browser's.
 */
export async function fetchActivity(customerId: string | undefined, days: number): Promise<AuditRecord[]> {
  const me = await ok(api.GET('/v1/me'));
  const now = new Date(me.now).getTime();
  const page = await ok(
    api.GET('/v1/auditrecords', {
      params: {
        query: {
          // [now - days, now] with a second's margin at the end for what happened at `now` exactly (a test
          // clock that stands still); the span stays `days` long, within the API's 90-day limit (R-AUD).
          startDate: new Date(now + 1000 - days * DAY_MS).toISOString(),
          endDate: new Date(now + 1000).toISOString(),
          size: 500,
          ...(customerId
            ? { filter: JSON.stringify({ Field: 'CustomerId', Value: customerId, Operator: 'substring' }) }
            : {}),
        },
      },
    }),
  );
  return [...page.items].reverse();
}

/** Marks a query that previews a change: once the change is made, it is dropped, never asked again. */
export const PREVIEW = { preview: true } as const;

/**
 * After a change to a customer's data: its queries are asked again, except the previews, which described
 * the state before the change (asked again they would be refused: a stale ETag, a converted trial). They
 * are left to go with the component that showed them: removed while it is still on screen, it would ask
 * again at once.
 */
export async function refreshCustomer(client: QueryClient, customerId: string): Promise<void> {
  await client.invalidateQueries({
    queryKey: ['customer', customerId],
    predicate: (q: Query) => q.meta?.preview !== true,
  });
}
