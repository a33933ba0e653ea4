import { Option, type Command } from 'commander';
import type { OrderView } from '../app/orders.ts';
import type { SubscriptionView } from '../app/subscriptions.ts';
import { SUSPENSION_REASONS } from '../domain/subscription/subscription-rules.ts';
import { apiTarget, callApi, type ApiTarget } from './api-client.ts';
import { print } from './support.ts';

interface TargetOptions {
  url?: string;
  token?: string;
  locale?: string;
  json?: boolean;
}

const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

const row = (s: SubscriptionView) => ({
  id: s.id,
  name: s.friendlyName,
  offer: s.offerId,
  quantity: s.quantity,
  status: s.status,
  cycle: s.isTrial ? 'trial' : s.billingCycle,
  'price/licence/month': money(s.unitPrice, s.currency),
  'term end': day(s.commitmentEndDate),
  'data kept until': day(s.dataRetentionEndDate),
});

function show(subs: SubscriptionView[], json: boolean | undefined): void {
  if (json) print(JSON.stringify(subs.length === 1 ? subs[0] : subs));
  else if (subs.length === 0) print('No subscriptions.');
  else console.table(subs.map(row));
}

const path = (customerId: string, subscriptionId?: string) =>
  `/v1/customers/${encodeURIComponent(customerId)}/subscriptions` +
  (subscriptionId ? `/${encodeURIComponent(subscriptionId)}` : '');

/**
 * A subscription PATCH as Partner Center clients send it (R-API-1, R-API-3): read the resource, change the
 * fields, send it whole with the ETag just read.
 */
async function patchSubscription(
  t: ApiTarget,
  customerId: string,
  subscriptionId: string,
  change: Partial<SubscriptionView> & { suspensionComment?: string },
): Promise<SubscriptionView> {
  const current = await callApi<SubscriptionView>(t, 'GET', path(customerId, subscriptionId));
  const updated = await callApi<SubscriptionView>(t, 'PATCH', path(customerId, subscriptionId), {
    body: { ...current.body, ...change },
    ifMatch: current.etag ?? current.body.attributes.etag,
  });
  return updated.body;
}

/**
 * The partner operations of the API from a shell (SPEC §7): list, buy, suspend, reactivate, cancel and change
 * the quantity. They are clients of the running server's REST API with a partner token, so that scripts go
 * through the same rules, audit and idempotency as every other client, and work while the server owns the
 * embedded database.
 */
export function registerSubscriptionCommands(program: Command): void {
  const subscription = program
    .command('subscription')
    .description("a customer's subscriptions, through the REST API of a running server (partner token)");
  const withTarget = (cmd: Command) =>
    cmd
      .option('--url <url>', 'the server (default: SEATWISE_URL, else http://127.0.0.1:$PORT)')
      .option('--token <token>', 'a partner API token (default: SEATWISE_TOKEN)')
      .option('--locale <locale>', 'language of refusal messages: en-US, fr-FR, de-DE', 'en-US')
      .option('--json', 'print JSON');

  withTarget(subscription.command('list <customerId>').description("list a customer's subscriptions")).action(
    async (customerId: string, o: TargetOptions) => {
      const res = await callApi<{ items: SubscriptionView[] }>(apiTarget(o), 'GET', path(customerId));
      show(res.body.items, o.json);
    },
  );

  withTarget(
    subscription
      .command('buy <customerId> <offerId>')
      .description('place an order for one offer (R-ORD); a trial offer starts a trial')
      .option('--quantity <n>', 'licences', '1')
      .addOption(
        new Option('--cycle <cycle>', 'billing cycle')
          .choices(['monthly', 'annual', 'none'])
          .default('monthly'),
      )
      .option('--name <friendlyName>', 'the subscription’s friendly name'),
  ).action(
    async (
      customerId: string,
      offerId: string,
      o: TargetOptions & { quantity: string; cycle: string; name?: string },
    ) => {
      const t = apiTarget(o);
      const order = await callApi<OrderView>(
        t,
        'POST',
        `/v1/customers/${encodeURIComponent(customerId)}/orders`,
        {
          body: {
            billingCycle: o.cycle,
            lineItems: [
              {
                lineItemNumber: 0,
                offerId,
                quantity: Number(o.quantity),
                ...(o.name ? { friendlyName: o.name } : {}),
              },
            ],
          },
        },
      );
      if (o.json) {
        print(JSON.stringify(order.body));
        return;
      }
      const ids = order.body.lineItems.map((l) => l.subscriptionId).filter(Boolean);
      print(`order ${order.body.id}: subscription ${ids.join(', ')}`);
    },
  );

  withTarget(
    subscription
      .command('suspend <customerId> <subscriptionId>')
      .description('suspend an active subscription with a reason (R-SUS-1); its add-ons go with it')
      .addOption(
        new Option('--reason <reason>', 'why').choices([...SUSPENSION_REASONS]).makeOptionMandatory(),
      )
      .option('--comment <text>', 'required with --reason other'),
  ).action(
    async (customerId: string, id: string, o: TargetOptions & { reason: string; comment?: string }) => {
      const s = await patchSubscription(apiTarget(o), customerId, id, {
        status: 'suspended',
        suspensionReasons: [o.reason],
        ...(o.comment ? { suspensionComment: o.comment } : {}),
      });
      if (o.json) return show([s], true);
      print(`${s.friendlyName} (${s.id}): suspended; its data is kept until ${day(s.dataRetentionEndDate)}`);
    },
  );

  withTarget(
    subscription
      .command('reactivate <customerId> <subscriptionId>')
      .description('reactivate a suspended subscription before its data retention date (R-SUS-4)'),
  ).action(async (customerId: string, id: string, o: TargetOptions) => {
    const s = await patchSubscription(apiTarget(o), customerId, id, { status: 'active' });
    if (o.json) return show([s], true);
    print(`${s.friendlyName} (${s.id}): active; term ends ${day(s.commitmentEndDate)}`);
  });

  withTarget(
    subscription
      .command('cancel <customerId> <subscriptionId>')
      .description('cancel a subscription for good (R-CAN-1); its data is purged 90 days later'),
  ).action(async (customerId: string, id: string, o: TargetOptions) => {
    const s = await patchSubscription(apiTarget(o), customerId, id, { status: 'deleted' });
    if (o.json) return show([s], true);
    print(`${s.friendlyName} (${s.id}): cancelled; its data is purged on ${day(s.dataRetentionEndDate)}`);
  });

  withTarget(
    subscription
      .command('quantity <customerId> <subscriptionId> <licences>')
      .description('set the number of licences, a total within the offer’s bounds (R-QTY-1)'),
  ).action(async (customerId: string, id: string, licences: string, o: TargetOptions) => {
    const quantity = Number(licences);
    const s = await patchSubscription(apiTarget(o), customerId, id, { quantity });
    if (o.json) return show([s], true);
    print(`${s.friendlyName} (${s.id}): ${s.quantity} licences`);
  });
}
