import { Type, type TSchema } from 'typebox';
import { link } from '../app/links.ts';

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
