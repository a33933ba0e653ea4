import type { Translations } from '../messages/index.ts';

/** Refusals about invoices and invoice settings (R-INV-1), in en-US, fr-FR and de-DE; placeholders are {name}. */
export const INVOICE_MESSAGES = {
  'invoice.invalidTaxRate': {
    'en-US': 'A tax rate is a percentage from 0 to 100 with at most two decimals (got {value}, R-INV-1).',
    'fr-FR':
      'Un taux de taxe est un pourcentage de 0 à 100 avec au plus deux décimales (reçu {value}, R-INV-1).',
    'de-DE':
      'Ein Steuersatz ist ein Prozentsatz von 0 bis 100 mit höchstens zwei Nachkommastellen ({value}, R-INV-1).',
  },
  'invoice.invalidPrefix': {
    'en-US': 'An invoice prefix is 1 to 10 capital letters or digits (got {value}, R-INV-1).',
    'fr-FR': 'Un préfixe de facture compte 1 à 10 lettres majuscules ou chiffres (reçu {value}, R-INV-1).',
    'de-DE': 'Ein Rechnungspräfix besteht aus 1 bis 10 Großbuchstaben oder Ziffern ({value}, R-INV-1).',
  },
  'invoice.invalidCountry': {
    'en-US': 'A country is a two-letter ISO 3166 code (got {value}).',
    'fr-FR': 'Un pays est un code ISO 3166 à deux lettres (reçu {value}).',
    'de-DE': 'Ein Land ist ein zweibuchstabiger ISO-3166-Code ({value}).',
  },
} satisfies Record<string, Translations>;
