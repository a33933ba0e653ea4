import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { requirePermission } from '../domain/access/permissions.ts';
import { amountOf, formatMinorUnits, minorDigitsOf, toSafeNumber } from '../domain/billing/money.ts';
import { monthContaining, monthOf, type Month } from '../domain/billing/statement-month.ts';
import { normalizeCountry } from '../domain/customer/profile.ts';
import { DomainError } from '../domain/errors.ts';
import { isGuid, newId } from '../domain/ids.ts';
import {
  basisPointsToPercent,
  DEFAULT_PREFIX,
  documentTotals,
  invoiceLocale,
  invoiceNumber,
  percentToBasisPoints,
  PREFIX_PATTERN,
  shareLines,
  taxRateFor,
  type InvoiceLocale,
} from '../domain/invoicing/invoice-rules.ts';
import { inTransaction, type Db } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { PartnerScope, type PartnerRows } from '../db/scope.ts';
import { changeRows, recordChange, type Change, type SystemContext } from './audit.ts';
import { loadOffers } from './catalog.ts';
import type { RequestContext } from './context.ts';
import { getCustomerRow, toBillingProfileView } from './customers.ts';
import { link, type Link } from './links.ts';
import { offerNameOf } from './subscriptions.ts';

/**
 * Customer invoices (R-INV-1). At each month end the month close issues, per partner, one invoice per
 * customer and currency with ledger lines not yet on a document, and a credit note per earlier invoice that a
 * credit of the month corrects. Numbers come from a counter row per partner locked by the close, so they are
 * gapless and unique even when several processes close the same month. Issued documents are only read.
 */

type Ctx = RequestContext | SystemContext;

export interface SellerDetails {
  legalName: string;
  address: SellerAddress;
}

export interface SellerAddress {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  postalCode?: string;
  state?: string;
  country?: string;
}

/** A partner's invoice settings: the number prefix, what the documents say of the partner, tax rates. */
export interface InvoiceSettings extends SellerDetails {
  invoicePrefix: string;
  /** Percent per customer country (two-letter code); a country not listed pays no tax. */
  taxRates: { country: string; percent: string }[];
  attributes: { objectType: 'InvoiceSettings' };
}

export interface InvoiceSettingsInput {
  invoicePrefix: string;
  legalName: string;
  address: SellerAddress;
  taxRates: { country: string; percent: string | number }[];
}

export type DocumentType = 'invoice' | 'creditNote';

export interface InvoiceLineView {
  lineNumber: number;
  ledgerEntryId: string;
  subscriptionId: string;
  offerId: string;
  product: string;
  reason: string;
  billingCycle: string;
  periodStart: string;
  periodEnd: string;
  quantity: number;
  unitPrice: number;
  /** Days prorated; null for a whole term or a full credit. */
  days: number | null;
  amount: number;
  currency: string;
  attributes: { objectType: 'InvoiceLineItem' };
}

export interface BillingProfileSnapshot {
  companyName: string;
  firstName: string;
  lastName: string;
  email: string;
  culture: string;
  language: string;
  defaultAddress: Record<string, string>;
}

export interface InvoiceView {
  id: string;
  number: string;
  documentType: DocumentType;
  /** The invoice a credit note corrects. */
  creditedInvoice: { id: string; number: string } | null;
  customerId: string;
  invoiceDate: string;
  billingPeriodStartDate: string;
  billingPeriodEndDate: string;
  currencyCode: string;
  locale: InvoiceLocale;
  billingProfile: BillingProfileSnapshot;
  seller: SellerDetails;
  /** Percent, as the partner set it for the customer's country at issue. */
  taxRate: string;
  net: number;
  tax: number;
  total: number;
  lineCount: number;
  links: { self: Link; lineItems: Link; statement: Link };
  attributes: { objectType: 'Invoice' };
}

const allowRead = (ctx: Ctx) => {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'billing.view');
};

// ---------------------------------------------------------------------------------------------------------
// Settings

interface StoredSettings {
  invoicePrefix: string;
  legalName: string;
  address: SellerAddress;
  taxRates: Record<string, number>;
}

async function storedSettings(db: Db, partnerId: string): Promise<StoredSettings> {
  const row = await db
    .selectFrom('invoice_settings')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .executeTakeFirst();
  if (row) {
    return {
      invoicePrefix: row.invoice_prefix,
      legalName: row.legal_name,
      address: row.address as SellerAddress,
      taxRates: row.tax_rates as Record<string, number>,
    };
  }
  const partner = await db
    .selectFrom('partners')
    .select('name')
    .where('id', '=', partnerId)
    .executeTakeFirst();
  return { invoicePrefix: DEFAULT_PREFIX, legalName: partner?.name ?? '', address: {}, taxRates: {} };
}

