import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  createCustomerUser,
  decodeUserCursor,
  deleteCustomerUser,
  encodeUserCursor,
  getCustomerUser,
  listCustomerUsers,
  listLicenses,
  listSubscribedSkus,
  updateCustomerUser,
  updateLicenses,
  type CustomerUserPatch,
} from '../../app/customer-users.ts';
import type { Seatwise } from '../../composition.ts';
import { DomainError } from '../../domain/errors.ts';
import { PartnerScope } from '../../db/scope.ts';
import {
  CustomerUser,
  CustomerUserPatchBody,
  DirectoryRole,
  License,
  LicenseUpdate,
  LicenseUpdateBody,
  NewCustomerUserBody,
  SubscribedSku,
} from '../access-schemas.ts';
import { contextOf } from '../auth.ts';
import { idempotent } from '../idempotency.ts';
import { Collection, collection, errorResponses } from '../schemas.ts';

const CustomerParams = Type.Object({ customerId: Type.String() });
const UserParams = Type.Object({ customerId: Type.String(), userId: Type.String() });

/** Partner Center's company administrator role: the one that makes a customer user an `admin` (R-ACC). */
const COMPANY_ADMINISTRATOR = { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Company Administrator' };

/** Drops the properties a PATCH did not send, so that they do not change (exactOptionalPropertyTypes). */
function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as never;
}

/**
 * Customer users and their licences (Partner Center's /customers/{id}/users, licenseupdates,
 * subscribedskus, directoryroles). Read-only on germany and absent on usgov (SPEC §6).
 */
