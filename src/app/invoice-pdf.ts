import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { invoicePdf, type PdfFonts, type PdfInvoice, type PdfLine } from '../domain/invoicing/pdf.ts';

let fonts: PdfFonts | undefined;

/**
 * The faces invoices are drawn with: DejaVu Sans regular and bold from the `dejavu-fonts-ttf` package (Latin,
 * Greek and Cyrillic, where pdfkit's built-in Helvetica has only Western European letters). Read on the first
 * document, then kept.
 */
export function invoiceFonts(): PdfFonts {
  if (!fonts) {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fonts = {
      regular: readFileSync(join(dir, 'DejaVuSans.ttf')),
      bold: readFileSync(join(dir, 'DejaVuSans-Bold.ttf')),
    };
  }
  return fonts;
}

/** An invoice or credit note as a PDF (R-INV-1), drawn with the invoice fonts. */
export const renderInvoicePdf = (invoice: PdfInvoice, lines: readonly PdfLine[]): Promise<Buffer> =>
  invoicePdf(invoice, lines, invoiceFonts());