const settingsView = (s: StoredSettings): InvoiceSettings => ({
  invoicePrefix: s.invoicePrefix,
  legalName: s.legalName,
  address: s.address,
  taxRates: Object.entries(s.taxRates)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([country, bp]) => ({ country, percent: basisPointsToPercent(bp) })),
  attributes: { objectType: 'InvoiceSettings' },
});

/** The partner's invoice settings (defaults until set: prefix INV, the partner's name, no tax). */
export async function getInvoiceSettings(db: Db, partnerId: string, ctx: Ctx): Promise<InvoiceSettings> {
  allowRead(ctx);
  return settingsView(await storedSettings(db, partnerId));
}

const ADDRESS_KEYS = ['addressLine1', 'addressLine2', 'city', 'postalCode', 'state', 'country'] as const;

/** Sets the partner's invoice settings (`pricing.manage`); documents already issued keep what they said. */
export async function setInvoiceSettings(
  db: Db,
  partnerId: string,
  ctx: Ctx,
  input: InvoiceSettingsInput,
  now: Date,
): Promise<InvoiceSettings> {
  if ('actor' in ctx) {
    requirePermission(ctx.actor.role, 'billing.view');
    requirePermission(ctx.actor.role, 'pricing.manage');
  }
  const prefix = input.invoicePrefix.trim();
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new DomainError('invalid_input', 2000, 'invoice.invalidPrefix', { value: input.invoicePrefix }, [
      { field: 'invoicePrefix', rule: 'R-INV-1' },
    ]);
  }
  const legalName = input.legalName.trim();
  if (legalName === '') {
    throw new DomainError('invalid_input', 2000, 'request.invalid', { detail: 'legalName is empty' }, [
      { field: 'legalName' },
    ]);
  }
  const taxRates: Record<string, number> = {};
  input.taxRates.forEach((r, i) => {
    const country = normalizeCountry(r.country);
    if (!/^[A-Z]{2}$/.test(country)) {
      throw new DomainError('invalid_input', 2000, 'invoice.invalidCountry', { value: r.country }, [
        { field: `taxRates[${i}].country` },
      ]);
    }
    taxRates[country] = percentToBasisPoints(r.percent, `taxRates[${i}].percent`);
  });
  const address: SellerAddress = {};
  for (const key of ADDRESS_KEYS) {
    const v = input.address[key]?.trim();
    if (v) address[key] = key === 'country' ? normalizeCountry(v) : v;
  }
  const stored: StoredSettings = { invoicePrefix: prefix, legalName, address, taxRates };
  await inTransaction(db, async (trx) => {
    const values = {
      invoice_prefix: prefix,
      legal_name: legalName,
      address: JSON.stringify(address),
      tax_rates: JSON.stringify(taxRates),
      updated_at: now,
    };
    await trx
      .insertInto('invoice_settings')
      .values({ partner_id: partnerId, ...values })
      .onConflict((oc) => oc.column('partner_id').doUpdateSet(values))
      .execute();
    const view = settingsView(stored);
    await recordChange(
      new PartnerScope(trx, partnerId),
      ctx,
      {
        resourceType: 'invoice_settings',
        resourceId: partnerId,
        operationType: 'update_invoice_settings',
        after: { ...view, attributes: undefined },
        event: 'invoiceSettings.updated',
      },
      now,
    );
  });
  return settingsView(stored);
}

// ---------------------------------------------------------------------------------------------------------
// The month close

export interface IssuedDocument {
  id: string;
  number: string;
  documentType: DocumentType;
  customerId: string;
  currency: string;
  month: string;
  total: number;
}

type LedgerRow = Row<'ledger_entries'>;

/** The months whose end has passed: up to and including the month before `now`'s. */
export const lastClosedMonth = (now: Date): Month => {
  const current = monthContaining(now);
  return monthOf(current.start.getUTCFullYear(), current.start.getUTCMonth());
};

/**
 * R-INV-1: closes every month of one partner that ended by `now` and is not closed yet, in one transaction
 * that holds the partner's counter row: a second close (another process, or the same month again) waits for
 * it, then finds the months closed and issues nothing. Returns what it issued, oldest first.
 */