export const customerUserRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const scopeOf = (partnerId: string) => new PartnerScope(seatwise.db, partnerId);
    const cloud = seatwise.instance.cloud;
    const deps = (db: typeof seatwise.db) => ({ db, cloud, now: seatwise.clock.now() });

    app.get(
      '/v1/customers/:customerId/users',
      {
        schema: {
          tags: ['customer users'],
          summary: "The customer's users by user principal name, a page at a time",
          params: CustomerParams,
          querystring: Type.Object({
            size: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            continuationToken: Type.Optional(Type.String()),
          }),
          response: { 200: Collection(CustomerUser), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const token =
          req.query.continuationToken ?? (req.headers['ms-continuationtoken'] as string | undefined);
        const after = token === undefined ? undefined : decodeUserCursor(token);
        if (token !== undefined && !after) {
          throw new DomainError(
            'invalid_input',
            2000,
            'request.invalid',
            { detail: 'continuationToken is not valid' },
            [{ field: 'continuationToken' }],
          );
        }
        const page = await listCustomerUsers(
          scopeOf(ctx.actor.partnerId),
          ctx,
          cloud,
          req.params.customerId,
          {
            size: req.query.size,
            after,
          },
        );
        const next = page.next && encodeUserCursor(page.next);
        const body = collection(
          page.items,
          page.totalCount,
          req.url,
          next
            ? `/v1/customers/${req.params.customerId}/users?size=${req.query.size}&continuationToken=${next}`
            : undefined,
        );
        return next ? { ...body, continuationToken: next } : body;
      },
    );

    app.post(
      '/v1/customers/:customerId/users',
      {
        schema: {
          tags: ['customer users'],
          summary: "Create a customer user (name@the customer's domain), role user unless admin is asked",
          params: CustomerParams,
          body: NewCustomerUserBody,
          response: { 201: CustomerUser, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const { userPrincipalName, displayName, firstName, lastName, usageLocation, role } = req.body;
        return idempotent(seatwise, req, reply, async (db) => {
          const user = await createCustomerUser(deps(db), ctx, ctx.actor.partnerId, req.params.customerId, {
            userPrincipalName,
            displayName,
            ...defined({ firstName, lastName, usageLocation, role }),
          });
          void reply.header('Location', user.links.self.uri);
          return { status: 201, body: user };
        });
      },
    );

    app.get(
      '/v1/customers/:customerId/users/:userId',
      {
        schema: {
          tags: ['customer users'],
          params: UserParams,
          response: { 200: CustomerUser, ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        return getCustomerUser(
          scopeOf(ctx.actor.partnerId),
          ctx,
          cloud,
          req.params.customerId,
          req.params.userId,
        );
      },
    );

    app.patch(
      '/v1/customers/:customerId/users/:userId',
      {
        schema: {
          tags: ['customer users'],
          summary:
            'Update a customer user: the fields sent change (role admin|user makes or unmakes an admin)',
          params: UserParams,
          body: CustomerUserPatchBody,
          response: { 200: CustomerUser, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const { userPrincipalName, displayName, firstName, lastName, usageLocation, role } = req.body;
        const patch: CustomerUserPatch = defined({
          userPrincipalName,
          displayName,
          firstName,
          lastName,
          usageLocation,
          role,
        });
        return idempotent(seatwise, req, reply, async (db) => ({
          status: 200,
          body: await updateCustomerUser(
            deps(db),
            ctx,
            ctx.actor.partnerId,
            req.params.customerId,
            req.params.userId,
            patch,
          ),
        }));
      },
    );

    app.delete(
      '/v1/customers/:customerId/users/:userId',
      {
        schema: {
          tags: ['customer users'],
          summary: 'Delete a customer user and free the licences they held',
          params: UserParams,
          response: { 204: Type.Null({ description: 'Deleted' }), ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        await deleteCustomerUser(
          deps(seatwise.db),
          ctx,
          ctx.actor.partnerId,
          req.params.customerId,
          req.params.userId,
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/v1/customers/:customerId/users/:userId/licenses',
      {
        schema: {
          tags: ['customer users'],
          summary: 'The licences a user holds, with the subscription each comes from',
          params: UserParams,
          response: { 200: Collection(License), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const items = await listLicenses(
          scopeOf(ctx.actor.partnerId),
          ctx,
          cloud,
          req.params.customerId,
          req.params.userId,
        );
        return collection(items, items.length, req.url);
      },
    );

    app.post(
      '/v1/customers/:customerId/users/:userId/licenseupdates',
      {
        schema: {
          tags: ['customer users'],
          summary:
            'Assign and remove licences in one change: LicensesToAssign [{SkuId, ExcludedPlans}], LicensesToRemove [SkuId]; never more assigned than a subscription’s quantity',
          params: UserParams,
          body: LicenseUpdateBody,
          response: { 201: LicenseUpdate, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const input = {
          licensesToAssign: (req.body.licensesToAssign ?? []).map((l) => ({
            skuId: l.skuId,
            ...(l.excludedPlans ? { excludedPlans: l.excludedPlans } : {}),
          })),
          licensesToRemove: req.body.licensesToRemove ?? [],
        };
        return idempotent(seatwise, req, reply, async (db) => ({
          status: 201,
          body: await updateLicenses(
            deps(db),
            ctx,
            ctx.actor.partnerId,
            req.params.customerId,
            req.params.userId,
            input,
          ),
        }));
      },
    );

    app.get(
      '/v1/customers/:customerId/users/:userId/directoryroles',
      {
        schema: {
          tags: ['customer users'],
          summary: "The user's directory roles: Company Administrator for an admin",
          params: UserParams,
          response: { 200: Collection(DirectoryRole), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const user = await getCustomerUser(
          scopeOf(ctx.actor.partnerId),
          ctx,
          cloud,
          req.params.customerId,
          req.params.userId,
        );
        const items =
          user.role === 'admin'
            ? [{ ...COMPANY_ADMINISTRATOR, attributes: { objectType: 'DirectoryRole' as const } }]
            : [];
        return collection(items, items.length, req.url);
      },
    );

    app.get(
      '/v1/customers/:customerId/subscribedskus',
      {
        schema: {
          tags: ['customer users'],
          summary:
            'Each offer the customer holds, with its seats: total, active, suspended, assigned, available',
          params: CustomerParams,
          response: { 200: Collection(SubscribedSku), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const items = await listSubscribedSkus(
          scopeOf(ctx.actor.partnerId),
          ctx,
          cloud,
          req.params.customerId,
        );
        return collection(items, items.length, req.url);
      },
    );
  };
