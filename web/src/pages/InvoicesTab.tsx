import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok, type Schemas } from '../api/client.ts';
import type { paths } from '../api/schema';
import { ErrorAlert, Loading } from '../components/common.tsx';
import { useFormat, useT } from '../i18n/I18n.tsx';
import { BILLING_REASON_KEY } from './billing/StatementView.tsx';
import { useTabCustomer } from './CustomerPage.tsx';
import { INVOICE_TID } from './invoices-testids.ts';

type Invoice = Schemas['Invoice'];
type InvoiceLinePage =
  paths['/v1/customers/{customerId}/invoices/{invoiceId}/lineitems']['get']['responses'][200]['content']['application/json'];

const base = (customerId: string, invoiceId: string) =>
  `/v1/customers/${encodeURIComponent(customerId)}/invoices/${encodeURIComponent(invoiceId)}`;

/** Where a document downloads from: the session cookie rides along with a plain GET. */
export const invoiceLinks = (customerId: string, invoiceId: string) => ({
  pdf: `${base(customerId, invoiceId)}/documents/statement`,
  csv: `${base(customerId, invoiceId)}/lineitems?format=csv`,
});

/**
 * The customer's invoices and credit notes (R-INV-1), newest first: open one to read its lines, or download
 * its PDF (in the customer's language) or its CSV. Documents are as issued; nothing here changes them.
 */
export function InvoicesTab() {
  const t = useT();
  const f = useFormat();
  const customer = useTabCustomer();
  const [openId, setOpenId] = useState<string | undefined>();
  const invoices = useQuery({
    queryKey: ['customer', customer.id, 'invoices'],
    queryFn: () =>
      ok(api.GET('/v1/customers/{customerId}/invoices', { params: { path: { customerId: customer.id } } })),
  });
  if (invoices.isPending) return <Loading />;
  if (invoices.isError) return <ErrorAlert error={invoices.error} focus={false} />;
  const items = invoices.data.items;
  const open = items.find((i) => i.id === openId);
  return (
    <section aria-labelledby="invoices-title">
      <div className="section-head">
        <h2 id="invoices-title">{t('invoices.title')}</h2>
      </div>
      {items.length === 0 ? (
        <p className="muted">{t('invoices.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption>{t('invoices.caption', { count: items.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('invoices.number')}</th>
                <th scope="col">{t('invoices.type')}</th>
                <th scope="col">{t('invoices.date')}</th>
                <th scope="col">{t('invoices.period')}</th>
                <th scope="col" className="num">
                  {t('invoices.net')}
                </th>
                <th scope="col" className="num">
                  {t('invoices.tax')}
                </th>
                <th scope="col" className="num">
                  {t('invoices.total')}
                </th>
                <th scope="col">{t('invoices.downloads')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => {
                const links = invoiceLinks(customer.id, i.id);
                return (
                  <tr key={i.id} data-testid={INVOICE_TID.row} data-number={i.number}>
                    <th scope="row">
                      <button
                        type="button"
                        className="button-quiet"
                        aria-expanded={openId === i.id}
                        aria-controls="invoice-detail"
                        data-testid={INVOICE_TID.open}
                        onClick={() => setOpenId(openId === i.id ? undefined : i.id)}
                      >
                        {i.number}
                      </button>
                    </th>
                    <td>
                      {i.documentType === 'invoice' ? t('invoices.invoice') : t('invoices.creditNote')}
                      {i.creditedInvoice && (
                        <span className="muted">
                          {' '}
                          ({t('invoices.corrects', { number: i.creditedInvoice.number })})
                        </span>
                      )}
                    </td>
                    <td>{f.date(i.invoiceDate)}</td>
                    <td>{f.month(i.billingPeriodStartDate.slice(0, 7))}</td>
                    <td className="num">{f.money(i.net, i.currencyCode)}</td>
                    <td className="num">{f.money(i.tax, i.currencyCode)}</td>
                    <td className="num" data-testid={INVOICE_TID.total}>
                      {f.money(i.total, i.currencyCode)}
                    </td>
                    <td>
                      <a
                        href={links.pdf}
                        download={`${i.number}.pdf`}
                        data-testid={INVOICE_TID.pdf}
                        aria-label={t('invoices.pdfOf', { number: i.number })}
                      >
                        {t('invoices.pdf')}
                      </a>{' '}
                      <a
                        href={links.csv}
                        download={`${i.number}.csv`}
                        data-testid={INVOICE_TID.csv}
                        aria-label={t('invoices.csvOf', { number: i.number })}
                      >
                        {t('invoices.csv')}
                      </a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {open && <InvoiceDetail customerId={customer.id} invoice={open} />}
    </section>
  );
}

/** One document's lines and totals, as issued. */
function InvoiceDetail({ customerId, invoice }: { customerId: string; invoice: Invoice }) {
  const t = useT();
  const f = useFormat();
  const lines = useQuery({
    queryKey: ['customer', customerId, 'invoice', invoice.id, 'lines'],
    // The JSON answer (the route's CSV is the other content type, asked only by the download link).
    queryFn: async () =>
      (await ok(
        api.GET('/v1/customers/{customerId}/invoices/{invoiceId}/lineitems', {
          params: { path: { customerId, invoiceId: invoice.id } },
        }),
      )) as InvoiceLinePage,
  });
  const money = (n: number) => f.money(n, invoice.currencyCode);
  return (
    <div id="invoice-detail" data-testid={INVOICE_TID.detail} className="invoice-detail">
      <h3>
        {invoice.documentType === 'invoice' ? t('invoices.invoice') : t('invoices.creditNote')}{' '}
        {invoice.number}
      </h3>
      {lines.isPending && <Loading />}
      {lines.isError && <ErrorAlert error={lines.error} focus={false} />}
      {lines.isSuccess && (
        <div className="table-wrap">
          <table className="table">
            <caption>{t('invoices.linesCaption', { number: invoice.number })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('invoices.product')}</th>
                <th scope="col">{t('invoices.period')}</th>
                <th scope="col" className="num">
                  {t('invoices.quantity')}
                </th>
                <th scope="col" className="num">
                  {t('invoices.unitPrice')}
                </th>
                <th scope="col" className="num">
                  {t('invoices.days')}
                </th>
                <th scope="col" className="num">
                  {t('invoices.amount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.data.items.map((l) => {
                const reason = BILLING_REASON_KEY[l.reason];
                return (
                  <tr key={l.lineNumber} data-testid={INVOICE_TID.line}>
                    <td>
                      {l.product} <span className="muted">({reason ? t(reason) : l.reason})</span>
                    </td>
                    <td>
                      {t('billing.periodRange', { from: f.date(l.periodStart), to: f.date(l.periodEnd) })}
                    </td>
                    <td className="num">{f.number(l.quantity)}</td>
                    <td className="num">{money(l.unitPrice)}</td>
                    <td className="num">{l.days === null ? '' : f.number(l.days)}</td>
                    <td className="num">{money(l.amount)}</td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={5}>
                  {t('invoices.net')}
                </th>
                <td className="num">{money(invoice.net)}</td>
              </tr>
              <tr>
                <th scope="row" colSpan={5}>
                  {t('invoices.taxAt', { rate: invoice.taxRate })}
                </th>
                <td className="num">{money(invoice.tax)}</td>
              </tr>
              <tr>
                <th scope="row" colSpan={5}>
                  {t('invoices.total')}
                </th>
                <td className="num">
                  <strong>{money(invoice.total)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </div>
  );
}
