import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import {
  getInvoice,
  getInvoiceSettings,
  invoiceCsv,
  invoiceFileName,
  invoiceLines,
  listInvoices,
  setInvoiceSettings,
} from '../../app/invoices.ts';
import type { Seatwise } from '../../composition.ts';
import { DomainError } from '../../domain/errors.ts';
import { PartnerScope } from '../../db/scope.ts';
import { contextOf } from '../auth.ts';
import { Collection, collection, DateTime, errorResponses, Link, Minor, Nullable } from '../schemas.ts';

const Text = (maxLength: number) => Type.String({ maxLength });

const SellerAddress = Type.Object(
  {
    addressLine1: Type.Optional(Text(200)),
    addressLine2: Type.Optional(Text(200)),
    city: Type.Optional(Text(100)),
    postalCode: Type.Optional(Text(20)),
    state: Type.Optional(Text(100)),
    country: Type.Optional(Text(2)),
  },
  { additionalProperties: false },
);

const InvoiceSettings = Type.Object(
  {
    invoicePrefix: Type.String({ description: 'numbers read <prefix>-<year>-<seq>' }),
    legalName: Type.String(),
    address: SellerAddress,
    taxRates: Type.Array(Type.Object({ country: Type.String(), percent: Type.String() }), {
      description: 'tax per customer country; a country not listed pays none',
    }),
    attributes: Type.Object({ objectType: Type.Literal('InvoiceSettings') }),
  },
  { $id: 'InvoiceSettings' },
);

