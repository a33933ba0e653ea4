import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, newRequestId, ok, type CatalogEntry } from '../api/client.ts';
import { keys, PREVIEW, refreshCustomer } from '../api/queries.ts';
import { ErrorAlert, Loading } from '../components/common.tsx';
import { useFormat, useT } from '../i18n/I18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import {
  BILLING_TYPES,
  defaultQuantity,
  lineRefusals,
  orderBody,
  orderLines,
  orderTotal,
  type BillingType,
  type LineRefusal,
  type Selection,
} from '../logic/order.ts';
import { TID } from '../testids.ts';
import { OrderMargin } from './billing/MarginReport.tsx';
import { PRICING_TID } from './billing/pricing-ids.ts';
import { useCustomerQuery } from './CustomerPage.tsx';
import { partnerText } from '../logic/partner-text.ts';

const TYPE_LABEL: Record<BillingType, MessageKey> = {
  monthly: 'cycle.monthly',
  annual: 'cycle.annual',
  trial: 'cycle.trial',
};
const TYPE_HINT: Record<BillingType, MessageKey> = {
  monthly: 'order.monthlyHint',
  annual: 'order.annualHint',
  trial: 'order.trialHint',
};
const PRICE_UNIT: Record<BillingType, MessageKey> = {
  monthly: 'order.perLicenceMonth',
  annual: 'order.perLicenceYear',
  trial: 'order.free',
};

/**
 * The seed's "New subscription": choose monthly, annual or trial; the customer's catalog for that choice
 * with prices in its currency and why an offer cannot be bought (R-CAT-1, R-CAT-2); tick offers, enter
 * licence counts, review the total, Submit (R-ORD-1: a refused order names each failing line).
 */
