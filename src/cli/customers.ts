import type { Command } from 'commander';
import type { CustomerCursor, CustomerView } from '../app/customers.ts';
import { parseQualification, QUALIFICATIONS } from '../domain/customer/customer-rules.ts';
import { DomainError } from '../domain/errors.ts';
import { partnerOf, print, printTable, withSeatwise } from './support.ts';

const useCases = async () => {
  const [customers, { systemContext }, { PartnerScope }] = await Promise.all([
    import('../app/customers.ts'),
    import('../app/audit.ts'),
    import('../db/scope.ts'),
  ]);
  return { ...customers, systemContext, PartnerScope };
};

const row = (c: CustomerView) => ({
  id: c.id,
  name: c.companyProfile.companyName,
  domain: c.companyProfile.domain,
  country: c.billingProfile.defaultAddress.country,
  segment: c.segment,
});

/**
 * The operator's customer commands: list a partner's customers (with the API's prefix search), qualify one
 * (the operator may also set Nonprofit and None, R-CUS-2), and open or close the instance to new customers
 * (SPEC §6: germany starts closed).
 */
export function registerCustomerCommands(program: Command): void {
  const customer = program.command('customer').description("a partner's customers (operator)");

  customer
    .command('list')
    .description("list a partner's customers by company name")
    .requiredOption('--partner <idOrName>', 'the partner')
    .option('--search <prefix>', 'prefix of the company name or of the domain, any case')
    .option('--json', 'print JSON')
    .action((o: { partner: string; search?: string; json?: boolean }) =>
      withSeatwise('customer list', async (s) => {
        const { listCustomers, systemContext, PartnerScope } = await useCases();
        const p = await partnerOf(s, o.partner);
        const scope = new PartnerScope(s.db, p.id);
        const ctx = systemContext('operator');
        const search = o.search ? { prefix: o.search, field: 'any' as const } : undefined;
        const customers: CustomerView[] = [];
        let after: CustomerCursor | undefined;
        do {
          const page = await listCustomers(scope, ctx, { size: 500, after, search });
          customers.push(...page.items);
          after = page.next;
        } while (after);
        if (o.json) print(JSON.stringify(customers));
        else if (customers.length === 0) print(`No customers${o.search ? ` matching "${o.search}"` : ''}.`);
        else printTable(customers.map(row));
      }),
    );

  customer
    .command('qualify <customerId> <qualification>')
    .description(`add a qualification: ${QUALIFICATIONS.join(', ')} (None clears them all)`)
    .requiredOption('--partner <idOrName>', 'the partner')
    .option('--json', 'print JSON')
    .action((customerId: string, value: string, o: { partner: string; json?: boolean }) =>
      withSeatwise('customer qualify', async (s) => {
        const { qualifyCustomer, systemContext } = await useCases();
        const qualification = parseQualification(value);
        if (!qualification) {
          throw new DomainError('invalid_input', 2000, 'customer.unknownQualification', {
            value,
            allowed: QUALIFICATIONS.join(', '),
          });
        }
        const p = await partnerOf(s, o.partner);
        const result = await qualifyCustomer(
          s.db,
          p.id,
          systemContext('operator'),
          customerId,
          qualification,
          {
            cloud: s.instance.cloud,
            now: s.clock.now(),
          },
        );
        if (o.json) print(JSON.stringify(result));
        else
          print(
            `${result.customer.companyProfile.companyName} (${customerId}): ${
              result.changed ? 'now' : 'already'
            } ${qualification}, segment ${result.customer.segment}`,
          );
      }),
    );

  const instance = program.command('instance').description('this cloud instance (operator)');
  for (const [name, open] of [
    ['open-customers', true],
    ['close-customers', false],
  ] as const) {
    instance
      .command(name)
      .description(`${open ? 'open' : 'close'} the instance to new customers (SPEC §6)`)
      .action(() =>
        withSeatwise(`instance ${name}`, async (s) => {
          const { newCustomersOpen, setNewCustomersOpen } = await useCases();
          const was = await newCustomersOpen(s.db);
          await setNewCustomersOpen(s.db, open);
          print(
            `The ${s.instance.cloud} instance ${was === open ? 'was already' : 'is now'} ${
              open ? 'open' : 'closed'
            } to new customers.`,
          );
        }),
      );
  }
}
