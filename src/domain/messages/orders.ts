import type { Translations } from './index.ts';

/** Messages for catalog, order, add-on and trial-conversion refusals (R-ORD, R-TRI, R-ADD, R-CAT). */
export const ORDER_MESSAGES = {
  'order.refused': {
    'en-US': 'The order was refused: {count} line item(s) failed; nothing was created (R-ORD-1).',
    'fr-FR': 'La commande a été refusée : {count} ligne(s) en échec ; rien n’a été créé (R-ORD-1).',
    'de-DE':
      'Die Bestellung wurde abgelehnt: {count} Position(en) fehlerhaft; nichts wurde angelegt (R-ORD-1).',
  },
  'order.unknownOffer': {
    'en-US': 'Offer {offerId} is not in the catalog.',
    'fr-FR': 'L’offre {offerId} n’est pas dans le catalogue.',
    'de-DE': 'Das Angebot {offerId} ist nicht im Katalog.',
  },
  'order.notPurchasable': {
    'en-US': 'Offer {offerId} is no longer available for purchase.',
    'fr-FR': 'L’offre {offerId} n’est plus disponible à l’achat.',
    'de-DE': 'Das Angebot {offerId} kann nicht mehr gekauft werden.',
  },
  'order.addOnFromCatalog': {
    'en-US': 'Offer {offerId} is an add-on: buy it from its base subscription (PATCH the base order).',
    'fr-FR': 'L’offre {offerId} est un module complémentaire : achetez-la depuis son abonnement de base.',
    'de-DE': 'Das Angebot {offerId} ist ein Add-on: Kaufen Sie es über sein Basisabonnement.',
  },
  'order.notForCustomer': {
    'en-US': 'Offer {offerId} is not sold to {segment} customers on this instance.',
    'fr-FR': 'L’offre {offerId} n’est pas vendue aux clients {segment} sur cette instance.',
    'de-DE': 'Das Angebot {offerId} wird in dieser Instanz nicht an Kunden des Segments {segment} verkauft.',
  },
  'order.notInCountry': {
    'en-US': 'Offer {offerId} is not available in the customer’s country ({country}).',
    'fr-FR': 'L’offre {offerId} n’est pas disponible dans le pays du client ({country}).',
    'de-DE': 'Das Angebot {offerId} ist im Land des Kunden ({country}) nicht verfügbar.',
  },
  'order.trialCycle': {
    'en-US': 'Trial offer {offerId} is ordered with billing cycle "none" (or "trial").',
    'fr-FR': 'L’offre d’essai {offerId} se commande avec le cycle de facturation « none » (ou « trial »).',
    'de-DE': 'Das Testangebot {offerId} wird mit dem Abrechnungszyklus „none“ (oder „trial“) bestellt.',
  },
  'order.trialNotForSegment': {
    'en-US': 'Trials are not offered to {segment} customers ({offerId}).',
    'fr-FR': 'Les essais ne sont pas proposés aux clients {segment} ({offerId}).',
    'de-DE': 'Testversionen werden Kunden des Segments {segment} nicht angeboten ({offerId}).',
  },
  'order.trialQuantity': {
    'en-US': 'A trial has exactly {quantity} licences ({offerId}).',
    'fr-FR': 'Un essai compte exactement {quantity} licences ({offerId}).',
    'de-DE': 'Eine Testversion hat genau {quantity} Lizenzen ({offerId}).',
  },
  'order.trialAlreadyUsed': {
    'en-US': 'This customer already had a trial of {offerId}: one trial per offer, ever.',
    'fr-FR': 'Ce client a déjà eu un essai de {offerId} : un seul essai par offre.',
    'de-DE': 'Dieser Kunde hatte bereits eine Testversion von {offerId}: nur eine pro Angebot.',
  },
  'order.trialProductOwned': {
    'en-US': 'The customer already owns the product of trial {offerId} (subscription "{subscriptionName}").',
    'fr-FR': 'Le client possède déjà le produit de l’essai {offerId} (abonnement « {subscriptionName} »).',
    'de-DE':
      'Der Kunde besitzt das Produkt der Testversion {offerId} bereits (Abonnement „{subscriptionName}“).',
  },
  'order.cycleNotSupported': {
    'en-US': 'Offer {offerId} cannot be billed {cycle}; it supports: {supported}.',
    'fr-FR': 'L’offre {offerId} ne peut pas être facturée en {cycle} ; cycles possibles : {supported}.',
    'de-DE': 'Das Angebot {offerId} kann nicht {cycle} abgerechnet werden; möglich: {supported}.',
  },
  'order.quantityOutOfBounds': {
    'en-US': 'The quantity of {offerId} must be between {min} and {max}.',
    'fr-FR': 'La quantité de {offerId} doit être comprise entre {min} et {max}.',
    'de-DE': 'Die Menge für {offerId} muss zwischen {min} und {max} liegen.',
  },
  'order.limitReached': {
    'en-US':
      'The customer has reached the subscription limit for {offerId} (existing: "{subscriptionName}").',
    'fr-FR':
      'Le client a atteint la limite d’abonnements pour {offerId} (existant : « {subscriptionName} »).',
    'de-DE': 'Der Kunde hat das Abonnementlimit für {offerId} erreicht (vorhanden: „{subscriptionName}“).',
  },
  'order.suspendedExists': {
    'en-US':
      'Subscription "{subscriptionName}" of {offerId} is suspended: reactivate it instead of buying again.',
    'fr-FR':
      'L’abonnement « {subscriptionName} » de {offerId} est suspendu : réactivez-le plutôt que d’en racheter un.',
    'de-DE':
      'Das Abonnement „{subscriptionName}“ von {offerId} ist ausgesetzt: Reaktivieren Sie es statt neu zu kaufen.',
  },
  'order.baseNotActive': {
    'en-US': 'The base subscription "{subscriptionName}" is not active: add-ons need an active base.',
    'fr-FR':
      'L’abonnement de base « {subscriptionName} » n’est pas actif : un module complémentaire exige une base active.',
    'de-DE': 'Das Basisabonnement „{subscriptionName}“ ist nicht aktiv: Add-ons brauchen eine aktive Basis.',
  },
  'order.notAPrerequisite': {
    'en-US': 'Add-on {offerId} cannot be bought on this base subscription’s offer.',
    'fr-FR': 'Le module complémentaire {offerId} ne s’achète pas sur l’offre de cet abonnement de base.',
    'de-DE': 'Das Add-on {offerId} kann nicht zum Angebot dieses Basisabonnements gekauft werden.',
  },
  'order.notAnAddOn': {
    'en-US': 'Offer {offerId} is not an add-on: order it with POST /orders.',
    'fr-FR': 'L’offre {offerId} n’est pas un module complémentaire : commandez-la avec POST /orders.',
    'de-DE': 'Das Angebot {offerId} ist kein Add-on: Bestellen Sie es mit POST /orders.',
  },
  'order.unknownBase': {
    'en-US': 'The base subscription {parentSubscriptionId} is not one of this order’s subscriptions.',
    'fr-FR': 'L’abonnement de base {parentSubscriptionId} n’appartient pas à cette commande.',
    'de-DE': 'Das Basisabonnement {parentSubscriptionId} gehört nicht zu dieser Bestellung.',
  },
  'order.duplicateLineNumber': {
    'en-US': 'Two line items have the same lineItemNumber ({offerId}).',
    'fr-FR': 'Deux lignes ont le même lineItemNumber ({offerId}).',
    'de-DE': 'Zwei Positionen haben dieselbe lineItemNumber ({offerId}).',
  },
  'order.parentOnCreate': {
    'en-US':
      'ParentSubscriptionId is not supported for this request: PATCH the base subscription’s order (R-ADD-1).',
    'fr-FR':
      'ParentSubscriptionId n’est pas pris en charge ici : utilisez PATCH sur la commande de base (R-ADD-1).',
    'de-DE':
      'ParentSubscriptionId wird hier nicht unterstützt: PATCH auf die Bestellung der Basis (R-ADD-1).',
  },
  'order.noNewAddOn': {
    'en-US':
      'The PATCH adds no line item: send the order with a new line item that names parentSubscriptionId.',
    'fr-FR':
      'Le PATCH n’ajoute aucune ligne : envoyez la commande avec une nouvelle ligne portant parentSubscriptionId.',
    'de-DE': 'Der PATCH fügt keine Position hinzu: Senden Sie eine neue Position mit parentSubscriptionId.',
  },
  'order.unknownCycle': {
    'en-US': 'billingCycle must be monthly, annual, or none/trial (got {value}).',
    'fr-FR': 'billingCycle doit valoir monthly, annual ou none/trial (reçu {value}).',
    'de-DE': 'billingCycle muss monthly, annual oder none/trial sein ({value}).',
  },
  'conversion.notTrial': {
    'en-US': 'Subscription {subscriptionId} is not an active trial: only active trials convert (R-TRI-3).',
    'fr-FR':
      'L’abonnement {subscriptionId} n’est pas un essai actif : seuls les essais actifs se convertissent (R-TRI-3).',
    'de-DE':
      'Das Abonnement {subscriptionId} ist keine aktive Testversion: Nur diese werden umgewandelt (R-TRI-3).',
  },
  'conversion.notTarget': {
    'en-US': 'Trial {offerId} does not convert to {targetOfferId} (R-TRI-3).',
    'fr-FR': 'L’essai {offerId} ne se convertit pas en {targetOfferId} (R-TRI-3).',
    'de-DE': 'Die Testversion {offerId} lässt sich nicht in {targetOfferId} umwandeln (R-TRI-3).',
  },
  'order.notPricedInCurrency': {
    'en-US':
      'Offer {offerId} has no price in {currency}: it is listed but cannot be bought in that currency (R-CAT-2).',
    'fr-FR':
      'L’offre {offerId} n’a pas de prix en {currency} : elle est listée mais ne peut pas être achetée dans cette devise (R-CAT-2).',
    'de-DE':
      'Das Angebot {offerId} hat keinen Preis in {currency}: Es wird angezeigt, kann in dieser Währung aber nicht gekauft werden (R-CAT-2).',
  },
  'order.notSold.usageBased': {
    'en-US': 'Offer {offerId} is billed by usage: Seatwise lists it but does not sell it (R-CAT-2).',
    'fr-FR': 'L’offre {offerId} est facturée à l’usage : Seatwise la liste mais ne la vend pas (R-CAT-2).',
    'de-DE':
      'Das Angebot {offerId} wird nach Verbrauch abgerechnet: Seatwise zeigt es an, verkauft es aber nicht (R-CAT-2).',
  },
  'order.notSold.unknownUnitType': {
    'en-US':
      'Offer {offerId} is sold in "{value}", a unit Seatwise does not sell: it is listed but not sold (R-CAT-2).',
    'fr-FR':
      'L’offre {offerId} se vend en « {value} », une unité que Seatwise ne vend pas : elle est listée mais pas vendue (R-CAT-2).',
    'de-DE':
      'Das Angebot {offerId} wird in „{value}“ verkauft, einer Einheit, die Seatwise nicht verkauft: Es wird angezeigt, aber nicht verkauft (R-CAT-2).',
  },
  'order.notSold.unknownLimitUnit': {
    'en-US':
      'Offer {offerId} has a limit counted in "{value}", which Seatwise does not know: it is listed but not sold (R-CAT-2).',
    'fr-FR':
      'L’offre {offerId} a une limite comptée en « {value} », inconnue de Seatwise : elle est listée mais pas vendue (R-CAT-2).',
    'de-DE':
      'Das Angebot {offerId} hat ein Limit in „{value}“, das Seatwise nicht kennt: Es wird angezeigt, aber nicht verkauft (R-CAT-2).',
  },
  'order.notSold.unknownQualification': {
    'en-US':
      'Offer {offerId} requires the qualification "{value}", which Seatwise does not know: it is listed but not sold (R-CAT-2).',
    'fr-FR':
      'L’offre {offerId} exige la qualification « {value} », inconnue de Seatwise : elle est listée mais pas vendue (R-CAT-2).',
    'de-DE':
      'Das Angebot {offerId} verlangt die Qualifikation „{value}“, die Seatwise nicht kennt: Es wird angezeigt, aber nicht verkauft (R-CAT-2).',
  },
  'order.notSold.noBillingCycle': {
    'en-US':
      'Offer {offerId} supports no billing cycle Seatwise sells ({value}): it is listed but not sold (R-CAT-2).',
    'fr-FR':
      'L’offre {offerId} ne propose aucun cycle de facturation vendu par Seatwise ({value}) : elle est listée mais pas vendue (R-CAT-2).',
    'de-DE':
      'Das Angebot {offerId} unterstützt keinen Abrechnungszyklus, den Seatwise verkauft ({value}): Es wird angezeigt, aber nicht verkauft (R-CAT-2).',
  },
  'order.notSold.noPrerequisiteInCatalog': {
    'en-US':
      'Add-on {offerId} has none of its base offers in the catalog: it is listed but not sold (R-CAT-2).',
    'fr-FR':
      'Le module complémentaire {offerId} n’a aucune de ses offres de base dans le catalogue : il est listé mais pas vendu (R-CAT-2).',
    'de-DE':
      'Das Add-on {offerId} hat keines seiner Basisangebote im Katalog: Es wird angezeigt, aber nicht verkauft (R-CAT-2).',
  },
} satisfies Record<string, Translations>;
