import { useQuery } from '@tanstack/react-query';
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from 'chart.js';
import { useState } from 'react';
import { Bar } from 'react-chartjs-2';
import { api, ok, type MonthlyTotals } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import { ErrorAlert, Loading } from '../components/common.tsx';
import { minorUnitDigits } from '../i18n/format.ts';
import { useFormat, useT } from '../i18n/I18n.tsx';
import { useSession } from '../session.tsx';
import { TID } from '../testids.ts';
import { addMonths, fromFirstBilledMonth, monthOf } from '../logic/months.ts';
import { MonthField, StatementView } from './billing/StatementView.tsx';
import { MarginReport } from './billing/MarginReport.tsx';

ChartJS.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/**
 * The partner's billing: charges and credits per month over a range (GET /v1/statements), as a chart and
 * as a table of the same numbers (the chart's accessible alternative), then one month's statement across
 * the partner's customers.
 */
export function BillingPage() {
  const t = useT();
  const { me } = useSession();
  const current = monthOf(me.now);
  const [from, setFrom] = useState(() => addMonths(current, -11));
  const [to, setTo] = useState(current);
  const [month, setMonth] = useState(current);
  const range = useQuery({
    queryKey: keys.statements(from, to),
    queryFn: () => ok(api.GET('/v1/statements', { params: { query: { from, to } } })),
  });
  return (
    <>
      <div className="page-head">
        <h1>{t('billing.title')}</h1>
        <p className="muted">{t('billing.lead')}</p>
      </div>
      <section aria-labelledby="billing-range-title">
        <div className="section-head">
          <h2 id="billing-range-title">{t('billing.perMonth')}</h2>
          <MonthField id="billing-from" label={t('billing.from')} value={from} onChange={setFrom} />
          <MonthField id="billing-to" label={t('billing.to')} value={to} onChange={setTo} />
        </div>
        {range.isPending ? (
          <Loading />
        ) : range.isError ? (
          <ErrorAlert error={range.error} focus={false} />
        ) : (
          <MonthlyChart items={range.data.items} />
        )}
      </section>
      <section aria-labelledby="billing-month-title">
        <div className="section-head">
          <h2 id="billing-month-title">{t('billing.partnerStatement')}</h2>
          <MonthField id="billing-month" label={t('billing.month')} value={month} onChange={setMonth} />
        </div>
        <StatementView month={month} />
      </section>
      <MarginReport initialMonth={current} />
    </>
  );
}

/** One bar chart per currency billed in the range (amounts of different currencies are never added). */
function MonthlyChart({ items }: { items: MonthlyTotals }) {
  const t = useT();
  const f = useFormat();
  const currencies = [...new Set(items.flatMap((i) => i.totals.map((x) => x.currency)))].sort();
  if (currencies.length === 0) return <p className="muted">{t('billing.nothingInRange')}</p>;
  return (
    <>
      {currencies.map((currency) => {
        const rows = fromFirstBilledMonth(
          items.map((i) => ({
            month: i.month,
            totals: i.totals.find((x) => x.currency === currency) ?? {
              charges: 0,
              credits: 0,
              net: 0,
              lineCount: 0,
              currency,
            },
          })),
        );
        const major = 10 ** minorUnitDigits(currency);
        const title = t('billing.chartTitle', { currency });
        return (
          <div key={currency} className="billing-currency">
            <div className="chart-box" data-testid={TID.billingChart} data-currency={currency}>
              <Bar
                role="img"
                aria-label={title}
                options={{
                  responsive: true,
                  maintainAspectRatio: false,
                  animation: false,
                  locale: f.locale,
                  plugins: {
                    legend: { position: 'bottom' },
                    tooltip: {
                      callbacks: {
                        label: (c) =>
                          `${c.dataset.label ?? ''}: ${f.money(Math.round((c.parsed.y ?? 0) * major), currency)}`,
                      },
                    },
                  },
                  scales: {
                    y: { ticks: { callback: (v) => f.money(Math.round(Number(v) * major), currency) } },
                  },
                }}
                data={{
                  labels: rows.map((r) => f.month(r.month)),
                  datasets: [
                    {
                      label: t('billing.charges'),
                      data: rows.map((r) => r.totals.charges / major),
                      backgroundColor: '#1f6feb',
                    },
                    {
                      label: t('billing.credits'),
                      data: rows.map((r) => r.totals.credits / major),
                      backgroundColor: '#d1242f',
                    },
                  ],
                }}
              />
            </div>
            <div className="table-wrap">
              <table className="table">
                <caption>{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('billing.month')}</th>
                    <th scope="col" className="num">
                      {t('billing.charges')}
                    </th>
                    <th scope="col" className="num">
                      {t('billing.credits')}
                    </th>
                    <th scope="col" className="num">
                      {t('billing.net')}
                    </th>
                    <th scope="col" className="num">
                      {t('billing.lineCount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr
                      key={r.month}
                      data-testid={TID.monthRow}
                      data-month={r.month}
                      data-currency={currency}
                    >
                      <th scope="row">{f.month(r.month)}</th>
                      <td className="num">{f.money(r.totals.charges, currency)}</td>
                      <td className="num">{f.money(r.totals.credits, currency)}</td>
                      <td className="num">{f.money(r.totals.net, currency)}</td>
                      <td className="num">{f.number(r.totals.lineCount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        );
      })}
    </>
  );
}
