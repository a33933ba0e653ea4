import helmet, { type HelmetOptions } from 'helmet';

/**
 * The security headers helmet sets (the ecosystem's maintained set, which keeps up with what browsers honour):
 * `X-Content-Type-Options: nosniff`, a CSP that lets a JSON answer load nothing and be framed by no one,
 * `X-Frame-Options: DENY`, and the rest of helmet's defaults. HSTS is left to the operator's TLS proxy, which
 * knows whether every subdomain is served over TLS. The console (console.ts) and the API's documentation
 * (DOCS_CSP) replace the CSP with the one their pages need.
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
 * helmet's headers, asked of helmet once at start: they depend on nothing in the request, so an answer sets
 * them with one call instead of running helmet's eleven middlewares again (a tenth of an access decision's CPU
 * when it did, docs/benchmarks.md).
 */
const HELMET_HEADERS: Readonly<Record<string, string>> = (() => {
  const headers: Record<string, string> = {};
  // Named in lower case, as Fastify names the headers it is given (it would lower-case a fresh copy of each
  // name on every answer otherwise; the names are case-insensitive on the wire).
  const response = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(API_HELMET)({} as never, response as never, () => {});
  return Object.freeze(headers);
})();

/**
 * Those of helmet's headers that act on an answer a browser does not show as a page (JSON, a PDF, a script):
 * it is read only as the type it says (`nosniff`), loads nothing and is framed by no one (the CSP and
 * `X-Frame-Options`), and no other site may embed it (`Cross-Origin-Resource-Policy`). Every answer has them.
 */
const ANSWER_HEADER_NAMES = [
  'content-security-policy',
  'cross-origin-resource-policy',
  'x-content-type-options',
  'x-frame-options',
];

const pick = (keep: (name: string) => boolean): Readonly<Record<string, string>> =>
  Object.freeze(Object.fromEntries(Object.entries(HELMET_HEADERS).filter(([name]) => keep(name))));

/** The security headers of every answer, API or page (set first, so that even a refusal carries them). */
export const API_SECURITY_HEADERS = pick((name) => ANSWER_HEADER_NAMES.includes(name));

/**
 * The rest of helmet's set, which governs what a page does: the pages that would open windows, follow links or
 * run in a shared process (COOP, Origin-Agent-Cluster, Referrer-Policy, DNS prefetching, and the legacy
 * headers for IE, Adobe clients and the retired XSS auditor). The console's and the documentation's answers
 * add them; a JSON answer has none of those behaviours, and each header cost every access decision about 1 %
 * of its CPU to write (docs/benchmarks.md).
 */
export const PAGE_SECURITY_HEADERS = pick((name) => !ANSWER_HEADER_NAMES.includes(name));

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
