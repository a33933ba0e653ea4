import type { Schemas } from '../api/client.ts';
import { REASON_KEY } from '../components/labels.ts';
import type { MessageKey } from '../i18n/messages.ts';

type Decision = Schemas['AccessDecision'];

/** What turns the parts of a sentence into words: the catalog, dates and lists in the UI's language. */
export interface SentenceFormat {
  t: (key: MessageKey, values?: Record<string, string>) => string;
  date: (iso: string) => string;
  list: (items: string[]) => string;
}

/** The deciding subscription's state, as the sentence names it (R-ACC). */
const STATE_KEY: Record<string, MessageKey> = {
  active: 'access.state.active',
  expired: 'access.state.expired',
  suspended: 'access.state.suspended',
  disabled: 'access.state.disabled',
  trialExpired: 'access.state.trialExpired',
  cancelled: 'access.state.cancelled',
  purged: 'access.state.purged',
  pending: 'access.state.pending',
  noLicence: 'access.state.noLicence',
  noSubscription: 'access.state.noSubscription',
};

/** States in which users have nothing and admins keep sign-in and the data until the purge (R-SUS-2 and co). */
const ADMIN_ONLY = new Set(['suspended', 'disabled', 'trialExpired', 'cancelled']);

/**
 * The `reason` choice of `access.state.suspended` (R-SUS-1): one reason by name, several together. `other` is
 * ICU's fallback keyword, so the partner's `other` reason is `another`; `unspecified` (an API client that gave
 * none) falls to the fallback.
 */
export function suspensionChoice(reasons: readonly string[]): string {
  if (reasons.length > 1) return 'several';
  const [only] = reasons;
  if (only === 'nonPayment' || only === 'fraud' || only === 'customerRequest') return only;
  return only === 'other' ? 'another' : 'unspecified';
}

/**
 * A user's access now in one sentence (R-ACC): the deciding subscription's state and, when suspended, why
 * (R-SUS-1, from the decision's `suspensionReasons`), then what users and admins can do and until when.
 * The date is the decision's own `until` when it allows (an admin's sign-in and data end on the retention
 * date); a refused user's decision has none, so the deciding subscription's `dataRetentionEndDate` (R-RET-1)
 * says when the admins' data access ends.
 */
export function accessSentence(
  decision: Decision,
  retentionOf: (subscriptionId: string) => string | null | undefined,
  f: SentenceFormat,
): string {
  const a = decision.signIn;
  const stateKey = STATE_KEY[a.reason] ?? 'access.state.unknown';
  const state =
    a.reason === 'suspended'
      ? f.t(stateKey, {
          reason: suspensionChoice(a.suspensionReasons),
          reasons: f.list(a.suspensionReasons.map((r) => f.t(REASON_KEY[r] ?? 'reason.unspecified'))),
        })
      : f.t(stateKey);
  let consequence: string;
  if (a.reason === 'active') {
    consequence = a.until ? f.t('access.can.allUntil', { date: f.date(a.until) }) : f.t('access.can.all');
  } else if (a.reason === 'expired') {
    consequence = a.until ? f.t('access.can.expiredUntil', { date: f.date(a.until) }) : f.t('access.can.all');
  } else if (ADMIN_ONLY.has(a.reason)) {
    const until = a.allowed ? a.until : a.subscriptionId ? retentionOf(a.subscriptionId) : null;
    consequence = until
      ? f.t('access.can.adminDataUntil', { date: f.date(until) })
      : f.t('access.can.adminData');
  } else if (a.reason === 'purged') consequence = f.t('access.can.none');
  else if (a.reason === 'pending') consequence = f.t('access.can.notYet');
  else if (a.reason === 'noLicence') consequence = f.t('access.can.noLicence');
  else if (a.reason === 'noSubscription') consequence = f.t('access.can.noSubscription');
  else consequence = f.t('access.can.nothing');
  return f.t('access.sentence', { state, consequence });
}