export async function closeMonthsForPartner(
  db: Db,
  partnerId: string,
  now: Date,
  ctx: SystemContext,
): Promise<IssuedDocument[]> {
  const last = lastClosedMonth(now);
  return inTransaction(db, async (trx) => {
    await trx
      .insertInto('invoice_counters')
      .values({ partner_id: partnerId, next_seq: 1, closed_through: null })
      .onConflict((oc) => oc.column('partner_id').doNothing())
      .execute();
    const counter = await trx
      .selectFrom('invoice_counters')
      .selectAll()
      .where('partner_id', '=', partnerId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const closedThrough = counter.closed_through ? new Date(counter.closed_through) : null;
    if (closedThrough && closedThrough.getTime() >= last.start.getTime()) return [];
    const scope = new PartnerScope(trx, partnerId);
    let first: Month | undefined;
    if (closedThrough) {
      first = monthOf(closedThrough.getUTCFullYear(), closedThrough.getUTCMonth() + 2);
    } else {
      const earliest = await uninvoiced(scope, last.end)
        .select(sql<Date>`min(ledger_entries.posted_at)`.as('at'))
        .executeTakeFirst();
      if (earliest?.at) first = monthContaining(new Date(earliest.at));
    }
    const settings = await storedSettings(trx, partnerId);
    const issued: IssuedDocument[] = [];
    let nextSeq = Number(counter.next_seq);
    for (let m = first; m && m.start.getTime() <= last.start.getTime(); m = nextMonth(m)) {
      const docs = await closeMonth(trx, scope, settings, m, nextSeq, ctx);
      nextSeq += docs.length;
      issued.push(...docs);
    }
    await trx
      .updateTable('invoice_counters')
      .set({ next_seq: nextSeq, closed_through: last.start })
      .where('partner_id', '=', partnerId)
      .execute();
    return issued;
  });
}

const nextMonth = (m: Month): Month => monthOf(m.start.getUTCFullYear(), m.start.getUTCMonth() + 2);

/** The partner's ledger lines posted before `before` that no document carries yet. */
function uninvoiced(scope: PartnerScope, before: Date) {
  return scope
    .selectFrom('ledger_entries')
    .where('ledger_entries.posted_at', '<', before)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('invoice_lines')
            .select(sql`1`.as('one'))
            .whereRef('invoice_lines.partner_id', '=', 'ledger_entries.partner_id')
            .whereRef('invoice_lines.ledger_entry_id', '=', 'ledger_entries.id'),
        ),
      ),
    );
}

interface CloseLineRow {
  id: string;
  subscriptionId: string;
  amount: bigint;
  periodStart: Date;
  periodEnd: Date;
  row: LedgerRow;
}

/**
 * One month: the lines posted before its end and not yet on a document (a line posted late into a month
 * already closed lands on the next month's invoice), per customer and currency, shared between the
 * invoice and credit notes; numbered from `firstSeq` in customer order.
 */
