import { Option, type Command } from 'commander';
import type { CustomerView } from '../app/customers.ts';
import type { OrderView } from '../app/orders.ts';
import type { SubscriptionView } from '../app/subscriptions.ts';
import { isGuid } from '../domain/ids.ts';
import { SUSPENSION_REASONS } from '../domain/subscription/subscription-rules.ts';
import { ApiError, apiTarget, callApi, UsageError, type ApiTarget } from './api-client.ts';
import { print, printTable } from './support.ts';

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
  'auto-renew': s.autoRenewEnabled ? 'yes' : 'no',
  'term end': day(s.commitmentEndDate),
  'data kept until': day(s.dataRetentionEndDate),
});

/** A list prints a JSON array, even of one; a changed subscription prints the subscription's JSON. */
function show(subs: SubscriptionView[], json: boolean | undefined, one = false): void {
  if (json) print(JSON.stringify(one ? subs[0] : subs));
  else if (subs.length === 0) print('No subscriptions.');
  else printTable(subs.map(row));
}

/** What a changing command prints: a sentence saying what happened, then the subscription as it now is. */
function changed(s: SubscriptionView, json: boolean | undefined, sentence: string): void {
  if (!json) print(sentence);
  show([s], json, true);
}

const path = (customerId: string, subscriptionId?: string) =>
  `/v1/customers/${encodeURIComponent(customerId)}/subscriptions` +
  (subscriptionId ? `/${encodeURIComponent(subscriptionId)}` : '');

/** A number of licences from the command line: a whole number from 1 (the offer's own bounds are the server's). */
export function parseLicenses(text: string, what: string): number {
  const n = /^\d{1,7}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 1_000_000)
    throw new UsageError(`${what} must be a whole number from 1 to 1000000, not "${text}".`);
  return n;
}

function subscriptionId(text: string): string {
  if (!isGuid(text))
    throw new UsageError(
      `"${text}" is not a subscription id: a subscription is named by its id, a GUID (see: seatwise subscription list).`,
    );
  return text;
}

/**
 * A customer named on the command line: its id (a GUID), or its primary domain, found with the API's customer
 * search (Partner Center's filter on Domain) and kept only when exactly one customer has that very domain.
 */
export async function resolveCustomer(t: ApiTarget, ref: string): Promise<string> {
  if (isGuid(ref)) return ref;
  const domain = ref.trim().toLowerCase();
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain))
    throw new UsageError(
      `"${ref}" names no customer: give its id (a GUID) or its primary domain, e.g. contoso.onmicrosoft.com.`,
    );
  const filter = JSON.stringify({ Field: 'Domain', Value: domain, Operator: 'starts_with' });
  const found = await callApi<{ items: CustomerView[] }>(
    t,
    'GET',
    `/v1/customers?size=20&filter=${encodeURIComponent(filter)}`,
  );
  const exact = found.body.items.filter((c) => c.companyProfile.domain.toLowerCase() === domain);
  const [only] = exact;
  if (only && exact.length === 1) return only.id;
  const list = (cs: CustomerView[]) =>
    cs.map((c) => `${c.companyProfile.domain} (${c.companyProfile.companyName}, ${c.id})`).join('; ');
  if (exact.length > 1)
    throw new UsageError(
      `More than one customer has the domain ${domain}: ${list(exact)}. Name one by its id.`,
    );
  if (found.body.items.length > 0)
    throw new UsageError(
      `No customer has the primary domain ${domain}; domains that start with it: ${list(found.body.items)}.`,
    );
  throw new ApiError(404, undefined, `No customer has the primary domain ${domain}.`);
}

/**
 * A subscription PATCH as Partner Center clients send it (R-API-1, R-API-3): read the resource, change the
 * fields, send it whole with the ETag just read. `already` names a state in which the change would change
 * nothing: the API answers such a PATCH with the resource unchanged, which must not read as success.
 */
async function patchSubscription(
  t: ApiTarget,
  customerId: string,
  subscriptionId: string,
  change: Partial<SubscriptionView> & { suspensionComment?: string },
  already?: { status: SubscriptionView['status']; words: string },
): Promise<SubscriptionView> {
  const current = await callApi<SubscriptionView>(t, 'GET', path(customerId, subscriptionId));
  if (already && current.body.status === already.status) {
    const s = current.body;
    throw new ApiError(
      409,
      undefined,
      `${s.friendlyName} (${s.id}) is already ${already.words}: nothing changed.`,
    );
  }
  const updated = await callApi<SubscriptionView>(t, 'PATCH', path(customerId, subscriptionId), {
    body: { ...current.body, ...change },
    ifMatch: current.etag ?? current.body.attributes.etag,
  });
  return updated.body;
}

