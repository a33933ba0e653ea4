import type { FastifyHelmetOptions } from '@fastify/helmet';
import helmet from 'helmet';

/**
 * The security headers of every API answer, from helmet (the ecosystem's maintained set, which keeps up with
 * what browsers honour): `X-Content-Type-Options: nosniff`, a CSP that lets a JSON answer load nothing and be
 * framed by no one, `X-Frame-Options: DENY`, and the rest of helmet's defaults. HSTS is left to the operator's
 * TLS proxy, which knows whether every subdomain is served over TLS. The console (console.ts) and the API's
 * documentation (DOCS_CSP) replace the CSP with the one their pages need.
 */
export const API_HELMET = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  frameguard: { action: 'deny' },
  strictTransportSecurity: false,
} satisfies FastifyHelmetOptions;

/**
 * The same headers applied to a raw Node response, for answers written outside Fastify's hooks (the router's
 * own refusals): built once, so each answer only sets a few headers.
 */
export const applyApiHeaders: (
  req: Parameters<ReturnType<typeof helmet>>[0],
  res: Parameters<ReturnType<typeof helmet>>[1],
) => void = (() => {
  const middleware = helmet(API_HELMET);
  return (req, res) => middleware(req, res, () => {});
})();

/**
 * Swagger UI at /docs: its scripts and styles are files served beside the page (no inline script), it fetches
 * /openapi.json from the same origin, and draws some elements with inline styles; nothing may frame it. The
 * online validator's badge is turned off (uiConfig.validatorUrl), so no other origin is needed.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');
