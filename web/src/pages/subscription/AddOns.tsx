import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, newRequestId, ok, type CatalogEntry, type Order, type Subscription } from '../../api/client.ts';
import { keys, PREVIEW } from '../../api/queries.ts';
import { ChangeMoney } from '../../components/ChangeMoney.tsx';
import { ErrorAlert, Loading, StatusBadge } from '../../components/common.tsx';
import { useFormat, useT } from '../../i18n/I18n.tsx';
import { TID } from '../../testids.ts';
import { partnerText } from '../../logic/partner-text.ts';

/**
 * Add-on licences for a base subscription (R-ADD-1, R-ADD-2): the ones it has, and the ones it can take,
 * bought Partner Center's way by PATCHing the base's order with a line naming the base.
 */
export function AddOns({ s, canBuy, onBought }: { s: Subscription; canBuy: boolean; onBought: () => void }) {
  const t = useT();
  const f = useFormat();
  const base = keys.subscription(s.customerId, s.id);
  const path = { customerId: s.customerId, subscriptionId: s.id };
  const owned = useQuery({
    queryKey: [...base, 'addons'],
    queryFn: () =>
      ok(api.GET('/v1/customers/{customerId}/subscriptions/{subscriptionId}/addons', { params: { path } })),
  });
  // Add-ons are bought for an active subscription only: a cancelled or suspended one lists none to buy.
  const buying = s.status === 'active';
  const catalog = useQuery({
    enabled: buying,
    queryKey: [...base, 'addoncatalog'],
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/subscriptions/{subscriptionId}/addoncatalog', {
          params: { path },
        }),
      ),
  });
  if (owned.isPending || (buying && catalog.isPending)) return <Loading />;
  if (owned.isError || catalog.isError)
    return <ErrorAlert error={owned.error ?? catalog.error} focus={false} />;
  const offered = buying ? (catalog.data?.items ?? []) : [];
  if (owned.data.items.length === 0 && offered.length === 0) return null;
  const cycleKey = s.billingCycle === 'annual' ? 'order.perLicenceYear' : 'order.perLicenceMonth';
  return (
    <section className="panel" aria-labelledby="addons-title">
      <h2 id="addons-title">{t('addOns.title')}</h2>
      <p className="muted">{t('addOns.lead', { date: f.date(s.commitmentEndDate) })}</p>
      {owned.data.items.length > 0 && (
        <ul className="addon-list">
          {owned.data.items.map((a) => (
            <li key={a.id}>
              <Link to={`/customers/${s.customerId}/subscriptions/${a.id}`}>{a.friendlyName}</Link>
              <span>{t('addOns.licences', { count: a.quantity })}</span>
              <StatusBadge status={a.status} />
            </li>
          ))}
        </ul>
      )}
      {offered.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('addOns.available')}</th>
                <th scope="col" className="num">
                  {t('order.price')}
                </th>
                <th scope="col">{t('addOns.buy')}</th>
              </tr>
            </thead>
            <tbody>
              {offered.map((entry) => (
                <AddOnRow
                  key={entry.offer.id}
                  s={s}
                  entry={entry}
                  unit={t(cycleKey)}
                  canBuy={canBuy}
                  onBought={onBought}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AddOnRow({
  s,
  entry,
  unit,
  canBuy,
  onBought,
}: {
  s: Subscription;
  entry: CatalogEntry;
  unit: string;
  canBuy: boolean;
  onBought: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const [quantity, setQuantity] = useState(String(Math.max(1, entry.offer.minimumQuantity)));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const requestId = useRef(newRequestId());
  const id = `addon-qty-${entry.offer.id}`;
  const orderPath = { customerId: s.customerId, orderId: s.orderId };
  const orderKey = [...keys.subscription(s.customerId, s.id), 'order', s.orderId];
  const order = useQuery({
    queryKey: orderKey,
    enabled: entry.purchasable && canBuy,
    queryFn: () =>
      ok(api.GET('/v1/customers/{customerId}/orders/{orderId}', { params: { path: orderPath } })),
  });
  // The order PATCH that buys the add-on: the order's lines and a new one naming this subscription.
  const bodyFor = (o: Order, count: number) => ({
    id: o.id,
    referenceCustomerId: o.referenceCustomerId,
    billingCycle: o.billingCycle,
    lineItems: [
      ...o.lineItems.map((l) => ({
        lineItemNumber: l.lineItemNumber,
        offerId: l.offerId,
        quantity: l.quantity,
        subscriptionId: l.subscriptionId,
        ...(l.parentSubscriptionId ? { parentSubscriptionId: l.parentSubscriptionId } : {}),
      })),
      {
        lineItemNumber: Math.max(-1, ...o.lineItems.map((l) => l.lineItemNumber)) + 1,
        offerId: entry.offer.id,
        quantity: count,
        parentSubscriptionId: s.id,
      },
    ],
  });
  const count = Number(quantity);
  const valid =
    Number.isInteger(count) && count >= entry.offer.minimumQuantity && count <= entry.offer.maximumQuantity;
  // The money before Buy (R-ADD-2, prorated to the base's term end), from the server's preview.
  const money = useQuery({
    queryKey: [...orderKey, 'addOnPreview', order.dataUpdatedAt, entry.offer.id, count],
    meta: PREVIEW,
    enabled: order.data !== undefined && valid && !busy,
    retry: false,
    queryFn: () =>
      ok(
        api.POST('/v1/customers/{customerId}/orders/{orderId}/preview', {
          params: { path: orderPath },
          body: bodyFor(order.data as Order, count),
        }),
      ),
  });

  const buy = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const current = await ok(
        api.GET('/v1/customers/{customerId}/orders/{orderId}', { params: { path: orderPath } }),
      );
      await ok(
        api.PATCH('/v1/customers/{customerId}/orders/{orderId}', {
          params: { path: orderPath },
          headers: { 'MS-RequestId': requestId.current },
          body: bodyFor(current, count),
        }),
      );
      requestId.current = newRequestId();
      // The order as it is now, before the next preview is built on it.
      await order.refetch();
      setBusy(false);
      setQuantity(String(Math.max(1, entry.offer.minimumQuantity)));
      onBought();
    } catch (err) {
      requestId.current = newRequestId();
      setError(err);
      setBusy(false);
    }
  };

  return (
    <tr
      className={entry.purchasable ? '' : 'unavailable'}
      data-testid={TID.addOnRow}
      data-offer={entry.offer.id}
    >
      <td>
        <span className="offer-name">{entry.offer.name}</span>
        <span className="offer-description">{entry.offer.description}</span>
        {entry.reason && <p className="reason">{partnerText(entry.reason.description)}</p>}
        <ErrorAlert error={error} names={{ [entry.offer.id]: entry.offer.name }} />
      </td>
      <td className="num nowrap">
        {f.money(entry.unitPrice, entry.currency)}
        <span className="unit">{unit}</span>
      </td>
      <td>
        {entry.purchasable && canBuy && (
          <div className="inline-buy">
            <label className="visually-hidden" htmlFor={id}>
              {t('order.licencesFor', { name: entry.offer.name })}
            </label>
            <input
              id={id}
              className="qty"
              type="number"
              inputMode="numeric"
              min={entry.offer.minimumQuantity}
              max={entry.offer.maximumQuantity}
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
            />
            <button type="button" disabled={busy} onClick={() => void buy()}>
              {t('addOns.buyButton', { name: entry.offer.name })}
            </button>
          </div>
        )}
        {entry.purchasable && canBuy && valid && (
          <ChangeMoney
            pending={money.isPending}
            preview={money.data && { total: money.data.total, currency: money.data.currencyCode, addOns: 0 }}
          />
        )}
      </td>
    </tr>
  );
}
