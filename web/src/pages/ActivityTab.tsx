import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { fetchActivity, keys } from '../api/queries.ts';
import { ActivityTable } from '../components/ActivityTable.tsx';
import { ErrorAlert, Loading } from '../components/common.tsx';
import { useT } from '../i18n/I18n.tsx';
import { useTabCustomer } from './CustomerPage.tsx';

const PERIODS = [7, 30, 90];

/** The customer's activity log (R-AUD): who did what to its subscriptions and orders, newest first. */
export function ActivityTab() {
  const t = useT();
  const customer = useTabCustomer();
  const [days, setDays] = useState(30);
  const activity = useQuery({
    queryKey: keys.activity(customer.id, days),
    queryFn: () => fetchActivity(customer.id, days),
  });
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
        <ActivityTable records={activity.data} />
      )}
    </section>
  );
}
