import { useQuery } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { api, newRequestId, ok, type Subscription } from '../../api/client.ts';
import { keys, PREVIEW } from '../../api/queries.ts';
import { ChangeMoney } from '../../components/ChangeMoney.tsx';
import { describedBy, ErrorAlert, Field, Loading } from '../../components/common.tsx';
import { TID } from '../../testids.ts';
import { CYCLE_KEY } from '../../components/labels.ts';
import { useFormat, useT } from '../../i18n/I18n.tsx';

/** Convert a trial to paid (R-TRI-3): an offer it converts to, a billing cycle, licences; it keeps its id. */
export function ConvertTrial({ s, onDone }: { s: Subscription; onDone: () => void }) {
  const t = useT();
  const f = useFormat();
  const path = { customerId: s.customerId, subscriptionId: s.id };
  const options = useQuery({
    queryKey: [...keys.subscription(s.customerId, s.id), 'conversions'],
    meta: PREVIEW,
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/subscriptions/{subscriptionId}/conversions', {
          params: { path },
        }),
      ),
  });
  const [choice, setChoice] = useState(0);
  const [quantity, setQuantity] = useState<string>();
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const requestId = useRef(newRequestId());
  const picked = options.data?.items[choice];
  const cycle = picked?.billingCycle ?? 'monthly';
  // The target's price and licence bounds, from the customer's catalog for the chosen billing cycle.
  const catalog = useQuery({
    queryKey: keys.catalog(s.customerId, cycle),
    enabled: picked !== undefined,
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/catalog', {
          params: { path: { customerId: s.customerId }, query: { billingCycle: cycle } },
        }),
      ),
  });
  const target = catalog.data?.items.find((e) => e.offer.id === picked?.targetOfferId);

  if (options.isPending) return <Loading />;
  if (options.isError) return <ErrorAlert error={options.error} focus={false} />;
  const items = options.data.items;
  const text = quantity ?? String(picked?.quantity ?? 25);
  const count = Number(text);
  const min = target?.offer.minimumQuantity ?? 1;
  const max = target?.offer.maximumQuantity ?? 1_000_000;
  const valid = /^\d+$/.test(text.trim()) && count >= min && count <= max;
  const quantityProblem = checked && !valid ? t('order.quantityRange', { min, max }) : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (!picked) return;
    if (!valid) {
      document.getElementById('convert-quantity')?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await ok(
        api.POST('/v1/customers/{customerId}/subscriptions/{subscriptionId}/conversions', {
          params: { path },
          headers: { 'MS-RequestId': requestId.current },
          body: {
            targetOfferId: picked.targetOfferId,
            billingCycle: picked.billingCycle,
            quantity: count,
          },
        }),
      );
      onDone();
    } catch (err) {
      requestId.current = newRequestId();
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="convert-title">
      <h2 id="convert-title">{t('convert.title')}</h2>
      <p className="muted">{t('convert.lead', { date: f.date(s.commitmentEndDate) })}</p>
      <ErrorAlert error={error} />
      {items.length === 0 ? (
        <p className="empty">{t('convert.none')}</p>
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <div className="grid-2">
            <Field id="convert-target" label={t('convert.target')}>
              <select id="convert-target" value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
                {items.map((c, i) => (
                  <option key={`${c.targetOfferId}-${c.billingCycle}`} value={i}>
                    {t('convert.option', {
                      name: c.targetOfferName,
                      cycle: t(CYCLE_KEY[c.billingCycle] ?? 'cycle.monthly'),
                    })}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              id="convert-quantity"
              label={t('edit.licences')}
              hint={t('edit.quantityHint', { min, max })}
              problem={quantityProblem}
            >
              <input
                {...describedBy('convert-quantity', true, quantityProblem)}
                type="number"
                inputMode="numeric"
                min={min}
                max={max}
                value={text}
                onChange={(e) => setQuantity(e.target.value)}
              />
            </Field>
          </div>
          {target && (
            <p className="convert-price" data-testid={TID.convertPrice}>
              {t(cycle === 'annual' ? 'edit.pricePerYear' : 'edit.pricePerMonth', {
                price: f.money(target.unitPrice, target.currency),
              })}
            </p>
          )}
          {target && valid && (
            <ChangeMoney
              pending={false}
              preview={{ total: target.unitPrice * count, currency: target.currency, addOns: 0 }}
            />
          )}
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {busy ? t('common.saving') : t('convert.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
