import type { InvoiceLocale } from './invoice-rules.ts';

/** What a document says, in each language it can be written in (R-INV-1: the customer's language). */
export interface DocumentLabels {
  invoice: string;
  creditNote: string;
  number: string;
  issued: string;
  period: string;
  billedTo: string;
  corrects: string;
  product: string;
  linePeriod: string;
  quantity: string;
  unitPrice: string;
  days: string;
  amount: string;
  net: string;
  tax: string;
  total: string;
  reasons: Record<string, string>;
}

export const LABELS: Record<InvoiceLocale, DocumentLabels> = {
  'en-US': {
    invoice: 'Invoice',
    creditNote: 'Credit note',
    number: 'Number',
    issued: 'Issue date',
    period: 'Period',
    billedTo: 'Billed to',
    corrects: 'Corrects invoice',
    product: 'Product',
    linePeriod: 'Service period',
    quantity: 'Quantity',
    unitPrice: 'Unit price / month',
    days: 'Prorated days',
    amount: 'Amount',
    net: 'Net',
    tax: 'Tax',
    total: 'Total',
    reasons: {
      purchase: 'Purchase',
      addOnPurchase: 'Add-on purchase',
      conversion: 'Trial converted',
      renewal: 'Renewal',
      quantityIncrease: 'Licences added',
      quantityDecrease: 'Licences removed',
      suspension: 'Suspension credit',
      reactivation: 'Reactivation',
      cancellation: 'Cancellation credit',
    },
  },
  'fr-FR': {
    invoice: 'Facture',
    creditNote: 'Avoir',
    number: 'Numéro',
    issued: 'Date d’émission',
    period: 'Période',
    billedTo: 'Facturé à',
    corrects: 'Corrige la facture',
    product: 'Produit',
    linePeriod: 'Période de service',
    quantity: 'Quantité',
    unitPrice: 'Prix unitaire / mois',
    days: 'Jours au prorata',
    amount: 'Montant',
    net: 'Total HT',
    tax: 'TVA',
    total: 'Total TTC',
    reasons: {
      purchase: 'Achat',
      addOnPurchase: 'Achat d’un composant additionnel',
      conversion: 'Essai converti',
      renewal: 'Renouvellement',
      quantityIncrease: 'Licences ajoutées',
      quantityDecrease: 'Licences retirées',
      suspension: 'Avoir de suspension',
      reactivation: 'Réactivation',
      cancellation: 'Avoir d’annulation',
    },
  },
  'de-DE': {
    invoice: 'Rechnung',
    creditNote: 'Gutschrift',
    number: 'Nummer',
    issued: 'Rechnungsdatum',
    period: 'Zeitraum',
    billedTo: 'Rechnungsempfänger',
    corrects: 'Korrigiert Rechnung',
    product: 'Produkt',
    linePeriod: 'Leistungszeitraum',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis / Monat',
    days: 'Anteilige Tage',
    amount: 'Betrag',
    net: 'Netto',
    tax: 'USt.',
    total: 'Gesamt',
    reasons: {
      purchase: 'Kauf',
      addOnPurchase: 'Kauf eines Add-On',
      conversion: 'Testversion umgewandelt',
      renewal: 'Verlängerung',
      quantityIncrease: 'Lizenzen hinzugefügt',
      quantityDecrease: 'Lizenzen entfernt',
      suspension: 'Gutschrift für Anhalten',
      reactivation: 'Reaktivierung',
      cancellation: 'Gutschrift für Kündigung',
    },
  },
};
