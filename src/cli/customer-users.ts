import type { Command } from 'commander';
import type { CustomerUserCursor, CustomerUserView } from '../app/customer-users.ts';
import { isGuid } from '../domain/ids.ts';
import { partnerOf, print, printTable, withSeatwise } from './support.ts';

const useCases = async () => {
  const [users, { systemContext }, { PartnerScope }] = await Promise.all([
    import('../app/customer-users.ts'),
    import('../app/audit.ts'),
    import('../db/scope.ts'),
  ]);
  return { ...users, systemContext, PartnerScope };
};

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * The operator's customer user commands: list a customer's users, add one, assign and remove
 * licences, and ask for a user's access decision. The same use cases and rules as the API; the operator may
 * also write on germany (its directory), nobody on usgov (SPEC §6).
 */
export function registerCustomerUserCommands(program: Command): void {
  const users = program
    .command('customer-user')
    .description("a customer's users, their licences and access (operator)");

  users
    .command('list <customerId>')
    .description("list a customer's users")
    .requiredOption('--partner <idOrName>', 'the partner')
    .option('--json', 'print JSON')
    .action((customerId: string, o: { partner: string; json?: boolean }) =>
      withSeatwise('customer-user list', async (s) => {
        const { listCustomerUsers, systemContext, PartnerScope } = await useCases();
        const p = await partnerOf(s, o.partner);
        const scope = new PartnerScope(s.db, p.id);
        const all: CustomerUserView[] = [];
        let after: CustomerUserCursor | undefined;
        do {
          const page = await listCustomerUsers(
            scope,
            systemContext('operator'),
            s.instance.cloud,
            customerId,
            {
              size: 500,
              after,
            },
          );
          all.push(...page.items);
          after = page.next;
        } while (after);
        if (o.json) print(JSON.stringify(all));
        else if (all.length === 0) print('No users.');
        else
          printTable(
            all.map((u) => ({
              id: u.id,
              userPrincipalName: u.userPrincipalName,
              name: u.displayName,
              role: u.role,
            })),
          );
      }),
    );

  users
    .command('create <customerId> <userPrincipalName>')
    .description("add a user (name@the customer's domain)")
    .requiredOption('--partner <idOrName>', 'the partner')
    .option('--name <displayName>', 'display name (default: the name before @)')
    .option('--admin', 'a company administrator (R-ACC: admins keep sign-in and data while suspended)')
    .option('--json', 'print JSON')
    .action(
      (
        customerId: string,
        userPrincipalName: string,
        o: { partner: string; name?: string; admin?: boolean; json?: boolean },
      ) =>
        withSeatwise('customer-user create', async (s) => {
          const { createCustomerUser, systemContext } = await useCases();
          const p = await partnerOf(s, o.partner);
          const user = await createCustomerUser(
            { db: s.db, cloud: s.instance.cloud, now: s.clock.now() },
            systemContext('operator'),
            p.id,
            customerId,
            {
              userPrincipalName,
              displayName: o.name ?? userPrincipalName.split('@')[0] ?? userPrincipalName,
              role: o.admin ? 'admin' : 'user',
            },
          );
          print(
            o.json ? JSON.stringify(user) : `created ${user.role} ${user.userPrincipalName} (${user.id})`,
          );
        }),
    );

  users
    .command('licenses <customerId> <userId>')
    .description('assign and remove licences; a SKU is an offer id or a subscription id')
    .requiredOption('--partner <idOrName>', 'the partner')
    .option('--assign <skuId>', 'assign a licence of this SKU (repeatable)', collect, [])
    .option('--remove <skuId>', 'remove the licence of this SKU (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(
      (
        customerId: string,
        userId: string,
        o: { partner: string; assign: string[]; remove: string[]; json?: boolean },
      ) =>
        withSeatwise('customer-user licenses', async (s) => {
          const { updateLicenses, systemContext } = await useCases();
          const p = await partnerOf(s, o.partner);
          const result = await updateLicenses(
            { db: s.db, cloud: s.instance.cloud, now: s.clock.now() },
            systemContext('operator'),
            p.id,
            customerId,
            userId,
            { licensesToAssign: o.assign.map((skuId) => ({ skuId })), licensesToRemove: o.remove },
          );
          if (o.json) print(JSON.stringify(result));
          else {
            for (const a of result.licensesToAssign)
              print(`assigned ${a.skuId} from subscription ${a.subscriptionId}`);
            for (const r of result.licensesToRemove) print(`removed ${r.skuId}`);
          }
        }),
    );

  users
    .command('access <customerId> <user>')
    .description('the access decision for a user (id or user principal name): sign-in, service, data (R-ACC)')
    .requiredOption('--partner <idOrName>', 'the partner')
    .option('--plan <servicePlan>', 'a service plan, e.g. mail')
    .option('--json', 'print JSON')
    .action((customerId: string, user: string, o: { partner: string; plan?: string; json?: boolean }) =>
      withSeatwise('customer-user access', async (s) => {
        const { systemContext } = await useCases();
        const p = await partnerOf(s, o.partner);
        const [decision] = await s.access.decideFor(p.id, systemContext('operator'), [
          {
            tenantId: customerId,
            ...(isGuid(user) ? { userId: user } : { userPrincipalName: user }),
            ...(o.plan ? { servicePlan: o.plan } : {}),
          },
        ]);
        if (!decision) return;
        if (o.json) print(JSON.stringify(decision));
        else
          printTable(
            (['signIn', 'service', 'data'] as const).map((what) => ({
              what,
              allowed: decision[what].allowed,
              reason: decision[what].reason,
              rule: decision[what].rule,
              subscription: decision[what].subscriptionId ?? '',
              until: decision[what].until ?? '',
            })),
          );
      }),
    );
}
