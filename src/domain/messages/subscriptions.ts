import type { Translations } from './index.ts';

/** Messages for subscription lifecycle refusals (R-SUS, R-CAN, R-REN, R-QTY, R-ADD-4, R-API-3). */
export const SUBSCRIPTION_MESSAGES = {
  'subscription.deleted': {
    'en-US': 'Subscription with ID {subscriptionId} and deleted status cannot be updated (R-CAN-1).',
    'fr-FR': 'L’abonnement {subscriptionId} est supprimé et ne peut plus être modifié (R-CAN-1).',
    'de-DE': 'Das Abonnement {subscriptionId} ist gelöscht und kann nicht mehr geändert werden (R-CAN-1).',
  },
  'subscription.ended': {
    'en-US':
      'Subscription {subscriptionId} has ended (expired or disabled) and cannot be reactivated or changed; buy it again (R-REN-2).',
    'fr-FR':
      'L’abonnement {subscriptionId} est terminé (expiré ou désactivé) : il ne peut être ni réactivé ni modifié ; rachetez-le (R-REN-2).',
    'de-DE':
      'Das Abonnement {subscriptionId} ist beendet (abgelaufen oder deaktiviert) und kann weder reaktiviert noch geändert werden; kaufen Sie es neu (R-REN-2).',
  },
  'subscription.suspendNotActive': {
    'en-US': 'Only an active subscription can be suspended ({subscriptionId}, R-SUS-1).',
    'fr-FR': 'Seul un abonnement actif peut être suspendu ({subscriptionId}, R-SUS-1).',
    'de-DE': 'Nur ein aktives Abonnement kann ausgesetzt werden ({subscriptionId}, R-SUS-1).',
  },
  'subscription.reactivateNotSuspended': {
    'en-US': 'Only a suspended subscription can be reactivated ({subscriptionId}, R-SUS-4).',
    'fr-FR': 'Seul un abonnement suspendu peut être réactivé ({subscriptionId}, R-SUS-4).',
    'de-DE': 'Nur ein ausgesetztes Abonnement kann reaktiviert werden ({subscriptionId}, R-SUS-4).',
  },
  'subscription.systemOnly': {
    'en-US':
      'This change is made by the lifecycle on its date, not by a request ({subscriptionId}, R-RET-3).',
    'fr-FR':
      'Ce changement est fait par le cycle de vie à sa date, pas par une requête ({subscriptionId}, R-RET-3).',
    'de-DE':
      'Diese Änderung erfolgt durch den Lebenszyklus zu ihrem Datum, nicht per Anfrage ({subscriptionId}, R-RET-3).',
  },
  'subscription.pending': {
    'en-US': 'Cannot update subscription {subscriptionId} before it is active.',
    'fr-FR': 'Impossible de modifier l’abonnement {subscriptionId} avant son activation.',
    'de-DE': 'Das Abonnement {subscriptionId} kann vor seiner Aktivierung nicht geändert werden.',
  },
  'subscription.quantityWhileSuspended': {
    'en-US':
      'The quantity cannot be increased or decreased while subscription {subscriptionId} is suspended (R-QTY-2).',
    'fr-FR': 'La quantité ne peut pas changer tant que l’abonnement {subscriptionId} est suspendu (R-QTY-2).',
    'de-DE':
      'Die Menge kann nicht geändert werden, solange das Abonnement {subscriptionId} ausgesetzt ist (R-QTY-2).',
  },
  'subscription.quantityWhileEnded': {
    'en-US': 'The quantity of an expired or disabled subscription cannot change ({subscriptionId}, R-QTY-2).',
    'fr-FR':
      'La quantité d’un abonnement expiré ou désactivé ne peut pas changer ({subscriptionId}, R-QTY-2).',
    'de-DE':
      'Die Menge eines abgelaufenen oder deaktivierten Abonnements kann sich nicht ändern ({subscriptionId}, R-QTY-2).',
  },
  'subscription.unknownReason': {
    'en-US': 'Unknown suspension reason {value}; use one of: {allowed} (R-SUS-1).',
    'fr-FR': 'Motif de suspension inconnu {value} ; motifs possibles : {allowed} (R-SUS-1).',
    'de-DE': 'Unbekannter Aussetzungsgrund {value}; möglich: {allowed} (R-SUS-1).',
  },
  'subscription.commentRequired': {
    'en-US': 'The reason "other" needs a suspensionComment ({subscriptionId}, R-SUS-1).',
    'fr-FR': 'Le motif « other » exige un suspensionComment ({subscriptionId}, R-SUS-1).',
    'de-DE': 'Der Grund „other“ erfordert einen suspensionComment ({subscriptionId}, R-SUS-1).',
  },
  'subscription.retentionPassed': {
    'en-US':
      'The data-retention date of subscription {subscriptionId} has passed: it can no longer be reactivated (R-SUS-5).',
    'fr-FR':
      'La date de conservation des données de l’abonnement {subscriptionId} est passée : il ne peut plus être réactivé (R-SUS-5).',
    'de-DE':
      'Das Aufbewahrungsdatum des Abonnements {subscriptionId} ist überschritten: Es kann nicht mehr reaktiviert werden (R-SUS-5).',
  },
  'subscription.baseNotActive': {
    'en-US': 'Cannot enable add-on {subscriptionId} while its base subscription is not active (R-ADD-4).',
    'fr-FR':
      'Impossible de réactiver le module {subscriptionId} tant que son abonnement de base n’est pas actif (R-ADD-4).',
    'de-DE':
      'Das Add-on {subscriptionId} kann nicht aktiviert werden, solange sein Basisabonnement nicht aktiv ist (R-ADD-4).',
  },
  'subscription.trialQuantity': {
    'en-US': 'A trial keeps its 25 licences: convert it to change the quantity ({subscriptionId}, R-QTY-2).',
    'fr-FR':
      'Un essai garde ses 25 licences : convertissez-le pour changer la quantité ({subscriptionId}, R-QTY-2).',
    'de-DE':
      'Eine Testversion behält ihre 25 Lizenzen: Wandeln Sie sie um, um die Menge zu ändern ({subscriptionId}, R-QTY-2).',
  },
  'subscription.quantityOutOfBounds': {
    'en-US': 'The quantity of subscription {subscriptionId} must be between {min} and {max} (R-QTY-1).',
    'fr-FR':
      'La quantité de l’abonnement {subscriptionId} doit être comprise entre {min} et {max} (R-QTY-1).',
    'de-DE': 'Die Menge des Abonnements {subscriptionId} muss zwischen {min} und {max} liegen (R-QTY-1).',
  },
  'subscription.notAutoRenewable': {
    'en-US': 'Subscription {subscriptionId} is not eligible to be auto-renewed (R-REN-1).',
    'fr-FR': 'L’abonnement {subscriptionId} ne peut pas être renouvelé automatiquement (R-REN-1).',
    'de-DE': 'Das Abonnement {subscriptionId} kann nicht automatisch verlängert werden (R-REN-1).',
  },
  'subscription.ifMatchRequired': {
    'en-US': 'Send If-Match with the ETag from your last read of subscription {subscriptionId} (R-API-3).',
    'fr-FR':
      'Envoyez If-Match avec l’ETag de votre dernière lecture de l’abonnement {subscriptionId} (R-API-3).',
    'de-DE':
      'Senden Sie If-Match mit dem ETag Ihres letzten Abrufs des Abonnements {subscriptionId} (R-API-3).',
  },
  'subscription.staleEtag': {
    'en-US': 'Etag is no longer valid: subscription {subscriptionId} changed since you read it (R-API-3).',
    'fr-FR':
      'L’ETag n’est plus valide : l’abonnement {subscriptionId} a changé depuis votre lecture (R-API-3).',
    'de-DE':
      'Das ETag ist nicht mehr gültig: Das Abonnement {subscriptionId} wurde seit Ihrem Abruf geändert (R-API-3).',
  },
  'subscription.unknownStatus': {
    'en-US': 'status must be active, suspended or deleted (got {value}).',
    'fr-FR': 'status doit valoir active, suspended ou deleted (reçu {value}).',
    'de-DE': 'status muss active, suspended oder deleted sein ({value}).',
  },
} satisfies Record<string, Translations>;
