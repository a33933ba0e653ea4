import type { Translations } from './index.ts';

/** Messages for price rule refusals (R-PRC-2), in en-US, fr-FR and de-DE; placeholders are {name}. */
export const PRICING_MESSAGES = {
  'pricing.belowCost': {
    'en-US':
      'This rule would sell {offerId} below cost in {currency} ({price} against a cost of {cost} minor units); change {field}, or set allowBelowCost for a promotion (R-PRC-2).',
    'fr-FR':
      'Cette règle vendrait {offerId} à perte en {currency} ({price} pour un coût de {cost} unités mineures) ; modifiez {field}, ou indiquez allowBelowCost pour une promotion (R-PRC-2).',
    'de-DE':
      'Diese Regel würde {offerId} in {currency} unter Einstandspreis verkaufen ({price} bei Kosten von {cost} Untereinheiten); ändern Sie {field} oder setzen Sie allowBelowCost für eine Aktion (R-PRC-2).',
  },
  'pricing.targetMissing': {
    'en-US': 'A rule of scope {scope} needs {field} (R-PRC-2).',
    'fr-FR': 'Une règle de portée {scope} exige {field} (R-PRC-2).',
    'de-DE': 'Eine Regel mit Geltungsbereich {scope} braucht {field} (R-PRC-2).',
  },
  'pricing.targetNotForScope': {
    'en-US': 'A rule of scope {scope} takes no {field} (R-PRC-2).',
    'fr-FR': 'Une règle de portée {scope} ne prend pas de {field} (R-PRC-2).',
    'de-DE': 'Eine Regel mit Geltungsbereich {scope} nimmt kein {field} (R-PRC-2).',
  },
  'pricing.fixedNeedsOffer': {
    'en-US':
      'A fixed price is set for an offer (scope offer or customerOffer), not for scope {scope} ({field}).',
    'fr-FR':
      'Un prix fixe se donne pour une offre (portée offer ou customerOffer), pas pour la portée {scope} ({field}).',
    'de-DE':
      'Ein Festpreis gilt für ein Angebot (Geltungsbereich offer oder customerOffer), nicht für {scope} ({field}).',
  },
  'pricing.fixedNeedsPrices': {
    'en-US': 'A fixed price rule needs {field}: a price per currency in minor units.',
    'fr-FR': 'Une règle à prix fixe exige {field} : un prix par devise en unités mineures.',
    'de-DE': 'Eine Festpreisregel braucht {field}: einen Preis je Währung in Untereinheiten.',
  },
  'pricing.badPrice': {
    'en-US': '{field} must be a whole, non-negative number of minor units.',
    'fr-FR': '{field} doit être un nombre entier positif ou nul d’unités mineures.',
    'de-DE': '{field} muss eine ganze, nicht negative Zahl von Untereinheiten sein.',
  },
  'pricing.unknownCurrency': {
    'en-US': '{field}: {value} is not a currency prices are kept in (USD or EUR).',
    'fr-FR': '{field} : {value} n’est pas une devise de prix (USD ou EUR).',
    'de-DE': '{field}: {value} ist keine Preiswährung (USD oder EUR).',
  },
  'pricing.duplicateCurrency': {
    'en-US': '{field}: the currency {value} is given twice.',
    'fr-FR': '{field} : la devise {value} est donnée deux fois.',
    'de-DE': '{field}: die Währung {value} ist doppelt angegeben.',
  },
  'pricing.pricesOnlyFixed': {
    'en-US': '{field} is for fixed price rules only, not for {kind}.',
    'fr-FR': '{field} ne sert qu’aux règles à prix fixe, pas à {kind}.',
    'de-DE': '{field} gilt nur für Festpreisregeln, nicht für {kind}.',
  },
  'pricing.badPercent': {
    'en-US':
      '{field} must have at most two decimals: a markup above -100 and at most 1000, a discount from 0 to 100.',
    'fr-FR':
      '{field} doit avoir au plus deux décimales : une marge au-dessus de -100 et d’au plus 1000, une remise de 0 à 100.',
    'de-DE':
      '{field} darf höchstens zwei Nachkommastellen haben: ein Aufschlag über -100 und höchstens 1000, ein Rabatt von 0 bis 100.',
  },
  'pricing.percentNotForKind': {
    'en-US': '{field} is for markup and discount rules, not for {kind}.',
    'fr-FR': '{field} ne sert qu’aux règles de marge et de remise, pas à {kind}.',
    'de-DE': '{field} gilt nur für Aufschlags- und Rabattregeln, nicht für {kind}.',
  },
  'pricing.effectiveInPast': {
    'en-US': 'A rule version takes effect now or later, never in the past (effectiveFrom {value}).',
    'fr-FR':
      'Une version de règle prend effet maintenant ou plus tard, jamais dans le passé (effectiveFrom {value}).',
    'de-DE': 'Eine Regelversion gilt ab jetzt oder später, nie rückwirkend (effectiveFrom {value}).',
  },
  'pricing.unknownOffer': {
    'en-US': 'The catalog has no offer {value} (offerId).',
    'fr-FR': 'Le catalogue n’a pas d’offre {value} (offerId).',
    'de-DE': 'Der Katalog hat kein Angebot {value} (offerId).',
  },
  'pricing.unknownCategory': {
    'en-US': 'No offer of the catalog is in the category {value} (category).',
    'fr-FR': 'Aucune offre du catalogue n’est dans la catégorie {value} (category).',
    'de-DE': 'Kein Angebot des Katalogs gehört zur Kategorie {value} (category).',
  },
  'pricing.ruleNotFound': {
    'en-US': 'There is no price rule {id}.',
    'fr-FR': 'Il n’existe pas de règle de prix {id}.',
    'de-DE': 'Es gibt keine Preisregel {id}.',
  },
  'pricing.badDate': {
    'en-US': '{field} must be a date and time such as 2027-01-15T00:00:00Z (got {value}).',
    'fr-FR': '{field} doit être une date et heure comme 2027-01-15T00:00:00Z (reçu {value}).',
    'de-DE': '{field} muss ein Zeitpunkt wie 2027-01-15T00:00:00Z sein ({value}).',
  },
} satisfies Record<string, Translations>;
