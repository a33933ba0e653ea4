import type { OutgoingHttpHeaders } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The security headers of every API answer, chosen by helmet (the ecosystem's maintained set, which keeps up
 * with what browsers honour): `X-Content-Type-Options: nosniff`, a CSP that lets a JSON answer load nothing and
 * be framed by no one, `X-Frame-Options: DENY`, and the rest of helmet's defaults. HSTS is left to the
 * operator's TLS proxy, which knows whether every subdomain is served over TLS. The console (console.ts) and
 * the API's documentation (DOCS_CSP) replace the CSP with the one their pages need.
 */
export const API_HELMET = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  frameguard: { action: 'deny' },
  strictTransportSecurity: false,
} satisfies HelmetOptions;

/**
 * Those headers as helmet sets them, asked of helmet once at start: they depend on nothing in the request, so
 * each answer sets them with one call instead of running helmet's eleven middlewares again (a tenth of an
 * access decision's CPU when it did, docs/benchmarks.md).
 */
export const API_SECURITY_HEADERS: Readonly<OutgoingHttpHeaders> = (() => {
  const headers: OutgoingHttpHeaders = {};
  // Named in lower case, as Fastify names the headers it is given (it would lower-case a fresh copy of each
  // name on every answer otherwise; the names are case-insensitive on the wire).
  const response = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(API_HELMET)({} as never, response as never, () => {});
  return Object.freeze(headers);
})();

/** The same headers on a raw Node response, for answers written outside Fastify's hooks (the router's refusals). */
export function applyApiHeaders(res: { setHeader(name: string, value: string): unknown }): void {
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) res.setHeader(name, String(value));
}

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
