import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import {
  api,
  ApiError,
  newRequestId,
  ok,
  type Subscription,
  type SubscriptionPatchBody,
} from '../api/client.ts';
import { keys, PREVIEW, refreshCustomer } from '../api/queries.ts';
import { describedBy, ErrorAlert, Field, Loading, Notice, StatusBadge } from '../components/common.tsx';
import { ChangeMoney } from '../components/ChangeMoney.tsx';
import { CopyId } from '../components/CopyId.tsx';
import { CYCLE_KEY, REASON_KEY } from '../components/labels.ts';
import { useFormat, useT } from '../i18n/I18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import {
  allowedEdits,
  formOf,
  patchFor,
  SUSPENSION_REASONS,
  termPrice,
  type FormProblem,
  type SubscriptionForm,
} from '../logic/subscription-form.ts';
import { partnerText } from '../logic/partner-text.ts';
import { TID } from '../testids.ts';
import { useCustomerQuery } from './CustomerPage.tsx';
import { AddOns } from './subscription/AddOns.tsx';
import { CancelSubscription } from './subscription/CancelSubscription.tsx';
import { ConvertTrial } from './subscription/ConvertTrial.tsx';

export function useSubscription(customerId: string, subscriptionId: string) {
  return useQuery({
    queryKey: keys.subscription(customerId, subscriptionId),
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/subscriptions/{subscriptionId}', {
          params: { path: { customerId, subscriptionId } },
        }),
      ),
  });
}

/** The dates a suspension or a cancellation made now would give (R-SUS-3, R-CAN-1), from the server. */
export function useRetentionPreview(customerId: string, subscriptionId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.subscription(customerId, subscriptionId), 'retention'],
    meta: PREVIEW,
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/subscriptions/{subscriptionId}/retentionpreview', {
          params: { path: { customerId, subscriptionId } },
        }),
      ),
    enabled,
  });
}

/** The seed's edit page: open it by clicking a subscription's name. */
export function SubscriptionEdit() {
  const t = useT();
  const { customerId = '', subscriptionId = '' } = useParams();
  const customer = useCustomerQuery(customerId);
  const sub = useSubscription(customerId, subscriptionId);
  const [notice, setNotice] = useState<MessageKey>();
  // A change refused as stale (412, R-API-3): the page reloads the subscription and says why.
  const [stale, setStale] = useState<unknown>();
  const client = useQueryClient();
  const refresh = async (message: MessageKey) => {
    await refreshCustomer(client, customerId);
    setNotice(message);
  };

  if (sub.isPending) return <Loading />;
  if (sub.isError) return <ErrorAlert error={sub.error} />;
  const s = sub.data;
  const allowed = allowedEdits(s);
  const name = customer.data?.companyProfile.companyName ?? '';
  return (
    <>
      <nav className="breadcrumbs" aria-label={t('nav.breadcrumbs')}>
        <Link to="/customers">{t('nav.customers')}</Link>
        <Link to={`/customers/${customerId}/subscriptions`}>{name}</Link>
      </nav>
      <div className="page-head page-head-row">
        <div>
          <h1>{s.friendlyName}</h1>
          <p className="muted">{s.offerName}</p>
        </div>
        <StatusBadge status={s.status} />
      </div>
      {notice && <Notice>{t(notice)}</Notice>}
      <ErrorAlert error={stale} />
      <Summary s={s} />
      {allowed.form ? (
        <EditForm
          key={s.attributes.etag}
          s={s}
          onSaved={(m) => void refresh(m)}
          onEdit={() => {
            setNotice(undefined);
            setStale(undefined);
          }}
          onStale={(e) => {
            setStale(e);
            void refreshCustomer(client, customerId);
          }}
        />
      ) : (
        <EndedNotice s={s} />
      )}
      {allowed.convert && <ConvertTrial s={s} onDone={() => void refresh('convert.done')} />}
      {s.parentSubscriptionId === null && !s.isTrial && (
        <AddOns s={s} canBuy={allowed.addOns} onBought={() => void refresh('addOns.bought')} />
      )}
      {allowed.cancel && <CancelSubscription s={s} onCancelled={() => void refresh('cancel.done')} />}
    </>
  );
}

