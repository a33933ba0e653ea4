import { Command, CommanderError, Option } from 'commander';
import { PARTNER_ROLES, type PartnerRole } from '../domain/access/permissions.ts';
import { isDomainError, type ErrorKind } from '../domain/errors.ts';
import { ConfigError } from '../config.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { registerBillingCommands } from './billing.ts';
import { registerCatalogCommands } from './catalog.ts';
import { registerCustomerUserCommands } from './customer-users.ts';
import { registerCustomerCommands } from './customers.ts';
import { registerInvoiceCommands } from './invoices.ts';
import { registerLifecycleCommands } from './lifecycle.ts';
import { registerPricingCommands } from './pricing.ts';
import { registerSubscriptionCommands } from './subscriptions.ts';
import { ApiError, UsageError } from './api-client.ts';
import { partnerOf, print, printTable, withSeatwise } from './support.ts';

// Only light modules are imported here (commander, the domain's constants and errors); the database, the
// server and the use cases are imported by the command that needs them (see support.ts).

/** Exit codes: 0 done, 1 failure, 2 usage or configuration error, 3 refused by a rule. */
export const EXIT = { ok: 0, failure: 1, usage: 2, refused: 3 } as const;

const exitCodeOf = (kind: ErrorKind): number =>
  kind === 'unavailable' ? EXIT.failure : kind === 'invalid_input' ? EXIT.usage : EXIT.refused;

export function buildCli(): Command {
  const program = new Command('seatwise')
    .description('Seatwise: a Partner Center compatible subscription console for cloud resellers')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve', { isDefault: true })
    .description('start the HTTP server (API, docs, metrics) on HOST:PORT')
    .action(async () => {
      const [{ assemble }, { loadConfig }, { startServer }] = await Promise.all([
        import('../composition.ts'),
        import('../config.ts'),
        import('../http/server.ts'),
      ]);
      const seatwise = await assemble(loadConfig(), { command: 'seatwise serve', webhookDelivery: true });
      const app = await startServer(seatwise);
      const address = app.server.address();
      const where = typeof address === 'object' && address ? `http://${address.address}:${address.port}` : '';
      print(
        `Seatwise (${seatwise.instance.cloud} instance, ${seatwise.engine}) listening on ${where}` +
          (seatwise.testClock ? ' with the test clock enabled' : ''),
      );
    });

  program
    .command('migrate')
    .description('bring the database schema up to date (also done at every start)')
    .option(
      '--distribute',
      'on a Citus coordinator: make the shared tables reference tables and distribute the partner tables by partner (docs/scale-out.md)',
    )
    .action((o: { distribute?: boolean }) =>
      withSeatwise('migrate', async (s) => {
        print(`Schema up to date on ${s.engine} (${s.instance.cloud} instance).`);
        if (!o.distribute) return;
        const { distributeSchema, DistributionRefused } = await import('../db/distribute.ts');
        if (s.engine !== 'postgres')
          throw new DistributionRefused(
            'the embedded database cannot be distributed: set DATABASE_URL to a Citus coordinator',
          );
        const report = await distributeSchema(s.db);
        const moved = report.tables.filter((t) => t.changed);
        for (const placement of ['distributed', 'reference', 'coordinator'] as const) {
          const names = report.tables.filter((t) => t.placement === placement).map((t) => t.name);
          if (names.length > 0) print(`  ${placement}: ${names.join(', ')}`);
        }
        print(
          moved.length === 0
            ? 'Already distributed by partner: nothing changed.'
            : `Distributed by partner: ${moved.length} tables placed, ${report.foreignKeys} foreign keys dropped and added back.`,
        );
      }),
    );

  const partner = program.command('partner').description('partners on this instance (operator)');
  partner
    .command('create <name>')
    .description('create a partner')
    .addOption(
      new Option('--type <type>', 'direct or indirectProvider')
        .choices(['direct', 'indirectProvider'])
        .default('direct'),
    )
    .option('--mpn <id>', 'partner id of record')
    .option('--json', 'print JSON')
    .action((name: string, o: { type: 'direct' | 'indirectProvider'; mpn?: string; json?: boolean }) =>
      withSeatwise('partner create', async (s) => {
        const { createPartner } = await import('../app/partners.ts');
        const p = await createPartner(
          s.db,
          { name, partnerType: o.type, ...(o.mpn ? { partnerIdOfRecord: o.mpn } : {}) },
          s.clock.now(),
        );
        print(o.json ? JSON.stringify(p) : `created partner ${p.name} (${p.id})`);
      }),
    );
  partner
    .command('list')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withSeatwise('partner list', async (s) => {
        const rows = await s.db.selectFrom('partners').selectAll().orderBy('name').execute();
        if (o.json) print(JSON.stringify(rows));
        else printTable(rows.map((r) => ({ id: r.id, name: r.name, type: r.partner_type })));
      }),
    );

  program
    .command('user')
    .description('partner users (operator)')
    .command('create')
    .requiredOption('--partner <idOrName>', 'the partner')
    .requiredOption('--name <userName>', 'sign-in name')
    .addOption(new Option('--role <role>', 'partner role').choices(PARTNER_ROLES).makeOptionMandatory())
    .option('--password <password>', 'console password (omit for an API-only user)')
    .option('--json', 'print JSON')
    .action((o: { partner: string; name: string; role: PartnerRole; password?: string; json?: boolean }) =>
      withSeatwise('user create', async (s) => {
        const [{ createPartnerUser }, { systemContext }] = await Promise.all([
          import('../app/partners.ts'),
          import('../app/audit.ts'),
        ]);
        const p = await partnerOf(s, o.partner);
        const user = await createPartnerUser(
          s.db,
          p.id,
          systemContext('operator'),
          { userName: o.name, role: o.role, ...(o.password ? { password: o.password } : {}) },
          s.clock.now(),
        );
        print(
          o.json ? JSON.stringify(user) : `created ${user.role} ${user.userName} (${user.id}) for ${p.name}`,
        );
      }),
    );

  program
    .command('token')
    .description('API tokens (operator)')
    .command('create')
    .requiredOption('--partner <idOrName>', 'the partner')
    .requiredOption('--user <userName>', 'the partner user the token acts as')
    .option('--name <name>', 'a label for the token', 'cli')
    .option('--json', 'print JSON')
    .action((o: { partner: string; user: string; name: string; json?: boolean }) =>
      withSeatwise('token create', async (s) => {
        const [{ findPartnerUserByName, issueApiToken }, { systemContext }, { PartnerScope }] =
          await Promise.all([
            import('../app/partners.ts'),
            import('../app/audit.ts'),
            import('../db/scope.ts'),
          ]);
        const p = await partnerOf(s, o.partner);
        const user = await findPartnerUserByName(new PartnerScope(s.db, p.id), o.user);
        if (!user) throw new Error(`No user "${o.user}" in partner ${p.name}.`);
        const issued = await issueApiToken(
          s.db,
          p.id,
          systemContext('operator'),
          { userId: user.id, name: o.name, cloud: s.instance.cloud },
          s.clock.now(),
        );
        print(o.json ? JSON.stringify(issued) : `${issued.token}\n(shown once; only its hash is kept)`);
      }),
    );

  registerCustomerCommands(program);
  registerCustomerUserCommands(program);
  registerCatalogCommands(program);
  registerLifecycleCommands(program);
  registerSubscriptionCommands(program);
  registerBillingCommands(program);
  registerInvoiceCommands(program);
  registerPricingCommands(program);

  return program;
}

