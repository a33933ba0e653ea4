import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { formatDate, formatMoney, type InvoiceLocale } from './invoice-rules.ts';
import { LABELS } from './labels.ts';

/**
 * An invoice or credit note as a PDF (R-INV-1), in the customer's language and money format, with the
 * partner's name and address as they were at issue. Made with pdfkit, a maintained, dependency-light PDF
 * writer. Its built-in Helvetica draws only Western European text (WinAnsi), and customers are named in Polish,
 * Danish or Greek too: the document embeds the TrueType faces it is given (src/app passes DejaVu Sans, from
 * the `dejavu-fonts-ttf` package, which covers Latin, Greek and Cyrillic), subset by pdfkit to the glyphs
 * used, so the text can also be extracted. A character the faces have no glyph for is printed as "?"
 * rather than as an empty box.
 */

export interface PdfAddress {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  postalCode?: string;
  state?: string;
  country?: string;
}

/** What a document shows: the invoice view and its lines carry these fields. */
export interface PdfInvoice {
  number: string;
  documentType: 'invoice' | 'creditNote';
  creditedInvoice: { number: string } | null;
  invoiceDate: string;
  billingPeriodStartDate: string;
  billingPeriodEndDate: string;
  currencyCode: string;
  locale: InvoiceLocale;
  billingProfile: {
    companyName: string;
    firstName: string;
    lastName: string;
    email: string;
    defaultAddress: Record<string, string>;
  };
  seller: { legalName: string; address: PdfAddress };
  taxRate: string;
  net: number;
  tax: number;
  total: number;
}

export interface PdfLine {
  product: string;
  reason: string;
  periodStart: string;
  periodEnd: string;
  quantity: number;
  unitPrice: number;
  days: number | null;
  amount: number;
}

/** The TrueType faces a document is drawn with (read by the caller: the domain does no I/O). */
export interface PdfFonts {
  regular: Buffer;
  bold: Buffer;
}

/** Whether a character can be drawn. */
export type CanDraw = (codePoint: number) => boolean;

const checkers = new WeakMap<PdfFonts, CanDraw>();

/** What both faces have a glyph for (parsed once per set of fonts). */
export function glyphsOf(fonts: PdfFonts): CanDraw {
  let check = checkers.get(fonts);
  if (!check) {
    const faces = [fontkit.create(fonts.regular), fontkit.create(fonts.bold)];
    check = (code) => faces.every((f) => f.hasGlyphForCodePoint(code));
    checkers.set(fonts, check);
  }
  return check;
}

/**
 * Text the faces can draw: Intl's narrow and no-break spaces become spaces (so the extracted text reads as
 * typed), line breaks stay, and a control character or one the faces lack is "?".
 */
export function printable(text: string, canDraw: CanDraw): string {
  return printableWith(text, canDraw);
}

function printableWith(text: string, canDraw: CanDraw): string {
  return [...text.replace(/[\u202f\u00a0\u2009]/g, ' ')]
    .map((c) => {
      const code = c.codePointAt(0) ?? 0;
      if (code === 0x0a) return c;
      if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return '?';
      return canDraw(code) ? c : '?';
    })
    .join('');
}

const addressLines = (a: PdfAddress | Record<string, string>): string[] => {
  const get = (k: string) => (a as Record<string, string | undefined>)[k];
  const cityLine = [get('postalCode'), get('city'), get('state')].filter(Boolean).join(' ');
  return [get('addressLine1'), get('addressLine2'), get('addressLine3'), cityLine, get('country')].filter(
    (l): l is string => typeof l === 'string' && l.trim() !== '',
  );
};

