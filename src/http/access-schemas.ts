import { Type } from 'typebox';
import { DateTime, Link, Nullable, Verbatim } from './schemas.ts';

const text = (maxLength = 256) => Type.String({ maxLength });

/** Partner Center's CustomerUser, plus Seatwise's `role` (admin: holds the company administrator role). */
export const CustomerUser = Type.Object(
  {
    id: Type.String(),
    userPrincipalName: Type.String(),
    firstName: Type.Optional(Type.String()),
    lastName: Type.Optional(Type.String()),
    displayName: Type.String(),
    usageLocation: Type.Optional(Type.String()),
    role: Type.Union([Type.Literal('admin'), Type.Literal('user')]),
    state: Type.Literal('active'),
    creationDate: DateTime,
    lastModifiedDate: DateTime,
    links: Type.Object({ self: Link, licenses: Link }),
    attributes: Type.Object({ etag: Type.String(), objectType: Type.Literal('CustomerUser') }),
  },
  { $id: 'CustomerUser' },
);

const userFields = {
  firstName: Type.Optional(text(64)),
  lastName: Type.Optional(text(64)),
  usageLocation: Type.Optional(Type.String({ maxLength: 2, description: 'ISO 3166 alpha-2' })),
  role: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'admin or user (default user); "Company Administrator" = admin',
    }),
  ),
  passwordProfile: Type.Optional(
    Type.Object(
      { password: Type.Optional(text()), forceChangePassword: Type.Optional(Type.Boolean()) },
      {
        description:
          'accepted for Partner Center clients; Seatwise signs no customer user in and keeps no password',
      },
    ),
  ),
};

export const NewCustomerUserBody = Type.Object({
  userPrincipalName: Type.String({ minLength: 3, maxLength: 320, description: "name@the customer's domain" }),
  displayName: Type.String({ minLength: 1, maxLength: 256 }),
  ...userFields,
});

/** Partner Center PATCHes the user resource as read; the fields below are the ones that change. */
export const CustomerUserPatchBody = Type.Object({
  userPrincipalName: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  ...userFields,
});

export const License = Type.Object(
  {
    productSku: Type.Object({
      id: Type.String({ description: 'the offer id (Seatwise maps Partner Center product SKUs to offers)' }),
      name: Type.String(),
      skuPartNumber: Type.String(),
      targetType: Type.Literal('User'),
    }),
    servicePlans: Type.Array(
      Type.Object({
        serviceName: Type.String(),
        displayName: Type.String(),
        capabilityStatus: Type.Union([Type.Literal('Enabled'), Type.Literal('Excluded')]),
        targetType: Type.Literal('User'),
      }),
    ),
    subscriptionId: Type.String(),
    subscriptionStatus: Type.String(),
    assignedAt: DateTime,
    attributes: Type.Object({ objectType: Type.Literal('License') }),
  },
  { $id: 'License' },
);

export const LicenseUpdateBody = Type.Object({
  licensesToAssign: Type.Optional(
    Type.Array(
      Type.Object({
        skuId: Type.String({
          minLength: 1,
          maxLength: 64,
          description: "an offer id (a seat from the customer's subscriptions of it), or a subscription id",
        }),
        excludedPlans: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
      }),
      { maxItems: 50 },
    ),
  ),
  licensesToRemove: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
});

export const LicenseUpdate = Type.Object(
  {
    licensesToAssign: Type.Array(
      Type.Object({
        skuId: Type.String(),
        excludedPlans: Type.Array(Type.String()),
        subscriptionId: Type.String(),
      }),
    ),
    licensesToRemove: Type.Array(
      Type.Object({ skuId: Type.String(), subscriptionIds: Type.Array(Type.String()) }),
    ),
    licenseWarnings: Type.Array(
      Type.Object({ code: Type.String(), message: Type.String(), servicePlans: Type.Array(Type.String()) }),
    ),
    attributes: Type.Object({ objectType: Type.Literal('LicenseUpdate') }),
  },
  { $id: 'LicenseUpdate' },
);

export const SubscribedSku = Type.Object(
  {
    productSku: Type.Object({
      id: Type.String(),
      name: Type.String(),
      skuPartNumber: Type.String(),
      targetType: Type.Literal('User'),
    }),
    servicePlans: Type.Array(
      Type.Object({
        serviceName: Type.String(),
        displayName: Type.String(),
        targetType: Type.Literal('User'),
      }),
    ),
    capabilityStatus: Type.String(),
    totalUnits: Type.Integer(),
    activeUnits: Type.Integer(),
    suspendedUnits: Type.Integer(),
    warningUnits: Type.Integer(),
    consumedUnits: Type.Integer(),
    availableUnits: Type.Integer(),
    subscriptionIds: Type.Array(Type.String()),
    attributes: Type.Object({ objectType: Type.Literal('SubscribedSku') }),
  },
  { $id: 'SubscribedSku' },
);

export const DirectoryRole = Type.Object({
  id: Type.String(),
  name: Type.String(),
  attributes: Type.Object({ objectType: Type.Literal('DirectoryRole') }),
});

export const AccessQuestion = Type.Object({
  tenantId: Type.String({ maxLength: 64, description: "the customer's id (its tenant id)" }),
  userId: Type.Optional(Type.String({ maxLength: 64 })),
  userPrincipalName: Type.Optional(Type.String({ maxLength: 320 })),
  servicePlan: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'e.g. mail; without it, service and data are about any service',
    }),
  ),
});

const AccessAnswer = Type.Object({
  allowed: Type.Boolean(),
  subscriptionId: Nullable(Verbatim('uuid')),
  offerId: Nullable(Type.String()),
  reason: Verbatim(undefined, {
    description:
      'the deciding subscription state (active, expired, suspended, disabled, trialExpired, cancelled, purged, pending) or noLicence, noSubscription, unknownUser, unknownTenant',
  }),
  rule: Verbatim(undefined, {
    description: 'the SPEC rule that decided: R-ACC, R-SUS-2, R-CAN-1, R-REN-2, R-TRI-4, R-RET-2',
  }),
  until: Nullable(
    Verbatim('date-time', {
      description:
        "when an allowed answer ends by itself (null: it does not, or refused): a trial's last day, the end of the 30 days after expiry, or for an admin's sign-in and data the subscription's dataRetentionEndDate",
    }),
  ),
  suspensionReasons: Type.Array(Type.String(), {
    description:
      'why the deciding subscription is suspended, as the partner gave it (R-SUS-1: customerRequest, nonPayment, fraud, other; unspecified when none was sent); empty unless reason is suspended',
  }),
});

export const AccessDecision = Type.Object(
  {
    tenantId: Type.String(),
    userId: Nullable(Type.String()),
    userPrincipalName: Nullable(Type.String()),
    role: Nullable(Verbatim()),
    servicePlan: Nullable(Type.String()),
    decidedAt: Verbatim('date-time'),
    signIn: AccessAnswer,
    service: AccessAnswer,
    data: AccessAnswer,
    attributes: Type.Object({ objectType: Type.Literal('AccessDecision') }),
  },
  { $id: 'AccessDecision' },
);

export const AccessBatchBody = Type.Object({
  requests: Type.Array(AccessQuestion, { minItems: 1, maxItems: 1000 }),
});
