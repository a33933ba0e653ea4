import type { Translations } from './index.ts';

/** Messages for refusals that protect the instance itself (R-SEC), in en-US, fr-FR and de-DE. */
export const SECURITY_MESSAGES = {
  'auth.throttled': {
    'en-US':
      'Too many sign-in attempts for this user name or from this address. Try again in {seconds} seconds (R-SEC-1).',
    'fr-FR':
      'Trop de tentatives de connexion pour ce nom d’utilisateur ou depuis cette adresse. Réessayez dans {seconds} secondes (R-SEC-1).',
    'de-DE':
      'Zu viele Anmeldeversuche für diesen Benutzernamen oder von dieser Adresse. Versuchen Sie es in {seconds} Sekunden erneut (R-SEC-1).',
  },
  'auth.tokenThrottled': {
    'en-US': 'Too many invalid tokens from this address. Try again in {seconds} seconds (R-SEC-1).',
    'fr-FR': 'Trop de jetons invalides depuis cette adresse. Réessayez dans {seconds} secondes (R-SEC-1).',
    'de-DE':
      'Zu viele ungültige Token von dieser Adresse. Versuchen Sie es in {seconds} Sekunden erneut (R-SEC-1).',
  },
} satisfies Record<string, Translations>;
