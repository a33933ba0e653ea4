import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok } from '../api/client.ts';
import { fetchActivity, keys } from '../api/queries.ts';
import { ErrorAlert, Loading } from '../components/common.tsx';
import { ActivityTable } from '../components/ActivityTable.tsx';
import { useFormat, useT } from '../i18n/I18n.tsx';
import { useSession } from '../session.tsx';
import { TID } from '../testids.ts';

/** The Dashboard: how many customers, the way to them, and what happened lately. */
export function Dashboard() {
  const t = useT();
  const f = useFormat();
  const { me, can } = useSession();
  const customers = useQuery({
    queryKey: keys.customers('', 1, undefined),
    queryFn: () => ok(api.GET('/v1/customers', { params: { query: { size: 1 } } })),
  });
  const activity = useQuery({
    queryKey: keys.activity(undefined, 7),
    queryFn: () => fetchActivity(undefined, 7),
  });
  return (
    <>
      <div className="page-head">
        <h1>{t('dashboard.title')}</h1>
        <p className="muted">{t('dashboard.welcome', { name: me.user.displayName || me.user.userName })}</p>
      </div>
      <div className="cards">
        <section className="card" aria-labelledby="customers-card">
          <h2 id="customers-card">{t('nav.customers')}</h2>
          {customers.isPending ? (
            <Loading />
          ) : customers.isError ? (
            <ErrorAlert error={customers.error} focus={false} />
          ) : (
            <p className="big-number" data-testid={TID.customerCount}>
              {f.number(customers.data.totalCount)}
            </p>
          )}
          <div className="actions">
            <Link className="button" to="/customers">
              {t('dashboard.viewCustomers')}
            </Link>
            {can('customers.create') && (
              <Link className="button-quiet" to="/customers/new">
                {t('customers.new')}
              </Link>
            )}
          </div>
        </section>
      </div>
      <section className="panel" aria-labelledby="recent-activity">
        <h2 id="recent-activity">{t('dashboard.recentActivity')}</h2>
        {activity.isPending ? (
          <Loading />
        ) : activity.isError ? (
          <ErrorAlert error={activity.error} focus={false} />
        ) : (
          <ActivityTable records={activity.data.slice(0, 10)} showCustomer />
        )}
      </section>
    </>
  );
}
