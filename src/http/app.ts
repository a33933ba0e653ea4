import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Histogram } from 'prom-client';
import { DomainError } from '../domain/errors.ts';
import type { Seatwise } from '../composition.ts';
import { callerHash, installAuthentication, isPublic, markDocsPublic } from './auth.ts';
import { installCaseInsensitiveBodies } from './case-insensitive-body.ts';
import { installConsole } from './console.ts';
import { clientError, frameworkError, installErrorHandler } from './errors.ts';
import { installInputGuard } from './input-guard.ts';
import {
  API_SECURITY_HEADERS,
  applyApiHeaders,
  DOCS_CSP,
  PAGE_SECURITY_HEADERS,
} from './security-headers.ts';
import { accessRoutes } from './routes/access.ts';
import { auditRoutes } from './routes/audit.ts';
import { billingRoutes } from './routes/billing.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { customerUserRoutes } from './routes/customer-users.ts';
import { customerRoutes } from './routes/customers.ts';
import { healthRoutes } from './routes/health.ts';
import { invoiceRoutes } from './routes/invoices.ts';
import { orderRoutes } from './routes/orders.ts';
import { partnerRoutes } from './routes/partner.ts';
import { pricingRoutes } from './routes/pricing.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import { testClockRoutes } from './routes/testclock.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { documentedFormats, ErrorBody, VALIDATOR_OPTIONS } from './schemas.ts';

export type App = FastifyInstance;

const NO_RATE_LIMIT_HEADERS = {
  'x-ratelimit-limit': false,
  'x-ratelimit-remaining': false,
  'x-ratelimit-reset': false,
} as const;

/**
 * Builds the HTTP app over an assembled Seatwise: conventions first (R-API-1, R-API-2, R-API-3, R-API-4, R-API-5, R-API-6), then the routes. The app
 * does not listen; `server.ts` does, and tests use `inject`.
 */
export async function buildApp(seatwise: Seatwise, options: { consoleDist?: string } = {}): Promise<App> {
  const app = Fastify({
    logger: { level: seatwise.config.logLevel },
    // Logging every request halved throughput here; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    ajv: { customOptions: VALIDATOR_OPTIONS },
    // Behind a TLS proxy, its X-Forwarded-Proto makes the request https (the session cookie is then Secure).
    trustProxy: seatwise.config.trustProxy,
    // What the router or Node's HTTP parser refuses still gets a Partner Center error body.
    frameworkErrors: (error, req, reply) => {
      applyApiHeaders(reply.raw);
      void frameworkError(error, req, reply);
    },
    clientErrorHandler: clientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ErrorBody);
  // The console's page answers its own routes; known once the console is installed, after the API routes.
  const spa: { fallback?: Awaited<ReturnType<typeof installConsole>> } = {};
  installErrorHandler(app, () => spa.fallback);
  // Security headers first, so that even a refusal by the input guard carries them.
  app.addHook('onRequest', (_req, reply, done) => {
    void reply.headers(API_SECURITY_HEADERS);
    done();
  });
  // Before anything reads the request: no NUL, unpaired surrogate or infinite number gets past (a 400).
  installInputGuard(app);

  // MS-CorrelationId is echoed; a request without one starts a chain of its own, named by its request id (one
  // UUID per request, not two), so every log line and 500 can be traced.
  app.decorateRequest('correlationId', '');
  // Callback-style hooks here and below: every request passes them, and an async hook costs a promise each.
  app.addHook('onRequest', (req, reply, done) => {
    const given = req.headers['ms-correlationid'];
    req.correlationId = typeof given === 'string' && given ? given.slice(0, 128) : req.id;
    void reply.header('MS-CorrelationId', req.correlationId);
    // Echoed as far as it is read (idempotency.ts keeps 200 characters): never a header a client cannot take.
    const requestId = req.headers['ms-requestid'];
    void reply.header(
      'MS-RequestId',
      typeof requestId === 'string' && requestId ? requestId.slice(0, 200) : req.id,
    );
    // AutoRest clients match answers to calls by this header (R-API-1).
    const clientRequestId = req.headers['x-ms-client-request-id'];
    if (typeof clientRequestId === 'string' && clientRequestId)
      void reply.header('x-ms-client-request-id', clientRequestId.slice(0, 128));
    done();
  });

  // One histogram per Seatwise, even when an app is built over it again (tests build several).
  const httpDuration =
    (seatwise.metrics.getSingleMetric('seatwise_http_request_duration_seconds') as
      Histogram<'method' | 'route' | 'status'> | undefined) ??
    new Histogram({
      name: 'seatwise_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [seatwise.metrics],
    });
  app.addHook('onResponse', (req, reply, done) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  await app.register(cookie);
  await app.register(rateLimit, {
    max: seatwise.config.rateLimitPerMinute,
    timeWindow: 60_000,
    // The plugin's in-memory store, sized for the callers one process sees at once (least recent dropped).
    cache: 10_000,
    // Keyed by caller (token or session), falling back to the address; no database read on this path.
    keyGenerator: (req) => callerHash(req) ?? req.ip,
    allowList: (req) => isPublic(req),
    // Partner Center's answers carry no x-ratelimit-* headers, only Retry-After on a 429 (R-API-5, the
    // plugin's default); three more headers on every answer cost each request Node's header writing.
    addHeadersOnExceeding: NO_RATE_LIMIT_HEADERS,
    addHeaders: NO_RATE_LIMIT_HEADERS,
    errorResponseBuilder: (_req, ctx) =>
      new DomainError('rate_limited', 429, 'rate.limited', { seconds: Math.ceil(ctx.ttl / 1000) }),
  });

  markDocsPublic(app);
  await app.register(swagger, {
    // Shared schemas are named by their $id (Subscription, Customer, ...) rather than def-0, def-1, ...
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Seatwise API',
        version: '1',
        description:
          'Partner Center compatible subscription management. Authenticate with `Authorization: Bearer <token>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transformObject: (documents) =>
      documentedFormats('openapiObject' in documents ? documents.openapiObject : documents.swaggerObject),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', validatorUrl: null },
    staticCSP: DOCS_CSP,
    // The documentation is pages: helmet's page headers beside the CSP above.
    uiHooks: {
      onRequest: (_req, reply, done) => {
        void reply.headers(PAGE_SECURITY_HEADERS);
        done();
      },
    },
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, () => app.swagger());

  installCaseInsensitiveBodies(app);
  installAuthentication(app, seatwise);

  await app.register(healthRoutes(seatwise));
  await app.register(sessionRoutes(seatwise));
  await app.register(partnerRoutes(seatwise));
  await app.register(testClockRoutes(seatwise));
  await app.register(auditRoutes(seatwise));
  await app.register(customerRoutes(seatwise));
  await app.register(catalogRoutes(seatwise));
  await app.register(orderRoutes(seatwise));
  await app.register(subscriptionRoutes(seatwise));
  await app.register(webhookRoutes(seatwise));
  await app.register(billingRoutes(seatwise));
  await app.register(invoiceRoutes(seatwise));
  await app.register(customerUserRoutes(seatwise));
  await app.register(accessRoutes(seatwise));
  await app.register(pricingRoutes(seatwise));
  // Last, so that its wildcard route never stands before an API route (find-my-way prefers the specific).
  spa.fallback = await installConsole(app, options.consoleDist);
  return app;
}
