import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type, type TSchema } from 'typebox';
import {
  createCustomer,
  decodeCursor,
  encodeCursor,
  getBillingProfile,
  getCompanyProfile,
  getCustomer,
  listCustomers,
  listQualifications,
  qualifyCustomer,
  updateBillingProfile,
  type CustomerSearch,
} from '../../app/customers.ts';
import type { Seatwise } from '../../composition.ts';
import { expectedVersion } from '../../domain/versions.ts';
import { SEGMENTS } from '../../domain/catalog/offer.ts';
import { parseQualification, QUALIFICATIONS } from '../../domain/customer/customer-rules.ts';
import { DomainError } from '../../domain/errors.ts';
import { PartnerScope } from '../../db/scope.ts';
import { idempotent } from '../idempotency.ts';
import { contextOf } from '../auth.ts';
import { invalidField, parseFilter } from '../filter.ts';
import { Collection, collection, DateTime, errorResponses, Link, Nullable } from '../schemas.ts';

const Links = Type.Object({ self: Link });
const text = (maxLength = 256) => Type.String({ maxLength });

const addressFields = <T extends TSchema>(field: () => T) => ({
  id: Type.Optional(field()),
  region: Type.Optional(field()),
  city: Type.Optional(field()),
  state: Type.Optional(field()),
  district: Type.Optional(field()),
  addressLine1: Type.Optional(field()),
  addressLine2: Type.Optional(field()),
  addressLine3: Type.Optional(field()),
  postalCode: Type.Optional(field()),
  firstName: Type.Optional(field()),
  middleName: Type.Optional(field()),
  lastName: Type.Optional(field()),
  emailAddress: Type.Optional(field()),
  phoneNumber: Type.Optional(field()),
});

/** Partner Center's Address, as returned: every field a string, the country in ISO 3166 alpha-2. */
export const Address = Type.Object(
  { country: Type.String(), ...addressFields(() => Type.String()) },
  { $id: 'Address' },
);

export const CompanyProfile = Type.Object(
  {
    tenantId: Type.String(),
    domain: Type.String(),
    companyName: Type.String(),
    // The same shape again, without its $id (one schema may not hold two copies of an id).
    address: Type.Object({ ...Address.properties }),
    email: Type.String(),
    organizationRegistrationNumber: Type.Optional(Type.String()),
    links: Links,
    attributes: Type.Object({ objectType: Type.Literal('CustomerCompanyProfile') }),
  },
  { $id: 'CustomerCompanyProfile' },
);

export const BillingProfile = Type.Object(
  {
    id: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
    email: Type.String(),
    culture: Type.String(),
    language: Type.String(),
    companyName: Type.String(),
    defaultAddress: Address,
    links: Links,
    attributes: Type.Object({ etag: Type.String(), objectType: Type.Literal('CustomerBillingProfile') }),
  },
  { $id: 'CustomerBillingProfile' },
);

export const Customer = Type.Object(
  {
    id: Type.String(),
    commerceId: Type.String(),
    companyProfile: CompanyProfile,
    billingProfile: BillingProfile,
    relationshipToPartner: Type.String(),
    allowDelegatedAccess: Type.Boolean(),
    associatedPartnerId: Nullable(Type.String()),
    customDomains: Type.Array(Type.String()),
    segment: Type.Enum(SEGMENTS, { description: 'Seatwise: set through qualifications (R-CUS-2)' }),
    accountOpenedAt: DateTime,
    firstBillingPeriodStart: Nullable(DateTime),
    links: Links,
    attributes: Type.Object({ etag: Type.String(), objectType: Type.Literal('Customer') }),
  },
  { $id: 'Customer' },
);

export const CustomerQualification = Type.Object(
  {
    qualification: Type.Enum(QUALIFICATIONS),
    vettingStatus: Type.String(),
    vettingReason: Type.Optional(Type.String()),
    vettingCreateDate: DateTime,
  },
  { $id: 'CustomerQualification' },
);

// Request bodies arrive camelCased (case-insensitive-body.ts); enum-like values are checked for shape here
// and normalized (`EN-US` → `en-US`, `us` → `US`) by the domain.
const AddressInput = Type.Object({
  ...addressFields(() => text()),
  country: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166 alpha-2, any case' }),
});

const BillingProfileInput = Type.Object({
  firstName: Type.Optional(text()),
  lastName: Type.Optional(text()),
  email: Type.String({ format: 'email', maxLength: 256 }),
  culture: Type.String({ pattern: '^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$', description: 'e.g. en-US' }),
  language: Type.String({ pattern: '^[A-Za-z]{2,3}$', description: 'two letters, e.g. en' }),
  companyName: Type.String({ minLength: 1, maxLength: 256 }),
  defaultAddress: AddressInput,
  /** The version the client read (R-API-3), when it sends back the profile it read. */
  attributes: Type.Optional(
    Nullable(Type.Object({ etag: Type.Optional(Nullable(Type.String())) }, { additionalProperties: true })),
  ),
});

