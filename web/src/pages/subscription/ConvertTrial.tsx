import { useQuery } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { api, newRequestId, ok, type Subscription } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import { ErrorAlert, Field, Loading } from '../../components/common.tsx';
import { CYCLE_KEY } from '../../components/labels.ts';
import { useFormat, useT } from '../../i18n/I18n.tsx';

/** Convert a trial to paid (R-TRI-3): an offer it converts to, a billing cycle, licences; it keeps its id. */
export function ConvertTrial({ s, onDone }: { s: Subscription; onDone: () => void }) {
  const t = useT();
  const f = useFormat();
  const path = { customerId: s.customerId, subscriptionId: s.id };
  const options = useQuery({
    queryKey: [...keys.subscription(s.customerId, s.id), 'conversions'],
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/subscriptions/{subscriptionId}/conversions', {
          params: { path },
        }),
      ),
  });
  const [choice, setChoice] = useState(0);
  const [quantity, setQuantity] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const requestId = useRef(newRequestId());

  if (options.isPending) return <Loading />;
  if (options.isError) return <ErrorAlert error={options.error} focus={false} />;
  const items = options.data.items;
  const picked = items[choice];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!picked) return;
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
            quantity: Number(quantity ?? picked.quantity),
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
        <form className="form" onSubmit={(e) => void submit(e)}>
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
            <Field id="convert-quantity" label={t('edit.licences')}>
              <input
                id="convert-quantity"
                type="number"
                inputMode="numeric"
                min={1}
                value={quantity ?? String(picked?.quantity ?? 25)}
                onChange={(e) => setQuantity(e.target.value)}
              />
            </Field>
          </div>
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
