import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CatalogFileError,
  DEMO_CATALOG_PATH,
  importCatalog,
  readCatalog,
  readCatalogFile,
} from '../../src/app/catalog.ts';
import { newCustomer } from '../support/factories.ts';
import { newSeatwise, REFERENCE_TIME, type TestSeatwise } from '../support/seatwise.ts';

/**
 * The catalog in the partner's language (SPEC §5): an offer may carry its name and description per locale;
 * the API answers in the language the request asks for (X-Locale, else Accept-Language), each text falling
 * back to the catalog's own where a language lacks it. The demo catalog gives every offer a French and a
 * German description.
 */
let t: TestSeatwise | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});
const dir = mkdtempSync(join(tmpdir(), 'seatwise-catalog-language-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Item {
  offer: { id: string; name: string; description: string; product: { name: string } };
}
const get = async <T>(url: string, headers: Record<string, string>): Promise<T> => {
  if (!t) throw new Error('no Seatwise');
  const res = await t.app.inject({ method: 'GET', url, headers: { ...t.auth, ...headers } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
};
const demoOffers = () => readCatalogFile(DEMO_CATALOG_PATH);
const english = (id: string) => demoOffers().find((o) => o.id === id);

describe('the catalog in the partner’s language', () => {
  it('the demo catalog describes every offer in French and German', () => {
    for (const o of demoOffers()) {
      for (const locale of ['fr-FR', 'de-DE']) {
        const d = o.translations?.[locale]?.description ?? '';
        expect(d, `${o.id} ${locale}`).not.toBe('');
        expect(d, `${o.id} ${locale}`).not.toBe(o.description);
      }
    }
  });

  it(
    'a customer’s catalog answers in the language asked for, English by default',
    { timeout: 180_000 },
    async () => {
      const s = (t = await newSeatwise());
      const customerId = await newCustomer(s);
      const catalog = (headers: Record<string, string>) =>
        get<{ items: Item[] }>(`/v1/customers/${customerId}/catalog?billingCycle=monthly`, headers);
      const bb = (items: Item[]) => items.find((i) => i.offer.id === 'CN-365-BB')?.offer;

      expect(bb((await catalog({})).items)?.description).toBe(english('CN-365-BB')?.description);
      expect(bb((await catalog({ 'x-locale': 'fr-FR' })).items)?.description).toMatch(
        /^Messagerie, conversation/,
      );
      expect(bb((await catalog({ 'accept-language': 'de-DE,de;q=0.9' })).items)?.description).toMatch(
        /^E-Mail, Chat, Besprechungen/,
      );
      // A language the catalog does not carry reads in the catalog's own.
      expect(bb((await catalog({ 'x-locale': 'it-IT' })).items)?.description).toBe(
        english('CN-365-BB')?.description,
      );
      // Product names stay as the catalog gives them where no translation names them.
      expect(bb((await catalog({ 'x-locale': 'fr-FR' })).items)?.name).toBe('Contoso 365 Business Basic');

      const annual = await get<{ items: Item[] }>(`/v1/customers/${customerId}/catalog?billingCycle=annual`, {
        'x-locale': 'de-DE',
      });
      const e4 = annual.items.find((i) => i.offer.id === 'CN-365-E4')?.offer;
      expect(e4?.name).toBe('Contoso 365 Enterprise E4 (eingestellt)');
      expect(e4?.product.name).toBe('Contoso 365 Enterprise E4 (eingestellt)');
    },
  );

  it('Partner Center’s offer routes answer in the language asked for', { timeout: 180_000 }, async () => {
    t = await newSeatwise();
    const offer = await get<{ description: string; locale: string }>('/v1/offers/CN-ADD-STORAGE?country=FR', {
      'x-locale': 'fr-FR',
    });
    expect(offer.locale).toBe('fr-FR');
    expect(offer.description).toMatch(/^1 Go de stockage/);
    const list = await get<{ items: { id: string; description: string }[] }>('/v1/offers?country=DE', {
      'accept-language': 'de-DE',
    });
    expect(list.items.find((o) => o.id === 'CN-365-BS')?.description).toMatch(/^Alles aus Business Basic/);
  });

  it(
    'an offer Partner Center sells and Seatwise does not says why in the partner’s words, in each language',
    { timeout: 180_000 },
    async () => {
      // The recorded Partner Center catalog (beside the repository), with its usage-billed Azure offer.
      const recording = join(
        import.meta.dirname,
        '..',
        '..',
        '..',
        'shared',
        'reference',
        'partner-center-recordings',
        'GetPartnerOffer.json',
      );
      const body = (JSON.parse(readFileSync(recording, 'utf8')) as { ResponseBody: string }[])[0]
        ?.ResponseBody;
      const path = join(dir, 'partner-center-offers.json');
      writeFileSync(path, body ?? '');
      const s = (t = await newSeatwise());
      await importCatalog(s.seatwise.db, readCatalog(path).offers, REFERENCE_TIME);
      const customerId = await newCustomer(s);
      const said: Record<string, string> = {};
      for (const locale of ['en-US', 'fr-FR', 'de-DE']) {
        const catalog = await get<{ items: { offer: { id: string }; reason?: { description: string } }[] }>(
          `/v1/customers/${customerId}/catalog?billingCycle=monthly`,
          { 'x-locale': locale },
        );
        said[locale] = catalog.items.find((i) => i.offer.id === 'MS-AZR-0145P')?.reason?.description ?? '';
        // The reason's name in the catalog data (usageBased, notSold, notPurchasable) is never the text.
        expect(said[locale], locale).not.toMatch(/usageBased|notSold|notPurchasable|unitType/);
      }
      expect(said['en-US']).toMatch(/billed by usage/);
      expect(said['fr-FR']).toMatch(/facturée à l’usage/);
      expect(said['de-DE']).toMatch(/nach Verbrauch abgerechnet/);
    },
  );

  it('a catalog file’s translations are checked: a locale as xx-XX, no empty text, no unknown field', () => {
    const base = english('CN-365-BB');
    for (const translations of [
      { french: { description: 'Messagerie' } },
      { 'fr-FR': { description: '' } },
      { 'fr-FR': { summary: 'Messagerie' } },
    ]) {
      const path = join(
        dir,
        `${Object.keys(translations)[0] ?? 'x'}-${JSON.stringify(translations).length}.json`,
      );
      writeFileSync(path, JSON.stringify({ version: 1, offers: [{ ...base, translations }] }));
      expect(() => readCatalogFile(path), JSON.stringify(translations)).toThrow(CatalogFileError);
    }
  });
});
