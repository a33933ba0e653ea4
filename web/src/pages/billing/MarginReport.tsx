import { useQuery } from '@tanstack/react-query';
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from 'chart.js';
import { useState } from 'react';
import { Bar } from 'react-chartjs-2';
import { api, ok } from '../../api/client.ts';
import type { paths } from '../../api/schema';
import { ErrorAlert, Loading } from '../../components/common.tsx';
import { minorUnitDigits } from '../../i18n/format.ts';
import { useFormat, useT } from '../../i18n/I18n.tsx';
import { MonthField } from './StatementView.tsx';
import { PRICING_TID } from './pricing-ids.ts';

ChartJS.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend);

type Report = paths['/v1/billing/margin']['get']['responses'][200]['content']['application/json'];

/**
 * The month's margin (R-PRC-3): revenue, cost and margin per customer as a chart, with the same numbers in
 * tables by customer and by offer (the chart's accessible alternative), the totals per currency and the CSV.
 */
export function MarginReport({ initialMonth }: { initialMonth: string }) {
  const t = useT();
  const f = useFormat();
  const [month, setMonth] = useState(initialMonth);
  const report = useQuery({
    queryKey: ['margin', month],
    queryFn: async (): Promise<Report> =>
      (await ok(api.GET('/v1/billing/margin', { params: { query: { month } } }))) as Report,
  });
  return (
    <section aria-labelledby="margin-title">
      <div className="section-head">
        <h2 id="margin-title">{t('margin.title')}</h2>
        <MonthField id="margin-month" label={t('margin.month')} value={month} onChange={setMonth} />
      </div>
      <p className="muted">{t('margin.lead')}</p>
      <p>
        <a href={`/v1/billing/margin?month=${month}&format=csv`} download data-testid={PRICING_TID.marginCsv}>
          {t('margin.downloadCsv', { month: f.month(month) })}
        </a>
      </p>
      {report.isPending ? (
        <Loading />
      ) : report.isError ? (
        <ErrorAlert error={report.error} focus={false} />
      ) : report.data.totals.length === 0 ? (
        <p className="muted">{t('margin.empty')}</p>
      ) : (
        report.data.totals.map((total) => {
          const currency = total.currency;
          const customers = report.data.byCustomer.filter((c) => c.currency === currency);
          const offers = report.data.byOffer.filter((o) => o.currency === currency);
          const major = 10 ** minorUnitDigits(currency);
          const title = t('margin.chartTitle', { currency, month: f.month(month) });
          return (
            <div key={currency} className="billing-currency">
              <p className="total" data-testid={PRICING_TID.marginTotal} data-currency={currency}>
                <span>{t('margin.totals', { currency })}</span>
                <span className="total-amount">
                  {t('margin.totalLine', {
                    revenue: f.money(total.revenue, currency),
                    cost: f.money(total.cost, currency),
                    margin: f.money(total.margin, currency),
                  })}
                </span>
              </p>
              {total.uncostedLines > 0 && (
                <p className="muted">
                  {t('margin.uncosted', {
                    count: total.uncostedLines,
                    amount: f.money(total.uncostedRevenue, currency),
                  })}
                </p>
              )}
              <div className="chart-box" data-testid={PRICING_TID.marginChart} data-currency={currency}>
                <Bar
                  role="img"
                  aria-label={title}
                  options={{
                    responsive: true,
                    maintainAspectRatio: false,
                    animation: false,
                    locale: f.locale,
                    plugins: { legend: { position: 'bottom' } },
                    scales: {
                      y: { ticks: { callback: (v) => f.money(Math.round(Number(v) * major), currency) } },
                    },
                  }}
                  data={{
                    labels: customers.map((c) => c.customerName),
                    datasets: [
                      {
                        label: t('margin.revenue'),
                        data: customers.map((c) => c.revenue / major),
                        backgroundColor: '#1f6feb',
                      },
                      {
                        label: t('margin.cost'),
                        data: customers.map((c) => c.cost / major),
                        backgroundColor: '#8c959f',
                      },
                      {
                        label: t('margin.margin'),
                        data: customers.map((c) => c.margin / major),
                        backgroundColor: '#1a7f37',
                      },
                    ],
                  }}
                />
              </div>
              <FiguresTable
                caption={t('margin.byCustomer', { currency })}
                head={t('margin.customer')}
                rows={customers.map((c) => ({ key: c.customerId, name: c.customerName, ...c }))}
                testId={PRICING_TID.marginCustomerRow}
              />
              <FiguresTable
                caption={t('margin.byOffer', { currency })}
                head={t('margin.offer')}
                rows={offers.map((o) => ({ key: o.offerId, name: o.offerName, ...o }))}
                testId={PRICING_TID.marginOfferRow}
              />
            </div>
          );
        })
      )}
    </section>
  );
}

interface FigureRow {
  key: string;
  name: string;
  currency: string;
  revenue: number;
  cost: number;
  margin: number;
}

function FiguresTable({
  caption,
  head,
  rows,
  testId,
}: {
  caption: string;
  head: string;
  rows: FigureRow[];
  testId: string;
}) {
  const t = useT();
  const f = useFormat();
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col" className="num">
              {t('margin.revenue')}
            </th>
            <th scope="col" className="num">
              {t('margin.cost')}
            </th>
            <th scope="col" className="num">
              {t('margin.margin')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid={testId} data-id={r.key}>
              <th scope="row">{r.name}</th>
              <td className="num">{f.money(r.revenue, r.currency)}</td>
              <td className="num">{f.money(r.cost, r.currency)}</td>
              <td className="num">{f.money(r.margin, r.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The order review's cost and margin, shown when the server sent them (only to roles with billing.view). */
export function OrderMargin({
  preview,
}: {
  preview: { costTotal?: number | null; marginTotal?: number | null; currencyCode: string };
}) {
  const t = useT();
  const f = useFormat();
  if (preview.costTotal === undefined) return null;
  return (
    <p className="total" data-testid={PRICING_TID.orderMargin}>
      <span>{t('margin.orderCostMargin')}</span>
      <span className="total-amount">
        {preview.costTotal === null || preview.marginTotal === null || preview.marginTotal === undefined
          ? t('margin.costUnknown')
          : t('margin.costAndMargin', {
              cost: f.money(preview.costTotal, preview.currencyCode),
              margin: f.money(preview.marginTotal, preview.currencyCode),
            })}
      </span>
    </p>
  );
}
