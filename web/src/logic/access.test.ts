import { createIntl } from 'react-intl';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '../api/client.ts';
import { formatDate } from '../i18n/format.ts';
import type { Locale } from '../i18n/locale.ts';
import { MESSAGES } from '../i18n/messages.ts';
import { accessSentence, suspensionChoice } from './access.ts';

type Decision = Schemas['AccessDecision'];
type Answer = Decision['signIn'];

const SUB = '6b0c1c1e-0000-4000-8000-000000000001';
const RETENTION = '2027-04-15T09:00:00.000Z';
const UNTIL = '2027-02-14T09:00:00.000Z';

const answer = (over: Partial<Answer>): Answer => ({
  allowed: false,
  subscriptionId: SUB,
  offerId: 'CN-365-E3',
  reason: 'active',
  rule: 'R-ACC',
  until: null,
  suspensionReasons: [],
  ...over,
});
/** A decision whose three answers are alike (a user's), or whose sign-in and data say `admin` (an admin's). */
const decision = (signIn: Partial<Answer>, admin?: Partial<Answer>): Decision => ({
  tenantId: 't',
  userId: 'u',
  userPrincipalName: 'ada@contoso.example',
  role: admin ? 'admin' : 'user',
  servicePlan: null,
  decidedAt: '2027-01-15T09:00:00.000Z',
  signIn: answer({ ...signIn, ...admin }),
  service: answer(signIn),
  data: answer({ ...signIn, ...admin }),
  attributes: { objectType: 'AccessDecision' },
});

/** The sentence as the users tab renders it in `locale` (dates in UTC), with the subscription list's date. */
function sentence(locale: Locale, d: Decision, retention: string | null = RETENTION): string {
  const intl = createIntl({ locale, messages: MESSAGES[locale] });
  return accessSentence(d, (id) => (id === SUB ? retention : undefined), {
    t: (key, values) => intl.formatMessage({ id: key }, values),
    date: (iso) => formatDate(locale, iso, 'UTC'),
    list: (items) => intl.formatList(items),
  }).replace(/[\u202f\u00a0]/g, ' ');
}

const suspended = (...suspensionReasons: string[]) =>
  decision({ reason: 'suspended', rule: 'R-SUS-2', suspensionReasons });
const adminSuspended = (...suspensionReasons: string[]) =>
  decision({ reason: 'suspended', rule: 'R-SUS-2', suspensionReasons }, { allowed: true, until: RETENTION });

