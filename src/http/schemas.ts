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

/** Where a `Verbatim` string keeps the format its OpenAPI description shows. */
const DOCUMENTED_FORMAT = 'x-documented-format';

/**
 * A string that only the server writes and that holds no character JSON escapes: a UUID read from a uuid
 * column, an instant from `toISOString`, a code of the domain (a reason, a rule, a role the database
 * constrains). The answer's serializer writes it between quotes as it is (fast-json-stringify's `unsafe`
 * format) instead of checking it a character at a time. That check is one function shared by every route,
 * and once a server's traffic has passed it strings of five kinds, V8 looks up each of its property reads in a
 * slow shared cache: docs/benchmarks.md counted access decisions 7 % dearer after other requests than on a
 * server that answered nothing else. The OpenAPI document shows `documented` as the format, or none. Never
 * for a value a request or an import supplied: an unescaped quote in it would change the answer's JSON.
 */
export const Verbatim = (documented?: 'uuid' | 'date-time', options: { description?: string } = {}) =>
  Type.String({ ...options, format: 'unsafe', ...(documented ? { [DOCUMENTED_FORMAT]: documented } : {}) });

/**
 * The OpenAPI document as clients read it: a `Verbatim` string shows its documented format, not `unsafe`. A
 * copy: the document shares its schema objects with the routes.
 */
export function documentedFormats<T>(built: T): T {
  const document = structuredClone(built);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Record<string, unknown>;
    if (schema.format === 'unsafe') {
      if (typeof schema[DOCUMENTED_FORMAT] === 'string') schema.format = schema[DOCUMENTED_FORMAT];
      else delete schema.format;
      delete schema[DOCUMENTED_FORMAT];
    }
    for (const value of Object.values(schema)) visit(value);
  };
  visit(document);
  return document;
}

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
