import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_SECURITY_HEADERS } from './security-headers.ts';

/** Where `npm run build:web` (vite) writes the partner console. */
export const CONSOLE_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist');

/** Paths that belong to the API and operations: never answered with the console's page. */
const API_PREFIXES = ['/v1/', '/v1?', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics'];
export const isApiPath = (url: string): boolean =>
  url === '/v1' || API_PREFIXES.some((p) => url === p || url.startsWith(p));

// The console is a client of the API on the same origin: scripts, styles and calls from here only. Its files
// are pages (or what pages load): helmet's page headers, with the console's own CSP and referrer policy.
const CONSOLE_HEADERS = {
  ...PAGE_SECURITY_HEADERS,
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'referrer-policy': 'same-origin',
};

/**
 * Serves the built console (web/dist) at `/`, its hashed assets cached for good and `index.html` never, and
 * answers any other GET that is not an API path with `index.html` so that the console's own routes
 * (`/customers/…`) survive a reload. Returns the not-found fallback for the error handler, or undefined
 * when the console is not built (then `/` says how to build it).
 */
export async function installConsole(
  app: FastifyInstance,
  dist = CONSOLE_DIST,
): Promise<((req: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined) | undefined> {
  if (!existsSync(join(dist, 'index.html'))) {
    app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The partner console is not built: run `npm run build:web` (npm start does it).\n'),
    );
    return undefined;
  }
  await app.register(async (scope) => {
    // The console's files need no token: they hold no data, and the page signs in through the API.
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
      route.schema = { ...(route.schema ?? {}), hide: true };
    });
    await scope.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      index: false,
      // Vite names every asset by its content hash: a cached copy never goes stale.
      cacheControl: false,
      setHeaders: (reply, path) => {
        void reply.headers({
          ...CONSOLE_HEADERS,
          'cache-control': path.startsWith(join(dist, 'assets'))
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        });
      },
    });
    scope.get('/', (_req, reply) => page(reply, dist));
  });
  return (req, reply) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.url)) return undefined;
    return page(reply, dist);
  };
}

/** The console's page, read at each request (a small file, in the OS cache) so that a rebuild shows at once. */
function page(reply: FastifyReply, dist: string): FastifyReply {
  return reply
    .headers({ ...CONSOLE_HEADERS, 'cache-control': 'no-cache' })
    .type('text/html; charset=utf-8')
    .send(readFileSync(join(dist, 'index.html')));
}