async function closeMonth(
  trx: Db,
  scope: PartnerScope,
  settings: StoredSettings,
  month: Month,
  firstSeq: number,
  ctx: SystemContext,
): Promise<IssuedDocument[]> {
  const rows = await uninvoiced(scope, month.end)
    .selectAll('ledger_entries')
    .orderBy('ledger_entries.posted_at')
    .orderBy('ledger_entries.seq')
    .execute();
  if (rows.length === 0) return [];
  const customers = new Map(
    (
      await scope
        .selectFrom('customers')
        .selectAll()
        .where('id', 'in', [...new Set(rows.map((r) => r.customer_id))])
        .execute()
    ).map((c) => [c.id, c]),
  );
  const credited = rows.filter((r) => amountOf(r.amount) < 0n).map((r) => r.subscription_id);
  const invoicedRows =
    credited.length === 0
      ? []
      : await scope
          .selectFrom('invoice_lines')
          .innerJoin('invoices', (j) =>
            j
              .onRef('invoices.partner_id', '=', 'invoice_lines.partner_id')
              .onRef('invoices.id', '=', 'invoice_lines.invoice_id'),
          )
          .select([
            'invoices.id',
            'invoices.number',
            'invoices.issued_at',
            'invoices.tax_rate',
            'invoice_lines.subscription_id',
            'invoice_lines.period_start',
            'invoice_lines.period_end',
          ])
          .where('invoices.kind', '=', 'invoice')
          .where('invoice_lines.subscription_id', 'in', [...new Set(credited)])
          .execute();
  const invoiced = invoicedRows.map((r) => ({
    invoiceId: r.id,
    issuedAt: new Date(r.issued_at),
    subscriptionId: r.subscription_id,
    periodStart: new Date(r.period_start),
    periodEnd: new Date(r.period_end),
  }));
  const creditedInvoices = new Map(invoicedRows.map((r) => [r.id, r]));
  const offers = await loadOffers(trx, [...new Set(rows.map((r) => r.offer_id))]);

  // Customer and currency groups, in a stable order: company name, then id, then currency.
  const groups = new Map<string, CloseLineRow[]>();
  for (const row of rows) {
    const key = `${row.customer_id}|${row.currency}`;
    const list = groups.get(key) ?? [];
    list.push({
      id: row.id,
      subscriptionId: row.subscription_id,
      amount: amountOf(row.amount),
      periodStart: new Date(row.period_start),
      periodEnd: new Date(row.period_end),
      row,
    });
    groups.set(key, list);
  }
  const order = [...groups.keys()].sort((a, b) => {
    const [ca = '', ka = ''] = a.split('|');
    const [cb = '', kb = ''] = b.split('|');
    const na = customers.get(ca)?.company_name ?? '';
    const nb = customers.get(cb)?.company_name ?? '';
    return na.localeCompare(nb) || ca.localeCompare(cb) || ka.localeCompare(kb);
  });

  const seller: SellerDetails = { legalName: settings.legalName, address: settings.address };
  const issuedAt = month.end;
  const year = issuedAt.getUTCFullYear();
  let seq = firstSeq;
  const parts: PartnerRows[] = [];
  const changes: Change[] = [];
  const issued: IssuedDocument[] = [];
  for (const key of order) {
    const lines = groups.get(key) ?? [];
    const first = lines[0];
    const customer = first && customers.get(first.row.customer_id);
    if (!first || !customer) continue;
    const currency = first.row.currency;
    const shared = shareLines(lines, invoiced);
    const docs: {
      kind: DocumentType;
      lines: CloseLineRow[];
      credited?: { id: string; number: string };
      rate: number;
    }[] = [];
    if (shared.invoice.length > 0) {
      docs.push({
        kind: 'invoice',
        lines: shared.invoice,
        rate: taxRateFor(settings.taxRates, customer.country),
      });
    }
    const creditNotes = [...shared.creditNotes.entries()]
      .map(([invoiceId, l]) => ({ invoice: creditedInvoices.get(invoiceId), lines: l }))
      .sort((a, b) => (a.invoice?.number ?? '').localeCompare(b.invoice?.number ?? ''));
    for (const cn of creditNotes) {
      if (!cn.invoice) continue;
      // A credit note takes the tax rate of the invoice it corrects, so it reverses exactly what was charged.
      docs.push({
        kind: 'creditNote',
        lines: cn.lines,
        credited: { id: cn.invoice.id, number: cn.invoice.number },
        rate: cn.invoice.tax_rate,
      });
    }
    const profile = toBillingProfileView(customer);
    const snapshot: BillingProfileSnapshot = {
      companyName: profile.companyName,
      firstName: profile.firstName,
      lastName: profile.lastName,
      email: profile.email,
      culture: profile.culture,
      language: profile.language,
      defaultAddress: profile.defaultAddress,
    };
    const locale = invoiceLocale(customer.culture, customer.language);
    for (const doc of docs) {
      const id = newId();
      const number = invoiceNumber(settings.invoicePrefix, year, seq);
      const totals = documentTotals(
        doc.lines.map((l) => l.amount),
        doc.rate,
      );
      parts.push({
        table: 'invoices',
        rows: [
          {
            partner_id: scope.partnerId,
            id,
            seq,
            number,
            kind: doc.kind,
            credited_invoice_id: doc.credited?.id ?? null,
            customer_id: customer.id,
            currency,
            period_start: month.start,
            period_end: month.end,
            issued_at: issuedAt,
            locale,
            billing_profile: JSON.stringify(snapshot),
            seller: JSON.stringify(seller),
            tax_rate: doc.rate,
            net: totals.net.toString(),
            tax: totals.tax.toString(),
            total: totals.total.toString(),
          },
        ],
      });
      parts.push({
        table: 'invoice_lines',
        rows: doc.lines.map((l, i) => ({
          partner_id: scope.partnerId,
          invoice_id: id,
          line_number: i + 1,
          ledger_entry_id: l.id,
          subscription_id: l.subscriptionId,
          offer_id: l.row.offer_id,
          product: offerNameOf(offers, l.row.offer_id),
          reason: l.row.reason,
          billing_cycle: l.row.billing_cycle,
          period_start: l.periodStart,
          period_end: l.periodEnd,
          days: l.row.days,
          quantity: l.row.quantity,
          unit_price: l.row.unit_price,
          amount: l.amount.toString(),
        })),
      });
      const summary: IssuedDocument = {
        id,
        number,
        documentType: doc.kind,
        customerId: customer.id,
        currency,
        month: month.text,
        total: toSafeNumber(totals.total),
      };
      issued.push(summary);
      changes.push({
        resourceType: 'invoice',
        resourceId: id,
        operationType: doc.kind === 'invoice' ? 'issue_invoice' : 'issue_credit_note',
        customerId: customer.id,
        customerName: customer.company_name,
        after: {
          ...summary,
          net: toSafeNumber(totals.net),
          tax: toSafeNumber(totals.tax),
          creditedInvoice: doc.credited ?? null,
        },
        event: 'invoice.issued',
      });
      seq++;
    }
  }
  await scope.insertRows([...parts, ...changeRows(scope.partnerId, ctx, changes, issuedAt)]);
  return issued;
}

