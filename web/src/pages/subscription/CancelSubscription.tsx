import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, newRequestId, ok, type Subscription } from '../../api/client.ts';
import { keys, PREVIEW } from '../../api/queries.ts';
import { ErrorAlert } from '../../components/common.tsx';
import { useFormat, useT } from '../../i18n/I18n.tsx';
import { TID } from '../../testids.ts';
import { useRetentionPreview } from '../SubscriptionEdit.tsx';

/**
 * Cancel (R-CAN-1): a confirmation that says users lose access at once and the date the data will be
 * purged, computed by the server; then PATCH status "deleted". A cancelled subscription never comes back.
 */
export function CancelSubscription({ s, onCancelled }: { s: Subscription; onCancelled: () => void }) {
  const t = useT();
  const f = useFormat();
  const client = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const requestId = useRef(newRequestId());
  const preview = useRetentionPreview(s.customerId, s.id, open);
  // The credit the cancellation would give (R-CAN-2, R-BIL-3), from the same code as the PATCH below.
  const billing = useQuery({
    queryKey: [...keys.subscription(s.customerId, s.id), 'cancelPreview', s.attributes.etag],
    meta: PREVIEW,
    enabled: open,
    retry: false,
    queryFn: () =>
      ok(
        api.POST('/v1/customers/{customerId}/subscriptions/{subscriptionId}/preview', {
          params: { path: { customerId: s.customerId, subscriptionId: s.id } },
          body: { ...s, status: 'deleted' },
          headers: { 'If-Match': `"${s.attributes.etag}"` },
        }),
      ),
  });
  const currency = billing.data?.lines[0]?.currency;

  const show = () => {
    setError(undefined);
    setOpen(true);
    dialog.current?.showModal();
  };
  const close = () => {
    dialog.current?.close();
  };

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await ok(
        api.PATCH('/v1/customers/{customerId}/subscriptions/{subscriptionId}', {
          params: { path: { customerId: s.customerId, subscriptionId: s.id } },
          body: { ...s, status: 'deleted' },
          headers: { 'If-Match': `"${s.attributes.etag}"`, 'MS-RequestId': requestId.current },
        }),
      );
      // The previews described the subscription before: closed first, they are not asked again.
      setOpen(false);
      close();
      client.setQueryData(keys.subscription(s.customerId, s.id), updated);
      onCancelled();
    } catch (err) {
      requestId.current = newRequestId();
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="panel panel-danger" aria-labelledby="cancel-title">
      <h2 id="cancel-title">{t('cancel.title')}</h2>
      <p className="muted">{t('cancel.lead')}</p>
      <button type="button" className="button-danger" onClick={show}>
        {t('cancel.button')}
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby="cancel-dialog-title"
        data-testid={TID.cancelDialog}
        onClose={() => setOpen(false)}
      >
        <h2 id="cancel-dialog-title">{t('cancel.confirmTitle', { name: s.friendlyName })}</h2>
        <p>{t('cancel.confirmAccess')}</p>
        <p data-testid={TID.cancelPurgeDate}>
          {preview.data
            ? t('cancel.confirmPurge', { date: f.date(preview.data.ifCancelled.dataRetentionEndDate) })
            : t('common.loading')}
        </p>
        <p data-testid={TID.cancelCredit}>
          {!billing.data
            ? t('common.loading')
            : billing.data.total < 0 && currency
              ? t('cancel.confirmCredit', { amount: f.money(-billing.data.total, currency) })
              : t('cancel.confirmNoCredit')}
        </p>
        {billing.data && billing.data.subscriptions.length > 1 && (
          <p data-testid={TID.cancelAddOns}>
            {t('cancel.addOnsToo', { count: billing.data.subscriptions.length - 1 })}
          </p>
        )}
        <p>{t('cancel.confirmFinal')}</p>
        <ErrorAlert error={error} />
        <div className="form-actions">
          <button
            type="button"
            className="button-danger"
            disabled={busy || !preview.data || !billing.data}
            onClick={() => void confirm()}
          >
            {busy ? t('common.saving') : t('cancel.confirmButton')}
          </button>
          <button type="button" className="button-quiet" autoFocus onClick={close}>
            {t('cancel.keep')}
          </button>
        </div>
      </dialog>
    </section>
  );
}
