import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok } from '../api/client.ts';
import { fetchActivity, keys } from '../api/queries.ts';
import { ActivityTable } from '../components/ActivityTable.tsx';
import { ErrorAlert, Loading } from '../components/common.tsx';
import { useT } from '../i18n/I18n.tsx';
import { subscriptionLabel } from '../logic/names.ts';
import { useSession } from '../session.tsx';
import { useTabCustomer } from './CustomerPage.tsx';

const PERIODS = [7, 30, 90];

/** The customer's activity log (R-AUD): who did what to its subscriptions and orders, newest first. */
export function ActivityTab() {
  const t = useT();
  const customer = useTabCustomer();
  const [days, setDays] = useState(30);
  const { me } = useSession();
  const activity = useQuery({
    queryKey: keys.activity(customer.id, days),
    queryFn: () => fetchActivity(customer.id, days),
  });
  // Names for the ids licence records hold: the customer's subscriptions and users (where users exist).
  const subscriptions = useQuery({
    queryKey: keys.subscriptions(customer.id),
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/subscriptions', {
          params: { path: { customerId: customer.id } },
        }),
      ),
  });
  const users = useQuery({
    queryKey: ['customer', customer.id, 'userNames'],
    enabled: me.instance.cloud !== 'usgov',
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/users', {
          params: { path: { customerId: customer.id }, query: { size: 500 } },
        }),
      ),
  });
  const names = {
    subscriptions: Object.fromEntries(
      (subscriptions.data?.items ?? []).map((x) => [x.id, subscriptionLabel(x)]),
    ),
    users: Object.fromEntries((users.data?.items ?? []).map((u) => [u.id, u.userPrincipalName])),
  };
  return (
    <section aria-labelledby="activity-title">
      <div className="section-head">
        <h2 id="activity-title">{t('activity.title')}</h2>
        <div className="field field-inline">
          <label htmlFor="activity-period">{t('activity.period')}</label>
          <select id="activity-period" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                {t('activity.lastDays', { days: d })}
              </option>
            ))}
          </select>
        </div>
      </div>
      {activity.isPending ? (
        <Loading />
      ) : activity.isError ? (
        <ErrorAlert error={activity.error} focus={false} />
      ) : (
        <ActivityTable records={activity.data} names={names} />
      )}
    </section>
  );
}
