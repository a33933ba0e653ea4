import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { DateTime, Nullable, VALIDATOR_OPTIONS } from './schemas.ts';

const Fields = Type.Object({
  name: Type.Optional(Nullable(Type.String())),
  count: Type.Optional(Nullable(Type.Integer())),
  flag: Type.Optional(Nullable(Type.Boolean())),
  when: Type.Optional(Nullable(DateTime)),
  tags: Type.Optional(Nullable(Type.Array(Type.String()))),
});

/** A route that answers the body it validated, through the same validator options and serializer as the API. */
async function echo(body: unknown) {
  const app = Fastify({ ajv: { customOptions: VALIDATOR_OPTIONS } });
  app.post('/echo', { schema: { body: Fields, response: { 200: Fields } } }, (req) => req.body);
  const res = await app.inject({ method: 'POST', url: '/echo', payload: body as Record<string, unknown> });
  await app.close();
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

describe('nullable fields', () => {
  it('R-API-1: a null sent by an SDK stays null, neither "" nor 0 nor false nor [""], and is answered as null', async () => {
    const nulls = { name: null, count: null, flag: null, when: null, tags: null };
    expect(await echo(nulls)).toEqual({ status: 200, body: nulls });
  });

  it('R-API-1: a value of the type is kept, and the validator still coerces a number sent as text', async () => {
    const values = { name: 'a', count: 3, flag: true, when: '2027-01-01T00:00:00.000Z', tags: ['x'] };
    expect(await echo(values)).toEqual({ status: 200, body: values });
    expect((await echo({ count: '4' })).body).toEqual({ count: 4 });
  });

  it('R-API-4: a value of another type is still refused', async () => {
    expect((await echo({ count: 'four' })).status).toBe(400);
    expect((await echo({ when: 'tomorrow' })).status).toBe(400);
  });
});
