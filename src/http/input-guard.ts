import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { storableText } from '../domain/text.ts';
import { invalidField } from './filter.ts';
import { sendDomainError } from './errors.ts';

/**
 * Request bodies nest a few levels (an order's line items, a billing profile's address); anything much deeper
 * is hostile, and a recursive walk over it (the case-insensitive body, a schema) could exhaust the stack.
 */
export const MAX_BODY_DEPTH = 32;

// Node itself refuses these in a header value it sends or receives over HTTP (only tab and visible latin1 pass).
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

type Problem = { field: string; detail: string };

/** What `problemIn` found, with the keys that lead to it, innermost first. */
type Found = { kind: 'text' | 'key' | 'number' | 'depth'; keys: string[] };

/**
 * The first string, property name or number in `value` that cannot be stored or used. It recurses, but never
 * deeper than MAX_BODY_DEPTH (a value nested deeper is the problem), so a hostile body cannot exhaust the
 * stack. A value without a problem allocates nothing: every request's body, query and path pass here twice.
 */
function problemIn(value: unknown, depth: number): Found | undefined {
  if (typeof value === 'string') return storableText(value) ? undefined : { kind: 'text', keys: [] };
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { kind: 'number', keys: [] };
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_BODY_DEPTH) return { kind: 'depth', keys: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = problemIn(value[i], depth + 1);
      if (found) return (found.keys.push(String(i)), found);
    }
    return undefined;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    if (!storableText(key)) return { kind: 'key', keys: [] };
    const found = problemIn(object[key], depth + 1);
    if (found) return (found.keys.push(key), found);
  }
  return undefined;
}

const WHY: Record<Found['kind'], string> = {
  text: 'must not contain NUL characters or unpaired surrogates',
  number: 'must be a finite number',
  depth: `nests deeper than ${MAX_BODY_DEPTH} levels`,
  key: 'has a property name with NUL characters or unpaired surrogates',
};

/**
 * The first string, key or number in a parsed value that cannot be stored or used, named by its path: NUL or
 * lone surrogates in a string or a property name, a number that is not finite (`1e309` parses as Infinity),
 * or nesting deeper than MAX_BODY_DEPTH.
 */
export function findProblem(root: unknown, rootName: string): Problem | undefined {
  const found = problemIn(root, 0);
  if (!found) return undefined;
  const path = [rootName, ...found.keys.reverse()].join('.');
  return { field: path, detail: `${path} ${WHY[found.kind]}` };
}

const refuse = (req: FastifyRequest, reply: FastifyReply, problem: Problem): void => {
  void sendDomainError(req, reply, invalidField(problem.field, problem.detail));
};

/**
 * One guard for every route, so that no input reaches PostgreSQL (or Node's header writer) in a form it
 * refuses with an error that would be a 500: a 400 that names the field instead (R-API-4).
 *
 * - headers, on arrival: only what HTTP itself allows in a header value (a NUL cannot be echoed back);
 * - path, query and body, before validation: no NUL, no unpaired surrogate, no absurd nesting;
 * - the same after validation, which coerces `?size=1e309` to Infinity: every number finite.
 *
 * Install it before any hook that reads the body (the case-insensitive body walks it recursively).
 */
export function installInputGuard(app: FastifyInstance) {
  app.addHook('onRequest', (req, reply, done) => {
    // Names and values alternate, as received (a repeated header is checked in each of its lines).
    const raw = req.raw.rawHeaders;
    for (let i = 1; i < raw.length; i += 2) {
      if (BAD_HEADER_VALUE.test(raw[i] ?? '')) {
        const name = (raw[i - 1] ?? '').toLowerCase();
        refuse(req, reply, {
          field: `headers.${name}`,
          detail: `header ${name} must hold only visible characters`,
        });
        return;
      }
    }
    done();
  });
  const check = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const problem =
      findProblem(req.params, 'params') ??
      findProblem(req.query, 'querystring') ??
      findProblem(req.body, 'body');
    if (problem) refuse(req, reply, problem);
    else done();
  };
  app.addHook('preValidation', check);
  app.addHook('preHandler', check);
}
