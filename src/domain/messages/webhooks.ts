import type { Translations } from './index.ts';

/** Messages for webhook registration refusals (R-EVT), in en-US, fr-FR and de-DE; placeholders are {name}. */
export const WEBHOOK_MESSAGES = {
  'webhook.invalidUrl': {
    'en-US': 'webhookUrl must be an absolute http or https URL (got {url}, R-EVT).',
    'fr-FR': 'webhookUrl doit être une URL http ou https absolue (reçu {url}, R-EVT).',
    'de-DE': 'webhookUrl muss eine absolute http- oder https-URL sein ({url}, R-EVT).',
  },
  'webhook.unknownEvent': {
    'en-US':
      'webhookEvents names {event}, which is not an event type; use one of {known}, or * for all (R-EVT).',
    'fr-FR':
      'webhookEvents nomme {event}, qui n’est pas un type d’événement ; utilisez l’un de {known}, ou * pour tous (R-EVT).',
    'de-DE':
      'webhookEvents nennt {event}, das ist kein Ereignistyp; verwenden Sie einen von {known} oder * für alle (R-EVT).',
  },
} satisfies Record<string, Translations>;