describe('the users tab’s access sentence (R-ACC, R-SUS-1, R-SUS-2)', () => {
  it('R-SUS-2: suspended for each reason, with what users and admins keep and the retention date (en-US)', () => {
    const keep = 'users cannot sign in; admins keep sign-in and data access until April 15, 2027.';
    expect(sentence('en-US', suspended('nonPayment'))).toBe(`Suspended for non-payment: ${keep}`);
    expect(sentence('en-US', suspended('fraud'))).toBe(`Suspended for fraud: ${keep}`);
    expect(sentence('en-US', suspended('customerRequest'))).toBe(
      `Suspended at the customer’s request: ${keep}`,
    );
    expect(sentence('en-US', suspended('other'))).toBe(`Suspended for another reason: ${keep}`);
    expect(sentence('en-US', suspended('nonPayment', 'fraud'))).toBe(
      `Suspended for several reasons (Non-payment and Fraud): ${keep}`,
    );
    expect(sentence('en-US', suspended('unspecified'))).toBe(`Suspended (no reason given): ${keep}`);
    // An admin's decision carries the date itself (its data answer's `until`); the list is not needed.
    expect(sentence('en-US', adminSuspended('nonPayment'), null)).toBe(`Suspended for non-payment: ${keep}`);
    // A user's refused decision without a known date says so without one.
    expect(sentence('en-US', suspended('nonPayment'), null)).toBe(
      'Suspended for non-payment: users cannot sign in; admins keep sign-in and data access.',
    );
  });

  it('R-ACC: every other state, with its date where it has one (en-US)', () => {
    expect(sentence('en-US', decision({ allowed: true }))).toBe(
      'Active: users and admins can sign in, use the services and reach the data.',
    );
    expect(sentence('en-US', decision({ allowed: true, until: UNTIL }))).toBe(
      'Active: users and admins can sign in, use the services and reach the data until February 14, 2027.',
    );
    expect(
      sentence('en-US', decision({ allowed: true, reason: 'expired', rule: 'R-REN-2', until: UNTIL })),
    ).toBe(
      'Expired: users and admins keep full access until February 14, 2027, then only admins reach the data.',
    );
    const adminOnly = 'users cannot sign in; admins keep sign-in and data access until April 15, 2027.';
    expect(sentence('en-US', decision({ reason: 'cancelled', rule: 'R-CAN-1' }))).toBe(
      `Cancelled: ${adminOnly}`,
    );
    expect(sentence('en-US', decision({ reason: 'disabled', rule: 'R-REN-2' }))).toBe(
      `Disabled: ${adminOnly}`,
    );
    expect(sentence('en-US', decision({ reason: 'trialExpired', rule: 'R-TRI-4' }))).toBe(
      `Trial ended: ${adminOnly}`,
    );
    expect(sentence('en-US', decision({ reason: 'purged', rule: 'R-RET-2' }))).toBe(
      'Data purged: no one can sign in through it or reach its data any more.',
    );
    expect(sentence('en-US', decision({ reason: 'noLicence', subscriptionId: null }))).toBe(
      'No licence: this user cannot sign in, use the services or reach the data.',
    );
    expect(sentence('en-US', decision({ reason: 'noSubscription', subscriptionId: null }))).toBe(
      'No subscription: admins cannot sign in until the customer has a subscription.',
    );
    expect(sentence('en-US', decision({ reason: 'pending' }))).toBe(
      'Pending: no one has access until it is active.',
    );
  });

  it('R-SUS-2: the same sentences in French and German, the date in their long format', () => {
    expect(sentence('fr-FR', suspended('nonPayment'))).toBe(
      'Suspendu pour défaut de paiement : les utilisateurs ne peuvent plus se connecter ; les administrateurs gardent la connexion et l’accès aux données jusqu’au 15 avril 2027.',
    );
    expect(sentence('fr-FR', adminSuspended('fraud'))).toMatch(
      /^Suspendu pour fraude : .* jusqu’au 15 avril 2027\.$/,
    );
    expect(sentence('fr-FR', suspended('nonPayment', 'fraud'))).toMatch(
      /^Suspendu pour plusieurs motifs \(Défaut de paiement et Fraude\) : /,
    );
    expect(sentence('fr-FR', decision({ reason: 'cancelled', rule: 'R-CAN-1' }))).toMatch(/^Annulé : /);
    expect(sentence('de-DE', suspended('nonPayment'))).toBe(
      'Wegen Zahlungsausfalls angehalten: Benutzer können sich nicht anmelden; Administratoren behalten Anmeldung und Datenzugriff bis zum 15. April 2027.',
    );
    expect(sentence('de-DE', suspended('fraud'))).toMatch(/^Wegen Betrugs angehalten: /);
    expect(sentence('de-DE', suspended('other'))).toMatch(/^Aus einem anderen Grund angehalten: /);
    expect(sentence('de-DE', decision({ allowed: true }))).toBe(
      'Aktiv: Benutzer und Administratoren können sich anmelden, die Dienste nutzen und auf die Daten zugreifen.',
    );
  });

  it('R-SUS-1: one reason by name, several together, the partner’s "other" apart from ICU’s fallback', () => {
    expect(suspensionChoice(['nonPayment'])).toBe('nonPayment');
    expect(suspensionChoice(['other'])).toBe('another');
    expect(suspensionChoice(['fraud', 'other'])).toBe('several');
    expect(suspensionChoice(['unspecified'])).toBe('unspecified');
    expect(suspensionChoice([])).toBe('unspecified');
  });
});
