/** The test ids of the Invoices tab (InvoicesTab.tsx), for the browser tests (STYLE.md habit 14). */
export const INVOICE_TID = {
  row: 'invoice-row',
  open: 'invoice-open',
  pdf: 'invoice-pdf',
  csv: 'invoice-csv',
  detail: 'invoice-detail',
  line: 'invoice-line',
  total: 'invoice-total',
} as const;
