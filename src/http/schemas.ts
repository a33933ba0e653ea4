import { Type, type Static, type TSchema } from 'typebox';
import { link } from '../app/links.ts';

/**
 * How Fastify's validator reads requests: a query's `?size=10` is coerced to the schema's integer (and a single
 * value to an array), every problem is reported, and no property is silently dropped.
 */
export const VALIDATOR_OPTIONS = { coerceTypes: 'array', removeAdditional: false, allErrors: true } as const;

/**
 * A value or null, as OpenAPI's `nullable`, and the one way a schema here says so. Not a union with null: with
 * type coercion on, the validator tries a union's branches in turn and coerces on the way, so a `null` sent
 * for a string became `""` (an SDK's `"SuspensionReasons": null` was read as a reason `""`), and the
 * serializer ran a validator on every nullable field of every answer to pick its branch. With `nullable`, a
 * value that is null or of the type is left as it is, and the serializer only compares with null.
 */
export const Nullable = <T extends TSchema>(t: T) => Type.Unsafe<Static<T> | null>({ ...t, nullable: true });

/** An amount of money in minor units (cents), described. */
export const Minor = (description: string) =>
  Type.Integer({ description: `${description}, in minor units (cents)` });

/** An instant, in ISO 8601 with its offset. */
export const DateTime = Type.String({ format: 'date-time' });

/** Partner Center's error body (R-API-4). */
export const ErrorBody = Type.Object(
  {
    code: Type.Integer({ description: "Partner Center's error code where one exists, else the HTTP status" }),
    description: Type.String({ maxLength: 1024 }),
    data: Type.Array(Type.Unknown()),
    source: Type.String(),
  },
  { $id: 'Error' },
);

export const Link = Type.Object({
  uri: Type.String(),
  method: Type.String(),
  headers: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
});

export const ResourceAttributes = (objectType: string) =>
  Type.Object({ etag: Type.Optional(Type.String()), objectType: Type.Literal(objectType) });

/** A Partner Center collection: `{ totalCount, items, links, attributes }`. */
export const Collection = <T extends TSchema>(item: T) =>
  Type.Object({
    totalCount: Type.Integer(),
    items: Type.Array(item),
    links: Type.Object({ self: Link, next: Type.Optional(Link) }),
    attributes: Type.Object({ objectType: Type.Literal('Collection') }),
    continuationToken: Type.Optional(Type.String()),
  });

/** The error responses every authenticated route may give. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  412: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
} as const;

export { link };

export function collection<T>(items: T[], totalCount: number, self: string, next?: string) {
  return {
    totalCount,
    items,
    links: { self: link(self), ...(next ? { next: link(next) } : {}) },
    attributes: { objectType: 'Collection' as const },
  };
}
