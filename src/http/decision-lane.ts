import type { FastifyInstance } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, type Histogram, type Registry } from 'prom-client';
import { Compile } from 'typebox/compile';
import { knownToken } from '../app/auth.ts';
import type { Seatwise } from '../composition.ts';
import { AccessQuestion } from './access-schemas.ts';
import type { CallerRateLimits } from './rate-limit-store.ts';
import { applyApiHeaders } from './security-headers.ts';

const PATH = '/v1/accessdecisions';
const BEARER = /^Bearer\s+(\S+)\s*$/i;
const MAX_BODY = 16 * 1024;
const FIELDS = new Set(['tenantId', 'userId', 'userPrincipalName', 'servicePlan']);
const isQuestion = Compile(AccessQuestion);
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'date'];

export interface LaneDeps {
  app: FastifyInstance;
  seatwise: Seatwise;
  rateLimits: CallerRateLimits;
  rate: { max: number; timeWindow: number };
  httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/** How the decisions the lane took up were answered: by the lane, or replayed into Fastify. */
function laneCounter(registry: Registry): Counter<'answered'> {
  const name = 'seatwise_access_lane_requests_total';
  return (
    (registry.getSingleMetric(name) as Counter<'answered'> | undefined) ??
    new Counter({
      name,
      help: 'Access decisions taken up by the decision lane, by who answered them (lane, or fastify after a replay)',
      labelNames: ['answered'],
      registers: [registry],
    })
  );
}

/**
 * The hot path of `POST /v1/accessdecisions` (issue 7: services ask many times a second). Fastify's pipeline,
 * with every convention the API has, costs about three times what the decision does; here the ordinary
 * request is answered straight from the node:http request, with the same conventions done directly: a token
 * this process knows (the token cache), the caller's rate limit (the same store as the plugin's), the body
 * checked against the route's own schema, the decision from the tenant cache, the same answer, headers and
 * request metric.
 *
 * Anything else goes to Fastify: before the body is read, by returning false (an unknown token, a session
 * cookie, a caller over its limit, an unusual body size or type); after it, by replaying the request into the
 * app (`inject`) and copying its answer (a body the schema refuses or that names fields in another case, a
 * refusal, an error). So every answer that is not the ordinary one is Fastify's own, and
 * `test/http/decision-lane.test.ts` checks that the ordinary one is the same, byte for byte.
 */
export function decisionLane(deps: LaneDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { app, seatwise, rateLimits, rate, httpDuration } = deps;
  const counted = laneCounter(seatwise.metrics);

  const viaFastify = (req: IncomingMessage, res: ServerResponse, payload: Buffer) => {
    counted.inc({ answered: 'fastify' });
    app
      .inject({
        method: 'POST',
        url: req.url ?? PATH,
        headers: req.headers,
        payload,
        remoteAddress: req.socket.remoteAddress ?? '127.0.0.1',
      })
      .then(
        (answer) => {
          const headers = { ...answer.headers };
          // Connection handling belongs to this socket, not to the replayed request.
          for (const h of HOP_BY_HOP) delete headers[h];
          res.writeHead(answer.statusCode, headers);
          res.end(answer.rawPayload);
        },
        () => {
          res.statusCode = 500;
          res.end();
        },
      );
  };

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== PATH) return false;
    const length = Number(req.headers['content-length']);
    if (!(length > 0 && length <= MAX_BODY)) return false;
    if (!req.headers['content-type']?.startsWith('application/json')) return false;
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return false;
    const started = performance.now();
    const hash = createHash('sha256').update(token).digest('hex');
    const actor = knownToken(seatwise.instance.cloud, token, seatwise.clock.now(), seatwise.tokens, hash);
    if (!actor) return false;
    const limit = rateLimits.take(hash, rate.timeWindow);
    if (limit.current > rate.max) return false; // Fastify refuses it (429), with its headers

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const payload = Buffer.concat(chunks);
      // Fastify's rate limit counts the request again when it is replayed there.
      const fallback = () => {
        rateLimits.giveBack(hash);
        viaFastify(req, res, payload);
      };
      let body: unknown;
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch {
        return fallback();
      }
      if (!isQuestion.Check(body) || Object.keys(body).some((k) => !FIELDS.has(k))) {
        return fallback();
      }
      const q = body;
      if ((q.userId === undefined) === (q.userPrincipalName === undefined)) return fallback();
      const given = req.headers['ms-correlationid'];
      const correlationId = typeof given === 'string' && given ? given.slice(0, 128) : randomUUID();
      const application = req.headers['ms-partnercenter-application'];
      let decision;
      try {
        decision = seatwise.access.decideOne(
          { actor, correlationId, applicationId: typeof application === 'string' ? application : undefined },
          q.userId === undefined
            ? { tenantId: q.tenantId, userPrincipalName: q.userPrincipalName as string, ...plan(q) }
            : { tenantId: q.tenantId, userId: q.userId, ...plan(q) },
        );
      } catch {
        return fallback();
      }
      const answer = (d: object) => {
        // The decision view has exactly the response schema's fields, in its order: plain JSON.stringify gives
        // the bytes Fastify's schema serializer gives (the lane test compares them), at a fraction of its cost
        // (the schema's nullable fields make that serializer test each one against the schema).
        const out = JSON.stringify(d);
        applyApiHeaders(req, res); // the security headers Fastify's answer carries (helmet)
        res.writeHead(200, {
          'ms-correlationid': correlationId,
          'ms-requestid': req.headers['ms-requestid'] ?? randomUUID(),
          'x-ratelimit-limit': rate.max,
          'x-ratelimit-remaining': Math.max(0, rate.max - limit.current),
          'x-ratelimit-reset': Math.ceil(limit.ttl / 1000),
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(out),
        });
        res.end(out);
        counted.inc({ answered: 'lane' });
        httpDuration.observe(
          { method: 'POST', route: PATH, status: '200' },
          (performance.now() - started) / 1000,
        );
      };
      if (decision instanceof Promise) decision.then(answer, fallback);
      else answer(decision);
    });
    return true;
  };
}

const plan = (q: { servicePlan?: string | undefined }) =>
  q.servicePlan === undefined ? {} : { servicePlan: q.servicePlan };
