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

/**
 * Walks a parsed value without recursion (a hostile body may nest deeper than the stack) and returns the first
 * string, key or number that cannot be stored or used: NUL or lone surrogates in a string or a property name,
 * a number that is not finite (`1e309` parses as Infinity), or nesting deeper than MAX_BODY_DEPTH.
 */
export function findProblem(root: unknown, rootName: string): Problem | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: root, path: rootName, depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (!storableText(value))
        return { field: path, detail: `${path} must not contain NUL characters or unpaired surrogates` };
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { field: path, detail: `${path} must be a finite number` };
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_BODY_DEPTH)
        return { field: path, detail: `${path} nests deeper than ${MAX_BODY_DEPTH} levels` };
      for (const [key, child] of Object.entries(value)) {
        const childPath = `${path}.${key}`;
        if (!storableText(key))
          return {
            field: path,
            detail: `${path} has a property name with NUL characters or unpaired surrogates`,
          };
        stack.push({ value: child, path: childPath, depth: depth + 1 });
      }
    }
  }
  return undefined;
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
    for (const [name, value] of Object.entries(req.headers)) {
      const values = Array.isArray(value) ? value : [value ?? ''];
      if (values.some((v) => BAD_HEADER_VALUE.test(v))) {
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