const NewCustomerBody = Type.Object({
  companyProfile: Type.Object({
    domain: Type.String({
      maxLength: 253,
      pattern: '^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}\\.?$',
      description: 'the primary domain, e.g. contoso.onmicrosoft.com; unique on the instance (R-CUS-1)',
    }),
    companyName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    organizationRegistrationNumber: Type.Optional(text(64)),
  }),
  billingProfile: BillingProfileInput,
  qualifications: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      maxItems: 5,
      description:
        'Seatwise extension: qualifications to give the customer as it is created (R-CUS-2); one refused, nothing is created',
    }),
  ),
});

const CustomerParams = Type.Object({ customerId: Type.String() });

const withEtag = (reply: FastifyReply, etag: string) => reply.header('ETag', `"${etag}"`);

/**
 * Partner Center's `filter` query parameter for customers: a JSON object such as
 * `{"Field":"CompanyName","Value":"con","Operator":"starts_with"}` (keys and values in any case).
 */
export function parseCustomerFilter(filter: string): CustomerSearch {
  const { field, operator, value } = parseFilter(filter);
  if (field !== 'companyname' && field !== 'domain')
    throw invalidField('filter.Field', 'filter.Field must be CompanyName or Domain');
  if (operator !== 'startswith') throw invalidField('filter.Operator', 'filter.Operator must be starts_with');
  if (typeof value !== 'string' || value.length > 256)
    throw invalidField('filter.Value', 'filter.Value must be a string of at most 256 characters');
  return { prefix: value, field: field === 'domain' ? 'domain' : 'companyName' };
}

const sameSearch = (a: CustomerSearch | undefined, b: CustomerSearch | undefined) =>
  (a?.prefix ?? '') === (b?.prefix ?? '') && (a?.field ?? 'any') === (b?.field ?? 'any');

