import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok, type Subscription } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import { ErrorAlert, Loading, StatusBadge } from '../components/common.tsx';
import { CYCLE_KEY } from '../components/labels.ts';
import { useFormat, useT } from '../i18n/I18n.tsx';
import { useSession } from '../session.tsx';
import { TID } from '../testids.ts';
import { useTabCustomer } from './CustomerPage.tsx';

export function useSubscriptions(customerId: string) {
  return useQuery({
    queryKey: keys.subscriptions(customerId),
    queryFn: () =>
      ok(api.GET('/v1/customers/{customerId}/subscriptions', { params: { path: { customerId } } })),
  });
}

/** Bases in the order they were bought, each followed by its add-ons (R-ADD-1). */
export function withAddOnsUnderBase(items: readonly Subscription[]): { sub: Subscription; addOn: boolean }[] {
  const ids = new Set(items.map((s) => s.id));
  const rows: { sub: Subscription; addOn: boolean }[] = [];
  for (const base of items.filter((s) => !s.parentSubscriptionId || !ids.has(s.parentSubscriptionId))) {
    rows.push({ sub: base, addOn: false });
    for (const a of items.filter((s) => s.parentSubscriptionId === base.id))
      rows.push({ sub: a, addOn: true });
  }
  return rows;
}

/** The seed's subscription list: click a subscription's name to open its edit page. */
export function SubscriptionsTab() {
  const t = useT();
  const f = useFormat();
  const customer = useTabCustomer();
  const { can } = useSession();
  const subs = useSubscriptions(customer.id);
  return (
    <section aria-labelledby="subscriptions-title">
      <div className="section-head">
        <h2 id="subscriptions-title">{t('subscriptions.title')}</h2>
        {can('subscriptions.buy') && (
          <Link className="button-primary" to={`/customers/${customer.id}/subscriptions/new`}>
            {t('subscriptions.new')}
          </Link>
        )}
      </div>
      {subs.isPending ? (
        <Loading />
      ) : subs.isError ? (
        <ErrorAlert error={subs.error} focus={false} />
      ) : subs.data.items.length === 0 ? (
        <p className="empty">{t('subscriptions.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('subscriptions.name')}</th>
                <th scope="col">{t('subscriptions.product')}</th>
                <th scope="col" className="num">
                  {t('subscriptions.licences')}
                </th>
                <th scope="col">{t('subscriptions.billing')}</th>
                <th scope="col">{t('subscriptions.status')}</th>
                <th scope="col">{t('subscriptions.dates')}</th>
              </tr>
            </thead>
            <tbody>
              {withAddOnsUnderBase(subs.data.items).map(({ sub, addOn }) => {
                const cycle = CYCLE_KEY[sub.billingCycle];
                return (
                  <tr
                    key={sub.id}
                    className={`${addOn ? 'addon' : ''} row-${sub.status}`}
                    data-testid={TID.subscriptionRow}
                  >
                    <th scope="row">
                      {addOn && <span className="addon-mark">{t('subscriptions.addOn')}</span>}
                      <Link to={`/customers/${customer.id}/subscriptions/${sub.id}`}>{sub.friendlyName}</Link>
                    </th>
                    <td>{sub.offerName}</td>
                    <td className="num">{f.number(sub.quantity)}</td>
                    <td>{sub.isTrial ? t('cycle.trial') : cycle ? t(cycle) : sub.billingCycle}</td>
                    <td>
                      <StatusBadge status={sub.status} />
                    </td>
                    <td className="dates">
                      {sub.dataRetentionEndDate && sub.status !== 'active'
                        ? sub.dataPurgedAt
                          ? t('subscriptions.purgedOn', { date: f.date(sub.dataPurgedAt) })
                          : t('subscriptions.dataDeletedOn', { date: f.date(sub.dataRetentionEndDate) })
                        : sub.isTrial
                          ? t('subscriptions.trialEnds', { date: f.date(sub.commitmentEndDate) })
                          : sub.autoRenewEnabled
                            ? t('subscriptions.renewsOn', { date: f.date(sub.commitmentEndDate) })
                            : t('subscriptions.endsOn', { date: f.date(sub.commitmentEndDate) })}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
