import { Link, Navigate, Route, Routes } from 'react-router';
import { ErrorAlert, Loading } from './components/common.tsx';
import { Layout } from './components/Layout.tsx';
import { useT } from './i18n/I18n.tsx';
import { ActivityTab } from './pages/ActivityTab.tsx';
import { BillingPage } from './pages/BillingPage.tsx';
import { BillingTab } from './pages/BillingTab.tsx';
import { InvoicesTab } from './pages/InvoicesTab.tsx';
import { CustomerPage } from './pages/CustomerPage.tsx';
import { Customers } from './pages/Customers.tsx';
import { Dashboard } from './pages/Dashboard.tsx';
import { NewCustomer } from './pages/NewCustomer.tsx';
import { NewSubscription } from './pages/NewSubscription.tsx';
import { PricingPage } from './pages/PricingPage.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { SubscriptionEdit } from './pages/SubscriptionEdit.tsx';
import { SubscriptionsTab } from './pages/SubscriptionsTab.tsx';
import { UsersTab } from './pages/UsersTab.tsx';
import type { ReactNode } from 'react';
import { SessionProvider, useMe, useSession, type Permission } from './session.tsx';

function NotFound() {
  const t = useT();
  return (
    <div className="page-head">
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </div>
  );
}

/** A page only some roles may use: the others are told so, rather than shown a form the server refuses. */
function Allowed({ permission, children }: { permission: Permission; children: ReactNode }) {
  const t = useT();
  const { can } = useSession();
  if (can(permission)) return children;
  return (
    <div className="page-head">
      <h1>{t('notAllowed.title')}</h1>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </div>
  );
}

/** Signed out: the sign-in page at whatever address was asked for. Signed in: the console. */
export function App() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorAlert error={me.error} />;
  if (!me.data) return <SignIn />;
  return (
    <SessionProvider me={me.data}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<Dashboard />} />
          <Route path="customers" element={<Customers />} />
          <Route
            path="customers/new"
            element={
              <Allowed permission="customers.create">
                <NewCustomer />
              </Allowed>
            }
          />
          <Route path="customers/:customerId/subscriptions/new" element={<NewSubscription />} />
          <Route path="customers/:customerId/subscriptions/:subscriptionId" element={<SubscriptionEdit />} />
          <Route path="customers/:customerId" element={<CustomerPage />}>
            <Route index element={<Navigate to="subscriptions" replace />} />
            <Route path="subscriptions" element={<SubscriptionsTab />} />
            <Route path="activity" element={<ActivityTab />} />
            <Route path="users" element={<UsersTab />} />
            <Route path="billing" element={<BillingTab />} />
            <Route path="invoices" element={<InvoicesTab />} />
          </Route>
          <Route path="billing" element={<BillingPage />} />
          <Route
            path="pricing"
            element={
              <Allowed permission="billing.view">
                <PricingPage />
              </Allowed>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}
