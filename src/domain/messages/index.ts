import { BILLING_MESSAGES } from './billing.ts';
import { ACCESS_MESSAGES } from './access.ts';
import { CUSTOMER_MESSAGES } from './customers.ts';
import { ORDER_MESSAGES } from './orders.ts';
import { WEBHOOK_MESSAGES } from './webhooks.ts';
import { SECURITY_MESSAGES } from './security.ts';
import { SUBSCRIPTION_MESSAGES } from './subscriptions.ts';
import { PRICING_MESSAGES } from './pricing.ts';
import { INVOICE_MESSAGES } from '../invoicing/messages.ts';
/**
 * Every message a refusal can carry, in the three console languages (R-API-4: localized by X-Locale).
 * Placeholders are `{name}`. A test checks that every key has all three languages and the same placeholders.
 */
export const LOCALES = ['en-US', 'fr-FR', 'de-DE'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en-US';

export type Translations = Record<Locale, string>;

/** Messages of the foundation: authentication, request shape, idempotency, test clock, audit. */
const CORE_MESSAGES = {
  'auth.unauthenticated': {
    'en-US': 'Authentication is required: send "Authorization: Bearer <token>" or sign in.',
    'fr-FR': 'Authentification requise : envoyez « Authorization: Bearer <jeton> » ou connectez-vous.',
    'de-DE': 'Anmeldung erforderlich: senden Sie „Authorization: Bearer <Token>“ oder melden Sie sich an.',
  },
  'auth.invalidToken': {
    'en-US': 'The token is not valid on this instance.',
    'fr-FR': 'Le jeton n’est pas valide sur cette instance.',
    'de-DE': 'Das Token ist in dieser Instanz nicht gültig.',
  },
  'auth.tokenOtherInstance': {
    'en-US': 'The token was issued by the {issuer} instance; this is the {cloud} instance.',
    'fr-FR': 'Le jeton a été émis par l’instance {issuer} ; celle-ci est l’instance {cloud}.',
    'de-DE': 'Das Token wurde von der Instanz {issuer} ausgestellt; dies ist die Instanz {cloud}.',
  },
  'auth.badCredentials': {
    'en-US': 'The user name or the password is wrong.',
    'fr-FR': 'Le nom d’utilisateur ou le mot de passe est incorrect.',
    'de-DE': 'Benutzername oder Kennwort ist falsch.',
  },
  'auth.csrf': {
    'en-US': 'A signed-in request that changes data must carry the X-CSRF-Token header.',
    'fr-FR': 'Une requête de session qui modifie des données doit porter l’en-tête X-CSRF-Token.',
    'de-DE': 'Eine angemeldete Anfrage, die Daten ändert, muss den Header X-CSRF-Token tragen.',
  },
  'auth.forbidden': {
    'en-US': 'The role {role} may not do this ({action}, R-ROLE).',
    'fr-FR': 'Le rôle {role} ne peut pas faire cela ({action}, R-ROLE).',
    'de-DE': 'Die Rolle {role} darf das nicht ({action}, R-ROLE).',
  },
  'request.invalid': {
    'en-US': 'The request is not valid: {detail}',
    'fr-FR': 'La requête n’est pas valide : {detail}',
    'de-DE': 'Die Anfrage ist ungültig: {detail}',
  },
  'request.routeNotFound': {
    'en-US': 'There is no {method} {path}.',
    'fr-FR': 'Il n’existe pas de {method} {path}.',
    'de-DE': 'Es gibt kein {method} {path}.',
  },
  'resource.notFound': {
    'en-US': 'No {resource} with id {id} was found.',
    'fr-FR': 'Aucun(e) {resource} avec l’identifiant {id} n’a été trouvé(e).',
    'de-DE': 'Kein(e) {resource} mit der ID {id} gefunden.',
  },
  'idempotency.bodyMismatch': {
    'en-US': 'MS-RequestId {requestId} was already used with another request (R-API-2).',
    'fr-FR': 'MS-RequestId {requestId} a déjà servi pour une autre requête (R-API-2).',
    'de-DE': 'MS-RequestId {requestId} wurde bereits für eine andere Anfrage verwendet (R-API-2).',
  },
  'idempotency.inProgress': {
    'en-US': 'The request with MS-RequestId {requestId} is still being processed; retry later (R-API-2).',
    'fr-FR': 'La requête MS-RequestId {requestId} est encore en cours ; réessayez plus tard (R-API-2).',
    'de-DE':
      'Die Anfrage mit MS-RequestId {requestId} wird noch bearbeitet; später erneut versuchen (R-API-2).',
  },
  'rate.limited': {
    'en-US': 'Rate limit is exceeded. Try again in {seconds} seconds.',
    'fr-FR': 'Limite de requêtes dépassée. Réessayez dans {seconds} secondes.',
    'de-DE': 'Anfragelimit überschritten. Versuchen Sie es in {seconds} Sekunden erneut.',
  },
  'testclock.disabled': {
    'en-US': 'The test clock is not enabled on this instance (SEATWISE_TEST_CLOCK=1, R-API-7).',
    'fr-FR': 'L’horloge de test n’est pas activée sur cette instance (SEATWISE_TEST_CLOCK=1, R-API-7).',
    'de-DE': 'Die Testuhr ist in dieser Instanz nicht aktiviert (SEATWISE_TEST_CLOCK=1, R-API-7).',
  },
  'testclock.backwards': {
    'en-US': 'The test clock only moves forward: {to} is before {now} (R-API-7).',
    'fr-FR': 'L’horloge de test n’avance que vers l’avant : {to} est avant {now} (R-API-7).',
    'de-DE': 'Die Testuhr läuft nur vorwärts: {to} liegt vor {now} (R-API-7).',
  },
  'testclock.invalidDuration': {
    'en-US': 'advanceBy must be an ISO 8601 duration in weeks, days or hours such as P30D (got {value}).',
    'fr-FR':
      'advanceBy doit être une durée ISO 8601 en semaines, jours ou heures, comme P30D (reçu {value}).',
    'de-DE': 'advanceBy muss eine ISO-8601-Dauer in Wochen, Tagen oder Stunden sein, z. B. P30D ({value}).',
  },
  'testclock.oneOf': {
    'en-US': 'Send exactly one of advanceBy and now (R-API-7).',
    'fr-FR': 'Envoyez exactement un des champs advanceBy et now (R-API-7).',
    'de-DE': 'Senden Sie genau eines der Felder advanceBy und now (R-API-7).',
  },
  'audit.dateRange': {
    'en-US': 'startDate must be before endDate, and the range at most {maxDays} days (R-AUD).',
    'fr-FR': 'startDate doit précéder endDate, sur {maxDays} jours au plus (R-AUD).',
    'de-DE': 'startDate muss vor endDate liegen, höchstens {maxDays} Tage (R-AUD).',
  },
  'partnerUser.nameTaken': {
    'en-US': 'The user name {userName} is already taken on this instance.',
    'fr-FR': 'Le nom d’utilisateur {userName} est déjà pris sur cette instance.',
    'de-DE': 'Der Benutzername {userName} ist in dieser Instanz bereits vergeben.',
  },
  'partner.notFound': {
    'en-US': 'No partner {partner} exists on this instance.',
    'fr-FR': 'Aucun partenaire {partner} n’existe sur cette instance.',
    'de-DE': 'In dieser Instanz gibt es keinen Partner {partner}.',
  },
  'server.error': {
    'en-US': 'An internal error occurred. Quote correlation id {correlationId} when you report it.',
    'fr-FR': 'Une erreur interne s’est produite. Indiquez l’identifiant de corrélation {correlationId}.',
    'de-DE': 'Ein interner Fehler ist aufgetreten. Nennen Sie die Korrelations-ID {correlationId}.',
  },
  'server.notReady': {
    'en-US': 'The database is not reachable.',
    'fr-FR': 'La base de données est injoignable.',
    'de-DE': 'Die Datenbank ist nicht erreichbar.',
  },
} satisfies Record<string, Translations>;

/** Every message, by area; keys are unique across areas (a test checks it). */
export const MESSAGE_AREAS = {
  core: CORE_MESSAGES,
  customers: CUSTOMER_MESSAGES,
  orders: ORDER_MESSAGES,
  subscriptions: SUBSCRIPTION_MESSAGES,
  webhooks: WEBHOOK_MESSAGES,
  security: SECURITY_MESSAGES,
  billing: BILLING_MESSAGES,
  access: ACCESS_MESSAGES,
  pricing: PRICING_MESSAGES,
  invoices: INVOICE_MESSAGES,
};
export const MESSAGES = {
  ...CORE_MESSAGES,
  ...CUSTOMER_MESSAGES,
  ...ORDER_MESSAGES,
  ...SUBSCRIPTION_MESSAGES,
  ...WEBHOOK_MESSAGES,
  ...SECURITY_MESSAGES,
  ...BILLING_MESSAGES,
  ...ACCESS_MESSAGES,
  ...PRICING_MESSAGES,
  ...INVOICE_MESSAGES,
};

export type MessageKey = keyof typeof MESSAGES;

/** Picks a supported locale from a header value such as `fr-FR`, `FR-fr`, `fr` or `de-CH,de;q=0.9`. */
export function pickLocale(header: string | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  for (const part of header.split(',')) {
    const tag = (part.split(';')[0] ?? '').trim().toLowerCase();
    const exact = LOCALES.find((l) => l.toLowerCase() === tag);
    if (exact) return exact;
    const lang = LOCALES.find((l) => l.slice(0, 2) === tag.slice(0, 2));
    if (lang && tag.length >= 2) return lang;
  }
  return DEFAULT_LOCALE;
}

export function formatMessage(key: string, params: Record<string, string | number>, locale: Locale): string {
  const entry = (MESSAGES as Record<string, Translations>)[key];
  const template = entry ? entry[locale] : key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
