/** Test ids of the Pricing page and the margin report, shared with the browser tests. */
export const PRICING_TID = {
  ruleRow: 'pricing-rule-row',
  ruleForm: 'pricing-rule-form',
  retire: 'pricing-retire',
  previewCustomer: 'pricing-preview-customer',
  previewRow: 'pricing-preview-row',
  previewPrice: 'pricing-preview-price',
  previewSource: 'pricing-preview-source',
  marginChart: 'margin-chart',
  marginTotal: 'margin-total',
  marginCustomerRow: 'margin-customer-row',
  marginOfferRow: 'margin-offer-row',
  marginCsv: 'margin-csv',
  orderMargin: 'order-margin',
  offerMargin: 'offer-margin',
} as const;
