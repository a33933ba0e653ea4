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
  'webhook.httpsOnly': {
    'en-US': 'webhookUrl must be an https URL (R-SEC-2).',
    'fr-FR': 'webhookUrl doit être une URL https (R-SEC-2).',
    'de-DE': 'webhookUrl muss eine https-URL sein (R-SEC-2).',
  },
  'webhook.unresolvable': {
    'en-US': 'The host of webhookUrl, {host}, does not resolve to any address (R-SEC-2).',
    'fr-FR': 'L’hôte de webhookUrl, {host}, ne se résout en aucune adresse (R-SEC-2).',
    'de-DE': 'Der Host von webhookUrl, {host}, wird zu keiner Adresse aufgelöst (R-SEC-2).',
  },
  'webhook.nonPublicTarget': {
    'en-US':
      'The host of webhookUrl, {host}, is or resolves to a loopback, private, link-local, multicast or unspecified address; webhooks go only to public addresses (R-SEC-2).',
    'fr-FR':
      'L’hôte de webhookUrl, {host}, est ou se résout en une adresse de bouclage, privée, lien-local, multidiffusion ou non spécifiée ; les webhooks ne vont qu’à des adresses publiques (R-SEC-2).',
    'de-DE':
      'Der Host von webhookUrl, {host}, ist oder ergibt eine Loopback-, private, Link-Local-, Multicast- oder unspezifizierte Adresse; Webhooks gehen nur an öffentliche Adressen (R-SEC-2).',
  },
} satisfies Record<string, Translations>;
