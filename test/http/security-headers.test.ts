import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import helmet from 'helmet';
import { API_HELMET, API_SECURITY_HEADERS, PAGE_SECURITY_HEADERS } from '../../src/http/security-headers.ts';
import { BOOTSTRAP_PASSWORD, newSeatwise, type TestSeatwise } from '../support/seatwise.ts';

const open: TestSeatwise[] = [];
const closers: (() => unknown)[] = [];
const start = async (env: Record<string, string> = {}) => {
  const t = await newSeatwise(env);
  open.push(t);
  return t;
};
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const t of open.splice(0)) await t.close();
});

const cspDirectives = (header: unknown): Map<string, string> =>
  new Map(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...values] = d.split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
  );

/** What helmet itself sets with Seatwise's options, asked of it here (not of the constants under test). */
const helmetSet = (): Record<string, string> => {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(API_HELMET)({} as never, res as never, () => {});
  return headers;
};
const PAGE_ONLY = Object.keys(helmetSet()).filter(
  (h) =>
    ![
      'content-security-policy',
      'cross-origin-resource-policy',
      'x-content-type-options',
      'x-frame-options',
    ].includes(h),
);

const signIn = (t: TestSeatwise, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/v1/sessions',
    headers,
    remoteAddress,
    payload: { userName: 'admin', password: BOOTSTRAP_PASSWORD },
  });
const sessionCookie = (res: Awaited<ReturnType<typeof signIn>>) => {
  const cookies = res.headers['set-cookie'];
  return [cookies ?? []].flat().find((c) => c.startsWith('seatwise_session=') || /session/i.test(c));
};