/** Renders the document; resolves with the PDF's bytes. */
export function invoicePdf(invoice: PdfInvoice, lines: readonly PdfLine[], fonts: PdfFonts): Promise<Buffer> {
  const canDraw = glyphsOf(fonts);
  const printable = (text: string) => printableWith(text, canDraw);
  const locale = invoice.locale;
  const L = LABELS[locale];
  const money = (n: number) => printable(formatMoney(n, invoice.currencyCode, locale));
  const date = (iso: string) => formatDate(new Date(iso), locale);
  // The period's last day, not the first instant of the next month.
  const lastDay = (iso: string) => date(new Date(new Date(iso).getTime() - 1).toISOString());
  const title = invoice.documentType === 'invoice' ? L.invoice : L.creditNote;
  const issued = new Date(invoice.invoiceDate);

  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    lang: locale,
    info: {
      Title: `${title} ${invoice.number}`,
      Author: printable(invoice.seller.legalName),
      Subject: printable(invoice.billingProfile.companyName),
      CreationDate: issued,
      ModDate: issued,
    },
  });
  doc.registerFont('Body', fonts.regular);
  doc.registerFont('Bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = 50;
  const right = doc.page.width - 50;
  const width = right - left;

  // The seller, top left; the document's title and numbers, top right.
  doc.font('Bold').fontSize(14).text(printable(invoice.seller.legalName), left, 50, { width: 260 });
  doc.font('Body').fontSize(9);
  for (const line of addressLines(invoice.seller.address)) doc.text(printable(line), { width: 260 });
  doc
    .font('Bold')
    .fontSize(20)
    .text(printable(title), 330, 50, { width: right - 330, align: 'right' });
  doc.font('Body').fontSize(10);
  const meta: [string, string][] = [
    [L.number, invoice.number],
    [L.issued, date(invoice.invoiceDate)],
    [L.period, `${date(invoice.billingPeriodStartDate)} - ${lastDay(invoice.billingPeriodEndDate)}`],
  ];
  if (invoice.creditedInvoice) meta.push([L.corrects, invoice.creditedInvoice.number]);
  for (const [k, v] of meta)
    doc.text(printable(`${k}: ${v}`), 330, undefined, { width: right - 330, align: 'right' });

  // The customer, as its billing profile was at issue.
  let y = Math.max(doc.y, 150) + 20;
  doc.font('Bold').fontSize(10).text(printable(L.billedTo), left, y);
  doc.font('Body').fontSize(10);
  const p = invoice.billingProfile;
  doc.text(printable(p.companyName));
  doc.text(printable(`${p.firstName} ${p.lastName}`.trim()));
  for (const line of addressLines(p.defaultAddress)) doc.text(printable(line));
  doc.text(printable(p.email));

  // The lines.
  const cols = [
    { key: L.product, w: 0.34, align: 'left' as const },
    { key: L.linePeriod, w: 0.2, align: 'left' as const },
    { key: L.quantity, w: 0.08, align: 'right' as const },
    { key: L.unitPrice, w: 0.14, align: 'right' as const },
    { key: L.days, w: 0.1, align: 'right' as const },
    { key: L.amount, w: 0.14, align: 'right' as const },
  ];
  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Bold' : 'Body').fontSize(8);
    let x = left;
    let bottom = y;
    cells.forEach((cell, i) => {
      const col = cols[i];
      if (!col) return;
      const w = col.w * width - 4;
      doc.text(printable(cell), x, y, { width: w, align: col.align });
      bottom = Math.max(bottom, doc.y);
      x += col.w * width;
    });
    y = bottom + 4;
    if (y > doc.page.height - 120) {
      doc.addPage();
      y = 50;
    }
  };
  y = doc.y + 24;
  row(
    cols.map((c) => c.key),
    true,
  );
  doc
    .moveTo(left, y - 2)
    .lineTo(right, y - 2)
    .stroke();
  for (const l of lines) {
    row(
      [
        `${l.product}\n${L.reasons[l.reason] ?? l.reason}`,
        `${date(l.periodStart)} - ${lastDay(l.periodEnd)}`,
        String(l.quantity),
        money(l.unitPrice),
        l.days === null ? '' : String(l.days),
        money(l.amount),
      ],
      false,
    );
  }
  doc.moveTo(left, y).lineTo(right, y).stroke();

  // Net, tax, total.
  y += 10;
  const totals: [string, string, boolean][] = [
    [L.net, money(invoice.net), false],
    [
      `${L.tax} (${invoice.taxRate.replace('.', locale === 'en-US' ? '.' : ',')} %)`,
      money(invoice.tax),
      false,
    ],
    [L.total, money(invoice.total), true],
  ];
  for (const [label, value, bold] of totals) {
    doc.font(bold ? 'Bold' : 'Body').fontSize(bold ? 12 : 10);
    doc.text(printable(label), right - 260, y, { width: 140, align: 'right' });
    doc.text(value, right - 110, y, { width: 110, align: 'right' });
    y = doc.y + 4;
  }
  doc.end();
  return done;
}
