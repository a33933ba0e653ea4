import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { DateTime, documentedFormats, Nullable, VALIDATOR_OPTIONS, Verbatim } from './schemas.ts';

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

describe('verbatim strings', () => {
  const Answer = Type.Object({
    id: Verbatim('uuid'),
    at: Nullable(Verbatim('date-time', { description: 'an instant' })),
    code: Verbatim(),
    free: Type.String(),
  });

  it('R-API-6: are answered as they are, beside escaped ones, and the answer is the object as JSON', async () => {
    const app = Fastify();
    const value = {
      id: '9a1f3c2e-5b7d-4e8f-a0b1-c2d3e4f5a6b7',
      at: '2027-01-01T00:00:00.000Z',
      code: 'R-SUS-2',
      free: 'a "quoted" \\ name\n',
    };
    app.get('/answer', { schema: { response: { 200: Answer } } }, () => value);
    const res = await app.inject({ method: 'GET', url: '/answer' });
    await app.close();
    expect(res.json()).toEqual(value);
    expect(res.body).toBe(JSON.stringify(value));
  });

  it('R-API-6: the OpenAPI document shows their documented format, never unsafe, and leaves the routes’ schemas as they were', () => {
    const built = { components: { schemas: { Answer } } };
    const document = documentedFormats(built);
    const properties = document.components.schemas.Answer.properties as unknown as Record<string, object>;
    expect(properties.id).toEqual({ type: 'string', format: 'uuid' });
    expect(properties.at).toEqual({
      type: 'string',
      format: 'date-time',
      description: 'an instant',
      nullable: true,
    });
    expect(properties.code).toEqual({ type: 'string' });
    expect(JSON.stringify(document)).not.toContain('unsafe');
    expect((Answer.properties.id as { format?: string }).format).toBe('unsafe');
  });
});