const InvoiceSettingsIn = Type.Object(
  {
    invoicePrefix: Type.String({ minLength: 1, maxLength: 10, examples: ['INV'] }),
    legalName: Type.String({ minLength: 1, maxLength: 200 }),
    address: SellerAddress,
    taxRates: Type.Array(
      Type.Object(
        {
          country: Type.String({ minLength: 2, maxLength: 2, examples: ['FR'] }),
          percent: Type.Union([Type.String({ maxLength: 10 }), Type.Number({ minimum: 0, maximum: 100 })], {
            examples: ['20'],
          }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 300 },
    ),
  },
  { additionalProperties: false },
);

const Invoice = Type.Object(
  {
    id: Type.String(),
    number: Type.String({ examples: ['INV-2027-000001'] }),
    documentType: Type.Union([Type.Literal('invoice'), Type.Literal('creditNote')]),
    creditedInvoice: Nullable(Type.Object({ id: Type.String(), number: Type.String() })),
    customerId: Type.String(),
    invoiceDate: DateTime,
    billingPeriodStartDate: DateTime,
    billingPeriodEndDate: Type.String({
      format: 'date-time',
      description: 'exclusive: the next month’s start',
    }),
    currencyCode: Type.String(),
    locale: Type.String({ description: 'the language the documents are written in' }),
    billingProfile: Type.Object({
      companyName: Type.String(),
      firstName: Type.String(),
      lastName: Type.String(),
      email: Type.String(),
      culture: Type.String(),
      language: Type.String(),
      defaultAddress: Type.Record(Type.String(), Type.String()),
    }),
    seller: Type.Object({ legalName: Type.String(), address: SellerAddress }),
    taxRate: Type.String({ description: 'percent' }),
    net: Minor('sum of the lines'),
    tax: Minor('tax on the net'),
    total: Minor('net plus tax'),
    lineCount: Type.Integer(),
    links: Type.Object({ self: Link, lineItems: Link, statement: Link }),
    attributes: Type.Object({ objectType: Type.Literal('Invoice') }),
  },
  { $id: 'Invoice' },
);

const InvoiceLineItem = Type.Object(
  {
    lineNumber: Type.Integer(),
    ledgerEntryId: Type.String(),
    subscriptionId: Type.String(),
    offerId: Type.String(),
    product: Type.String(),
    reason: Type.String(),
    billingCycle: Type.String(),
    periodStart: DateTime,
    periodEnd: DateTime,
    quantity: Type.Integer(),
    unitPrice: Minor('price per licence per month'),
    days: Nullable(Type.Integer({ description: 'days prorated; null for a whole term or a full credit' })),
    amount: Minor('signed: a charge is positive, a credit negative'),
    currency: Type.String(),
    attributes: Type.Object({ objectType: Type.Literal('InvoiceLineItem') }),
  },
  { $id: 'InvoiceLineItem' },
);

const Params = Type.Object({ customerId: Type.String({ maxLength: 100 }) });
const InvoiceParams = Type.Object({
  customerId: Type.String({ maxLength: 100 }),
  invoiceId: Type.String({ maxLength: 100 }),
});

/** Line items answer JSON, or CSV for `?format=csv` or `Accept: text/csv`. */
function wantsCsv(req: FastifyRequest, format: string | undefined): boolean {
  if (format !== undefined) {
    const f = format.trim().toLowerCase();
    if (f === 'csv') return true;
    if (f === 'json') return false;
    throw new DomainError('invalid_input', 2000, 'billing.unknownFormat', { value: format }, [
      { field: 'format' },
    ]);
  }
  return /\btext\/csv\b/i.test(req.headers.accept ?? '');
}

/**
 * Customer invoices (R-INV-1): the list, one document, its lines (JSON or CSV) and its PDF, read with
 * `billing.view`; the partner's invoice settings, read with `billing.view` and set with `pricing.manage`.
 */
export const invoiceRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const scopeOf = (req: FastifyRequest) => new PartnerScope(seatwise.db, contextOf(req).actor.partnerId);

    app.get(
      '/v1/customers/:customerId/invoices',
      {
        schema: {
          tags: ['invoices'],
          summary: "A customer's invoices and credit notes, newest first (R-INV-1)",
          params: Params,
          response: { 200: Collection(Invoice), ...errorResponses },
        },
      },
      async (req) => {
        const items = await listInvoices(scopeOf(req), contextOf(req), req.params.customerId);
        return collection(items, items.length, req.url);
      },
    );

    app.get(
      '/v1/customers/:customerId/invoices/:invoiceId',
      {
        schema: {
          tags: ['invoices'],
          summary: 'One invoice or credit note: as issued, never changed (R-INV-1)',
          params: InvoiceParams,
          response: { 200: Invoice, ...errorResponses },
        },
      },
      async (req) => getInvoice(scopeOf(req), contextOf(req), req.params.customerId, req.params.invoiceId),
    );

    app.get(
      '/v1/customers/:customerId/invoices/:invoiceId/lineitems',
      {
        schema: {
          tags: ['invoices'],
          summary: "A document's lines (R-INV-1), as JSON or CSV (`?format=csv` or `Accept: text/csv`)",
          params: InvoiceParams,
          querystring: Type.Object({ format: Type.Optional(Type.String({ maxLength: 10 })) }),
          response: {
            200: {
              description:
                'the lines; as CSV (UTF-8 with a byte order mark, then net, tax and total rows) when asked',
              content: {
                'application/json': { schema: Collection(InvoiceLineItem) },
                'text/csv': { schema: Type.String() },
              },
            },
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const csv = wantsCsv(req, req.query.format);
        const { invoice, lines } = await invoiceLines(
          scopeOf(req),
          contextOf(req),
          req.params.customerId,
          req.params.invoiceId,
        );
        if (!csv) return collection(lines, lines.length, req.url);
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${invoiceFileName(invoice)}.csv"`)
          .send(invoiceCsv(invoice, lines));
      },
    );

    app.get(
      '/v1/customers/:customerId/invoices/:invoiceId/documents/statement',
      {
        schema: {
          tags: ['invoices'],
          summary:
            "The document as a PDF, in the customer's language (R-INV-1), named as Partner Center names it",
          params: InvoiceParams,
          response: {
            200: {
              description: 'the PDF',
              content: {
                'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) },
              },
            },
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const { invoice, lines } = await invoiceLines(
          scopeOf(req),
          contextOf(req),
          req.params.customerId,
          req.params.invoiceId,
        );
        // The PDF stack (pdfkit, fontkit and their sources) loads with the first invoice drawn, not at start:
        // a server that draws none holds about 7 MB less heap (docs/benchmarks.md).
        const { renderInvoicePdf } = await import('../../app/invoice-pdf.ts');
        const pdf = await renderInvoicePdf(invoice, lines);
        return reply
          .type('application/pdf')
          .header('Content-Disposition', `attachment; filename="${invoiceFileName(invoice)}.pdf"`)
          .send(pdf);
      },
    );

    app.get(
      '/v1/invoicesettings',
      {
        schema: {
          tags: ['invoices'],
          summary: "The partner's invoice prefix, legal name, address and tax rates per country (R-INV-1)",
          response: { 200: InvoiceSettings, ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        return getInvoiceSettings(seatwise.db, ctx.actor.partnerId, ctx);
      },
    );

    app.put(
      '/v1/invoicesettings',
      {
        schema: {
          tags: ['invoices'],
          summary: 'Sets the invoice settings (pricing.manage); documents already issued keep what they say',
          body: InvoiceSettingsIn,
          response: { 200: InvoiceSettings, ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        return setInvoiceSettings(
          seatwise.db,
          ctx.actor.partnerId,
          ctx,
          {
            invoicePrefix: req.body.invoicePrefix,
            legalName: req.body.legalName,
            address: req.body.address,
            taxRates: req.body.taxRates,
          },
          seatwise.clock.now(),
        );
      },
    );
  };
