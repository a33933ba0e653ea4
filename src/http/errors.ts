import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, statusOf } from '../domain/errors.ts';
import { formatMessage, pickLocale } from '../domain/messages/index.ts';
import { invalidField } from './filter.ts';

/** Details that carry their own message (an order's failing lines) get it localized like the description. */
function localizeDetail(item: unknown, locale: ReturnType<typeof pickLocale>): unknown {
  if (item === null || typeof item !== 'object' || !('messageKey' in item)) return item;
  const { messageKey, params, ...rest } = item as {
    messageKey: string;
    params?: Record<string, string | number>;
  };
  return { ...rest, description: formatMessage(messageKey, params ?? {}, locale) };
}

export function errorBody(e: DomainError, locale: string | undefined) {
  const picked = pickLocale(locale);
  return {
    code: e.code,
    description: formatMessage(e.messageKey, e.params, picked).slice(0, 1024),
    data: e.data.map((d) => localizeDetail(d, picked)),
    source: 'Seatwise',
  };
}

export function sendDomainError(req: FastifyRequest, reply: FastifyReply, e: DomainError) {
  return reply.status(statusOf(e)).send(errorBody(e, localeOf(req)));
}

export const localeOf = (req: FastifyRequest): string | undefined => {
  const h = req.headers['x-locale'] ?? req.headers['accept-language'];
  return Array.isArray(h) ? h[0] : h;
};

/** Turns Fastify's schema errors into one sentence that names each bad field (R-API-4). */
function describeValidation(error: FastifyError): { detail: string; fields: unknown[] } {
  const issues = error.validation ?? [];
  const fields = issues.map((v) => {
    const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
    const field = [error.validationContext, path, missing].filter(Boolean).join('.');
    return { field, problem: v.message ?? 'is not valid' };
  });
  const detail = fields.map((f) => `${f.field} ${f.problem}`).join('; ') || error.message;
  return { detail, fields };
}

/**
 * PostgreSQL's classes for a value it will not take: 22 (data exception: out of range, bad encoding, bad
 * uuid or date text) and 54000 (a value too long for an index). Input checks at the edge should stop every such
 * value with a 400 naming its field; this is the backstop, so that one they miss is still the caller's 400, not
 * a 500, and says nothing of the database.
 */
export const isRefusedValue = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  const severity = (error as { severity?: unknown } | null)?.severity;
  return (
    typeof code === 'string' &&
    typeof severity === 'string' &&
    (/^22[0-9A-Z]{3}$/.test(code) || code === '54000')
  );
};

/**
 * The one error handler: domain errors become Partner Center error bodies with their status; malformed
 * input a 400 naming the field; anything else a 500 that shows no detail, only a correlation id to quote.
 */
export function installErrorHandler(
  app: FastifyInstance,
  /** Answers a not-found request itself when it can (the console's page for its own routes). */
  fallback: () => ((req: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined) | undefined = () =>
    undefined,
) {
  app.setErrorHandler((error: FastifyError | DomainError | Error, req, reply) => {
    if (error instanceof DomainError) return sendDomainError(req, reply, error);
    const fe = error as FastifyError;
    if (fe.validation) {
      const { detail, fields } = describeValidation(fe);
      return sendDomainError(
        req,
        reply,
        new DomainError('invalid_input', 2000, 'request.invalid', { detail }, fields),
      );
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      // Fastify's own client errors: unparsable JSON, body too large, wrong content type.
      const e = new DomainError(
        'invalid_input',
        fe.statusCode === 400 ? 2000 : fe.statusCode,
        'request.invalid',
        {
          detail: fe.message,
        },
      );
      return reply.status(fe.statusCode).send(errorBody(e, localeOf(req)));
    }
    if (isRefusedValue(error)) {
      // Worth a look (an input check is missing), but the caller's mistake: no 500, no database detail.
      req.log.warn({ err: error, correlationId: req.correlationId }, 'value refused by the database');
      return sendDomainError(
        req,
        reply,
        invalidField('request', 'a value in the request is out of range or not in a form that can be stored'),
      );
    }
    req.log.error({ err: error, correlationId: req.correlationId }, 'unhandled error');
    const e = new DomainError('unavailable', 500, 'server.error', { correlationId: req.correlationId });
    return reply.status(500).send(errorBody(e, localeOf(req)));
  });

  app.setNotFoundHandler(
    (req, reply) =>
      fallback()?.(req, reply) ??
      sendDomainError(
        req,
        reply,
        new DomainError('not_found', 404, 'request.routeNotFound', {
          method: req.method,
          path: req.url.split('?')[0] ?? '',
        }),
      ),
  );
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route or hook runs (a path that is not valid
 * percent-encoding, a path parameter over the length limit) gets the Partner Center error body like any other
 * client error, not Fastify's own.
 */
export function frameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path segment is too long'
      : 'the path is not valid percent-encoded UTF-8';
  const e = new DomainError('invalid_input', status === 400 ? 2000 : status, 'request.invalid', { detail }, [
    { field: 'path', problem: detail },
  ]);
  return reply.status(status).send(errorBody(e, localeOf(req)));
}

/**
 * Node's `clientError`: a request that is not valid HTTP (a control character in a header, headers too large)
 * never reaches Fastify; it gets the same error body, written to the socket, and the connection closes.
 */
export function clientError(error: Error & { code?: string }, socket: Duplex) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const e = new DomainError('invalid_input', status === 400 ? 2000 : status, 'request.invalid', {
    detail: status === 408 ? 'the request took too long to arrive' : 'the request is not valid HTTP',
  });
  const body = JSON.stringify(errorBody(e, undefined));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}