describe('security headers', () => {
  it('R-API-4: every API answer carries X-Content-Type-Options: nosniff and a CSP that loads nothing and allows no framing', async () => {
    const t = await start();
    const answers = [
      await t.app.inject({ url: '/v1/customers', headers: t.auth }), // 200
      await t.app.inject({ url: '/v1/customers' }), // 401
      await t.app.inject({ url: '/v1/nothing-here', headers: t.auth }), // 404
      await t.app.inject({ url: '/v1/customers?size=0', headers: t.auth }), // 400 from validation
      await t.app.inject({ url: '/v1/customers?search=%00', headers: t.auth }), // 400 from the input guard
      await t.app.inject({ url: '/v1/customers', headers: { ...t.auth, 'ms-correlationid': 'a\u0000' } }),
      await t.app.inject({ url: '/v1/customers/%E0%A4%A', headers: t.auth }), // the router's own refusal
      await t.app.inject({ url: '/openapi.json' }),
      await t.app.inject({ url: '/healthz' }),
      await t.app.inject({
        method: 'POST',
        url: '/v1/accessdecisions',
        headers: t.auth,
        payload: { tenantId: '00000000-0000-4000-8000-000000000000', userId: 'someone' },
      }), // 404: no such tenant
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 404, 400, 400, 400, 400, 200, 200, 404]);
    // The part of helmet's set that acts on an answer that is not a page, with helmet's values, on every answer;
    // the rest of it (what a page does) on pages only, and together they are helmet's whole set.
    const helmets = helmetSet();
    expect({ ...API_SECURITY_HEADERS, ...PAGE_SECURITY_HEADERS }).toEqual(helmets);
    expect(PAGE_ONLY.length).toBeGreaterThanOrEqual(6);
    for (const a of answers) {
      for (const h of Object.keys(API_SECURITY_HEADERS)) expect(a.headers[h], h).toBe(helmets[h]);
      for (const h of PAGE_ONLY) expect(a.headers[h], h).toBeUndefined();
    }
    for (const a of answers) {
      expect(a.headers['x-content-type-options'], a.body).toBe('nosniff');
      expect(a.headers['x-frame-options']).toBe('DENY');
      const csp = cspDirectives(a.headers['content-security-policy']);
      expect(csp.get('default-src')).toBe("'none'");
      expect(csp.get('frame-ancestors')).toBe("'none'");
    }
  });

  it("R-API-4: /docs gets a CSP that allows Swagger UI's own files and the document, no framing, and helmet's page headers", async () => {
    const t = await start();
    const page = await t.app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    const script = await t.app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(script.statusCode).toBe(200);
    for (const a of [page, script]) {
      const csp = cspDirectives(a.headers['content-security-policy']);
      expect(csp.get('script-src')).toBe("'self'");
      expect(csp.get('connect-src')).toBe("'self'");
      expect(csp.get('style-src')).toContain("'self'");
      expect(csp.get('frame-ancestors')).toBe("'none'");
      expect(csp.get('object-src')).toBe("'none'");
      expect(a.headers['x-frame-options']).toBe('DENY');
      expect(a.headers['x-content-type-options']).toBe('nosniff');
      for (const h of PAGE_ONLY) expect(a.headers[h], h).toBe(helmetSet()[h]);
    }
    // Every script the page loads is a file from /docs itself (the CSP allows no inline script).
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    const scripts = [...page.body.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect(src).toMatch(/^(\.\/|\/docs\/)/);
    // The page reads the document from the same origin.
    expect(script.body).toContain("resolveUrl('./json')");
    expect((await t.app.inject({ url: '/docs/json' })).statusCode).toBe(200);
  });

  it("R-API-4: the console keeps its own strict CSP, with helmet's other headers beside it", async () => {
    const t = await start();
    const dist = mkdtempSync(join(tmpdir(), 'seatwise-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
    const app = await buildApp(t.seatwise, { consoleDist: dist });
    closers.push(
      () => app.close(),
      () => rmSync(dist, { recursive: true, force: true }),
    );
    for (const url of ['/', '/customers/x', '/assets/app-1234.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      const csp = cspDirectives(res.headers['content-security-policy']);
      expect(csp.get('default-src')).toBe("'self'");
      expect(csp.get('script-src')).toBe("'self'");
      expect(csp.get('connect-src')).toBe("'self'");
      expect(csp.get('frame-ancestors')).toBe("'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      for (const h of PAGE_ONLY.filter((name) => name !== 'referrer-policy'))
        expect(res.headers[h], h).toBe(helmetSet()[h]);
    }
  });

  it('R-API-4: the session cookie is Secure when the request came over TLS through a trusted proxy, and only then', async () => {
    const plain = await start();
    const overHttp = await signIn(plain);
    expect(overHttp.statusCode).toBe(201);
    expect(sessionCookie(overHttp)).toMatch(/HttpOnly/i);
    expect(sessionCookie(overHttp)).not.toMatch(/;\s*Secure/i);
    // Without a trusted proxy, a client cannot claim TLS with a header.
    const claimed = await signIn(plain, { 'x-forwarded-proto': 'https' });
    expect(sessionCookie(claimed)).not.toMatch(/;\s*Secure/i);

    const proxied = await start({ SEATWISE_TRUST_PROXY: '127.0.0.1' });
    const viaTls = await signIn(proxied, { 'x-forwarded-proto': 'https' });
    expect(viaTls.statusCode).toBe(201);
    expect(sessionCookie(viaTls)).toMatch(/;\s*Secure/i);
    expect(sessionCookie(viaTls)).toMatch(/SameSite=Strict/i);
    // The proxy's plain-HTTP requests keep a cookie without Secure (a browser would drop a Secure one).
    expect(sessionCookie(await signIn(proxied, { 'x-forwarded-proto': 'http' }))).not.toMatch(/;\s*Secure/i);
    // A client that is not the trusted proxy cannot claim TLS either.
    const stranger = await signIn(proxied, { 'x-forwarded-proto': 'https' }, '203.0.113.9');
    expect(sessionCookie(stranger)).not.toMatch(/;\s*Secure/i);
  });
});
