import { requirePermission, type PartnerRole } from '../domain/access/permissions.ts';
import type { Cloud } from '../domain/cloud.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { inTransaction, type Db } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { PartnerScope } from '../db/scope.ts';
import { recordChange, type SystemContext } from './audit.ts';
import type { RequestContext } from './context.ts';
import { hashPassword, newApiToken, sha256, tokenHint } from './secrets.ts';

export interface Partner {
  id: string;
  name: string;
  partnerIdOfRecord: string | null;
  partnerType: 'direct' | 'indirectProvider';
  createdAt: Date;
}

export interface PartnerUser {
  id: string;
  partnerId: string;
  userName: string;
  displayName: string;
  role: PartnerRole;
  locale: string | null;
  createdAt: Date;
}

export const toPartner = (r: Row<'partners'>): Partner => ({
  id: r.id,
  name: r.name,
  partnerIdOfRecord: r.partner_id_of_record,
  partnerType: r.partner_type as Partner['partnerType'],
  createdAt: r.created_at,
});

export const toPartnerUser = (r: Row<'partner_users'>): PartnerUser => ({
  id: r.id,
  partnerId: r.partner_id,
  userName: r.user_name,
  displayName: r.display_name,
  role: r.role as PartnerRole,
  locale: r.locale,
  createdAt: r.created_at,
});

/** Creates a partner (an operator action, from the CLI or at bootstrap). */
export async function createPartner(
  db: Db,
  input: { name: string; partnerIdOfRecord?: string; partnerType?: Partner['partnerType'] },
  now: Date,
): Promise<Partner> {
  const row = await db
    .insertInto('partners')
    .values({
      id: newId(),
      name: input.name,
      partner_id_of_record: input.partnerIdOfRecord ?? null,
      partner_type: input.partnerType ?? 'direct',
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPartner(row);
}

export async function findPartner(db: Db, idOrName: string): Promise<Partner | undefined> {
  const row = await db
    .selectFrom('partners')
    .selectAll()
    .where((eb) => (/^[0-9a-f-]{36}$/i.test(idOrName) ? eb('id', '=', idOrName) : eb('name', '=', idOrName)))
    .executeTakeFirst();
  return row && toPartner(row);
}

export async function getPartner(db: Db, id: string): Promise<Partner> {
  const partner = await findPartner(db, id);
  if (!partner) throw new DomainError('not_found', 404, 'partner.notFound', { partner: id });
  return partner;
}

export interface NewPartnerUser {
  userName: string;
  displayName?: string;
  role: PartnerRole;
  password?: string;
  locale?: string;
}

type Ctx = RequestContext | SystemContext;

/**
 * Adds a partner user. Sign-in names are unique on the instance (a shared registry, like customer domains),
 * so that a person signs in with a name alone.
 */
export async function createPartnerUser(
  db: Db,
  partnerId: string,
  ctx: Ctx,
  input: NewPartnerUser,
  now: Date,
): Promise<PartnerUser> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'partnerUsers.manage');
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const id = newId();
  return inTransaction(db, async (trx) => {
    const taken = await trx
      .insertInto('sign_in_names')
      .values({ user_name: input.userName.toLowerCase(), partner_id: partnerId, user_id: id })
      .onConflict((oc) => oc.column('user_name').doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (!taken) {
      throw new DomainError('conflict', 409, 'partnerUser.nameTaken', { userName: input.userName }, [
        { field: 'userName' },
      ]);
    }
    const scope = new PartnerScope(trx, partnerId);
    const row = await scope
      .insertInto('partner_users', {
        id,
        user_name: input.userName,
        display_name: input.displayName ?? input.userName,
        role: input.role,
        password_hash: passwordHash,
        locale: input.locale ?? null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const user = toPartnerUser(row);
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'partner_user',
        resourceId: id,
        operationType: 'create_partner_user',
        after: { userName: user.userName, role: user.role },
        event: 'partnerUser.created',
      },
      now,
    );
    return user;
  });
}

export async function listPartnerUsers(scope: PartnerScope, ctx: RequestContext): Promise<PartnerUser[]> {
  requirePermission(ctx.actor.role, 'partnerUsers.manage');
  const rows = await scope.selectFrom('partner_users').selectAll().orderBy('user_name').execute();
  return rows.map(toPartnerUser);
}

/** The signed-in user's own record (its display name and language for the console). */
export async function getOwnUser(scope: PartnerScope, userId: string): Promise<PartnerUser> {
  const row = await scope.selectFrom('partner_users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!row) throw new DomainError('unauthenticated', 401, 'auth.unauthenticated');
  return toPartnerUser(row);
}

export async function findPartnerUserByName(
  scope: PartnerScope,
  userName: string,
): Promise<PartnerUser | undefined> {
  const row = await scope
    .selectFrom('partner_users')
    .selectAll()
    .where('user_name', '=', userName)
    .executeTakeFirst();
  return row && toPartnerUser(row);
}

export interface IssuedToken {
  id: string;
  name: string;
  /** The token itself: shown once, never stored (only its hash is). */
  token: string;
  hint: string;
  createdAt: Date;
}

/**
 * Issues an API token for a partner user. `value` lets the operator choose it (SEATWISE_BOOTSTRAP_TOKEN);
 * otherwise a random one is made with the instance in its prefix.
 */
export async function issueApiToken(
  db: Db,
  partnerId: string,
  ctx: Ctx,
  input: { userId: string; name: string; cloud: Cloud; value?: string },
  now: Date,
): Promise<IssuedToken> {
  if ('actor' in ctx) requirePermission(ctx.actor.role, 'partnerUsers.manage');
  const token = input.value ?? newApiToken(input.cloud);
  const id = newId();
  await inTransaction(db, async (trx) => {
    const scope = new PartnerScope(trx, partnerId);
    const user = await scope
      .selectFrom('partner_users')
      .select('id')
      .where('id', '=', input.userId)
      .executeTakeFirst();
    if (!user)
      throw new DomainError('not_found', 404, 'resource.notFound', { resource: 'user', id: input.userId });
    await scope
      .insertInto('api_tokens', {
        id,
        user_id: input.userId,
        name: input.name,
        token_hash: sha256(token),
        token_hint: tokenHint(token),
        created_at: now,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    await recordChange(
      scope,
      ctx,
      {
        resourceType: 'api_token',
        resourceId: id,
        operationType: 'create_api_token',
        after: { name: input.name, userId: input.userId, hint: tokenHint(token) },
        event: 'apiToken.created',
      },
      now,
    );
  });
  return { id, name: input.name, token, hint: tokenHint(token), createdAt: now };
}