/** Partner Center's customer resources (R-API-1): create, read, list and search, profiles, qualifications. */
export const customerRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const scopeOf = (partnerId: string) => new PartnerScope(seatwise.db, partnerId);
    const where = () => ({ cloud: seatwise.instance.cloud, now: seatwise.clock.now() });

    app.get(
      '/v1/customers',
      {
        schema: {
          tags: ['customers'],
          summary: "The partner's customers, by company name, optionally searched by name or domain prefix",
          querystring: Type.Object({
            size: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            continuationToken: Type.Optional(Type.String()),
            search: Type.Optional(
              Type.String({
                maxLength: 256,
                description: 'prefix of the company name or of the domain, any case',
              }),
            ),
            filter: Type.Optional(
              Type.String({
                maxLength: 1024,
                description:
                  'Partner Center\'s filter: {"Field":"CompanyName"|"Domain","Value":"con","Operator":"starts_with"}',
              }),
            ),
            seekOperation: Type.Optional(Type.String({ description: 'Partner Center paging; "Next"' })),
          }),
          response: { 200: Collection(Customer), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        const { size, search, filter } = req.query;
        if (search !== undefined && filter !== undefined)
          throw invalidField('filter', 'send search or filter, not both');
        const token =
          req.query.continuationToken ?? (req.headers['ms-continuationtoken'] as string | undefined);
        const after = token === undefined ? undefined : decodeCursor(token);
        if (token !== undefined && !after)
          throw invalidField('continuationToken', 'continuationToken is not valid');
        const asked: CustomerSearch | undefined =
          filter !== undefined
            ? parseCustomerFilter(filter)
            : search !== undefined
              ? { prefix: search, field: 'any' }
              : undefined;
        if (after && asked && !sameSearch(after.search, asked))
          throw invalidField('continuationToken', 'continuationToken belongs to another search');
        const page = await listCustomers(scopeOf(ctx.actor.partnerId), ctx, {
          size,
          after,
          search: asked ?? after?.search,
        });
        const next = page.next && encodeCursor(page.next);
        const body = collection(
          page.items,
          page.totalCount,
          req.url,
          next ? `/v1/customers?size=${size}&continuationToken=${next}` : undefined,
        );
        return next ? { ...body, continuationToken: next } : body;
      },
    );

    app.post(
      '/v1/customers',
      {
        schema: {
          tags: ['customers'],
          summary: 'Create a customer (R-CUS-1, SPEC §6)',
          body: NewCustomerBody,
          response: { 201: Customer, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const { companyProfile, billingProfile } = req.body;
        const qualifications = (req.body.qualifications ?? []).map((value, i) => {
          const qualification = parseQualification(value);
          if (qualification) return qualification;
          throw new DomainError(
            'invalid_input',
            2000,
            'customer.unknownQualification',
            { value, allowed: QUALIFICATIONS.join(', ') },
            [{ field: `qualifications.${i}`, allowed: QUALIFICATIONS }],
          );
        });
        return idempotent(seatwise, req, reply, async (db) => {
          const customer = await createCustomer(
            db,
            ctx.actor.partnerId,
            ctx,
            {
              companyProfile: {
                domain: companyProfile.domain,
                ...(companyProfile.companyName === undefined
                  ? {}
                  : { companyName: companyProfile.companyName }),
                ...(companyProfile.organizationRegistrationNumber === undefined
                  ? {}
                  : { organizationRegistrationNumber: companyProfile.organizationRegistrationNumber }),
              },
              billingProfile,
              ...(qualifications.length ? { qualifications } : {}),
            },
            where(),
          );
          void reply.header('Location', `/v1/customers/${customer.id}`);
          withEtag(reply, customer.attributes.etag);
          return { status: 201, body: customer };
        });
      },
    );

    app.get(
      '/v1/customers/:customerId',
      {
        schema: {
          tags: ['customers'],
          summary: 'One customer (404 for any id that is not this partner’s, R-ROLE-ISO)',
          params: CustomerParams,
          response: { 200: Customer, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const customer = await getCustomer(scopeOf(ctx.actor.partnerId), ctx, req.params.customerId);
        return withEtag(reply, customer.attributes.etag).send(customer);
      },
    );

    app.get(
      '/v1/customers/:customerId/profiles/company',
      {
        schema: {
          tags: ['customers'],
          summary: "The customer's company profile",
          params: CustomerParams,
          response: { 200: CompanyProfile, ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        return getCompanyProfile(scopeOf(ctx.actor.partnerId), ctx, req.params.customerId);
      },
    );

    app.get(
      '/v1/customers/:customerId/profiles/billing',
      {
        schema: {
          tags: ['customers'],
          summary: "The customer's billing profile; its etag is what PUT's If-Match takes",
          params: CustomerParams,
          response: { 200: BillingProfile, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const profile = await getBillingProfile(scopeOf(ctx.actor.partnerId), ctx, req.params.customerId);
        return withEtag(reply, profile.attributes.etag).send(profile);
      },
    );

    app.put(
      '/v1/customers/:customerId/profiles/billing',
      {
        schema: {
          tags: ['customers'],
          summary:
            "Replace the customer's billing profile; its version from If-Match (stale: 412/2055), else from attributes.etag (stale: 400/2055), else none (R-API-3)",
          params: CustomerParams,
          headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
          body: BillingProfileInput,
          response: { 200: BillingProfile, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const profile = await updateBillingProfile(
          seatwise.db,
          ctx.actor.partnerId,
          ctx,
          req.params.customerId,
          req.body,
          { ...where(), ifMatch: expectedVersion(req.headers['if-match'], req.body.attributes?.etag) },
        );
        return withEtag(reply, profile.attributes.etag).send(profile);
      },
    );

    app.get(
      '/v1/customers/:customerId/qualifications',
      {
        schema: {
          tags: ['customers'],
          summary: "The customer's qualifications (R-CUS-2)",
          params: CustomerParams,
          response: { 200: Type.Array(CustomerQualification), ...errorResponses },
        },
      },
      async (req) => {
        const ctx = contextOf(req);
        return listQualifications(scopeOf(ctx.actor.partnerId), ctx, req.params.customerId);
      },
    );

    app.post(
      '/v1/customers/:customerId/qualifications',
      {
        schema: {
          tags: ['customers'],
          summary:
            'Add a qualification: Education, GovernmentCommunityCloud or StateOwnedEntity (R-CUS-2); 200 if the customer already has it',
          params: CustomerParams,
          querystring: Type.Object({
            code: Type.Optional(
              Type.String({ description: "Partner Center's GCC validation code (accepted, not checked)" }),
            ),
          }),
          body: Type.Object({ qualification: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: { 200: CustomerQualification, 201: CustomerQualification, ...errorResponses },
        },
      },
      async (req, reply) => {
        const ctx = contextOf(req);
        const qualification = parseQualification(req.body.qualification);
        if (!qualification) {
          throw new DomainError(
            'invalid_input',
            2000,
            'customer.unknownQualification',
            { value: req.body.qualification, allowed: QUALIFICATIONS.join(', ') },
            [{ field: 'qualification', allowed: QUALIFICATIONS }],
          );
        }
        return idempotent(seatwise, req, reply, async (db) => {
          const { record, changed } = await qualifyCustomer(
            db,
            ctx.actor.partnerId,
            ctx,
            req.params.customerId,
            qualification,
            where(),
          );
          return { status: changed ? 201 : 200, body: record };
        });
      },
    );
  };