/** Runs the CLI and maps every failure to a message and an exit code. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (e) {
    process.exitCode = await report(e);
  }
}

async function report(e: unknown): Promise<number> {
  const err = (line: string) => process.stderr.write(`seatwise: ${line}\n`);
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (e instanceof UsageError) {
    err(e.message);
    return EXIT.usage;
  }
  // Loaded already when one of theirs was thrown; imported here so that the CLI does not load them to start.
  const [{ CatalogFileError }, { InstanceMismatchError }] = await Promise.all([
    import('../app/catalog.ts'),
    import('../app/instance.ts'),
  ]);
  if (e instanceof ConfigError || e instanceof CatalogFileError) {
    err(e.message);
    return EXIT.usage;
  }
  if (e instanceof Error && e.name === 'DistributionRefused') {
    err(`cannot distribute: ${e.message}`);
    return EXIT.refused;
  }
  if (e instanceof DataDirLockedError || e instanceof InstanceMismatchError) {
    err(e.message);
    return EXIT.failure;
  }
  if (e instanceof ApiError) {
    // The server's own words (localized by --locale); 2000 is malformed input, 5xx a failure, the rest a refusal.
    err(e.code === undefined ? e.message : `${e.message} (code ${e.code})`);
    return e.status >= 500 ? EXIT.failure : e.code === 2000 ? EXIT.usage : EXIT.refused;
  }
  if (isDomainError(e)) {
    const { formatMessage } = await import('../domain/messages/index.ts');
    err(`${formatMessage(e.messageKey, e.params, 'en-US')} (code ${e.code})`);
    return exitCodeOf(e.kind);
  }
  err(e instanceof Error ? e.message : String(e));
  return EXIT.failure;
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv);