// ---------------------------------------------------------------------------------------------------------
// Reading

const invoiceUri = (customerId: string, id: string) => `/v1/customers/${customerId}/invoices/${id}`;

function toInvoiceView(r: Row<'invoices'>, lineCount: number, credited: string | null): InvoiceView {
  const uri = invoiceUri(r.customer_id, r.id);
  return {
    id: r.id,
    number: r.number,
    documentType: r.kind as DocumentType,
    creditedInvoice: r.credited_invoice_id ? { id: r.credited_invoice_id, number: credited ?? '' } : null,
    customerId: r.customer_id,
    invoiceDate: new Date(r.issued_at).toISOString(),
    billingPeriodStartDate: new Date(r.period_start).toISOString(),
    billingPeriodEndDate: new Date(r.period_end).toISOString(),
    currencyCode: r.currency,
    locale: r.locale as InvoiceLocale,
    billingProfile: r.billing_profile as BillingProfileSnapshot,
    seller: r.seller as SellerDetails,
    taxRate: basisPointsToPercent(r.tax_rate),
    net: toSafeNumber(amountOf(r.net)),
    tax: toSafeNumber(amountOf(r.tax)),
    total: toSafeNumber(amountOf(r.total)),
    lineCount,
    links: {
      self: link(uri),
      lineItems: link(`${uri}/lineitems`),
      statement: link(`${uri}/documents/statement`),
    },
    attributes: { objectType: 'Invoice' },
  };
}

async function invoiceRows(scope: PartnerScope, customerId: string, invoiceId?: string) {
  let q = scope
    .selectFrom('invoices')
    .selectAll('invoices')
    .select((eb) => [
      eb
        .selectFrom('invoice_lines')
        .select(sql<string>`count(*)`.as('n'))
        .whereRef('invoice_lines.partner_id', '=', 'invoices.partner_id')
        .whereRef('invoice_lines.invoice_id', '=', 'invoices.id')
        .as('line_count'),
      eb
        .selectFrom('invoices as credited')
        .select('credited.number')
        .whereRef('credited.partner_id', '=', 'invoices.partner_id')
        .whereRef('credited.id', '=', 'invoices.credited_invoice_id')
        .as('credited_number'),
    ])
    .where('invoices.customer_id', '=', customerId);
  if (invoiceId !== undefined) q = q.where('invoices.id', '=', invoiceId);
  const rows = await q.orderBy('invoices.issued_at', 'desc').orderBy('invoices.seq', 'desc').execute();
  return rows.map((r) => toInvoiceView(r, Number(r.line_count ?? 0), r.credited_number ?? null));
}

/** R-INV-1: a customer's invoices and credit notes, newest first. */
export async function listInvoices(
  scope: PartnerScope,
  ctx: Ctx,
  customerId: string,
): Promise<InvoiceView[]> {
  allowRead(ctx);
  const customer = await getCustomerRow(scope, customerId);
  return invoiceRows(scope, customer.id);
}