function Summary({ s }: { s: Subscription }) {
  const t = useT();
  const f = useFormat();
  const cycle = CYCLE_KEY[s.billingCycle];
  return (
    <section className="panel" aria-labelledby="summary-title">
      <h2 id="summary-title">{t('edit.summary')}</h2>
      <dl className="summary">
        <div>
          <dt>{t('edit.product')}</dt>
          <dd>{s.offerName}</dd>
        </div>
        <div>
          <dt>{t('edit.billing')}</dt>
          <dd>{s.isTrial ? t('cycle.trial') : cycle ? t(cycle) : s.billingCycle}</dd>
        </div>
        <div>
          <dt>{t('edit.licences')}</dt>
          <dd>{f.number(s.quantity)}</dd>
        </div>
        <div>
          <dt>{t('edit.unitPrice')}</dt>
          <dd>
            {s.isTrial
              ? t('order.free')
              : t(s.billingCycle === 'annual' ? 'edit.pricePerYear' : 'edit.pricePerMonth', {
                  price: f.money(termPrice(s), s.currency),
                })}
          </dd>
        </div>
        <div>
          <dt>{t('edit.started')}</dt>
          <dd>{f.date(s.effectiveStartDate)}</dd>
        </div>
        <div>
          <dt>{s.isTrial ? t('edit.trialEnds') : t('edit.termEnds')}</dt>
          <dd>{f.date(s.commitmentEndDate)}</dd>
        </div>
        {s.suspendedAt && (
          <div>
            <dt>{t('edit.suspendedOn')}</dt>
            <dd>
              {f.date(s.suspendedAt)}
              {s.suspensionReasons.length > 0 &&
                ` · ${s.suspensionReasons.map((r) => (REASON_KEY[r] ? t(REASON_KEY[r]) : r)).join(', ')}`}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('edit.subscriptionId')}</dt>
          <dd>
            <CopyId id={s.id} what={t('edit.subscriptionId')} testId={TID.subscriptionId} />
          </dd>
        </div>
        <div>
          <dt>{t('edit.orderId')}</dt>
          <dd>
            <CopyId id={s.orderId} what={t('edit.orderId')} testId={TID.orderId} />
          </dd>
        </div>
        {s.dataRetentionEndDate && (
          <div>
            <dt>{s.dataPurgedAt ? t('edit.dataPurged') : t('edit.dataDeletedOn')}</dt>
            <dd data-testid={TID.retentionDate}>{f.date(s.dataPurgedAt ?? s.dataRetentionEndDate)}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}

/** Expired, disabled or cancelled: nothing to edit (R-REN-2, R-CAN-1); say what happens to the data. */
function EndedNotice({ s }: { s: Subscription }) {
  const t = useT();
  const f = useFormat();
  const key: MessageKey =
    s.status === 'deleted'
      ? 'edit.endedDeleted'
      : s.status === 'pending'
        ? 'edit.endedPending'
        : 'edit.endedExpired';
  return (
    <div className="alert alert-info" role="note">
      <p>{t(key)}</p>
      {s.dataRetentionEndDate && !s.dataPurgedAt && (
        <p>{t('edit.dataDeletedOnLong', { date: f.date(s.dataRetentionEndDate) })}</p>
      )}
    </div>
  );
}

const PROBLEM_FOCUS: Record<FormProblem['field'], string> = {
  friendlyName: 'sub-name',
  quantity: 'sub-quantity',
  reason: 'sub-reason',
  comment: 'sub-comment',
};

/** Licences, status (Active / Suspended with reason and the deletion date, R-SUS-1, R-SUS-3), name, auto-renew. */
function EditForm({
  s,
  onSaved,
  onEdit,
  onStale,
}: {
  s: Subscription;
  onSaved: (m: MessageKey) => void;
  onEdit: () => void;
  onStale: (e: ApiError) => void;
}) {
  const t = useT();
  const f = useFormat();
  const client = useQueryClient();
  const allowed = allowedEdits(s);
  const [form, setFormState] = useState<SubscriptionForm>(() => formOf(s));
  const [problems, setProblems] = useState<FormProblem[]>([]);
  // An edit starts afresh: the last notice and the problems shown for the last submit go.
  const setForm = (next: SubscriptionForm) => {
    setFormState(next);
    setProblems([]);
    setNothing(false);
    onEdit();
  };
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [nothing, setNothing] = useState(false);
  const requestId = useRef(newRequestId());
  const preview = useRetentionPreview(s.customerId, s.id, allowed.suspend);
  const offer = useQuery({
    queryKey: ['offer', s.offerId],
    queryFn: () => ok(api.GET('/v1/offers/{offerId}', { params: { path: { offerId: s.offerId } } })),
  });

  // The money before Submit: the server's preview of this very PATCH, once the form is valid.
  const draft = patchFor(s, form, offer.data ?? { minimumQuantity: 1, maximumQuantity: 1_000_000 });
  const previewBody = offer.data && draft.problems.length === 0 ? draft.body : undefined;
  const previewQuery = {
    queryKey: [
      ...keys.subscription(s.customerId, s.id),
      'changePreview',
      s.attributes.etag,
      JSON.stringify(previewBody ?? null),
    ],
    meta: PREVIEW,
    retry: false,
    queryFn: () =>
      ok(
        api.POST('/v1/customers/{customerId}/subscriptions/{subscriptionId}/preview', {
          params: { path: { customerId: s.customerId, subscriptionId: s.id } },
          body: previewBody as SubscriptionPatchBody,
          headers: { 'If-Match': `"${s.attributes.etag}"` },
        }),
      ),
  };
  const money = useQuery({ ...previewQuery, enabled: previewBody !== undefined && !busy });

  const problem = (field: FormProblem['field']) => {
    const p = problems.find((x) => x.field === field);
    if (!p) return undefined;
    return 'min' in p ? t(p.key, { min: p.min, max: p.max }) : t(p.key);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const bounds = offer.data ?? { minimumQuantity: 1, maximumQuantity: 1_000_000 };
    const { body, problems: found } = patchFor(s, form, bounds);
    setProblems(found);
    if (found[0]) {
      document.getElementById(PROBLEM_FOCUS[found[0].field])?.focus();
      return;
    }
    if (!body) {
      setNothing(true);
      return;
    }
    setBusy(true);
    // A preview still on its way must be answered first: reaching the server after this change, it would
    // find the subscription changed under its If-Match and be refused as stale (a 412 in the console).
    if (client.getQueryState(previewQuery.queryKey)?.fetchStatus === 'fetching')
      await client.fetchQuery(previewQuery).catch(() => undefined);
    try {
      const updated = await ok(
        api.PATCH('/v1/customers/{customerId}/subscriptions/{subscriptionId}', {
          params: { path: { customerId: s.customerId, subscriptionId: s.id } },
          body,
          headers: { 'If-Match': `"${s.attributes.etag}"`, 'MS-RequestId': requestId.current },
        }),
      );
      client.setQueryData(keys.subscription(s.customerId, s.id), updated);
      onSaved(
        updated.status === 'suspended' && s.status !== 'suspended'
          ? 'edit.suspended'
          : updated.status === 'active' && s.status === 'suspended'
            ? 'edit.reactivated'
            : 'edit.saved',
      );
    } catch (err) {
      requestId.current = newRequestId();
      setBusy(false);
      if (err instanceof ApiError && err.status === 412) onStale(err);
      else setError(err);
    }
  };

  const suspendedDate =
    s.status === 'suspended' && s.dataRetentionEndDate
      ? t('edit.retentionAfter', { date: f.date(s.dataRetentionEndDate) })
      : preview.data
        ? t('edit.retentionBefore', {
            date: f.date(preview.data.ifSuspended.dataRetentionEndDate),
            days: preview.data.ifSuspended.retentionDays,
          })
        : undefined;

  return (
    <section className="panel" aria-labelledby="edit-title">
      <h2 id="edit-title">{t('edit.title')}</h2>
      <ErrorAlert error={error} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="grid-2">
          <Field id="sub-name" label={t('edit.friendlyName')} problem={problem('friendlyName')}>
            <input
              {...describedBy('sub-name', undefined, problem('friendlyName'))}
              value={form.friendlyName}
              maxLength={200}
              onChange={(e) => setForm({ ...form, friendlyName: e.target.value })}
            />
          </Field>
          <Field
            id="sub-quantity"
            label={t('edit.licences')}
            hint={
              allowed.quantity
                ? offer.data
                  ? t('edit.quantityHint', {
                      min: offer.data.minimumQuantity,
                      max: offer.data.maximumQuantity,
                    })
                  : undefined
                : s.isTrial
                  ? t('edit.quantityTrial')
                  : t('edit.quantitySuspended')
            }
            problem={problem('quantity')}
          >
            <input
              {...describedBy('sub-quantity', true, problem('quantity'))}
              type="number"
              inputMode="numeric"
              value={form.quantity}
              disabled={!allowed.quantity || form.status === 'suspended'}
              {...(offer.data ? { min: offer.data.minimumQuantity, max: offer.data.maximumQuantity } : {})}
              onChange={(e) => setForm({ ...form, quantity: e.target.value })}
            />
          </Field>
        </div>
        {allowed.autoRenew && (
          <label className="choice">
            <input
              type="checkbox"
              checked={form.autoRenewEnabled}
              disabled={offer.data ? !offer.data.isAutoRenewable : false}
              onChange={(e) => setForm({ ...form, autoRenewEnabled: e.target.checked })}
            />
            {t('edit.autoRenew', { date: f.date(s.commitmentEndDate) })}
          </label>
        )}
        <fieldset className="status-choice">
          <legend>{t('edit.status')}</legend>
          <label className="choice">
            <input
              type="radio"
              name="status"
              value="active"
              checked={form.status === 'active'}
              onChange={() => setForm({ ...form, status: 'active' })}
            />
            {t('status.active')}
          </label>
          <label className="choice">
            <input
              type="radio"
              name="status"
              value="suspended"
              checked={form.status === 'suspended'}
              onChange={() => setForm({ ...form, status: 'suspended', quantity: String(s.quantity) })}
              aria-describedby="suspend-retention"
            />
            {t('status.suspended')}
          </label>
          <p className="retention" id="suspend-retention" data-testid={TID.suspendRetention}>
            {suspendedDate ?? t('common.loading')}
          </p>
          {form.status === 'suspended' && s.status !== 'suspended' && (
            <div className="suspend-details">
              <p className="hint">{t('edit.suspendExplain')}</p>
              <div className="grid-2">
                <Field id="sub-reason" label={t('edit.reason')} problem={problem('reason')}>
                  <select
                    {...describedBy('sub-reason', undefined, problem('reason'))}
                    value={form.reason}
                    required
                    onChange={(e) =>
                      setForm({ ...form, reason: e.target.value as SubscriptionForm['reason'] })
                    }
                  >
                    <option value="">{t('edit.chooseReason')}</option>
                    {SUSPENSION_REASONS.map((r) => (
                      <option key={r} value={r}>
                        {t(REASON_KEY[r] as MessageKey)}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field
                  id="sub-comment"
                  label={form.reason === 'other' ? t('edit.commentRequired') : t('edit.comment')}
                  problem={problem('comment')}
                >
                  <textarea
                    {...describedBy('sub-comment', undefined, problem('comment'))}
                    value={form.comment}
                    rows={2}
                    maxLength={1000}
                    onChange={(e) => setForm({ ...form, comment: e.target.value })}
                  />
                </Field>
              </div>
            </div>
          )}
          {form.status === 'active' && s.status === 'suspended' && (
            <p className="hint">{t('edit.reactivateExplain')}</p>
          )}
        </fieldset>
        {nothing && <p role="status">{t('edit.nothingChanged')}</p>}
        {previewBody && (
          <ChangeMoney
            pending={money.isPending}
            preview={
              money.data && {
                total: money.data.total,
                currency: money.data.currency,
                addOns: Math.max(0, money.data.subscriptions.length - 1),
              }
            }
          />
        )}
        {money.error instanceof ApiError && !error && (
          // Said before Submit, quietly: Submit gives the same refusal as an alert.
          <p className="problem" data-testid={TID.changeRefused}>
            {partnerText(money.error.body.description)}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.saving') : t('common.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
