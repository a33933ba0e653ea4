import { useState } from 'react';
import { useT } from '../i18n/I18n.tsx';
import { useSession } from '../session.tsx';
import { monthOf } from '../logic/months.ts';
import { MonthField, StatementView } from './billing/StatementView.tsx';
import { useTabCustomer } from './CustomerPage.tsx';

/** The customer's statement for a month (R-BIL-6), the current month (the server's) first. */
export function BillingTab() {
  const t = useT();
  const customer = useTabCustomer();
  const { me } = useSession();
  const [month, setMonth] = useState(() => monthOf(me.now));
  return (
    <section aria-labelledby="billing-title">
      <div className="section-head">
        <h2 id="billing-title">{t('billing.statementTitle')}</h2>
        <MonthField id="billing-month" label={t('billing.month')} value={month} onChange={setMonth} />
      </div>
      <StatementView customerId={customer.id} month={month} />
    </section>
  );
}
