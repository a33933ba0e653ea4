import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { afterEach, expect } from 'vitest';
import { newCustomer } from '../support/factories.ts';
import { BOOTSTRAP_TOKEN, newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

/**
 * What the client families of Partner Center put on the wire, sent to a listening Seatwise over real HTTP with
 * exactly the headers each family sends (node:http adds only Host, Content-Length and Connection), so that
 * nothing a test framework or fetch adds can make a request pass that a real client's would not.
 */

/** Partner Center's recordings, read where they are kept: beside the repository, never copied into it. */
export const RECORDINGS = join(
  resolve(import.meta.dirname, '..', '..'),
  '..',
  'shared',
  'reference',
  'partner-center-recordings',
);

/** A recording's JSON (some files start with a byte-order mark, as served). */
export const recording = <T = unknown>(file: string): T =>
  JSON.parse(readFileSync(join(RECORDINGS, file), 'utf8').replace(/^\uFEFF/, '')) as T;

/** The body of the first exchange of a session recording (`[{ RequestUri, ResponseBody, … }]`). */
export const recordedResponse = <T = unknown>(file: string): T =>
  JSON.parse(recording<{ ResponseBody: string }[]>(file)[0]?.ResponseBody ?? 'null') as T;

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body's bytes exactly as served. */
  raw: Buffer;
  json<T = unknown>(): T;
}

export interface Wire {
  t: TestSeatwise;
  port: number;
  /** The bootstrap GlobalAdmin's `Authorization` header. */
  authorization: string;
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string | Buffer,
  ): Promise<WireResponse>;
  close(): Promise<void>;
}

/** A Seatwise listening on 127.0.0.1 (a free port), with the demo catalog. */
export async function listeningSeatwise(env: Record<string, string> = {}): Promise<Wire> {
  const t = await newSeatwise(env);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const send: Wire['send'] = (method, path, headers, body) =>
    new Promise((done, fail) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          done({
            status: res.statusCode ?? 0,
            headers: res.headers,
            raw,
            json: <T>() => JSON.parse(raw.toString('utf8')) as T,
          });
        });
        res.on('error', fail);
      });
      req.on('error', fail);
      if (body !== undefined) req.write(body);
      req.end();
    });
  return { t, port, authorization: `Bearer ${BOOTSTRAP_TOKEN}`, send, close: () => t.close() };
}

/** A listening Seatwise for each test that starts one (`await wire.start()`), closed after the test. */
export interface WirePerTest extends Wire {
  start(env?: Record<string, string>): Promise<void>;
}

export function wirePerTest(): WirePerTest {
  let current: Wire | undefined;
  const now = (): Wire => {
    if (!current) throw new Error('the test has not started its Seatwise (await wire.start())');
    return current;
  };
  const close = async () => {
    await current?.close();
    current = undefined;
  };
  afterEach(close);
  return {
    start: async (env = {}) => {
      current = await listeningSeatwise(env);
    },
    get t() {
      return now().t;
    },
    get port() {
      return now().port;
    },
    get authorization() {
      return now().authorization;
    },
    send: (method, path, headers, body) => now().send(method, path, headers, body),
    close,
  };
}

/** A subscription read as a client family reads it, with its headers: the answer, checked to be a 200. */
export async function readSubscription(
  wire: Wire,
  headers: Record<string, string>,
  customerId: string,
  id: string,
): Promise<WireResponse> {
  const res = await wire.send('GET', `/v1/customers/${customerId}/subscriptions/${id}`, headers);
  expect(res.status, res.raw.toString()).toBe(200);
  return res;
}

/** A subscription as Seatwise serves it (the fields these tests read; the rest travels back untouched). */
export interface WireSubscription {
  id: string;
  offerId: string;
  status: string;
  quantity: number;
  friendlyName: string;
  autoRenewEnabled: boolean;
  suspensionReasons: string[];
  creationDate: string;
  effectiveStartDate: string;
  commitmentEndDate: string;
  attributes: { etag: string; objectType: string };
  [field: string]: unknown;
}

export interface ErrorBody {
  code: number;
  description: string;
  data: { field?: string; rule?: string }[];
}

/** A customer to work on, and a paid subscription bought for it through the API with the given headers. */
export async function customerWithSubscription(
  wire: Wire,
  headers: Record<string, string>,
  order: (customerId: string) => string,
): Promise<{ customerId: string; subscriptionId: string }> {
  const customerId = await newCustomer(wire.t);
  const res = await wire.send(
    'POST',
    `/v1/customers/${customerId}/orders`,
    { ...headers, 'Content-Type': 'application/json' },
    order(customerId),
  );
  expect(res.status, res.raw.toString()).toBe(201);
  const line = res.json<{ lineItems: { subscriptionId: string }[] }>().lineItems[0];
  return { customerId, subscriptionId: line?.subscriptionId ?? '' };
}

/** R-API-1: every response is JSON without a byte-order mark, and answers MS-RequestId and MS-CorrelationId. */
export function expectPartnerCenterHeaders(res: WireResponse): void {
  expect(res.raw.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
  expect(res.headers['ms-requestid']).toEqual(expect.any(String));
  expect(res.headers['ms-correlationid']).toEqual(expect.any(String));
}

/** The key tree of a JSON value: for each object key, the tree below it (arrays: the union over items). */
export type KeyTree = { [key: string]: KeyTree };

export function keyTree(values: readonly unknown[]): KeyTree {
  const tree: KeyTree = {};
  for (const value of values) {
    const items = Array.isArray(value) ? (value as unknown[]) : [value];
    for (const item of items) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      for (const [k, v] of Object.entries(item)) {
        const below = keyTree([v]);
        tree[k] = mergeTrees(tree[k] ?? {}, below);
      }
    }
  }
  return tree;
}

const mergeTrees = (a: KeyTree, b: KeyTree): KeyTree => {
  const out: KeyTree = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = mergeTrees(out[k] ?? {}, v);
  return out;
};

/** The dotted paths of `recorded` that `served` lacks (`links.offer.uri`); `[]` means served has them all. */
export function missingKeys(recorded: KeyTree, served: KeyTree, prefix = ''): string[] {
  return Object.entries(recorded).flatMap(([k, below]) =>
    served[k] === undefined ? [`${prefix}${k}`] : missingKeys(below, served[k] ?? {}, `${prefix}${k}.`),
  );
}

/** camelCase keys at any depth, as Partner Center's JSON serializer writes what the .NET SDK calls PascalCase. */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(v)]),
  );
}