const invoiceNotFound = (id: string) =>
  new DomainError('not_found', 404, 'resource.notFound', { resource: 'invoice', id }, [
    { field: 'invoiceId', rule: 'R-ROLE-ISO' },
  ]);

/** R-INV-1: one of the customer's invoices or credit notes (404 for anyone else's). */
export async function getInvoice(
  scope: PartnerScope,
  ctx: Ctx,
  customerId: string,
  invoiceId: string,
): Promise<InvoiceView> {
  allowRead(ctx);
  const customer = await getCustomerRow(scope, customerId);
  if (!isGuid(invoiceId)) throw invoiceNotFound(invoiceId);
  const [invoice] = await invoiceRows(scope, customer.id, invoiceId.toLowerCase());
  if (!invoice) throw invoiceNotFound(invoiceId);
  return invoice;
}

/** A document's lines, in the order it lists them. */
export async function invoiceLines(
  scope: PartnerScope,
  ctx: Ctx,
  customerId: string,
  invoiceId: string,
): Promise<{ invoice: InvoiceView; lines: InvoiceLineView[] }> {
  const invoice = await getInvoice(scope, ctx, customerId, invoiceId);
  const rows = await scope
    .selectFrom('invoice_lines')
    .selectAll()
    .where('invoice_id', '=', invoice.id)
    .orderBy('line_number')
    .execute();
  return {
    invoice,
    lines: rows.map((r) => ({
      lineNumber: r.line_number,
      ledgerEntryId: r.ledger_entry_id,
      subscriptionId: r.subscription_id,
      offerId: r.offer_id,
      product: r.product,
      reason: r.reason,
      billingCycle: r.billing_cycle,
      periodStart: new Date(r.period_start).toISOString(),
      periodEnd: new Date(r.period_end).toISOString(),
      quantity: r.quantity,
      unitPrice: r.unit_price,
      days: r.days,
      amount: toSafeNumber(amountOf(r.amount)),
      currency: invoice.currencyCode,
      attributes: { objectType: 'InvoiceLineItem' },
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// CSV

const CSV_COLUMNS = [
  ['number', 'Invoice number'],
  ['documentType', 'Document type'],
  ['invoiceDate', 'Issue date'],
  ['lineNumber', 'Line'],
  ['product', 'Product'],
  ['offerId', 'Offer ID'],
  ['subscriptionId', 'Subscription ID'],
  ['reason', 'Reason'],
  ['periodStart', 'Period start'],
  ['periodEnd', 'Period end'],
  ['days', 'Prorated days'],
  ['quantity', 'Quantity'],
  ['unitPrice', 'Unit price per month'],
  ['amount', 'Amount'],
  ['currency', 'Currency'],
] as const;

/**
 * A document's lines as CSV, the same way statements are written (R-BIL-6): BOM, header row, CRLF, ISO dates,
 * decimal amounts with a point, formula-like text quoted; then the net, tax and total rows.
 */
export function invoiceCsv(invoice: InvoiceView, lines: readonly InvoiceLineView[]): string {
  const scale = minorDigitsOf(invoice.currencyCode);
  const d = (iso: string) => iso.slice(0, 10);
  const base = {
    number: invoice.number,
    documentType: invoice.documentType,
    invoiceDate: d(invoice.invoiceDate),
  };
  const empty = {
    lineNumber: '',
    offerId: '',
    subscriptionId: '',
    reason: '',
    periodStart: '',
    periodEnd: '',
  };
  const summary = (product: string, amount: number) => ({
    ...base,
    ...empty,
    product,
    days: '',
    quantity: '',
    unitPrice: '',
    amount: BigInt(amount),
    currency: invoice.currencyCode,
  });
  return stringify(
    [
      ...lines.map((l) => ({
        ...base,
        ...l,
        periodStart: d(l.periodStart),
        periodEnd: d(l.periodEnd),
        days: l.days ?? '',
        amount: BigInt(l.amount),
        unitPrice: BigInt(l.unitPrice),
      })),
      summary('Net', invoice.net),
      summary(`Tax ${invoice.taxRate}%`, invoice.tax),
      summary('Total', invoice.total),
    ],
    {
      bom: true,
      header: true,
      columns: CSV_COLUMNS.map(([key, header]) => ({ key, header })),
      record_delimiter: 'windows',
      escape_formulas: true,
      cast: { bigint: (v) => formatMinorUnits(v, scale) },
    },
  );
}

/** The file name a document downloads as, without extension. */
export const invoiceFileName = (invoice: InvoiceView): string => invoice.number;
