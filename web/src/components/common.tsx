import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { useT } from '../i18n/I18n.tsx';
import { citedRules, lineReasons, partnerText } from '../logic/partner-text.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { TID } from '../testids.ts';

/**
 * A refused or failed call, in the user's language: the API localizes its own descriptions (X-Locale); the
 * console shows them without the rule citations meant for developers, each refused line's reason under it,
 * and Partner Center's code in a "details" part for support. Takes focus when it appears.
 */
export function ErrorAlert({
  error,
  focus = true,
  lines = true,
  names = {},
}: {
  error: unknown;
  focus?: boolean;
  /** Whether to list the refused lines' reasons (off where the form shows each by its line). */
  lines?: boolean;
  /** Product names by offer id, for the ids the server's text names. */
  names?: Readonly<Record<string, string>>;
}) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus && error) ref.current?.focus();
  }, [error, focus]);
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  const reasons = api && lines ? lineReasons(api.body.data) : [];
  const rules = api ? citedRules(api.body.description) : [];
  return (
    <div className="alert alert-error" role="alert" tabIndex={-1} ref={ref} data-testid={TID.errorAlert}>
      <p className="alert-title">{api ? t('error.refused') : t('error.network')}</p>
      {api && <p>{partnerText(api.body.description, names)}</p>}
      {reasons.length > 0 && (
        <ul className="line-reasons">
          {reasons.map((r, i) => (
            <li key={i} data-testid={TID.lineError}>
              {partnerText(r, names)}
            </li>
          ))}
        </ul>
      )}
      {api?.status === 412 && <p>{t('error.stale')}</p>}
      {api && (
        <details className="error-details">
          <summary>{t('error.details')}</summary>
          <p>
            {t('error.code', { code: api.code })} {rules.join(', ')}
          </p>
        </details>
      )}
    </div>
  );
}

/**
 * A success line that screen readers announce. It takes the focus, so that a keyboard user whose button
 * went away (a cancelled subscription, a finished purchase) goes on from the news rather than from the top.
 */
export function Notice({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [children]);
  return (
    <div className="alert alert-success" role="status" tabIndex={-1} ref={ref} data-testid={TID.notice}>
      {children}
    </div>
  );
}

export function Loading() {
  const t = useT();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

export const STATUS_KEY: Record<string, MessageKey> = {
  active: 'status.active',
  suspended: 'status.suspended',
  expired: 'status.expired',
  disabled: 'status.disabled',
  deleted: 'status.deleted',
  pending: 'status.pending',
};

/** A subscription's status as a coloured label (the colour is never the only sign: the word is there). */
export function StatusBadge({ status }: { status: string }) {
  const t = useT();
  const key = STATUS_KEY[status];
  return (
    <span className={`badge badge-${status}`} data-testid={TID.subscriptionStatus}>
      {key ? t(key) : status}
    </span>
  );
}

/** A label and its control, with the hint and the problem tied to it for screen readers. */
export function Field({
  id,
  label,
  hint,
  problem,
  children,
}: {
  id: string;
  label: string;
  hint?: string | undefined;
  problem?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`field${problem ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {problem && (
        <p className="problem" id={`${id}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}

/** aria attributes for a control inside <Field>. */
export const describedBy = (id: string, hint: unknown, problem: unknown) => {
  const ids = [hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ');
  return {
    id,
    ...(ids ? { 'aria-describedby': ids } : {}),
    ...(problem ? { 'aria-invalid': true as const } : {}),
  };
};
