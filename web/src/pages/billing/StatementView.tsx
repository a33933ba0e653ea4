import { useQuery } from '@tanstack/react-query';
import { api, ok, type Statement } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import { ErrorAlert, Loading } from '../../components/common.tsx';
import { useFormat, useT } from '../../i18n/I18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { TID } from '../../testids.ts';

/** Why a ledger line exists (the API's `reason`), in words. */
export const BILLING_REASON_KEY: Record<string, MessageKey> = {
  purchase: 'billing.reason.purchase',
  addOnPurchase: 'billing.reason.addOnPurchase',
  conversion: 'billing.reason.conversion',
  renewal: 'billing.reason.renewal',
  quantityIncrease: 'billing.reason.quantityIncrease',
  quantityDecrease: 'billing.reason.quantityDecrease',
  suspension: 'billing.reason.suspension',
  reactivation: 'billing.reason.reactivation',
  cancellation: 'billing.reason.cancellation',
};

/**
 * The month's statement (R-BIL-6): one customer's (customerId) or the partner's across its customers, with
 * the lines and the totals per currency, amounts in the line's currency and the user's language, and the
 * link to the same statement as CSV (the session cookie rides along: a plain GET).
 */
export function StatementView({ customerId, month }: { customerId?: string; month: string }) {
  const t = useT();
  const f = useFormat();
  const statement = useQuery({
    queryKey: keys.statement(customerId, month),
    // The JSON answer (the route's CSV is the other content type, asked only by the download link).
    queryFn: async (): Promise<Statement> =>
      (await (customerId
        ? ok(
            api.GET('/v1/customers/{customerId}/statements/{month}', {
              params: { path: { customerId, month } },
            }),
          )
        : ok(api.GET('/v1/statements/{month}', { params: { path: { month } } })))) as Statement,
  });
  const csv = customerId
    ? `/v1/customers/${encodeURIComponent(customerId)}/statements/${month}?format=csv`
    : `/v1/statements/${month}?format=csv`;
  if (statement.isPending) return <Loading />;
  if (statement.isError) return <ErrorAlert error={statement.error} focus={false} />;
  const s = statement.data;
  return (
    <>
      <p>
        <a href={csv} download data-testid={TID.statementCsv}>
          {t('billing.downloadCsv', { month: f.month(month) })}
        </a>
      </p>
      {s.lines.length === 0 ? (
        <p className="muted">{t('billing.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption>{t('billing.linesCaption', { month: f.month(month) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('billing.date')}</th>
                {!customerId && <th scope="col">{t('billing.customer')}</th>}
                <th scope="col">{t('billing.subscription')}</th>
                <th scope="col">{t('billing.rule')}</th>
                <th scope="col">{t('billing.period')}</th>
                <th scope="col" className="num">
                  {t('billing.quantity')}
                </th>
                <th scope="col" className="num">
                  {t('billing.unitPrice')}
                </th>
                <th scope="col" className="num">
                  {t('billing.amount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {s.lines.map((line) => {
                const reason = BILLING_REASON_KEY[line.reason];
                return (
                  <tr key={line.id} data-testid={TID.statementLine} data-reason={line.reason}>
                    <td>{f.date(line.postedAt)}</td>
                    {!customerId && <td>{line.customerName}</td>}
                    <td>{line.subscriptionName}</td>
                    <td>{reason ? t(reason) : line.reason}</td>
                    <td>
                      {t('billing.periodRange', {
                        from: f.date(line.periodStart),
                        to: f.date(line.periodEnd),
                      })}
                    </td>
                    <td className="num">{f.number(line.quantity)}</td>
                    <td className="num">{f.money(line.unitPrice, line.currency)}</td>
                    <td className="num" data-testid={TID.statementAmount}>
                      {f.money(line.amount, line.currency)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <TotalsTable totals={s.totals} caption={t('billing.totalsCaption', { month: f.month(month) })} />
    </>
  );
}

/** Charges, credits and net per currency. */
export function TotalsTable({ totals, caption }: { totals: Statement['totals']; caption: string }) {
  const t = useT();
  const f = useFormat();
  if (totals.length === 0) return null;
  // In its own box, like every table: German's longer headings are wider than a phone.
  return (
    <div className="table-wrap">
      <table className="table totals">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('billing.currency')}</th>
            <th scope="col" className="num">
              {t('billing.charges')}
            </th>
            <th scope="col" className="num">
              {t('billing.credits')}
            </th>
            <th scope="col" className="num">
              {t('billing.net')}
            </th>
          </tr>
        </thead>
        <tbody>
          {totals.map((x) => (
            <tr key={x.currency} data-testid={TID.statementTotal} data-currency={x.currency}>
              <th scope="row">{x.currency}</th>
              <td className="num">{f.money(x.charges, x.currency)}</td>
              <td className="num">{f.money(x.credits, x.currency)}</td>
              <td className="num" data-testid={TID.statementNet}>
                {f.money(x.net, x.currency)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A month picker (`<input type="month">`), labelled. */
export function MonthField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (month: string) => void;
}) {
  return (
    <div className="field field-inline">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="month"
        value={value}
        required
        onChange={(e) => {
          if (/^\d{4}-\d{2}$/.test(e.target.value)) onChange(e.target.value);
        }}
      />
    </div>
  );
}