export function NewSubscription() {
  const t = useT();
  const f = useFormat();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { customerId = '' } = useParams();
  const customer = useCustomerQuery(customerId);
  const [type, setType] = useState<BillingType>('monthly');
  const [selection, setSelection] = useState<Selection>({});
  const [refusals, setRefusals] = useState<Map<string, LineRefusal>>(new Map());
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState(false);
  const requestId = useRef(newRequestId());

  const catalog = useQuery({
    queryKey: keys.catalog(customerId, type),
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/catalog', {
          params: { path: { customerId }, query: { billingCycle: type } },
        }),
      ),
  });

  const entries = catalog.data?.items ?? [];
  const currency = catalog.data?.currency ?? 'USD';
  const lines = orderLines(entries, selection, type);
  const names = Object.fromEntries(entries.map((e) => [e.offer.id, e.offer.name]));
  const total = orderTotal(lines);
  const invalid = lines.some((l) => l.problem);
  // What the server would charge for this order now (R-BIL-1), from the same code as the order itself: the
  // client-side total above is the price list's; this is the ledger's answer.
  const previewBody = lines.length > 0 && !invalid ? orderBody(lines, type) : undefined;
  const preview = useQuery({
    queryKey: ['customer', customerId, 'orderPreview', JSON.stringify(previewBody ?? null)],
    meta: PREVIEW,
    enabled: previewBody !== undefined,
    retry: false,
    queryFn: () =>
      ok(
        api.POST('/v1/customers/{customerId}/orders/preview', {
          params: { path: { customerId } },
          body: previewBody as NonNullable<typeof previewBody>,
        }),
      ),
  });

  const chooseType = (next: BillingType) => {
    setType(next);
    setSelection({});
    setRefusals(new Map());
    setError(undefined);
    setChecked(false);
  };

  const toggle = (entry: CatalogEntry, on: boolean) => {
    setSelection((s) => {
      const rest = Object.fromEntries(Object.entries(s).filter(([id]) => id !== entry.offer.id));
      return on ? { ...rest, [entry.offer.id]: String(defaultQuantity(entry, type)) } : rest;
    });
    setRefusals(new Map());
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (lines.length === 0 || invalid) return;
    setBusy(true);
    setError(undefined);
    try {
      const order = await ok(
        api.POST('/v1/customers/{customerId}/orders', {
          params: { path: { customerId } },
          body: orderBody(lines, type),
          headers: { 'MS-RequestId': requestId.current },
        }),
      );
      await refreshCustomer(client, customerId);
      void navigate(`/customers/${customerId}/subscriptions`, {
        state: {
          notice: order.lineItems.length === 1 ? 'order.placedOne' : 'order.placedMany',
          orderId: order.id,
        },
      });
    } catch (err) {
      setBusy(false);
      // The next submit is a new request: the partner will have changed the order (R-API-2).
      requestId.current = newRequestId();
      if (err instanceof ApiError) setRefusals(lineRefusals(err.body.data, lines));
      setError(err);
    }
  };

  const name = customer.data?.companyProfile.companyName ?? '';
  return (
    <>
      <nav className="breadcrumbs" aria-label={t('nav.breadcrumbs')}>
        <Link to="/customers">{t('nav.customers')}</Link>
        <Link to={`/customers/${customerId}/subscriptions`}>{name}</Link>
      </nav>
      <div className="page-head">
        <h1>{t('order.title')}</h1>
        <p className="muted">{t('order.lead', { customer: name })}</p>
      </div>
      <ErrorAlert error={error} lines={refusals.size === 0} names={names} />
      <form className="order" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="billing-types">
          <legend>{t('order.billingType')}</legend>
          <div className="segmented">
            {BILLING_TYPES.map((b) => (
              <label key={b} className={`segment${type === b ? ' segment-on' : ''}`}>
                <input
                  type="radio"
                  name="billingType"
                  value={b}
                  checked={type === b}
                  onChange={() => chooseType(b)}
                />
                <span className="segment-label">{t(TYPE_LABEL[b])}</span>
                <span className="segment-hint">{t(TYPE_HINT[b])}</span>
              </label>
            ))}
          </div>
        </fieldset>

        <div className="order-grid">
          <section aria-labelledby="catalog-title">
            <h2 id="catalog-title">{t('order.catalog')}</h2>
            {catalog.isPending ? (
              <Loading />
            ) : catalog.isError ? (
              <ErrorAlert error={catalog.error} focus={false} />
            ) : entries.length === 0 ? (
              <p className="empty">{t('order.emptyCatalog')}</p>
            ) : (
              <div className="table-wrap">
                <table className="catalog">
                  <thead>
                    <tr>
                      <th scope="col">{t('order.product')}</th>
                      <th scope="col" className="num">
                        {t('order.price')}
                      </th>
                      <th scope="col" className="num">
                        {t('order.licences')}
                      </th>
                      <th scope="col" className="num">
                        {t('order.lineTotal')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {entries.map((entry) => {
                      const id = entry.offer.id;
                      const picked = selection[id] !== undefined;
                      const line = lines.find((l) => l.entry.offer.id === id);
                      const refusal = refusals.get(id);
                      const qtyId = `qty-${id}`;
                      const problem =
                        line?.problem && checked
                          ? t(line.problem.key, { min: line.problem.min, max: line.problem.max })
                          : undefined;
                      const described = [entry.reason ? `reason-${id}` : '', refusal ? `refusal-${id}` : '']
                        .filter(Boolean)
                        .join(' ');
                      return (
                        <tr
                          key={id}
                          className={`${entry.purchasable ? '' : 'unavailable'}${picked ? ' picked' : ''}${refusal ? ' refused' : ''}`}
                          data-testid={TID.catalogRow}
                          data-offer={id}
                        >
                          <td>
                            <label className="offer">
                              <input
                                type="checkbox"
                                checked={picked}
                                disabled={!entry.purchasable}
                                onChange={(e) => toggle(entry, e.target.checked)}
                                {...(described ? { 'aria-describedby': described } : {})}
                              />
                              <span>
                                <span className="offer-name">{entry.offer.name}</span>
                                <span className="offer-description">{entry.offer.description}</span>
                              </span>
                            </label>
                            {entry.reason && (
                              <p className="reason" id={`reason-${id}`} data-testid={TID.catalogReason}>
                                {partnerText(entry.reason.description, names)}{' '}
                                {entry.reason.code === 'suspendedExists' && entry.reason.subscriptionId && (
                                  <Link
                                    to={`/customers/${customerId}/subscriptions/${entry.reason.subscriptionId}`}
                                  >
                                    {t('order.reactivate', { name: entry.reason.subscriptionName ?? '' })}
                                  </Link>
                                )}
                              </p>
                            )}
                            {entry.suspendedSubscription && (
                              <p className="reason" data-testid={TID.catalogSuspendedHint}>
                                {t('order.suspendedHint', {
                                  name: entry.suspendedSubscription.subscriptionName,
                                })}{' '}
                                <Link
                                  to={`/customers/${customerId}/subscriptions/${entry.suspendedSubscription.subscriptionId}`}
                                >
                                  {t('order.reactivate', {
                                    name: entry.suspendedSubscription.subscriptionName,
                                  })}
                                </Link>
                              </p>
                            )}
                            {refusal && (
                              <p className="problem" id={`refusal-${id}`} data-testid={TID.lineError}>
                                {partnerText(refusal.description, names)}
                              </p>
                            )}
                          </td>
                          <td className="num nowrap">
                            {type === 'trial' ? (
                              t('order.free')
                            ) : (
                              <>
                                {f.money(entry.unitPrice, entry.currency)}
                                <span className="unit">{t(PRICE_UNIT[type])}</span>
                                {typeof entry.unitCost === 'number' && typeof entry.margin === 'number' && (
                                  <span className="unit cost-margin" data-testid={PRICING_TID.offerMargin}>
                                    {t('margin.costAndMargin', {
                                      cost: f.money(entry.unitCost, entry.currency),
                                      margin: f.money(entry.margin, entry.currency),
                                    })}
                                  </span>
                                )}
                              </>
                            )}
                          </td>
                          <td className="num">
                            {picked && (
                              <>
                                <label className="visually-hidden" htmlFor={qtyId}>
                                  {t('order.licencesFor', { name: entry.offer.name })}
                                </label>
                                <input
                                  id={qtyId}
                                  className="qty"
                                  type="number"
                                  inputMode="numeric"
                                  min={entry.offer.minimumQuantity}
                                  max={entry.offer.maximumQuantity}
                                  value={type === 'trial' ? '25' : (selection[id] ?? '')}
                                  readOnly={type === 'trial'}
                                  aria-invalid={problem ? true : undefined}
                                  {...(problem ? { 'aria-describedby': `qty-problem-${id}` } : {})}
                                  onChange={(e) => setSelection((s) => ({ ...s, [id]: e.target.value }))}
                                />
                                {problem && (
                                  <p className="problem" id={`qty-problem-${id}`}>
                                    {problem}
                                  </p>
                                )}
                              </>
                            )}
                          </td>
                          <td className="num nowrap">
                            {line && !line.problem ? f.money(line.total, currency) : ''}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <aside className="review" aria-labelledby="review-title">
            <h2 id="review-title">{t('order.review')}</h2>
            {lines.length === 0 ? (
              <p className="muted">{t('order.nothingPicked')}</p>
            ) : (
              <ul className="review-lines">
                {lines.map((l) => (
                  <li key={l.entry.offer.id}>
                    <span>
                      {t('order.reviewLine', {
                        name: l.entry.offer.name,
                        count: Number.isNaN(l.quantity) ? 0 : l.quantity,
                      })}
                    </span>
                    <span className="nowrap">{l.problem ? '' : f.money(l.total, currency)}</span>
                  </li>
                ))}
              </ul>
            )}
            <p className="total">
              <span>
                {type === 'annual'
                  ? t('order.totalYear')
                  : type === 'trial'
                    ? t('order.totalTrial')
                    : t('order.totalMonth')}
              </span>
              <span className="total-amount" data-testid={TID.orderTotal}>
                {f.money(total, currency)}
              </span>
            </p>
            {previewBody && preview.data && (
              <p className="total" data-testid={TID.orderCharge}>
                <span>{t('order.charge')}</span>
                <span className="total-amount">{f.money(preview.data.total, preview.data.currencyCode)}</span>
              </p>
            )}
            {previewBody && preview.data && <OrderMargin preview={preview.data} />}
            {checked && lines.length === 0 && <p className="problem">{t('order.pickOne')}</p>}
            <button type="submit" className="button-primary button-wide" disabled={busy}>
              {busy ? t('common.saving') : t('order.submit')}
            </button>
          </aside>
        </div>
      </form>
    </>
  );
}