/**
 * The partner operations of the API from a shell (SPEC §7): list, buy, suspend, reactivate, cancel, change the
 * quantity, turn auto-renewal on or off and convert a trial. They are clients of the running server's REST API
 * with a partner token, so that scripts go through the same rules, audit and idempotency as every other
 * client, and work while the server owns the embedded database. A customer is named by id or primary domain;
 * arguments that cannot be right are refused (exit 2) before any request; every change prints the
 * subscription as it now is.
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
  const customerArg = '<customer>';

  withTarget(
    subscription
      .command(`list ${customerArg}`)
      .description("list a customer's subscriptions (customer: id or primary domain)"),
  ).action(async (customer: string, o: TargetOptions) => {
    const t = apiTarget(o);
    const customerId = await resolveCustomer(t, customer);
    const res = await callApi<{ items: SubscriptionView[] }>(t, 'GET', path(customerId));
    show(res.body.items, o.json);
  });

  withTarget(
    subscription
      .command(`buy ${customerArg} <offerId>`)
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
      customer: string,
      offerId: string,
      o: TargetOptions & { quantity: string; cycle: string; name?: string },
    ) => {
      const quantity = parseLicenses(o.quantity, '--quantity');
      const t = apiTarget(o);
      const customerId = await resolveCustomer(t, customer);
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
                quantity,
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
      const ids = order.body.lineItems.flatMap((l) => (l.subscriptionId ? [l.subscriptionId] : []));
      const subs = await Promise.all(
        ids.map(async (id) => (await callApi<SubscriptionView>(t, 'GET', path(customerId, id))).body),
      );
      print(`order ${order.body.id} placed:`);
      show(subs, false);
    },
  );

  withTarget(
    subscription
      .command(`suspend ${customerArg} <subscriptionId>`)
      .description('suspend an active subscription with a reason (R-SUS-1); its add-ons go with it')
      .addOption(
        new Option('--reason <reason>', 'why').choices([...SUSPENSION_REASONS]).makeOptionMandatory(),
      )
      .option('--comment <text>', 'required with --reason other'),
  ).action(async (customer: string, id: string, o: TargetOptions & { reason: string; comment?: string }) => {
    subscriptionId(id);
    if (o.reason === 'other' && !o.comment?.trim())
      throw new UsageError(
        '--comment is required with --reason other: say why the subscription is suspended.',
      );
    const t = apiTarget(o);
    const customerId = await resolveCustomer(t, customer);
    const s = await patchSubscription(
      t,
      customerId,
      id,
      {
        status: 'suspended',
        suspensionReasons: [o.reason],
        ...(o.comment ? { suspensionComment: o.comment } : {}),
      },
      { status: 'suspended', words: 'suspended' },
    );
    changed(s, o.json, `suspended; its data is kept until ${day(s.dataRetentionEndDate)}`);
  });

  /** A command whose only change is the subscription's status; saying so when it already has it. */
  const statusCommand = (
    name: string,
    description: string,
    to: { status: 'active' | 'deleted'; words: string },
    sentence: (s: SubscriptionView) => string,
  ) =>
    withTarget(
      subscription.command(`${name} ${customerArg} <subscriptionId>`).description(description),
    ).action(async (customer: string, id: string, o: TargetOptions) => {
      subscriptionId(id);
      const t = apiTarget(o);
      const customerId = await resolveCustomer(t, customer);
      const s = await patchSubscription(t, customerId, id, { status: to.status }, to);
      changed(s, o.json, sentence(s));
    });

  statusCommand(
    'reactivate',
    'reactivate a suspended subscription before its data retention date (R-SUS-4)',
    { status: 'active', words: 'active' },
    (s) => `active again; term ends ${day(s.commitmentEndDate)}`,
  );
  statusCommand(
    'cancel',
    'cancel a subscription for good (R-CAN-1); its data is purged 90 days later',
    { status: 'deleted', words: 'cancelled' },
    (s) => `cancelled; its data is purged on ${day(s.dataRetentionEndDate)}`,
  );

  withTarget(
    subscription
      .command(`quantity ${customerArg} <subscriptionId> <licences>`)
      .description('set the number of licences, a total within the offer’s bounds (R-QTY-1)'),
  ).action(async (customer: string, id: string, licenses: string, o: TargetOptions) => {
    subscriptionId(id);
    const quantity = parseLicenses(licenses, 'the number of licences');
    const t = apiTarget(o);
    const customerId = await resolveCustomer(t, customer);
    const s = await patchSubscription(t, customerId, id, { quantity });
    changed(s, o.json, `${s.quantity} licences`);
  });

  withTarget(
    subscription
      .command(`autorenew ${customerArg} <subscriptionId> <onOrOff>`)
      .description('renew the subscription at the end of its term, or let it expire (on or off)'),
  ).action(async (customer: string, id: string, onOrOff: string, o: TargetOptions) => {
    subscriptionId(id);
    const value = onOrOff.toLowerCase();
    if (value !== 'on' && value !== 'off')
      throw new UsageError(`auto-renewal is turned "on" or "off", not "${onOrOff}".`);
    const t = apiTarget(o);
    const customerId = await resolveCustomer(t, customer);
    const s = await patchSubscription(t, customerId, id, { autoRenewEnabled: value === 'on' });
    changed(
      s,
      o.json,
      s.autoRenewEnabled
        ? `renews on ${day(s.commitmentEndDate)}`
        : `auto-renewal off; ends on ${day(s.commitmentEndDate)}`,
    );
  });

  withTarget(
    subscription
      .command(`convert ${customerArg} <subscriptionId> <targetOfferId>`)
      .description('convert an active trial to a paid offer; the subscription keeps its id (R-TRI-3)')
      .addOption(
        new Option('--cycle <cycle>', 'billing cycle of the paid offer')
          .choices(['monthly', 'annual'])
          .default('monthly'),
      )
      .option('--quantity <n>', 'licences (default: those of the trial)'),
  ).action(
    async (
      customer: string,
      id: string,
      targetOfferId: string,
      o: TargetOptions & { cycle: string; quantity?: string },
    ) => {
      subscriptionId(id);
      const quantity = o.quantity === undefined ? undefined : parseLicenses(o.quantity, '--quantity');
      const t = apiTarget(o);
      const customerId = await resolveCustomer(t, customer);
      await callApi(t, 'POST', `${path(customerId, id)}/conversions`, {
        body: { targetOfferId, billingCycle: o.cycle, ...(quantity === undefined ? {} : { quantity }) },
      });
      const s = (await callApi<SubscriptionView>(t, 'GET', path(customerId, id))).body;
      changed(s, o.json, `converted to ${s.offerName}`);
    },
  );
}
