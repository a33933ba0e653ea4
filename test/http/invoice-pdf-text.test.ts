import { afterEach, describe, expect, it } from 'vitest';
import { PartnerScope } from '../../src/db/scope.ts';
import { commerce } from '../support/commerce.ts';
import { newCustomer, partnerIdOf } from '../support/factories.ts';
import { pdfTextOf } from '../support/pdf.ts';
import { newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

// REFERENCE_TIME is 2027-01-15T09:00Z: twenty days on, January is closed and invoiced.

let t: TestSeatwise;
afterEach(async () => {
  await t.close();
});

async function customer(name: string, country: string, address: Record<string, string>): Promise<string> {
  const id = await newCustomer(t, { companyName: name, country });
  await new PartnerScope(t.seatwise.db, await partnerIdOf(t))
    .updateTable('customers')
    .set({ address: JSON.stringify({ country, ...address }) })
    .where('id', '=', id)
    .execute();
  return id;
}

describe('invoice PDF text beyond Western Europe (R-INV-1)', () => {
  it('R-INV-1: Polish, Danish and Greek names and addresses are drawn and extracted as written, the seller too', async () => {
    t = await newSeatwise();
    const settings = await t.app.inject({
      method: 'PUT',
      url: '/v1/invoicesettings',
      headers: t.auth,
      payload: {
        invoicePrefix: 'SW',
        legalName: 'Śląska Chmura Sp. z o.o.',
        address: { addressLine1: 'ul. Żółkiewskiego 7', city: 'Kraków', postalCode: '31-539', country: 'PL' },
        taxRates: [],
      },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const c = commerce(t);
    const people = [
      {
        id: await customer('Łódź Sp. z o.o.', 'PL', { addressLine1: 'ul. Piotrkowska 104', city: 'Łódź' }),
        words: ['Łódź Sp. z o.o.', 'ul. Piotrkowska 104'],
      },
      {
        id: await customer('Ærø ApS', 'DK', { addressLine1: 'Søndergade 3', city: 'Ærøskøbing' }),
        words: ['Ærø ApS', 'Søndergade 3', 'Ærøskøbing'],
      },
      {
        id: await customer('Ερμής Α.Ε.', 'GR', {
          addressLine1: 'Οδός Ερμού 12',
          city: 'Αθήνα',
          postalCode: '105 63',
        }),
        words: ['Ερμής Α.Ε.', 'Οδός Ερμού 12', 'Αθήνα'],
      },
    ];
    for (const p of people) await c.buy(p.id, 'monthly', 'CN-365-BB', 2);
    await c.advance('P20D');
    for (const p of people) {
      const list = await t.app.inject({
        method: 'GET',
        url: `/v1/customers/${p.id}/invoices`,
        headers: t.auth,
      });
      const [invoice] = list.json<{
        items: { id: string; number: string; billingProfile: { companyName: string } }[];
      }>().items;
      if (!invoice) throw new Error(`no invoice for ${p.words[0]}`);
      expect(invoice.billingProfile.companyName).toBe(p.words[0]);
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/customers/${p.id}/invoices/${invoice.id}/documents/statement`,
        headers: t.auth,
      });
      expect(res.statusCode).toBe(200);
      const flat = (await pdfTextOf(res.rawPayload)).replace(/\s+/g, ' ');
      for (const w of p.words) expect(flat, p.words[0]).toContain(w);
      expect(flat).toContain('Śląska Chmura Sp. z o.o.');
      expect(flat).toContain('ul. Żółkiewskiego 7');
      expect(flat).toContain(invoice.number);
      expect(flat).not.toContain('?');
    }
  });
});
