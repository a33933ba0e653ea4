import { hash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Cloud } from '../domain/cloud.ts';

// scrypt is memory-hard and ships with Node: N=2^15, r=8 uses 32 MiB per hash (OWASP's minimum is 2^17 KiB
// of work; this takes ~80 ms here). The parameters are stored with the hash so they can be raised later.
const N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A password hash in the form `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A new API token. Its prefix names the instance that issued it, so that another instance can say so
 * instead of only "unknown token" (SPEC §6); the secret part is 256 random bits.
 */
export const newApiToken = (cloud: Cloud): string => `sw_${cloud}_${randomBytes(32).toString('base64url')}`;

/** The instance named by a token's prefix, if it has one. */
export function tokenIssuer(token: string): string | undefined {
  const m = /^sw_([a-z]+)_/.exec(token);
  return m?.[1];
}

/**
 * Tokens and session ids are high-entropy secrets: a fast hash is enough, and lookups stay fast. The one-shot
 * `hash` (hex by default) makes no Hash object: 0.24 µs against `createHash`'s 0.99 for a token, every request.
 */
export const sha256 = (value: string): string => hash('sha256', value);

export const newSecret = (): string => randomBytes(32).toString('base64url');

/** The last characters of a token, so that a person can tell their tokens apart in a list. */
export const tokenHint = (token: string): string => `…${token.slice(-4)}`;
