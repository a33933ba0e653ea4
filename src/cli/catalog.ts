import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { formatMinorUnits, MINOR_DIGITS } from '../domain/billing/money.ts';
import { print, printTable, withSeatwise } from './support.ts';

const price = (minor: number | undefined, digits: number) =>
  minor === undefined ? '' : formatMinorUnits(minor, digits);

/** The operator's catalog commands (R-CAT-3): import a catalog file, list what is loaded. */
export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('the offer catalog (operator, R-CAT-3)');
  catalog
    .command('import <file>')
    .description(
      'check a catalog file (Seatwise format, or a saved Partner Center offers response with --prices) and insert or replace every offer in it, in one transaction',
    )
    .option(
      '--prices <csv>',
      'Partner Center price list (columns Offer ID, Currency, List Price, ERP Price): customers pay the ERP Price, the List Price is the cost',
    )
    .action((file: string, o: { prices?: string }) =>
      withSeatwise('catalog import', async (s) => {
        const { importCatalog, readCatalog } = await import('../app/catalog.ts');
        const { format, offers, notes } = readCatalog(file, o.prices);
        const bar = new SingleBar({
          format: 'importing offers [{bar}] {value}/{total}',
          stream: process.stderr,
          noTTYOutput: false,
          clearOnComplete: true,
        });
        bar.start(offers.length, 0);
        const count = await importCatalog(s.db, offers, s.clock.now(), (done) => bar.update(done));
        bar.stop();
        const from = format === 'partnerCenter' ? 'Partner Center offers response ' : '';
        print(`imported ${count} offers from ${from}${file}`);
        for (const note of notes) print(`  ${note}`);
      }),
    );
  catalog
    .command('list')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withSeatwise('catalog list', async (s) => {
        const { loadOffers } = await import('../app/catalog.ts');
        const offers = [...(await loadOffers(s.db)).values()];
        if (o.json) print(JSON.stringify(offers));
        else
          printTable(
            offers.map((x) => ({
              id: x.id,
              name: x.name,
              'USD/licence/month': price(x.prices.USD, MINOR_DIGITS.USD),
              'EUR/licence/month': price(x.prices.EUR, MINOR_DIGITS.EUR),
              cycles: x.isTrial ? 'trial' : x.billingCycles.join('/'),
              segments: x.segments.join(','),
              clouds: x.clouds.join(','),
              'not sold': x.notSold
                ? `${x.notSold.reason}${x.notSold.value ? ` (${x.notSold.value})` : ''}`
                : '',
            })),
          );
      }),
    );
}
