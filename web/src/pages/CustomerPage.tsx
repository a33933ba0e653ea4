import { useQuery } from '@tanstack/react-query';
import { Link, NavLink, Outlet, useLocation, useOutletContext, useParams } from 'react-router';
import { api, ok, type Customer } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import { ErrorAlert, Loading, Notice } from '../components/common.tsx';
import { CopyId } from '../components/CopyId.tsx';
import { SEGMENT_KEY } from '../components/labels.ts';
import { useFormat, useT } from '../i18n/I18n.tsx';
import { isMessageKey, type MessageKey } from '../i18n/messages.ts';
import type { Permission } from '../session.tsx';
import { useSession } from '../session.tsx';
import { TID } from '../testids.ts';

/**
 * The customer page's tabs, in order. A tab is a route under /customers/:id and a label; the ones that need
 * a permission name it. Later issues add theirs here (users and licences, billing).
 */
export const CUSTOMER_TABS: { path: string; label: MessageKey; permission?: Permission }[] = [
  { path: 'subscriptions', label: 'customer.tab.subscriptions' },
  { path: 'users', label: 'customer.tab.users' },
  { path: 'activity', label: 'customer.tab.activity' },
  { path: 'billing', label: 'customer.tab.billing', permission: 'billing.view' },
  { path: 'invoices', label: 'customer.tab.invoices', permission: 'billing.view' },
];

export function useCustomerQuery(customerId: string) {
  return useQuery({
    queryKey: keys.customer(customerId),
    queryFn: () => ok(api.GET('/v1/customers/{customerId}', { params: { path: { customerId } } })),
  });
}

/** The header every customer page shares: name, domain, segment, country, customer since. */
export function CustomerHeader({ customer }: { customer: Customer }) {
  const t = useT();
  const f = useFormat();
  const segment = SEGMENT_KEY[customer.segment];
  return (
    <div className="page-head">
      <nav className="breadcrumbs" aria-label={t('nav.breadcrumbs')}>
        <Link to="/customers">{t('nav.customers')}</Link>
      </nav>
      <h1>{customer.companyProfile.companyName}</h1>
      <ul className="facts">
        <li>{customer.companyProfile.domain}</li>
        <li>
          <span className="tag">{segment ? t(segment) : customer.segment}</span>
        </li>
        <li>{f.country(customer.billingProfile.defaultAddress.country)}</li>
        <li>{t('customer.since', { date: f.date(customer.accountOpenedAt) })}</li>
        <li>
          {t('customer.id')} <CopyId id={customer.id} what={t('customer.id')} testId={TID.customerId} />
        </li>
      </ul>
    </div>
  );
}

/** A customer: its header, its tabs, and the tab's page. */
export function CustomerPage() {
  const t = useT();
  const { customerId = '' } = useParams();
  const { can } = useSession();
  const location = useLocation();
  const { notice, orderId } = (location.state as { notice?: string; orderId?: string } | null) ?? {};
  const customer = useCustomerQuery(customerId);
  if (customer.isPending) return <Loading />;
  if (customer.isError) return <ErrorAlert error={customer.error} />;
  return (
    <>
      <CustomerHeader customer={customer.data} />
      {notice && isMessageKey(notice) && <Notice>{t(notice)}</Notice>}
      {notice && orderId && (
        <p className="order-id">
          {t('edit.orderId')} <CopyId id={orderId} what={t('edit.orderId')} testId={TID.orderId} />
        </p>
      )}
      <nav className="tabs" aria-label={t('customer.tabs')}>
        <ul>
          {CUSTOMER_TABS.filter((tab) => !tab.permission || can(tab.permission)).map((tab) => (
            <li key={tab.path}>
              <NavLink to={`/customers/${customerId}/${tab.path}`}>{t(tab.label)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="tab-panel">
        <Outlet context={customer.data} />
      </div>
    </>
  );
}

/** The customer a tab belongs to. */
export const useTabCustomer = () => useOutletContext<Customer>();
